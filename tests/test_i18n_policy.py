"""French and Spanish in lessons 06-08 (issue 18): PolicyPortfolio, InstrumentScreening, Consultation.

Each widget is built in French and in Spanish and the text a learner reads is
checked word for word: control labels, menu labels (with their English
values kept), messages, the sentence under a chart and the chart's own text.
The translated data files (screening guidance, sanctions episodes) must keep
the English file's structure and numbers.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml

from widgets.errors import LabInputError
from widgets.i18n import set_language
from widgets.screening import ASSUMPTIONS_DIR, check_rating, load_guidance, load_sanctions_episodes


@pytest.fixture(scope="module")
def screens():
    """The screening widget in French (the slowest widget here: built once, in one language;
    the Spanish test checks the same text through the functions the widget calls)."""
    from widgets.ui.screening import InstrumentScreening

    set_language("fr")
    built = {"fr": InstrumentScreening(instrument="comprehensive_sanctions", country="IRQ")}
    set_language(None)
    return built


def _spec(panel) -> str:
    return json.dumps(panel.chart.spec, ensure_ascii=False)


# ============================================================== lesson 07: screening
def test_screening_in_french(screens):
    set_language("fr")
    s = screens["fr"]
    assert s.save_button.description == "Enregistrer la note d’examen"
    assert s.notes.description == "Vos notes"
    assert s.country.description == "Pays cible"
    assert s.country.value == "IRQ" and ("Irak", "IRQ") in s.country.options
    # the guidance file in French, values unchanged
    assert ("Sanctions globales (embargo commercial et financier)",
            "comprehensive_sanctions") in s.instrument.options
    assert s.rate_children.description == "Enfants"
    assert ("−2 préjudice grave", -2) in s.rate_children.options
    assert "De quoi s’agit-il\u00a0:" in s.guidance.value
    s.rate_children.value = -2
    assert "Préjudice grave (−2)\u00a0:" in s.summary_html.value
    assert s.ratings_panel.description.value.count("Enfants (-2)") == 1
    spec = _spec(s.ratings_panel)
    assert "Votre matrice d’examen" in spec and "Dimension (sécurité humaine)" in spec
    assert '\\", non atténué\\"' in spec  # the words inside the Vega expression, quoted
    assert s.profile_panel.chart.spec["title"]["text"] == {
        "expr": '"Profil de vulnérabilité\u00a0: " + country_name'}
    assert "Plus mal loti que ce % de pays" in _spec(s.profile_panel)
    assert s.note_text.startswith("# Examen préalable «\u00a0ne pas nuire\u00a0»\u00a0: Sanctions "
                                  "globales")
    assert "## Effets attendus" in s.note_text
    # the history: French episode text, dates and numbers
    assert "par\u00a0: résolution 661 du Conseil de sécurité" in s.episode_text.value
    assert ("Irak\u00a0: 1990–2003", "IRQ") in s.episode.options
    history = s.history_panel.description.value
    assert "Mortalité des moins de 5 ans" in history and "6 août 1990" in history
    assert "79,7 en 1990" in history
    rate_children = s.rate_children
    rate_children.value = 0


def test_screening_in_spanish():
    from widgets.charts.screening import history_chart, profile_chart, ratings_chart
    from widgets.screening import aspect_labels, screening_note, summarise_screening
    from widgets.ui.screening import _long_date

    set_language("es")
    labels = aspect_labels()
    assert labels["children"] == "Niños y niñas" and labels["food"] == "Seguridad alimentaria"
    kinds = {k: "dimension" if k in load_guidance()["dimensions"] else "group" for k in labels}
    spec = json.dumps(ratings_chart(labels, kinds, [0] * len(labels)).to_dict(), ensure_ascii=False)
    assert "Su matriz de examen" in spec and "Grupo afectado" in spec and "sin mitigar" in spec
    profile = pd.DataFrame({"iso3": ["IRQ"], "label": ["x"], "group": ["y"], "value": [1.0],
                            "year": [2020], "n_countries": [9], "worse_than_pct": [float("nan")]})
    spec = json.dumps(profile_chart(profile, "IRQ", "Irak").to_dict(), ensure_ascii=False)
    assert "Perfil de vulnerabilidad: " in spec and "Peor que este % de países" in spec
    rows = pd.DataFrame({"episode": ["IRQ"], "indicator": ["u5"], "year": [1990], "value": [1.0],
                         "who": ["x"]})
    spec = json.dumps(history_chart(rows, pd.DataFrame({"episode": ["IRQ"], "start": [1990.6],
                                                        "end": [2003.4]}), "IRQ", "u5", "t")
                      .to_dict(), ensure_ascii=False)
    assert "Sanciones en vigor" in spec and "País sometido a sanciones" in spec
    note = screening_note("arms_embargo", "Siria", summarise_screening({"children": -2}, []), [])
    assert note.startswith("# Examen previo de «no causar daño»: Embargo de armas; país "
                           "destinatario: Siria")
    assert "Daños graves (−2): Niños y niñas." in note
    assert _long_date(load_sanctions_episodes()["imposed"].iloc[0]) == "6 de agosto de 1990"


def test_a_bad_rating_is_a_french_message():
    set_language("fr")
    with pytest.raises(LabInputError, match="n’est pas une évaluation. Utilisez un nombre entier"):
        check_rating("beaucoup")


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_translated_guidance_has_the_english_structure(lang):
    english = load_guidance()
    set_language(lang)
    translated = load_guidance()
    assert translated != english  # really another file
    assert list(translated) == list(english)
    for part in ("scale", "dimensions", "groups", "instruments", "mitigations"):
        assert list(translated[part]) == list(english[part]), part
    for key, inst in english["instruments"].items():
        mine = translated["instruments"][key]
        assert list(mine) == list(inst)
        assert list(mine["prompts"]) == list(inst["prompts"])
        assert mine["suggested_mitigations"] == inst["suggested_mitigations"]
        assert len(mine["sources"]) == len(inst["sources"])
    for key, mit in english["mitigations"].items():
        assert translated["mitigations"][key]["addresses"] == mit["addresses"]
    # scale labels keep their numbers
    assert all(label.startswith(str(v).replace("-", "−")[:2].rstrip(" ")) or str(abs(v)) in label
               for v, label in translated["scale"].items())


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_translated_sanctions_episodes_keep_the_dates(lang):
    english = pd.read_csv(ASSUMPTIONS_DIR / "sanctions_episodes.csv", dtype=str)
    translated = pd.read_csv(ASSUMPTIONS_DIR / f"sanctions_episodes.{lang}.csv", dtype=str)
    assert list(translated.columns) == list(english.columns)
    for col in ("iso3", "kind", "imposed", "lifted"):
        assert translated[col].tolist() == english[col].tolist(), col
    # every resolution number cited in English is cited in the translation
    for en, tr in zip(english["imposed_by"] + english["lifted_by"],
                      translated["imposed_by"] + translated["lifted_by"], strict=True):
        assert sorted(filter(str.isdigit, en.split())) == sorted(filter(str.isdigit, tr.split()))
    set_language(lang)
    assert load_sanctions_episodes()["regime"].tolist() == translated["regime"].tolist()


def test_french_typography_in_the_guidance():
    text = (ASSUMPTIONS_DIR / "screening_guidance.fr.yml").read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert " ?" not in body and " ;" not in body and "« " not in body
    assert yaml.safe_load(text)["groups"]["children"] == "Enfants"


# ============================================================== lesson 08: consultation
def test_consultation_in_french():
    from widgets.ui.consultation import Consultation

    set_language("fr")
    c = Consultation()
    assert (c.tabs.get_title(0), c.tabs.get_title(1)) == ("Parties prenantes", "Synthèse")
    assert c.sh_add.description == "Ajouter à la carte"
    assert ("Organisations de femmes", "Women's groups") in c.sh_group.options  # value kept
    assert c.upload.description == "Importer le CSV de la classe"
    assert c.path_load.description == "Charger le fichier"
    assert "Qui manque à la table\u00a0?" in c.missing_html.value
    assert c.map_panel.description.value.count("8 parties prenantes sur la carte") == 1
    spec = _spec(c.map_panel)
    assert "Affectées, peu influentes\u00a0: à renforcer et à protéger" in spec
    assert "Carte des parties prenantes\u00a0: influence" in spec
    assert "Communautés pastorales" in spec
    assert "Mêmes classements, quatre règles" in _spec(c.rules_panel)
    assert "Méthode de Borda" in _spec(c.rules_panel)
    assert "Comment les participants ont classé chaque option" in _spec(c.dist_panel)
    assert "Le résultat dépend de la règle\u00a0:" in c.winners_html.value
    assert "Options retenues\u00a0: Pluralité" in c.rules_panel.description.value
    # a bad file: a French message, and the rankings shown are unchanged
    c.load_text("participant,Cash transfers\nX,1\n")
    assert c.message_kind == "error" and len(c.rankings) == 15
    assert "a 1 colonne(s) d’options\u00a0; un classement exige au moins deux options" in \
        c.message_text
    assert c.message_text.endswith("Les données déjà affichées sont inchangées.")
    # a stakeholder added in French: the group's value stays English
    c.sh_name.value = "Pêcheurs"
    c.sh_group.value = "Youth"
    c.add_stakeholder()
    assert c.stakeholders["group"].iloc[-1] == "Youth"
    assert c.message_text.startswith("Pêcheurs ajouté")


def test_consultation_in_spanish():
    from widgets.ui.consultation import Consultation

    set_language("es")
    c = Consultation()
    assert (c.tabs.get_title(0), c.tabs.get_title(1)) == ("Mapa de actores", "Síntesis")
    assert c.p_add.description == "Añadir clasificación"
    assert "Las mismas clasificaciones, cuatro reglas" in _spec(c.rules_panel)
    assert "Afectados, con poca influencia: empoderarlos y protegerlos" in _spec(c.map_panel)
    with pytest.raises(LabInputError, match="Escriba primero el nombre del actor"):
        c.add_stakeholder()


# ============================================================== lesson 06: policy portfolio
@pytest.mark.parametrize("lang, example, button, sentence", [
    ("fr", "La défense d’abord", "Vérifier les portefeuilles tels qu’ils sont",
     "Score moyen de sécurité de l’État\u00a0: A 1,39"),
    ("es", "Primero la defensa", "Comprobar las carteras tal como están ahora",
     "Puntuación media de seguridad del Estado: A 1,39"),
])
def test_policy_portfolio(lang, example, button, sentence):
    from widgets.ui.policy_portfolio import MatrixRobustness, PolicyPortfolio

    set_language(lang)
    p = PolicyPortfolio()
    assert (example, "Defence first") in p.preset_a.options  # values stay the presets' keys
    assert p.preset_a.description == {"fr": "Exemple", "es": "Ejemplo"}[lang]
    assert sentence in p.scorecard.description.value
    assert p.a_education.description == {"fr": "Éducation", "es": "Educación"}[lang]
    assert {"fr": "Défense", "es": "Defensa"}[lang] in p.pillars_html.value
    p.preset_b.value = "Crisis response"
    assert p.sliders_b["civilian_protection"].value == 25
    r = MatrixRobustness(p, draws=50)
    assert r.again.description == button
    assert {"fr": "des 50 tirages", "es": "de 50 extracciones"}[lang] in r.panel.description.value


