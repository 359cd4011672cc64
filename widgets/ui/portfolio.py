"""The portfolio panel: a learner's notes and the Save / Load / Export buttons of a lesson.

The portfolio itself — the file, merging, export — is :mod:`widgets.portfolio`.

>>> import tempfile, pathlib
>>> from widgets.portfolio import Portfolio
>>> p = Portfolio(pathlib.Path(tempfile.mkdtemp()) / "p.json", lesson="09")
>>> panel = PortfolioPanel(p)
>>> panel.notes.value = "Colombia: homicides fell after 2016."
>>> _ = panel.save()
>>> Portfolio.load(p.path, lesson="09").note()
'Colombia: homicides fell after 2016.'
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as W

from widgets._paths import learner_code
from widgets.i18n import LANGUAGES, _, get_language, ngettext
from widgets.portfolio import Portfolio, _esc, notes_shared, set_notes_shared
from widgets.ui.base import LabWidget

__all__ = ["PortfolioPanel"]


def _where_saved(path: Path) -> str:
    """The portfolio panel's heading: where the work is saved (in a class: the work code).

    In a class the page's script reads the code from ``data-hsl-learner`` and
    keeps it in the browser, so the next lesson finds the same folder.
    """
    code = learner_code()
    small = "<span style='color:#555;font-size:12px'>"
    heading = _("My portfolio")
    title = f"<b>{_esc(heading)}</b> "
    if code is None:
        return title + small + _esc(_("(saved in {path})").format(path=path)) + "</span>"
    bold = f"<b style='font-family:monospace;font-size:15px'>{_esc(code)}</b>"
    return (title + small + _esc(_("(saved on the class server)")) + "</span>"
            f"<p class='hsl-work-code' data-hsl-learner='{_esc(code)}'>"
            + _esc(_("Your work code: {code}. Write it down: this browser remembers it, and on "
                     "another computer you type it on the lessons page to find your saved work "
                     "again.")).replace("{code}", bold) + "</p>")



class PortfolioPanel(W.VBox):
    """Notes box + Save / Load / Export buttons for one lesson's portfolio."""

    def __init__(self, portfolio: Portfolio) -> None:
        self.portfolio = portfolio
        self._language = get_language()
        self.notes = W.Textarea(value=portfolio.note(), placeholder=_("Your notes for this lesson…"),
                                description=_("My notes"), layout=W.Layout(width="95%", height="90px"),
                                style={"description_width": "80px"})
        self.learner = W.Text(value=portfolio.document.get("learner", ""),
                              description=_("My name"),
                              placeholder=_("optional, printed on the brief"),
                              style={"description_width": "80px"}, layout=W.Layout(width="420px"))
        self.share_notes = W.Checkbox(
            value=notes_shared(portfolio.document), indent=False,
            description=_("Let my trainer read my notes in the class report (off unless you tick it)"),
            layout=W.Layout(width="auto"))
        self.save_button = W.Button(description=_("Save"), icon="save",
                                    tooltip=_("Save your choices, answers and notes to my-work/"))
        self.load_button = W.Button(description=_("Load"), icon="folder-open",
                                    tooltip=_("Restore what you saved last time"))
        self.export_html_button = W.Button(description=_("Export HTML brief"), icon="file",
                                           tooltip=_("A printable page with your charts and notes"),
                                           layout=W.Layout(width="auto", min_width="170px"))
        self.export_md_button = W.Button(description=_("Export Markdown"), icon="file-text",
                                         tooltip=_("The same brief as a Markdown file"),
                                         layout=W.Layout(width="auto", min_width="170px"))
        self._status = LabWidget()
        self.save_button.on_click(self._status.safe(lambda _b: self.save()))
        self.load_button.on_click(self._status.safe(lambda _b: self.load()))
        self.export_html_button.on_click(self._status.safe(lambda _b: self.export("html")))
        self.export_md_button.on_click(self._status.safe(lambda _b: self.export("md")))
        buttons = W.HBox([self.save_button, self.load_button, self.export_html_button,
                          self.export_md_button], layout=W.Layout(flex_flow="row wrap"))
        super().__init__([W.HTML(_where_saved(portfolio.path)),
                          self.learner, self.notes, self.share_notes, buttons, self._status],
                         layout=W.Layout(border="1px solid #ddd", padding="6px 10px"))
        problems = [m for m in portfolio.messages if not m.startswith("No saved work yet")]
        if problems:
            self._status.show_message(" ".join(problems), "warning")

    @property
    def message_text(self) -> str:
        return self._status.message_text

    def _pull(self) -> None:
        self.portfolio.set_note(self.notes.value)
        self.portfolio.document["learner"] = self.learner.value
        if self.share_notes.value != notes_shared(self.portfolio.document):
            set_notes_shared(self.portfolio.document, self.share_notes.value)

    def save(self) -> Path:
        self._pull()
        path = self.portfolio.save()
        n = len(self.portfolio.widgets)
        code = learner_code()
        when = self.portfolio.document["saved_at"]
        if code:
            text = ngettext("Saved {n} widget and your notes under your work code {code} at "
                            "{time} (UTC).", "Saved {n} widgets and your notes under your work "
                            "code {code} at {time} (UTC).", n).format(n=n, code=code, time=when)
        else:
            text = ngettext("Saved {n} widget and your notes to {path} at {time} (UTC).",
                            "Saved {n} widgets and your notes to {path} at {time} (UTC).",
                            n).format(n=n, path=path, time=when)
        self._status.show_message(text, "info")
        return path

    def load(self) -> list[str]:
        notes = self.portfolio.reload()
        self.notes.value = self.portfolio.note()
        self.learner.value = self.portfolio.document.get("learner", "")
        self.share_notes.value = notes_shared(self.portfolio.document)
        language = self.portfolio.document.get("extra", {}).get("language")
        if notes and not all(n.startswith("No saved work yet") for n in notes):
            self._status.show_message(" ".join(notes), "warning")
        elif language in LANGUAGES and language != self._language:
            self._status.show_message(_(
                "Restored your saved choices and notes. Your saved language, {language}, is used "
                "from now on: run the lesson again to see all of it in that language.").format(
                language=LANGUAGES[language]), "info")
        else:
            self._status.show_message(_("Restored your saved choices and notes."), "info")
        return notes

    def export(self, fmt: str) -> Path:
        self._pull()
        path = self.portfolio.export(fmt)
        self._status.show_message(_("Exported your brief to {path}. Open it in a browser to "
                                    "read or print it.").format(path=path), "info")
        return path
