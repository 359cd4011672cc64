"""Self-checks for exercises: right / not yet / why, without giving the solution away.

In the spirit of Otter-Grader's ``grader.check``: a learner runs
``widgets.check("03", "brazil-health", 0.827)`` after an exercise and reads
whether the answer is right, and if not, a hint on *why* (never the answer).
Every attempt is recorded in the learner's portfolio under the widget key
``"<lesson>/checks"`` (merged with the file on disk, like any save), so it
reaches the trainer's class report (:func:`widgets.classreport.self_checks`).

The checkable answers live in ``lessons/checks/NN.yml``, in the knowledge
checks' format (:mod:`widgets.quiz`); a numeric answer comes from the lab's
data (``answer_from``), optionally rescaled with fixed ``goalposts`` [low, high] or
divided by another value from the data (``divided_by``, same keys as ``answer_from``).
An empty answer (``None``, the exercises' placeholder) says "not yet" and is not recorded.

In French or Spanish the hints come from ``lessons/checks/<lang>/NN.yml``, a
translated copy (same ids, types, right answers and data references; tested by
``tests/test_i18n_index.py``). An option may be answered in the language of the
check or with the English option text the lessons' code comments show; the
portfolio records the English text, so a class report reads the same in every language.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "portfolio.json"
>>> result = check("03", "geometric-vs-arithmetic", "The arithmetic mean", portfolio=path)
>>> result.right, "Not yet" in str(result)
(False, True)
>>> check("03", "geometric-vs-arithmetic", "The geometric mean", portfolio=path).attempts
2
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from widgets._paths import LESSONS_DIR
from widgets.errors import LabInputError
from widgets.i18n import DEFAULT, _, get_language

__all__ = ["CHECKS_DIR", "CheckResult", "check", "load_checks"]

CHECKS_DIR = LESSONS_DIR / "checks"


@dataclass(frozen=True)
class CheckResult:
    """What :func:`check` says: ``right``, ``why`` (a hint, never the answer), ``attempts``."""

    lesson: str
    exercise: str
    right: bool
    why: str
    attempts: int
    recorded: bool

    def __str__(self) -> str:
        head = _("✔ Right.") if self.right else _("✘ Not yet.")
        tail = "" if self.recorded else " " + _(
            "(Your attempt could not be recorded in your portfolio.)")
        return f"{head} {self.why}{tail}".strip()

    def _repr_html_(self) -> str:
        colour = "#1b5e20" if self.right else "#7a1c00"
        body = "<br>".join(html.escape(line) for line in str(self).split("\n"))
        return f'<div role="status" style="color:{colour}">{body}</div>'

    def __repr__(self) -> str:
        return str(self)


def _spec_answer(item: dict[str, Any]) -> dict[str, Any]:
    """Resolve ``answer_from`` + ``goalposts`` into a plain ``answer`` (from the data)."""
    item = dict(item)
    if "divided_by" in item and "answer_from" in item:
        from widgets.quiz import _answer_from_data

        top = _answer_from_data(str(item.get("id")), item.pop("answer_from"))
        item["answer"] = top / _answer_from_data(str(item.get("id")), item.pop("divided_by"))
    if "goalposts" in item and "answer_from" in item:
        from widgets.quiz import _answer_from_data

        low, high = (float(v) for v in item.pop("goalposts"))
        value = _answer_from_data(str(item.get("id")), item.pop("answer_from"))
        item["answer"] = (value - low) / (high - low)
    return item


def checks_path(lesson: str, lang: str | None = None) -> Path:
    """The self-checks file of ``lesson`` in ``lang`` (default: the reader's language).

    ``lessons/checks/<lang>/<lesson>.yml`` when it exists, else the English
    ``lessons/checks/<lesson>.yml``.
    """
    lang = lang or get_language()
    translated = CHECKS_DIR / lang / f"{lesson}.yml"
    if lang != DEFAULT and translated.is_file():
        return translated
    return CHECKS_DIR / f"{lesson}.yml"


def load_checks(lesson: str, lang: str | None = None) -> dict[str, Any]:
    """The checkable exercises of a lesson, by id, in ``lang`` (default: the reader's language)."""
    from widgets.quiz import Question

    path = checks_path(lesson, lang)
    if not path.exists():
        raise LabInputError(_("Lesson {lesson} has no exercises with a self-check.").format(
            lesson=lesson))
    stamp = (str(path), path.stat().st_mtime_ns)
    if stamp not in _CACHE:                    # read (and look the answers up) once per file
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        _CACHE[stamp] = {q.id: q for q in (Question.from_dict(_spec_answer(item))
                                           for item in raw.get("questions", []))}
    return dict(_CACHE[stamp])


def _in_language(answer: Any, source: Any, target: Any) -> Any:
    """An option answer given as ``source``'s option text, as ``target``'s (same position).

    Anything else (a number, an unknown text, an option already in ``target``) is unchanged.
    """
    if source is None or target is None or source is target or not source.options:
        return answer
    pairs = dict(zip((o.text for o in source.options), (o.text for o in target.options),
                     strict=False))
    mine = {o.text for o in target.options}

    def one(text: Any) -> Any:
        return text if not isinstance(text, str) or text in mine else pairs.get(text, text)

    if isinstance(answer, list | tuple | set):
        return [one(a) for a in answer]
    return one(answer)


#: Checks read from files, by (path, modification time): a changed file is read again.
_CACHE: dict[tuple[str, int], dict[str, Any]] = {}


def check(lesson: str, exercise: str, answer: Any,
          portfolio: str | Path | None = None) -> CheckResult:
    """Check an exercise's answer; say right / not yet and why; record it in the portfolio.

    ``portfolio`` is the save file (default: the learner's ``portfolio.json``).
    """
    from widgets.portfolio import Portfolio
    from widgets.quiz import grade

    lesson = str(lesson).strip()
    checks = load_checks(lesson)
    if exercise not in checks:
        raise LabInputError(_("Lesson {lesson} has no self-check called {exercise}; the "
                              "self-checks are: {exercises}.").format(
            lesson=lesson, exercise=repr(exercise), exercises=", ".join(sorted(checks))))
    question = checks[exercise]
    english = load_checks(lesson, DEFAULT).get(exercise) if checks_path(lesson) != \
        checks_path(lesson, DEFAULT) else question
    result = grade(question, _in_language(answer, english, question))
    answer = _in_language(answer, question, english)  # recorded as the English option
    if answer is None or (isinstance(answer, str | list | tuple) and not answer):
        # The exercise's placeholder (nothing answered yet) is not an attempt: nothing recorded.
        return CheckResult(lesson, exercise, False, result.feedback, 0, True)
    key = f"{lesson}/checks"
    attempts, recorded = 1, True
    try:
        book = Portfolio.load(portfolio, lesson=lesson)
        entries = dict(book.document["widgets"].get(key) or {})
        previous = entries.get(exercise) if isinstance(entries.get(exercise), dict) else {}
        attempts = int(previous.get("attempts", 0) or 0) + 1
        entries[exercise] = {
            "answer": answer if isinstance(answer, int | float | str | list) else str(answer),
            "right": bool(result.correct), "attempts": attempts,
            "ever_right": bool(result.correct or previous.get("ever_right", False)),
            "checked_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()}
        book.document["widgets"][key] = entries
        book.save()
    except (LabInputError, OSError, ValueError, TypeError):
        recorded = False
    return CheckResult(lesson, exercise, bool(result.correct), result.feedback, attempts,
                       recorded)
