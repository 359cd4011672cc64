"""Charts for the country profile: percentiles by dimension, beside state security.

>>> rows = pd.DataFrame({"row": ["Health · Life expectancy"], "dimension": ["Health"],
...                      "pct_world": [13.4], "pct_compare": [49.1], "detail": ["62.1 years (2022)"],
...                      "trend": ["improved"], "highlight": [True]})
>>> spec = profile_chart(rows, rows.iloc[0:0], "Within Africa", "Kenya.").to_dict()
>>> spec["description"]
'Kenya.'
"""

from __future__ import annotations

import json
import math

import altair as alt
import pandas as pd

from widgets.charts import OKABE_ITO, describe
from widgets.charts._templates import spec_template
from widgets.i18n import N_, _, get_language

__all__ = ["HIGHLIGHT_COLOUR", "USER_ROW_PREFIX", "profile_chart", "profile_datasets",
           "profile_spec", "strip_chart"]

#: Background of the rows in the most vulnerable dimensions.
HIGHLIGHT_COLOUR = "#fde8e1"
ALL_COUNTRIES = N_("Among all countries")
#: How a learner's own indicator (issue 21) is named in the rows of the profile
#: (marked for translation: compare rows with ``_(USER_ROW_PREFIX)``).
USER_ROW_PREFIX = N_("Your data · ")


ROWS, STATE_ROWS = "profile_rows", "state_rows"
_COLUMNS = ["row", "pct_world", "pct_compare", "detail", "trend", "highlight"]


def _records(rows: pd.DataFrame) -> list[dict]:
    """The chart's columns of ``rows`` as records (numbers to 3 decimals, missing as None).

    >>> _records(pd.DataFrame({"row": ["a"], "pct_world": [12.34567], "pct_compare": [None],
    ...                        "detail": ["x"], "trend": ["improved"], "highlight": [True]}))
    [{'row': 'a', 'pct_world': 12.346, 'pct_compare': None, 'detail': 'x', 'trend': 'improved', 'highlight': True}]
    """
    def clean(value):
        if isinstance(value, float):
            return None if math.isnan(value) else round(value, 3)
        return value.item() if hasattr(value, "item") else value

    columns = [rows[c].tolist() if c in rows else [None] * len(rows) for c in _COLUMNS]
    return [dict(zip(_COLUMNS, map(clean, values), strict=True))
            for values in zip(*columns, strict=True)]


