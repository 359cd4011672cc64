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

import asyncio
import contextvars
import os
import threading
import time

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


#: Niceness of a kernel waiting in the pool (``HSL_POOL_NICE``; 0 turns it off).
POOL_NICE = 10


def pool_nice(environ: dict[str, str] | None = None) -> int:
    """How much lower the CPU priority of a waiting pool kernel is; 0 if it could not be undone.

    A kernel taken by a learner gets normal priority back, which needs the
    right to raise a priority (root, or ``RLIMIT_NICE`` ≥ 20); without it the
    pool's kernels run at normal priority (the refill still waits for a quiet
    room and starts one kernel at a time).

    >>> pool_nice({"HSL_POOL_NICE": "0"})
    0
    >>> pool_nice({"HSL_POOL_NICE": "5"}) in (0, 5)
    True
    """
    value = (os.environ if environ is None else environ).get("HSL_POOL_NICE", str(POOL_NICE))
    nice = int(value) if value.strip().isdigit() else POOL_NICE
    if not nice:
        return 0
    import resource

    if os.geteuid() != 0 and resource.getrlimit(resource.RLIMIT_NICE)[0] < 20:
        return 0
    return min(nice, 19)


def set_niceness(pid: int, nice: int) -> bool:
    """Set the niceness of every thread of process ``pid`` (Linux nice is per thread)."""
    try:
        tids = [int(t) for t in os.listdir(f"/proc/{pid}/task")]
    except OSError:
        tids = [pid]
    done = False
    for tid in tids:
        try:
            os.setpriority(os.PRIO_PROCESS, tid, nice)
            done = True
        except OSError:
            continue
    return done


#: The ``?lang=`` of the page being served (set by :func:`install_language_check`).
_REQUEST_LANG: contextvars.ContextVar[str | None] = contextvars.ContextVar("hsl_lang",
                                                                          default=None)
LAB_LANGUAGES = ("en", "fr", "es")


def short_language(code: str | None) -> str | None:
    """``"fr"`` for ``"FR-ca"``; None for none or a language the lab does not have (as widgets.i18n).

    >>> short_language("FR-ca"), short_language("de"), short_language(None)
    ('fr', None, None)
    """
    short = str(code or "").strip().lower().replace("_", "-").split("-")[0]
    return short if short in LAB_LANGUAGES else None


def pool_language(environ: dict[str, str] | None = None) -> str:
    """The language a pre-heated kernel runs the lesson in: the server's ``HSL_LANG``, else English.

    >>> pool_language({}), pool_language({"HSL_LANG": "es"})
    ('en', 'es')
    """
    return short_language((os.environ if environ is None else environ).get("HSL_LANG")) or "en"


def install_language_check() -> bool:
    """Let the pool see the page's ``?lang=`` (Voilà asks for a pool kernel before the kernel
    knows the page): a page in another language than the pool's gets a new kernel."""
    from voila.handler import VoilaHandler

    original = VoilaHandler.get_generator
    if getattr(original, "hsl_lang", False):
        return False

    async def get_generator(self, path=None):
        _REQUEST_LANG.set(short_language(self.get_argument("lang", None)))
        async for part in original(self, path):
            yield part

    get_generator.hsl_lang = True  # type: ignore[attr-defined]
    VoilaHandler.get_generator = get_generator
    return True


