"""Composite-index maths (widgets.indexing) and its charts (widgets.charts.indexing)."""

from __future__ import annotations

import time

import altair as alt
import numpy as np
import pandas as pd
import pytest
import vl_convert as vlc
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets import data
from widgets import indexing as ix
from widgets.charts import indexing as ci
from widgets.errors import LabInputError

COUNTRIES = pd.Index(["AAA", "BBB", "CCC", "DDD", "EEE"], name="iso3")

# values: finite, not absurdly large, so that min-max / z-score are well defined
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
positive_weight = st.floats(min_value=0.01, max_value=10.0, allow_nan=False)


@st.composite
def tables(draw, n_cols=None, values=finite, allow_missing=True):
    k = n_cols or draw(st.integers(min_value=1, max_value=4))
    n = draw(st.integers(min_value=3, max_value=8))
    cols = {}
    for j in range(k):
        col = draw(st.lists(values, min_size=n, max_size=n))
        if allow_missing:
            mask = draw(st.lists(st.booleans(), min_size=n, max_size=n))
            col = [np.nan if m and i > 0 else v for i, (v, m) in enumerate(zip(col, mask, strict=True))]
        cols[f"x{j}"] = col
    return pd.DataFrame(cols, index=[f"C{i}" for i in range(n)], dtype=float)


# --------------------------------------------------------------------------- normalise
@settings(deadline=None, max_examples=60)
@given(tables())
def test_min_max_is_between_0_and_1(df):
    out = ix.normalise_min_max(df)
    vals = out.to_numpy()[~np.isnan(out.to_numpy())]
    assert ((vals >= 0) & (vals <= 1)).all()
    assert out.isna().equals(df.isna())


@settings(deadline=None, max_examples=60)
@given(tables())
def test_rank_is_between_0_and_1(df):
    vals = ix.normalise_rank(df).to_numpy()
    vals = vals[~np.isnan(vals)]
    assert ((vals >= 0) & (vals <= 1)).all()


@settings(deadline=None, max_examples=60)
@given(st.lists(st.floats(min_value=-100, max_value=200, allow_nan=False), min_size=1,
                max_size=20))
def test_goalposts_clip_to_0_1_and_are_monotone(values):
    df = pd.DataFrame({"life_expectancy": sorted(values)})
    out = ix.normalise_goalposts(df)["life_expectancy"]
    assert out.between(0, 1).all()
    assert out.is_monotonic_increasing


def test_goalposts_for_every_offered_indicator_and_log_income():
    out = ix.normalise_goalposts(pd.DataFrame({"gni_pc": [100.0, np.sqrt(100 * 75_000)]}))
    assert out["gni_pc"].round(6).tolist() == [0.0, 0.5]
    with pytest.raises(LabInputError, match="no goalposts"):
        ix.normalise_goalposts(pd.DataFrame({"population": [1.0]}))


@settings(deadline=None, max_examples=60)
@given(tables(values=st.floats(min_value=0, max_value=100, allow_nan=False)),
       st.sampled_from(list(ix.NORMALISATIONS)))
def test_higher_is_worse_is_flipped(df, method):
    goal = {c: ix.Goalpost(0, 100) for c in df.columns}
    better = ix.normalise(df, method, dict.fromkeys(df.columns, "higher_is_better"), goal)
    worse = ix.normalise(df, method, dict.fromkeys(df.columns, "higher_is_worse"), goal)
    if method == "z_score":
        np.testing.assert_allclose(worse.to_numpy(), -better.to_numpy(), atol=1e-9)
    else:
        np.testing.assert_allclose(worse.to_numpy(), 1 - better.to_numpy(), atol=1e-9)


def test_neutral_indicator_is_refused_with_a_message():
    with pytest.raises(LabInputError, match="neutral"):
        ix.normalise(pd.DataFrame({"x": [1.0, 2.0]}), "min_max", {"x": "neutral"})
    with pytest.raises(LabInputError, match="not a normalisation"):
        ix.normalise(pd.DataFrame({"x": [1.0, 2.0]}), "minmax", {"x": "higher_is_better"})


# --------------------------------------------------------------------------- weights
@settings(deadline=None, max_examples=60)
@given(st.dictionaries(st.sampled_from("abcdef"), positive_weight, min_size=1))
def test_weights_sum_to_one(weights):
    out = ix.normalise_weights(weights)
    assert sum(out.values()) == pytest.approx(1.0)
    assert set(out) == set(weights)


