"""The app server's pool of pre-heated kernels (``scripts/hsl_server.py``, ``QuietPool``).

No server here (the end-to-end check with two learners and a pool of one is
``tests/test_loadtest.py``): the pool's choices with a stand-in kernel manager,
and what a pre-heated kernel does about the page's language.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import hsl_server  # noqa: E402

LESSON = "04-citizen-centric-risk-assessment.ipynb"


def _done(value) -> asyncio.Future:
    loop = asyncio.new_event_loop()
    fut = loop.create_future()
    if isinstance(value, Exception):
        fut.set_exception(value)
    else:
        fut.set_result(value)
    loop.close()
    return fut


def _manager(pool: list) -> SimpleNamespace:
    return SimpleNamespace(_pools={LESSON: pool}, fill_delay=10.0, log=logging.getLogger("t"),
                           kernel_pools_config={"default": {"pool_size": 0},
                                                LESSON: {"pool_size": 2}})


def test_a_page_takes_only_a_ready_kernel_in_its_own_language(monkeypatch):
    monkeypatch.delenv("HSL_LANG", raising=False)
    content = {"kernel_id": "k1", "task": None,
               "renderer": SimpleNamespace(stop_generator=False, rendered_cache=[])}
    starting = asyncio.new_event_loop().create_future()        # a kernel still starting
    km = _manager([starting, _done(RuntimeError("failed")), _done(content)])
    pool = hsl_server.QuietPool(km)
    assert pool.language == "en" and pool.pool_size(LESSON) == 2
    assert km.get_pool_size(LESSON) == 1          # neither the starting nor the failed one
    for asked, ready in ((None, 1), ("en", 1), ("EN-gb", 1), ("fr", 0), ("es", 0)):
        hsl_server._REQUEST_LANG.set(hsl_server.short_language(asked))
        assert km.get_pool_size(LESSON) == ready, asked     # ?lang=fr: a new kernel
    hsl_server._REQUEST_LANG.set(None)
    # With no kernel ready, Voilà's handler starts a new kernel (get_pool_size 0):
    empty = _manager([starting])
    hsl_server.QuietPool(empty)
    assert empty.get_pool_size(LESSON) == 0


def test_the_pool_language_follows_the_server_default(monkeypatch):
    monkeypatch.setenv("HSL_LANG", "es")
    assert hsl_server.QuietPool(_manager([])).language == "es"
    assert hsl_server.pool_language({"HSL_LANG": "de"}) == "en"


@pytest.mark.parametrize("pool_lang, server_lang, expected", [("en", "", "en"), ("es", "es", "es")])
def test_a_pre_heated_kernel_runs_the_lesson_without_waiting_for_the_page(
        monkeypatch, pool_lang, server_lang, expected):
    from widgets import i18n

    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("HSL_POOL_LANG", pool_lang)
    monkeypatch.setenv("HSL_LANG", server_lang)
    waited = []
    monkeypatch.setattr("widgets._paths._wait_for_voila_request", lambda: waited.append(1))
    i18n.set_language(None)
    assert i18n.get_language() == expected and waited == []
    # The page arrives (Voilà puts its query string in the environment): its ?lang= counts.
    monkeypatch.setenv("QUERY_STRING", f"learner=ABCD-2345&lang={expected}")
    assert i18n.get_language() == expected


def test_a_pre_heated_kernel_outside_the_lab_s_pool_still_waits(monkeypatch):
    from widgets import i18n

    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.delenv("HSL_POOL_LANG", raising=False)
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    waited = []
    monkeypatch.setattr("widgets._paths._wait_for_voila_request", lambda: waited.append(1))
    i18n.set_language(None)
    i18n.get_language()
    assert waited            # it waits for the page (the request brings ?lang=)
