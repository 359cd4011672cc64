"""Guns and butter: military spending against health, education and outcomes.

Pure calculations behind lesson 05 and :class:`widgets.SpendingTradeoffs`.

* :func:`fit_loglog` — an ordinary-least-squares line (optionally on log
  scales) with an analytic 95% confidence band, in numpy only.
* :func:`fits_by_year` — the same fit for every year (and, optionally, within
  each income group), precomputed so a year slider only filters.
* :func:`change_between` / :func:`summarise_change` — country trajectories
  found in the data (the 1990s "peace dividend", the post-2014 rise in Europe).
* :func:`reallocate` — move a share of one country's military spending to
  health or education and see the amount per person, and as a share of what the
  country spends now. Money is conserved: what leaves defence arrives in the
  target sector.

An association across countries is **not** the effect of moving money: richer
countries spend more on health *and* have lower child mortality; countries at
war spend more on arms *and* lose children to war. Income, conflict and
governance confound the comparison (see :data:`CONFOUNDING_NOTE`).

>>> import pandas as pd
>>> df = pd.DataFrame({"x": [1.0, 2, 4, 8], "y": [10.0, 5, 2.5, 1.25]})
>>> fit = fit_loglog(df["x"], df["y"], log_x=True, log_y=True)
>>> round(fit.slope, 3), fit.n
(-1.0, 4)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from widgets.errors import LabInputError, check_year_range
from widgets.i18n import N_, _, format_number, format_significant

__all__ = [
    "CONFOUNDING_NOTE",
    "COMPARISON_INDICATORS",
    "LOG_SCALE_INDICATORS",
    "MILITARY_INDICATORS",
    "Fit",
    "Reallocation",
    "change_between",
    "fit_loglog",
    "fits_by_year",
    "gdp_usd_from_milex",
    "latest_complete_year",
    "reallocate",
    "summarise_change",
    "t_quantile_975",
    "units_affordable",
]

#: The military-spending measures the learner can put on the horizontal axis.
MILITARY_INDICATORS: tuple[str, ...] = ("milex_gdp", "milex_per_capita_usd")
#: What military spending is compared with: other spending, then outcomes.
COMPARISON_INDICATORS: tuple[str, ...] = (
    "health_spending_gdp",
    "edu_spending_gdp",
    "under5_mortality",
    "life_expectancy",
    "undernourishment",
)
#: Indicators that are spread over orders of magnitude: fitted and drawn on log scales.
LOG_SCALE_INDICATORS: frozenset[str] = frozenset(
    {"milex_gdp", "milex_per_capita_usd", "under5_mortality", "undernourishment",
     "health_spending_gdp", "edu_spending_gdp"}
)

#: Shown on screen beside every cross-country fit.
CONFOUNDING_NOTE = N_(
    "This line describes countries as they are, not what would happen if one country "
    "moved money. Countries that spend more on the military differ in many other ways: "
    "income (richer countries can afford both more health care and more arms), conflict "
    "(a war raises military spending and child deaths at the same time) and governance "
    "(how well any budget turns into services). These are confounders: they move both "
    "variables. Comparing countries within one income group removes part of the income "
    "difference, but not conflict or governance."
)


# --------------------------------------------------------------------------- statistics
def t_quantile_975(df: int) -> float:
    """The 97.5th percentile of Student's t with ``df`` degrees of freedom.

    Uses the Cornish–Fisher expansion around the normal quantile (error below
    0.002 for ``df >= 3``), so the lab needs no statistics library.

    >>> round(t_quantile_975(10), 2), round(t_quantile_975(1000), 2)
    (2.23, 1.96)
    """
    if df < 1:
        raise LabInputError(_("A confidence band needs at least three countries with data."))
    z = 1.959963984540054
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return float(z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4)


@dataclass(frozen=True)
class Fit:
    """An OLS line ``y = intercept + slope * x`` (on log10 scales where chosen).

    ``band`` holds the line and its 95% confidence band on a grid, back on the
    original scale (columns ``x, fit, lower, upper``).
    """

    slope: float
    intercept: float
    slope_low: float
    slope_high: float
    r2: float
    n: int
    log_x: bool
    log_y: bool
    band: pd.DataFrame = field(repr=False, compare=False)

    def sentence(self, x_label: str, y_label: str) -> str:
        """The fit in plain words.

        >>> import pandas as pd
        >>> f = fit_loglog(pd.Series([1.0, 2, 4, 8]), pd.Series([8.0, 4.1, 2, 1]))
        >>> "1% higher" in f.sentence("military spending", "child mortality")
        True
        """
        if self.log_x and self.log_y:
            unit = _("Across these {n} countries, 1% higher {x} goes with {slope}% {y} on "
                     "average (95% interval {low} to {high})").format(
                n=self.n, x=x_label, y=y_label, slope=_signed(self.slope),
                low=_signed(self.slope_low), high=_signed(self.slope_high))
        elif self.log_x:
            k = math.log10(2)
            unit = _("Across these {n} countries, doubling {x} goes with {slope} in {y} on "
                     "average (95% interval {low} to {high})").format(
                n=self.n, x=x_label, y=y_label, slope=_signed(self.slope * k, None),
                low=_signed(self.slope_low * k, None), high=_signed(self.slope_high * k, None))
        else:
            unit = _("Across these {n} countries, one unit more {x} goes with {slope} in {y} "
                     "on average").format(n=self.n, x=x_label, y=y_label,
                                          slope=_signed(self.slope, None))
        strength = (N_("{fit}; the association is weak (R² = {r2}).") if self.r2 < 0.1 else
                    N_("{fit}; the association is moderate (R² = {r2}).") if self.r2 < 0.4 else
                    N_("{fit}; the association is strong (R² = {r2})."))
        crosses = self.slope_low <= 0 <= self.slope_high
        sign = (" " + _("The interval includes zero: the data cannot tell the direction.")
                if crosses else "")
        return _(strength).format(fit=unit, r2=format_number(self.r2, 2)) + sign


def _signed(value: float, decimals: int | None = 2) -> str:
    """A number with its sign, as the reader's language writes it (``decimals=None``:
    three significant digits).

    >>> _signed(0.1234), _signed(-1.5), _signed(0.01234, None)
    ('+0.12', '-1.50', '+0.0123')
    """
    text = (format_significant(value, 3) if decimals is None
            else format_number(value, decimals))
    return ("+" + text) if value >= 0 and not text.startswith("+") else text


def fit_loglog(
    x: pd.Series | np.ndarray,
    y: pd.Series | np.ndarray,
    log_x: bool = True,
    log_y: bool = True,
    grid_points: int = 40,
) -> Fit:
    """Fit ``y`` on ``x`` by least squares, on log10 scales where asked.

    Rows with a missing value (or a value ≤ 0 on a log scale) are dropped. The
    band is the analytic 95% confidence interval of the fitted mean,
    ``t * s * sqrt(1/n + (x0 - mean(x))² / Sxx)``.

    Parameters
    ----------
    x, y : values for the same countries, in the same order.
    log_x, log_y : fit on log10 of the variable.
    grid_points : points at which the band is evaluated.

    Returns
    -------
    Fit

    >>> import pandas as pd
    >>> f = fit_loglog(pd.Series([1.0, 2, 3, 4]), pd.Series([2.0, 4, 6, 8.5]),
    ...                log_x=False, log_y=False)
    >>> round(f.slope, 2), list(f.band.columns)
    (2.15, ['x', 'fit', 'lower', 'upper'])
    """
    xa = np.asarray(x, dtype=float)
    ya = np.asarray(y, dtype=float)
    if xa.shape != ya.shape:
        raise LabInputError(_("x and y must hold one value per country each."))
    slope, intercept, low, high, r2, n, grid = _fit_arrays(xa, ya, log_x, log_y, grid_points)
    band = pd.DataFrame(dict(zip(("x", "fit", "lower", "upper"), grid, strict=True)))
    return Fit(slope, intercept, low, high, r2, n, log_x, log_y, band)


def _fit_arrays(xa: np.ndarray, ya: np.ndarray, log_x: bool, log_y: bool, grid_points: int
                ) -> tuple[float, float, float, float, float, int, tuple[np.ndarray, ...]]:
    """:func:`fit_loglog` on arrays: (slope, intercept, slope low, slope high, R², n,
    (x, fit, lower, upper) on the grid)."""
    ok = np.isfinite(xa) & np.isfinite(ya)
    if log_x:
        ok &= xa > 0
    if log_y:
        ok &= ya > 0
    xa, ya = xa[ok], ya[ok]
    n = int(xa.size)
    if n < 3:
        raise LabInputError(_(
            "Only {n} countries have data for both variables here; a fitted line needs at "
            "least three. Choose another year or indicator."
        ).format(n=n))
    u = np.log10(xa) if log_x else xa
    v = np.log10(ya) if log_y else ya
    ubar, vbar = u.mean(), v.mean()
    sxx = float(((u - ubar) ** 2).sum())
    if sxx == 0:
        raise LabInputError(_("All countries have the same value on the horizontal axis; "
                              "there is no slope to fit."))
    slope = float(((u - ubar) * (v - vbar)).sum() / sxx)
    intercept = float(vbar - slope * ubar)
    resid = v - (intercept + slope * u)
    sse = float((resid**2).sum())
    sst = float(((v - vbar) ** 2).sum())
    r2 = 1 - sse / sst if sst > 0 else 0.0
    dof = n - 2
    s = math.sqrt(sse / dof) if dof > 0 else 0.0
    t = t_quantile_975(max(dof, 1))
    se_slope = s / math.sqrt(sxx)
    grid = np.linspace(u.min(), u.max(), grid_points)
    centre = intercept + slope * grid
    half = t * s * np.sqrt(1 / n + (grid - ubar) ** 2 / sxx)

    def back(a: np.ndarray, is_log: bool) -> np.ndarray:
        return 10**a if is_log else a

    return (slope, intercept, slope - t * se_slope, slope + t * se_slope, float(r2), n,
            (back(grid, log_x), back(centre, log_y), back(centre - half, log_y),
             back(centre + half, log_y)))


def fits_by_year(
    data: pd.DataFrame,
    x: str,
    y: str,
    group: str | None = None,
    min_countries: int = 8,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fit ``y`` on ``x`` separately for each year (and each ``group``).

    Parameters
    ----------
    data : columns ``year``, ``x``, ``y`` (and ``group`` if given), one row per country-year.
    x, y : column names; log scales follow :data:`LOG_SCALE_INDICATORS`.
    group : optional column (e.g. ``income_group``) for within-group fits.
    min_countries : years/groups with fewer complete rows are skipped.

    Returns
    -------
    (bands, summary) : ``bands`` has ``year, group, x, fit, lower, upper``;
    ``summary`` has ``year, group, slope, slope_low, slope_high, r2, n``.

    >>> import pandas as pd
    >>> d = pd.DataFrame({"year": [2000] * 4 + [2001] * 4, "a": [1.0, 2, 3, 4] * 2,
    ...                   "b": [1.0, 2, 3, 4, 2, 4, 6, 8]})
    >>> bands, summary = fits_by_year(d, "a", "b", min_countries=3)
    >>> summary["year"].tolist(), summary["n"].tolist()
    ([2000, 2001], [4, 4])
    """
    for col in ("year", x, y) + ((group,) if group else ()):
        if col not in data:
            raise LabInputError(_("The table has no column {column}.").format(column=repr(col)))
    log_x, log_y = x in LOG_SCALE_INDICATORS, y in LOG_SCALE_INDICATORS
    keys = ["year", group] if group else ["year"]
    complete = data.dropna(subset=[x, y])
    xs, ys = complete[x].to_numpy(dtype=float), complete[y].to_numpy(dtype=float)
    grid_points = 15
    parts: dict[str, list] = {"year": [], "group": [], "x": [], "fit": [], "lower": [],
                              "upper": []}
    rows = []
    # one pass over the groups' row positions (a DataFrame per year cost ~50 ms a pair)
    for key, where in complete.groupby(keys, sort=True).indices.items():
        key = key if isinstance(key, tuple) else (key,)
        if len(where) < min_countries:
            continue
        try:
            slope, _intercept, low, high, r2, n, grid = _fit_arrays(xs[where], ys[where], log_x, log_y,
                                                           grid_points)
        except LabInputError:
            continue
        if n < min_countries:
            continue
        label = key[1] if group else "All countries"
        parts["year"].append(np.full(grid_points, int(key[0])))
        parts["group"].append([label] * grid_points)
        for name, values in zip(("x", "fit", "lower", "upper"), grid, strict=True):
            parts[name].append(values)
        rows.append({"year": int(key[0]), "group": label, "slope": slope, "slope_low": low,
                     "slope_high": high, "r2": r2, "n": n})
    cols = ["year", "group", "x", "fit", "lower", "upper"]
    bands_df = (pd.DataFrame({k: (np.concatenate(v) if k != "group" else sum(v, []))
                              for k, v in parts.items()})[cols]
                if rows else pd.DataFrame(columns=cols))
    summary = pd.DataFrame(rows, columns=["year", "group", "slope", "slope_low", "slope_high",
                                          "r2", "n"])
    return bands_df, summary


