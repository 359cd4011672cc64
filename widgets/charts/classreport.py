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
from widgets.i18n import N_, _, format_number, format_percent, ngettext

__all__ = ["choice_chart", "values_chart_data", "quiz_chart_data", "quiz_results_chart", "quiz_results_description",
           "team_rounds_chart"]

#: Below this share right, a question is flagged for the debrief.
DISCUSS_BELOW = 0.6
_LOW, _HIGH = N_("Under 60% right: discuss"), N_("60% or more right")


def quiz_chart_data(results: pd.DataFrame) -> pd.DataFrame:
    """The rows the chart draws: one per question, with a short label and a percent."""
    df = results.copy()
    df["label"] = [f"Q{n}: {str(p)[:48]}{'…' if len(str(p)) > 48 else ''}"
                   for n, p in zip(df["number"], df["prompt"], strict=True)]
    df["percent_right"] = (100 * df["share_right"]).round(0)
    df["flag"] = [_(_LOW) if (s == s and s < DISCUSS_BELOW) else _(_HIGH)
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
        x=alt.X("percent_right:Q", title=_("Learners who got it right (% of those who answered)"),
                scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=360)),
        color=alt.Color("flag:N", title=None,
                        scale=alt.Scale(domain=[_(_LOW), _(_HIGH)],
                                        range=[OKABE_ITO[5], OKABE_ITO[0]]),
                        legend=alt.Legend(orient="bottom", labelLimit=320)),
        tooltip=[alt.Tooltip("label:N", title=_("Question")),
                 alt.Tooltip("percent_right:Q", title=_("% right")),
                 alt.Tooltip("right:Q", title=_("Right")),
                 alt.Tooltip("answered:Q", title=_("Answered")),
                 alt.Tooltip("common_wrong:N", title=_("Most common wrong answer"))],
    )
    text = base.mark_text(align="left", dx=4, fontSize=12).encode(
        x="percent_right:Q", y=alt.Y("label:N", sort=order),
        text=alt.Text("percent_right:Q", format=".0f"))
    rule = alt.Chart(pd.DataFrame({"x": [100 * DISCUSS_BELOW]})).mark_rule(
        strokeDash=[4, 4], color="#000000", strokeWidth=1.5).encode(x="x:Q")
    title = (_("Lesson {lesson}: knowledge check").format(lesson=lesson) if lesson
             else _("Knowledge check"))
    chart = alt.layer(bars, text, rule).properties(
        width=420, height=max(60, 34 * len(df)),
        title=alt.Title(title, subtitle=_("Share of the class right on each question")))
    return describe(chart, quiz_results_description(results, lesson))


def quiz_results_description(results: pd.DataFrame, lesson: str = "") -> str:
    """One paragraph saying what the chart shows, question by question."""
    head = (_("Lesson {lesson} knowledge check").format(lesson=lesson) if lesson
            else _("Knowledge check"))
    if results.empty or results["answered"].sum() == 0:
        return _("{head}: nobody in the class has saved an answer yet.").format(head=head)
    parts = []
    for r in results.itertuples():
        if not r.answered:
            parts.append(_("question {number}: no answers").format(number=r.number))
            continue
        if r.common_wrong:
            part = _("question {number}: {share} right of {answered} (most common wrong "
                     "answer: {wrong})").format(number=r.number,
                                                share=format_percent(r.share_right),
                                                answered=r.answered, wrong=r.common_wrong[:60])
        else:
            part = _("question {number}: {share} right of {answered}").format(
                number=r.number, share=format_percent(r.share_right), answered=r.answered)
        parts.append(part)
    return _("{head}: share of the learners who answered each question who got it right. "
             "{questions}.").format(head=head, questions=_("; ").join(parts))


