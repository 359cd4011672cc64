"""Pure functions and chart builders behind IndicatorExplorer and DataCoverage."""

from __future__ import annotations

import json

import altair as alt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets.charts import NO_DATA_COLOUR
from widgets.charts.explore import (
    MAX_COMPARED,
    OUTSIDE_COLOUR,
    VALUES_NAME,
    coverage_country_chart,
    coverage_country_rows,
    coverage_labels,
    coverage_year_chart,
    coverage_year_rows,
    explorer_chart,
    explorer_spec,
    legend_ticks,
    wide_by_year,
    year_column,
)
from widgets.errors import LabInputError
from widgets.explore import (
    colour_domain,
    countries_in,
    coverage_by_country,
    coverage_by_year,
    percentile_scores,
    rank_values,
    rank_year,
    ranked_years,
    split_by_year,
    year_view,
)

DIRECTIONS = ["higher_is_better", "higher_is_worse", "neutral"]

COUNTRIES = pd.DataFrame({
    "iso3": ["KEN", "NGA", "FRA", "DEU", "JPN"],
    "name": ["Kenya", "Nigeria", "France", "Germany", "Japan"],
    "un_region": ["Africa", "Africa", "Europe", "Europe", "Asia"],
    "income_group": ["Lower middle income", "Lower middle income", "High income",
                     "High income", "High income"],
})

# Under-5 mortality in a made-up two-year panel; Japan has no 2021 value.
U5 = pd.DataFrame({
    "iso3": ["KEN", "NGA", "FRA", "DEU", "JPN"] * 2,
    "year": [2020] * 5 + [2021] * 5,
    "value": [42.0, 114.0, 4.4, 3.7, 2.5, 41.0, 111.0, 4.3, 3.6, np.nan],
})

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
maybe_missing = st.one_of(finite, st.just(np.nan))


def as_series(values):
    return pd.Series(values, index=[f"C{i}" for i in range(len(values))], dtype=float)


# ----------------------------------------------------------------- ranking
def test_rank_best_is_one_and_missing_is_not_ranked():
    r = rank_values(U5[U5.year == 2021].set_index("iso3")["value"], "higher_is_worse")
    assert r["DEU"] == 1 and r["NGA"] == 4
    assert np.isnan(r["JPN"])


def test_rank_ties_share_the_best_rank():
    r = rank_values(pd.Series({"A": 5.0, "B": 5.0, "C": 1.0}), "higher_is_better")
    assert r.tolist() == [1.0, 1.0, 3.0]


def test_unknown_direction_is_a_clear_error():
    with pytest.raises(LabInputError, match="not a direction"):
        rank_values(pd.Series({"A": 1.0}), "up")


@given(st.lists(maybe_missing, min_size=1, max_size=30), st.sampled_from(DIRECTIONS))
def test_percentiles_are_between_0_and_100_and_keep_missing(values, direction):
    s = as_series(values)
    p = percentile_scores(s, direction)
    assert p.isna().equals(s.isna())
    assert ((p.dropna() >= 0) & (p.dropna() <= 100)).all()


@given(st.lists(finite, min_size=2, max_size=30, unique=True))
def test_percentiles_flip_with_direction(values):
    s = as_series(values)
    better = percentile_scores(s, "higher_is_better")
    worse = percentile_scores(s, "higher_is_worse")
    assert np.allclose(better + worse, 100.0)
    assert better[s.idxmax()] == 100.0 and better[s.idxmin()] == 0.0


@given(st.lists(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=30))
def test_percentiles_ignore_monotonic_rescaling(values):
    s = as_series([float(v) for v in values])
    assert np.allclose(percentile_scores(s, "higher_is_better"),
                       percentile_scores(np.log(s) * 3 + 7, "higher_is_better"))


def test_missing_is_never_scored_as_zero():
    s = pd.Series({"A": 10.0, "B": np.nan, "C": 0.0})
    p = percentile_scores(s, "higher_is_worse")
    assert np.isnan(p["B"]) and p["C"] == 100.0


