"""Risk maths (widgets.risk) and its charts (widgets.charts.risk)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets import data
from widgets import risk as rk
from widgets.charts import risk as cr
from widgets.errors import LabInputError

MODEL = {"hazard_exposure": ("homicide_rate", "wgi_stability"),
         "vulnerability": ("gini", "under5_mortality"),
         "lack_of_coping": ("water_basic",)}
COLUMNS = ["homicide_rate", "wgi_stability", "gini", "under5_mortality", "water_basic"]

value = st.floats(min_value=0.0, max_value=100.0, allow_nan=False)


@st.composite
def raw_values(draw):
    n = draw(st.integers(min_value=2, max_value=7))
    cols = {c: draw(st.lists(value, min_size=n, max_size=n)) for c in COLUMNS}
    cols["wgi_stability"] = [v / 20 - 2.5 for v in cols["wgi_stability"]]
    return pd.DataFrame(cols, index=[f"C{i}" for i in range(n)], dtype=float)


@settings(deadline=None, max_examples=60)
@given(raw_values(), st.sampled_from([0.0, 0.1]))
def test_scaled_scores_are_between_0_and_10(values, trim):
    scores = rk.scale_to_risk(values, trim=trim)
    arr = scores.to_numpy()
    assert ((arr >= 0) & (arr <= 10)).all()
    risk = rk.assess_risk(scores, MODEL)
    assert risk.to_numpy().min() >= 0 and risk.to_numpy().max() <= 10 + 1e-9


@settings(deadline=None, max_examples=60)
@given(raw_values(), st.data(), st.sampled_from([0.0, 0.1]))
def test_raising_a_higher_is_worse_indicator_never_lowers_risk(values, draw, trim):
    col = draw.draw(st.sampled_from(["homicide_rate", "gini", "under5_mortality"]))
    row = draw.draw(st.sampled_from(list(values.index)))
    before = rk.assess_risk(rk.scale_to_risk(values, trim=trim), MODEL)["risk"][row]
    raised = values.copy()
    raised.loc[row, col] += draw.draw(st.floats(min_value=0, max_value=100))
    after = rk.assess_risk(rk.scale_to_risk(raised, trim=trim), MODEL)["risk"][row]
    assert after >= before - 1e-9


@settings(deadline=None, max_examples=60)
@given(raw_values(), st.data())
def test_lowering_a_coping_indicator_never_lowers_risk(values, draw):
    row = draw.draw(st.sampled_from(list(values.index)))
    before = rk.assess_risk(rk.scale_to_risk(values), MODEL)["risk"][row]
    worse = values.copy()
    worse.loc[row, "water_basic"] -= draw.draw(st.floats(min_value=0, max_value=100))
    after = rk.assess_risk(rk.scale_to_risk(worse), MODEL)["risk"][row]
    assert after >= before - 1e-9


@settings(deadline=None, max_examples=60)
@given(raw_values(), st.permutations(COLUMNS))
def test_risk_does_not_depend_on_indicator_order(values, order):
    scores = rk.scale_to_risk(values)
    shuffled = {d: tuple(reversed(ids)) for d, ids in MODEL.items()}
    a = rk.assess_risk(scores, MODEL)
    b = rk.assess_risk(scores[order], shuffled)
    np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), equal_nan=True)


def test_geometric_mean_needs_all_three_dimensions():
    dims = pd.DataFrame({"hazard_exposure": [0.0, 10.0], "vulnerability": [10.0, 10.0],
                         "lack_of_coping": [10.0, 10.0]})
    assert rk.combine_risk(dims).tolist() == [0.0, 10.0]


def test_a_dimension_with_too_little_data_leaves_risk_missing():
    scores = pd.DataFrame({"homicide_rate": [5.0, np.nan], "wgi_stability": [5.0, np.nan],
                           "gini": [5.0, 5.0], "under5_mortality": [5.0, 5.0],
                           "water_basic": [5.0, 5.0]}, index=["A", "B"])
    out = rk.assess_risk(scores, MODEL)
    assert out.loc["A", "risk"] == pytest.approx(5.0)
    assert np.isnan(out.loc["B", "risk"])


def test_model_without_indicators_gives_a_message():
    with pytest.raises(LabInputError, match="at least one"):
        rk.check_model({**MODEL, "lack_of_coping": ()})
    with pytest.raises(LabInputError, match="not one of the indicators"):
        rk.check_model({**MODEL, "lack_of_coping": ("population",)})


def test_every_default_indicator_is_in_the_catalogue_with_a_matching_direction():
    cat = data.load_catalogue()
    for ind in rk.RISK_INDICATORS.values():
        assert ind.id in cat.index
        direction = cat.loc[ind.id, "direction"]
        if direction == "higher_is_worse":
            assert ind.risk_when == "high", ind.id
        elif direction == "higher_is_better":
            assert ind.risk_when == "low", ind.id
        assert ind.reason


def test_fill_recent_respects_age_and_missing_means_zero():
    panel = pd.DataFrame({"iso3": ["A"] * 4 + ["B"] * 4, "year": [2020, 2021, 2022, 2023] * 2,
                          "homicide_rate": [3.0, None, None, None, None, None, None, None],
                          "battle_deaths_per_100k": [None, 2.0, None, None,
                                                     None, None, 1.0, None]})
    out = rk.fill_recent(panel, ["homicide_rate", "battle_deaths_per_100k"], max_age=2)
    assert out.loc[("A", 2022), "homicide_rate"] == 3.0
    assert np.isnan(out.loc[("A", 2023), "homicide_rate"])
    # battle deaths: no record = no conflict, up to the last year with any data (2022)
    assert out.loc[("B", 2020), "battle_deaths_per_100k"] == 0.0
    assert out.loc[("A", 2022), "battle_deaths_per_100k"] == 2.0  # carried, not zeroed
    assert np.isnan(out.loc[("B", 2023), "battle_deaths_per_100k"]) or \
        out.loc[("B", 2023), "battle_deaths_per_100k"] == 1.0


def test_family_members_share_one_scale():
    v = pd.DataFrame({"life_expectancy": [60.0, 70.0], "life_expectancy_f": [62.0, 80.0],
                      "life_expectancy_m": [50.0, 68.0]})
    b = rk.risk_bounds(v)
    assert b["life_expectancy"] == b["life_expectancy_f"] == b["life_expectancy_m"] == (50, 80)


def test_lens_swaps_and_adds_group_indicators():
    women = rk.apply_lens(rk.DEFAULT_MODEL, "women")
    assert "life_expectancy_f" in women["vulnerability"]
    assert "life_expectancy" not in women["vulnerability"]
    assert "labour_part_f" in women["vulnerability"]
    assert women["hazard_exposure"] == rk.DEFAULT_MODEL["hazard_exposure"]
    with pytest.raises(LabInputError):
        rk.apply_lens(rk.DEFAULT_MODEL, "aliens")


def test_drivers_sum_to_the_gap_for_a_single_dimension_model():
    scores = pd.DataFrame({"homicide_rate": [9.0, 1.0, 3.0], "wgi_stability": [7.0, 1.0, 5.0],
                           "gini": [5.0] * 3, "under5_mortality": [5.0] * 3,
                           "water_basic": [5.0] * 3}, index=["A", "B", "C"])
    d = rk.risk_drivers(scores, MODEL, "A")
    assert d.iloc[0]["indicator"] == "homicide_rate"
    assert d.set_index("indicator").loc["gini", "push"] == pytest.approx(0.0)
    assert (d["push"].diff().dropna() <= 1e-12).all()  # sorted, biggest push first
    with pytest.raises(LabInputError):
        rk.risk_drivers(scores, MODEL, "ZZZ")


def test_peer_comparison_needs_a_scored_country():
    r = pd.DataFrame({"iso3": ["A", "B"], "year": [2020, 2020], "risk": [np.nan, 3.0]})
    with pytest.raises(LabInputError, match="no risk score"):
        rk.peer_comparison(r, "A", ["B"])


def _peer_comparison_reference(risk: pd.DataFrame, country: str, peers) -> pd.DataFrame:
    """The pandas group-by version peer_comparison had before (the reference)."""
    own = risk[risk["iso3"] == country].set_index("year")["risk"]
    if own.dropna().empty:
        raise LabInputError("This country has no risk score in any year.")
    others = risk[risk["iso3"].isin([p for p in peers if p != country])]
    grouped = others.groupby("year")["risk"]
    out = pd.DataFrame({
        "country": own,
        "peer_median": grouped.median(),
        "peer_low": grouped.quantile(0.25),
        "peer_high": grouped.quantile(0.75),
    }).reindex(own.index)
    out = out.reset_index().rename(columns={"index": "year"})
    return out.dropna(subset=["country"]).reset_index(drop=True)


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.floats(0, 10)), min_size=12, max_size=12),
       peers=st.sets(st.sampled_from(["B", "C", "D", "A"]), max_size=4))
def test_peer_comparison_wide_equals_peer_comparison(values, peers):
    # four countries, three years; None is a year without a score
    r = pd.DataFrame({"iso3": [c for c in "ABCD" for _ in range(3)],
                      "year": [2020, 2021, 2022] * 4,
                      "risk": [np.nan if v is None else v for v in values]})
    wide = r.pivot(index="iso3", columns="year", values="risk")
    try:
        expected = _peer_comparison_reference(r, "A", sorted(peers))
    except LabInputError:
        with pytest.raises(LabInputError):
            rk.peer_comparison_wide(wide, "A", sorted(peers))
        return
    got = rk.peer_comparison_wide(wide, "A", sorted(peers))
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    pd.testing.assert_frame_equal(rk.peer_comparison(r, "A", sorted(peers)), expected,
                                  check_dtype=False)


# --------------------------------------------------------------------------- on real data
def test_default_model_on_real_data_puts_conflict_countries_at_the_top():
    panel = data.load_panel(list(rk.RISK_INDICATORS), years=(2015, 2023))
    values = rk.fill_recent(panel, list(rk.RISK_INDICATORS), 5)
    scores = rk.scale_to_risk(values, trim=0.02)
    risk = rk.assess_risk(scores, rk.DEFAULT_MODEL)["risk"].xs(2023, level="year").dropna()
    assert len(risk) > 150
    top = set(risk.sort_values(ascending=False).index[:15])
    # countries with long-running armed conflict, by UCDP battle deaths in the data
    battles = panel[panel["year"].between(2019, 2023)].groupby("iso3")[
        "battle_deaths_per_100k"].sum()
    most_battles = set(battles.sort_values(ascending=False).index[:15])
    assert len(top & most_battles) >= 5
    bottom = risk.sort_values().index[:20]
    incomes = data.load_countries().set_index("iso3")["income_group"]
    assert (incomes.reindex(bottom) == "High income").mean() >= 0.7


# --------------------------------------------------------------------------- charts
def _results():
    rows = []
    for y in (2020, 2021):
        for iso, name, base in (("KEN", "Kenya", 5.0), ("NOR", "Norway", 1.0),
                                ("SOM", "Somalia", 8.0)):
            rows.append({"iso3": iso, "name": name, "year": y, "un_region": "Africa"
                         if iso != "NOR" else "Europe", "income_group": "Low income",
                         "risk": base, "hazard_exposure": base, "vulnerability": base,
                         "lack_of_coping": base, "risk_women": base + 0.5,
                         "risk_men": base - 0.2, "risk_children": base})
    return pd.DataFrame(rows)


def test_risk_map_embeds_the_map_once_and_filters_by_year_param():
    spec = cr.risk_map(_results(), 2021, "risk", "Risk map.").to_dict()
    text = str(spec)
    assert text.count("Topology") == 1
    assert {p["name"] for p in spec["params"]} >= {"year", "measure", "highlight"}
    assert spec["description"] == "Risk map."


def test_ranking_lens_drivers_and_trend_charts():
    res = _results()
    spec = cr.risk_ranking_chart(res, 2020, "Top.", region="Africa").to_dict()
    assert {p["name"]: p["value"] for p in spec["params"]}["region"] == "Africa"
    lens = cr.lens_chart(res, 2020, "women", {"women": "Women", "men": "Men",
                                              "children": "Children"}, "Lens.").to_dict()
    assert "risk_women" in str(lens)
    drivers = pd.DataFrame({"year": [2020, 2020], "label": ["Gini", "Homicide"],
                            "dimension": ["vulnerability", "hazard_exposure"],
                            "push": [0.3, 0.6], "score": [6.0, 8.0]})
    d = cr.drivers_chart(drivers, "Drivers.", year=2020).to_dict()
    assert d["params"][0]["name"] == "year"
    trend = pd.DataFrame({"year": [2020, 2021], "country": [5.0, 5.5], "peer_median": [4.0, 4.1],
                          "peer_low": [3.0, 3.1], "peer_high": [5.0, 5.1]})
    t = cr.trend_chart(trend, "Kenya", "countries in Africa", "Trend.").to_dict()
    assert t["description"] == "Trend."


def test_drivers_for_every_year_equal_the_drivers_year_by_year():
    from widgets.ui.risk_assessment import MIN_SHARE, RiskAssessment

    ra = RiskAssessment()
    for iso3 in ("KEN", "SOM", "NOR"):
        years = sorted(ra.results.dropna(subset=["risk"]).query("iso3 == @iso3")["year"])
        scores = {y: ra._year_scores[y] for y in years}
        refs = {y: s.loc[s.index.isin(ra._scored_by_year[y])].median() for y, s in scores.items()}
        fast = rk.risk_drivers_by_year(scores, ra.model, iso3, refs, MIN_SHARE)
        slow = pd.concat([rk.risk_drivers(scores[y], ra.model, iso3, refs[y], MIN_SHARE)
                          .assign(year=y) for y in years], ignore_index=True)
        pd.testing.assert_frame_equal(fast, slow[fast.columns], check_dtype=False)
