"""Citizen-centric risk assessment in the style of INFORM Risk (lesson 04).

INFORM (Marin-Ferrer, Vernaccini & Poljansek 2017, *INFORM Index for Risk
Management: Concept and Methodology*, EU Joint Research Centre) sees the risk
of a humanitarian crisis as the meeting of three things:

* **hazard & exposure** — what could happen, and who is in its way;
* **vulnerability** — how easily people are harmed when it does;
* **lack of coping capacity** — how little the state and society can do to help.

Each is scored 0–10 (10 = worst) and they are combined by a geometric mean,
``risk = HE^(1/3) × V^(1/3) × LCC^(1/3)``, so a country is at high risk only
when all three are high.

This module is a **teaching reconstruction from open indicators**, not the
official INFORM index: the lab ships no natural-hazard data (the EM-DAT
licence does not allow it), so hazard & exposure here covers human-made
hazards only — conflict, violence, instability.

>>> import pandas as pd
>>> dims = pd.DataFrame({"hazard_exposure": [8.0, 1.0], "vulnerability": [8.0, 8.0],
...                      "lack_of_coping": [8.0, 8.0]}, index=["A", "B"])
>>> combine_risk(dims).round(2).tolist()
[8.0, 4.0]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from widgets.errors import LabInputError
from widgets.i18n import N_, _

__all__ = [
    "DEFAULT_MODEL",
    "LENSES",
    "RISK_DIMENSIONS",
    "RISK_INDICATORS",
    "RiskIndicator",
    "apply_lens",
    "assess_risk",
    "check_model",
    "combine_risk",
    "dimension_scores",
    "fill_recent",
    "peer_comparison",
    "peer_comparison_wide",
    "risk_bounds",
    "risk_drivers",
    "risk_drivers_by_year",
    "scale_to_risk",
]

#: The three INFORM dimensions: id -> label shown on screen (English; show it with ``_(label)``).
RISK_DIMENSIONS: dict[str, str] = {
    "hazard_exposure": N_("Hazard & exposure"),
    "vulnerability": N_("Vulnerability"),
    "lack_of_coping": N_("Lack of coping capacity"),
}


@dataclass(frozen=True)
class RiskIndicator:
    """How one panel indicator enters the risk model.

    Attributes
    ----------
    id : panel column.
    risk_when : ``"high"`` if a high value means more risk, ``"low"`` if a low one does.
    reason : why the indicator belongs to its default dimension (shown on screen).
    log : scale the logarithm (``log(1 + x)``) — for very skewed counts and rates,
        so that one extreme country does not squash everyone else near 0.
    missing_means_zero : an empty cell means "none recorded" rather than
        "unknown" (battle deaths: UCDP records only conflicts with 25+ deaths).
    family : indicators in the same family share one 0–10 scale (national,
        women's and men's life expectancy), so groups can be compared.
    """

    id: str
    risk_when: str
    reason: str
    log: bool = False
    missing_means_zero: bool = False
    family: str = ""


#: Every indicator the risk model can use, with the reasoning for its default place.
RISK_INDICATORS: dict[str, RiskIndicator] = {r.id: r for r in (
    # hazard & exposure (human-made hazards only)
    RiskIndicator("battle_deaths_per_100k", "high",
                  N_("Armed conflict is the main human-made hazard INFORM counts (conflict intensity)."),
                  log=True, missing_means_zero=True),
    RiskIndicator("homicide_rate", "high",
                  N_("Violent crime exposes people to harm in daily life."), log=True),
    RiskIndicator("wgi_stability", "low",
                  N_("Low political stability signals a risk of violent unrest (INFORM uses conflict "
                  "projections here)."), ),
    RiskIndicator("co2_pc", "high",
                  N_("Optional: a crude proxy for environmental pressure. It is highest in rich, "
                  "well-protected countries, which is why INFORM uses exposure to natural hazards "
                  "instead."), log=True),
    # vulnerability
    RiskIndicator("life_expectancy", "low",
                  N_("Short lives signal poor health and deprivation (INFORM: development & "
                  "deprivation)."), family="life_expectancy"),
    RiskIndicator("mean_schooling", "low",
                  N_("Little education limits how people can protect themselves and recover."),
                  family="mean_schooling"),
    RiskIndicator("under5_mortality", "high",
                  N_("Children under five are among the most vulnerable (INFORM: children U5)."),
                  log=True),
    RiskIndicator("undernourishment", "high",
                  N_("Hungry people have no buffer against a shock (INFORM: food security)."),
                  log=True),
    RiskIndicator("gini", "high",
                  N_("Inequality leaves the poorest exposed (INFORM: inequality).")),
    RiskIndicator("gender_inequality", "high",
                  N_("Women held back in health, education and work are harmed more by crises "
                  "(INFORM: Gender Inequality Index).")),
    RiskIndicator("idps_per_1000", "high",
                  N_("People forced from their homes have lost shelter, income and networks "
                  "(INFORM: uprooted people). No UNHCR record is read as none."),
                  log=True, missing_means_zero=True),
    RiskIndicator("refugees_hosted_per_1000", "high",
                  N_("Large refugee populations are vulnerable themselves and strain services "
                  "(INFORM: uprooted people)."), log=True),
    RiskIndicator("refugees_origin_per_1000", "high",
                  N_("Many people fleeing abroad show that life at home has become unsafe."),
                  log=True),
    RiskIndicator("extreme_poverty", "high",
                  N_("People below $3 a day cannot absorb a loss (sparse survey data)."), log=True),
    RiskIndicator("maternal_mortality", "high",
                  N_("Mothers dying in childbirth signal a health system that fails women."),
                  log=True),
    # lack of coping capacity
    RiskIndicator("wgi_gov_effectiveness", "low",
                  N_("An ineffective government cannot organise a response (INFORM: governance).")),
    RiskIndicator("wgi_rule_of_law", "low",
                  N_("Weak rule of law lets aid and protection fail to reach people (INFORM uses "
                  "corruption perception).")),
    RiskIndicator("water_basic", "low",
                  N_("Without safe water, a shock quickly becomes a health crisis (INFORM: physical "
                  "infrastructure).")),
    RiskIndicator("sanitation_basic", "low",
                  N_("Without sanitation, disease spreads fast after a shock (INFORM: physical "
                  "infrastructure).")),
    RiskIndicator("health_spending_gdp", "low",
                  N_("Little health spending means few clinics and staff to cope (INFORM: access to "
                  "health care).")),
    # used by the vulnerable-groups lenses
    RiskIndicator("life_expectancy_f", "low", N_("Women's life expectancy."),
                  family="life_expectancy"),
    RiskIndicator("life_expectancy_m", "low", N_("Men's life expectancy."),
                  family="life_expectancy"),
    RiskIndicator("mean_schooling_f", "low", N_("Women's years of schooling."),
                  family="mean_schooling"),
    RiskIndicator("mean_schooling_m", "low", N_("Men's years of schooling."),
                  family="mean_schooling"),
    RiskIndicator("labour_part_f", "low",
                  N_("Women's participation in paid work: income of their own to cope with a shock."),
                  family="labour_part"),
    RiskIndicator("labour_part_m", "low",
                  N_("Men's participation in paid work: income of their own to cope with a shock."),
                  family="labour_part"),
    RiskIndicator("expected_schooling", "low",
                  N_("Years of school a child can expect: children's access to education.")),
)}

#: The lab's default mapping of indicators to the three dimensions (editable).
DEFAULT_MODEL: dict[str, tuple[str, ...]] = {
    "hazard_exposure": ("battle_deaths_per_100k", "homicide_rate", "wgi_stability"),
    "vulnerability": ("life_expectancy", "mean_schooling", "under5_mortality",
                      "undernourishment", "gini", "gender_inequality", "idps_per_1000",
                      "refugees_hosted_per_1000"),
    "lack_of_coping": ("wgi_gov_effectiveness", "wgi_rule_of_law", "water_basic",
                       "sanitation_basic", "health_spending_gdp"),
}

#: Vulnerable-groups lenses: label, indicator swaps and additions (to vulnerability).
LENSES: dict[str, dict] = {
    "everyone": {"label": N_("Everyone (national averages)"), "swap": {}, "add": ()},
    "women": {"label": N_("Women and girls"),
              "swap": {"life_expectancy": "life_expectancy_f",
                       "mean_schooling": "mean_schooling_f"},
              "add": ("labour_part_f", "maternal_mortality")},
    "men": {"label": N_("Men and boys"),
            "swap": {"life_expectancy": "life_expectancy_m",
                     "mean_schooling": "mean_schooling_m"},
            "add": ("labour_part_m",)},
    "children": {"label": N_("Children"),
                 "swap": {"mean_schooling": "expected_schooling"}, "add": ()},
}


# --------------------------------------------------------------------------- model
def check_model(model: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """Check a mapping of dimension -> indicators; return it cleaned.

    >>> check_model({"hazard_exposure": ["homicide_rate"], "vulnerability": ["gini"],
    ...              "lack_of_coping": ["water_basic"]})["vulnerability"]
    ('gini',)
    >>> check_model({"hazard_exposure": [], "vulnerability": ["gini"],
    ...              "lack_of_coping": ["water_basic"]})
    Traceback (most recent call last):
    ...
    widgets.errors.LabInputError: Hazard & exposure has no indicator. Give each of the three dimensions at least one.
    """
    out: dict[str, tuple[str, ...]] = {}
    for dim, label in RISK_DIMENSIONS.items():
        ids = tuple(dict.fromkeys(model.get(dim, ())))
        if not ids:
            raise LabInputError(_(
                "{dimension} has no indicator. Give each of the three dimensions at least one."
            ).format(dimension=_(label)))
        unknown = [i for i in ids if i not in RISK_INDICATORS]
        if unknown:
            raise LabInputError(_(
                "{indicator} is not one of the indicators the risk model can use."
            ).format(indicator=repr(unknown[0])))
        out[dim] = ids
    return out


def apply_lens(model: Mapping[str, Sequence[str]], lens: str) -> dict[str, tuple[str, ...]]:
    """The model seen through a vulnerable-groups lens (e.g. ``"women"``).

    National averages are swapped for the group's own values where the data
    have them, and group-specific indicators are added to vulnerability.

    >>> apply_lens(DEFAULT_MODEL, "women")["vulnerability"][:2]
    ('life_expectancy_f', 'mean_schooling_f')
    """
    if lens not in LENSES:
        raise LabInputError(_("{lens} is not a lens. Choose one of: {lenses}.").format(
            lens=repr(lens), lenses=", ".join(LENSES)))
    spec = LENSES[lens]
    out = {dim: tuple(spec["swap"].get(i, i) for i in ids) for dim, ids in model.items()}
    extra = tuple(i for i in spec["add"] if i not in out.get("vulnerability", ()))
    out["vulnerability"] = tuple(out.get("vulnerability", ())) + extra
    return out


# --------------------------------------------------------------------------- values
def fill_recent(
    panel: pd.DataFrame, indicators: Sequence[str], max_age: int = 3
) -> pd.DataFrame:
    """Panel indexed by (iso3, year) where gaps take the country's latest value ≤ ``max_age`` years old.

    Indicators marked ``missing_means_zero`` get 0 in empty cells, up to the
    last year in which that indicator has any data at all.

    >>> panel = pd.DataFrame({"iso3": ["A"] * 3, "year": [2020, 2021, 2022],
    ...                       "gini": [40.0, None, None]})
    >>> fill_recent(panel, ["gini"], max_age=1)["gini"].tolist()
    [40.0, 40.0, nan]
    """
    df = panel.set_index(["iso3", "year"]).sort_index()[list(indicators)].astype(float)
    years = df.index.get_level_values("year")
    filled = df.copy()
    if max_age > 0:
        last_year = df.notna().mul(years, axis=0).where(df.notna())
        last_year = last_year.groupby(level="iso3").ffill()
        ffilled = df.groupby(level="iso3").ffill()
        age_ok = last_year.rsub(years, axis=0) <= max_age
        filled = ffilled.where(age_ok)
    for ind in indicators:
        spec = RISK_INDICATORS.get(ind)
        if spec is not None and spec.missing_means_zero and df[ind].notna().any():
            last = years[df[ind].notna().to_numpy()].max()
            filled.loc[(years <= last) & filled[ind].isna(), ind] = 0.0
    return filled


def risk_bounds(values: pd.DataFrame, trim: float = 0.0) -> dict[str, tuple[float, float]]:
    """Lowest and highest value of each indicator over all country-years (log-scaled
    where the indicator is skewed). Indicators of one family share their bounds.

    ``trim`` > 0 uses percentiles instead of the extremes (``0.02``: the 2nd and
    98th), so that a few outliers are capped at 0 or 10, as INFORM caps outliers.

    >>> v = pd.DataFrame({"life_expectancy_f": [60.0, 80.0], "life_expectancy_m": [50.0, 75.0]})
    >>> risk_bounds(v)["life_expectancy_f"]
    (50.0, 80.0)
    """
    transformed = _transform(values)
    lo_q, hi_q = trim, 1 - trim
    bounds = {c: (float(transformed[c].quantile(lo_q)), float(transformed[c].quantile(hi_q)))
              for c in transformed.columns}
    families: dict[str, list[str]] = {}
    for c in values.columns:
        fam = RISK_INDICATORS[c].family if c in RISK_INDICATORS else ""
        if fam:
            families.setdefault(fam, []).append(c)
    for members in families.values():
        lo = min(bounds[m][0] for m in members)
        hi = max(bounds[m][1] for m in members)
        for m in members:
            bounds[m] = (lo, hi)
    return bounds


def _transform(values: pd.DataFrame) -> pd.DataFrame:
    out = values.astype(float).copy()
    for c in out.columns:
        if c in RISK_INDICATORS and RISK_INDICATORS[c].log:
            out[c] = np.log1p(out[c].clip(lower=0))
    return out


def scale_to_risk(
    values: pd.DataFrame,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    trim: float = 0.0,
) -> pd.DataFrame:
    """Rescale each indicator to 0–10, where 10 is the worst value seen (most risk).

    Min–max over all countries and years (so scores are comparable over time),
    after a log for skewed indicators, and flipped where a *low* value means risk.
    ``trim``: see :func:`risk_bounds`.

    >>> v = pd.DataFrame({"wgi_stability": [-2.0, 0.0, 2.0], "gini": [25.0, 35.0, 65.0]})
    >>> scale_to_risk(v).round(1).to_dict("list")
    {'wgi_stability': [10.0, 5.0, 0.0], 'gini': [0.0, 2.5, 10.0]}
    """
    bounds = risk_bounds(values, trim) if bounds is None else bounds
    t = _transform(values)
    out = pd.DataFrame(index=values.index)
    for c in values.columns:
        if c not in RISK_INDICATORS:
            raise LabInputError(_(
                "{indicator} is not one of the indicators the risk model can use."
            ).format(indicator=repr(c)))
        lo, hi = bounds[c]
        span = hi - lo
        s = (t[c] - lo) / span * 10 if span > 0 else t[c] * 0 + 5.0
        s = s.clip(0, 10)
        out[c] = 10 - s if RISK_INDICATORS[c].risk_when == "low" else s
    return out


# --------------------------------------------------------------------------- combine
def dimension_scores(
    scores: pd.DataFrame, model: Mapping[str, Sequence[str]], min_share: float = 0.5
) -> pd.DataFrame:
    """Each dimension's score: the mean of its indicators' 0–10 scores.

    A country-year with data for fewer than ``min_share`` of a dimension's
    indicators gets no score for it (and so no risk).

    >>> s = pd.DataFrame({"gini": [10.0, 2.0], "homicide_rate": [4.0, None],
    ...                   "water_basic": [6.0, 8.0]}, index=["A", "B"])
    >>> m = {"hazard_exposure": ["homicide_rate"], "vulnerability": ["gini"],
    ...      "lack_of_coping": ["water_basic"]}
    >>> dimension_scores(s, m).to_dict("index")["A"]
    {'hazard_exposure': 4.0, 'vulnerability': 10.0, 'lack_of_coping': 6.0}
    """
    model = check_model(model)
    missing = [i for ids in model.values() for i in ids if i not in scores.columns]
    if missing:
        raise LabInputError(_("No scores were computed for {indicator}.").format(
            indicator=repr(missing[0])))
    out = {}
    for dim, ids in model.items():
        sub = scores[list(ids)].to_numpy(dtype=float)
        present = ~np.isnan(sub)
        n = present.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(present, sub, 0.0).sum(axis=1) / n
        out[dim] = np.where(n / sub.shape[1] >= min_share - 1e-12, mean, np.nan)
    return pd.DataFrame(out, index=scores.index)


def combine_risk(dims: pd.DataFrame) -> pd.Series:
    """INFORM risk: geometric mean of the three dimension scores (0–10).

    ``risk = HE^(1/3) × V^(1/3) × LCC^(1/3)``; missing if any dimension is.

    >>> d = pd.DataFrame({"hazard_exposure": [1.0], "vulnerability": [8.0],
    ...                   "lack_of_coping": [1.0]})
    >>> float(combine_risk(d).iloc[0])
    2.0
    """
    cols = list(RISK_DIMENSIONS)
    values = dims[cols].to_numpy(dtype=float)
    risk = np.cbrt(np.prod(values, axis=1))
    return pd.Series(risk, index=dims.index, name="risk")


def assess_risk(
    scores: pd.DataFrame, model: Mapping[str, Sequence[str]], min_share: float = 0.5
) -> pd.DataFrame:
    """Dimension scores and risk for every row of ``scores`` (from :func:`scale_to_risk`).

    >>> s = pd.DataFrame({"homicide_rate": [8.0], "gini": [8.0], "water_basic": [1.0]},
    ...                  index=["A"])
    >>> m = {"hazard_exposure": ["homicide_rate"], "vulnerability": ["gini"],
    ...      "lack_of_coping": ["water_basic"]}
    >>> assess_risk(s, m)["risk"].round(2).tolist()
    [4.0]
    """
    dims = dimension_scores(scores, model, min_share)
    dims["risk"] = combine_risk(dims)
    return dims


def risk_drivers(
    scores: pd.DataFrame,
    model: Mapping[str, Sequence[str]],
    row,
    reference: pd.Series | None = None,
    min_share: float = 0.5,
) -> pd.DataFrame:
    """Which indicators push one country's risk up most?

    For each indicator, the risk is recomputed with that indicator's score
    set to the ``reference`` (by default the median of all rows in
    ``scores``). ``push`` = actual risk − that risk: how many risk points the
    indicator adds compared with a typical country. Sorted, biggest push first.

    >>> s = pd.DataFrame({"homicide_rate": [9.0, 1.0, 2.0], "gini": [5.0, 5.0, 5.0],
    ...                   "water_basic": [5.0, 5.0, 5.0]}, index=["A", "B", "C"])
    >>> m = {"hazard_exposure": ["homicide_rate"], "vulnerability": ["gini"],
    ...      "lack_of_coping": ["water_basic"]}
    >>> risk_drivers(s, m, "A")[["indicator", "push"]].round(2).values.tolist()[0]
    ['homicide_rate', 2.4]
    """
    model = check_model(model)
    if row not in scores.index:
        raise LabInputError(_("There are no risk scores for {country}.").format(
            country=repr(row)))
    reference = scores.median() if reference is None else reference
    records = _driver_records(scores.loc[row].to_dict(), model, reference.to_dict(), min_share)
    if records is None:
        raise LabInputError(_(
            "This country has too little data to compute its risk. Choose another country "
            "or year."
        ))
    out = pd.DataFrame(records, columns=_DRIVER_COLUMNS)
    return out.sort_values("push", ascending=False, kind="stable").reset_index(drop=True)


_DRIVER_COLUMNS = ["indicator", "dimension", "score", "reference_score", "push"]


def _driver_records(values: Mapping[str, float], model: Mapping[str, Sequence[str]],
                    reference: Mapping[str, float], min_share: float) -> list[tuple] | None:
    """:func:`risk_drivers`' rows for one country-year, in model order (None: too little data)."""
    dims: dict[str, tuple[float, int, list[tuple[str, float]]]] = {}
    for dim, ids in model.items():
        present = [(i, float(values[i])) for i in ids if not pd.isna(values[i])]
        n = len(present)
        mean = sum(v for _, v in present) / n if n and n / len(ids) >= min_share - 1e-12 \
            else np.nan
        dims[dim] = (mean, n, present)
    if any(np.isnan(m) for m, _, _ in dims.values()):
        return None
    base_risk = float(np.cbrt(np.prod([m for m, _, _ in dims.values()])))
    records = []
    for dim, (mean, n, present) in dims.items():
        others = np.prod([m for d, (m, _, _) in dims.items() if d != dim])
        for ind, value in present:
            # the dimension's mean with this one score replaced by the reference
            new_dim = mean + (float(reference[ind]) - value) / n
            alt_risk = float(np.cbrt(new_dim * others))
            records.append((ind, dim, value, float(reference[ind]), base_risk - alt_risk))
    return records