def _counts_chart(view) -> alt.FacetChart:
    df = view.table[["question", "answer", "learners", "note"]].copy()
    df["answer"] = df["answer"].astype(str).str.slice(0, 60)
    notes = [n for n in dict.fromkeys(df["note"]) if n]
    colour = (alt.Color("note:N", title=None, scale=alt.Scale(domain=notes,
                                                              range=OKABE_ITO[:len(notes)]),
                        legend=alt.Legend(orient="bottom"))
              if notes else alt.value(OKABE_ITO[0]))
    bars = alt.Chart(df).mark_bar().encode(
        x=alt.X("learners:Q", title=_("Learners"), axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("answer:N", sort="-x", title=None, axis=alt.Axis(labelLimit=300)),
        color=colour,
        tooltip=[alt.Tooltip("question:N", title=_("Choice")),
                 alt.Tooltip("answer:N", title=_("Answer")),
                 alt.Tooltip("learners:Q", title=_("Learners"))],
    ).properties(width=360, height=alt.Step(20))
    return bars.facet(row=alt.Row("question:N", title=None,
                                  header=alt.Header(labelAngle=0, labelAlign="left",
                                                    labelFontWeight="bold"))
                      ).resolve_scale(y="independent")


def values_chart_data(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What the dot chart draws: learners per distinct value (dots sized by count), and the
    median per item and group. The per-learner rows stay in the "Show the data" table.

    >>> t = pd.DataFrame({"item": ["x"] * 3, "group": [""] * 3, "learner": ["a", "b", "c"],
    ...                   "value": [1.0, 1.0, 4.0]})
    >>> dots, medians = values_chart_data(t)
    >>> dots["learners"].tolist(), medians["median"].tolist()
    ([2, 1], [1.0])
    """
    dots = (table.groupby(["item", "group", "value"], sort=False).size()
            .rename("learners").reset_index())
    medians = (table.groupby(["item", "group"], sort=False)["value"].median()
               .rename("median").reset_index())
    return dots, medians


def _values_chart(view) -> alt.LayerChart:
    dots, medians = values_chart_data(view.table)
    groups = [g for g in dict.fromkeys(dots["group"]) if g]
    order = list(dict.fromkeys(dots["item"]))
    y = alt.Y("item:N", sort=order, title=None, axis=alt.Axis(labelLimit=300))
    colour = (alt.Color("group:N", title=None, scale=alt.Scale(domain=groups,
                                                               range=OKABE_ITO[:len(groups)]),
                        legend=alt.Legend(orient="bottom"))
              if groups else alt.value(OKABE_ITO[0]))
    offset = {"yOffset": alt.YOffset("group:N", sort=groups)} if len(groups) > 1 else {}
    points = alt.Chart(dots).mark_circle(opacity=0.75).encode(
        x=alt.X("value:Q", title=view.value_title or _("Value")), y=y, color=colour,
        size=alt.Size("learners:Q", title=_("Learners"), scale=alt.Scale(range=[30, 400], zero=False),
                      legend=alt.Legend(orient="bottom", tickMinStep=1)),
        tooltip=[alt.Tooltip("item:N", title=_("Item")), alt.Tooltip("group:N", title=_("Group")),
                 alt.Tooltip("value:Q", title=_("Value")),
                 alt.Tooltip("learners:Q", title=_("Learners"))],
        **offset)
    ticks = alt.Chart(medians).mark_tick(color="#000000", thickness=2, size=18).encode(
        x=alt.X("median:Q"), y=y, **offset,
        tooltip=[alt.Tooltip("item:N", title=_("Item")), alt.Tooltip("group:N", title=_("Group")),
                 alt.Tooltip("median:Q", title=_("Median of the class"), format=".2f")])
    return alt.layer(points, ticks).properties(
        width=380, height=alt.Step(32 if len(groups) > 1 else 24))


def choice_chart(view) -> alt.TopLevelMixin:
    """The chart of a :class:`widgets.classreport.ChoiceView`, with its description.

    ``counts``: bars of how many learners chose each answer, one panel per
    question (Okabe–Ito colour for the note, e.g. in the lab's mapping or added).
    ``values``: a dot per distinct value, sized by how many learners chose it, and a
    black tick at the class's median.

    >>> from widgets.classreport import ChoiceView
    >>> t = pd.DataFrame({"question": ["Q"], "answer": ["A"], "learners": [3], "note": [""]})
    >>> spec = choice_chart(ChoiceView("03/x", "T", "counts", t, "Three chose A.", "")).to_dict()
    >>> spec["description"], spec["facet"]["row"]["field"]
    ('Three chose A.', 'question')
    """
    chart = _counts_chart(view) if view.kind == "counts" else _values_chart(view)
    chart = chart.properties(title=alt.Title(view.title))
    return describe(chart, view.description)


_TEAM_MEASURES = {"lives_averted": N_("Lives averted"),
                  "displacement_averted": N_("Displacement averted"),
                  "cost_musd": N_("Cost (US$ million)")}


def team_rounds_chart(table: pd.DataFrame) -> alt.FacetChart:
    """Each team's outcomes round by round: lives and displacement averted, and cost.

    >>> df = pd.DataFrame({"team": ["A", "A"], "round": [1, 2], "lives_averted": [5.0, 9.0],
    ...                    "displacement_averted": [10.0, 30.0], "cost_musd": [4.0, 6.0]})
    >>> team_rounds_chart(df).to_dict()["facet"]["column"]["field"]
    'measure'
    """
    from widgets.scenarios import TEACHING_LABEL

    if table.empty:
        long = pd.DataFrame({"team": pd.Series(dtype=str), "round": pd.Series(dtype=int),
                             "measure": pd.Series(dtype=str), "value": pd.Series(dtype=float)})
    else:
        long = table.melt(id_vars=["team", "round"], value_vars=list(_TEAM_MEASURES),
                          var_name="key", value_name="value")
        long["measure"] = long["key"].map({k: _(v) for k, v in _TEAM_MEASURES.items()})
        long = long[["team", "round", "measure", "value"]]
    teams = sorted(long["team"].unique(), key=str.casefold)
    base = alt.Chart(long).encode(
        x=alt.X("round:O", title=_("Round"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=None),
        color=alt.Color("team:N", title=_("Team"), scale=alt.Scale(domain=teams,
                                                               range=OKABE_ITO[:max(1, len(teams))]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("team:N", title=_("Team")), alt.Tooltip("round:O", title=_("Round")),
                 alt.Tooltip("measure:N", title=_("Measure")),
                 alt.Tooltip("value:Q", title=_("Value"), format=",.0f")])
    layered = alt.layer(base.mark_line(strokeWidth=2),
                        base.mark_point(filled=True, size=60)).properties(width=190, height=160)
    chart = layered.facet(column=alt.Column("measure:N", title=None,
                                            sort=[_(v) for v in _TEAM_MEASURES.values()])
                          ).resolve_scale(y="independent").properties(
        title=alt.Title(_("Scenario teams round by round"), subtitle=_(TEACHING_LABEL)))
    return describe(chart, team_rounds_description(table))


def team_rounds_description(table: pd.DataFrame) -> str:
    """One paragraph: each team's rounds and its latest outcome."""
    from widgets.scenarios import TEACHING_LABEL

    if table.empty:
        return _("No scenario team has saved a plan yet.")
    parts = []
    for team, rows in table.groupby("team", sort=False):
        last = rows.sort_values("round").iloc[-1]
        parts.append(ngettext(
            "{team}: {n} round; in round {round}, {lives} lives and {displacement} people's "
            "displacement averted for US${cost} million",
            "{team}: {n} rounds; in round {round}, {lives} lives and {displacement} people's "
            "displacement averted for US${cost} million", len(rows)).format(
                team=team, n=len(rows), round=int(last["round"]),
                lives=format_number(last["lives_averted"], 0),
                displacement=format_number(last["displacement_averted"], 0),
                cost=format_number(float(f"{last['cost_musd']:.4g}"))))
    teams = table["team"].nunique()
    return ngettext("Scenario teams round by round ({n} team): lives averted, displacement "
                    "averted and cost in each round. {teams}. {label}",
                    "Scenario teams round by round ({n} teams): lives averted, displacement "
                    "averted and cost in each round. {teams}. {label}", teams).format(
        n=teams, teams=_("; ").join(parts), label=_(TEACHING_LABEL))
