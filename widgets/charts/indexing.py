"""Charts for the composite-index builder (lesson 03).

The index is recomputed **in the browser** from the normalised values the
chart embeds: weights, normalisation and aggregation are chart parameters, so
moving a weight slider only sends new parameter values (no data) and the chart
updates at once. :func:`score_expression` writes the same formula as
:func:`widgets.indexing.aggregate` in Vega's expression language; the tests
check that the two agree.

>>> import pandas as pd
>>> table = index_table(pd.DataFrame({"iso3": ["A", "B"], "name": ["A", "B"]}),
...     {"min_max": pd.DataFrame({"x": [0.0, 1.0]}, index=["A", "B"])})
>>> sorted(table.columns)
['iso3', 'min_max_0', 'name']
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import numpy as np
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
from widgets.i18n import _, format_percent

__all__ = [
    "index_map",
    "index_param_values",
    "index_params",
    "index_table",
    "ranking_chart",
    "rank_shift_chart",
    "hdi_scatter",
    "score_expression",
    "uncertainty_chart",
]

#: Colour of the "moves up" / "moves down" arrows in the rank-shift chart.
UP_COLOUR, DOWN_COLOUR = OKABE_ITO[2], OKABE_ITO[5]
#: Name of the embedded table of normalised values (swapped in place by the widget).
INDEX_DATA = "index_table"


def _index_data(table: pd.DataFrame) -> alt.Data:
    return json_data(table, double_precision=6, name=INDEX_DATA)


def index_table(countries: pd.DataFrame, matrices: Mapping[str, pd.DataFrame],
                extra: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per country: names plus every normalised value, columns ``<method>_<i>``.

    ``matrices`` maps a normalisation id to a normalised table (rows: iso3,
    columns: indicators in a fixed order). ``extra`` adds columns by iso3
    (e.g. ``hdi``, the equal-weight rank).
    """
    first = next(iter(matrices.values()))
    out = countries.set_index("iso3").reindex(first.index)
    names = [f"{method}_{i}" for method in matrices for i in range(first.shape[1])]
    values = np.column_stack([m[first.columns].to_numpy(dtype=float)
                              for m in matrices.values()])
    out = pd.concat([out, pd.DataFrame(values, index=first.index, columns=names)], axis=1)
    if extra is not None:
        out = out.join(extra)
    return out.rename_axis("iso3").reset_index()


def _value_expr(i: int, methods: Sequence[str]) -> str:
    """Vega expression for indicator ``i`` under the chosen normalisation param."""
    expr = f"datum['{methods[-1]}_{i}']"
    for m in reversed(methods[:-1]):
        expr = f"(normalisation == '{m}' ? datum['{m}_{i}'] : {expr})"
    return expr


def score_expression(n: int, weights: Sequence[str] | None = None, epsilon: float = 0.01,
                     field: str = "v") -> str:
    """Vega expression for the index from fields ``v_0 … v_{n-1}``.

    Same rule as :func:`widgets.indexing.aggregate`: missing values are left
    out and the weights re-scaled; the geometric mean floors values at
    ``epsilon``. ``weights`` are expressions (param names by default ``w_i``).

    >>> score_expression(1)
    "(w_0*(isValid(datum.v_0)?1:0)) > 0 ? (aggregation == 'geometric' ? exp((w_0*(isValid(datum.v_0)?log(max(datum.v_0, 0.01)):0))/(w_0*(isValid(datum.v_0)?1:0))) : (w_0*(isValid(datum.v_0)?datum.v_0:0))/(w_0*(isValid(datum.v_0)?1:0))) : null"
    """
    weights = [f"w_{i}" for i in range(n)] if weights is None else list(weights)
    v = [f"datum.{field}_{i}" for i in range(n)]
    den = "+".join(f"{weights[i]}*(isValid({v[i]})?1:0)" for i in range(n))
    arith = "+".join(f"{weights[i]}*(isValid({v[i]})?{v[i]}:0)" for i in range(n))
    geo = "+".join(f"{weights[i]}*(isValid({v[i]})?log(max({v[i]}, {epsilon})):0)"
                   for i in range(n))
    return (f"({den}) > 0 ? (aggregation == 'geometric' ? exp(({geo})/({den})) : "
            f"({arith})/({den})) : null")


