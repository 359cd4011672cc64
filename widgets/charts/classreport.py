"""Chart for the class report: share of the class right on each knowledge-check question.

>>> import pandas as pd
>>> df = pd.DataFrame({"number": [1, 2], "question": ["a", "b"], "prompt": ["A?", "B?"],
...                    "answered": [10, 8], "right": [9, 2], "share_right": [0.9, 0.25],
...                    "common_wrong": ["", "x"], "common_wrong_count": [0, 5],
...                    "misconception": ["", "No."]})
>>> spec = quiz_results_chart(df).to_dict()
>>> spec["layer"][0]["encoding"]["x"]["field"]
'percent_right'
>>> quiz_results_description(df, "03")  # doctest: +ELLIPSIS
'Lesson 03 knowledge check: share of the learners who answered each question ...'
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from widgets.charts import OKABE_ITO, describe

__all__ = ["quiz_chart_data", "quiz_results_chart", "quiz_results_description"]

#: Below this share right, a question is flagged for the debrief.
DISCUSS_BELOW = 0.6
_LOW, _HIGH = "Under 60% right: discuss", "60% or more right"


def quiz_chart_data(results: pd.DataFrame) -> pd.DataFrame:
    """The rows the chart draws: one per question, with a short label and a percent."""
    df = results.copy()
    df["label"] = [f"Q{n}: {str(p)[:48]}{'…' if len(str(p)) > 48 else ''}"
                   for n, p in zip(df["number"], df["prompt"], strict=True)]
    df["percent_right"] = (100 * df["share_right"]).round(0)
    df["flag"] = [_LOW if (s == s and s < DISCUSS_BELOW) else _HIGH
                  for s in df["share_right"]]
    return df[["label", "number", "answered", "right", "percent_right", "flag",
               "common_wrong", "common_wrong_count"]]


def quiz_results_chart(results: pd.DataFrame, lesson: str = "") -> alt.LayerChart:
    """Horizontal bars: percent of those who answered who got each question right.

    Questions under 60% right are drawn in vermillion (a debrief topic), the
    rest in blue; a dashed rule marks 60%. Tooltips give the counts and the
    most common wrong answer.
    """
    df = quiz_chart_data(results)
    order = df["label"].tolist()
    base = alt.Chart(df)
    bars = base.mark_bar().encode(
        x=alt.X("percent_right:Q", title="Learners who got it right (% of those who answered)",
                scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=360)),
        color=alt.Color("flag:N", title=None,
                        scale=alt.Scale(domain=[_LOW, _HIGH],
                                        range=[OKABE_ITO[5], OKABE_ITO[0]]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("label:N", title="Question"),
                 alt.Tooltip("percent_right:Q", title="% right"),
                 alt.Tooltip("right:Q", title="Right"),
                 alt.Tooltip("answered:Q", title="Answered"),
                 alt.Tooltip("common_wrong:N", title="Most common wrong answer")],
    )
    text = base.mark_text(align="left", dx=4, fontSize=12).encode(
        x="percent_right:Q", y=alt.Y("label:N", sort=order),
        text=alt.Text("percent_right:Q", format=".0f"))
    rule = alt.Chart(pd.DataFrame({"x": [100 * DISCUSS_BELOW]})).mark_rule(
        strokeDash=[4, 4], color="#000000", strokeWidth=1.5).encode(x="x:Q")
    title = f"Lesson {lesson}: knowledge check" if lesson else "Knowledge check"
    chart = alt.layer(bars, text, rule).properties(
        width=420, height=max(60, 34 * len(df)),
        title=alt.Title(title, subtitle="Share of the class right on each question"))
    return describe(chart, quiz_results_description(results, lesson))


def quiz_results_description(results: pd.DataFrame, lesson: str = "") -> str:
    """One paragraph saying what the chart shows, question by question."""
    head = f"Lesson {lesson} knowledge check" if lesson else "Knowledge check"
    if results.empty or results["answered"].sum() == 0:
        return f"{head}: nobody in the class has saved an answer yet."
    parts = []
    for r in results.itertuples():
        if not r.answered:
            parts.append(f"question {r.number}: no answers")
            continue
        part = f"question {r.number}: {100 * r.share_right:.0f}% right of {r.answered}"
        if r.common_wrong:
            part += f" (most common wrong answer: {r.common_wrong[:60]})"
        parts.append(part)
    return (f"{head}: share of the learners who answered each question who got it right. "
            + "; ".join(parts) + ".")