class QuietPool:
    """Voilà's pool of pre-heated kernels, refilled so that it never competes with a class.

    Voilà 0.5.13 replaces every used kernel at once, ``fill_delay`` seconds
    after each page, and a page arriving while the pool refills waits for a
    kernel still starting (issue #16: the slowest of ten learners waited 38 s).
    Here instead:

    * a page takes a kernel only if one is **ready**; otherwise it gets a new
      kernel at once, exactly as without a pool (never a wait on the pool);
    * used kernels are replaced **one at a time**, and only once no page has
      opened for ``fill_delay`` seconds (the room has settled);
    * a kernel waiting in the pool runs at **lower CPU priority**
      (:func:`pool_nice`) and gets normal priority when a learner takes it;
    * it runs the lesson in the server's language (:func:`pool_language`)
      without waiting for the page, as far as the first cell that needs the
      learner's work code; a page asking for another language (``?lang=``)
      gets a new kernel.

    Installed on Voilà's ``VoilaKernelManager`` by :class:`ClassKernelManager`.
    """

    def __init__(self, km) -> None:
        self.km = km
        self.nice = pool_nice()
        self.base_nice = os.getpriority(os.PRIO_PROCESS, 0)
        self.last_page = time.monotonic()
        self.workers: dict[str, asyncio.Task] = {}
        self.language = pool_language()
        install_language_check()
        km.fill_if_needed = self.fill_if_needed
        km.get_pool_size = self.ready_count
        km.get_rendered_notebook = self.take

    # -- what Voilà's page handler calls
    def _ready(self, notebook_name: str) -> list[asyncio.Task]:
        return [t for t in self.km._pools.get(notebook_name, [])
                if t.done() and not t.cancelled() and t.exception() is None]

    def ready_count(self, notebook_name: str) -> int:
        asked = _REQUEST_LANG.get()
        if asked is not None and asked != self.language:
            return 0           # the ready kernels ran the lesson in another language
        return len(self._ready(notebook_name))

    async def take(self, notebook_name: str, extra_kernel_env_variables: dict | None = None,
                   **kwargs):
        pool = self.km._pools[notebook_name]
        for task in [t for t in pool if t.done() and (t.cancelled() or t.exception())]:
            pool.remove(task)          # a kernel that failed to start is dropped
        task = self._ready(notebook_name)[0]
        pool.remove(task)
        content = task.result()
        renderer = content["renderer"]
        renderer.stop_generator = True
        kernel_id = content["kernel_id"]
        self.renice(kernel_id, self.base_nice)
        self.km.log.info("Using pre-heated kernel: %s for %s", kernel_id, notebook_name)
        self.page_opened()
        self.fill_if_needed(delay=None, notebook_name=notebook_name)
        return content["task"], renderer.rendered_cache, kernel_id

    def page_opened(self) -> None:
        self.last_page = time.monotonic()

    # -- refilling
    def pool_size(self, notebook_name: str) -> int:
        config = self.km.kernel_pools_config
        default = config.get("default", {})
        return int(config.get(notebook_name, default).get("pool_size",
                                                          default.get("pool_size", 1)))

    def fill_if_needed(self, delay: float | None = None, notebook_name: str | None = None,
                       extra_kernel_env_variables: dict | None = None, **kwargs) -> None:
        if notebook_name is None or self.pool_size(notebook_name) <= 0:
            return
        self.km._pools.setdefault(notebook_name, [])
        worker = self.workers.get(notebook_name)
        if worker is not None and not worker.done():
            return                    # one refill at a time per lesson
        quiet = self.km.fill_delay if delay is None else delay
        self.workers[notebook_name] = asyncio.get_event_loop().create_task(
            self._refill(notebook_name, quiet, kwargs))

    async def _refill(self, notebook_name: str, quiet: float, kwargs: dict) -> None:
        pool = self.km._pools[notebook_name]
        while len(pool) < self.pool_size(notebook_name):
            while (wait := self.last_page + quiet - time.monotonic()) > 0:
                await asyncio.sleep(wait)
            task = asyncio.get_event_loop().create_task(
                self.km._initialize(notebook_name, None, **self._kernel_kwargs(notebook_name,
                                                                                kwargs)))
            pool.append(task)
            try:
                content = await task
            except Exception as err:  # noqa: BLE001 - logged; a page then gets a new kernel
                self.km.log.warning("A pre-heated kernel for %s failed to start: %s",
                                    notebook_name, err)
                await asyncio.sleep(max(quiet, 5.0))
                continue
            await self._settled(content["kernel_id"])
        self.km.log.info("Kernel pool of %s is filled with %s kernel(s)", notebook_name,
                         len(pool))

    def _kernel_kwargs(self, notebook_name: str, kwargs: dict) -> dict:
        """The start arguments Voilà's own refill gives a pool kernel (voila_kernel_manager.py)."""
        from voila.utils import ENV_VARIABLE

        kwargs = dict(kwargs)
        kwargs.setdefault("path", os.path.dirname(notebook_name))
        config = self.km.kernel_pools_config
        default = config.get("default", {})
        variables = config.get(notebook_name, default).get(
            "kernel_env_variables", default.get("kernel_env_variables", {}))
        env = {**os.environ, **kwargs.get("env", {})}
        for key, value in variables.items():
            env.setdefault(key, value)
        parent = self.km.parent
        env[ENV_VARIABLE.VOILA_BASE_URL] = parent.base_url
        env[ENV_VARIABLE.VOILA_SERVER_URL] = parent.server_url
        env[ENV_VARIABLE.VOILA_APP_PORT] = str(parent.port)
        env[ENV_VARIABLE.VOILA_PREHEAT] = "True"
        # The lesson runs in this language before the page arrives (widgets.i18n).
        env["HSL_POOL_LANG"] = self.language
        kwargs["env"] = env
        return kwargs

    async def _settled(self, kernel_id: str, limit: float = 180.0, started_cpu: float = 1.0
                       ) -> None:
        """Wait until the new kernel has run the lesson as far as it can.

        That is: it has used at least ``started_cpu`` CPU-seconds (Python, the
        imports) and then stays quiet for two seconds. A kernel at low priority
        on a busy machine gets almost no CPU and would otherwise look quiet
        from the start (seen at load 10: five kernels started in a row).
        """
        pid = self.kernel_pid(kernel_id)
        if pid is None:
            return
        began, last, quiet = time.monotonic(), _cpu_seconds(pid), 0
        while time.monotonic() - began < limit:
            await asyncio.sleep(1.0)
            now = _cpu_seconds(pid)
            if now is None or last is None:
                return
            quiet = quiet + 1 if now >= started_cpu and now - last < 0.05 else 0
            if quiet >= 2:
                return
            last = now

    def kernel_pid(self, kernel_id: str) -> int | None:
        try:
            return int(self.km.get_kernel(kernel_id).provisioner.process.pid)
        except Exception:  # noqa: BLE001 - not a local process
            return None

    def renice(self, kernel_id: str, nice: int) -> None:
        if self.nice and (pid := self.kernel_pid(kernel_id)) is not None:
            set_niceness(pid, nice)