def test_single_country_is_in_the_middle():
    assert percentile_scores(pd.Series({"A": 3.0, "B": np.nan}), "higher_is_better")["A"] == 50


def test_ranked_years_ranks_each_year_among_countries_with_data():
    r = ranked_years(U5, "higher_is_worse")
    y2021 = r[r.year == 2021]
    assert y2021["n_with_data"].unique().tolist() == [4]
    assert "JPN" not in set(y2021["iso3"])
    assert y2021.set_index("iso3")["rank"].to_dict() == {"DEU": 1, "FRA": 2, "KEN": 3, "NGA": 4}
    assert r[r.year == 2020].set_index("iso3").loc["JPN", "rank"] == 1


def test_ranked_years_needs_the_columns():
    with pytest.raises(LabInputError, match="iso3, year and value"):
        ranked_years(U5.rename(columns={"value": "v"}), "neutral")


# ----------------------------------------------------------------- filtering
def test_countries_in_region_and_income_group():
    assert countries_in(COUNTRIES, region="Europe") == ["FRA", "DEU"]
    assert countries_in(COUNTRIES, income_group="High income", region="Asia") == ["JPN"]
    assert countries_in(COUNTRIES, region="All", income_group=None) == COUNTRIES["iso3"].tolist()


def test_unknown_filter_names_the_valid_ones():
    with pytest.raises(LabInputError, match="Choose one of: High income, Lower middle income"):
        countries_in(COUNTRIES, income_group="Rich")


def test_year_view_reranks_within_the_filter():
    r = ranked_years(U5, "higher_is_worse")
    africa = year_view(r, 2020, keep=countries_in(COUNTRIES, region="Africa"),
                       direction="higher_is_worse")
    assert africa[["iso3", "rank"]].values.tolist() == [["KEN", 1], ["NGA", 2]]
    assert year_view(r, 1999, direction="higher_is_worse").empty


@settings(max_examples=60)
@given(st.lists(st.one_of(st.integers(0, 5).map(float), st.just(np.nan)), min_size=1,
                max_size=12), st.sampled_from(DIRECTIONS), st.integers(0, 2 ** 12 - 1))
def test_fast_rank_year_equals_year_view(values, direction, keep_bits):
    codes = [f"C{i:02d}" for i in range(len(values))]
    long = pd.DataFrame({"iso3": codes, "year": 2020, "value": values})
    keep = {c for i, c in enumerate(codes) if keep_bits >> i & 1}
    ranked = ranked_years(long, direction)
    slow = year_view(ranked, 2020, keep, direction)
    if ranked.empty:
        return
    fast = rank_year(*split_by_year(ranked, direction)[2020], direction, keep)
    assert sorted(zip(slow.iso3, slow["rank"], strict=True)) == sorted(
        zip(fast.iso3, fast["rank"], strict=True))


# ----------------------------------------------------------------- coverage
PANEL = pd.DataFrame({
    "iso3": ["A", "B", "C"] * 2, "year": [2000] * 3 + [2001] * 3,
    "hdi": [0.5, np.nan, 0.7, 0.6, 0.65, np.nan],
    "gini": [np.nan] * 6,
})


def test_coverage_by_year_counts_countries_with_a_value():
    cov = coverage_by_year(PANEL, ["hdi", "gini"])
    hdi = cov[cov.indicator == "hdi"].set_index("year")
    assert hdi["n_with_data"].tolist() == [2, 2]
    assert hdi["share"].round(1).tolist() == [66.7, 66.7]
    assert (cov[cov.indicator == "gini"]["share"] == 0).all()


def test_coverage_by_year_fills_years_without_rows():
    cov = coverage_by_year(PANEL, ["hdi"], iso3s=["A"], years=(1999, 2001))
    assert cov["year"].tolist() == [1999, 2000, 2001]
    assert cov["n_with_data"].tolist() == [0, 1, 1]


