"""Diplomacy, development, defence: a policy portfolio and its scorecard (lesson 06).

Pure functions behind :class:`widgets.PolicyPortfolio`. A learner splits a
foreign-policy budget across twelve instruments; a **transparent scoring
matrix** (instrument × outcome × horizon, a documented teaching assumption in
``assumptions/triad_matrix.yml``) turns the allocation into a scorecard with
state-security and human-security outcomes side by side; **coherence rules**
flag combinations that undercut each other.

>>> shares = normalise_allocation({"mediation": 1, "health_systems": 1, "deterrence": 2})
>>> shares["deterrence"]
0.5
>>> card = scorecard(shares)
>>> float(card.loc[("defence", "short"), "score"])
1.5
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from widgets.errors import LabInputError, did_you_mean

__all__ = [
    "coherence_flags",
    "compare_portfolios",
    "instrument_ids",
    "load_matrix",
    "matrix_table",
    "normalise_allocation",
    "pillar_totals",
    "scorecard",
]

_FILE = Path(__file__).resolve().parent / "assumptions" / "triad_matrix.yml"
_OPS = {">=": np.greater_equal, ">": np.greater, "<": np.less, "<=": np.less_equal}


@lru_cache(maxsize=1)
def _matrix() -> dict[str, Any]:
    with open(_FILE, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_matrix() -> dict[str, Any]:
    """The scoring matrix, outcomes, pillars and coherence rules (a copy you may edit).

    >>> m = load_matrix()
    >>> len(m["instruments"]), len(m["outcomes"])
    (12, 6)
    """
    return copy.deepcopy(_matrix())


def instrument_ids() -> list[str]:
    """The twelve instruments in display order (diplomacy, development, defence).

    >>> instrument_ids()[:2]
    ['mediation', 'humanitarian_diplomacy']
    """
    return list(_matrix()["instruments"])


def matrix_table(matrix: dict[str, Any] | None = None) -> pd.DataFrame:
    """The matrix in long form: ``instrument, pillar, outcome, kind, horizon, score``.

    >>> t = matrix_table()
    >>> len(t), sorted(t["horizon"].unique())
    (144, ['long', 'short'])
    """
    m = matrix or _matrix()
    rows = []
    for inst, spec in m["instruments"].items():
        for outcome, (short, long) in spec["scores"].items():
            for horizon, score in (("short", short), ("long", long)):
                rows.append({"instrument": inst, "pillar": spec["pillar"], "outcome": outcome,
                             "kind": m["outcomes"][outcome]["kind"], "horizon": horizon,
                             "score": float(score)})
    return pd.DataFrame(rows)


def normalise_allocation(allocation: dict[str, float]) -> dict[str, float]:
    """Budget amounts (any unit) → shares that sum to 1, for every instrument.

    Instruments not given get 0. Negative or non-numeric amounts and an
    all-zero budget are errors with a message that says what to do.

    >>> normalise_allocation({"mediation": 30, "deterrence": 10})["mediation"]
    0.75
    >>> normalise_allocation({})
    Traceback (most recent call last):
    ...
    widgets.errors.LabInputError: The budget is empty: give at least one instrument a share above zero.
    """
    ids = instrument_ids()
    out: dict[str, float] = {}
    for key, value in allocation.items():
        if key not in ids:
            raise LabInputError(f"There is no instrument called {key!r}.{did_you_mean(key, ids)}")
        try:
            v = float(value)
        except (TypeError, ValueError) as err:
            raise LabInputError(f"{value!r} for {key} is not an amount. Use a number.") from err
        if not np.isfinite(v) or v < 0:
            raise LabInputError(f"The amount for {key} must be zero or more, not {value!r}.")
        out[key] = v
    total = sum(out.values())
    if total <= 0:
        raise LabInputError("The budget is empty: give at least one instrument a share above zero.")
    return {k: out.get(k, 0.0) / total for k in ids}


def _score_array(m: dict[str, Any]) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """Scores as an (instruments × outcome-horizon cells) array, and the cell keys."""
    cells = [(o, h) for o in m["outcomes"] for h in ("short", "long")]
    arr = np.array([[float(spec["scores"][o][0 if h == "short" else 1]) for o, h in cells]
                    for spec in m["instruments"].values()])
    return arr, cells


@lru_cache(maxsize=1)
def _default_array() -> tuple[np.ndarray, tuple[tuple[str, str], ...]]:
    arr, cells = _score_array(_matrix())
    return arr, tuple(cells)


def scorecard(shares: dict[str, float], matrix: dict[str, Any] | None = None) -> pd.DataFrame:
    """Outcome scores: for each outcome and horizon, Σ share × score.

    ``shares`` should come from :func:`normalise_allocation`. The result is
    indexed by ``(outcome, horizon)`` with columns ``label, kind, score``;
    scores lie between the matrix's lowest and highest values.

    >>> card = scorecard(normalise_allocation({"health_systems": 1}))
    >>> float(card.loc[("want", "long"), "score"])
    3.0
    """
    m = matrix or _matrix()
    arr, cells = _default_array() if matrix is None else _score_array(m)
    w = np.array([shares.get(k, 0.0) for k in m["instruments"]])
    index = pd.MultiIndex.from_tuples(list(cells), names=["outcome", "horizon"])
    return pd.DataFrame({"label": [m["outcomes"][o]["label"] for o, _ in cells],
                         "kind": [m["outcomes"][o]["kind"] for o, _ in cells],
                         "score": w @ arr}, index=index)


def pillar_totals(shares: dict[str, float], matrix: dict[str, Any] | None = None
                  ) -> dict[str, float]:
    """Shares per pillar (diplomacy, development, defence).

    >>> pillar_totals(normalise_allocation({"mediation": 1, "deterrence": 3}))["defence"]
    0.75
    """
    m = matrix or _matrix()
    out = dict.fromkeys(m["pillars"], 0.0)
    for inst, spec in m["instruments"].items():
        out[spec["pillar"]] += shares.get(inst, 0.0)
    return out


def coherence_flags(shares: dict[str, float], matrix: dict[str, Any] | None = None
                    ) -> list[dict[str, str]]:
    """The coherence rules that fire for these shares (each: ``id, message, source``).

    >>> flags = coherence_flags(normalise_allocation({"peacekeeping": 1, "education": 1}))
    >>> [f["id"] for f in flags]
    ['peacekeeping_without_politics']
    """
    m = matrix or _matrix()
    pillars = pillar_totals(shares, m)
    fired = []
    for rule in m["coherence_rules"]:
        ok = True
        for cond in rule["when"]:
            if cond.get("max_single"):
                value = max(shares.values())
            elif "pillar" in cond:
                value = sum(pillars[p] for p in cond["pillar"])
            else:
                value = sum(shares.get(i, 0.0) for i in cond["sum"])
            ok &= bool(_OPS[cond["op"]](round(value, 12), cond["value"]))
        if ok:
            fired.append({"id": rule["id"], "message": rule["message"], "source": rule["source"]})
    return fired


def compare_portfolios(a: dict[str, float], b: dict[str, float],
                       matrix: dict[str, Any] | None = None) -> pd.DataFrame:
    """Scorecards of two portfolios side by side, with the difference B − A.

    >>> t = compare_portfolios(normalise_allocation({"deterrence": 1}),
    ...                        normalise_allocation({"mediation": 1}))
    >>> float(t.loc[("stability", "long"), "difference"])
    3.0
    """
    ca, cb = scorecard(a, matrix), scorecard(b, matrix)
    out = ca.rename(columns={"score": "A"})
    out["B"] = cb["score"]
    out["difference"] = out["B"] - out["A"]
    return out
