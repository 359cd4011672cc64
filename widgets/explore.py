"""Exploring one indicator across countries and years: ranks, percentiles, coverage.

Pure pandas functions behind :class:`widgets.IndicatorExplorer` and
:class:`widgets.DataCoverage`. They take small, plain tables so that a learner
can call them on data of their own:

* a *long* table of one indicator: columns ``iso3, year, value``;
* the *wide* panel from :func:`widgets.data.load_panel`: ``iso3, year`` and one
  column per indicator;
* the countries table from :func:`widgets.data.load_countries`.

Missing values stay missing. A country without a number is *not* a country
with zero: it is left out of ranks and percentiles, and coverage counts it as
a gap.

>>> values = pd.Series({"NOR": 0.97, "KEN": 0.60, "CHL": 0.86, "SSD": None})
>>> rank_values(values, "higher_is_better").to_dict()
{'NOR': 1.0, 'KEN': 3.0, 'CHL': 2.0, 'SSD': nan}
>>> percentile_scores(values, "higher_is_better").to_dict()
{'NOR': 100.0, 'KEN': 0.0, 'CHL': 50.0, 'SSD': nan}
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from widgets.errors import LabInputError
from widgets.i18n import N_, _

__all__ = [
    "ALL",
    "colour_domain",
    "countries_in",
    "coverage_by_country",
    "coverage_by_year",
    "percentile_scores",
    "rank_values",
    "rank_year",
    "ranked_years",
    "split_by_year",
    "year_view",
]

#: The value a filter uses for "no filter" (a value: shown as ``_(ALL)``, kept in English
#: in saved work and in the charts' parameters).
ALL = N_("All")

_DIRECTIONS = ("higher_is_better", "higher_is_worse", "neutral")


def _check_direction(direction: str) -> str:
    if direction not in _DIRECTIONS:
        raise LabInputError(_("{direction} is not a direction. Use one of: {directions}.").format(
            direction=repr(direction), directions=", ".join(_DIRECTIONS)))
    return direction


def rank_values(values: pd.Series, direction: str) -> pd.Series:
    """Rank countries by an indicator, 1 = best-off; countries without data get NaN.

    Ties share the best rank they cover (the "1, 2, 2, 4" convention). For a
    ``neutral`` indicator (such as population) rank 1 is simply the highest
    value.

    Parameters
    ----------
    values : numbers indexed by country code; NaN means "no data".
    direction : ``"higher_is_better"``, ``"higher_is_worse"`` or ``"neutral"``.

    Returns
    -------
    pd.Series of float ranks with the same index (NaN where the value is NaN).

    Examples
    --------
    >>> u5 = pd.Series({"SOM": 104.0, "FIN": 2.1, "IND": 27.0, "PRK": np.nan})
    >>> rank_values(u5, "higher_is_worse").tolist()
    [3.0, 1.0, 2.0, nan]
    """
    _check_direction(direction)
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    ascending = direction == "higher_is_worse"
    return numbers.rank(method="min", ascending=ascending, na_option="keep")


def percentile_scores(values: pd.Series, direction: str) -> pd.Series:
    """Where each country stands among the countries with data, from 0 to 100.

    100 is the best-off country, 0 the worst-off, 50 the middle: the score is
    the share of the *other* countries with data that this country does better
    than (ties count half). For a ``neutral`` indicator, 100 is simply the
    highest value. A single country with data scores 50. Countries without
    data get NaN, never 0.

    Parameters
    ----------
    values : numbers indexed by country code; NaN means "no data".
    direction : ``"higher_is_better"``, ``"higher_is_worse"`` or ``"neutral"``.

    Examples
    --------
    >>> life = pd.Series({"JPN": 84.0, "NGA": 53.0, "BRA": 73.0, "USA": 77.0, "ERI": None})
    >>> percentile_scores(life, "higher_is_better").round(1).tolist()
    [100.0, 0.0, 33.3, 66.7, nan]
    >>> percentile_scores(pd.Series({"A": 5.0, "B": 5.0}), "higher_is_worse").tolist()
    [50.0, 50.0]
    """
    _check_direction(direction)
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    if direction == "higher_is_worse":
        numbers = -numbers
    n = int(numbers.notna().sum())
    if n == 0:
        return pd.Series(np.nan, index=values.index, dtype=float)
    if n == 1:
        return numbers.where(numbers.isna(), 50.0)
    # Average rank, 1 = lowest: (rank - 1) is "others below + half the ties".
    ranks = numbers.rank(method="average", ascending=True, na_option="keep")
    return (ranks - 1.0) / (n - 1) * 100.0


def ranked_years(long: pd.DataFrame, direction: str) -> pd.DataFrame:
    """Rank and percentile of every country in every year of one indicator.

    Parameters
    ----------
    long : columns ``iso3, year, value`` (rows with a missing value are dropped).
    direction : the indicator's direction.

    Returns
    -------
    DataFrame ``iso3, year, value, rank, n_with_data, percentile`` sorted by year
    and rank. ``n_with_data`` is the number of countries ranked that year.

    Examples
    --------
    >>> long = pd.DataFrame({"iso3": ["A", "B", "C", "A", "B"],
    ...                      "year": [2000, 2000, 2000, 2001, 2001],
    ...                      "value": [3.0, 1.0, None, 2.0, 4.0]})
    >>> ranked_years(long, "higher_is_better")[["iso3", "year", "rank", "n_with_data"]].values.tolist()
    [['A', 2000, 1, 2], ['B', 2000, 2, 2], ['B', 2001, 1, 2], ['A', 2001, 2, 2]]
    """
    _check_direction(direction)
    missing = {"iso3", "year", "value"} - set(long.columns)
    if missing:
        raise LabInputError(_("The table needs the columns iso3, year and value; missing "
                              "{columns}.").format(columns=sorted(missing)))
    df = long.loc[long["value"].notna(), ["iso3", "year", "value"]].copy()
    df["value"] = df["value"].astype(float)
    if df.empty:
        return df.assign(rank=pd.Series(dtype=int), n_with_data=pd.Series(dtype=int),
                         percentile=pd.Series(dtype=float))
    by_year = df.groupby("year")["value"]
    ascending = direction == "higher_is_worse"
    df["rank"] = by_year.rank(method="min", ascending=ascending).astype(int)
    df["n_with_data"] = by_year.transform("size").astype(int)
    signed = -df["value"] if direction == "higher_is_worse" else df["value"]
    avg = signed.groupby(df["year"]).rank(method="average", ascending=True)
    denom = (df["n_with_data"] - 1).where(df["n_with_data"] > 1)
    df["percentile"] = ((avg - 1.0) / denom * 100.0).fillna(50.0)
    return df.sort_values(["year", "rank", "iso3"]).reset_index(drop=True)


def countries_in(
    countries: pd.DataFrame,
    region: str | None = None,
    income_group: str | None = None,
    region_column: str = "un_region",
) -> list[str]:
    """ISO3 codes of the countries in a region and/or income group.

    ``None`` or ``"All"`` means no filter. An unknown region or group raises
    :class:`~widgets.errors.LabInputError` naming the valid ones.

    Examples
    --------
    >>> c = pd.DataFrame({"iso3": ["KEN", "FRA", "NGA"], "un_region": ["Africa", "Europe", "Africa"],
    ...                   "income_group": ["Lower middle income", "High income", "Lower middle income"]})
    >>> countries_in(c, region="Africa")
    ['KEN', 'NGA']
    >>> countries_in(c, region="Africa", income_group="High income")
    []
    >>> countries_in(c, region="Afrika")
    Traceback (most recent call last):
    ...
    widgets.errors.LabInputError: There is no region called 'Afrika'. Choose one of: Africa, Europe.
    """
    mask = pd.Series(True, index=countries.index)
    for value, column, problem in (
            (region, region_column, N_("There is no region called {value}. Choose one of: "
                                       "{known}.")),
            (income_group, "income_group", N_("There is no income group called {value}. "
                                              "Choose one of: {known}."))):
        if value is None or value == ALL:
            continue
        known = sorted(countries[column].dropna().unique())
        if value not in known:
            raise LabInputError(_(problem).format(value=repr(value), known=", ".join(known)))
        mask &= countries[column] == value
    return countries.loc[mask, "iso3"].tolist()


def year_view(
    ranked: pd.DataFrame, year: int, keep: Iterable[str] | None = None, direction: str = "neutral"
) -> pd.DataFrame:
    """The countries with data in one year, ranked among those in ``keep``.

    This is what a map of one year shows: ranks are recomputed among the
    countries left after filtering (so "3 of 12" in a region view), and
    countries without data are not in the table at all.

    Parameters
    ----------
    ranked : output of :func:`ranked_years` (columns ``iso3, year, value``).
    year : the year shown.
    keep : country codes that pass the current filters (``None`` = all).
    direction : the indicator's direction, for the ranks.

    Examples
    --------
    >>> r = ranked_years(pd.DataFrame({"iso3": ["A", "B", "C"], "year": [2020] * 3,
    ...                                "value": [1.0, 3.0, 2.0]}), "higher_is_worse")
    >>> year_view(r, 2020, keep=["B", "C"], direction="higher_is_worse")[["iso3", "rank"]].values.tolist()
    [['C', 1], ['B', 2]]
    """
    rows = ranked[ranked["year"] == int(year)]
    if keep is not None:
        rows = rows[rows["iso3"].isin(set(keep))]
    rows = rows[["iso3", "year", "value"]].copy()
    if rows.empty:
        return rows.assign(rank=pd.Series(dtype=int))
    rows["rank"] = rank_values(rows.set_index("iso3")["value"], direction).astype(int).to_numpy()
    return rows.sort_values(["rank", "iso3"]).reset_index(drop=True)


def split_by_year(ranked: pd.DataFrame, direction: str) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Per year, the countries with data and their values, best-off first.

    A precomputed form of :func:`ranked_years` for widgets: filtering and
    ranking one year is then a few numpy operations (see :func:`rank_year`).
    ``ranked`` needs only ``iso3, year, value`` (missing values are left out).

    >>> r = ranked_years(pd.DataFrame({"iso3": ["A", "B"], "year": [2020, 2020],
    ...                                "value": [1.0, 3.0]}), "higher_is_worse")
    >>> codes, values = split_by_year(r, "higher_is_worse")[2020]
    >>> codes.tolist(), values.tolist()
    (['A', 'B'], [1.0, 3.0])
    """
    _check_direction(direction)
    ascending = direction == "higher_is_worse"
    values = ranked["value"].to_numpy(dtype=float)
    keep = ~np.isnan(values)
    values = values[keep]
    years = ranked["year"].to_numpy()[keep]
    codes = ranked["iso3"].to_numpy(dtype=object)[keep]
    # one sort for all years (by year, then best-off first, then code), cut at year boundaries
    code_order = pd.factorize(codes, sort=True)[0]
    order = np.lexsort((code_order, values if ascending else -values, years))
    years, codes, values = years[order], codes[order], values[order]
    starts = np.flatnonzero(np.r_[True, years[1:] != years[:-1]]) if len(years) else []
    ends = [*starts[1:], len(years)]
    return {int(years[a]): (codes[a:b], values[a:b]) for a, b in zip(starts, ends, strict=True)}


