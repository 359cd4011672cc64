"""A real JupyterHub for a room (``make hub``), started here on loopback and used by three learners.

One hub for the module (``hub/jupyterhub_config.py`` through ``scripts/hub.py``,
exactly what ``make hub`` runs) with configurable-http-proxy from
``hub/node_modules``. Three learners log in with the class password in
Chromium (every non-local request blocked), each gets their own server as
their own system user, opens lesson 01 in JupyterLab through an nbgitpuller
link, changes a control, saves a portfolio, then opens the lesson as an app
(Voilà, the lab's offline template) and changes a control there. Then: one
learner's kernel cannot read another's portfolio, nor reach their server; an
nbgitpuller update after the trainer changed the lesson keeps the learner's
own cell; each server runs inside its memory/CPU cgroup; and stopping the hub
stops every process it started. Throw-away learner accounts are deleted.

Needs root (separate system users) and the proxy (``make hub`` / ``.ci/run``).
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import tempfile
import time
import urllib.request
from pathlib import Path

import harness
import hubctl
import psutil
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO_ROOT = harness.REPO_ROOT
LESSON = REPO_ROOT / "lessons" / "01-what-is-human-security.ipynb"
PASSWORD = "class-" + secrets.token_hex(6)
TIMEOUT = 150  # seconds a learner's page may take on a loaded 2-core machine


hubpy, hub_module, Hub = hubctl.hubpy, hubctl.hub_module, hubctl.Hub


@pytest.fixture(scope="module")
def hub(chromium_path):
    if os.geteuid() != 0:
        pytest.skip("learners as separate system users need root (CI runs as root)")
    if hub_module.proxy_path(REPO_ROOT) is None:
        pytest.skip("configurable-http-proxy is not installed: run `make hub-setup` (needs npm)")
    base = Path(tempfile.mkdtemp(prefix="hsl-hub-"))
    base.chmod(0o755)  # learners' servers must reach their homes and the lessons' repository
    the_hub = Hub(base, PASSWORD)
    try:
        the_hub.start()
        yield the_hub
    finally:
        the_hub.remember_processes()
        the_hub.stop()
        the_hub.kill_leftovers()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def learner_pages(hub, browser, guard):
    contexts = {}
    for name in hub.learners:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB",
                                      timezone_id="UTC", service_workers="block")
        guard.install(context)
        contexts[name] = context
    yield contexts
    for context in contexts.values():
        context.close()


class LearnerServer:
    """What :class:`harness.LessonPage` needs to know of a learner's server behind the hub."""

    def __init__(self, hub: Hub, learner: str, kind: str) -> None:
        self.kind = kind
        self.base_url = f"{hub.url}/user/{learner}"
        self.token = hub.token

    def api(self, method: str, path: str):
        req = urllib.request.Request(f"{self.base_url}/{path.lstrip('/')}", method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 - loopback only
            body = resp.read()
        return json.loads(body) if body else None


def _log_in(page, hub: Hub, learner: str, next_path: str) -> None:
    from urllib.parse import quote

    page.goto(f"{hub.url}/hub/login?next={quote('/' + next_path)}", timeout=60_000)
    page.fill("#username_input", learner)
    page.fill("#password_input", PASSWORD)
    page.click("#login_submit")


def _run_cell(page, code: str, expect: str, timeout: float = 60) -> str:
    """Add a cell at the end of the open notebook, type ``code``, run it; return its output."""
    for attempt in range(5):  # Lab may still be re-drawing the notebook: try again
        try:
            last = page.locator(".jp-NotebookPanel .jp-Cell").last
            last.scroll_into_view_if_needed(timeout=10_000)
            last.locator(".jp-InputPrompt").first.click(timeout=10_000)
            break
        except Exception:  # noqa: BLE001 - detached while Lab re-renders
            if attempt == 4:
                raise
            page.wait_for_timeout(1000)
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    page.keyboard.press("Enter")
    page.keyboard.insert_text(code)
    page.keyboard.press("Shift+Enter")
    cell = page.locator(".jp-NotebookPanel .jp-CodeCell").last
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        cells = page.locator(".jp-NotebookPanel .jp-CodeCell")
        for i in range(cells.count() - 1, max(-1, cells.count() - 3), -1):
            text = cells.nth(i).locator(".jp-OutputArea").inner_text()
            if expect in text:
                return text
        page.wait_for_timeout(250)
    raise AssertionError(f"cell {code!r} did not print {expect!r}; last output: {text[:500]!r}"
                         f" ({cell.count()} cells)")


def _start_run_all(lp: harness.LessonPage) -> None:
    """Once the notebook's kernel is idle, press Run → Run All Cells (do not wait)."""
    lp.start_run_all(TIMEOUT)


def _wait_run_all(lp: harness.LessonPage) -> None:
    """Wait until every code cell has run."""
    lp.wait_run_all(TIMEOUT)


def _portfolio_path(learner: str) -> str:
    return f"{hubpy.CLONE_NAME}/lessons/my-work/portfolio.json"


def test_three_learners_use_lesson_01_in_jupyterlab_and_as_an_app(hub, learner_pages, guard):
    mark = len(guard.attempts)
    lab_link = hubpy.gitpull_path(hub.bare, hub.branch, hubpy.lesson_urlpath(LESSON.name))
    for name in hub.learners:  # as the harness's Lab: every cell in the page (no windowing)
        home = hub_module.ensure_learner_account(name, hub.homes)
        settings = home / ".jupyter" / "lab" / "user-settings"
        harness._write_lab_settings(settings)
        entry = pwd.getpwnam(name)
        for path in [home / ".jupyter", *(home / ".jupyter").rglob("*")]:
            os.chown(path, entry.pw_uid, entry.pw_gid)
    pages = {}
    # Log everyone in first: the three servers start side by side, as in a room.
    for name in hub.learners:
        page = learner_pages[name].new_page()
        guard.watch(page)
        _log_in(page, hub, name, lab_link)
        pages[name] = page
    labs = {name: harness.LessonPage(page, LearnerServer(hub, name, "lab"), LESSON)
            for name, page in pages.items()}
    for name, lp in labs.items():  # Run All in every learner's Lab, then wait for each
        try:
            lp.page.wait_for_url(f"**/user/{name}/lab/**", timeout=TIMEOUT * 1000)
            _start_run_all(lp)
        except Exception:
            lp.screenshot("hub-lab-FAILED")
            raise
    for name, lp in labs.items():
        page = lp.page
        try:
            _wait_run_all(lp)
        except Exception:
            lp.screenshot("hub-lab-FAILED")
            raise
        lp.wait_for_charts(60)
        assert not lp.problems(), f"{name}: {lp.problems()}"
        controls = lp.controls()
        assert controls, f"{name}: no control next to a chart in lesson 01 (JupyterLab)"
        result = lp.drive(controls[0])
        assert result.reacted, f"{name}: {result} did not change its chart in JupyterLab"
        out = _run_cell(page, "p = widgets.Portfolio.for_lesson('01', [profile]); "
                              "print('saved to', p.save())", "saved to")
        assert "my-work/portfolio.json" in out
        page.keyboard.press("Control+s")
        hub.remember_processes()
    lp.screenshot("hub-lab-01")

    for name in hub.learners:  # each portfolio is that learner's own file, in their home
        saved = json.loads(hub.contents(name, _portfolio_path(name))["content"])
        assert any(key.startswith("01/") for key in saved["widgets"]), saved["widgets"].keys()
        owner = (hub.homes / name / _portfolio_path(name)).stat().st_uid
        assert owner == pwd.getpwnam(name).pw_uid

    for name, page in pages.items():  # the same lesson as an app, in each learner's server
        page.goto(f"{hub.url}/user/{name}/{hubpy.lesson_urlpath(LESSON.name, 'app')}",
                  wait_until="commit", timeout=TIMEOUT * 1000)
    for name, page in pages.items():
        lp = harness.LessonPage(page, LearnerServer(hub, name, "voila"), LESSON)
        lp._wait_voila(TIMEOUT)
        lp.wait_for_charts(60)
        assert not lp.problems(), f"{name} (app): {lp.problems()}"
        assert lp.code_visible() == 0, "app mode must not show code"
        html = page.content()
        assert "cdn.jsdelivr.net" not in html and "max-width: 1100px" in html, \
            "the lab's offline Voilà template (hsl) is not used in the learner's server"
        controls = lp.controls()
        assert controls, f"{name}: no control next to a chart in lesson 01 (app)"
        result = lp.drive(controls[0])
        assert result.reacted, f"{name}: {result} did not change its chart in the app"
        hub.remember_processes()
    lp.screenshot("hub-app-01", full_page=False)

    page.wait_for_timeout(300)
    assert not guard.since(mark), f"tried to reach the internet: {guard.since(mark)}"
    _measure_memory(hub)
    for page in pages.values():
        page.close()


def _measure_memory(hub: Hub) -> None:
    """Memory of each learner's server with lesson 01 open in JupyterLab and as an app."""
    for name in hub.learners:
        uid = pwd.getpwnam(name).pw_uid
        procs = [p for p in psutil.process_iter(["uids", "cmdline"])
                 if p.info["uids"] and p.info["uids"].real == uid]
        rss = {"server": 0, "kernels": 0}
        uss = 0
        for p in procs:
            try:
                kind = "server" if "jupyterhub.singleuser" in " ".join(p.cmdline()) else "kernels"
                rss[kind] += p.memory_info().rss
                uss += p.memory_full_info().uss
            except psutil.Error:
                pass
        hub.memory[name] = {"processes": len(procs), "server_rss_mb": round(rss["server"] / 2**20),
                            "kernels_rss_mb": round(rss["kernels"] / 2**20),
                            "total_rss_mb": round(sum(rss.values()) / 2**20),
                            "total_uss_mb": round(uss / 2**20)}
    out = harness.ARTIFACTS / "hub-memory.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                               "load_1min": os.getloadavg()[0], "learners": hub.memory},
                              indent=2))


