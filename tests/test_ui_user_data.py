"""The loader widget: a trainer's table added to the lab, kept in my-data, saved and restored."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from widgets.ui.user_data import UserDataLoader
from widgets.usertable import USER_INDICATORS

_NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _upload(w, name, raw):
    w.upload.value = ({"name": name, "type": "text/csv", "size": len(raw),
                       "content": memoryview(raw), "last_modified": _NOW},)


@pytest.fixture
def work(tmp_path, monkeypatch):
    monkeypatch.setenv("HSL_WORK_DIR", str(tmp_path))
    USER_INDICATORS.clear()
    yield tmp_path
    USER_INDICATORS.clear()


def test_good_file_added_saved_and_restored(work):
    w = UserDataLoader()
    _upload(w, "ngo.csv", b"country;year;value\nKenya;2020;1,5\nWorld;2020;3\n")
    w.name.value = "Households reached"
    w.unit.value = "%"
    w.add.click()
    assert w.message_kind == "warning" and "World" in w.message_text
    assert "my_households_reached" in USER_INDICATORS
    meta = json.loads((work / "my-data" / "my_households_reached.json").read_text())
    assert meta["source"] == "ngo.csv" and meta["unit"] == "%"
    state = w.get_state()
    USER_INDICATORS.clear()
    w2 = UserDataLoader()
    assert w2.set_state(state) == []
    data = USER_INDICATORS["my_households_reached"]["data"]
    assert data[["iso3", "year", "value"]].values.tolist() == [["KEN", 2020, 1.5]]


def test_bad_file_changes_nothing_already_loaded(work):
    w = UserDataLoader()
    _upload(w, "good.csv", b"country,year,value\nKenya,2020,1\n")
    w.name.value = "Reach"
    w.add.click()
    before = dict(USER_INDICATORS)
    _upload(w, "bad.csv", b"country,year,value\nKenya,2020,about 1\n")
    w.add.click()
    assert w.message_kind == "error" and "'about 1'" in w.message_text
    assert USER_INDICATORS == before and len(w.loaded) == 1


def test_no_file_or_no_name_gives_a_message(work):
    w = UserDataLoader()
    w.add.click()
    assert w.message_kind == "error" and "Choose a CSV" in w.message_text
    _upload(w, "good.csv", b"country,year,value\nKenya,2020,1\n")
    w.add.click()
    assert "Give the indicator a name" in w.message_text
    assert not USER_INDICATORS


def test_loaded_table_appears_in_the_explorer_marked_your_data(work):
    from widgets.ui.explorer import IndicatorExplorer

    ex = IndicatorExplorer()
    w = UserDataLoader()
    _upload(w, "ngo.csv", b"country,year,value\nKenya,2020,40\nGhana,2020,60\n")
    w.name.value = "Households reached"
    w.add.click()
    assert ("Your data — Households reached", "my_households_reached") in ex.indicator.options
    ex.indicator.value = "my_households_reached"
    assert ex.message_kind != "error"
    assert ex.year.value == 2020
    assert "your data, from the file ngo.csv" in ex.panel.source.value
    assert "Households reached (your data)" in ex.panel.description_text