@pytest.mark.parametrize("weights", [{}, {"a": 0, "b": 0}, {"a": -1, "b": 2},
                                     {"a": float("nan")}])
def test_bad_weights_give_a_learner_message(weights):
    with pytest.raises(LabInputError):
        ix.normalise_weights(weights)


@settings(deadline=None, max_examples=60)
@given(st.dictionaries(st.sampled_from("abcdef"), positive_weight, min_size=1),
       st.dictionaries(st.sampled_from(["d1", "d2", "d3"]), positive_weight, min_size=3))
def test_combined_weights_sum_to_one_and_respect_dimension_shares(iw, dw):
    dim_of = {k: ["d1", "d2", "d3"][ord(k) % 3] for k in "abcdef"}
    out = ix.combine_weights(iw, dim_of, dw)
    assert sum(out.values()) == pytest.approx(1.0)
    used = {dim_of[k] for k in iw}
    total = sum(dw[d] for d in used)
    for d in used:
        share = sum(w for k, w in out.items() if dim_of[k] == d)
        assert share == pytest.approx(dw[d] / total)


def test_presets_equal_and_hdi_like():
    dim_of = {"le": "health", "eys": "economic", "mys": "economic", "gni": "economic"}
    iw, dw = ix.preset_weights(list(dim_of), dim_of, "equal")
    assert set(ix.combine_weights(iw, dim_of, dw).values()) == {0.25}
    iw, dw = ix.preset_weights(list(dim_of), dim_of, "hdi_like")
    w = ix.combine_weights(iw, dim_of, dw)
    assert w["le"] == pytest.approx(0.5)
    assert w["gni"] == pytest.approx(1 / 6)


# --------------------------------------------------------------------------- aggregate
@settings(deadline=None, max_examples=60)
@given(tables(values=unit), st.data(), st.sampled_from(list(ix.AGGREGATIONS)))
def test_aggregation_does_not_depend_on_indicator_order(df, draw, method):
    weights = {c: draw.draw(positive_weight) for c in df.columns}
    perm = draw.draw(st.permutations(list(df.columns)))
    a = ix.aggregate(df, weights, method)
    b = ix.aggregate(df[perm], {c: weights[c] for c in reversed(perm)}, method)
    np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), rtol=1e-9, equal_nan=True)


@settings(deadline=None, max_examples=60)
@given(tables(values=unit, allow_missing=False), st.data())
def test_arithmetic_lies_between_min_and_max_and_geometric_is_not_above_it(df, draw):
    weights = {c: draw.draw(positive_weight) for c in df.columns}
    arith = ix.aggregate(df, weights, "arithmetic")
    geo = ix.aggregate(df, weights, "geometric", epsilon=1e-9)
    assert (arith >= df.min(axis=1) - 1e-9).all() and (arith <= df.max(axis=1) + 1e-9).all()
    floored = ix.aggregate(df.clip(lower=1e-9), weights, "arithmetic")
    assert (geo <= floored + 1e-12).all()  # AM-GM, after the epsilon floor


@settings(deadline=None, max_examples=60)
@given(tables(values=unit), st.data(), st.sampled_from(list(ix.AGGREGATIONS)))
def test_raising_a_normalised_value_never_lowers_the_score(df, draw, method):
    weights = {c: draw.draw(positive_weight) for c in df.columns}
    row = draw.draw(st.sampled_from(list(df.index)))
    col = draw.draw(st.sampled_from(list(df.columns)))
    before = ix.aggregate(df, weights, method)[row]
    if np.isnan(df.loc[row, col]):
        return
    raised = df.copy()
    raised.loc[row, col] = min(1.0, df.loc[row, col] + draw.draw(unit))
    after = ix.aggregate(raised, weights, method)[row]
    assert after >= before - 1e-12


@settings(deadline=None, max_examples=60)
@given(st.lists(st.floats(min_value=0, max_value=100, allow_nan=False), min_size=3,
                max_size=8), st.data())