def test_a_learner_cannot_read_another_learners_work(hub, learner_pages):
    first, second = hub.learners[0], hub.learners[1]
    other = hub.homes / second / _portfolio_path(second)
    assert other.exists()
    # Through the hub: the first learner's login does not open the second's server.
    response = learner_pages[first].request.get(
        f"{hub.url}/user/{second}/api/contents/{_portfolio_path(second)}", max_redirects=0)
    assert response.status in (302, 403, 404), response.status
    assert b"human-security-lab-portfolio" not in response.body()
    # From the first learner's own kernel: the operating system refuses.
    page = learner_pages[first].new_page()
    page.goto(f"{hub.url}/user/{first}/lab/tree/{hubpy.CLONE_NAME}/lessons/{LESSON.name}",
              timeout=TIMEOUT * 1000)
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=TIMEOUT * 1000)
    lp = harness.LessonPage(page, LearnerServer(hub, first, "lab"), LESSON)
    deadline = time.monotonic() + TIMEOUT
    while not lp._kernel_idle() and time.monotonic() < deadline:
        lp._accept_dialog()
        page.wait_for_timeout(300)
    out = _run_cell(page, f"print(open({str(other)!r}).read())", "Error")
    assert "PermissionError" in out, out
    assert "human-security-lab-portfolio" not in out
    home_mode = (hub.homes / second).stat().st_mode & 0o777
    assert home_mode == 0o700, oct(home_mode)
    page.close()


