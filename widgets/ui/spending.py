"""SpendingTradeoffs: military spending against health, education and outcomes (lesson 05).

>>> w = SpendingTradeoffs(countries=["FRA", "NGA"])
>>> w.year.value = 2015
>>> int(w.scatter.chart.params.year)
2015
>>> w.share.value = 10
>>> w.reallocation.shifted > 0
True
"""

from __future__ import annotations

import html

import altair as alt
import ipywidgets as W
import pandas as pd

from widgets import data
from widgets.charts import format_value
from widgets.charts.tradeoffs import (
    BANDS_NAME,
    band_json,
    pair_params,
    reallocation_chart,
    spending_explorer_spec,
)
from widgets.errors import LabInputError
from widgets.i18n import N_, _, format_number, get_language, sort_key
from widgets.tradeoffs import (
    COMPARISON_INDICATORS,
    CONFOUNDING_NOTE,
    LOG_SCALE_INDICATORS,
    MILITARY_INDICATORS,
    Fit,
    Reallocation,
    fits_by_year,
    reallocate,
    units_affordable,
)
from widgets.ui import ChartPanel, LabWidget

__all__ = ["SpendingTradeoffs", "UNIT_COSTS"]

#: Target sectors for the reallocation calculator: label -> indicator (% of GDP).
#: The labels are the values saved in a portfolio; on screen see :func:`_sector`.
TARGETS: dict[str, str] = {"Health": "health_spending_gdp", "Education": "edu_spending_gdp"}
#: The sectors as a sentence names them ("spends ... on health"): the
#: button shows it with a capital (a sector, not "Health" the dimension).
_SECTORS = {"Health": N_("health"), "Education": N_("education")}


def _sector(target: str, capital: bool = False) -> str:
    """The sector ``target`` in the reader's language: ``"santé"``, or ``"Santé"`` on a button."""
    word = _(_SECTORS.get(target, target))
    return word[:1].upper() + word[1:] if capital else word


def _lower(label: str) -> str:
    """An indicator's label inside a sentence.

    English keeps its lower-cased label (as before); French and Spanish lower
    only the first letter ("% du PIB", "VIH" stay as they are).
    """
    return label.lower() if get_language() == "en" else label[:1].lower() + label[1:]
#: The headers of the "Show the data" tables, in the reader's language (the English
#: headers are the columns' own names, as before).
_COLUMNS = {"name": N_("name"), "income_group": N_("income_group"), "sector": N_("sector"),
            "when": N_("when"), "per_person_usd": N_("per_person_usd")}


def _headers(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its headers (and income-group names) in the reader's language."""
    out = table
    if "income_group" in out:
        out = out.assign(income_group=out["income_group"].map(
            lambda g: _(g) if isinstance(g, str) else g))
    return out.rename(columns={c: _(label) for c, label in _COLUMNS.items() if c in out})


def _unit_costs() -> dict[str, dict]:
    import yaml

    from widgets._paths import REPO_ROOT

    path = REPO_ROOT / "widgets" / "assumptions" / "unit_costs.yml"
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)["unit_costs"]


#: Illustrative unit costs (teaching assumptions, editable on screen), from unit_costs.yml.
UNIT_COSTS: dict[str, dict] = _unit_costs()


