"""Where the lab's files live, and which files a learner may name.

The package is installed in *editable* mode (``pip install -e .``), so the
repository root is the folder above this package. ``HSL_DATA_DIR`` overrides
the data folder (for example to try a rebuilt copy).

Where a learner's work goes (:func:`work_dir`):

* **A class on one server** (``make app``: ``scripts/app.py`` sets
  ``HSL_CLASS_DIR``): every learner has a folder of their own,
  ``$HSL_CLASS_DIR/learners/<code>/``. The *work code* is a short code the
  learner's browser keeps (the app's index page shows it and lets the learner
  type another one; it travels as the cookie ``hsl_learner`` or as
  ``?learner=<code>`` on a lesson's address). Two learners never write the
  same file. Scenario teams share ``$HSL_CLASS_DIR/teams/``.
* **JupyterLab on one's own computer, or a per-user server behind
  JupyterHub**: ``HSL_WORK_DIR`` if set, else ``./my-work`` beside the
  notebooks — each user's own folder already.

Paths a learner *types* (a CSV to load, a team folder) are checked by
:func:`confine`: they must lie in the learner's own folder, the class's
``shared/`` folder (files a trainer hands out) or the lab's example data, and
a file may not exceed :data:`MAX_READ_BYTES`. Anything else gets one message
that says nothing about the file (not whether it exists).
"""

from __future__ import annotations

import hmac
import os
import re
import secrets
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs

from widgets.errors import LabInputError
from widgets.i18n import DEFAULT, N_, _, get_language, localise_number

#: What a learner is asked to type or upload (the ``what=`` of :func:`confine` and
#: :func:`read_limited`), as shown in a message.
WHAT = {"file": N_("file"), "team folder": N_("team folder"), "class folder": N_("class folder"),
        "class CSV": N_("class CSV"), "table": N_("table")}


def _what(what: str) -> str:
    return _(WHAT.get(what, what))

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("HSL_DATA_DIR", REPO_ROOT / "datasets"))
LESSONS_DIR = REPO_ROOT / "lessons"
QUIZ_DIR = LESSONS_DIR / "quizzes"
#: The lab's own example files a learner may load by name (lesson 08's class CSV).
EXAMPLE_DATA_DIR = LESSONS_DIR / "data"

#: The largest file a learner may load by typing its path (5 MB: a class CSV
#: of several thousand rows is ~0.2 MB; a portfolio with notes ~0.1 MB).
MAX_READ_BYTES = 5 * 1024 * 1024

#: A work code: letters, digits and dashes, 4–32 characters.
LEARNER_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{3,31}$")
#: Letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L).
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_COOKIE = "hsl_learner"


def class_dir() -> Path | None:
    """The class's shared folder when the lab serves a room (``HSL_CLASS_DIR``), else None.

    >>> import os; os.environ.pop("HSL_CLASS_DIR", None) and None
    >>> class_dir() is None
    True
    """
    value = os.environ.get("HSL_CLASS_DIR", "").strip()
    return Path(value) if value else None


def new_learner_code() -> str:
    """A fresh work code such as ``'K7QP-3MWX'`` (40 bits: not guessable in a room).

    >>> code = new_learner_code(); len(code), code[4], bool(LEARNER_CODE_RE.match(code))
    (9, '-', True)
    """
    chars = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def normalise_learner_code(text: str) -> str | None:
    """A typed work code in its canonical form (upper case), or None if it is not one.

    >>> normalise_learner_code(" k7qp-3mwx "), normalise_learner_code("../etc")
    ('K7QP-3MWX', None)
    """
    code = str(text or "").strip().upper()
    return code if LEARNER_CODE_RE.match(code) else None


def _code_from_request() -> str | None:
    """The work code the browser sent with the page request (query first, then cookie)."""
    query = parse_qs(os.environ.get("QUERY_STRING", ""))
    for value in query.get("learner", []):
        code = normalise_learner_code(value)
        if code:
            return code
    cookie = SimpleCookie()
    try:
        cookie.load(os.environ.get("HTTP_COOKIE", ""))
    except CookieError:
        return None
    if _COOKIE in cookie:
        return normalise_learner_code(cookie[_COOKIE].value)
    return None