# --------------------------------------------------------------------------- trajectories
def change_between(data: pd.DataFrame, column: str, start: int, end: int) -> pd.DataFrame:
    """Each country's change in ``column`` from ``start`` to ``end``.

    Only countries with a value in **both** years are kept (no filling in).

    Parameters
    ----------
    data : columns ``iso3, year, column`` (extra columns such as ``name`` are kept).

    Returns
    -------
    DataFrame with ``iso3, start_value, end_value, change, pct_change`` (+ kept
    columns), sorted from the largest fall to the largest rise.

    >>> import pandas as pd
    >>> d = pd.DataFrame({"iso3": ["A", "A", "B", "B", "C"], "year": [1990, 2000] * 2 + [1990],
    ...                   "milex_gdp": [4.0, 2.0, 1.0, 1.5, 3.0]})
    >>> change_between(d, "milex_gdp", 1990, 2000)[["iso3", "change"]].values.tolist()
    [['A', -2.0], ['B', 0.5]]
    """
    start, end = check_year_range(start, end)
    if start == end:
        raise LabInputError(_("Choose two different years to measure a change."))
    if column not in data:
        raise LabInputError(_("The table has no column {column}.").format(column=repr(column)))
    extra = [c for c in data.columns if c not in ("iso3", "year", column)]
    a = data.loc[data["year"] == start, ["iso3", column, *extra]].dropna(subset=[column])
    b = data.loc[data["year"] == end, ["iso3", column]].dropna(subset=[column])
    if a.empty or b.empty:
        missing = start if a.empty else end
        raise LabInputError(_("No country has {column} data for {year}. Choose another "
                              "year.").format(column=column, year=missing))
    out = a.rename(columns={column: "start_value"}).merge(
        b.rename(columns={column: "end_value"}), on="iso3", how="inner")
    if out.empty:
        raise LabInputError(_("No country has {column} data in both {start} and {end}.").format(
            column=column, start=start, end=end))
    out["change"] = out["end_value"] - out["start_value"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["pct_change"] = np.where(out["start_value"] != 0,
                                     100 * out["change"] / out["start_value"], np.nan)
    out = out[["iso3", "start_value", "end_value", "change", "pct_change", *extra]]
    return out.sort_values(["change", "iso3"]).reset_index(drop=True)


def summarise_change(changes: pd.DataFrame) -> dict[str, float]:
    """Headline numbers for a table from :func:`change_between`.

    >>> import pandas as pd
    >>> c = pd.DataFrame({"change": [-2.0, -1.0, 0.5], "start_value": [4.0, 3.0, 1.0],
    ...                   "end_value": [2.0, 2.0, 1.5]})
    >>> s = summarise_change(c)
    >>> s["n"], s["n_fell"], s["median_change"]
    (3, 2, -1.0)
    """
    if changes.empty:
        raise LabInputError(_("There are no countries to summarise."))
    ch = changes["change"]
    return {
        "n": int(len(ch)),
        "n_fell": int((ch < 0).sum()),
        "n_rose": int((ch > 0).sum()),
        "median_change": float(ch.median()),
        "median_start": float(changes["start_value"].median()),
        "median_end": float(changes["end_value"].median()),
    }


# --------------------------------------------------------------------------- reallocation
def gdp_usd_from_milex(milex_usd: float, milex_gdp: float) -> float:
    """GDP in current US$ implied by military spending and its share of GDP.

    ``GDP = milex_usd / (milex_gdp / 100)``: both come from the same
    publisher (SIPRI via the World Bank) for the same year, so the implied GDP
    is the one SIPRI used.

    >>> gdp_usd_from_milex(2e9, 2.0)
    100000000000.0
    """
    if not (milex_gdp > 0) or not (milex_usd > 0):
        raise LabInputError(_("GDP can only be derived where military spending is above "
                              "zero."))
    return float(milex_usd) / (float(milex_gdp) / 100)


@dataclass(frozen=True)
class Reallocation:
    """The result of moving ``share_pct`` % of military spending to ``target``.

    All money in current US$ of ``year``. ``military_after + shifted ==
    military_before`` and ``target_after == target_before + shifted``.
    """

    year: int
    share_pct: float
    target: str
    military_before: float
    military_after: float
    shifted: float
    target_before: float
    target_after: float
    shifted_per_person: float
    target_before_per_person: float
    increase_pct_of_target: float
    gdp_usd: float
    population: float

    def as_table(self) -> pd.DataFrame:
        """Per-person amounts before and after, for a chart or table (in the reader's language)."""
        military, now, after = _("Military"), _("Now"), _("After the shift")
        return pd.DataFrame({
            "sector": [military, military, self.target, self.target],
            "when": [now, after, now, after],
            "per_person_usd": [
                self.military_before / self.population, self.military_after / self.population,
                self.target_before_per_person,
                self.target_after / self.population,
            ],
        })


def reallocate(
    milex_usd: float,
    milex_gdp: float,
    target_share_gdp: float,
    population: float,
    share_pct: float,
    target: str = "Health",
    year: int = 0,
) -> Reallocation:
    """Move ``share_pct`` % of a country's military spending to another sector.

    Parameters
    ----------
    milex_usd : military spending, current US$ (``milex_usd``).
    milex_gdp : military spending, % of GDP (``milex_gdp``), same year.
    target_share_gdp : the target sector's spending, % of GDP (e.g. ``health_spending_gdp``).
    population : people living in the country (``population``), same year.
    share_pct : percentage of military spending moved, 0–100.
    target : a label for the target sector.
    year : the year of the data (reported back).

    Notes
    -----
    GDP (current US$) is derived as ``milex_usd / (milex_gdp / 100)``; the
    target sector's spending in US$ is ``target_share_gdp / 100 * GDP``. This is
    bookkeeping, not a forecast: it assumes the money would be spent as well as
    the sector's current budget, and ignores jobs, contracts and security
    consequences.

    >>> r = reallocate(milex_usd=1e9, milex_gdp=2.0, target_share_gdp=5.0,
    ...                population=1e7, share_pct=10, target="Health", year=2020)
    >>> r.shifted, r.shifted_per_person, r.target_before_per_person, r.increase_pct_of_target
    (100000000.0, 10.0, 250.0, 4.0)
    """
    try:
        share = float(share_pct)
    except (TypeError, ValueError) as err:
        raise LabInputError(_("{value} is not a percentage. Use a number from 0 to 100.").format(
            value=repr(share_pct))) from err
    if not 0 <= share <= 100:
        raise LabInputError(_("You can move between 0% and 100% of military spending, not "
                              "{share}%.").format(share=format_significant(share, 6)))
    values = {N_("military spending (US$)"): milex_usd,
              N_("military spending (% of GDP)"): milex_gdp, N_("population"): population}
    for label, v in values.items():
        if v is None or not np.isfinite(v) or v <= 0:
            raise LabInputError(_("This country has no {data} for {year}; choose another "
                                  "country.").format(data=_(label), year=year))
    if target_share_gdp is None or not np.isfinite(target_share_gdp) or target_share_gdp < 0:
        raise LabInputError(_("This country has no {sector} spending data for {year}.").format(
            sector=_(target.lower()), year=year))
    gdp = gdp_usd_from_milex(milex_usd, milex_gdp)
    before_target = target_share_gdp / 100 * gdp
    shifted = milex_usd * share / 100
    increase = 100 * shifted / before_target if before_target > 0 else float("inf")
    return Reallocation(
        year=int(year), share_pct=share, target=target,
        military_before=float(milex_usd), military_after=float(milex_usd - shifted),
        shifted=float(shifted), target_before=float(before_target),
        target_after=float(before_target + shifted),
        shifted_per_person=float(shifted / population),
        target_before_per_person=float(before_target / population),
        increase_pct_of_target=float(increase), gdp_usd=float(gdp), population=float(population),
    )


def latest_complete_year(rows: pd.DataFrame, columns: list[str]) -> int:
    """The most recent year in which every one of ``columns`` has a value.

    >>> import pandas as pd
    >>> d = pd.DataFrame({"year": [2020, 2021, 2022], "a": [1, 2, None], "b": [1, 2, 3]})
    >>> latest_complete_year(d, ["a", "b"])
    2021
    """
    complete = rows.dropna(subset=columns)
    if complete.empty:
        raise LabInputError(_(
            "No single year has all of the data this calculation needs for this country "
            "({columns}). Choose another country."
        ).format(columns=", ".join(columns)))
    return int(complete["year"].max())


def units_affordable(amount_usd: float, unit_cost_usd: float) -> float:
    """How many units of something costing ``unit_cost_usd`` each ``amount_usd`` buys.

    >>> units_affordable(1_000_000, 25)
    40000.0
    """
    try:
        cost = float(unit_cost_usd)
    except (TypeError, ValueError) as err:
        raise LabInputError(_("{value} is not a cost. Use a number in US$.").format(
            value=repr(unit_cost_usd))) from err
    if not np.isfinite(cost) or cost <= 0:
        raise LabInputError(_("A unit cost must be a positive amount in US$."))
    return float(amount_usd) / cost
