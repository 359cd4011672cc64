"""Charts for the 3D policy portfolio (lesson 06): scorecard of two portfolios, the matrix.

The scorecard chart embeds the scoring matrix once and computes Σ share × score
in Vega from the ``shares_a`` and ``shares_b`` parameters, so moving a budget
slider only sets a parameter.

>>> from widgets.triad import matrix_table, instrument_ids
>>> spec = scorecard_chart(matrix_table(), instrument_ids(), [1/12] * 12, [1/12] * 12).to_dict()
>>> sorted(p["name"] for p in spec["params"])
['shares_a', 'shares_b']
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from widgets.charts import HUMAN_COLOUR, OKABE_ITO, STATE_COLOUR, describe
from widgets.i18n import N_, _, format_percent

__all__ = ["matrix_chart", "robustness_chart", "robustness_rows", "scorecard_chart",
           "spending_mix_chart"]


#: The two kinds of outcome, as the charts' labels begin ("State · …", "Human · …").
KIND_PREFIX = {"state": N_("State"), "human": N_("Human")}
#: The horizons' names in the scorecard (the matrix's own words, translated where shown).
HORIZONS = {"short": N_("Short term (≈2 years)"), "long": N_("Long term (≈10 years)")}


def _outcome_label(row: pd.Series, labels: dict[str, str]) -> str:
    return f"{_(KIND_PREFIX[row['kind']])} · {_(labels[row['outcome']])}"


def scorecard_chart(table: pd.DataFrame, order: list[str], shares_a: list[float],
                    shares_b: list[float], outcome_labels: dict[str, str] | None = None,
                    description: str = "") -> alt.FacetChart:
    """Bars: each outcome's score for portfolio A and B, short and long term side by side.

    Parameters
    ----------
    table : from :func:`widgets.triad.matrix_table`.
    order : instrument ids in the order of the share lists.
    shares_a, shares_b : budget shares (sum to 1) in that order (initial parameter values).
    outcome_labels : outcome id -> label (defaults to the ids).
    """
    labels = outcome_labels or {o: o for o in table["outcome"].unique()}
    d = table.assign(idx=table["instrument"].map({k: i for i, k in enumerate(order)}))
    d["outcome_label"] = d.apply(_outcome_label, axis=1, labels=labels)
    horizons = {k: _(v) for k, v in HORIZONS.items()}
    d["horizon_label"] = d["horizon"].map(horizons)
    d = d[["idx", "outcome_label", "kind", "horizon_label", "score"]]
    y_order = list(dict.fromkeys(d.sort_values("kind", ascending=False, kind="stable")
                                 ["outcome_label"]))
    chart = alt.Chart(d).transform_calculate(
        A="shares_a[datum.idx] * datum.score", B="shares_b[datum.idx] * datum.score",
    ).transform_aggregate(
        A="sum(A)", B="sum(B)", groupby=["outcome_label", "kind", "horizon_label"],
    ).transform_fold(["A", "B"], as_=["portfolio", "score"]).mark_bar().encode(
        y=alt.Y("outcome_label:N", title=None, sort=y_order, axis=alt.Axis(labelLimit=360)),
        yOffset=alt.YOffset("portfolio:N", sort=["A", "B"]),
        x=alt.X("score:Q", title=_("Score (share-weighted; −1 to 3)"),
                scale=alt.Scale(domain=[-1, 3])),
        color=alt.Color("portfolio:N", title=_("Portfolio"), sort=["A", "B"],
                        scale=alt.Scale(domain=["A", "B"], range=[OKABE_ITO[0], OKABE_ITO[1]]),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("portfolio:N", title=_("Portfolio")),
                 alt.Tooltip("outcome_label:N", title=_("Outcome")),
                 alt.Tooltip("horizon_label:N", title=_("Horizon")),
                 alt.Tooltip("score:Q", title=_("Score"), format=".2f")],
    ).properties(width=260, height=alt.Step(11)).facet(
        column=alt.Column("horizon_label:N", title=None,
                          sort=[horizons["short"], horizons["long"]]),
    ).add_params(
        alt.param(name="shares_a", value=[float(v) for v in shares_a]),
        alt.param(name="shares_b", value=[float(v) for v in shares_b]),
    ).properties(title=alt.Title(_("Scorecard: portfolio A and portfolio B"),
                                 subtitle=_("Outcomes marked {state} are state security; {human}, "
                                            "human security. Scores use the teaching matrix "
                                            "below.").format(state=_(KIND_PREFIX["state"]),
                                                             human=_(KIND_PREFIX["human"]))))
    return describe(chart, description or _("Scorecard of two portfolios."))


def matrix_chart(table: pd.DataFrame, instrument_labels: dict[str, str],
                 outcome_labels: dict[str, str], description: str = "") -> alt.Chart:
    """The scoring matrix as a grid: instruments × outcomes, short | long, score in each cell.

    >>> from widgets.triad import matrix_table, load_matrix
    >>> m = load_matrix()
    >>> spec = matrix_chart(matrix_table(), {k: v["label"] for k, v in m["instruments"].items()},
    ...                     {k: v["label"] for k, v in m["outcomes"].items()}).to_dict()
    >>> spec["mark"]["type"] if "mark" in spec else spec["layer"][0]["mark"]["type"]
    'rect'
    """
    d = table.copy()
    d["instrument_label"] = d["instrument"].map(lambda k: _(instrument_labels[k]))
    pillars = {p: _(PILLARS.get(p, p.capitalize())) for p in d["pillar"].unique()}
    d["pillar"] = d["pillar"].map(pillars)
    letter = {"state": _("S"), "human": _("H")}
    horizon = {"short": _("short"), "long": _("long")}
    d["cell"] = [f"{letter[k]} · {_(outcome_labels[o])} · {horizon[h]}"
                 for k, o, h in zip(d["kind"], d["outcome"], d["horizon"], strict=True)]
    d = d[["instrument_label", "pillar", "cell", "kind", "score"]]
    x_order = list(dict.fromkeys(d.sort_values("kind", ascending=False, kind="stable")["cell"]))
    y_order = list(dict.fromkeys(d["instrument_label"]))
    base = alt.Chart(d).encode(
        x=alt.X("cell:N", title=None, sort=x_order, axis=alt.Axis(labelAngle=-40, labelLimit=260,
                                                                   orient="top")),
        y=alt.Y("instrument_label:N", title=None, sort=y_order, axis=alt.Axis(labelLimit=300)),
    )
    rect = base.mark_rect(stroke="#ffffff").encode(
        color=alt.Color("score:Q", title=_("Score"),
                        scale=alt.Scale(domain=[-1, 0, 3], range=["#D55E00", "#f2f2f2",
                                                                    STATE_COLOUR]),
                        legend=alt.Legend(values=[-1, 0, 1, 2, 3])),
        tooltip=[alt.Tooltip("instrument_label:N", title=_("Instrument")),
                 alt.Tooltip("pillar:N", title=_("Pillar")),
                 alt.Tooltip("cell:N", title=_("Outcome")),
                 alt.Tooltip("score:Q", title=_("Score"))])
    text = base.mark_text(fontSize=11).encode(
        text=alt.Text("score:Q", format="d"),
        color=alt.condition("datum.score >= 2", alt.value("#ffffff"), alt.value("#222222")))
    chart = alt.layer(rect, text).properties(
        width=alt.Step(30), height=alt.Step(20),
        title=alt.Title(_("The scoring matrix (a teaching assumption you can change)"),
                        subtitle=_("{s} = state security, {h} = human security; "
                                   "−1 works against … 3 strong").format(s=letter["state"],
                                                                      h=letter["human"])))
    return describe(chart, description or _("The scoring matrix."))


#: The three pillars' names (the matrix's own words, translated where shown).
PILLARS = {"diplomacy": N_("Diplomacy"), "development": N_("Development"),
           "defence": N_("Defence")}

#: Plain-English names of the three spending series, in legend order (translated where shown).
SPENDING_SERIES = {"milex_gdp": N_("Military"), "health_spending_gdp": N_("Health (all sources)"),
                   "edu_spending_gdp": N_("Education (public)")}


def spending_mix_chart(mix: pd.DataFrame, title: str, description: str = "") -> alt.Chart:
    """Lines over time: military, health and education spending (% of GDP) for one country.

    ``mix`` comes from :func:`widgets.triad.spending_mix` for one country; only
    the year and the three series are embedded.

    >>> mix = pd.DataFrame({"year": [2000, 2001], "milex_gdp": [3.0, 2.5],
    ...                     "health_spending_gdp": [5.0, 6.0], "edu_spending_gdp": [4.0, 4.2]})
    >>> spec = spending_mix_chart(mix, "Example").to_dict()
    >>> spec["mark"]["type"], len(spec["datasets"][spec["data"]["name"]])
    ('line', 6)
    """
    d = mix[["year", *SPENDING_SERIES]].melt("year", var_name="series", value_name="value")
    series = {k: _(v) for k, v in SPENDING_SERIES.items()}
    d["series"] = d["series"].map(series)
    d["year"] = d["year"].astype(int)
    order = list(series.values())
    chart = alt.Chart(d).mark_line(point=True, strokeWidth=2).encode(
        x=alt.X("year:Q", title=_("Year"), axis=alt.Axis(format="d", tickMinStep=1)),
        y=alt.Y("value:Q", title=_("Spending (% of GDP)"), scale=alt.Scale(zero=True)),
        color=alt.Color("series:N", title=_("Spending on"), sort=order,
                        scale=alt.Scale(domain=order, range=[STATE_COLOUR, OKABE_ITO[2],
                                                             OKABE_ITO[1]]),
                        legend=alt.Legend(orient="top")),
        strokeDash=alt.StrokeDash("series:N", sort=order, legend=None,
                                  scale=alt.Scale(domain=order, range=[[1, 0], [6, 3], [2, 2]])),
        tooltip=[alt.Tooltip("series:N", title=_("Spending on")),
                 alt.Tooltip("year:Q", title=_("Year")),
                 alt.Tooltip("value:Q", title=_("% of GDP"), format=".2f")],
    ).properties(width=520, height=260, title=title)
    return describe(chart, description or title)


#: The two kinds of outcome in the robustness chart's legend.
KINDS = {"state": N_("State security"), "human": N_("Human security")}


def robustness_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The rows :func:`robustness_chart` draws: ``outcome, kind, b_ahead`` (in %).

    >>> from widgets.triad import matrix_robustness, normalise_allocation
    >>> a = normalise_allocation({"deterrence": 1})
    >>> rows = robustness_rows(matrix_robustness(a, a, draws=5))
    >>> list(rows.columns), float(rows["b_ahead"].max())
    (['outcome', 'kind', 'b_ahead'], 0.0)
    """
    horizon = {"short": _("short term"), "long": _("long term"), "both": _("both horizons")}
    kinds = {k: _(v) for k, v in KINDS.items()}
    return pd.DataFrame({
        "outcome": [f"{_(KIND_PREFIX[k])} · {_(lab)} ({horizon[h]})"
                    for lab, k, h in zip(table["label"], table["kind"], table["horizon"],
                                         strict=True)],
        "kind": [kinds[k] for k in table["kind"]],
        "b_ahead": (100 * table["b_ahead"]).round(1).to_numpy()})


