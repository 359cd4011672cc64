"""A class on one server: N learners against the lab's own app server (``make loadtest``).

What a training room does when the trainer says "open lesson 04", measured:

1. The app server is started exactly as ``make app`` starts it
   (``scripts/app.py``: :func:`server_plan` — same command, settings, token and
   class folder handling), on 127.0.0.1 only, on a free port, with its own
   temporary class folder. Nothing listens on the network.
2. **Two real learners** (headless Chromium, internet blocked as in the browser
   suite) open the lesson first and stay; while the class works they change a
   control every 2 s and time it from the input event to the painted chart
   (the same in-page probes as ``make bench``).
3. For each class size N (default 1, 5, 10, 20, 30; at most 40), **N simulated
   learners** open the lesson *at the same moment*, each with its own work code
   (``?learner=``). A simulated learner speaks the protocol a browser speaks,
   without drawing anything: it requests the page (Voilà runs the notebook while
   it streams it), connects the kernel's WebSocket, sends ``kernel_info_request``
   and makes the widgets live the way the page's widget manager (ipywidgets 8 in
   Voilà 0.5) does — it opens a ``jupyter.widget.control`` comm and asks
   ``request_states``. The page is *usable* when the ``update_states`` reply has
   arrived. Then, for ``--interact`` seconds, every learner changes a slider or a
   list (a ``comm_msg`` ``update`` with a new ``value`` / ``index``, as a widget
   view sends it) every 2 s and times the kernel's reply: the ``echo_update``
   and the kernel going ``idle`` again after running the widget's callbacks
   (which send the chart updates).
4. CPU seconds and memory of the server and its kernels (psutil; memory as
   resident set and as proportional set size, which shares read-only pages
   fairly between processes), per learner; failures of every kind.

Results: ``benchmarks/results-class.json`` and ``benchmarks/RESULTS-class.md``
(machine, date, load average before and during, command line) with two charts
drawn with the lab's own Altair theme (``widgets.charts``) and saved as SVG
(vl-convert). Not a test: the figures depend on the machine and on what else it
is doing; the load average is recorded with them.

Bounded: N ≤ 40, a hard wall-clock limit (``--max-seconds``); the server (its
whole process group), the browser and every connection are stopped at the end,
on an error, on Ctrl+C and on SIGTERM.

Usage: ``python benchmarks/loadtest.py [--sizes 1 5 10 20 30] [--lesson 04]
[--interact 30] [--warmup 60] [--browsers 2] [--preheat N] [--name NAME]``
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "tests" / "browser"))
sys.path.insert(0, str(REPO_ROOT / "benchmarks"))

import harness  # noqa: E402

app = harness.app
OUT_DIR = REPO_ROOT / "benchmarks"
MAX_LEARNERS = 40
DEFAULT_SIZES = (1, 5, 10, 20, 30)
#: What ``make loadtest`` compares: the app as ``make app`` starts it, and the setting for
#: a room (a pool of pre-heated kernels as large as the largest class measured).
DEFAULT_SETTINGS = "app,preheat30"
#: What each lever did (put in the report) and the shorter lever runs it compares.
LEVERS_FILE = REPO_ROOT / "benchmarks" / "LEVERS-class.md"
LEVER_RUNS = ("before", "levers", "levers2", "levers3", "s10-app", "s10-quietpool", "s10-pool",
              "s10-pool5")
#: Seconds between two control changes of one learner (the issue's classroom pace).
PACE = 2.0
#: Targets from the design guide (section 6).
TARGET_USABLE_S = 5.0
TARGET_P95_MS = 100.0
TARGET_MB_PER_LEARNER = 150.0
#: Seconds one learner may wait for its page, and for one reply, before it counts as a failure.
PAGE_TIMEOUT = 180.0
REPLY_TIMEOUT = 30.0
#: Seconds to wait for a kernel pool to fill (or refill) before a class arrives.
POOL_FILL_TIMEOUT = 600.0
#: The widget manager waits this long for ``update_states`` before asking widget by widget.
CONTROL_TIMEOUT = 4.0
CONTROL_MODELS = {"IntSliderModel", "FloatSliderModel", "DropdownModel",
                  "SelectionSliderModel", "ToggleButtonsModel"}


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def percentile(values: list[float], q: float) -> float | None:
    """The ``q``-th percentile (nearest rank) of ``values``; None for no values.

    >>> percentile([5, 1, 4, 2, 3], 50), percentile([1, 2, 3, 4, 100], 95), percentile([], 95)
    (3, 100, None)
    """
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, round(q / 100 * len(ordered)))
    return ordered[min(len(ordered), rank) - 1]


def summary(values: list[float], digits: int = 1) -> dict:
    """Median, p95 and maximum of ``values`` (rounded), and how many there were.

    >>> summary([1.0, 2.0, 3.0])
    {'n': 3, 'median': 2.0, 'p95': 3.0, 'max': 3.0}
    """
    if not values:
        return {"n": 0, "median": None, "p95": None, "max": None}
    return {"n": len(values), "median": round(statistics.median(values), digits),
            "p95": round(percentile(values, 95), digits), "max": round(max(values), digits)}


def learner_codes(n: int, prefix: str = "LT") -> list[str]:
    """``n`` distinct work codes for simulated learners (valid ``?learner=`` codes).

    >>> learner_codes(2, "R1")
    ['R1-LOAD-0001', 'R1-LOAD-0002']
    """
    return [f"{prefix}-LOAD-{i + 1:04d}" for i in range(n)]


def check_sizes(sizes: list[int]) -> list[int]:
    """Class sizes to run, each between 1 and :data:`MAX_LEARNERS`.

    >>> check_sizes([5, 1])
    [5, 1]
    >>> check_sizes([41])
    Traceback (most recent call last):
    ...
    ValueError: a class size must be between 1 and 40 (got 41)
    """
    for n in sizes:
        if not 1 <= n <= MAX_LEARNERS:
            raise ValueError(f"a class size must be between 1 and {MAX_LEARNERS} (got {n})")
    return list(sizes)


# -- the server ------------------------------------------------------------------
@dataclass
class ClassServer:
    """The lab's app server (``scripts/app.py``'s plan) on loopback, with its own class folder."""

    root: Path
    class_dir: Path
    extra: list[str] = field(default_factory=list)
    #: Options of ``scripts/app.py`` (e.g. ``{"preheat": ["04"], "pool_size": 10}``).
    options: dict = field(default_factory=dict)
    port: int = 0
    token: str = ""
    process: subprocess.Popen | None = None
    log_path: Path | None = None
    command: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    #: Extra headers of a page request (the hub's learners send a browser's navigation headers).
    page_headers: dict[str, str] | None = None

    def start(self, timeout: float = 120) -> ClassServer:
        self.port = app.free_port()
        args = argparse.Namespace(lan=False, port=self.port, root=self.root, no_browser=True,
                                  class_dir=self.class_dir, **self.options)
        cmd, env, url = app.server_plan(args)
        self.token = url.split("token=", 1)[1]
        self.command = cmd + self.extra
        self.env = env
        harness.LOGS.mkdir(parents=True, exist_ok=True)
        self.log_path = harness.LOGS / "loadtest-server.log"
        log = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed with the process
        # Its own process group: stop() ends the server and every kernel it started.
        self.process = subprocess.Popen(self.command, cwd=self.root, env=env, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        import urllib.request

        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the app server exited; see {self.log_path}")
            try:
                urllib.request.urlopen(f"{self.base_url}/?token={self.token}", timeout=2).close()  # noqa: S310
                return self
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"the app server did not start in {timeout:.0f} s; see {self.log_path}")

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def lesson_path(self, lesson: str, learner: str) -> str:
        return f"/voila/render/{lesson}?learner={learner}&token={self.token}"

    def channels_url(self, kernel_id: str, session_id: str) -> str:
        """The kernel's WebSocket, as the page's own JavaScript opens it."""
        return (f"ws://127.0.0.1:{self.port}/api/kernels/{kernel_id}/channels"
                f"?session_id={session_id}&token={self.token}")

    def processes(self) -> tuple[Any, list]:
        """The server process and its kernels (psutil objects)."""
        import psutil

        try:
            proc = psutil.Process(self.process.pid)
            return proc, proc.children(recursive=True)
        except psutil.Error:
            return None, []

    def kernel_pids(self) -> list[int]:
        _, children = self.processes()
        out = []
        for child in children:
            with contextlib.suppress(Exception):
                if "ipykernel" in " ".join(child.cmdline()):
                    out.append(child.pid)
        return out

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=5)


class Sampler:
    """CPU seconds and memory of the server and its kernels, sampled in a thread."""

    def __init__(self, server: ClassServer, every: float = 1.0) -> None:
        self.server = server
        self.every = every
        self.cpu: dict[int, float] = {}     # pid -> last cpu seconds seen (user + system)
        self.peak_rss = 0
        self.load: list[float] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _sample(self) -> None:
        import psutil

        server, children = self.server.processes()
        rss = 0
        for proc in [server, *children]:
            if proc is None:
                continue
            try:
                times = proc.cpu_times()
                self.cpu[proc.pid] = times.user + times.system
                rss += proc.memory_info().rss
            except psutil.Error:
                continue
        self.peak_rss = max(self.peak_rss, rss)
        self.load.append(os.getloadavg()[0])

    def __enter__(self) -> Sampler:
        self._sample()
        self.start_cpu = dict(self.cpu)

        def run() -> None:
            while not self._stop.wait(self.every):
                self._sample()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        self._sample()

    def cpu_seconds(self) -> float:
        """CPU seconds used by the server and its kernels since the block started."""
        return sum(v - self.start_cpu.get(pid, 0.0) for pid, v in self.cpu.items())


def memory(server: ClassServer, pids: list[int]) -> dict:
    """Resident and proportional memory (MB) of the given kernels and of the server."""
    import psutil

    def one(pid: int) -> tuple[float, float]:
        try:
            info = psutil.Process(pid).memory_full_info()
            return info.rss / 2**20, getattr(info, "pss", info.rss) / 2**20
        except psutil.Error:
            return 0.0, 0.0

    kernels = [one(pid) for pid in pids]
    srv = one(server.process.pid)
    return {"kernels": len(pids),
            "kernel_rss_mb": [round(r, 1) for r, _ in kernels],
            "kernel_pss_mb": [round(p, 1) for _, p in kernels],
            "server_rss_mb": round(srv[0], 1), "server_pss_mb": round(srv[1], 1)}


# -- a simulated learner (the protocol a browser speaks) ---------------------------------
def _msg(msg_type: str, content: dict, channel: str = "shell", session: str = "",
         metadata: dict | None = None) -> dict:
    return {"header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "learner",
                       "session": session, "date": datetime.now(UTC).isoformat(),
                       "version": "5.3"},
            "parent_header": {}, "metadata": metadata or {}, "content": content, "buffers": [],
            "channel": channel}


def page_kernel_id(html: str) -> str | None:
    """The kernel id Voilà wrote into the page (``jupyter-config-data``).

    >>> page_kernel_id('<script id="jupyter-config-data" type="application/json">'
    ...                '{"baseUrl": "/", "kernelId": "abc-1"}</script>')
    'abc-1'
    """
    match = re.search(r'<script id="jupyter-config-data"[^>]*>(.*?)</script>', html, re.S)
    if not match:
        return None
    try:
        return json.loads(match.group(1)).get("kernelId")
    except ValueError:
        return None


def shown_codes(states: dict) -> list[str]:
    """Work codes shown in the widgets' HTML (``data-hsl-learner``), in order, without repeats.

    >>> shown_codes({"w": {"state": {"value": "<p data-hsl-learner='AB-12'>x</p>"}}})
    ['AB-12']
    """
    found = []
    for item in states.values():
        value = (item.get("state") or {}).get("value")
        if isinstance(value, str) and "data-hsl-learner" in value:
            found += re.findall(r"data-hsl-learner=['\"]([A-Za-z0-9-]+)['\"]", value)
    return list(dict.fromkeys(found))


PAGE_ERRORS = ("There was an error when executing cell", "Traceback (most recent call last)")


def pick_controls(states: dict) -> list[dict]:
    """The sliders and lists a learner can change, from ``update_states``, with a new value each.

    >>> s = {"a": {"model_name": "IntSliderModel", "state": {"value": 3, "min": 0, "max": 9,
    ...      "step": 1, "description": "Year", "disabled": False}},
    ...      "b": {"model_name": "DropdownModel", "state": {"index": 0, "_options_labels": ["x", "y"],
    ...      "description": "Lens", "disabled": False}},
    ...      "c": {"model_name": "HTMLModel", "state": {"value": "<b>hi</b>"}}}
    >>> [(c["id"], c["key"], c["values"]) for c in pick_controls(s)]
    [('a', 'value', [4, 3]), ('b', 'index', [1, 0])]
    """
    out = []
    for model_id, item in states.items():
        name, state = item.get("model_name"), item.get("state", {})
        if name not in CONTROL_MODELS or state.get("disabled"):
            continue
        label = str(state.get("description") or name)
        if name in ("IntSliderModel", "FloatSliderModel"):
            lo, hi, step, now = (state.get(k) for k in ("min", "max", "step", "value"))
            if None in (lo, hi, now) or hi <= lo:
                continue
            step = step or 1
            nxt = now + step if now + step <= hi else now - step
            out.append({"id": model_id, "key": "value", "label": label, "values": [nxt, now]})
        else:
            labels = state.get("_options_labels") or []
            idx = state.get("index")
            if len(labels) < 2 or idx is None:
                continue
            out.append({"id": model_id, "key": "index", "label": label,
                        "values": [(idx + 1) % len(labels), idx]})
    return out


@dataclass
class LearnerResult:
    code: str
    ok: bool = False
    first_byte_s: float | None = None
    page_s: float | None = None
    usable_s: float | None = None
    widgets: int = 0
    replies_ms: list[float] = field(default_factory=list)
    echoes_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    kernel_id: str | None = None
    fallback: bool = False
    #: The work code(s) the page shows (the portfolio panel's ``data-hsl-learner``).
    shown_codes: list[str] = field(default_factory=list)


class Learner:
    """One simulated learner: open the lesson, make its widgets live, use a control every 2 s."""

    def __init__(self, server: ClassServer, lesson: str, code: str, session) -> None:
        self.server = server
        self.lesson = lesson
        self.result = LearnerResult(code)
        self.http = session
        self.ws = None
        self.session_id = uuid.uuid4().hex
        self.waiters: dict[str, asyncio.Future] = {}
        self.echo: dict[str, float] = {}
        self.controls: list[dict] = []
        self._reader: asyncio.Task | None = None
        self.stage = ""
        self._states: asyncio.Future | None = None

    async def open(self) -> None:
        """Request the page and make its widgets live; record the time until usable."""
        import aiohttp

        res = self.result
        self.stage = "page request"
        start = time.perf_counter()
        url = self.server.base_url + self.server.lesson_path(self.lesson, res.code)
        timeout = aiohttp.ClientTimeout(total=PAGE_TIMEOUT)
        headers = self.server.page_headers  # what a browser following a link sends, if any
        async with self.http.get(url, timeout=timeout, headers=headers) as resp:
            first = await resp.content.read(1)
            res.first_byte_s = time.perf_counter() - start
            body = first + await resp.content.read()
            status = resp.status
        html = body.decode("utf-8", "replace")
        res.page_s = time.perf_counter() - start
        if status != 200:
            raise RuntimeError(f"page answered HTTP {status}: {_text(html)[:160]}")
        for pattern in PAGE_ERRORS:
            if pattern in html:
                raise RuntimeError(f"the page shows an error: {pattern}")
        res.kernel_id = page_kernel_id(html)
        if not res.kernel_id:
            raise RuntimeError(f"no kernel in the page: {_text(html)[:160]}")
        ws_url = self.server.channels_url(res.kernel_id, self.session_id)
        self.stage = "kernel connection"
        self.ws = await self.http.ws_connect(ws_url, max_msg_size=0, heartbeat=None)
        self._reader = asyncio.create_task(self._read())
        await self.request("kernel_info_request", {}, wait="kernel_info_reply")
        self.stage = "widget states"
        # The widget manager's _loadFromKernel: a control comm asks for every widget's state.
        comm_id = uuid.uuid4().hex
        self._states = asyncio.get_running_loop().create_future()
        self._control_comm = comm_id
        await self.send(_msg("comm_open", {"comm_id": comm_id, "target_name": "jupyter.widget.control",
                                           "data": {}}, session=self.session_id,
                             metadata={"version": "1.0.0"}))
        await self.send(_msg("comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}},
                             session=self.session_id))
        try:
            states = await asyncio.wait_for(self._states, CONTROL_TIMEOUT)
            await self.send(_msg("comm_close", {"comm_id": comm_id, "data": {}},
                                 session=self.session_id))
        except TimeoutError:
            # What the widget manager does next: list the widget comms, ask each for its state.
            res.fallback = True
            states = await self._states_one_by_one()
        res.usable_s = time.perf_counter() - start
        res.widgets = len(states)
        res.shown_codes = shown_codes(states)
        self.controls = pick_controls(states)
        res.ok = True

    async def _states_one_by_one(self) -> dict:
        reply = await self.request("comm_info_request", {"target_name": "jupyter.widget"},
                                   wait="comm_info_reply")
        comms = (reply.get("content") or {}).get("comms") or {}

        async def one(comm_id: str) -> tuple[str, dict]:
            msg = await self.request("comm_msg", {"comm_id": comm_id,
                                                  "data": {"method": "request_state"}},
                                     wait="comm_msg")
            data = (msg.get("content") or {}).get("data") or {}
            return comm_id, {"model_name": (data.get("state") or {}).get("_model_name"),
                             "state": data.get("state") or {}}

        return dict(await asyncio.gather(*(one(c) for c in comms)))

    async def send(self, msg: dict) -> None:
        await self.ws.send_str(json.dumps(msg))

    async def request(self, msg_type: str, content: dict, wait: str) -> dict:
        msg = _msg(msg_type, content, session=self.session_id)
        fut = asyncio.get_running_loop().create_future()
        self.waiters[msg["header"]["msg_id"] + wait] = fut
        await self.send(msg)
        return await asyncio.wait_for(fut, REPLY_TIMEOUT)

    async def _read(self) -> None:
        import aiohttp

        async for frame in self.ws:
            if frame.type != aiohttp.WSMsgType.TEXT:
                if frame.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                    break
                continue
            msg = json.loads(frame.data)
            parent = (msg.get("parent_header") or {}).get("msg_id", "")
            mtype = msg.get("header", {}).get("msg_type")
            content = msg.get("content") or {}
            if mtype == "comm_msg":
                data = content.get("data") or {}
                if data.get("method") == "update_states" and self._states and not self._states.done():
                    self._states.set_result(data.get("states") or {})
                elif data.get("method") == "echo_update" and parent in self.echo:
                    self.echo[parent] = time.perf_counter() - self.echo[parent]
            key = parent + (("idle" if content.get("execution_state") == "idle" else "")
                            if mtype == "status" else mtype)
            fut = self.waiters.pop(key, None)
            if fut and not fut.done():
                fut.set_result(msg)
        for fut in self.waiters.values():
            if not fut.done():
                fut.set_exception(ConnectionError("the kernel connection closed"))

    async def change(self, turn: int) -> None:
        """Change the next control and wait for the kernel's reply (idle after the update)."""
        control = self.controls[turn % len(self.controls)]
        value = control["values"][(turn // len(self.controls)) % 2]
        msg = _msg("comm_msg", {"comm_id": control["id"],
                                "data": {"method": "update", "state": {control["key"]: value},
                                         "buffer_paths": []}}, session=self.session_id)
        msg_id = msg["header"]["msg_id"]
        fut = asyncio.get_running_loop().create_future()
        self.waiters[msg_id + "idle"] = fut
        start = time.perf_counter()
        self.echo[msg_id] = start
        await self.send(msg)
        await asyncio.wait_for(fut, REPLY_TIMEOUT)
        self.result.replies_ms.append((time.perf_counter() - start) * 1000)
        echo = self.echo.pop(msg_id, None)
        if echo is not None and echo < 1000:  # a duration, not the start time: the echo came
            self.result.echoes_ms.append(echo * 1000)

    async def interact(self, until: float, offset: float) -> None:
        if not self.controls:
            self.result.failures.append("no slider or list to change on the page")
            return
        await asyncio.sleep(offset)
        turn = 0
        while time.monotonic() < until:
            began = time.monotonic()
            try:
                await self.change(turn)
            except Exception as err:  # noqa: BLE001 - counted, the learner goes on
                self.result.failures.append(f"reply: {type(err).__name__}: {str(err)[:120]}")
            turn += 1
            await asyncio.sleep(max(0.0, PACE - (time.monotonic() - began)))

    async def close(self, shutdown: bool = True) -> None:
        """Leave the page as a browser does: close the connection, ask Voilà to stop the kernel."""
        with contextlib.suppress(Exception):
            if self.ws is not None:
                await self.ws.close()
        if self._reader:
            self._reader.cancel()
        if shutdown and self.result.kernel_id:
            with contextlib.suppress(Exception):
                async with self.http.post(
                        f"{self.server.base_url}/voila/api/shutdown/{self.result.kernel_id}",
                        headers={"Authorization": f"token {self.server.token}"}) as resp:
                    await resp.read()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


# -- the real browsers -------------------------------------------------------------
class Browsers:
    """Real Chromium learners in a thread (Playwright's sync API, as in the browser suite).

    Each opens the lesson with its own work code and waits until every chart is
    drawn; while :attr:`measuring` is set, each changes a control every 2 s and
    records input → painted chart (``bench.JS_WAIT_DRAW``).
    """

    def __init__(self, server: ClassServer, lesson: Path, count: int) -> None:
        self.server = server
        self.lesson = lesson
        self.count = count
        self.ready = threading.Event()
        self.measuring = threading.Event()
        self.stop = threading.Event()
        self.samples: list[float] = []
        self.misses = 0
        self.load_seconds: list[float] = []
        self.errors: list[str] = []
        self.blocked: list[str] = []
        self.version = ""
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Browsers:
        if self.count:
            self._thread.start()
        else:
            self.ready.set()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=60)

    def _run(self) -> None:
        try:
            self._drive()
        except Exception as err:  # noqa: BLE001 - reported with the results
            self.errors.append(f"{type(err).__name__}: {str(err)[:300]}")
        finally:
            self.ready.set()

    def _drive(self) -> None:
        import bench
        from playwright.sync_api import sync_playwright

        chromium = harness.find_chromium()
        if chromium is None:
            raise RuntimeError("no Chromium found (set HSL_CHROMIUM)")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=harness.CHROMIUM_ARGS)
            self.version = browser.version
            guard = harness.NetworkGuard()
            pages = []
            try:
                for i in range(self.count):
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    guard.install(context)
                    context.add_init_script(bench.INIT_SCRIPT)
                    page = context.new_page()
                    guard.watch(page)
                    view = harness.Server("voila", self.server.root, self.server.port,
                                          self.server.token)
                    view.lesson_url = (lambda lesson, code=f"BROWSER-{i + 1}":  # noqa: B023
                                       f"{self.server.base_url}"
                                       f"{self.server.lesson_path(lesson.name, code)}")
                    lp = harness.LessonPage(page, view, self.lesson)
                    lp.open_and_run()
                    self.load_seconds.append(round(lp.load_seconds or 0, 2))
                    controls = [c for c in lp.controls() if c["kind"] in ("slider", "dropdown")]
                    if not controls:
                        raise RuntimeError("no slider or list next to a chart in the browser")
                    pages.append((lp, controls[0]))
                self.ready.set()
                turn = 0
                while not self.stop.is_set():
                    if not self.measuring.wait(0.2):
                        continue
                    for lp, control in pages:
                        began = time.monotonic()
                        self._one(lp, control, turn, bench)
                        self.stop.wait(max(0.0, PACE / len(pages) - (time.monotonic() - began)))
                    turn += 1
            finally:
                self.blocked = sorted(set(guard.attempts))
                for lp, _ in pages:
                    with contextlib.suppress(Exception):
                        lp.page.close(run_before_unload=True)
                browser.close()

    def _one(self, lp: harness.LessonPage, control: dict, turn: int, bench) -> None:
        page = lp.page
        page.evaluate("() => { window.__hsl.t0 = 0; }")
        before = page.evaluate(bench.JS_LAST_DRAW, control["out"])["last"]
        loc = page.locator(f'[data-hsl-ctl="{control["id"]}"]')
        if control["kind"] == "slider":
            loc.focus()
            page.keyboard.press("ArrowRight" if turn % 2 == 0 else "ArrowLeft")
        else:
            current = loc.evaluate("(s) => s.selectedIndex")
            loc.select_option(index=(current + 1) % control["n"])
        result = page.evaluate(bench.JS_WAIT_DRAW, [control["out"], before, 10_000])
        if result is None:
            self.misses += 1
        else:
            self.samples.append(float(result))


