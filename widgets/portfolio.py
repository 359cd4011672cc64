"""The learner's portfolio: save, restore and export the work done in the lessons.

A portfolio is one JSON file in the learner's own folder
(:func:`widgets._paths.work_dir`, by default ``./my-work/portfolio.json``),
never the notebook's metadata. It holds

* ``widgets`` — the choices made in each widget (``LabWidget.learner_state()``),
  keyed ``"<lesson>/<state_name>"``;
* ``quizzes`` — knowledge-check answers, keyed by lesson;
* ``notes`` — free text, keyed by lesson;

and is exported as a self-contained brief (HTML or Markdown) with the charts
as inline SVG pictures, their descriptions, the data sources and the notes.

Files are never lost: saving writes a temporary file and renames it over the
old one (atomic), after copying the previous version to ``*.bak.json``. A save
file that cannot be read is renamed ``*.corrupt-<timestamp>.json`` (never
overwritten) and the backup is tried; a file from an older or newer version
of the lab restores what it can and keeps what it does not understand.

>>> doc = new_document(learner="Ada")
>>> doc["widgets"]["09/case_explorer"] = {"case": "ebola"}
>>> clean, notes = normalise_document(json.loads(json.dumps(doc)))
>>> clean["widgets"]["09/case_explorer"]["case"], notes
('ebola', [])
"""

from __future__ import annotations

import base64
import contextlib
import copy
import datetime as dt
import html
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from widgets._paths import file_size, work_dir
from widgets._text import md_text
from widgets.errors import LabInputError
from widgets.i18n import N_, _, embed_locale, get_language, ngettext, remember_language

__all__ = [
    "FORMAT",
    "SCHEMA_VERSION",
    "Portfolio",
    "ChartSnapshot",
    "merge_documents",
    "normalise_document",
    "new_document",
    "notes_shared",
    "read_document",
    "render_html",
    "render_markdown",
    "save_document",
    "set_notes_shared",
]

#: Marks a file as a Human Security Lab portfolio.
FORMAT = "human-security-lab-portfolio"
#: Version of the file layout written by this code. Version 0 (the first
#: release) stored ``widget_states`` and a single ``notes`` string.
SCHEMA_VERSION = 1
DEFAULT_NAME = "portfolio.json"
#: A portfolio file larger than this is set aside, not read (a year of notes is ~0.1 MB).
MAX_PORTFOLIO_BYTES = 20 * 1024 * 1024
#: Saved choices nested deeper than this are not a lab portfolio (they would
#: exhaust Python's recursion limit when copied).
MAX_DEPTH = 40
_KNOWN_KEYS = ("format", "version", "saved_at", "learner", "widgets", "quizzes", "notes",
               "extra")


# ============================================================== pure document layer
def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def new_document(learner: str = "") -> dict[str, Any]:
    """An empty portfolio document.

    >>> sorted(new_document())
    ['extra', 'format', 'learner', 'notes', 'quizzes', 'saved_at', 'version', 'widgets']
    """
    return {"format": FORMAT, "version": SCHEMA_VERSION, "saved_at": "", "learner": learner,
            "widgets": {}, "quizzes": {}, "notes": {}, "extra": {}}


