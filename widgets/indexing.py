"""Building a composite index, step by step (lesson 03).

The steps follow the OECD/JRC *Handbook on Constructing Composite Indicators*
(2008): select indicators, treat missing data, normalise, weight, aggregate,
and test how sensitive the result is to those choices. Every step is a small
pure function on a table with one row per country (index ``iso3``) and one
column per indicator, so a learner can run each step alone:

>>> import pandas as pd
>>> raw = pd.DataFrame({"life": [50.0, 70.0, 85.0], "deaths": [90.0, 30.0, 5.0]},
...                    index=pd.Index(["AAA", "BBB", "CCC"], name="iso3"))
>>> norm = normalise(raw, "min_max", {"life": "higher_is_better",
...                                   "deaths": "higher_is_worse"})
>>> scores = aggregate(norm, {"life": 0.5, "deaths": 0.5}, "arithmetic")
>>> rank_scores(scores).to_dict()
{'AAA': 3, 'BBB': 2, 'CCC': 1}

Conventions: after :func:`normalise`, **higher always means better** for the
people concerned (indicators where higher is worse are flipped), so the index
reads like the Human Development Index: a higher score is a better situation.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from widgets.errors import LabInputError, check_real_number, check_whole_number
from widgets.i18n import N_, _

__all__ = [
    "AGGREGATIONS",
    "GOALPOSTS",
    "HDI_GOALPOSTS",
    "NORMALISATIONS",
    "WEIGHT_PRESETS",
    "Goalpost",
    "aggregate",
    "apply_coverage",
    "combine_weights",
    "hdi_from_components",
    "indicator_matrix",
    "latest_in_window",
    "monte_carlo_ranks",
    "normalise",
    "normalise_goalposts",
    "normalise_min_max",
    "PanelCube",
    "panel_cube",
    "normalise_rank",
    "normalise_weights",
    "normalise_z_score",
    "preset_weights",
    "rank_correlation",
    "rank_scores",
    "rank_shift",
    "rank_values",
]

#: Normalisation methods: id -> label shown on screen (English; show it with ``_(label)``).
NORMALISATIONS: dict[str, str] = {
    "min_max": N_("Min–max (worst country = 0, best = 1)"),
    "z_score": N_("z-score (distance from the average, in standard deviations)"),
    "goalposts": N_("Fixed goalposts (as in the HDI)"),
    "rank": N_("Rank / percentile (0 = last, 1 = first)"),
}

#: Aggregation methods: id -> label shown on screen (English; show it with ``_(label)``).
AGGREGATIONS: dict[str, str] = {
    "arithmetic": N_("Arithmetic mean (good scores make up for bad ones)"),
    "geometric": N_("Geometric mean (a bad score is hard to make up for)"),
}

#: Weight presets: id -> label shown on screen (English; show it with ``_(label)``).
WEIGHT_PRESETS: dict[str, str] = {
    "equal": N_("Equal weight for every indicator"),
    "hdi_like": N_("HDI-like: equal weight for every dimension, shared within it"),
    "own": N_("My own weights (use the sliders)"),
}


@dataclass(frozen=True)
class Goalpost:
    """Fixed minimum and maximum used to rescale an indicator to 0–1.

    ``log=True`` rescales the logarithm (as the HDI does for income, because
    an extra dollar matters less the richer people are). ``source`` says who
    chose the values: UNDP for the HDI components, the lab for the others
    (English, marked for the catalogue: show it with ``_(goalpost.source)``).
    """

    low: float
    high: float
    log: bool = False
    source: str = N_("teaching choice of the lab")


#: The HDI's own goalposts (UNDP, HDR 2023/24 Technical notes).
HDI_GOALPOSTS: dict[str, Goalpost] = {
    "life_expectancy": Goalpost(20, 85, source=N_("UNDP HDI (HDR 2023/24)")),
    "expected_schooling": Goalpost(0, 18, source=N_("UNDP HDI (HDR 2023/24)")),
    "mean_schooling": Goalpost(0, 15, source=N_("UNDP HDI (HDR 2023/24)")),
    "gni_pc": Goalpost(100, 75_000, log=True, source=N_("UNDP HDI (HDR 2023/24)")),
}

#: Goalposts for every indicator the index builder offers. The HDI's come from
#: UNDP; the rest are the lab's **teaching choices**: a natural zero or 100 %
#: where one exists, otherwise a round value beyond most countries, so that a
#: learner can discuss them. Values outside the goalposts are clipped to 0 or 1.
GOALPOSTS: dict[str, Goalpost] = {
    **HDI_GOALPOSTS,
    "life_expectancy_f": Goalpost(22.5, 87.5, source=N_("UNDP GDI (HDR 2023/24)")),
    "life_expectancy_m": Goalpost(17.5, 82.5, source=N_("UNDP GDI (HDR 2023/24)")),
    "mean_schooling_f": Goalpost(0, 15, source=N_("UNDP GDI (HDR 2023/24)")),
    "mean_schooling_m": Goalpost(0, 15, source=N_("UNDP GDI (HDR 2023/24)")),
    "gdp_pc": Goalpost(100, 75_000, log=True),
    "extreme_poverty": Goalpost(0, 100),
    "unemployment": Goalpost(0, 30),
    "gini": Goalpost(20, 70),
    "edu_spending_gdp": Goalpost(0, 8),
    "edu_spending_govt": Goalpost(0, 25),
    "labour_part_f": Goalpost(0, 100),
    "undernourishment": Goalpost(0, 60),
    "food_insecurity": Goalpost(0, 100),
    "food_insecurity_severe": Goalpost(0, 100),
    "under5_mortality": Goalpost(0, 200),
    "maternal_mortality": Goalpost(1, 1_000, log=True),
    "health_spending_gdp": Goalpost(0, 15),
    "water_basic": Goalpost(0, 100),
    "sanitation_basic": Goalpost(0, 100),
    "co2_pc": Goalpost(0, 20),
    "homicide_rate": Goalpost(0, 40),
    "battle_deaths_per_100k": Goalpost(0, 100),
    "refugees_origin_per_1000": Goalpost(0, 300),
    "idps_per_1000": Goalpost(0, 300),
    "gender_inequality": Goalpost(0, 1),
    "wgi_voice": Goalpost(-2.5, 2.5, source=N_("range of the WGI estimates")),
    "wgi_stability": Goalpost(-2.5, 2.5, source=N_("range of the WGI estimates")),
    "wgi_rule_of_law": Goalpost(-2.5, 2.5, source=N_("range of the WGI estimates")),
    "wgi_gov_effectiveness": Goalpost(-2.5, 2.5, source=N_("range of the WGI estimates")),
    "democracy_index": Goalpost(0, 1, source=N_("range of the V-Dem index")),
}


# --------------------------------------------------------------------------- data
def indicator_matrix(
    panel: pd.DataFrame, indicators: Sequence[str], year: int, max_age: int = 0
) -> pd.DataFrame:
    """One row per country, one column per indicator: each country's value in ``year``.

    With ``max_age`` > 0 a missing value is filled with the country's latest
    value from the ``max_age`` years before (a common, visible imputation:
    "use the latest available year within N years").

    Parameters
    ----------
    panel : long table with columns ``iso3``, ``year`` and the indicators.
    indicators : the indicator columns to use.
    year : the reference year.
    max_age : how many years back a value may come from (0 = only ``year``).

    >>> panel = pd.DataFrame({"iso3": ["A", "A", "B"], "year": [2020, 2022, 2021],
    ...                       "x": [1.0, None, 5.0]})
    >>> indicator_matrix(panel, ["x"], 2022, max_age=2)["x"].to_dict()
    {'A': 1.0, 'B': 5.0}
    >>> indicator_matrix(panel, ["x"], 2022)["x"].isna().all()
    np.True_
    """
    if not indicators:
        raise LabInputError(_("Choose at least one indicator for the index."))
    if max_age < 0:
        raise LabInputError(_("The number of years to look back cannot be negative."))
    missing = [i for i in indicators if i not in panel.columns]
    if missing:
        raise LabInputError(_("The data have no column {column}.").format(column=repr(missing[0])))
    return latest_in_window(panel_cube(panel, indicators), year, max_age)


@dataclass(frozen=True)
class PanelCube:
    """The panel as one array: ``values[country, year, indicator]`` (NaN = missing)."""

    countries: pd.Index
    years: np.ndarray
    indicators: list[str]
    values: np.ndarray


def panel_cube(panel: pd.DataFrame, indicators: Sequence[str]) -> PanelCube:
    """Lay the long panel out as a country × year × indicator array, once.

    A widget keeps the cube and asks :func:`latest_in_window` for each year,
    instead of filtering and grouping the panel again.

    >>> panel = pd.DataFrame({"iso3": ["B", "A"], "year": [2021, 2020], "x": [5.0, 1.0]})
    >>> cube = panel_cube(panel, ["x"])
    >>> list(cube.countries), cube.years.tolist(), cube.values.shape
    (['A', 'B'], [2020, 2021], (2, 2, 1))
    """
    indicators = list(indicators)
    countries = pd.Index(sorted(panel["iso3"].unique()), name="iso3")
    years = np.array(sorted(panel["year"].unique()), dtype=int)
    values = np.full((len(countries), len(years), len(indicators)), np.nan)
    rows = countries.get_indexer(panel["iso3"])
    cols = np.searchsorted(years, panel["year"].to_numpy(dtype=int))
    values[rows, cols, :] = panel[indicators].to_numpy(dtype=float)
    return PanelCube(countries, years, indicators, values)


def latest_in_window(cube: PanelCube, year: int, max_age: int = 0) -> pd.DataFrame:
    """Each country's latest value per indicator from ``year - max_age`` to ``year``.

    The result of :func:`indicator_matrix`, from a :func:`panel_cube`.

    >>> panel = pd.DataFrame({"iso3": ["A", "A", "B"], "year": [2020, 2022, 2021],
    ...                       "x": [1.0, None, 5.0]})
    >>> latest_in_window(panel_cube(panel, ["x"]), 2022, 2)["x"].to_dict()
    {'A': 1.0, 'B': 5.0}
    """
    out = np.full((len(cube.countries), len(cube.indicators)), np.nan)
    in_window = (cube.years <= year) & (cube.years >= year - max_age)
    for k in np.flatnonzero(in_window):  # oldest first: a later value replaces an earlier one
        layer = cube.values[:, k, :]
        out = np.where(np.isnan(layer), out, layer)
    return pd.DataFrame(out, index=cube.countries.copy(), columns=list(cube.indicators))


def apply_coverage(matrix: pd.DataFrame, min_coverage: float = 1.0) -> pd.DataFrame:
    """Keep the countries that have data for at least ``min_coverage`` of the indicators.

    ``min_coverage=1`` keeps only complete rows; ``0.5`` keeps countries with
    at least half the indicators (their index is then averaged over the
    indicators they have, with the weights re-scaled — see :func:`aggregate`).

    >>> m = pd.DataFrame({"x": [1.0, None, None], "y": [2.0, 3.0, None]}, index=["A", "B", "C"])
    >>> apply_coverage(m, 1.0).index.tolist()
    ['A']
    >>> apply_coverage(m, 0.5).index.tolist()
    ['A', 'B']
    """
    if not 0 < min_coverage <= 1:
        raise LabInputError(_("The coverage threshold must be above 0 % and at most 100 %."))
    share = matrix.notna().mean(axis=1)
    kept = matrix[share >= min_coverage - 1e-12]
    if kept.empty:
        raise LabInputError(_(
            "No country has enough data for these indicators. Lower the coverage "
            "threshold, look further back for missing values, or drop an indicator "
            "with little data."
        ))
    return kept


# --------------------------------------------------------------------------- normalise
def normalise_min_max(df: pd.DataFrame) -> pd.DataFrame:
    """Rescale each column to 0–1: the lowest country gets 0, the highest 1.

    A column where every country has the same value carries no information
    and is set to 0.5.

    >>> normalise_min_max(pd.DataFrame({"x": [2.0, 4.0, 6.0]}))["x"].tolist()
    [0.0, 0.5, 1.0]
    """
    x = df.to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-missing columns stay NaN
        lo, hi = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
        span = hi - lo
        out = np.where(span > 0, (x - lo) / np.where(span > 0, span, 1), 0.5)
    out[np.isnan(x)] = np.nan
    return pd.DataFrame(out, index=df.index, columns=df.columns)


def normalise_z_score(df: pd.DataFrame) -> pd.DataFrame:
    """Standardise each column: (value − mean) / standard deviation.

    The result is centred on 0 and is *not* bounded; it can be negative, so it
    cannot feed a geometric mean.

    >>> normalise_z_score(pd.DataFrame({"x": [1.0, 2.0, 3.0]}))["x"].round(3).tolist()
    [-1.225, 0.0, 1.225]
    """
    x = df.to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-missing columns stay NaN
        mean, sd = np.nanmean(x, axis=0), np.nanstd(x, axis=0)
        out = np.where(sd > 0, (x - mean) / np.where(sd > 0, sd, 1), 0.0)
    out[np.isnan(x)] = np.nan
    return pd.DataFrame(out, index=df.index, columns=df.columns)


def normalise_goalposts(
    df: pd.DataFrame, goalposts: Mapping[str, Goalpost] | None = None
) -> pd.DataFrame:
    """Rescale each column between fixed goalposts, clipped to 0–1.

    ``(value − low) / (high − low)``, on logarithms when the goalpost says so.
    Unlike min–max, the result does not depend on which countries are in the
    table, so scores can be compared across years.

    >>> df = pd.DataFrame({"life_expectancy": [20.0, 52.5, 90.0]})
    >>> normalise_goalposts(df)["life_expectancy"].tolist()
    [0.0, 0.5, 1.0]
    """
    goalposts = GOALPOSTS if goalposts is None else goalposts
    for col in df.columns:
        if col not in goalposts:
            raise LabInputError(_(
                "The lab has no goalposts for {indicator}. Choose another normalisation "
                "or drop this indicator."
            ).format(indicator=repr(col)))
    posts = [goalposts[col] for col in df.columns]
    lo = np.array([g.low for g in posts], dtype=float)
    hi = np.array([g.high for g in posts], dtype=float)
    log = np.array([g.log for g in posts], dtype=bool)
    x = df.to_numpy(dtype=float, copy=True)
    if log.any():  # all columns at once; NaN stays NaN
        x[:, log] = np.log(np.fmax(x[:, log], lo[log]))
        lo[log], hi[log] = np.log(lo[log]), np.log(hi[log])
    return pd.DataFrame(np.clip((x - lo) / (hi - lo), 0, 1), index=df.index,
                        columns=df.columns)


def normalise_rank(df: pd.DataFrame) -> pd.DataFrame:
    """Percentile rank of each country per column: 0 = lowest value, 1 = highest.

    Ties share the average rank. Only the order matters, so outliers lose
    their pull — and so does the size of gaps between countries.

    >>> normalise_rank(pd.DataFrame({"x": [10.0, 1000.0, 20.0]}))["x"].tolist()
    [0.0, 1.0, 0.5]
    """
    ranks = df.rank(method="average")
    n = df.notna().sum()
    return (ranks - 1) / (n - 1).replace(0, np.nan)


def normalise(
    df: pd.DataFrame,
    method: str,
    directions: Mapping[str, str],
    goalposts: Mapping[str, Goalpost] | None = None,
) -> pd.DataFrame:
    """Normalise every column with ``method`` and orient it so higher = better.

    ``directions`` gives the catalogue's direction per column. Columns where
    higher is worse are flipped (``1 − x``, or ``−z`` for z-scores); neutral
    indicators have no better or worse and are refused.

    >>> df = pd.DataFrame({"deaths": [0.0, 50.0, 100.0]})
    >>> normalise(df, "min_max", {"deaths": "higher_is_worse"})["deaths"].tolist()
    [1.0, 0.5, 0.0]
    """
    funcs = {
        "min_max": normalise_min_max,
        "z_score": normalise_z_score,
        "rank": normalise_rank,
        "goalposts": lambda d: normalise_goalposts(d, goalposts),
    }
    if method not in funcs:
        raise LabInputError(_(
            "{method} is not a normalisation. Choose one of: {methods}."
        ).format(method=repr(method), methods=", ".join(funcs)))
    if df.shape[1] == 0:
        raise LabInputError(_("Choose at least one indicator for the index."))
    for col in df.columns:
        direction = directions.get(col)
        if direction not in ("higher_is_better", "higher_is_worse"):
            raise LabInputError(_(
                "{indicator} is neutral: a higher value is neither better nor worse, so it "
                "cannot go into an index as it is. Leave it out."
            ).format(indicator=repr(col)))
    out = funcs[method](df)[list(df.columns)]
    worse = np.array([directions[col] == "higher_is_worse" for col in df.columns])
    if not worse.any():
        return out
    values = out.to_numpy(dtype=float, copy=True)
    values[:, worse] = -values[:, worse] if method == "z_score" else 1 - values[:, worse]
    return pd.DataFrame(values, index=out.index, columns=out.columns)


# --------------------------------------------------------------------------- weights
def normalise_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Scale weights so they add up to 1.

    >>> normalise_weights({"a": 2, "b": 1, "c": 1})
    {'a': 0.5, 'b': 0.25, 'c': 0.25}
    >>> normalise_weights({"a": 0, "b": 0})
    Traceback (most recent call last):
    ...
    widgets.errors.LabInputError: All weights are zero. Give at least one indicator a weight above zero.
    """
    if not weights:
        raise LabInputError(_("Choose at least one indicator for the index."))
    values = {k: float(v) for k, v in weights.items()}
    if any(not np.isfinite(v) or v < 0 for v in values.values()):
        raise LabInputError(_("Weights must be numbers of zero or more."))
    total = sum(values.values())
    if total <= 0:
        raise LabInputError(_(
            "All weights are zero. Give at least one indicator a weight above zero."
        ))
    return {k: v / total for k, v in values.items()}


