"""A room on one server: one work folder per learner, typed paths confined, the app's token.

Issues 22.1 (learners overwrote each other's work), 22.2 (team folder), 23.1
(files read outside the class folder) and 23.7 (app server hardening). The
browser suite checks the same with two real app sessions
(tests/browser/test_class_room.py).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest

from widgets import _paths
from widgets.errors import LabInputError
from widgets.portfolio import Portfolio
from widgets.ui.portfolio import PortfolioPanel

_spec = importlib.util.spec_from_file_location("hsl_app", _paths.REPO_ROOT / "scripts" / "app.py")
app = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(app)


@pytest.fixture()
def room(tmp_path, monkeypatch):
    monkeypatch.setenv("HSL_CLASS_DIR", str(tmp_path))
    for name in ("HSL_LEARNER", "QUERY_STRING", "HTTP_COOKIE", "VOILA_PREHEAT"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def _kernel(env: dict[str, str], code: str) -> str:
    """Run ``code`` in a fresh Python process, as a learner's kernel would be."""
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, **env},
                         capture_output=True, text=True, timeout=120, check=True)
    return out.stdout.strip()


def test_two_kernels_in_one_room_save_to_two_folders(room):
    """Issue 22.1 as reported: Amina's and Bruno's kernels both saved to lessons/my-work."""
    save = ("from widgets.portfolio import Portfolio; p = Portfolio.for_lesson('01'); "
            "p.set_note({note!r}); print(p.save())")
    env = {"HSL_CLASS_DIR": str(room)}
    amina = _kernel({**env, "HTTP_COOKIE": "hsl_learner=AMNA-2345; _xsrf=abc"},
                    save.format(note="Amina"))
    bruno = _kernel({**env, "QUERY_STRING": "learner=brun-6789"}, save.format(note="Bruno"))
    assert amina == str(room / "learners" / "AMNA-2345" / "portfolio.json")
    assert bruno == str(room / "learners" / "BRUN-6789" / "portfolio.json")
    assert json.loads(open(amina).read())["notes"] == {"01": "Amina"}
    assert json.loads(open(bruno).read())["notes"] == {"01": "Bruno"}


def test_a_page_without_a_code_gets_its_own_new_code(room):
    code = _paths.learner_code()
    assert _paths.LEARNER_CODE_RE.match(code)
    assert _paths.work_dir() == room / "learners" / code
    assert _paths.learner_code() == code                      # stable for the kernel's life
    # never put where a process started from here (a test's app server) would inherit it
    assert "HSL_LEARNER" not in os.environ


@pytest.mark.parametrize("bad", ["learner=../../etc", "learner=a", "learner=%00x",
                                 "learner=" + "A" * 40])
def test_a_malformed_code_never_names_a_folder(room, monkeypatch, bad):
    monkeypatch.setenv("QUERY_STRING", bad)
    folder = _paths.work_dir()
    assert folder.parent == room / "learners" and _paths.LEARNER_CODE_RE.match(folder.name)


def test_outside_a_class_work_goes_where_it_always_did(tmp_path, monkeypatch):
    monkeypatch.delenv("HSL_CLASS_DIR", raising=False)
    monkeypatch.setenv("HSL_WORK_DIR", str(tmp_path))
    assert _paths.work_dir() == tmp_path and _paths.learner_code() is None
    monkeypatch.delenv("HSL_WORK_DIR")
    assert _paths.work_dir() == _paths.Path.cwd() / "my-work"


def test_the_portfolio_panel_shows_the_work_code_in_a_class(room, monkeypatch):
    monkeypatch.setenv("HSL_LEARNER", "K7QP-3MWX")
    panel = PortfolioPanel(Portfolio.for_lesson("01"))
    heading = panel.children[0].value
    assert "data-hsl-learner='K7QP-3MWX'" in heading and str(room) not in heading
    panel.notes.value = "mine"
    panel.save()
    assert "under your work code K7QP-3MWX" in panel.message_text
    assert (room / "learners" / "K7QP-3MWX" / "portfolio.json").exists()


def test_a_learner_can_read_the_class_shared_folder_but_not_another_learner(room, monkeypatch):
    monkeypatch.setenv("HSL_LEARNER", "AAAA-2222")
    (room / "shared").mkdir()
    (room / "shared" / "class.csv").write_text("participant,A,B\nx,1,2\n")
    other = room / "learners" / "BBBB-3333"
    other.mkdir(parents=True)
    (other / "portfolio.json").write_text("{}")
    assert _paths.confine("class.csv") == (room / "shared" / "class.csv").resolve()
    for typed in (str(other / "portfolio.json"), "../BBBB-3333/portfolio.json"):
        with pytest.raises(LabInputError, match="only open files in your own work folder"):
            _paths.confine(typed)


