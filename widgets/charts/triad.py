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

from widgets.charts import OKABE_ITO, STATE_COLOUR, describe

__all__ = ["matrix_chart", "scorecard_chart"]


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
