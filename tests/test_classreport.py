"""The class report on a synthetic class of 30 portfolios made with the portfolio's own API."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest

from widgets.classreport import (
    MAX_FILE_BYTES,
    completion,
    gradebook_csv,
    gradebook_rows,
    load_class,
    quiz_results,
    summary_html,
    widget_choices,
)
from widgets.portfolio import Portfolio, new_document, save_document
from widgets.ui.quiz import KnowledgeCheck

N = 30
NAMES = [f"Learner {chr(65 + i % 26)}{i:02d}" for i in range(N)]
NAMES[7] = "<script>alert('x')</script> Zoé"
BAD_FILES = {
    "learners/broken/portfolio.json": "not valid JSON",
    "learners/cut/portfolio.json": "not valid JSON",
    "learners/empty/portfolio.json": "empty",
    "learners/foreign/portfolio.json": "not a Human Security Lab portfolio",
    "learners/huge/portfolio.json": "larger than a portfolio can be",
    "usb/copy-portfolio.json": "same learner",
}


def _answers(i: int, questions) -> dict:
    """Learner i's answers to lesson 03: a known pattern of right and wrong."""
    by_id = {q.id: q for q in questions}
    opts = {qid: [o.text for o in q.options] for qid, q in by_id.items()}
    return {
        # 25 right (five with a decimal comma), 5 wrong
        "health-index": "0,8" if i < 5 else ("0.8" if i < 25 else "0.72"),
        # 20 right, 8 "stays the same" (the misconception), 2 "z-score"
        "min-max-depends": opts["min-max-depends"][1] if i < 20
        else opts["min-max-depends"][0] if i < 28 else opts["min-max-depends"][2],
        "geometric": opts["geometric"][0],                       # everyone right
        "equal-weights": opts["equal-weights"][1] if i % 3 else opts["equal-weights"][0],
        # 10 learners do not answer the last question
        "uncertainty": None if i >= 20 else (opts["uncertainty"][:2] if i < 12
                                             else [opts["uncertainty"][0]]),
    }


