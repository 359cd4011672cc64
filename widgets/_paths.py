"""Where the lab's files live.

The package is installed in *editable* mode (``pip install -e .``), so the
repository root is the folder above this package. ``HSL_DATA_DIR`` overrides
the data folder (for example to try a rebuilt copy).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("HSL_DATA_DIR", REPO_ROOT / "datasets"))
LESSONS_DIR = REPO_ROOT / "lessons"
QUIZ_DIR = LESSONS_DIR / "quizzes"


def work_dir() -> Path:
    """Folder where a learner's saved work goes (``HSL_WORK_DIR`` or ``./my-work``)."""
    return Path(os.environ.get("HSL_WORK_DIR", Path.cwd() / "my-work"))
