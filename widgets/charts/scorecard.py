"""Scorecard chart: each indicator's position among countries at the start and at the end.

An arrow runs from the start position to the end position (0–100, right =
better for people). Green-ish arrows mean better for people, orange-red
worse, grey little change; state-security indicators with no better/worse
reading are blue. Shape (triangle pointing the way of the move) carries the
same information as colour.

>>> import pandas as pd
>>> rows = pd.DataFrame({"side": ["Human security"], "dimension": ["health"],
...     "label": ["Under-5 mortality"], "verdict": ["better"], "arrow": ["▼"],
...     "start_position": [40.0], "end_position": [55.0], "start_value": [50.0],
...     "end_value": [40.0], "start_year": [2000], "end_year": [2010], "unit": ["per 1,000"]})
>>> spec = scorecard_chart(rows.assign(iso3="KEN"), "KEN", "Kenya", 2000, 2010).to_dict()
>>> spec["description"].startswith("Scorecard for Kenya")
True
>>> {p["name"]: p["value"] for p in spec["params"]}
{'country': 'KEN', 'country_label': 'Kenya'}
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from widgets.charts import OKABE_ITO, describe

__all__ = ["VERDICT_COLOURS", "scorecard_chart"]

#: Verdict colours (Okabe–Ito): bluish green better, vermillion worse, grey little change,
#: blue for up/down on neutral (state-security) indicators.
VERDICT_COLOURS = {
    "better": OKABE_ITO[2],
    "worse": OKABE_ITO[5],
    "little change": "#8c8c8c",
    "up": OKABE_ITO[0],
    "down": OKABE_ITO[0],
}


def scorecard_chart(rows: pd.DataFrame, country: str, country_name: str, start: int,
                    end: int, dimension_labels: dict[str, str] | None = None,
                    description: str = "") -> alt.LayerChart:
    """Dumbbell-arrow chart of positions among countries, grouped by dimension.

    ``rows`` may hold many countries (see :func:`widgets.scorecard.period_scorecard`);
    the chart shows the one named by its ``country`` parameter, with
    ``country_name`` as the ``country_label`` parameter in its heading, so a
    widget switches country with ``set_params(country=..., country_label=...)``.
    Indicators without a position at both dates are left out (they stay in
    the table).
    """
    labels = dimension_labels or {}
    d = rows.dropna(subset=["start_position", "end_position"]).copy()
    d["group"] = [("State security" if s == "State security" else
                   labels.get(dim, str(dim).capitalize()))
                  for s, dim in zip(d["side"], d["dimension"], strict=True)]
    d["row"] = d["group"] + " · " + d["label"]
    d["shape"] = np.where(d["end_position"] >= d["start_position"], "triangle-right",
                          "triangle-left")
    order = list(dict.fromkeys(d["row"]))
    # Embed each long row label once: rows carry a small number, looked up in ``names``.
    code = {r: i for i, r in enumerate(order)}
    names = pd.DataFrame({"k": list(code.values()), "row": list(code)})
    d["k"] = d["row"].map(code)
    d["v"] = d["verdict"].map({v: i for i, v in enumerate(VERDICT_COLOURS)})
    d["s"] = (d["shape"] == "triangle-right").astype(int)
    d = d[["iso3", "k", "v", "s", "start_position", "end_position", "start_value",
           "end_value"]].round({"start_position": 1, "end_position": 1, "start_value": 4,
                                "end_value": 4})
    d = d.rename(columns={"start_position": "p0", "end_position": "p1", "start_value": "v0",
                          "end_value": "v1"})
    domain = list(VERDICT_COLOURS)  # fixed, so colours do not shift between countries
    colour = alt.Color("verdict:N", title="Change",
                       scale=alt.Scale(domain=domain, range=[VERDICT_COLOURS[v] for v in domain]),
                       legend=alt.Legend(orient="bottom"))
    y = alt.Y("row:N", sort=order, title=None, axis=alt.Axis(labelLimit=320))
    x_title = "Position among countries (0 = worst, 100 = best for people)"
    tooltip = [alt.Tooltip("row:N", title="Indicator"),
               alt.Tooltip("verdict:N", title="Change"),
               alt.Tooltip("start_value:Q", title=f"Value near {start}", format=",.4~g"),
               alt.Tooltip("end_value:Q", title=f"Value near {end}", format=",.4~g"),
               alt.Tooltip("start_position:Q", title="Start position", format=".0f"),
               alt.Tooltip("end_position:Q", title="End position", format=".0f")]
    verdict_names = list(VERDICT_COLOURS)
    base = (alt.Chart(d).transform_filter("datum.iso3 == country")
            .transform_lookup(lookup="k", from_=alt.LookupData(names, "k", ["row"]))
            .transform_calculate(
                verdict=f"{verdict_names}[datum.v]",
                shape="datum.s ? 'triangle-right' : 'triangle-left'",
                start_position="datum.p0", end_position="datum.p1",
                start_value="datum.v0", end_value="datum.v1"))
    line = base.mark_rule(strokeWidth=2.5).encode(
        y=y, x=alt.X("start_position:Q", title=x_title, scale=alt.Scale(domain=[0, 100])),
        x2="end_position:Q", color=colour, tooltip=tooltip)
    start_dot = base.mark_point(filled=False, size=50, color="#555").encode(
        y=y, x="start_position:Q", tooltip=tooltip)
    end_mark = base.mark_point(filled=True, size=110, opacity=1).encode(
        y=y, x="end_position:Q", color=colour,
        shape=alt.Shape("shape:N", scale=None), tooltip=tooltip)
    heading = alt.Chart(pd.DataFrame({"one": [1]})).mark_text(
        text=alt.ExprRef(expr=f"country_label + ': {start} → {end}'"), align="left",
        baseline="bottom", dy=-8, fontSize=14, fontWeight="bold").encode(
        x=alt.value(0), y=alt.value(0))
    n_rows = len(order)
    chart = alt.layer(line, start_dot, end_mark, heading).add_params(
        alt.param(name="country", value=country),
        alt.param(name="country_label", value=country_name),
    ).properties(
        width=460, height=max(60, 20 * n_rows),
        title=alt.TitleParams("Human-security scorecard",
                              subtitle="Open circle: start; triangle: end. "
                                       "Further right = better for people than more countries.",
                              offset=24))
    return describe(chart, description or f"Scorecard for {country_name}, {start} to {end}.")