def test_app_server_token_travels_in_the_environment_not_the_command_line(tmp_path):
    """Issue 23.7: --lan put its token on the command line; the local server had none."""
    for lan in (False, True):
        args = app.argparse.Namespace(root=tmp_path, port=8866, lan=lan, no_browser=True,
                                      class_dir=tmp_path / "class")
        cmd, env, url = app.server_plan(args, {"HSL_WORK_DIR": "/elsewhere"})
        token = env["JUPYTER_TOKEN"]
        assert len(token) >= 16 and f"token={token}" in url
        assert not any(token in part for part in cmd) and "--Voila.auto_token=True" in cmd
        assert env["HSL_CLASS_DIR"] == str((tmp_path / "class").resolve())
        assert "HSL_WORK_DIR" not in env
        assert {p.name for p in (tmp_path / "class").iterdir()} == {"learners", "teams", "shared"}
    cmd, env, url = app.server_plan(args, {"HSL_APP_TOKEN": "chosen-by-the-trainer"})
    assert env["JUPYTER_TOKEN"] == "chosen-by-the-trainer" and "HSL_APP_TOKEN" not in env


# ------------------------------------------------- issue 23.5: public functions, odd values
@pytest.mark.parametrize("kwargs, message", [
    ({"n_draws": 10**12}, "number of draws must be a whole number from 1 to 10,000"),
    ({"n_draws": float("inf")}, "number of draws"), ({"n_draws": "1,000"}, "number of draws"),
    ({"seed": -1}, "seed must be a whole number"), ({"concentration": float("nan")},
                                                    "concentration must be a number")])
def test_monte_carlo_refuses_odd_values_with_a_message(kwargs, message):
    import pandas as pd

    from widgets.indexing import monte_carlo_ranks

    norm = pd.DataFrame({"a": [1.0, 0.0], "b": [0.0, 1.0]}, index=["X", "Y"])
    with pytest.raises(LabInputError, match=message):
        monte_carlo_ranks({"m": norm}, {"a": 1, "b": 1}, **kwargs)


@pytest.mark.parametrize("kwargs, message", [
    ({"n_draws": 10**12}, "number of draws"), ({"seed": -5}, "seed"),
    ({"quarters": float("inf")}, "number of quarters"), ({"budget": float("inf")}, "budget"),
    ({"budget": "1,000"}, "budget")])
def test_scenario_refuses_odd_values_with_a_message(kwargs, message):
    from widgets.scenarios import CountryProfile, load_model_spec, run_scenario

    with pytest.raises(LabInputError, match=message):
        run_scenario(CountryProfile.from_values("T"), [], [], load_model_spec(), **kwargs)


@pytest.mark.parametrize("start, end", [("2000-2010", 2010), (2000, float("inf")), (2010, 2000),
                                        (None, 2000), ("1,990", 2000)])
def test_year_ranges_are_checked_with_a_message(start, end):
    import pandas as pd

    from widgets.tradeoffs import change_between

    data = pd.DataFrame({"iso3": ["X", "X"], "year": [2000, 2010], "v": [1.0, 2.0]})
    with pytest.raises(LabInputError, match="year"):
        change_between(data, "v", start, end)


def test_only_the_trainers_page_reads_the_whole_room(room, monkeypatch):
    """A learner's page on the class server must not open everyone's portfolios."""
    from widgets.portfolio import new_document, save_document
    from widgets.ui.classreport import ClassReport

    for code in ("AAAA-2222", "BBBB-3333"):
        save_document(new_document(learner=f"learner {code}"),
                      room / "learners" / code / "portfolio.json")
    monkeypatch.setenv("HSL_TRAINER_KEY", "trainer-key-123456")
    monkeypatch.setenv("HSL_LEARNER", "CCCC-4444")
    monkeypatch.setenv("QUERY_STRING", "learner=CCCC-4444&trainer=wrong-key-000")
    learner_page = ClassReport(folder="learners")
    assert learner_page.data is None and "only from the trainer's address" in learner_page.message_text
    with pytest.raises(LabInputError):
        learner_page.load_folder(str(room / "learners"))
    monkeypatch.setenv("QUERY_STRING", "trainer=trainer-key-123456")
    trainer_page = ClassReport(folder="learners")
    assert trainer_page.data is not None and len(trainer_page.data.learners) == 2
    assert _paths.trainer_dir() == room / "trainer"


def test_the_app_prints_a_trainer_address_with_its_own_key(tmp_path):
    args = app.argparse.Namespace(root=tmp_path, port=8866, lan=False, no_browser=True,
                                  class_dir=tmp_path / "class")
    cmd, env, url = app.server_plan(args, {})
    key = env["HSL_TRAINER_KEY"]
    assert len(key) >= 12 and key not in " ".join(cmd) and key not in url
    assert app.trainer_url(url, env).endswith(f"facilitator/class-report.ipynb?token="
                                              f"{env['JUPYTER_TOKEN']}&trainer={key}")