def _cpu_seconds(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


class ClassKernelManager(AsyncMappingKernelManager):
    """A kernel manager that refuses a kernel past ``HSL_MAX_KERNELS`` (HTTP 503).

    Under Voilà's pre-heated kernels (``--preheat``), it also gives the pool the
    lab's refill policy (:class:`QuietPool`).
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        # Voilà's VoilaKernelManager (a subclass made by voila_kernel_manager_factory)
        # fills its pools right after this returns: the policy must be in place.
        self.hsl_pool = QuietPool(self) if hasattr(type(self), "fill_if_needed") else None

    async def start_kernel(self, *args, **kwargs) -> str:
        limit = max_kernels()
        if limit and len(self.list_kernel_ids()) >= limit:
            self.log.warning(FULL.format(n=len(self.list_kernel_ids())))
            raise HTTPError(503, FULL.format(n=limit))
        kernel_id = await super().start_kernel(*args, **kwargs)
        pool = getattr(self, "hsl_pool", None)
        if pool is not None:
            if (kwargs.get("env") or {}).get("VOILA_PREHEAT") == "True":
                pool.renice(kernel_id, pool.base_nice + pool.nice)   # waits in the pool
            else:
                pool.page_opened()                 # a page got a new kernel: not quiet
        return kernel_id
