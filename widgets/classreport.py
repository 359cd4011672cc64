"""The trainer's view of a class, read from the learners' saved portfolios.

Point :func:`load_class` at a folder or a ``.zip`` of portfolio files — app
mode's ``class-work/learners/<code>/portfolio.json``, a hub exchange
(``<user>/my-work/portfolio.json``), an LMS download (``*portfolio*.json``,
often renamed), files copied from USB sticks — and it returns a
:class:`ClassData`: one document per learner, and a list of the files that
could not be used, each by name with a plain reason. A bad file never stops
the rest of the class from loading.

The learners' files are only ever *read*: never renamed, rewritten or
touched (this module does not use :func:`widgets.portfolio.read_document`,
which sets a corrupt file aside). A zip is read in memory and never
extracted; its members are size-limited (a "zip bomb" is reported, not
unpacked) and their names are never used as paths.

Aggregations (pure functions, pandas tables):

* :func:`quiz_results` — per knowledge-check question: share right, the most
  common wrong answer and the feedback for it (the misconception it shows);
* :func:`widget_choices` — how the class set each control of a widget;
* :func:`completion` — per learner and lesson: saved work, quiz score;
* :func:`gradebook_rows` / :func:`gradebook_csv` — one row per learner for a
  Moodle or Canvas gradebook import;
* :func:`summary_html` — a printable, self-contained class summary.

Learners are pseudonymised by default (``L01``, ``L02``… in sorted order of
their names); the key table linking codes to names is only produced on request
(:meth:`ClassData.key_table`) and should stay with the trainer.

>>> import tempfile, pathlib
>>> from widgets.portfolio import new_document, save_document
>>> room = pathlib.Path(tempfile.mkdtemp())
>>> doc = new_document("Ada"); doc["quizzes"]["00"] = {"lesson": "00", "answers": {}}
>>> _ = save_document(doc, room / "ada" / "portfolio.json")
>>> _ = (room / "bob" ).mkdir(); _ = (room / "bob" / "portfolio.json").write_text("{oops")
>>> data = load_class(room)
>>> data.learners, [p.file for p in data.problems]
(['L01'], ['bob/portfolio.json'])
"""

from __future__ import annotations

import csv
import html
import io
import json
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd

from widgets._paths import QUIZ_DIR, file_size
from widgets.errors import LabInputError
from widgets.i18n import N_, _, format_number, format_percent, ngettext
from widgets.portfolio import FORMAT, MAX_DEPTH, _decode, _depth, normalise_document

__all__ = [
    "CHOICE_VIEWS",
    "ChoiceView",
    "ClassData",
    "Problem",
    "choice_views",
    "class_notes",
    "consultation_votes",
    "index_choices",
    "load_team_folder",
    "notes_sharing",
    "portfolio_choices",
    "risk_mapping_choices",
    "screening_choices",
    "screening_verdict",
    "team_rounds",
    "team_rounds_discuss",
    "completion",
    "demo_class",
    "gradebook_csv",
    "gradebook_rows",
    "load_class",
    "quiz_results",
    "self_checks",
    "summary_html",
    "widget_choices",
]

#: A single portfolio larger than this is not read (a year of notes is ~0.1 MB).
MAX_FILE_BYTES = 5 * 1024 * 1024
#: A zip of the class larger than this is refused (200 learners x ~0.1 MB is 20 MB).
MAX_ZIP_BYTES = 100 * 1024 * 1024
#: The most portfolio files read from one folder or zip.
MAX_FILES = 2000
#: All portfolios of a class together, uncompressed (guards a zip bomb).
MAX_TOTAL_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Problem:
    """A file that could not be used: its name (relative to the class) and why."""

    file: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.reason}"


@dataclass
class ClassData:
    """The class: ``documents`` maps a learner's label (code or name) to their portfolio."""

    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)      # label -> real name
    files: dict[str, str] = field(default_factory=dict)      # label -> file it came from
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    pseudonymised: bool = True

    @property
    def learners(self) -> list[str]:
        return sorted(self.documents)

    def key_table(self) -> pd.DataFrame:
        """Codes and the names they replace (opt-in; keep it private, do not share it)."""
        return pd.DataFrame([{"code": k, "name": self.names[k], "file": self.files[k]}
                             for k in self.learners])

    def lessons(self) -> list[str]:
        """Lessons for which anyone saved work or a knowledge check."""
        found: set[str] = set()
        for doc in self.documents.values():
            found.update(doc["quizzes"])
            found.update(k.split("/", 1)[0] for k in doc["widgets"])
        return sorted(found)


# ============================================================== reading
def _is_portfolio_name(name: str) -> bool:
    lower = name.lower()
    return lower.endswith(".json") and "portfolio" in lower and ".bak." not in lower \
        and ".corrupt-" not in lower and not lower.startswith(".")


def _learner_from_path(rel: str) -> str:
    """A label from where a file sits: its folder (``ada/portfolio.json``) or its name."""
    parts = [p for p in PurePosixPath(rel).parts]
    stem = PurePosixPath(rel).stem
    if stem.lower() == "portfolio" and len(parts) > 1:
        folders = [p for p in parts[:-1] if p.lower() not in ("my-work", "learners")]
        return folders[-1] if folders else parts[-2]
    cleaned = stem.replace("portfolio", "").replace("Portfolio", "").strip(" _-.")
    return cleaned or stem


def _entries_from_folder(folder: Path) -> tuple[list[tuple[str, bytes | None, str]], list[Problem]]:
    entries: list[tuple[str, bytes | None, str]] = []
    problems: list[Problem] = []
    paths = sorted(p for p in folder.rglob("*.json") if _is_portfolio_name(p.name))
    for path in paths[:MAX_FILES]:
        rel = path.relative_to(folder).as_posix()
        try:
            if path.is_symlink() or not path.is_file():
                problems.append(Problem(rel, _("it is a link or not a regular file; skipped.")))
                continue
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                problems.append(Problem(rel, _("it is {size}, larger than a portfolio can be "
                                               "({limit}).").format(
                    size=file_size(size), limit=file_size(MAX_FILE_BYTES))))
                continue
            with open(path, "rb") as fh:      # read only; nothing is written or renamed
                entries.append((rel, fh.read(MAX_FILE_BYTES + 1), ""))
        except OSError as err:
            problems.append(Problem(rel, _("it could not be opened ({error}).").format(
                error=err.strerror or _("error"))))
    if len(paths) > MAX_FILES:
        problems.append(Problem(folder.name, _("more than {n} portfolio files; only the first "
                                               "{n} were read.").format(n=MAX_FILES)))
    return entries, problems


def _entries_from_zip(data: bytes, label: str) -> tuple[list[tuple[str, bytes | None, str]],
                                                         list[Problem]]:
    if len(data) > MAX_ZIP_BYTES:
        raise LabInputError(_("The zip {name} is {size}, larger than the class report reads "
                              "({limit}).").format(name=label, size=file_size(len(data)),
                                                   limit=file_size(MAX_ZIP_BYTES)))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as err:
        raise LabInputError(_("{name} is not a zip file the class report can read.").format(
            name=label)) from err
    entries: list[tuple[str, bytes | None, str]] = []
    problems: list[Problem] = []
    total = 0
    infos = [i for i in archive.infolist()
             if not i.is_dir() and _is_portfolio_name(PurePosixPath(i.filename).name)
             and "__MACOSX" not in i.filename]
    for info in infos[:MAX_FILES]:
        # The name is only a label: "../" and absolute parts are dropped, nothing is written.
        rel = "/".join(p for p in PurePosixPath(info.filename.replace("\\", "/")).parts
                       if p not in ("..", ".", "/"))
        if info.file_size > MAX_FILE_BYTES:
            problems.append(Problem(rel, _("it would unpack to {size}, larger than a portfolio "
                                           "can be ({limit}).").format(
                size=file_size(info.file_size), limit=file_size(MAX_FILE_BYTES))))
            continue
        if total + info.file_size > MAX_TOTAL_BYTES:
            problems.append(Problem(rel, _("the zip unpacks to more than the class report "
                                           "reads; this and later files were skipped.")))
            break
        try:
            with archive.open(info) as fh:    # never trust the declared size: read at most the limit
                raw = fh.read(MAX_FILE_BYTES + 1)
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, NotImplementedError) as err:
            reason = (_("it is encrypted in the zip; skipped.") if "encrypt" in str(err).lower()
                      else _("it is damaged in the zip; skipped."))
            problems.append(Problem(rel, reason))
            continue
        if len(raw) > MAX_FILE_BYTES:
            problems.append(Problem(rel, _("it unpacks to more than a portfolio can be.")))
            continue
        total += len(raw)
        entries.append((rel, raw, ""))
    return entries, problems