def test_nbgitpuller_update_keeps_the_learners_edited_cell(hub, learner_pages, tmp_path):
    learner = hub.learners[0]
    notebook = f"{hubpy.CLONE_NAME}/lessons/{LESSON.name}"
    mine = hub.contents(learner, notebook)["content"]
    assert any("Portfolio.for_lesson" in "".join(c["source"]) for c in mine["cells"]), \
        "the learner's own cell was not saved"
    # The trainer changes the lesson upstream (a new sentence in its first cell).
    work = tmp_path / "trainer"
    hubpy.git("clone", "--quiet", "--branch", hub.branch, str(hub.bare), str(work))
    path = work / "lessons" / LESSON.name
    nb = json.loads(path.read_text(encoding="utf-8"))
    sentence = "Updated by the trainer for this class."
    nb["cells"][0]["source"].append("\n\n" + sentence)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    hubpy.git("-c", "user.name=Trainer", "-c", "user.email=trainer@example.org", "commit",
              "--quiet", "-am", "Lesson 01: a sentence for this class", cwd=work)
    hubpy.git("push", "--quiet", "origin", hub.branch, cwd=work)
    hubpy.share_read_only(hub.bare)
    # The learner clicks the same link again.
    page = learner_pages[learner].new_page()
    link = hubpy.gitpull_path(hub.bare, hub.branch, hubpy.lesson_urlpath(LESSON.name))
    page.goto(f"{hub.url}/{link}", timeout=TIMEOUT * 1000)
    page.wait_for_url(f"**/user/{learner}/lab/**", timeout=TIMEOUT * 1000)
    merged = hub.contents(learner, notebook)["content"]
    sources = ["".join(c["source"]) for c in merged["cells"]]
    assert sentence in sources[0], "the trainer's update did not arrive"
    assert any("Portfolio.for_lesson" in s for s in sources), "the learner's own cell was lost"
    page.close()


