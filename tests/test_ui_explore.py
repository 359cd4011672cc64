"""Widget tests: set control values, check chart params, data, text and messages."""

from __future__ import annotations

import json
import statistics

import pytest
from altair.utils.selection import PointSelection

from widgets import data
from widgets.ui.coverage import DataCoverage
from widgets.ui.explorer import IndicatorExplorer, indicator_options
from widgets.ui.profile import CountryProfile


@pytest.fixture(scope="module")
def explorer():
    return IndicatorExplorer("under5_mortality", year=2015, countries=["KEN", "NGA"])


def _click(ex, codes):
    # what the browser sends when countries are clicked on the map (Vega's signal + store)
    ex.panel.chart._vl_selections = {
        "pick": {"value": {"vlPoint": {"or": [{"iso3": c} for c in codes]}},
                 "store": [{"unit": "explorer_map", "fields": [{"field": "iso3", "type": "E"}],
                            "values": [c]} for c in codes]}}


def test_menu_is_grouped_by_dimension():
    labels = [label for label, _ in indicator_options()]
    assert "Health — Under-5 mortality" in labels
    assert labels.index("Health — Under-5 mortality") < labels.index("Political — Rule of law")


def test_year_slider_only_changes_a_parameter(explorer):
    spec_before = explorer.panel.chart.spec
    explorer.year.value = 2020
    assert explorer.panel.chart.params.year == 2020
    assert explorer.panel.chart.spec is spec_before  # no data re-sent
    table = explorer.panel.table_data
    expected = data.indicator_series("under5_mortality", year=2020)
    assert len(table) == len(expected)
    assert set(table["Year"]) == {2020}
    kenya = table.set_index("Country").loc["Kenya"]
    assert kenya["Under-5 mortality (deaths per 1,000 live births)"] == pytest.approx(
        expected.set_index("iso3").loc["KEN", "value"])
    assert "in 2020" in explorer.panel.description_text
    assert "not as zero" in explorer.panel.description_text


def test_play_moves_the_year(explorer):
    explorer.play.value = 2018
    assert explorer.year.value == 2018 and explorer.panel.chart.params.year == 2018


def test_rank_in_table_matches_description(explorer):
    explorer.year.value = 2021
    table = explorer.panel.table_data.set_index("Country")
    rank = int(table.loc["Kenya", "Rank"])
    assert "Kenya" in explorer.panel.description_text
    assert f"(rank {rank} of {len(table)})" in explorer.panel.description_text


def test_region_filter_is_a_parameter_and_reranks(explorer):
    explorer.region.value = "Africa"
    try:
        assert explorer.panel.chart.params.region == "Africa"
        table = explorer.panel.table_data
        africa = set(data.load_countries(regions="Africa")["name"])
        assert set(table["Country"]) <= africa
        assert table["Rank"].min() == 1 and table["Rank"].max() <= len(table)
        explorer.income.value = "High income"
        assert explorer.panel.chart.params.income == "High income"
    finally:
        explorer.region.value = "All"
        explorer.income.value = "All"


def test_countries_list_sets_picked_param(explorer):
    explorer.countries.value = ("FRA", "KEN")
    assert explorer.panel.chart.params.picked == ["FRA", "KEN"]
    assert "France" in explorer.panel.description_text


def test_map_click_adds_and_removes_countries(explorer):
    explorer.countries.value = ()
    _click(explorer, ["BRA"])
    assert isinstance(explorer.panel.chart.selections.pick, PointSelection)
    assert explorer.countries.value == ("BRA",)
    _click(explorer, ["BRA", "IND"])
    assert explorer.countries.value == ("BRA", "IND")
    _click(explorer, ["IND"])
    assert explorer.countries.value == ("IND",)


def test_initial_choices_are_in_the_spec_a_browser_starts_from():
    ex = IndicatorExplorer("life_expectancy", year=2010, countries=["JPN", "NGA"],
                           region="Asia")
    params = {p["name"]: p.get("value") for p in ex.panel.chart.spec["params"]}
    assert params["picked"] == ["JPN", "NGA"] and params["year"] == 2010
    assert params["region"] == "Asia"


