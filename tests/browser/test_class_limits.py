"""Past the limit, a learner is told so (issue 16.3 and 16.4).

A server capped at one open lesson page (``--max-learners 1``): a second page
gets "The server is full — try again in a minute" (HTTP 503, a page that tries
again by itself), never a blank page or a spinner. The first learner's kernel
is then killed as the operating system kills a process when memory runs out
(SIGKILL): the page says that the lesson has stopped, that saved work is safe
and how to start again — and the learner's saved work is still on disk.

Both pages speak the learner's language (issue 18): the full page follows the
translated lesson's folder (``lessons/fr/``) or ``?lang=``; the "stopped" banner
follows the lesson page's language (here a French lesson).
"""

from __future__ import annotations

import os
import signal
import time

import harness
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LESSON = harness.REPO_ROOT / "lessons" / "00-start-here.ipynb"
FRENCH = next((harness.REPO_ROOT / "lessons" / "fr").glob("00-*.ipynb"))


@pytest.fixture(scope="module")
def full_server(tmp_path_factory):
    workspace = harness.make_workspace(tmp_path_factory.mktemp("hsl-limits"))
    class_dir = tmp_path_factory.mktemp("class-work")
    server = harness.Server.start("voila", workspace, class_dir=class_dir, max_learners=1)
    try:
        yield server, class_dir
    finally:
        server.stop()


def _page(browser, guard):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    guard.install(context)
    page = context.new_page()
    guard.watch(page)
    return context, page


def _learner_url(server: harness.Server, code: str, lesson: str = LESSON.name) -> str:
    return server.url(f"voila/render/{lesson}?learner={code}")


def test_a_full_server_says_so_and_a_killed_kernel_is_explained(browser, guard, full_server):
    server, class_dir = full_server
    mark = len(guard.attempts)
    first_ctx, first = _page(browser, guard)
    second_ctx, second = _page(browser, guard)
    third_ctx, third = _page(browser, guard)
    try:
        # The first learner takes the only place; their saved work is on disk.
        saved = class_dir / "learners" / "KEEP-0001" / "portfolio.json"
        saved.parent.mkdir(parents=True)
        saved.write_text('{"notes": {"00": "my note"}}')
        lp = harness.LessonPage(first, server, FRENCH)
        first.goto(_learner_url(server, "KEEP-0001", f"fr/{FRENCH.name}"), wait_until="commit")
        lp._wait_voila(harness.LESSON_TIMEOUT)
        assert len(server.kernel_pids()) == 1

        # A second learner: a clear page, with the HTTP status a proxy understands.
        response = second.goto(_learner_url(server, "NEXT-0002"), wait_until="load")
        assert response.status == 503
        heading = second.locator("#hsl-server-full")
        assert heading.inner_text() == "The server is full — try again in a minute."
        body = second.locator("body").inner_text()
        assert "tries again by itself in one minute" in body and "saved work is safe" in body
        assert second.locator('meta[http-equiv="refresh"]').get_attribute("content") == "60"
        second.screenshot(path=str(_shot("class-limits-server-full")))

        # The same page in the learner's language: a French lesson, or ?lang=es.
        response = third.goto(_learner_url(server, "NEXT-0003", f"fr/{FRENCH.name}"),
                              wait_until="load")
        assert response.status == 503
        assert third.locator("#hsl-server-full").inner_text() == (
            "Le serveur est complet — réessayez dans une minute.")
        assert "Votre travail enregistré est en sécurité" in third.locator("body").inner_text()
        assert third.locator("html").get_attribute("lang") == "fr"
        third.screenshot(path=str(_shot("class-limits-server-full-fr")))
        third.goto(_learner_url(server, "NEXT-0003") + "&lang=es", wait_until="load")
        assert third.locator("#hsl-server-full").inner_text() == (
            "El servidor está lleno: inténtelo de nuevo dentro de un minuto.")
        assert third.locator("#hsl-full-now").inner_text() == "Intentarlo ahora"

        # The first learner's kernel is killed (as by the out-of-memory killer).
        assert first.locator("#hsl-kernel-lost").count() == 0
        for pid in server.kernel_pids():
            os.kill(pid, signal.SIGKILL)
        banner = first.locator("#hsl-kernel-lost")
        banner.wait_for(state="visible", timeout=30_000)
        text = banner.inner_text()   # the French lesson's page: in French
        assert "Cette leçon a cessé de fonctionner." in text
        assert "Votre travail enregistré est en sécurité\u00a0; rechargez la page" in text
        assert banner.get_attribute("role") == "alert"
        assert banner.locator("button").inner_text() == "Recharger la page"
        first.screenshot(path=str(_shot("class-limits-kernel-killed")))
        assert saved.read_text() == '{"notes": {"00": "my note"}}'   # nothing saved is lost
        assert guard.since(mark) == []
    finally:
        for ctx in (first_ctx, second_ctx, third_ctx):
            ctx.close()
        deadline = time.monotonic() + 10
        while server.kernel_pids() and time.monotonic() < deadline:
            time.sleep(0.5)


def _shot(name: str):
    harness.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return harness.SCREENSHOTS / f"{name}.png"
