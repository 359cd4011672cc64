"""KnowledgeCheck: grading, feedback, data-driven answers, saving, bad files."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from widgets import data
from widgets.errors import LabInputError
from widgets.quiz import Question, grade, load_questions
from widgets.ui.quiz import KnowledgeCheck

SINGLE = {"id": "s", "type": "single", "prompt": "Which?",
          "options": [{"text": "A", "correct": True, "feedback": "A is right because..."},
                      {"text": "B", "feedback": "B confuses X with Y."}]}
MULTI = {"id": "m", "type": "multiple", "prompt": "Which ones?",
         "options": [{"text": "A", "correct": True}, {"text": "B", "correct": True},
                     {"text": "C", "feedback": "C is a distractor."}]}


def test_single_choice_feedback_explains_why():
    q = Question.from_dict(SINGLE)
    assert grade(q, "A").correct and "because" in grade(q, "A").feedback
    wrong = grade(q, "B")
    assert not wrong.correct and "confuses" in wrong.feedback
    assert "Choose one" in grade(q, None).feedback


def test_multiple_choice_needs_exactly_the_right_set():
    q = Question.from_dict(MULTI)
    assert grade(q, ["A", "B"]).correct
    partial = grade(q, ["A"])
    assert not partial.correct and "missed 1" in partial.feedback and partial.partial == 0.5
    assert not grade(q, ["A", "B", "C"]).correct
    assert "Tick at least one" in grade(q, []).feedback


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_numeric_tolerance_is_symmetric(x):
    q = Question.from_dict({"id": "n", "type": "numeric", "prompt": "?", "answer": x,
                            "tolerance": 0.5})
    assert grade(q, x + 0.49).correct and grade(q, x - 0.49).correct
    assert not grade(q, x + 0.51).correct and not grade(q, x - 0.51).correct


def test_numeric_answer_comes_from_the_data_not_from_the_quiz_file():
    q = Question.from_dict({"id": "u5", "type": "numeric", "prompt": "?", "tolerance": 0.01,
                            "answer_from": {"indicator": "under5_mortality", "country": "KEN",
                                            "year": 2020}})
    truth = data.indicator_series("under5_mortality", 2020, "KEN")["value"].iloc[0]
    assert q.answer == pytest.approx(truth)
    assert grade(q, f"{truth:.2f}").correct
    assert "too high" in grade(q, truth + 10).feedback
    assert "Type a number" in grade(q, "twelve").feedback


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"type": "single", "options": []}, "no 'id'"),
        ({"id": "x", "type": "essay"}, "use one of"),
        ({"id": "x", "type": "single", "options": [{"text": "a"}, {"text": "b"}]}, "0 correct"),
        ({"id": "x", "type": "numeric"}, "needs 'answer'"),
    ],
)
def test_malformed_questions_are_rejected_clearly(bad, message):
    with pytest.raises(LabInputError, match=message):
        Question.from_dict(bad)


def test_widget_scores_and_round_trips_state():
    quiz = KnowledgeCheck.from_dicts([SINGLE, MULTI])
    quiz.answer("s", "B")
    quiz.answer("m", ["A", "B"])
    assert quiz.score == (1, 2)
    assert "Score: 1 / 2" in quiz.score_label.value
    state = quiz.learner_state()
    again = KnowledgeCheck.from_dicts([SINGLE, MULTI])
    assert again.restore_learner_state(state) == []
    assert again.score == (1, 2)


def test_old_state_with_unknown_questions_restores_what_it_can():
    quiz = KnowledgeCheck.from_dicts([SINGLE])
    skipped = quiz.restore_learner_state({"answers": {"s": "A", "gone": "x"}})
    assert skipped == ["gone"] and quiz.score == (1, 1)


def test_check_button_shows_feedback_not_traceback():
    quiz = KnowledgeCheck.from_dicts([SINGLE])
    view = quiz._views["s"]
    view.button.click()  # nothing chosen yet
    assert "Choose one" in view.feedback.value
    assert quiz.message_text == ""


def test_quiz_file_errors(tmp_path):
    bad = tmp_path / "x.yml"
    bad.write_text("questions: [unclosed")
    with pytest.raises(LabInputError, match="not valid YAML"):
        load_questions(bad)
    with pytest.raises(LabInputError, match="No quiz file"):
        load_questions(tmp_path / "missing.yml")


@pytest.mark.parametrize("typed, value", [
    ("0,5", 0.5), ("0.5", 0.5), ("12,25", 12.25), ("1 234,5", 1234.5), ("1,234.5", 1234.5),
    ("1.234,5", 1234.5), ("1,234,567", 1234567.0), ("1.234.567", 1234567.0), ("-3,5", -3.5),
    ("\u22123.5", -3.5), ("1\u202f234,5", 1234.5), (7, 7.0), ("0.125", 0.125)])
def test_a_decimal_comma_is_read_as_a_decimal(typed, value):
    """Issue 23.6: '0,5' was graded as 5 (commas were stripped)."""
    from widgets.quiz import parse_number

    assert parse_number(typed) == value


@pytest.mark.parametrize("typed", ["1,000", "1.000", "abc", "inf", "nan", "1,2,3", "1.2.3,4,5", "--1"])
def test_an_ambiguous_or_unreadable_number_is_asked_for_not_guessed(typed):
    from widgets.quiz import Question, grade

    q = Question.from_dict({"id": "n", "type": "numeric", "prompt": "x?", "answer": 1000,
                            "tolerance": 0.5})
    g = grade(q, typed)
    assert not g.correct and ("Type a number" in g.feedback or "?" in g.feedback
                              or "read" in g.feedback or "decimal" in g.feedback)
    assert "too high" not in g.feedback and "too low" not in g.feedback


def test_half_with_a_decimal_comma_is_graded_as_a_half():
    from widgets.quiz import Question, grade

    q = Question.from_dict({"id": "n", "type": "numeric", "prompt": "x?", "answer": 0.5,
                            "tolerance": 0.01})
    assert grade(q, "0,5").correct and not grade(q, "5").correct