def normalise_document(raw: Any) -> tuple[dict[str, Any], list[str]]:
    """Turn whatever was read from a file into a current document, keeping all data.

    Returns ``(document, notes)``: ``notes`` says, in plain English, what was
    migrated or could not be used. Unknown top-level keys are kept under
    ``extra`` (so saving again never drops them); entries of the wrong type
    are kept under ``extra`` too and reported.

    >>> old = {"version": 0, "widget_states": {"05/spending": {"year": 2020}},
    ...        "notes": "my thoughts", "colour": "blue"}
    >>> doc, notes = normalise_document(old)
    >>> doc["widgets"], doc["notes"], doc["extra"]
    ({'05/spending': {'year': 2020}}, {'general': 'my thoughts'}, {'colour': 'blue'})
    >>> notes
    ['Updated a save file from an older version of the lab (version 0).']
    """
    notes: list[str] = []
    doc = new_document()
    if not isinstance(raw, dict):
        doc["extra"]["unreadable"] = raw
        notes.append(_("The file did not contain a portfolio (it is not a JSON object); "
                       "its content is kept under 'extra'."))
        return doc, notes
    raw = copy.deepcopy(raw)
    version = raw.get("version", 0)
    if not isinstance(version, int):
        notes.append(_("The file's version {version} is not a number; read it as version 0.")
                     .format(version=repr(version)))
        version = 0
    if raw.get("format", FORMAT) != FORMAT:
        notes.append(_("The file says it is a {format}, not a lab portfolio; reading what looks "
                       "familiar.").format(format=repr(raw.get('format'))))
    if version > SCHEMA_VERSION:
        notes.append(_("This file was written by a newer version of the lab (version {version}); "
                       "parts this version does not know are kept but not used.").format(
                           version=version))
    if version < 1:
        # Version 0: 'widget_states' instead of 'widgets'; 'notes' a single string.
        if "widget_states" in raw and "widgets" not in raw:
            raw["widgets"] = raw.pop("widget_states")
        if isinstance(raw.get("notes"), str):
            raw["notes"] = {"general": raw["notes"]}
        notes.append(_("Updated a save file from an older version of the lab (version 0)."))
    doc["saved_at"] = str(raw.get("saved_at", ""))
    doc["learner"] = str(raw.get("learner", "") or "")
    extra = raw.get("extra") if isinstance(raw.get("extra"), dict) else {}
    doc["extra"].update(extra)
    for section in ("widgets", "quizzes"):
        value = raw.get(section, {})
        if not isinstance(value, dict):
            doc["extra"][section] = value
            notes.append(_("The '{section}' part of the file could not be read; it is kept "
                           "under 'extra'.").format(section=section))
            continue
        for key, state in value.items():
            if isinstance(state, dict) and not (
                    section == "quizzes" and not isinstance(state.get("answers", {}), dict)):
                doc[section][str(key)] = state
            else:
                doc["extra"].setdefault(section, {})[str(key)] = state
                notes.append((_("The saved widget {key} could not be read; it is kept under "
                                 "'extra'.") if section == "widgets" else
                               _("The saved quiz {key} could not be read; it is kept under "
                                 "'extra'.")).format(key=repr(key)))
    value = raw.get("notes", {})
    if isinstance(value, dict):
        for key, text in value.items():
            doc["notes"][str(key)] = text if isinstance(text, str) else json.dumps(text)
    else:
        doc["extra"]["notes"] = value
        notes.append(_("The notes in the file could not be read; they are kept under 'extra'."))
    for key, value in raw.items():
        if key not in _KNOWN_KEYS and key not in ("widget_states",):
            doc["extra"][key] = value
    return doc, notes


def _no_saved_work(path: Path) -> str:
    return _("No saved work yet at {path}; a new portfolio was started.").format(path=path)


def _backup_path(path: Path) -> Path:
    return path.with_name(path.stem + ".bak.json")


def _corrupt_path(path: Path) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.stem}.corrupt-{stamp}.json")
    n = 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}.corrupt-{stamp}-{n}.json")
    return candidate


def save_document(doc: dict[str, Any], path: str | Path) -> Path:
    """Write ``doc`` to ``path`` atomically, keeping the previous version as ``*.bak.json``.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = save_document(new_document("A"), folder / "p.json")
    >>> _ = save_document(new_document("B"), folder / "p.json")
    >>> json.loads((folder / "p.bak.json").read_text())["learner"]
    'A'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out = dict(doc)
    out["format"], out["version"], out["saved_at"] = FORMAT, SCHEMA_VERSION, _now()
    text = json.dumps(out, indent=2, ensure_ascii=False, default=_json_default)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            shutil.copy2(path, _backup_path(path))
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    doc["saved_at"] = out["saved_at"]
    return path


def _json_default(value: Any) -> Any:
    if isinstance(value, set | tuple):
        return list(value)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)


def _depth(value: Any) -> int:
    """How deeply lists and objects nest in ``value`` (iterative: no recursion).

    >>> _depth({"a": [1, {"b": 2}]}), _depth(3)
    (3, 0)
    """
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level <= MAX_DEPTH:
                stack.extend((v, level + 1) for v in (item.values() if isinstance(item, dict)
                                                      else item))
    return deepest


def _decode(raw: bytes) -> tuple[str, str]:
    """Text of a save file and the encoding used: UTF-8 (with or without a BOM), UTF-16, Windows-1252.

    A portfolio edited in Notepad may be saved with a byte-order mark, as
    "Unicode" (UTF-16) or as "ANSI" (Windows-1252, Latin-1): all are read.

    >>> _decode('{"learner": "Zoé"}'.encode("cp1252"))[1]
    'Windows-1252'
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "UTF-16"
    try:
        return raw.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "Windows-1252"


