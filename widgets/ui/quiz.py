"""The knowledge-check widget: one card per question, a *Check* button, feedback, a score.

The questions, their file format and the marking are pure (:mod:`widgets.quiz`);
this module only shows them.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as W

from widgets._paths import QUIZ_DIR
from widgets.errors import LabInputError
from widgets.i18n import _, get_language
from widgets.quiz import Grade, Question, grade, load_questions
from widgets.ui.base import LabWidget

__all__ = ["KnowledgeCheck"]


@dataclass
class _QuestionView:
    question: Question
    control: W.Widget
    button: W.Button
    feedback: W.HTML
    result: Grade | None = field(default=None)


class KnowledgeCheck(LabWidget):
    """A quiz widget: one card per question, a *Check* button, feedback and a score.

    >>> quiz = KnowledgeCheck.from_dicts([{"id": "a", "type": "single", "prompt": "2+2?",
    ...     "options": [{"text": "4", "correct": True}, {"text": "5"}]}])
    >>> quiz.answer("a", "4").correct
    True
    >>> quiz.score
    (1, 1)
    """

    state_name = "quiz"

    def __init__(self, questions: list[Question], title: str | None = None,
                 lesson: str = "") -> None:
        title = _("Check your understanding") if title is None else title
        self.lesson = lesson
        self.title = title
        self._views: dict[str, _QuestionView] = {}
        cards: list[W.Widget] = [W.HTML(f"<h3 style='margin:4px 0'>{html.escape(title)}</h3>")]
        for number, q in enumerate(questions, start=1):
            view = self._make_view(q)
            self._views[q.id] = view
            cards.append(
                W.VBox(
                    [W.HTML(f"<p><b>{number}.</b> {html.escape(q.prompt)}</p>"),
                     view.control, view.button, view.feedback],
                    layout=W.Layout(border="1px solid #ddd", padding="6px 10px", margin="4px 0"),
                )
            )
        self.score_label = W.HTML()
        super().__init__([*cards, self.score_label])
        self._update_score()

    # -- construction -----------------------------------------------------
    @classmethod
    def for_lesson(cls, lesson: str) -> KnowledgeCheck:
        """The knowledge check of a lesson, from ``lessons/quizzes/<lesson>.yml``.

        In French or Spanish: ``lessons/quizzes/<lang>/<lesson>.yml`` when it exists.
        """
        translated = QUIZ_DIR / get_language() / f"{lesson}.yml"
        path = translated if translated.is_file() else QUIZ_DIR / f"{lesson}.yml"
        title, questions = load_questions(path)
        return cls(questions, title=title, lesson=lesson)

    @classmethod
    def from_dicts(cls, questions: list[dict[str, Any]], title: str | None = None
                   ) -> KnowledgeCheck:
        return cls([Question.from_dict(q) for q in questions], title=title)

    def _make_view(self, q: Question) -> _QuestionView:
        if q.type == "single":
            control: W.Widget = W.RadioButtons(
                options=[o.text for o in q.options], value=None,
                layout=W.Layout(width="auto"), description="", style={"description_width": "0"},
            )
        elif q.type == "multiple":
            control = W.VBox([W.Checkbox(value=False, description=o.text, indent=False)
                              for o in q.options])
        else:
            control = W.Text(value="", placeholder=_("type a number"), description=_("Answer:"),
                             layout=W.Layout(width="260px"))
        button = W.Button(description=_("Check"), tooltip=_("Check this answer"), icon="check",
                          layout=W.Layout(width="100px"))
        feedback = W.HTML()
        view = _QuestionView(q, control, button, feedback)
        button.on_click(self.safe(lambda _b, qid=q.id: self.check(qid)))
        return view

    # -- answering --------------------------------------------------------
    def _response(self, view: _QuestionView) -> Any:
        if view.question.type == "multiple":
            return [c.description for c in view.control.children if c.value]
        return view.control.value

    def answer(self, question_id: str, response: Any) -> Grade:
        """Set a response (as a learner would) and check it."""
        view = self._view(question_id)
        if view.question.type == "multiple":
            chosen = set(response)
            for box in view.control.children:
                box.value = box.description in chosen
        elif view.question.type == "numeric":
            view.control.value = "" if response is None else str(response)
        else:
            view.control.value = response
        return self.check(question_id)

    def check(self, question_id: str) -> Grade:
        view = self._view(question_id)
        result = grade(view.question, self._response(view))
        view.result = result
        colour = "#1b5e20" if result.correct else "#7a1c00"
        mark = _("✔ Correct.") if result.correct else _("✘ Not yet.")
        body = "<br>".join(html.escape(line) for line in result.feedback.split("\n"))
        view.feedback.value = (f'<div role="status" style="color:{colour}"><b>{mark}</b> '
                               f"{body}</div>")
        self._update_score()
        return result

    def _view(self, question_id: str) -> _QuestionView:
        if question_id not in self._views:
            raise LabInputError(_("No question {id} in this knowledge check.").format(
                id=repr(question_id)))
        return self._views[question_id]

    @property
    def score(self) -> tuple[int, int]:
        """(correct answers, questions)."""
        right = sum(1 for v in self._views.values() if v.result and v.result.correct)
        return right, len(self._views)

    def _update_score(self) -> None:
        right, total = self.score
        tried = sum(1 for v in self._views.values() if v.result is not None)
        self.score_label.value = ('<p role="status"><b>' + _("Score: {right} / {total}").format(
            right=right, total=total) + "</b> " + _("({n} answered)").format(n=tried) + "</p>")

    # -- saving -----------------------------------------------------------
    def learner_state(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for qid, view in self._views.items():
            resp = self._response(view)
            out[qid] = None if resp in ("", None) else resp
        return {"lesson": self.lesson, "answers": out}

    def restore_learner_state(self, state: dict[str, Any]) -> list[str]:
        skipped = []
        for qid, resp in (state.get("answers") or {}).items():
            if qid not in self._views or resp is None:
                skipped.append(qid)
                continue
            try:
                self.answer(qid, resp)
            except Exception:  # noqa: BLE001 - an old answer that no longer fits
                skipped.append(qid)
        return skipped
