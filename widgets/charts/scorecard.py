"""Scorecard chart: each indicator's position among countries at the start and at the end.

An arrow runs from the start position to the end position (0–100, right =
better for people). Green-ish arrows mean better for people, orange-red
worse, grey little change; state-security indicators with no better/worse
reading are blue. Shape (triangle pointing the way of the move) carries the
same information as colour.

>>> import pandas as pd
>>> rows = pd.DataFrame({"indicator": ["u5"], "side": ["Human security"], "dimension": ["health"],
...     "label": ["Under-5 mortality"], "verdict": ["better"], "arrow": ["▼"],
...     "start_position": [40.0], "end_position": [55.0], "start_value": [50.0],
...     "end_value": [40.0], "start_year": [2000], "end_year": [2010], "unit": ["per 1,000"]})
>>> spec = scorecard_chart(rows.assign(iso3="KEN"), "KEN", "Kenya", 2000, 2010).to_dict()
>>> spec["description"].startswith("Scorecard for Kenya")
True
>>> {p["name"]: p["value"] for p in spec["params"]}
{'country': 'KEN', 'country_label': 'Kenya', 'period_label': '2000 → 2010'}
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from widgets.charts import OKABE_ITO, describe
from widgets.i18n import DEFAULT, N_, _, get_language

__all__ = ["VERDICT_COLOURS", "row_labels", "scorecard_chart", "scorecard_data"]

#: Verdict colours (Okabe–Ito): bluish green better, vermillion worse, grey little change,
#: blue for up/down on neutral (state-security) indicators.
VERDICT_COLOURS = {
    "better": OKABE_ITO[2],
    "worse": OKABE_ITO[5],
    "little change": "#8c8c8c",
    "up": OKABE_ITO[0],
    "down": OKABE_ITO[0],
}


#: A dimension's short name on the chart's rows (the axis has little room).
SHORT_GROUPS = {
    "economic": N_("Economic"), "food": N_("Food"), "health": N_("Health"),
    "environmental": N_("Environmental"), "personal": N_("Personal"),
    "community": N_("Community"), "political": N_("Political"), "state_security": N_("State"),
}


def row_labels(rows: pd.DataFrame, dimension_labels: dict[str, str] | None = None
               ) -> dict[str, str]:
    """Indicator id → the row label drawn on the chart ("Health security · Under-5 mortality").

    >>> row_labels(pd.DataFrame({"indicator": ["u5"], "side": ["Human security"],
    ...     "dimension": ["health"], "label": ["Under-5 mortality"]}), {"health": "Health"})
    {'u5': 'Health · Under-5 mortality'}
    >>> row_labels(pd.DataFrame({"indicator": ["m"], "side": ["State security"],
    ...     "dimension": ["state_security"], "label": ["Military spending"]}))
    {'m': 'State · Military spending'}
    """
    labels = dimension_labels or {}
    english = get_language() == DEFAULT
    out: dict[str, str] = {}
    for ind, side, dim, label in zip(rows["indicator"], rows["side"], rows["dimension"],
                                     rows["label"], strict=True):
        if not english:
            key = "state_security" if side == "State security" else dim
            group = _(SHORT_GROUPS[key]) if key in SHORT_GROUPS else _(labels.get(
                dim, str(dim).capitalize()))
            out.setdefault(str(ind), f"{group} · {_(str(label))}")
            continue
        group = "State" if side == "State security" else labels.get(
            dim, str(dim).capitalize())
        group = group.removesuffix(" security")  # short: the axis has little room
        out.setdefault(str(ind), f"{group} · {label}")
    return out


def scorecard_data(rows: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """The compact rows the chart embeds: ``iso3, k, v, s, p0, p1, v0, v1``.

    ``k`` numbers the indicator (its place in ``labels``), ``v`` the verdict,
    ``s`` whether the position rose; ``p0/p1`` are positions and ``v0/v1``
    values at the start and end. Rows without both positions are left out.
    """
    code = {ind: i for i, ind in enumerate(labels)}
    verdict_code = {v: i for i, v in enumerate(VERDICT_COLOURS)}
    d = rows.dropna(subset=["start_position", "end_position"])
    d = d[d["indicator"].isin(code)]
    out = pd.DataFrame({
        "iso3": d["iso3"].to_numpy(),
        "k": d["indicator"].map(code).to_numpy(),
        "v": d["verdict"].map(verdict_code).fillna(-1).astype(int).to_numpy(),
        "s": (d["end_position"] >= d["start_position"]).astype(int).to_numpy(),
        "p0": d["start_position"].round(1).to_numpy(),
        "p1": d["end_position"].round(1).to_numpy(),
        "v0": d["start_value"].round(4).to_numpy(),
        "v1": d["end_value"].round(4).to_numpy(),
    })
    return out


def scorecard_chart(rows: pd.DataFrame, country: str, country_name: str, start: int,
                    end: int, dimension_labels: dict[str, str] | None = None,
                    description: str = "", labels: dict[str, str] | None = None
                    ) -> alt.LayerChart:
    """Dumbbell-arrow chart of positions among countries, grouped by dimension.

    ``rows`` may hold many countries (see :func:`widgets.scorecard.period_scorecard`);
    the chart shows the one named by its ``country`` parameter, with
    ``country_label`` and ``period_label`` parameters in its heading, so a
    widget switches country with ``set_params(...)`` and swaps in another
    period's rows (:func:`scorecard_data`) without rebuilding the chart.
    ``labels`` (indicator id → row label, see :func:`row_labels`) fixes the
    rows; indicators without a position at both dates are left out (they
    stay in the table).
    """
    labels = labels or row_labels(rows, dimension_labels)
    d = scorecard_data(rows, labels)
    order = list(labels.values())
    names = pd.DataFrame({"k": range(len(order)), "row": order})
    from widgets.scorecard import verdict_word

    # fixed, so colours do not shift between countries; the words in the reader's language
    domain = [verdict_word(v) for v in VERDICT_COLOURS]
    colour = alt.Color("verdict:N", title=_("Change"),
                       scale=alt.Scale(domain=domain, range=list(VERDICT_COLOURS.values())),
                       legend=alt.Legend(orient="bottom"))
    y = alt.Y("row:N", sort=order, title=None, axis=alt.Axis(labelLimit=320))
    x_title = _("Position among countries (0 = worst, 100 = best for people)")
    tooltip = [alt.Tooltip("row:N", title=_("Indicator")),
               alt.Tooltip("verdict:N", title=_("Change")),
               alt.Tooltip("start_value:Q", title=_("Start value"), format=",.4~g"),
               alt.Tooltip("end_value:Q", title=_("End value"), format=",.4~g"),
               alt.Tooltip("start_position:Q", title=_("Start position"), format=".0f"),
               alt.Tooltip("end_position:Q", title=_("End position"), format=".0f")]
    base = (alt.Chart(d).transform_filter("datum.iso3 == country")
            .transform_lookup(lookup="k", from_=alt.LookupData(names, "k", ["row"]))
            .transform_calculate(
                verdict=f"{json.dumps(domain, ensure_ascii=False)}[datum.v]",
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
        text=alt.ExprRef(expr="country_label + " + json.dumps(  # "Kenya : 2000 → 2010" in French
            _("{name}: {text}").format(name="", text=""), ensure_ascii=False)
            + " + period_label"), align="left",
        baseline="bottom", dy=-8, fontSize=14, fontWeight="bold").encode(
        x=alt.value(0), y=alt.value(0))
    chart = alt.layer(line, start_dot, end_mark, heading).add_params(
        alt.param(name="country", value=country),
        alt.param(name="country_label", value=country_name),
        alt.param(name="period_label", value=f"{start} → {end}"),
    ).properties(
        width=460, height=max(60, 20 * len(order)), padding={"left": 12, "right": 8,
                                                              "top": 5, "bottom": 5},
        title=alt.TitleParams(_("Human-security scorecard"),
                              subtitle=_("Open circle: start; triangle: end. Further right = "
                                         "better for people than more countries."),
                              offset=24))
    return describe(chart, description or _("Scorecard for {country}, {start} to {end}.").format(
        country=country_name, start=start, end=end))