def test_raising_a_higher_is_worse_indicator_never_raises_the_index(values, draw):
    raw = pd.DataFrame({"deaths": values, "life": list(range(len(values)))},
                       index=[f"C{i}" for i in range(len(values))], dtype=float)
    dirs = {"deaths": "higher_is_worse", "life": "higher_is_better"}
    goal = {"deaths": ix.Goalpost(0, 100), "life": ix.Goalpost(0, 10)}
    method = draw.draw(st.sampled_from(["min_max", "goalposts", "rank"]))
    row = draw.draw(st.sampled_from(list(raw.index)))
    before = ix.aggregate(ix.normalise(raw, method, dirs, goal), {"deaths": 1, "life": 1})
    worse = raw.copy()
    worse.loc[row, "deaths"] += draw.draw(st.floats(min_value=0, max_value=50))
    after = ix.aggregate(ix.normalise(worse, method, dirs, goal), {"deaths": 1, "life": 1})
    assert after[row] <= before[row] + 1e-12


def test_geometric_mean_floors_zeros_and_refuses_z_scores():
    norm = pd.DataFrame({"a": [0.0, 1.0], "b": [1.0, 1.0]}, index=["X", "Y"])
    geo = ix.aggregate(norm, {"a": 0.5, "b": 0.5}, "geometric", epsilon=0.01)
    assert geo["X"] == pytest.approx(0.1)  # sqrt(0.01 * 1)
    with pytest.raises(LabInputError, match="z-scores"):
        ix.aggregate(pd.DataFrame({"a": [-1.0, 1.0]}), {"a": 1}, "geometric")


def test_missing_values_rescale_the_weights():
    norm = pd.DataFrame({"a": [0.2, 0.4], "b": [np.nan, 0.8]}, index=["X", "Y"])
    out = ix.aggregate(norm, {"a": 0.5, "b": 0.5})
    assert out["X"] == pytest.approx(0.2)
    assert out["Y"] == pytest.approx(0.6)


@settings(deadline=None, max_examples=60)
@given(st.lists(st.one_of(st.floats(min_value=-5, max_value=5, allow_nan=False),
                          st.just(np.nan)), min_size=1, max_size=12))
def test_numpy_ranks_match_pandas_ranks(values):
    s = pd.Series(values, dtype=float)
    expected = s.rank(ascending=False, method="min").to_numpy()
    np.testing.assert_array_equal(ix.rank_values(s.to_numpy()), expected)


def test_rank_shift_and_correlation():
    a = pd.Series({"A": 3.0, "B": 2.0, "C": 1.0, "D": 0.0})
    b = pd.Series({"A": 2.0, "B": 3.0, "C": 1.0, "D": 0.0})
    assert ix.rank_shift(b, a)["shift"].tolist() == [-1, 1, 0, 0]
    assert ix.rank_correlation(a, a) == pytest.approx(1.0)
    assert ix.rank_correlation(a, -a) == pytest.approx(-1.0)
    with pytest.raises(LabInputError):
        ix.rank_correlation(a.head(2), b.head(2))


# --------------------------------------------------------------------------- missing data
def test_indicator_matrix_looks_back_only_as_far_as_asked():
    panel = pd.DataFrame({"iso3": ["A", "A", "B", "B"], "year": [2015, 2021, 2019, 2022],
                          "x": [1.0, 2.0, 3.0, np.nan]})
    one_year = ix.indicator_matrix(panel, ["x"], 2022, 1)["x"]
    assert one_year["A"] == 2.0 and np.isnan(one_year["B"])
    out = ix.indicator_matrix(panel, ["x"], 2022, 3)["x"]
    assert out.to_dict() == {"A": 2.0, "B": 3.0}
    assert ix.indicator_matrix(panel, ["x"], 2020, 10)["x"].to_dict() == {"A": 1.0, "B": 3.0}
    with pytest.raises(LabInputError, match="at least one indicator"):
        ix.indicator_matrix(panel, [], 2022)


def test_coverage_threshold_and_empty_result():
    m = pd.DataFrame({"x": [1.0, np.nan], "y": [np.nan, np.nan]}, index=["A", "B"])
    assert ix.apply_coverage(m, 0.5).index.tolist() == ["A"]
    with pytest.raises(LabInputError, match="No country has enough data"):
        ix.apply_coverage(m, 1.0)


# --------------------------------------------------------------------------- Monte Carlo
def _norm(n=40, k=5, seed=3):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(rng.random((n, k)), columns=[f"x{j}" for j in range(k)],
                      index=pd.Index([f"C{i:03d}" for i in range(n)], name="iso3"))
    return df