class SpendingTradeoffs(LabWidget):
    """Explore military spending against health, education and outcomes.

    Parameters
    ----------
    x, y : initial indicators (``milex_gdp`` or ``milex_per_capita_usd``; a comparison indicator).
    year : initial year (default: the latest year with enough data).
    countries : ISO3 codes highlighted in the scatter and drawn over time.
    country : the country of the reallocation calculator (default: the first highlighted).
    """

    state_controls = ("x", "y", "year", "countries", "by_income", "country", "share", "target",
                      "unit_choice", "unit_cost")
    state_name = "spending_tradeoffs"

    def __init__(
        self,
        x: str = "milex_gdp",
        y: str = "under5_mortality",
        year: int | None = None,
        countries: list[str] | None = None,
        country: str | None = None,
    ) -> None:
        if x not in MILITARY_INDICATORS:
            raise LabInputError(_("x must be one of {choices}.").format(
                choices=", ".join(MILITARY_INDICATORS)))
        if y not in COMPARISON_INDICATORS:
            raise LabInputError(_("y must be one of {choices}.").format(
                choices=", ".join(COMPARISON_INDICATORS)))
        highlight = [data.check_country(c) for c in (countries or ["USA", "IND", "NGA"])]
        # ---- precompute: the panel, names, fits for every pair, reallocation inputs
        cols = list(dict.fromkeys([*MILITARY_INDICATORS, *COMPARISON_INDICATORS,
                                   "milex_usd", "population"]))
        panel = data.load_panel(cols)
        countries_df = data.load_countries()[["iso3", "name", "income_group"]]
        # country names in the reader's language (CLDR): the list, the chart and the texts
        self._names = {c: data.local_country_name(c) for c in countries_df["iso3"]}
        countries_df = countries_df.assign(name=countries_df["iso3"].map(self._names))
        panel = panel.merge(countries_df, on="iso3", how="inner")
        self._realloc_rows = self._reallocation_inputs(panel)  # exact values
        panel = panel.copy()
        for col in (*MILITARY_INDICATORS, *COMPARISON_INDICATORS):  # 4 significant digits
            panel[col] = panel[col].map(lambda v: float(f"{v:.4g}") if pd.notna(v) else v)
        self._panel = panel
        self._fits: dict[tuple[str, str, bool], tuple[pd.DataFrame, pd.DataFrame]] = {}
        self._points: dict[tuple[str, str], pd.DataFrame] = {}
        self._years: dict[tuple[str, str], list[int]] = {}
        self.reallocation: Reallocation | None = None
        self.fit_summary = ""

        # ---- controls
        def options(ids):
            return [(_(data.indicator_info(i).label), i) for i in ids]

        self.x = W.Dropdown(options=options(MILITARY_INDICATORS), value=x,
                            description=_("Military spending measure"),
                            style={"description_width": "initial"},
                            layout=W.Layout(width="460px"))
        self.y = W.Dropdown(options=options(COMPARISON_INDICATORS), value=y,
                            description=_("Compare with"),
                            style={"description_width": "initial"},
                            layout=W.Layout(width="460px"))
        years = self._years_for(x, y)
        start_year = year if year in years else years[-1]
        self.year = W.IntSlider(value=start_year, min=years[0], max=years[-1], step=1,
                                description=_("Year"), continuous_update=True,
                                layout=W.Layout(width="420px"))
        self.play = W.Play(value=start_year, min=years[0], max=years[-1], step=1, interval=700,
                           description=_("Play the years"),
                           tooltip=_("Play through the years"))
        W.jslink((self.play, "value"), (self.year, "value"))
        all_countries = sorted(panel["iso3"].unique(), key=lambda c: sort_key(self._names[c]))
        self.countries = W.SelectMultiple(
            options=[(self._names[c], c) for c in all_countries], value=tuple(highlight),
            description=_("Highlight countries"), rows=7,
            style={"description_width": "initial"},
            layout=W.Layout(width="360px"))
        self.by_income = W.Checkbox(
            value=False, description=_("Compare within income groups (one line per group)"),
            indent=False, layout=W.Layout(width="auto"))
        self.fit_text = W.HTML()
        self.caveat = W.HTML(
            '<details open><summary><b>'
            + html.escape(_("Why this is not the effect of moving money"))
            + f'</b></summary><p style="max-width:720px">{html.escape(_(CONFOUNDING_NOTE))}</p>'
            '</details>')

        self._sentences: dict[tuple[str, str, bool], dict[int, str]] = {}
        self._year_tables: dict[tuple[str, str], tuple[pd.DataFrame, dict[int, pd.DataFrame]]] = {}
        # Every indicator goes into the chart once; a pair is a set of parameters.
        self._explorer_points = panel[["iso3", "name", "year", "income_group",
                                       *MILITARY_INDICATORS, *COMPARISON_INDICATORS]]
        self._pair_params: dict[tuple[str, str], dict] = {}
        self._pair_change = False
        self._band_texts: dict[tuple[str, str, bool], str] = {}
        # A stub declares the parameters; the spec comes from the template.
        stub = alt.Chart(pd.DataFrame({"x": []})).mark_point().add_params(
            *[alt.param(name=k, value=v) for k, v in
              {"year": int(start_year), "highlight": list(highlight), "grouped": False,
               **self._pair(x, y)}.items()])
        self.scatter = ChartPanel(stub, "", caption=_("Countries in the chosen year"),
                                  source=self._source(x, y))
        self.scatter.chart.spec = spending_explorer_spec(
            self._explorer_points, self._fit(x, y, False)[0], x, y, start_year,
            list(highlight))

        # ---- reallocation calculator
        realloc_countries = [c for c in all_countries if any(
            c in self._realloc_rows[t] for t in TARGETS)]
        first = data.check_country(country) if country else next(
            (c for c in highlight if c in realloc_countries), realloc_countries[0])
        self.country = W.Dropdown(options=[(self._names[c], c) for c in realloc_countries],
                                  value=first, description=_("Country"),
                                  layout=W.Layout(width="360px"))
        self.share = W.FloatSlider(value=10.0, min=0.0, max=50.0, step=1.0,
                                   description=_("Move (% of military spending)"),
                                   style={"description_width": "initial"},
                                   readout_format=".0f", layout=W.Layout(width="460px"))
        self.target = W.ToggleButtons(options=[(_sector(t, capital=True), t) for t in TARGETS],
                                      value="Health",
                                      description=_("To"),
                                      tooltips=[_("Health spending (all sources)"),
                                                _("Public education spending")])
        self.unit_choice = W.Dropdown(
            options=[(_(v["label"]), k) for k, v in UNIT_COSTS.items()],
            value=next(iter(UNIT_COSTS)), description=_("What it could buy"),
            style={"description_width": "initial"}, layout=W.Layout(width="460px"))
        self.unit_cost = W.BoundedFloatText(
            value=float(UNIT_COSTS[self.unit_choice.value]["cost_usd"]), min=0.01, max=1e7,
            step=1.0, description=_("Assumed cost per unit (US$)"),
            style={"description_width": "initial"}, layout=W.Layout(width="300px"))
        self.unit_note = W.HTML()
        self.result = W.HTML()
        self.realloc_panel = ChartPanel(
            reallocation_chart(self._realloc_table, first, "Health", self.share.value),
            "", caption=_("Spending per person before and after the shift"),
            source=(data.indicator_info("milex_usd").source_line() + " | "
                    + data.indicator_info("health_spending_gdp").source_line()))

        super().__init__([
            W.HTML("<h3 style='font-size:1em;margin:4px 0'>" + html.escape(_("Across countries"))
                   + "</h3>"),
            W.HBox([W.VBox([self.x, self.y, W.HBox([self.play, self.year]), self.by_income]),
                    self.countries]),
            self.fit_text, self.caveat, self.scatter,
            W.HTML("<h3 style='font-size:1em;margin:10px 0 4px'>" + html.escape(_(
                "Reallocation calculator (arithmetic on real data, not a forecast)")) + "</h3>"),
            W.HBox([self.country, self.target]), self.share,
            W.HBox([self.unit_choice, self.unit_cost]), self.unit_note,
            self.result, self.realloc_panel,
        ])
        self.on_change([self.x, self.y], self._on_pair)
        self.on_change(self.by_income, self._on_grouping)
        self.on_change(self.year, self._on_year)
        self.on_change(self.countries, self._on_countries)
        self.on_change(self.unit_choice, self._on_unit_choice)
        self.on_change([self.country, self.share, self.target, self.unit_cost],
                       self._on_reallocation)
        self._on_year()
        self._on_reallocation()
        self._on_unit_choice()
        self._prepare_every_pair()

    def _prepare_every_pair(self) -> None:
        """Fit every pair of indicators, with and without income groups, now (~0.7 s).

        A pair seen for the first time cost 45–55 ms of Python (its fits for
        every year, axes, sentences), on top of the browser's redraw: over the
        100 ms a choice may take. Done once at the start, every choice is a
        lookup.
        """
        for x in MILITARY_INDICATORS:
            for y in COMPARISON_INDICATORS:
                years = self._years_for(x, y)
                self._pair(x, y)
                for grouped in (False, True):
                    self._bands(x, y, grouped)
                    self._fit_sentences(x, y, grouped)
                if years:
                    self._year_table(x, y, years[-1])

    # ------------------------------------------------------------------ precompute helpers
    def _reallocation_inputs(self, panel: pd.DataFrame) -> dict[str, dict[str, dict]]:
        """Per target and country: the latest year with every input, and the inputs."""
        out: dict[str, dict[str, dict]] = {}
        for label, col in TARGETS.items():
            need = ["milex_usd", "milex_gdp", "population", col]
            complete = panel.dropna(subset=need)
            complete = complete[(complete["milex_usd"] > 0) & (complete["milex_gdp"] > 0)]
            latest = complete.sort_values("year").groupby("iso3").tail(1)
            out[label] = {r.iso3: {"year": int(r.year), "milex_usd": float(r.milex_usd),
                                   "milex_gdp": float(r.milex_gdp),
                                   "population": float(r.population),
                                   "target": float(getattr(r, col))}
                          for r in latest.itertuples()} if not latest.empty else {}
        rows = [{"iso3": c, "name": self._names[c], "target": label,
                 "target_label": _sector(label, capital=True), "year": v["year"],
                 "military_pp": v["milex_usd"] / v["population"],
                 "target_pp": v["target"] / 100 * v["milex_usd"] / (v["milex_gdp"] / 100)
                 / v["population"]}
                for label, per in out.items() for c, v in per.items()]
        self._realloc_table = pd.DataFrame(rows)
        return out

    def _pts(self, x: str, y: str) -> pd.DataFrame:
        """Rows with either indicator, for one pair (cached)."""
        if (x, y) not in self._points:
            self._points[(x, y)] = self._panel[["iso3", "name", "year", "income_group", x, y]
                                               ].dropna(subset=[x, y], how="all")
        return self._points[(x, y)]

    def _fit(self, x: str, y: str, grouped: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Fits for every year of a pair (computed on first use, then cached)."""
        key = (x, y, grouped)
        if key not in self._fits:
            pts = self._pts(x, y)
            self._fits[key] = fits_by_year(
                pts.dropna(subset=["income_group", x, y]) if grouped
                else pts.dropna(subset=[x, y]), x, y,
                group="income_group" if grouped else None, min_countries=8 if grouped else 10)
        return self._fits[key]

    def _years_for(self, x: str, y: str) -> list[int]:
        if (x, y) not in self._years:
            self._years[(x, y)] = sorted(self._fit(x, y, False)[1]["year"].tolist())
        return self._years[(x, y)]

    def _pair(self, x: str, y: str) -> dict:
        """The explorer's parameters for a pair (computed once, then cached)."""
        if (x, y) not in self._pair_params:
            self._pair_params[(x, y)] = pair_params(self._pts(x, y), x, y)
        return self._pair_params[(x, y)]

    def _bands(self, x: str, y: str, grouped: bool) -> str:
        """The fitted lines of a pair as the chart's rows (JSON text, cached)."""
        key = (x, y, grouped)
        if key not in self._band_texts:
            self._band_texts[key] = band_json(self._fit(*key)[0])
        return self._band_texts[key]

    @staticmethod
    def _source(x: str, y: str) -> str:
        return (f"{data.indicator_info(x).source_line()} | {data.indicator_info(y).source_line()}")

    # ------------------------------------------------------------------ callbacks
    def _fit_sentences(self, x: str, y: str, grouped: bool) -> dict[int, str]:
        """Plain-words fit for every year of a pair (computed once, then cached)."""
        key = (x, y, grouped)
        if key not in self._sentences:
            xs = _lower(_(data.indicator_info(x).short_label))
            ys = _lower(_(data.indicator_info(y).short_label))
            out: dict[int, list[str]] = {}
            for r in self._fit(*key)[1].itertuples():
                f = Fit(r.slope, 0.0, r.slope_low, r.slope_high, r.r2, int(r.n),
                        x in LOG_SCALE_INDICATORS, y in LOG_SCALE_INDICATORS, pd.DataFrame())
                sentence = f.sentence(xs, ys)
                if grouped:  # "Revenu élevé : dans ces 49 pays..."
                    sentence = _("{group}: {sentence}").format(
                        group=_(r.group), sentence=sentence if get_language() == "en"
                        else sentence[:1].lower() + sentence[1:])
                out.setdefault(int(r.year), []).append(sentence)
            self._sentences[key] = {yr: " ".join(v) for yr, v in out.items()}
        return self._sentences[key]

    def _year_table(self, x: str, y: str, year: int) -> pd.DataFrame:
        """Countries with both values in one year, A–Z (each year made when first shown)."""
        key = (x, y)
        if key not in self._year_tables:
            xs, ys = _(data.indicator_info(x).short_label), _(data.indicator_info(y).short_label)
            pts = self._pts(*key).dropna(subset=[x, y]).rename(columns={x: xs, y: ys})
            pts = pts.iloc[sorted(range(len(pts)), key=lambda i: sort_key(pts["name"].iat[i]))]
            self._year_tables[key] = (pts, {})
        pts, years = self._year_tables[key]
        if int(year) not in years:
            years[int(year)] = _headers(pts.loc[pts["year"].to_numpy() == int(year)].drop(
                columns=["year"]))
        return years[int(year)]

    def _describe(self) -> None:
        x, y, yr = self.x.value, self.y.value, int(self.year.value)
        grouped = self.by_income.value
        xs, ys = _(data.indicator_info(x).short_label), _(data.indicator_info(y).short_label)
        table = self._year_table(x, y, yr)
        sentence = self._fit_sentences(x, y, grouped).get(
            yr, _("Too few countries have both {x} and {y} in {year} to fit a line.").format(
                x=xs, y=ys, year=yr))
        chosen = [self._names[c] for c in self.countries.value]
        marked = (_("Highlighted, and drawn over time below: {countries}.").format(
            countries=", ".join(chosen)) if chosen else _("No country is highlighted."))
        scatter = (_("Scatter of {y} against {x} in {year}, {n} countries, coloured by income "
                     "group.") if grouped else
                   _("Scatter of {y} against {x} in {year}, {n} countries.")).format(
            y=ys, x=xs, year=yr, n=len(table))
        below = _("Below: the highlighted countries' values over time; the dashed line marks "
                  "{year}.").format(year=yr)
        desc = f"{scatter} {sentence} {marked} {below}"
        self.fit_summary = sentence
        self.scatter.update(description=desc, table=table)
        self.fit_text.value = ("<p style='max-width:720px'><b>" + html.escape(
            _("Fitted relationship, {year}:").format(year=yr)) + "</b> "
            f"{html.escape(sentence)}</p>")

    def _on_pair(self, change=None) -> None:
        x, y, grouped = self.x.value, self.y.value, self.by_income.value
        years = self._years_for(x, y)
        if not years:
            raise LabInputError(_("No year has enough countries with both indicators."))
        yr = min(max(self.year.value, years[0]), years[-1])
        # Another pair is new parameters (columns, axes, titles) and its fitted lines:
        # the chart on screen keeps its rows (every indicator is in it already). The
        # chart's message goes first; the year's range follows it (one message per
        # control), without a second chart update for the year.
        self.scatter.set_data(params={**self._pair(x, y), "year": int(yr)},
                              **{BANDS_NAME: self._bands(x, y, grouped)})
        self._pair_change = True
        try:
            with self.year.hold_sync(), self.play.hold_sync():
                for control in (self.year, self.play):
                    control.min, control.max = (min(years[0], control.min),
                                                max(years[-1], control.max))
                    control.min, control.max = years[0], years[-1]
                self.year.value = yr
        finally:
            self._pair_change = False
        self.scatter.update(source=self._source(x, y))
        self.clear_message()
        self._describe()

    def _on_grouping(self, change=None) -> None:
        """Income groups on or off: other fitted lines and colours, same chart."""
        x, y, grouped = self.x.value, self.y.value, self.by_income.value
        self.scatter.set_data(params={"grouped": grouped},
                              **{BANDS_NAME: self._bands(x, y, grouped)})
        self._describe()

    def _on_year(self, change=None) -> None:
        if self._pair_change:
            return
        self.scatter.set_params(year=int(self.year.value))
        self._describe()

    def _on_countries(self, change=None) -> None:
        chosen = list(self.countries.value)
        self.scatter.set_params(highlight=chosen)
        if not chosen:
            self.show_message(_("No country is highlighted: choose one or more in the list "
                                "(Ctrl/Cmd-click, or Shift + arrow keys)."), "info")
        else:
            self.clear_message()
        self._describe()

    def _on_unit_choice(self, change=None) -> None:
        item = UNIT_COSTS[self.unit_choice.value]
        self.unit_cost.value = float(item["cost_usd"])
        self.unit_note.value = (
            "<p style='max-width:720px;font-size:12px;color:#5c4400;background:#fff4d6;"
            "padding:4px 8px'><b>" + html.escape(_("Teaching assumption, not data:"))
            + f"</b> {html.escape(_(item['note']))} <i>"
            + html.escape(_("Source: {source}").format(source=_(item["source"])))
            + "</i></p>")
        self._on_reallocation()

    def _on_reallocation(self, change=None) -> None:
        target = self.target.value
        iso3 = self.country.value
        rows = self._realloc_rows[target]
        name = self._names[iso3]
        if iso3 not in rows:
            raise LabInputError(_(
                "{country} has no year with military spending, population and {sector} "
                "spending all reported. Choose another country or sector.").format(
                country=name, sector=_sector(target)))
        r = rows[iso3]
        res = reallocate(r["milex_usd"], r["milex_gdp"], r["target"], r["population"],
                         self.share.value, target=target, year=r["year"])
        n_units = units_affordable(res.shifted, self.unit_cost.value)
        self.reallocation = res
        unit = UNIT_COSTS[self.unit_choice.value]
        ind = TARGETS[target]
        sector = _sector(target)

        def usd(value: float) -> str:
            return format_number(value, 2)

        self.result.value = (
            "<p style='max-width:720px'>" + _(
                "<b>{country}, {year}</b> (the latest year with military spending in US$ and "
                "as % of GDP, population and {sector} spending all reported). Moving "
                "<b>{share}%</b> of military spending ({military} million US$) shifts "
                "<b>{shifted} million US$</b>, or <b>US$ {per_person} per person</b> a year. "
                "The country now spends US$ {target_per_person} per person on {sector} "
                "({target_share}), so this would add <b>{increase}</b> to it. At the assumed "
                "US$ {unit_cost} per unit it would pay for about <b>{units} {unit}</b>.").format(
                country=html.escape(name), year=res.year, sector=html.escape(sector),
                share=format_number(res.share_pct, 0),
                military=format_value(res.military_before / 1e6),
                shifted=format_value(res.shifted / 1e6), per_person=usd(res.shifted_per_person),
                target_per_person=usd(res.target_before_per_person),
                target_share=format_value(r["target"], "% of GDP"),
                increase=format_value(res.increase_pct_of_target, "%"),
                unit_cost=usd(self.unit_cost.value), units=format_number(n_units, 0),
                unit=html.escape(_(unit["unit"]))) + "</p>"
            "<p style='max-width:720px;font-size:12px;color:#555'>" + _(
                "How it is computed: GDP in current US$ = military spending in US$ ÷ (military "
                "spending % of GDP ÷ 100), both for {year}; {sector} spending in US$ = "
                "{indicator} ÷ 100 × GDP. Money is conserved: what leaves defence arrives in the "
                "target sector. Whether it would buy the same services, and what security it "
                "would cost, the arithmetic cannot say.").format(
                year=res.year, sector=html.escape(sector), indicator=ind) + "</p>")
        table = res.as_table()
        table["sector"] = table["sector"].replace({target: _sector(target, capital=True)})
        self.realloc_panel.set_params(country=iso3, target=target, share=float(res.share_pct))
        self.realloc_panel.update(
            description=_("Bars for {country}, {year}: military spending per person falls from "
                          "US$ {military_before} to US$ {military_after}; {sector} spending per "
                          "person rises from US$ {target_before} to US$ {target_after}.").format(
                country=name, year=res.year,
                military_before=usd(res.military_before / res.population),
                military_after=usd(res.military_after / res.population), sector=sector,
                target_before=usd(res.target_before_per_person),
                target_after=usd(res.target_after / res.population)),
            table=_headers(table.round(2)),
            source=(data.indicator_info("milex_usd").source_line() + " | "
                    + data.indicator_info(ind).source_line()))
        if self.message_kind == "error":
            self.clear_message()