def combine_weights(
    indicator_weights: Mapping[str, float],
    dimension_of: Mapping[str, str],
    dimension_weights: Mapping[str, float],
) -> dict[str, float]:
    """Final weight per indicator from weights within and across dimensions.

    Each dimension's weight is shared among its indicators in proportion to
    their own weights; the result sums to 1. A dimension whose indicators all
    have weight 0 drops out and the others are re-scaled.

    >>> combine_weights({"le": 1, "eys": 1, "mys": 1},
    ...                 {"le": "health", "eys": "edu", "mys": "edu"},
    ...                 {"health": 1, "edu": 1})
    {'le': 0.5, 'eys': 0.25, 'mys': 0.25}
    """
    iw = normalise_weights(indicator_weights)
    dims = {dimension_of[i] for i in iw}
    within_total = {d: sum(w for i, w in iw.items() if dimension_of[i] == d) for d in dims}
    active = {d: float(dimension_weights.get(d, 0.0)) for d in dims if within_total[d] > 0}
    dw = normalise_weights(active) if any(v > 0 for v in active.values()) else None
    if dw is None:
        raise LabInputError(_(
            "All dimension weights are zero. Give at least one dimension a weight above zero."
        ))
    out = {}
    for ind, w in iw.items():
        d = dimension_of[ind]
        out[ind] = dw.get(d, 0.0) * w / within_total[d] if within_total[d] > 0 else 0.0
    return normalise_weights(out)


