"""The class load test through a real JupyterHub (``make loadtest-hub``).

What a room on ``make hub`` does when the trainer hands out the lesson link,
measured with the same simulated learners as ``make loadtest``
(:class:`loadtest.Learner`: the protocol a browser speaks, without drawing):

1. A real JupyterHub with its real proxy (``scripts/hub.py``'s command and
   ``hub/jupyterhub_config.py``, as ``make hub`` starts it: class password,
   one server per learner as their own system user, within the class's memory
   and CPU limits, the lessons from a git repository on this machine) is
   started on 127.0.0.1 on free ports, with throw-away learner accounts under
   a temporary folder (``tests/browser/hubctl.py``).
2. For each class size N (default 1, 5, 10; at most 20), N learners **log in
   at the same moment** with the class password (the login form, its
   ``_xsrf`` field and cookies), ask the hub for their server, wait until it is
   ready, copy the lessons with **nbgitpuller** (the ``git-pull`` link's own
   API), then open the lesson **as an app** (Voilà in their own server), make
   its widgets live and, for ``--interact`` seconds, change a control every 2 s.
   Times are from the moment the learner presses "Sign in": logged in, server
   ready, lessons copied, page usable; and control → reply.
3. CPU seconds (the hub, the proxy, every learner's server and kernel) and
   memory per learner (their server + their kernel, resident and proportional).
4. The learners' servers are stopped through the hub's API before the next
   class size; at the end the hub stops everything it started, and every
   process and account left is removed.

Needs root (separate system users, as ``make hub``) and the proxy
(``make hub-setup``). Results: ``benchmarks/results-class-hub.json`` and the
"Through JupyterHub" section of ``benchmarks/RESULTS-class.md``.

Usage: ``python benchmarks/loadtest_hub.py [--sizes 1 5 10] [--lesson 04]
[--interact 30] [--max-seconds 1800]``
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))
import bench  # noqa: E402
import hubctl  # noqa: E402
import loadtest as lt  # noqa: E402

MAX_HUB_LEARNERS = 20
DEFAULT_SIZES = (1, 5, 10)
#: Seconds a learner waits for their server (the hub's own spawn time-out is 120 s).
SERVER_TIMEOUT = 180.0
#: What a browser sends when a person follows a link (JupyterHub checks it on pages).
NAVIGATE = {"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
SECTION_START = "<!-- hub: written by benchmarks/loadtest_hub.py -->"
SECTION_END = "<!-- /hub -->"
RESULTS_JSON = lt.OUT_DIR / "results-class-hub.json"


def check_sizes(sizes: list[int]) -> list[int]:
    """Class sizes for the hub, each 1..20 (every learner gets a server and a kernel).

    >>> check_sizes([1, 5])
    [1, 5]
    >>> check_sizes([21])
    Traceback (most recent call last):
    ValueError: a class size through the hub must be between 1 and 20 (got 21)
    """
    for n in sizes:
        if not 1 <= n <= MAX_HUB_LEARNERS:
            raise ValueError("a class size through the hub must be between 1 and "
                             f"{MAX_HUB_LEARNERS} (got {n})")
    return list(sizes)


def xsrf_field(html: str) -> str:
    """The login form's ``_xsrf`` value.

    >>> xsrf_field('<input type="hidden" name="_xsrf" value="2|ab|cd"/>')
    '2|ab|cd'
    """
    found = re.search(r'name="_xsrf"\s+value="([^"]+)"', html)
    if not found:
        raise RuntimeError("the hub's login page has no _xsrf field")
    return found.group(1)


class HubLearnerServer:
    """What :class:`loadtest.Learner` needs of one learner's own server behind the hub."""

    def __init__(self, hub: hubctl.Hub, name: str) -> None:
        self.port = hub.port
        self.name = name
        self.base_url = f"{hub.url}/user/{name}"
        self.page_headers = NAVIGATE

    def lesson_path(self, lesson: str, learner: str) -> str:
        return "/" + hubctl.hubpy.lesson_urlpath(lesson, "app")

    def channels_url(self, kernel_id: str, session_id: str) -> str:
        return (f"ws://127.0.0.1:{self.port}/user/{self.name}/api/kernels/{kernel_id}/channels"
                f"?session_id={session_id}")


