"""Lesson 09's case studies in French and Spanish: the case files and the case explorer.

The translated case files (``widgets/casefiles/cases.<lang>.yml``,
``case_events.<lang>.csv``) hold only text; these tests keep them in step with
the English files (same cases, same events in the same order, same numbers in
every text) and check what a learner sees in each language.
"""

from __future__ import annotations

import csv

import pytest
import yaml

from tests.spec_text import numbers
from widgets import i18n
from widgets.cases import CASE_TEXT_FIELDS, CASEFILES_DIR, load_case_events
from widgets.errors import LabInputError
from widgets.i18n import translated_path

LANGS = ("fr", "es")


def _english_cases() -> dict[str, dict]:
    raw = yaml.safe_load((CASEFILES_DIR / "cases.yml").read_text(encoding="utf-8"))
    return {d["id"]: d for d in raw["cases"]}


@pytest.mark.parametrize("lang", LANGS)
def test_translated_cases_have_the_english_ids_questions_and_numbers(lang):
    english = _english_cases()
    raw = yaml.safe_load(translated_path(CASEFILES_DIR / "cases.yml", lang).read_text(encoding="utf-8"))
    mine = [d["id"] for d in raw["cases"]]
    assert mine == list(english), f"{lang}: the cases (and their order) differ from cases.yml"
    for d in raw["cases"]:
        en = english[d["id"]]
        assert set(d) == {"id", *CASE_TEXT_FIELDS}, (lang, d["id"], sorted(d))
        assert len(d["questions"]) == len(en["questions"]), (lang, d["id"])
        for field in ("title", "summary", "policy"):
            assert d[field].strip() and d[field] != en[field], (lang, d["id"], field)
            assert numbers(d[field]) == numbers(en[field]), (lang, d["id"], field)
        for i, (q, q_en) in enumerate(zip(d["questions"], en["questions"], strict=True)):
            assert q != q_en and numbers(q) == numbers(q_en), (lang, d["id"], "question", i + 1)


@pytest.mark.parametrize("lang", LANGS)
def test_translated_events_are_the_english_events_row_for_row(lang):
    with (CASEFILES_DIR / "case_events.csv").open(encoding="utf-8") as fh:
        english = list(csv.DictReader(fh))
    with translated_path(CASEFILES_DIR / "case_events.csv", lang).open(encoding="utf-8") as fh:
        mine = list(csv.DictReader(fh))
    assert len(mine) == len(english)
    for en, tr in zip(english, mine, strict=True):
        assert (tr["case_id"], tr["date"]) == (en["case_id"], en["date"])
        assert tr["event"].strip() and tr["event"] != en["event"], (lang, tr["date"])
        assert numbers(tr["event"]) == numbers(en["event"]), (lang, tr["date"], tr["event"])
    # the file is used: the loaded events are the translated ones, dated in the language
    i18n.set_language(lang)
    loaded = load_case_events()
    assert loaded["event"].tolist() == [r["event"] for r in mine]
    pheic = loaded[loaded["date"] == "2014-08-08"].iloc[0]
    assert pheic["date_label"] == {"fr": "8 août 2014", "es": "8 de agosto de 2014"}[lang]
    assert pheic["source_title"] == english[[r["date"] for r in english].index("2014-08-08")][
        "source_title"]  # published sources keep their titles


def test_case_explorer_in_french():
    from widgets.ui.cases import CaseExplorer

    i18n.set_language("fr")
    ex = CaseExplorer("ebola")
    assert (ex.case.description, ex.indicator.description, ex.year.description) == (
        "Cas", "Indicateur", "Année lue")
    assert ex.case.label == "L’épidémie d’Ebola en Afrique de l’Ouest, 2014–2016"
    assert ex.indicator.label == ("Mortalité des moins de 5 ans (décès pour 1 000 "
                                  "naissances vivantes)")
    assert [label for label, _code in ex.countries.options][:1] == ["Guinée"]
    assert "lignes verticales numérotées" in ex.panel.description_text
    assert "pour Guinée, Liberia" in ex.panel.description_text
    assert "Chronologie des principaux événements, avec leurs sources" in ex.timeline.value
    assert "8 août 2014" in ex.timeline.value
    assert "Questions à débattre" in ex.notes.value
    assert "La réponse internationale a été lente" in ex.notes.value
    assert ex.readout.value.startswith("<p role='status'>Mortalité des moins de 5 ans en ")
    assert list(ex.panel.table_data.columns)[:2] == ["Pays", "Année"]
    spec = ex.panel.chart.spec
    params = {p["name"]: p.get("value") for p in spec["params"]}
    assert params["ylabel"] == ex.indicator.label
    assert params["case_title"] == ex.case.label
    assert spec["title"]["subtitle"].startswith("Lignes numérotées\u00a0: événements datés")
    # an indicator change keeps the chart's label in French
    ex.indicator.value = "life_expectancy"
    assert ex.panel.chart.params.ylabel == "Espérance de vie à la naissance (années)"
    # a bad choice: a plain French message, never a traceback
    with pytest.raises(LabInputError, match="Le cas «\u00a0L’épidémie d’Ebola"):
        CaseExplorer("ebola", countries=["DEU"])
    ex.countries.value = ()
    assert ex.message_text.startswith("Choisissez au moins un pays dans la liste")


def test_case_explorer_and_refugee_destinations_in_spanish():
    from widgets.ui.cases import CaseExplorer, RefugeeDestinations

    i18n.set_language("es")
    ex = CaseExplorer("colombia")
    assert (ex.case.description, ex.countries.description) == ("Caso", "Países")
    assert ex.case.label == "El proceso de paz en Colombia"
    assert "24 de noviembre de 2016" in ex.timeline.value
    assert "Se firma en Bogotá el Acuerdo Final revisado" in ex.timeline.value
    assert "Preguntas para el debate" in ex.notes.value
    assert "se dibujan como líneas verticales numeradas" in ex.panel.description_text
    with pytest.raises(LabInputError, match="No existe ningún caso llamado 'atlantis'"):
        CaseExplorer("atlantis")
    d = RefugeeDestinations("SYR", year=2016)
    assert d.year.description == "Año"
    assert list(d.panel.table_data.columns) == ["País de acogida", "Refugiados", "Proporción (%)"]
    assert d.panel.description_text.startswith("En 2016, Turquía era el país que acogía más "
                                               "refugiados de Siria: ")
    assert d.panel.chart.spec["title"]["text"] == "Dónde vivían los refugiados de Siria en 2016"
