"""The kernel hands freed memory back after each cell (widgets/_memory.py, issue #16)."""

from __future__ import annotations

import sys

import pytest

from widgets import _memory


class _Events:
    def __init__(self) -> None:
        self.callbacks: dict[str, list] = {"post_run_cell": []}

    def register(self, event: str, fn) -> None:
        self.callbacks[event].append(fn)


class _Shell:
    def __init__(self) -> None:
        self.events = _Events()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim is Linux's")
def test_freed_memory_goes_back_to_the_system_on_linux():
    assert _memory.release_free_memory() is True


def test_the_hook_is_registered_once_per_kernel():
    shell = _Shell()
    registered = _memory.trim_after_each_cell(shell)
    _memory.trim_after_each_cell(shell)
    expected = 1 if _memory._malloc_trim() is not None else 0
    assert registered is (expected == 1)
    assert shell.events.callbacks["post_run_cell"] == [_memory._after_cell] * expected
    for callback in shell.events.callbacks["post_run_cell"]:
        callback(object())  # IPython passes the cell's result


def test_outside_a_kernel_nothing_is_registered():
    assert _memory.trim_after_each_cell(None) is False


def test_without_glibc_nothing_happens(monkeypatch):
    monkeypatch.setattr(_memory, "_malloc_trim", lambda: None)
    shell = _Shell()
    assert _memory.release_free_memory() is False
    assert _memory.trim_after_each_cell(shell) is False
    assert shell.events.callbacks["post_run_cell"] == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim is Linux's")
def test_a_lesson_kernel_trims_after_its_cells():
    """In a real kernel, ``import widgets`` (every lesson's first cell) installs the hook."""
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    try:
        lines: list[str] = []
        reply = kc.execute_interactive(
            "import widgets\nfrom widgets import _memory\n"
            "print(get_ipython().events.callbacks['post_run_cell'].count(_memory._after_cell))",
            timeout=120, output_hook=lambda m: lines.append(m["content"].get("text", "")))
        assert reply["content"]["status"] == "ok"
        assert "".join(lines).strip() == "1"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
