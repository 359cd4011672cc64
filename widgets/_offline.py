"""Make every Altair chart render without the internet.

Altair's ``JupyterChart`` loads Vega from a CDN unless it is switched to
offline mode, and switching bundles ~0.9 MB of JavaScript with vl-convert,
which takes several seconds. We do it once per machine and keep the bundle in
a cache file keyed by the Altair and vl-convert versions, so a lesson starts
quickly and works with the network cut.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import altair as alt

_THEME_NAME = "human_security_lab"


def _cache_dir() -> Path:
    base = os.environ.get("HSL_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base else Path.home() / ".cache"
    return root / "human-security-lab"


def _bundle_key() -> str:
    import vl_convert as vlc
    from altair.jupyter.jupyter_chart import load_js_src

    digest = hashlib.sha256(load_js_src().encode()).hexdigest()[:12]
    return f"jupyterchart-{alt.__version__}-{vlc.__version__}-{digest}.js"


def enable_offline_charts() -> None:
    """Switch ``alt.JupyterChart`` and the static renderer to offline mode.

    Safe to call many times; after the first call on a machine it takes
    milliseconds because the JavaScript bundle is read from the cache.

    >>> enable_offline_charts()
    >>> alt.JupyterChart._is_offline
    True
    """
    cls = alt.JupyterChart
    if getattr(cls, "_is_offline", False):
        return
    try:
        path = _cache_dir() / _bundle_key()
        if path.exists():
            cls._esm = path.read_text(encoding="utf-8")
            cls._is_offline = True
        else:
            cls.enable_offline(True)
            _write_cache(path, cls._esm)
    except Exception:  # pragma: no cover - fall back to Altair's own path
        cls.enable_offline(True)
    # Static (non-widget) rendering, e.g. in exported HTML, also without a CDN.
    alt.renderers.enable("jupyter", offline=True)


def _write_cache(path: Path, text: str) -> None:
    """Write atomically so two kernels starting together never read half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home is fine: we just bundle again next time
