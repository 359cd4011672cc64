"""Every lesson, in a real browser, in JupyterLab (Run → Run All Cells), offline.

The checks are those of ``test_lessons_in_app_mode.py`` (see its docstring and
``harness.check_lesson``), except that one control of each kind per widget is
used (a slider, a list, a tick box...) rather than every control: the widgets
behave the same in both front ends, and app mode uses every control. What
JupyterLab adds — its own widget manager, renderers and page — is exercised
by each kind. For the same reason axe-core checks the whole JupyterLab page
once the sections are open, not each section as it opens (app mode does).
"""

from __future__ import annotations

import a11y
import harness
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LESSONS = harness.discover_lessons()
IDS = [p.stem for p in LESSONS]


@pytest.mark.parametrize("lesson", LESSONS, ids=IDS)
def test_lesson_in_jupyterlab(lesson, lab_server, lab_context, guard):
    harness.check_lesson("lab", lesson, lab_server, lab_context, guard)


def test_axe_allowlist_entries_still_needed_in_jupyterlab():
    """Every allow-list entry for JupyterLab still excuses something (run after the lessons)."""
    a11y.check_allowlist(("lab",), complete=a11y.PAGES["lab"] >= len(LESSONS))
