"""Tests for widgets.triad (pure), its charts and the scoring-matrix file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets.charts.triad import (
    matrix_chart,
    robustness_chart,
    scorecard_chart,
    spending_mix_chart,
)
from widgets.errors import LabInputError
from widgets.triad import (
    coherence_flags,
    compare_portfolios,
    instrument_ids,
    load_matrix,
    matrix_robustness,
    matrix_table,
    normalise_allocation,
    pillar_totals,
    scorecard,
    spending_mix,
)

IDS = instrument_ids()
amounts = st.dictionaries(st.sampled_from(IDS), st.floats(0, 1000, allow_nan=False), min_size=1)
nonzero = amounts.filter(lambda d: sum(d.values()) > 1e-6)


def test_matrix_file_is_complete_and_documented():
    m = load_matrix()
    assert len(IDS) == 12
    assert {v["pillar"] for v in m["instruments"].values()} == set(m["pillars"])
    for key, spec in m["instruments"].items():
        assert set(spec["scores"]) == set(m["outcomes"]), key
        assert spec["reasoning"], key
        for short, long in spec["scores"].values():
            assert -1 <= short <= 3 and -1 <= long <= 3
    assert {o["kind"] for o in m["outcomes"].values()} == {"state", "human"}
    for rule in m["coherence_rules"]:
        assert rule["message"] and rule["source"]


@settings(deadline=None)
@given(nonzero)
def test_shares_sum_to_one_and_keep_proportions(alloc):
    shares = normalise_allocation(alloc)
    assert set(shares) == set(IDS)
    assert sum(shares.values()) == pytest.approx(1.0)
    assert all(v >= 0 for v in shares.values())
    k = max(alloc, key=alloc.get)
    assert shares[k] == pytest.approx(alloc[k] / sum(alloc.values()))


@settings(deadline=None)
@given(nonzero, st.floats(0.01, 100))
def test_shares_do_not_depend_on_budget_unit(alloc, factor):
    a = normalise_allocation(alloc)
    b = normalise_allocation({k: v * factor for k, v in alloc.items()})
    assert all(a[k] == pytest.approx(b[k], abs=1e-9) for k in IDS)


@settings(deadline=None, max_examples=60)
@given(nonzero, nonzero, st.floats(0, 1))
def test_scorecard_is_linear_in_shares(a, b, t):
    sa, sb = normalise_allocation(a), normalise_allocation(b)
    mix = {k: t * sa[k] + (1 - t) * sb[k] for k in IDS}
    expected = t * scorecard(sa)["score"] + (1 - t) * scorecard(sb)["score"]
    assert np.allclose(scorecard(mix)["score"], expected)


@settings(deadline=None)
@given(nonzero)
def test_scores_stay_within_matrix_range(alloc):
    card = scorecard(normalise_allocation(alloc))
    assert card["score"].between(-1 - 1e-9, 3 + 1e-9).all()


def test_all_in_one_instrument_reproduces_its_row():
    m = load_matrix()
    card = scorecard(normalise_allocation({"deterrence": 5}))
    for outcome, (short, long) in m["instruments"]["deterrence"]["scores"].items():
        assert card.loc[(outcome, "short"), "score"] == short
        assert card.loc[(outcome, "long"), "score"] == long


def test_scorecard_with_an_edited_matrix():
    m = load_matrix()
    m["instruments"]["education"]["scores"]["want"] = [3, 3]
    card = scorecard(normalise_allocation({"education": 1}), m)
    assert card.loc[("want", "short"), "score"] == 3
    assert scorecard(normalise_allocation({"education": 1})).loc[("want", "short"), "score"] == 0


@pytest.mark.parametrize("alloc, message", [
    ({}, "budget is empty"),
    ({"mediation": 0, "education": 0}, "budget is empty"),
    ({"mediation": -5}, "zero or more"),
    ({"mediation": "lots"}, "not an amount"),
    ({"mediaton": 1}, "Did you mean 'mediation'"),
])
def test_bad_allocations(alloc, message):
    with pytest.raises(LabInputError, match=message):
        normalise_allocation(alloc)


def test_coherence_rules_fire_and_clear():
    ids = {f["id"] for f in coherence_flags(normalise_allocation({"peacekeeping": 1}))}
    assert {"peacekeeping_without_politics", "one_basket", "short_term_only"} <= ids
    fixed = normalise_allocation({"peacekeeping": 30, "mediation": 20, "education": 25,
                                  "governance": 25})
    assert coherence_flags(fixed) == []
    deter = normalise_allocation({"deterrence": 50, "health_systems": 30, "education": 20})
    assert "deterrence_without_diplomacy" in {f["id"] for f in coherence_flags(deter)}
    deter["mediation"] = 0.15  # no longer normalised, but enough diplomacy for the rule
    assert "deterrence_without_diplomacy" not in {f["id"] for f in coherence_flags(deter)}


def test_pillars_and_comparison():
    a = normalise_allocation({"deterrence": 1})
    b = normalise_allocation({"mediation": 1, "health_systems": 1})
    assert pillar_totals(b) == {"diplomacy": 0.5, "development": 0.5, "defence": 0.0}
    comp = compare_portfolios(a, b)
    assert np.allclose(comp["difference"], comp["B"] - comp["A"])
    assert comp.loc[("defence", "short"), "difference"] == -3


def test_charts_embed_matrix_once_and_use_share_params():
    t = matrix_table()
    spec = scorecard_chart(t, IDS, [1 / 12] * 12, [0.0] * 11 + [1.0]).to_dict()
    assert len(next(iter(spec["datasets"].values()))) == 144
    calc = spec["spec"]["transform"][0]["calculate"]
    assert "shares_a[datum.idx]" in calc
    m = load_matrix()
    spec = matrix_chart(t, {k: v["label"] for k, v in m["instruments"].items()},
                        {k: v["short"] for k, v in m["outcomes"].items()}).to_dict()
    assert "teaching assumption" in spec["title"]["text"]


# ---------------------------------------------------------------- spending mix (real data view)
def _rows(**cols):
    n = len(next(iter(cols.values())))
    base = {"iso3": ["AAA"] * n, "year": list(range(2000, 2000 + n))}
    return pd.DataFrame({**base, **cols})


def test_spending_mix_keeps_complete_rows_and_computes_shares():
    rows = _rows(milex_gdp=[2.0, None, 3.0], health_spending_gdp=[6.0, 5.0, 3.0],
                 edu_spending_gdp=[2.0, 4.0, 3.0])
    mix = spending_mix(rows)
    assert mix["year"].tolist() == [2000, 2002]
    assert mix["military_share"].tolist() == pytest.approx([20.0, 100 / 3])
    assert mix["guns_per_butter"].tolist() == pytest.approx([0.25, 0.5])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(*[st.floats(0, 50, allow_nan=False)] * 3), min_size=1, max_size=8))
def test_spending_mix_share_is_a_percentage(triples):
    m, h, e = zip(*triples, strict=True)
    mix = spending_mix(_rows(milex_gdp=m, health_spending_gdp=h, edu_spending_gdp=e))
    assert ((mix["military_share"] >= 0) & (mix["military_share"] <= 100 + 1e-9)).all()


def test_spending_mix_bad_input_is_explained():
    with pytest.raises(LabInputError, match="edu_spending_gdp"):
        spending_mix(pd.DataFrame({"iso3": ["A"], "year": [2000], "milex_gdp": [1.0],
                                   "health_spending_gdp": [1.0]}))
    with pytest.raises(LabInputError, match="negative"):
        spending_mix(_rows(milex_gdp=[-1.0], health_spending_gdp=[1.0], edu_spending_gdp=[1.0]))


def test_spending_mix_on_real_data_matches_the_panel():
    from widgets import data

    panel = data.load_panel(["milex_gdp", "health_spending_gdp", "edu_spending_gdp"],
                            countries="COL")
    mix = spending_mix(panel)
    row = panel.dropna().iloc[0]
    expected = 100 * row["milex_gdp"] / (row["milex_gdp"] + row["health_spending_gdp"]
                                         + row["edu_spending_gdp"])
    assert mix.iloc[0]["military_share"] == pytest.approx(expected)
    assert len(mix) == len(panel.dropna())


# ---------------------------------------------------------------- robustness to the matrix
DEF = normalise_allocation({"deterrence": 6, "peacekeeping": 1, "health_systems": 1})
BAL = normalise_allocation(dict.fromkeys(IDS, 1))


def test_robustness_with_no_spread_restates_the_matrix():
    r = matrix_robustness(DEF, BAL, spread=0, draws=5)
    diff = compare_portfolios(DEF, BAL)["difference"]
    for (o, h), d in diff.items():
        assert r.loc[(o, h), "difference"] == pytest.approx(d)
        assert r.loc[(o, h), "b_ahead"] == (1.0 if d > 1e-12 else 0.0)
        assert r.loc[(o, h), "same_sign"] == 1.0
    assert len(r) == 14
    human = diff[compare_portfolios(DEF, BAL)["kind"] == "human"].mean()
    assert r.loc[("human_average", "both"), "difference"] == pytest.approx(human)


def test_robustness_is_reproducible_and_bounded():
    r1 = matrix_robustness(DEF, BAL, spread=2, draws=300, seed=3)
    r2 = matrix_robustness(DEF, BAL, spread=2, draws=300, seed=3)
    pd.testing.assert_frame_equal(r1, r2)
    assert ((r1[["b_ahead", "same_sign"]] >= 0) & (r1[["b_ahead", "same_sign"]] <= 1)).all().all()
    # more uncertainty never makes a comparison look more certain on average
    r0 = matrix_robustness(DEF, BAL, spread=0, draws=300)
    assert r1["same_sign"].mean() <= r0["same_sign"].mean()


def test_robustness_of_identical_portfolios_is_all_ties():
    r = matrix_robustness(BAL, BAL, spread=2, draws=50)
    assert (r["b_ahead"] == 0).all() and (r["same_sign"] == 1).all()


@pytest.mark.parametrize("kwargs", [{"spread": -1}, {"spread": 1.5}, {"spread": 9},
                                    {"draws": 0}, {"draws": "many"}])
def test_robustness_bad_input_is_explained(kwargs):
    with pytest.raises(LabInputError, match="whole number"):
        matrix_robustness(DEF, BAL, **kwargs)


def test_new_charts_embed_only_what_they_draw():
    mix = pd.DataFrame({"year": [2000, 2001], "milex_gdp": [3.0, 2.5],
                        "health_spending_gdp": [5.0, 6.0], "edu_spending_gdp": [4.0, 4.2],
                        "extra": [1, 2]})
    spec = spending_mix_chart(mix, "T", "A description.").to_dict()
    rows = spec["datasets"][spec["data"]["name"]]
    assert len(rows) == 6 and set(rows[0]) == {"year", "series", "value"}
    assert spec["description"] == "A description."
    spec = robustness_chart(matrix_robustness(DEF, BAL, draws=20), "Robust.").to_dict()
    assert spec["description"] == "Robust."
    assert spec["layer"][0]["encoding"]["x"]["scale"]["domain"] == [0, 100]


# ---------------------------------------------------------------- the robustness widget
def test_matrix_robustness_widget_follows_its_slider_and_its_button():
    from widgets.ui.policy_portfolio import MatrixRobustness, PolicyPortfolio

    p = PolicyPortfolio()
    r = MatrixRobustness(p, draws=300)
    assert "up to 1 point" in r.panel.description_text
    r.spread.value = 0
    expected = matrix_robustness(p.shares_a, p.shares_b, spread=0, draws=300)
    pd.testing.assert_frame_equal(r.result, expected)
    assert "up to 0 point" in r.panel.description_text
    rows = next(v for v in r.panel.chart.spec["datasets"].values()
                if isinstance(v, list) and v and "b_ahead" in v[0])
    assert [row["b_ahead"] for row in rows] == (100 * expected["b_ahead"]).round(1).tolist()
    assert r.panel.table_data["b_ahead"].tolist() == expected["b_ahead"].round(3).tolist()
    # the portfolio moves: the check follows it when the button is pressed
    for s in p.sliders_b.values():
        s.value = 0
    p.b_deterrence.value = 100
    r.again.click()
    assert r.result.loc[("defence", "short"), "difference"] == pytest.approx(
        3 - p_defence_short(p.shares_a))
    # an empty budget: the portfolio says so and the last valid check stays
    before = r.result.copy()
    p.b_deterrence.value = 0
    assert "empty" in p.message_text
    r.again.click()
    pd.testing.assert_frame_equal(r.result, before)
    assert r.learner_state()["spread"] == 0


def p_defence_short(shares):
    return float(scorecard(shares).loc[("defence", "short"), "score"])
