"""French and Spanish in app mode (issue 18), in a real browser, offline.

* Every translated lesson (``lessons/fr/``, ``lessons/es/``), once, in French or
  Spanish in turn (lesson 01 in both): the page loads, every chart is drawn, no
  error or code is shown, ``<html lang>`` says the language, no text of the
  widgets' catalogue is left in English on the page, and the first control next
  to a chart still redraws it. (The full control-by-control check of the
  English lessons is in ``test_lessons_in_app_mode.py``; the code cells are the
  same.)
* ``?lang=fr`` on a lesson's address: a chart's axis shows ``1 234,5`` (d3's
  format locale from CLDR, given to Vega-Embed as a dict) and the widget's text
  is French.
* The lessons page has a language menu that leads to the translated lessons.
"""

from __future__ import annotations

import json

import harness
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = harness.REPO_ROOT

TEXT = {"fr": ("Afficher les données", "Sécurité humaine"),
        "es": ("Mostrar los datos", "Seguridad humana")}


def _open(page, server, lesson, url=None):
    lp = harness.LessonPage(page, server, lesson)
    if url is None:
        lp.open_and_run()
    else:
        page.goto(url, wait_until="commit", timeout=harness.LESSON_TIMEOUT * 1000)
        lp._wait_voila(harness.LESSON_TIMEOUT)
        lp.wait_for_charts(harness.LESSON_TIMEOUT)
    return lp


def _english_sentences(lang: str) -> list[str]:
    """The catalogue's English texts of three words or more that have another text in ``lang``.

    None of them may be on the page of a lesson in ``lang``: it would be a
    widget's text shown in English.
    """
    import io

    from babel.messages.pofile import read_po

    path = ROOT / "widgets" / "locale" / lang / "LC_MESSAGES" / "messages.po"
    catalog = read_po(io.BytesIO(path.read_bytes()), locale=lang)
    out = []
    for msg in catalog:
        if not msg.id or not isinstance(msg.id, str) or "{" in msg.id or "<" in msg.id:
            continue
        if len(msg.id.split()) >= 3 and msg.string and msg.string != msg.id:
            out.append(msg.id)
    return out


#: Catalogue texts that may appear in English inside a translated page, and why.
PUBLISHED = {
    "Ministry of Finance",  # in a published source's name (Rwanda Vision 2020, lesson 09)
    # the publisher field of the lab's derived indicators, shown as published like every
    # publisher ("World Bank, …; computed by Human Security Lab")
    "Human Security Lab", "; computed by Human Security Lab",
}


def _english_on_page(body: str, lang: str) -> list[str]:
    """The catalogue's English sentences found as whole words in ``body`` (with context).

    A sentence in double quotes is a value the lesson asks the learner to type
    (e.g. ``"Lower middle income"``), not text of a widget.
    """
    import re

    found = []
    for text in _english_sentences(lang):
        if text in PUBLISHED:
            continue
        for m in re.finditer(r"(?<![\w\"])" + re.escape(text) + r"(?![\w\"])", body):
            found.append(f"{text!r} in …{body[max(0, m.start() - 60):m.end() + 20]}…")
            break
    return found


#: Every translated lesson is opened once in app mode, in one of the two languages in turn
#: (both for lesson 01); the code cells are the English lesson's, which the English suite
#: drives control by control.
#: Each lesson once, in one of the two languages (six pages each): odd numbers in French.
TRANSLATED = [("fr" if int(n) % 2 else "es", n) for n in (
    "00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11")]


