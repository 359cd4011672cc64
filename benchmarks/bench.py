"""Latency, run time and memory of every lesson (``make bench``).

What a learner waits for, measured on this machine:

1. **Control → chart latency**, in a real browser (headless Chromium, app mode
   served by Voilà exactly like ``make app``, internet blocked). For every
   control next to a chart, the control is changed ~30 times the way a person
   does it (arrow keys on a slider, choosing in a list, clicking a button).
   The clock starts at the browser's input event and stops when the chart has
   finished redrawing *and the frame is painted*: canvas drawing calls and SVG
   mutations inside the widget are timestamped in the page, and the next
   ``requestAnimationFrame`` after the last one is the moment it is on screen.
   Target: p95 ≤ 100 ms per widget.
2. **Lesson run time** headless (nbclient, kernel start + all cells), target ≤ 20 s.
3. **Kernel peak memory** per lesson (resident set of the kernel process,
   sampled every 20 ms with psutil), target ≤ 500 MB.

Results go to ``benchmarks/results.json`` and ``benchmarks/RESULTS.md`` with a
description of the machine. Not a test: numbers depend on the machine (note
the load average recorded with them).

Headroom check: ``--busy-cores 1`` keeps one core busy with a plain loop while
the browser measures, like a second program on a learner's laptop or a shared
Binder host, and ``--name busy`` writes that run to ``results-busy.json`` and
``RESULTS-busy.md`` instead, so the main results stay those of a quiet machine.

Usage: ``python benchmarks/bench.py [--reps 30] [--lessons 00 05] [--skip-browser]
[--busy-cores N] [--name NAME]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "tests" / "browser"))

import harness  # noqa: E402

OUT_DIR = REPO_ROOT / "benchmarks"
TARGET_P95_MS = 100.0
TARGET_RUN_S = 20.0
TARGET_MEM_MB = 500.0
#: A control whose widget shows no new chart within this many seconds did not
#: redraw one (e.g. it changes a table only); after three misses it is reported so.
MISS_AFTER = 4.0

# Timestamps every canvas draw and every SVG change of a chart, and the first
# painted frame after each (installed before any page script runs).
INIT_SCRIPT = """
(() => {
  const H = window.__hsl = {draw: new WeakMap(), painted: 0, pending: false, t0: 0};
  const mark = (el) => {
    H.draw.set(el, performance.now());
    if (!H.pending) { H.pending = true;
      requestAnimationFrame(() => { H.painted = performance.now(); H.pending = false; }); }
  };
  const P = CanvasRenderingContext2D.prototype;
  for (const name of ['fillRect', 'clearRect', 'fill', 'stroke', 'fillText', 'drawImage']) {
    const orig = P[name];
    P[name] = function (...args) { mark(this.canvas); return orig.apply(this, args); };
  }
  const watch = () => new MutationObserver((records) => {
    for (const r of records) { const t = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      const svg = t && t.closest && t.closest('.vega-embed svg.marks'); if (svg) mark(svg); }
  }).observe(document.documentElement, {subtree: true, childList: true, attributes: true,
                                        characterData: true});
  if (document.documentElement) watch(); else document.addEventListener('DOMContentLoaded', watch);
  for (const type of ['keydown', 'change', 'click', 'input']) {
    window.addEventListener(type, (e) => { if (!H.t0) H.t0 = e.timeStamp; }, true);
  }
})();
"""
# Last draw time of the charts in one output area, and the painted frame time.
JS_LAST_DRAW = """
(oi) => { const o = document.querySelector('[data-hsl-out="' + oi + '"]');
  const els = o ? Array.from(o.querySelectorAll('.vega-embed canvas, .vega-embed svg.marks')) : [];
  const last = Math.max(0, ...els.map((e) => window.__hsl.draw.get(e) || 0));
  return {last, painted: window.__hsl.painted, t0: window.__hsl.t0, now: performance.now()}; }
