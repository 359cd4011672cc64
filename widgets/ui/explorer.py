"""IndicatorExplorer: a world map of one indicator, a year slider that plays,
filters by region and income group, and a linked chart comparing countries.

>>> ex = IndicatorExplorer("life_expectancy", year=2015, countries=["JPN", "NGA"])
>>> ex.year.value = 2020
>>> ex.panel.chart.params.year
2020.0
>>> "2020" in ex.panel.description_text
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import altair as alt
import ipywidgets as W
import numpy as np
import pandas as pd

from widgets import data
from widgets.charts import format_value
from widgets.charts.explore import (
    MAX_COMPARED,
    VALUES_NAME,
    chart_rows,
    explorer_spec,
    indicator_params,
    wide_by_year,
)
from widgets.errors import LabInputError
from widgets.explore import ALL, countries_in, rank_year, split_by_year
from widgets.i18n import N_, _, country_display_name, get_language, ngettext, sort_key
from widgets.ui import ChartPanel, LabWidget
from widgets.usertable import UserIndicatorInfo

__all__ = ["IndicatorExplorer", "indicator_options"]

#: Short names of the dimensions, for the indicator menu ("Health — Under-5 mortality").
#: (Marked for translation: shown as ``_(DIMENSION_SHORT[dim])``.)
DIMENSION_SHORT = {
    "economic": N_("Economic"), "food": N_("Food"), "health": N_("Health"),
    "environmental": N_("Environment"), "personal": N_("Personal"),
    "community": N_("Community"), "political": N_("Political"),
    "state_security": N_("State security"), "summary": N_("Summary"), "context": N_("Context"),
}
INCOME_ORDER = ["Low income", "Lower middle income", "Upper middle income", "High income"]


def indicator_options(exclude: Sequence[str] = ()) -> list[tuple[str, str]]:
    """Menu entries ``("Health — Under-5 mortality", "under5_mortality")``, grouped by dimension.

    >>> ("Health — Under-5 mortality", "under5_mortality") in indicator_options()
    True
    """
    out = []
    for dim, ids in data.indicators_by_dimension().items():
        for ind in ids:
            if ind in exclude:
                continue
            out.append((f"{_(DIMENSION_SHORT.get(dim, dim))} — "
                        f"{_(data.indicator_info(ind).short_label)}", ind))
    return out


def user_indicator_options() -> list[tuple[str, str]]:
    """Menu entries for the indicators a learner added in this kernel (issue 21)."""
    from widgets.usertable import USER_INDICATORS

    return [(_("Your data — {name}").format(name=m["label"]), key)
            for key, m in USER_INDICATORS.items()]


def label_and_unit(info: Any) -> tuple[str, str]:
    """An indicator's short label and unit as shown: the lab's translated, a learner's as typed."""
    if isinstance(info, UserIndicatorInfo):
        return info.short_label, info.unit
    return _(info.short_label), _(info.unit)


def local_names(countries: pd.DataFrame) -> dict[str, str]:
    """ISO3 -> the country's name in the reader's language (CLDR; the lab's name in English)."""
    lang = get_language()
    return {c: country_display_name(i2 if isinstance(i2, str) else "", n, lang)
            for c, i2, n in zip(countries["iso3"], countries["iso2"], countries["name"],
                                strict=True)}


def _params_stub() -> alt.TopLevelMixin:
    """A tiny chart with the explorer's parameters and selection.

    The panel starts from it so that the parameter traits exist; the real spec
    (built in milliseconds by :func:`explorer_spec`) is then set directly.
    """
    pick = alt.selection_point(name="pick", fields=["iso3"], on="click", toggle="true",
                               clear="dblclick")
    stub = alt.Chart(pd.DataFrame({"iso3": ["AAA"]})).mark_point().encode(x="iso3:N")
    shown = indicator_params(pd.DataFrame({"iso3": ["AAA"], "y2000": [1.0]}), [2000], "", "",
                             "neutral")
    return stub.add_params(pick, alt.param(name="year", value=2000),
                           alt.param(name="region", value=ALL),
                           alt.param(name="income", value=ALL), alt.param(name="picked", value=[]),
                           *[alt.param(name=k, value=v) for k, v in shown.items()])


#: Each indicator's prepared rows, parameters and rankings, shared by the explorers
#: of a kernel, and made again only if the datasets are loaded again.
_PREPARED: dict[str, Any] = {"datasets": None, "store": {}}


