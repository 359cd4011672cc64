"""The loader widget: a trainer's table added to the lab, kept in my-data, saved and restored."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from widgets.ui.user_data import UserDataLoader
from widgets.usertable import _RESTORED, USER_INDICATORS

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
    state = w.learner_state()
    USER_INDICATORS.clear()
    w2 = UserDataLoader()
    assert w2.restore_learner_state(state) == []
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


# ------------------------------------------------------------- issue 21, part 2
def _reach_csv() -> bytes:
    """Households reached: real country names, a spread of values over two years."""
    rows = [("Kenya", 40), ("Ghana", 60), ("Norway", 95), ("Chad", 10), ("Brazil", 70),
            ("India", 55), ("France", 90), ("Peru", 50)]
    lines = ["country;year;value"] + [f"{c};{y};{v + (y - 2021) * 2},5"
                                      for c, v in rows for y in (2021, 2022)]
    return "\n".join(lines).encode()


def test_multi_indicator_file_added_one_at_a_time(work):
    w = UserDataLoader()
    _upload(w, "nso.csv", b"indicator,country,year,value\nReach,Kenya,2020,1\n"
                          b"Reach,Ghana,2020,2\nCost,Kenya,2020,5\n")
    assert w.which.layout.display != "none" and set(w.which.options) == {"Reach", "Cost"}
    assert "holds 2 indicators" in w.message_text
    w.which.value = "Reach"
    assert w.name.value == "Reach"  # the file's own name is offered
    w.unit.value = "%"
    w.add.click()
    assert "1 other indicator" in w.message_text
    w.which.value = "Cost"
    w.unit.value = "US$"
    w.direction.value = "higher_is_worse"
    w.add.click()
    assert USER_INDICATORS["my_reach"]["data"]["value"].tolist() == [2.0, 1.0]
    assert USER_INDICATORS["my_cost"]["direction"] == "higher_is_worse"
    assert USER_INDICATORS["my_cost"]["indicator_in_file"] == "Cost"
    assert "indicator 'Cost' in the file nso.csv" in w.learner_state()["tables"][1]


def test_same_name_is_refused_with_a_free_name_then_replaced_when_asked(work):
    w = UserDataLoader()
    _upload(w, "first.csv", b"country,year,value\nKenya,2020,1\n")
    w.name.value = "Reach"
    w.add.click()
    _upload(w, "second.csv", b"country,year,value\nKenya,2020,7\n")
    w.name.value = "Reach"
    w.add.click()
    assert w.message_kind == "error"
    assert "from the file first.csv" in w.message_text and "'Reach (2)'" in w.message_text
    assert USER_INDICATORS["my_reach"]["source"] == "first.csv"  # not replaced silently
    w.replace.value = True
    w.add.click()
    assert w.message_text.startswith("Replaced 'Reach' from second.csv")
    assert USER_INDICATORS["my_reach"]["data"]["value"].tolist() == [7.0]
    assert w.replace.value is False  # one replacement per tick
    w.name.value = "Reach (2)"
    w.add.click()
    assert set(USER_INDICATORS) == {"my_reach", "my_reach_2"}


def test_tables_come_back_after_a_restart_and_lab_data_is_never_written(work, monkeypatch):
    w = UserDataLoader()
    _upload(w, "ngo.xlsx" if False else "ngo.csv", b"country,year,value\nKenya,2020,1\n")
    w.name.value = "Reach"
    w.add.click()
    assert (work / "my-data" / "my_reach.original.csv").read_bytes().startswith(b"country")
    USER_INDICATORS.clear()  # a new kernel: the next lesson, or after a restart
    again = UserDataLoader()
    assert "my_reach" in USER_INDICATORS and again.restored == ["Reach"]
    assert "back in the lab: Reach" in again.message_text

    from widgets._paths import DATA_DIR

    monkeypatch.setenv("HSL_WORK_DIR", str(DATA_DIR))
    before = sorted(p.name for p in DATA_DIR.iterdir())
    inside = UserDataLoader()
    _upload(inside, "x.csv", b"country,year,value\nKenya,2020,1\n")
    inside.name.value = "Other"
    inside.add.click()
    assert inside.message_kind == "error" and "lab's own data" in inside.message_text
    assert sorted(p.name for p in DATA_DIR.iterdir()) == before
    assert "my_other" not in USER_INDICATORS


def test_your_data_in_the_profile_and_the_index_builder(work):
    from widgets.ui.index_builder import IndexBuilder
    from widgets.ui.profile import CountryProfile

    profile = CountryProfile("KEN")
    builder = IndexBuilder(indicators=["life_expectancy", "under5_mortality", "gni_pc"],
                           year=2022)
    w = UserDataLoader()
    _upload(w, "survey.csv", _reach_csv())
    w.name.value = "Households reached"
    w.unit.value = "%"
    w.dimension.value = "food"
    w.add.click()
    assert w.message_kind == "info", w.message_text
    # profile: a row marked "Your data", its value, its file in text, table and source line
    rows = {r["row"]: r for r in profile.spec["datasets"]["profile_rows"]}
    mine = rows["Your data · Households reached"]
    assert mine["detail"] == "42.5% (2022)"
    assert "Households reached (from the file survey.csv): 42.5% (2022)" in \
        profile.panel.description_text
    assert "among the 8 countries in your file" in profile.panel.description_text
    table = profile.panel.table_data.set_index("Indicator")
    assert table.loc["Your data · Households reached", "Source"] == \
        "your data, from the file survey.csv"
    assert "survey.csv" in profile.panel.source.value
    # the dimension averages stay the lab's own
    assert "Your data" not in " ".join(profile.vulnerable)
    # index builder: offered under its dimension, goalposts from the file, named everywhere
    assert ("Food security · Households reached (your data)", "my_households_reached") in \
        builder.indicators.options
    builder.indicators.value = (*builder.indicators.value, "my_households_reached")
    assert builder.message_kind != "error", builder.message_text
    assert "my_households_reached" in builder.weights
    assert "your data: Households reached from the file survey.csv" in \
        builder.rank_panel.description_text
    assert "your data, from the file survey.csv" in builder.rank_panel.source.value
    column = "Households reached (your data), from the file survey.csv"
    assert column in builder.rank_panel.table_data.columns
    builder.normalisation.value = "goalposts"
    assert "lowest and highest value in your file survey.csv" in builder.goalpost_note.value
    # a bad file afterwards changes nothing in either widget
    before = (profile.panel.description_text, builder.rank_panel.description_text,
              list(builder.indicators.options))
    _upload(w, "bad.csv", b"country,year,value\nKenya,2022,lots\n")
    w.name.value = "Households reached"
    w.replace.value = True
    w.add.click()
    assert w.message_kind == "error" and "'lots'" in w.message_text
    assert before == (profile.panel.description_text, builder.rank_panel.description_text,
                      list(builder.indicators.options))

    # saved with the portfolio (format and version unchanged), named in the brief, and
    # back after a restart: a new kernel, new widgets, the learner presses Load
    from widgets.portfolio import Portfolio, render_html

    portfolio = Portfolio.for_lesson("03", widgets=[w, builder])
    portfolio.save()
    saved = json.loads(portfolio.path.read_text())
    assert saved["format"] == "human-security-lab-portfolio" and saved["version"] == 1
    brief = render_html(portfolio.document)
    assert ("<h2>My own data</h2><ul><li>Households reached (%; Food security; higher is "
            "better; 16 values) from the file survey.csv</li></ul>") in brief
    chosen = builder.selected
    USER_INDICATORS.clear()
    _RESTORED.clear()  # a new kernel: the builder alone finds the table in my-data
    builder2 = IndexBuilder(year=2022)
    assert "my_households_reached" in dict(map(reversed, builder2.indicators.options))
    w2 = UserDataLoader()
    assert Portfolio.for_lesson("03", widgets=[w2, builder2]).reload() == []
    assert builder2.selected == chosen and "my_households_reached" in chosen


def test_class_report_names_each_learners_tables(work):
    from widgets.classreport import load_class, widget_choices
    from widgets.portfolio import new_document, save_document

    w = UserDataLoader()
    _upload(w, "ngo.csv", b"country,year,value\nKenya,2020,40\nGhana,2020,60\n")
    w.name.value = "Households reached"
    w.add.click()
    for learner in ("A", "B"):
        doc = new_document(learner)
        doc["widgets"]["02/user_data"] = w.learner_state()
        save_document(doc, work / "class" / learner / "portfolio.json")
    choices = widget_choices(load_class(work / "class"), "02/user_data").set_index("control")
    assert choices.loc["tables", "value"] == ("Households reached (Economic security; higher "
                                              "is better; 2 values) from the file ngo.csv")
    assert choices.loc["tables", "learners"] == 2