class HubProcesses:
    """The hub's process tree, in the shape :class:`loadtest.Sampler` and ``memory`` read."""

    def __init__(self, hub: hubctl.Hub) -> None:
        self.hub = hub
        self.process = hub.process

    def processes(self):
        import psutil

        try:
            proc = psutil.Process(self.hub.process.pid)
            return proc, proc.children(recursive=True)
        except psutil.Error:
            return None, []

    def learner_pids(self, name: str) -> list[int]:
        """The learner's server and kernel(s): every process running as their user."""
        import psutil

        _, children = self.processes()
        out = []
        for child in children:
            with contextlib.suppress(psutil.Error):
                if child.username() == name:
                    out.append(child.pid)
        return out


class HubLearner:
    """Log in, get a server, copy the lessons with nbgitpuller, then be a :class:`loadtest.Learner`."""

    def __init__(self, hub: hubctl.Hub, name: str, lesson: str, http) -> None:
        self.hub = hub
        self.name = name
        self.http = http
        self.learner = lt.Learner(HubLearnerServer(hub, name), lesson, name, http)
        self.times: dict[str, float] = {}

    @property
    def result(self) -> lt.LearnerResult:
        return self.learner.result

    async def open(self) -> None:
        start = time.perf_counter()
        self.learner.stage = "log in"
        async with self.http.get(f"{self.hub.url}/hub/login") as resp:
            form = await resp.text()
        data = {"username": self.name, "password": self.hub.password, "_xsrf": xsrf_field(form)}
        async with self.http.post(f"{self.hub.url}/hub/login", data=data,
                                  allow_redirects=False) as resp:
            if resp.status != 302:
                raise RuntimeError(f"log in answered HTTP {resp.status}")
        self.times["logged_in_s"] = time.perf_counter() - start
        self.learner.stage = "server start"
        # What the hub's home page does when the learner follows the lesson link.
        async with self.http.get(f"{self.hub.url}/hub/spawn/{self.name}",
                                 allow_redirects=False) as resp:
            if resp.status >= 400:
                raise RuntimeError(f"the hub refused to start the server: HTTP {resp.status}")
        await self._wait_ready(SERVER_TIMEOUT)
        self.times["server_ready_s"] = time.perf_counter() - start
        self.learner.stage = "lessons copy (nbgitpuller)"
        await self._git_pull()
        self.times["lessons_copied_s"] = time.perf_counter() - start
        await self.learner.open()
        self.result.usable_s = time.perf_counter() - start  # from "Sign in" to a usable page

    async def _wait_ready(self, seconds: float) -> None:
        headers = {"Authorization": f"token {self.hub.token}"}  # the hub's own view of the server
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            async with self.http.get(f"{self.hub.url}/hub/api/users/{self.name}",
                                     headers=headers) as resp:
                user = await resp.json()
            server = (user.get("servers") or {}).get("")
            if server and server.get("ready"):
                return
            await asyncio.sleep(0.5)
        raise TimeoutError(f"the server was not ready in {seconds:.0f} s")

    async def _git_pull(self) -> None:
        """What nbgitpuller's link does: its page, then its API (a stream of progress events)."""
        query = urlencode({"repo": f"file://{self.hub.bare}", "branch": self.hub.branch,
                           "targetpath": hubctl.hubpy.CLONE_NAME})
        base = f"{self.hub.url}/user/{self.name}/git-pull"
        # The page: the first request to the learner's server goes through the hub's OAuth
        # (redirects) and leaves the server's _xsrf cookie, which the page's script sends back.
        async with self.http.get(f"{base}?{query}", headers=NAVIGATE) as resp:
            await resp.read()
            if resp.status != 200:
                raise RuntimeError(f"nbgitpuller's page answered HTTP {resp.status}")
        headers = {"X-XSRFToken": self.xsrf_cookie()}
        async with self.http.get(f"{base}/api?{query}", headers=headers) as resp:
            if resp.status != 200:
                raise RuntimeError(f"nbgitpuller answered HTTP {resp.status}")
            async for raw in resp.content:
                line = raw.decode("utf-8", "replace").strip()
                if not line.startswith("data:"):
                    continue
                event = json.loads(line[5:])
                if event.get("phase") == "finished":
                    return
                if event.get("phase") == "error":
                    raise RuntimeError(f"nbgitpuller: {event.get('message', '')[:160]}")
        raise RuntimeError("nbgitpuller's stream ended before the lessons were copied")

    def xsrf_cookie(self) -> str:
        """The learner's server's ``_xsrf`` cookie (the hub has one of its own on /hub/)."""
        for cookie in self.http.cookie_jar:
            if cookie.key == "_xsrf" and cookie["path"].startswith(f"/user/{self.name}"):
                return cookie.value
        raise RuntimeError("the learner's server set no _xsrf cookie")