def test_a_browser_view_cannot_override_the_controls(explorer):
    explorer.year.value = 2012
    # a freshly rendered view reports the spec's own values back
    explorer.panel.chart._params = {**explorer.panel.chart._params, "year": 1990}
    assert explorer.panel.chart.params.year == 2012


def test_too_many_countries_gives_a_message(explorer):
    explorer.countries.value = tuple(data.load_countries()["iso3"][:10])
    assert len(explorer.countries.value) == 8
    assert "up to 8" in explorer.message_text


def test_indicator_change_swaps_rows_and_parameters_not_the_chart(explorer):
    explorer.clear_message()
    explorer.indicator.value = "food_insecurity"
    updates = {u.get("name") or u["namespace"]: u for u in explorer.panel.chart._py_to_js_updates}
    rows = json.loads(updates["indicator_by_year"]["value"])
    assert len(rows) == len(data.load_countries())
    assert len(updates["indicator_by_year"]["value"]) < 200_000           # one indicator's values, no map
    params = explorer.panel.chart.params
    assert params.ind_label == "Food insecurity" and params.ind_direction == "higher_is_worse"
    assert explorer.year.min == 2015  # food insecurity starts in 2015
    assert "Food insecurity" in explorer.panel.description_text
    assert updates["description"]["value"] == explorer.panel.description_text
    assert "FAO" in explorer.panel.source.value or "Source:" in explorer.panel.source.value
    # a view opened later starts from the same state
    spec_params = {p["name"]: p.get("value") for p in explorer.panel.chart.spec["params"]}
    assert spec_params["ind_label"] == "Food insecurity"
    explorer.indicator.value = "under5_mortality"
    assert explorer.panel.chart.params.ind_label == "Under-5 mortality"


def test_every_indicator_is_prepared_once_and_shared(explorer):
    # choosing an indicator sends text made when the first explorer opened
    other = IndicatorExplorer("life_expectancy")
    assert other._cache is explorer._cache
    for _, ind in explorer.indicator.options:
        prepared = explorer._cache[ind]
        assert prepared["rows"].startswith("[{") and prepared["params"]["ind_label"]
    other.indicator.value = "homicide_rate"
    sent = other.panel.chart._py_to_js_updates[0]["value"]
    assert sent is explorer._cache["homicide_rate"]["rows"]


def test_indicator_change_sends_the_chart_before_the_slider(monkeypatch):
    # the slider's new bounds make the browser lay the page out: they follow the rows
    ex = IndicatorExplorer("under5_mortality")
    order = []
    monkeypatch.setattr(type(ex.panel.chart), "send_state",
                        lambda self, key=None: order.append("chart"))
    monkeypatch.setattr(type(ex.year), "send_state",
                        lambda self, key=None: order.append("slider"))
    ex.indicator.value = "food_insecurity"  # fewer years: the slider's bounds change
    assert "chart" in order and "slider" in order
    assert order.index("chart") < order.index("slider")


def test_year_without_data_is_a_message_not_a_crash():
    ex = IndicatorExplorer("food_insecurity", year=1995)
    assert "no data for 1995" in ex.message_text
    assert ex.year.value == data.years_with_data("food_insecurity")[-1]


def test_an_indicator_with_fewer_years_moves_chart_and_slider_together():
    # the slider clamps to the new indicator's last year: the chart must show that year
    ex = IndicatorExplorer("under5_mortality")
    ex.region.value = "Africa"
    last = data.years_with_data("life_expectancy")[-1]
    assert ex.year.value > last  # otherwise this test checks nothing
    ex.indicator.value = "life_expectancy"
    assert ex.year.value == last
    assert ex.panel.chart.params.year == last
    assert str(last) in ex.panel.description_text


def test_bad_countries_give_a_message_and_keep_the_good_ones():
    ex = IndicatorExplorer("life_expectancy", countries=["JPN", "Narnia"])
    assert ex.countries.value == ("JPN",)
    assert "Narnia" in ex.message_text


