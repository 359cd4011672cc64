"""InstrumentScreening: a do-no-harm screening of a foreign-policy instrument (lesson 07).

>>> w = InstrumentScreening(instrument="comprehensive_sanctions", country="IRQ")
>>> w.rate_children.value = -2
>>> w.summary["serious"]
['children']
>>> w.ratings_panel.chart.params.ratings[8]  # 7 dimensions, then women and girls, children
-2
"""

from __future__ import annotations

import html

import ipywidgets as W
import pandas as pd

from widgets import data
from widgets._paths import work_dir
from widgets.charts.screening import (
    COUNTRY_LINE,
    PEERS_LINE,
    history_chart,
    profile_chart,
    ratings_chart,
)
from widgets.errors import LabInputError
from widgets.screening import (
    PROFILE_INDICATORS,
    aspect_labels,
    before_after,
    check_instrument,
    load_guidance,
    load_sanctions_episodes,
    percentiles_worse_all,
    save_note,
    screening_note,
    summarise_screening,
)
from widgets.ui import ChartPanel, LabWidget

__all__ = ["InstrumentScreening"]

#: Indicators offered for the historical reading.
HISTORY_INDICATORS = ("under5_mortality", "life_expectancy", "gdp_pc", "undernourishment",
                      "maternal_mortality")


