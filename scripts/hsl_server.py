"""Server-side pieces of the app server (loaded by the Voilà process only, never by a kernel).

:class:`ClassKernelManager` caps the number of kernels (one per open lesson
page) at ``HSL_MAX_KERNELS``: past it, a new page gets the app template's
"The server is full — try again in a minute" page (HTTP 503, which retries by
itself) instead of a kernel that would push the server out of memory or make
every learner wait. ``scripts/app.py --max-learners`` sets it (see
:func:`app.limit_settings`).
"""

from __future__ import annotations

import os

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


class ClassKernelManager(AsyncMappingKernelManager):
    """A kernel manager that refuses a kernel past ``HSL_MAX_KERNELS`` (HTTP 503)."""

    async def start_kernel(self, *args, **kwargs) -> str:
        limit = max_kernels()
        if limit and len(self.list_kernel_ids()) >= limit:
            self.log.warning(FULL.format(n=len(self.list_kernel_ids())))
            raise HTTPError(503, FULL.format(n=limit))
        return await super().start_kernel(*args, **kwargs)