def index_params(weights: Sequence[float], normalisation: str, aggregation: str,
                 highlight: str = "", slots: int | None = None) -> list[alt.Parameter]:
    """The chart parameters the widget updates: ``w_i``, ``normalisation``,
    ``aggregation``, ``highlight`` (the ISO3 code of a country to outline) and
    ``n_selected`` (how many indicators are in the index).

    A chart built for ``slots`` indicators takes any number up to that: the
    unused slots get weight 0 and no values. The widget builds its charts once
    for every indicator it offers, so choosing indicators only swaps data.

    >>> [p.name for p in index_params([0.5, 0.5], "min_max", "arithmetic")]
    ['w_0', 'w_1', 'normalisation', 'aggregation', 'highlight', 'n_selected']
    >>> [p.param.value for p in index_params([1.0], "rank", "arithmetic", slots=3)][:3]
    [1.0, 0.0, 0.0]
    """
    values = index_param_values(weights, normalisation, aggregation, highlight, slots)
    return [alt.param(name=k, value=v) for k, v in values.items()]


def index_param_values(weights: Sequence[float], normalisation: str, aggregation: str,
                       highlight: str = "", slots: int | None = None) -> dict[str, Any]:
    """The values of :func:`index_params`, by name (what a widget sends on a change).

    >>> index_param_values([1.0], "rank", "arithmetic", slots=2)
    {'w_0': 1.0, 'w_1': 0.0, 'normalisation': 'rank', 'aggregation': 'arithmetic', 'highlight': '', 'n_selected': 1}
    """
    padded = [float(w) for w in weights] + [0.0] * max(0, (slots or 0) - len(weights))
    values: dict[str, Any] = {f"w_{i}": w for i, w in enumerate(padded)}
    values.update(normalisation=normalisation, aggregation=aggregation, highlight=highlight,
                  n_selected=len(weights))
    return values


def _with_scores(chart, n: int, methods: Sequence[str], epsilon: float):
    """Add ``v_i`` (chosen normalisation), ``score`` and equal-weight ``score_equal``."""
    calc = {f"v_{i}": _value_expr(i, methods) for i in range(n)}
    # equal weights over the indicators in the index (slots past n_selected are empty)
    equal = [f"(n_selected > {i} ? 1 : 0)" for i in range(n)]
    return chart.transform_calculate(**calc).transform_calculate(
        score=score_expression(n, epsilon=epsilon),
        score_equal=score_expression(n, weights=equal, epsilon=epsilon),
    )


def _lines(text: str) -> str | list[str]:
    """A chart title as one line, or as several where a translation breaks it with ``\\n``.

    Long titles run past a chart's width in French or Spanish; the translator
    chooses where they break. English titles are single strings, as before.
    """
    return text.split("\n") if "\n" in text else text


def _tooltip_score(title: str | None = None):
    return alt.Tooltip("score:Q", title=title or _("Index score"), format=".3f")


def ranking_chart(table: pd.DataFrame, n: int, methods: Sequence[str], params,
                  description: str, top: int = 15, epsilon: float = 0.01):
    """Bar charts of the ``top`` best and worst countries on the learner's index."""
    base = _with_scores(alt.Chart(_index_data(table)), n, methods, epsilon).transform_filter(
        "isValid(datum.score)"
    ).transform_window(rank="rank()", sort=[alt.SortField("score", order="descending")]
    ).transform_joinaggregate(total="count()")

    def part(title: str, keep: str):
        return base.transform_filter(keep).mark_bar().encode(
            x=alt.X("score:Q", title=_("Index score (higher = better)")),
            y=alt.Y("name:N", sort=alt.SortField("rank", order="ascending"), title=None),
            color=alt.Color("score:Q", scale=colour_scale("higher_is_better"), legend=None),
            # the highlighted country is outlined, as on the map and the HDI scatter
            stroke=alt.when("datum.iso3 == highlight").then(alt.value("#000000"))
            .otherwise(alt.value(None)),
            strokeWidth=alt.when("datum.iso3 == highlight").then(alt.value(2.5))
            .otherwise(alt.value(0)),
            tooltip=[alt.Tooltip("name:N", title=_("Country")),
                     alt.Tooltip("rank:Q", title=_("Rank")), _tooltip_score()],
        ).properties(title=title, width=230, height=top * 16)

    chart = alt.hconcat(
        part(_("Top {n}").format(n=top), f"datum.rank <= {top}"),
        part(_("Bottom {n}").format(n=top), f"datum.rank > datum.total - {top}"),
    ).add_params(*params)
    return describe(chart, description)


