"""Knowledge checks: short quizzes with feedback that explains *why*.

Questions live in a YAML file beside the lessons (``lessons/quizzes/NN.yml``),
so the answers are not visible in the notebook a learner reads. Format::

    title: Check your understanding
    questions:
      - id: freedoms                     # unique within the file
        type: single                     # single | multiple | numeric
        prompt: Which freedom is *not* one of the three in UNGA resolution 66/290?
        options:
          - text: Freedom from fear
            feedback: It is one of the three.
          - text: Freedom to bear arms
            correct: true
            feedback: Right - the three are freedom from fear, from want, and to live in dignity.
      - id: u5
        type: numeric
        prompt: What was Kenya's under-5 mortality in 2022 (per 1,000 live births)?
        answer_from: {indicator: under5_mortality, country: KEN, year: 2022}
        tolerance: 1          # absolute; or relative_tolerance: 0.05
        unit: deaths per 1,000 live births
        feedback_correct: Yes ...
        feedback_incorrect: Look at the explorer above ...

``answer_from`` takes the right answer from the lab's data, so no number is
typed into a quiz by hand; ``answer`` may be used for numbers that are not
data (for example a weight in a worked example).

>>> q = Question.from_dict({"id": "a", "type": "single", "prompt": "2+2?",
...     "options": [{"text": "4", "correct": True, "feedback": "Yes."},
...                 {"text": "5", "feedback": "No: 2+2=4."}]})
>>> grade(q, "4").correct
True
>>> grade(q, "5").feedback
'No: 2+2=4.'

The quiz widget, :class:`widgets.ui.quiz.KnowledgeCheck`, shows these
questions with a *Check* button each.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from widgets.errors import LabInputError
from widgets.i18n import _, format_significant, ngettext

__all__ = ["Grade", "Option", "Question", "grade", "load_questions", "parse_number"]

QUESTION_TYPES = ("single", "multiple", "numeric")


@dataclass(frozen=True)
class Option:
    text: str
    correct: bool = False
    feedback: str = ""


@dataclass(frozen=True)
class Question:
    """One question; build it with :meth:`from_dict` from the YAML data."""

    id: str
    type: str
    prompt: str
    options: tuple[Option, ...] = ()
    answer: float | None = None
    tolerance: float = 0.0
    relative_tolerance: float = 0.0
    unit: str = ""
    feedback_correct: str = ""
    feedback_incorrect: str = ""
    explanation: str = ""

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Question:
        qid = str(d.get("id", "")).strip()
        qtype = str(d.get("type", "single")).strip()
        if not qid:
            raise LabInputError(_("A quiz question has no 'id'."))
        if qtype not in QUESTION_TYPES:
            raise LabInputError(_("Question {id} has type {type}; use one of {types}.").format(
                id=repr(qid), type=repr(qtype), types=", ".join(QUESTION_TYPES)))
        options = tuple(
            Option(str(o["text"]), bool(o.get("correct", False)), str(o.get("feedback", "")))
            for o in d.get("options", []) or []
        )
        answer = d.get("answer")
        if qtype == "numeric":
            if "answer_from" in d:
                answer = _answer_from_data(qid, d["answer_from"])
            if answer is None:
                raise LabInputError(_("Numeric question {id} needs 'answer' or "
                                      "'answer_from'.").format(id=repr(qid)))
            answer = float(answer)
        else:
            if len(options) < 2:
                raise LabInputError(_("Question {id} needs at least two options.").format(
                    id=repr(qid)))
            n_correct = sum(o.correct for o in options)
            if n_correct == 0 or (qtype == "single" and n_correct != 1):
                raise LabInputError(_(
                    "Question {id} ({type}) has {n} correct options; a single-choice question "
                    "needs exactly one, multiple-choice at least one.").format(
                    id=repr(qid), type=qtype, n=n_correct))
        return cls(
            id=qid,
            type=qtype,
            prompt=str(d.get("prompt", "")),
            options=options,
            answer=answer,
            tolerance=float(d.get("tolerance", 0.0)),
            relative_tolerance=float(d.get("relative_tolerance", 0.0)),
            unit=str(d.get("unit", "")),
            feedback_correct=str(d.get("feedback_correct", "")),
            feedback_incorrect=str(d.get("feedback_incorrect", "")),
            explanation=str(d.get("explanation", "")),
        )


def _answer_from_data(qid: str, spec: dict[str, Any]) -> float:
    """Look the right answer up in the lab's panel (never typed in by hand)."""
    from widgets import data

    try:
        indicator, country, year = spec["indicator"], spec["country"], int(spec["year"])
    except (KeyError, TypeError, ValueError) as err:
        raise LabInputError(_("Question {id}: answer_from needs indicator, country and "
                              "year.").format(id=repr(qid))) from err
    s = data.indicator_series(indicator, year=year, countries=country)
    if s.empty:
        raise LabInputError(_("Question {id}: no data for {indicator} in {country}, "
                              "{year}.").format(id=repr(qid), indicator=indicator,
                                                country=country, year=year))
    value = float(s["value"].iloc[0])
    digits = spec.get("round")
    return round(value, int(digits)) if digits is not None else value


@dataclass(frozen=True)
class Grade:
    correct: bool
    feedback: str
    partial: float = 0.0  # share of credit, 0..1 (multiple choice)


