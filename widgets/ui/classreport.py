"""ClassReport: the trainer's view of the class, from the learners' saved portfolios.

A thin widget over :mod:`widgets.classreport`: choose the class's folder (or
upload a zip of portfolio files), pick a lesson, and see the knowledge-check
results per question with a "discuss this" prompt for the debrief, the
distribution of the class's choices in each widget, and the files that could
not be used. Exports the gradebook CSV and a printable HTML summary to the
trainer's work folder.

Where it may read: the folder typed is confined (:func:`widgets._paths.confine`)
to the class folder (``HSL_CLASS_DIR``, e.g. ``class-work/`` in app mode, so
``learners`` reads every learner of the room) — on the class server only for
the trainer's page, opened with the trainer's key that ``make app`` prints
(:func:`widgets._paths.is_trainer`); a learner's page reads only the learner's
own folder. Outside app mode it reads the trainer's own work folder
(``my-work/``: copy or unzip the collected portfolios there, or upload the
zip). Exports go to ``class-work/trainer/`` (app mode) or the work folder.

>>> from widgets.ui.classreport import ClassReport
>>> report = ClassReport(folder="")
>>> report.lesson.value
'00'
"""

from __future__ import annotations

import html
import os
import tempfile
from pathlib import Path

import ipywidgets as W
import pandas as pd

from widgets._paths import QUIZ_DIR, class_dir, confine, is_trainer, trainer_dir, work_dir
from widgets.charts.classreport import (
    choice_chart,
    quiz_results_chart,
    team_rounds_chart,
    team_rounds_description,
)
from widgets.classreport import (
    ClassData,
    Problem,
    choice_views,
    class_notes,
    gradebook_csv,
    load_class,
    load_team_folder,
    notes_sharing,
    quiz_results,
    self_checks,
    summary_html,
    team_rounds,
    team_rounds_discuss,
    widget_choices,
)
from widgets.errors import LabInputError
from widgets.i18n import _, format_number, format_percent, ngettext
from widgets.ui import ChartPanel, LabWidget

__all__ = ["ClassReport"]

_WIDE = {"description_width": "initial"}
#: The largest zip a trainer may upload here (the pure layer allows 100 MB from disk).
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def _quiz_lessons() -> list[str]:
    return sorted(p.stem for p in QUIZ_DIR.glob("*.yml"))


