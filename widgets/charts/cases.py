"""Charts for case studies: indicator series with dated events laid over them.

The same builder draws the "tour" chart of lesson 00 (no events) and the case
explorer of lesson 09 (events as numbered vertical rules).

>>> import pandas as pd
>>> series = pd.DataFrame({"iso3": ["CRI", "CRI"], "name": ["Costa Rica"] * 2,
...     "indicator": ["life_expectancy"] * 2, "year": [1990, 2000], "value": [76.0, 78.0]})
>>> events = pd.DataFrame({"number": [1], "x": [1994.5], "date_label": ["1 July 1994"],
...                        "event": ["Something happened"]})
>>> spec = case_timeline_chart(series, events, indicator="life_expectancy",
...     countries=["CRI"], y_label="Life expectancy (years)", year=2000).to_dict()
>>> [layer["mark"]["type"] for layer in spec["layer"]][:2]
['rule', 'text']
>>> sorted(p["name"] for p in spec["params"])
['case_names', 'case_title', 'countries', 'indicator', 'x_hi', 'x_lo', 'year', 'ylabel']
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from widgets.cases import label_rows
from widgets.charts import OKABE_ITO, Y_LABEL_ROOM, describe, json_data
from widgets.i18n import _

__all__ = ["CASE_EVENTS", "CASE_SERIES", "EVENT_COLOUR", "case_timeline_chart",
           "destinations_chart", "timeline_update"]

#: Colour of event rules and numbers (neutral grey, distinct from the series).
EVENT_COLOUR = "#6b6b6b"
#: Names of the timeline's data (swapped in place when the case changes).
CASE_SERIES, CASE_EVENTS = "case_series", "case_events"


def _timeline_parts(series: pd.DataFrame, events: pd.DataFrame | None, width: int,
                    ) -> tuple[pd.DataFrame, pd.DataFrame | None, list[str], int, int]:
    """Rows, event rows (numbers staggered), country names and year span of a timeline."""
    series = series[["iso3", "name", "indicator", "year", "value"]].reset_index(drop=True)
    names = list(dict.fromkeys(series["name"].tolist()))
    lo = int(series["year"].min()) if len(series) else 1990
    hi = int(series["year"].max()) if len(series) else 2024
    ev = None
    if events is not None and len(events):
        lo = min(lo, int(events["x"].min()))
        hi = max(hi, int(events["x"].max()) + 1)
        ev = events[["number", "x", "date_label", "event"]].copy()
        ev["number"] = ev["number"].astype(str)
        ev = ev[(ev["x"] >= lo) & (ev["x"] <= hi)].sort_values("x")
        # Stagger numbers of events close together (about 14 px apart at this width).
        gap = (hi - lo) * 14 / width
        ev["label_y"] = [4 + 13 * r for r in label_rows(ev["x"].tolist(), gap)]
        ev = ev.reset_index(drop=True)
    return series, ev, names, lo, hi


def timeline_update(series: pd.DataFrame, events: pd.DataFrame | None, title: str = "",
                    width: int = 560) -> tuple[dict, dict]:
    """What changes in a timeline chart for another case: (parameters, datasets by name).

    For :meth:`widgets.ui.ChartPanel.set_data`, so a new case is swapped into
    the chart on screen instead of rebuilding it.

    >>> s = pd.DataFrame({"iso3": ["CRI"], "name": ["Costa Rica"], "indicator": ["x"],
    ...                   "year": [1990], "value": [1.0]})
    >>> params, datasets = timeline_update(s, None, "A case")
    >>> params["case_names"], params["x_lo"], sorted(datasets)
    (['Costa Rica'], 1990, ['case_series'])
    """
    rows, ev, names, lo, hi = _timeline_parts(series, events, width)
    params = {"case_names": names, "x_lo": lo, "x_hi": hi, "case_title": title}
    datasets = {CASE_SERIES: rows}
    if ev is not None:
        datasets[CASE_EVENTS] = ev
    return params, datasets


def case_timeline_chart(
    series: pd.DataFrame,
    events: pd.DataFrame | None = None,
    *,
    indicator: str,
    countries: list[str],
    y_label: str,
    year: int,
    title: str = "",
    subtitle: str = "",
    description: str = "",
    width: int = 560,
    height: int = 300,
) -> alt.LayerChart:
    """Lines for each country's series, with numbered event rules and a year marker.

    The chart embeds several indicators and countries at once and shows the
    ones named by its parameters, so a widget changes indicator, countries and
    year with ``ChartPanel.set_params(indicator=..., countries=[...],
    ylabel=..., year=...)`` without re-sending any data.

    Parameters
    ----------
    series : long table ``iso3, name, indicator, year, value``.
    events : table ``number, x, date_label, event`` (``x`` = date as a decimal
        year); ``None`` or empty for no events.
    indicator, countries, year : initial values of the parameters of the
        same names (the indicator id, the ISO3 codes shown, the year marked).
    y_label : initial value of the ``ylabel`` parameter, the label with unit
        written above the value axis.
    title, subtitle : chart title lines.
    description : text description attached for screen readers.
    """
    series, ev, names, lo, hi = _timeline_parts(series, events, width)
    # Up to eight countries keep one colour each whatever is shown; with more
    # choices, colours go to the countries on screen (so no two lines share one).
    # The names, the year span and the title are parameters: another case of the
    # same explorer swaps its data and these in place (see timeline_update).
    if len(names) <= len(OKABE_ITO):
        scale = alt.Scale(domain=alt.ExprRef("case_names"), range=OKABE_ITO)
        legend_title = _("Countries (all of this case)")
    else:
        scale = alt.Scale(range=OKABE_ITO)
        legend_title = _("Countries")
    colour = alt.Color("name:N", title=_("Country"), scale=scale,
                       legend=alt.Legend(orient="bottom", columns=4, title=legend_title))
    x_scale = alt.Scale(domain=alt.ExprRef("[x_lo, x_hi]"), nice=False)
    x = alt.X("year:Q", title=_("Year"), scale=x_scale, axis=alt.Axis(format="d", tickMinStep=1))
    # room for the widest labels of any indicator from the first drawing (see explore.py)
    y = alt.Y("value:Q", title=None, scale=alt.Scale(zero=False),
              axis=alt.Axis(minExtent=Y_LABEL_ROOM))
    tooltip = [alt.Tooltip("name:N", title=_("Country")), alt.Tooltip("year:Q", title=_("Year")),
               alt.Tooltip("value:Q", title=_("Value"), format=",.4~g")]

    params = [
        alt.param(name="indicator", value=indicator),
        alt.param(name="countries", value=list(countries)),
        alt.param(name="year", value=int(year)),
        alt.param(name="ylabel", value=y_label),
        alt.param(name="case_names", value=names),
        alt.param(name="x_lo", value=lo),
        alt.param(name="x_hi", value=hi),
        alt.param(name="case_title", value=title),
    ]
    shown = alt.Chart(json_data(series, double_precision=6, name=CASE_SERIES)).transform_filter(
        "datum.indicator == indicator && indexof(countries, datum.iso3) >= 0")
    lines = shown.mark_line(strokeWidth=2.2).encode(x=x, y=y, color=colour, tooltip=tooltip)
    points = shown.mark_point(filled=True, size=70).encode(
        x=x, y=y, color=colour, tooltip=tooltip,
        opacity=alt.condition("datum.year == year", alt.value(1), alt.value(0)))
    one = alt.Chart(pd.DataFrame({"one": [1]}))
    marker = (one.mark_rule(strokeDash=[2, 3], color="#222", strokeWidth=1.2)
              .encode(x=alt.X("year:Q", scale=x_scale)).transform_calculate(year="year"))
    label = one.mark_text(text=alt.ExprRef(expr="ylabel"), align="left", baseline="bottom",
                          dy=-6, fontSize=12, fontWeight="bold", color="#333").encode(
        x=alt.value(0), y=alt.value(0))

    layers: list[alt.Chart] = []
    if ev is not None:
        ev_base = alt.Chart(json_data(ev, double_precision=6, name=CASE_EVENTS))
        ev_tip = [alt.Tooltip("number:N", title=_("Event")),
                  alt.Tooltip("date_label:N", title=_("Date")),
                  alt.Tooltip("event:N", title=_("What happened"))]
        rules = ev_base.mark_rule(color=EVENT_COLOUR, strokeWidth=1).encode(
            x=alt.X("x:Q", scale=x_scale), tooltip=ev_tip)
        numbers = ev_base.mark_text(
            color=EVENT_COLOUR, fontWeight="bold", fontSize=11, baseline="top"
        ).encode(x=alt.X("x:Q", scale=x_scale), y=alt.Y("label_y:Q", scale=None),
                 text="number:N",
                 tooltip=ev_tip)
        layers += [rules, numbers]
    layers += [lines, points, marker, label]
    chart = alt.layer(*layers).add_params(*params).properties(width=width, height=height)
    if title:
        chart = chart.properties(title=alt.TitleParams(alt.ExprRef("case_title"),
                                                       subtitle=subtitle or alt.Undefined,
                                                       offset=22))
    return describe(chart, description or _("Line chart of an indicator by year."))


def destinations_chart(table: pd.DataFrame, origin_name: str, year: int,
                       description: str = "") -> alt.Chart:
    """Horizontal bars: where refugees from one country were hosted in one year.

    ``table`` has ``host`` (country name), ``refugees`` and ``share`` (%), as
    returned by :func:`widgets.cases.top_destinations` with names added.

    >>> t = pd.DataFrame({"host": ["Türkiye", "Other"], "refugees": [60, 40],
    ...                   "share": [60.0, 40.0]})
    >>> destinations_chart(t, "Syria", 2020).to_dict()["mark"]["type"]
    'bar'
    """
    data = table[["host", "refugees", "share"]].copy()
    chart = (
        alt.Chart(data)
        .mark_bar(color=OKABE_ITO[0])
        .encode(
            y=alt.Y("host:N", sort=None, title=None),
            x=alt.X("refugees:Q", title=_("Refugees from {country} hosted, {year} (people)").format(
                country=origin_name, year=year), axis=alt.Axis(format="~s", tickCount=5)),
            tooltip=[alt.Tooltip("host:N", title=_("Host country")),
                     alt.Tooltip("refugees:Q", title=_("Refugees"), format=","),
                     alt.Tooltip("share:Q", title=_("Share of all (%)"), format=".1f")],
        )
        .properties(width=460, height=24 * max(3, len(data)),
                    title=alt.TitleParams(_("Where refugees from {country} lived in {year}").format(
                        country=origin_name, year=year),
                        subtitle=_("Largest host countries (UNHCR)")))
    )
    return describe(chart, description or _("Bar chart of refugees from {country} by host "
                                            "country in {year}.").format(country=origin_name,
                                                                         year=year))
