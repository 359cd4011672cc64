"""Server-side pieces of the app server (loaded by the Voilà process only, never by a kernel).

:class:`ClassKernelManager` caps the number of kernels (one per open lesson
page) at ``HSL_MAX_KERNELS``: past it, a new page gets the app template's
"The server is full — try again in a minute" page (HTTP 503, which retries by
itself) instead of a kernel that would push the server out of memory or make
every learner wait. ``scripts/app.py --max-learners`` sets it (see
:func:`app.limit_settings`).

Importing this module also gives the server's page templates one compiled form
(:func:`install_template_cache`): Voilà makes a new nbconvert exporter, hence a
new Jinja environment, for every page, which parsed and compiled the app
template's files again for every learner (~18% of the server's CPU per page).
"""

from __future__ import annotations

import os
import threading

from jinja2 import BytecodeCache
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado.web import HTTPError

#: The message in the server's log (learners see the template's error page).
FULL = "The server is full: {n} lesson pages are open, the most it is set to serve."


def max_kernels(environ: dict[str, str] | None = None) -> int:
    """The most kernels this server may run (``HSL_MAX_KERNELS``; 0 or unset: no limit).

    >>> max_kernels({"HSL_MAX_KERNELS": "30"}), max_kernels({}), max_kernels({"HSL_MAX_KERNELS": "x"})
    (30, 0, 0)
    """
    value = (os.environ if environ is None else environ).get("HSL_MAX_KERNELS", "")
    return int(value) if value.strip().isdigit() else 0


class TemplateCache(BytecodeCache):
    """Compiled Jinja templates shared by every page of this server (in memory).

    Jinja's bytecode cache, keyed by the template's name and a checksum of its
    source (Jinja's own key), so an edited template is compiled again; nothing
    is written to disk.

    >>> import jinja2
    >>> cache = TemplateCache()
    >>> env = lambda: jinja2.Environment(loader=jinja2.DictLoader({"t": "Hi {{ x }}"}),
    ...                                  bytecode_cache=cache)
    >>> env().get_template("t").render(x=1), len(cache.code), env().get_template("t").render(x=2)
    ('Hi 1', 1, 'Hi 2')
    """

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}
        self.lock = threading.Lock()

    def load_bytecode(self, bucket) -> None:
        with self.lock:
            code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        with self.lock:
            self.code[bucket.key] = bucket.bytecode_to_string()


#: The one cache of this server process.
TEMPLATES = TemplateCache()


def install_template_cache() -> bool:
    """Make every nbconvert/Voilà template environment in this process use :data:`TEMPLATES`.

    Returns False if it was already installed.
    """
    from nbconvert.exporters.templateexporter import TemplateExporter

    create = TemplateExporter._create_environment
    if getattr(create, "hsl_cached", False):
        return False

    def _create_environment(self):
        env = create(self)
        if env.is_async:   # Voilà's pages (Jinja's cache key does not tell async code apart)
            env.bytecode_cache = TEMPLATES
        return env

    _create_environment.hsl_cached = True  # type: ignore[attr-defined]
    TemplateExporter._create_environment = _create_environment
    return True


install_template_cache()


class ClassKernelManager(AsyncMappingKernelManager):
    """A kernel manager that refuses a kernel past ``HSL_MAX_KERNELS`` (HTTP 503)."""

    async def start_kernel(self, *args, **kwargs) -> str:
        limit = max_kernels()
        if limit and len(self.list_kernel_ids()) >= limit:
            self.log.warning(FULL.format(n=len(self.list_kernel_ids())))
            raise HTTPError(503, FULL.format(n=limit))
        return await super().start_kernel(*args, **kwargs)