class _Unreadable(Exception):
    """A save file that is not a readable portfolio (the reason is the message)."""


def _parse(path: Path) -> tuple[Any, list[str]]:
    """The JSON in a save file, or :class:`_Unreadable` with a plain-English reason."""
    size = path.stat().st_size
    if size > MAX_PORTFOLIO_BYTES:
        raise _Unreadable(_("it is {size}, larger than a portfolio can be ({limit})").format(
            size=file_size(size), limit=file_size(MAX_PORTFOLIO_BYTES)))
    text, encoding = _decode(path.read_bytes())
    notes = [] if encoding == "UTF-8" else [
        _("Your save file was written as {encoding} text (perhaps by a text editor); it was "
          "read as such and will be saved as UTF-8.").format(encoding=encoding)]
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as err:
        raise _Unreadable(_("it is not valid JSON: line {line}, column {column}").format(
            line=err.lineno, column=err.colno)) from err
    except RecursionError as err:
        raise _Unreadable(_("it nests too deeply to be a portfolio")) from err
    if _depth(raw) > MAX_DEPTH:
        raise _Unreadable(_("it nests too deeply to be a portfolio"))
    return raw, notes


def read_document(path: str | Path) -> tuple[dict[str, Any], list[str]]:
    """Read a portfolio file; never loses data, never raises for a bad file.

    A file that cannot be read as a portfolio (not JSON, too large, nested
    too deeply) is renamed ``<name>.corrupt-<timestamp>.json`` and the backup
    (``<name>.bak.json``) is read instead, if there is one. A file in another
    text encoding (a byte-order mark, UTF-16, Windows-1252) is read as it is.
    Returns ``(document, notes)`` where ``notes`` explain what happened.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "p.json"
    >>> _ = p.write_text("{not json")
    >>> doc, notes = read_document(p)
    >>> doc["widgets"], "corrupt" in notes[0]
    ({}, True)
    """
    path = Path(path)
    notes: list[str] = []
    if path.is_dir():
        return new_document(), [
            _("There is a folder called {name} where your save file should be, so nothing "
              "could be read or saved there. Rename or move that folder.").format(name=path.name)]
    if not path.exists():
        return new_document(), [_no_saved_work(path)]
    try:
        raw, notes = _parse(path)
    except OSError as err:
        return new_document(), [_("Your save file {name} could not be opened ({reason}); "
                                  "nothing was changed.").format(
                                      name=path.name, reason=err.strerror or _("error"))]
    except _Unreadable as err:
        kept = _corrupt_path(path)
        os.replace(path, kept)
        notes.append(_("Your save file could not be read ({reason}). It was kept as {name} "
                       "(nothing deleted).").format(reason=err, name=kept.name))
        backup = _backup_path(path)
        if backup.exists():
            try:
                raw, more = _parse(backup)
            except (OSError, _Unreadable):
                notes.append(_("The backup {name} could not be read either; a new portfolio "
                               "was started.").format(name=backup.name))
                return new_document(), notes
            doc, more2 = normalise_document(raw)
            notes.append(_("Restored the previous save from the backup {name}.").format(
                name=backup.name))
            return doc, notes + more + more2
        notes.append(_("There is no backup; a new portfolio was started."))
        return new_document(), notes
    doc, more = normalise_document(raw)
    return doc, notes + more


