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
from widgets.i18n import N_, _, format_percent, format_significant, get_language, sort_key
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


def _long_date(day) -> str:
    """A date written out (06 August 1990; 6 août 1990; 6 de agosto de 1990)."""
    lang = get_language()
    if lang == "en":
        return f"{day:%d %B %Y}"
    from babel.dates import format_date

    return format_date(day, format="long", locale=lang)


def _subregion(name: str) -> str:
    """A UN subregion's name (Western Asia...) in the reader's language, from CLDR (Babel)."""
    lang = get_language()
    if lang == "en":
        return name
    from babel import Locale

    code = {str(v): k for k, v in Locale.parse("en").territories.items()}.get(name)
    return str(Locale.parse(lang).territories.get(code, name)) if code else name


def _value(x: float) -> str:
    """A value to three significant digits, as the reader's language writes it."""
    return format_significant(x, 3)

#: The kinds of screened aspect, as the ratings table names them.
KINDS = {"dimension": N_("dimension"), "group": N_("group")}
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
        # country names in the reader's language (CLDR)
        self._names = {c: data.local_country_name(c) for c in countries["iso3"]}
        self._profiles = self._all_profiles()
        self._profile_by_country = {c: part for c, part in self._profiles.groupby("iso3")}
        self._countries = countries
        self._hist_panel = data.load_panel(list(HISTORY_INDICATORS), years=(1985, 2012))
        self.profile: pd.DataFrame = pd.DataFrame()

        # ---- controls
        insts = self._guidance["instruments"]
        self.instrument = W.Dropdown(options=[(v["label"], k) for k, v in insts.items()],
                                     value=instrument, description=_("Instrument"),
                                     layout=W.Layout(width="560px"))
        order = sorted(self._names, key=lambda c: sort_key(self._names[c]))
        self.country = W.Dropdown(options=[(self._names[c], c) for c in order], value=iso3,
                                  description=_("Target country"), style={"description_width":
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
            cb = W.Checkbox(value=False, description=m["label"], indent=False,  # i18n: not text
                            layout=W.Layout(width="auto"))
            setattr(self, f"mitigate_{key}", cb)
            self._mitigation_controls[key] = cb
            mit_rows.append(W.HBox([cb, W.HTML(f"<span style='font-size:12px;color:#555'>"
                                               f"{html.escape(m['what'])}</span>")]))
        self.author = W.Text(value="", description=_("Your name or team"),
                             style={"description_width": "initial"},
                             layout=W.Layout(width="420px"))
        self.notes = W.Textarea(value="", description=_("Your notes"),
                                placeholder=_("Evidence, assumptions, who you would consult..."),
                                layout=W.Layout(width="720px", height="80px"))
        self.save_button = W.Button(description=_("Save screening note"), icon="save",
                                    button_style="primary", layout=W.Layout(width="auto"),
                                    tooltip=_("Save the note as a new Markdown file in my-work"))
        self.summary_html = W.HTML()
        self.note_preview = W.HTML()
        self.saved_paths: list = []
        self.state_controls = ("instrument", "country", "author", "notes",
                               *(f"rate_{k}" for k in self._labels),
                               *(f"mitigate_{k}" for k in mits))

        # ---- panels
        self.profile_panel = ChartPanel(
            profile_chart(self._profiles, iso3, self._names[iso3]), "",
            caption=_("Vulnerability profile"),
            source=_("Sources: the lab's data catalogue (see the table for the year of each "
                     "value): {publishers}.").format(publishers="; ".join(sorted(
                         {data.indicator_info(i).publisher for i in PROFILE_INDICATORS}))))
        self.ratings_panel = ChartPanel(
            ratings_chart(self._labels, kinds, [0] * len(self._labels)), "",
            caption=_("Your ratings"))
        # ---- history
        self._episodes = load_sanctions_episodes()
        self.episode = W.Dropdown(
            options=[(_("{country}: {start}–{end}").format(
                country=r.country, start=f"{r.imposed:%Y}", end=f"{r.lifted:%Y}"), r.iso3)
                     for r in self._episodes.itertuples()],
            value=self._episodes["iso3"].iloc[0], description=_("Sanctions episode"),
            style={"description_width": "initial"}, layout=W.Layout(width="420px"))
        self.history_indicator = W.Dropdown(
            options=[(_(data.indicator_info(i).label), i) for i in HISTORY_INDICATORS],
            value="under5_mortality", description=_("Indicator"), layout=W.Layout(width="460px"))
        self.episode_text = W.HTML()
        self._precompute_history()
        first = self._history_views[(self.episode.value, self.history_indicator.value)]
        self.history_panel = ChartPanel(
            history_chart(self._history_rows, self._history_periods, self.episode.value,
                          self.history_indicator.value, first["title"]),
            first["description"], first["table"], caption=_("Indicator around sanctions"),
            source=first["source"])
        self.episode_text.value = first["episode_html"]

        h3 = "<h3 style='font-size:1em;margin:8px 0 4px'>"
        super().__init__([
            W.HBox([self.instrument, self.country]), self.guidance,
            W.HTML(h3 + _("1. Who is vulnerable? (data)") + "</h3>"),
            self.profile_panel,
            W.HTML(h3 + _("2. Expected effects: your ratings") + "</h3>"
                   "<p style='max-width:720px'>"
                   + _("Rate the expected effect of the instrument on each dimension of human "
                       "security and on each group, from −2 (serious harm) to +2 (clear "
                       "benefit). The prompt beside each row comes from the guidance for this "
                       "instrument; the judgement is yours.") + "</p>"),
            *rows, self.ratings_panel,
            W.HTML(h3 + _("3. Mitigation") + "</h3>"), *mit_rows,
            self.summary_html,
            W.HTML(h3 + _("4. Your screening note") + "</h3>"),
            self.author, self.notes, self.save_button, self.note_preview,
            W.HTML("<h3 style='font-size:1em;margin:12px 0 4px'>"
                   + _("5. A historical reading: indicators around UN comprehensive sanctions")
                   + "</h3>"),
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
            lv = lv.assign(indicator=ind, label=f"{_(info.short_label)} ({_(info.unit)})",
                           group=_(PROFILE_INDICATORS[ind]), n_countries=len(lv),
                           worse_than_pct=percentiles_worse_all(lv["value"], info.direction))
            parts.append(lv)
        have = pd.concat(parts, ignore_index=True)
        # one row per country and indicator, with "no data" rows kept visible
        grid = pd.MultiIndex.from_product([list(self._names), list(PROFILE_INDICATORS)],
                                          names=["iso3", "indicator"]).to_frame(index=False)
        out = grid.merge(have.drop(columns=["name"]), on=["iso3", "indicator"], how="left")
        labels = {i: f"{_(data.indicator_info(i).short_label)} ({_(data.indicator_info(i).unit)})"
                  for i in PROFILE_INDICATORS}
        out["label"] = out["indicator"].map(labels)
        out["group"] = out["indicator"].map(lambda i: _(PROFILE_INDICATORS[i]))
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
        p = "<p style='margin:2px 0'>"
        self.guidance.value = (
            "<div style='max-width:760px;background:#f4f7fa;padding:6px 10px;"
            "border-left:4px solid #0072B2'>"
            + p + "<b>" + _("What it is:") + f"</b> {html.escape(inst['what'])}</p>"
            + p + "<b>" + _("How it can cause harm:") + f"</b> {html.escape(inst['channels'])}</p>"
            + p + "<b>" + _("Mitigations to consider:") + f"</b> {html.escape(suggested)}</p>"
            "<p style='margin:2px 0;font-size:12px;color:#555'>"
            + html.escape(_("Guidance is teaching material "
                            "(widgets/assumptions/screening_guidance.yml), drawn from: {sources}"
                            ).format(sources=" ".join(inst["sources"])), quote=False)
            + "</p></div>")
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
            text = _("{country} has no data on these indicators in the lab's datasets.").format(
                country=name)
        else:
            worst = have.sort_values("worse_than_pct", ascending=False).head(3)
            parts = [_("{indicator} (worse than {share} of countries, {year})").format(
                indicator=r.label.split(" (")[0], share=format_percent(r.worse_than_pct / 100),
                year=r.year) for r in worst.itertuples()]
            missing = prof.loc[prof["worse_than_pct"].isna(), "label"].str.split(" [(]").str[0]
            gap = (" " + _("No data: {indicators}.").format(indicators=", ".join(missing))
                   if len(missing) else "")
            text = _("Vulnerability profile of {country}: {n} of {total} indicators have data. "
                     "Most vulnerable relative to other countries: {list}.").format(
                country=name, n=len(have), total=len(prof), list=_("; ").join(parts)) + gap
        table = prof.drop(columns=["iso3", "indicator"]).rename(columns={
            "label": _("Indicator"), "group": _("Speaks for"), "value": _("Value"),
            "year": _("Year"), "n_countries": _("Countries with data"),
            "worse_than_pct": _("Worse than % of countries")})
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
        none = _("none")
        harms = ", ".join(f"{labels[k]} ({ratings[k]:+d})" for k in summary["harms"]) or none
        benefits = ", ".join(f"{labels[k]} ({ratings[k]:+d})" for k in summary["benefits"]) \
            or none
        table = summary["table"].drop(columns=["aspect"])
        table["kind"] = table["kind"].map(lambda k: _(KINDS[k]))
        table["mitigated"] = table["mitigated"].map({True: _("True"), False: _("False")})
        self.ratings_panel.update(
            description=_("Your ratings for {instrument} on {country}. Harms: {harms}. "
                          "Benefits: {benefits}. Mitigations chosen: {mitigations}. Harms no "
                          "chosen mitigation addresses: {unmitigated}.").format(
                instrument=self.instrument.label, country=self._names[self.country.value],
                harms=harms, benefits=benefits,
                mitigations=", ".join(self._guidance["mitigations"][m]["label"]
                                      for m in self.mitigations) or none,
                unmitigated=", ".join(labels[k] for k in summary["unmitigated"]) or none),
            table=table.rename(columns={
                "label": _("Aspect"), "kind": _("Kind"), "rating": _("Rating"),
                "mitigated": _("Addressed by a chosen mitigation")}))
        flags = []
        if summary["unmitigated"]:
            flags.append("<li><b>" + _("Harm with no mitigation that addresses it:") + "</b> "
                         + html.escape(", ".join(labels[k] for k in summary["unmitigated"]))
                         + "</li>")
        if summary["serious"]:
            flags.append("<li><b>" + _("Serious harm (−2):") + "</b> "
                         + html.escape(", ".join(labels[k] for k in summary["serious"])) + ". "
                         + _("Ask whether the instrument should be used at all, or redesigned.")
                         + "</li>")
        if not summary["harms"]:
            flags.append("<li>" + _("No harm rated yet. Is that because there is none, or "
                                    "because you have not looked? Read the prompts.") + "</li>")
        self.summary_html.value = (
            "<div role='status' style='max-width:760px'><b>" + _("Screening flags") + "</b><ul>"
            + "".join(flags) + "</ul><p style='font-size:12px;color:#555'>"
            + _("Sum of ratings: dimensions {dimensions}, groups {groups}. A sum hides who bears "
                "the harm; read the rows.").format(dimensions=f"{summary['net_dimensions']:+d}",
                                                   groups=f"{summary['net_groups']:+d}")
            + "</p></div>")
        self.note_text = screening_note(
            self.instrument.value, self._names[self.country.value], summary, self.mitigations,
            self.profile, notes=self.notes.value, author=self.author.value)
        self.note_preview.value = (
            "<details><summary>" + _("Preview the note (Markdown)")
            + "</summary><pre style='white-space:"
            "pre-wrap;max-width:760px;font-size:12px;background:#fafafa;padding:6px'>"
            f"{html.escape(self.note_text)}</pre></details>")

    def _on_save(self, button=None) -> None:
        stem = f"screening-{self.instrument.value}-{self.country.value}"
        path = save_note(self.note_text, work_dir(), stem)
        self.saved_paths.append(path)
        self.show_message(_("Saved as {path}. Earlier notes are kept; each save makes a new "
                            "file.").format(path=path), "info")

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
                f"<p style='max-width:760px'><b>{html.escape(ep.regime)}.</b> "
                + html.escape(_("Imposed by {imposed_by}; ended by {lifted_by}.").format(
                    imposed_by=ep.imposed_by, lifted_by=ep.lifted_by), quote=False) + "</p>"
                "<p style='max-width:760px;font-size:12px;background:#fff4d6;padding:4px 8px'>"
                "<b>" + _("Read with care:") + f"</b> {html.escape(ep.caveats)} "
                + _("Sanctions are never the only thing that changes; the comparison line shows "
                    "neighbours, not what would have happened without sanctions. Estimates for "
                    "crisis years are often modelled and were revised later (see Dyson and "
                    "Cetorelli 2017 on Iraq).") + "</p>")
            for ind in HISTORY_INDICATORS:
                info = data.indicator_info(ind)
                series = panel.loc[panel["iso3"] == iso3, ["year", ind]].rename(
                    columns={ind: "value"})
                comp = (panel[panel["iso3"].isin(peers)].groupby("year")[ind].median()
                        .reset_index().rename(columns={ind: "value"}))
                rows.append(series.assign(episode=iso3, indicator=ind, who=_(COUNTRY_LINE)))
                rows.append(comp.assign(episode=iso3, indicator=ind, who=_(PEERS_LINE)))
                comp_label = _("Median of other countries in {subregion}").format(
                    subregion=_subregion(sub))
                short = _(info.short_label)
                if series["value"].notna().sum() == 0:
                    desc = _("{indicator} has no data for {country} in these years.").format(
                        indicator=short, country=name)
                else:
                    ba = before_after(series, ep.imposed.year, ep.lifted.year, comp)
                    r = {x.moment: x for x in ba.itertuples()}

                    def fmt(x) -> str:
                        if pd.isna(x.year):
                            return _("no data")
                        if pd.isna(x.comparison):
                            return _("{value} in {year}").format(value=_value(x.value),
                                                                 year=x.year)
                        return _("{value} in {year} (comparison {comparison})").format(
                            value=_value(x.value), year=x.year, comparison=_value(x.comparison))

                    note = (" " + _("Note: {note}.").format(note=r["before"].note)
                            if r["before"].note else "")
                    desc = (_("{indicator} in {country}: before {before}; start {start}; end "
                              "{end}; after {after}.").format(
                                indicator=short, country=name, before=fmt(r["before"]),
                                start=fmt(r["start"]), end=fmt(r["end"]), after=fmt(r["after"]))
                            + note + " "
                            + _("Comparison: {comparison}. Sanctions in force {imposed} to "
                                "{lifted}.").format(
                                comparison=comp_label[0].lower() + comp_label[1:],
                                imposed=_long_date(ep.imposed), lifted=_long_date(ep.lifted)))
                table = series.merge(comp.rename(columns={"value": "comparison"}), on="year",
                                     how="outer").rename(columns={"value": name,
                                                                  "comparison": comp_label})
                self._history_views[(iso3, ind)] = {
                    "description": desc, "table": table.sort_values("year"),
                    "source": info.source_line(), "episode_html": episode_html,
                    "title": _("{indicator} ({unit}): {country}").format(
                        indicator=short, unit=_(info.unit), country=name),
                    "has_data": bool(series["value"].notna().any())}
        self._history_rows = pd.concat(rows, ignore_index=True)
        self._history_periods = pd.DataFrame(periods)

    def _on_history(self, change=None) -> None:
        iso3, ind = self.episode.value, self.history_indicator.value
        view = self._history_views[(iso3, ind)]
        self.episode_text.value = view["episode_html"]
        if not view["has_data"]:
            raise LabInputError(_("{problem} Choose another indicator.").format(
                problem=view["description"]))
        self.history_panel.set_params(episode=iso3, indicator=ind,
                                      title=view["title"])  # i18n: not text
        self.history_panel.update(description=view["description"],  # i18n: not text
                                  table=view["table"],
                                  source=view["source"])
        if self.message_kind == "error":
            self.clear_message()