def test_state_round_trip(explorer):
    explorer.year.value = 2010
    explorer.countries.value = ("KEN",)
    state = explorer.learner_state()
    other = IndicatorExplorer("life_expectancy")
    assert other.restore_learner_state(state) == []
    assert other.indicator.value == "under5_mortality" and other.year.value == 2010
    assert other.panel.chart.params.picked == ["KEN"]


def test_year_callback_is_fast(explorer):
    times = []
    for year in range(2000, 2021):
        explorer.year.value = year
        times.append(explorer.last_callback_ms)
    # budget 20 ms; CI machines are shared, so allow headroom on the median
    assert statistics.median(times) < 60


# ----------------------------------------------------------------- profile
@pytest.fixture(scope="module")
def profile():
    return CountryProfile("KEN")


def test_profile_describes_weakest_dimensions(profile):
    text = profile.panel.description_text
    assert text.startswith("Kenya:")
    for dim in profile.vulnerable:
        assert data.DIMENSIONS[dim].lower() in text
    rows = profile.spec["datasets"]["profile_rows"]
    highlighted = {r["row"].split(" · ")[0] for r in rows if r["highlight"]}
    assert highlighted == {data.DIMENSIONS[d].replace(" security", "") for d in profile.vulnerable}


def test_profile_values_come_from_the_data(profile):
    table = profile.panel.table_data.set_index("Indicator")
    latest = data.latest_values("under5_mortality").set_index("iso3").loc["KEN"]
    row = table.loc["Health · Under-5 mortality"]
    assert row["Latest value"] == pytest.approx(latest["value"])
    assert row["Year"] == latest["year"]


def test_profile_compare_modes(profile):
    profile.compare.value = "income"
    assert "lower middle income" in profile.panel.description_text
    assert profile.peer.disabled
    profile.compare.value = "peer"
    assert not profile.peer.disabled
    profile.peer.value = "NOR"
    rows = profile.spec["datasets"]["profile_rows"]
    params = {p["name"]: p.get("value") for p in profile.spec["params"]}
    assert params["compare_label"] == "Peer: Norway"
    # changed in place: the chart on screen got the rows, the label and the text
    updates = {(u["namespace"], u.get("name")): u for u in profile.panel.chart._py_to_js_updates}
    assert json.loads(updates[("data", "profile_rows")]["value"]) == rows
    updates = {u["namespace"]: u for u in profile.panel.chart._py_to_js_updates}
    assert updates["description"]["value"] == profile.panel.description_text
    assert profile.panel.chart.params.compare_label == "Peer: Norway"
    nor = CountryProfile("NOR")
    nor_rows = {r["row"]: r["pct_world"] for r in nor.spec["datasets"]["profile_rows"]}
    assert all(r["pct_compare"] == nor_rows[r["row"]] for r in rows)
    profile.peer.value = "KEN"
    assert "same country" in profile.message_text
    profile.compare.value = "region"


def test_profile_country_change_and_bad_input(profile):
    profile.country.value = "NOR"
    assert profile.panel.description_text.startswith("Norway:")
    assert profile.last_callback_ms is not None
    bad = CountryProfile("Narnia")
    assert "Narnia" in bad.message_text and bad.country.value == "KEN"
    assert bad.learner_state()["country"] == "KEN"
    profile.country.value = "KEN"