@pytest.mark.parametrize(("lang", "number"), TRANSLATED, ids=[f"{la}-{n}" for la, n in TRANSLATED])
def test_translated_lesson_in_app_mode(lang, number, voila_server, voila_context, guard):
    """The page loads offline, every chart is drawn, no error or code shows, ``<html lang>`` is
    the lesson's, no widget text is left in English, and a control still redraws its chart."""
    (lesson,) = (ROOT / "lessons" / lang).glob(f"{number}-*.ipynb")
    mark = len(guard.attempts)
    page = voila_context.new_page()
    guard.watch(page)
    try:
        lp = _open(page, voila_server, lesson)
        lp.screenshot(f"voila-i18n-{lang}-{number}", full_page=True)
        charts = lp.chart_states()
        assert all(c["kind"] != "none" for c in charts), charts
        assert lp.problems() == []
        assert lp.code_visible() == 0
        assert page.evaluate("document.documentElement.lang") == lang
        body = page.evaluate("document.body.innerText")
        english = _english_on_page(body, lang)
        assert english == [], f"English text in the {lang} lesson {number}: {english[:10]}"
        if number == "01":
            show, title = TEXT[lang]
            assert show in body and title in body
            assert "Show the data" not in body and "Learning objectives" not in body
            svg = page.evaluate("Array.from(document.querySelectorAll('svg text'))"
                                ".map((t) => t.textContent).join('|')")
            assert title in svg  # the chart's own title, drawn by Vega
        controls = lp.controls()
        if charts and controls:
            result = lp.drive(controls[0])
            assert result.reacted is not False, f"{result} did not change its chart"
        page.wait_for_timeout(200)
    finally:
        page.close(run_before_unload=True)
    assert guard.since(mark) == []


AXIS_NOTEBOOK = {
    "cells": [{"cell_type": "code", "execution_count": None, "id": "axis", "metadata": {},
               "outputs": [], "source": [
        "import altair as alt\n", "import pandas as pd\n", "\n", "import widgets\n",
        "from widgets.i18n import format_number\n", "from widgets.ui import ChartPanel\n", "\n",
        "df = pd.DataFrame({'x': [1234.5], 'y': [1.0]})\n",
        "chart = alt.Chart(df).mark_point().encode(\n",
        "    x=alt.X('x:Q', axis=alt.Axis(values=[1234.5], format=',.1f', title='x')), y='y:Q')\n",
        "ChartPanel(chart, 'Valeur : ' + format_number(1234.5, 1), df)"]}],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                "name": "python3"}},
    "nbformat": 4, "nbformat_minor": 5}


def test_lang_on_a_lesson_address_formats_numbers_in_text_and_axis(
        voila_server, voila_context, guard, workspace):
    folder = workspace / "lessons" / "i18n-check"
    folder.mkdir(exist_ok=True)
    notebook = folder / "axis.ipynb"
    notebook.write_text(json.dumps(AXIS_NOTEBOOK))
    mark = len(guard.attempts)
    page = voila_context.new_page()
    guard.watch(page)
    try:
        _open(page, voila_server, notebook,
              voila_server.url("voila/render/i18n-check/axis.ipynb?lang=fr"))
        page.wait_for_function("() => Array.from(document.querySelectorAll('svg text'))"
                               ".some((t) => t.textContent.includes('1\u202f234,5'))",
                               timeout=20_000)
        body = page.evaluate("document.body.innerText")
        assert "1\u202f234,5" in body  # the description under the chart (a widget's text)
        assert "Afficher les données" in body
        assert page.evaluate("document.documentElement.lang") == "fr"
        harness.LessonPage(page, voila_server, notebook).screenshot("voila-i18n-axis-fr")
    finally:
        page.close(run_before_unload=True)
    assert guard.since(mark) == []


def test_the_lessons_page_has_a_language_menu(voila_server, voila_context, guard):
    mark = len(guard.attempts)
    page = voila_context.new_page()
    guard.watch(page)
    try:
        page.goto(voila_server.url(""), wait_until="load")
        assert page.evaluate("document.documentElement.lang") == "en"
        menu = page.get_by_role("navigation", name="Language")
        assert menu.get_by_role("link").all_inner_texts() == ["English", "Français", "Español"]
        menu.get_by_role("link", name="Français").click()
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.lang") == "fr"
        links = page.locator("a.hsl-lesson").evaluate_all("(as) => as.map((a) => a.href)")
        names = page.locator("a.hsl-lesson").all_inner_texts()
        harness.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(harness.SCREENSHOTS / "voila-index-fr.png"), full_page=True)
        assert "Choisissez une leçon" in page.evaluate("document.body.innerText")
    finally:
        page.close()
    expected = sorted(p.name for p in (ROOT / "lessons" / "fr").glob("*.ipynb"))
    from urllib.parse import unquote

    assert sorted(unquote(h.split("/voila/render/fr/")[1].split("?")[0]) for h in links) == expected
    assert any("La sécurité humaine" in n for n in names), names
    assert guard.since(mark) == []