def preset_weights(
    indicators: Sequence[str], dimension_of: Mapping[str, str], preset: str
) -> tuple[dict[str, float], dict[str, float]]:
    """Slider values (indicator weights, dimension weights) for a preset.

    ``"equal"``: every indicator counts the same (so a dimension with more
    indicators counts more). ``"hdi_like"``: every dimension counts the same
    and shares its weight equally among its indicators, as the HDI gives a
    third to health, education and income.

    >>> iw, dw = preset_weights(["le", "eys", "mys"],
    ...                         {"le": "health", "eys": "edu", "mys": "edu"}, "hdi_like")
    >>> combine_weights(iw, {"le": "health", "eys": "edu", "mys": "edu"}, dw)["le"]
    0.5
    """
    if preset not in ("equal", "hdi_like"):
        raise LabInputError(_("Presets are 'equal' and 'hdi_like'."))
    iw = {i: 1.0 for i in indicators}
    dims = [dimension_of[i] for i in indicators]
    if preset == "equal":
        dw = {d: float(dims.count(d)) for d in dict.fromkeys(dims)}
    else:
        dw = {d: 1.0 for d in dict.fromkeys(dims)}
    return iw, dw


# --------------------------------------------------------------------------- aggregate
def aggregate(
    norm: pd.DataFrame,
    weights: Mapping[str, float],
    method: str = "arithmetic",
    epsilon: float = 0.01,
) -> pd.Series:
    """Combine normalised indicators into one score per country.

    * ``arithmetic``: Σ wᵢ xᵢ — a weak score can be offset by a strong one.
    * ``geometric``: Π xᵢ^wᵢ — offsetting is limited. A zero would make the
      whole product zero, so values below ``epsilon`` are raised to
      ``epsilon`` first (the widget states this on screen).

    A country missing some indicators is scored on those it has, with its
    weights re-scaled to sum to 1.

    >>> norm = pd.DataFrame({"a": [1.0, 0.0], "b": [0.0, 0.5]}, index=["X", "Y"])
    >>> aggregate(norm, {"a": 0.5, "b": 0.5}).tolist()
    [0.5, 0.25]
    >>> aggregate(norm, {"a": 0.5, "b": 0.5}, "geometric").round(3).tolist()
    [0.1, 0.071]
    """
    if method not in AGGREGATIONS:
        raise LabInputError(_("{method} is not an aggregation. Choose arithmetic or "
                              "geometric.").format(method=repr(method)))
    w = normalise_weights({k: weights.get(k, 0.0) for k in norm.columns})
    values = norm.to_numpy(dtype=float)
    wv = np.array([w[c] for c in norm.columns])
    scores = _aggregate_array(values, wv[:, None], method, epsilon)[:, 0]
    return pd.Series(scores, index=norm.index, name="score")


