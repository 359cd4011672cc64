"""Chart-spec templates, built once with Altair and kept on disk.

Some widgets rebuild a whole chart when a control changes what the chart *is*
(another indicator on the map, another pair of axes). Building it with Altair
takes up to a second, so those builders fill the new data and labels into a
template spec instead: the template is built once with Altair (the tests
check that the filled result equals the Altair build) and kept in the lab's
cache folder, keyed by the Altair version and the source of the module that
builds it, so a new lesson kernel does not pay for it again.

>>> calls = []
>>> def build():
...     calls.append(1)
...     return {"mark": "point"}
>>> spec_template("doctest-example", ("a",), build, __file__) == '{"mark": "point"}'
True
>>> spec_template("doctest-example", ("a",), build, __file__) and len(calls) <= 1
True

Templates made by an older version of the code are deleted when a new one
is written, so the cache folder does not grow with every update of the lab.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Hashable
from pathlib import Path

import altair as alt

__all__ = ["spec_template"]

_MEMORY: dict[tuple, str] = {}


def _code_digest(source: str) -> bytes:
    """What a template depends on: the chart modules (theme, colours, map
    projection), the module that builds it, and the world map it may embed."""
    from widgets._paths import DATA_DIR

    here = Path(__file__).parent
    files = sorted(here.glob("*.py")) + [Path(source), DATA_DIR / "world-50m.topojson"]
    h = hashlib.sha256()
    for f in files:
        if f.exists():
            h.update(f.read_bytes())
    return h.digest()


def spec_template(name: str, key: Hashable, build: Callable[[], dict], source: str) -> str:
    """The JSON text of ``build()``, from memory, the disk cache, or built now.

    ``name`` and ``key`` say which template; ``source`` is the path of the
    module whose code shapes it. A change to it, to any module of
    ``widgets.charts`` or to the world map makes a new template.
    """
    memo = (name, key)
    if memo in _MEMORY:
        return _MEMORY[memo]
    from widgets._offline import _cache_dir, _write_cache

    version = hashlib.sha256(_code_digest(source) + alt.__version__.encode()).hexdigest()[:10]
    which = hashlib.sha256(repr((name, key)).encode()).hexdigest()[:10]
    folder = _cache_dir() / "templates"
    path = folder / f"{name}-{version}-{which}.json"
    text = ""
    if path.exists():
        text = path.read_text(encoding="utf-8")
    if not text:
        text = json.dumps(build())
        _write_cache(path, text)
        _prune(folder, name, version)
    _MEMORY[memo] = text
    return text


def _prune(folder: Path, name: str, version: str) -> None:
    """Delete ``name``'s templates made by other versions of the code (never needed again).

    Only files named exactly ``<name>-<10 hex>-<10 hex>.json`` (or the older
    ``<name>-<16 hex>.json``) count, so another template whose name starts
    with ``name`` is left alone.
    """
    pattern = re.compile(rf"{re.escape(name)}-(?:([0-9a-f]{{10}})-[0-9a-f]{{10}}|[0-9a-f]{{16}})")
    for old in folder.glob(f"{name}-*.json"):
        match = pattern.fullmatch(old.stem)
        if match and match.group(1) != version:
            try:
                old.unlink()
            except OSError:
                pass  # in use or read-only: harmless, just disk space
