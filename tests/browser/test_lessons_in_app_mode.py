"""Every lesson, in a real browser, in app mode (Voilà), offline.

The same checks run in JupyterLab in ``test_lessons_in_jupyterlab.py`` (a
separate file so that ``make test`` runs the two on different CPU cores).

For each ``lessons/NN-*.ipynb`` and each mode the test opens the lesson, runs
it (Voilà runs on open; in JupyterLab: Run → Run All Cells), then checks what a
learner would see:

* every chart is drawn (each ChartPanel's Vega view has a canvas/SVG), at
  least one per lesson;
* no traceback, stderr output, Voilà error notice or widget error is shown;
* each control next to a chart (sliders by keyboard, drop-downs, lists, toggle
  and radio buttons, tick boxes) changes something in its widget — the chart's
  pixels or its description — when used once;
* app mode shows no code;
* nothing tried to reach the internet (all such requests are blocked and
  recorded by the guard; one attempt fails the test).

Screenshots go to ``test-artifacts/screenshots/`` and a JSON record per lesson
and mode (chart count, reaction times) to ``test-artifacts/browser/``.
"""

from __future__ import annotations

import time

import a11y
import harness
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LESSONS = harness.discover_lessons()
IDS = [p.stem for p in LESSONS]


@pytest.mark.parametrize("lesson", LESSONS, ids=IDS)
def test_lesson_in_app_mode(lesson, voila_server, voila_context, guard):
    harness.check_lesson("voila", lesson, voila_server, voila_context, guard)


def test_app_index_lists_every_lesson(voila_server, voila_context, guard):
    """The app's start page links every lesson and loads nothing from the internet."""
    mark = len(guard.attempts)
    page = voila_context.new_page()
    guard.watch(page)
    try:
        page.goto(voila_server.url(""), wait_until="load")
        links = page.locator("a.hsl-lesson").evaluate_all("(as) => as.map((a) => a.href)")
        harness.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(harness.SCREENSHOTS / "voila-index.png"), full_page=True)
        page.wait_for_timeout(300)
        axe_failures = a11y.check_page(page, "index", "index")
    finally:
        page.close()
    linked = sorted(href.split("/voila/render/")[1].split("?")[0] for href in links)
    assert linked == sorted(p.name for p in LESSONS)
    assert guard.since(mark) == []
    assert not axe_failures, "the app index page:\n- " + "\n- ".join(axe_failures)


def test_closing_an_app_tab_stops_its_kernel(voila_server, voila_context):
    """Voilà starts a Python process per open lesson; closing the tab must end it."""
    if not LESSONS:
        pytest.skip("no lessons yet")
    before = set(voila_server.kernel_pids())
    page = voila_context.new_page()
    lp = harness.LessonPage(page, voila_server, LESSONS[0])
    lp.open_and_run()
    started = set(voila_server.kernel_pids()) - before
    assert started, "opening a lesson in app mode started no kernel"
    page.close(run_before_unload=True)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and started & set(voila_server.kernel_pids()):
        time.sleep(0.25)
    assert not started & set(voila_server.kernel_pids()), "kernel still running after the tab closed"


def test_axe_allowlist_entries_still_needed_in_app_mode():
    """Every allow-list entry for app mode still excuses something (run after the lessons)."""
    a11y.check_allowlist(("voila", "index"),
                         complete=a11y.PAGES["voila"] >= len(LESSONS) and a11y.PAGES["index"] > 0)
