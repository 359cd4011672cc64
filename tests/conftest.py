"""Shared test set-up.

* Learner files written by tests (saved work, exports) go to a temporary folder,
  never into the repository: ``HSL_WORK_DIR`` is set before any kernel starts,
  so notebooks run by nbval inherit it too.
* ``raw_dir`` gives the publishers' raw files (``../shared/data-raw``) or skips
  with a clear reason when they are not on this machine.
* Property tests (hypothesis) draw the same examples on every run, so a test
  run is repeatable; ``HYPOTHESIS_PROFILE=explore`` draws new ones (and more)
  to hunt for bugs while developing.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

REPO_ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("HSL_WORK_DIR", tempfile.mkdtemp(prefix="hsl-work-"))
# Every chart a widget shows is checked against the Vega-Lite schema in the tests
# (lessons skip that check at run time for speed: widgets/_offline.py, LabChart).
os.environ.setdefault("HSL_VALIDATE_CHARTS", "1")


def _raw_dir() -> Path:
    return Path(os.environ.get("HSL_RAW_DIR", REPO_ROOT.parent / "shared" / "data-raw"))


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    path = _raw_dir()
    if not (path / "PROVENANCE.md").exists():
        pytest.skip(f"publishers' raw files not found at {path} (set HSL_RAW_DIR to test the build)")
    return path


@pytest.fixture()
def work_dir(tmp_path, monkeypatch) -> Path:
    """A fresh, empty folder for a learner's saved work."""
    monkeypatch.setenv("HSL_WORK_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture(autouse=True)
def _english_unless_a_test_chooses(monkeypatch):
    """Every test starts in English with no remembered language and no ``?lang=`` or
    ``HSL_LANG`` from the environment.

    A portfolio saved or loaded in another language calls
    ``widgets.i18n.remember_language``; without this reset that choice would
    leak into the next test run by the same worker.
    """
    from widgets import i18n

    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.delenv("HSL_LANG", raising=False)
    i18n.set_language(None)
    i18n.remember_language(None)
    yield
    i18n.set_language(None)
    i18n.remember_language(None)
