"""Where one lesson page's CPU time goes in its kernel (issue #16): ``python benchmarks/profile_page.py``.

Starts one kernel (ipykernel, as Voilà does), runs the lesson's code cells in
it through nbclient, and reports the kernel process's CPU seconds (user +
system, from psutil; far less sensitive to other people's load than wall time)
for: the bare kernel start, the lesson's first cell (the imports), and the
rest of the lesson; plus the wall time and the load average. With
``--profile`` the lesson also runs under cProfile inside the kernel and the
top functions (cumulative) are printed. Each figure is the median of
``--repeat`` fresh kernels.

Not a test: the figures belong in ``benchmarks/RESULTS-class.md`` with the
machine, date and load.

Usage: ``python benchmarks/profile_page.py [--lesson 04] [--repeat 3] [--profile]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

PROFILE_START = "import cProfile as _hsl_cp\n_hsl_prof = _hsl_cp.Profile()\n_hsl_prof.enable()\n"
PROFILE_END = (
    "_hsl_prof.disable()\nimport io as _io, pstats as _ps\n_s = _io.StringIO()\n"
    "_ps.Stats(_hsl_prof, stream=_s).sort_stats('cumulative').print_stats({top})\n"
    "print(_s.getvalue())\n"
)


def code_cells(lesson: Path) -> list[str]:
    """The source of every code cell of ``lesson``, in order."""
    nb = json.loads(lesson.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def cpu(pid: int) -> float:
    import psutil

    t = psutil.Process(pid).cpu_times()
    return t.user + t.system


def one_page(lesson: Path, profile: bool = False, top: int = 40) -> dict:
    """Run ``lesson`` in a fresh kernel; CPU seconds of the kernel at each stage."""
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    cells = code_cells(lesson)
    if profile:
        cells = [PROFILE_START + cells[0], *cells[1:], PROFILE_END.format(top=top)]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    with tempfile.TemporaryDirectory(prefix="hsl-profile-") as tmp:
        env = dict(os.environ, HSL_WORK_DIR=tmp, PYTHONPATH=str(REPO_ROOT))
        env.pop("HSL_CLASS_DIR", None)
        t0 = time.perf_counter()
        km = KernelManager(kernel_name="python3")
        km.start_kernel(env=env, cwd=str(lesson.parent))
        client = NotebookClient(nb, km=km, timeout=300, allow_errors=True)
        try:
            with client.setup_kernel():
                pid = km.provisioner.process.pid
                client.kc.wait_for_ready(timeout=120)
                started, wall_started = cpu(pid), time.perf_counter() - t0
                client.execute_cell(nb.cells[0], 0)
                imports = cpu(pid)
                for i, cell in enumerate(nb.cells[1:], start=1):
                    client.execute_cell(cell, i)
                done, wall = cpu(pid), time.perf_counter() - t0
        finally:
            if km.is_alive():
                km.shutdown_kernel(now=True)
    out = {"kernel_start_cpu_s": round(started, 2), "imports_cpu_s": round(imports - started, 2),
           "cells_cpu_s": round(done - imports, 2), "total_cpu_s": round(done, 2),
           "kernel_ready_wall_s": round(wall_started, 2), "total_wall_s": round(wall, 2),
           "load_average": [round(x, 2) for x in os.getloadavg()]}
    if profile:
        out["profile"] = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    return out


def one_app_page(lesson: Path, options: dict | None = None, settle: float = 3.0,
                 warm: bool = True) -> dict:
    """Open ``lesson`` once through the lab's app server (``scripts/app.py``'s settings).

    One simulated learner of ``benchmarks/loadtest.py`` (page request, kernel
    WebSocket, every widget's state): CPU seconds of the Voilà server process
    and of the page's kernel, from the request until the page is usable. With
    ``warm``, one page is opened and closed first (the server's first page
    fills caches a class never pays for).
    """
    import asyncio

    import aiohttp
    import psutil

    sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
    import loadtest as lt

    with tempfile.TemporaryDirectory(prefix="hsl-profile-") as tmp:
        server = lt.ClassServer(root=REPO_ROOT / "lessons", class_dir=Path(tmp) / "class-work",
                                options=dict(options or {}))
        server.start()
        try:
            if (options or {}).get("pool_size"):
                asyncio.run(lt.wait_kernels(server, options["pool_size"], 180))
                asyncio.run(lt.wait_kernels_idle(server, 300))
            if warm:   # a class arrives at a server that has already served pages
                async def first() -> None:
                    async with aiohttp.ClientSession() as http:
                        learner = lt.Learner(server, lesson.name, "PROFILE-WARM", http)
                        await learner.open()
                        await learner.close(shutdown=True)

                asyncio.run(first())
                time.sleep(settle)
            time.sleep(settle)
            srv = psutil.Process(server.process.pid)
            before_kernels = {p: cpu(p) for p in server.kernel_pids()}
            srv0 = cpu(srv.pid)

            async def go() -> lt.LearnerResult:
                async with aiohttp.ClientSession() as http:
                    learner = lt.Learner(server, lesson.name, "PROFILE-0001", http)
                    await learner.open()
                    kernel = learner.result
                    await learner.close(shutdown=False)
                    return kernel

            t0 = time.perf_counter()
            res = asyncio.run(go())
            wall = time.perf_counter() - t0
            srv1 = cpu(srv.pid)
            kernels = {p: cpu(p) for p in server.kernel_pids()}
            kernel_cpu = sum(v - before_kernels.get(p, 0.0) for p, v in kernels.items())
            used = {p: v for p, v in kernels.items() if p not in before_kernels}
            mem = lt.memory(server, list(kernels))
        finally:
            server.stop()
    return {"server_cpu_s": round(srv1 - srv0, 2), "kernels_cpu_s": round(kernel_cpu, 2),
            "new_kernels": len(used), "usable_wall_s": round(res.usable_s or 0, 2),
            "first_byte_s": round(res.first_byte_s or 0, 2), "page_s": round(res.page_s or 0, 2),
            "total_wall_s": round(wall, 2), "widgets": res.widgets, "fallback": res.fallback,
            "kernel_rss_mb": mem["kernel_rss_mb"], "kernel_pss_mb": mem["kernel_pss_mb"],
            "server_rss_mb": mem["server_rss_mb"],
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lesson", default="04")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--server", action="store_true",
                        help="open the page through the app server (scripts/app.py) instead: "
                             "CPU seconds of the server process and of the kernel")
    parser.add_argument("--preheat", type=int, default=0, metavar="POOL",
                        help="with --server: a pool of POOL pre-heated kernels for the lesson")
    args = parser.parse_args(argv)
    lesson = next((REPO_ROOT / "lessons").glob(f"{args.lesson}-*.ipynb"))
    runs = []
    options = ({"preheat": [args.lesson], "pool_size": args.preheat} if args.preheat else {})
    for _ in range(args.repeat):
        runs.append(one_app_page(lesson, options) if args.server
                    else one_page(lesson, args.profile, args.top))
        if args.profile:
            print(runs[-1].pop("profile"))
        print(json.dumps(runs[-1]), flush=True)
    keys = [k for k in runs[0] if k.endswith("_s")]
    median = {k: round(statistics.median(r[k] for r in runs), 2) for k in keys}
    print(json.dumps({"lesson": lesson.name, "repeat": args.repeat,
                      "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                      "median": median}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