def _parse(rel: str, raw: bytes) -> tuple[dict[str, Any] | None, str]:
    """``(document, notes)`` from a file's bytes, or ``(None, reason)`` if it cannot be used."""
    if len(raw) > MAX_FILE_BYTES:
        return None, _("it is larger than a portfolio can be ({limit}).").format(
            limit=file_size(MAX_FILE_BYTES))
    if not raw.strip():
        return None, _("it is empty.")
    text, _encoding = _decode(raw)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        return None, _("it is not valid JSON (line {line}, column {column}); it may be cut "
                       "short or damaged.").format(line=err.lineno, column=err.colno)
    except RecursionError:
        return None, _("it nests too deeply to be a portfolio.")
    if _depth(value) > MAX_DEPTH:
        return None, _("it nests too deeply to be a portfolio.")
    if not isinstance(value, dict):
        return None, _("it is JSON but not a lab portfolio (not an object).")
    looks_like = value.get("format") == FORMAT or (
        "format" not in value and any(k in value for k in ("widgets", "widget_states", "quizzes")))
    if not looks_like:
        return None, _("it is JSON but not a Human Security Lab portfolio.")
    doc, notes = normalise_document(value)
    return doc, " ".join(notes)


def load_class(source: str | Path | bytes, pseudonymise: bool = True,
               name: str = "class.zip") -> ClassData:
    """Read every portfolio under a folder, in a ``.zip`` file, or in zip ``bytes`` (an upload).

    Files that cannot be used are listed in :attr:`ClassData.problems` and
    skipped. Two files for the same learner: the first (in path order) is
    used, the other reported. Raises :class:`LabInputError` only when the
    source itself cannot be read (missing, not a folder or zip).
    """
    if isinstance(source, bytes | bytearray):
        entries, problems = _entries_from_zip(bytes(source), name)
    else:
        path = Path(source)
        if path.is_dir():
            entries, problems = _entries_from_folder(path)
        elif path.is_file() and path.suffix.lower() == ".zip":
            size = path.stat().st_size
            if size > MAX_ZIP_BYTES:
                raise LabInputError(_("The zip {name} is {size}, larger than the class report "
                                      "reads ({limit}).").format(
                    name=path.name, size=file_size(size), limit=file_size(MAX_ZIP_BYTES)))
            entries, problems = _entries_from_zip(path.read_bytes(), path.name)
        else:
            raise LabInputError(_("There is no folder or .zip file called {name} here. Give "
                                  "the folder that holds the learners' portfolio files, or a "
                                  "zip of them.").format(name=path.name))
    by_name: dict[str, tuple[str, dict[str, Any]]] = {}
    read_notes: list[str] = []
    for rel, raw, _kind in entries:
        doc, reason = _parse(rel, raw or b"")
        if doc is None:
            problems.append(Problem(rel, reason))
            continue
        if reason:                       # read, with a note (an older or newer version)
            read_notes.append(f"{rel}: {reason}")
        who = doc["learner"].strip() or _learner_from_path(rel)
        if who in by_name:
            problems.append(Problem(rel, _("a second portfolio for the same learner (also in "
                                           "{file}); skipped.").format(file=by_name[who][0])))
            continue
        by_name[who] = (rel, doc)
    out = ClassData(problems=problems, notes=read_notes, pseudonymised=pseudonymise)
    width = max(2, len(str(len(by_name))))
    for n, who in enumerate(sorted(by_name, key=str.casefold), start=1):
        label = f"L{n:0{width}d}" if pseudonymise else who
        rel, doc = by_name[who]
        out.documents[label], out.names[label], out.files[label] = doc, who, rel
    if not by_name:
        out.notes.append(_("No learner's portfolio could be read from this source."))
    return out


# ============================================================== aggregations
def _questions(lesson: str, lang: str | None = None) -> tuple[str, list[Any]]:
    """A lesson's knowledge-check questions, read once per version of the file.

    ``lang`` ("fr", "es"): the translated quiz (``lessons/quizzes/<lang>/``) when
    there is one, else the English quiz; ``None``: the English quiz.
    """
    from widgets.quiz import load_questions

    path = QUIZ_DIR / f"{lesson}.yml"
    if lang and lang != "en" and (QUIZ_DIR / str(lang) / f"{lesson}.yml").is_file():
        path = QUIZ_DIR / str(lang) / f"{lesson}.yml"
    try:
        stamp = (str(path), path.stat().st_mtime_ns)
    except OSError:
        return load_questions(path)           # a missing file: load_questions says so
    if stamp not in _QUESTIONS:
        _QUESTIONS[stamp] = load_questions(path)
    title, questions = _QUESTIONS[stamp]
    return title, list(questions)


#: Knowledge checks already read, by (file, modification time).
_QUESTIONS: dict[tuple[str, int], tuple[str, list[Any]]] = {}


def _learner_questions(doc: dict[str, Any], lesson: str) -> dict[str, Any]:
    """The questions as the learner saw them: the quiz in the language the portfolio was
    saved in (answers are stored as option texts, so a French learner's answers are French)."""
    extra = doc.get("extra") if isinstance(doc.get("extra"), dict) else {}
    lang = str(extra.get("language") or "")
    try:
        return {q.id: q for q in _questions(lesson, lang or None)[1]}
    except LabInputError:
        return {}


def _as_shown(theirs: Any, shown: Any, response: Any) -> Any:
    """A learner's response in the language of the report: same option, by its position."""
    if theirs is shown or getattr(theirs, "type", "") not in ("single", "multiple") or \
            len(theirs.options) != len(shown.options):
        return response
    texts = [o.text for o in theirs.options]

    def one(value: Any) -> Any:
        return shown.options[texts.index(value)].text if value in texts else value

    if theirs.type == "multiple" and isinstance(response, list | tuple):
        return [one(v) for v in response]
    return one(response)


def _answer_key(question: Any, response: Any) -> str:
    if question.type == "multiple":
        return " + ".join(sorted(str(r) for r in (response or ()))) or _("(none)")
    return str(response)


def quiz_results(data: ClassData, lesson: str, questions: list[Any] | None = None
                 ) -> pd.DataFrame:
    """Per question of a lesson's knowledge check: how many answered, share right,
    the most common wrong answer and the feedback it gets (the misconception).

    One row per question, in the quiz's order; ``share_right`` is of those who
    answered (NaN when nobody did). Answers are marked with
    :func:`widgets.quiz.grade`, exactly as the learner's widget marked them.
    """
    from widgets.i18n import get_language
    from widgets.quiz import grade

    own_language = questions is None     # each learner's answers read in their quiz's language
    if questions is None:
        _title, questions = _questions(lesson, get_language())
    theirs = {label: _learner_questions(doc, lesson) if own_language else {}
              for label, doc in data.documents.items()}
    rows = []
    for number, q in enumerate(questions, start=1):
        answered = right = 0
        wrong: Counter[str] = Counter()
        feedback: dict[str, str] = {}
        for label, doc in data.documents.items():
            state = doc["quizzes"].get(lesson) or {}
            answers = state.get("answers") if isinstance(state, dict) else None
            response = answers.get(q.id) if isinstance(answers, dict) else None
            if response in (None, "", []):
                continue
            answered += 1
            response = _as_shown(theirs[label].get(q.id, q), q, response)
            try:
                result = grade(q, response)
            except Exception:  # noqa: BLE001 - a learner file's odd value counts as wrong
                result = None
            if result is not None and result.correct:
                right += 1
            else:
                key = _answer_key(q, response)
                wrong[key] += 1
                feedback.setdefault(key, result.feedback if result is not None else "")
        common, times = (wrong.most_common(1)[0] if wrong else ("", 0))
        rows.append({"number": number, "question": q.id, "prompt": q.prompt,
                     "answered": answered, "right": right,
                     "share_right": right / answered if answered else float("nan"),
                     "common_wrong": common, "common_wrong_count": times,
                     "misconception": feedback.get(common, "")})
    return pd.DataFrame(rows)


