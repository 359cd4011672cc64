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
from widgets.i18n import _, format_number

__all__ = [
    "coherence_flags",
    "compare_portfolios",
    "instrument_ids",
    "load_matrix",
    "matrix_robustness",
    "matrix_table",
    "normalise_allocation",
    "pillar_totals",
    "scorecard",
    "spending_mix",
]

_FILE = Path(__file__).resolve().parent / "assumptions" / "triad_matrix.yml"
_OPS = {">=": np.greater_equal, ">": np.greater, "<": np.less, "<=": np.less_equal}


@lru_cache(maxsize=1)
def _matrix() -> dict[str, Any]:
    with open(_FILE, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _texts(m: dict[str, Any]) -> list[tuple[dict[str, Any], str, str]]:
    """Where the matrix holds words a reader sees: (the dict, its key, a note for translators).

    Labels, short names, pillars, horizons, the scale's words, each instrument's
    reasoning and each coherence rule's message. The rules' sources are
    citations and keep their original titles.
    """
    places: list[tuple[dict[str, Any], str, str]] = []
    places += [(m["scale"], k, "scale") for k in m["scale"]]
    places += [(m["horizons"], k, "horizon") for k in m["horizons"]]
    places += [(m["pillars"], k, "pillar") for k in m["pillars"]]
    for key, spec in m["outcomes"].items():
        places += [(spec, "label", f"outcome {key}"), (spec, "short", f"outcome {key} short")]
    for key, spec in m["instruments"].items():
        places += [(spec, "label", f"instrument {key}"), (spec, "reasoning", f"instrument {key}")]
    places += [(rule, "message", f"rule {rule['id']}") for rule in m["coherence_rules"]]
    return places


def matrix_texts() -> list[tuple[str, str]]:
    """The matrix's words for the translation catalogues: (English text, where).

    Used by ``scripts/i18n.py`` (``data_messages``); :func:`load_matrix` shows them
    in the reader's language.

    >>> ("Peacekeeping", "widgets/assumptions/triad_matrix.yml instrument peacekeeping") in matrix_texts()
    True
    """
    where = "widgets/assumptions/triad_matrix.yml"
    return [(str(d[k]), f"{where} {note}") for d, k, note in _texts(_matrix()) if d.get(k)]


def load_matrix() -> dict[str, Any]:
    """The scoring matrix, outcomes, pillars and coherence rules (a copy you may edit).

    Its words (labels, reasoning, rules' messages) are in the reader's language
    (:func:`widgets.i18n.get_language`); ids and scores are the same in every language.

    >>> m = load_matrix()
    >>> len(m["instruments"]), len(m["outcomes"])
    (12, 6)
    """
    m = copy.deepcopy(_matrix())
    for d, k, _note in _texts(m):
        if isinstance(d.get(k), str):
            d[k] = _(d[k])
    return m


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
            raise LabInputError(_("There is no instrument called {name}.").format(
                name=repr(key)) + did_you_mean(key, ids))
        try:
            v = float(value)
        except (TypeError, ValueError) as err:
            raise LabInputError(_("{value} for {instrument} is not an amount. Use a number.").format(
                value=repr(value), instrument=key)) from err
        if not np.isfinite(v) or v < 0:
            raise LabInputError(_("The amount for {instrument} must be zero or more, not "
                                  "{value}.").format(instrument=key, value=repr(value)))
        out[key] = v
    total = sum(out.values())
    if total <= 0:
        raise LabInputError(_("The budget is empty: give at least one instrument a share above "
                              "zero."))
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
    return pd.DataFrame({"label": [_(m["outcomes"][o]["label"]) for o, _h in cells],
                         "kind": [m["outcomes"][o]["kind"] for o, _h in cells],
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
            fired.append({"id": rule["id"], "message": _(rule["message"]),
                          "source": rule["source"]})
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


SPENDING_COLUMNS = ("milex_gdp", "health_spending_gdp", "edu_spending_gdp")


def spending_mix(rows: pd.DataFrame) -> pd.DataFrame:
    """Military, health and education spending side by side, and the military part of the three.

    ``rows`` has columns ``iso3, year, milex_gdp, health_spending_gdp,
    edu_spending_gdp`` (all % of GDP, as from :func:`widgets.data.load_panel`).
    Only country-years with all three figures are kept. Two columns are added:
    ``military_share``, military spending as a percentage of the three added
    together, and ``guns_per_butter``, military spending divided by health
    plus education spending (1.0 means as much on the military as on both).

    >>> rows = pd.DataFrame({"iso3": ["AAA", "AAA", "BBB"], "year": [2000, 2001, 2000],
    ...                      "milex_gdp": [2.0, 1.0, None], "health_spending_gdp": [5.0, 5.0, 6.0],
    ...                      "edu_spending_gdp": [3.0, 4.0, 4.0]})
    >>> mix = spending_mix(rows)
    >>> mix[["year", "military_share", "guns_per_butter"]].values.tolist()
    [[2000.0, 20.0, 0.25], [2001.0, 10.0, 0.1111111111111111]]
    """
    missing = [c for c in ("iso3", "year", *SPENDING_COLUMNS) if c not in rows.columns]
    if missing:
        raise LabInputError(_("The table needs the column(s) {columns}. Load them with "
                              "{code}.").format(columns=", ".join(missing), code=(
                                  'data.load_panel(["milex_gdp", "health_spending_gdp", '
                                  '"edu_spending_gdp"])')))
    out = rows.dropna(subset=list(SPENDING_COLUMNS)).copy()
    values = out[list(SPENDING_COLUMNS)].astype(float)
    if (values < 0).any().any():
        raise LabInputError(_("Spending shares cannot be negative: check the table."))
    total = values.sum(axis=1)
    out = out[total > 0]
    values = values[total > 0]
    out["military_share"] = 100 * values["milex_gdp"] / values.sum(axis=1)
    out["guns_per_butter"] = values["milex_gdp"] / (values["health_spending_gdp"]
                                                    + values["edu_spending_gdp"])
    return out.reset_index(drop=True)


def matrix_robustness(a: dict[str, float], b: dict[str, float], spread: int = 1,
                      draws: int = 1000, seed: int = 0,
                      matrix: dict[str, Any] | None = None) -> pd.DataFrame:
    """How often portfolio B still scores above A when the matrix's judgements are uncertain.

    Each draw moves every cell of the matrix by a whole number between
    ``-spread`` and ``+spread`` (each value equally likely), keeps it on the
    matrix's scale (−1 to 3) and scores both portfolios again. The result has
    one row per outcome and horizon, plus two summary rows (the averages of
    the state-security and of the human-security outcomes), with columns
    ``label, kind, horizon, difference`` (B − A with the matrix as written),
    ``b_ahead`` (share of draws, 0–1, in which B − A > 0) and ``same_sign``
    (share of draws in which B − A has the same sign as with the matrix as
    written; a zero counts as its own sign).

    >>> a = normalise_allocation({"deterrence": 1})
    >>> b = normalise_allocation({"mediation": 1})
    >>> r = matrix_robustness(a, b, spread=0)
    >>> float(r.loc[("stability", "long"), "b_ahead"]), float(r.loc[("defence", "short"), "b_ahead"])
    (1.0, 0.0)
    >>> float(matrix_robustness(a, b, spread=1).loc[("stability", "long"), "same_sign"])
    1.0
    """
    if isinstance(spread, bool) or not isinstance(spread, (int, np.integer)) or not 0 <= spread <= 4:
        raise LabInputError(_("The spread must be a whole number from 0 to 4, not {value}.").format(
            value=repr(spread)))
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or not 1 <= draws <= 20000:
        raise LabInputError(_("The number of draws must be a whole number from 1 to {most}, not "
                              "{value}.").format(most=format_number(20000), value=repr(draws)))
    m = matrix or _matrix()
    arr, cells = _score_array(m)
    ids = list(m["instruments"])
    wa = np.array([a.get(k, 0.0) for k in ids])
    wb = np.array([b.get(k, 0.0) for k in ids])
    lo, hi = min(m["scale"]), max(m["scale"])
    rng = np.random.default_rng(seed)
    noise = rng.integers(-spread, spread + 1, size=(draws, *arr.shape))
    perturbed = np.clip(arr[None, :, :] + noise, lo, hi)  # draws × instruments × cells
    diff_draws = np.einsum("i,dic->dc", wb - wa, perturbed)
    diff_base = (wb - wa) @ arr
    kinds = np.array([m["outcomes"][o]["kind"] for o, _h in cells])
    labels = [_(m["outcomes"][o]["label"]) for o, _h in cells]
    horizons = [h for _o, h in cells]
    index = list(cells)
    for kind, name in (("state", _("All state-security outcomes (average)")),
                       ("human", _("All human-security outcomes (average)"))):
        sel = kinds == kind
        diff_draws = np.column_stack([diff_draws, diff_draws[:, sel].mean(axis=1)])
        diff_base = np.append(diff_base, diff_base[sel].mean())
        kinds = np.append(kinds, kind)
        labels.append(name)
        horizons.append("both")
        index.append((f"{kind}_average", "both"))
    base = np.round(diff_base, 12)
    drawn = np.round(diff_draws, 12)
    return pd.DataFrame(
        {"label": labels, "kind": kinds, "horizon": horizons, "difference": diff_base,
         "b_ahead": (drawn > 0).mean(axis=0),
         "same_sign": (np.sign(drawn) == np.sign(base)[None, :]).mean(axis=0)},
        index=pd.MultiIndex.from_tuples(index, names=["outcome", "horizon_key"]))