def risk_drivers_by_year(
    scores_by_year: Mapping[int, pd.DataFrame],
    model: Mapping[str, Sequence[str]],
    row,
    references: Mapping[int, pd.Series],
    min_share: float = 0.5,
) -> pd.DataFrame:
    """:func:`risk_drivers` for every year in ``scores_by_year``, as one long table.

    Same rows as calling :func:`risk_drivers` year by year and stacking the
    results with a ``year`` column (biggest push first within each year), in
    a fraction of the time; years where ``row`` has too little data are left out.

    >>> s = pd.DataFrame({"homicide_rate": [9.0, 1.0, 2.0], "gini": [5.0, 5.0, 5.0],
    ...                   "water_basic": [5.0, 5.0, 5.0]}, index=["A", "B", "C"])
    >>> m = {"hazard_exposure": ["homicide_rate"], "vulnerability": ["gini"],
    ...      "lack_of_coping": ["water_basic"]}
    >>> d = risk_drivers_by_year({2020: s, 2021: s}, m, "A", {2020: s.median(), 2021: s.median()})
    >>> d[["year", "indicator"]].values.tolist()[:2]
    [[2020, 'homicide_rate'], [2020, 'gini']]
    """
    model = check_model(model)
    rows: list[tuple] = []
    for year in sorted(scores_by_year):
        scores = scores_by_year[year]
        if row not in scores.index:
            continue
        records = _driver_records(scores.loc[row].to_dict(), model,
                                  references[year].to_dict(), min_share)
        if records:
            # biggest push first; sorted() is stable, as the single-year table is
            rows += [(year, *r) for r in sorted(records, key=lambda r: -r[4])]
    return pd.DataFrame(rows, columns=["year", *_DRIVER_COLUMNS])