# -- one class size ------------------------------------------------------------------
async def run_class(server: ClassServer, lesson: Path, n: int, interact: float,
                    browsers: Browsers | None, prefix: str) -> dict:
    """N learners open the lesson together, then all change a control every 2 s."""
    import aiohttp

    load_before = _load()
    connector = aiohttp.TCPConnector(limit=0)
    learners: list[Learner] = []
    async with aiohttp.ClientSession(connector=connector) as http:
        learners = [Learner(server, lesson.name, code, http) for code in learner_codes(n, prefix)]
        with Sampler(server) as sampler:
            opened = await asyncio.gather(*(asyncio.wait_for(le.open(), PAGE_TIMEOUT)
                                            for le in learners), return_exceptions=True)
            for le, outcome in zip(learners, opened, strict=True):
                if isinstance(outcome, BaseException):
                    le.result.failures.append(
                        f"open ({le.stage}): {type(outcome).__name__}: {str(outcome)[:160]}")
            open_cpu = sampler.cpu_seconds()
            if browsers is not None:
                before = len(browsers.samples)
                browsers.measuring.set()
            until = time.monotonic() + interact
            live = [le for le in learners if le.result.ok]
            await asyncio.gather(*(le.interact(until, offset=PACE * i / max(1, len(live)))
                                   for i, le in enumerate(live)))
            if browsers is not None:
                browsers.measuring.clear()
                browser_ms = browsers.samples[before:]
            pids = server.kernel_pids()
            mem = memory(server, pids)
        await asyncio.gather(*(le.close() for le in learners))
    usable = [le.result.usable_s for le in learners if le.result.usable_s is not None]
    replies = [ms for le in learners for ms in le.result.replies_ms]
    echoes = [ms for le in learners for ms in le.result.echoes_ms]
    for le in learners:
        if le.result.ok and le.result.shown_codes not in ([], [le.result.code]):
            le.result.failures.append(f"the page shows another learner's work code: "
                                      f"{le.result.shown_codes}")
    failures = [f"{le.result.code}: {f}" for le in learners for f in le.result.failures]
    kernels_in_room = len(pids)
    entry = {
        "learners": n, "measured": _stamp(), "load_average_before": load_before,
        "load_average_during_max": round(max(sampler.load), 2) if sampler.load else None,
        "usable_s": summary(usable, 2),
        "first_byte_s": summary([le.result.first_byte_s for le in learners
                                 if le.result.first_byte_s is not None], 2),
        "reply_ms": {**summary(replies), "p50": summary(replies)["median"]},
        "echo_ms": summary(echoes),
        "browser_paint_ms": summary(browser_ms) if browsers is not None else None,
        "cpu_seconds_open": round(open_cpu, 1),
        "cpu_seconds_total": round(sampler.cpu_seconds(), 1),
        "cpu_seconds_per_learner": round(sampler.cpu_seconds() / n, 2),
        "memory": mem, "kernels_in_room": kernels_in_room,
        "widgets_per_page": sorted({le.result.widgets for le in learners if le.result.ok}),
        "controls": sorted({c["label"] for le in learners for c in le.controls}),
        "failures": failures, "failed_learners": sum(1 for le in learners if not le.result.ok),
        "state_fallbacks": sum(1 for le in learners if le.result.fallback),
        "own_code_shown": sum(1 for le in learners if le.result.shown_codes == [le.result.code]),
    }
    rss = mem["kernel_rss_mb"]
    pss = mem["kernel_pss_mb"]
    entry["kernel_rss_mb"] = summary(rss)
    entry["kernel_pss_mb"] = summary(pss)
    # Memory per learner: the median kernel (every learner has one), plus the server's
    # share; the server's own memory grows with the room too (its share is counted here).
    if rss:
        entry["mb_per_learner_rss"] = round(statistics.median(rss) + mem["server_rss_mb"] / len(rss), 1)
        entry["mb_per_learner_pss"] = round(statistics.median(pss) + mem["server_pss_mb"] / len(pss), 1)
    return entry