@given(st.integers(min_value=0, max_value=2**32 - 1))
@settings(max_examples=10, deadline=None)
def test_monte_carlo_is_reproducible_with_a_seed(seed):
    norm = _norm()
    w = dict.fromkeys(norm.columns, 0.2)
    a = ix.monte_carlo_ranks({"m": norm, "r": ix.normalise_rank(norm)}, w, n_draws=50, seed=seed)
    b = ix.monte_carlo_ranks({"m": norm, "r": ix.normalise_rank(norm)}, w, n_draws=50, seed=seed)
    pd.testing.assert_frame_equal(a, b)
    assert ((a["rank_low"] <= a["median_rank"]) & (a["median_rank"] <= a["rank_high"])).all()
    assert a["rank_low"].min() >= 1 and a["rank_high"].max() <= len(norm)


def test_monte_carlo_collapses_to_the_chosen_rank_when_draws_stay_close():
    norm = _norm()
    w = {"x0": 0.4, "x1": 0.3, "x2": 0.2, "x3": 0.1, "x4": 0.0}
    mc = ix.monte_carlo_ranks({"m": norm}, w, n_draws=200, concentration=1e7, seed=1)
    own = ix.rank_scores(ix.aggregate(norm, w)).astype(float)
    assert (mc["median_rank"] == own).all()
    loose = ix.monte_carlo_ranks({"m": norm}, w, n_draws=200, concentration=2, seed=1)
    assert (loose["rank_high"] - loose["rank_low"]).mean() > 2


def test_monte_carlo_1000_draws_on_190_countries_is_fast():
    norm = _norm(n=190, k=10)
    w = dict.fromkeys(norm.columns, 0.1)
    mats = {"a": norm, "b": ix.normalise_rank(norm), "c": ix.normalise_min_max(norm)}
    timings = []
    for _ in range(3):  # best of three: the test machine is shared
        start = time.perf_counter()
        ix.monte_carlo_ranks(mats, w, "geometric", n_draws=1000, seed=0)
        timings.append(time.perf_counter() - start)
    assert min(timings) < 1.0


# --------------------------------------------------------------------------- the HDI
def test_hdi_rebuilt_from_its_components_matches_the_published_hdi_2022():
    p = data.load_panel(["life_expectancy", "expected_schooling", "mean_schooling", "gni_pc",
                         "hdi"], years=2022).dropna()
    assert len(p) > 150
    rebuilt = ix.hdi_from_components(p["life_expectancy"], p["expected_schooling"],
                                     p["mean_schooling"], p["gni_pc"])
    assert (rebuilt - p["hdi"]).abs().max() <= 0.001


def test_hdi_components_are_capped():
    capped = ix.hdi_from_components(90.0, 25.0, 16.0, 200_000)
    assert float(capped) == pytest.approx(1.0)


# --------------------------------------------------------------------------- charts
def _chart_scores(chart: alt.Chart) -> list[float]:
    """Evaluate a chart in Vega (through vl-convert) and read its text marks."""
    graph = vlc.vegalite_to_scenegraph(chart.to_dict())
    out: list[tuple[float, float]] = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("marktype") == "text" and node.get("role") == "mark":
                for item in node.get("items", []):
                    out.append((item["y"], item["text"]))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(graph)
    return [float(t) if t not in ("", "null", "NaN") else np.nan for _, t in sorted(out)]


@pytest.mark.parametrize("normalisation", ["min_max", "rank", "goalposts"])
@pytest.mark.parametrize("aggregation", ["arithmetic", "geometric"])
def test_vega_formula_matches_python(normalisation, aggregation):
    raw = pd.DataFrame({"life_expectancy": [50.0, 70.0, 85.0, 60.0],
                        "under5_mortality": [120.0, 30.0, 2.0, np.nan],
                        "homicide_rate": [5.0, 20.0, 0.5, 40.0]},
                       index=pd.Index(["AAA", "BBB", "CCC", "DDD"], name="iso3"))
    dirs = data.load_catalogue()["direction"].to_dict()
    methods = list(ix.NORMALISATIONS)
    mats = {m: ix.normalise(raw, m, dirs) for m in methods}
    weights = {"life_expectancy": 0.5, "under5_mortality": 0.3, "homicide_rate": 0.2}
    expected = ix.aggregate(mats[normalisation], weights, aggregation)
    table = ci.index_table(pd.DataFrame({"iso3": raw.index, "name": raw.index}), mats)
    params = ci.index_params(list(weights.values()), normalisation, aggregation)
    chart = ci._with_scores(alt.Chart(table), 3, methods, 0.01).transform_calculate(
        order="indexof(['AAA','BBB','CCC','DDD'], datum.iso3)"
    ).mark_text().encode(y=alt.Y("order:O", axis=None), text=alt.Text("score:Q", format=".6f")
                         ).add_params(*params)
    got = _chart_scores(chart)
    np.testing.assert_allclose(got, expected.to_numpy(), atol=2e-6)