def widget_choices(data: ClassData, key: str) -> pd.DataFrame:
    """How the class set each saved control of a widget (``key`` like ``"03/index_builder"``).

    Columns ``control``, ``value`` (as text; lists joined with ``", "``),
    ``learners`` (how many chose it), sorted by control then count.
    """
    counts: Counter[tuple[str, str]] = Counter()
    for doc in data.documents.values():
        state = doc["widgets"].get(key)
        if not isinstance(state, dict):
            continue
        for control, value in state.items():
            if isinstance(value, list | tuple):
                shown = ", ".join(map(str, value))
            elif isinstance(value, dict):
                shown = json.dumps(value, sort_keys=True, ensure_ascii=False)
            else:
                shown = str(value)
            counts[(str(control), shown[:200])] += 1
    rows = [{"control": c, "value": v, "learners": n} for (c, v), n in counts.items()]
    df = pd.DataFrame(rows, columns=["control", "value", "learners"])
    return df.sort_values(["control", "learners", "value"], ascending=[True, False, True],
                          ignore_index=True)


def self_checks(data: ClassData, lesson: str) -> pd.DataFrame:
    """Per exercise self-check of a lesson (:func:`widgets.check`): how many learners tried,
    how many have it right now, how many got it right at some point, and the mean attempts.

    Read from the widget key ``"<lesson>/checks"`` of each portfolio.
    """
    stats: dict[str, dict[str, float]] = {}
    for doc in data.documents.values():
        entries = doc["widgets"].get(f"{lesson}/checks")
        if not isinstance(entries, dict):
            continue
        for exercise, entry in entries.items():
            if not isinstance(entry, dict):
                continue
            row = stats.setdefault(str(exercise), {"tried": 0, "right": 0, "ever_right": 0,
                                                   "attempts": 0})
            row["tried"] += 1
            row["right"] += bool(entry.get("right"))
            row["ever_right"] += bool(entry.get("ever_right") or entry.get("right"))
            try:
                row["attempts"] += max(1, int(entry.get("attempts", 1)))
            except (TypeError, ValueError):
                row["attempts"] += 1
    rows = [{"exercise": k, "tried": int(v["tried"]), "right": int(v["right"]),
             "ever_right": int(v["ever_right"]),
             "mean_attempts": round(v["attempts"] / v["tried"], 2)}
            for k, v in sorted(stats.items())]
    return pd.DataFrame(rows, columns=["exercise", "tried", "right", "ever_right",
                                       "mean_attempts"])


def _quiz_score(doc: dict[str, Any], lesson: str, questions: list[Any]) -> float | None:
    from widgets.quiz import grade

    state = doc["quizzes"].get(lesson)
    answers = state.get("answers") if isinstance(state, dict) else None
    if not isinstance(answers, dict) or all(v in (None, "", []) for v in answers.values()):
        return None
    right = 0
    theirs = _learner_questions(doc, lesson)
    for q in questions:
        q = theirs.get(q.id, q)
        response = answers.get(q.id)
        if response in (None, "", []):
            continue
        try:
            right += grade(q, response).correct
        except Exception:  # noqa: BLE001
            pass
    return right / len(questions)


def completion(data: ClassData, lessons: list[str] | None = None) -> pd.DataFrame:
    """Per learner and lesson: ``saved_work`` (any widget saved), ``quiz_score`` (0–1 or NaN).

    Quiz scores count right answers out of all the lesson's questions.
    """
    lessons = lessons if lessons is not None else _all_quiz_lessons()
    quizzes = {lesson: _questions(lesson)[1] for lesson in lessons
               if (QUIZ_DIR / f"{lesson}.yml").exists()}
    rows = []
    for label in data.learners:
        doc = data.documents[label]
        for lesson in lessons:
            saved = any(k.split("/", 1)[0] == lesson for k in doc["widgets"])
            score = _quiz_score(doc, lesson, quizzes[lesson]) if lesson in quizzes else None
            rows.append({"learner": label, "lesson": lesson, "saved_work": saved,
                         "quiz_score": float("nan") if score is None else score})
    return pd.DataFrame(rows, columns=["learner", "lesson", "saved_work", "quiz_score"])


def _all_quiz_lessons() -> list[str]:
    return sorted(p.stem for p in QUIZ_DIR.glob("*.yml"))


#: Gradebook layouts. Moodle ("Import grades > CSV file") maps one column to a user
#: field (username, ID number or email) and each other column to a grade item in
#: its import form. Canvas's gradebook import expects ``Student``, ``ID``,
#: ``SIS User ID``, ``SIS Login ID``, ``Section`` first, then one column per assignment.
GRADEBOOK_FORMATS = ("moodle", "canvas")


def gradebook_rows(data: ClassData, lessons: list[str] | None = None,
                   fmt: str = "moodle") -> list[dict[str, Any]]:
    """One row per learner: identifier, knowledge-check score per lesson (0–100), completion.

    Columns (``fmt="moodle"``): ``Learner`` (the code, or the name when the
    class was loaded with ``pseudonymise=False``), ``Lesson NN knowledge check
    (%)`` for each lesson, ``Lessons with saved work`` (a count) and
    ``Lessons with a knowledge check`` (a count). ``fmt="canvas"`` puts the
    identifier in ``Student`` and ``SIS Login ID`` and adds Canvas's empty
    ``ID``, ``SIS User ID``, ``Section`` columns before the scores. A score is
    empty when the learner saved no answer for that lesson.
    """
    if fmt not in GRADEBOOK_FORMATS:
        raise LabInputError(_("Choose a gradebook format: {formats}.").format(
            formats=", ".join(GRADEBOOK_FORMATS)))
    table = completion(data, lessons)
    rows = []
    for label in data.learners:
        mine = table[table["learner"] == label]
        row: dict[str, Any]
        if fmt == "canvas":
            row = {"Student": label, "ID": "", "SIS User ID": "", "SIS Login ID": label,
                   "Section": ""}
        else:
            row = {"Learner": label}
        for lesson, score in zip(mine["lesson"], mine["quiz_score"], strict=True):
            row[f"Lesson {lesson} knowledge check (%)"] = "" if pd.isna(score) \
                else round(100 * float(score), 1)
        row["Lessons with saved work"] = int(mine["saved_work"].sum())
        row["Lessons with a knowledge check"] = int(mine["quiz_score"].notna().sum())
        rows.append(row)
    return rows