def _wait_for_voila_request() -> None:
    """Under a pre-heated Voilà kernel, wait until a learner's request has arrived."""
    if os.environ.get("VOILA_PREHEAT", "False") == "False":
        return
    if os.environ.get("QUERY_STRING") is not None or os.environ.get("SCRIPT_NAME"):
        return
    try:
        from voila.utils import wait_for_request
    except ImportError:  # pragma: no cover - Voilà is a dependency of the lab
        return
    wait_for_request()


#: Codes made for pages that came without one: one per kernel (never written to the
#: environment, where a process started from this one would inherit it).
_generated_codes: dict[str, str] = {}


def learner_code() -> str | None:
    """This kernel's work code in a class (``HSL_CLASS_DIR`` set), else None.

    The code comes from the page request (``?learner=`` or the ``hsl_learner``
    cookie), else from ``HSL_LEARNER`` (scripts and tests); a page opened
    without one gets a new code, the same for the kernel's life, which the
    page shows so that the learner can keep it.

    >>> import os
    >>> os.environ.pop("HSL_CLASS_DIR", None) and None
    >>> learner_code() is None
    True
    """
    room = class_dir()
    if room is None:
        return None
    _wait_for_voila_request()
    code = _code_from_request() or normalise_learner_code(os.environ.get("HSL_LEARNER", ""))
    if code:
        return code
    return _generated_codes.setdefault(str(room), new_learner_code())


def work_dir() -> Path:
    """Folder where a learner's saved work goes.

    In a class (``HSL_CLASS_DIR``): ``<class>/learners/<work code>``; else
    ``HSL_WORK_DIR``, else ``./my-work``.

    >>> import os, tempfile
    >>> os.environ["HSL_CLASS_DIR"] = tempfile.mkdtemp(); os.environ["HSL_LEARNER"] = "ABCD-2345"
    >>> work_dir().relative_to(class_dir()).as_posix()
    'learners/ABCD-2345'
    >>> del os.environ["HSL_CLASS_DIR"], os.environ["HSL_LEARNER"]
    """
    room = class_dir()
    if room is not None:
        return room / "learners" / str(learner_code())
    return Path(os.environ.get("HSL_WORK_DIR", Path.cwd() / "my-work"))


def is_trainer() -> bool:
    """In a class: whether this page was opened with the trainer's key (``?trainer=<key>``).

    ``make app`` makes a trainer's key (``HSL_TRAINER_KEY``) and prints the
    trainer's address; only pages opened with it may read the whole class's
    work (the class report). Outside a class there is no trainer role.

    >>> import os; os.environ.pop("HSL_CLASS_DIR", None) and None
    >>> is_trainer()
    False
    """
    key = os.environ.get("HSL_TRAINER_KEY", "")
    if class_dir() is None or len(key) < 8:
        return False
    _wait_for_voila_request()
    given = parse_qs(os.environ.get("QUERY_STRING", "")).get("trainer", [])
    return any(hmac.compare_digest(value.encode(), key.encode()) for value in given)


def trainer_dir() -> Path:
    """Where the trainer's exports go: ``<class>/trainer`` for the trainer in a class, else
    the work folder (so a trainer's files never look like a learner's)."""
    room = class_dir()
    if room is not None and is_trainer():
        return room / "trainer"
    return work_dir()


def teams_dir() -> Path:
    """Folder that scenario teams share: ``<class>/teams`` in a class, else ``<work>/scenario-teams``."""
    room = class_dir()
    return room / "teams" if room is not None else work_dir() / "scenario-teams"


def readable_roots() -> list[Path]:
    """Folders a learner may read a file from by typing its path."""
    roots = [work_dir(), EXAMPLE_DATA_DIR]
    room = class_dir()
    if room is not None:
        roots.append(room / "shared")
    return roots


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root.resolve())
    except (ValueError, OSError):
        return False
    return True