@pytest.fixture(scope="module")
def room(tmp_path_factory) -> Path:
    """A class folder laid out like app mode, plus bad files among the good ones."""
    root = tmp_path_factory.mktemp("class-work")
    quiz = KnowledgeCheck.for_lesson("03")
    questions = [v.question for v in quiz._views.values()]
    for i, name in enumerate(NAMES):
        p = Portfolio(root / "learners" / f"CODE{i:02d}" / "portfolio.json", lesson="03",
                      learner=name)
        for qid, response in _answers(i, questions).items():
            if response is not None:
                quiz.answer(qid, response)
            else:
                for box in quiz._views[qid].control.children:
                    box.value = False
        p.attach(quiz)
        p.document["widgets"]["03/index_builder"] = {
            "normalisation": "min_max" if i < 18 else "z_score",
            "aggregation": "geometric" if i % 2 else "arithmetic",
            "indicators": ["hdi", "under5_mortality"]}
        if i < 10:
            p.set_note("Weights are political choices.", lesson="03")
        p.save()
        if i == 0:                 # a learner who also saved lesson 02 (second save: a backup)
            p.lesson = "02"
            p.document["widgets"]["02/indicator_explorer"] = {"indicator": "hdi"}
            p.save()
    bad = root / "learners"
    for folder in ("broken", "cut", "empty", "foreign", "huge"):
        (bad / folder).mkdir()
    (bad / "broken" / "portfolio.json").write_text("{not json at all")
    good = (root / "learners" / "CODE01" / "portfolio.json").read_bytes()
    (bad / "cut" / "portfolio.json").write_bytes(good[: len(good) // 2])
    (bad / "empty" / "portfolio.json").write_bytes(b"")
    (bad / "foreign" / "portfolio.json").write_text(json.dumps({"name": "a package", "version": 2}))
    (bad / "huge" / "portfolio.json").write_bytes(b" " * (MAX_FILE_BYTES + 10))
    (root / "usb").mkdir()
    (root / "usb" / "copy-portfolio.json").write_bytes(
        (root / "learners" / "CODE29" / "portfolio.json").read_bytes())
    return root


def _snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_class_loads_bad_files_are_reported_and_nothing_is_touched(room):
    before = _snapshot(room)
    data = load_class(room)
    assert len(data.learners) == N
    reported = {p.file: p.reason for p in data.problems}
    assert set(reported) == set(BAD_FILES)
    for name, reason in BAD_FILES.items():
        assert reason in reported[name], (name, reported[name])
    # every aggregation and export runs, and no learner file's bytes, mtime or name changed
    quiz_results(data, "03"), completion(data), gradebook_csv(data), summary_html(data)
    widget_choices(data, "03/index_builder")
    assert _snapshot(room) == before


def test_quiz_results_per_question(room):
    data = load_class(room)
    results = quiz_results(data, "03").set_index("question")
    assert results.loc["health-index", "share_right"] == pytest.approx(25 / 30)
    assert results.loc["health-index", "common_wrong"] == "0.72"
    row = results.loc["min-max-depends"]
    assert (row["answered"], row["right"], row["common_wrong_count"]) == (30, 20, 8)
    assert row["common_wrong"].startswith("It stays the same")
    assert "Min–max rescales" in row["misconception"]
    assert results.loc["geometric", "share_right"] == 1.0
    assert results.loc["geometric", "common_wrong"] == ""
    assert results.loc["equal-weights", "right"] == 20
    uncertainty = results.loc["uncertainty"]
    assert (uncertainty["answered"], uncertainty["right"]) == (20, 12)
    assert "missed 1 correct option" in uncertainty["misconception"]


def test_widget_choices_and_completion(room):
    data = load_class(room)
    choices = widget_choices(data, "03/index_builder")
    norm = choices[choices["control"] == "normalisation"].set_index("value")["learners"]
    assert norm.to_dict() == {"min_max": 18, "z_score": 12}
    assert widget_choices(data, "09/nothing").empty
    table = completion(data, ["02", "03"])
    assert len(table) == 2 * N
    assert table[table["lesson"] == "02"]["saved_work"].sum() == 1
    assert table[table["lesson"] == "03"]["saved_work"].all()
    scores = table[table["lesson"] == "03"]["quiz_score"]
    assert scores.between(0, 1).all() and scores.max() == 1.0


def test_gradebook_is_pseudonymised_by_default(room):
    data = load_class(room)
    text = gradebook_csv(data, ["02", "03"])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["Learner"] for r in rows] == [f"L{n:02d}" for n in range(1, N + 1)]
    assert not any(name in text for name in NAMES) and "Zoé" not in text
    assert "Lesson 03 knowledge check (%)" in rows[0]
    assert {r["Lesson 02 knowledge check (%)"] for r in rows} == {""}
    # the key table is opt-in and links each code to a name
    key = data.key_table()
    assert sorted(key["name"]) == sorted(NAMES)
    canvas = gradebook_rows(data, ["03"], fmt="canvas")
    assert list(canvas[0])[:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    named = load_class(room, pseudonymise=False)
    assert NAMES[3] in gradebook_csv(named, ["03"])


def test_summary_escapes_learner_text(room):
    page = summary_html(load_class(room, pseudonymise=False))
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Files that could not be used" in page and "usb/copy-portfolio.json" in page


def test_zip_is_read_in_memory_with_limits(room, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(3):
            archive.write(room / "learners" / f"CODE{i:02d}" / "portfolio.json",
                          f"moodle-download/Learner {i}_portfolio.json")
        doc = new_document("Traveller")
        archive.writestr("../../outside/portfolio.json", json.dumps(doc))
        archive.writestr("bomb/portfolio.json", b"0" * (MAX_FILE_BYTES + 1))
    path = tmp_path / "class.zip"
    path.write_bytes(buffer.getvalue())
    before = sorted(p.name for p in tmp_path.parent.rglob("*"))
    data = load_class(path)
    assert len(data.learners) == 4
    assert "Traveller" in data.names.values()
    assert "outside/portfolio.json" in data.files.values()
    assert [p.file for p in data.problems] == ["bomb/portfolio.json"]
    assert sorted(p.name for p in tmp_path.parent.rglob("*")) == before  # nothing extracted
    assert len(load_class(buffer.getvalue()).learners) == 4               # an upload's bytes


def test_source_that_is_not_a_class_gives_a_message(tmp_path):
    from widgets.errors import LabInputError

    with pytest.raises(LabInputError, match="no folder or .zip"):
        load_class(tmp_path / "missing")
    (tmp_path / "x.zip").write_bytes(b"not a zip")
    with pytest.raises(LabInputError, match="not a zip"):
        load_class(tmp_path / "x.zip")
    empty = load_class(tmp_path)
    assert empty.learners == [] and empty.notes


def test_learner_name_falls_back_to_folder_and_old_versions_load(tmp_path):
    save_document(new_document(""), tmp_path / "ABCD-2345" / "my-work" / "portfolio.json")
    (tmp_path / "old-portfolio.json").write_text(json.dumps(
        {"version": 0, "widget_states": {"03/index_builder": {"preset": "equal"}}}))
    (tmp_path / "link").mkdir()
    (tmp_path / "link" / "portfolio.json").symlink_to(tmp_path / "old-portfolio.json")
    data = load_class(tmp_path, pseudonymise=False)
    assert data.learners == ["ABCD-2345", "old"]
    assert data.notes == ["old-portfolio.json: Updated a save file from an older version of "
                          "the lab (version 0)."]
    assert [p.file for p in data.problems] == ["link/portfolio.json"]
    assert widget_choices(data, "03/index_builder")["learners"].tolist() == [1]


def test_widget_reads_the_class_shows_the_debrief_and_exports(room, tmp_path, monkeypatch):
    from widgets.errors import LabInputError
    from widgets.ui.classreport import ClassReport

    monkeypatch.delenv("HSL_CLASS_DIR", raising=False)
    monkeypatch.setenv("HSL_WORK_DIR", str(room))       # the trainer keeps the class in my-work
    report = ClassReport(folder="learners", lesson="03")
    assert report.data is not None and len(report.data.learners) == N
    assert "5 files could not be used" in report.status.value
    assert "<b>broken/portfolio.json</b>" in report.problems.value
    assert "67% right of 30" in report.panel.description_text
    assert "question 5" in report.discuss.value and "Ask the room" in report.discuss.value
    assert "min_max" in report.choices.value
    report.lesson.value = "05"
    assert "nobody in the class has saved an answer" in report.panel.description_text
    with pytest.raises(LabInputError, match="only open files"):
        report.load_folder("/etc")
    report.load_button.click()                           # a button never raises: a message
    before = _snapshot(room / "learners")
    csv_path, html_path = report.export("csv"), report.export("html")
    assert csv_path.parent == room and "L30" in csv_path.read_text()
    assert "<script>" not in html_path.read_text()
    assert _snapshot(room / "learners") == before
    report.pseudonymise.value = False
    assert NAMES[3] in report.data.names.values() and NAMES[3] in report.data.learners
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(room / "learners" / "CODE00" / "portfolio.json", "a/portfolio.json")
    report.upload.value = ({"name": "class.zip", "content": memoryview(buffer.getvalue()),
                            "type": "application/zip", "size": 1, "last_modified": dt.datetime(2026, 1, 1)},)
    assert len(report.data.learners) == 1 and report.message_text == ""
    report.upload.value = ({"name": "class.csv", "content": memoryview(b"x"), "type": "",
                            "size": 1, "last_modified": dt.datetime(2026, 1, 1)},)
    assert "is not a .zip file" in report.message_text


def test_self_check_says_right_or_not_yet_and_reaches_the_class_report(tmp_path, monkeypatch):
    import widgets
    from widgets.classreport import self_checks
    from widgets.errors import LabInputError
    from widgets.selfcheck import load_checks

    target = load_checks("03")["brazil-health"].answer       # from the lab's data
    assert 0.7 < target < 0.9
    for i, answers in enumerate([[round(target, 3)], [0.9, round(target, 3)], [0.5]]):
        path = tmp_path / f"learner{i}" / "portfolio.json"
        save_document(new_document(f"Person {i}"), path)       # earlier work must survive
        for answer in answers:
            result = widgets.check("03", "brazil-health", answer, portfolio=path)
        assert result.recorded and result.attempts == len(answers)
        if not result.right:                                     # a wrong answer never shows it
            assert f"{target:.3f}" not in str(result) and f"{target:.4g}" not in str(result)
    assert "Not yet" in str(result) and "too low" in str(result)
    assert json.loads(path.read_text())["learner"] == "Person 2"
    with pytest.raises(LabInputError, match="no self-check called"):
        widgets.check("03", "nope", 1, portfolio=tmp_path / "p.json")
    with pytest.raises(LabInputError, match="no exercises with a self-check"):
        widgets.check("99", "x", 1, portfolio=tmp_path / "p.json")
    table = self_checks(load_class(tmp_path), "03").set_index("exercise")
    assert table.loc["brazil-health"].to_dict() == {"tried": 3, "right": 2, "ever_right": 2,
                                                    "mean_attempts": 1.33}
    from widgets.ui.classreport import ClassReport

    report = ClassReport(folder=".", lesson="03", root=tmp_path)
    assert "Exercise self-checks" in report.choices.value and "brazil-health" in report.choices.value


# ============================================================== issue 20, remainder: choices as
# charts, scenario teams, opt-in notes, self-checks in more lessons (a synthetic class of 30 made
# with the portfolio's own API by demo_class, plus bad files among them)
@pytest.fixture(scope="module")
def demo_room(tmp_path_factory) -> Path:
    from widgets.classreport import demo_class

    root = tmp_path_factory.mktemp("demo-class")
    learners = demo_class(root, learners=N)
    (learners / "DEMO-damaged").mkdir()
    (learners / "DEMO-damaged" / "portfolio.json").write_text('{"format": "human-security-lab')
    (root / "teams" / "room-b").mkdir()
    (root / "teams" / "room-b" / "notes.json").write_text('{"hello": 1}')     # not a plan
    (root / "teams" / "broken-round-3.json").write_text("{oops")
    return root


def test_choice_views_chart_every_widget_of_the_class(demo_room):
    from widgets.charts.classreport import choice_chart
    from widgets.classreport import CHOICE_VIEWS, choice_views

    data = load_class(demo_room / "learners")
    assert len(data.learners) == N and [p.file for p in data.problems] == [
        "DEMO-damaged/portfolio.json"]
    seen = set()
    for lesson in ("03", "04", "06", "07", "08"):
        views = choice_views(data, lesson)
        assert views, lesson
        for view in views:
            seen.add(view.key.split("/", 1)[1])
            spec = choice_chart(view).to_dict()
            assert spec["description"] == view.description and len(view.discuss) > 60
            assert len(json.dumps(spec)) < 200_000
            if view.kind == "counts":
                # one answer per learner and question (votes: one each); the risk mapping is a
                # multiple choice: no indicator counted more often than there are learners
                per_question = view.table.groupby("question")["learners"].sum()
                if view.key.endswith("risk_assessment"):
                    assert view.table["learners"].max() <= view.learners == N
                else:
                    assert set(per_question) == {view.learners}, (view.title, per_question)
            else:
                assert view.table["learner"].nunique() == view.learners == N
    assert seen == set(CHOICE_VIEWS)
    assert choice_views(data, "05") == [] and choice_views(load_class(demo_room / "teams"),
                                                           "03") == []


def test_choice_views_count_exactly(tmp_path):
    from widgets.classreport import (
        consultation_votes,
        portfolio_choices,
        risk_mapping_choices,
        screening_choices,
    )
    from widgets.consultation import aggregate, rankings_from_orders, winners_from_table
    from widgets.risk import DEFAULT_MODEL

    orders = [["A", "B", "C"]] * 4 + [["B", "C", "A"]] * 3 + [["C", "B", "A"]] * 2
    for i, order in enumerate(orders):
        doc = new_document(f"P{i}")
        doc["widgets"]["08/consultation"] = {"options_text": "A, B, C", "typed": [
            {"participant": f"P{i}", "group": "", "affected": 1, "order": " > ".join(order)}]}
        model = {k: list(v) for k, v in DEFAULT_MODEL.items()}
        if i < 3:
            model["hazard_exposure"].append("co2_pc")
        doc["widgets"]["04/risk_assessment"] = model
        doc["widgets"]["07/instrument_screening"] = {
            "instrument": "arms_embargo", "rate_food": -2 if i < 5 else 0,
            "mitigate_safety_net": i == 0}
        doc["widgets"]["06/policy_portfolio"] = {"a_deterrence": 10, "b_mediation": 30,
                                                 "b_education": 10 * i}
        save_document(doc, tmp_path / f"p{i}" / "portfolio.json")
    data = load_class(tmp_path)
    vote = consultation_votes(data)[0]
    assert vote.table.set_index("answer")["learners"].to_dict() == {"A": 4, "B": 3, "C": 2}
    truth = winners_from_table(aggregate(rankings_from_orders(orders)))
    assert "Plurality (most first choices): A" in vote.description and truth["borda"] == ["B"]
    assert "Borda count (points for every position): B" in vote.description
    assert "rules disagree" in vote.discuss
    risk = risk_mapping_choices(data)[0]
    co2 = risk.table[risk.table["answer"] == "CO2 per person"].iloc[0]
    assert (co2["question"], co2["learners"], co2["note"]) == (
        "Hazard & exposure", 3, "Added (not in the lab's mapping)")
    assert "3 changed the lab's mapping" in risk.description
    verdicts = screening_choices(data)[0].table.query("question == 'Verdict'")
    assert verdicts.set_index("answer")["learners"].to_dict() == {
        "No harm rated": 4, "Serious harm, not mitigated": 4, "Harm, mitigated": 1}  # safety net
    shares = portfolio_choices(data)[0].table
    b0 = shares.query("learner == 'L01' and group == 'Portfolio B'").set_index("item")["value"]
    assert b0.to_dict() == {"Diplomacy": 100.0, "Development": 0.0, "Defence": 0.0}


def test_scenario_teams_side_by_side_reuse_the_team_functions(demo_room):
    from widgets.charts.classreport import team_rounds_chart
    from widgets.classreport import DEMO_TEAMS, load_team_folder, team_rounds
    from widgets.scenario_storage import load_team_plans
    from widgets.scenario_teams import compare_teams

    before = _snapshot(demo_room / "teams")
    plans, problems = load_team_folder(demo_room / "teams")
    assert sorted(p.file for p in problems) == ["teams/broken-round-3.json",
                                                "teams/room-b/notes.json"]
    data = load_class(demo_room / "learners")
    table = team_rounds(plans, data)
    assert len(table) == 2 * len(DEMO_TEAMS) and set(table["round"]) == {1, 2}
    # the same numbers the lesson's own comparison gives, for every round
    same = compare_teams(load_team_plans(demo_room / "teams")[0], latest_round_only=False)
    pd_cols = ["team", "round", "cost_musd", "lives_averted", "responses"]
    assert sorted(map(tuple, table[pd_cols].values.tolist())) == sorted(
        map(tuple, same[pd_cols].values.tolist()))
    blue = table[table["team"] == "Team Blue"]
    assert blue["members"].iloc[0].split(", ")[:2] == ["L01", "L05"]
    assert "Team Blue: 2 rounds" in team_rounds_chart(table).to_dict()["description"]
    assert _snapshot(demo_room / "teams") == before


def test_notes_appear_only_for_learners_who_agreed(tmp_path):
    from widgets.classreport import class_notes, notes_sharing
    from widgets.portfolio import SCHEMA_VERSION, notes_shared
    from widgets.ui.portfolio import PortfolioPanel

    for i, (name, agree) in enumerate([("Ada Byron", True), ("Bob Hope", False),
                                       ("Cy Twombly", None)]):
        book = Portfolio(tmp_path / f"l{i}" / "portfolio.json", lesson="03", learner=name)
        panel = PortfolioPanel(book)
        assert panel.share_notes.value is False                 # off unless ticked
        panel.notes.value = f"{name} says: weights are political."
        if agree is not None:
            panel.share_notes.value = agree
        panel.save()
        saved = json.loads(book.path.read_text())
        assert saved["version"] == SCHEMA_VERSION and notes_shared(saved) is bool(agree)
        reopened = PortfolioPanel(Portfolio.load(book.path, lesson="03"))
        assert reopened.share_notes.value is bool(agree)
    data = load_class(tmp_path)
    notes = class_notes(data)
    assert notes.values.tolist() == [["L01", "03", "L01 says: weights are political."]]
    assert notes_sharing(data) == (1, 2)
    page = summary_html(data, include_notes=True)
    assert "L01 says" in page and "Bob" not in page and "Cy" not in page and "Ada" not in page
    assert "weights are political" not in summary_html(data)     # notes only when asked
    named = class_notes(load_class(tmp_path, pseudonymise=False))
    assert named["note"].tolist() == ["Ada Byron says: weights are political."]


@pytest.mark.parametrize("lesson", ["01", "03", "08", "09"])
def test_self_check_files_and_lesson_cells(lesson, tmp_path):
    import nbformat

    import widgets
    from widgets._paths import LESSONS_DIR
    from widgets.selfcheck import load_checks

    checks = load_checks(lesson)
    assert checks
    path = tmp_path / "portfolio.json"
    for exercise in checks:
        result = widgets.check(lesson, exercise, None, portfolio=path)    # the placeholder
        assert not result.right and "Not yet" in str(result) and result.attempts == 0
    assert not path.exists()                                             # nothing recorded
    for exercise, question in checks.items():
        if question.type == "numeric":
            wrong = float(question.answer) * 2 + 1
            assert f"{question.answer:.1f}" not in str(widgets.check(lesson, exercise, wrong,
                                                                       portfolio=path))
        else:
            right = next(o.text for o in question.options if o.correct)
            for option in question.options:
                if not option.correct:
                    said = str(widgets.check(lesson, exercise, option.text, portfolio=path))
                    assert "Not yet" in said and right not in said     # never the answer
    nb = nbformat.read(next(LESSONS_DIR.glob(f"{lesson}-*.ipynb")), as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and "widgets.check(" in c.source]
    assert cells, f"lesson {lesson} has no self-check cell"
    for cell in cells:
        assert not cell.outputs and "= None\n" in cell.source      # stripped; a placeholder
        for exercise in checks:
            if exercise in cell.source:
                break
        else:
            pytest.fail(f"a check cell in lesson {lesson} names no exercise of {lesson}.yml")


def test_self_check_answers_follow_from_the_lab(tmp_path):
    from widgets import consultation, data
    from widgets.selfcheck import load_checks

    direction = data.indicator_info("life_expectancy").direction
    q = load_checks("01")["life-expectancy-direction"]
    assert [o.text for o in q.options if o.correct] == [direction]
    example = consultation.example_rankings()
    table = example.table.copy()
    table.loc[table["group"] == "Refugees", "affected"] = 1
    winner = consultation.weighted_borda(consultation.parse_rankings(table, example.options))
    q = load_checks("08")["equal-weight-winner"]
    assert [o.text for o in q.options if o.correct] == [winner.idxmax()]
    assert sorted(o.text for o in q.options) == sorted(example.options)
    per_1000 = data.indicator_series("refugees_hosted_per_1000", year=2016,
                                     countries=["LBN", "DEU"]).set_index("iso3")["value"]
    assert load_checks("09")["lebanon-germany-per-1000"].answer == pytest.approx(
        per_1000["LBN"] / per_1000["DEU"])


def test_widget_shows_choice_charts_teams_and_notes_on_request(demo_room, monkeypatch):
    from widgets.ui.classreport import ClassReport

    monkeypatch.setenv("HSL_WORK_DIR", str(demo_room))
    monkeypatch.delenv("HSL_CLASS_DIR", raising=False)
    report = ClassReport(folder="learners", lesson="03", root=demo_room)
    assert report.message_text == ""
    assert len(report.choice_panels) == 2
    assert "Most common normalisation" in report.choice_panels[0].description_text
    assert "Discuss this" in report.choices_box.children[1].children[1].value
    assert report.choice_panels[1].table_data["Learner"].nunique() == N
    assert "could not be used" in report.status.value and "teams/broken-round-3.json" in \
        report.problems.value
    report.lesson.value = "01"                       # self-checks reach the report
    assert "Exercise self-checks" in report.choices.value
    assert "life-expectancy-direction" in report.choices.value and report.choice_panels == []
    report.lesson.value = "08"
    assert len(report.choice_panels) == 1 and report.teams_box.children == ()
    report.lesson.value = "10"
    assert report.team_panel is not None and "Team Purple" in report.team_panel.description_text
    assert "Round 2" in report.teams_box.children[2].value
    assert "<li>" not in report.notes_html.value and "agreed to share" in report.notes_html.value
    report.show_notes.value = True
    assert "Synthetic note: our team" in report.notes_html.value
    monkeypatch.setattr("widgets.ui.classreport.trainer_dir", lambda: demo_room / "trainer")
    page = report.export("html").read_text()
    assert "scenario teams round by round" in page and "Notes learners agreed to share" in page
    report.show_notes.value = False
    assert "Synthetic note" not in report.export("html").read_text()