def index_map(table: pd.DataFrame, n: int, methods: Sequence[str], params,
              description: str, epsilon: float = 0.01, names: pd.DataFrame | None = None):
    """World map of the index (darker = worse); grey = not in the index.

    ``names`` (``iso3, name``, every country) names the countries in the
    tooltip in the reader's language, those outside the index too; without it
    the map's own (English) names are used.
    """
    fields = ["name"] + [f"{m}_{i}" for m in methods for i in range(n)]
    chart = alt.Chart(world_map_data()).transform_lookup(
        lookup="properties.iso3",
        from_=alt.LookupData(_index_data(table[["iso3", *[f for f in fields if f in table]]]),
                             "iso3", fields)
    )
    if names is not None:
        chart = chart.transform_lookup(
            lookup="properties.iso3",
            from_=alt.LookupData(json_data(names[["iso3", "name"]].rename(
                columns={"name": "country_name"})), "iso3", ["country_name"]))
    else:
        chart = chart.transform_calculate(country_name="datum.properties.name")
    chart = _with_scores(chart, n, methods, epsilon).mark_geoshape(invalid="show").encode(
        stroke=alt.when("datum.properties.iso3 == highlight").then(alt.value("#000000")
                                                                   ).otherwise(alt.value("white")),
        strokeWidth=alt.when("datum.properties.iso3 == highlight").then(alt.value(2.5)
                                                                        ).otherwise(alt.value(0.4)),
        # "no score → grey" must be the first rule: with invalid="show", Vega-Lite puts
        # its own rule for invalid values (drawn as the darkest colour) before any other
        color=alt.when("!isValid(datum.score)").then(alt.value(NO_DATA_COLOUR)).otherwise(
            alt.Color("score:Q", scale=colour_scale("higher_is_better"),
                      title=[_("Index score"), _("(darker = worse)")])),
        tooltip=[alt.Tooltip("country_name:N", title=_("Country")), _tooltip_score()],
    ).properties(width=620, height=330, projection=map_projection()).add_params(*params)
    return describe(chart, description)


def rank_shift_chart(table: pd.DataFrame, n: int, methods: Sequence[str], params,
                     description: str, show: int = 20, epsilon: float = 0.01):
    """The ``show`` countries whose rank moves most compared with equal weights.

    Each arrow goes from the country's rank with equal weights to its rank
    with the learner's weights (same normalisation and aggregation).
    """
    moves_words = [_("moves up"), _("moves down"), _("no change")]
    up, down, same = (json.dumps(w) for w in moves_words)
    colour = alt.Color("moves:N", title=_("Compared with equal weights"),
                       scale=alt.Scale(domain=moves_words,
                                       range=[UP_COLOUR, DOWN_COLOUR, "#999999"]))
    y = alt.Y("name:N", sort=alt.EncodingSortField("shift", op="min", order="descending"),
              title=None)
    tooltip = [alt.Tooltip("name:N", title=_("Country")),
               alt.Tooltip("rank_equal:Q", title=_("Rank, equal weights")),
               alt.Tooltip("rank:Q", title=_("Rank, your weights")),
               alt.Tooltip("shift:Q", title=_("Places moved up"))]
    rule = alt.Chart().mark_rule(strokeWidth=2).encode(
        x=alt.X("rank_equal:Q", title=_("Rank (1 = best)"), scale=alt.Scale(reverse=True)),
        x2="rank:Q", y=y, color=colour, tooltip=tooltip)
    start = alt.Chart().mark_point(filled=False, size=40, color="#555").encode(
        x="rank_equal:Q", y=y, tooltip=tooltip)
    end = alt.Chart().mark_point(filled=True, size=70).encode(
        x="rank:Q", y=y, color=colour, tooltip=tooltip,
        shape=alt.Shape("moves:N", legend=None,
                        scale=alt.Scale(domain=moves_words,
                                        range=["triangle-left", "triangle-right", "circle"])))
    # all transforms on the layer: the three layers share one data source and one sort
    layered = alt.layer(rule, start, end, data=_index_data(table))
    chart = _with_scores(layered, n, methods, epsilon).transform_filter(
        "isValid(datum.score)"
    ).transform_window(rank="rank()", sort=[alt.SortField("score", order="descending")]
    ).transform_window(rank_equal="rank()",
                       sort=[alt.SortField("score_equal", order="descending")]
    ).transform_calculate(
        shift="datum.rank_equal - datum.rank",
        size="abs(datum.rank_equal - datum.rank)",
        moves=f"datum.rank_equal - datum.rank > 0 ? {up} : "
              f"(datum.rank_equal - datum.rank < 0 ? {down} : {same})",
    ).transform_window(order="row_number()",
                       sort=[alt.SortField("size", order="descending"),
                             alt.SortField("rank", order="ascending")]
    ).transform_filter(f"datum.order <= {show}").properties(
        width=520, height=show * 18,
        title=_lines(_("Who moves: open circle = rank with equal weights, arrow head = your "
                       "rank")),
    ).add_params(*params)
    return describe(chart, description)