def _safe_cell(value: Any) -> Any:
    """Neutralise a spreadsheet formula in a learner's text (``=``, ``+``, ``-``, ``@``)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def gradebook_csv(data: ClassData, lessons: list[str] | None = None, fmt: str = "moodle"
                  ) -> str:
    """:func:`gradebook_rows` as CSV text (UTF-8, comma-separated, header row)."""
    rows = gradebook_rows(data, lessons, fmt)
    out = io.StringIO()
    columns = list(rows[0]) if rows else ["Learner"]
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _safe_cell(v) for k, v in row.items()})
    return out.getvalue()


def summary_html(data: ClassData, lessons: list[str] | None = None,
                 title: str = "", teams: pd.DataFrame | None = None,
                 include_notes: bool = False) -> str:
    """A printable, self-contained HTML page: who is in, problems, quiz results per lesson,
    the class's choices in the widgets (with the debrief prompts), the scenario teams
    (``teams``: :func:`team_rounds`) and, only if ``include_notes``, the notes learners
    agreed to share.

    Every learner string (names, answers, file names, notes) is escaped.
    """
    from widgets.i18n import get_language

    esc = html.escape
    title = title or _("Class summary")
    lessons = lessons if lessons is not None else [
        lesson for lesson in data.lessons() if (QUIZ_DIR / f"{lesson}.yml").exists()]
    n = len(data.learners)
    read = (ngettext("{n} learner's portfolio read (names replaced by codes).",
                     "{n} learners' portfolios read (names replaced by codes).", n)
            if data.pseudonymised else
            ngettext("{n} learner's portfolio read.", "{n} learners' portfolios read.", n))
    parts = [
        f"<!DOCTYPE html><html lang='{get_language()}'><head><meta charset='utf-8'>",
        f"<title>{esc(title)}</title><style>body{{font-family:system-ui,sans-serif;"
        "max-width:60em;margin:2em auto;color:#222}table{border-collapse:collapse;"
        "margin:0.5em 0 1.5em}th,td{border:1px solid #999;padding:3px 8px;text-align:left;"
        "vertical-align:top}caption{text-align:left;font-weight:bold}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        f"<p>{read.format(n=n)}</p>",
    ]
    if data.problems:
        parts.append("<h2>" + _("Files that could not be used") + "</h2><ul>")
        parts += ["<li>" + _("{file}: {reason}").format(file=f"<b>{esc(p.file)}</b>",
                                                        reason=esc(p.reason)) + "</li>"
                  for p in data.problems]
        parts.append("</ul>")
    for lesson in lessons:
        results = quiz_results(data, lesson)
        parts.append("<h2>" + _("Lesson {lesson}: knowledge check").format(lesson=esc(lesson))
                     + "</h2><table><caption>"
                     + _("Share right per question, and the most common wrong answer")
                     + "</caption><tr><th>#</th>" + "".join(f"<th>{h}</th>" for h in (
                         _("Question"), _("Answered"), _("Right"), _("Most common wrong answer"),
                         _("What it suggests"))) + "</tr>")
        for r in results.itertuples():
            share = "–" if pd.isna(r.share_right) else format_percent(r.share_right)
            wrong = f"{esc(r.common_wrong)} ({r.common_wrong_count})" if r.common_wrong else "–"
            parts.append(f"<tr><td>{r.number}</td><td>{esc(r.prompt)}</td><td>{r.answered}</td>"
                         f"<td>{share}</td><td>{wrong}</td><td>{esc(r.misconception)}</td></tr>")
        parts.append("</table>")
    table = completion(data, lessons) if lessons else None
    if table is not None and not table.empty:
        parts.append("<h2>" + _("Completion") + "</h2><table><tr><th>" + _("Learner") + "</th>"
                     + "".join(f"<th>{esc(lesson)}</th>" for lesson in lessons) + "</tr>")
        for label in data.learners:
            mine = table[table["learner"] == label].set_index("lesson")
            cells = []
            for lesson in lessons:
                score = mine.loc[lesson, "quiz_score"]
                cells.append("–" if pd.isna(score) else format_percent(score))
            parts.append(f"<tr><td>{esc(label)}</td>"
                         + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        parts.append("</table>")
    parts += _choices_summary(data)
    if teams is not None and not teams.empty:
        parts.append("<h2>" + _("Lesson 10: scenario teams round by round") + "</h2><table><tr>"
                     + "".join(f"<th>{h}</th>" for h in (
                         _("Team"), _("Round"), _("Responses"), _("Cost (US$ million)"),
                         _("Lives averted"), _("Displacement averted"), _("Members"))) + "</tr>")
        parts += [f"<tr><td>{esc(str(r.team))}</td><td>{int(r.round)}</td>"
                  f"<td>{esc(str(r.responses))}</td>"
                  f"<td>{format_number(float(f'{r.cost_musd:.4g}'))}</td>"
                  f"<td>{format_number(r.lives_averted, 0)}</td>"
                  f"<td>{format_number(r.displacement_averted, 0)}</td>"
                  f"<td>{esc(str(r.members))}</td></tr>" for r in teams.itertuples()]
        parts.append("</table><p><b>" + _("Discuss this:") + "</b> "
                     + esc(team_rounds_discuss(teams)) + "</p>")
    if include_notes:
        notes = class_notes(data)
        shared, withheld = notes_sharing(data)
        parts.append("<h2>" + _("Notes learners agreed to share") + "</h2><p>" + ngettext(
            "{shared} learner agreed; {withheld} did not, and their notes are not in this page.",
            "{shared} learners agreed; {withheld} did not, and their notes are not in this page.",
            shared).format(shared=shared, withheld=withheld) + "</p><ul>")
        parts += ["<li>" + _("{learner}, lesson {lesson}: {note}").format(
                      learner=f"<b>{esc(r.learner)}</b>", lesson=esc(r.lesson), note=esc(r.note))
                  + "</li>" for r in notes.itertuples()]
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _choices_summary(data: ClassData) -> list[str]:
    """The summary page's part on the widgets: each view's text, prompt and a small table."""
    esc = html.escape
    parts: list[str] = []
    for lesson in data.lessons():
        views = choice_views(data, lesson)
        if not views:
            continue
        parts.append("<h2>" + _("Lesson {lesson}: choices in the widgets").format(
            lesson=esc(lesson)) + "</h2>")
        for view in views:
            parts.append(f"<h3>{esc(view.title)}</h3><p>{esc(view.description)}</p>"
                         + "<p><b>" + _("Discuss this:") + f"</b> {esc(view.discuss)}</p>")
            if view.kind == "counts":
                parts.append("<table><tr>" + "".join(f"<th>{h}</th>" for h in (
                    _("Choice"), _("Answer"), _("Learners"))) + "</tr>")
                parts += [f"<tr><td>{esc(str(r.question))}</td><td>{esc(str(r.answer))}</td>"
                          f"<td>{int(r.learners)}</td></tr>" for r in view.table.itertuples()]
            else:
                summary = view.table.groupby(["item", "group"], sort=False)["value"].agg(
                    ["median", "min", "max"]).reset_index()
                parts.append("<table><tr>" + "".join(f"<th>{h}</th>" for h in (
                    _("Item"), _("Group"), _("Median"), _("Lowest"), _("Highest"))) + "</tr>")
                parts += [f"<tr><td>{esc(str(r.item))}</td><td>{esc(str(r.group))}</td>"
                          f"<td>{format_number(float(f'{r.median:.3g}'))}</td>"
                          f"<td>{format_number(float(f'{r.min:.3g}'))}</td>"
                          f"<td>{format_number(float(f'{r.max:.3g}'))}</td></tr>"
                          for r in summary.itertuples()]
            parts.append("</table>")
    return parts


def demo_class(folder: str | Path, learners: int = 30, lessons: tuple[str, ...] = ("03", "04"),
               seed: int = 2026) -> Path:
    """Write a SYNTHETIC class of portfolios (for demonstrations and tests) under ``folder``.

    Files go to ``<folder>/learners/DEMO-NN/portfolio.json``, written with the
    portfolio's own functions, so they look exactly like a class's saved work.
    The learners are called "Synthetic learner NN"; their answers are drawn at
    random (seeded), each question having a made-up difficulty. Nothing here
    is real learners' data.

    >>> import tempfile
    >>> room = demo_class(tempfile.mkdtemp(), learners=3)
    >>> len(load_class(room).learners)
    3
    """
    import random

    from widgets.i18n import get_language
    from widgets.portfolio import new_document, save_document

    rng = random.Random(seed)
    folder = Path(folder)
    # answers are option texts in the language a portfolio records (the kernel's language)
    quizzes = {lesson: _questions(lesson, get_language())[1] for lesson in lessons}
    difficulty = {(lesson, q.id): rng.uniform(0.3, 0.95)
                  for lesson, qs in quizzes.items() for q in qs}
    for n in range(1, learners + 1):
        doc = new_document(f"Synthetic learner {n:02d}")
        for lesson, questions in quizzes.items():
            answers: dict[str, Any] = {}
            for q in questions:
                if rng.random() < 0.1:
                    answers[q.id] = None                      # not answered
                    continue
                right = rng.random() < difficulty[(lesson, q.id)]
                if q.type == "numeric":
                    target = float(q.answer or 0)
                    answers[q.id] = target if right else round(target * rng.choice(
                        (0.5, 0.9, 1.2, 2.0)) + 1, 3)
                elif q.type == "single":
                    wrong = [o.text for o in q.options if not o.correct]
                    # most wrong answers fall on the first wrong option: a shared misconception
                    answers[q.id] = next(o.text for o in q.options if o.correct) if right \
                        else (wrong[0] if rng.random() < 0.7 else rng.choice(wrong))
                else:
                    correct = [o.text for o in q.options if o.correct]
                    answers[q.id] = correct if right else correct[:1]
            doc["quizzes"][lesson] = {"lesson": lesson, "answers": answers}
        doc["widgets"]["03/index_builder"] = {
            "normalisation": rng.choice(("min_max", "min_max", "z_score", "goalposts")),
            "aggregation": rng.choice(("arithmetic", "geometric")),
            "preset": rng.choice(("equal", "equal", "hdi_like"))}
        if rng.random() < 0.5:
            doc["notes"]["03"] = "Synthetic note: the weights are a political choice."
        _demo_widgets(doc, rng, n)
        path = folder / "learners" / f"DEMO-{n:02d}" / "portfolio.json"
        save_document(doc, path)
        _demo_checks(path, rng)
    _demo_team_plans(folder / "teams", rng)
    return folder / "learners"


#: The synthetic class's scenario teams (lesson 10).
DEMO_TEAMS = ("Team Blue", "Team Green", "Team Orange", "Team Purple")


def _demo_widgets(doc: dict[str, Any], rng: Any, n: int) -> None:
    """Synthetic choices in the widgets of lessons 03, 04, 06, 07, 08 and 10 (drawn at random)."""
    from widgets import risk as rk
    from widgets import screening as sc
    from widgets import triad

    doc["widgets"]["03/index_builder"]["indicator_weights"] = {
        "life_expectancy": rng.choice((1, 1, 2, 3)), "under5_mortality": rng.choice((1, 1, 2)),
        "expected_schooling": rng.choice((1, 2)), "gni_pc": rng.choice((0.5, 1, 1))}
    model = {dim: list(ids) for dim, ids in rk.DEFAULT_MODEL.items()}
    if rng.random() < 0.4:                                   # a common "argue with the model"
        model["hazard_exposure"].append("co2_pc")
    if rng.random() < 0.2:
        model["vulnerability"].remove("gini")
    doc["widgets"]["04/risk_assessment"] = {"year": 2022, "country": "KEN", **model}
    a = {f"a_{k}": 0 for k in triad.instrument_ids()}
    b = dict.fromkeys((f"b_{k}" for k in triad.instrument_ids()), 0)
    a.update({"a_deterrence": rng.choice((40, 60, 80)), "a_peacekeeping": 20,
              "a_health_systems": rng.choice((0, 10, 20))})
    b.update({"b_mediation": rng.choice((10, 20, 30)), "b_health_systems": rng.choice((20, 30)),
              "b_education": rng.choice((10, 20)), "b_deterrence": rng.choice((10, 20, 40))})
    doc["widgets"]["06/policy_portfolio"] = {**a, **b}
    instrument = rng.choice(("comprehensive_sanctions", "comprehensive_sanctions",
                             "targeted_sanctions", "humanitarian_exemptions"))
    screening = {"instrument": instrument, "country": "IRQ", "author": "", "notes": ""}
    severe = instrument == "comprehensive_sanctions"
    for aspect in sc.aspect_labels():
        screening[f"rate_{aspect}"] = rng.choice((-2, -1, -1, 0) if severe else (-1, 0, 0, 1))
    for mitigation in ("humanitarian_carve_out", "impact_monitoring", "safety_net"):
        screening[f"mitigate_{mitigation}"] = rng.random() < 0.4
    doc["widgets"]["07/instrument_screening"] = screening
    options = ["Cash transfers", "Mobile clinics", "Water points", "Security patrols"]
    order = options[:]
    rng.shuffle(order)
    if rng.random() < 0.45:                                  # a shared favourite
        order.remove("Water points")
        order.insert(0, "Water points")
    doc["widgets"]["08/consultation"] = {
        "options_text": ", ".join(options),
        "typed": [{"participant": f"P{n:02d}", "group": rng.choice(("Host community",
                                                                   "Refugees", "Youth")),
                   "affected": rng.randint(1, 5), "order": " > ".join(order)}],
        "stakeholders": []}
    doc["widgets"]["10/scenario"] = {"team_name": DEMO_TEAMS[(n - 1) % len(DEMO_TEAMS)],
                                     "round_no": 2}
    doc["notes"]["10"] = f"Synthetic note: our team ({doc['widgets']['10/scenario']['team_name']})" \
        " argued about what to fund first."
    if rng.random() < 0.6:                                   # consent is opt-in, per learner
        from widgets.portfolio import set_notes_shared

        set_notes_shared(doc, True)


def _demo_checks(path: Path, rng: Any) -> None:
    """Synthetic self-check attempts, made with :func:`widgets.check` itself."""
    from widgets.selfcheck import check, load_checks

    for lesson in ("01", "03"):
        for exercise, question in load_checks(lesson).items():
            if rng.random() < 0.25:
                continue                                    # did not try
            if question.type == "numeric":
                right, wrong = round(float(question.answer), 3), 0.5
            else:
                right = next(o.text for o in question.options if o.correct)
                wrong = next(o.text for o in question.options if not o.correct)
            if rng.random() < 0.4:
                check(lesson, exercise, wrong, portfolio=path)
            if rng.random() < 0.8:
                check(lesson, exercise, right, portfolio=path)


def _demo_team_plans(folder: Path, rng: Any) -> None:
    """Two rounds of plans for each synthetic team, run through the lab's scenario model."""
    from widgets import scenarios as sc
    from widgets.scenario_storage import save_team_plan
    from widgets.scenario_teams import plan_record

    spec = sc.load_model_spec()
    profile = sc.CountryProfile.from_values("Arcadia (fictional)", population=5e6)
    shocks = [sc.Shock("drought", 0.8, 2, 4)]
    menu = ["early_warning", "health_system", "social_protection", "humanitarian_aid",
            "military_deployment"]
    for team in DEMO_TEAMS:
        chosen = rng.sample(menu, 2)
        for round_no in (1, 2):
            if round_no == 2:
                chosen = chosen[:1] + [rng.choice([m for m in menu if m not in chosen])]
            responses = [sc.Response(kind, rng.choice((0.5, 1.0)), rng.choice((0, 2, 4)))
                         for kind in chosen]
            result = sc.run_scenario(profile, shocks, responses, spec)
            save_team_plan(folder, plan_record(team, round_no, result, spec), overwrite=True)