def _prepared_store() -> dict[str, dict[str, Any]]:
    """The shared per-indicator store for the datasets loaded now, in the language in use
    (the rows hold country names and the indicator's label)."""
    loaded = data._panel()  # the cached panel: one object while the kernel runs
    if _PREPARED["datasets"] is not loaded:
        _PREPARED.update(datasets=loaded, store={})
    return _PREPARED["store"].setdefault(get_language(), {})


class IndicatorExplorer(LabWidget):
    """Explore one indicator on a world map, year by year, and compare countries.

    Parameters
    ----------
    indicator : catalogue id (default under-5 mortality).
    year : year shown first (default: the latest with data).
    countries : ISO3 codes or names to compare in the line chart.
    region, income : initial filters (``"All"`` = no filter).

    Controls: ``indicator`` (dropdown grouped by dimension), ``year`` (slider)
    with ``play`` (animates the years), ``region``, ``income``, ``countries``
    (a list; clicking a country on the map adds or removes it too).
    """

    state_name = "indicator_explorer"
    state_controls = ("indicator", "year", "region", "income", "countries")

    def __init__(self, indicator: str = "under5_mortality", year: int | None = None,
                 countries: Iterable[str] = (), region: str = ALL, income: str = ALL) -> None:
        self._countries = data.load_countries()
        self._names = local_names(self._countries)
        # the map's rows carry the names in the reader's language
        self._countries = self._countries.assign(name=self._countries["iso3"].map(self._names))
        self._panel = data.load_panel()
        self._all_years = sorted(self._panel["year"].unique().tolist())
        self._cache = _prepared_store()
        self._clicked: set[str] = set()
        self._filter_cache: dict[tuple[str, str], set[str]] = {}
        self._year_sent: int | None = None  # year already sent with an indicator's rows
        self.spec: dict[str, Any] = {}

        from widgets.usertable import USER_INDICATORS, listen_weakly, restore_saved_tables

        restore_saved_tables()  # the learner's tables from an earlier lesson (issue 21)

        if indicator not in USER_INDICATORS:
            indicator = data.check_indicator(indicator)
        self.indicator = W.Dropdown(options=indicator_options() + user_indicator_options(),
                                    value=indicator,
                                    description=_("Indicator"),
                                    layout=W.Layout(width="440px"),
                                    style={"description_width": "80px"})
        self.year = W.IntSlider(description=_("Year"), min=self._all_years[0],
                                max=self._all_years[-1], value=self._all_years[-1],
                                continuous_update=True, layout=W.Layout(width="440px"),
                                style={"description_width": "80px"})
        self.play = W.Play(interval=800, min=self._all_years[0], max=self._all_years[-1],
                           value=self._all_years[-1], description=_("Play through the years"),
                           tooltip=_("Play: step through the years on the map"))
        W.link((self.play, "value"), (self.year, "value"))
        regions = sorted(self._countries["un_region"].dropna().unique())
        incomes = [g for g in INCOME_ORDER if g in set(self._countries["income_group"])]
        # labels in the reader's language; the values (saved, and the chart's parameters) in English
        self.region = W.Dropdown(options=[(_(ALL), ALL), *((data.local_region_name(r), r)
                                                           for r in regions)],
                                 value=ALL, description=_("Region"),
                                 style={"description_width": "80px"})
        income_label = _("Income group")  # "Groupe de revenu" needs more room than English
        self.income = W.Dropdown(options=[(_(ALL), ALL), *((_(g), g) for g in incomes)],
                                 value=ALL, description=income_label,
                                 style={"description_width": "90px" if len(income_label) <= 12
                                        else "120px"})
        self.countries = W.SelectMultiple(
            options=sorted(((n, c) for c, n in self._names.items()), key=lambda t: sort_key(t[0])),
            value=(), rows=7, description=_("Compare"),
            tooltip=_("Choose up to eight countries (Ctrl/Cmd or Shift for several)"),
            style={"description_width": "80px"}, layout=W.Layout(width="330px"))
        self.hint = W.HTML("<small>" + _(
            "Click a country on the map to add or remove it; double-click the sea "
            "to clear the map selection.") + "</small>")

        self.panel = ChartPanel(_params_stub(), "", renderer="canvas")
        controls = W.HBox([
            W.VBox([self.indicator, W.HBox([self.year, self.play]), self.region, self.income]),
            W.VBox([self.countries, self.hint]),
        ], layout=W.Layout(flex_flow="row wrap", grid_gap="12px"))
        super().__init__([controls, self.panel])

        self.on_change(self.indicator, self._on_indicator)
        self.on_change(self.year, self._on_year)
        self.on_change([self.region, self.income], self._on_filter)
        self.on_change(self.countries, self._on_countries)
        self.panel.chart.selections.observe(self.safe(self._on_map_click), names="pick")
        # The controls are the truth: a browser view that re-renders from the spec
        # reports the spec's parameter values back; put the controls' values again.
        self.panel.chart.observe(self.safe(self._keep_params), names="_params")

        # Every indicator's rows and parameters are made now (about 0.6 s, once per
        # kernel: explorers share them), so that choosing one only sends prepared text.
        for _label, ind in self.indicator.options:
            self._indicator_data(ind)
        # A learner's own indicator (UserDataLoader) is prepared alone when it is added.
        listen_weakly(self, "_user_indicator_added")
        self._show_indicator(indicator, year)
        region_values = [v for _label, v in self.region.options]
        income_values = [v for _label, v in self.income.options]
        self.region.value = region if region in region_values else ALL
        self.income.value = income if income in income_values else ALL
        if region not in region_values or income not in income_values:
            self.show_message(_("Unknown region or income group ({region}, {income}); "
                                "showing all countries.").format(region=repr(region),
                                                                 income=repr(income)), "warning")
        codes = list(countries)
        if codes:
            self.compare(codes)
        self._sync_spec_params()

    # -- public helpers -----------------------------------------------------
    def compare(self, countries: Iterable[str]) -> None:
        """Put these countries (codes or names) in the line chart; unknown ones get a message."""
        good, bad = [], []
        for c in countries:
            try:
                good.append(data.check_country(c))
            except LabInputError as err:
                bad.append(str(err))
        self.countries.value = tuple(dict.fromkeys(good))[:MAX_COMPARED]
        if bad:
            self.show_message(" ".join(bad), "error")

    @property
    def view_table(self) -> pd.DataFrame:
        """The numbers in the current view (same as the "Show the data" table)."""
        return self.panel.table_data

    def _expected_params(self) -> dict[str, Any]:
        return {"year": int(self.year.value), "region": self.region.value,
                "income": self.income.value, "picked": list(self.countries.value)}

    def _keep_params(self, change: dict) -> None:
        expected = self._expected_params()
        wrong = {k: v for k, v in expected.items()
                 if k in (change["new"] or {}) and change["new"][k] != v}
        if wrong:
            self.panel.set_params(**wrong)

    def _sync_spec_params(self) -> None:
        """Write the current parameter values into the spec (what a new view starts from)."""
        expected = self._expected_params()
        spec = dict(self.spec)
        spec["params"] = [dict(p, value=expected[p["name"]]) if p["name"] in expected else p
                          for p in spec["params"]]
        self.spec = spec
        self.panel.chart.spec = spec

    # -- precomputation -----------------------------------------------------
    def _user_indicator_added(self, key: str) -> None:
        """Prepare only the new user indicator and add it to the menu."""
        self._cache.pop(key, None)
        self._indicator_data(key)
        with self.indicator.hold_trait_notifications():
            current = self.indicator.value
            self.indicator.options = indicator_options() + user_indicator_options()
            self.indicator.value = current
        if current == key:
            self._show_indicator(key, self.year.value)

    def _indicator_data(self, indicator: str) -> dict[str, Any]:
        if indicator not in self._cache:
            from widgets.usertable import USER_INDICATORS

            if indicator in USER_INDICATORS:
                from widgets.usertable import user_indicator_info, user_indicator_long

                info = user_indicator_info(indicator)
                long = user_indicator_long(indicator)
                long = long[long["year"].isin(self._all_years) & long["iso3"].isin(self._names)]
            else:
                info = data.indicator_info(indicator)
                long = self._panel.loc[self._panel[indicator].notna(),
                                       ["iso3", "year", indicator]]
                long = long.rename(columns={indicator: "value"})
            years_with = sorted(long["year"].unique().tolist())
            wide = wide_by_year(long, self._countries, self._all_years)
            span = (years_with[0], years_with[-1]) if years_with else None
            self._cache[indicator] = {
                "info": info,
                "by_year": split_by_year(long, info.direction),
                "years": years_with,
                "wide": wide,
                # what the chart on screen gets for this indicator: JSON text and parameters
                "rows": chart_rows(wide, label_and_unit(info)[0]),
                "params": indicator_params(wide, self._all_years, *label_and_unit(info),
                                           info.direction, span),
            }
        return self._cache[indicator]

    # -- callbacks ----------------------------------------------------------
    def _show_indicator(self, indicator: str, year: int | None = None) -> None:
        d = self._indicator_data(indicator)
        info, years = d["info"], d["years"]
        label = label_and_unit(info)[0]
        if not years:
            raise LabInputError(_("{indicator} has no data in the lab's datasets.").format(
                indicator=label))
        wanted = years[-1] if year is None else int(year)
        if year is not None and wanted not in years:
            self.show_message(_(
                "{indicator} has no data for {year}; showing {latest}, the latest "
                "year with data.").format(indicator=label, year=wanted, latest=years[-1]),
                "warning")
            wanted = years[-1]
        self._clicked = set()
        self._current = indicator
        # The slider's new bounds and value reach the browser after the chart's rows
        # (each is a message that makes the browser lay the page out again).
        with self.year.hold_sync(), self.play.hold_sync():
            self._show_indicator_held(d, wanted)

    def _show_indicator_held(self, d: dict[str, Any], wanted: int) -> None:
        info, years = d["info"], d["years"]
        with self.year.hold_trait_notifications(), self.play.hold_trait_notifications():
            self.year.min, self.year.max = self._all_years[0], self._all_years[-1]
            self.play.min, self.play.max = self._all_years[0], self._all_years[-1]
            self.year.max, self.play.max = years[-1], years[-1]
            self.year.min, self.play.min = years[0], years[0]
        if self.spec:
            # another indicator: new rows and parameter values into the chart on screen
            params = {"year": int(wanted), **d["params"]}
            self._year_sent = int(wanted)  # travels with the rows: _on_year need not send it
            self.panel.set_data(params=params, description=self._describe(wanted),
                                **{VALUES_NAME: d["rows"]})
            self.spec = self.panel.chart.spec
        else:
            spec = explorer_spec(d["wide"], self._all_years, *label_and_unit(info),
                                 info.direction, wanted, "", region=self.region.value,
                                 income=self.income.value, picked=list(self.countries.value),
                                 year_range=(years[0], years[-1]))
            spec["description"] = self._describe(wanted)
            self.spec = spec
            self.panel.chart.spec = spec
        self.panel.set_source(info.source_line())
        if self.year.value != wanted:
            self.year.value = wanted  # triggers _on_year, which refreshes text and table
        else:
            self._refresh()

    def _on_indicator(self, change: dict) -> None:
        self.clear_message()
        self._show_indicator(change["new"], self.year.value)

    def _on_year(self, change: dict) -> None:
        if int(change["new"]) != self._year_sent:
            self.panel.set_params(year=int(change["new"]))
        self._year_sent = None
        self._refresh()

    def _on_filter(self, change: dict) -> None:
        self.panel.set_params(region=self.region.value, income=self.income.value)
        self._refresh()

    def _on_countries(self, change: dict) -> None:
        chosen = list(change["new"])
        if len(chosen) > MAX_COMPARED:
            self.show_message(ngettext(
                "The line chart compares up to {n} country; keeping the first {n}.",
                "The line chart compares up to {n} countries; keeping the first {n}.",
                MAX_COMPARED).format(n=MAX_COMPARED), "warning")
            self.countries.value = tuple(chosen[:MAX_COMPARED])
            return
        self.panel.set_params(picked=chosen)
        self._refresh()

    def _on_map_click(self, change: dict) -> None:
        selection = change["new"]
        clicked = {row.get("iso3") for row in (selection.value or []) if row.get("iso3")}
        added, removed = clicked - self._clicked, self._clicked - clicked
        self._clicked = clicked
        current = [c for c in self.countries.value if c not in removed]
        known = set(self._names)
        for code in sorted(added):
            if code in known and code not in current:
                current.append(code)
        self.countries.value = tuple(current[:MAX_COMPARED])

    # -- text and table -----------------------------------------------------
    def _in_view(self) -> set[str] | None:
        if self.region.value == ALL and self.income.value == ALL:
            return None
        key = (self.region.value, self.income.value)
        if key not in self._filter_cache:
            self._filter_cache[key] = set(
                countries_in(self._countries, self.region.value, self.income.value))
        return self._filter_cache[key]

    def _year_view(self, year: int, keep: set[str] | None) -> pd.DataFrame:
        d = self._indicator_data(self._current)
        if year not in d["by_year"]:
            return pd.DataFrame({"iso3": [], "value": [], "rank": []})
        codes, values = d["by_year"][year]
        return rank_year(codes, values, d["info"].direction, keep)

    def _refresh(self) -> None:
        d = self._indicator_data(self._current)
        info, year = d["info"], int(self.year.value)
        label, unit = label_and_unit(info)
        keep = self._in_view()
        view = self._year_view(year, keep)
        value_col = f"{label} ({unit})"
        table = pd.DataFrame({_("Country"): [self._names.get(c, c) for c in view["iso3"]],
                              value_col: view["value"].to_numpy(), _("Year"): year,
                              _("Rank"): view["rank"].to_numpy()})
        description = self._describe(year, view, keep)
        caption = _("{indicator} in {year}, countries in view with data").format(
            indicator=label, year=year)
        if isinstance(info, UserIndicatorInfo):  # a learner's table: its file in every row
            table[_("Source")] = info.publisher
            caption += f" ({info.publisher})"
        self.panel.update(description=description, table=table, caption=caption)
        if view.empty:
            self.show_message(_(
                "{indicator} has no values for {year} in the countries shown. "
                "Data exist for {years}; the map shows every country as "
                "'no data'.").format(indicator=label, year=year, years=year_span(d["years"])),
                "warning")
            self._no_values_shown = self.message_text
        elif self.message_kind == "warning" and self.message_text == getattr(
                self, "_no_values_shown", None):
            self.clear_message()

    def _describe(self, year: int, view: pd.DataFrame | None = None,
                  keep: set[str] | None = None) -> str:
        d = self._indicator_data(self._current)
        info = d["info"]
        if view is None:
            view = self._year_view(year, keep)
        n_view = len(self._names) if keep is None else len(keep)
        where = self._where()
        label, unit = label_and_unit(info)
        if view.empty:
            text = _("Map of {indicator} in {year}{where}: no country in view has data for this "
                     "year.").format(indicator=label, year=year, where=where)
        else:
            codes, vals = view["iso3"].to_numpy(), view["value"].to_numpy()
            best, worst = (codes[0], vals[0]), (codes[-1], vals[-1])
            # TRANSLATORS: English says "1 of 5 countries have data" whatever the count
            text = ngettext(
                "Map of {indicator} ({unit}) in {year}{where}: {n} of {total} countries have "
                "data; {missing} without data are shown in grey as 'no data', not as zero.",
                "Map of {indicator} ({unit}) in {year}{where}: {n} of {total} countries have "
                "data; {missing} without data are shown in grey as 'no data', not as zero.",
                len(view)).format(indicator=label, unit=unit, year=year, where=where,
                                  n=len(view), total=n_view, missing=n_view - len(view))
            extremes = (_("Highest: {best} ({best_value}); lowest: {worst} ({worst_value}); "
                          "median {median}.") if info.direction == "neutral" else
                        _("Best-off: {best} ({best_value}); worst-off: {worst} ({worst_value}); "
                          "median {median}."))
            text += " " + extremes.format(
                best=self._names.get(best[0], best[0]), best_value=format_value(best[1], unit),
                worst=self._names.get(worst[0], worst[0]),
                worst_value=format_value(worst[1], unit),
                median=format_value(float(np.median(vals)), unit))
        picked = list(self.countries.value)
        if picked:
            position = {c: i for i, c in enumerate(view["iso3"])}
            ranks, vals = view["rank"].to_numpy(), view["value"].to_numpy()
            parts = []
            for code in picked:
                name = self._names.get(code, code)
                if code in position:
                    i = position[code]
                    parts.append(_("{country} {value} (rank {rank} of {n})").format(
                        country=name, value=format_value(vals[i], unit), rank=int(ranks[i]),
                        n=len(view)))
                elif keep is not None and code not in keep:
                    parts.append(_("{country} is outside the current filter").format(
                        country=name))
                else:
                    parts.append(_("{country} no data in {year}").format(country=name,
                                                                         year=year))
            text += " " + _("Compared in the line chart: {countries}.").format(
                countries=_("; ").join(parts))
        else:
            text += " " + _("No countries are selected for the line chart yet.")
        if isinstance(info, UserIndicatorInfo):
            text += " " + info.source_line()
        return text

    def _where(self) -> str:
        bits = [name(value) for value, name in ((self.region.value, data.local_region_name),
                                                (self.income.value, _)) if value != ALL]
        return f" ({', '.join(bits)})" if bits else ""


def year_span(years: list[int]) -> str:
    """``"1990–2023"`` for a list of years (first–last).

    >>> year_span([2000, 2001, 2005])
    '2000–2005'
    """
    return f"{years[0]}–{years[-1]}" if years else _("no years")
