"""Drive the lessons in a real browser: servers, an offline guard, page probes.

Shared by the browser tests (``tests/browser``) and the latency benchmark
(``benchmarks/bench.py``). Nothing here is a test; it is the machinery:

* :func:`discover_lessons` — every ``lessons/NN-*.ipynb`` (new lessons are
  covered without editing anything);
* :class:`Server` — JupyterLab or Voilà started exactly like ``make app``
  (``scripts/app.py``) on a free port with a random token, in a temporary copy
  of ``lessons/``, stopped afterwards;
* :class:`NetworkGuard` — every request to a host other than this computer is
  blocked *and recorded*, so a test can fail when anything tried to reach the
  internet;
* :class:`LessonPage` — open a lesson in app mode (Voilà) or in JupyterLab
  (Run → Run All Cells), wait until it has finished, count the charts, find
  errors, and drive each control while watching its chart.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import shutil
import signal
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import a11y
import keyboard
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
LESSON_GLOB = "[0-9][0-9]-*.ipynb"
ARTIFACTS = Path(os.environ.get("HSL_ARTIFACTS", REPO_ROOT / "test-artifacts"))
SCREENSHOTS = ARTIFACTS / "screenshots"
SCREENSHOT_TIMEOUT_MS = 60_000
LOGS = ARTIFACTS / "logs"

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
    "--disable-dev-shm-usage",
    # Belt and braces: even a request that slipped past the page routes
    # could not resolve a name other than this computer's.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}

#: Seconds a lesson may take to open and run (a loaded CI machine is slow).
LESSON_TIMEOUT = float(os.environ.get("HSL_BROWSER_TIMEOUT", "180"))
#: Seconds a chart may take to react to a control.
REACT_TIMEOUT = float(os.environ.get("HSL_REACT_TIMEOUT", "10"))


def _load_app_module():
    spec = importlib.util.spec_from_file_location("hsl_app", REPO_ROOT / "scripts" / "app.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


app = _load_app_module()


def discover_lessons(root: Path = REPO_ROOT) -> list[Path]:
    """Every lesson notebook, in order: ``lessons/NN-name.ipynb``."""
    return sorted((root / "lessons").glob(LESSON_GLOB))


def find_chromium() -> str | None:
    """Path of a Chromium/Chrome binary, or ``None`` (``HSL_CHROMIUM`` overrides)."""
    candidates = [os.environ.get("HSL_CHROMIUM", ""), "/usr/bin/chromium",
                  "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
    for path in candidates:
        if path and Path(path).exists():
            return path
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return found


def make_workspace(base: Path) -> Path:
    """A throw-away copy of ``lessons/`` (saved work and checkpoints land there)."""
    target = base / "lessons"
    shutil.copytree(REPO_ROOT / "lessons", target,
                    ignore=shutil.ignore_patterns("my-work", ".ipynb_checkpoints", "__pycache__"))
    return base


# -- servers -----------------------------------------------------------------
@dataclass
class Server:
    """A Jupyter server process (``kind`` = "voila" or "lab") on a free port."""

    kind: str
    root: Path
    port: int = 0
    token: str = ""
    process: subprocess.Popen | None = None
    log_path: Path | None = None
    env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def start(cls, kind: str, workspace: Path, timeout: float = 120,
              class_dir: Path | None = None, max_learners: int = 0) -> Server:
        """Start a server; with ``class_dir``, as ``make app`` serves a class (a folder per learner).

        ``max_learners`` caps the open lesson pages as ``make app APP_ARGS=--max-learners N``.
        """
        port = app.free_port()
        token = secrets.token_hex(16)
        env = app.app_env(token=token)
        env["HSL_WORK_DIR"] = str(workspace / "my-work")
        if class_dir is not None:
            env.pop("HSL_WORK_DIR")
            env.pop("HSL_LEARNER", None)
            env["HSL_CLASS_DIR"] = str(app.prepare_class_dir(class_dir))
        if kind == "voila":
            root = workspace / "lessons"
            # Tracebacks are shown to the test (and in screenshots) so a
            # failure says what broke; the app itself hides them.
            cmd = app.voila_command(root, port, token=token,
                                    extra=["--VoilaConfiguration.show_tracebacks=True"])
            if max_learners:
                flags, limit_env = app.limit_settings(max_learners, env)
                cmd += flags
                env.update(limit_env)
            else:   # the app's server-side pieces, as scripts/app.py loads them
                flags, server_env = app.server_settings(env)
                cmd += flags
                env.update(server_env)
        elif kind == "lab":
            root = workspace
            settings = workspace / ".lab-settings"
            _write_lab_settings(settings)
            env["JUPYTERLAB_SETTINGS_DIR"] = str(settings)
            env["JUPYTERLAB_WORKSPACES_DIR"] = str(workspace / ".lab-workspaces")
            cmd = app.lab_command(root, port, token)
        else:  # pragma: no cover - programming error
            raise ValueError(kind)
        LOGS.mkdir(parents=True, exist_ok=True)
        log_path = LOGS / f"{kind}-server.log"
        log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        process = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        server = cls(kind, root, port, token, process, log_path, env)
        try:
            server._wait_ready(timeout)
        except BaseException:  # also Ctrl+C: never leave a server behind
            server.stop()
            raise
        return server

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}/{path.lstrip('/')}{sep}token={self.token}"

    def lesson_url(self, lesson: Path) -> str:
        if self.kind == "voila":
            # a translated lesson (lessons/fr/, lessons/es/) opens from its folder
            folder = lesson.parent.name + "/" if lesson.parent.name in ("fr", "es") else ""
            return self.url(f"voila/render/{folder}{lesson.name}")
        # A fresh workspace per lesson, so Lab does not re-open earlier notebooks.
        return self.url(f"lab/workspaces/t{lesson.name[:2]}/tree/lessons/{lesson.name}?reset")

    def api(self, method: str, path: str) -> Any:
        req = urllib.request.Request(f"{self.base_url}/{path.lstrip('/')}", method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 - loopback only
            body = resp.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Stop every kernel (Lab keeps them running after a tab closes)."""
        try:
            for kernel in self.api("GET", "api/kernels"):
                self.api("DELETE", f"api/kernels/{kernel['id']}")
        except Exception:  # noqa: BLE001 - best effort between lessons
            pass

    def kernel_pids(self) -> list[int]:
        """Process ids of this server's kernels (children of the server)."""
        import psutil

        try:
            proc = psutil.Process(self.process.pid)
            return [c.pid for c in proc.children(recursive=True)
                    if "ipykernel" in " ".join(c.cmdline())]
        except psutil.Error:
            return []

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        probe = "api/status" if self.kind == "lab" else ""
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} server exited; see {self.log_path}")
            try:
                urllib.request.urlopen(self.url(probe), timeout=2).close()  # noqa: S310
                return
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"{self.kind} server did not start in {timeout:.0f} s; see {self.log_path}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _write_lab_settings(folder: Path) -> None:
    """User settings for the test Lab: every cell in the DOM, no news pop-up."""
    tracker = folder / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True, exist_ok=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}))
    notes = folder / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notes.parent.mkdir(parents=True, exist_ok=True)
    notes.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))