# ============================================================== choices in the widgets
@dataclass(frozen=True)
class ChoiceView:
    """How the class set one widget, ready for a chart and a debrief.

    ``kind`` is ``"counts"`` (``table``: ``question, answer, learners, note``:
    how many learners chose each answer) or ``"values"`` (``table``: ``item,
    group, learner, value``: one row per learner and item, e.g. a weight).
    ``description`` says in words what the chart shows for this class;
    ``discuss`` is a prompt for the debrief.
    """

    key: str
    title: str
    kind: str
    table: pd.DataFrame
    description: str
    discuss: str
    value_title: str = ""
    learners: int = 0


_COUNT_COLUMNS = ["question", "answer", "learners", "note"]
_VALUE_COLUMNS = ["item", "group", "learner", "value"]


def _states(data: ClassData, key: str) -> list[tuple[str, dict[str, Any]]]:
    """``(learner, state)`` for every learner who saved widget ``key`` (a dict)."""
    return [(label, data.documents[label]["widgets"][key]) for label in data.learners
            if isinstance(data.documents[label]["widgets"].get(key), dict)]


def _counts(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """Count ``(question, answer, note)`` triples into a counts table, most chosen first."""
    counter = Counter(rows)
    table = pd.DataFrame([{"question": q, "answer": a, "learners": n, "note": note}
                          for (q, a, note), n in counter.items()], columns=_COUNT_COLUMNS)
    return table.sort_values(["question", "learners", "answer"], ascending=[True, False, True],
                             ignore_index=True)


def _top(table: pd.DataFrame, question: str) -> tuple[str, int]:
    part = table[table["question"] == question]
    if part.empty:
        return "", 0
    row = part.iloc[0]
    return str(row["answer"]), int(row["learners"])


def _labels() -> dict[str, str]:
    from widgets import data as lab_data

    return lab_data.load_catalogue()["short_label"].to_dict()


def index_choices(data: ClassData, key: str = "03/index_builder") -> list[ChoiceView]:
    """Lesson 03's index builder: normalisation, aggregation and weighting chosen, and the
    final weight each learner gave each indicator (:func:`widgets.indexing.combine_weights`).

    >>> room = ClassData(documents={"L1": {"widgets": {"03/index_builder": {
    ...     "normalisation": "z_score", "aggregation": "geometric", "preset": "own",
    ...     "indicator_weights": {"life_expectancy": 3, "under5_mortality": 1}}}}})
    >>> views = index_choices(room)
    >>> views[0].table.loc[0, ["question", "answer"]].tolist()
    ['Aggregation', 'Geometric mean (a bad score is hard to make up for)']
    >>> views[1].table["value"].tolist()
    [75.0, 25.0]
    """
    from widgets import data as lab_data
    from widgets import indexing as ix

    states = _states(data, key)
    if not states:
        return []
    q_norm, q_agg = _("Normalisation"), _("Aggregation")
    named = {"normalisation": (q_norm, ix.NORMALISATIONS),
             "aggregation": (q_agg, ix.AGGREGATIONS),
             "preset": (_("Weights"), ix.WEIGHT_PRESETS)}
    rows = [(title, _(labels.get(str(state[control]), str(state[control]))), "")
            for _s, state in states for control, (title, labels) in named.items()
            if control in state]
    counts = _counts(rows)
    n = len(states)
    norm, n_norm = _top(counts, q_norm)
    agg, n_agg = _top(counts, q_agg)
    kinds = counts.groupby("question")["answer"].nunique().to_dict()
    text = (ngettext("Lesson 03 index builder, saved by {n} learner.",
                     "Lesson 03 index builder, saved by {n} learners.", n).format(n=n) + " "
            + (_("Most common normalisation: {choice} ({k} of {n}).").format(
                choice=norm, k=n_norm, n=n) + " " if norm else "")
            + (_("Most common aggregation: {choice} ({k} of {n}).").format(
                choice=agg, k=n_agg, n=n) + " " if agg else "")
            + _("Normalisations used by the class: {norms}; aggregations: {aggs}.").format(
                norms=kinds.get(q_norm, 0), aggs=kinds.get(q_agg, 0)))
    discuss = _("Pick two learners who chose differently and put their top ten countries side "
                "by side. Which choice moved a country the most, and which choice would each of "
                "them defend in front of the ministry that publishes the index?")
    views = [ChoiceView(key, _("How the class built the index"), "counts", counts, text,
                        discuss, learners=n)]
    catalogue = lab_data.load_catalogue()
    labels = catalogue["short_label"].to_dict()
    dimension_of = catalogue["dimension"].to_dict()
    values = []
    for learner, state in states:
        iw = state.get("indicator_weights")
        if not isinstance(iw, dict) or not iw:
            continue
        try:
            iw = {str(k): float(v) for k, v in iw.items() if str(k) in dimension_of}
            dw = state.get("dimension_weights")
            dims = {dimension_of[i] for i in iw}
            dw = ({str(k): float(v) for k, v in dw.items()} if isinstance(dw, dict) and dw
                  else dict.fromkeys(dims, 1.0))
            final = ix.combine_weights(iw, dimension_of, dw)
        except (LabInputError, TypeError, ValueError, KeyError):
            continue                       # a damaged or all-zero weighting is left out
        values += [{"item": _(labels.get(i, i)), "group": "", "learner": learner,
                    "value": round(100 * w, 1)} for i, w in final.items()]
    if values:
        table = pd.DataFrame(values, columns=_VALUE_COLUMNS)
        spread = table.groupby("item")["value"].agg(["min", "max", "median"])
        widest = (spread["max"] - spread["min"]).idxmax()
        k = table["learner"].nunique()
        text = ngettext(
            "Final weight of each indicator in the learners' indices (% of the index), {k} "
            "learner; a dot's size is the number of learners who gave that weight, the black "
            "tick the class's median. The widest disagreement is on {item}: from {low} to "
            "{high} (median {median}).",
            "Final weight of each indicator in the learners' indices (% of the index), {k} "
            "learners; a dot's size is the number of learners who gave that weight, the black "
            "tick the class's median. The widest disagreement is on {item}: from {low} to "
            "{high} (median {median}).", k).format(
                k=k, item=widest, low=format_percent(spread.loc[widest, "min"] / 100),
                high=format_percent(spread.loc[widest, "max"] / 100),
                median=format_percent(spread.loc[widest, "median"] / 100))
        discuss = _("Weights are value judgements. Ask the learners who gave {item} the most "
                    "and the least weight to argue their case: what would each weighting tell a "
                    "minister to do first?").format(item=widest)
        views.append(ChoiceView(key, _("Weights the class gave each indicator"), "values", table,
                                text, discuss, value_title=_("Weight in the index (%)"),
                                learners=k))
    return views


def risk_mapping_choices(data: ClassData, key: str = "04/risk_assessment") -> list[ChoiceView]:
    """Lesson 04's risk model: which indicators the class put in each dimension.

    ``note`` says whether the indicator is in that dimension in the lab's own
    mapping (:data:`widgets.risk.DEFAULT_MODEL`) or was added by learners.

    >>> room = ClassData(documents={"L1": {"widgets": {"04/risk_assessment": {
    ...     "hazard_exposure": ["homicide_rate", "co2_pc"]}}}})
    >>> t = risk_mapping_choices(room)[0].table
    >>> t[["answer", "note"]].values.tolist()
    [['CO2 per person', "Added (not in the lab's mapping)"], ['Homicide rate', "In the lab's mapping"]]
    """
    from widgets import risk as rk

    states = _states(data, key)
    if not states:
        return []
    labels = {k: _(v) for k, v in _labels().items()}
    inside_note, added_note = _("In the lab's mapping"), _("Added (not in the lab's mapping)")
    rows, changed = [], 0
    added: Counter[tuple[str, str]] = Counter()
    for _learner, state in states:
        differs = False
        for dim, title in rk.RISK_DIMENSIONS.items():
            title = _(title)
            chosen = state.get(dim)
            if not isinstance(chosen, list | tuple):
                continue
            default = set(rk.DEFAULT_MODEL[dim])
            differs |= set(map(str, chosen)) != default
            for ind in chosen:
                ind = str(ind)
                inside = ind in default
                rows.append((title, labels.get(ind, ind), inside_note if inside else added_note))
                if not inside:
                    added[(labels.get(ind, ind), title)] += 1
        changed += differs
    counts = _counts(rows)
    n = len(states)
    text = ngettext("Lesson 04 risk model, saved by {n} learner: {changed} changed the lab's "
                    "mapping of indicators to the three dimensions. Bars count the learners who "
                    "put each indicator in each dimension.",
                    "Lesson 04 risk model, saved by {n} learners: {changed} changed the lab's "
                    "mapping of indicators to the three dimensions. Bars count the learners who "
                    "put each indicator in each dimension.", n).format(n=n, changed=changed)
    if added:
        (ind, dim), times = added.most_common(1)[0]
        text += " " + ngettext("The most common addition: {indicator} in {dimension} ({n} "
                               "learner).",
                               "The most common addition: {indicator} in {dimension} ({n} "
                               "learners).", times).format(indicator=ind, dimension=dim, n=times)
        discuss = ngettext("{n} learner put {indicator} in {dimension}. Ask them what it is "
                           "meant to measure there, and what a better measure would be if the "
                           "data existed.",
                           "{n} learners put {indicator} in {dimension}. Ask them what it is "
                           "meant to measure there, and what a better measure would be if the "
                           "data existed.", times).format(n=times, indicator=ind, dimension=dim)
    else:
        discuss = _("Nobody changed the lab's mapping. Ask the room which indicator they trust "
                    "least as a measure of its dimension, and what it would take to replace it.")
    return [ChoiceView(key, _("How the class mapped indicators to risk dimensions"), "counts",
                       counts, text, discuss, learners=n)]


def portfolio_choices(data: ClassData, key: str = "06/policy_portfolio") -> list[ChoiceView]:
    """Lesson 06's policy portfolios A and B: budget share per pillar, and long-term scores
    on each outcome (as :func:`widgets.triad.scorecard` computes them for each portfolio).

    >>> room = ClassData(documents={"L1": {"widgets": {"06/policy_portfolio": {
    ...     "a_deterrence": 100, "b_mediation": 50, "b_health_systems": 50}}}})
    >>> shares, scores = portfolio_choices(room)
    >>> shares.table.query("group == 'Portfolio B'").set_index("item")["value"].to_dict()
    {'Diplomacy': 50.0, 'Development': 50.0, 'Defence': 0.0}
    >>> from widgets.triad import normalise_allocation, scorecard
    >>> card = scorecard(normalise_allocation({"mediation": 50, "health_systems": 50}))
    >>> b = scores.table.query("group == 'Portfolio B'").set_index("item")["value"]
    >>> bool((card.xs("long", level="horizon").set_index("label")["score"].round(2) == b).all())
    True
    """
    from widgets import triad

    states = _states(data, key)
    if not states:
        return []
    matrix = triad.load_matrix()
    ids = triad.instrument_ids()
    # the long-term scores as an (instruments x outcomes) array: a portfolio's scores are
    # shares @ scores, exactly triad.scorecard's sum of share x score (computed once here)
    long = triad.matrix_table(matrix).query("horizon == 'long'").pivot(
        index="instrument", columns="outcome", values="score")
    outcomes = list(matrix["outcomes"])
    long = long.loc[ids, outcomes].to_numpy()
    outcome_labels = [_(matrix["outcomes"][o]["label"]) for o in outcomes]
    groups = {"a": _("Portfolio A"), "b": _("Portfolio B")}
    shares_rows, score_rows = [], []
    for learner, state in states:
        for side in ("a", "b"):
            group = groups[side]
            try:
                amounts = {k: float(state.get(f"{side}_{k}", 0) or 0) for k in ids}
                shares = triad.normalise_allocation(amounts)
            except (LabInputError, TypeError, ValueError):
                continue                   # an empty or damaged budget is left out
            for pillar, share in triad.pillar_totals(shares, matrix).items():
                shares_rows.append({"item": _(matrix["pillars"][pillar]), "group": group,
                                    "learner": learner, "value": round(100 * share, 1)})
            scores = [shares[k] for k in ids] @ long
            score_rows += [{"item": label, "group": group, "learner": learner,
                            "value": round(float(v), 2)} for label, v in zip(outcome_labels, scores,
                                                                               strict=True)]
    if not shares_rows:
        return []
    shares_t = pd.DataFrame(shares_rows, columns=_VALUE_COLUMNS)
    scores_t = pd.DataFrame(score_rows, columns=_VALUE_COLUMNS)
    med = shares_t.groupby(["group", "item"])["value"].median()
    n = shares_t["learner"].nunique()
    medians = _("; ").join(_("{group}: {shares}").format(group=g, shares=", ".join(
        f"{i} {format_percent(v / 100)}" for i, v in med[g].items()))
        for g in med.index.get_level_values(0).unique())
    text = ngettext("Lesson 06 policy portfolios of {n} learner: budget share per pillar (%); a "
                    "dot's size is the number of learners who chose that share. Median shares: "
                    "{medians}.",
                    "Lesson 06 policy portfolios of {n} learners: budget share per pillar (%); a "
                    "dot's size is the number of learners who chose that share. Median shares: "
                    "{medians}.", n).format(n=n, medians=medians)
    discuss = _("Where did the class put the money, and why? Ask a learner with a large defence "
                "share and one with a small one to explain what risk each was insuring against.")
    human = scores_t[scores_t["item"].isin(
        [_(v["label"]) for v in matrix["outcomes"].values() if v["kind"] == "human"])]
    mean_human = human.groupby(["learner", "group"])["value"].mean().unstack()
    b_ahead = int((mean_human.get(groups["b"], 0) > mean_human.get(groups["a"], 0)).sum()) \
        if set(groups.values()) <= set(mean_human.columns) else 0
    score_text = ngettext(
        "Long-term scores of the learners' portfolios on each outcome (the lab's teaching "
        "matrix, −1 to 3); a dot's size is the number of learners. For {ahead} of {n} learner, "
        "portfolio B scores higher than A on the average of the human-security outcomes.",
        "Long-term scores of the learners' portfolios on each outcome (the lab's teaching "
        "matrix, −1 to 3); a dot's size is the number of learners. For {ahead} of {n} learners, "
        "portfolio B scores higher than A on the average of the human-security outcomes.",
        n).format(ahead=b_ahead, n=n)
    score_discuss = _("The scores come from an assumed matrix, not from evidence. Which cell of "
                      "the matrix would change the class's ranking of A and B if it were wrong?")
    return [ChoiceView(key, _("How the class shared the budget"), "values", shares_t, text,
                       discuss, value_title=_("Share of the budget (%)"), learners=n),
            ChoiceView(key, _("How the class's portfolios score (teaching matrix)"), "values",
                       scores_t, score_text, score_discuss,
                       value_title=_("Long-term score (teaching matrix)"), learners=n)]


#: Screening verdicts, worst first (a summary of :func:`widgets.screening.summarise_screening`).
SCREENING_VERDICTS = (N_("Serious harm, not mitigated"), N_("Harm, not mitigated"),
                      N_("Harm, mitigated"), N_("No harm rated"))


def screening_verdict(summary: dict[str, Any]) -> str:
    """One verdict from a screening summary (:func:`widgets.screening.summarise_screening`).

    >>> from widgets.screening import summarise_screening
    >>> screening_verdict(summarise_screening({"food": -2}, []))
    'Serious harm, not mitigated'
    >>> screening_verdict(summarise_screening({"food": 1}, []))
    'No harm rated'
    """
    if set(summary["serious"]) & set(summary["unmitigated"]):
        return SCREENING_VERDICTS[0]
    if summary["unmitigated"]:
        return SCREENING_VERDICTS[1]
    if summary["harms"]:
        return SCREENING_VERDICTS[2]
    return SCREENING_VERDICTS[3]


def screening_choices(data: ClassData, key: str = "07/instrument_screening"
                      ) -> list[ChoiceView]:
    """Lesson 07's do-no-harm screenings: instrument screened, verdict, and each rating.

    >>> room = ClassData(documents={"L1": {"widgets": {"07/instrument_screening": {
    ...     "instrument": "comprehensive_sanctions", "rate_food": -2}}}})
    >>> views = screening_choices(room)
    >>> views[0].table.query("question == 'Verdict'")["answer"].tolist()
    ['Serious harm, not mitigated']
    """
    from widgets import screening as sc

    states = _states(data, key)
    if not states:
        return []
    guidance = sc.load_guidance()
    labels = sc.aspect_labels()
    q_instrument, q_verdict = _("Instrument screened"), _("Verdict")
    g_dimension, g_group = _("Dimension"), _("Group")
    rows, values = [], []
    for learner, state in states:
        try:
            ratings = {k: sc.check_rating(state.get(f"rate_{k}", 0)) for k in labels}
            mitigations = [k for k in guidance["mitigations"] if state.get(f"mitigate_{k}")]
            summary = sc.summarise_screening(ratings, mitigations)
        except LabInputError:
            continue
        instrument = str(state.get("instrument", ""))
        label = _(guidance["instruments"].get(instrument, {}).get("label", instrument or "?"))
        rows += [(q_instrument, label, ""), (q_verdict, _(screening_verdict(summary)), "")]
        values += [{"item": _(labels[k]), "group": g_dimension if k in guidance["dimensions"]
                    else g_group, "learner": learner, "value": r} for k, r in ratings.items()]
    if not rows:
        return []
    counts = _counts(rows)
    n = len(rows) // 2
    verdict, times = _top(counts, q_verdict)
    text = ngettext("Lesson 07 screenings saved by {n} learner: the instrument each screened and "
                    "the verdict from their ratings and mitigations. Most common verdict: "
                    "{verdict} ({k} of {n}).",
                    "Lesson 07 screenings saved by {n} learners: the instrument each screened and "
                    "the verdict from their ratings and mitigations. Most common verdict: "
                    "{verdict} ({k} of {n}).", n).format(n=n, verdict=verdict, k=times)
    discuss = _("Put two learners who screened the same instrument with different verdicts side "
                "by side. Which rating differs, and what evidence would settle it?")
    table = pd.DataFrame(values, columns=_VALUE_COLUMNS)
    spread = table.groupby("item")["value"].agg(["min", "max", "mean"])
    worst = spread["mean"].idxmin()
    rating_text = _("Ratings from −2 (serious harm) to +2 (clear benefit); a dot's size is the "
                    "number of learners who gave that rating. The aspect rated worst on average: "
                    "{aspect} (mean {mean}).").format(
        aspect=worst, mean=format_number(spread.loc[worst, "mean"], 1))
    rating_discuss = _("Who is harmed when {aspect} suffers, and did the mitigations the class "
                       "chose reach them?").format(aspect=worst.lower())
    return [ChoiceView(key, _("How the class screened instruments"), "counts", counts, text,
                       discuss, learners=n),
            ChoiceView(key, _("How the class rated each aspect"), "values", table, rating_text,
                       rating_discuss, value_title=_("Rating (−2 harm to +2 benefit)"),
                       learners=n)]


def consultation_votes(data: ClassData, key: str = "08/consultation") -> list[ChoiceView]:
    """Lesson 08's consultation: the rankings learners typed, pooled into one class vote.

    Each typed ranking is one vote. Only rankings over the class's most common
    set of options are pooled; the winners under every rule come from
    :func:`widgets.consultation.aggregate`.

    >>> room = ClassData(documents={f"L{i}": {"widgets": {"08/consultation": {
    ...     "options_text": "A, B", "typed": [{"participant": "x", "order": order}]}}}
    ...     for i, order in enumerate(["A > B", "A > B", "B > A"])})
    >>> view = consultation_votes(room)[0]
    >>> view.table.query("question == 'First choices'")[["answer", "learners"]].values.tolist()
    [['A', 2], ['B', 1]]
    """
    from widgets import consultation as cn

    states = _states(data, key)
    if not states:
        return []
    by_options: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for _learner, state in states:
        options = tuple(o.strip() for o in str(state.get("options_text", "")).split(",")
                        if o.strip())
        typed = state.get("typed")
        if not options or not isinstance(typed, list):
            continue
        for entry in typed:
            if isinstance(entry, dict) and "order" in entry:
                by_options.setdefault(options, []).append(entry)
    if not by_options:
        return []
    options, entries = max(by_options.items(), key=lambda kv: len(kv[1]))
    good = []
    for entry in entries:
        try:
            cn.rankings_table([entry], options)
            good.append(entry)
        except (LabInputError, KeyError, TypeError):
            continue
    if not good:
        return []
    rankings = cn.parse_rankings(cn.rankings_table(good, options), options,
                                 _("the class's votes"))
    table = cn.aggregate(rankings)
    first = cn.disagreement(rankings)["first_choices"]
    first_q = _("First choices")
    rows = [(first_q, o, "") for o in options for _i in range(int(first.get(o, 0)))]
    counts = _counts(rows)
    won = cn.winners_from_table(table)
    nobody = _("none")
    rules = [_("{rule}: {winners}").format(rule=_(cn.RULES[r]),
                                           winners=" / ".join(w) if w else nobody)
             for r, w in won.items()]
    text = ngettext("Lesson 08 consultation: {n} ranking typed by the class over the options "
                    "{options}. Bars count first choices. Winners by rule: {winners}.",
                    "Lesson 08 consultation: {n} rankings typed by the class over the options "
                    "{options}. Bars count first choices. Winners by rule: {winners}.",
                    len(good)).format(n=len(good), options=", ".join(options),
                                      winners=_("; ").join(rules))
    distinct = {tuple(w) for r, w in won.items() if w and r != "condorcet"}
    if len(distinct) > 1:
        discuss = _("The rules disagree on this class's own votes. Which rule would the class "
                    "have announced before voting, and would the losers accept the result?")
    else:
        discuss = _("The rules agree this time. Would they still agree if the most affected "
                    "participants' votes counted five times? Who decides that weight?")
    return [ChoiceView(key, _("How the class voted"), "counts", counts, text, discuss,
                       learners=len(good))]


#: The widgets whose choices the class report charts, by state name.
CHOICE_VIEWS = {"index_builder": index_choices, "risk_assessment": risk_mapping_choices,
                "policy_portfolio": portfolio_choices,
                "instrument_screening": screening_choices, "consultation": consultation_votes}


def choice_views(data: ClassData, lesson: str) -> list[ChoiceView]:
    """Every chartable view of the class's choices in a lesson's widgets (in a fixed order)."""
    views: list[ChoiceView] = []
    for name, build in CHOICE_VIEWS.items():
        key = f"{lesson}/{name}"
        if any(key in doc["widgets"] for doc in data.documents.values()):
            views += build(data, key)
    return views


# ============================================================== scenario teams (lesson 10)
def load_team_folder(folder: str | Path) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Every scenario team plan in ``folder`` and its sub-folders (one level: a room each).

    Reads with :func:`widgets.scenario_storage.load_team_plans` (only reads; a file
    that is not a plan is reported by name, never fatal). Each plan gets ``room``:
    the sub-folder it came from (``""`` for the folder itself). A missing folder
    gives no plans and no problem.

    >>> import tempfile
    >>> load_team_folder(tempfile.mkdtemp())
    ([], [])
    """
    from widgets.scenario_storage import load_team_plans

    folder = Path(folder)
    if not folder.is_dir():
        return [], []
    plans: list[dict[str, Any]] = []
    problems: list[Problem] = []
    rooms = [folder] + sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink()
                              and not p.name.startswith("."))
    for room in rooms:
        found, issues = load_team_plans(room)
        prefix = "" if room == folder else f"{room.name}/"
        for plan in found:
            plan["room"] = room.name if room != folder else ""
        plans += found
        # load_team_plans says "<file> <reason>"; the report lists "<file>: it <reason>"
        problems += [Problem(f"{folder.name}/{prefix}{text.split(' ', 1)[0]}",
                             "it " + text.split(" ", 1)[1]) for text in issues]
    return plans, problems


def team_rounds(plans: list[dict[str, Any]], data: ClassData | None = None) -> pd.DataFrame:
    """Each team's decisions per round next to their outcomes, one row per team and round.

    The columns of :func:`widgets.scenario_teams.compare_teams` (every round, not only
    the latest) plus ``room`` and ``members``: the learners (codes, or names when the
    class was read without pseudonymising) whose lesson 10 portfolio names the team.

    >>> plan = {"team": "Blue", "round": 1, "total_cost": 10, "budget": 20,
    ...         "averted": {"lives": 5}, "summary": {},
    ...         "responses": [{"kind": "early_warning", "level": 1, "start": 0}]}
    >>> team_rounds([plan])[["team", "round", "lives_averted", "responses"]].values.tolist()
    [['Blue', 1, 5.0, 'early_warning (100% from Q0)']]
    """
    from widgets.scenario_teams import compare_teams

    valid = [p for p in plans if isinstance(p, dict) and "team" in p and "round" in p]
    table = compare_teams(valid, latest_round_only=False)
    table.insert(1, "room", [str(p.get("room", "")) for p in valid])
    members: dict[str, list[str]] = {}
    if data is not None:
        for label in data.learners:
            state = data.documents[label]["widgets"].get("10/scenario")
            if isinstance(state, dict) and str(state.get("team_name", "")).strip():
                members.setdefault(str(state["team_name"]).strip().casefold(), []).append(label)
    table["members"] = [", ".join(members.get(str(t).strip().casefold(), []))
                        for t in table["team"]]
    return table.sort_values(["team", "round"], key=lambda s: s.str.casefold()
                             if s.dtype == object else s, ignore_index=True)


def team_rounds_discuss(table: pd.DataFrame) -> str:
    """A debrief prompt from the teams' rounds (plain text)."""
    if table.empty:
        return _("When teams save their plans (lesson 10, 'Save team plan'), their decisions and "
                 "outcomes appear here round by round.")
    latest = table.sort_values("round").groupby("team").tail(1)
    best = latest.sort_values("lives_averted", ascending=False).iloc[0]
    cheap = latest.sort_values("cost_musd").iloc[0]
    if best["team"] == cheap["team"]:
        return _("{team} averted the most lives and spent the least in its last round. Ask "
                 "them what they chose not to do, and ask the other teams whether they would "
                 "copy it in a country they know.").format(team=best["team"])
    return _("{best} averted the most lives ({lives}) in its last round; {cheap} spent the least "
             "(US${cost} million). Ask both teams what they would cut or add if the budget were "
             "halved, and which assumption of the model their plan depends on most.").format(
        best=best["team"], lives=format_number(best["lives_averted"], 0), cheap=cheap["team"],
        cost=format_number(float(f"{cheap['cost_musd']:.4g}")))


# ============================================================== learners' notes (opt-in)
def class_notes(data: ClassData, lesson: str | None = None) -> pd.DataFrame:
    """The notes of the learners who agreed to share them with the trainer.

    A learner shares notes only by ticking the box in their portfolio panel
    (:func:`widgets.portfolio.notes_shared`); everyone else's notes never
    appear. When the class is pseudonymised, the learner is shown by code and
    their own name, if it appears in a note, is replaced by the code too.
    Columns ``learner, lesson, note``; ``lesson=None`` gives every lesson.

    >>> from widgets.portfolio import new_document, set_notes_shared
    >>> yes, no = new_document("Ada Byron"), new_document("Bob")
    >>> yes["notes"]["03"] = "Ada Byron thinks weights are political."
    >>> no["notes"]["03"] = "Private."
    >>> set_notes_shared(yes, True)
    >>> room = ClassData(documents={"L1": yes, "L2": no}, names={"L1": "Ada Byron", "L2": "Bob"})
    >>> class_notes(room, "03").values.tolist()
    [['L1', '03', 'L1 thinks weights are political.']]
    """
    from widgets.portfolio import notes_shared

    rows = []
    for label in data.learners:
        doc = data.documents[label]
        if not notes_shared(doc):
            continue
        notes = doc.get("notes") if isinstance(doc.get("notes"), dict) else {}
        for key, text in sorted(notes.items()):
            if lesson is not None and str(key) != lesson:
                continue
            text = str(text).strip()
            if not text:
                continue
            name = data.names.get(label, "").strip()
            if data.pseudonymised and name and len(name) > 1:
                text = text.replace(name, label)
            rows.append({"learner": label, "lesson": str(key), "note": text})
    return pd.DataFrame(rows, columns=["learner", "lesson", "note"])


def notes_sharing(data: ClassData) -> tuple[int, int]:
    """``(shared, withheld)``: learners with notes who did / did not agree to share them."""
    from widgets.portfolio import notes_shared

    shared = withheld = 0
    for doc in data.documents.values():
        notes = doc.get("notes") if isinstance(doc.get("notes"), dict) else {}
        if any(str(v).strip() for v in notes.values()):
            if notes_shared(doc):
                shared += 1
            else:
                withheld += 1
    return shared, withheld
