"""Charts for case studies: indicator series with dated events laid over them.

The same builder draws the "tour" chart of lesson 00 (no events) and the case
explorer of lesson 09 (events as numbered vertical rules).

>>> import pandas as pd
>>> series = pd.DataFrame({"iso3": ["CRI", "CRI"], "name": ["Costa Rica"] * 2,
...                        "year": [1990, 2000], "value": [76.0, 78.0]})
>>> events = pd.DataFrame({"number": [1], "x": [1994.5], "date": ["1994-07-01"],
...                        "event": ["Something happened"]})
>>> spec = case_timeline_chart(series, events, y_title="Years").to_dict()
>>> [layer["mark"]["type"] for layer in spec["layer"]][:2]
['rule', 'text']
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from widgets.charts import OKABE_ITO, describe

__all__ = ["case_timeline_chart", "EVENT_COLOUR"]

#: Colour of event rules and numbers (neutral grey, distinct from the series).
EVENT_COLOUR = "#6b6b6b"


def case_timeline_chart(
    series: pd.DataFrame,
    events: pd.DataFrame | None = None,
    *,
    y_title: str,
    title: str = "",
    subtitle: str = "",
    year: int | None = None,
    description: str = "",
    width: int = 560,
    height: int = 300,
) -> alt.LayerChart:
    """Lines for each country's series, with numbered event rules and a year marker.

    Parameters
    ----------
    series : long table ``iso3, name, year, value`` (one line per country).
    events : table ``number, x, date, event`` (``x`` = date as a decimal year);
        ``None`` or empty for no events.
    y_title : axis title with unit, e.g. ``"Deaths per 1,000 live births"``.
    title, subtitle : chart title lines.
    year : initial value of the ``year`` parameter: a dashed marker and the
        values that year are highlighted. Change it with
        ``ChartPanel.set_params(year=...)`` without re-sending data.
    description : text description attached for screen readers.
    """
    series = series[["iso3", "name", "year", "value"]].copy()
    names = list(dict.fromkeys(series["name"].tolist()))
    colour = alt.Color(
        "name:N",
        title="Country",
        scale=alt.Scale(domain=names, range=OKABE_ITO[: max(1, len(names))]),
        legend=alt.Legend(orient="bottom", columns=4),
    )
    years = series["year"]
    lo = int(years.min()) if len(series) else 1990
    hi = int(years.max()) if len(series) else 2024
    if events is not None and len(events):
        lo = min(lo, int(events["x"].min()))
        hi = max(hi, int(events["x"].max()) + 1)
    x_scale = alt.Scale(domain=[lo, hi], nice=False)
    x = alt.X("year:Q", title="Year", scale=x_scale, axis=alt.Axis(format="d", tickMinStep=1))
    y = alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False))

    year_param = alt.param(name="year", value=int(year if year is not None else hi))
    base = alt.Chart(series)
    lines = base.mark_line(strokeWidth=2.2).encode(
        x=x, y=y, color=colour,
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("year:Q", title="Year"),
                 alt.Tooltip("value:Q", title=y_title, format=",.4~g")],
    )
    points = base.mark_point(filled=True, size=70).encode(
        x=x, y=y, color=colour,
        opacity=alt.condition("datum.year == year", alt.value(1), alt.value(0)),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("year:Q", title="Year"),
                 alt.Tooltip("value:Q", title=y_title, format=",.4~g")],
    )
    marker = (
        alt.Chart(pd.DataFrame({"one": [1]}))
        .mark_rule(strokeDash=[2, 3], color="#222", strokeWidth=1.2)
        .encode(x=alt.X("year:Q", scale=x_scale))
        .transform_calculate(year="year")
    )

    layers: list[alt.Chart] = []
    if events is not None and len(events):
        ev = events[["number", "x", "date", "event"]].copy()
        ev["number"] = ev["number"].astype(str)
        ev_base = alt.Chart(ev)
        rules = ev_base.mark_rule(color=EVENT_COLOUR, strokeWidth=1).encode(
            x=alt.X("x:Q", scale=x_scale),
            tooltip=[alt.Tooltip("number:N", title="Event"), alt.Tooltip("date:N", title="Date"),
                     alt.Tooltip("event:N", title="What happened")],
        )
        labels = ev_base.mark_text(
            color=EVENT_COLOUR, fontWeight="bold", fontSize=11, dy=-4, baseline="bottom"
        ).encode(
            x=alt.X("x:Q", scale=x_scale),
            y=alt.value(0),
            text="number:N",
            tooltip=[alt.Tooltip("date:N", title="Date"),
                     alt.Tooltip("event:N", title="What happened")],
        )
        layers += [rules, labels]
    layers += [lines, points, marker]
    chart = alt.layer(*layers).add_params(year_param).properties(width=width, height=height)
    if title:
        chart = chart.properties(title=alt.TitleParams(title, subtitle=subtitle or alt.Undefined))
    return describe(chart, description or f"Line chart of {y_title} by year.")
