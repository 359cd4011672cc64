"""A real JupyterHub (``make hub``'s settings) started on loopback, for the hub tests and the load test.

:class:`Hub` starts ``scripts/hub.py``'s command with throw-away learner
accounts under a temporary folder, remembers every process it started and
stops them all (``stop`` then ``kill_leftovers``). Used by
``tests/browser/test_hub.py`` and ``benchmarks/loadtest_hub.py``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import harness
import psutil

REPO_ROOT = harness.REPO_ROOT


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hubpy = _load("hsl_hub_script", REPO_ROOT / "scripts" / "hub.py")


class Hub:
    """One hub on a free loopback port; ``learners`` are throw-away accounts it may create."""

    def __init__(self, base: Path, password: str, learners: int = 3, prefix: str = "t",
                 mem_limit: str = "1G", cpu_limit: str = "1") -> None:
        self.base = base
        self.data = base / "data"
        self.homes = base / "homes"
        self.port = harness.app.free_port()
        self.token = secrets.token_hex(16)
        tag = secrets.token_hex(2)
        self.password = password
        self.limits = {"HSL_HUB_MEM_LIMIT": mem_limit, "HSL_HUB_CPU_LIMIT": cpu_limit}
        self.learners = [f"{prefix}{tag}-learner{i}" for i in range(1, learners + 1)]
        self.process: subprocess.Popen | None = None
        self.seen: dict[int, float] = {}  # every process the hub started: pid -> create_time
        self.commands: dict[int, str] = {}
        self.memory: dict[str, dict] = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.bare, self.branch, python = hubpy.prepare(self.data)
        env = hubpy.hub_env(self.data, self.port, password=self.password, homes=self.homes,
                            python=python, extra={"HSL_HUB_ADMIN_TOKEN": self.token, **self.limits})
        harness.LOGS.mkdir(parents=True, exist_ok=True)
        self.log_path = harness.LOGS / "hub.log"
        log = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed by the OS
        self.process = subprocess.Popen(hubpy.hub_command(), cwd=self.data, env=env, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the hub exited; see {self.log_path}"
            try:
                with urllib.request.urlopen(f"{self.url}/hub/api/", timeout=2) as resp:  # noqa: S310
                    if resp.status == 200:
                        return
            except Exception:  # noqa: BLE001 - the proxy answers 404 until the hub is routed
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the hub did not start in 60 s; see {self.log_path}")

    def api(self, method: str, path: str, body: dict | None = None):
        req = urllib.request.Request(f"{self.url}/{path.lstrip('/')}", method=method,
                                     data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310 - loopback only
            raw = resp.read()
        return json.loads(raw) if raw else None

    def contents(self, learner: str, path: str) -> dict:
        return self.api("GET", f"user/{learner}/api/contents/{path}?content=1")

    def remember_processes(self) -> None:
        if self.process is None:
            return
        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.Error:
            return
        for child in children:
            try:
                self.seen.setdefault(child.pid, child.create_time())
                self.commands.setdefault(child.pid, " ".join(child.cmdline()))
            except psutil.Error:  # it ended meanwhile
                pass

    def still_running(self) -> list[str]:
        alive = []
        for pid, created in self.seen.items():
            try:
                proc = psutil.Process(pid)
                if proc.create_time() == created and proc.status() != psutil.STATUS_ZOMBIE:
                    alive.append(f"{pid} {' '.join(proc.cmdline())[:100]}")
            except psutil.Error:
                pass
        return alive

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the hub stops its servers and proxy
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def kill_leftovers(self) -> None:
        """After a failure: end every process the hub started (by id), delete the accounts."""
        for pid, created in self.seen.items():
            try:
                proc = psutil.Process(pid)
                if proc.create_time() == created:
                    proc.kill()
            except psutil.Error:
                pass
        for name in self.learners:
            hub_module.remove_limits(name)
            hub_module.delete_learner_account(name)


hub_module = _load("hsl_hub", REPO_ROOT / "hub" / "hsl_hub.py")
