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

__all__ = ["matrix_chart", "robustness_chart", "robustness_rows", "scorecard_chart",
           "spending_mix_chart"]


def _outcome_label(row: pd.Series, labels: dict[str, str]) -> str:
    prefix = "State" if row["kind"] == "state" else "Human"
    return f"{prefix} · {labels[row['outcome']]}"


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
    d["horizon_label"] = d["horizon"].map({"short": "Short term (≈2 years)",
                                           "long": "Long term (≈10 years)"})
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
        x=alt.X("score:Q", title="Score (share-weighted; −1 to 3)", scale=alt.Scale(domain=[-1, 3])),
        color=alt.Color("portfolio:N", title="Portfolio", sort=["A", "B"],
                        scale=alt.Scale(domain=["A", "B"], range=[OKABE_ITO[0], OKABE_ITO[1]]),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("portfolio:N", title="Portfolio"),
                 alt.Tooltip("outcome_label:N", title="Outcome"),
                 alt.Tooltip("horizon_label:N", title="Horizon"),
                 alt.Tooltip("score:Q", title="Score", format=".2f")],
    ).properties(width=260, height=alt.Step(11)).facet(
        column=alt.Column("horizon_label:N", title=None,
                          sort=["Short term (≈2 years)", "Long term (≈10 years)"]),
    ).add_params(
        alt.param(name="shares_a", value=[float(v) for v in shares_a]),
        alt.param(name="shares_b", value=[float(v) for v in shares_b]),
    ).properties(title=alt.Title("Scorecard: portfolio A and portfolio B",
                                 subtitle="Outcomes marked State are state security; Human, "
                                          "human security. Scores use the teaching matrix below."))
    return describe(chart, description or "Scorecard of two portfolios.")


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
    d["instrument_label"] = d["instrument"].map(instrument_labels)
    d["pillar"] = d["pillar"].str.capitalize()
    d["cell"] = d.apply(lambda r: f"{'S' if r['kind'] == 'state' else 'H'} · "
                        f"{outcome_labels[r['outcome']]} · "
                        f"{'short' if r['horizon'] == 'short' else 'long'}", axis=1)
    d = d[["instrument_label", "pillar", "cell", "kind", "score"]]
    x_order = list(dict.fromkeys(d.sort_values("kind", ascending=False, kind="stable")["cell"]))
    y_order = list(dict.fromkeys(d["instrument_label"]))
    base = alt.Chart(d).encode(
        x=alt.X("cell:N", title=None, sort=x_order, axis=alt.Axis(labelAngle=-40, labelLimit=260,
                                                                   orient="top")),
        y=alt.Y("instrument_label:N", title=None, sort=y_order, axis=alt.Axis(labelLimit=300)),
    )
    rect = base.mark_rect(stroke="#ffffff").encode(
        color=alt.Color("score:Q", title="Score",
                        scale=alt.Scale(domain=[-1, 0, 3], range=["#D55E00", "#f2f2f2",
                                                                    STATE_COLOUR]),
                        legend=alt.Legend(values=[-1, 0, 1, 2, 3])),
        tooltip=[alt.Tooltip("instrument_label:N", title="Instrument"),
                 alt.Tooltip("pillar:N", title="Pillar"), alt.Tooltip("cell:N", title="Outcome"),
                 alt.Tooltip("score:Q", title="Score")])
    text = base.mark_text(fontSize=11).encode(
        text=alt.Text("score:Q", format="d"),
        color=alt.condition("datum.score >= 2", alt.value("#ffffff"), alt.value("#222222")))
    chart = alt.layer(rect, text).properties(
        width=alt.Step(30), height=alt.Step(20),
        title=alt.Title("The scoring matrix (a teaching assumption you can change)",
                        subtitle="S = state security, H = human security; "
                                 "−1 works against … 3 strong"))
    return describe(chart, description or "The scoring matrix.")


#: Plain-English names of the three spending series, in legend order.
SPENDING_SERIES = {"milex_gdp": "Military", "health_spending_gdp": "Health (all sources)",
                   "edu_spending_gdp": "Education (public)"}


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
    d["series"] = d["series"].map(SPENDING_SERIES)
    d["year"] = d["year"].astype(int)
    order = list(SPENDING_SERIES.values())
    chart = alt.Chart(d).mark_line(point=True, strokeWidth=2).encode(
        x=alt.X("year:Q", title="Year", axis=alt.Axis(format="d", tickMinStep=1)),
        y=alt.Y("value:Q", title="Spending (% of GDP)", scale=alt.Scale(zero=True)),
        color=alt.Color("series:N", title="Spending on", sort=order,
                        scale=alt.Scale(domain=order, range=[STATE_COLOUR, OKABE_ITO[2],
                                                             OKABE_ITO[1]]),
                        legend=alt.Legend(orient="top")),
        strokeDash=alt.StrokeDash("series:N", sort=order, legend=None,
                                  scale=alt.Scale(domain=order, range=[[1, 0], [6, 3], [2, 2]])),
        tooltip=[alt.Tooltip("series:N", title="Spending on"), alt.Tooltip("year:Q", title="Year"),
                 alt.Tooltip("value:Q", title="% of GDP", format=".2f")],
    ).properties(width=520, height=260, title=title)
    return describe(chart, description or title)


def robustness_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The rows :func:`robustness_chart` draws: ``outcome, kind, b_ahead`` (in %).

    >>> from widgets.triad import matrix_robustness, normalise_allocation
    >>> a = normalise_allocation({"deterrence": 1})
    >>> rows = robustness_rows(matrix_robustness(a, a, draws=5))
    >>> list(rows.columns), float(rows["b_ahead"].max())
    (['outcome', 'kind', 'b_ahead'], 0.0)
    """
    horizon = {"short": "short term", "long": "long term", "both": "both horizons"}
    return pd.DataFrame({
        "outcome": [f"{'State' if k == 'state' else 'Human'} · {lab} ({horizon[h]})"
                    for lab, k, h in zip(table["label"], table["kind"], table["horizon"],
                                         strict=True)],
        "kind": ["State security" if k == "state" else "Human security" for k in table["kind"]],
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
        x=alt.X("b_ahead:Q", title="Draws in which B scores above A (%)",
                scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("kind:N", title=None,
                        scale=alt.Scale(domain=["State security", "Human security"],
                                        range=[STATE_COLOUR, HUMAN_COLOUR]),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("outcome:N", title="Outcome"),
                 alt.Tooltip("b_ahead:Q", title="B ahead in % of draws", format=".1f")])
    labels = bars.mark_text(align="left", dx=3, fontSize=11, color="#222222").encode(
        text=alt.Text("b_ahead:Q", format=".0f"), color=alt.value("#222222"))
    rule = alt.Chart(pd.DataFrame({"x": [50]})).mark_rule(strokeDash=[4, 3], color="#444").encode(
        x="x:Q")
    chart = alt.layer(bars, labels, rule).properties(
        width=360, height=alt.Step(18),
        title=alt.Title("If the judgements in the matrix were a little different",
                        subtitle="Dashed line: 50%, a coin toss. Near 0% or 100%: the comparison "
                                 "holds whatever the matrix's small errors."))
    return describe(chart, description or "Share of uncertain matrices in which B scores above A.")
