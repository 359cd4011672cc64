"""widgets.data: the learner-facing loaders and their error messages."""

from __future__ import annotations

import time

import pandas as pd
import pytest

from widgets import data
from widgets.errors import LabInputError


def test_panel_has_no_aggregates_and_unique_keys():
    panel = data.load_panel()
    countries = set(data.load_countries()["iso3"])
    assert set(panel["iso3"]) <= countries
    assert not panel.duplicated(["iso3", "year"]).any()
    for aggregate in ("WLD", "EUU", "SSF", "HIC", "ZZK.WORLD", "OWID_WRL"):
        assert aggregate not in countries


def test_every_panel_column_is_in_the_catalogue():
    panel = data.load_panel()
    cat = data.load_catalogue()
    assert set(panel.columns) - {"iso3", "year"} == set(cat.index)


def test_filters_combine():
    p = data.load_panel(["hdi"], years=(2000, 2005), income_groups="Low income")
    assert p["year"].between(2000, 2005).all()
    low = set(data.load_countries(income_groups="Low income")["iso3"])
    assert set(p["iso3"]) <= low and len(set(p["iso3"])) > 10


def test_region_filter_accepts_un_and_world_bank_regions():
    africa = data.load_countries(regions="Africa")
    assert (africa["un_region"] == "Africa").all() and len(africa) >= 50
    ssa = data.load_countries(regions="Sub-Saharan Africa")
    assert len(ssa) >= 45


def test_returned_tables_are_copies():
    p = data.load_panel(["hdi"])
    p.loc[:, "hdi"] = -1
    assert (data.load_panel(["hdi"])["hdi"] != -1).any()


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: data.check_indicator("life_expectency"), "Did you mean 'life_expectancy'"),
        (lambda: data.check_country("Frnace"), "Did you mean"),
        (lambda: data.check_country("XYZ"), "three-letter ISO code"),
        (lambda: data.check_year("hdi", 1850), "Data exist for 1990"),
        (lambda: data.check_year("hdi", "soon"), "is not a year"),
        (lambda: data.load_panel("hdi", years=(1900, 1910)), "The panel covers"),
        (lambda: data.load_countries(regions="Atlantis"), "Unknown region"),
        (lambda: data.load_countries(income_groups="Rich"), "Unknown income group"),
        (lambda: data.load_catalogue("wellbeing"), "is not a dimension"),
    ],
)
def test_bad_input_gets_a_helpful_message(call, expected):
    with pytest.raises(LabInputError, match=expected):
        call()


def test_year_without_data_for_a_country_names_the_years_that_exist():
    with pytest.raises(LabInputError) as err:
        data.check_year("milex_gdp", 2020, country="CRI")
    assert "Costa Rica" in str(err.value)


def test_indicator_info_has_full_metadata():
    for ind in data.load_catalogue().index:
        info = data.indicator_info(ind)
        for field in ("label", "unit", "dimension", "direction", "publisher", "source_url",
                      "licence", "vintage", "description"):
            assert getattr(info, field), f"{ind}: {field} empty"
        assert info.source_line().startswith("Source: ")


def test_indicator_series_is_long_and_named():
    s = data.indicator_series("under5_mortality", year=2020, countries=["KEN", "NOR"])
    assert list(s.columns) == ["iso3", "name", "year", "value"]
    assert s.set_index("iso3").loc["KEN", "value"] > s.set_index("iso3").loc["NOR", "value"]


def test_latest_values_takes_each_countrys_most_recent_year():
    lv = data.latest_values("gini")
    panel = data.load_panel("gini").dropna()
    expected = panel.groupby("iso3")["year"].max()
    got = lv.set_index("iso3")["year"]
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False)


def test_world_map_features_carry_iso3():
    topo = data.load_world_map()
    geoms = topo["objects"]["countries"]["geometries"]
    iso = {g["properties"]["iso3"] for g in geoms if g["properties"].get("iso3")}
    assert len(iso) >= 200


def test_loading_everything_is_fast():
    for fn in (data._panel, data._countries, data._catalogue, data._world_map):
        fn.cache_clear()
    # CPU time, not wall time: a busy shared machine must not fail the test.
    start = time.process_time()
    data.load_panel(), data.load_countries(), data.load_catalogue(), data.load_world_map()
    assert time.process_time() - start < 1.5  # ~0.3 s measured on an idle machine
