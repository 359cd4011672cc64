"""Charts for exploring one indicator: a world map with a year slider, a linked
line chart of chosen countries, and the data-coverage heat-maps.

The map chart embeds the indicator for *all* years once, one row per country
(``iso3, name, region, income`` and one column ``y1990``, ``y1991``... per
year), and picks the shown year with the Vega parameter ``year``. Moving the
year slider therefore only changes a parameter: no data travel to the browser.
The region and income-group filters (``region``, ``income``) and the
countries in the line chart (``picked``) are parameters too, and so is
everything that makes the chart show one indicator (colours, legend, titles:
:func:`indicator_params`), so another indicator is new parameter values and
new rows, not a new chart. Ranks are computed inside Vega among the countries
in view, so the tooltip's "3 of 12" is right for a filtered map as well.

>>> import pandas as pd
>>> wide = pd.DataFrame({"iso3": ["KEN", "FRA"], "name": ["Kenya", "France"],
...                      "region": ["Africa", "Europe"], "income": ["Lower middle income", "High income"],
...                      "y2020": [41.0, 4.4], "y2021": [39.0, None]})
>>> spec = explorer_chart(wide, years=[2020, 2021], label="Under-5 mortality",
...                       unit="deaths per 1,000 live births", direction="higher_is_worse",
...                       year=2021, description="A map.", world=None).to_dict()
>>> sorted(p["name"] for p in spec["params"])[:5]
['income', 'ind_direction', 'ind_first_year', 'ind_hi', 'ind_label']
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from functools import cache
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from widgets.charts import (
    NO_DATA_COLOUR,
    OKABE_ITO,
    Y_LABEL_ROOM,
    colour_scale,
    describe,
    json_data,
    map_projection,
    nice_ticks,
    world_map_data,
)
from widgets.charts._templates import spec_template
from widgets.explore import ALL, colour_domain
from widgets.i18n import PACKAGE_LOCALE_DIR, _, get_language, sort_key

__all__ = ["COVERAGE_COUNTRIES", "COVERAGE_YEARS", "coverage_country_chart", "coverage_country_rows",
           "coverage_labels", "coverage_year_chart", "coverage_year_rows", "explorer_chart", "explorer_spec",
           "wide_by_year", "year_column"]

MAP_WIDTH, MAP_HEIGHT = 640, 330
#: Name of the embedded dataset of values (one row per country, one column per year).
VALUES_NAME = "indicator_by_year"
#: Fill for countries outside the current region / income filter.
OUTSIDE_COLOUR = "#f7f7f7"
#: Most countries the line chart compares at once (one Okabe–Ito colour each).
MAX_COMPARED = len(OKABE_ITO)


def year_column(year: int) -> str:
    """Name of the column holding one year in the wide table: ``y2020``.

    >>> year_column(2020)
    'y2020'
    """
    return f"y{int(year)}"


def _round_sig(values: pd.Series, digits: int = 4) -> pd.Series:
    """Round to ``digits`` significant figures (keeps the embedded data small).

    >>> _round_sig(pd.Series([123456.0, 0.0123456, 0.0, None])).tolist()
    [123500.0, 0.01235, 0.0, nan]
    """
    arr = values.to_numpy(dtype=float, na_value=np.nan)
    return pd.Series(_round_sig_array(arr, digits), index=values.index, name=values.name)


def _round_sig_array(arr: np.ndarray, digits: int = 4) -> np.ndarray:
    out = arr.copy()
    ok = np.isfinite(arr) & (arr != 0)
    exps = digits - 1 - np.floor(np.log10(np.abs(arr[ok]))).astype(int)
    vals = arr[ok]
    up = exps >= 0
    res = np.empty_like(vals)
    res[up] = np.round(vals[up] * 10.0 ** exps[up]) / 10.0 ** exps[up]
    res[~up] = np.round(vals[~up] / 10.0 ** -exps[~up]) * 10.0 ** -exps[~up]
    out[ok] = res
    return out


def wide_by_year(long: pd.DataFrame, countries: pd.DataFrame, years: Sequence[int],
                 region_column: str = "un_region") -> pd.DataFrame:
    """One row per country, one column per year: the data the map chart embeds.

    Parameters
    ----------
    long : ``iso3, year, value`` for one indicator.
    countries : ``iso3, name`` plus the region column and ``income_group``.
    years : the years to embed (columns ``y<year>``; missing = NaN).

    Examples
    --------
    >>> long = pd.DataFrame({"iso3": ["KEN", "KEN"], "year": [2020, 2021], "value": [41.04, 39.2]})
    >>> c = pd.DataFrame({"iso3": ["KEN", "FRA"], "name": ["Kenya", "France"],
    ...                   "un_region": ["Africa", "Europe"], "income_group": ["Lower middle income", None]})
    >>> w = wide_by_year(long, c, [2020, 2021])
    >>> w.columns.tolist()
    ['iso3', 'name', 'region', 'income', 'y2020', 'y2021']
    >>> w.loc[w["iso3"] == "KEN", ["y2020", "y2021"]].values.tolist()
    [[41.04, 39.2]]
    """
    base = countries[["iso3", "name", region_column, "income_group"]].rename(
        columns={region_column: "region", "income_group": "income"})
    base = base.sort_values("iso3").reset_index(drop=True)
    years = [int(y) for y in years]
    # a pivot by position: each (country, year) row lands in its cell of a NaN grid
    grid = np.full((len(base), len(years)), np.nan)
    if not long.empty:
        row = pd.Index(base["iso3"]).get_indexer(long["iso3"])
        col = pd.Index(years).get_indexer(long["year"].astype(int))
        ok = (row >= 0) & (col >= 0)
        row, col = row[ok][::-1], col[ok][::-1]  # reversed: the first of duplicates wins
        grid[row, col] = long["value"].to_numpy(dtype=float)[ok][::-1]
    table = pd.DataFrame(_round_sig_array(grid), columns=[year_column(y) for y in years])
    return pd.concat([base, table], axis=1)


def chart_rows(wide: pd.DataFrame, label: str) -> str:
    """The explorer's embedded rows: ``wide`` plus the column ``ind`` naming the indicator.

    The map picks a year's value with ``datum['y' + year]``, a field Vega cannot
    see in advance; referring to ``ind`` as well makes Vega recompute the value
    when another indicator's rows are swapped in.

    >>> chart_rows(pd.DataFrame({"iso3": ["A"], "y2020": [1.5]}), "GDP")
    '[{"iso3":"A","y2020":1.5,"ind":"GDP"}]'
    """
    return wide.assign(ind=label).to_json(orient="records", double_precision=6)


def legend_ticks(domain: Sequence[float], kind: str) -> list[float]:
    """Round values to label the colour legend, in the colour scale's own units.

    A log scale is drawn as a linear scale over log10 of the value (so that the
    scale type never changes between indicators and a new indicator needs no
    new chart); its ticks are :func:`widgets.charts.nice_ticks` on a log scale
    (at most six), returned as their log10.

    >>> legend_ticks([2.8, 196.5], "log") == [math.log10(v) for v in (5, 10, 20, 50, 100)]
    True
    >>> legend_ticks([40.4, 83.6], "linear")
    [50.0, 60.0, 70.0, 80.0]
    """
    lo, hi = float(domain[0]), float(domain[1])
    if kind == "log":
        return [math.log10(t) for t in nice_ticks(lo, hi, log=True, most=6)]
    return nice_ticks(lo, hi)


@cache
def _scale_dict(direction: str) -> dict[str, Any]:
    return colour_scale(direction).to_dict()


def indicator_params(wide: pd.DataFrame, years: Sequence[int], label: str, unit: str,
                     direction: str, year_range: Sequence[int] | None = None) -> dict[str, Any]:
    """The parameters that make the explorer show one indicator (everything but its rows).

    Colours, legend, titles, tooltips and the line chart's years are all
    driven by these, so another indicator is a new set of values plus new rows
    (:meth:`widgets.ui.ChartPanel.set_data`), not a new chart.

    >>> wide = pd.DataFrame({"iso3": ["A", "B"], "y2020": [2.0, 300.0]})
    >>> p = indicator_params(wide, [2020], "Deaths", "per 1,000", "higher_is_worse")
    >>> p["ind_log"], p["ind_scheme"], p["ind_reverse"], p["ind_label"]
    (True, 'orangered', False, 'Deaths')
    """
    year_cols = [year_column(y) for y in years if year_column(y) in wide]
    values = pd.Series(wide[year_cols].to_numpy(dtype=float).ravel()).dropna()
    domain, kind = colour_domain(values if not values.empty else pd.Series([0.0, 1.0]))
    is_log = kind == "log"
    lo, hi = (math.log10(v) for v in domain) if is_log else domain
    scale = _scale_dict(direction)
    span = [min(years), max(years)] if year_range is None else [int(v) for v in year_range]
    # (names start with ind_: "unit" and others are Vega's own signals)
    return {"ind_label": label, "ind_unit": unit, "ind_direction": direction,
            "ind_log": is_log, "ind_lo": float(lo), "ind_hi": float(hi),
            "ind_scheme": scale["scheme"], "ind_reverse": bool(scale["reverse"]),
            "ind_ticks": legend_ticks(domain, kind),
            "ind_first_year": int(span[0]), "ind_last_year": int(span[1])}


def explorer_chart(
    wide: pd.DataFrame,
    years: Sequence[int],
    label: str,
    unit: str,
    direction: str,
    year: int,
    description: str,
    region: str = ALL,
    income: str = ALL,
    picked: Sequence[str] = (),
    world: alt.Data | None | bool = True,
    year_range: Sequence[int] | None = None,
) -> alt.VConcatChart:
    """The world map of one indicator (year chosen by a parameter) above a line
    chart comparing the picked countries over time.

    Parameters
    ----------
    wide : from :func:`wide_by_year`.
    years : the years embedded (the ``y<year>`` columns of ``wide``).
    label, unit, direction : from the indicator's catalogue entry.
    year, region, income, picked : initial values of the parameters.
    description : text description of the current view.
    world : the map data (``True`` = the lab's world map; ``None`` = a tiny
        stand-in, for tests that do not load the map).
    year_range : first and last year of the line chart's axis (default: ``years``).

    Parameters in the spec: ``year`` (number), ``region``, ``income`` (strings,
    ``"All"`` = no filter), ``picked`` (list of ISO3 codes in the line chart),
    ``pick`` (point selection: a click on the map) and those of
    :func:`indicator_params` (which indicator is shown, and how).
    """
    if world is True:
        world = world_map_data()
    elif world is None or world is False:
        world = alt.Data(values=[{"properties": {"iso3": r, "name": n}}
                                 for r, n in zip(wide["iso3"], wide["name"], strict=True)])
    year_cols = [year_column(y) for y in years]
    shown = indicator_params(wide, years, label, unit, direction, year_range)
    wide_data = alt.NamedData(name=VALUES_NAME, format=alt.DataFormat(type="json"))
    pick = alt.selection_point(name="pick", fields=["iso3"], on="click", toggle="true",
                               clear="dblclick")
    tip_country = alt.Tooltip("country:N", title=_("Country"))
    tip_year = alt.Tooltip("shown_year:Q", title=_("Year"), format="d")
    # words inside Vega expressions: JSON strings (a French apostrophe would end '...')
    no_data = _("no data")
    no_data_js, outside_js = json.dumps(no_data), json.dumps(_("not in the current filter"))
    rank_highest_js = json.dumps(_("{rank} of {n} (1 = highest)"))
    rank_best_js = json.dumps(_("{rank} of {n} (1 = best-off)"))

    # One geoshape layer for every country: a slider step or a filter then only
    # re-colours the same shapes (no shape enters or leaves, nothing is re-fitted).
    # Colours are over ``cval`` (log10 of the value on a log scale), so the
    # scale's type never changes and another indicator needs no new chart.
    countries = alt.Chart(
        name="explorer_map",
        # invalid="show": keep countries without a value (they are grey, by the condition)
        mark=alt.MarkDef(type="geoshape", strokeWidth=0.4, invalid="show"),
        transform=[
            alt.CalculateTransform(
                calculate=("!datum.in_view ? 'outside' : "
                           "(isValid(datum.value) ? 'data' : 'no data')"),
                **{"as": "status"}),
            alt.CalculateTransform(
                calculate=("datum.status != 'data' ? null : "
                           "(ind_log ? log(max(datum.value, 1e-12)) / LN10 : datum.value)"),
                **{"as": "cval"}),
            alt.CalculateTransform(
                calculate=("datum.status != 'data' ? null : "
                           "(ind_direction == 'higher_is_worse' ? datum.value : -datum.value)"),
                **{"as": "rank_key"}),
            alt.WindowTransform(window=[alt.WindowFieldDef(op="rank", **{"as": "rank"})],
                                sort=[alt.SortField("rank_key", order="ascending")],
                                groupby=["status"]),
            alt.JoinAggregateTransform(
                joinaggregate=[alt.JoinAggregateFieldDef(op="count", **{"as": "n"})],
                groupby=["status"]),
            alt.CalculateTransform(
                calculate=("datum.status == 'data' ? format(datum.value, ',.4~g') + "
                           "(ind_unit ? ' ' + ind_unit : '') : (datum.status == 'no data' ? "
                           f"{no_data_js} : {outside_js})"),
                **{"as": "value_text"}),
            alt.CalculateTransform(
                calculate=("datum.status == 'data' ? replace(replace("
                           f"ind_direction == 'neutral' ? {rank_highest_js} : {rank_best_js}, "
                           "'{rank}', '' + datum.rank), '{n}', '' + datum.n) : '–'"),
                **{"as": "rank_text"}),
        ],
    ).encode(
        color=alt.Color(
            "cval:Q", title=None,
            scale=alt.Scale(type="linear", domain=alt.ExprRef("[ind_lo, ind_hi]"),
                            scheme=alt.ExprRef("ind_scheme"), reverse=alt.ExprRef("ind_reverse"),
                            clamp=True),
            legend=alt.Legend(orient="bottom", direction="horizontal", gradientLength=220,
                              values=alt.ExprRef("ind_ticks"),
                              labelExpr=("ind_log ? format(pow(10, datum.value), ',.3~r') : "
                                         "format(datum.value, ',.4~g')")),
            condition=[{"test": "datum.status == 'outside'", "value": OUTSIDE_COLOUR},
                       {"test": "datum.status == 'no data'", "value": NO_DATA_COLOUR}]),
        tooltip=[tip_country, alt.Tooltip("value_text:N", title=_("Value")), tip_year,
                 alt.Tooltip("rank_text:N", title=_("Rank"))],
        strokeWidth=alt.when(pick, empty=False).then(alt.value(1.8)).otherwise(alt.value(0.4)),
        stroke=alt.when(pick, empty=False).then(alt.value("black"))
        .when("datum.status == 'outside'").then(alt.value("#d0d0d0"))
        .otherwise(alt.value("white")),
    ).add_params(pick)
    # The "no data" legend entry (drawn by a layer with one row and no shape).
    nodata_legend = alt.Chart(
        alt.Data(values=[{"status": no_data}]), mark=alt.MarkDef(type="geoshape"),
    ).encode(color=alt.Color("status:N", title=None,
                             scale=alt.Scale(domain=[no_data], range=[NO_DATA_COLOUR]),
                             legend=alt.Legend(orient="bottom", symbolType="square")))
    lookup_fields = ["ind", "name", "region", "income", *year_cols]
    the_map = alt.LayerChart(
        layer=[nodata_legend, countries],
        data=world,
        transform=[
            alt.CalculateTransform(calculate="datum.properties.name", **{"as": "map_name"}),
            # Natural Earth draws these apart; the statistics count them in SOM / CYP.
            alt.CalculateTransform(
                calculate=("datum.properties.iso3 ? datum.properties.iso3 : "
                           "(datum.properties.name == 'Somaliland' ? 'SOM' : "
                           "(datum.properties.name == 'N. Cyprus' ? 'CYP' : ''))"),
                **{"as": "iso3"}),
            alt.LookupTransform(lookup="iso3", **{"from": alt.LookupData(
                data=wide_data, key="iso3", fields=lookup_fields)}),
            alt.CalculateTransform(calculate="datum.name ? datum.name : datum.map_name",
                                   **{"as": "country"}),
            alt.CalculateTransform(
                calculate=("datum.ind != null && isValid(datum['y' + year]) ? "
                           "datum['y' + year] : null"),
                **{"as": "value"}),
            alt.CalculateTransform(
                calculate=("(region == 'All' || datum.region == region)"
                           " && (income == 'All' || datum.income == income)"),
                **{"as": "in_view"}),
            alt.CalculateTransform(calculate="year", **{"as": "shown_year"}),
        ],
        projection=map_projection(),
        width=MAP_WIDTH, height=MAP_HEIGHT,
        title=alt.Title(alt.ExprRef("ind_label + (ind_unit ? ' (' + ind_unit + ')' : '') + ', ' + year"),
                        anchor="start", fontSize=14),
    ).resolve_scale(color="independent")

    colour = alt.Color("name:N", title=_("Country"), scale=alt.Scale(range=OKABE_ITO),
                       legend=alt.Legend(orient="right"))
    x = alt.X("when:Q", title=_("Year"), scale=alt.Scale(domain=alt.ExprRef("[ind_first_year, ind_last_year]")),
              axis=alt.Axis(format="d", tickMinStep=1))
    lines = alt.Chart(mark=alt.MarkDef(type="line", strokeWidth=2)).encode(
        # minExtent: room for the widest labels of any indicator (population: 1,400,000,000)
        # from the first drawing; Vega does not lay the chart out again when new rows widen
        # the axis (autosize "resize" would, at ~40 ms per update), and they were cut off
        x=x, y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False),
                     axis=alt.Axis(minExtent=Y_LABEL_ROOM)), color=colour)
    points = alt.Chart(mark=alt.MarkDef(type="point", filled=True, size=30)).encode(
        x=x, y="value:Q", color=colour,
        tooltip=[alt.Tooltip("name:N", title=_("Country")),
                 alt.Tooltip("when:Q", title=_("Year"), format="d"),
                 alt.Tooltip("value_text:N", title=_("Value"))])
    series = alt.LayerChart(
        layer=[lines, points],
        data=wide_data,
        transform=[
            alt.FilterTransform(filter="indexof(picked, datum.iso3) >= 0"),
            alt.FoldTransform(fold=year_cols, **{"as": ["year_key", "value"]}),
            alt.FilterTransform(filter="isValid(datum.value)"),
            alt.CalculateTransform(calculate="toNumber(substring(datum.year_key, 1))",
                                   **{"as": "when"}),
            alt.CalculateTransform(
                calculate="format(datum.value, ',.4~g') + (ind_unit ? ' ' + ind_unit : '')",
                **{"as": "value_text"}),
        ],
    )
    one_row = alt.Data(values=[{"_": 0}])
    year_x = alt.X(datum=alt.ExprRef("year"), type="quantitative")
    rule = alt.Chart(one_row, mark=alt.MarkDef(type="rule", color="#333", strokeDash=[4, 3])
                     ).encode(x=year_x)
    rule_label = alt.Chart(one_row, mark=alt.MarkDef(type="text", align="left", dx=4, dy=-4,
                                                     baseline="top", color="#333")).encode(
        x=year_x, y=alt.value(0), text=alt.Text(value=alt.ExprRef("'' + year")))
    hint = alt.Chart(
        one_row, mark=alt.MarkDef(type="text", color="#555", fontSize=13),
        transform=[alt.FilterTransform(filter="length(picked) == 0")],
    ).encode(
        x=alt.value((MAP_WIDTH - 120) / 2), y=alt.value(60),
        text=alt.value(_("Click countries on the map, or choose them in the list, to compare "
                         "them here.")),
    )
    over_time_js = json.dumps(_("{indicator} over time, selected countries"))
    line_chart = alt.LayerChart(
        layer=[series, rule, rule_label, hint], width=MAP_WIDTH - 120, height=200,
        title=alt.Title(
            alt.ExprRef(f"replace({over_time_js}, "
                        "'{indicator}', ind_label + (ind_unit ? ' (' + ind_unit + ')' : ''))"),
            subtitle=_("Dashed line: the year shown on the map")))
    chart = alt.VConcatChart(
        vconcat=[the_map, line_chart],
        resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent")),
        datasets={VALUES_NAME: chart_rows(wide, label)},
        description=description,
    )
    return chart.add_params(
        alt.param(name="year", value=int(year)),
        alt.param(name="region", value=str(region)),
        alt.param(name="income", value=str(income)),
        alt.param(name="picked", value=list(picked)),
        *[alt.param(name=k, value=v) for k, v in shown.items()],
    )


def _explorer_template(year_cols: tuple[str, ...]) -> str:
    """The explorer spec for these year columns, as JSON text (built once with Altair)."""

    def build() -> dict:
        dummy = pd.DataFrame({"iso3": ["AAA", "BBB"], "name": ["A", "B"], "region": ["r", "r"],
                              "income": ["i", "i"]})
        for i, col in enumerate(year_cols):
            dummy[col] = [float(i), float(i + 1)]
        chart = explorer_chart(dummy, [int(c[1:]) for c in year_cols], "", "",
                               "higher_is_better", int(year_cols[0][1:]), "", world=True)
        return chart.to_dict()

    # the language (and its catalogue) is part of the key: the spec's titles are in it
    lang = get_language()
    return spec_template("explorer", (year_cols, lang, _catalogue_stamp(lang)), build, __file__)


@cache
def _catalogue_stamp(lang: str) -> str:
    """A digest of ``lang``'s catalogue: a new translation makes a new template on disk."""
    path = PACKAGE_LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.is_file() else ""