async def stop_servers(hub: hubctl.Hub, names: list[str], seconds: float = 90) -> None:
    """Stop the learners' servers through the hub's API and wait until they are gone."""
    import aiohttp

    headers = {"Authorization": f"token {hub.token}"}
    async with aiohttp.ClientSession(headers=headers) as http:
        for name in names:
            with contextlib.suppress(Exception):
                async with http.delete(f"{hub.url}/hub/api/users/{name}/server") as resp:
                    await resp.read()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            running = 0
            for name in names:
                async with http.get(f"{hub.url}/hub/api/users/{name}") as resp:
                    user = await resp.json() if resp.status == 200 else {}
                running += bool(user.get("servers"))
            if not running:
                return
            await asyncio.sleep(1.0)


async def run_class(hub: hubctl.Hub, names: list[str], lesson: Path, interact: float) -> dict:
    """``names`` log in together, open the lesson as an app, then change a control every 2 s."""
    import aiohttp

    load_before = lt._load()
    procs = HubProcesses(hub)
    learners: list[HubLearner] = []
    sessions = []
    try:
        for name in names:  # one browser each: its own cookies
            jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1
            sessions.append(aiohttp.ClientSession(cookie_jar=jar,
                                                  connector=aiohttp.TCPConnector(limit=0)))
            learners.append(HubLearner(hub, name, lesson.name, sessions[-1]))
        with lt.Sampler(procs) as sampler:
            opened = await asyncio.gather(
                *(asyncio.wait_for(le.open(), SERVER_TIMEOUT + lt.PAGE_TIMEOUT) for le in learners),
                return_exceptions=True)
            for le, outcome in zip(learners, opened, strict=True):
                if isinstance(outcome, BaseException):
                    le.result.failures.append(f"open ({le.learner.stage}): "
                                              f"{type(outcome).__name__}: {str(outcome)[:160]}")
            open_cpu = sampler.cpu_seconds()
            until = time.monotonic() + interact
            live = [le.learner for le in learners if le.result.ok]
            await asyncio.gather(*(le.interact(until, offset=lt.PACE * i / max(1, len(live)))
                                   for i, le in enumerate(live)))
            per_learner = [lt.memory(procs, procs.learner_pids(le.name)) for le in learners]
        for le in learners:
            await le.learner.close(shutdown=False)  # stopping the server ends the kernel
    finally:
        for http in sessions:
            await http.close()
    n = len(names)
    usable = [le.result.usable_s for le in learners if le.result.ok]
    replies = [ms for le in learners for ms in le.result.replies_ms]
    rss = [round(sum(m["kernel_rss_mb"]), 1) for m in per_learner if m["kernels"]]
    pss = [round(sum(m["kernel_pss_mb"]), 1) for m in per_learner if m["kernels"]]

    def stage(key: str) -> dict:
        return lt.summary([le.times[key] for le in learners if key in le.times], 2)

    entry = {
        "learners": n, "measured": lt._stamp(), "load_average_before": load_before,
        "load_average_during_max": round(max(sampler.load), 2) if sampler.load else None,
        "logged_in_s": stage("logged_in_s"), "server_ready_s": stage("server_ready_s"),
        "lessons_copied_s": stage("lessons_copied_s"), "usable_s": lt.summary(usable, 2),
        "reply_ms": {**lt.summary(replies), "p50": lt.summary(replies)["median"]},
        "cpu_seconds_open": round(open_cpu, 1),
        "cpu_seconds_total": round(sampler.cpu_seconds(), 1),
        "cpu_seconds_per_learner": round(sampler.cpu_seconds() / n, 2),
        "mb_per_learner_rss": lt.summary(rss), "mb_per_learner_pss": lt.summary(pss),
        "hub_and_proxy_rss_mb": round(_hub_rss(procs), 1),
        "widgets_per_page": sorted({le.result.widgets for le in learners if le.result.ok}),
        "failures": [f"{le.name}: {f}" for le in learners for f in le.result.failures],
        "failed_learners": sum(1 for le in learners if not le.result.ok),
    }
    return entry


