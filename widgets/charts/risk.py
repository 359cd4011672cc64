"""Charts for the citizen-centric risk assessment (lesson 04).

The map, the "who is most at risk" ranking and the vulnerable-groups chart
embed every year at once and filter in the browser: changing the year, the
region, the income group, the measure or the lens only sends a parameter.

>>> import pandas as pd
>>> d = pd.DataFrame({"indicator": ["gini"], "label": ["Gini index"],
...                   "dimension": ["vulnerability"], "push": [0.4], "score": [7.0]})
>>> drivers_chart(d, "One driver.").to_dict()["description"]
'One driver.'
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from widgets.charts import (
    NO_DATA_COLOUR,
    OKABE_ITO,
    colour_scale,
    describe,
    json_data,
    map_projection,
    world_map_data,
)
from widgets.charts.tradeoffs import vega_text
from widgets.i18n import N_, _
from widgets.risk import RISK_DIMENSIONS

__all__ = [
    "DIMENSION_COLOURS",
    "MEASURES",
    "DRIVERS_DATA",
    "LENS_DATA",
    "MAP_DATA",
    "RANKING_DATA",
    "RANKING_FIELDS",
    "TREND_DATA",
    "drivers_chart",
    "drivers_rows",
    "lens_chart",
    "lens_fields",
    "risk_map",
    "risk_map_rows",
    "risk_ranking_chart",
    "trend_chart",
    "trend_params",
]

#: What the map can show: column -> label (English; shown with ``_(label)``).
MEASURES: dict[str, str] = {"risk": N_("Risk (0–10)"),
                            "hazard_exposure": N_("Hazard & exposure (0–10)"),
                            "vulnerability": N_("Vulnerability (0–10)"),
                            "lack_of_coping": N_("Lack of coping capacity (0–10)")}
#: One colour per INFORM dimension (Okabe–Ito).
DIMENSION_COLOURS: dict[str, str] = {
    "hazard_exposure": OKABE_ITO[5], "vulnerability": OKABE_ITO[0],
    "lack_of_coping": OKABE_ITO[1],
}


def _dimension_labels() -> list[str]:
    """The three dimensions' names in the reader's language (the charts' colour domain)."""
    return [_(v) for v in RISK_DIMENSIONS.values()]


def _dim_scale() -> alt.Scale:
    """One colour per dimension, by its name in the reader's language."""
    return alt.Scale(domain=_dimension_labels(), range=list(DIMENSION_COLOURS.values()))


def risk_map_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The map's rows: one per country, one column per measure and year (``risk_2020``).

    With a ``name`` column in ``table``, the rows carry it as ``local_name`` (the
    country's name in the reader's language, shown in the map's tooltip).

    >>> t = pd.DataFrame({"iso3": ["A"], "year": [2020], "risk": [5.04],
    ...                   **{k: [1.0] for k in RISK_DIMENSIONS}})
    >>> risk_map_rows(t).columns.tolist()[:2], float(risk_map_rows(t)["risk_2020"].iloc[0])
    (['iso3', 'risk_2020'], 5.0)
    """
    measures = ["risk", *RISK_DIMENSIONS]
    wide = table.pivot(index="iso3", columns="year", values=measures).round(1)
    wide.columns = [f"{m}_{y}" for m, y in wide.columns]
    wide = wide.reset_index()
    if "name" in table:
        names = table.drop_duplicates("iso3").set_index("iso3")["name"]
        wide["local_name"] = wide["iso3"].map(names)
    return wide


RANKING_FIELDS = ["iso3", "name", "year", "un_region", "income_group", "risk", *RISK_DIMENSIONS]


def lens_fields(lens_labels: dict[str, str]) -> list[str]:
    """The columns :func:`lens_chart` embeds."""
    return ["iso3", "name", "year", "risk", *[f"risk_{k}" for k in lens_labels]]


def risk_map(table: pd.DataFrame, year: int, measure: str, description: str,
             highlight: str = ""):
    """World map of risk (or one dimension) in the year chosen by the ``year`` param.

    ``table``: ``iso3, name, year, risk`` and the three dimension columns.
    """
    params = [alt.param(name="year", value=int(year)), alt.param(name="measure", value=measure),
              alt.param(name="highlight", value=highlight)]
    world = world_map_data()
    # one row per country, one column per measure and year ("risk_2020"): the map's
    # features look their values up, so the 400 kB map is embedded only once and
    # the year / measure params pick the column in the browser. One layer for
    # every country, so a change only re-colours shapes (countries without a
    # score are grey, never left out or drawn as zero)
    measures = ["risk", *RISK_DIMENSIONS]
    wide = risk_map_rows(table)
    no_data = json.dumps(_("no data"))  # a JS string (a French apostrophe needs quoting)
    as_text = {f"text_{m}": (f"isValid(datum['{m}_' + year]) ? "
                             f"format(datum['{m}_' + year], '.1f') : {no_data}") for m in measures}
    has_name = "local_name" in wide
    chart = alt.Chart(world).transform_lookup(
        lookup="properties.iso3",
        from_=alt.LookupData(json_data(wide, name=MAP_DATA), "iso3",
                             [c for c in wide.columns if c != "iso3"]),
    ).transform_calculate(
        name=("isValid(datum.local_name) ? datum.local_name : datum.properties.name"
              if has_name else "datum.properties.name"), iso3="datum.properties.iso3",
        shown="datum[measure + '_' + year]", **as_text,
    ).mark_geoshape(invalid="show").encode(
        color=alt.when("!isValid(datum.shown)").then(alt.value(NO_DATA_COLOUR)).otherwise(
            alt.Color("shown:Q", scale=colour_scale("higher_is_worse", domain=[0, 10]),
                      title=[_("Score 0–10"), _("(darker = more risk)"), _("grey = no data")])),
        stroke=alt.when("datum.iso3 == highlight").then(alt.value("#000000")
                                                        ).otherwise(alt.value("white")),
        strokeWidth=alt.when("datum.iso3 == highlight").then(alt.value(2.5)
                                                             ).otherwise(alt.value(0.4)),
        tooltip=[alt.Tooltip("name:N", title=_("Country")),
                 alt.Tooltip("text_risk:N", title=_("Risk")),
                 *[alt.Tooltip(f"text_{k}:N", title=_(v)) for k, v in RISK_DIMENSIONS.items()]],
    ).properties(width=620, height=330, projection=map_projection()).add_params(*params)
    return describe(chart, description)


def risk_ranking_chart(table: pd.DataFrame, year: int, description: str, region: str = "All",
                       income: str = "All", top: int = 20):
    """The ``top`` countries most at risk, with their three dimension scores.

    Filters (params): ``year``, ``region`` (UN region or ``All``), ``income``.
    """
    params = [alt.param(name="year", value=int(year)), alt.param(name="region", value=region),
              alt.param(name="income", value=income)]
    fields = RANKING_FIELDS
    y = alt.Y("name:N", sort=alt.EncodingSortField("rank", op="min", order="ascending"),
              title=None)
    # all transforms on the layer, so both layers share one data source (and one sort)
    bars = alt.Chart().mark_bar(color="#cfcfcf").encode(
        x=alt.X("risk:Q", title=_("Score 0–10 (bar = risk; marks = its three dimensions)"),
                scale=alt.Scale(domain=[0, 10]), stack=None),
        y=y,
        tooltip=[alt.Tooltip("name:N", title=_("Country")),
                 alt.Tooltip("rank:Q", title=_("Rank (1 = most at risk)")),
                 alt.Tooltip("risk:Q", title=_("Risk"), format=".1f")])
    dots = alt.Chart().mark_point(filled=True, size=60).encode(
        x="value:Q", y=y,
        color=alt.Color("dimension:N", scale=_dim_scale(), title=_("Dimension"),
                        legend=alt.Legend(labelLimit=260)),
        shape=alt.Shape("dimension:N", scale=alt.Scale(domain=_dimension_labels(),
                        range=["triangle-up", "circle", "square"]), title=_("Dimension")),
        tooltip=[alt.Tooltip("name:N", title=_("Country")),
                 alt.Tooltip("dimension:N", title=_("Dimension")),
                 alt.Tooltip("value:Q", title=_("Score"), format=".1f")])
    chart = alt.layer(bars, dots, data=json_data(table[fields], name=RANKING_DATA)).transform_filter(
        "datum.year == year && isValid(datum.risk) && (region == 'All' || datum.un_region == "
        "region) && (income == 'All' || datum.income_group == income)"
    ).transform_window(rank="row_number()", sort=[alt.SortField("risk", order="descending")]
    ).transform_filter(f"datum.rank <= {top}").transform_fold(
        list(RISK_DIMENSIONS), as_=["dimension_id", "value"]
    ).transform_calculate(
        dimension=" : ".join(f"datum.dimension_id == '{k}' ? {json.dumps(_(v))}"
                             for k, v in RISK_DIMENSIONS.items()) + " : ''"
    ).properties(width=480, height=top * 18).add_params(*params)
    return describe(chart, description)


#: Names of the charts' data: another country (drivers, trend) or an edited model
#: (map, ranking, lens) swaps new rows into the charts on screen.
DRIVERS_DATA = "risk_drivers"
TREND_DATA = "risk_trend"
MAP_DATA = "risk_by_country"
RANKING_DATA = "risk_ranking"
LENS_DATA = "risk_lens"


def drivers_rows(drivers: pd.DataFrame) -> pd.DataFrame:
    """The rows :func:`drivers_chart` draws: ``label, dimension_label, push, score`` (+ ``year``).

    >>> d = pd.DataFrame({"label": ["Gini"], "dimension": ["vulnerability"], "push": [0.123],
    ...                   "score": [6.0], "year": [2020]})
    >>> drivers_rows(d).values.tolist()
    [['Gini', 'Vulnerability', 0.12, 6.0, 2020]]
    """
    cols = ["label", "dimension_label", "push", "score"]
    labels = {k: _(v) for k, v in RISK_DIMENSIONS.items()}  # in the reader's language
    data = drivers.assign(dimension_label=drivers["dimension"].map(labels),
                          push=drivers["push"].round(2), score=drivers["score"].round(2))
    return data[[*cols, "year"]] if "year" in data else data[cols]


def drivers_chart(drivers: pd.DataFrame, description: str, show: int = 10,
                  year: int | None = None):
    """How many risk points each indicator adds compared with a typical country.

    ``drivers``: ``label, dimension, push, score`` (from :func:`widgets.risk.risk_drivers`).
    With a ``year`` column and ``year`` given, every year is embedded and the
    ``year`` parameter picks one (so moving the year slider sends no data);
    the rows are the named data :data:`DRIVERS_DATA`, so another country's
    rows (:func:`drivers_rows`) are swapped in without a new chart.
    """
    data = drivers_rows(drivers)
    if year is not None:
        base = alt.Chart(json_data(data, name=DRIVERS_DATA)).transform_filter(
            "datum.year == year")
        n_rows = show  # the same height for every country: another country is new rows only
    else:
        base = alt.Chart(data)
        n_rows = len(data)
    base = base.transform_window(order="row_number()",
                                 sort=[alt.SortField("push", order="descending")]
                                 ).transform_filter(f"datum.order <= {show}")
    chart = base.mark_bar().encode(
        x=alt.X("push:Q", title=_("Risk points added compared with the median country")),
        y=alt.Y("label:N", sort=alt.SortField("push", order="descending"), title=None),
        color=alt.Color("dimension_label:N", scale=_dim_scale(), title=_("Dimension"),
                        legend=alt.Legend(labelLimit=260)),
        tooltip=[alt.Tooltip("label:N", title=_("Indicator")),
                 alt.Tooltip("dimension_label:N", title=_("Dimension")),
                 alt.Tooltip("score:Q", title=_("Indicator score 0–10"), format=".1f"),
                 alt.Tooltip("push:Q", title=_("Risk points added"), format=".2f")],
    ).properties(width=420, height=max(min(n_rows, show), 1) * 22)
    rule = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#333").encode(x="x:Q")
    layered = alt.layer(chart, rule)
    if year is not None:
        layered = layered.add_params(alt.param(name="year", value=int(year)))
    return describe(layered, description)


def trend_params(country_name: str, peer_label: str) -> dict[str, str]:
    """Parameter values of :func:`trend_chart` (what another country changes besides rows)."""
    return {"trend_country": country_name, "trend_peers": peer_label}


def trend_chart(trend: pd.DataFrame, country_name: str, peer_label: str, description: str):
    """A country's risk over time against the median and middle half of its peers.

    ``trend``: ``year, country, peer_median, peer_low, peer_high`` — the named
    data :data:`TREND_DATA`. The names in the title, legend and tooltips are
    the parameters of :func:`trend_params`, so another country or peer group
    is new rows and parameter values, not a new chart.

    >>> t = pd.DataFrame({"year": [2020], "country": [5.0], "peer_median": [4.0],
    ...                   "peer_low": [3.0], "peer_high": [5.0]})
    >>> spec = trend_chart(t, "Kenya", "countries in Africa", "Trend.").to_dict()
    >>> sorted(p["name"] for p in spec["params"])
    ['trend_country', 'trend_peers']
    """
    median = vega_text(_("Median of {peers}"), peers="trend_peers")
    series = f"datum.series == 'country' ? trend_country : {median}"
    base = alt.Chart(json_data(trend.round(2), name=TREND_DATA)).encode(
        x=alt.X("year:O", title=_("Year")))
    band = base.mark_area(opacity=0.25, color=OKABE_ITO[4]).encode(
        y=alt.Y("peer_low:Q", title=_("Risk (0–10)"), scale=alt.Scale(domain=[0, 10])),
        y2="peer_high:Q",
        tooltip=[alt.Tooltip("year:O", title=_("Year")),
                 alt.Tooltip("peer_low:Q", title=_("Peers, 25th percentile")),
                 alt.Tooltip("peer_high:Q", title=_("Peers, 75th percentile"))])
    keys = ["country", "peers"]
    lines = base.transform_calculate(peers="datum.peer_median").transform_fold(
        keys, as_=["series", "risk"]).transform_calculate(series_label=series).mark_line(
        point=True).encode(
        y="risk:Q",
        color=alt.Color("series:N", title=None,
                        legend=alt.Legend(orient="bottom", labelLimit=420, labelExpr=series.replace(
                            "datum.series", "datum.value")),
                        scale=alt.Scale(domain=keys, range=[OKABE_ITO[5], OKABE_ITO[0]])),
        strokeDash=alt.StrokeDash("series:N", legend=None,
                                  scale=alt.Scale(domain=keys, range=[[1, 0], [5, 3]])),
        tooltip=[alt.Tooltip("series_label:N", title=_("Series")),
                 alt.Tooltip("year:O", title=_("Year")),
                 alt.Tooltip("risk:Q", title=_("Risk"), format=".1f")])
    # two lines: on one, a long peer group ("countries in Latin America and the
    # Caribbean") ran past the chart's edge and was cut off
    title = alt.Title(alt.ExprRef(
        "[" + vega_text(_("{country}: risk over time"), country="trend_country") + ", "
        + vega_text(_("Shaded: the middle half of {peers}"), peers="trend_peers") + "]"))
    chart = alt.layer(band, lines).properties(width=520, height=260, title=title).add_params(
        *(alt.param(name=k, value=v) for k, v in trend_params(country_name, peer_label).items()))
    return describe(chart, description)


def lens_chart(table: pd.DataFrame, year: int, lens: str, lens_labels: dict[str, str],
               description: str, top: int = 20):
    """National risk against the risk seen through a vulnerable-groups lens.

    ``table`` has ``iso3, name, year, risk`` and ``risk_<lens>`` per lens.
    Shows the ``top`` countries whose risk changes most through the lens, ordered
    by the lens's risk (params ``year``, ``lens``).
    """
    params = [alt.param(name="year", value=int(year)), alt.param(name="lens", value=lens)]
    expr = "datum.risk"
    for key in lens_labels:
        expr = f"(lens == '{key}' ? datum['risk_{key}'] : {expr})"
    label_expr = "''"
    for key, label in lens_labels.items():
        label_expr = f"(lens == '{key}' ? {json.dumps(_(label))} : {label_expr})"
    fields = lens_fields(lens_labels)
    y = alt.Y("name:N", sort=alt.EncodingSortField("rank", op="min", order="ascending"),
              title=None)
    tooltip = [alt.Tooltip("name:N", title=_("Country")),
               alt.Tooltip("risk:Q", title=_("Risk, national averages"), format=".2f"),
               alt.Tooltip("group:Q", title=_("Risk through the lens"), format=".2f"),
               alt.Tooltip("change:Q", title=_("Change"), format="+.2f")]
    rule = alt.Chart().mark_rule(color="#999", strokeWidth=2).encode(
        x=alt.X("risk:Q", title=_("Risk (0–10)")), x2="group:Q", y=y, tooltip=tooltip)
    national = alt.Chart().mark_point(filled=False, size=60, color="#333").encode(
        x="risk:Q", y=y, tooltip=tooltip)
    group = alt.Chart().mark_point(filled=True, size=70, color=OKABE_ITO[3]).encode(
        x="group:Q", y=y, tooltip=tooltip)
    chart = alt.layer(rule, national, group, data=json_data(table[fields], name=LENS_DATA)
                      ).transform_filter(
        "datum.year == year").transform_calculate(group=expr, group_label=label_expr
    ).transform_filter("isValid(datum.group) && isValid(datum.risk)").transform_calculate(
        change="datum.group - datum.risk", size="abs(datum.group - datum.risk)"
    ).transform_window(
        order="row_number()", sort=[alt.SortField("size", order="descending")]
    ).transform_filter(f"datum.order <= {top}").transform_window(
        rank="row_number()", sort=[alt.SortField("group", order="descending")]
    ).properties(
        width=480, height=top * 18,
        title=_("The {n} biggest changes. Open circle: national averages; filled: "
                "through the lens").format(n=top),
    ).add_params(*params)
    return describe(chart, description)
