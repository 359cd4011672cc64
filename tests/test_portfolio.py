"""The learner's portfolio: round trip, atomic saves, backups, damaged and old files, export."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from widgets.errors import LabInputError
from widgets.portfolio import (
    FORMAT,
    SCHEMA_VERSION,
    Portfolio,
    new_document,
    normalise_document,
    read_document,
    render_html,
    render_markdown,
    save_document,
)
from widgets.ui.portfolio import PortfolioPanel


@pytest.fixture()
def tour():
    from widgets.ui.tour import ControlTour

    return ControlTour()


@pytest.fixture()
def quiz():
    from widgets.ui.quiz import KnowledgeCheck

    q = KnowledgeCheck.from_dicts([
        {"id": "a", "type": "single", "prompt": "2+2?",
         "options": [{"text": "4", "correct": True}, {"text": "5"}]},
        {"id": "b", "type": "numeric", "prompt": "pi?", "answer": 3.14, "tolerance": 0.01},
    ])
    q.lesson = "00"
    return q


def test_round_trip_widgets_quiz_and_notes(tmp_path, tour, quiz):
    path = tmp_path / "work.json"
    p = Portfolio(path, lesson="00", learner="Ada")
    p.attach(tour, quiz)
    tour.indicator.value = "hdi"
    tour.countries.value = ("NOR", "KEN")
    tour.year.value = 2010
    quiz.answer("a", "4")
    quiz.answer("b", "3.2")
    p.set_note("Norway leads on HDI.")
    p.save()

    # a new session: fresh widgets, state restored from the file
    from widgets.ui.quiz import KnowledgeCheck
    from widgets.ui.tour import ControlTour

    tour2 = ControlTour()
    quiz2 = KnowledgeCheck(list(quiz._views[q].question for q in quiz._views))
    quiz2.lesson = "00"
    p2 = Portfolio.load(path, lesson="00")
    p2.attach(tour2, quiz2)
    assert p2.restore_all() == {"00/tour": [], "00": []}
    assert tour2.learner_state() == tour.learner_state()
    assert quiz2.score == (1, 2)
    assert p2.note() == "Norway leads on HDI."
    assert p2.document["learner"] == "Ada"
    assert p2.messages == []


def test_save_is_atomic_and_keeps_a_backup(tmp_path):
    path = tmp_path / "p.json"
    doc = new_document("first")
    save_document(doc, path)
    doc2 = new_document("second")
    save_document(doc2, path)
    assert json.loads(path.read_text())["learner"] == "second"
    assert json.loads((tmp_path / "p.bak.json").read_text())["learner"] == "first"
    assert sorted(f.name for f in tmp_path.iterdir()) == ["p.bak.json", "p.json"]  # no temp
    saved = json.loads(path.read_text())
    assert saved["format"] == FORMAT and saved["version"] == SCHEMA_VERSION
    assert saved["saved_at"]


def test_corrupted_file_is_kept_and_the_backup_restored(tmp_path):
    path = tmp_path / "p.json"
    good = new_document("Ada")
    good["notes"]["09"] = "backup note"
    save_document(good, path)                       # becomes the backup after the next save
    save_document(new_document("Ada"), path)
    damaged = '{"format": "human-security-lab-portfolio", "widgets": {"09/x": '
    path.write_text(damaged)
    doc, notes = read_document(path)
    corrupt = list(tmp_path.glob("p.corrupt-*.json"))
    assert len(corrupt) == 1 and corrupt[0].read_text() == damaged   # kept byte for byte
    assert not path.exists()                                        # never overwritten in place
    assert doc["notes"]["09"] == "backup note"
    assert any("could not be read" in n for n in notes)
    assert any("backup" in n for n in notes)
    # a second damaged file never overwrites the first corrupt copy
    path.write_text("also broken")
    read_document(path)
    assert len(list(tmp_path.glob("p.corrupt-*.json"))) == 2


def test_corrupted_file_without_backup_starts_fresh_with_a_message(tmp_path):
    path = tmp_path / "p.json"
    path.write_bytes(b"\xff\xfe not utf-8")
    p = Portfolio.load(path)
    assert p.document["widgets"] == {}
    assert any("no backup" in m for m in p.messages)
    assert list(tmp_path.glob("p.corrupt-*.json"))
    p.save()                                        # saving works again afterwards
    assert Portfolio.load(path).messages == []


def test_older_version_file_is_migrated_without_losing_anything(tmp_path):
    path = tmp_path / "p.json"
    old = {"version": 0, "widget_states": {"00/tour": {"indicator": "hdi", "year": 2001,
                                                       "retired_control": 5}},
           "notes": "written with the first release", "theme": "dark"}
    path.write_text(json.dumps(old))
    p = Portfolio.load(path, lesson="00")
    assert p.document["widgets"]["00/tour"]["indicator"] == "hdi"
    assert p.note("general") == "written with the first release"
    assert p.document["extra"]["theme"] == "dark"
    assert any("older version" in m for m in p.messages)
    from widgets.ui.tour import ControlTour

    tour = ControlTour()
    skipped = p.restore(tour)
    assert skipped == ["retired_control"]
    assert tour.indicator.value == "hdi" and tour.year.value == 2001
    p.save()
    again = json.loads(path.read_text())
    assert again["extra"]["theme"] == "dark"         # unknown keys survive a save
    assert again["version"] == SCHEMA_VERSION


def test_newer_version_and_wrong_types_are_reported_and_kept():
    raw = {"format": FORMAT, "version": 99, "widgets": {"01/profile": "not a dict",
                                                        "02/x": {"a": 1}},
           "quizzes": ["not", "a", "dict"], "notes": {"01": 42}, "future_key": {"x": 1}}
    doc, notes = normalise_document(raw)
    assert doc["widgets"] == {"02/x": {"a": 1}}
    assert doc["extra"]["widgets"]["01/profile"] == "not a dict"
    assert doc["extra"]["quizzes"] == ["not", "a", "dict"]
    assert doc["extra"]["future_key"] == {"x": 1}
    assert doc["notes"]["01"] == "42"
    assert any("newer version" in n for n in notes)
    assert len(notes) >= 3
    doc2, notes2 = normalise_document(["a", "list"])
    assert doc2["extra"]["unreadable"] == ["a", "list"] and notes2


def test_missing_file_is_not_an_error(tmp_path):
    p = Portfolio.load(tmp_path / "none.json")
    assert p.document["widgets"] == {}
    assert p.messages and p.messages[0].startswith("No saved work yet")


def test_saving_to_an_impossible_place_gives_a_message(tmp_path):
    (tmp_path / "dir.json").mkdir()
    p = Portfolio(tmp_path / "dir.json")
    with pytest.raises(LabInputError, match="a folder called dir.json"):
        p.save()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.text(min_size=1, max_size=12), json_values, max_size=5),
       st.text(max_size=200))
def test_any_json_state_round_trips(tmp_path, state, note):
    path = tmp_path / "rt.json"
    doc = new_document()
    doc["widgets"]["05/w"] = state
    doc["notes"]["05"] = note
    save_document(doc, path)
    back, notes = read_document(path)
    assert notes == []
    assert back["widgets"]["05/w"] == state
    assert back["notes"]["05"] == note


def test_exports_are_self_contained(tmp_path, tour):
    p = Portfolio(tmp_path / "p.json", lesson="00", learner="Ada <b>")
    p.attach(tour)
    p.set_note("My first note.\nSecond line.")
    page = p.export("html").read_text(encoding="utf-8")
    assert "<svg" in page                          # the chart as a picture
    assert "My first note." in page and "Ada &lt;b&gt;" in page
    assert "Source:" in page                       # the chart's data source
    assert "<script" not in page and 'src="http' not in page and "href=\"http" not in page
    md = p.export("md").read_text(encoding="utf-8")
    assert "data:image/svg+xml;base64," in md and "My first note." in md
    assert (tmp_path / "brief-00.html").exists() and (tmp_path / "brief-00.md").exists()
    with pytest.raises(LabInputError, match="html"):
        p.export("pdf")


def test_export_uses_the_current_year_marker(tmp_path, tour):
    p = Portfolio(tmp_path / "p.json", lesson="00")
    p.attach(tour)
    tour.year.value = 1995
    charts, _sources = p.snapshots()
    assert len(charts) == 1 and "1995" in charts[0]["description"]


def test_render_functions_list_choices_quizzes_and_sources():
    doc = new_document()
    doc["widgets"]["09/case_explorer"] = {"case": "ebola", "countries": ["GIN", "LBR"]}
    doc["quizzes"]["09"] = {"answers": {"a": "x", "b": None}}
    md = render_markdown(doc, sources=["Source: WHO.", "Source: WHO."])
    assert "case = ebola, countries = GIN, LBR" in md
    assert "Lesson 09: 1 question(s) answered" in md
    assert md.count("Source: WHO.") == 1
    page = render_html(doc)
    assert "<!DOCTYPE html>" in page and "case_explorer" in page


def test_panel_save_and_load_after_a_restart(tmp_path, tour):
    path = tmp_path / "p.json"
    panel = PortfolioPanel(Portfolio.for_lesson("00", widgets=[tour], path=path))
    panel.notes.value = "remember this"
    panel.learner.value = "Grace"
    tour.year.value = 2005
    panel.save_button.click()
    assert "Saved" in panel.message_text
    from widgets.ui.tour import ControlTour

    tour2 = ControlTour()
    panel2 = PortfolioPanel(Portfolio.for_lesson("00", widgets=[tour2], path=path))
    assert panel2.notes.value == "remember this"     # notes come back on opening
    panel2.load_button.click()
    assert tour2.year.value == 2005
    assert "Restored" in panel2.message_text
    panel2.export_html_button.click()
    assert "Exported" in panel2.message_text


def test_panel_warns_about_a_damaged_file(tmp_path):
    path = tmp_path / "p.json"
    path.write_text("{oops")
    panel = PortfolioPanel(Portfolio.for_lesson("00", path=path))
    assert "could not be read" in panel.message_text


def test_attach_rejects_objects_without_state():
    with pytest.raises(LabInputError, match="cannot be saved"):
        Portfolio().attach(object())


# --------------------------------------------------------------- issue 23: saves that merge
def test_saving_one_lesson_keeps_another_lessons_work(tmp_path):
    """Issue 23.2: lesson 09's saves used to erase lesson 08's note (and its backup)."""
    path = tmp_path / "portfolio.json"
    a = Portfolio.for_lesson("08", path=path)
    b = Portfolio.for_lesson("09", path=path)
    a.set_note("08 notes")
    a.save()
    b.set_note("09 notes")
    b.save()
    b.save()
    for name in ("portfolio.json", "portfolio.bak.json"):
        notes = json.loads((tmp_path / name).read_text())["notes"]
        assert notes == {"08": "08 notes", "09": "09 notes"}, name


def test_a_second_tab_never_wipes_the_first(tmp_path, tour):
    """Two tabs of the same lesson: each save keeps what the other saved and did not change."""
    path = tmp_path / "portfolio.json"
    first = Portfolio.for_lesson("00", widgets=[tour], path=path)
    second = Portfolio.for_lesson("00", path=path)      # opened before the first saved
    first.set_note("written in the first tab")
    first.save()
    second.document["learner"] = "Amina"
    second.save()
    doc = json.loads(path.read_text())
    assert doc["notes"]["00"] == "written in the first tab"
    assert "00/tour" in doc["widgets"] and doc["learner"] == "Amina"
    # What a tab changes itself wins over what it read earlier.
    second.set_note("rewritten in the second tab")
    second.save()
    assert json.loads(path.read_text())["notes"]["00"] == "rewritten in the second tab"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252", "utf-16"])
def test_a_file_edited_in_notepad_is_read_not_set_aside(tmp_path, encoding):
    """Issue 23.5: a BOM, 'ANSI' or 'Unicode' save file used to be set aside for an older backup."""
    path = tmp_path / "portfolio.json"
    save_document(new_document("old backup"), path)
    save_document(new_document("old backup"), path)    # portfolio.bak.json exists
    doc = new_document("Zoé Martínez")
    doc["notes"]["01"] = "Sécurité humaine — «liberté»"
    path.write_bytes(json.dumps(doc, ensure_ascii=False).encode(encoding))
    read, notes = read_document(path)
    assert read["learner"] == "Zoé Martínez" and read["notes"]["01"] == doc["notes"]["01"]
    assert not list(tmp_path.glob("*.corrupt-*")), notes


def test_deeply_nested_file_is_set_aside_with_a_message(tmp_path):
    path = tmp_path / "portfolio.json"
    path.write_text('{"widgets": {"01/x": ' + "[" * 100_000 + "]" * 100_000 + "}}")
    doc, notes = read_document(path)
    assert doc["widgets"] == {} and "nests too deeply" in notes[0]
    assert list(tmp_path.glob("portfolio.corrupt-*.json"))       # kept, not deleted
    shallow = tmp_path / "shallow.json"
    shallow.write_text(json.dumps({"widgets": {"01/x": {"a": [[[[[[[[1]]]]]]]]}}}))
    assert read_document(shallow)[0]["widgets"]["01/x"]["a"] == [[[[[[[[1]]]]]]]]


def test_quiz_answers_saved_as_a_list_do_not_break_export(tmp_path):
    doc, notes = normalise_document({"quizzes": {"03": {"answers": [1, 2]}}})
    assert doc["quizzes"] == {} and doc["extra"]["quizzes"]["03"] == {"answers": [1, 2]}
    assert notes
    assert "question(s) answered" not in render_markdown(doc)
    render_html({"quizzes": {"03": {"answers": [1, 2]}}})                 # no error


def test_directory_at_the_save_path_gives_a_message_when_reading(tmp_path):
    (tmp_path / "portfolio.json").mkdir()
    doc, notes = read_document(tmp_path / "portfolio.json")
    assert doc["widgets"] == {} and "folder called portfolio.json" in notes[0]


def test_export_into_an_unwritable_folder_gives_a_message(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    p = Portfolio(tmp_path / "portfolio.json", lesson="01")
    with pytest.raises(LabInputError, match="Could not write the brief"):
        p.export("md", path=blocker / "brief.md")


HOSTILE = ["<img src=x onerror=alert(1)>", "</script><script>alert(1)</script>",
           "[click](javascript:alert(1))", "![x](http://evil.example/t.png)",
           "<javascript:alert(1)>", "| a | b |\n|---|---|"]


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_brief_shows_learner_text_literally(text):
    """Issue 23.4: learner text reached Markdown exports raw (HTML, links, images)."""
    doc = new_document(learner=text)
    doc["notes"]["01"] = text
    doc["widgets"]["01/profile"] = {"country": text}
    md = render_markdown(doc, title=text)
    for raw in ("<img", "<script", "</script", "](javascript", "](http", "<javascript", "\n| a"):
        assert raw not in md
    import re

    for word in re.findall(r"[a-z]{4,}", text):     # the words are still there, as text
        assert word in md