# -- the offline guard ---------------------------------------------------------
class NetworkGuard:
    """Block every request that leaves this computer, and remember it."""

    def __init__(self) -> None:
        self.attempts: list[str] = []

    @staticmethod
    def is_local(url: str) -> bool:
        if url.startswith(("data:", "blob:", "about:", "file:", "chrome:", "chrome-extension:")):
            return True
        return (urlparse(url).hostname or "") in LOOPBACK

    def install(self, context) -> None:
        def handle(route) -> None:
            url = route.request.url
            if self.is_local(url):
                route.continue_()
            else:
                self.attempts.append(url)
                route.abort("blockedbyclient")

        context.route("**/*", handle)

    def watch(self, page) -> None:
        """Record WebSockets too (page routes do not see them)."""
        page.on("websocket", lambda ws: None if self.is_local(ws.url)
                else self.attempts.append(ws.url))

    def since(self, mark: int) -> list[str]:
        return self.attempts[mark:]


# -- page probes (JavaScript run in the page) ----------------------------------
# A short fingerprint of what each chart shows: the canvas pixels or the SVG.
JS_HASH = """const hsl_hash = (s) => { let h = 2166136261; for (let i = 0; i < s.length; i++) {
  h ^= s.charCodeAt(i); h = Math.imul(h, 16777619); } return (h >>> 0).toString(16) + ':' + s.length; };
"""
JS_CHART_STATE = """
(root) => { HASH
  root = root || document;
  return Array.from(root.querySelectorAll('.vega-embed')).map((el) => {
    if (!el.getClientRects().length) return {kind: 'hidden', w: 0, h: 0, sig: ''};
    const canvas = el.querySelector('canvas');
    if (canvas) {
      let data = '';
      try { data = canvas.toDataURL(); } catch (e) { data = 'tainted'; }
      return {kind: 'canvas', w: canvas.width, h: canvas.height, sig: hsl_hash(data)};
    }
    const svg = el.querySelector('svg.marks') || el.querySelector(':scope > svg');
    if (svg) { const r = svg.getBoundingClientRect();
      return {kind: 'svg', w: r.width, h: r.height, sig: hsl_hash(svg.outerHTML)}; }
    return {kind: 'none', w: 0, h: 0, sig: hsl_hash(el.innerText || ''),
            text: (el.innerText || '').slice(0, 300)};
  });
}
"""
# Every ChartPanel (class hsl-chart-panel, in any language): is its chart drawn?
JS_PANELS = """
() => Array.from(document.querySelectorAll('.hsl-chart-panel'))
  .map((box) => {
    const v = box.querySelector('.vega-embed canvas') || box.querySelector('.vega-embed svg.marks');
    const r = v ? v.getBoundingClientRect() : null;
    return {drawn: !!(v && r.width > 10 && r.height > 10),
            visible: box.getClientRects().length > 0,
            text: (box.innerText || '').slice(0, 160)}; })
"""
# Visible problems: tracebacks/stderr, Voilà's error notice, widget/JS errors.
JS_PROBLEMS = """
() => {
  const out = [];
  for (const el of document.querySelectorAll(
      '[data-mime-type="application/vnd.jupyter.stderr"], .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')) {
    const t = (el.innerText || '').trim(); if (t) out.push('stderr/traceback: ' + t.slice(0, 1500)); }
  const body = document.body ? document.body.innerText : '';
  for (const pat of ['There was an error when executing cell', 'Error displaying widget',
                     'JavaScript Error:', 'Failed to load model class', 'Kernel died',
                     'Traceback (most recent call last)']) {
    if (body.includes(pat)) { const i = body.indexOf(pat);
      out.push('page text: ' + body.slice(Math.max(0, i - 80), i + 400)); }
  }
  return Array.from(new Set(out));
}
"""
# The controls of each output that holds a chart, with a stable address.
JS_CONTROLS = """
() => {
  const outs = Array.from(document.querySelectorAll('.jp-OutputArea-output'))
    .filter((o) => o.querySelector('.vega-embed'));
  const found = [];
  document.querySelectorAll('[data-hsl-ctl]').forEach((e) => e.removeAttribute('data-hsl-ctl'));
  outs.forEach((o, oi) => {
    o.setAttribute('data-hsl-out', String(oi));
    // A control's name as a person (or a screen reader) gets it: the <label>
    // around it (ipywidgets' checkboxes), else the widget's visible label.
    const text = (node) => ((node && node.innerText) || '').replace(/\u200b/g, '').trim();
    const label = (el) => { const c = el.closest('.widget-inline-hbox, .widget-box, .jupyter-widgets');
      const l = c && c.querySelector(':scope > .widget-label, :scope > label');
      return (text(el.closest('label')) || text(l) || el.getAttribute('aria-label') || el.title
              || '').trim().slice(0, 60); };
    // Fields of a form (class hsl-form) act only when its button is pressed.
    const add = (kind, el, extra) => { if (!el.getClientRects().length) return;
      if (el.closest('.hsl-form')) return;
      const id = 'c' + found.length;
      el.setAttribute('data-hsl-ctl', id);
      found.push(Object.assign({id, kind, out: oi, label: label(el)}, extra || {})); };
    o.querySelectorAll('.widget-slider .noUi-handle, .widget-hslider .noUi-handle').forEach((h, i, all) => {
      if (i > 0 && h.closest('.noUi-target') === all[i - 1].closest('.noUi-target')) return;
      if (h.closest('.jupyter-widgets-disabled, [disabled]')) return;
      add('slider', h, {now: h.getAttribute('aria-valuenow'), max: h.getAttribute('aria-valuemax')}); });
    o.querySelectorAll('.widget-dropdown select').forEach((s) => {
      if (!s.disabled && s.options.length > 1) add('dropdown', s, {n: s.options.length, index: s.selectedIndex}); });
    o.querySelectorAll('.widget-select-multiple select').forEach((s) => {
      if (!s.disabled && s.options.length > 1) add('multiselect', s, {n: s.options.length}); });
    o.querySelectorAll('.widget-toggle-buttons').forEach((g) => {
      const b = g.querySelector('button:not(.mod-active):not([disabled])');
      if (b) add('toggles', b); });
    o.querySelectorAll('.widget-radio-box').forEach((g) => {
      const r = g.querySelector('input:not(:checked):not([disabled])');
      if (r) add('radio', r); });
    o.querySelectorAll('.widget-checkbox input[type=checkbox]').forEach((c) => {
      if (!c.disabled) add('checkbox', c); });
    // A form's button (class hsl-submit): the fields are filled in, then it is pressed.
    o.querySelectorAll('button.hsl-submit').forEach((b) => {
      if (!b.disabled) add('submit', b, {label: (b.innerText || '').trim().slice(0, 60)}); });
  });
  return found;
}
"""
# What a person would notice change in one widget: charts and texts (not controls).
JS_OUTPUT_STATE = """
(oi) => { HASH
  const o = document.querySelector('[data-hsl-out="' + oi + '"]');
  if (!o) return null;
  const charts = Array.from(o.querySelectorAll('.vega-embed')).map((el) => {
    const c = el.querySelector('canvas');
    if (c) { try { return hsl_hash(c.toDataURL()); } catch (e) { return 'tainted'; } }
    const s = el.querySelector('svg.marks'); return s ? hsl_hash(s.outerHTML) : 'none'; });
  const texts = Array.from(o.querySelectorAll('.widget-html, .widget-htmlmath'))
    .map((t) => t.innerText).join('\\u241e');
  return {charts, texts: hsl_hash(texts)};
}
"""