def rank_year(codes: np.ndarray, values: np.ndarray, direction: str,
              keep: set[str] | None = None) -> pd.DataFrame:
    """Rank one year's countries (sorted best-off first) among those in ``keep``.

    Gives the same result as :func:`year_view`, in a fraction of the time.

    >>> rank_year(np.array(["A", "B", "C"]), np.array([3.0, 2.0, 2.0]), "higher_is_better").values.tolist()
    [['A', 3.0, 1], ['B', 2.0, 2], ['C', 2.0, 2]]
    """
    _check_direction(direction)
    if keep is not None:
        mask = np.fromiter((c in keep for c in codes), dtype=bool, count=len(codes))
        codes, values = codes[mask], values[mask]
    signed = values if direction == "higher_is_worse" else -values
    ranks = np.searchsorted(signed, signed, side="left") + 1
    return pd.DataFrame({"iso3": codes, "value": values, "rank": ranks.astype(int)})


def colour_domain(values: Sequence[float] | pd.Series, skew_ratio: float = 30.0
                  ) -> tuple[list[float], str]:
    """A colour-scale domain that outliers do not flatten, and the scale type.

    Uses the 2nd and 98th percentiles of all values (so one extreme country does
    not wash out everyone else; values beyond are shown at the ends of the
    scale). If all values are positive and the 98th percentile is more than
    ``skew_ratio`` times the 2nd, a logarithmic scale is used (income,
    population, refugee numbers).

    Examples
    --------
    >>> colour_domain([1, 2, 3, 4, 100])
    ([1.08, 92.32], 'log')
    >>> colour_domain([50.0, 60.0, 70.0])
    ([50.4, 69.6], 'linear')
    >>> colour_domain([123456.0, 123457.0])
    ([123456.0, 123457.0], 'linear')
    """
    arr = pd.to_numeric(pd.Series(values), errors="coerce").dropna().to_numpy(dtype=float)
    if arr.size == 0:
        raise LabInputError(_("There are no values to colour: this indicator has no data here."))
    low, high = (float(v) for v in np.percentile(arr, [2, 98]))
    if high <= low:
        low, high = float(arr.min()), float(arr.max())
    if high <= low:
        high = low + 1.0
    kind = "log" if low > 0 and high / low > skew_ratio else "linear"
    short = [float(f"{low:.6g}"), float(f"{high:.6g}")]
    return (short if short[0] < short[1] else [low, high]), kind


