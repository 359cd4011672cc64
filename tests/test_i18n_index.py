"""French and Spanish (issue 18) in the index builder, the 3D portfolio's matrix and charts,
and the exercises' self-checks (lessons 01 and 03; the matrix of lesson 06).

Each test asserts the translated text itself (not merely "not English"), so a
message that falls back to English, or a label built before the language is
known, fails. English is covered by the modules' own tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from widgets import i18n, triad
from widgets import indexing as ix
from widgets.charts import triad as triad_charts
from widgets.errors import LabInputError
from widgets.selfcheck import CHECKS_DIR, check, load_checks

INDICATORS = ["life_expectancy", "under5_mortality", "gni_pc"]


def _spec_text(panel) -> str:
    return json.dumps(panel.chart.spec, ensure_ascii=False)


# ============================================================== the index builder
def test_index_builder_in_french():
    from widgets.ui.index_builder import IndexBuilder

    i18n.set_language("fr")
    b = IndexBuilder(indicators=INDICATORS, year=2022, country="KEN")
    # controls: labels, options (values unchanged), tabs, steps, buttons
    assert b.indicators.description == "Indicateurs"
    assert b.look_back.description == "Remonter" and b.coverage.description == "Couverture (%)"
    assert ("Bornes fixes (comme dans l’IDH)", "goalposts") in b.normalisation.options
    assert ("Type IDH", "hdi_like") in b.preset.options
    assert b.run_button.description == "Lancer l’analyse d’incertitude"
    assert [b.tabs.get_title(k) for k in range(5)] == [
        "Classement", "Carte", "Qui bouge", "Face à l’IDH", "Quelle certitude\u00a0?"]
    assert b.steps.get_title(2) == "3 · Normaliser"
    assert b.country.options[0] == ("(aucun)", "")
    assert b.indicator_sliders["life_expectancy"].description == "· Espérance de vie"
    # text on screen: numbers written the French way, country names from CLDR
    assert "pays dans votre indice pour 2022" in b.summary.value
    assert "Corrélation des rangs avec l’IDH\u00a0: <b>0," in b.summary.value
    assert "Kenya se classe <b>" in b.summary.value
    assert "Poids effectifs (leur somme est égale à 1)" in b.weights_note.value
    assert "(au moins 75\u00a0% des indicateurs)" in b.missing_note.value
    # descriptions, tables and charts
    assert b.rank_panel.description_text.startswith("Votre indice classe ")
    assert {"pays", "rang", "rang à poids égaux"} <= set(b.rank_panel.table_data.columns)
    ranking = _spec_text(b.rank_panel)
    assert '"Les 15 premiers"' in ranking and '"Score de l’indice (plus élevé = meilleur)"' in ranking
    assert '\\"Suisse\\"' in ranking and '\\"Switzerland\\"' not in ranking  # CLDR names
    shift = _spec_text(b.shift_panel)
    assert '\\"monte\\"' in shift and '"Par rapport aux poids égaux"' in shift  # Vega's own words
    assert '["Qui bouge", "cercle vide = rang' in shift   # a long title, broken where the translator chose
    assert '\\"Allemagne\\"' in _spec_text(b.map_panel)  # the map's tooltip names every country
    b.normalisation.value = "goalposts"
    assert "Bornes\u00a0: les valeurs qui comptent pour 0 et pour 1" in b.goalpost_note.value
    assert "IDH du PNUD (RDH 2023-2024)" in b.goalpost_note.value
    # a bad combination: a French message, no traceback
    b.aggregation.value = "geometric"
    b.normalisation.value = "z_score"
    assert b.message_kind == "error"
    assert b.message_text.startswith("La moyenne géométrique exige des valeurs")


def test_index_builder_in_spanish():
    from widgets.ui.index_builder import IndexBuilder

    i18n.set_language("es")
    b = IndexBuilder(indicators=INDICATORS, year=2022)
    assert b.look_back.description == "Años hacia atrás"
    assert b.concentration.description == "Cercanía"
    assert b.tabs.get_title(4) == "¿Con qué certeza?"
    assert ("Media geométrica (una mala puntuación difícilmente se compensa)",
            "geometric") in b.aggregation.options
    assert "países en su índice para 2022" in b.summary.value
    assert b.hdi_panel.description_text.startswith("Cada punto es un país")
    assert '"Puntuación de su índice (más alta = mejor)"' in _spec_text(b.hdi_panel)
    b.n_draws.value = 200
    b._on_run()
    assert b.uncertainty_status.value.startswith("<p role='status'>Listo: 200 extracciones en ")
    assert "Amplitud mediana del intervalo de posiciones al 90\u00a0%" in b.mc_panel.description_text
    assert '"Todavía no hay extracciones."' not in _spec_text(b.mc_panel)
    assert '"Posición mediana en las extracciones"' in _spec_text(b.mc_panel)


def test_index_functions_speak_the_language_at_call_time():
    i18n.set_language("fr")
    with pytest.raises(LabInputError, match="^Tous les poids sont nuls"):
        ix.normalise_weights({"a": 0, "b": 0})
    assert i18n._(ix.NORMALISATIONS["rank"]) == "Rang / centile (0 = dernier, 1 = premier)"
    i18n.set_language("es")
    with pytest.raises(LabInputError, match="^Elija al menos un indicador"):
        ix.normalise_weights({})
    i18n.set_language(None)
    assert ix.NORMALISATIONS["rank"] == "Rank / percentile (0 = last, 1 = first)"


# ============================================================== the 3D portfolio's matrix
def test_triad_matrix_and_charts_in_french_and_spanish():
    i18n.set_language("fr")
    matrix = triad.load_matrix()
    assert matrix["instruments"]["peacekeeping"]["label"] == "Maintien de la paix"
    assert matrix["outcomes"]["fear"]["short"] == "Vivre à l’abri de la peur"
    shares = triad.normalise_allocation({"peacekeeping": 1, "education": 1})
    assert triad.coherence_flags(shares)[0]["message"].startswith("Du maintien de la paix presque")
    assert triad.scorecard(shares).loc[("defence", "short"), "label"] == \
        "Défense du territoire et dissuasion"
    spec = json.dumps(triad_charts.scorecard_chart(
        triad.matrix_table(), triad.instrument_ids(), [1 / 12] * 12, [1 / 12] * 12,
        {k: v["label"] for k, v in matrix["outcomes"].items()}).to_dict(), ensure_ascii=False)
    assert "Tableau de bord\u00a0: portefeuille A et portefeuille B" in spec
    assert '"Court terme (≈2 ans)"' in spec and "État · Stabilité régionale" in spec
    with pytest.raises(LabInputError, match="^Le budget est vide"):
        triad.normalise_allocation({})
    i18n.set_language("es")
    rows = triad_charts.robustness_rows(triad.matrix_robustness(shares, shares, draws=5))
    assert rows["outcome"].iloc[0] == "Estado · Defensa territorial y disuasión (corto plazo)"
    mix = triad.spending_mix(pd.DataFrame(
        {"iso3": ["AAA"], "year": [2000], "milex_gdp": [2.0], "health_spending_gdp": [5.0],
         "edu_spending_gdp": [3.0]}))
    spec = json.dumps(triad_charts.spending_mix_chart(mix, "Ejemplo").to_dict(), ensure_ascii=False)
    assert '"Tipo de gasto"' in spec and '"Salud (todas las fuentes)"' in spec
    i18n.set_language(None)
    assert triad.load_matrix()["instruments"]["peacekeeping"]["label"] == "Peacekeeping"


# ============================================================== self-checks
def test_self_checks_in_french_and_spanish(tmp_path):
    book = tmp_path / "portfolio.json"
    i18n.set_language("fr")
    wrong = check("03", "geometric-vs-arithmetic", "La moyenne arithmétique", portfolio=book)
    assert str(wrong).startswith("✘ Pas encore. Comparez les deux pour les indices 0,9")
    # the English option text the lesson's code comment shows is accepted too
    right = check("03", "geometric-vs-arithmetic", "The geometric mean", portfolio=book)
    assert right.right and str(right).startswith("✔ Juste. Exact\u00a0: la moyenne géométrique")
    saved = json.loads(book.read_text(encoding="utf-8"))["widgets"]["03/checks"]
    assert saved["geometric-vs-arithmetic"]["answer"] == "The geometric mean"  # same in every language
    assert saved["geometric-vs-arithmetic"]["attempts"] == 2
    assert "Cherchez l’espérance de vie du Brésil" in check("03", "brazil-health", "0,5",
                                                           portfolio=book).why
    with pytest.raises(LabInputError, match="^La leçon 03 n’a pas d’auto-vérification appelée"):
        check("03", "no-such-exercise", 1, portfolio=book)
    i18n.set_language("es")
    assert str(check("01", "life-expectancy-direction", "higher_is_better", portfolio=book)
               ).startswith("✔ Correcto. Correcto: vivir más años es mejor")
    assert check("08", "equal-weight-winner", "Cash transfers", portfolio=book).right
    assert check("08", "equal-weight-winner", "Transferencias de efectivo", portfolio=book).right


def _structure(path: Path) -> list[tuple]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for q in raw["questions"]:
        options = q.get("options") or []
        out.append((q["id"], q.get("type", "single"), tuple(bool(o.get("correct")) for o in options),
                    # an option that is a value the code expects (higher_is_better) stays as it is
                    tuple(o["text"] for o in options if " " not in str(o["text"])),
                    q.get("answer"), json.dumps(q.get("answer_from"), sort_keys=True),
                    json.dumps(q.get("divided_by"), sort_keys=True), q.get("goalposts"),
                    q.get("tolerance"), q.get("relative_tolerance"),
                    bool(q.get("feedback_correct")), bool(q.get("feedback_incorrect"))))
    return out


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_translated_self_checks_have_the_english_structure_and_answers(lang):
    english = sorted(CHECKS_DIR.glob("*.yml"))
    assert english, "no self-checks found"
    for path in english:
        translated = CHECKS_DIR / lang / path.name
        assert translated.is_file(), f"{translated} is missing"
        assert _structure(translated) == _structure(path), translated
        raw = yaml.safe_load(translated.read_text(encoding="utf-8"))
        english_raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        for q, e in zip(raw["questions"], english_raw["questions"], strict=True):
            assert q["prompt"] != e["prompt"], (translated, q["id"])  # translated, not copied
        # the same answers come out of the data in every language
        i18n.set_language(lang)
        mine = load_checks(path.stem)
        i18n.set_language(None)
        assert {k: q.answer for k, q in mine.items()} == \
            {k: q.answer for k, q in load_checks(path.stem).items()}