# ----------------------------------------------------------------- coverage
def test_coverage_views_follow_controls():
    cov = DataCoverage(dimension="food", region="Oceania", years=(2015, 2020))
    year_rows = cov.year_panel.table_data
    food = set(data.indicators_by_dimension()["food"])
    labels = {data.indicator_info(i).short_label for i in food}
    # one dimension: the indicators' own labels, no "Food · " in front of each
    assert set(year_rows["Indicator"]) == labels
    country_rows = cov.country_panel.table_data
    assert set(country_rows["Country"]) == set(data.load_countries(regions="Oceania")["name"])
    assert (country_rows["Years in range"] == 6).all()
    spec = cov.country_panel.chart.spec
    sent = []  # every batch of updates the chart on screen gets
    cov.country_panel.chart.observe(lambda c: sent.append(c["new"]), names="_py_to_js_updates")
    cov.region.value = "Europe"
    assert "Europe" in cov.country_panel.description_text
    # swapped into the chart on screen: rows and title first, then the description;
    # no new spec sent
    assert [u["namespace"] for batch in sent for u in batch] == ["data", "description"]
    updates = {u["namespace"]: u for batch in sent for u in batch}
    europe = set(data.load_countries(regions="Europe")["name"])
    assert {r["country"] for r in json.loads(updates["data"]["value"])} == europe
    assert len(cov.country_panel.chart.params.coverage_labels) == len(food)
    assert "Europe" in cov.country_panel.chart.params.coverage_title
    assert updates["description"]["value"] == cov.country_panel.description_text
    assert cov.country_panel.chart.spec["data"]["values"] != spec["data"]["values"]
    order = []  # (chart, what) in the order the messages leave
    for name, panel in (("years", cov.year_panel), ("countries", cov.country_panel)):
        panel.chart.observe(lambda c, name=name: order.extend(
            (name, u["namespace"]) for u in c["new"]), names="_py_to_js_updates")
    year_sent = []
    cov.year_panel.chart.observe(lambda c: year_sent.extend(c["new"]), names="_py_to_js_updates")
    cov.dimension.value = "political"
    assert "political security" in cov.year_panel.description_text
    # both heat-maps' rows leave before either description
    assert order == [("years", "data"), ("countries", "data"),
                     ("years", "description"), ("countries", "description")]
    rows = json.loads(next(u["value"] for u in year_sent if u["namespace"] == "data"))
    political = {data.indicator_info(i).short_label
                 for i in data.indicators_by_dimension()["political"]}
    assert {r["label"] for r in rows} == political
    assert set(cov.year_panel.table_data["Indicator"]) == political
    assert set(cov.country_panel.chart.params.coverage_labels) == political
    cov.dimension.value = "all"  # every dimension: each label says which it belongs to
    from widgets.ui.explorer import DIMENSION_SHORT
    assert {s.split(" · ")[0] for s in cov.country_panel.chart.params.coverage_labels} == {
        DIMENSION_SHORT[d] for d in data.indicators_by_dimension()}
    assert "Political · " + sorted(political)[0] in set(cov.year_panel.table_data["Indicator"])
    cov.dimension.value = "political"
    assert cov.learner_state() == {"dimension": "political", "region": "Europe",
                               "years": [2015, 2020]}


def test_coverage_counts_match_the_panel():
    cov = DataCoverage(dimension="food", region="Africa", years=(2000, 2022))
    t = cov.year_panel.table_data
    row = t[(t["Indicator"] == "Undernourishment") & (t["Year"] == 2020)].iloc[0]
    expected = len(data.indicator_series("undernourishment", year=2020))
    assert row["Countries with data"] == expected


def test_coverage_bad_input_is_a_message():
    cov = DataCoverage(dimension="helth", region="Mars")
    assert "helth" in cov.message_text and "Mars" in cov.message_text
    assert cov.dimension.value == "all"


def test_line_chart_keeps_room_for_the_widest_labels(explorer):
    # Vega lays a chart out once: when new rows widened the y-axis labels (population
    # after life expectancy) the title and labels were cut off on the left
    from widgets.charts import Y_LABEL_ROOM

    def value_axes(node):
        if isinstance(node, dict):
            y = node.get("encoding", {}).get("y", {})
            if isinstance(y, dict) and y.get("field") == "value":
                yield y.get("axis", {})
            for child in node.get("layer", []):
                yield from value_axes(child)

    axes = list(value_axes(explorer.panel.chart.spec["vconcat"][1]))
    # the layers share one y axis: one of them sets its room
    assert any(a.get("minExtent") == Y_LABEL_ROOM for a in axes)