async def wait_kernels(server: ClassServer, n: int, seconds: float) -> None:
    """Wait up to ``seconds`` until the server runs at least ``n`` kernels (a pool filled)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(server.kernel_pids()) < n:
        await asyncio.sleep(0.5)


async def wait_kernels_idle(server: ClassServer, seconds: float, quiet_cpu: float = 0.2) -> float:
    """Wait up to ``seconds`` until the kernels use < ``quiet_cpu`` CPU-s per 2 s (a pool ready).

    Returns the seconds waited.
    """
    import psutil

    start = time.monotonic()

    def cpu() -> float:
        total = 0.0
        for pid in server.kernel_pids():
            with contextlib.suppress(psutil.Error):
                t = psutil.Process(pid).cpu_times()
                total += t.user + t.system
        return total

    before = cpu()
    while time.monotonic() - start < seconds:
        await asyncio.sleep(2.0)
        now = cpu()
        if now - before < quiet_cpu:
            break
        before = now
    return time.monotonic() - start


async def wait_quiet(server: ClassServer, seconds: float, expected_kernels: int) -> None:
    """Wait up to ``seconds`` for the learners' kernels to be gone."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(server.kernel_pids()) > expected_kernels:
        await asyncio.sleep(0.5)


# -- the report -------------------------------------------------------------------
def charts(data: dict, folder: Path, name: str) -> list[str]:
    """Two SVG charts (time to a usable page vs N; p95 vs N), in the lab's Altair theme."""
    import altair as alt
    import pandas as pd

    from widgets.charts import OKABE_ITO, describe, enable_theme
    from widgets.portfolio import chart_to_svg

    enable_theme()
    rows = []
    for run in data["runs"]:
        for e in run["classes"]:
            rows.append({"setting": run["label"], "learners": e["learners"],
                         "median_s": e["usable_s"]["median"], "slowest_s": e["usable_s"]["max"],
                         "p95_ms": e["reply_ms"]["p95"],
                         "browser_p95_ms": (e.get("browser_paint_ms") or {}).get("p95")})
    if not rows:
        return []
    df = pd.DataFrame(rows)
    written = []
    suffix = f"-{name}" if name else ""
    long = df.melt(id_vars=["setting", "learners"], value_vars=["median_s", "slowest_s"],
                   var_name="which", value_name="seconds").dropna()
    long["which"] = long["which"].map({"median_s": "median learner", "slowest_s": "slowest learner"})
    long["series"] = long["setting"] + " — " + long["which"]

    def series_colour(names: list[str]) -> alt.Color:
        return alt.Color("series:N", title="Server setting — measured",
                         scale=alt.Scale(domain=names, range=OKABE_ITO[:len(names)]),
                         legend=alt.Legend(labelLimit=420, orient="bottom", direction="vertical"))

    usable = alt.Chart(long).mark_line(point=True).encode(
        x=alt.X("learners:Q", title="Learners opening the lesson together"),
        y=alt.Y("seconds:Q", title="Time to a usable page (s)"),
        color=series_colour(list(dict.fromkeys(long["series"]))),
    ).properties(title="Time until the page is usable, by class size", width=520, height=300)
    target = alt.Chart(pd.DataFrame({"y": [TARGET_USABLE_S]})).mark_rule(
        strokeDash=[2, 2], color="#555").encode(y="y:Q")
    chart = describe(usable + target, "Line chart: seconds until each learner's page is usable, "
                     "median and slowest learner, against the number of learners opening the "
                     f"lesson together; the dotted line is the {TARGET_USABLE_S:.0f} s target.")
    path = folder / f"class-usable{suffix}.svg"
    path.write_text(chart_to_svg(chart))
    written.append(path.name)
    long = df.melt(id_vars=["setting", "learners"], value_vars=["p95_ms", "browser_p95_ms"],
                   var_name="which", value_name="ms").dropna()
    long["which"] = long["which"].map({"p95_ms": "kernel reply (simulated learners)",
                                       "browser_p95_ms": "painted chart (real browsers)"})
    long["series"] = long["setting"] + " — " + long["which"]
    p95 = alt.Chart(long).mark_line(point=True).encode(
        x=alt.X("learners:Q", title="Learners each changing a control every 2 s"),
        y=alt.Y("ms:Q", title="95th percentile (ms, logarithmic scale)",
                scale=alt.Scale(type="log")),
        color=series_colour(list(dict.fromkeys(long["series"]))),
    ).properties(title="Control → reply, 95th percentile, by class size", width=520, height=300)
    target = alt.Chart(pd.DataFrame({"y": [TARGET_P95_MS]})).mark_rule(
        strokeDash=[2, 2], color="#555").encode(y="y:Q")
    chart = describe(p95 + target, "Line chart: 95th percentile of the time from a control "
                     "change to the kernel's reply, and to the painted chart in a real browser, "
                     f"against the class size; the dotted line is the {TARGET_P95_MS:.0f} ms target.")
    path = folder / f"class-p95{suffix}.svg"
    path.write_text(chart_to_svg(chart))
    written.append(path.name)
    return written