"""
# Waits in the page for the chart's redraw after the input: drawn after the input
# and after ``before``, quiet for 150 ms, and painted since; returns the latency
# (ms) or null after ``timeout`` ms. Checking inside the page (every 25 ms, over
# the output area's own charts) keeps the measuring off the page's main thread
# and off the machine's two cores: polling from Python cost a round trip through
# Playwright and a search of the whole page every 20 ms.
JS_WAIT_DRAW = """
async ([oi, before, timeout]) => {
  const H = window.__hsl, start = performance.now();
  const o = document.querySelector('[data-hsl-out="' + oi + '"]');
  const last = () => { const els = o ? o.querySelectorAll('.vega-embed canvas, .vega-embed svg.marks') : [];
    let m = 0; for (const e of els) m = Math.max(m, H.draw.get(e) || 0); return m; };
  while (performance.now() - start < timeout) {
    await new Promise((r) => setTimeout(r, 25));
    const l = last(), now = performance.now();
    if (H.t0 && l > Math.max(before, H.t0) && now - l > 150 && H.painted >= l) return H.painted - H.t0;
  }
  return null; }
"""


# -- the machine ---------------------------------------------------------------
def machine(chromium_version: str | None) -> dict:
    import psutil

    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    os_name = platform.platform()
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip('"') + f" ({platform.release()})"
    except OSError:
        pass
    versions = {}
    for pkg in ("voila", "jupyterlab", "ipywidgets", "altair", "anywidget", "vl-convert-python",
                "pandas", "playwright"):
        try:
            from importlib.metadata import version

            versions[pkg] = version(pkg)
        except Exception:  # noqa: BLE001
            versions[pkg] = "?"
    return {
        "cpu": cpu, "cores": os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "os": os_name, "python": platform.python_version(),
        "chromium": chromium_version, "packages": versions,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


# -- 1. lesson run time and kernel memory ------------------------------------------
def run_lesson(lesson: Path, workdir: Path) -> dict:
    """Execute ``lesson`` headless; wall time and the kernel's peak memory."""
    import nbformat
    import psutil
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    nb = nbformat.read(lesson, as_version=4)
    env = dict(os.environ, HSL_WORK_DIR=str(workdir))
    start = time.perf_counter()
    km = KernelManager(kernel_name="python3")
    km.start_kernel(cwd=str(lesson.parent), env=env)
    peak = 0
    cpu = 0.0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak, cpu
        try:
            proc = psutil.Process(km.provisioner.process.pid)
            while not stop.is_set():
                try:
                    rss = proc.memory_info().rss + sum(
                        c.memory_info().rss for c in proc.children(recursive=True))
                    peak = max(peak, rss)
                    times = proc.cpu_times()
                    cpu = times.user + times.system
                except psutil.Error:
                    break
                stop.wait(0.02)
        except (psutil.Error, AttributeError):
            pass

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    error = None
    try:
        client = NotebookClient(nb, km=km, timeout=300, allow_errors=False,
                                resources={"metadata": {"path": str(lesson.parent)}})
        client.execute()
    except Exception as err:  # noqa: BLE001 - reported, not fatal
        error = f"{type(err).__name__}: {str(err)[-400:]}"
    finally:
        seconds = time.perf_counter() - start
        stop.set()
        sampler.join(timeout=2)
        km.shutdown_kernel(now=True)
    return {"lesson": lesson.name, "measured": _stamp(), "run_seconds": round(seconds, 2),
            "kernel_cpu_seconds": round(cpu, 2),
            "peak_memory_mb": round(peak / 2**20, 1), "error": error}


