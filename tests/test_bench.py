"""The benchmark's bookkeeping (``benchmarks/bench.py``): where results go and how they read.

The measuring itself needs a browser and is run by ``make bench``, not by the tests.
"""

import importlib.util
import time
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("hsl_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _data(**extra) -> dict:
    machine = {"cpu": "test CPU", "cores": 2, "ram_gb": 1.0, "os": "test OS", "python": "3",
               "chromium": "1", "packages": {}, "load_average_at_start": [0, 0, 0]}
    entry = {"lesson": "00-start-here.ipynb", "measured": "2026-01-01 00:00 UTC",
             "load_average": [1, 1, 1], "app_load_seconds": 8.0,
             "widgets": [{"label": "Year", "kind": "slider", "n": 20, "misses": 0,
                          "median_ms": 20.0, "p95_ms": 120.0, "max_ms": 130.0}]}
    entry.update(extra.pop("entry", {}))
    return {"date": "2026-01-01 00:00 UTC", "reps": 20, "machine": machine,
            "lessons": [], "latency": [entry], **extra}


def test_a_named_run_writes_beside_the_main_results(bench):
    assert [p.name for p in bench.out_paths()] == ["results.json", "RESULTS.md"]
    assert [p.name for p in bench.out_paths("busy")] == ["results-busy.json", "RESULTS-busy.md"]


def test_the_report_flags_a_control_over_target(bench):
    text = bench.write_markdown(_data())
    assert "| 00-start-here.ipynb | 8.0 | Year | slider | 20 | 20.0 | 120.0 | **no** |" in text
    assert "Headroom check" not in text


def test_a_busy_core_run_says_so_in_the_header_and_on_each_lesson(bench):
    text = bench.write_markdown(_data(busy_cores=1, entry={"busy_cores": 1}))
    assert "**Headroom check:** 1 core(s) kept busy" in text
    assert "load average [1, 1, 1], 1 core(s) kept busy by another program" in text


def test_busy_cores_start_loops_and_stop_them(bench):
    with bench.BusyCores(1) as busy:
        time.sleep(0.3)
        (proc,) = busy.procs
        assert proc.is_alive()
    assert not proc.is_alive()
    with bench.BusyCores(0) as idle:
        assert idle.procs == []


def test_the_run_time_table_is_shown_only_when_lessons_were_run(bench):
    assert "## Lessons: headless run time" not in bench.write_markdown(_data())
    run = {"lesson": "00-start-here.ipynb", "run_seconds": 1.4, "kernel_cpu_seconds": 1.1,
           "peak_memory_mb": 157.0, "error": None}
    text = bench.write_markdown({**_data(), "lessons": [run]})
    assert "| 00-start-here.ipynb | 1.4 | 1.1 | 157.0 | yes |" in text