def hdi_scatter(table: pd.DataFrame, n: int, methods: Sequence[str], params,
                description: str, epsilon: float = 0.01):
    """Each country's index score against its Human Development Index."""
    chart = _with_scores(alt.Chart(_index_data(table)), n, methods, epsilon).transform_filter(
        "isValid(datum.score) && isValid(datum.hdi)"
    ).mark_circle(opacity=0.75).encode(
        color=alt.when("datum.iso3 == highlight").then(alt.value(OKABE_ITO[5])
                                                       ).otherwise(alt.value(OKABE_ITO[0])),
        size=alt.when("datum.iso3 == highlight").then(alt.value(160)).otherwise(alt.value(40)),
        x=alt.X("hdi:Q", title=_("Human Development Index (0–1)"), scale=alt.Scale(zero=False)),
        y=alt.Y("score:Q", title=_("Your index score (higher = better)"),
                scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("name:N", title=_("Country")),
                 alt.Tooltip("hdi:Q", title=_("HDI"), format=".3f"), _tooltip_score()],
    ).properties(width=480, height=320).add_params(*params)
    return describe(chart, description)


def uncertainty_chart(mc: pd.DataFrame, description: str, show: int = 30):
    """Median rank and rank interval per country from the Monte Carlo draws.

    ``mc`` has ``name, rank, median_rank, rank_low, rank_high``; the ``show``
    best-ranked countries (by the learner's own rank) are drawn. Before any
    draws (``mc`` empty) a short panel says so, not an empty frame of axes.

    >>> empty = pd.DataFrame(columns=["name", "rank", "median_rank", "rank_low", "rank_high"])
    >>> spec = uncertainty_chart(empty, "Press 'Run' first.").to_dict()
    >>> spec["mark"]["type"], spec["height"], list(spec["datasets"].values())
    ('text', 40, [[{'hint': 'No draws yet.'}]])
    """
    title = _lines(_("How sure is each rank? Bar: {share} of draws; tick: median; diamond: "
                     "your rank").format(share=format_percent(0.9)))
    if mc.empty:
        hint = alt.Chart(pd.DataFrame({"hint": [_("No draws yet.")]})).mark_text(
            fontSize=13, color="#444444", align="left", x=0, y=20).encode(text="hint:N")
        return describe(hint.properties(width=520, height=40, title=title), description)
    data = mc.sort_values("rank").head(show)
    y = alt.Y("name:N", sort=alt.SortField("rank", order="ascending"), title=None)
    tooltip = [alt.Tooltip("name:N", title=_("Country")),
               alt.Tooltip("rank:Q", title=_("Rank with your choices")),
               alt.Tooltip("median_rank:Q", title=_("Median rank over draws")),
               alt.Tooltip("rank_low:Q", title=_("Best rank (5th percentile)")),
               alt.Tooltip("rank_high:Q", title=_("Worst rank (95th percentile)"))]
    base = alt.Chart(data)
    bars = base.mark_rule(strokeWidth=3, color=OKABE_ITO[4]).encode(
        x=alt.X("rank_low:Q", title=_("Rank (1 = best); bar = {share} of draws").format(
            share=format_percent(0.9)),
                scale=alt.Scale(reverse=True)),
        x2="rank_high:Q", y=y, tooltip=tooltip)
    median = base.mark_tick(color=OKABE_ITO[0], thickness=2, size=12).encode(
        x="median_rank:Q", y=y, tooltip=tooltip)
    own = base.mark_point(color="#000000", size=30, shape="diamond", filled=True).encode(
        x="rank:Q", y=y, tooltip=tooltip)
    chart = alt.layer(bars, median, own).properties(
        width=520, height=show * 16, title=title)
    return describe(chart, description)
