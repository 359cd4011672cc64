"""Write environment.yml (Binder) from requirements.lock, the one list of pins.

Run after changing requirements.lock:  .venv/bin/python tools/sync_environment.py
tests/test_setup.py fails if the two disagree.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = """\
# Binder / conda environment for Human Security Lab. GENERATED from requirements.lock
# by tools/sync_environment.py - edit requirements.lock, not this file.
# Python and pip come from conda-forge; everything else from PyPI at exactly the
# versions `make lab` / `make test` install. postBuild installs the lab's package.
name: human-security-lab
channels:
  - conda-forge
dependencies:
  - python=3.11
  - pip
  - pip:
"""


def lock_pins(path: Path = ROOT / "requirements.lock") -> list[str]:
    """The ``name==version`` lines of the lock file, in file order."""
    return [ln.strip() for ln in path.read_text().splitlines()
            if ln.strip() and not ln.startswith("#") and "==" in ln]


def render() -> str:
    return HEADER + "".join(f"      - {pin}\n" for pin in lock_pins())


if __name__ == "__main__":
    (ROOT / "environment.yml").write_text(render())
    print(f"environment.yml written with {len(lock_pins())} pins")
