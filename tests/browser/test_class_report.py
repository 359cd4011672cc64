"""The facilitator's class report in app mode (Voilà), in a real browser, offline.

``lessons/facilitator/class-report.ipynb`` is not a numbered lesson, so the
lesson suite does not open it; this test does: the demonstration class (30
synthetic portfolios) loads, its charts are drawn (the knowledge check and one
chart per widget, each with its "Discuss this" prompt), changing the lesson
redraws them, lesson 10 shows the scenario teams side by side, the shared notes
appear only when the trainer ticks the box, the damaged demo files are listed
by name, and nothing reaches the internet.
"""

from __future__ import annotations

from pathlib import Path

import harness
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = Path("facilitator/class-report.ipynb")
NOTES_BOX = "Show the notes learners agreed to share (for the lesson chosen)"


def _text(page) -> str:
    return page.evaluate("() => document.body.innerText")


def _picture(page, text: str, name: str, selector: str = ".widget-vbox") -> None:
    """A picture of the innermost widget holding ``text`` (evidence for a person to look at).

    The window is made tall first: Voilà scrolls inside a container, and what lies
    outside the window is not painted.
    """
    harness.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    box = page.locator(selector, has_text=text).last
    height = int(box.bounding_box()["height"]) + 200
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    try:
        box.scroll_into_view_if_needed()
        box.screenshot(path=harness.SCREENSHOTS / f"{name}.png",
                       timeout=harness.SCREENSHOT_TIMEOUT_MS)
    finally:
        page.set_viewport_size(size)


def test_class_report_in_app_mode(voila_server, voila_context, guard):
    mark = len(guard.attempts)
    page = voila_context.new_page()
    guard.watch(page)
    lp = harness.LessonPage(page, voila_server, NOTEBOOK)
    try:
        page.goto(voila_server.url(f"voila/render/{NOTEBOOK.as_posix()}"), wait_until="commit",
                  timeout=harness.LESSON_TIMEOUT * 1000)
        lp._wait_voila(harness.LESSON_TIMEOUT)
        lp.wait_for_charts(60)
        panels = [p for p in lp.panels() if p["visible"]]
        assert panels and all(p["drawn"] for p in panels)
        text = _text(page)
        assert "30 learners" in text and "DEMO-damaged/portfolio.json" in text
        assert "Discuss this" in text and "Lesson 03 knowledge check" in text
        assert "Choices the class made in this lesson's widgets" in text
        assert "How the class built the index" in text and "widest disagreement" in text
        assert lp.problems() == [] and lp.code_visible() == 0
        lp.screenshot("voila-class-report-03")
        _picture(page, "Choices the class made in this lesson's widgets", "class-report-choices-03")
        lesson = page.locator("select").first
        lesson.select_option("06")
        page.wait_for_function(
            "() => document.body.innerText.includes('How the class shared the budget')",
            timeout=20_000)
        lp.wait_for_charts(30)
        assert all(p["drawn"] for p in lp.panels() if p["visible"])
        lesson.select_option("10")
        page.wait_for_function(
            "() => document.body.innerText.includes('Scenario teams side by side')",
            timeout=20_000)
        lp.wait_for_charts(30)
        text = _text(page)
        assert "Team Blue" in text and "Round 2" in text and "Lesson 10 knowledge check" in text
        assert "Synthetic note: our team" not in text                 # notes hidden by default
        page.get_by_label(NOTES_BOX).first.check()      # the demo report (the first of two)
        page.wait_for_function(
            "() => document.body.innerText.includes('Synthetic note: our team')", timeout=10_000)
        assert lp.problems() == []
        _picture(page, "Scenario teams side by side", "class-report-teams-10")
    finally:
        page.close()
    assert guard.since(mark) == []