def test_coverage_by_country_shares_and_latest_year():
    cov = coverage_by_country(PANEL, ["hdi"], ["A", "B", "C", "Z"], (2000, 2001)).set_index("iso3")
    assert cov.loc["A", "share"] == 100.0 and cov.loc["B", "n_years"] == 1
    assert cov.loc["C", "latest_year"] == 2000
    assert cov.loc["Z", "n_years"] == 0 and np.isnan(cov.loc["Z", "latest_year"])


def _coverage_reference(panel, indicators, iso3s, years):
    """Coverage counted the plain way, one country and indicator at a time."""
    out = []
    for ind in indicators:
        for code in iso3s:
            rows = panel[(panel["iso3"] == code) & panel["year"].between(*years)]
            have = rows.loc[rows[ind].notna(), "year"]
            out.append((code, ind, len(have), have.max() if len(have) else np.nan))
    return out


@settings(max_examples=15, deadline=None)
@given(region=st.sampled_from(["Africa", "Europe", "Oceania", "Americas", "Asia"]),
       first=st.integers(1995, 2022), length=st.integers(0, 12),
       dims=st.sets(st.sampled_from(["health", "economic", "political", "food"]), min_size=1))
def test_coverage_by_country_equals_counting_one_cell_at_a_time(region, first, length, dims):
    from widgets import data

    panel = data.load_panel()
    groups = data.indicators_by_dimension()
    inds = [i for d in sorted(dims) for i in groups.get(d, [])][:6]
    codes = countries_in(data.load_countries(), region=region)[:12]
    years = (first, min(first + length, 2024))
    cov = coverage_by_country(panel, inds, codes, years)
    got = list(zip(cov["iso3"], cov["indicator"], cov["n_years"], cov["latest_year"], strict=True))
    want = _coverage_reference(panel, inds, codes, years)
    assert [g[:3] for g in got] == [w[:3] for w in want]
    assert np.allclose([g[3] for g in got], [w[3] for w in want], equal_nan=True)
    assert (cov["share"] == cov["n_years"] / (years[1] - years[0] + 1) * 100).all()


def test_coverage_heat_map_rows_come_in_display_order():
    """The heat-maps' rows come in the order the charts show: indicators in catalogue order,
    countries A-Z, years ascending."""
    cov = coverage_by_country(PANEL, ["hdi", "gini"], ["Z", "A", "C"], (2000, 2001))
    rows = coverage_country_rows(cov, {"Z": "Aa", "A": "Zz", "C": "Mm"})
    assert rows["country"].tolist() == ["Aa", "Mm", "Zz"]
    assert coverage_labels(cov, {"hdi": "HDI", "gini": "Gini"}) == ["HDI", "Gini"]
    # each country's lists follow the labels' order, cell for cell
    by_cell = cov.set_index(["iso3", "indicator"])
    for code, row in zip(["Z", "C", "A"], rows.itertuples(), strict=True):
        for k, ind in enumerate(["hdi", "gini"]):
            cell = by_cell.loc[(code, ind)]
            assert row.n_years[k] == cell["n_years"]
            assert row.share[k] == round(cell["share"], 1)
            assert row.latest[k] == (None if pd.isna(cell["latest_year"])
                                     else int(cell["latest_year"]))
    by_year = coverage_by_year(PANEL, ["hdi", "gini"], iso3s=["A", "B"])
    rows = coverage_year_rows(by_year.iloc[::-1], {"hdi": "HDI", "gini": "Gini"})
    assert rows["label"].iloc[0] == "Gini" and rows["year"].is_monotonic_increasing is False
    first = rows[rows["label"] == "Gini"]["year"]
    assert first.is_monotonic_increasing