def _hub_rss(procs: HubProcesses) -> float:
    """Resident memory (MB) of the hub, the proxy and the idle culler (not the learners')."""
    import psutil

    hub, children = procs.processes()
    total = 0.0
    for proc in [hub, *children]:
        with contextlib.suppress(psutil.Error, AttributeError):
            if proc.username() == psutil.Process().username():
                total += proc.memory_info().rss / 2**20
    return total


def machine() -> dict:
    """``make bench``'s machine record, with JupyterHub's version."""
    import jupyterhub

    return {**bench.machine(None), "jupyterhub": jupyterhub.__version__}


def markdown_section(data: dict) -> str:
    """The "Through JupyterHub" section of RESULTS-class.md."""
    lines = [
        SECTION_START, "## Through JupyterHub (`make loadtest-hub`)", "",
        f"Run {data['started']} with `{data['command']}` (`benchmarks/loadtest_hub.py`); "
        f"load average before the run: {data['load_average_before']}, at the end: "
        f"{data['load_average_after']}. JupyterHub {data['machine'].get('jupyterhub')} with "
        "configurable-http-proxy, as `make hub` starts it (class password, one server per "
        f"learner as their own system user, limits {data['limits']}), on 127.0.0.1.", "",
        "N learners press *Sign in* at the same moment; each then asks for their server, waits "
        "until the hub says it is ready, copies the lessons with nbgitpuller (the `git-pull` "
        f"link's API), opens lesson `{data['lesson']}` as an app (Voilà in their own server) and "
        "makes its widgets live; then every learner changes a control every 2 s for "
        f"{data['interact_s']:.0f} s. Times are from *Sign in*. Memory per learner: their "
        "server and kernel (every process running as their user).", "",
        "| Learners | Logged in: median (s) | Server ready: median / slowest (s) | Lessons copied: "
        "median / slowest (s) | Usable: median / slowest (s) | Reply p50 / p95 (ms) | CPU s per "
        "learner | MB per learner (RSS / PSS) | Failures | Load avg before → max during |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in data["runs"]:
        lines.append(
            f"| {r['learners']} | {r['logged_in_s']['median']} | {r['server_ready_s']['median']} / "
            f"{r['server_ready_s']['max']} | {r['lessons_copied_s']['median']} / "
            f"{r['lessons_copied_s']['max']} | {r['usable_s']['median']} / {r['usable_s']['max']} | "
            f"{r['reply_ms']['p50']} / {r['reply_ms']['p95']} | {r['cpu_seconds_per_learner']} | "
            f"{r['mb_per_learner_rss']['median']} / {r['mb_per_learner_pss']['median']} | "
            f"{len(r['failures'])} | {r['load_average_before'][0]} → "
            f"{r['load_average_during_max']} |")
    failures = [f for r in data["runs"] for f in r["failures"]]
    if failures:
        lines += ["", "Failures (first 10):", ""] + [f"- {f}" for f in failures[:10]]
    lines += ["", f"The hub, the proxy and the idle culler together: "
              f"{data['runs'][-1]['hub_and_proxy_rss_mb']} MB resident (after the largest class).",
              SECTION_END]
    return "\n".join(lines) + "\n"


def write_section(section: str, path: Path | None = None) -> Path:
    """Put ``section`` into RESULTS-class.md in place of the previous one (or at the end)."""
    path = path or lt.OUT_DIR / "RESULTS-class.md"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if SECTION_START in text and SECTION_END in text:
        before, rest = text.split(SECTION_START, 1)
        after = rest.split(SECTION_END, 1)[1].lstrip("\n")
        text = before + section + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + ("\n\n" if text else "") + section
    path.write_text(text, encoding="utf-8")
    return path


async def main_async(args) -> dict:
    sizes = check_sizes(args.sizes)
    lesson = next((lt.REPO_ROOT / "lessons").glob(f"{args.lesson}-*.ipynb"))
    base = Path(tempfile.mkdtemp(prefix="hsl-hub-load-"))
    base.chmod(0o755)  # learners' servers must reach their homes and the lessons' repository
    hub = hubctl.Hub(base, "class-" + secrets.token_hex(6), learners=sum(sizes), prefix="l",
                     mem_limit=args.mem_limit, cpu_limit=args.cpu_limit)
    data = {"started": lt._stamp(), "command": " ".join(["python", *sys.argv]),
            "lesson": lesson.name, "interact_s": args.interact, "machine": machine(),
            "limits": f"{args.mem_limit} memory, {args.cpu_limit} CPU per learner",
            "load_average_before": lt._load(), "runs": []}
    try:
        hub.start()
        await asyncio.sleep(args.warmup)
        names = list(hub.learners)
        for n in sizes:
            group, names = names[:n], names[n:]
            print(f"[hub loadtest] {n} learner(s)…", flush=True)
            entry = await run_class(hub, group, lesson, args.interact)
            hub.remember_processes()
            data["runs"].append(entry)
            print(f"  usable median/max {entry['usable_s']['median']}/{entry['usable_s']['max']} s, "
                  f"reply p95 {entry['reply_ms']['p95']} ms, {len(entry['failures'])} failure(s)",
                  flush=True)
            await stop_servers(hub, group)
    finally:
        hub.remember_processes()
        hub.stop()
        hub.kill_leftovers()
        shutil.rmtree(base, ignore_errors=True)
    data["load_average_after"] = lt._load()
    data["left_running"] = hub.still_running()
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--lesson", default="04")
    parser.add_argument("--interact", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=10.0,
                        help="seconds the hub runs before the first class (default 10)")
    parser.add_argument("--mem-limit", default="1G")
    parser.add_argument("--cpu-limit", default="1")
    parser.add_argument("--max-seconds", type=float, default=1800.0)
    parser.add_argument("--no-write", action="store_true", help="print, do not write results")
    args = parser.parse_args(argv)
    check_sizes(args.sizes)
    if os.geteuid() != 0:
        print("The hub load test needs root: learners are separate system users, as with "
              "`make hub`.", file=sys.stderr)
        return 2
    if hubctl.hub_module.proxy_path(lt.REPO_ROOT) is None:
        print("configurable-http-proxy is not installed: run `make hub-setup`.", file=sys.stderr)
        return 2

    def on_signal(signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGALRM, on_signal)
    signal.alarm(int(args.max_seconds))
    try:
        data = asyncio.run(main_async(args))
    finally:
        signal.alarm(0)
    if data["left_running"]:
        print(f"left running: {data['left_running']}", file=sys.stderr)
    if not args.no_write:
        RESULTS_JSON.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {RESULTS_JSON} and {write_section(markdown_section(data))}")
    else:
        print(markdown_section(data))
    return 1 if data["left_running"] else 0


if __name__ == "__main__":
    sys.exit(main())
