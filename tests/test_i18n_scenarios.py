"""Lesson 10's scenario simulator in French and Spanish: the assumptions file and the widget.

The translated assumptions (``widgets/assumptions/scenario_parameters.<lang>.yml``)
hold only text keyed like the English file; every number of the model is read
from the English file. These tests keep the two in step and check what a learner
sees in each language: controls, messages, results, charts and the exported
after-action summary.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml

from tests.spec_text import numbers
from widgets import i18n
from widgets.errors import LabInputError
from widgets.i18n import translated_path
from widgets.scenarios import (
    _SPEC_PATH,
    SPEC_TEXT_FIELDS,
    CountryProfile,
    Response,
    Shock,
    load_model_spec,
    run_scenario,
)

LANGS = ("fr", "es")


@pytest.mark.parametrize("lang", LANGS)
def test_translated_assumptions_have_the_english_keys_and_numbers(lang):
    english = yaml.safe_load(_SPEC_PATH.read_text(encoding="utf-8"))
    mine = yaml.safe_load(translated_path(_SPEC_PATH, lang).read_text(encoding="utf-8"))
    assert set(mine) == {"parameters", "shocks", "responses"}
    for section in mine:
        assert list(mine[section]) == list(english[section]), (lang, section)
        for key, texts in mine[section].items():
            assert set(texts) <= set(SPEC_TEXT_FIELDS), (lang, section, key, sorted(texts))
            assert texts.get("label"), (lang, section, key)
            for field, text in texts.items():
                original = english[section][key].get(field, "")
                assert text != original or field == "unit", (lang, section, key, field)
                assert numbers(text) == numbers(original), (lang, section, key, field, text)
    # the numbers come from the English file only
    i18n.set_language(lang)
    spec = load_model_spec()
    i18n.set_language(None)
    english_spec = load_model_spec()
    assert spec.get("impact.drought.food") == english_spec.get("impact.drought.food")
    for mine_cost, en_cost in ((spec.responses[k].cost, english_spec.responses[k].cost)
                               for k in english_spec.responses):
        assert (mine_cost.value, mine_cost.low, mine_cost.high) == (
            en_cost.value, en_cost.low, en_cost.high)
        assert mine_cost.label != en_cost.label


def test_the_simulator_in_french():
    from widgets.ui.scenario import ScenarioSimulator

    i18n.set_language("fr")
    w = ScenarioSimulator(country="KEN", n_draws=20)
    assert w.tabs.titles == ("1 Pays", "2 Chocs", "3 Réponses", "Hypothèses", "Équipes")
    assert w.country.description == "Pays" and w.country.label == "Kenya"
    assert w.shock_drought_on.description == "Sécheresse"
    assert w.shock_drought_severity.description == "Gravité"
    assert w.response_early_warning_level.description == "Alerte précoce et action anticipatoire"
    assert w.save_button.description == "Enregistrer le plan"
    assert w.inject_choice.label == "Choléra dans des abris surpeuplés"
    assert w.outcome.label == "Vies perdues à cause du choc, en cumul (personnes)"
    assert "Capacité à faire face" in w.equations.value
    assert "<li>Intensité du choc\u00a0: $$" in w.equations.value
    assert r"\text{ si }" in w.equations.value and r"P_{\text{alimentation}}" in w.equations.value
    w.shock_drought_on.value = True
    w.response_social_protection_level.value = 1.0
    assert "Avec le choc, " in w.averted_html.value
    assert "Les réponses épargnent " in w.averted_html.value
    assert re.search(r"Les réponses coûtent [\d\u202f,]+ millions de dollars É\.-U\.", w.cost_html.value)
    assert "Choc sans réponse" in w.summary_html.value
    assert list(w.trajectory_panel.table_data.columns)[:3] == ["Scénario", "Trimestre", "Résultat"]
    assert list(w.pressure_panel.table_data.columns)[1] == "Canal"
    description = w.trajectory_panel.description_text
    assert description.startswith("Kenya, vies perdues à cause du choc, en cumul\u00a0: ")
    assert "Modèle pédagogique, pas une prévision" in description
    spec = w.trajectory_panel.chart.spec
    assert json.dumps("Vies perdues à cause du choc, en cumul (personnes)") in spec["title"]["text"]["expr"]
    text = json.dumps(spec, ensure_ascii=False)
    assert "Trimestre (3 mois) depuis le début de l’exercice" in text  # axis title
    assert '"title": "Scénario"' in text  # legend and tooltip
    assert "Choc + réponse" in json.dumps(spec["layer"][0]["encoding"]["color"]["scale"],
                                          ensure_ascii=False)
    pressure = w.pressure_panel.chart.spec
    assert json.dumps("Où va la pression, trimestre par trimestre — ") in pressure["title"]["text"]["expr"]
    assert "Sécurité alimentaire" in json.dumps(pressure, ensure_ascii=False)
    # a value outside the model's bounds: a French message, the model keeps running
    w.param_value.value = 3.0
    w.param_apply.click()
    assert w.message_text.startswith("Part de la pression reportée au trimestre suivant\u00a0: la "
                                     "valeur doit être comprise entre 0 et 0,95 (vous avez saisi 3)")
    with pytest.raises(LabInputError, match="Il n’existe pas de choc appelé 'meteor'"):
        run_scenario(CountryProfile.from_values("T"), [Shock("meteor", 0.5, 0, 1)], [],
                     load_model_spec())


def test_the_simulator_and_its_report_in_spanish(tmp_path):
    from widgets.scenario_teams import after_action_report
    from widgets.ui.scenario import ScenarioSimulator

    i18n.set_language("es")
    w = ScenarioSimulator(country="KEN", n_draws=20, team_folder=tmp_path)
    assert w.tabs.titles == ("1 País", "2 Choques", "3 Respuestas", "Supuestos", "Equipos")
    assert w.shock_conflict_on.description == "Escalada de un conflicto"
    assert w.uncertainty_button.description == "Mostrar la incertidumbre"
    assert "No hay ningún choque seleccionado" in w.averted_html.value
    w.shock_drought_on.value = True
    w.response_early_warning_level.value = 1.0
    w.team_name.value = "Equipo azul"
    w.save_plan()
    assert w.message_text.startswith("Plan del equipo Equipo azul guardado como equipo-azul-round-1.json")
    with pytest.raises(LabInputError, match="El equipo 'Equipo azul' ya tiene un plan guardado"):
        w.save_plan()
    table = w.compare()
    assert w.message_text == "1 equipo comparado." and len(table) == 1
    assert w.team_panel.chart.spec["title"]["text"] == "Equipos comparados"
    report = after_action_report(w._record(), w.spec, "html")
    assert '<html lang="es">' in report
    assert "<h1>Resumen posterior a la acción: Equipo azul, ronda 1</h1>" in report
    assert "<h2>Lo que elegimos</h2>" in report
    assert "Alerta temprana y acción anticipatoria: nivel 100\u00a0% desde el trimestre 0" in report


def test_english_text_is_unchanged():
    """The English wording of the model's messages is what it was before the catalogues."""
    res = run_scenario(CountryProfile.from_values("T", population=1e6, gdp_pc=1000),
                       [], [Response("humanitarian_aid", 1.0, 0)], load_model_spec(), budget=5)
    from widgets.scenarios import budget_message

    assert budget_message(res) == ("Over budget: the responses cost US$60 million but the budget "
                                   "is US$5 million. Lower a level, start later or drop a response.")
    assert load_model_spec().editable()["impact.drought.food"] == "Impact of drought on food"