def _small_table():
    raw = pd.DataFrame({"life_expectancy": [50.0, 70.0, 85.0], "gni_pc": [900.0, 9e3, 6e4]},
                       index=pd.Index(["KEN", "BRA", "NOR"], name="iso3"))
    dirs = {"life_expectancy": "higher_is_better", "gni_pc": "higher_is_better"}
    mats = {m: ix.normalise(raw, m, dirs) for m in ix.NORMALISATIONS}
    names = pd.DataFrame({"iso3": raw.index, "name": ["Kenya", "Brazil", "Norway"]})
    return ci.index_table(names, mats, extra=pd.DataFrame({"hdi": [0.6, 0.76, 0.97]},
                                                          index=raw.index))


@pytest.mark.parametrize("builder", [ci.ranking_chart, ci.index_map, ci.rank_shift_chart,
                                     ci.hdi_scatter])
def test_chart_builders_describe_and_take_parameters(builder):
    table = _small_table()
    params = ci.index_params([0.5, 0.5], "min_max", "arithmetic", "KEN")
    spec = builder(table, 2, list(ix.NORMALISATIONS), params, "What this shows.").to_dict()
    assert spec["description"] == "What this shows."
    names = {p["name"] for p in spec["params"]}
    assert {"w_0", "w_1", "normalisation", "aggregation"} <= names
    text = str(spec)
    assert "http" not in text.replace("https://vega.github.io/schema", "")


def test_map_embeds_the_world_map_as_text_and_is_small():
    spec = ci.index_map(_small_table(), 2, list(ix.NORMALISATIONS),
                        ci.index_params([1, 1], "rank", "geometric"), "Map.").to_dict()
    assert len(str(spec)) < 1_000_000
    datasets = str(spec)
    assert '"type":"Topology"' in datasets or "Topology" in datasets


def test_uncertainty_chart_draws_the_best_ranked():
    mc = pd.DataFrame({"name": list("ABCD"), "rank": [4, 1, 2, 3], "median_rank": [4, 1, 2, 3],
                       "rank_low": [3, 1, 1, 2], "rank_high": [4, 2, 3, 4]})
    spec = ci.uncertainty_chart(mc, "Ranges.", show=2).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert sorted(r["name"] for r in rows) == ["B", "C"]
    assert spec["description"] == "Ranges."


@pytest.mark.parametrize("aggregation", ["arithmetic", "geometric"])
def test_vega_formula_with_empty_slots_matches_python(aggregation):
    """Charts are built for every offered indicator: unused slots must change nothing,
    including the equal-weights score the rank-shift chart compares with."""
    raw = pd.DataFrame({"life_expectancy": [50.0, 70.0, 85.0, 60.0],
                        "homicide_rate": [5.0, 20.0, 0.5, 40.0]},
                       index=pd.Index(["AAA", "BBB", "CCC", "DDD"], name="iso3"))
    dirs = data.load_catalogue()["direction"].to_dict()
    methods = list(ix.NORMALISATIONS)
    mats = {m: ix.normalise(raw, m, dirs) for m in methods}
    table = ci.index_table(pd.DataFrame({"iso3": raw.index, "name": raw.index}), mats)
    weights = {"life_expectancy": 0.7, "homicide_rate": 0.3}
    for field, w in (("score", weights), ("score_equal", {k: 0.5 for k in weights})):
        expected = ix.aggregate(mats["min_max"], w, aggregation)
        params = ci.index_params(list(weights.values()), "min_max", aggregation, slots=5)
        chart = ci._with_scores(alt.Chart(table), 5, methods, 0.01).transform_calculate(
            order="indexof(['AAA','BBB','CCC','DDD'], datum.iso3)"
        ).mark_text().encode(y=alt.Y("order:O", axis=None),
                             text=alt.Text(f"{field}:Q", format=".6f")).add_params(*params)
        np.testing.assert_allclose(_chart_scores(chart), expected.to_numpy(), atol=2e-6)