def merge_documents(base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]
                    ) -> dict[str, Any]:
    """Combine this session's portfolio with the file on disk, key by key (a three-way merge).

    ``base`` is the document as this session last read or saved it, ``mine``
    the document now, ``theirs`` the file on disk now (another lesson or
    another tab may have saved since). Every widget, quiz and note keeps the
    value on disk unless this session changed it; what this session changed
    wins. So saving lesson 09 never erases lesson 08's work, and a second
    open tab never wipes the first.

    >>> base = new_document(); disk = new_document(); mine = new_document()
    >>> disk["notes"]["08"] = "08 notes"; mine["notes"]["09"] = "09 notes"
    >>> sorted(merge_documents(base, mine, disk)["notes"].items())
    [('08', '08 notes'), ('09', '09 notes')]
    """
    merged = copy.deepcopy(theirs)
    for section in ("widgets", "quizzes", "notes", "extra"):
        b, m = base.get(section, {}), mine.get(section, {})
        target = merged.setdefault(section, {})
        for key, value in m.items():
            if key not in b or b[key] != value:
                target[key] = copy.deepcopy(value)
    if mine.get("learner", "") != base.get("learner", ""):
        merged["learner"] = mine.get("learner", "")
    return merged


#: The learner's consent, in the document's ``extra`` section: their notes may appear in
#: the trainer's class report (:func:`widgets.classreport.class_notes`). Absent = no.
SHARE_NOTES_KEY = "share_notes_with_trainer"


def notes_shared(doc: dict[str, Any]) -> bool:
    """Whether the learner agreed to show their notes to the trainer (default: no).

    >>> doc = new_document(); notes_shared(doc)
    False
    >>> set_notes_shared(doc, True); notes_shared(doc)
    True
    """
    extra = doc.get("extra")
    return isinstance(extra, dict) and extra.get(SHARE_NOTES_KEY) is True


