"""The facilitator's class report in app mode (Voilà), in a real browser, offline.

``lessons/facilitator/class-report.ipynb`` is not a numbered lesson, so the
lesson suite does not open it; this test does: the demonstration class (30
synthetic portfolios) loads, its chart is drawn, changing the lesson redraws
it, the damaged demo files are listed by name, and nothing reaches the internet.
"""

from __future__ import annotations

from pathlib import Path

import harness
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = Path("facilitator/class-report.ipynb")


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
        text = page.evaluate("() => document.body.innerText")
        assert "30 learners" in text and "DEMO-damaged/portfolio.json" in text
        assert "Discuss this" in text and "Lesson 03 knowledge check" in text
        assert lp.problems() == [] and lp.code_visible() == 0
        page.locator("select").first.select_option("04")
        page.wait_for_function(
            "() => document.body.innerText.includes('Lesson 04 knowledge check')", timeout=10_000)
        lp.screenshot("voila-class-report")
    finally:
        page.close()
    assert guard.since(mark) == []
