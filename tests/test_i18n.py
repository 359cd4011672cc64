"""French and Spanish (issue 18): the language switch, catalogues, locale formats, lessons.

The rule for "a user-facing literal" (``user_facing_literals``) is documented in
docs/translating.md: in the modules declared translated
(``scripts/i18n.py: TRANSLATED_MODULES``), a string with words in it must not
appear, outside ``_()`` / ``N_()`` / ``ngettext()``, as

* the value of a keyword ``description=``, ``title=``, ``tooltip=``,
  ``placeholder=``, ``caption=``, ``label=``, ``subtitle=`` or (for ``HTML`` /
  ``Label``) ``value=`` of any call;
* an argument of ``LabInputError(...)``, ``HTML(...)``, ``Label(...)``,
  ``Title(...)``, ``Markdown(...)`` or ``Grade(...)``, or the first of
  ``show_message(...)``;

where "words" means two letters in a row once HTML tags are removed. Literals
inside another call are that call's business (``alt.Tooltip("row:N", title=...)``:
the field name is not text, the title is checked). A line ending in
``# i18n: not text`` is skipped.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from widgets import i18n
from widgets.errors import LabInputError

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


catalogues = _load("i18n")
lessons = _load("translate_lessons")


# ============================================================== the switch
def test_language_order_call_then_address_then_portfolio_then_environment(monkeypatch):
    assert i18n.get_language() == "en"
    monkeypatch.setenv("HSL_LANG", "es")
    assert i18n.get_language() == "es"
    i18n.remember_language("fr")  # the portfolio beats the server's default
    assert i18n.get_language() == "fr"
    monkeypatch.setenv("QUERY_STRING", "learner=ABCD-2345&lang=es")
    assert i18n.get_language() == "es"
    assert i18n.set_language("fr") == "fr"
    assert i18n.get_language() == "fr"
    monkeypatch.setenv("QUERY_STRING", "lang=xx")  # an unknown code in an address is ignored
    assert i18n.set_language(None) == "fr"  # (the portfolio's)


def test_an_unsupported_language_is_a_clear_error():
    with pytest.raises(LabInputError) as err:
        i18n.set_language("ar")
    assert "en (English), fr (Français), es (Español)" in str(err.value)
    i18n.set_language("es")
    with pytest.raises(LabInputError, match="no está disponible"):
        i18n.set_language("de")


# ============================================================== catalogues
def test_both_catalogues_are_complete_and_the_template_is_current():
    template = catalogues.extract()
    on_disk = catalogues._read(catalogues.TEMPLATE)
    assert {m.id for m in template if m.id} == {m.id for m in on_disk if m.id}, (
        "run: python scripts/i18n.py extract && python scripts/i18n.py update")
    for lang in ("fr", "es"):
        assert catalogues.problems(lang, on_disk) == []


def test_every_message_is_shown_translated_at_run_time():
    """No English fallback: each message comes back different (or deliberately identical)."""
    same_in_every_language = {"Population", "Info", "Check", "Ctrl + S", "Licence", "Date", "Pause.",
                              "Source"}
    # French words spelled as in English (lessons 06-08: policy portfolio, screening, consultation)
    same_in_every_language |= {
        "Diaspora", "influence", "{line} (participant {name})", "Condorcet", "Influence",
        "Quadrant", "Option", "Score", "Participants", "quadrant", "option", "score",
        "Influence (0–10)", "Option A", "Option B", "Option C", "Participant", "Aspect",
        "dimension", "Instrument", "long", "horizon", "Horizon"}
    same_in_every_language |= {"Question", "Verdict", "Dimension"}  # the class report's (fr)
    same_in_every_language |= {"Normalisation", "error", "Control"}  # (fr, es, es)
    for lang in ("fr", "es"):
        i18n.set_language(lang)
        for msg in catalogues._read(catalogues.TEMPLATE):
            if not msg.id:
                continue
            if isinstance(msg.id, tuple):
                assert i18n.ngettext(msg.id[0], msg.id[1], 2) != msg.id[1], msg.id
                continue
            shown = i18n._(msg.id)
            assert shown, msg.id
            if shown == msg.id:
                assert msg.id in same_in_every_language or lang == "es" and msg.id in {
                    "Personal", "Percentile", "Personal security", "{n} bytes", "error",
                    "General"} or lang == "fr" and msg.id in {
                    "Position", "Position (0–100)", "Notes", "Dimension"} or not re.search(
                    "[a-z]{3}", re.sub(r"\{[^}]*\}", "", msg.id)), (lang, msg.id)


def _strip_tags(text: str) -> str:
    return re.sub(r"<[^>]*>|&[a-z]+;", "", text)


_KEYWORDS = {"description", "title", "tooltip", "placeholder", "caption", "label", "subtitle"}
_CALLS = {"LabInputError", "show_message", "HTML", "Label", "Title", "Markdown", "Grade"}
_MARKERS = {"_", "N_", "ngettext"}


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def user_facing_literals(source: str, filename: str = "<source>") -> list[str]:
    """Literals with words in user-facing positions that are not wrapped in _() (see above)."""
    tree = ast.parse(source)
    lines = source.splitlines()
    found: list[str] = []

    def text_in(node: ast.AST) -> None:
        if isinstance(node, ast.Call) and _name(node.func) in _MARKERS:
            return
        if isinstance(node, ast.Call):
            return  # another call: checked on its own (its keywords and, if listed, its arguments)
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            line = lines[node.lineno - 1] if node.lineno <= len(lines) else ""
            if re.search(r"[A-Za-z]{2}", _strip_tags(node.value)) and \
                    not line.rstrip().endswith("# i18n: not text"):
                found.append(f"{filename}:{node.lineno}: {node.value[:60]!r}")
            return
        for child in ast.iter_child_nodes(node):
            text_in(child)

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if name.startswith("transform_"):  # Vega expressions named as keywords (label=...)
            continue
        for kw in node.keywords:
            if kw.arg in _KEYWORDS or (kw.arg == "value" and name in ("HTML", "Label")):
                text_in(kw.value)
        if name in _CALLS:
            for arg in node.args[:1] if name == "show_message" else node.args:
                text_in(arg)
    return found


def test_the_literal_check_can_fail():
    bad = ('raise LabInputError(f"No country {c}.")\nW.Button(description="Save")\n'
           'W.HTML("<b>Score</b>")\nalt.Title("Latest value")\n')
    assert len(user_facing_literals(bad)) == 4
    good = ('raise LabInputError(_("No country {c}.").format(c=c))\n'
            'W.Button(description=_("Save"))\nW.HTML(f"<b>{html.escape(x)}</b>")\n')
    assert user_facing_literals(good) == []


def test_no_untranslated_user_facing_literal_in_translated_modules():
    found = []
    for rel in catalogues.TRANSLATED_MODULES:
        found += user_facing_literals((ROOT / rel).read_text(encoding="utf-8"), rel)
    assert found == [], "wrap these in _() (widgets.i18n):\n" + "\n".join(found)


def test_every_marked_string_reaches_the_catalogue():
    """Babel's extractor does not look inside f-strings: a _("...") there would stay English."""
    template = {m.id if isinstance(m.id, str) else m.id[0]
                for m in catalogues._read(catalogues.TEMPLATE) if m.id}
    missing = []
    for rel in catalogues.TRANSLATED_MODULES:
        for node in ast.walk(ast.parse((ROOT / rel).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _name(node.func) in _MARKERS and node.args and \
                    isinstance(node.args[0], ast.Constant) and node.args[0].value not in template:
                missing.append(f"{rel}:{node.lineno}: {node.args[0].value!r}")
    assert missing == [], "not extracted (take it out of the f-string):\n" + "\n".join(missing)


def test_docs_list_the_modules_not_yet_translated():
    doc = (ROOT / "docs" / "translating.md").read_text(encoding="utf-8")
    for rel in catalogues.NOT_YET_TRANSLATED:
        assert f"`{rel}`" in doc, rel
    for rel in catalogues.TRANSLATED_MODULES:
        assert f"`{rel}`" in doc, rel


# ============================================================== lessons and quizzes
def test_translated_lessons_are_complete_and_up_to_date():
    assert lessons.check() == []
    for lang in ("fr", "es"):
        assert lessons.translated_lessons(lang) == [f"{n:02d}" for n in range(12)]


def test_a_translated_lesson_has_the_english_code_cells_and_sets_its_language():
    for lang in ("fr", "es"):
        (translated,) = (ROOT / "lessons" / lang).glob("01-*.ipynb")
        english = lessons.english_notebook("01")
        t, e = json.loads(translated.read_text()), json.loads(english.read_text())
        assert t["cells"][0]["id"] == lessons.LANGUAGE_CELL_ID
        assert f'widgets.set_language("{lang}")' in "".join(t["cells"][0]["source"])
        code = [(c["id"], c["source"]) for c in t["cells"][1:] if c["cell_type"] == "code"]
        assert code == [(c["id"], c["source"]) for c in e["cells"] if c["cell_type"] == "code"]
        markdown = "".join("".join(c["source"]) for c in t["cells"] if c["cell_type"] == "markdown")
        assert "Learning objectives" not in markdown and "Key points" not in markdown


def test_a_changed_english_unit_makes_the_check_fail(tmp_path, monkeypatch):
    """Drift is caught: the check compares the units with the English notebook on disk."""
    (tmp_path / "lessons").mkdir()
    nb = json.loads(lessons.english_notebook("01").read_text())
    nb["cells"][0]["source"] = ["# A new title\n"]
    (tmp_path / "lessons" / "01-what-is-human-security.ipynb").write_text(json.dumps(nb))
    monkeypatch.setattr(lessons, "LESSONS", tmp_path / "lessons")
    problems = lessons.unit_problems("fr", "01")
    assert any("untranslated unit: '# A new title'" in p for p in problems)
    assert any("no longer in the English lesson" in p for p in problems)


def test_translated_quizzes_have_the_same_structure(tmp_path, monkeypatch):
    assert lessons.quiz_problems("fr") == [] and lessons.quiz_problems("es") == []
    broken = tmp_path / "quizzes"
    (broken / "fr").mkdir(parents=True)
    for name in ("01.yml",):
        (broken / name).write_text((ROOT / "lessons" / "quizzes" / name).read_text())
        text = (ROOT / "lessons" / "quizzes" / "fr" / name).read_text()
        (broken / "fr" / name).write_text(text.replace("correct: true", "correct: false", 1))
    monkeypatch.setattr(lessons, "QUIZZES", broken)
    monkeypatch.setattr(lessons, "translated_lessons", lambda lang: [])
    assert lessons.quiz_problems("fr") != []


def test_the_knowledge_check_reads_the_translated_quiz():
    from widgets.ui.quiz import KnowledgeCheck

    i18n.set_language("fr")
    quiz = KnowledgeCheck.for_lesson("01")
    assert quiz.title.startswith("Vérifiez vos connaissances")
    assert quiz.answer("percentile", "Il fait mieux qu’environ 20 % des pays disposant de "
                                     "données").correct
    assert "Score\u00a0: 1 / 6" in quiz.score_label.value


# ============================================================== locale formats
def test_numbers_in_python_follow_the_language():
    assert i18n.format_number(1234.5, 1, "fr") == "1\u202f234,5"
    assert i18n.format_number(1234.5, 1, "es") == "1.234,5"
    assert i18n.format_number(1234.5, 1, "en") == "1,234.5"
    i18n.set_language("fr")
    from widgets.charts import format_value

    assert format_value(3.42, "% of GDP") == "3,42\u202f% du PIB"
    assert format_value(12345.6, "people") == "12\u202f346\u00a0personnes"
    i18n.set_language("es")
    assert format_value(12345.6, "people") == "12.346\u00a0personas"


def test_a_widgets_text_and_its_chart_in_french():
    from widgets.ui import ChartPanel

    i18n.set_language("fr")
    df = pd.DataFrame({"x": [1234.5], "y": [1.0]})
    chart = alt.Chart(df).mark_point().encode(
        x=alt.X("x:Q", axis=alt.Axis(values=[1234.5], format=",.1f")), y="y:Q")
    text = i18n._("Showing the first {shown} of {total} rows.")  # a catalogue sentence
    panel = ChartPanel(chart, f"{text} {i18n.format_number(1234.5, 1)}", df)
    assert "1\u202f234,5" in panel.description.value
    assert panel.show_table.description == "Afficher les données"
    locale = panel.chart.embed_options["formatLocale"]
    assert (locale["decimal"], locale["thousands"]) == (",", "\u202f")
    # The same locale drawn by Vega (vl-convert, the renderer of the exported briefs):
    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(chart.to_dict(), format_locale=locale)
    assert "1\u202f234,5" in svg
    svg_es = vlc.vegalite_to_svg(chart.to_dict(), format_locale=i18n.vega_format_locale("es"))
    assert "1.234,5" in svg_es
    from widgets.portfolio import chart_to_svg  # the picture in an exported brief

    assert "1\u202f234,5" in chart_to_svg(chart)


def test_country_names_come_from_cldr_in_every_language():
    from widgets import data

    countries = data.load_countries()
    for lang in ("fr", "es"):
        i18n.set_language(lang)
        names = {c: data.local_country_name(c) for c in countries["iso3"]}
        assert all(names.values())
        from babel import Locale

        territories = Locale(lang).territories
        assert all(names[r.iso3] == territories[r.iso2] for r in countries.itertuples())
    i18n.set_language("es")
    assert data.local_country_name("DEU") == "Alemania"
    assert data.local_region_name("Americas") == "América"


def test_the_country_profile_in_spanish():
    from widgets.ui.profile import CountryProfile

    i18n.set_language("es")
    profile = CountryProfile("KEN", compare="income")
    assert profile.country.description == "País"
    assert ("Alemania", "DEU") in profile.country.options
    text = profile.panel.description_text
    assert text.startswith("Kenia:") and "percentil" in text and "Países de ingreso" in text
    spec = json.dumps(profile.panel.chart.spec, ensure_ascii=False)
    assert "Seguridad humana: la posici" in spec and "Entre todos los pa" in spec
    table = profile.panel.table_data
    assert "Último valor" in table.columns and "Económica · PIB per cápita" in set(table["Indicador"])
    profile.country.value = "NONE" if False else "MEX"  # a change keeps the language
    assert profile.panel.description_text.startswith("México:")


# ============================================================== portfolio
def test_the_language_survives_a_save_and_a_restore(tmp_path):
    from widgets.portfolio import Portfolio
    from widgets.ui.portfolio import PortfolioPanel

    i18n.set_language("fr")
    panel = PortfolioPanel(Portfolio(tmp_path / "p.json", lesson="01"))
    assert panel.save_button.description == "Enregistrer"
    panel.save()
    assert json.loads((tmp_path / "p.json").read_text())["extra"]["language"] == "fr"
    i18n.set_language(None)  # a new session, in English
    assert i18n.get_language() == "en"
    again = PortfolioPanel(Portfolio.load(tmp_path / "p.json", lesson="01"))
    again.load()
    assert i18n.get_language() == "fr"
    assert "Français" in again.message_text


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_a_text_in_a_lesson_and_in_a_widget_reads_the_same(lang):
    """At run time lessons and widgets share one catalogue: the same English must not have two
    translations (e.g. "none" agreeing with different nouns); give the lesson its own words."""
    from babel.messages.pofile import read_po

    def read(path):
        with path.open("rb") as fh:
            return {m.id: m.string for m in read_po(fh, locale=lang) if m.id}

    widget = read(ROOT / "widgets" / "locale" / lang / "LC_MESSAGES" / "messages.po")
    clashes = [f"{path.name}: {msg!r} → {text!r} (widgets: {widget[msg]!r})"
               for path in sorted((ROOT / "lessons" / "locale" / lang).glob("*.po"))
               for msg, text in read(path).items() if msg in widget and text != widget[msg]]
    assert clashes == []