def _aggregate_array(
    values: np.ndarray, weights: np.ndarray, method: str, epsilon: float
) -> np.ndarray:
    """Vectorised core: ``values`` (countries × indicators), ``weights`` (indicators × draws)."""
    present = ~np.isnan(values)
    den = present.astype(float) @ weights
    if method == "geometric":
        if np.nanmin(values, initial=np.inf) < 0:
            raise LabInputError(_(
                "The geometric mean needs values of zero or more, but z-scores can be "
                "negative. Use another normalisation, or the arithmetic mean."
            ))
        logs = np.where(present, np.log(np.maximum(np.nan_to_num(values), epsilon)), 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.exp((logs @ weights) / den)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (np.where(present, values, 0.0) @ weights) / den


def rank_scores(scores: pd.Series) -> pd.Series:
    """Rank countries: 1 = highest score; ties share the best rank.

    >>> rank_scores(pd.Series({"A": 0.2, "B": 0.9, "C": 0.2})).to_dict()
    {'A': 2, 'B': 1, 'C': 2}
    """
    return scores.rank(ascending=False, method="min").astype("Int64")


def rank_values(scores: np.ndarray) -> np.ndarray:
    """Numpy version of :func:`rank_scores` (fast, for widgets): NaN stays NaN.

    >>> rank_values(np.array([0.2, 0.9, np.nan, 0.2])).tolist()
    [2.0, 1.0, nan, 2.0]
    """
    s = np.asarray(scores, dtype=float)
    valid = ~np.isnan(s)
    filled = np.where(valid, s, -np.inf)
    ranks = (filled[None, :] > filled[:, None]).sum(axis=1) + 1.0
    return np.where(valid, ranks, np.nan)


def rank_shift(scores: pd.Series, reference: pd.Series) -> pd.DataFrame:
    """How each country's rank moves between a ``reference`` index and ``scores``.

    ``shift`` > 0 means the country moves *up* (to a better rank) in ``scores``.

    >>> a = pd.Series({"A": 0.9, "B": 0.5, "C": 0.1})
    >>> b = pd.Series({"A": 0.4, "B": 0.6, "C": 0.1})
    >>> rank_shift(b, a)["shift"].to_dict()
    {'A': -1, 'B': 1, 'C': 0}
    """
    both = pd.DataFrame({"score": scores, "reference": reference}).dropna()
    rank = rank_scores(both["score"])
    ref = rank_scores(both["reference"])
    return pd.DataFrame(
        {"rank": rank, "reference_rank": ref, "shift": (ref - rank).astype("Int64")},
        index=both.index,
    )


def rank_correlation(a: pd.Series, b: pd.Series) -> float:
    """Spearman rank correlation of two scores over countries that have both.

    1 means the two give exactly the same order.

    >>> rank_correlation(pd.Series([1, 2, 3]), pd.Series([10, 30, 20]))
    0.5
    """
    both = pd.DataFrame({"a": a, "b": b}).dropna()
    if len(both) < 3:
        raise LabInputError(_("Too few countries have both values to compare the rankings."))
    return float(both["a"].rank().corr(both["b"].rank()))


# --------------------------------------------------------------------------- uncertainty
#: The most Monte Carlo draws a learner may ask for (10,000 take ~1 s for every country).
MAX_DRAWS = 10_000


def monte_carlo_ranks(
    matrices: Mapping[str, pd.DataFrame],
    weights: Mapping[str, float],
    aggregation: str = "arithmetic",
    n_draws: int = 1000,
    concentration: float = 50.0,
    seed: int = 0,
    epsilon: float = 0.01,
    interval: float = 0.9,
) -> pd.DataFrame:
    """How stable is each country's rank when the choices change a little?

    Each draw picks one of the normalised ``matrices`` (the chosen
    normalisation and its alternatives, same countries and indicators) at
    random and draws weights from a Dirichlet distribution centred on
    ``weights``: ``Dirichlet(concentration × w)``. A higher ``concentration``
    keeps the draws closer to the chosen weights. Seeded: the same inputs
    give the same result.

    Returns one row per country: the median rank and the ``interval`` (e.g. 90 %)
    range of ranks over the draws.

    >>> norm = pd.DataFrame({"a": [1.0, 0.6, 0.0], "b": [0.0, 0.5, 1.0]},
    ...                     index=pd.Index(["X", "Y", "Z"], name="iso3"))
    >>> mc = monte_carlo_ranks({"min_max": norm}, {"a": 0.5, "b": 0.5}, n_draws=200)
    >>> mc.loc["Y", ["rank_low", "rank_high"]].tolist()
    [1.0, 2.0]
    """
    if not matrices:
        raise LabInputError(_("Give at least one normalised table."))
    n_draws = check_whole_number(n_draws, _("draws"), 1, MAX_DRAWS)
    seed = check_whole_number(seed, _("seed"), 0, 2**32 - 1)
    concentration = check_real_number(concentration, _("concentration"), 1e-6, 1e12)
    first = next(iter(matrices.values()))
    cols = [c for c in first.columns if weights.get(c, 0) > 0]
    w = normalise_weights({c: weights.get(c, 0.0) for c in cols})
    rng = np.random.default_rng(seed)
    alpha = np.array([w[c] for c in cols]) * concentration
    draws = rng.dirichlet(alpha, size=n_draws).T  # indicators × draws
    names = list(matrices)
    choice = rng.integers(0, len(names), size=n_draws)
    n = len(first.index)
    scores = np.empty((n, n_draws))
    for k, name in enumerate(names):
        idx = np.flatnonzero(choice == k)
        if idx.size == 0:
            continue
        m = matrices[name]
        if list(m.index) != list(first.index):
            raise LabInputError(_("All normalised tables must cover the same countries."))
        scores[:, idx] = _aggregate_array(
            m[cols].to_numpy(dtype=float), draws[:, idx], aggregation, epsilon
        )
    ranks = _rank_columns(scores)
    lo_q, hi_q = (1 - interval) / 2, 1 - (1 - interval) / 2
    return pd.DataFrame(
        {
            "median_rank": np.nanmedian(ranks, axis=1),
            "rank_low": np.nanquantile(ranks, lo_q, axis=1, method="nearest"),
            "rank_high": np.nanquantile(ranks, hi_q, axis=1, method="nearest"),
        },
        index=first.index,
    )


def _rank_columns(scores: np.ndarray) -> np.ndarray:
    """Rank each column (draw): 1 = highest score; NaN scores get NaN ranks."""
    filled = np.where(np.isnan(scores), -np.inf, scores)
    order = np.argsort(-filled, axis=0, kind="stable")
    ranks = np.empty_like(order, dtype=float)
    rows = np.arange(scores.shape[0])[:, None]
    ranks[order, np.arange(scores.shape[1])[None, :]] = rows + 1
    ranks[np.isnan(scores)] = np.nan
    return ranks


# --------------------------------------------------------------------------- the HDI
def hdi_from_components(
    life_expectancy,
    expected_schooling,
    mean_schooling,
    gni_pc,
):
    """The Human Development Index rebuilt from its four components (HDR 2023/24 method).

    * health index = (life expectancy − 20) / (85 − 20)
    * education index = mean of expected schooling / 18 and mean schooling / 15
    * income index = (ln GNI per person − ln 100) / (ln 75,000 − ln 100)
    * HDI = geometric mean of the three: (health × education × income)^(1/3)

    Each index is capped at 0–1 (UNDP caps expected schooling at 18 years,
    mean schooling at 15 and income at $75,000). Works on numbers, numpy
    arrays or pandas Series.

    >>> round(float(hdi_from_components(84.0, 15.2, 13.4, 40_000)), 3)
    0.918
    """
    g = HDI_GOALPOSTS
    le = np.asarray(life_expectancy, dtype=float)
    health = np.clip((le - g["life_expectancy"].low)
                     / (g["life_expectancy"].high - g["life_expectancy"].low), 0, 1)
    eys = np.clip(np.asarray(expected_schooling, dtype=float) / g["expected_schooling"].high,
                  0, 1)
    mys = np.clip(np.asarray(mean_schooling, dtype=float) / g["mean_schooling"].high, 0, 1)
    education = (eys + mys) / 2
    gni = np.clip(np.asarray(gni_pc, dtype=float), g["gni_pc"].low, g["gni_pc"].high)
    income = (np.log(gni) - np.log(g["gni_pc"].low)) / (
        np.log(g["gni_pc"].high) - np.log(g["gni_pc"].low))
    hdi = np.cbrt(health * education * income)
    if isinstance(life_expectancy, pd.Series):
        return pd.Series(hdi, index=life_expectancy.index, name="hdi")
    return hdi