def explorer_spec(
    wide: pd.DataFrame,
    years: Sequence[int],
    label: str,
    unit: str,
    direction: str,
    year: int,
    description: str,
    region: str = ALL,
    income: str = ALL,
    picked: Sequence[str] = (),
    year_range: Sequence[int] | None = None,
) -> dict:
    """Exactly ``explorer_chart(...).to_dict()``, but in milliseconds.

    Building the map chart with Altair costs about a second of Python (the
    library copies and validates the whole spec at every step). Everything
    that differs between indicators is data or a parameter, so the widget
    fills those into a template built once. The test suite checks that the
    result equals the Altair build.
    """
    year_cols = tuple(year_column(y) for y in years)
    spec = json.loads(_explorer_template(year_cols))
    spec["datasets"][VALUES_NAME] = chart_rows(wide, label)
    spec["description"] = description
    values = {"year": int(year), "region": str(region), "income": str(income),
              "picked": list(picked),
              **indicator_params(wide, years, label, unit, direction, year_range)}
    spec["params"] = [dict(p, value=values[p["name"]]) if p["name"] in values else p
                      for p in spec["params"]]
    return spec


#: Names of the coverage heat-maps' data (their rows are swapped in place).
COVERAGE_YEARS, COVERAGE_COUNTRIES = "coverage_by_year", "coverage_by_country"


