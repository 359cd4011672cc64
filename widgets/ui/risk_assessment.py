"""RiskAssessment: who is most at risk, why, and who is hidden by national averages (lesson 04).

A teaching reconstruction of INFORM Risk (EU JRC) from the lab's open
indicators: hazard & exposure, vulnerability and lack of coping capacity,
each 0–10, combined by a geometric mean. The learner can see and change which
indicator feeds which dimension.

>>> ra = RiskAssessment(year=2022, country="KEN")
>>> ra.year.value = 2020
>>> int(ra.map_panel.chart.params.year)
2020
>>> ra.country.value = "NOR"
>>> "Norway" in ra.trend_panel.description_text
True
"""

from __future__ import annotations

import html
import time
from typing import Any

import ipywidgets as W
import numpy as np
import pandas as pd

from widgets import data
from widgets import risk as rk
from widgets.charts import risk as charts
from widgets.errors import LabInputError
from widgets.i18n import N_, _, format_number, get_language, sort_key
from widgets.ui import ChartPanel, LabWidget

__all__ = ["DISCLAIMER", "RiskAssessment"]

FIRST_YEAR = 2005
#: How many years back a missing value may be filled from.
MAX_AGE = 5
#: Share of a dimension's indicators a country needs for a score.
MIN_SHARE = 0.5
#: Outliers are capped at these percentiles before scaling to 0–10.
TRIM = 0.02

DISCLAIMER = N_(
    "This is a teaching reconstruction of the INFORM Risk model from the lab's open "
    "indicators, not the official INFORM index published by the EU Joint Research Centre. "
    "No natural-hazard data ship with the lab (the EM-DAT disaster database's licence does "
    "not allow it), so 'hazard & exposure' here covers human-made hazards only: armed "
    "conflict, violence and political instability. Earthquakes, floods, droughts and "
    "epidemics are missing, so countries exposed mainly to natural hazards look safer "
    "than they are."
)
_PEERS = {"region": N_("countries in the same region"),
          "income": N_("countries in the same income group"), "all": N_("all countries")}
#: Tabs as wide as their titles (French and Spanish titles are longer than the default width).
_WIDE_TABS_CSS = ("<style>.hsl-wide-tabs .lm-TabBar-tab{flex:0 0 auto !important;"
                  "min-width:max-content !important}</style>")
#: The headers of the "Show the data" tables: a column's name, in the reader's language
#: (the English headers are the columns' own names, as before).
_COLUMNS = {
    "rank": N_("rank"), "name": N_("name"), "un_region": N_("un_region"),
    "income_group": N_("income_group"), "risk": N_("risk"), "year": N_("year"),
    "hazard_exposure": N_("hazard_exposure"), "vulnerability": N_("vulnerability"),
    "lack_of_coping": N_("lack_of_coping"), "risk_national_averages": N_("risk_national_averages"),
    "risk_through_lens": N_("risk_through_lens"), "change": N_("change"), "label": N_("label"),
    "dimension": N_("dimension"), "score": N_("score"), "reference_score": N_("reference_score"),
    "push": N_("push"), "country": N_("country"), "peer_median": N_("peer_median"),
    "peer_low": N_("peer_low"), "peer_high": N_("peer_high"),
}


