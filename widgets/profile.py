"""A country across the seven dimensions of human security, beside state security.

Pure functions behind :class:`widgets.CountryProfile`. Each indicator is placed
as a *percentile*: where the country's latest value stands among all countries
with data (100 = best-off, 0 = worst-off, direction taken into account; see
:func:`widgets.explore.percentile_scores`) and among its region or income
group. The trend compares the latest value with the first value from 2000 on.

>>> panel = pd.DataFrame({"iso3": ["A", "B", "C"] * 2, "year": [2000] * 3 + [2020] * 3,
...                       "u5": [90.0, 10.0, 50.0, 60.0, 5.0, 55.0]})
>>> latest_table(panel, "u5")["value"].tolist()
[60.0, 5.0, 55.0]
>>> trend_word(60.0 - 90.0, "higher_is_worse", tolerance=1.0)
'improved'
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from widgets.errors import LabInputError
from widgets.explore import percentile_scores
from widgets.i18n import N_, _

__all__ = [
    "PROFILE_INDICATORS",
    "STATE_SECURITY_INDICATORS",
    "country_profile",
    "dimension_summary",
    "latest_table",
    "most_vulnerable_dimensions",
    "profile_table",
    "start_values",
    "trend_word",
]

#: The headline indicators of each human-security dimension used in the profile.
#: Counts (refugees, battle deaths) are left out: a profile compares rates.
#: Battle deaths are also left out because the data record only conflict years,
#: so "no data" there usually means "no war", which a percentile cannot express.
PROFILE_INDICATORS: dict[str, list[str]] = {
    "economic": ["gdp_pc", "extreme_poverty", "unemployment", "gini", "expected_schooling"],
    "food": ["undernourishment", "food_insecurity_severe"],
    "health": ["under5_mortality", "life_expectancy", "maternal_mortality"],
    "environmental": ["water_basic", "sanitation_basic"],
    "personal": ["homicide_rate"],
    "community": ["refugees_origin_per_1000", "gender_inequality"],
    "political": ["wgi_voice", "wgi_stability", "wgi_rule_of_law", "democracy_index"],
}
#: State-security indicators shown beside them (no better/worse direction).
STATE_SECURITY_INDICATORS: list[str] = ["milex_gdp", "milex_per_capita_usd",
                                        "armed_forces_pct_labour"]


def latest_table(panel: pd.DataFrame, indicator: str, max_age: int | None = None) -> pd.DataFrame:
    """Each country's most recent value of one indicator: ``iso3, year, value``.

    ``max_age`` drops values more than that many years older than the
    indicator's latest year (so a 1995 figure is not compared with 2022 ones).

    >>> p = pd.DataFrame({"iso3": ["A", "A", "B"], "year": [2000, 2010, 1995],
    ...                   "x": [1.0, 2.0, 7.0]})
    >>> latest_table(p, "x").values.tolist()
    [['A', 2010, 2.0], ['B', 1995, 7.0]]
    >>> latest_table(p, "x", max_age=10)["iso3"].tolist()
    ['A']
    """
    if indicator not in panel.columns:
        raise LabInputError(_("The panel has no column {name}.").format(name=repr(indicator)))
    rows = panel.loc[panel[indicator].notna(), ["iso3", "year", indicator]]
    rows = rows.sort_values(["iso3", "year"]).groupby("iso3", as_index=False).tail(1)
    rows = rows.rename(columns={indicator: "value"})
    if max_age is not None and not rows.empty:
        rows = rows[rows["year"] >= rows["year"].max() - max_age]
    return rows.reset_index(drop=True)


def start_values(panel: pd.DataFrame, indicator: str, since: int = 2000, window: int = 5
                 ) -> pd.DataFrame:
    """Each country's first value from ``since`` on (within ``window`` years).

    >>> p = pd.DataFrame({"iso3": ["A", "A", "B"], "year": [1999, 2002, 2010], "x": [1.0, 2.0, 3.0]})
    >>> start_values(p, "x").values.tolist()
    [['A', 2002, 2.0]]
    """
    rows = panel.loc[panel[indicator].notna() & panel["year"].between(since, since + window),
                     ["iso3", "year", indicator]]
    rows = rows.sort_values(["iso3", "year"]).groupby("iso3", as_index=False).head(1)
    return rows.rename(columns={indicator: "value"}).reset_index(drop=True)


def trend_word(change: float | None, direction: str, tolerance: float) -> str:
    """Describe a change in plain words, taking the direction into account.

    Changes smaller than ``tolerance`` (in the indicator's unit) are "little
    change"; for a neutral indicator the words are "rose" / "fell".

    >>> trend_word(3.0, "higher_is_better", 0.5), trend_word(-3.0, "higher_is_better", 0.5)
    ('improved', 'worsened')
    >>> trend_word(0.1, "higher_is_worse", 0.5), trend_word(None, "neutral", 0.5)
    ('little change', 'no trend data')
    >>> trend_word(2.0, "neutral", 0.5)
    'rose'
    """
    if change is None or pd.isna(change):
        return N_("no trend data")  # the words are data: translated where shown, _(word)
    if abs(change) <= tolerance:
        return N_("little change")
    if direction == "neutral":
        return N_("rose") if change > 0 else N_("fell")
    good = change > 0 if direction == "higher_is_better" else change < 0
    return N_("improved") if good else N_("worsened")


def _group_percentiles(values: pd.Series, groups: pd.Series, direction: str) -> pd.Series:
    """:func:`percentile_scores` within each group (vectorised; NaN group = NaN)."""
    signed = -values if direction == "higher_is_worse" else values
    ranks = signed.groupby(groups).rank(method="average")
    n = signed.groupby(groups).transform("count")
    pct = (ranks - 1.0) / (n - 1).where(n > 1) * 100.0
    return pct.where(~((n == 1) & signed.notna()), 50.0).reindex(values.index)


def profile_table(
    panel: pd.DataFrame,
    countries: pd.DataFrame,
    info: Mapping[str, Mapping[str, str]],
    indicators: Sequence[str],
    since: int = 2000,
    max_age: int | None = 10,
    group_columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Percentiles, latest values and trends for every country and indicator.

    Parameters
    ----------
    panel : wide panel (``iso3, year`` + indicator columns).
    countries : ``iso3`` plus the group columns (``un_region``, ``income_group``).
    info : per indicator a mapping with at least ``direction`` and ``dimension``.
    indicators : the indicators to include.
    since : start year of the trend.
    max_age : see :func:`latest_table`.
    group_columns : comparison groups, name -> column (default region and income).

    Returns
    -------
    One row per country and indicator with data: ``iso3, indicator, dimension,
    direction, value, year, n_world, pct_world``, ``pct_<group>`` and
    ``n_<group>`` for each group, ``start_year, start_value, change, trend``.

    Examples
    --------
    >>> panel = pd.DataFrame({"iso3": ["A", "B", "C"], "year": [2020] * 3, "u5": [60.0, 5.0, 55.0]})
    >>> countries = pd.DataFrame({"iso3": ["A", "B", "C"], "un_region": ["X", "X", "Y"],
    ...                           "income_group": ["L", "H", "L"]})
    >>> info = {"u5": {"direction": "higher_is_worse", "dimension": "health"}}
    >>> t = profile_table(panel, countries, info, ["u5"])
    >>> t[["iso3", "pct_world", "pct_region", "pct_income"]].values.tolist()
    [['A', 0.0, 0.0, 0.0], ['B', 100.0, 100.0, 50.0], ['C', 50.0, 50.0, 100.0]]
    """
    groups = dict(group_columns or {"region": "un_region", "income": "income_group"})
    by_country = countries.set_index("iso3")
    frames = []
    for ind in indicators:
        meta = info[ind]
        direction = meta["direction"]
        latest = latest_table(panel, ind, max_age=max_age)
        if latest.empty:
            continue
        values = latest.set_index("iso3")["value"]
        out = latest.copy()
        out.insert(1, "indicator", ind)
        out.insert(2, "dimension", meta["dimension"])
        out.insert(3, "direction", direction)
        out["n_world"] = len(values)
        out["pct_world"] = percentile_scores(values, direction).to_numpy()
        for name, column in groups.items():
            g = by_country[column].reindex(values.index)
            out[f"pct_{name}"] = _group_percentiles(values, g, direction).to_numpy()
            sizes = g.map(g.value_counts())
            out[f"n_{name}"] = sizes.to_numpy()
        start = start_values(panel, ind, since).set_index("iso3")
        out["start_year"] = out["iso3"].map(start["year"])
        out["start_value"] = out["iso3"].map(start["value"])
        out["change"] = out["value"] - out["start_value"]
        # Same start and end year: no trend to speak of.
        out.loc[out["start_year"] >= out["year"], "change"] = np.nan
        # "Little change": under 5% of the starting value for indicators that are
        # never negative, under 5% of the spread between countries otherwise.
        if float(values.min()) >= 0:
            tolerance = 0.05 * out["start_value"].abs()
        else:
            tolerance = pd.Series(0.05 * float(values.std()) if len(values) > 1 else 0.0,
                                  index=out.index)
        out["trend"] = [trend_word(c, direction, t)
                        for c, t in zip(out["change"], tolerance, strict=True)]
        frames.append(out)
    if not frames:
        raise LabInputError(_("None of these indicators has data."))
    return pd.concat(frames, ignore_index=True)


def country_profile(table: pd.DataFrame, iso3: str, indicators: Sequence[str] | None = None
                    ) -> pd.DataFrame:
    """The rows of :func:`profile_table` for one country, in ``indicators`` order.

    Indicators without data for the country are kept with NaN values (so a
    gap shows as "no data", not as a bad score).

    >>> t = pd.DataFrame({"iso3": ["A", "B"], "indicator": ["u5", "u5"], "pct_world": [0.0, 100.0]})
    >>> country_profile(t, "B", ["u5", "hdi"])["pct_world"].tolist()
    [100.0, nan]
    >>> country_profile(t, "Z")
    Traceback (most recent call last):
    ...
    widgets.errors.LabInputError: There is no data for 'Z' in this profile.
    """
    rows = table[table["iso3"] == iso3]
    if rows.empty:
        raise LabInputError(_("There is no data for {code} in this profile.").format(
            code=repr(iso3)))
    if indicators is None:
        return rows.reset_index(drop=True)
    rows = rows.set_index("indicator").reindex(list(indicators))
    rows["iso3"] = iso3
    return rows.reset_index()


def dimension_summary(profile: pd.DataFrame, dimension_of: Mapping[str, str],
                      column: str = "pct_world") -> pd.DataFrame:
    """Average percentile per dimension, worst first (dimensions without data last).

    Parameters
    ----------
    profile : rows for one country (``indicator`` and the percentile ``column``).
    dimension_of : indicator id -> dimension.
    column : which percentile to average (``pct_world``, ``pct_region``...).

    >>> prof = pd.DataFrame({"indicator": ["a", "b", "c"], "pct_world": [10.0, 30.0, 90.0]})
    >>> dimension_summary(prof, {"a": "food", "b": "food", "c": "health"}).values.tolist()
    [['food', 20.0, 2, 2], ['health', 90.0, 1, 1]]
    """
    # a few dozen rows: plain Python is several times faster than a pandas groupby here
    sums: dict[str, list] = {}  # dimension -> [sum, n with data, n indicators], first-seen order
    for ind, value in zip(profile["indicator"], profile[column], strict=True):
        dim = dimension_of.get(ind)
        if dim is None or (isinstance(dim, float) and math.isnan(dim)):
            continue
        acc = sums.setdefault(dim, [0.0, 0, 0])
        acc[2] += 1
        if value is not None and not math.isnan(value):
            acc[0] += float(value)
            acc[1] += 1
    rows = [(dim, total / n if n else math.nan, n, size) for dim, (total, n, size) in sums.items()]
    # worst first, dimensions without data last; ties keep their first-seen order
    rows.sort(key=lambda r: (math.isnan(r[1]), 0.0 if math.isnan(r[1]) else r[1]))
    return pd.DataFrame(rows, columns=["dimension", "mean_percentile", "n_with_data",
                                       "n_indicators"])


def most_vulnerable_dimensions(summary: pd.DataFrame, n: int = 2) -> list[str]:
    """The ``n`` dimensions with the lowest average percentile (ties: all of them).

    >>> s = pd.DataFrame({"dimension": ["food", "health", "political"],
    ...                   "mean_percentile": [20.0, 20.0, 70.0]})
    >>> most_vulnerable_dimensions(s, n=1)
    ['food', 'health']
    """
    valid = [(d, float(p)) for d, p in zip(summary["dimension"], summary["mean_percentile"],
                                           strict=True) if not pd.isna(p)]
    if not valid or n <= 0:
        return []
    cut = sorted(p for _dim, p in valid)[:n][-1]
    return [d for d, p in valid if p <= cut]
