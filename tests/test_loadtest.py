"""The class load test's machinery (``benchmarks/loadtest.py``) on two learners.

Timings are the benchmark's business (``make loadtest``), never asserted here:
these tests check that the simulated learners speak the protocol (their pages
become usable, their control changes get replies, each sees its own work code),
that the report reads, and that every process the machinery started is stopped.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import ipywidgets as W
import pytest

LOADTEST = Path(__file__).resolve().parents[1] / "benchmarks" / "loadtest.py"


@pytest.fixture(scope="module")
def lt():
    spec = importlib.util.spec_from_file_location("hsl_loadtest", LOADTEST)
    module = importlib.util.module_from_spec(spec)
    sys.modules["hsl_loadtest"] = module
    spec.loader.exec_module(module)
    return module


def test_class_sizes_are_bounded(lt):
    assert lt.check_sizes([1, 40]) == [1, 40]
    for bad in (0, 41):
        with pytest.raises(ValueError, match="between 1 and 40"):
            lt.check_sizes([bad])
    with pytest.raises(SystemExit):
        lt.main(["--sizes", "50"])


def test_controls_are_found_and_given_a_new_value(lt):
    states = {
        "y": {"model_name": "IntSliderModel",
              "state": {"value": 10, "min": 0, "max": 10, "step": 2, "description": "Year"}},
        "off": {"model_name": "IntSliderModel",
                "state": {"value": 1, "min": 0, "max": 5, "disabled": True}},
        "d": {"model_name": "DropdownModel",
              "state": {"index": 2, "_options_labels": ["a", "b", "c"], "description": "Lens"}},
        "one": {"model_name": "DropdownModel", "state": {"index": 0, "_options_labels": ["a"]}},
    }
    controls = {c["id"]: c for c in lt.pick_controls(states)}
    assert set(controls) == {"y", "d"}          # disabled and single-choice controls are skipped
    assert controls["y"]["values"] == [8, 10]   # at the maximum: one step down, then back
    assert controls["d"]["values"] == [0, 2]


def test_the_report_names_machine_load_and_settings(lt):
    entry = {"learners": 2, "measured": "x", "load_average_before": [3.5, 2, 1],
             "load_average_during_max": 6.1, "usable_s": lt.summary([1.0, 2.0], 2),
             "reply_ms": {**lt.summary([10.0, 30.0]), "p50": 20.0},
             "browser_paint_ms": lt.summary([50.0]), "cpu_seconds_per_learner": 1.5,
             "mb_per_learner_rss": 200.0, "mb_per_learner_pss": 150.0, "kernels_in_room": 2,
             "failures": ["LT-LOAD-0001: open: TimeoutError"]}
    data = {"date": "2026-12-04 06:30 UTC", "command": "python benchmarks/loadtest.py",
            "lesson": "04-x.ipynb", "interact_seconds": 30, "browsers": 2, "note": "Shared.",
            "machine": {"cpu": "CPU", "cores": 2, "ram_gb": 4, "os": "OS", "python": "3.11",
                        "packages": {"voila": "0.5.13"}, "load_average_at_start": [3.5, 2, 1]},
            "runs": [{"label": "As make app", "extra": [], "warmup_s": 60, "classes": [entry]}]}
    text = lt.write_markdown(data)
    assert "2026-12-04 06:30 UTC" in text and "[3.5, 2, 1]" in text and "3.5 → 6.1" in text
    assert "| 2 | 1.5 / 2.0 | 20.0 / 30.0 |" in text
    assert "TimeoutError" in text


def test_a_lab_widget_answers_the_page_s_request_for_every_widget_state():
    """The page's widget manager asks ipywidgets for all states at once (``request_states``)."""
    from ipywidgets.widgets.widget import _instances

    from widgets.ui.base import LabWidget

    class Choices(LabWidget):
        state_controls = ("year",)

        def __init__(self) -> None:
            self.year = W.IntSlider(value=2020, min=2000, max=2024, description="Year")
            super().__init__([self.year])

        def learner_state(self):  # a subclass with its own learner_state, as IndexBuilder has
            return {**super().learner_state(), "extra": 1}

    widget = Choices()
    assert widget.learner_state() == {"year": 2020, "extra": 1}          # the learner's choices
    synced = widget.get_state(drop_defaults=False)                   # ipywidgets asking
    assert synced["_model_name"] == "VBoxModel" and "children" in synced
    # What ipywidgets' control comm does for request_states, and for embedding:
    states = {w.model_id: w.get_state(drop_defaults=False) for w in list(_instances.values())}
    assert states[widget.model_id]["_model_name"] == "VBoxModel"
    embedded = W.Widget.get_manager_state(widgets=[widget])["state"][widget.model_id]
    assert embedded["model_name"] == "VBoxModel"
    assert widget.restore_learner_state({"year": 2010}) == [] and widget.year.value == 2010
    widget.close()