def _headers(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its headers (and region and income-group names) in the reader's language."""
    out = table.copy()
    if "un_region" in out:
        out["un_region"] = out["un_region"].map(
            lambda r: data.local_region_name(r) if isinstance(r, str) else r)
    if "income_group" in out:
        out["income_group"] = out["income_group"].map(lambda g: _(g) if isinstance(g, str) else g)
    if "dimension" in out:
        out["dimension"] = out["dimension"].map(lambda d: _(_COLUMNS.get(d, d)))
    return out.rename(columns={c: _(label) for c, label in _COLUMNS.items() if c in out})


class RiskAssessment(LabWidget):
    """Risk of a humanitarian crisis, INFORM-style, per country and year.

    Parameters
    ----------
    year : year shown first (default: the latest year with risk scores for most countries).
    country : ISO3 code of the country looked at in detail.
    lens : vulnerable-groups lens shown first (see :data:`widgets.risk.LENSES`).
    model : mapping dimension -> indicator ids (default :data:`widgets.risk.DEFAULT_MODEL`).
    """

    state_controls = ("year", "measure", "region", "income", "lens", "country", "peers",
                      "hazard_exposure", "vulnerability", "lack_of_coping")
    state_name = "risk_assessment"

    def __init__(self, year: int | None = None, country: str = "KEN", lens: str = "women",
                 model: dict[str, tuple[str, ...]] | None = None) -> None:
        model = rk.check_model(model or rk.DEFAULT_MODEL)
        if lens not in rk.LENSES:
            raise LabInputError(_("lens must be one of {lenses}.").format(
                lenses=", ".join(rk.LENSES)))
        cat = data.load_catalogue()
        self._labels = {k: _(v) for k, v in cat["short_label"].to_dict().items()}
        self._countries = data.load_countries().set_index("iso3")
        # country names in the reader's language (CLDR), in the charts, texts and tables
        self._names = pd.Series({c: data.local_country_name(c) for c in self._countries.index},
                                dtype=object)
        panel = data.load_panel(list(rk.RISK_INDICATORS), years=(FIRST_YEAR - MAX_AGE, 2024))
        values = rk.fill_recent(panel, list(rk.RISK_INDICATORS), MAX_AGE)
        values = values[values.index.get_level_values("year") >= FIRST_YEAR]
        self._scores = rk.scale_to_risk(values, trim=TRIM)
        self.last_timings: dict[str, float] = {}
        self._compute(model)
        counts = self.results.groupby("year")["risk"].count()
        last_year = int(counts[counts >= 100].index.max())
        default_year = int(counts[counts >= 0.95 * counts.max()].index.max())
        year = default_year if year is None else int(year)
        if year not in counts.index or counts[year] == 0:
            raise LabInputError(_("There are no risk scores for {year}. Choose a year from "
                                  "{first} to {last}.").format(year=year, first=FIRST_YEAR,
                                                               last=last_year))
        country = data.check_country(country)

        # ---- controls ---------------------------------------------------------------
        english = get_language() == "en"
        # French and Spanish labels are longer: wider labels, and tabs as wide as
        # their titles (English keeps the layout it had)
        style = {"description_width": "110px" if english else "150px"}
        wide = {} if english else {"layout": W.Layout(width="380px")}
        model_style = style if english else {"description_width": "initial"}
        model_width = "330px"
        self.disclaimer = W.HTML(
            ("" if english else _WIDE_TABS_CSS)
            + "<div role='note' style='background:#fff4d6;border-left:4px solid #5c4400;"
            "padding:6px 10px;max-width:760px;font-size:13px'><b>"
            + html.escape(_("Teaching model.")) + f"</b> {html.escape(_(DISCLAIMER))}</div>")
        self.year = W.IntSlider(value=year, min=FIRST_YEAR, max=last_year, description=_("Year"),
                                continuous_update=False, style=style)
        self.measure = W.Dropdown(options=[(_(v), k) for k, v in charts.MEASURES.items()],
                                  value="risk", description=_("Show on map"), style=style,
                                  **wide)
        regions = sorted(self._countries["un_region"].dropna().unique(),
                         key=lambda r: sort_key(data.local_region_name(r)))
        incomes = [g for g in ("Low income", "Lower middle income", "Upper middle income",
                               "High income") if g in set(self._countries["income_group"])]
        self.region = W.Dropdown(options=[(_("All regions"), "All")]
                                 + [(data.local_region_name(r), r) for r in regions],
                                 value="All", description=_("Region"), style=style, **wide)
        self.income = W.Dropdown(options=[(_("All income groups"), "All")]
                                 + [(_(g), g) for g in incomes], value="All",
                                 description=_("Income group"), style=style, **wide)
        self.lens = W.Dropdown(options=[(_(v["label"]), k) for k, v in rk.LENSES.items()
                                        if k != "everyone"],
                               value=lens if lens != "everyone" else "women",
                               description=_("Look at"), style=style, **wide)
        with_risk = self.results.dropna(subset=["risk"])["iso3"].unique()
        self.country = W.Dropdown(
            options=sorted(((self._names.get(c, c), c) for c in with_risk),
                           key=lambda t: sort_key(t[0])),
            value=country if country in set(with_risk) else sorted(with_risk)[0],
            description=_("Country"), style=style, **wide)
        self.peers = W.Dropdown(options=[(_("Peers: {group}").format(group=_(v)), k)
                                         for k, v in _PEERS.items()],
                                value="region", description=_("Compare with"), style=style,
                                **wide)
        options = sorted(((self._labels.get(i, i), i) for i in rk.RISK_INDICATORS),
                         key=lambda t: sort_key(t[0]))
        self.hazard_exposure = W.SelectMultiple(
            options=options, value=model["hazard_exposure"], rows=8,
            description=_(rk.RISK_DIMENSIONS["hazard_exposure"]), style=model_style,
            layout=W.Layout(width=model_width))
        self.vulnerability = W.SelectMultiple(
            options=options, value=model["vulnerability"], rows=8,
            description=_(rk.RISK_DIMENSIONS["vulnerability"]), style=model_style,
            layout=W.Layout(width=model_width))
        self.lack_of_coping = W.SelectMultiple(
            options=options, value=model["lack_of_coping"], rows=8,
            description=_("Lack of coping"), style=model_style,
            layout=W.Layout(width=model_width))
        self.reset = W.Button(description=_("Back to the lab's mapping"), icon="undo",
                              tooltip=_("Restore the default indicator-to-dimension mapping"),
                              **({} if english else {"layout": W.Layout(
                                  width="auto", align_self="flex-start")}))
        self.mapping_table = W.HTML()
        self.summary = W.HTML()

        # ---- panels ------------------------------------------------------------------
        # canvas: a year or a measure recolours every country, which canvas paints
        # faster than SVG updates 200 paths (the description and the table serve
        # screen readers, as for the explorer's map)
        self.map_panel = ChartPanel(
            charts.risk_map(self.results, year, "risk", self._describe_map(year, "risk"),
                            country),
            self._describe_map(year, "risk"), self._year_table(year), source=self._source(),
            renderer="canvas")
        self.rank_panel = ChartPanel(
            charts.risk_ranking_chart(self.results, year, self._describe_rank(year, "All",
                                                                              "All")),
            self._describe_rank(year, "All", "All"), self._rank_table(year, "All", "All"),
            source=self._source())
        drivers, trend = self._country_panels(
            self._country_detail(self.country.value, year, "region"), year)
        # canvas: a country change redraws both (SVG spent ~11 ms per change on its
        # elements); the descriptions and tables serve screen readers
        self.drivers_panel = ChartPanel(*drivers, renderer="canvas")
        self.trend_panel = ChartPanel(*trend, renderer="canvas")
        self.lens_panel = ChartPanel(
            charts.lens_chart(self.results, year, self.lens.value, self._lens_labels(),
                              self._describe_lens(year, self.lens.value)),
            self._describe_lens(year, self.lens.value), self._lens_table(year, self.lens.value),
            source=self._source())
        self._refresh_mapping_table()
        self._refresh_summary()
        self._watch_tables()

        model_box = W.VBox([
            W.HTML("<p style='max-width:760px'>" + html.escape(_(
                "Each dimension is the average of its indicators' 0–10 scores (10 = most "
                "risk). Choose indicators with Ctrl/Cmd or Shift. Gaps are filled with a "
                "country's latest value up to {years} years old; a country needs data for at "
                "least half of each dimension's indicators; outliers beyond the 2nd and 98th "
                "percentiles of all country-years are capped before scaling.").format(
                years=MAX_AGE)) + "</p>"),
            W.HBox([self.hazard_exposure, self.vulnerability, self.lack_of_coping]),
            self.reset, self.mapping_table])
        tabs = W.Tab(children=[
            W.VBox([self.measure, self.map_panel]),
            W.VBox([W.HBox([self.region, self.income]), self.rank_panel]),
            W.VBox([W.HBox([self.country, self.peers]), self.drivers_panel, self.trend_panel]),
            W.VBox([self.lens, W.HTML(self._lens_note()), self.lens_panel]),
            model_box,
        ])
        for k, title in enumerate([N_("Map"), N_("Most at risk"), N_("One country"),
                                   N_("Vulnerable groups"), N_("The model")]):
            tabs.set_title(k, _(title))
        if not english:
            tabs.add_class("hsl-wide-tabs")
        self.tabs = tabs
        super().__init__([self.disclaimer, self.year, self.summary, tabs])

        self.on_change(self.year, self._on_year)
        self.on_change(self.measure, self._on_measure)
        self.on_change([self.region, self.income], self._on_filter)
        self.on_change(self.lens, self._on_lens)
        self.on_change(self.country, self._on_country)
        self.on_change(self.peers, self._on_peers)
        self.on_change([self.hazard_exposure, self.vulnerability, self.lack_of_coping],
                       self._on_model)
        self.reset.on_click(self.safe(self._on_reset))

    # ------------------------------------------------------------------ computing
    @property
    def model(self) -> dict[str, tuple[str, ...]]:
        """The current mapping of indicators to the three dimensions."""
        return self._model

    @property
    def indicator_scores(self) -> pd.DataFrame:
        """Every indicator's 0–10 risk score per (iso3, year), before the model combines them."""
        return self._scores

    def drivers(self, year: int | None = None) -> pd.DataFrame:
        """What pushes the chosen country's risk up in ``year`` (default: the year shown)."""
        year = int(self.year.value) if year is None else int(year)
        return self._drivers_in(year).copy()

    def _compute(self, model: dict[str, tuple[str, ...]]) -> None:
        """Risk for every country-year under ``model`` and each lens (vectorised)."""
        model = rk.check_model(model)
        base = rk.assess_risk(self._scores, model, MIN_SHARE)
        out = base.round(2)
        for lens in rk.LENSES:
            if lens == "everyone":
                continue
            out[f"risk_{lens}"] = rk.assess_risk(
                self._scores, rk.apply_lens(model, lens), MIN_SHARE)["risk"].round(2)
        out = out.reset_index()
        out.insert(1, "name", out["iso3"].map(self._names))
        out["un_region"] = out["iso3"].map(self._countries["un_region"])
        out["income_group"] = out["iso3"].map(self._countries["income_group"])
        if out["risk"].notna().sum() == 0:
            raise LabInputError(_("With this mapping no country has enough data for a risk "
                                  "score. Choose indicators with more data."))
        self._model = model
        self.results = out
        ordered = out.sort_values(["year", "risk"], ascending=[True, False], kind="stable")
        self._by_year = {y: g for y, g in ordered.groupby("year")}
        self._arrays = {y: {c: g[c].to_numpy() for c in g.columns}
                        for y, g in self._by_year.items()}
        self._scored_by_year = {y: set(g.loc[g["risk"].notna(), "iso3"])
                                for y, g in self._by_year.items()}
        # risk by country (rows) and year (columns): a country's years and its peers
        self._risk_wide = out.pivot(index="iso3", columns="year", values="risk")
        if not hasattr(self, "_year_scores"):
            self._year_scores = {y: g.droplevel("year")
                                 for y, g in self._scores.groupby(level="year")}
        # the median country's indicator scores per year, the drivers' reference
        # (made now for every year: a country change then only reads them)
        self._reference: dict[int, pd.Series] = {
            y: scores.loc[scores.index.isin(self._scored_by_year.get(y, ()))].median()
            for y, scores in self._year_scores.items()}

    def _year_rows(self, year: int) -> pd.DataFrame:
        rows = self._by_year.get(int(year))
        if rows is None:
            raise LabInputError(_("There are no risk scores for {year}.").format(year=year))
        return rows

    def _filtered(self, year: int, region: str, income: str) -> pd.DataFrame:
        rows = self._year_rows(year)
        keep = rows["risk"].notna().to_numpy().copy()
        if region != "All":
            keep &= (rows["un_region"] == region).to_numpy()
        if income != "All":
            keep &= (rows["income_group"] == income).to_numpy()
        return rows[keep]

    def _lens_labels(self) -> dict[str, str]:
        return {k: _(v["label"]) for k, v in rk.LENSES.items() if k != "everyone"}

    # ------------------------------------------------------------------ text and tables
    def _source(self) -> str:
        return _("Teaching reconstruction of INFORM Risk (EU JRC) by the lab from open data: "
                 "World Bank WDI and WGI, UNDP HDR, UNHCR, UCDP (via WDI), FAO, WHO/UNICEF. "
                 "Not the official INFORM index.")

    def _describe_map(self, year: int, measure: str) -> str:
        rows = self._year_rows(year)
        values = rows[measure].to_numpy(dtype=float)
        order = np.argsort(-np.nan_to_num(values, nan=-1), kind="stable")
        names = rows["name"].to_numpy()[order][: int((~np.isnan(values)).sum())]
        top = ", ".join(names[:3])
        return _("World map of {measure} in {year}, darker = more risk; grey = no score. "
                 "{n} countries have a score; highest: {top}.").format(
            measure=_(charts.MEASURES[measure]).lower(), year=year, n=len(names), top=top)

    def _year_table(self, year: int) -> pd.DataFrame:
        return _headers(self._year_rows(year)[["iso3", "name", "risk", *rk.RISK_DIMENSIONS]])

    def _describe_rank(self, year: int, region: str, income: str) -> str:
        a = self._arrays[int(year)]
        keep = ~np.isnan(a["risk"].astype(float))
        if region != "All":
            keep &= a["un_region"] == region
        if income != "All":
            keep &= a["income_group"] == income
        names = [x for x in (data.local_region_name(region) if region != "All" else "",
                             _(income) if income != "All" else "") if x]
        where = _("{first} and {second}").format(first=names[0], second=names[1]) \
            if len(names) == 2 else "".join(names)
        where = _(" ({filters})").format(filters=where) if where else ""
        n = int(keep.sum())
        if n == 0:
            return _("No country{where} has a risk score in {year}.").format(where=where,
                                                                           year=year)
        i = int(np.flatnonzero(keep)[0])  # rows are sorted by risk, highest first
        return _("The {n} countries{where} most at risk in {year}. Highest: {country} with "
                 "{risk} out of 10 (hazard & exposure {hazard}, vulnerability {vulnerability}, "
                 "lack of coping capacity {coping}).").format(
            n=min(20, n), where=where, year=year, country=a["name"][i],
            risk=format_number(a["risk"][i], 1), hazard=format_number(a["hazard_exposure"][i], 1),
            vulnerability=format_number(a["vulnerability"][i], 1),
            coping=format_number(a["lack_of_coping"][i], 1))

    def _rank_table(self, year: int, region: str, income: str) -> pd.DataFrame:
        rows = self._filtered(year, region, income)
        out = rows[["iso3", "name", "un_region", "income_group", "risk",
                    *rk.RISK_DIMENSIONS]].copy()
        out.insert(0, "rank", np.arange(1, len(out) + 1))
        return _headers(out)

    def _describe_lens(self, year: int, lens: str) -> str:
        a = self._arrays[int(year)]
        national = a["risk"].astype(float)
        group = a[f"risk_{lens}"].astype(float)
        valid = ~np.isnan(national) & ~np.isnan(group)
        if not valid.any():
            return _("No country has data for this group in this year.")
        change = np.where(valid, group - national, np.nan)
        up, down = int(np.nanargmax(change)), int(np.nanargmin(change))
        label = _(rk.LENSES[lens]["label"]).lower()
        return _("Seen through the lens of {group}, risk rises in {n_up} and falls in {n_down} "
                 "of {n} countries in {year} (changes over {threshold} points). Largest rise: "
                 "{up} ({up_before} → {up_after}); largest fall: {down} ({down_before} → "
                 "{down_after}). The chart shows the 20 biggest changes.").format(
            group=label, n_up=int((change > 0.05).sum()), n_down=int((change < -0.05).sum()),
            n=int(valid.sum()), year=year, threshold=format_number(0.05, 2), up=a["name"][up],
            up_before=format_number(national[up], 1), up_after=format_number(group[up], 1),
            down=a["name"][down], down_before=format_number(national[down], 1),
            down_after=format_number(group[down], 1))

    def _lens_table(self, year: int, lens: str) -> pd.DataFrame:
        rows = self._year_rows(year).dropna(subset=["risk", f"risk_{lens}"])
        out = rows[["iso3", "name", "risk", f"risk_{lens}"]].rename(
            columns={"risk": "risk_national_averages", f"risk_{lens}": "risk_through_lens"})
        out["change"] = (out["risk_through_lens"] - out["risk_national_averages"]).round(2)
        return _headers(out.sort_values("risk_through_lens", ascending=False))

    def _lens_note(self) -> str:
        items = []
        for key, spec in rk.LENSES.items():
            if key == "everyone":
                continue
            swaps = ", ".join(f"{self._labels[a]} → {self._labels[b]}"
                              for a, b in spec["swap"].items())
            adds = ", ".join(self._labels[a] for a in spec["add"])
            text = _("{swaps}; adds {added}").format(swaps=swaps, added=adds) if adds else swaps
            items.append(_("<li><b>{group}</b>: {changes}</li>").format(
                group=html.escape(_(spec["label"])), changes=html.escape(text)))
        return (_("<p style='max-width:760px'>National averages hide people. Each lens swaps "
                  "national averages in <i>vulnerability</i> for the group's own values where "
                  "the data have them (sex-disaggregated data exist for only a few "
                  "indicators):</p>") + "<ul style='font-size:13px'>" + "".join(items) + "</ul>")

    def _refresh_mapping_table(self) -> None:
        rows = []
        for dim, ids in self._model.items():
            for i in ids:
                spec = rk.RISK_INDICATORS[i]
                when = _("higher value") if spec.risk_when == "high" else _("lower value")
                rows.append(
                    f"<tr><td>{html.escape(_(rk.RISK_DIMENSIONS[dim]))}</td>"
                    f"<td>{html.escape(self._labels.get(i, i))}</td><td>{html.escape(when)}</td>"
                    f"<td>{html.escape(_(spec.reason))}</td></tr>")
        self.mapping_table.value = (
            "<div tabindex='0' role='region' aria-label='"
            + html.escape(_("Indicator mapping"), quote=True)
            + "' style='max-height:300px;overflow:auto'><table class='hsl-table' "
            "style='font-size:12px;max-width:760px'><caption>"
            + html.escape(_("Which indicator feeds which dimension, and why"))
            + "</caption><tr><th>" + html.escape(_("Dimension")) + "</th><th>"
            + html.escape(_("Indicator")) + "</th><th>" + html.escape(_("More risk with a"))
            + "</th><th>" + html.escape(_("Reasoning")) + "</th></tr>" + "".join(rows)
            + "</table></div>")

    def _refresh_summary(self) -> None:
        year, iso3 = int(self.year.value), self.country.value
        a = self._arrays[year]
        name = html.escape(self._names.get(iso3, iso3))
        risk = a["risk"].astype(float)
        scored = ~np.isnan(risk)
        pos = np.flatnonzero((a["iso3"] == iso3) & scored)
        if pos.size:
            i = int(pos[0])
            rank = int(scored[:i].sum()) + 1  # rows are sorted by risk, highest first
            text = _("{country}: risk <b>{risk}</b> of 10 in {year}, rank {rank} of {n} (1 = "
                     "most at risk). Hazard & exposure {hazard}, vulnerability {vulnerability}, "
                     "lack of coping capacity {coping}.").format(
                country=name, risk=format_number(risk[i], 1), year=year, rank=rank,
                n=int(scored.sum()), hazard=format_number(a["hazard_exposure"][i], 1),
                vulnerability=format_number(a["vulnerability"][i], 1),
                coping=format_number(a["lack_of_coping"][i], 1))
        else:
            text = _("{country} has too little data for a risk score in {year}.").format(
                country=name, year=year)
        self.summary.value = f"<p role='status' aria-live='polite'>{text}</p>"

    def _drivers_all_years(self, iso3: str) -> pd.DataFrame:
        """Drivers of ``iso3``'s risk in every year it has a score (long table)."""
        own = (self._risk_wide.loc[iso3] if iso3 in self._risk_wide.index
               else pd.Series(dtype=float))
        years = [int(y) for y in own.index[own.notna().to_numpy()]]
        out = rk.risk_drivers_by_year({y: self._year_scores[y] for y in years}, self._model,
                                      iso3, self._reference, MIN_SHARE)
        if out.empty:
            name = self._names.get(iso3, iso3)
            raise LabInputError(_("{country} has too little data for a risk score in any "
                                  "year. Choose another country.").format(country=name))
        out["label"] = out["indicator"].map(lambda i: self._labels.get(i, i))
        return out

    def _drivers_in(self, year: int) -> pd.DataFrame:
        """The chosen country's drivers in ``year`` (no rows: too little data that year)."""
        a, b = self._driver_rows.get(int(year), (0, 0))
        return self._drivers.iloc[a:b].reset_index(drop=True)

    def _describe_drivers(self, iso3: str, year: int) -> tuple[str, pd.DataFrame]:
        name = self._names.get(iso3, iso3)
        d = self._drivers_in(int(year))
        if d.empty:
            text = _("{country} has too little data for a risk score in {year}: the chart "
                     "still shows the last year chosen. Choose another year.").format(
                country=name, year=year)
            return text, d
        top = d.iloc[0]
        text = _("What pushes {country}'s risk up in {year}: {indicator} adds the most ({push} "
                 "risk points compared with the median country), then {others}. Negative bars "
                 "pull risk down.").format(
            country=name, year=year, indicator=top["label"], push=format_number(top["push"], 2),
            others=", ".join(d["label"].iloc[1:3]))
        return text, _headers(d[["label", "dimension", "score", "reference_score",
                                 "push"]].round(2))

    def _country_detail(self, iso3: str, year: int, peers: str) -> dict[str, Any]:
        """What the drivers and trend panels show for one country (texts, rows, names)."""
        self._drivers = self._drivers_all_years(iso3)
        # where each year's rows are (they come year by year): sliced when shown
        years = self._drivers["year"].to_numpy()
        cuts = np.flatnonzero(np.diff(years)) + 1
        self._driver_rows = {int(years[a]): (int(a), int(b)) for a, b in
                             zip(np.r_[0, cuts], np.r_[cuts, len(years)], strict=True)
                             if b > a}
        self._drivers_country = iso3
        d_text, d_table = self._describe_drivers(iso3, year)
        return {"d_text": d_text, "d_table": d_table, **self._trend_detail(iso3, peers)}

    def _trend_detail(self, iso3: str, peers: str) -> dict[str, Any]:
        """What the trend panel shows for one country and peer group (texts, rows, names)."""
        name = self._names.get(iso3, iso3)
        if peers == "region":
            region = self._countries.loc[iso3, "un_region"]
            group = self._countries.index[self._countries["un_region"] == region]
            peer_label = _("countries in {region}").format(
                region=data.local_region_name(region))
        elif peers == "income":
            inc = self._countries.loc[iso3, "income_group"]
            group = self._countries.index[self._countries["income_group"] == inc]
            peer_label = _("{group} countries").format(
                group=(_(inc) if isinstance(inc, str) else str(inc)).lower())
        else:
            group = self._countries.index
            peer_label = _("all countries")
        trend = rk.peer_comparison_wide(self._risk_wide, iso3, list(group))
        first, last = trend.iloc[0], trend.iloc[-1]
        t_text = _("{country}'s risk went from {first} in {first_year} to {last} in "
                   "{last_year}; the median of {peers} was {median} in {last_year}.").format(
            country=name, first=format_number(first["country"], 1),
            first_year=int(first["year"]), last=format_number(last["country"], 1),
            last_year=int(last["year"]), peers=peer_label,
            median=format_number(last["peer_median"], 1))
        return {"name": name, "peer_label": peer_label, "trend": trend.round(2),
                "t_text": t_text}

    def _country_panels(self, detail: dict[str, Any], year: int) -> tuple[tuple, tuple]:
        """ChartPanel arguments (chart, description, table, caption, source) for both panels."""
        return (
            (charts.drivers_chart(self._drivers, detail["d_text"], year=int(year)),
             detail["d_text"], detail["d_table"], "", self._source()),
            (charts.trend_chart(detail["trend"], detail["name"], detail["peer_label"],
                                detail["t_text"]),
             detail["t_text"], _headers(detail["trend"]), "", self._source()),
        )

    def _set_table(self, panel: ChartPanel, make_table) -> None:
        """Give ``panel`` a new table now if it is shown, else when it is next shown."""
        if panel.show_table.value:
            panel.update(table=make_table())
        else:
            self._stale_tables[id(panel)] = make_table

    def _watch_tables(self) -> None:
        self._stale_tables: dict[int, Any] = {}
        for panel in (self.map_panel, self.rank_panel, self.drivers_panel, self.trend_panel,
                      self.lens_panel):
            def show(change: dict, panel: ChartPanel = panel) -> None:
                make = self._stale_tables.pop(id(panel), None)
                if change["new"] and make is not None:
                    panel.update(table=make())
            panel.show_table.observe(self.safe(show), names="value")

    # ------------------------------------------------------------------ callbacks
    def _on_year(self, change: dict | None = None) -> None:
        start = time.perf_counter()
        year = int(self.year.value)
        self._year_rows(year)
        region, income, lens = self.region.value, self.income.value, self.lens.value
        for panel in (self.map_panel, self.rank_panel, self.lens_panel, self.drivers_panel):
            panel.set_params(year=year)
        self.map_panel.update(description=self._describe_map(year, self.measure.value))
        self._set_table(self.map_panel, lambda: self._year_table(year))
        self.rank_panel.update(description=self._describe_rank(year, region, income))
        self._set_table(self.rank_panel, lambda: self._rank_table(year, region, income))
        self.lens_panel.update(description=self._describe_lens(year, lens))
        self._set_table(self.lens_panel, lambda: self._lens_table(year, lens))
        d_text, d_table = self._describe_drivers(self.country.value, year)
        self.drivers_panel.update(description=d_text)
        self._set_table(self.drivers_panel, lambda: d_table)
        self._refresh_summary()
        if d_table.empty:
            self.show_message(d_text, "warning")
        else:
            self.clear_message()
        self.last_timings["year"] = (time.perf_counter() - start) * 1000

    def _on_measure(self, change: dict | None = None) -> None:
        self.map_panel.set_params(measure=self.measure.value)
        self.map_panel.update(description=self._describe_map(int(self.year.value),
                                                             self.measure.value))

    def _on_filter(self, change: dict | None = None) -> None:
        start = time.perf_counter()
        year, region, income = int(self.year.value), self.region.value, self.income.value
        self.rank_panel.set_params(region=region, income=income)
        self.rank_panel.update(description=self._describe_rank(year, region, income))
        self._set_table(self.rank_panel, lambda: self._rank_table(year, region, income))
        self.last_timings["filter"] = (time.perf_counter() - start) * 1000

    def _on_lens(self, change: dict | None = None) -> None:
        start = time.perf_counter()
        year, lens = int(self.year.value), self.lens.value
        self.lens_panel.set_params(lens=lens)
        self.lens_panel.update(description=self._describe_lens(year, lens))
        self._set_table(self.lens_panel, lambda: self._lens_table(year, lens))
        self.last_timings["lens"] = (time.perf_counter() - start) * 1000

    def _update_country_panels(self) -> None:
        start = time.perf_counter()
        year = int(self.year.value)
        detail = self._country_detail(self.country.value, year, self.peers.value)
        # another country: new rows and names into the two charts on screen (no rebuild)
        self.drivers_panel.set_data(params={"year": year}, description=detail["d_text"],  # i18n: not text
                                    **{charts.DRIVERS_DATA: charts.drivers_rows(self._drivers)})
        self.drivers_panel.update(table=detail["d_table"])
        self._show_trend(detail)
        self.map_panel.set_params(highlight=self.country.value)
        self._refresh_summary()
        self.clear_message()
        self.last_timings["country"] = (time.perf_counter() - start) * 1000

    def _show_trend(self, detail: dict[str, Any]) -> None:
        self.trend_panel.set_data(
            params=charts.trend_params(detail["name"], detail["peer_label"]),
            description=detail["t_text"], **{charts.TREND_DATA: detail["trend"]})  # i18n: not text
        self.trend_panel.update(table=_headers(detail["trend"]))

    def _on_country(self, change: dict | None = None) -> None:
        self._update_country_panels()

    def _on_peers(self, change: dict | None = None) -> None:
        """Other peers: only the trend chart changes (the drivers do not depend on them)."""
        start = time.perf_counter()
        self._show_trend(self._trend_detail(self.country.value, self.peers.value))
        self.last_timings["peers"] = (time.perf_counter() - start) * 1000

    def _on_model(self, change: dict | None = None) -> None:
        start = time.perf_counter()
        model = {"hazard_exposure": tuple(self.hazard_exposure.value),
                 "vulnerability": tuple(self.vulnerability.value),
                 "lack_of_coping": tuple(self.lack_of_coping.value)}
        previous = (self._model, self.results, self._by_year, self._scored_by_year,
                    self._arrays, self._risk_wide, self._reference)
        self._compute(model)
        year = int(self.year.value)
        try:
            self._year_rows(year)
            if self._year_rows(year)["risk"].notna().sum() == 0:
                raise LabInputError(_("With this mapping no country has a risk score in "
                                      "{year}.").format(year=year))
        except LabInputError:
            (self._model, self.results, self._by_year, self._scored_by_year,
             self._arrays, self._risk_wide, self._reference) = previous
            raise
        # new scores into the charts on screen: same charts, new rows
        res = self.results
        self.map_panel.set_data(description=self._describe_map(year, self.measure.value),
                                **{charts.MAP_DATA: charts.risk_map_rows(res)})
        self.map_panel.update(table=self._year_table(year))
        self.rank_panel.set_data(
            description=self._describe_rank(year, self.region.value, self.income.value),
            **{charts.RANKING_DATA: res[charts.RANKING_FIELDS]})
        self.rank_panel.update(table=self._rank_table(year, self.region.value,
                                                      self.income.value))
        self.lens_panel.set_data(description=self._describe_lens(year, self.lens.value),
                                 **{charts.LENS_DATA: res[charts.lens_fields(self._lens_labels())]})
        self.lens_panel.update(table=self._lens_table(year, self.lens.value))
        self._refresh_mapping_table()
        self._update_country_panels()
        self.last_timings["model"] = (time.perf_counter() - start) * 1000

    def _on_reset(self, button: W.Button | None = None) -> None:
        for dim, ids in rk.DEFAULT_MODEL.items():
            getattr(self, dim).value = ids

    def restore_learner_state(self, state: dict[str, Any]) -> list[str]:
        return super().restore_learner_state(state)