def test_each_learners_server_runs_within_the_class_limits(hub):
    for name in hub.learners:
        server = hub.api("GET", f"hub/api/users/{name}")["servers"][""]
        assert server["ready"], server
        groups = hub_module.cgroup_paths(name)
        assert groups, "no cgroup for the learner's server"
        for kind, path in groups.items():
            pids = {int(p) for p in (path / "cgroup.procs").read_text().split()}
            users = {psutil.Process(p).username() for p in pids if psutil.pid_exists(p)}
            assert users == {name}, f"{kind} cgroup of {name} holds {users}"
            if kind == "memory":
                assert int((path / "memory.limit_in_bytes").read_text()) == 2**30
            if kind == "cpu":
                assert int((path / "cpu.cfs_quota_us").read_text()) == 100_000
            if kind == "unified":
                assert int((path / "memory.max").read_text()) == 2**30


def test_the_class_load_test_runs_through_the_hub(hub):
    """``make loadtest-hub``'s learner, one (the suite's time), through this hub (their servers are up).

    Each logs in with the class password over HTTP (the form's _xsrf, cookies),
    gets their server, pulls the lessons with nbgitpuller's API, opens lesson 01
    as an app in their own server, makes its widgets live and changes a control;
    the load test finds each learner's own processes for their memory.
    """
    import sys

    sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
    import loadtest_hub

    names = hub.learners[:1]
    for name in names:  # they closed their earlier tabs: their kernels go (each server's 1 GB limit)
        for kernel in hub.api("GET", f"user/{name}/api/kernels") or []:
            hub.api("DELETE", f"user/{name}/api/kernels/{kernel['id']}")
    entry = harness.run_async(loadtest_hub.run_class(hub, names, LESSON, interact=3.0))
    assert entry["failures"] == [], entry["failures"]
    assert entry["usable_s"]["n"] == 1 and entry["server_ready_s"]["n"] == 1
    assert entry["lessons_copied_s"]["n"] == 1
    assert entry["reply_ms"]["n"] >= 1                 # the learner changed a control
    assert entry["widgets_per_page"] and min(entry["widgets_per_page"]) > 10
    assert entry["mb_per_learner_rss"]["n"] == 1 and entry["mb_per_learner_rss"]["median"] > 50
    section = loadtest_hub.markdown_section({
        "started": entry["measured"], "command": "test", "load_average_before": [0, 0, 0],
        "load_average_after": [0, 0, 0], "machine": {"jupyterhub": "x"}, "limits": "1G",
        "lesson": LESSON.name, "interact_s": 3.0, "runs": [entry]})
    assert "| 1 |" in section and section.startswith(loadtest_hub.SECTION_START)


def test_stopping_the_hub_stops_every_server_it_started(hub):
    hub.remember_processes()
    commands = list(hub.commands.values())
    assert any("configurable-http-proxy" in c for c in commands), commands
    assert any("jupyterhub_idle_culler --timeout=" in c for c in commands), "no idle culler"
    servers = [c for c in commands if "jupyterhub.singleuser" in c]
    assert len(servers) == len(hub.learners), servers
    hub.stop()
    deadline = time.monotonic() + 20
    while hub.still_running() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not hub.still_running(), f"left running after the hub stopped: {hub.still_running()}"
    for name in hub.learners:
        left = []
        for pid in hub_module.leftover_pids(name):
            try:
                proc = psutil.Process(pid)
                left.append(f"{pid} {proc.status()} {' '.join(proc.cmdline())[:100]}")
            except psutil.Error:
                pass
        assert not left, f"processes of {name} left running: {left}"
