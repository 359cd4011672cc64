"""Every lesson, in a real browser, in app mode (Voilà) and in JupyterLab, offline.

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

import json
import time
from pathlib import Path

import harness
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LESSONS = harness.discover_lessons()
IDS = [p.stem for p in LESSONS]


def _record(mode: str, lesson: Path, data: dict) -> None:
    folder = harness.ARTIFACTS / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{mode}-{lesson.stem}.json").write_text(json.dumps(data, indent=2))


def check_lesson(mode: str, lesson: Path, server: harness.Server, context,
                 guard: harness.NetworkGuard) -> None:
    mark = len(guard.attempts)
    (harness.SCREENSHOTS / f"{mode}-{lesson.stem}-FAILED.png").unlink(missing_ok=True)
    page = context.new_page()
    guard.watch(page)
    lp = harness.LessonPage(page, server, lesson)
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
        lp.screenshot(f"{mode}-{lesson.stem}", full_page=mode == "voila")

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
        results, hidden_problems, sections = lp.explore()
        failures += hidden_problems
        record["sections_opened"] = sections
        record["controls"] = [r.__dict__ for r in results]
        dead = [f"{r.kind} '{r.label}'" for r in results if r.reacted is False]
        if dead:
            failures.append(f"controls that changed nothing in their chart or description "
                            f"within {harness.REACT_TIMEOUT:.0f} s: {dead}")
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


@pytest.mark.parametrize("lesson", LESSONS, ids=IDS)
def test_lesson_in_app_mode(lesson, voila_server, voila_context, guard):
    check_lesson("voila", lesson, voila_server, voila_context, guard)


@pytest.mark.parametrize("lesson", LESSONS, ids=IDS)
def test_lesson_in_jupyterlab(lesson, lab_server, lab_context, guard):
    check_lesson("lab", lesson, lab_server, lab_context, guard)


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
    finally:
        page.close()
    linked = sorted(href.split("/voila/render/")[1].split("?")[0] for href in links)
    assert linked == sorted(p.name for p in LESSONS)
    assert guard.since(mark) == []


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
