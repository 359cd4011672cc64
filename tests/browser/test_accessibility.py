"""Accessibility checks that need a page no other browser test opens.

The lessons themselves are checked by axe-core (WCAG 2.1 A/AA) and by the
keyboard-only walk inside ``harness.check_lesson``, on the pages the lesson
tests already load (see ``a11y.py``, ``keyboard.py``); the app index page in
``test_lessons_in_app_mode.py``. Here:

* one lesson exported by ``make html`` (``scripts/export_html.py``), read as a
  file, checked by axe-core like the live pages;

200 % zoom and a 360-px phone screen are checked on lesson pages already open
(``a11y.check_reflow``, called by ``harness.check_lesson``).
"""

from __future__ import annotations

import subprocess
import sys

import a11y
import harness
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EXPORTED = "01"  # a lesson with several charts, quick to run headless


def _export(out) -> None:
    """``make html`` for one lesson, in its own process (the script sets HSL_WORK_DIR)."""
    done = subprocess.run([sys.executable, str(harness.REPO_ROOT / "scripts" / "export_html.py"),
                           "--out", str(out), "--lessons", EXPORTED, "--languages", "en"],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


def test_exported_lesson_page_is_accessible(browser, guard, tmp_path):
    """A `make html` page: axe-core finds no serious or critical problem; charts have alt text."""
    out = tmp_path / "site"
    _export(out)
    pages = sorted(out.glob(f"{EXPORTED}-*.html"))
    assert pages, "the export wrote no page"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    guard.install(context)
    mark = len(guard.attempts)
    page = context.new_page()
    try:
        page.goto(pages[0].as_uri(), wait_until="load")
        failures = a11y.check_page(page, f"html-{pages[0].stem}", "html")
        failures += a11y.check_page(page, "html-index", "html") if page.goto(
            (out / "index.html").as_uri(), wait_until="load") else []
        page.goto(pages[0].as_uri(), wait_until="load")
        failures += a11y.check_headings(page)
        lang = page.evaluate("() => document.documentElement.lang")
        images = page.evaluate("() => Array.from(document.querySelectorAll('figure img'))"
                               ".map((i) => i.alt)")
    finally:
        context.close()
    assert not failures, "the exported page:\n- " + "\n- ".join(failures)
    assert lang == "en"
    assert images and all(len(alt) > 20 for alt in images), images
    assert guard.since(mark) == []
    a11y.check_allowlist(("html",), complete=True)


def test_the_axe_check_fails_on_a_real_problem_and_the_allowlist_excuses_only_its_own(browser):
    """The check can fail: a nameless button is caught; an allow-list entry excuses only what it names."""
    page = browser.new_page()
    try:
        page.set_content('<html lang="en"><head><title>Test</title></head><body><main>'
                         '<h1>Test</h1><div class="upstream"><button></button></div>'
                         '<button class="ours"></button></main></body></html>')
        failures = a11y.check_page(page, "selftest", "selftest", record=False, allowlist=[])
        assert len(failures) == 2 and all("button-name" in f for f in failures), failures
        entry = a11y.Allowed("button-name", ".upstream", ("selftest",), "https://example.org/1", "test")
        failures = a11y.check_page(page, "selftest", "selftest", record=False, allowlist=[entry])
        assert len(failures) == 1 and "ours" in failures[0], failures
        assert a11y.USED[entry] == 1
    finally:
        page.close()
