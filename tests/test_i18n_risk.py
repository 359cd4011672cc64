"""RiskAssessment (lesson 04) and SpendingTradeoffs (lesson 05) in French and Spanish (issue 18).

Each widget is built once in one language and its controls, texts, tables,
chart specs and messages are checked for the real translation; the chart
builders and the pure modules are checked in the other language. The language
is reset after each test by tests/conftest.py.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.spec_text import spec_text
from widgets.errors import LabInputError
from widgets.i18n import set_language

NB = "\u00a0"  # French no-break space before : ; and inside « »; Spanish before %




def _js(text: str) -> str:
    """``text`` as it appears quoted inside a Vega expression (widgets quote with json.dumps)."""
    return json.dumps(text)[1:-1]


# ------------------------------------------------------------------ RiskAssessment
def test_risk_assessment_in_french():
    from widgets.ui.risk_assessment import RiskAssessment

    set_language("fr")
    ra = RiskAssessment(year=2022, country="KEN")
    # controls: labels translated, values unchanged (a saved portfolio keeps working)
    assert ra.year.description == "Année"
    assert ra.measure.options[0] == ("Risque (0–10)", "risk")
    assert ("Afrique", "Africa") in ra.region.options
    assert ("Faible revenu", "Low income") in ra.income.options
    assert dict(ra.lens.options)["Femmes et filles"] == "women"
    assert ra.peers.options[0] == (f"Pairs{NB}: pays de la même région", "region")
    assert ra.hazard_exposure.description == "Aléas et exposition"
    assert ra.reset.description == "Revenir à la répartition du laboratoire"
    assert [ra.tabs.get_title(k) for k in range(5)] == [
        "Carte", "Pays les plus à risque", "Un pays", "Groupes vulnérables", "Le modèle"]
    assert "reconstruction pédagogique du modèle INFORM Risk" in ra.disclaimer.value
    assert "Quel indicateur alimente quelle dimension, et pourquoi" in ra.mapping_table.value
    # sentences (what a screen reader hears), with French numbers and country names
    assert f"Kenya{NB}: risque de <b>" in ra.summary.value
    assert "Ce qui fait monter le risque (Kenya, 2022)" in ra.drivers_panel.description_text
    assert "pays de la région Afrique" in ra.trend_panel.description_text
    assert "Le plus élevé" in ra.rank_panel.description_text
    assert "Somalie" in ra.rank_panel.description_text
    # charts: axis, legend and tooltip titles, words inside Vega expressions
    ranking = spec_text(ra.rank_panel.chart.spec)
    assert f"Score 0–10 (barre = risque{NB}; symboles = ses trois dimensions)" in ranking
    assert "Rang (1 = le plus à risque)" in ranking
    assert _js("Aléas et exposition") in ranking  # the dimension's name, computed in Vega
    assert "(plus foncé = plus de risque)" in spec_text(ra.map_panel.chart.spec)
    trend = ra.trend_panel.chart.spec
    assert _js(f"{NB}: évolution du risque") in trend["title"]["text"]["expr"]
    assert "Points de risque ajoutés par rapport au pays médian" in spec_text(
        ra.drivers_panel.chart.spec)
    assert "Les 20 plus fortes variations" in spec_text(ra.lens_panel.chart.spec)
    # "Show the data": headers and values in French
    table = ra.rank_panel.table_data
    assert {"rang", "nom", "région (ONU)", "groupe de revenu", "risque"} <= set(table.columns)
    assert "Afrique" in set(table["région (ONU)"])
    drivers = ra.drivers_panel.table_data
    assert {"indicateur", "dimension du risque", "poussée"} <= set(drivers.columns)
    # a control still updates the chart in place, and speaks French
    ra.year.value = 2019
    assert ra.map_panel.chart.params.year == 2019
    assert "en 2019" in ra.map_panel.description_text
    # bad input: a French message, no traceback
    ra.hazard_exposure.value = ()
    assert f"Aléas et exposition{NB}: aucun indicateur" in ra.message_text


def test_risk_charts_and_messages_in_spanish():
    from widgets import risk as rk
    from widgets.charts import risk as charts

    set_language("es")
    drivers = pd.DataFrame({"label": ["Gini"], "dimension": ["vulnerability"], "push": [0.4],
                            "score": [7.0]})
    spec = spec_text(charts.drivers_chart(drivers, "Uno.").to_dict())
    assert "Puntos de riesgo añadidos respecto al país mediano" in spec
    assert "Vulnerabilidad" in spec and "Dimensión" in spec
    trend = pd.DataFrame({"year": [2020], "country": [5.0], "peer_median": [4.0],
                          "peer_low": [3.0], "peer_high": [5.0]})
    spec = charts.trend_chart(trend, "Kenia", "países de la región África", "Tendencia.").to_dict()
    assert _js(": evolución del riesgo") in spec["title"]["text"]["expr"]
    assert "Pares, percentil 25" in spec_text(spec)
    with pytest.raises(LabInputError, match="Amenaza y exposición no tiene ningún indicador"):
        rk.check_model({"hazard_exposure": [], "vulnerability": ["gini"],
                        "lack_of_coping": ["water_basic"]})
    with pytest.raises(LabInputError, match="no es una perspectiva"):
        rk.apply_lens(rk.DEFAULT_MODEL, "elders")


# ------------------------------------------------------------------ SpendingTradeoffs
def test_spending_tradeoffs_in_spanish(monkeypatch):
    from widgets.ui.spending import SpendingTradeoffs

    # every pair fitted ahead of time is a speed-up the test does not need (~2 s)
    monkeypatch.setattr(SpendingTradeoffs, "_prepare_every_pair", lambda self: None)
    set_language("es")
    w = SpendingTradeoffs(countries=["FRA", "NGA"], country="KEN")
    assert w.x.description == "Medida del gasto militar"
    assert w.by_income.description == "Comparar dentro de los grupos de ingreso (una recta por grupo)"
    assert w.target.options == (("Salud", "Health"), ("Educación", "Education"))
    assert w.unit_choice.options[0][1] == "vaccination"
    assert w.unit_choice.options[0][0].startswith("Niñas y niños con vacunación completa")
    assert "Por qué esto no es el efecto de reasignar fondos" in w.caveat.value
    assert "factores de confusión" in w.caveat.value
    assert "Supuesto didáctico, no un dato" in w.unit_note.value
    # the description and the fitted relationship, with Spanish numbers
    assert w.scatter.description_text.startswith("Dispersión de Mortalidad de menores de 5 años")
    assert "En estos" in w.fit_summary and "R² = 0," in w.fit_summary
    # the explorer's spec: titles through parameters and a template per language
    spec = w.scatter.chart.spec
    params = {p["name"]: p["value"] for p in spec["params"]}
    assert params["y_short"] == "Mortalidad de menores de 5 años"
    text = spec_text(spec)
    assert _js(" frente a ") in text
    assert f"Cada punto es un país; recta = relación ajustada; sombreado = banda de confianza del 95{NB}%" in text
    assert "Países destacados" in text and _js("Ingreso bajo") in text
    names = {c["iso3"]: c["name"] for c in spec["datasets"]["spending_countries"]}
    assert names["FRA"] == "Francia"  # the marked countries' labels in the chart (CLDR)
    # another pair: new parameters in the same chart, titles in Spanish
    view = w.scatter.chart
    w.y.value = "life_expectancy"
    assert w.scatter.chart is view
    assert view.params.y_title.startswith("Esperanza de vida")
    # the calculator
    w.share.value = 10
    assert f"Reasignar el <b>10{NB}%</b> del gasto militar" in w.result.value
    realloc = spec_text(w.realloc_panel.chart.spec)
    assert all(word in realloc for word in ("Defensa", "Ahora", "Tras la reasignación",
                                            "US$ por persona y año (precios corrientes)"))
    assert "el gasto en salud por persona sube" in w.realloc_panel.description_text
    assert list(w.realloc_panel.table_data.columns) == ["sector del gasto", "momento",
                                                         "US$ por persona"]
    w.countries.value = ()
    assert "No hay ningún país destacado" in w.message_text


def test_spending_charts_and_messages_in_french():
    from widgets import tradeoffs
    from widgets.charts.tradeoffs import _template, change_chart

    set_language("fr")
    c = pd.DataFrame({"iso3": ["A"], "name": ["A"], "start_value": [3.0], "end_value": [2.0],
                      "change": [-1.0]})
    spec = change_chart(c, 1990, 2000, "Dépenses militaires (% du PIB)").to_dict()
    assert spec["title"]["text"] == f"Dépenses militaires (% du PIB){NB}: 1990 → 2000"
    assert spec["title"]["subtitle"].startswith("Cercle vide = 1990, losange plein = 2000")
    fit = tradeoffs.fit_loglog(pd.Series([1.0, 2, 4, 8]), pd.Series([8.0, 4.1, 2, 1]))
    sentence = fit.sentence("dépenses militaires", "mortalité")
    assert sentence.startswith("Dans ces 4 pays, une hausse de 1\u202f% de la variable")
    assert f"{NB}; l’association est forte (R² = 1,00)." in sentence
    with pytest.raises(LabInputError, match="Vous pouvez réaffecter entre 0\u202f% et 100\u202f%"):
        tradeoffs.reallocate(1e9, 2.0, 5.0, 1e7, 150)
    with pytest.raises(LabInputError, match="Choisissez deux années différentes"):
        tradeoffs.change_between(c.assign(year=1990, milex_gdp=1.0), "milex_gdp", 1990, 1990)
    # the explorer's template is kept per language: French words in French, English in English
    french = spec_text(_template())
    set_language("en")
    english = spec_text(_template())
    assert _js(" en fonction de ") in french and _js(" against ") in english
    assert "Pays mis en évidence" in french and "Highlighted countries" in english