@pytest.mark.slow
def test_two_learners_on_a_pre_heated_server_each_get_their_own_work(lt, tmp_path):
    """Two learners open lesson 00 on a server with one pre-heated kernel (the pool then runs dry).

    A pre-heated kernel ran the lesson before anyone asked for it; the learner's
    work code comes with the page request, so each page must still show its own
    learner's code (the name of their work folder). Both change a control and get
    a reply, and leaving the page stops each learner's kernel. The pool's policy
    (``scripts/hsl_server.py``, :class:`QuietPool`): the second learner gets a new
    kernel at once instead of waiting for the refill; a waiting kernel runs at lower
    CPU priority and gets the server's priority back when a learner takes it.
    """
    import psutil

    lesson = next(p for p in lt.harness.discover_lessons() if p.name.startswith("00"))
    server = lt.ClassServer(root=lt.REPO_ROOT / "lessons", class_dir=tmp_path / "class-work",
                            options={"preheat": ["00"], "pool_size": 1})
    server.start()
    sys.path.insert(0, str(lt.REPO_ROOT / "scripts"))
    import hsl_server

    waiting_nice = hsl_server.pool_nice()       # 10 where priorities can be restored, else 0
    try:
        pid = server.process.pid
        lt.harness.run_async(lt.wait_kernels(server, 1, 30))
        lt.harness.run_async(lt.wait_kernels_idle(server, 60))
        base = psutil.Process(pid).nice()          # the server's own priority
        (ready,) = server.kernel_pids()
        assert psutil.Process(ready).nice() == min(19, base + waiting_nice)   # a waiting kernel yields the CPU
        entry = lt.harness.run_async(lt.run_class(server, lesson, 2, interact=3.0, browsers=None,
                                         prefix="T"))
        assert entry["failures"] == [], entry["failures"]
        # One learner got the ready kernel; the other a new one at once (never a wait
        # for the pool's refill, which starts only once no page has opened for a while).
        assert server.log_path.read_text().count("Using pre-heated kernel") == 1
        assert entry["usable_s"]["n"] == 2 and entry["state_fallbacks"] == 0
        assert entry["reply_ms"]["n"] >= 2            # each learner changed a control
        assert entry["own_code_shown"] == 2           # each page shows its learner's own code
        assert entry["cpu_seconds_total"] > 0 and entry["memory"]["kernels"] >= 2
        assert "Using pre-heated kernel" in server.log_path.read_text()
        lt.harness.run_async(lt.wait_quiet(server, 20, 1))
        assert len(server.kernel_pids()) <= 1         # only the refilled pool is left
        lt.harness.run_async(lt.wait_kernels(server, 1, 60))
        lt.harness.run_async(lt.wait_kernels_idle(server, 60))
        (refilled,) = server.kernel_pids()
        assert psutil.Process(refilled).nice() == min(19, base + waiting_nice)

        async def take_it() -> None:               # a learner takes it: normal priority again
            import aiohttp

            async with aiohttp.ClientSession() as http:
                learner = lt.Learner(server, lesson.name, "T-LOAD-0009", http)
                await learner.open()
                assert psutil.Process(refilled).nice() == base
                await learner.close()

        lt.harness.run_async(take_it())
    finally:
        server.stop()
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