def strip_chart(dataset: str, order: list[str], x_title: str, title: str,
                highlight: bool = True) -> alt.HConcatChart:
    """Dots on a 0–100 percentile line for each indicator, and a text column.

    The rows come from the named dataset ``dataset`` with ``row`` (label, shown
    in ``order``), ``pct_world``, ``pct_compare``, ``detail`` (value, unit and
    year), ``trend`` and ``highlight`` (True for the most vulnerable dimensions).
    """
    source = alt.NamedData(name=dataset)
    # The rows are the scale's domain, not whatever the layers' data hold: a row with
    # no value (filtered out of the dots) keeps its line, so the dots and the text
    # column beside them always stay on the same rows.
    rows_scale = alt.Scale(domain=list(order))
    y = alt.Y("row:N", title=None, sort=order, scale=rows_scale, axis=alt.Axis(labelLimit=260))
    height = alt.Step(20)
    layers = []
    if highlight:
        layers.append(alt.Chart(source).mark_rect(color=HIGHLIGHT_COLOUR).encode(
            y=y, x=alt.datum(0), x2=alt.datum(100)).transform_filter("datum.highlight"))
    mid = alt.Chart(source).mark_rule(color="#999", strokeDash=[3, 3]).encode(
        x=alt.datum(50)).transform_aggregate(n="count()")
    link = alt.Chart(source).mark_rule(color="#bbb").encode(
        y=y, x="pct_world:Q", x2="pct_compare:Q").transform_filter(
        "isValid(datum.pct_world) && isValid(datum.pct_compare)")
    # the comparison's name is the parameter ``compare_label`` (changed in place)
    everyone = json.dumps(_(ALL_COUNTRIES))  # a JS string (a French apostrophe needs quoting)
    group = json.dumps(_("Comparison group"))
    series_expr = f"datum.key == 'pct_world' ? {everyone} : compare_label"
    dots = alt.Chart(source).mark_point(filled=True, size=90, opacity=0.95).encode(
        y=y,
        x=alt.X("percentile:Q", title=x_title, scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("key:N", title=None, scale=alt.Scale(
            domain=["pct_world", "pct_compare"], range=[OKABE_ITO[0], OKABE_ITO[1]]),
            legend=alt.Legend(orient="top", labelExpr=(
                f"datum.label == 'pct_world' ? {everyone} : {group}"))),
        shape=alt.Shape("key:N", title=None, scale=alt.Scale(
            domain=["pct_world", "pct_compare"], range=["circle", "diamond"]), legend=None),
        tooltip=[alt.Tooltip("row:N", title=_("Indicator")),
                 alt.Tooltip("detail:N", title=_("Latest value (year)")),
                 alt.Tooltip("series:N", title=_("Compared with")),
                 alt.Tooltip("percentile:Q", title=_("Percentile"), format=".0f"),
                 alt.Tooltip("trend:N", title=_("Since 2000"))],
    ).transform_fold(["pct_world", "pct_compare"], as_=["key", "percentile"]).transform_filter(
        "isValid(datum.percentile)").transform_calculate(series=series_expr)
    layers += [mid, link, dots]
    # Vega does not redraw legend labels when a parameter changes, so the comparison's
    # name (e.g. "Within Oceania") is the title's subtitle, which it does redraw.
    title_js = json.dumps(title)
    group_title = json.dumps(_("◆ Comparison group: "))
    strip = alt.layer(*layers).properties(width=360, height=height, title=alt.Title(
        alt.ExprRef(f"[{title_js}, {group_title} + compare_label]")))
    text = alt.Chart(source).mark_text(align="left", fontSize=11).encode(
        y=alt.Y("row:N", sort=order, scale=rows_scale, axis=None), x=alt.value(0),
        text=alt.Text("label:N"),
    ).transform_calculate(label="datum.detail + ' · ' + datum.trend").properties(
        width=250, height=height, title=alt.Title(_("Latest value (year) · since 2000"),
                                                  fontSize=12))
    return alt.hconcat(strip, text, spacing=6)


def profile_chart(rows: pd.DataFrame, state_rows: pd.DataFrame, compare_label: str,
                  description: str) -> alt.VConcatChart:
    """The whole profile: human-security indicators above, state security below.

    ``rows`` / ``state_rows`` as described in :func:`strip_chart`;
    ``compare_label`` names the diamonds (e.g. "Within Africa").
    """
    human = strip_chart(ROWS, rows["row"].tolist(),
                        _("Percentile (0 = worst-off country, 100 = best-off)"),
                        _("Human security: where the country stands"))
    state_title = _("State security (military)")
    if any(str(r).startswith(_(USER_ROW_PREFIX)) for r in state_rows["row"]):
        state_title = _("State security (military), and your data without a better or worse")
    state = strip_chart(STATE_ROWS, state_rows["row"].tolist(),
                        _("Percentile (0 = lowest, 100 = highest; not better or worse)"),
                        state_title, highlight=False)
    chart = alt.vconcat(human, state, spacing=16).resolve_scale(color="shared", shape="shared")
    chart = chart.add_params(alt.param(name="compare_label", value=compare_label))
    chart = chart.properties(datasets=profile_datasets(rows, state_rows))
    return describe(chart, description)


def _template(order: tuple[str, ...], state_order: tuple[str, ...]) -> str:
    def build() -> dict:
        rows = pd.DataFrame({"row": list(order)})
        state = pd.DataFrame({"row": list(state_order)})
        spec = profile_chart(rows, state, "", "").to_dict()
        spec.pop("datasets")
        return spec

    # the language is part of the key: the titles are in it
    return spec_template("profile", (order, state_order, get_language(), _(ALL_COUNTRIES)),
                         build, __file__)


def profile_spec(rows: pd.DataFrame, state_rows: pd.DataFrame, compare_label: str,
                 description: str) -> dict:
    """Exactly ``profile_chart(...).to_dict()``, in a few milliseconds.

    Only the data, the comparison label (a parameter) and the description
    change from one country to the next, so they are filled into a template
    built once with Altair (whose own build takes most of a second).
    """
    spec = json.loads(_template(tuple(rows["row"]), tuple(state_rows["row"])))
    spec["description"] = description
    spec["params"] = [dict(p, value=compare_label) if p["name"] == "compare_label" else p
                      for p in spec["params"]]
    spec["datasets"] = profile_datasets(rows, state_rows)
    return spec


def profile_datasets(rows: pd.DataFrame, state_rows: pd.DataFrame) -> dict[str, list[dict]]:
    """The two datasets of the profile chart, by name (for an update in place)."""
    return {ROWS: _records(rows), STATE_ROWS: _records(state_rows)}