# -- 2. control → chart latency in the browser -------------------------------------
def measure_control(lp: harness.LessonPage, control: dict, reps: int) -> dict:
    page = lp.page
    samples: list[float] = []
    misses = 0
    for i in range(reps):
        loc = page.locator(f'[data-hsl-ctl="{control["id"]}"]')
        if not (loc.count() and loc.first.is_visible() and loc.first.is_enabled()):
            break
        if control["kind"] == "submit":
            lp.fill_form(control)  # typing is not timed: the press of the button is
        page.evaluate("() => { window.__hsl.t0 = 0; }")
        before = page.evaluate(JS_LAST_DRAW, control["out"])["last"]
        if control["kind"] == "submit":
            loc.first.click()
        elif control["kind"] == "slider":
            loc.focus()
            page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
        else:
            lp.act(control)
            if control["kind"] in ("toggles", "radio"):
                fresh = [c for c in lp.controls() if c["kind"] == control["kind"]
                         and c["out"] == control["out"] and c["label"] == control["label"]]
                if fresh:
                    control = fresh[0]
        result = page.evaluate(JS_WAIT_DRAW, [control["out"], before, MISS_AFTER * 1000])
        if result is None:
            misses += 1
            if misses >= 3 and not samples:
                break  # this control does not redraw a chart (e.g. it only changes a table)
        else:
            samples.append(result)
    if control["kind"] == "checkbox":
        # A box that shows more controls when ticked (a shock and its sliders) is left
        # ticked, so that those controls are measured next; any other box is left as
        # it was, so that it does not change what the next controls do.
        loc = page.locator(f'[data-hsl-ctl="{control["id"]}"]')
        if loc.count() and loc.first.is_visible() and not loc.first.is_checked():
            shown = len(lp.controls())
            loc.first.click()
            page.wait_for_timeout(500)
            if len(lp.controls()) <= shown:  # nothing new: same ids, untick it again
                loc.first.click()
                page.wait_for_timeout(500)
    summary = {"label": control["label"], "kind": control["kind"], "n": len(samples),
               "misses": misses}
    if samples:
        ordered = sorted(samples)
        p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
        summary.update(median_ms=round(statistics.median(samples), 1), p95_ms=round(p95, 1),
                       max_ms=round(max(samples), 1))
    return summary


def measure_lesson(lp: harness.LessonPage, reps: int):
    """Measure every control of a lesson, including those in tabs and accordion sections.

    The controls shown when the lesson opens are measured first; then each
    tab and section is opened in turn, as a learner would, and the controls
    that became visible are measured (each control once). Yields one result
    per control, with the section it was found in.
    """
    done: set[tuple] = set()

    def next_control() -> dict | None:
        # read again each time: a control may show others (a ticked shock shows its sliders)
        seen: dict[tuple, int] = {}
        for control in lp.controls():
            key = (control["out"], control["kind"], control["label"])
            nth = seen.get(key, 0)
            seen[key] = nth + 1
            if (*key, nth) not in done:
                done.add((*key, nth))
                return control
        return None

    def visible(section: str):
        while (control := next_control()) is not None:
            try:
                result = measure_control(lp, control, reps)
            except Exception as err:  # noqa: BLE001 - one control, not the lesson
                # e.g. a list whose options a previous control replaced
                result = {"label": control["label"], "kind": control["kind"], "n": 0,
                          "misses": 0, "error": f"{type(err).__name__}: {str(err)[:120]}"}
            if section:
                result["section"] = section
            yield result

    yield from visible("")
    headers = lp.page.locator(lp.SECTION_HEADERS)
    for i in range(headers.count()):
        header = headers.nth(i)
        try:
            if not header.is_visible():
                continue
            header.scroll_into_view_if_needed(timeout=5000)
            name = (header.inner_text(timeout=2000) or "").strip()[:40]
            header.click(timeout=5000)
        except Exception:  # noqa: BLE001 - a section that cannot be opened is skipped
            continue
        lp.wait_for_charts(30)
        yield from visible(name)


def out_paths(name: str = "") -> tuple[Path, Path]:
    """The JSON and Markdown result files of a run called ``name`` ("" = the main run).

    >>> [p.name for p in out_paths()], [p.name for p in out_paths("busy")]
    (['results.json', 'RESULTS.md'], ['results-busy.json', 'RESULTS-busy.md'])
    """
    suffix = f"-{name}" if name else ""
    return OUT_DIR / f"results{suffix}.json", OUT_DIR / f"RESULTS{suffix}.md"


def save(data: dict) -> None:
    """Write both result files (called after every lesson, so a long run keeps its data)."""
    out_json, out_md = out_paths(data.get("name", ""))
    out_json.write_text(json.dumps(data, indent=2) + "\n")
    out_md.write_text(write_markdown(data))


def _spin() -> None:  # pragma: no cover - runs in a child process until killed
    while True:
        pass