def test_coverage_needs_countries_and_indicators():
    with pytest.raises(LabInputError, match="No countries"):
        coverage_by_year(PANEL, ["hdi"], iso3s=[])
    with pytest.raises(LabInputError, match="at least one indicator"):
        coverage_by_country(PANEL, [], ["A"], (2000, 2001))


@given(st.lists(st.floats(min_value=0, max_value=1e5), min_size=1, max_size=50))
def test_colour_domain_is_ordered_and_log_only_for_positive(values):
    (low, high), kind = colour_domain(values)
    assert low < high
    if kind == "log":
        assert low > 0


def test_colour_domain_without_values_is_a_clear_error():
    with pytest.raises(LabInputError, match="no data"):
        colour_domain([np.nan])


# ----------------------------------------------------------------- charts
YEARS = [2020, 2021]


@pytest.fixture(scope="module")
def wide():
    return wide_by_year(U5, COUNTRIES, YEARS)


def test_wide_by_year_keeps_missing_as_null(wide):
    row = wide.set_index("iso3").loc["JPN"]
    assert row[year_column(2020)] == 2.5 and np.isnan(row[year_column(2021)])
    assert wide.columns.tolist() == ["iso3", "name", "region", "income", "y2020", "y2021"]


def _spec(wide, **kw):
    args = dict(years=YEARS, label="Under-5 mortality", unit="deaths per 1,000 live births",
                direction="higher_is_worse", year=2021, description="Test map.", world=None)
    args.update(kw)
    return explorer_chart(wide, **args).to_dict()


def test_explorer_chart_params_and_no_data_legend(wide):
    spec = _spec(wide, picked=["KEN"], region="Africa")
    params = {p["name"]: p for p in spec["params"]}
    assert params["year"]["value"] == 2021 and params["picked"]["value"] == ["KEN"]
    assert params["region"]["value"] == "Africa" and params["pick"]["select"]["type"] == "point"
    layers = spec["vconcat"][0]["layer"]
    legend = layers[0]
    assert legend["encoding"]["color"]["scale"]["domain"] == ["no data"]
    countries = layers[1]
    colour = countries["encoding"]["color"]
    # what makes the chart show this indicator is parameters (swapped for another one)
    assert colour["scale"]["scheme"] == {"expr": "ind_scheme"}
    assert params["ind_scheme"]["value"] == "orangered" and params["ind_reverse"]["value"] is False
    assert params["ind_label"]["value"] == "Under-5 mortality"
    # countries without data are grey, those outside the filter pale: never a value
    assert [c["value"] for c in colour["condition"]] == [OUTSIDE_COLOUR, NO_DATA_COLOUR]
    # one layer holds every country: a change re-colours shapes, none is filtered out
    assert not any("filter" in t for t in countries["transform"])
    assert "y2021" in json.dumps(spec["vconcat"][0]["transform"])
    # the year is picked inside Vega, from the parameter
    assert any("datum['y' + year]" in t.get("calculate", "")
               for t in spec["vconcat"][0]["transform"])
    assert spec["description"] == "Test map."


def test_explorer_map_keeps_countries_without_data(wide):
    """Countries without a value are drawn (grey), not dropped by Vega-Lite."""
    import vl_convert as vlc

    vega = vlc.vegalite_to_vega(_spec(wide))
    map_data = [d for d in vega["data"] if d.get("source") == "source_0"]
    assert map_data and not any(t["type"] == "filter" for d in map_data
                                for t in d.get("transform", []))


def test_explorer_chart_rank_order_follows_direction(wide):
    """Rank 1 is the best-off country: the lowest value where higher is worse."""
    key = [t for t in _spec(wide)["vconcat"][0]["layer"][1]["transform"]
           if t.get("as") == "rank_key"][0]["calculate"]
    assert "ind_direction == 'higher_is_worse' ? datum.value : -datum.value" in key
    for direction in ("higher_is_worse", "higher_is_better"):
        params = {p["name"]: p.get("value") for p in _spec(wide, direction=direction)["params"]}
        assert params["ind_direction"] == direction