def robustness_chart(table: pd.DataFrame, description: str = "") -> alt.Chart:
    """Bars: in what share of uncertain matrices portfolio B scores above portfolio A.

    ``table`` comes from :func:`widgets.triad.matrix_robustness`.

    >>> from widgets.triad import matrix_robustness, normalise_allocation
    >>> t = matrix_robustness(normalise_allocation({"deterrence": 1}),
    ...                       normalise_allocation({"mediation": 1}), draws=50)
    >>> spec = robustness_chart(t).to_dict()
    >>> spec["layer"][0]["mark"]["type"], len(spec["datasets"][spec["layer"][0]["data"]["name"]])
    ('bar', 14)
    """
    d = robustness_rows(table)
    order = list(d["outcome"])
    bars = alt.Chart(d).mark_bar().encode(
        y=alt.Y("outcome:N", title=None, sort=order, axis=alt.Axis(labelLimit=420)),
        x=alt.X("b_ahead:Q", title=_("Draws in which B scores above A (%)"),
                scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("kind:N", title=None,
                        scale=alt.Scale(domain=[_(KINDS["state"]), _(KINDS["human"])],
                                        range=[STATE_COLOUR, HUMAN_COLOUR]),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("outcome:N", title=_("Outcome")),
                 alt.Tooltip("b_ahead:Q", title=_("B ahead in % of draws"), format=".1f")])
    labels = bars.mark_text(align="left", dx=3, fontSize=11, color="#222222").encode(
        text=alt.Text("b_ahead:Q", format=".0f"), color=alt.value("#222222"))
    rule = alt.Chart(pd.DataFrame({"x": [50]})).mark_rule(strokeDash=[4, 3], color="#444").encode(
        x="x:Q")
    chart = alt.layer(bars, labels, rule).properties(
        width=360, height=alt.Step(18),
        title=alt.Title(_("If the judgements in the matrix were a little different"),
                        subtitle=_("Dashed line: {half}, a coin toss. Near {none} or {all}: the "
                                   "comparison holds whatever the matrix's small errors.").format(
                                       half=format_percent(0.5), none=format_percent(0),
                                       all=format_percent(1))))
    return describe(chart, description or _("Share of uncertain matrices in which B scores "
                                            "above A."))