def set_notes_shared(doc: dict[str, Any], shared: bool) -> None:
    """Record the learner's yes or no to sharing their notes (in ``extra``; saved like any key)."""
    doc.setdefault("extra", {})[SHARE_NOTES_KEY] = bool(shared)


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock beside ``path`` while reading and writing it (POSIX)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock, the merge still applies
        yield
        return
    lock = path.with_name(f".{path.stem}.lock")
    with open(lock, "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


# ============================================================== export
class ChartSnapshot(dict):
    """A chart captured for export: ``title``, ``svg``, ``description``, ``source``."""


def _esc(text: Any) -> str:
    return html.escape(str(text))


#: The title of a brief when the learner gives none.
DEFAULT_TITLE = N_("My human-security brief")


def _title(title: str) -> str:
    return _(title) if title == DEFAULT_TITLE else title


def render_markdown(doc: dict[str, Any], charts: Iterable[dict[str, str]] = (),
                    sources: Iterable[str] = (), title: str = DEFAULT_TITLE) -> str:
    """A Markdown brief: notes, charts (inline SVG data URIs), choices, sources.

    >>> doc = new_document("Ada"); doc["notes"]["09"] = "Ebola: prevention pays."
    >>> md = render_markdown(doc, sources=["Source: WHO."])
    >>> "Ebola: prevention pays." in md and "Source: WHO." in md
    True
    """
    lines = [f"# {md_text(_title(title), single_line=True)}", ""]
    if doc.get("learner"):
        lines += ["*{}*".format(_("Prepared by {learner}").format(
            learner=md_text(doc['learner'], single_line=True))), ""]
    lines += ["*{}*".format(_("Exported {date} from the Human Security Lab.").format(
        date=_now())), ""]
    notes = {k: v for k, v in doc.get("notes", {}).items() if str(v).strip()}
    if notes:
        lines += ["## " + _("Notes"), ""]
        for key, text in sorted(notes.items()):
            lines += [f"### {md_text(_lesson_label(key), single_line=True)}", "",
                      md_text(str(text).strip()), ""]
    charts = list(charts)
    if charts:
        lines += ["## " + _("Charts"), ""]
        chart_word = _("Chart")
        for c in charts:
            uri = "data:image/svg+xml;base64," + base64.b64encode(
                c["svg"].encode("utf-8")).decode("ascii")
            description = md_text(c.get("description", ""), single_line=True)
            lines += [f"### {md_text(c.get('title', chart_word), single_line=True)}", "",
                      f"![{description}]({uri})", "", description, ""]
            if c.get("source"):
                lines += [f"*{md_text(c['source'], single_line=True)}*", ""]
    own = _own_data(doc)
    if own:
        lines += ["## " + _("My own data"), ""] + [f"- {md_text(t, single_line=True)}" for t in own] + [""]
    if doc.get("widgets"):
        lines += ["## " + _("Choices made in the widgets"), ""]
        for key, state in sorted(doc["widgets"].items()):
            if key.endswith("/user_data"):  # listed under "My own data"
                continue
            shown = ", ".join(f"{md_text(k, single_line=True)} = "
                              f"{md_text(_short(v), single_line=True)}"
                              for k, v in state.items())
            lines += [f"- **{md_text(key, single_line=True)}**: {shown}"]
        lines += [""]
    if doc.get("quizzes"):
        lines += ["## " + _("Knowledge checks"), ""]
        for key, state in sorted(doc["quizzes"].items()):
            lines += ["- " + _("{name}: {text}").format(
                name=md_text(_lesson_label(key), single_line=True),
                text=_answered_text(_answered(state)))]
        lines += [""]
    sources = list(dict.fromkeys(s for s in sources if s))
    if sources:
        lines += ["## " + _("Data sources"), ""] + [f"- {md_text(s, single_line=True)}"
                                            for s in sources] + [""]
    return "\n".join(lines)


def _own_data(doc: dict[str, Any]) -> list[str]:
    """The learner's own tables (issue 21) named in the saved loaders' states, once each.

    >>> _own_data({"widgets": {"03/user_data": {"tables": ["Reach (%) from the file a.csv"]}}})
    ['Reach (%) from the file a.csv']
    """
    out: list[str] = []
    for key, state in sorted(doc.get("widgets", {}).items()):
        tables = state.get("tables") if key.endswith("/user_data") and isinstance(
            state, dict) else None
        if isinstance(tables, list):
            out += [str(t) for t in tables if str(t) not in out]
    return out


def _answered(state: Any) -> int:
    """How many questions of a saved quiz have an answer (0 for a damaged entry)."""
    answers = state.get("answers") if isinstance(state, dict) else None
    if not isinstance(answers, dict):
        return 0
    return sum(1 for v in answers.values() if v is not None)


def _answered_text(n: int) -> str:
    """``"3 question(s) answered"`` (English, as before); a real plural in French and Spanish."""
    if get_language() == "en":
        return f"{n} question(s) answered"
    return ngettext("{n} question answered", "{n} questions answered", n).format(n=n)


def render_html(doc: dict[str, Any], charts: Iterable[dict[str, str]] = (),
                sources: Iterable[str] = (), title: str = DEFAULT_TITLE) -> str:
    """A self-contained, printable HTML brief (inline SVG; no scripts, no links to load).

    >>> page = render_html(new_document(), charts=[{"title": "T", "svg": "<svg></svg>",
    ...                    "description": "A chart.", "source": "Source: UN."}])
    >>> "<svg></svg>" in page and "http" not in page.split("<body>")[1].split("Source")[0]
    True
    """
    title = _title(title)
    parts = [f"<h1>{_esc(title)}</h1>"]
    if doc.get("learner"):
        parts.append("<p><em>{}</em></p>".format(_esc(_("Prepared by {learner}").format(
            learner=doc['learner']))))
    parts.append("<p class='meta'>{}</p>".format(_esc(_(
        "Exported {date} from the Human Security Lab.").format(date=_now()))))
    notes = {k: v for k, v in doc.get("notes", {}).items() if str(v).strip()}
    if notes:
        parts.append("<h2>{}</h2>".format(_esc(_("Notes"))))
        for key, text in sorted(notes.items()):
            paras = "".join(f"<p>{_esc(p)}</p>" for p in str(text).strip().split("\n") if p)
            parts.append(f"<h3>{_esc(_lesson_label(key))}</h3>{paras}")
    charts = list(charts)
    if charts:
        parts.append("<h2>{}</h2>".format(_esc(_("Charts"))))
        chart_word = _("Chart")
        for c in charts:
            parts.append(
                f"<figure><figcaption><b>{_esc(c.get('title', chart_word))}</b></figcaption>"
                f"<div role='img' aria-label='{_esc(c.get('description', ''))}'>{c['svg']}</div>"
                f"<p>{_esc(c.get('description', ''))}</p>"
                + (f"<p class='src'>{_esc(c['source'])}</p>" if c.get("source") else "")
                + "</figure>")
    own = _own_data(doc)
    if own:
        parts.append("<h2>{}</h2><ul>".format(_esc(_("My own data"))) + "".join(f"<li>{_esc(t)}</li>" for t in own)
                     + "</ul>")
    if doc.get("widgets"):
        parts.append("<h2>{}</h2><ul>".format(_esc(_("Choices made in the widgets"))))
        for key, state in sorted(doc["widgets"].items()):
            if key.endswith("/user_data"):  # listed under "My own data"
                continue
            shown = ", ".join(f"{_esc(k)} = {_esc(_short(v))}" for k, v in state.items())
            parts.append(f"<li><b>{_esc(key)}</b>: {shown}</li>")
        parts.append("</ul>")
    if doc.get("quizzes"):
        parts.append("<h2>{}</h2><ul>".format(_esc(_("Knowledge checks"))))
        for key, state in sorted(doc["quizzes"].items()):
            parts.append("<li>{}</li>".format(_esc(_("{name}: {text}").format(
                name=_lesson_label(key), text=_answered_text(_answered(state))))))
        parts.append("</ul>")
    sources = list(dict.fromkeys(s for s in sources if s))
    if sources:
        parts.append("<h2>{}</h2><ul>".format(_esc(_("Data sources"))) + "".join(f"<li>{_esc(s)}</li>" for s in sources)
                     + "</ul>")
    style = ("body{font-family:system-ui,Segoe UI,Arial,sans-serif;max-width:820px;margin:2em auto;"
             "padding:0 1em;color:#222;line-height:1.45}h1{font-size:1.6em}"
             "figure{margin:1.2em 0;padding-left:48px;page-break-inside:avoid}"
             "svg{max-width:100%;height:auto;overflow:visible}"
             ".meta,.src{color:#555;font-size:.85em}@media print{body{margin:0}}")
    return (f"<!DOCTYPE html><html lang='{get_language()}'><head><meta charset='utf-8'><title>{_esc(title)}"
            f"</title><style>{style}</style></head><body>{''.join(parts)}</body></html>")


def _lesson_label(key: str) -> str:
    if str(key).isdigit():
        return _("Lesson {number}").format(number=key)
    return _("General") if str(key) == "general" else str(key).capitalize()


def _short(value: Any, limit: int = 80) -> str:
    text = ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def chart_to_svg(chart: Any, params: dict[str, Any] | None = None) -> str:
    """Render an Altair chart to SVG offline (vl-convert), with current parameter values."""
    import vl_convert

    spec = chart.to_dict() if hasattr(chart, "to_dict") else copy.deepcopy(dict(chart))
    if params:
        for p in spec.get("params", []):
            if p.get("name") in params and "select" not in p:
                p["value"] = params[p["name"]]
    locale = embed_locale()  # 1 234,5 in a French brief, as on screen (widgets.i18n)
    if locale:
        return vl_convert.vegalite_to_svg(spec, format_locale=locale["formatLocale"],
                                          time_format_locale=locale["timeFormatLocale"])
    return vl_convert.vegalite_to_svg(spec)


def _chart_panels(widget: Any) -> list[Any]:
    """All ChartPanels inside a widget (depth-first), each once."""
    # A chart panel is recognised by what it has (a chart, its description and its
    # source line), so this module needs nothing from widgets.ui.
    found: list[Any] = []
    stack = [widget]
    seen: set[int] = set()
    while stack:
        w = stack.pop(0)
        if id(w) in seen:
            continue
        seen.add(id(w))
        if all(hasattr(w, a) for a in ("chart", "description_text", "source", "set_data")):
            found.append(w)
            continue
        stack.extend(getattr(w, "children", ()) or ())
    return found


# ============================================================== the Portfolio
class Portfolio:
    """A learner's saved work: widget choices, quiz answers, notes; save, load, export.

    Parameters
    ----------
    path : the JSON file (default ``work_dir() / "portfolio.json"``).
    lesson : the current lesson ("00"–"11"), used to key notes and widgets.
    learner : optional name printed on exported briefs.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> p = Portfolio(folder / "work.json", lesson="09")
    >>> p.set_note("Colombia: homicides fell after 2016.")
    >>> _ = p.save()
    >>> Portfolio.load(folder / "work.json", lesson="09").note()
    'Colombia: homicides fell after 2016.'
    """

    def __init__(self, path: str | Path | None = None, lesson: str = "", learner: str = "",
                 document: dict[str, Any] | None = None) -> None:
        self.path = Path(path) if path is not None else work_dir() / DEFAULT_NAME
        self.lesson = str(lesson)
        self.document = document if document is not None else new_document(learner)
        if learner:
            self.document["learner"] = learner
        self.messages: list[str] = []
        self.widgets: list[Any] = []
        # The document as last read from or written to disk: what save() merges against.
        self._base = _json_copy(self.document) if document is not None else new_document()

    # -- construction -----------------------------------------------------
    @classmethod
    def load(cls, path: str | Path | None = None, lesson: str = "") -> Portfolio:
        """Read a saved portfolio (a missing or damaged file gives a message, not an error)."""
        p = cls(path, lesson=lesson)
        p.document, p.messages = read_document(p.path)
        p._base = _json_copy(p.document)
        return p

    @classmethod
    def for_lesson(cls, lesson: str, widgets: Iterable[Any] = (),
                   path: str | Path | None = None) -> Portfolio:
        """The portfolio for a lesson, with that lesson's widgets attached (nothing restored yet)."""
        p = cls.load(path, lesson=lesson)
        p.attach(*widgets)
        return p

    def attach(self, *widgets: Any) -> None:
        """Remember widgets whose state is saved by :meth:`capture_all` and charts exported."""
        for w in widgets:
            if not hasattr(w, "learner_state") or not hasattr(w, "restore_learner_state"):
                raise LabInputError(_("{name} cannot be saved in a portfolio (it has no "
                                      "learner_state/restore_learner_state).").format(
                                          name=type(w).__name__))
            if w not in self.widgets:
                self.widgets.append(w)

    # -- keys -------------------------------------------------------------
    def key_for(self, widget: Any) -> str:
        """``"<lesson>/<state_name>"`` (quizzes: the lesson number)."""
        name = getattr(widget, "state_name", type(widget).__name__.lower())
        if name == "quiz":
            return str(getattr(widget, "lesson", "") or self.lesson or "general")
        return f"{self.lesson or 'general'}/{name}"

    def _section(self, widget: Any) -> str:
        return "quizzes" if getattr(widget, "state_name", "") == "quiz" else "widgets"

    # -- widget state ------------------------------------------------------
    def capture(self, widget: Any) -> str:
        """Store a widget's current choices in the portfolio (not yet on disk); returns the key."""
        key = self.key_for(widget)
        state = widget.learner_state()
        self.document[self._section(widget)][key] = json.loads(
            json.dumps(state, default=_json_default))
        return key

    def capture_all(self) -> list[str]:
        return [self.capture(w) for w in self.widgets]

    def restore(self, widget: Any) -> list[str]:
        """Put saved choices back into ``widget``; returns what could not be restored."""
        key = self.key_for(widget)
        state = self.document[self._section(widget)].get(key)
        if state is None:
            return []
        return list(widget.restore_learner_state(state) or [])

    def restore_all(self) -> dict[str, list[str]]:
        return {self.key_for(w): self.restore(w) for w in self.widgets}

    def has_saved(self, widget: Any) -> bool:
        return self.key_for(widget) in self.document[self._section(widget)]

    # -- notes --------------------------------------------------------------
    def note(self, lesson: str | None = None) -> str:
        return str(self.document["notes"].get(lesson or self.lesson or "general", ""))

    def set_note(self, text: str, lesson: str | None = None) -> None:
        self.document["notes"][lesson or self.lesson or "general"] = str(text)

    # -- files --------------------------------------------------------------
    def save(self) -> Path:
        """Capture the attached widgets and write the file (atomic, with a backup).

        What is on disk is read again first and merged key by key
        (:func:`merge_documents`): work saved meanwhile by another lesson or
        another tab is kept, and only what this session changed is written.
        """
        self.capture_all()
        self.document["extra"]["language"] = get_language()  # restored by reload() (widgets.i18n)
        if self.path.is_dir():
            raise LabInputError(_("There is a folder called {name} where your save file should "
                                  "be. Rename or move that folder, then save again.").format(
                                      name=self.path.name))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with _file_lock(self.path):
                disk, notes = read_document(self.path)
                merged = merge_documents(self._base, _json_copy(self.document), disk)
                written = save_document(merged, self.path)
        except OSError as err:
            raise LabInputError(_("Could not save to {path}: {reason}. Check that the folder "
                                  "exists and you may write to it.").format(
                                      path=self.path, reason=err.strerror or err)) from err
        self.messages = [n for n in notes if n != _no_saved_work(self.path)]
        self.document = merged
        self._base = _json_copy(merged)
        return written

    def reload(self) -> list[str]:
        """Read the file again (e.g. after a restart) and restore the attached widgets."""
        self.document, self.messages = read_document(self.path)
        self._base = _json_copy(self.document)
        remember_language(self.document["extra"].get("language"))  # the saved language
        skipped = self.restore_all()
        notes = list(self.messages)
        for key, names in skipped.items():
            if names:
                notes.append(_("{key}: could not restore {names} (no longer available); the "
                               "rest was restored.").format(key=key,
                                                            names=", ".join(map(str, names))))
        return notes

    # -- export ---------------------------------------------------------------
    def snapshots(self) -> tuple[list[dict[str, str]], list[str]]:
        """Static pictures of the attached widgets' charts, and their source lines."""
        charts: list[dict[str, str]] = []
        sources: list[str] = []
        for w in self.widgets:
            for panel in _chart_panels(w):
                jc = panel.chart
                params = {}
                for name in jc.params.trait_names():
                    if not name.startswith("_") and name not in ("comm", "keys", "log"):
                        try:
                            params[name] = getattr(jc.params, name)
                        except Exception:  # noqa: BLE001 - trait without value
                            continue
                # the spec on screen (it may have had its rows swapped in place)
                svg = chart_to_svg(jc.spec or jc.chart, params)
                source = panel.source.value and _strip_tags(panel.source.value)
                charts.append(ChartSnapshot(title=_chart_title(jc.chart, w), svg=svg,
                                            description=panel.description_text,
                                            source=source or ""))
                if source:
                    sources.extend(s.strip() for s in source.split(" | ") if s.strip())
        return charts, sources

    def export(self, fmt: str = "html", path: str | Path | None = None,
               title: str = DEFAULT_TITLE) -> Path:
        """Write a brief (``fmt`` = ``"html"`` or ``"md"``) next to the save file."""
        if fmt not in ("html", "md"):
            raise LabInputError(_("Export as 'html' or 'md' (Markdown)."))
        self.capture_all()
        charts, sources = self.snapshots()
        text = (render_html if fmt == "html" else render_markdown)(
            self.document, charts, sources, title=title)
        stem = f"brief-{self.lesson}" if self.lesson else "brief"
        out = Path(path) if path is not None else self.path.parent / f"{stem}.{fmt}"
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, out)
        except OSError as err:
            raise LabInputError(_("Could not write the brief to {path}: {reason}. Check that the "
                                  "folder exists and you may write to it.").format(
                                      path=out, reason=err.strerror or err)) from err
        return out


def _json_copy(doc: dict[str, Any]) -> dict[str, Any]:
    """A deep copy through JSON, as the document will be on disk (tuples become lists)."""
    return json.loads(json.dumps(doc, default=_json_default))


def _strip_tags(text: str) -> str:
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()


def _chart_title(chart: Any, widget: Any) -> str:
    title = getattr(chart, "title", None)
    if isinstance(title, str) and title:
        return title
    text = getattr(title, "text", None)
    if isinstance(text, str) and text:
        return text
    return type(widget).__name__
