"""Tests for widgets.tradeoffs (pure) and widgets.charts.tradeoffs (chart specs)."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets import data
from widgets.charts import nice_ticks
from widgets.charts.tradeoffs import (
    BANDS_NAME,
    COUNTRIES_NAME,
    POINTS_NAME,
    band_json,
    change_chart,
    pair_params,
    reallocation_chart,
    spending_explorer,
    spending_explorer_spec,
    titles_as_params,
)
from widgets.errors import LabInputError
from widgets.tradeoffs import (
    change_between,
    fit_loglog,
    fits_by_year,
    gdp_usd_from_milex,
    latest_complete_year,
    reallocate,
    summarise_change,
    t_quantile_975,
    units_affordable,
)

positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)


# ----------------------------------------------------------------- fit
def test_fit_recovers_known_power_law():
    x = np.array([1.0, 2, 4, 8, 16])
    y = 50 * x**-0.5
    fit = fit_loglog(x, y)
    assert fit.slope == pytest.approx(-0.5)
    assert fit.r2 == pytest.approx(1.0)
    assert fit.band["fit"].iloc[0] == pytest.approx(50.0)


def test_fit_matches_numpy_polyfit_on_noisy_data():
    rng = np.random.default_rng(1)
    x = rng.uniform(1, 100, 60)
    y = 3 * x**0.7 * rng.lognormal(0, 0.3, 60)
    fit = fit_loglog(x, y)
    slope, intercept = np.polyfit(np.log10(x), np.log10(y), 1)
    assert fit.slope == pytest.approx(slope)
    assert fit.intercept == pytest.approx(intercept)
    assert fit.slope_low < slope < fit.slope_high


def test_band_contains_line_and_is_narrowest_near_the_mean():
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 10, 40)
    y = 2 * x + rng.normal(0, 1, 40)
    fit = fit_loglog(x, y, log_x=False, log_y=False)
    band = fit.band
    assert (band["lower"] <= band["fit"]).all() and (band["fit"] <= band["upper"]).all()
    width = band["upper"] - band["lower"]
    centre = (band["x"] - x.mean()).abs().idxmin()
    assert width.iloc[centre] == width.min()


def test_band_coverage_by_simulation():
    """The 95% band for the mean at x0 covers the true mean ~95% of the time."""
    rng = np.random.default_rng(3)
    hits = 0
    trials = 400
    for _ in range(trials):
        x = rng.uniform(0, 10, 15)
        y = 1 + 0.5 * x + rng.normal(0, 1, 15)
        f = fit_loglog(x, y, log_x=False, log_y=False, grid_points=3)
        mid = f.band.iloc[1]
        hits += mid["lower"] <= 1 + 0.5 * mid["x"] <= mid["upper"]
    assert 0.91 <= hits / trials <= 0.99


def test_t_quantile_close_to_tables():
    # Published values of t(0.975, df)
    for df, value in [(3, 3.182), (5, 2.571), (10, 2.228), (30, 2.042), (120, 1.980)]:
        assert t_quantile_975(df) == pytest.approx(value, abs=0.01)


def test_fit_drops_missing_and_non_positive_on_log_scale():
    fit = fit_loglog([1, 2, np.nan, 4, 0, 8], [4, 2, 3, 1, 5, 0.5])
    assert fit.n == 4


def test_fit_needs_three_points_and_spread():
    with pytest.raises(LabInputError, match="at least three"):
        fit_loglog([1, 2], [1, 2])
    with pytest.raises(LabInputError, match="same value"):
        fit_loglog([2, 2, 2], [1, 2, 3])


def test_sentence_says_when_interval_includes_zero():
    rng = np.random.default_rng(4)
    f = fit_loglog(rng.uniform(1, 10, 20), rng.uniform(1, 10, 20))
    text = f.sentence("military spending", "child mortality")
    assert ("includes zero" in text) == (f.slope_low <= 0 <= f.slope_high)


def test_fits_by_year_groups_and_skips_thin_years():
    rng = np.random.default_rng(5)
    rows = []
    for year in (2000, 2001):
        for g in ("Low income", "High income"):
            for _i in range(12 if year == 2000 else 4):
                rows.append({"year": year, "income_group": g, "milex_gdp": rng.uniform(0.5, 5),
                             "under5_mortality": rng.uniform(5, 100)})
    d = pd.DataFrame(rows)
    bands, summary = fits_by_year(d, "milex_gdp", "under5_mortality", group="income_group",
                                  min_countries=8)
    assert set(summary["year"]) == {2000}
    assert set(summary["group"]) == {"Low income", "High income"}
    assert set(bands["group"]) == {"Low income", "High income"}


# ----------------------------------------------------------------- trajectories
def test_change_between_keeps_only_countries_with_both_years():
    d = pd.DataFrame({"iso3": ["A", "A", "B", "C", "C"], "year": [1990, 2000, 1990, 1990, 2000],
                      "milex_gdp": [4.0, 2.0, 1.0, 3.0, None], "name": list("AABCC")})
    out = change_between(d, "milex_gdp", 1990, 2000)
    assert out["iso3"].tolist() == ["A"]
    assert out["change"].iloc[0] == -2.0
    assert out["pct_change"].iloc[0] == -50.0
    assert out["name"].iloc[0] == "A"


@settings(deadline=None)
@given(st.lists(st.tuples(positive, positive), min_size=1, max_size=20))
def test_change_is_end_minus_start(pairs):
    rows = []
    for i, (a, b) in enumerate(pairs):
        rows += [{"iso3": f"C{i}", "year": 2014, "v": a}, {"iso3": f"C{i}", "year": 2024, "v": b}]
    out = change_between(pd.DataFrame(rows), "v", 2014, 2024)
    assert np.allclose(out["end_value"] - out["start_value"], out["change"])
    s = summarise_change(out)
    assert s["n"] == len(pairs) and s["n_fell"] + s["n_rose"] <= s["n"]


def test_change_between_bad_input():
    d = pd.DataFrame({"iso3": ["A"], "year": [1990], "v": [1.0]})
    with pytest.raises(LabInputError, match="two different years"):
        change_between(d, "v", 1990, 1990)
    with pytest.raises(LabInputError, match="2000"):
        change_between(d, "v", 1990, 2000)


# ----------------------------------------------------------------- reallocation
@settings(deadline=None, max_examples=200)
@given(milex=positive, share_gdp=st.floats(0.05, 20), target=st.floats(0.0, 20),
       pop=st.floats(1e3, 2e9), pct=st.floats(0, 100, allow_subnormal=False))
def test_reallocation_conserves_money(milex, share_gdp, target, pop, pct):
    r = reallocate(milex, share_gdp, target, pop, pct)
    assert math.isclose(r.military_after + r.shifted, r.military_before, rel_tol=1e-12)
    # (the difference of two large numbers is only as exact as the numbers themselves)
    assert math.isclose(r.target_after - r.target_before, r.shifted, rel_tol=1e-9,
                        abs_tol=1e-12 * max(1.0, r.target_before))
    assert math.isclose(r.shifted_per_person * pop, r.shifted, rel_tol=1e-12, abs_tol=1e-9)
    assert r.military_after >= 0
    table = r.as_table()
    total_now = table.loc[table["when"] == "Now", "per_person_usd"].sum()
    total_after = table.loc[table["when"] == "After the shift", "per_person_usd"].sum()
    assert math.isclose(total_now, total_after, rel_tol=1e-9)


@settings(deadline=None)
@given(milex=positive, share_gdp=st.floats(0.05, 20), target=st.floats(0.1, 20),
       pop=st.floats(1e3, 2e9), a=st.floats(0, 50), b=st.floats(0, 50))
def test_reallocation_linear_in_share(milex, share_gdp, target, pop, a, b):
    ra, rb = reallocate(milex, share_gdp, target, pop, a), reallocate(milex, share_gdp, target,
                                                                        pop, b)
    rab = reallocate(milex, share_gdp, target, pop, a + b)
    assert math.isclose(ra.shifted + rb.shifted, rab.shifted, rel_tol=1e-9, abs_tol=1e-6)


def test_reallocation_uses_gdp_derived_from_milex():
    # milex 2% of GDP, 1e9 US$ -> GDP 5e10; health 5% -> 2.5e9; 10% of milex = 1e8 = 4%.
    r = reallocate(1e9, 2.0, 5.0, 1e7, 10)
    assert r.gdp_usd == pytest.approx(gdp_usd_from_milex(1e9, 2.0)) == pytest.approx(5e10)
    assert r.increase_pct_of_target == pytest.approx(4.0)


@pytest.mark.parametrize("kwargs, message", [
    ({"share_pct": 120}, "between 0% and 100%"),
    ({"share_pct": "lots"}, "not a percentage"),
    ({"milex_usd": float("nan")}, "no military spending"),
    ({"population": 0}, "no population"),
    ({"target_share_gdp": None}, "no health spending"),
])
def test_reallocation_bad_input(kwargs, message):
    args = {"milex_usd": 1e9, "milex_gdp": 2.0, "target_share_gdp": 5.0, "population": 1e7,
            "share_pct": 10}
    args.update(kwargs)
    with pytest.raises(LabInputError, match=message):
        reallocate(**args)


def test_units_affordable_and_bad_cost():
    assert units_affordable(1000, 50) == 20
    with pytest.raises(LabInputError):
        units_affordable(1000, 0)


def test_latest_complete_year():
    d = pd.DataFrame({"year": [2019, 2020, 2021], "a": [1, None, 1], "b": [1, 1, None]})
    assert latest_complete_year(d, ["a", "b"]) == 2019
    with pytest.raises(LabInputError):
        latest_complete_year(d.iloc[1:], ["a", "b"])


# ----------------------------------------------------------------- charts
def _points():
    return pd.DataFrame({
        "iso3": ["A", "B", "C", "A", "B", "C"], "name": list("ABCABC"),
        "year": [2000] * 3 + [2001] * 3, "income_group": ["Low income"] * 6,
        "milex_gdp": [1.0, 2, 3, 1.5, 2.5, None], "under5_mortality": [30.0, 20, 10, 25, 15, 9]})


def test_explorer_spec_embeds_data_once_and_drives_by_params():
    pts = _points()
    bands, _ = fits_by_year(pts, "milex_gdp", "under5_mortality", min_countries=2)
    spec = spending_explorer(pts, bands, "milex_gdp", "under5_mortality", 2001, ["B"],
                             description="Six points.").to_dict()
    assert spec["description"] == "Six points."
    params = {p["name"]: p["value"] for p in spec["params"]}
    assert {k: params[k] for k in ("year", "highlight", "grouped")} == {
        "year": 2001, "highlight": ["B"], "grouped": False}
    assert params["x_field"] == "mgdp" and params["y_field"] == "u5"
    assert params["x_log"] and params["y_log"]
    # the rows embedded once (shared by scatter and lines, as JSON text), without names;
    # the names once per country; the bands once (only 2000 has three complete rows:
    # one row of 15 grid points, flattened in the chart)
    rows = json.loads(spec["data"]["values"])
    assert spec["data"]["name"] == POINTS_NAME and len(rows) == 6
    assert set(rows[0]) == {"iso3", "year", "mgdp", "u5"}
    assert spec["datasets"][COUNTRIES_NAME] == [
        {"iso3": c, "name": c, "income_group": "Low income"} for c in "ABC"]
    bands_data = spec["vconcat"][0]["layer"][0]["data"]
    bands_rows = json.loads(bands_data["values"])
    assert bands_data["name"] == BANDS_NAME and len(bands_rows) == 1
    assert [len(bands_rows[0][k]) for k in ("xv", "fit", "lower", "upper")] == [15] * 4
    assert scatter_flattens_bands(spec)
    scatter = spec["vconcat"][0]
    assert "datum.year == year" in scatter["layer"][1]["transform"][0]["filter"]
    # the axes plot log10 of the values, with the pair's domain and ticks as parameters
    x = scatter["layer"][1]["encoding"]["x"]
    assert x["field"] == "px" and x["scale"]["domain"] == {"expr": "x_domain"}
    assert x["axis"]["values"] == {"expr": "x_ticks"}


def scatter_flattens_bands(spec: dict) -> bool:
    band = spec["vconcat"][0]["layer"][0]["transform"]
    return band[0] == {"filter": "datum.year == year"} and band[1] == {
        "flatten": ["xv", "fit", "lower", "upper"]}


def test_band_json_matches_the_fits_point_for_point():
    pts = _points()
    bands, _ = fits_by_year(pts, "milex_gdp", "under5_mortality", min_countries=2)
    rows = json.loads(band_json(bands))
    flat = pd.DataFrame([{"year": r["year"], "group": r["group"], "x": x, "fit": f}
                         for r in rows for x, f in zip(r["xv"], r["fit"], strict=True)])
    assert len(flat) == len(bands)
    assert np.allclose(flat["x"], bands["x"], rtol=1e-3)
    assert np.allclose(flat["fit"], bands["fit"], rtol=1e-3)


def test_pair_params_axes_domains_and_ticks():
    pts = pd.DataFrame({"milex_gdp": [0.5, 2.0, 8.0, None],
                        "life_expectancy": [50.0, 60.0, 80.0, 70.0]})
    p = pair_params(pts, "milex_gdp", "life_expectancy")
    assert p["x_log"] and not p["y_log"]
    # log axis: log10 of 0.5 * 0.9 .. 8 * 1.1; ticks at 1-2-5 steps inside it
    assert p["x_domain"] == pytest.approx([math.log10(0.45), math.log10(8.8)], abs=1e-6)
    assert [round(10 ** t, 6) for t in p["x_ticks"]] == [0.5, 1, 2, 5]
    # linear axis: 3% of the range added on each side; round ticks inside it
    assert p["y_domain"] == pytest.approx([49.1, 80.9])
    assert p["y_ticks"] == [50.0, 60.0, 70.0, 80.0]
    assert p["y_title"] == "Life expectancy (years)" and p["y_unit"] == "years"


@given(lo=st.floats(0.001, 1e6), ratio=st.floats(1.01, 1e4), log=st.booleans())
def test_ticks_lie_inside_the_domain_and_increase(lo, ratio, log):
    hi = lo * ratio
    ticks = nice_ticks(lo, hi, log)
    assert ticks == sorted(set(ticks)) and len(ticks) >= 2
    assert all(lo - 1e-9 * hi <= t <= hi * (1 + 1e-9) for t in ticks)


def test_change_chart_and_reallocation_chart():
    c = pd.DataFrame({"iso3": ["A", "B"], "name": ["A", "B"], "start_value": [3.0, 1.0],
                      "end_value": [2.0, 1.5], "change": [-1.0, 0.5]})
    spec = change_chart(c, 1990, 2000, "Military spending").to_dict()
    assert "1990 → 2000" in spec["title"]["text"]
    t = pd.DataFrame({"iso3": ["A", "A"], "name": ["A", "A"], "target": ["Health", "Education"],
                      "year": [2022, 2022], "military_pp": [10.0, 10.0], "target_pp": [50.0, 30.0]})
    spec = reallocation_chart(t, "A", "Education", 20).to_dict()
    calc = [tr for tr in spec["transform"] if "calculate" in tr]
    assert any("share / 100" in tr["calculate"] for tr in calc)
    assert {p["name"]: p["value"] for p in spec["params"]}["share"] == 20.0


@pytest.mark.parametrize("pair", [("milex_gdp", "under5_mortality"),
                                  ("milex_per_capita_usd", "life_expectancy"),
                                  ("milex_gdp", "health_spending_gdp")])
@pytest.mark.parametrize("grouped", [False, True])
def test_fast_explorer_spec_equals_the_altair_build(pair, grouped):
    x, y = pair
    panel = data.load_panel([x, y, "population"]).merge(
        data.load_countries()[["iso3", "name", "income_group"]], on="iso3")
    pts = panel[["iso3", "name", "year", "income_group", x, y]].dropna(subset=[x, y], how="all")
    complete = pts.dropna(subset=["income_group", x, y] if grouped else [x, y])
    bands, _ = fits_by_year(complete, x, y, group="income_group" if grouped else None,
                            min_countries=8 if grouped else 10)
    fast = spending_explorer_spec(pts, bands, x, y, 2015, ["KEN", "NOR"], grouped)
    built = spending_explorer(pts, bands, x, y, 2015, ["KEN", "NOR"], grouped).to_dict()
    params = {p["name"]: p["value"] for p in built["params"]}
    assert fast == titles_as_params(built, params)
    # the axis titles follow the pair's parameters
    x_axis = fast["vconcat"][0]["layer"][1]["encoding"]["x"]["axis"]
    assert x_axis["title"] == {"expr": "x_title"}
    lines_y = fast["vconcat"][1]["vconcat"][0]["layer"][0]["encoding"]["y"]["axis"]
    assert lines_y["title"] == {"expr": "[x_short, '(' + x_unit + ')']"}
