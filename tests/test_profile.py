"""Pure functions and chart builders behind CountryProfile."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets.charts.profile import profile_chart, profile_spec
from widgets.errors import LabInputError
from widgets.explore import percentile_scores
from widgets.profile import (
    country_profile,
    dimension_summary,
    latest_table,
    most_vulnerable_dimensions,
    profile_table,
    start_values,
    trend_word,
)

COUNTRIES = pd.DataFrame({
    "iso3": ["KEN", "NGA", "FRA", "DEU"],
    "un_region": ["Africa", "Africa", "Europe", "Europe"],
    "income_group": ["Lower middle income", "Lower middle income", "High income", "High income"],
})
PANEL = pd.DataFrame({
    "iso3": ["KEN", "NGA", "FRA", "DEU"] * 3,
    "year": [2000] * 4 + [2010] * 4 + [2020] * 4,
    # under-5 mortality: lower is better
    "u5": [100.0, 180.0, 5.0, 5.0, 70.0, 130.0, 4.0, 4.0, 40.0, 110.0, 4.0, np.nan],
    # life expectancy: higher is better; Nigeria's last value is old
    "life": [52.0, 46.0, 79.0, 78.0, 58.0, np.nan, 81.0, 80.0, 62.0, np.nan, 82.0, 81.0],
})
INFO = {"u5": {"direction": "higher_is_worse", "dimension": "health"},
        "life": {"direction": "higher_is_better", "dimension": "economic"}}


@pytest.fixture(scope="module")
def table():
    return profile_table(PANEL, COUNTRIES, INFO, ["u5", "life"], since=2000, max_age=None)


def test_latest_value_and_year_per_country():
    lt = latest_table(PANEL, "u5").set_index("iso3")
    assert lt.loc["DEU", "year"] == 2010 and lt.loc["DEU", "value"] == 4.0
    assert lt.loc["KEN", "year"] == 2020


def test_old_values_are_dropped_with_max_age():
    lt = latest_table(PANEL, "life", max_age=5)
    assert "NGA" not in set(lt["iso3"])


def test_start_value_is_first_from_since():
    sv = start_values(PANEL, "life", since=2001, window=10).set_index("iso3")
    assert sv.loc["KEN", "year"] == 2010 and "NGA" not in sv.index


def test_percentiles_in_world_and_group(table):
    u5 = table[table.indicator == "u5"].set_index("iso3")
    # world: FRA 4 (best) and DEU 4 (2010) tie, KEN 40, NGA 110 (worst)
    assert u5.loc["NGA", "pct_world"] == 0 and u5.loc["KEN", "pct_world"] == pytest.approx(100 / 3)
    assert u5.loc["FRA", "pct_world"] == u5.loc["DEU", "pct_world"]
    # within Africa only KEN and NGA count
    assert u5.loc["KEN", "pct_region"] == 100 and u5.loc["NGA", "pct_region"] == 0
    assert u5.loc["KEN", "n_region"] == 2 and u5.loc["KEN", "n_world"] == 4


def test_trend_accounts_for_direction(table):
    t = table.set_index(["iso3", "indicator"])
    assert t.loc[("KEN", "u5"), "trend"] == "improved"       # 100 -> 40, lower is better
    assert t.loc[("KEN", "u5"), "change"] == -60
    assert t.loc[("KEN", "life"), "trend"] == "improved"     # 52 -> 62
    assert t.loc[("NGA", "life"), "trend"] == "no trend data"  # start and end both 2000


def test_trend_word_little_change_and_neutral():
    assert trend_word(0.2, "higher_is_better", 0.5) == "little change"
    assert trend_word(-2, "neutral", 0.5) == "fell"
    assert trend_word(np.nan, "higher_is_worse", 0.5) == "no trend data"


@given(st.floats(-100, 100), st.floats(0, 10))
def test_trend_word_flips_with_direction(change, tol):
    a, b = trend_word(change, "higher_is_better", tol), trend_word(change, "higher_is_worse", tol)
    swap = {"improved": "worsened", "worsened": "improved", "little change": "little change"}
    assert swap[a] == b


def test_country_profile_keeps_missing_indicators(table):
    prof = country_profile(table, "NGA", ["u5", "life", "gini"])
    assert prof["indicator"].tolist() == ["u5", "life", "gini"]
    assert np.isnan(prof.set_index("indicator").loc["gini", "pct_world"])
    with pytest.raises(LabInputError, match="no data for 'XXX'"):
        country_profile(table, "XXX")


def test_dimension_summary_and_most_vulnerable(table):
    prof = country_profile(table, "KEN", ["u5", "life"])
    summary = dimension_summary(prof, {"u5": "health", "life": "economic"})
    pct = prof.set_index("indicator")["pct_world"]
    assert summary.set_index("dimension")["mean_percentile"].to_dict() == {
        "health": pct["u5"], "economic": pct["life"]}
    # KEN is 33rd percentile on both: a tie, so both are "most vulnerable"
    assert sorted(most_vulnerable_dimensions(summary, n=1)) == ["economic", "health"]
    assert most_vulnerable_dimensions(summary.assign(mean_percentile=np.nan)) == []


@given(st.lists(st.floats(0, 100), min_size=1, max_size=7))
def test_most_vulnerable_are_the_lowest(values):
    dims = [f"d{i}" for i in range(len(values))]
    summary = pd.DataFrame({"dimension": dims, "mean_percentile": values})
    weakest = most_vulnerable_dimensions(summary, n=2)
    chosen = [v for d, v in zip(dims, values, strict=True) if d in weakest]
    others = [v for d, v in zip(dims, values, strict=True) if d not in weakest]
    assert len(weakest) >= min(2, len(values))
    assert not others or max(chosen) <= min(others)


def test_profile_percentiles_match_explore_percentiles(table):
    lt = latest_table(PANEL, "life").set_index("iso3")["value"]
    expected = percentile_scores(lt, "higher_is_better")
    got = table[table.indicator == "life"].set_index("iso3")["pct_world"]
    assert np.allclose(got.sort_index(), expected.sort_index())


def _rows(n_highlight=1):
    return pd.DataFrame({
        "row": ["Health · Under-5", "Economic · Life"], "pct_world": [33.3, np.nan],
        "pct_compare": [100.0, 50.0], "detail": ["40 deaths (2020)", "no data"],
        "trend": ["improved", "no data"], "highlight": [True, False][:2]})


def test_profile_chart_embeds_rows_and_legend_label():
    rows = _rows()
    spec = profile_chart(rows, rows.iloc[:0], "Within Africa", "Kenya profile.").to_dict()
    assert spec["datasets"]["profile_rows"][1]["pct_world"] is None   # missing stays missing
    # the legend names the comparison through a parameter, so it can change in place
    assert {"name": "compare_label", "value": "Within Africa"} in spec["params"]
    assert "compare_label" in json.dumps(spec["vconcat"][0])
    assert spec["description"] == "Kenya profile."


def test_fast_profile_spec_equals_altair_build():
    rows = _rows()
    state = rows.assign(row=["State · Milex", "State · Forces"], highlight=False)
    for label in ["Within Africa", "Peer: Côte d'Ivoire", 'Say "hi" \\ there']:
        assert profile_spec(rows, state, label, "It's d.") == profile_chart(
            rows, state, label, "It's d.").to_dict()


def _summary_reference(profile: pd.DataFrame, dimension_of: dict) -> pd.DataFrame:
    """dimension_summary written the obvious way, with a pandas groupby."""
    grouped = profile.assign(dimension=profile["indicator"].map(dimension_of)).groupby(
        "dimension", sort=False)["pct_world"]
    out = pd.DataFrame({"mean_percentile": grouped.mean(), "n_with_data": grouped.count(),
                        "n_indicators": grouped.size()}).reset_index()
    return out.sort_values("mean_percentile", na_position="last", kind="stable").reset_index(
        drop=True)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(list("abcdefg")),
                          st.one_of(st.none(), st.floats(0, 100))), min_size=1, max_size=14),
       st.integers(0, 4))
def test_dimension_summary_matches_a_groupby(rows, n):
    dimension_of = {"a": "food", "b": "food", "c": "health", "d": "political",
                    "e": "economic", "f": "health"}  # "g" has no dimension: left out
    prof = pd.DataFrame({"indicator": [r[0] for r in rows],
                         "pct_world": [float("nan") if r[1] is None else r[1] for r in rows]})
    got = dimension_summary(prof, dimension_of)
    expected = _summary_reference(prof, dimension_of)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    worst = most_vulnerable_dimensions(got, n)
    valid = expected.dropna(subset=["mean_percentile"])
    cut = valid["mean_percentile"].nsmallest(n).max() if n > 0 and len(valid) else None
    assert worst == ([] if cut is None else
                     valid.loc[valid["mean_percentile"] <= cut, "dimension"].tolist())


def test_text_column_and_dots_share_every_row_for_a_country_with_gaps():
    """Kiribati lacks some indicators: its rows without a value used to vanish from the dots'
    axis while the text column kept them, so every text after a gap sat one row too low."""
    from widgets.ui.profile import CountryProfile

    w = CountryProfile()
    w.country.value = "KIR"
    spec = w.panel.chart.spec
    rows = spec["datasets"]["profile_rows"]
    assert any(r["pct_world"] is None for r in rows)          # the case that broke
    order = [r["row"] for r in rows]
    human = spec["vconcat"][0]["hconcat"]
    dots_y = [layer["encoding"]["y"] for layer in human[0]["layer"] if "y" in layer["encoding"]]
    text_y = human[1]["encoding"]["y"]
    for y in [*dots_y, text_y]:
        assert y["scale"]["domain"] == order
    # and the comparison's name reaches the browser's parameter table
    assert w.panel.chart._params["compare_label"] == "Within Oceania"