def coverage_by_year(
    panel: pd.DataFrame,
    indicators: Sequence[str],
    iso3s: Iterable[str] | None = None,
    years: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """For each indicator and year: how many of the chosen countries have a value.

    Parameters
    ----------
    panel : wide panel (``iso3, year`` + indicator columns).
    indicators : columns to count.
    iso3s : the countries that count as "all" (default: every country in ``panel``).
    years : inclusive ``(first, last)``; default: every year in ``panel``.

    Returns
    -------
    DataFrame ``indicator, year, n_with_data, n_countries, share`` (share in %).

    Examples
    --------
    >>> p = pd.DataFrame({"iso3": ["A", "B", "A", "B"], "year": [2000, 2000, 2001, 2001],
    ...                   "hdi": [0.5, None, 0.6, 0.7]})
    >>> cov = coverage_by_year(p, ["hdi"])
    >>> cov["n_with_data"].tolist(), cov["share"].tolist()
    ([1, 2], [50.0, 100.0])
    """
    rows, countries = _panel_subset(panel, indicators, iso3s, years)
    n_countries = len(countries)
    if n_countries == 0:
        raise LabInputError(_("No countries are selected, so there is no coverage to show."))
    counts = rows.groupby("year")[list(indicators)].count()
    all_years = sorted(rows["year"].unique()) if years is None else list(range(years[0], years[1] + 1))
    counts = counts.reindex(all_years, fill_value=0)
    counts.index.name = "year"
    out = counts.reset_index().melt(id_vars="year", var_name="indicator", value_name="n_with_data")
    out["n_countries"] = n_countries
    out["share"] = out["n_with_data"] / n_countries * 100.0
    return out[["indicator", "year", "n_with_data", "n_countries", "share"]].reset_index(drop=True)


def coverage_by_country(
    panel: pd.DataFrame,
    indicators: Sequence[str],
    iso3s: Iterable[str],
    years: tuple[int, int],
) -> pd.DataFrame:
    """For each country and indicator: in how many of the years there is a value.

    Returns
    -------
    DataFrame ``iso3, indicator, n_years, years_in_range, share, latest_year``;
    ``latest_year`` is NaN when the country has no value at all in the range.

    Examples
    --------
    >>> p = pd.DataFrame({"iso3": ["A", "A", "B", "B"], "year": [2000, 2001, 2000, 2001],
    ...                   "gini": [30.0, None, None, None]})
    >>> out = coverage_by_country(p, ["gini"], ["A", "B"], (2000, 2001))
    >>> out[["iso3", "n_years", "share", "latest_year"]].values.tolist()
    [['A', 1, 50.0, 2000.0], ['B', 0, 0.0, nan]]
    """
    first, last = int(min(years)), int(max(years))
    rows, countries = _panel_subset(panel, indicators, iso3s, (first, last))
    if not countries:
        raise LabInputError(_("No countries are selected, so there is no coverage to show."))
    n_years = last - first + 1
    inds = list(indicators)
    # one pass in numpy (a region × indicator grid has up to ~10,000 cells)
    where = pd.Index(countries).get_indexer(rows["iso3"])
    counts = np.zeros((len(countries), len(inds)), dtype=int)
    latest = np.full((len(countries), len(inds)), -1, dtype=int)
    if len(rows):
        # rows grouped by country, then one sum and one maximum per group (reduceat)
        order = np.argsort(where, kind="stable")
        where = where[order]
        present = rows[inds].notna().to_numpy()[order]
        year_of = rows["year"].to_numpy(dtype=int)[order][:, None]
        starts = np.flatnonzero(np.r_[True, where[1:] != where[:-1]])
        counts[where[starts]] = np.add.reduceat(present.astype(int), starts, axis=0)
        latest[where[starts]] = np.maximum.reduceat(np.where(present, year_of, -1), starts,
                                                    axis=0)
    # long format, indicator by indicator (each with every country in order)
    n_years_col = counts.T.ravel()
    latest_col = latest.T.ravel().astype(float)
    latest_col[latest_col < 0] = np.nan
    return pd.DataFrame({
        "iso3": np.tile(np.asarray(countries, dtype=object), len(inds)),
        "indicator": np.repeat(np.asarray(inds, dtype=object), len(countries)),
        "n_years": n_years_col,
        "years_in_range": n_years,
        "share": n_years_col / n_years * 100.0,
        "latest_year": latest_col,
    })


def _panel_subset(panel, indicators, iso3s, years):
    indicators = list(indicators)
    if not indicators:
        raise LabInputError(_("Choose at least one indicator."))
    missing = [i for i in indicators if i not in panel.columns]
    if missing:
        raise LabInputError(_("The panel has no column {name}.").format(name=repr(missing[0])))
    countries = sorted(panel["iso3"].unique()) if iso3s is None else list(dict.fromkeys(iso3s))
    rows = panel[panel["iso3"].isin(set(countries))]
    if years is not None:
        first, last = int(min(years)), int(max(years))
        rows = rows[rows["year"].between(first, last)]
    return rows, countries
