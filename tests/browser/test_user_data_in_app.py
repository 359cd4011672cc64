"""A trainer's own table, uploaded in app mode (Voilà), reaches the explorer's chart (issue 21).

Lesson 02 is opened in the session's Voilà server (the shared fixture); the
file goes through the real FileUpload (its file chooser, ``set_files``), the
indicator is named, *Add to the lab* pressed, then chosen in the explorer's
menu: the map must be drawn again, its description name "your data" and its
source line the file. Nothing may reach the internet. The table written to the
server's work folder is removed afterwards, so the other lessons of the
session start without it.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import harness
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LESSON = next((p for p in harness.discover_lessons() if p.name.startswith("02-")), None)
# Real country names (English, French, an ISO code), semicolons and decimal commas.
SURVEY = ("pays;année;valeur\nKenya;2022;40,5\nGhana;2022;60,5\nNorvège;2022;95\n"
          "TCD;2022;10\nBrésil;2022;70\nMonde;2022;55\n").encode()
LABEL = "Households reached"


def _panel_text(page, marker: str) -> str:
    """The text of the ChartPanel whose text contains ``marker`` ('' if none)."""
    return page.evaluate(
        """(m) => { for (const b of document.querySelectorAll('button.widget-toggle-button')) {
              if (!/(Show|Hide) the data/.test(b.innerText)) continue;
              const box = b.closest('.widget-vbox') || b.parentElement;
              if ((box.innerText || '').includes(m)) return box.innerText; }
            return ''; }""", marker)


def test_upload_in_app_mode_shows_your_data_in_the_explorer(voila_server, voila_context,
                                                           guard):
    if LESSON is None:
        pytest.skip("lesson 02 is missing")
    mark = len(guard.attempts)
    page = voila_context.new_page()
    guard.watch(page)
    lp = harness.LessonPage(page, voila_server, LESSON)
    my_data = Path(voila_server.env["HSL_WORK_DIR"]) / "my-data"
    try:
        lp.open_and_run()
        explorer_before = lp.chart_states()
        # ipywidgets 8's FileUpload keeps its <input type=file> out of the page and clicks
        # it when its button is pressed: the chooser that opens is given the file
        # (FileChooser.set_files is set_input_files on that input).
        button = page.locator("button.widget-upload")
        assert button.count() == 1, "the loader's FileUpload is not on the page"
        button.scroll_into_view_if_needed()
        with page.expect_file_chooser() as chooser:
            button.click()
        chooser.value.set_files(files=[{"name": "survey.csv", "mimeType": "text/csv",
                                        "buffer": SURVEY}])
        name = page.locator(".widget-text:has(label:text-is('Indicator name')) input")
        name.scroll_into_view_if_needed()
        name.fill(LABEL)
        page.locator(".widget-text:has(label:text-is('Unit')) input").fill("%")
        page.wait_for_timeout(300)  # the typed text reaches the kernel first
        page.get_by_role("button", name="Add to the lab").click()
        page.get_by_text(f"Added '{LABEL}' from survey.csv").wait_for(timeout=30_000)
        assert "Monde" in page.get_by_role("status").filter(has_text="Added").inner_text()

        menu = page.locator(".widget-dropdown:has(label:text-is('Indicator')) select").first
        menu.scroll_into_view_if_needed()
        start = time.perf_counter()
        menu.select_option(label=f"Your data — {LABEL}")
        deadline = time.monotonic() + 30
        text = ""
        while time.monotonic() < deadline:
            text = _panel_text(page, f"{LABEL} (your data)")
            if "survey.csv" in text and "Best-off: Norway" in text:
                break
            page.wait_for_timeout(100)
        reaction_ms = (time.perf_counter() - start) * 1000
        assert "Map of Households reached (your data) (%) in 2022" in text, text[:400]
        assert "Best-off: Norway (95%)" in text and "worst-off: Chad (10%)" in text
        assert "Source: your data, from the file survey.csv." in text
        lp.wait_for_charts(20)
        after = lp.chart_states()
        drawn = [c for c in after if c["kind"] in ("canvas", "svg") and c["w"] > 10]
        assert drawn, "no chart drawn after choosing your data"
        assert [c["sig"] for c in after] != [c["sig"] for c in explorer_before], \
            "the explorer's map did not change when your data was chosen"
        harness.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for name, anchor in (("explorer", menu), ("loader", button)):
            output = anchor.locator("xpath=ancestor::div[contains(@class,"
                                    " 'jp-OutputArea-output')][1]")
            output.scroll_into_view_if_needed()
            output.screenshot(path=str(harness.SCREENSHOTS / f"voila-02-your-data-{name}.png"))
        assert lp.problems() == []
        print(f"your data chosen -> description and source shown in {reaction_ms:.0f} ms")
    finally:
        page.close()
        shutil.rmtree(my_data, ignore_errors=True)  # the next lessons start without it
    assert guard.since(mark) == []
