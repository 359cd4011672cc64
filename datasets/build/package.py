"""Generate ``datapackage.json`` (placeholder, completed below)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def build_descriptor(out: Path, paths: dict[str, Path], indicators: pd.DataFrame) -> dict:
    """Return a minimal descriptor (to be completed)."""
    return {"name": "human-security-lab", "resources": []}