def _fmt(value: Any, unit: str = "") -> str:
    return "–" if value is None else f"{value}{unit}"


def write_markdown(data: dict) -> str:
    m = data["machine"]
    lines = [
        "# A class on one server: load test results", "",
        f"Run {data['date']} with `{data['command']}` (`benchmarks/loadtest.py`).", "",
        "**A shared machine.** " + data.get("note", ""), "",
        "## Machine", "",
        f"- CPU: {m['cpu']} — {m['cores']} cores; RAM {m['ram_gb']} GB",
        f"- OS: {m['os']}; Python {m['python']}; Chromium {m.get('chromium') or '–'}",
        "- Packages: " + ", ".join(f"{k} {v}" for k, v in m["packages"].items()),
        f"- Load average before the run: {m['load_average_at_start']}; at the end: "
        f"{m.get('load_average_at_end', '–')}", "",
        "## How it was measured", "",
        f"Lesson `{data['lesson']}`, served by `scripts/app.py`'s command and settings on "
        "127.0.0.1 with a temporary class folder. For each class size N, N simulated learners "
        "(protocol clients: page request, kernel WebSocket, `kernel_info_request`, the widget "
        "manager's `jupyter.widget.control` comm and `request_states`) open the lesson at the "
        "same moment, each with its own work code; *usable* = the widget states have arrived. "
        f"Then for {data['interact_seconds']} s each changes a slider or list every "
        f"{PACE:.0f} s (a `comm_msg` `update`), timed until the kernel is idle again after "
        f"the widget's callbacks. {data['browsers']} real Chromium learner(s) (internet blocked) "
        "opened the lesson before the class and stay open; during the interaction each changes "
        "a control every 2 s and times input → painted chart. Memory: the learners' kernels "
        "at the end of the interaction (resident set, RSS; and proportional set, PSS, which "
        "shares read-only pages between kernels), plus the server's share. CPU: the server "
        "and every kernel, from the burst to the end of the interaction, divided by N.", "",
        f"Targets (design guide §6): 10 learners each usable ≤ {TARGET_USABLE_S:.0f} s; 20 "
        f"learners interacting, p95 ≤ {TARGET_P95_MS:.0f} ms; ≤ {TARGET_MB_PER_LEARNER:.0f} MB "
        "per learner.", "",
    ]
    for run in data["runs"]:
        lines += [f"## {run['label']}", "", run.get("description", ""), "",
                  f"Server flags: `{' '.join(run['extra']) or '(as make app)'}`; warm-up "
                  f"{run['warmup_s']} s; browsers' own pages usable in "
                  f"{run.get('browser_load_s') or '–'} s (before the class arrived).", "",
                  "| Learners | Usable: median / slowest (s) | Reply p50 / p95 (ms) | "
                  "Browser paint p50 / p95 (ms) | CPU s per learner | MB per learner (RSS / PSS) "
                  "| Kernels | Failures | Load avg before → max during |",
                  "|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
        for e in run["classes"]:
            b = e.get("browser_paint_ms") or {}
            lines.append(
                f"| {e['learners']} | {_fmt(e['usable_s']['median'])} / {_fmt(e['usable_s']['max'])} "
                f"| {_fmt(e['reply_ms']['median'])} / {_fmt(e['reply_ms']['p95'])} "
                f"| {_fmt(b.get('median'))} / {_fmt(b.get('p95'))} (n={b.get('n', 0)}) "
                f"| {e['cpu_seconds_per_learner']} "
                f"| {_fmt(e.get('mb_per_learner_rss'))} / {_fmt(e.get('mb_per_learner_pss'))} "
                f"| {e['kernels_in_room']} | {len(e['failures'])} "
                f"| {e['load_average_before'][0]} → {e['load_average_during_max']} |")
        fails = [f for e in run["classes"] for f in e["failures"]]
        if fails:
            lines += ["", "Failures (first 10):", ""] + [f"- {f}" for f in fails[:10]]
        if run.get("browser_errors"):
            lines += ["", "Browser errors: " + "; ".join(run["browser_errors"])]
        if run.get("blocked"):
            lines += ["", "**Internet requests blocked:** " + ", ".join(run["blocked"])]
        lines.append("")
    if data.get("levers"):
        lines += ["## What each lever did", "", data["levers"], ""]
    compared = [(name, other) for name, other in data.get("compared", {}).items() if other]
    if compared:
        lines += ["## Levers: shorter runs compared", "",
                  "Each lever was measured in a shorter run of its own (named below, full "
                  "figures in `results-class-NAME.json`), on the same shared machine: compare "
                  "rows with similar load averages only.", "",
                  "| Run | Setting | Learners | Usable: median / slowest (s) | Reply p95 (ms) | "
                  "MB per learner (RSS / PSS) | Learners without a usable page | "
                  "Load avg before → max during |",
                  "|---|---|---:|---:|---:|---:|---:|---|"]
        for name, other in compared:
            for run in other.get("runs", []):
                for e in run["classes"]:
                    lines.append(
                        f"| {name} ({other['date']}) | {run['label']} | {e['learners']} "
                        f"| {_fmt(e['usable_s']['median'])} / {_fmt(e['usable_s']['max'])} "
                        f"| {_fmt(e['reply_ms']['p95'])} "
                        f"| {_fmt(e.get('mb_per_learner_rss'))} / {_fmt(e.get('mb_per_learner_pss'))} "
                        f"| {e.get('failed_learners', 0)} of {e['learners']} "
                        f"| {e['load_average_before'][0]} → {e['load_average_during_max']} |")
        lines.append("")
    for svg in data.get("charts", []):
        lines += [f"![{svg}]({svg})", ""]
    return "\n".join(lines) + "\n"


def out_paths(name: str = "") -> tuple[Path, Path]:
    """The JSON and Markdown result files of a run called ``name``.

    >>> [p.name for p in out_paths()], [p.name for p in out_paths("quiet")]
    (['results-class.json', 'RESULTS-class.md'], ['results-class-quiet.json', 'RESULTS-class-quiet.md'])
    """
    suffix = f"-{name}" if name else ""
    return OUT_DIR / f"results-class{suffix}.json", OUT_DIR / f"RESULTS-class{suffix}.md"


SETTINGS = {
    "app": ("As make app starts it", "The app server exactly as `make app` starts it: a new "
            "kernel per page, started and run when the page is requested.", {}),
}


async def run_setting(label: str, description: str, options: dict, lesson: Path,
                      sizes: list[int], args, data: dict, deadline: float) -> dict:
    run: dict = {"label": label, "description": description, "options": options,
                 "warmup_s": args.warmup, "classes": []}
    data["runs"].append(run)
    with tempfile.TemporaryDirectory(prefix="hsl-loadtest-") as tmp:
        server = ClassServer(root=REPO_ROOT / "lessons", class_dir=Path(tmp) / "class-work",
                             options=options)
        server.start()
        run["extra"] = server.command[len(app.voila_command(server.root, server.port, "t")):]
        try:
            if options.get("pool_size"):
                # The pool fills one kernel at a time (scripts/hsl_server.py, QuietPool).
                await wait_kernels(server, options["pool_size"], POOL_FILL_TIMEOUT)
                run["pool_ready_s"] = round(await wait_kernels_idle(server, 300), 1)
            with Browsers(server, lesson, args.browsers) as browsers:
                await asyncio.sleep(args.warmup)
                await asyncio.get_running_loop().run_in_executor(
                    None, browsers.ready.wait, PAGE_TIMEOUT * max(1, args.browsers))
                run["browser_load_s"] = browsers.load_seconds
                data["machine"]["chromium"] = browsers.version or None
                baseline = len(server.kernel_pids())
                for i, n in enumerate(sizes):
                    if time.monotonic() + 60 > deadline:
                        run["stopped"] = f"time limit reached before N={n}"
                        break
                    print(f"[{label}] N={n} …", flush=True)
                    entry = await run_class(server, lesson, n, args.interact,
                                            browsers if args.browsers else None, f"R{i}")
                    run["classes"].append(entry)
                    print(f"  usable {entry['usable_s']}, reply {entry['reply_ms']}, "
                          f"paint {entry['browser_paint_ms']}, MB/learner "
                          f"{entry.get('mb_per_learner_rss')}, failures {len(entry['failures'])}",
                          flush=True)
                    save(data)
                    await wait_quiet(server, 30, baseline)
                    if options.get("pool_size"):   # the pool refilled: let it finish its run
                        await wait_kernels(server, baseline, POOL_FILL_TIMEOUT)
                        await wait_kernels_idle(server, 300)
                    await asyncio.sleep(args.settle)
                run["browser_errors"] = browsers.errors
            run["blocked"] = browsers.blocked
        finally:
            server.stop()
    return run


def save(data: dict) -> None:
    out_json, out_md = out_paths(data.get("name", ""))
    out_json.write_text(json.dumps(data, indent=2) + "\n")
    out_md.write_text(write_markdown(data))


async def main_async(args) -> dict:
    import bench

    sizes = check_sizes(args.sizes)
    lesson = next(p for p in harness.discover_lessons() if p.name.startswith(args.lesson))
    data: dict = {"date": _stamp(), "name": args.name, "lesson": lesson.name,
                  "command": "python benchmarks/loadtest.py " + shlex.join(args.argv),
                  "interact_seconds": args.interact, "browsers": args.browsers,
                  "machine": bench.machine(None), "runs": [],
                  "note": args.note}
    deadline = time.monotonic() + args.max_seconds
    settings = [s.strip() for s in args.settings.split(",") if s.strip()]
    for setting in settings:
        if setting == "app":
            label, description, options = SETTINGS["app"]
        elif setting.startswith("preheat"):
            pool_text, _, delay = setting[len("preheat"):].partition("d")
            pool = int(pool_text or 10)
            label = f"Pre-heated kernels (pool of {pool})"
            quiet = float(delay) if delay else app.POOL_QUIET_S
            description = (f"Voilà keeps {pool} kernel(s) for this lesson started and "
                           "already running the lesson up to the first cell that needs the "
                           "learner's request (its work code and language) "
                           "(`kernel_pools_config`); a page takes a ready one. The lab's "
                           "pool policy (`scripts/hsl_server.py`, QuietPool): waiting kernels "
                           "run at low CPU priority; used kernels are replaced one at a time "
                           f"once no page has opened for {quiet:.0f} s; when no kernel is "
                           "ready, a page gets a new kernel at once, as without a pool.")
            options = {"preheat": [lesson.name[:2]], "pool_size": pool,
                       "pool_refill_delay": quiet}
            label += f", refilled one at a time after {quiet:.0f} s quiet"
        else:
            raise SystemExit(f"unknown setting {setting!r} (app, preheatN)")
        await run_setting(label, description, options, lesson, sizes, args, data, deadline)
    if args.levers:
        data["levers"] = Path(args.levers).read_text(encoding="utf-8").strip()
    data["compared"] = {}
    for other in args.compare:
        path = out_paths(other)[0]
        data["compared"][other] = json.loads(path.read_text()) if path.exists() else None
    data["machine"]["load_average_at_end"] = _load()
    data["charts"] = charts(data, OUT_DIR, args.name)
    save(data)
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--lesson", default="04", help="lesson number (default 04)")
    parser.add_argument("--interact", type=float, default=30.0,
                        help="seconds every learner keeps changing a control (default 30)")
    parser.add_argument("--warmup", type=float, default=60.0,
                        help="seconds the server runs before the first class (default 60)")
    parser.add_argument("--settle", type=float, default=10.0,
                        help="seconds of quiet between two class sizes (default 10)")
    parser.add_argument("--browsers", type=int, default=2, choices=range(0, 3),
                        help="real Chromium learners beside the class (0–2, default 2)")
    parser.add_argument("--settings", default=DEFAULT_SETTINGS,
                        help="comma-separated server settings to compare: app, preheatN "
                             "(a pool of N pre-heated kernels), preheatNdS (refilled S seconds "
                             "after use), e.g. app,preheat10,preheat10d60 (default "
                             f"{DEFAULT_SETTINGS}: as make app starts it, and the setting "
                             "docs/deployment.md recommends for a room)")
    parser.add_argument("--max-seconds", type=float, default=3600.0,
                        help="hard wall-clock limit for the whole run (default 3600)")
    parser.add_argument("--compare", nargs="*", default=list(LEVER_RUNS), metavar="NAME",
                        help="add the figures of earlier runs (results-class-NAME.json) to the "
                             "report, e.g. the lever runs")
    parser.add_argument("--levers", metavar="FILE",
                        default=str(LEVERS_FILE) if LEVERS_FILE.exists() else None,
                        help="a Markdown file with what each lever did, put in the report "
                             "(default benchmarks/LEVERS-class.md)")
    parser.add_argument("--rewrite", action="store_true",
                        help="measure nothing: write the report again from the JSON results")
    parser.add_argument("--name", default="", help="write results-class-NAME.json instead")
    parser.add_argument("--note", default="This machine's 2 cores were shared with other "
                        "work while it ran (see the load averages): the figures are upper "
                        "bounds and must be re-run on a quiet machine before they are relied on.")
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    try:
        check_sizes(args.sizes)
    except ValueError as err:
        parser.error(str(err))

    if args.rewrite:   # no measuring: the report again from the JSON, with --levers/--compare
        out_json, _ = out_paths(args.name)
        data = json.loads(out_json.read_text())
        if args.levers:
            data["levers"] = Path(args.levers).read_text(encoding="utf-8").strip()
        for other in args.compare:
            path = out_paths(other)[0]
            data.setdefault("compared", {})[other] = (json.loads(path.read_text())
                                                      if path.exists() else None)
        data["charts"] = charts(data, OUT_DIR, args.name)
        save(data)
        print(f"rewrote the report from {out_json.relative_to(REPO_ROOT)}")
        return 0

    # A hard limit even if something hangs: the watchdog ends the process group of
    # the server (via the handler below) and then this process.
    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    watchdog = threading.Timer(args.max_seconds + 120, lambda: os.kill(os.getpid(), signal.SIGTERM))
    watchdog.daemon = True
    watchdog.start()
    try:
        data = asyncio.run(asyncio.wait_for(main_async(args), args.max_seconds + 90))
    finally:
        watchdog.cancel()
    out_json, out_md = out_paths(args.name)
    print(f"wrote {out_json.relative_to(REPO_ROOT)} and {out_md.relative_to(REPO_ROOT)}"
          f" ({len(data['runs'])} setting(s))")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