def _write_text(path: Path, text: str) -> Path:
    """Write atomically (a temporary file renamed over the target)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


class ClassReport(LabWidget):
    """The class's knowledge-check results, choices and problems, per lesson.

    Parameters
    ----------
    folder : the class's folder, relative to the class folder (app mode) or the
        trainer's work folder; ``""`` starts empty.
    lesson : the lesson shown first ("00"–"11").
    root : the folder a typed class folder must lie in (default: the class
        folder in app mode, else the trainer's work folder).
    """

    state_name = "class_report"
    state_controls = ("folder", "lesson", "pseudonymise")

    def __init__(self, folder: str = "learners", lesson: str = "",
                 root: str | Path | None = None) -> None:
        # In a class, only the trainer's page (opened with the trainer's key) may read
        # the whole room; a learner's page may read the learner's own folder only.
        room = class_dir()
        self._learner_page = root is None and room is not None and not is_trainer()
        self.root = (Path(root) if root is not None
                     else room if room is not None and not self._learner_page else work_dir())
        self.data: ClassData | None = None
        self.source_label = ""
        lessons = _quiz_lessons()
        self.folder = W.Text(value=folder, description=_("Class folder"), style=_WIDE,
                             placeholder=_("e.g. learners, or a .zip file name"),
                             layout=W.Layout(width="420px"))
        self.load_button = W.Button(description=_("Read the class"), icon="folder-open",
                                    button_style="primary", layout=W.Layout(width="auto"))
        self.upload = W.FileUpload(accept=".zip", multiple=False,
                                   description=_("Upload a zip"), layout=W.Layout(width="auto"))
        self.pseudonymise = W.Checkbox(value=True, indent=False,
                                       description=_("Replace learners' names by codes (L01, L02…)"),
                                       layout=W.Layout(width="auto"))
        self.lesson = W.Dropdown(options=lessons, value=lesson if lesson in lessons else lessons[0],
                                 description=_("Lesson"), style=_WIDE)
        self.status = W.HTML()
        self.discuss = W.HTML(layout=W.Layout(width="320px", margin="0 0 0 12px"))
        self.problems = W.HTML()
        self.choices = W.HTML()
        # charts of the class's choices in this lesson's widgets, each with a debrief prompt
        self.choice_panels: list[ChartPanel] = []
        self.choices_box = W.VBox()
        self._panel_cache: dict[str, list[W.Widget]] = {}
        # lesson 10: the scenario teams side by side, read from the class's teams folder
        self.teams_folder: Path | None = None
        self.plans: list[dict] = []
        self.teams_table = team_rounds([])
        self.team_panel: ChartPanel | None = None
        self.teams_box = W.VBox()
        # learners' notes: only those who agreed, and only when the trainer asks
        self.show_notes = W.Checkbox(value=False, indent=False,
                                     description=_("Show the notes learners agreed to share "
                                                   "(for the lesson chosen)"),
                                     layout=W.Layout(width="auto"))
        self.notes_html = W.HTML()
        empty = quiz_results(ClassData(), self.lesson.value)
        self.panel = ChartPanel(quiz_results_chart(empty, self.lesson.value),
                                "", self._results_table(empty))
        self.export_csv = W.Button(description=_("Export gradebook (CSV)"), icon="download",
                                   layout=W.Layout(width="auto"))
        self.export_html = W.Button(description=_("Export class summary (HTML)"), icon="print",
                                    layout=W.Layout(width="auto"))
        self.export_status = W.HTML()
        super().__init__([
            W.HTML("<p>" + _("Read the portfolios your learners saved (a folder or a zip) to "
                             "see the class as a whole. Learners' files are only read, never "
                             "changed.") + "</p>"),
            W.HBox([self.folder, self.load_button]),
            W.HBox([self.upload, self.pseudonymise]),
            self.status, self.lesson,
            W.HBox([self.panel, self.discuss]),
            self.choices_box, self.teams_box, self.choices,
            self.show_notes, self.notes_html, self.problems,
            W.HBox([self.export_csv, self.export_html]), self.export_status,
        ])
        self.load_button.on_click(self.safe(lambda _b: self.load_folder(self.folder.value)))
        self.export_csv.on_click(self.safe(lambda _b: self.export("csv")))
        self.export_html.on_click(self.safe(lambda _b: self.export("html")))
        self.on_change(self.upload, self._on_upload)
        self.on_change(self.lesson, lambda _c: self._show())
        self.on_change(self.pseudonymise, lambda _c: self._reload())
        self.on_change(self.show_notes, lambda _c: self._show_notes())
        self._show()
        if self._learner_page:
            self.show_message(
                _("The class report reads the whole room's work, so on the class server it opens "
                  "only from the trainer's address (printed by make app). Here it can read your "
                  "own folder or a zip you upload."), "info")
        elif folder:
            try:
                self.load_folder(folder)
            except LabInputError as err:
                self.show_message(str(err), "info")

    # -- loading --------------------------------------------------------------
    def load_folder(self, typed: str) -> ClassData:
        """Read the class from a folder or .zip inside the class (or work) folder."""
        path = confine(typed, [self.root], base=self.root, what="class folder")
        return self._accept(path, Path(str(typed).strip()).name or _("the class folder"))

    def load_zip_bytes(self, content: bytes, name: str = "") -> ClassData:
        name = name or _("the uploaded zip")
        if len(content) > MAX_UPLOAD_BYTES:
            raise LabInputError(_("{name} is larger than the class report reads from an upload "
                                  "({limit} MB). Put the zip in the class folder and type its "
                                  "name instead.").format(
                name=name, limit=MAX_UPLOAD_BYTES // (1024 * 1024)))
        return self._accept(bytes(content), name)

    def _on_upload(self, change: dict) -> None:
        files = change["new"]
        if not files:
            return
        f = files[0]
        name = str(f.get("name") or _("the uploaded file"))
        if not name.lower().endswith(".zip"):
            raise LabInputError(_("{name} is not a .zip file. Zip the learners' portfolio "
                                  "files (or their folders) and upload the zip.").format(name=name))
        self.load_zip_bytes(bytes(f["content"]), name)

    def _accept(self, source: Path | bytes, label: str) -> ClassData:
        data = load_class(source, pseudonymise=self.pseudonymise.value, name=label)
        self._source = source
        self.data, self.source_label = data, label
        self._panel_cache = {}
        self._read_teams(source, data)
        self.clear_message()
        self._show()
        return data

    def _reload(self) -> None:
        if self.data is not None:
            self._accept(self._source, self.source_label)

    def _read_teams(self, source: Path | bytes, data: ClassData) -> None:
        """The scenario teams' plans: ``teams/`` in the class folder or beside it (app mode:
        ``class-work/teams`` next to ``class-work/learners``), inside the readable root."""
        self.teams_folder, self.plans = None, []
        if isinstance(source, Path) and source.is_dir():
            root = self.root.resolve()
            for folder in (source / "teams", source.parent / "teams"):
                try:
                    folder = folder.resolve()
                    folder.relative_to(root)
                except (ValueError, OSError):
                    continue
                if folder.is_dir():
                    self.teams_folder = folder
                    break
        problems: list[Problem] = []
        if self.teams_folder is not None:
            self.plans, problems = load_team_folder(self.teams_folder)
        data.problems.extend(problems)
        self.teams_table = team_rounds(self.plans, data)

    # -- showing --------------------------------------------------------------
    def _show(self) -> None:
        data = self.data or ClassData()
        lesson = self.lesson.value
        results = quiz_results(data, lesson)
        self.panel.update(chart=quiz_results_chart(results, lesson),
                          description=self.panel_description(results, lesson),
                          table=self._results_table(results))
        self.discuss.value = self._discuss_html(results)
        esc = html.escape
        if self.data is None:
            self.status.value = "<p>" + _("No class read yet.") + "</p>"
        else:
            n, bad = len(data.learners), len(data.problems)
            read = (ngettext("<b>{n} learner</b> read from {source} (shown by codes)",
                             "<b>{n} learners</b> read from {source} (shown by codes)", n)
                    if data.pseudonymised else
                    ngettext("<b>{n} learner</b> read from {source} (shown by names)",
                             "<b>{n} learners</b> read from {source} (shown by names)", n))
            unused = ngettext("{n} file could not be used.", "{n} files could not be used.", bad)
            self.status.value = ('<p role="status">' + _("{learners}; {files}").format(
                learners=read.format(n=n, source=esc(self.source_label)),
                files=unused.format(n=bad)) + "</p>")
        self.problems.value = "" if not data.problems else (
            "<details open><summary>" + _("<b>Files that could not be used</b> (skipped; the "
                                          "rest of the class is shown)") + "</summary><ul>"
            + "".join("<li>" + _("{file}: {reason}").format(file=f"<b>{esc(p.file)}</b>",
                                                            reason=esc(p.reason)) + "</li>"
                      for p in data.problems)
            + "</ul></details>")
        if self.data is not None and data.notes:
            self.problems.value += ("<details><summary><b>" + _("Read, with a note")
                                    + "</b></summary><ul>"
                                    + "".join(f"<li>{esc(n)}</li>" for n in data.notes)
                                    + "</ul></details>")
        self.choices.value = self._choices_html(data, lesson)
        self.choices_box.children = self._choice_widgets(data, lesson)
        self._show_teams(lesson)
        self._show_notes()

    def _choice_widgets(self, data: ClassData, lesson: str) -> list[W.Widget]:
        """One chart per view of the class's choices, with its "Discuss this" prompt beside it."""
        if lesson not in self._panel_cache:
            boxes: list[W.Widget] = []
            for view in choice_views(data, lesson):
                panel = ChartPanel(choice_chart(view), view.description,
                                   self._view_table(view), caption=view.title)
                boxes.append(W.HBox([panel, W.HTML(self._prompt_html(view.discuss),
                                                   layout=W.Layout(width="320px",
                                                                   margin="0 0 0 12px"))]))
            if boxes:
                boxes.insert(0, W.HTML("<h4 style='margin:12px 0 4px'>"
                                       + _("Choices the class made in this lesson's widgets")
                                       + "</h4>"))
            self._panel_cache[lesson] = boxes
        boxes = self._panel_cache[lesson]
        self.choice_panels = [b.children[0] for b in boxes if isinstance(b, W.HBox)]
        return boxes

    @staticmethod
    def _prompt_html(text: str) -> str:
        return "<p><b>" + _("Discuss this") + f"</b></p><p>{html.escape(text)}</p>"

    @staticmethod
    def _results_table(results: pd.DataFrame) -> pd.DataFrame:
        """The knowledge-check table of "Show the data", with headers in the reader's language."""
        return results[["number", "prompt", "answered", "right", "share_right", "common_wrong",
                        "common_wrong_count"]].rename(columns={
            "number": _("Question"), "prompt": _("Prompt"), "answered": _("Answered"),
            "right": _("Right"), "share_right": _("Share right"),
            "common_wrong": _("Most common wrong answer"),
            "common_wrong_count": _("Learners who gave it")})

    @staticmethod
    def _view_table(view) -> pd.DataFrame:
        """A choice view's table for "Show the data", with headers in the reader's language."""
        return view.table.rename(columns={
            "question": _("Choice"), "answer": _("Answer"), "learners": _("Learners"),
            "note": _("Note"), "item": _("Item"), "group": _("Group"), "learner": _("Learner"),
            "value": view.value_title or _("Value")})

    def _show_teams(self, lesson: str) -> None:
        if lesson != "10":
            self.teams_box.children = []
            return
        table = self.teams_table
        chart, text = team_rounds_chart(table), team_rounds_description(table)
        if self.team_panel is None:
            self.team_panel = ChartPanel(chart, text, self._teams_table(table),
                                         caption=_("Scenario teams round by round"))
        else:
            self.team_panel.update(chart=chart, table=self._teams_table(table), description=text)
        intro = (_("Each team's saved plans from {folder}: what they chose in each round, and "
                   "what it achieved in the lab's teaching model.").format(
                     folder=html.escape(self.teams_folder.name) + "/")
                 if self.teams_folder is not None else
                 _("Each team's saved plans (no teams folder found next to the class's "
                   "portfolios): what they chose in each round, and what it achieved in the "
                   "lab's teaching model."))
        self.teams_box.children = [
            W.HTML("<h4 style='margin:12px 0 4px'>" + _("Scenario teams side by side")
                   + f"</h4><p>{intro}</p>"),
            W.HBox([self.team_panel, W.HTML(self._prompt_html(team_rounds_discuss(table)),
                                            layout=W.Layout(width="320px",
                                                            margin="0 0 0 12px"))]),
            W.HTML(self._teams_html(table))]

    @staticmethod
    def _teams_table(table: pd.DataFrame) -> pd.DataFrame:
        """The teams' table of "Show the data", with headers in the reader's language."""
        return table.rename(columns={
            "team": _("Team"), "room": _("Room"), "round": _("Round"),
            "responses": _("Responses"), "cost_musd": _("Cost (US$ million)"),
            "lives_averted": _("Lives averted"), "displacement_averted": _("Displacement averted"),
            "members": _("Members")})

    @staticmethod
    def _teams_html(table: pd.DataFrame) -> str:
        """Decisions per round side by side: one row per team, one column per round."""
        if table.empty:
            return ""
        esc = html.escape
        rounds = sorted(table["round"].unique())
        parts = ["<table class='hsl-teams'><caption>" + _("Decisions and outcomes per round")
                 + "</caption><tr><th scope='col'>" + _("Team") + "</th><th scope='col'>"
                 + _("Members") + "</th>"
                 + "".join("<th scope='col'>" + _("Round {n}").format(n=int(r)) + "</th>"
                           for r in rounds) + "</tr>"]
        for team, rows in table.groupby("team", sort=False):
            by_round = {int(r["round"]): r for _i, r in rows.iterrows()}
            cells = []
            for r in rounds:
                row = by_round.get(int(r))
                if row is None:
                    cells.append("<td>–</td>")
                    continue
                cells.append(f"<td>{esc(str(row['responses']))}<br><small>" + _(
                    "Cost US${cost} million; lives averted {lives}; displacement averted "
                    "{displacement}").format(
                        cost=format_number(float(f"{row['cost_musd']:.4g}")),
                        lives=format_number(row["lives_averted"], 0),
                        displacement=format_number(row["displacement_averted"], 0))
                    + "</small></td>")
            members = esc(str(rows["members"].iloc[0])) or "–"
            parts.append(f"<tr><th scope='row'>{esc(str(team))}</th><td>{members}</td>"
                         + "".join(cells) + "</tr>")
        parts.append("</table>")
        style = ("<style>.hsl-teams{border-collapse:collapse;margin:4px 0 12px}"
                 ".hsl-teams td,.hsl-teams th{border:1px solid #999;padding:3px 8px;"
                 "vertical-align:top;text-align:left}</style>")
        return style + "".join(parts)

    def _show_notes(self) -> None:
        data = self.data or ClassData()
        shared, withheld = notes_sharing(data)
        esc = html.escape
        head = "<p>" + ngettext(
            "{shared} learner agreed to share their notes with you; {withheld} did not (their "
            "notes are never shown here).",
            "{shared} learners agreed to share their notes with you; {withheld} did not (their "
            "notes are never shown here).", shared).format(shared=shared, withheld=withheld) + "</p>"
        if self.data is None:
            self.notes_html.value = ""
            return
        if not self.show_notes.value:
            self.notes_html.value = head
            return
        notes = class_notes(data, self.lesson.value)
        if notes.empty:
            self.notes_html.value = head + "<p>" + _("No shared notes for this lesson.") + "</p>"
            return
        title = (_("<b>Shared notes, lesson {lesson}</b> (by codes)") if data.pseudonymised
                 else _("<b>Shared notes, lesson {lesson}</b> (by names)"))
        self.notes_html.value = (
            head + "<p>" + title.format(lesson=esc(self.lesson.value)) + "</p><ul>"
            + "".join(f"<li><b>{esc(r.learner)}</b>: {esc(r.note)}</li>"
                      for r in notes.itertuples()) + "</ul>")

    @staticmethod
    def panel_description(results: pd.DataFrame, lesson: str) -> str:
        from widgets.charts.classreport import quiz_results_description

        return quiz_results_description(results, lesson)

    @staticmethod
    def _discuss_html(results: pd.DataFrame) -> str:
        esc = html.escape
        answered = results[results["answered"] > 0]
        head = "<p><b>" + _("Discuss this") + "</b></p>"
        if answered.empty:
            return head + "<p>" + _("When the class has saved its answers, the question most "
                                    "learners found hard appears here with a debrief prompt.") + "</p>"
        worst = answered.sort_values(["share_right", "number"]).iloc[0]
        if worst["share_right"] >= 1:
            return head + "<p>" + _("Everyone who answered got every question right. Ask a "
                                    "learner to explain the reasoning behind the last question "
                                    "to the room.") + "</p>"
        text = head + "<p>" + _("The hardest question for this class: {share} got question "
                                "{number} right: {prompt}").format(
            share=format_percent(worst["share_right"]), number=int(worst["number"]),
            prompt=f"<i>{esc(str(worst['prompt']))}</i>") + "</p>"
        if worst["common_wrong"]:
            n = int(worst["common_wrong_count"])
            text += "<p>" + ngettext("The most common wrong answer ({n} learner) was {answer}.",
                                     "The most common wrong answer ({n} learners) was {answer}.",
                                     n).format(n=n, answer=f"<q>{esc(str(worst['common_wrong']))}</q>") + "</p>"
        if worst["misconception"]:
            text += "<p>" + _("What it suggests: {misconception}").format(
                misconception=esc(str(worst["misconception"]))) + "</p>"
        text += "<p>" + _("Ask the room: why might someone choose that answer, and what evidence "
                          "would change their mind?") + "</p>"
        return text

    @staticmethod
    def _choices_html(data: ClassData, lesson: str) -> str:
        esc = html.escape
        keys = sorted({k for doc in data.documents.values() for k in doc["widgets"]
                       if k.split("/", 1)[0] == lesson and k != f"{lesson}/checks"})
        parts = []
        checks = self_checks(data, lesson)
        if not checks.empty:
            parts.append("<p>" + _("<b>Exercise self-checks</b> (widgets.check)") + "</p><table><tr>"
                         + "".join(f"<th>{h}</th>" for h in (
                             _("Exercise"), _("Tried"), _("Right now"), _("Right at some point"),
                             _("Mean attempts"))) + "</tr>")
            parts += [f"<tr><td>{esc(r.exercise)}</td><td>{r.tried}</td><td>{r.right}</td>"
                      f"<td>{r.ever_right}</td><td>{format_number(r.mean_attempts)}</td></tr>"
                      for r in checks.itertuples()]
            parts.append("</table>")
        if not keys:
            return "".join(parts)
        parts += ["<details><summary><b>" + _("Choices the class made in this lesson's widgets")
                  + "</b></summary>"]
        for key in keys:
            table = widget_choices(data, key)
            parts.append(f"<p><b>{esc(key)}</b></p><table><tr>" + "".join(
                f"<th>{h}</th>" for h in (_("Control"), _("Value"), _("Learners"))) + "</tr>")
            for r in table.head(60).itertuples():
                parts.append(f"<tr><td>{esc(r.control)}</td><td>{esc(r.value)}</td>"
                             f"<td>{r.learners}</td></tr>")
            parts.append("</table>")
        parts.append("</details>")
        return "".join(parts)

    # -- exports --------------------------------------------------------------
    def export(self, fmt: str = "csv") -> Path:
        """Write the gradebook (``csv``) or the class summary (``html``) to the work folder."""
        if self.data is None:
            raise LabInputError(_("Read the class first (type its folder or upload a zip)."))
        if fmt == "csv":
            path = _write_text(trainer_dir() / "class-gradebook.csv", gradebook_csv(self.data))
        elif fmt == "html":
            path = _write_text(trainer_dir() / "class-summary.html",
                               summary_html(self.data, teams=self.teams_table,
                                            include_notes=self.show_notes.value))
        else:
            raise LabInputError(_("Choose csv or html."))
        self.export_status.value = ('<p role="status">' + _("Saved {file} in your work folder.").format(
            file=f"<code>{html.escape(path.name)}</code>") + "</p>")
        return path