class BusyCores:
    """Keep ``n`` cores busy with plain loops while the block runs (``--busy-cores``)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.procs: list = []

    def __enter__(self) -> BusyCores:
        import multiprocessing

        for _ in range(self.n):
            proc = multiprocessing.Process(target=_spin, daemon=True)
            proc.start()
            self.procs.append(proc)
        return self

    def __exit__(self, *exc) -> None:
        for proc in self.procs:
            proc.terminate()
            proc.join(timeout=5)


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _merged(old: list[dict], new: list[dict]) -> list[dict]:
    """``old`` with the entries of the lessons in ``new`` replaced, in lesson order."""
    by_lesson = {e["lesson"]: e for e in old}
    by_lesson.update({e["lesson"]: e for e in new})
    return [by_lesson[k] for k in sorted(by_lesson)]


def browser_latency(lessons: list[Path], reps: int, workspace: Path,
                    data: dict, kept: list[dict] = ()) -> tuple[list[dict], str]:
    from playwright.sync_api import sync_playwright

    chromium = harness.find_chromium()
    if chromium is None:
        raise SystemExit("no Chromium found: set HSL_CHROMIUM")
    server = harness.Server.start("voila", workspace)
    guard = harness.NetworkGuard()
    results: list[dict] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=harness.CHROMIUM_ARGS)
            version = browser.version
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            guard.install(context)
            context.add_init_script(INIT_SCRIPT)
            for lesson in lessons:
                page = context.new_page()
                lp = harness.LessonPage(page, server, lesson)
                entry: dict = {"lesson": lesson.name, "widgets": [], "measured": _stamp()}
                try:
                    lp.open_and_run()
                    entry["app_load_seconds"] = round(lp.load_seconds or 0, 2)
                    for result in measure_lesson(lp, reps):
                        entry["widgets"].append(result)
                        print(f"  {lesson.stem}: {result}", flush=True)
                except Exception as err:  # noqa: BLE001 - keep measuring the others
                    entry["error"] = f"{type(err).__name__}: {str(err)[:300]}"
                    print(f"  {lesson.stem}: {entry['error']}", flush=True)
                finally:
                    page.close(run_before_unload=True)
                entry["load_average"] = [round(x, 2) for x in os.getloadavg()]
                if data.get("busy_cores"):
                    entry["busy_cores"] = data["busy_cores"]
                results.append(entry)
                data["latency"] = _merged(list(kept), results)
                data["machine"]["chromium"] = version
                save(data)
            browser.close()
    finally:
        server.stop()
    if guard.attempts:
        print(f"WARNING: blocked internet requests: {sorted(set(guard.attempts))}")
    return results, version


# -- report -----------------------------------------------------------------------
def write_markdown(data: dict) -> str:
    m = data["machine"]
    lines = [
        "# Benchmark results", "",
        f"Last run {data['date']} with `make bench` (`benchmarks/bench.py`, "
        f"{data['reps']} repetitions per control). Lessons measured in earlier runs "
        "keep their results; each row says when it was measured.", "",
        *([f"**Headroom check:** {data['busy_cores']} core(s) kept busy by a plain loop "
           "(`--busy-cores`) while the browser measured, as if another program were running. "
           "The results on a quiet machine are in [RESULTS.md](RESULTS.md).", ""]
          if data.get("busy_cores") else []),
        "## Machine", "",
        f"- CPU: {m['cpu']} — {m['cores']} cores; RAM {m['ram_gb']} GB",
        f"- OS: {m['os']}; Python {m['python']}; Chromium {m['chromium']}",
        "- Packages: " + ", ".join(f"{k} {v}" for k, v in m["packages"].items()),
        f"- Load average when the run started: {m['load_average_at_start']} "
        "(a shared machine inflates every number below)", "",
    ]
    if data["lessons"]:  # a browser-only run (--skip-run) into a new file has none
        lines += [
            "## Lessons: headless run time and kernel memory", "",
            f"Targets: ≤ {TARGET_RUN_S:.0f} s (kernel start + every cell) and ≤ {TARGET_MEM_MB:.0f} MB.", "",
            "Run time is wall-clock; kernel CPU time (user + system) is what the lesson "
            "costs on an idle machine and barely depends on the load.", "",
            "| Lesson | Run time (s) | Kernel CPU (s) | Peak kernel memory (MB) | Within targets |",
            "|---|---:|---:|---:|---|",
        ]
    for r in data["lessons"]:
        ok = (r["error"] is None and r["run_seconds"] <= TARGET_RUN_S
              and r["peak_memory_mb"] <= TARGET_MEM_MB)
        verdict = "yes" if ok else ("**error**: " + r["error"][:80] if r["error"] else "**no**")
        lines.append(f"| {r['lesson']} | {r['run_seconds']} | {r.get('kernel_cpu_seconds', '')} | "
                     f"{r['peak_memory_mb']} | {verdict} |")
    if data.get("latency"):
        lines += [
            "", "## Control → chart latency in the browser (app mode)", "",
            "From the input event to the first painted frame after the chart finished "
            f"redrawing. Target: p95 ≤ {TARGET_P95_MS:.0f} ms.", "",
            "| Lesson | App opened in (s) | Control | Kind | n | Median (ms) | p95 (ms) | Within target |",
            "|---|---:|---|---|---:|---:|---:|---|",
        ]
        for entry in data["latency"]:
            if entry.get("measured"):
                busy = (f", {entry['busy_cores']} core(s) kept busy by another program"
                        if entry.get("busy_cores") else "")
                lines.append(f"| **{entry['lesson']}** | | measured {entry['measured']}, load "
                             f"average {entry.get('load_average', '?')}{busy} | | | | | |")
            if entry.get("error"):
                lines.append(f"| {entry['lesson']} | | **error**: {entry['error'][:80]} | | | | | |")
            for w in entry["widgets"]:
                label = w["label"] + (f" (section “{w['section']}”)" if w.get("section") else "")
                w = {**w, "label": label}
                if not w["n"]:
                    why = f"**error**: {w['error'][:60]}" if w.get("error") else "no chart redraw"
                    lines.append(f"| {entry['lesson']} | {entry.get('app_load_seconds', '')} | "
                                 f"{w['label']} | {w['kind']} | 0 | – | – | {why} |")
                    continue
                ok = "yes" if w["p95_ms"] <= TARGET_P95_MS else "**no**"
                lines.append(f"| {entry['lesson']} | {entry.get('app_load_seconds', '')} | "
                             f"{w['label']} | {w['kind']} | {w['n']} | {w['median_ms']} | "
                             f"{w['p95_ms']} | {ok} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--lessons", nargs="*", help="lesson numbers, e.g. 00 05 (default: all)")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--skip-run", action="store_true")
    parser.add_argument("--busy-cores", type=int, default=0,
                        help="keep N cores busy while the browser measures (headroom check)")
    parser.add_argument("--name", default="",
                        help="write results-NAME.json and RESULTS-NAME.md (default: results.json)")
    args = parser.parse_args(argv)
    out_json, out_md = out_paths(args.name)

    lessons = harness.discover_lessons()
    if args.lessons:
        lessons = [p for p in lessons if p.name[:2] in args.lessons]
    data: dict = {"date": _stamp(), "reps": args.reps, "name": args.name,
                  "busy_cores": args.busy_cores,
                  "targets": {"p95_ms": TARGET_P95_MS, "run_seconds": TARGET_RUN_S,
                              "peak_memory_mb": TARGET_MEM_MB},
                  "lessons": [], "latency": []}
    data["machine"] = machine(None)
    previous = json.loads(out_json.read_text()) if out_json.exists() else {}
    measured = {p.name for p in lessons}
    # Keep an earlier run's results for what this run does not measure again: the
    # other half (--skip-run / --skip-browser) and the other lessons (--lessons).
    kept = {part: [e for e in previous.get(part, [])
                   if e["lesson"] not in measured or skip]
            for part, skip in (("lessons", args.skip_run), ("latency", args.skip_browser))}
    with tempfile.TemporaryDirectory(prefix="hsl-bench-") as tmp:
        workspace = harness.make_workspace(Path(tmp))
        data["lessons"], data["latency"] = list(kept["lessons"]), list(kept["latency"])
        if not args.skip_run:
            for lesson in lessons:
                print(f"run {lesson.name} …", flush=True)
                result = run_lesson(workspace / "lessons" / lesson.name, Path(tmp) / "my-work")
                print(f"  {result}", flush=True)
                data["lessons"] = _merged(data["lessons"], [result])
                save(data)
        if not args.skip_browser:
            with BusyCores(args.busy_cores):
                latency, chromium = browser_latency(lessons, args.reps, workspace, data,
                                                    kept["latency"])
            data["latency"] = _merged(kept["latency"], latency)
            data["machine"]["chromium"] = chromium
    data["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    save(data)
    print(f"wrote {out_json.relative_to(REPO_ROOT)} and {out_md.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