def parse_number(text: Any) -> float:
    """A number typed by a learner, with a decimal point or a decimal comma.

    Spaces and a thousands separator are allowed (``1 234,5``, ``1,234.5``,
    ``1.234.567``). A single comma or dot followed by exactly three digits
    (``1,000``, ``2.500``) could be a thousand or one (English and French or
    Spanish write them the other way round): the learner is asked, never
    graded on a guess.

    >>> parse_number("0,5"), parse_number("12.5"), parse_number("1 234,5"), parse_number("1,234.5")
    (0.5, 12.5, 1234.5, 1234.5)
    >>> parse_number("1,000")
    Traceback (most recent call last):
    ...
    widgets.errors.LabInputError: Is 1,000 one thousand or one? Write it without a separator (1000) or with a decimal that is clearly one, e.g. 1.0.
    """
    if isinstance(text, int | float) and not isinstance(text, bool):
        value = float(text)
    else:
        raw = "".join(str(text if text is not None else "").split())
        raw = raw.replace("\u2212", "-")
        if not re.fullmatch(r"[-+]?[0-9.,]*[0-9][0-9.,]*", raw):
            raise LabInputError(_("Type a number, e.g. 12.5 or 12,5."))
        commas, dots = raw.count(","), raw.count(".")
        if commas and dots:
            decimal = "," if raw.rfind(",") > raw.rfind(".") else "."
            thousands = "." if decimal == "," else ","
            if raw.count(decimal) > 1:
                raise LabInputError(_("{text} has more than one decimal separator. "
                                      "Type a number, e.g. 12.5 or 12,5.").format(text=text))
            raw = raw.replace(thousands, "").replace(decimal, ".")
        elif commas + dots > 1:
            sep = "," if commas else "."
            groups = raw.lstrip("+-").split(sep)
            if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
                raise LabInputError(_("{text} is not a number I can read. Type it like "
                                      "1234.5.").format(text=text))
            raw = raw.replace(sep, "")
        elif commas + dots == 1:
            sep = "," if commas else "."
            whole, frac = raw.lstrip("+-").split(sep)
            if len(frac) == 3 and whole not in ("", "0"):
                raise LabInputError(_(
                    "Is {text} one thousand or one? Write it without a separator ({plain}) or "
                    "with a decimal that is clearly one, e.g. 1.0.").format(
                    text=text, plain=raw.replace(sep, "")))
            raw = raw.replace(",", ".")
        value = float(raw)
    if not math.isfinite(value):
        raise LabInputError(_("Type a number, e.g. 12.5 or 12,5."))
    return value


def grade(question: Question, response: Any) -> Grade:
    """Mark one response and say why.

    ``response`` is the option text (single), a collection of option texts
    (multiple) or a number (numeric).

    >>> q = Question.from_dict({"id": "n", "type": "numeric", "prompt": "pi?",
    ...                         "answer": 3.14159, "tolerance": 0.01})
    >>> grade(q, 3.14).correct, grade(q, 3.2).correct
    (True, False)
    """
    if question.type == "numeric":
        if response is None or (isinstance(response, float) and math.isnan(response)) \
                or not str(response).strip():
            return Grade(False, _("Type a number first."))
        try:
            value = parse_number(response)
        except LabInputError as err:
            return Grade(False, str(err))
        target = float(question.answer)  # type: ignore[arg-type]
        tol = max(question.tolerance, abs(target) * question.relative_tolerance)
        ok = abs(value - target) <= tol + 1e-12
        shown = format_significant(target) + (f" {question.unit}" if question.unit else "")
        if ok:
            text = question.feedback_correct or _("Correct: the value is {value}.").format(
                value=shown)
        else:
            direction = (_("Your answer is too high.") if value > target
                         else _("Your answer is too low."))
            text = (question.feedback_incorrect or _("Not quite.")) + " " + direction
        return Grade(ok, _with_explanation(text, question), 1.0 if ok else 0.0)

    by_text = {o.text: o for o in question.options}
    if question.type == "single":
        option = by_text.get(str(response)) if response is not None else None
        if option is None:
            return Grade(False, _("Choose one of the options first."))
        return Grade(option.correct, _with_explanation(option.feedback, question),
                     1.0 if option.correct else 0.0)

    chosen = {str(r) for r in (response or ())}
    if not chosen:
        return Grade(False, _("Tick at least one option first."))
    unknown = chosen - set(by_text)
    if unknown:
        return Grade(False, _("Unknown option(s): {options}.").format(
            options=", ".join(sorted(unknown))))
    right = {o.text for o in question.options if o.correct}
    notes = [f"• {by_text[t].text}: {by_text[t].feedback}" for t in sorted(chosen) if by_text[t].feedback]
    missed = right - chosen
    if missed:
        notes.append(ngettext("You missed {n} correct option.", "You missed {n} correct options.",
                              len(missed)).format(n=len(missed)))
    ok = chosen == right
    hits = len(chosen & right) - len(chosen - right)
    return Grade(ok, _with_explanation("\n".join(notes), question), max(0.0, hits / len(right)))


def _with_explanation(text: str, question: Question) -> str:
    return f"{text}\n{question.explanation}".strip() if question.explanation else text


def load_questions(path: str | Path) -> tuple[str, list[Question]]:
    """Read and validate a quiz file; returns ``(title, questions)``."""
    path = Path(path)
    if not path.exists():
        raise LabInputError(_("No quiz file at {path}.").format(path=path))
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as err:
        raise LabInputError(_("The quiz file {name} is not valid YAML: {problem}").format(
            name=path.name, problem=err)) from err
    questions = [Question.from_dict(q) for q in raw.get("questions", [])]
    ids = [q.id for q in questions]
    if len(set(ids)) != len(ids):
        raise LabInputError(_("The quiz file {name} repeats a question id.").format(
            name=path.name))
    if not questions:
        raise LabInputError(_("The quiz file {name} has no questions.").format(name=path.name))
    return str(raw.get("title", _("Check your understanding"))), questions
