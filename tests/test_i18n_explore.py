"""The indicator explorer, the coverage heat-maps and the data loader in French and Spanish (issue 18).

Each widget is built in the language and checked for real translated text on
its controls, its messages, the sentence a screen reader hears and its chart
(titles, tooltips, the words inside Vega expressions), so an untranslated or
English-only string fails here. English itself is checked by the widgets' own
tests (tests/test_ui_explore.py, tests/test_ui_user_data.py), unchanged.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from tests.spec_text import spec_text
from widgets.errors import LabInputError
from widgets.i18n import set_language


def _titles(spec: dict) -> set[str]:
    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("title", "subtitle") and isinstance(value, str):
                    found.add(value)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk({k: v for k, v in spec.items() if k != "datasets"})
    return found


def _html(widget) -> str:
    """The text of every HTML widget inside ``widget``."""
    value = getattr(widget, "value", None)
    own = value if type(widget).__name__ == "HTML" and isinstance(value, str) else ""
    return own + "".join(_html(c) for c in getattr(widget, "children", ()))


def test_the_explorer_in_french():
    from widgets.ui.explorer import IndicatorExplorer

    set_language("fr")
    ex = IndicatorExplorer("under5_mortality", year=2015, countries=["JPN", "NGA"],
                           region="Narnia")
    assert ex.message_text.startswith("Région ou groupe de revenu inconnu ('Narnia', 'All')")
    assert (ex.indicator.description, ex.year.description, ex.region.description,
            ex.income.description, ex.countries.description) == (
        "Indicateur", "Année", "Région", "Groupe de revenu", "Comparer")
    assert ex.play.description == "Faire défiler les années"
    assert "Cliquez sur un pays de la carte" in ex.hint.value
    # labels in French, values (saved work, chart parameters) unchanged
    assert ex.region.options[:2] == (("Tous les pays", "All"), ("Afrique", "Africa"))
    assert ("Faible revenu", "Low income") in ex.income.options
    assert ("Sanitaire — Mortalité des moins de 5 ans", "under5_mortality") in ex.indicator.options
    assert ("Japon", "JPN") in ex.countries.options and ex.countries.value == ("JPN", "NGA")
    text = ex.panel.description_text
    assert re.match(r"Carte — Mortalité des moins de 5 ans \(décès pour 1.000 naissances "
                    r"vivantes\), 2015\xa0: \d+ pays sur \d+ disposent de données\xa0; ", text)
    assert "«\u00a0pas de données\u00a0»" in text and "Meilleure situation\u00a0: " in text
    assert re.search(r"Japon, \d+,\d\xa0décès pour 1.000 naissances vivantes \(rang \d+ sur \d+\)"
                     r"\xa0; Nigeria, ", text)
    assert list(ex.view_table.columns)[::2] == ["Pays", "Année"]
    spec = ex.panel.chart.spec
    assert {"Pays", "Valeur", "Année", "Rang", "Ligne en pointillés\u00a0: l’année affichée sur la carte"
            } <= _titles(spec)
    words = spec_text(spec, data=False)
    assert '"{rank} sur {n} (1 = meilleure situation)"' in words
    assert '"hors du filtre actuel"' in words
    assert json.dumps("{indicator} au fil du temps, pays sélectionnés") in words
    assert "Click" not in words and "over time" not in words and "best-off" not in words
    # the map's rows carry the country names in French (its tooltips)
    rows = json.loads(spec["datasets"]["indicator_by_year"])
    assert {"iso3": "DEU", "name": "Allemagne"}.items() <= next(
        r for r in rows if r["iso3"] == "DEU").items()
    ex.region.value = "Africa"
    assert "2015 (Afrique)\u00a0: " in ex.panel.description_text
    assert "Japon (hors du filtre actuel)" in ex.panel.description_text
    ex.countries.value = ("JPN", "NGA", "KEN", "FRA", "DEU", "BRA", "IND", "CHN", "USA")
    assert "compare au plus 8 pays" in ex.message_text


def test_the_explorer_spec_template_is_kept_per_language(monkeypatch):
    """The spec template is cached (in memory and on disk) under its key: the key must
    hold the language and its catalogue, or a French template would be served in English.

    (The French spec itself is checked above; here only the keys, without building a map.)
    """
    from widgets.charts import explore as charts

    keys = []
    monkeypatch.setattr(charts, "spec_template",
                        lambda name, key, build, source: keys.append(key) or "{}")
    for lang in ("en", "fr", "es", "en"):
        set_language(lang)
        charts._explorer_template(("y2020", "y2021"))
    assert keys[0] == keys[3] and len({keys[0], keys[1], keys[2]}) == 3
    assert [k[1] for k in keys] == ["en", "fr", "es", "en"]
    assert keys[1][2] == charts._catalogue_stamp("fr") != ""  # a new translation, a new template


def test_coverage_in_spanish_and_french():
    from widgets.ui.coverage import DataCoverage

    set_language("es")
    cov = DataCoverage(dimension="food", region="Marte")
    assert cov.message_text.startswith("'Marte' no es una región; elija una de estas: ")
    assert (cov.dimension.description, cov.region.description, cov.years.description) == (
        "Dimensión", "Región", "Años")
    assert cov.dimension.options[0] == ("Todas las dimensiones", "all")
    assert ("Oceanía", "Oceania") in cov.region.options
    assert cov.year_panel.description_text.startswith(
        "Proporción de los 217 países con un valor, para cada indicador (seguridad alimentaria)")
    cov.region.value = "Oceania"
    assert "para cada país (Oceanía)" in cov.country_panel.description_text
    assert "Samoa Americana (0\u00a0%)" in cov.country_panel.description_text
    assert {"Años con datos (%)", "Último año con datos", "País"} <= _titles(
        cov.country_panel.chart.spec)
    assert cov.country_panel.chart.params.coverage_title.startswith("¿Qué países tienen datos? (Oceanía")
    assert {"Proporción con datos (%)", "Indicador"} <= set(cov.year_panel.table_data.columns)

    set_language("fr")
    fr = DataCoverage(dimension="health", region="Africa", years=(2010, 2020))
    assert "Pays par pays" in _html(fr)
    assert fr.country_panel.chart.params.coverage_title == (
        "Quels pays ont des données\u00a0? (Afrique, 2010–2020)")
    assert '"aucun' in spec_text(fr.country_panel.chart.spec, data=False)  # 'none' inside the Vega expression
    # countries A-Z as French sorts them (É with E), in the rows and so on the chart's axis
    names = fr._country_rows["country"].tolist()
    assert names.index("Bénin") < names.index("Botswana") < names.index("Burundi")
    assert names.index("Djibouti") < names.index("Égypte") < names.index("Érythrée") < names.index(
        "Eswatini") < names.index("Éthiopie") < names.index("Gabon")
    assert fr._country_rows["row"].tolist() == list(range(len(names)))


@pytest.fixture
def no_user_tables(work_dir):
    """A fresh work folder and no learner's table registered before or after."""
    from widgets.usertable import USER_INDICATORS

    USER_INDICATORS.clear()
    yield work_dir
    USER_INDICATORS.clear()