def confine(text: str | os.PathLike[str], roots: list[Path] | None = None, *,
            base: Path | None = None, what: str = "file") -> Path:
    """The path a learner typed, if it lies inside one of ``roots``; else a clear error.

    Relative paths are read from ``base`` (default: the learner's work folder,
    then the lab's example data). ``~``, NUL bytes, links and ``..`` that lead
    outside are refused with the same message, which says nothing about the
    file named (not even whether it exists).

    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> confine("class.csv", [root], base=root) == (root / "class.csv").resolve()
    True
    >>> confine("/etc/shadow", [root])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    widgets.errors.LabInputError: The lab can only open files in your own work folder...
    """
    roots = list(roots) if roots is not None else readable_roots()
    where = " or ".join(_describe_root(r) for r in roots)
    if get_language() != DEFAULT:
        where = (" " + _("or") + " ").join(_describe_root(r) for r in roots)
    refused = LabInputError(
        _("The lab can only open files in your own work folder or the lab's example data "
          "({where}). Put the {what} there (or upload it) and type its name, e.g. class.csv.")
        .format(where=where, what=_what(what)))
    raw = os.fspath(text).strip() if text is not None else ""
    if not raw:
        raise LabInputError(_("Type the name of the {what} first.").format(what=_what(what)))
    if "\x00" in raw or raw.startswith("~") or len(raw) > 1024:
        raise refused
    candidate = Path(raw)
    bases = [base] if base is not None else list(roots)
    options = [candidate] if candidate.is_absolute() else [b / candidate for b in bases]
    allowed: Path | None = None
    for option in options:
        try:
            resolved = option.resolve()
        except (OSError, RuntimeError):
            continue
        if any(_inside(resolved, r) for r in roots):
            if resolved.exists():
                return resolved
            allowed = allowed or resolved
        elif os.path.lexists(option):
            raise refused           # a link (or ..) in a learner's folder that leads outside
    if allowed is not None:
        return allowed
    raise refused


def _describe_root(root: Path) -> str:
    if root == EXAMPLE_DATA_DIR:
        return "lessons/data"
    room = class_dir()
    if room is not None and _inside(root.resolve(), room):
        return _("{path} in the class folder").format(
            path=root.resolve().relative_to(room.resolve()).as_posix())
    return root.name + "/"


def file_size(n_bytes: int) -> str:
    """A file size for a person: ``'5 MB'``, ``'120 KB'``, ``'12 bytes'``.

    >>> file_size(5 * 1024 * 1024), file_size(123_000), file_size(12)
    ('5 MB', '120 KB', '12 bytes')
    """
    def number(text: str) -> str:
        return text if get_language() == DEFAULT else localise_number(text)

    if n_bytes >= 1024 * 1024:
        return _("{n} MB").format(n=number(f"{n_bytes / (1024 * 1024):.3g}"))
    if n_bytes >= 1024:
        return _("{n} KB").format(n=number(f"{n_bytes / 1024:.3g}"))
    return _("{n} bytes").format(n=number(f"{n_bytes}"))


def read_limited(path: Path, limit: int = MAX_READ_BYTES, what: str = "file") -> bytes:
    """The bytes of a confined file, refusing a missing file, a folder or one over ``limit``.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.csv"; _ = p.write_text("x")
    >>> read_limited(p)
    b'x'
    >>> read_limited(p, limit=0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    widgets.errors.LabInputError: The file a.csv is larger than the lab reads (0 bytes at most)...
    """
    name = path.name
    shown = _what(what)
    try:
        if not path.is_file():
            raise LabInputError(_("There is no {what} called {name} in your folders. Check the "
                                  "name (upload the file first if it is on your own computer).")
                                .format(what=shown, name=name))
        size = path.stat().st_size
        if size > limit:
            raise LabInputError(
                _("The {what} {name} is larger than the lab reads ({limit} at most); it has "
                  "{size}. Split it or keep only the columns you need.").format(
                    what=shown, name=name, limit=file_size(limit), size=file_size(size)))
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as err:
        raise LabInputError(_("The {what} {name} could not be read ({reason}).").format(
            what=shown, name=name, reason=err.strerror or _("error"))) from err
    if len(data) > limit:
        raise LabInputError(_("The {what} {name} grew while it was being read; try again.")
                            .format(what=shown, name=name))
    return data
