"""Case studies: the cited event files, the pure helpers, the chart and the CaseExplorer."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets import data
from widgets.cases import (
    CaseStudy,
    case_events,
    change_between,
    get_case,
    label_rows,
    load_case_events,
    load_cases,
    parse_event_date,
    series_for_countries,
    stack_series,
    top_destinations,
    validate_events,
    value_near,
)
from widgets.charts.cases import case_timeline_chart, destinations_chart, timeline_update
from widgets.errors import LabInputError


# ----------------------------------------------------------------- the case files
def test_at_least_five_cases_each_with_dated_cited_events():
    cases = load_cases()
    events = load_case_events()
    assert len(cases) >= 5
    for cid in cases:
        ev = events[events["case_id"] == cid]
        assert len(ev) >= 5, f"case {cid} has too few events"
        assert ev["source_title"].str.len().gt(10).all()
        assert ev["source_url_or_reference"].str.len().gt(0).all()


def test_case_countries_and_indicators_exist_in_the_lab_data():
    catalogue = data.load_catalogue()
    for case in load_cases().values():
        for iso3 in case.all_countries:
            assert data.check_country(iso3) == iso3
        for ind in case.indicators:
            assert ind in catalogue.index
        assert case.summary and case.policy and len(case.questions) >= 3


def test_every_case_has_data_for_its_own_countries_and_first_indicator():
    for case in load_cases().values():
        s = data.indicator_series(case.indicators[0], countries=list(case.countries))
        s = s[s["year"].between(*case.years)]
        assert not s.empty, case.id


def test_costa_rica_has_no_military_spending_values():
    # The blank that the Costa Rica case is about.
    s = data.indicator_series("milex_gdp", countries="CRI")
    assert s.empty


def test_get_case_suggests_a_correction():
    with pytest.raises(LabInputError, match="Did you mean 'rwanda'"):
        get_case("ruanda")


def test_case_from_dict_rejects_bad_years_and_empty_lists():
    with pytest.raises(LabInputError, match="after the last"):
        CaseStudy.from_dict({"id": "x", "countries": ["KEN"], "indicators": ["hdi"],
                             "years": [2010, 2000]})
    with pytest.raises(LabInputError, match="at least one country"):
        CaseStudy.from_dict({"id": "x", "countries": [], "indicators": ["hdi"],
                             "years": [2000, 2010]})


# ----------------------------------------------------------------- dates and events
@settings(deadline=None)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_decimal_year_falls_inside_its_year(day):
    label, x = parse_event_date(day.isoformat())
    assert day.year <= x < day.year + 1
    assert str(day.year) in label


@settings(deadline=None)
@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2050, 12, 30)),
       st.integers(min_value=1, max_value=400))
def test_later_dates_lie_further_right(day, days_later):
    later = day + dt.timedelta(days=days_later)
    assert parse_event_date(later.isoformat())[1] >= parse_event_date(day.isoformat())[1]


@pytest.mark.parametrize("bad", ["2016-13", "16-11-24", "2016-02-30", "soon", ""])
def test_unreadable_dates_get_a_clear_message(bad):
    with pytest.raises(LabInputError, match="YYYY-MM-DD"):
        parse_event_date(bad)


def _events(**changes):
    base = {"case_id": ["a"], "date": ["2014-08-08"], "event": ["PHEIC"],
            "source_title": ["WHO statement"], "source_url_or_reference": ["https://who.int"]}
    base.update(changes)
    return pd.DataFrame(base)


def test_validate_events_requires_sources_text_known_cases_and_columns():
    with pytest.raises(LabInputError, match="no source"):
        validate_events(_events(source_title=[""]), ["a"])
    with pytest.raises(LabInputError, match="has no text"):
        validate_events(_events(event=[""]), ["a"])
    with pytest.raises(LabInputError, match="unknown case 'b'"):
        validate_events(_events(case_id=["b"]), ["a"])
    with pytest.raises(LabInputError, match="lacks the column"):
        validate_events(_events().drop(columns="source_title"))


def test_case_events_are_numbered_in_date_order_and_numbers_survive_filtering():
    ev = case_events(load_case_events(), "colombia")
    assert ev["number"].tolist() == list(range(1, len(ev) + 1))
    assert ev["x"].is_monotonic_increasing
    later = case_events(load_case_events(), "colombia", years=(2016, 2024))
    assert set(later["number"]) <= set(ev["number"])
    assert (later["x"] >= 2016).all()
    # the number of an event does not depend on the filter
    merged = later.merge(ev, on="event", suffixes=("_f", ""))
    assert (merged["number_f"] == merged["number"]).all()


@settings(deadline=None)
@given(st.lists(st.floats(min_value=1990, max_value=2025, allow_nan=False), max_size=30),
       st.floats(min_value=0.05, max_value=3))
def test_label_rows_never_put_close_labels_on_the_same_row(xs, gap):
    xs = sorted(xs)
    rows = label_rows(xs, gap)
    assert len(rows) == len(xs)
    for row in set(rows):
        on_row = [x for x, r in zip(xs, rows, strict=True) if r == row]
        assert all(b - a >= gap for a, b in zip(on_row, on_row[1:], strict=False))


# ----------------------------------------------------------------- series helpers
SERIES = pd.DataFrame({
    "iso3": ["AAA", "AAA", "AAA", "BBB", "BBB"],
    "name": ["Aland", "Aland", "Aland", "Bland", "Bland"],
    "year": [2000, 2005, 2010, 2000, 2003],
    "value": [100.0, 90.0, 70.0, 10.0, 12.0],
})


def test_series_for_countries_keeps_the_requested_order_and_years():
    out = series_for_countries(SERIES, ["BBB", "AAA"], years=(2003, 2010))
    assert out["iso3"].tolist() == ["BBB", "AAA", "AAA"]
    assert out["year"].tolist() == [2003, 2005, 2010]


def test_stack_series_labels_each_indicator():
    out = stack_series({"x": SERIES, "y": SERIES}, ["AAA"])
    assert out.groupby("indicator").size().to_dict() == {"x": 3, "y": 3}
    assert list(out.columns) == ["iso3", "name", "indicator", "year", "value"]


def test_value_near_prefers_exact_then_earlier_and_respects_the_gap():
    assert value_near(SERIES, "AAA", 2005) == (2005, 90.0)
    assert value_near(SERIES, "BBB", 2001) == (2000, 10.0)   # nearer
    assert value_near(SERIES, "AAA", 2007, max_gap=3) == (2005, 90.0)  # 2 years off vs 3
    assert value_near(SERIES, "BBB", 2003, max_gap=0) == (2003, 12.0)
    tie = pd.DataFrame({"iso3": ["C", "C"], "year": [2000, 2004], "value": [1.0, 2.0]})
    assert value_near(tie, "C", 2002) == (2000, 1.0)  # a tie goes to the earlier year
    assert value_near(SERIES, "BBB", 2010) is None
    assert value_near(SERIES, "ZZZ", 2000) is None


def test_change_between_computes_change_and_percentage():
    out = change_between(SERIES, ["AAA", "BBB"], 2000, 2010).set_index("iso3")
    assert out.loc["AAA", "change"] == pytest.approx(-30.0)
    assert out.loc["AAA", "pct_change"] == pytest.approx(-30.0)
    assert pd.isna(out.loc["BBB", "change"])   # nothing near 2010
    with pytest.raises(LabInputError, match="must come before"):
        change_between(SERIES, ["AAA"], 2010, 2000)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=15),
       st.integers(min_value=1, max_value=10))
def test_top_destinations_shares_add_up_to_100(counts, n):
    d = pd.DataFrame({"year": 2020, "origin_iso3": "SYR",
                      "asylum_iso3": [f"H{i:02d}" for i in range(len(counts))],
                      "refugees": counts})
    top = top_destinations(d, "SYR", 2020, n=n)
    assert top["share"].sum() == pytest.approx(100.0)
    assert top["refugees"].sum() == pytest.approx(sum(counts))
    assert len(top) <= n + 1
    head = top[top["asylum_iso3"] != "Other"]["refugees"].tolist()
    assert head == sorted(head, reverse=True)


def test_top_destinations_says_when_a_year_has_no_refugees():
    d = pd.DataFrame({"year": [2020], "origin_iso3": ["SYR"], "asylum_iso3": ["TUR"],
                      "refugees": [5]})
    with pytest.raises(LabInputError, match="try another year"):
        top_destinations(d, "SYR", 1999)


# ----------------------------------------------------------------- charts
def test_case_chart_embeds_only_its_rows_and_declares_the_parameters():
    stacked = stack_series({"x": SERIES}, ["AAA", "BBB"]).assign(indicator="x")
    events = pd.DataFrame({"number": [1, 2], "x": [2004.5, 2004.6],
                           "date_label": ["July 2004", "August 2004"], "event": ["a", "b"]})
    spec = case_timeline_chart(stacked, events, indicator="x", countries=["AAA"],
                               y_label="Thing", year=2005, title="T",
                               description="A test chart.").to_dict()
    assert spec["description"] == "A test chart."
    params = {p["name"]: p["value"] for p in spec["params"]}
    names = list(dict.fromkeys(stacked["name"]))
    assert params == {"indicator": "x", "countries": ["AAA"], "year": 2005, "ylabel": "Thing",
                      "case_names": names, "x_lo": 2000, "x_hi": int(stacked["year"].max()),
                      "case_title": "T"}
    inline = {layer["data"]["name"]: json.loads(layer["data"]["values"])
              for layer in spec["layer"] if "values" in layer.get("data", {})}
    assert len(inline["case_series"]) == len(stacked)
    # the two close events get different label rows
    ev_rows = inline["case_events"]
    assert ev_rows[0]["label_y"] != ev_rows[1]["label_y"]
    # what a case change swaps in equals what the chart was built with
    update_params, datasets = timeline_update(stacked, events, "T")
    assert {k: params[k] for k in update_params} == update_params
    assert json.loads(datasets["case_events"].to_json(orient="records")) == ev_rows
    filters = [t["filter"] for layer in spec["layer"] for t in layer.get("transform", [])
               if "filter" in t]
    assert any("indexof(countries, datum.iso3)" in f for f in filters)


def test_destinations_chart_labels_axis_with_origin_and_year():
    t = pd.DataFrame({"host": ["Türkiye", "Other"], "refugees": [60, 40], "share": [60.0, 40.0]})
    spec = destinations_chart(t, "Syria", 2020).to_dict()
    assert "Syria" in spec["encoding"]["x"]["title"] and "2020" in spec["encoding"]["x"]["title"]
    assert spec["description"]


# ----------------------------------------------------------------- widgets
@pytest.fixture(scope="module")
def explorer():
    from widgets.ui.cases import CaseExplorer

    return CaseExplorer("costa-rica")


def test_explorer_starts_on_the_case_with_its_countries(explorer):
    case = get_case("costa-rica")
    explorer.restore_learner_state({"case": "costa-rica"})
    assert list(explorer.countries.value) == list(case.all_countries)
    assert explorer.indicator.value == case.indicators[0]
    assert "Costa Rica" in explorer.panel.description_text
    assert explorer.panel.source.value  # a source line is shown
    assert "<table" in explorer.timeline.value and "Source" in explorer.timeline.value


def test_explorer_indicator_and_year_change_parameters_not_data(explorer):
    explorer.restore_learner_state({"case": "costa-rica"})
    before = explorer.panel.chart.chart
    explorer.indicator.value = "under5_mortality"
    explorer.year.value = 2000
    assert explorer.panel.chart.chart is before
    assert explorer.panel.chart.params.indicator == "under5_mortality"
    assert explorer.panel.chart.params.year == 2000
    assert explorer.panel.chart.params.ylabel == data.indicator_info("under5_mortality").label
    assert "2000" in explorer.readout.value
    table = explorer.panel.table_data
    assert set(table["Country"]) == {data.country_name(c) for c in explorer.countries.value}


def test_explorer_warns_when_costa_rica_has_no_military_spending(explorer):
    explorer.restore_learner_state({"case": "costa-rica"})
    explorer.indicator.value = "milex_gdp"
    assert explorer.message_kind == "warning"
    assert "Costa Rica" in explorer.message_text
    assert "army" in explorer.message_text  # the catalogue caveat explains why


def test_explorer_empty_selection_keeps_last_chart(explorer):
    explorer.restore_learner_state({"case": "costa-rica", "countries": ["CRI", "PAN"]})
    explorer.countries.value = ()
    assert explorer.message_kind == "error"
    assert "at least one country" in explorer.message_text
    assert explorer.panel.chart.params.countries == ["CRI", "PAN"]


def test_explorer_case_change_sends_new_data(explorer):
    explorer.restore_learner_state({"case": "costa-rica"})
    explorer.case.value = "rwanda"
    # the new case's rows and span are swapped into the chart on screen
    updates = {u.get("name") or u["namespace"]: u for u in explorer.panel.chart._py_to_js_updates}
    assert {r["iso3"] for r in json.loads(updates["case_series"]["value"])} == set(
        get_case("rwanda").all_countries)
    assert explorer.panel.chart.params.x_lo <= get_case("rwanda").years[0]
    assert "Rwanda" in explorer.panel.chart.params.case_title
    assert explorer.countries.value[0] == "RWA"
    assert "Rwanda" in explorer.notes.value
    assert explorer.year.min == get_case("rwanda").years[0]


def test_explorer_state_round_trip_and_old_state(explorer):
    explorer.restore_learner_state({"case": "sahel", "indicator": "idps", "countries": ["MLI", "NER"],
                        "year": 2020})
    saved = explorer.learner_state()
    assert saved == {"case": "sahel", "indicator": "idps", "countries": ["MLI", "NER"],
                     "year": 2020}
    explorer.case.value = "ebola"
    assert explorer.restore_learner_state(saved) == []
    assert explorer.learner_state() == saved
    skipped = explorer.restore_learner_state({"case": "sahel", "countries": ["FRA"], "year": 1800,
                                  "colour": "red"})
    assert set(skipped) == {"countries", "year", "colour"}
    assert explorer.case.value == "sahel"
    skipped = explorer.restore_learner_state({"case": "atlantis"})
    assert skipped == ["case"]


def test_refugee_destinations_follow_the_year():
    from widgets.ui.cases import RefugeeDestinations

    w = RefugeeDestinations("SYR", year=2013)
    first = w.panel.table_data.copy()
    w.year.value = 2022
    assert "2022" in w.panel.description_text
    assert not w.panel.table_data.equals(first)
    assert w.panel.table_data["Share (%)"].sum() == pytest.approx(100.0)


def test_control_tour_params_and_state():
    from widgets.ui.tour import ControlTour, catalogue_table

    tour = ControlTour()
    tour.indicator.value = "hdi"
    tour.countries.value = ("NOR", "NGA")
    tour.year.value = 2010
    assert tour.panel.chart.params.countries == ["NOR", "NGA"]
    assert "Norway" in tour.panel.description_text and "2010" in tour.readout.value
    state = tour.learner_state()
    tour.countries.value = ("KEN",)
    assert tour.restore_learner_state(state) == []
    assert list(tour.countries.value) == ["NOR", "NGA"]
    page = catalogue_table(data.load_catalogue())
    for label in data.HUMAN_SECURITY_DIMENSIONS.values():
        assert label in page


def test_explorer_rejects_countries_and_indicators_outside_the_case():
    from widgets.ui.cases import CaseExplorer

    with pytest.raises(LabInputError, match="cannot be shown"):
        CaseExplorer("rwanda", countries=["RWA", "FRA"])
    with pytest.raises(LabInputError, match="not one of them"):
        CaseExplorer("rwanda", indicator="gini")
    ex = CaseExplorer("rwanda", indicator="hdi", countries=["bdi", "RWA"])
    assert list(ex.countries.value) == ["BDI", "RWA"] and ex.indicator.value == "hdi"