_CELL_GAP = 0.08  # white gap between heat-map cells, as a share of a cell


def coverage_year_rows(coverage: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """The rows the indicator × year heat-map draws (``order`` keeps the indicators' order).

    >>> cov = pd.DataFrame({"indicator": ["hdi"], "year": [2000], "n_with_data": [1],
    ...                     "n_countries": [2], "share": [50.0]})
    >>> coverage_year_rows(cov, {"hdi": "HDI"}).iloc[0].to_dict()["label"]
    'HDI'
    """
    order = {ind: k for k, ind in enumerate(dict.fromkeys(coverage["indicator"]))}
    out = pd.DataFrame({
        "label": [labels.get(i, i) for i in coverage["indicator"]],
        "order": coverage["indicator"].map(order).to_numpy(),
        "year": coverage["year"].to_numpy(), "share": coverage["share"].round(1).to_numpy(),
        "n_with_data": coverage["n_with_data"].to_numpy(),
        "n_countries": coverage["n_countries"].to_numpy()})
    # display order: indicators as given (``order``, which the chart sorts by), then years
    return out.sort_values(["order", "year"], kind="stable").reset_index(drop=True)


def coverage_year_chart(coverage: pd.DataFrame, labels: dict[str, str], description: str,
                        title: str) -> alt.Chart:
    """Heat-map: indicator (rows) × year (columns), colour = % of countries with data.

    ``coverage`` comes from :func:`widgets.explore.coverage_by_year`; ``labels``
    maps indicator ids to the row labels shown. The rows are the named data
    :data:`COVERAGE_YEARS` (from :func:`coverage_year_rows`).

    >>> cov = pd.DataFrame({"indicator": ["hdi", "hdi"], "year": [2000, 2001],
    ...                     "n_with_data": [1, 2], "n_countries": [2, 2], "share": [50.0, 100.0]})
    >>> coverage_year_chart(cov, {"hdi": "HDI"}, "HDI coverage.", "Coverage").to_dict()["mark"]["type"]
    'rect'
    """
    rows = json_data(coverage_year_rows(coverage, labels), name=COVERAGE_YEARS)
    # The rows are ordered by an explicit sort: with sort=None, Vega keeps the order
    # a label first had, so after another dimension (rows swapped in place) the
    # labels seen before stayed on top. The gaps between cells are band padding,
    # not a stroke drawn round each cell.
    # aria=False: a canvas cannot expose one description per cell anyway (the data
    # table can), and skipping them saves a string per cell at every redraw.
    chart = alt.Chart(rows).mark_rect(aria=False).encode(
        x=alt.X("year:O", title=_("Year"), axis=alt.Axis(labelAngle=-90, labelOverlap=True),
                scale=alt.Scale(paddingInner=_CELL_GAP)),
        y=alt.Y("label:N", title=None, sort=alt.EncodingSortField("order", op="min"),
                scale=alt.Scale(paddingInner=_CELL_GAP)),
        color=alt.Color("share:Q", title=_("Countries with data (%)"),
                        scale=colour_scale("higher_is_better", domain=[0, 100]),
                        legend=alt.Legend(orient="top", gradientLength=200)),
        tooltip=[alt.Tooltip("label:N", title=_("Indicator")),
                 alt.Tooltip("year:O", title=_("Year")),
                 alt.Tooltip("share:Q", title=_("Countries with data (%)"), format=".0f"),
                 alt.Tooltip("n_with_data:Q", title=_("Countries with data")),
                 alt.Tooltip("n_countries:Q", title=_("Countries in view"))],
    ).properties(width=560, height=alt.Step(14), title=title)
    return describe(chart, description)


def coverage_country_rows(coverage: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The rows the country × indicator heat-map draws: one per country, A-Z.

    A-Z as the reader's language sorts (É with E in French, Spanish); ``row``
    is each country's place, which the chart sorts by. Each row holds one list
    entry per indicator (in the order of ``coverage``,
    named by :func:`coverage_labels`): ``share`` (% of the years with a value),
    ``n_years`` and ``latest`` (the latest year with a value, or null). The
    chart unfolds the lists in the browser; sent this way, every country and
    indicator of the world is about 0.2 MB instead of 1.5 MB of one row per cell.

    >>> cov = pd.DataFrame({"iso3": ["B", "A", "B", "A"], "indicator": ["gini", "gini", "hdi", "hdi"],
    ...                     "n_years": [1, 0, 2, 2], "years_in_range": [2] * 4,
    ...                     "share": [50.0, 0.0, 100.0, 100.0], "latest_year": [2000, None, 2001, 2001]})
    >>> coverage_country_rows(cov, {"A": "Aland", "B": "Bhutan"}).to_dict("records")[0]
    {'country': 'Aland', 'row': 0, 'years_in_range': 2, 'share': [0.0, 100.0], 'n_years': [0, 2], 'latest': [None, 2001]}
    """
    inds = list(dict.fromkeys(coverage["indicator"]))
    codes = list(dict.fromkeys(coverage["iso3"]))
    ci = pd.Index(codes).get_indexer(coverage["iso3"])
    ii = pd.Index(inds).get_indexer(coverage["indicator"])
    share = np.zeros((len(codes), len(inds)))
    share[ci, ii] = coverage["share"].round(1).to_numpy(dtype=float)
    n_years = np.zeros((len(codes), len(inds)), dtype=int)
    n_years[ci, ii] = coverage["n_years"].to_numpy(dtype=int)
    latest = np.full((len(codes), len(inds)), -1, dtype=int)
    latest[ci, ii] = coverage["latest_year"].fillna(-1).to_numpy(dtype=int)
    in_range = int(coverage["years_in_range"].iloc[0]) if len(coverage) else 0
    country = [names.get(c, c) for c in codes]
    # A-Z (English: by code point, as always; French and Spanish: accents sort with their letter)
    key = (lambda k: country[k]) if get_language() == "en" else (lambda k: sort_key(country[k]))
    order = sorted(range(len(codes)), key=key)
    return pd.DataFrame({
        "country": [country[k] for k in order],
        "row": list(range(len(order))),
        "years_in_range": in_range,
        "share": [share[k].tolist() for k in order],
        "n_years": [n_years[k].tolist() for k in order],
        "latest": [[y if y >= 0 else None for y in latest[k].tolist()] for k in order],
    })


def coverage_labels(coverage: pd.DataFrame, labels: dict[str, str]) -> list[str]:
    """The indicators' labels, in the order of :func:`coverage_country_rows`' lists.

    >>> coverage_labels(pd.DataFrame({"indicator": ["gini", "gini", "hdi"]}), {"hdi": "HDI"})
    ['gini', 'HDI']
    """
    return [labels.get(i, i) for i in dict.fromkeys(coverage["indicator"])]


def coverage_country_chart(coverage: pd.DataFrame, labels: dict[str, str],
                           names: dict[str, str], description: str, title: str) -> alt.Chart:
    """Heat-map: country (rows) × indicator (columns), colour = % of years with data.

    ``coverage`` comes from :func:`widgets.explore.coverage_by_country`. The
    rows are the named data :data:`COVERAGE_COUNTRIES` and the title is the
    parameter ``coverage_title``, so a new region or year range is swapped in.

    >>> cov = pd.DataFrame({"iso3": ["A"], "indicator": ["gini"], "n_years": [1],
    ...                     "years_in_range": [2], "share": [50.0], "latest_year": [2000.0]})
    >>> spec = coverage_country_chart(cov, {"gini": "Gini"}, {"A": "Aland"}, "d", "t").to_dict()
    >>> spec["encoding"]["color"]["title"], spec["params"][0]
    ('Years with data (%)', {'name': 'coverage_title', 'value': 't'})
    """
    rows = json_data(coverage_country_rows(coverage, names), name=COVERAGE_COUNTRIES)
    # One row per country with a list per field, unfolded here into a cell per
    # indicator; ``k`` is the indicator's place, which orders the columns. Both axes
    # sort explicitly (see coverage_year_chart): countries by ``row`` (A-Z in the reader's
    # language), indicators by ``k``.
    none_js = json.dumps(_("none"))
    chart = alt.Chart(rows).transform_calculate(
        label="coverage_labels", k="sequence(length(coverage_labels))",
    ).transform_flatten(["share", "n_years", "latest", "label", "k"]).transform_calculate(
        latest_text=f"isValid(datum.latest) ? '' + datum.latest : {none_js}",
    ).mark_rect(aria=False).encode(  # canvas: see coverage_year_chart
        x=alt.X("label:N", title=None, sort=alt.EncodingSortField("k", op="min"),
                scale=alt.Scale(paddingInner=_CELL_GAP),
                axis=alt.Axis(labelAngle=-50, labelLimit=160, orient="top")),
        y=alt.Y("country:N", title=None, sort=alt.EncodingSortField("row", op="min"),
                scale=alt.Scale(paddingInner=_CELL_GAP)),
        color=alt.Color("share:Q", title=_("Years with data (%)"),
                        scale=colour_scale("higher_is_better", domain=[0, 100]),
                        legend=alt.Legend(orient="bottom", gradientLength=200)),
        tooltip=[alt.Tooltip("country:N", title=_("Country")),
                 alt.Tooltip("label:N", title=_("Indicator")),
                 alt.Tooltip("share:Q", title=_("Years with data (%)"), format=".0f"),
                 alt.Tooltip("n_years:Q", title=_("Years with data")),
                 alt.Tooltip("years_in_range:Q", title=_("Years in range")),
                 alt.Tooltip("latest_text:N", title=_("Latest year with data"))],
    ).properties(width=alt.Step(16), height=alt.Step(13),
                 title=alt.Title(alt.ExprRef("coverage_title"))).add_params(
        alt.param(name="coverage_title", value=title),
        alt.param(name="coverage_labels", value=coverage_labels(coverage, labels)))
    return describe(chart, description)
