"""Scorecard: direction-aware verdicts, positions among countries, briefs and the widget."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets.errors import LabInputError
from widgets.scorecard import (
    brief_html,
    brief_markdown,
    country_scorecard,
    near_value_table,
    percentile_position,
    period_scorecard,
    position_table,
    prepare_scorecard,
    summarise_scorecard,
    values_near_year,
    verdict_for,
)

U5 = SimpleNamespace(label="Under-5 mortality", short_label="Under-5 mortality",
                     unit="per 1,000", dimension="health", direction="higher_is_worse")
LIFE = SimpleNamespace(label="Life expectancy", short_label="Life expectancy", unit="years",
                       dimension="health", direction="higher_is_better")
MILEX = SimpleNamespace(label="Military spending", short_label="Military spending",
                        unit="% of GDP", dimension="state_security", direction="neutral")
INFOS = {"u5": U5, "life": LIFE, "milex": MILEX}

# Three named countries: Aland improves, Bland worsens, Cland has gaps.
SERIES = {
    "u5": pd.DataFrame({"iso3": ["AAA", "AAA", "BBB", "BBB", "CCC"],
                        "year": [2000, 2010, 2000, 2010, 2001],
                        "value": [80.0, 40.0, 30.0, 45.0, 60.0]}),
    "life": pd.DataFrame({"iso3": ["AAA", "AAA", "BBB", "BBB", "CCC", "CCC"],
                          "year": [2000, 2010, 2000, 2010, 2000, 2009],
                          "value": [55.0, 65.0, 70.0, 69.5, 60.0, 60.3]}),
    "milex": pd.DataFrame({"iso3": ["AAA", "AAA", "BBB", "BBB"],
                           "year": [2000, 2010, 2000, 2010],
                           "value": [2.0, 3.0, 1.0, 0.5]}),
}
STATE = ("milex",)


@pytest.fixture(scope="module")
def tables():
    return prepare_scorecard(SERIES, INFOS, range(1998, 2013))


def test_verdicts_follow_the_indicator_direction(tables):
    rows = country_scorecard(tables, INFOS, "AAA", 2000, 2010, state_indicators=STATE)
    by = rows.set_index("indicator")
    assert by.loc["u5", "verdict"] == "better" and by.loc["u5", "arrow"] == "▼"
    assert by.loc["life", "verdict"] == "better" and by.loc["life", "arrow"] == "▲"
    assert by.loc["milex", "verdict"] == "up" and by.loc["milex", "side"] == "State security"
    assert by.loc["u5", "change"] == pytest.approx(-40.0)
    assert by.loc["u5", "pct_change"] == pytest.approx(-50.0)
    rows_b = country_scorecard(tables, INFOS, "BBB", 2000, 2010, state_indicators=STATE)
    assert rows_b.set_index("indicator")["verdict"].to_dict() == {
        "u5": "worse", "life": "little change", "milex": "down"}


def test_values_from_nearby_years_are_used_and_shown(tables):
    rows = country_scorecard(tables, INFOS, "CCC", 2000, 2010, state_indicators=STATE)
    by = rows.set_index("indicator")
    assert by.loc["u5", "start_year"] == 2001     # one year off
    assert by.loc["u5", "verdict"] == "no data"   # nothing near 2010
    assert by.loc["life", "end_year"] == 2009
    assert by.loc["life", "verdict"] == "little change"   # +0.5%, under the 1% threshold
    assert by.loc["milex", "verdict"] == "no data" and by.loc["milex", "arrow"] == "–"


def test_unknown_country_gives_no_data_rows_not_an_error(tables):
    rows = country_scorecard(tables, INFOS, "ZZZ", 2000, 2010)
    assert set(rows["verdict"]) == {"no data"}


def test_bad_periods_get_clear_messages(tables):
    with pytest.raises(LabInputError, match="must come before"):
        country_scorecard(tables, INFOS, "AAA", 2010, 2000)
    with pytest.raises(LabInputError, match="choose years in that range"):
        country_scorecard(tables, INFOS, "AAA", 1950, 2000)
    with pytest.raises(LabInputError, match="must come before"):
        period_scorecard(tables, INFOS, 2005, 2005)


def test_period_scorecard_agrees_with_country_scorecard(tables):
    everyone = period_scorecard(tables, INFOS, 2000, 2010, state_indicators=STATE)
    for iso3 in ("AAA", "BBB", "CCC"):
        one = country_scorecard(tables, INFOS, iso3, 2000, 2010, state_indicators=STATE)
        mine = everyone[everyone["iso3"] == iso3].set_index("indicator")
        for row in one.itertuples():
            if row.indicator not in mine.index:
                assert row.verdict == "no data"
                continue
            assert mine.loc[row.indicator, "verdict"] == row.verdict
            assert mine.loc[row.indicator, "arrow"] == row.arrow
            np.testing.assert_allclose(mine.loc[row.indicator, "end_position"],
                                       row.end_position, equal_nan=True)


def test_positions_are_direction_aware(tables):
    rows = country_scorecard(tables, INFOS, "AAA", 2000, 2010, state_indicators=STATE)
    by = rows.set_index("indicator")
    # 2000: under-5 mortality 80 (AAA) vs 30 (BBB) vs 60 (CCC, 2001) → AAA is worst → 0
    assert by.loc["u5", "start_position"] == pytest.approx(0.0)
    # 2010: 40 (AAA) vs 45 (BBB) → AAA better → 100
    assert by.loc["u5", "end_position"] == pytest.approx(100.0)
    assert by.loc["u5", "position_move"] == pytest.approx(100.0)


@settings(deadline=None)
@given(st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=1,
                max_size=40))
def test_position_is_between_0_and_100_and_mirrors_with_direction(values):
    s = pd.Series(values)
    better = percentile_position(s, "higher_is_better")
    worse = percentile_position(s, "higher_is_worse")
    assert better.between(0, 100).all()
    np.testing.assert_allclose(better + worse, 100.0)
    # a larger value is never placed lower when higher is better
    order = np.argsort(values, kind="stable")
    assert np.all(np.diff(better.to_numpy()[order]) >= -1e-9)


@settings(deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(min_value=-100, max_value=100,
                                               allow_nan=False)), min_size=2, max_size=25))
def test_position_table_matches_percentile_position(values):
    table = pd.DataFrame({2000: pd.array(values, dtype="Float64").astype(float)})
    expected = percentile_position(table[2000], "higher_is_better")
    got = position_table(table, "higher_is_better")[2000]
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), equal_nan=True)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.integers(1990, 2024), st.floats(-50, 50, allow_nan=False),
                       min_size=1, max_size=12),
       st.integers(1990, 2024), st.integers(0, 3))
def test_vectorised_near_values_match_the_simple_rule(points, year, gap):
    s = pd.DataFrame({"iso3": "AAA", "year": list(points), "value": list(points.values())})
    simple = values_near_year(s, year, gap)
    values, used = near_value_table(s, [year], gap)
    if simple.empty:
        assert "AAA" not in values.index or np.isnan(values.loc["AAA", year])
    else:
        assert values.loc["AAA", year] == simple.loc[0, "value"]
        assert used.loc["AAA", year] == simple.loc[0, "year"]


@settings(deadline=None)
@given(st.floats(-1e3, 1e3, allow_nan=False), st.floats(-1e3, 1e3, allow_nan=False))
def test_verdicts_are_symmetric(start, change):
    a = verdict_for(change, start, "higher_is_better")
    b = verdict_for(change, start, "higher_is_worse")
    flip = {"better": "worse", "worse": "better"}
    assert b == flip.get(a, a)
    assert verdict_for(change, start, "neutral") in {"up", "down", "little change"}


def test_summary_counts(tables):
    rows = country_scorecard(tables, INFOS, "AAA", 2000, 2010, state_indicators=STATE)
    s = summarise_scorecard(rows)
    assert s["Human security"]["better"] == 2
    assert s["State security"]["up"] == 1


def test_briefs_carry_values_arrows_sources_notes_and_chart(tables):
    rows = country_scorecard(tables, INFOS, "AAA", 2000, 2010, state_indicators=STATE)
    md = brief_markdown(rows, "Aland", 2000, 2010, sources=["Source: UN IGME."],
                        notes="Child survival improved.", chart_svg="<svg/>",
                        dimension_labels={"health": "Health security"})
    assert "# Human-security scorecard: Aland, 2000–2010" in md
    assert "| Under-5 mortality | per 1,000 | 80 (2000) | 40 (2010) | ▼ better | -50.0% |" in md
    assert "### Health security" in md and "Source: UN IGME." in md
    assert "Child survival improved." in md and "data:image/svg+xml;base64," in md
    page = brief_html(rows, "Aland <script>", 2000, 2010, chart_svg="<svg id='c'></svg>",
                      notes="<b>bold</b>")
    assert "<svg id='c'></svg>" in page
    assert "<script>" not in page and "&lt;b&gt;bold" in page
    assert "http" not in page  # nothing to fetch


# ----------------------------------------------------------------- widget
@pytest.fixture(scope="module")
def widget():
    from widgets.ui.scorecard import Scorecard

    return Scorecard("COL", start=2010, end=2020)


def test_widget_country_change_only_changes_parameters(widget):
    chart = widget.panel.chart.chart
    widget.country.value = "RWA"
    assert widget.panel.chart.chart is chart
    assert widget.panel.chart.params.country == "RWA"
    assert widget.panel.chart.params.country_label == "Rwanda"
    assert "Rwanda" in widget.panel.description_text
    assert "Rwanda" in widget.summary.value
    assert set(widget.panel.table_data["Side"]) == {"Human security", "State security"}


def test_widget_period_change_sends_new_data_and_rejects_reversed_years(widget):
    widget.restore_learner_state({"country": "COL", "start": 2010, "end": 2020})
    before = widget.panel.chart.spec
    widget.start.value = 2000
    assert widget.panel.chart.spec is not before          # new rows swapped in
    assert widget.panel.chart.params.period_label == "2000 → 2020"
    assert "2000 to 2020" in widget.panel.description_text
    good = widget.rows.copy()
    widget.end.value = 1995
    assert widget.message_kind == "error" and "must come before" in widget.message_text
    pd.testing.assert_frame_equal(widget.rows, good)  # last valid result kept
    widget.end.value = 2020
    assert widget.message_text == ""


def test_widget_export_writes_self_contained_briefs(widget, tmp_path):
    widget.restore_learner_state({"country": "COL", "start": 2010, "end": 2020,
                      "notes": "Fewer battle deaths after 2016."})
    page = widget.export("html", tmp_path / "b.html").read_text(encoding="utf-8")
    assert "<svg" in page and "Fewer battle deaths after 2016." in page
    assert "Colombia: 2010 → 2020" in page   # the picture shows the current heading
    assert "Colombia" in page and "Data sources" in page
    md = widget.export("md", tmp_path / "b.md").read_text(encoding="utf-8")
    assert md.startswith("# Human-security scorecard: Colombia, 2010–2020")
    assert widget.message_kind == "info"


def test_widget_state_round_trip(widget):
    widget.restore_learner_state({"country": "KEN", "start": 2005, "end": 2015, "notes": "n"})
    state = widget.learner_state()
    assert state == {"country": "KEN", "start": 2005, "end": 2015, "notes": "n"}
    assert widget.restore_learner_state({"country": "XXX", "colour": 1}) == ["country", "colour"]
    assert widget.country.value == "KEN"


def test_markdown_brief_shows_learner_notes_literally(tables):
    """Issue 23.4: learner notes reached the Markdown brief raw."""
    rows = country_scorecard(tables, INFOS, "AAA", 2000, 2010, state_indicators=STATE)
    md = brief_markdown(rows, "Aland", 2000, 2010, sources=["Source: UN IGME."],
                        notes="<img src=x onerror=alert(1)> [x](javascript:alert(1)) </script>")
    assert "<img" not in md and "](javascript" not in md and "</script" not in md
    assert "onerror" in md
