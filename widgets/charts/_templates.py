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
"""

from __future__ import annotations

import hashlib
import json
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

    digest = hashlib.sha256(_code_digest(source) + repr((name, key, alt.__version__)).encode()
                            ).hexdigest()[:16]
    path = _cache_dir() / "templates" / f"{name}-{digest}.json"
    text = ""
    if path.exists():
        text = path.read_text(encoding="utf-8")
    if not text:
        text = json.dumps(build())
        _write_cache(path, text)
    _MEMORY[memo] = text
    return text