class InstrumentScreening(LabWidget):
    """Screen an instrument for unintended harm, by dimension and affected group.

    Parameters
    ----------
    instrument : key from the guidance (e.g. ``"targeted_sanctions"``).
    country : ISO3 code or name of the target country.
    """

    state_name = "instrument_screening"

    def __init__(self, instrument: str = "comprehensive_sanctions", country: str = "IRQ") -> None:
        self._guidance = load_guidance()
        instrument = check_instrument(instrument)
        iso3 = data.check_country(country)
        self._labels = aspect_labels()
        kinds = {k: ("dimension" if k in self._guidance["dimensions"] else "group")
                 for k in self._labels}
        # ---- precompute every country's vulnerability profile (percentiles)
        countries = data.load_countries()
        self._names = dict(zip(countries["iso3"], countries["name"], strict=True))
        self._profiles = self._all_profiles()
        self._profile_by_country = {c: part for c, part in self._profiles.groupby("iso3")}
        self._countries = countries
        self._hist_panel = data.load_panel(list(HISTORY_INDICATORS), years=(1985, 2012))
        self.profile: pd.DataFrame = pd.DataFrame()

        # ---- controls
        insts = self._guidance["instruments"]
        self.instrument = W.Dropdown(options=[(v["label"], k) for k, v in insts.items()],
                                     value=instrument, description="Instrument",
                                     layout=W.Layout(width="560px"))
        order = sorted(self._names, key=lambda c: self._names[c])
        self.country = W.Dropdown(options=[(self._names[c], c) for c in order], value=iso3,
                                  description="Target country", style={"description_width":
                                                                       "initial"},
                                  layout=W.Layout(width="360px"))
        self.guidance = W.HTML()
        scale = self._guidance["scale"]
        options = [(scale[v], v) for v in (-2, -1, 0, 1, 2)]
        self._rating_controls: dict[str, W.Dropdown] = {}
        self._prompts: dict[str, W.HTML] = {}
        rows = []
        for key, label in self._labels.items():
            dd = W.Dropdown(options=options, value=0, description=label,
                            style={"description_width": "230px"}, layout=W.Layout(width="420px"))
            setattr(self, f"rate_{key}", dd)
            self._rating_controls[key] = dd
            hint = W.HTML(layout=W.Layout(width="460px"))
            self._prompts[key] = hint
            rows.append(W.HBox([dd, hint]))
        mits = self._guidance["mitigations"]
        self._mitigation_controls: dict[str, W.Checkbox] = {}
        mit_rows = []
        for key, m in mits.items():
            cb = W.Checkbox(value=False, description=m["label"], indent=False,
                            layout=W.Layout(width="auto"))
            setattr(self, f"mitigate_{key}", cb)
            self._mitigation_controls[key] = cb
            mit_rows.append(W.HBox([cb, W.HTML(f"<span style='font-size:12px;color:#555'>"
                                               f"{html.escape(m['what'])}</span>")]))
        self.author = W.Text(value="", description="Your name or team",
                             style={"description_width": "initial"},
                             layout=W.Layout(width="420px"))
        self.notes = W.Textarea(value="", description="Your notes",
                                placeholder="Evidence, assumptions, who you would consult...",
                                layout=W.Layout(width="720px", height="80px"))
        self.save_button = W.Button(description="Save screening note", icon="save",
                                    button_style="primary",
                                    tooltip="Save the note as a new Markdown file in my-work")
        self.summary_html = W.HTML()
        self.note_preview = W.HTML()
        self.saved_paths: list = []
        self.state_controls = ("instrument", "country", "author", "notes",
                               *(f"rate_{k}" for k in self._labels),
                               *(f"mitigate_{k}" for k in mits))

        # ---- panels
        self.profile_panel = ChartPanel(
            profile_chart(self._profiles, iso3, self._names[iso3]), "",
            caption="Vulnerability profile",
            source="Sources: the lab's data catalogue (see the table for the year of each value): "
                   + "; ".join(sorted({data.indicator_info(i).publisher
                                       for i in PROFILE_INDICATORS})) + ".")
        self.ratings_panel = ChartPanel(
            ratings_chart(self._labels, kinds, [0] * len(self._labels)), "",
            caption="Your ratings")
        # ---- history
        self._episodes = load_sanctions_episodes()
        self.episode = W.Dropdown(
            options=[(f"{r.country}: {r.imposed:%Y}–{r.lifted:%Y}", r.iso3)
                     for r in self._episodes.itertuples()],
            value=self._episodes["iso3"].iloc[0], description="Sanctions episode",
            style={"description_width": "initial"}, layout=W.Layout(width="420px"))
        self.history_indicator = W.Dropdown(
            options=[(data.indicator_info(i).label, i) for i in HISTORY_INDICATORS],
            value="under5_mortality", description="Indicator", layout=W.Layout(width="460px"))
        self.episode_text = W.HTML()
        self._precompute_history()
        first = self._history_views[(self.episode.value, self.history_indicator.value)]
        self.history_panel = ChartPanel(
            history_chart(self._history_rows, self._history_periods, self.episode.value,
                          self.history_indicator.value, first["title"]),
            first["description"], first["table"], caption="Indicator around sanctions",
            source=first["source"])
        self.episode_text.value = first["episode_html"]

        super().__init__([
            W.HBox([self.instrument, self.country]), self.guidance,
            W.HTML("<h3 style='font-size:1em;margin:8px 0 4px'>1. Who is vulnerable? (data)</h3>"),
            self.profile_panel,
            W.HTML("<h3 style='font-size:1em;margin:8px 0 4px'>2. Expected effects: your ratings</h3>"
                   "<p style='max-width:720px'>Rate the expected effect of the instrument on "
                   "each dimension of human security and on each group, from −2 (serious "
                   "harm) to +2 (clear benefit). The prompt beside each row comes from the "
                   "guidance for this instrument; the judgement is yours.</p>"),
            *rows, self.ratings_panel,
            W.HTML("<h3 style='font-size:1em;margin:8px 0 4px'>3. Mitigation</h3>"), *mit_rows,
            self.summary_html,
            W.HTML("<h3 style='font-size:1em;margin:8px 0 4px'>4. Your screening note</h3>"),
            self.author, self.notes, self.save_button, self.note_preview,
            W.HTML("<h3 style='font-size:1em;margin:12px 0 4px'>5. A historical reading: indicators around "
                   "UN comprehensive sanctions</h3>"),
            W.HBox([self.episode, self.history_indicator]), self.episode_text,
            self.history_panel,
        ])
        self.on_change(self.instrument, self._on_instrument)
        self.on_change(self.country, self._on_country)
        self.on_change(list(self._rating_controls.values())
                       + list(self._mitigation_controls.values()) + [self.author, self.notes],
                       self._on_ratings)
        self.on_change([self.episode, self.history_indicator], self._on_history)
        self.save_button.on_click(self.safe(self._on_save))
        self._on_instrument()
        self._on_country()

    # ------------------------------------------------------------------ precompute
    def _all_profiles(self) -> pd.DataFrame:
        """Every country's latest value and percentile for the profile indicators."""
        parts = []
        for ind in PROFILE_INDICATORS:
            info = data.indicator_info(ind)
            lv = data.latest_values(ind)
            lv = lv.assign(indicator=ind, label=info.short_label + f" ({info.unit})",
                           group=PROFILE_INDICATORS[ind], n_countries=len(lv),
                           worse_than_pct=percentiles_worse_all(lv["value"], info.direction))
            parts.append(lv)
        have = pd.concat(parts, ignore_index=True)
        # one row per country and indicator, with "no data" rows kept visible
        grid = pd.MultiIndex.from_product([list(self._names), list(PROFILE_INDICATORS)],
                                          names=["iso3", "indicator"]).to_frame(index=False)
        out = grid.merge(have.drop(columns=["name"]), on=["iso3", "indicator"], how="left")
        labels = {i: data.indicator_info(i).short_label + f" ({data.indicator_info(i).unit})"
                  for i in PROFILE_INDICATORS}
        out["label"] = out["indicator"].map(labels)
        out["group"] = out["indicator"].map(PROFILE_INDICATORS)
        out["n_countries"] = out["indicator"].map(
            have.groupby("indicator")["n_countries"].first())
        out["year"] = out["year"].astype("Int64")
        return out[["iso3", "indicator", "label", "group", "value", "year", "n_countries",
                    "worse_than_pct"]]

    # ------------------------------------------------------------------ callbacks
    @property
    def ratings(self) -> dict[str, int]:
        return {k: int(c.value) for k, c in self._rating_controls.items()}

    @property
    def mitigations(self) -> list[str]:
        return [k for k, c in self._mitigation_controls.items() if c.value]

    def _on_instrument(self, change=None) -> None:
        inst = self._guidance["instruments"][self.instrument.value]
        mits = self._guidance["mitigations"]
        suggested = ", ".join(mits[m]["label"] for m in inst["suggested_mitigations"])
        self.guidance.value = (
            "<div style='max-width:760px;background:#f4f7fa;padding:6px 10px;"
            "border-left:4px solid #0072B2'>"
            f"<p style='margin:2px 0'><b>What it is:</b> {html.escape(inst['what'])}</p>"
            f"<p style='margin:2px 0'><b>How it can cause harm:</b> "
            f"{html.escape(inst['channels'])}</p>"
            f"<p style='margin:2px 0'><b>Mitigations to consider:</b> {html.escape(suggested)}</p>"
            "<p style='margin:2px 0;font-size:12px;color:#555'>Guidance is teaching material "
            "(widgets/assumptions/screening_guidance.yml), drawn from: "
            f"{html.escape(' '.join(inst['sources']))}</p></div>")
        for key, hint in self._prompts.items():
            hint.value = ("<span style='font-size:12px;color:#444'>"
                          f"{html.escape(inst['prompts'].get(key, ''))}</span>")
        self._on_ratings()

    def _on_country(self, change=None) -> None:
        iso3 = self.country.value
        name = self._names[iso3]
        prof = self._profile_by_country[iso3]
        self.profile = prof
        self.profile_panel.set_params(country=iso3, country_name=name)
        have = prof.dropna(subset=["worse_than_pct"])
        if have.empty:
            text = f"{name} has no data on these indicators in the lab's datasets."
        else:
            worst = have.sort_values("worse_than_pct", ascending=False).head(3)
            parts = [f"{r.label.split(' (')[0]} (worse than {r.worse_than_pct:.0f}% of "
                     f"countries, {r.year})" for r in worst.itertuples()]
            missing = prof.loc[prof["worse_than_pct"].isna(), "label"].str.split(" [(]").str[0]
            gap = f" No data: {', '.join(missing)}." if len(missing) else ""
            text = (f"Vulnerability profile of {name}: {len(have)} of {len(prof)} indicators "
                    f"have data. Most vulnerable relative to other countries: "
                    f"{'; '.join(parts)}.{gap}")
        table = prof.drop(columns=["iso3", "indicator"]).rename(columns={
            "label": "Indicator", "group": "Speaks for", "value": "Value", "year": "Year",
            "n_countries": "Countries with data", "worse_than_pct": "Worse than % of countries"})
        self.profile_panel.update(description=text, table=table)
        if self.message_kind == "error":
            self.clear_message()
        self._on_ratings()

    def _on_ratings(self, change=None) -> None:
        ratings = self.ratings
        summary = summarise_screening(ratings, self.mitigations)
        self.summary = summary
        covered = dict(zip(summary["table"]["aspect"], summary["table"]["mitigated"],
                           strict=True))
        self.ratings_panel.set_params(ratings=[ratings[k] for k in self._labels],
                                      mitigated=[int(bool(covered.get(k))) for k in self._labels])
        labels = self._labels
        harms = ", ".join(f"{labels[k]} ({ratings[k]:+d})" for k in summary["harms"]) or "none"
        benefits = ", ".join(f"{labels[k]} ({ratings[k]:+d})" for k in summary["benefits"]) \
            or "none"
        self.ratings_panel.update(
            description=(f"Your ratings for {self.instrument.label} on "
                         f"{self._names[self.country.value]}. Harms: {harms}. "
                         f"Benefits: {benefits}. Mitigations chosen: "
                         + (", ".join(self._guidance["mitigations"][m]["label"]
                                      for m in self.mitigations) or "none")
                         + ". Harms no chosen mitigation addresses: "
                         + (", ".join(labels[k] for k in summary["unmitigated"]) or "none")
                         + "."),
            table=summary["table"].drop(columns=["aspect"]).rename(columns={
                "label": "Aspect", "kind": "Kind", "rating": "Rating",
                "mitigated": "Addressed by a chosen mitigation"}))
        flags = []
        if summary["unmitigated"]:
            flags.append("<li><b>Harm with no mitigation that addresses it:</b> "
                         + html.escape(", ".join(labels[k] for k in summary["unmitigated"]))
                         + "</li>")
        if summary["serious"]:
            flags.append("<li><b>Serious harm (−2):</b> "
                         + html.escape(", ".join(labels[k] for k in summary["serious"]))
                         + ". Ask whether the instrument should be used at all, or redesigned."
                           "</li>")
        if not summary["harms"]:
            flags.append("<li>No harm rated yet. Is that because there is none, or because "
                         "you have not looked? Read the prompts.</li>")
        self.summary_html.value = (
            "<div role='status' style='max-width:760px'><b>Screening flags</b><ul>"
            + "".join(flags) + "</ul><p style='font-size:12px;color:#555'>Sum of ratings: "
            f"dimensions {summary['net_dimensions']:+d}, groups {summary['net_groups']:+d}. A "
            "sum hides who bears the harm; read the rows.</p></div>")
        self.note_text = screening_note(
            self.instrument.value, self._names[self.country.value], summary, self.mitigations,
            self.profile, notes=self.notes.value, author=self.author.value)
        self.note_preview.value = (
            "<details><summary>Preview the note (Markdown)</summary><pre style='white-space:"
            "pre-wrap;max-width:760px;font-size:12px;background:#fafafa;padding:6px'>"
            f"{html.escape(self.note_text)}</pre></details>")

    def _on_save(self, button=None) -> None:
        stem = f"screening-{self.instrument.value}-{self.country.value}"
        path = save_note(self.note_text, work_dir(), stem)
        self.saved_paths.append(path)
        self.show_message(f"Saved as {path}. Earlier notes are kept; each save makes a new "
                          "file.", "info")

    def _precompute_history(self) -> None:
        """Series, comparison, texts and tables for every episode × indicator."""
        panel, countries = self._hist_panel, self._countries
        rows, periods = [], []
        self._history_views: dict[tuple[str, str], dict] = {}
        for ep in self._episodes.itertuples():
            iso3, name = ep.iso3, self._names[ep.iso3]
            sub = countries.loc[countries["iso3"] == iso3, "un_subregion"].iloc[0]
            peers = countries.loc[(countries["un_subregion"] == sub)
                                  & (countries["iso3"] != iso3), "iso3"]
            periods.append({"episode": iso3,
                            "start": ep.imposed.year + (ep.imposed.day_of_year - 1) / 365,
                            "end": ep.lifted.year + (ep.lifted.day_of_year - 1) / 365})
            episode_html = (
                f"<p style='max-width:760px'><b>{html.escape(ep.regime)}.</b> Imposed by "
                f"{html.escape(ep.imposed_by)}; ended by {html.escape(ep.lifted_by)}.</p>"
                "<p style='max-width:760px;font-size:12px;background:#fff4d6;padding:4px 8px'>"
                f"<b>Read with care:</b> {html.escape(ep.caveats)} Sanctions are never the only "
                "thing that changes; the comparison line shows neighbours, not what would have "
                "happened without sanctions. Estimates for crisis years are often modelled and "
                "were revised later (see Dyson and Cetorelli 2017 on Iraq).</p>")
            for ind in HISTORY_INDICATORS:
                info = data.indicator_info(ind)
                series = panel.loc[panel["iso3"] == iso3, ["year", ind]].rename(
                    columns={ind: "value"})
                comp = (panel[panel["iso3"].isin(peers)].groupby("year")[ind].median()
                        .reset_index().rename(columns={ind: "value"}))
                rows.append(series.assign(episode=iso3, indicator=ind, who=COUNTRY_LINE))
                rows.append(comp.assign(episode=iso3, indicator=ind, who=PEERS_LINE))
                comp_label = f"Median of other countries in {sub}"
                if series["value"].notna().sum() == 0:
                    desc = f"{info.short_label} has no data for {name} in these years."
                else:
                    ba = before_after(series, ep.imposed.year, ep.lifted.year, comp)
                    r = {x.moment: x for x in ba.itertuples()}

                    def fmt(x) -> str:
                        if pd.isna(x.year):
                            return "no data"
                        c = "" if pd.isna(x.comparison) else f" (comparison {x.comparison:,.3g})"
                        return f"{x.value:,.3g} in {x.year}{c}"

                    note = f" Note: {r['before'].note}." if r["before"].note else ""
                    desc = (f"{info.short_label} in {name}: before {fmt(r['before'])}; start "
                            f"{fmt(r['start'])}; end {fmt(r['end'])}; after {fmt(r['after'])}."
                            f"{note} Comparison: {comp_label[0].lower() + comp_label[1:]}. Sanctions in force "
                            f"{ep.imposed:%d %B %Y} to {ep.lifted:%d %B %Y}.")
                table = series.merge(comp.rename(columns={"value": "comparison"}), on="year",
                                     how="outer").rename(columns={"value": name,
                                                                  "comparison": comp_label})
                self._history_views[(iso3, ind)] = {
                    "description": desc, "table": table.sort_values("year"),
                    "source": info.source_line(), "episode_html": episode_html,
                    "title": f"{info.short_label} ({info.unit}): {name}",
                    "has_data": bool(series["value"].notna().any())}
        self._history_rows = pd.concat(rows, ignore_index=True)
        self._history_periods = pd.DataFrame(periods)

    def _on_history(self, change=None) -> None:
        iso3, ind = self.episode.value, self.history_indicator.value
        view = self._history_views[(iso3, ind)]
        self.episode_text.value = view["episode_html"]
        if not view["has_data"]:
            raise LabInputError(f"{view['description']} Choose another indicator.")
        self.history_panel.set_params(episode=iso3, indicator=ind, title=view["title"])
        self.history_panel.update(description=view["description"], table=view["table"],
                                  source=view["source"])
        if self.message_kind == "error":
            self.clear_message()