@pytest.mark.parametrize(("domain", "kind", "expected"), [
    ([2.8, 196.5], "log", [5, 10, 20, 50, 100]),
    ([300.0, 90000.0], "log", [1000, 10000]),
    ([0.0, 1.0], "linear", [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),
    ([40.4, 83.6], "linear", [50.0, 60.0, 70.0, 80.0]),
])
def test_legend_ticks_are_round_values_inside_the_domain(domain, kind, expected):
    ticks = legend_ticks(domain, kind)
    values = [10 ** t for t in ticks] if kind == "log" else ticks
    assert values == pytest.approx(expected)


@given(st.floats(0.001, 1e6), st.floats(1.5, 1e4), st.sampled_from(["log", "linear"]))
def test_legend_ticks_stay_inside_and_ascend(lo, ratio, kind):
    hi = lo * ratio
    ticks = legend_ticks([lo, hi], kind)
    values = [10 ** t for t in ticks] if kind == "log" else ticks
    assert values == sorted(values)
    assert all(lo * (1 - 1e-9) <= v <= hi * (1 + 1e-9) for v in values)


def test_explorer_chart_embeds_data_once_and_stays_small():
    from widgets import data
    from widgets.data import load_countries

    years = list(range(1990, 2025))
    w = wide_by_year(data.indicator_series("population"), load_countries(), years)
    chart = explorer_chart(w, years, "Population", "people", "neutral", 2020, "d")
    spec = chart.to_dict()
    assert len(json.dumps(spec)) < 1_000_000
    assert spec["datasets"][VALUES_NAME].count('"iso3":"AFG"') == 1
    # the values table is embedded once only (the map has names but no regions)
    assert json.dumps(spec).count('Afghanistan\\",\\"region') == 1


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_fast_spec_equals_altair_build(wide, direction):
    kwargs = dict(years=YEARS, label="Test 'quoted' label", unit="%", direction=direction,
                  year=2020, description="A view.", region="Europe", income="All",
                  picked=["FRA", "KEN"], year_range=(2020, 2021))
    assert explorer_spec(wide, **kwargs) == explorer_chart(wide, **kwargs).to_dict()


def test_line_chart_limit_is_the_palette():
    assert MAX_COMPARED == 8


def test_coverage_charts_encode_share():
    cov = coverage_by_year(PANEL, ["hdi"])
    spec = coverage_year_chart(cov, {"hdi": "HDI"}, "desc", "title").to_dict()
    assert spec["encoding"]["color"]["scale"]["domain"] == [0, 100]
    assert spec["encoding"]["color"]["scale"]["reverse"] is True  # few data = dark
    cc = coverage_by_country(PANEL, ["hdi"], ["A", "B"], (2000, 2001))
    spec2 = coverage_country_chart(cc, {"hdi": "HDI"}, {"A": "Aland"}, "desc", "t").to_dict()
    rows = json.loads(spec2["data"]["values"])
    assert spec2["data"]["name"] == "coverage_by_country"
    assert {r["country"] for r in rows} == {"Aland", "B"}
    # one row per country, unfolded in the browser into one cell per indicator
    flatten = [t for t in spec2["transform"] if "flatten" in t][0]["flatten"]
    assert set(flatten) == {"share", "n_years", "latest", "label", "k"}
    # explicit orders: a swapped-in region or dimension must not keep the old order
    assert spec2["encoding"]["y"]["sort"] == {"field": "row", "op": "min"}  # A-Z, see rows
    assert spec2["encoding"]["x"]["sort"] == {"field": "k", "op": "min"}
    assert spec["encoding"]["y"]["sort"] == {"field": "order", "op": "min"}
    params = {p["name"]: p["value"] for p in spec2["params"]}
    assert params["coverage_labels"] == ["HDI"] and params["coverage_title"] == "t"
    assert isinstance(coverage_country_chart(cc, {}, {}, "d", "t"), alt.Chart)