JS_CHART_STATE = JS_CHART_STATE.replace("HASH", JS_HASH)
JS_OUTPUT_STATE = JS_OUTPUT_STATE.replace("HASH", JS_HASH)


@dataclass
class ControlResult:
    label: str
    kind: str
    reacted: bool | None  # None: skipped (hidden or disabled by an earlier change)
    ms: float | None


class LessonPage:
    """One lesson open in a browser tab, in Voilà or JupyterLab."""

    def __init__(self, page, server: Server, lesson: Path) -> None:
        self.page = page
        self.server = server
        self.lesson = lesson
        self.load_seconds: float | None = None

    # -- opening and running -------------------------------------------------
    def open_and_run(self, timeout: float = LESSON_TIMEOUT) -> None:
        start = time.monotonic()
        self.page.goto(self.server.lesson_url(self.lesson), wait_until="commit",
                       timeout=timeout * 1000)
        if self.server.kind == "voila":
            self._wait_voila(timeout)
        else:
            self._run_all_in_lab(timeout)
        self.wait_for_charts(max(5.0, timeout - (time.monotonic() - start)))
        self.load_seconds = time.monotonic() - start

    def _wait_voila(self, timeout: float) -> None:
        state = self.page.wait_for_function(
            """() => { const r = document.getElementById('rendered_cells');
                if (!r && document.readyState === 'complete') return 'error page';
                return !document.getElementById('loading') && r && r.style.display !== 'none'; }""",
            timeout=timeout * 1000, polling=250).json_value()
        if state == "error page":
            text = self.page.evaluate("() => document.body ? document.body.innerText : ''")
            raise RuntimeError(f"Voilà showed an error page: {text.strip()[:500]}")

    def _run_all_in_lab(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        self.start_run_all(timeout)
        self.wait_run_all(max(1.0, deadline - time.monotonic()))

    def start_run_all(self, timeout: float) -> None:
        """Once the notebook's kernel is idle, press Run → Run All Cells (without waiting)."""
        page = self.page
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=timeout * 1000)
        # Wait until the server reports this notebook's kernel idle (Lab may
        # show a "Select Kernel" dialog first when it starts slowly: accept it).
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._accept_dialog()
            if self._kernel_idle():
                break
            page.wait_for_timeout(300)
        page.wait_for_timeout(300)
        self._accept_dialog()
        self._click_run_all()

    def wait_run_all(self, timeout: float) -> None:
        """Wait until every code cell has run (pressing Run All again if the first was lost)."""
        page = self.page
        deadline = time.monotonic() + timeout
        clicked = time.monotonic()
        while time.monotonic() < deadline:
            self._accept_dialog()
            progress = page.evaluate("""() => { const ps = Array.from(document.querySelectorAll(
                  '.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt')).map((p) => p.innerText);
                return {n: ps.length, done: ps.filter((t) => /\\[\\d+\\]/.test(t)).length,
                        busy: ps.filter((t) => t.includes('*')).length}; }""")
            if progress["n"] and progress["done"] == progress["n"]:
                return
            if not progress["done"] and not progress["busy"] and time.monotonic() - clicked > 15:
                self._click_run_all()  # the first click came before the kernel was ready
                clicked = time.monotonic()
            page.wait_for_timeout(250)
        raise TimeoutError(f"cells still running after {timeout:.0f} s")

    def _click_run_all(self) -> None:
        self.page.locator(".lm-MenuBar-item", has_text="Run").first.click()
        self.page.get_by_role("menuitem", name="Run All Cells", exact=True).first.click()

    def _kernel_idle(self) -> bool:
        try:
            sessions = self.server.api("GET", "api/sessions")
        except Exception:  # noqa: BLE001 - server busy: try again
            return False
        return any(s.get("path", "").endswith(self.lesson.name) and s.get("kernel")
                   and s["kernel"].get("execution_state") == "idle" for s in sessions)

    def _accept_dialog(self) -> None:
        button = self.page.locator(".jp-Dialog .jp-mod-accept")
        if button.count():
            button.first.click()

    def render_lazy_widgets(self, deadline: float) -> None:
        """Voilà draws a widget only once it scrolls into view: bring each one into view."""
        find = """() => Array.from(document.querySelectorAll('.jp-OutputArea-output'))
            .filter((o) => /Loading widget/.test(o.innerText || ''))"""
        while time.monotonic() < deadline:
            left = self.page.evaluate(find + ".length")
            if not left:
                break
            self.page.evaluate("(" + find + ")().forEach((o, i) => { if (i === 0) "
                               "o.scrollIntoView({block: 'center'}); })")
            self.page.wait_for_timeout(250)
        self.page.evaluate("() => { window.scrollTo(0, 0); document.querySelectorAll("
                           "'#rendered_cells, body').forEach((e) => { e.scrollTop = 0; }); }")

    def wait_for_charts(self, timeout: float) -> None:
        """Wait until every ChartPanel shows a drawn chart and nothing is still loading."""
        deadline = time.monotonic() + timeout
        if self.server.kind == "voila":
            self.render_lazy_widgets(deadline)
        stable_since = None
        last = None
        while time.monotonic() < deadline:
            panels = self.panels()
            panels = [p for p in panels if p["visible"]]
            state = (len(panels), sum(p["drawn"] for p in panels), len(self.chart_states()))
            pending = self.page.evaluate(
                "() => Array.from(document.querySelectorAll('.jp-OutputArea-output'))"
                ".some((o) => /Loading widget/.test(o.innerText || ''))")
            if state == last and not pending and state[0] == state[1]:
                stable_since = stable_since or time.monotonic()
                if time.monotonic() - stable_since > 0.8:
                    return
            else:
                stable_since = None
            last = state
            self.page.wait_for_timeout(200)

    # -- looking -------------------------------------------------------------
    def panels(self) -> list[dict]:
        return self.page.evaluate(JS_PANELS)

    def chart_states(self) -> list[dict]:
        return self.page.evaluate(JS_CHART_STATE)

    def problems(self) -> list[str]:
        return self.page.evaluate(JS_PROBLEMS)

    def code_visible(self) -> int:
        """Number of code editors on the page (app mode must show none)."""
        return self.page.locator(".jp-InputArea-editor, .jp-CodeMirrorEditor").count()

    def screenshot(self, name: str, full_page: bool = False) -> Path:
        """Save a picture of the page for a person to look at (evidence, not a check).

        In app mode the whole page is wanted, so the window is grown to the
        content (Voilà scrolls inside a container, so Playwright's own
        ``full_page`` would only see one screen) and one ordinary screenshot is
        taken. Rasterising a page 8,000–16,000 px tall in software can take
        tens of seconds on a loaded machine; if it runs out of time a one-screen
        picture is kept instead, with a ``.txt`` beside it saying so, and the
        lesson's checks go on.
        """
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        note = path.with_suffix(".txt")
        note.unlink(missing_ok=True)
        if not full_page:
            self.page.screenshot(path=str(path), timeout=SCREENSHOT_TIMEOUT_MS)
            return path
        size = self.page.viewport_size or {"width": 1280, "height": 900}
        height = self.page.evaluate("""() => Math.max(document.documentElement.scrollHeight,
            ...Array.from(document.querySelectorAll('body, #rendered_cells, .jp-Notebook'))
               .map((e) => e.scrollHeight))""")
        self.page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 16000)})
        try:
            self.page.wait_for_timeout(300)
            self.page.screenshot(path=str(path), timeout=SCREENSHOT_TIMEOUT_MS)
        except PlaywrightTimeout as err:
            self.page.set_viewport_size(size)
            self.page.screenshot(path=str(path), timeout=SCREENSHOT_TIMEOUT_MS)
            note.write_text(f"Whole-page picture ({height} px) timed out; this is the first screen only.\n"
                            f"{str(err).splitlines()[0]}\n")
        finally:
            self.page.set_viewport_size(size)
        return path

    # -- driving -------------------------------------------------------------
    def controls(self) -> list[dict]:
        return self.page.evaluate(JS_CONTROLS)

    def output_state(self, out: int) -> dict | None:
        return self.page.evaluate(JS_OUTPUT_STATE, out)

    def act(self, control: dict) -> None:
        """Change one control the way a person would (keyboard or click)."""
        loc = self.page.locator(f'[data-hsl-ctl="{control["id"]}"]')
        loc.scroll_into_view_if_needed(timeout=5000)
        loc.page.set_default_timeout(10_000)
        kind = control["kind"]
        if kind == "slider":
            loc.focus()
            at_max = control.get("now") is not None and control.get("now") == control.get("max")
            self.page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
        elif kind == "dropdown":
            current = loc.evaluate("(s) => s.selectedIndex")
            loc.select_option(index=(current + 1) % control["n"])
        elif kind == "multiselect":
            chosen = loc.evaluate("(s) => Array.from(s.options).map((o, i) => o.selected ? i : -1)"
                                  ".filter((i) => i >= 0)")
            spare = [i for i in range(control["n"]) if i not in chosen]
            loc.select_option(index=[*chosen, spare[0]] if spare else chosen[:-1])
        elif kind == "submit":
            self.fill_form(control)
            loc.click()
        else:  # toggles, radio, checkbox
            loc.click()

    def fill_form(self, control: dict) -> int:
        """Type into the empty text fields of a submit button's form, as a person would.

        The form is the fields (class hsl-form) in the button's own box. Each
        field gets a new name ("Entry 1", "Entry 2"...), so repeated presses
        add new items. Returns how many fields were filled.
        """
        self._entries = getattr(self, "_entries", 0) + 1
        loc = self.page.locator(f'[data-hsl-ctl="{control["id"]}"]')
        box = loc.locator("xpath=ancestor::div[contains(@class, 'widget-vbox')][1]")
        fields = box.locator(".hsl-form input[type=text]")
        filled = 0
        for k in range(fields.count()):
            field = fields.nth(k)
            if field.is_visible() and not field.input_value():
                field.fill(f"Entry {self._entries}")
                filled += 1
        if filled:
            self.page.wait_for_timeout(200)  # the typed text reaches the kernel first
        return filled

    SECTION_HEADERS = ".widget-tab-bar .lm-TabBar-tab, .jupyter-widget-Collapse-header"

    def explore(self, on_section=None, each_kind_once: bool = False
                ) -> tuple[list[ControlResult], list[str], int]:
        """Open every tab and accordion section in turn, as a learner would.

        In each state, charts that became visible must be drawn, and controls
        that became visible are used once. Returns the control results, the
        chart problems and how many sections were opened. ``on_section(name,
        header)``, if given, is called once each opened section has drawn (the
        accessibility check looks at it there: tests/browser/a11y.py).
        ``each_kind_once``: use one control of each kind (slider, list, tick
        box...) per widget instead of every control (JupyterLab: the widgets'
        own behaviour is the same as in app mode, where every control is used).
        """
        results: list[ControlResult] = []
        problems: list[str] = []
        done: set[tuple] = set()
        kinds_used: set[tuple] | None = set() if each_kind_once else None
        results += self._drive_visible(done, kinds_used)
        headers = self.page.locator(self.SECTION_HEADERS)
        count = headers.count()
        for i in range(count):
            header = headers.nth(i)
            try:
                if not header.is_visible():
                    continue
                header.scroll_into_view_if_needed(timeout=5000)
                header.click(timeout=5000)
            except Exception:  # noqa: BLE001 - a section that cannot be opened is skipped
                continue
            self.wait_for_charts(30)
            name = (header.inner_text(timeout=2000) or "").strip()[:40]
            for panel in self.panels():
                if panel["visible"] and not panel["drawn"]:
                    problems.append(f"chart not drawn after opening '{name}': {panel['text'][:80]}")
            if on_section is not None:
                problems += on_section(name, header)
            results += self._drive_visible(done, kinds_used)
        return results, sorted(set(problems)), count

    def _drive_visible(self, done: set[tuple], kinds_used: set[tuple] | None = None
                       ) -> list[ControlResult]:
        """Use each visible control not used yet (``kinds_used``: only a new kind per widget)."""
        results: list[ControlResult] = []
        first = self.controls()
        seen: dict[tuple, int] = {}
        for control in first:
            key = (control["out"], control["kind"], control["label"])
            nth = seen.get(key, 0)
            seen[key] = nth + 1
            if (*key, nth) in done:
                continue
            if kinds_used is not None:
                if key[:2] in kinds_used:
                    continue
                kinds_used.add(key[:2])
            done.add((*key, nth))
            same = [c for c in self.controls() if (c["out"], c["kind"], c["label"]) == key]
            if nth < len(same):
                results.append(self.drive(same[nth]))
            else:
                results.append(ControlResult(control["label"], control["kind"], None, None))
        return results

    def drive_all(self) -> list[ControlResult]:
        """Use every control next to a chart once, in page order.

        A widget may rebuild its controls when one changes (new DOM nodes), so
        the list is re-read before each step and the n-th control is matched
        again by its widget, kind and label.
        """
        results: list[ControlResult] = []
        first = self.controls()
        for i, control in enumerate(first):
            now = self.controls()
            key = (control["out"], control["kind"], control["label"])
            same = [c for c in now if (c["out"], c["kind"], c["label"]) == key]
            nth = sum(1 for c in first[:i] if (c["out"], c["kind"], c["label"]) == key)
            if nth < len(same):
                results.append(self.drive(same[nth]))
            else:
                results.append(ControlResult(control["label"], control["kind"], None, None))
        return results

    def drive(self, control: dict, timeout: float = REACT_TIMEOUT) -> ControlResult:
        """Change ``control`` and wait until its widget shows something new."""
        loc = self.page.locator(f'[data-hsl-ctl="{control["id"]}"]')
        if not (loc.count() and loc.first.is_visible() and loc.first.is_enabled()):
            return ControlResult(control["label"], control["kind"], None, None)
        before = self.output_state(control["out"])
        start = time.perf_counter()
        self.act(control)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            now = self.output_state(control["out"])
            if now != before:
                # Let a chart that is mid-redraw settle before the next control.
                self.page.wait_for_timeout(100)
                return ControlResult(control["label"], control["kind"], True,
                                     (time.perf_counter() - start) * 1000)
            self.page.wait_for_timeout(30)
        return ControlResult(control["label"], control["kind"], False, None)


