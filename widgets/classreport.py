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
from widgets.portfolio import FORMAT, MAX_DEPTH, _decode, _depth, normalise_document

__all__ = [
    "ClassData",
    "Problem",
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
                problems.append(Problem(rel, "it is a link or not a regular file; skipped."))
                continue
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                problems.append(Problem(rel, f"it is {file_size(size)}, larger than a portfolio "
                                             f"can be ({file_size(MAX_FILE_BYTES)})."))
                continue
            with open(path, "rb") as fh:      # read only; nothing is written or renamed
                entries.append((rel, fh.read(MAX_FILE_BYTES + 1), ""))
        except OSError as err:
            problems.append(Problem(rel, f"it could not be opened ({err.strerror or 'error'})."))
    if len(paths) > MAX_FILES:
        problems.append(Problem(folder.name, f"more than {MAX_FILES} portfolio files; only the "
                                             f"first {MAX_FILES} were read."))
    return entries, problems


def _entries_from_zip(data: bytes, label: str) -> tuple[list[tuple[str, bytes | None, str]],
                                                         list[Problem]]:
    if len(data) > MAX_ZIP_BYTES:
        raise LabInputError(f"The zip {label} is {file_size(len(data))}, larger than the class "
                            f"report reads ({file_size(MAX_ZIP_BYTES)}).")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as err:
        raise LabInputError(f"{label} is not a zip file the class report can read.") from err
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
            problems.append(Problem(rel, f"it would unpack to {file_size(info.file_size)}, larger "
                                         f"than a portfolio can be ({file_size(MAX_FILE_BYTES)})."))
            continue
        if total + info.file_size > MAX_TOTAL_BYTES:
            problems.append(Problem(rel, "the zip unpacks to more than the class report reads; "
                                         "this and later files were skipped."))
            break
        try:
            with archive.open(info) as fh:    # never trust the declared size: read at most the limit
                raw = fh.read(MAX_FILE_BYTES + 1)
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, NotImplementedError) as err:
            reason = "it is encrypted" if "encrypt" in str(err).lower() else "it is damaged"
            problems.append(Problem(rel, f"{reason} in the zip; skipped."))
            continue
        if len(raw) > MAX_FILE_BYTES:
            problems.append(Problem(rel, "it unpacks to more than a portfolio can be."))
            continue
        total += len(raw)
        entries.append((rel, raw, ""))
    return entries, problems


def _parse(rel: str, raw: bytes) -> tuple[dict[str, Any] | None, str]:
    """``(document, notes)`` from a file's bytes, or ``(None, reason)`` if it cannot be used."""
    if len(raw) > MAX_FILE_BYTES:
        return None, f"it is larger than a portfolio can be ({file_size(MAX_FILE_BYTES)})."
    if not raw.strip():
        return None, "it is empty."
    text, _encoding = _decode(raw)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        return None, (f"it is not valid JSON (line {err.lineno}, column {err.colno}); it may "
                      "be cut short or damaged.")
    except RecursionError:
        return None, "it nests too deeply to be a portfolio."
    if _depth(value) > MAX_DEPTH:
        return None, "it nests too deeply to be a portfolio."
    if not isinstance(value, dict):
        return None, "it is JSON but not a lab portfolio (not an object)."
    looks_like = value.get("format") == FORMAT or (
        "format" not in value and any(k in value for k in ("widgets", "widget_states", "quizzes")))
    if not looks_like:
        return None, "it is JSON but not a Human Security Lab portfolio."
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
                raise LabInputError(f"The zip {path.name} is {file_size(size)}, larger than the "
                                    f"class report reads ({file_size(MAX_ZIP_BYTES)}).")
            entries, problems = _entries_from_zip(path.read_bytes(), path.name)
        else:
            raise LabInputError(f"There is no folder or .zip file called {path.name} here. "
                                "Give the folder that holds the learners' portfolio files, "
                                "or a zip of them.")
    by_name: dict[str, tuple[str, dict[str, Any]]] = {}
    read_notes: list[str] = []
    for rel, raw, _ in entries:
        doc, reason = _parse(rel, raw or b"")
        if doc is None:
            problems.append(Problem(rel, reason))
            continue
        if reason:                       # read, with a note (an older or newer version)
            read_notes.append(f"{rel}: {reason}")
        who = doc["learner"].strip() or _learner_from_path(rel)
        if who in by_name:
            problems.append(Problem(rel, f"a second portfolio for the same learner "
                                         f"(also in {by_name[who][0]}); skipped."))
            continue
        by_name[who] = (rel, doc)
    out = ClassData(problems=problems, notes=read_notes, pseudonymised=pseudonymise)
    width = max(2, len(str(len(by_name))))
    for n, who in enumerate(sorted(by_name, key=str.casefold), start=1):
        label = f"L{n:0{width}d}" if pseudonymise else who
        rel, doc = by_name[who]
        out.documents[label], out.names[label], out.files[label] = doc, who, rel
    if not by_name:
        out.notes.append("No learner's portfolio could be read from this source.")
    return out


