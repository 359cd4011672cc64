"""A class on one app server: two learners' saved work never meet (issue 22.1).

Two real browser sessions (separate cookies, as two learners' computers) open
the app index, each gets their own work code, open lesson 00, write a note and
press Save. Each note lands in that learner's own folder under the class
folder; the other learner's file is untouched. The server also refuses a
request without its token (issue 23.7).
"""

from __future__ import annotations

import json
import urllib.request

import harness
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LESSON = harness.REPO_ROOT / "lessons" / "00-start-here.ipynb"


@pytest.fixture(scope="module")
def class_server(tmp_path_factory):
    workspace = harness.make_workspace(tmp_path_factory.mktemp("hsl-class"))
    class_dir = tmp_path_factory.mktemp("class-work")
    server = harness.Server.start("voila", workspace, class_dir=class_dir)
    try:
        yield server, class_dir
    finally:
        server.stop()


def _save_a_note(browser, guard, server, text: str) -> tuple[str, str]:
    """One learner: index page (their work code), lesson 00, a note, Save. Returns (code, shown)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    guard.install(context)
    page = context.new_page()
    try:
        page.goto(server.url(""), wait_until="load")
        code = page.locator("#hsl-code").inner_text().strip()
        lesson = harness.LessonPage(page, server, LESSON)
        lesson.open_and_run()
        notes = page.get_by_role("textbox", name="My notes")
        notes.fill(text)
        notes.press("Tab")                         # the value reaches the kernel on change
        page.get_by_role("button", name="Save").click()
        page.get_by_text("Saved 1 widget and your notes under your work code").wait_for(
            timeout=30_000)
        shown = page.locator("[data-hsl-learner]").get_attribute("data-hsl-learner")
        return code, shown
    finally:
        context.close()


def test_two_learners_in_one_room_keep_their_own_work(browser, guard, class_server):
    server, class_dir = class_server
    code_a, shown_a = _save_a_note(browser, guard, server, "Amina's note for lesson 00")
    code_b, shown_b = _save_a_note(browser, guard, server, "Bruno's note for lesson 00")
    assert code_a != code_b
    assert (shown_a, shown_b) == (code_a, code_b)   # the lesson saved under the index's code
    a = json.loads((class_dir / "learners" / code_a / "portfolio.json").read_text())
    b = json.loads((class_dir / "learners" / code_b / "portfolio.json").read_text())
    assert a["notes"]["00"] == "Amina's note for lesson 00"
    assert b["notes"]["00"] == "Bruno's note for lesson 00"
    assert not (class_dir.parent / "my-work").exists()
    assert guard.since(0) == []


def test_the_app_server_refuses_requests_without_its_token(class_server):
    server, _ = class_server
    url = f"{server.base_url}/voila/render/{LESSON.name}"
    with urllib.request.urlopen(url, timeout=10) as resp:   # noqa: S310 - loopback
        assert "/login" in resp.geturl()                       # sent to the token page
        assert b"rendered_cells" not in resp.read()
    with urllib.request.urlopen(server.url(""), timeout=10) as resp:  # noqa: S310
        assert "/login" not in resp.geturl()
    assert server.token not in " ".join(server.process.args)       # not visible to `ps`