# -- the check every lesson gets, in either mode ---------------------------------------
def _record(mode: str, lesson: Path, data: dict) -> None:
    folder = ARTIFACTS / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{mode}-{lesson.stem}.json").write_text(json.dumps(data, indent=2))


def check_lesson(mode: str, lesson: Path, server: Server, context,
                 guard: NetworkGuard) -> None:
    """Open, run and use one lesson as a learner would; fail listing all that went wrong."""
    mark = len(guard.attempts)
    (SCREENSHOTS / f"{mode}-{lesson.stem}-FAILED.png").unlink(missing_ok=True)
    page = context.new_page()
    guard.watch(page)
    lp = LessonPage(page, server, lesson)
    failures: list[str] = []
    record: dict = {"lesson": lesson.name, "mode": mode}
    try:
        try:
            lp.open_and_run()
        except Exception as err:  # noqa: BLE001 - report what the page shows
            lp.screenshot(f"{mode}-{lesson.stem}-FAILED", full_page=mode == "voila")
            problems = lp.problems()
            pytest.fail(f"{lesson.name} did not finish loading in {mode}: {type(err).__name__}: "
                        f"{str(err)[:300]}\nOn the page: {problems}")
        record["load_seconds"] = round(lp.load_seconds or 0, 2)
        started = time.perf_counter()
        lp.screenshot(f"{mode}-{lesson.stem}", full_page=mode == "voila")
        record["screenshot_seconds"] = round(time.perf_counter() - started, 2)

        failures += [f"shown on the page: {p}" for p in lp.problems()]

        charts = lp.chart_states()
        panels = lp.panels()
        record["charts"] = len(charts)
        record["chart_panels"] = len(panels)
        if not charts:
            failures.append("no chart rendered (every lesson has at least one live chart)")
        undrawn = [c.get("text", "") for c in charts if c["kind"] == "none" or
                   (c["kind"] != "hidden" and c["w"] < 10)]
        if undrawn:
            failures.append(f"{len(undrawn)} of {len(charts)} charts not drawn: {undrawn}")
        empty_panels = [p["text"] for p in panels if p["visible"] and not p["drawn"]]
        if empty_panels:
            failures.append(f"{len(empty_panels)} chart panels without a drawn chart: {empty_panels}")

        if mode == "voila":
            hidden = lp.code_visible()
            if hidden:
                failures.append(f"app mode shows {hidden} code editors (sources must be stripped)")

        # Open each tab / accordion section: hidden charts must draw, hidden controls work.
        # axe-core (WCAG 2.1 A/AA) looks at each section as it opens, then at the whole page.
        axe_name = f"{mode}-{lesson.stem}"
        # In JupyterLab the widgets' own markup is that of app mode, checked there section by
        # section; Lab's page (its own chrome around them) is checked whole below.
        results, hidden_problems, sections = lp.explore(
            on_section=(lambda name, header: a11y.check_section(page, axe_name, mode, header))
            if mode == "voila" else None,
            each_kind_once=mode == "lab")
        failures += hidden_problems
        failures += a11y.check_page(page, axe_name, mode)
        failures += a11y.check_headings(page)
        if mode == "voila":  # keyboard only: each widget reached with Tab, used with keys
            failures += keyboard.check_widgets(lp, axe_name)
            if lesson.name[:2] in a11y.REFLOW_LESSONS:  # 200 % zoom, 360-px phone
                failures += a11y.check_reflow(lp, axe_name)
        record["sections_opened"] = sections
        record["controls"] = [r.__dict__ for r in results]
        dead = [f"{r.kind} '{r.label}'" for r in results if r.reacted is False]
        if dead:
            failures.append(f"controls that changed nothing in their chart or description "
                            f"within {REACT_TIMEOUT:.0f} s: {dead}")
        after = [p for p in lp.problems() if f"shown on the page: {p}" not in failures]
        failures += [f"after using the controls: {p}" for p in after]
        if results:
            lp.screenshot(f"{mode}-{lesson.stem}-after-controls", full_page=False)

        # Give late requests (fonts, images) a moment to show up.
        page.wait_for_timeout(300)
        offline = guard.since(mark)
        record["internet_attempts"] = offline
        if offline:
            failures.append(f"tried to reach the internet (blocked): {sorted(set(offline))}")
    finally:
        record["failures"] = failures
        _record(mode, lesson, record)
        page.close(run_before_unload=(mode == "voila"))
        if mode == "lab":
            server.shutdown_kernels()
    assert not failures, f"{lesson.name} in {mode}:\n- " + "\n- ".join(failures)


def run_async(coro):
    """``asyncio.run(coro)`` in a thread of its own; returns its result.

    Playwright's sync API (a browser test run earlier by the same xdist worker)
    leaves an event loop running in the main thread, where ``asyncio.run``
    refuses to start.
    """
    import asyncio
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()