def _nan_quantiles(values: np.ndarray, qs: Sequence[float]) -> list[np.ndarray]:
    """Quantiles of each column, ignoring NaN, by linear interpolation (numpy's and
    pandas' default); NaN for a column without values. One sort for all of them:
    ``np.nanquantile`` along an axis works column by column, ~50x slower here.

    >>> a = np.array([[1.0, np.nan], [3.0, np.nan], [2.0, 5.0]])
    >>> [q.tolist() for q in _nan_quantiles(a, [0.5, 0.25])]
    [[2.0, 5.0], [1.5, 5.0]]
    """
    if values.shape[0] == 0:  # no peers at all
        return [np.full(values.shape[1], np.nan) for _ in qs]
    ordered = np.sort(values, axis=0)  # NaN last
    count = (~np.isnan(ordered)).sum(axis=0)
    last = np.maximum(count - 1, 0)
    cols = np.arange(ordered.shape[1])
    out = []
    for q in qs:
        pos = q * last
        lo = np.floor(pos).astype(int)
        hi = np.minimum(lo + 1, last)
        a, b = ordered[lo, cols], ordered[hi, cols]
        value = a + (b - a) * (pos - lo)
        out.append(np.where(count > 0, value, np.nan))
    return out


def peer_comparison_wide(matrix: pd.DataFrame, country: str, peers: Sequence[str]
                         ) -> pd.DataFrame:
    """:func:`peer_comparison` from a wide table of risk (one row per country, one column
    per year), which a widget that asks often keeps; quantiles in one sort per call.

    >>> m = pd.DataFrame({2020: [5.0, 2.0, 4.0], 2021: [6.0, 2.0, 3.0]}, index=["A", "B", "C"])
    >>> peer_comparison_wide(m, "A", ["B", "C"])[["year", "country", "peer_median"]].values.tolist()
    [[2020.0, 5.0, 3.0], [2021.0, 6.0, 2.5]]
    """
    if country not in matrix.index:
        raise LabInputError(_("This country has no risk score in any year."))
    own = matrix.loc[country].to_numpy(dtype=float)
    has = ~np.isnan(own)
    if not has.any():
        raise LabInputError(_("This country has no risk score in any year."))
    others = matrix.loc[matrix.index.isin([p for p in peers if p != country])].to_numpy(
        dtype=float)[:, has]
    low, median, high = _nan_quantiles(others, (0.25, 0.5, 0.75))
    return pd.DataFrame({"year": np.asarray(matrix.columns)[has], "country": own[has],
                         "peer_median": median, "peer_low": low, "peer_high": high})


def peer_comparison(risk: pd.DataFrame, country: str, peers: Sequence[str]) -> pd.DataFrame:
    """A country's risk over time beside the median and middle half of its peers.

    ``risk`` has columns ``iso3, year, risk``.

    >>> r = pd.DataFrame({"iso3": ["A", "B", "C"] * 2, "year": [2020] * 3 + [2021] * 3,
    ...                   "risk": [5.0, 2.0, 4.0, 6.0, 2.0, 3.0]})
    >>> peer_comparison(r, "A", ["B", "C"])[["year", "country", "peer_median"]].values.tolist()
    [[2020.0, 5.0, 3.0], [2021.0, 6.0, 2.5]]
    """
    return peer_comparison_wide(risk.pivot(index="iso3", columns="year", values="risk"),
                                country, peers)