def test_the_data_loader_in_french(no_user_tables):
    from widgets.ui.user_data import UserDataLoader

    set_language("fr")
    w = UserDataLoader()
    assert (w.upload.description, w.name.description, w.dimension.description,
            w.direction.description, w.replace.description, w.add.description) == (
        "Choisir un fichier", "Nom de l’indicateur", "Dimension", "Orientation",
        "Remplacer le tableau du même nom", "Ajouter au laboratoire")
    assert w.direction.options[0] == ("Plus élevé = meilleur", "higher_is_better")
    assert ("Sécurité alimentaire", "food") in w.dimension.options
    assert "<i>pays, année, valeur</i>" in _html(w)
    w.add.click()
    assert w.message_kind == "error"
    assert w.message_text.startswith("Choisissez d’abord un fichier CSV ou Excel")
    w.upload.value = ({"name": "ong.csv", "content": b"pays;ann\xc3\xa9e;valeur\nFrance;2020;1,5\n"
                       b"Monde;2020;2\nKenya;2020;3,25\n", "size": 60, "type": "text/csv",
                       "last_modified": dt.datetime.now(dt.UTC)},)
    w.name.value = "Ménages atteints"
    w.unit.value = "%"
    w.add_upload()
    assert w.message_text.startswith("'Ménages atteints' a été ajouté à partir de ong.csv\u00a0: "
                                     "2 valeurs.")
    assert "1 ligne d’agrégat (pas un pays) a été écartée\u00a0: Monde." in w.message_text
    assert re.search(r"Vos données dans le laboratoire\xa0: Ménages atteints \(%; Sécurité "
                     r"économique; plus élevé = \w+; 2 valeurs\) tiré du fichier ong.csv",
                     w.loaded_html.value)


def test_a_bad_table_is_a_french_or_spanish_message():
    from widgets.usertable import read_user_table, user_indicator_info

    set_language("fr")
    with pytest.raises(LabInputError) as err:
        read_user_table(b"country,year,value\nKenya,2020,beaucoup\n", name="x.csv")
    assert str(err.value).startswith("Ligne 2, colonne C ('value')\u00a0: un nombre est attendu, "
                                     "mais la cellule contient 'beaucoup'.")
    set_language("es")
    with pytest.raises(LabInputError, match=r"^Las filas 2 y 3 dan el mismo país y año \(KEN, 2020\)"):
        read_user_table(b"country,year,value\nKenya,2020,1\nKenya,2020,2\n", name="x.csv")
    with pytest.raises(LabInputError, match="^No se ha añadido ningún cuadro llamado 'my_nada'"):
        user_indicator_info("my_nada")
