"""Tests for widgets.triad (pure), its charts and the scoring-matrix file."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets.charts.triad import matrix_chart, scorecard_chart
from widgets.errors import LabInputError
from widgets.triad import (
    coherence_flags,
    compare_portfolios,
    instrument_ids,
    load_matrix,
    matrix_table,
    normalise_allocation,
    pillar_totals,
    scorecard,
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