# ============================================================== aggregations
def _questions(lesson: str) -> tuple[str, list[Any]]:
    from widgets.quiz import load_questions

    return load_questions(QUIZ_DIR / f"{lesson}.yml")


def _answer_key(question: Any, response: Any) -> str:
    if question.type == "multiple":
        return " + ".join(sorted(str(r) for r in (response or ()))) or "(none)"
    return str(response)


def quiz_results(data: ClassData, lesson: str, questions: list[Any] | None = None
                 ) -> pd.DataFrame:
    """Per question of a lesson's knowledge check: how many answered, share right,
    the most common wrong answer and the feedback it gets (the misconception).

    One row per question, in the quiz's order; ``share_right`` is of those who
    answered (NaN when nobody did). Answers are marked with
    :func:`widgets.quiz.grade`, exactly as the learner's widget marked them.
    """
    from widgets.quiz import grade

    if questions is None:
        _title, questions = _questions(lesson)
    rows = []
    for number, q in enumerate(questions, start=1):
        answered = right = 0
        wrong: Counter[str] = Counter()
        feedback: dict[str, str] = {}
        for doc in data.documents.values():
            state = doc["quizzes"].get(lesson) or {}
            answers = state.get("answers") if isinstance(state, dict) else None
            response = answers.get(q.id) if isinstance(answers, dict) else None
            if response in (None, "", []):
                continue
            answered += 1
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
    for q in questions:
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
        raise LabInputError(f"Choose a gradebook format: {', '.join(GRADEBOOK_FORMATS)}.")
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
                 title: str = "Class summary") -> str:
    """A printable, self-contained HTML page: who is in, problems, quiz results per lesson.

    Every learner string (names, answers, file names) is escaped.
    """
    esc = html.escape
    lessons = lessons if lessons is not None else [
        lesson for lesson in data.lessons() if (QUIZ_DIR / f"{lesson}.yml").exists()]
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{esc(title)}</title><style>body{{font-family:system-ui,sans-serif;"
        "max-width:60em;margin:2em auto;color:#222}table{border-collapse:collapse;"
        "margin:0.5em 0 1.5em}th,td{border:1px solid #999;padding:3px 8px;text-align:left;"
        "vertical-align:top}caption{text-align:left;font-weight:bold}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        f"<p>{len(data.learners)} learners' portfolios read"
        + (" (names replaced by codes)" if data.pseudonymised else "") + ".</p>",
    ]
    if data.problems:
        parts.append("<h2>Files that could not be used</h2><ul>")
        parts += [f"<li><b>{esc(p.file)}</b>: {esc(p.reason)}</li>" for p in data.problems]
        parts.append("</ul>")
    for lesson in lessons:
        results = quiz_results(data, lesson)
        parts.append(f"<h2>Lesson {esc(lesson)}: knowledge check</h2><table>"
                     "<caption>Share right per question, and the most common wrong answer"
                     "</caption><tr><th>#</th><th>Question</th><th>Answered</th>"
                     "<th>Right</th><th>Most common wrong answer</th><th>What it suggests"
                     "</th></tr>")
        for r in results.itertuples():
            share = "–" if pd.isna(r.share_right) else f"{100 * r.share_right:.0f}%"
            wrong = f"{esc(r.common_wrong)} ({r.common_wrong_count})" if r.common_wrong else "–"
            parts.append(f"<tr><td>{r.number}</td><td>{esc(r.prompt)}</td><td>{r.answered}</td>"
                         f"<td>{share}</td><td>{wrong}</td><td>{esc(r.misconception)}</td></tr>")
        parts.append("</table>")
    table = completion(data, lessons) if lessons else None
    if table is not None and not table.empty:
        parts.append("<h2>Completion</h2><table><tr><th>Learner</th>"
                     + "".join(f"<th>{esc(lesson)}</th>" for lesson in lessons) + "</tr>")
        for label in data.learners:
            mine = table[table["learner"] == label].set_index("lesson")
            cells = []
            for lesson in lessons:
                score = mine.loc[lesson, "quiz_score"]
                cells.append("–" if pd.isna(score) else f"{100 * score:.0f}%")
            parts.append(f"<tr><td>{esc(label)}</td>"
                         + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


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

    from widgets.portfolio import new_document, save_document

    rng = random.Random(seed)
    folder = Path(folder)
    quizzes = {lesson: _questions(lesson)[1] for lesson in lessons}
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
        save_document(doc, folder / "learners" / f"DEMO-{n:02d}" / "portfolio.json")
    return folder / "learners"
