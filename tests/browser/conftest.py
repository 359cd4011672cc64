"""Fixtures for the browser suite: one Chromium, one Voilà and one JupyterLab server.

Servers run on free ports with a random token, in a temporary copy of
``lessons/`` (so saved work and checkpoints never touch the repository), and
are stopped at the end of the session. Every browser context routes requests
through :class:`harness.NetworkGuard`: anything addressed to a host other than
this computer is blocked and recorded, and the tests fail on it.

Set ``HSL_CHROMIUM`` to use another Chromium binary. Without any Chromium the
suite is skipped with that reason (CI installs it: ``.ci/run``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = harness.find_chromium()
    if path is None:
        pytest.skip("no Chromium found (install the 'chromium' package or set HSL_CHROMIUM)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=chromium_path, args=harness.CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def guard() -> harness.NetworkGuard:
    return harness.NetworkGuard()


@pytest.fixture(scope="session")
def workspace(tmp_path_factory) -> Path:
    return harness.make_workspace(tmp_path_factory.mktemp("hsl-browser"))


def _server(kind: str, workspace: Path) -> Iterator[harness.Server]:
    server = harness.Server.start(kind, workspace)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def voila_server(workspace, chromium_path) -> Iterator[harness.Server]:
    yield from _server("voila", workspace)


@pytest.fixture(scope="session")
def lab_server(workspace, chromium_path) -> Iterator[harness.Server]:
    yield from _server("lab", workspace)


def _context(browser, guard):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB",
                                  timezone_id="UTC", service_workers="block")
    guard.install(context)
    return context


@pytest.fixture(scope="session")
def voila_context(browser, guard):
    context = _context(browser, guard)
    yield context
    context.close()


@pytest.fixture(scope="session")
def lab_context(browser, guard):
    context = _context(browser, guard)
    yield context
    context.close()
