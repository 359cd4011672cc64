"""Tests for widgets.screening (pure), its charts and the guidance/episode files."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets.charts.screening import history_chart, profile_chart, ratings_chart
from widgets.errors import LabInputError
from widgets.screening import (
    aspect_labels,
    before_after,
    check_instrument,
    check_rating,
    load_guidance,
    load_sanctions_episodes,
    percentile_worse,
    percentiles_worse_all,
    save_note,
    screening_note,
    summarise_screening,
    vulnerability_profile,
)

ASPECTS = list(aspect_labels())
rating = st.integers(min_value=-2, max_value=2)


# ----------------------------------------------------------------- guidance file
def test_guidance_is_complete():
    g = load_guidance()
    assert len(g["instruments"]) == 7
    for key, inst in g["instruments"].items():
        assert set(inst["prompts"]) == set(ASPECTS), key
        assert inst["sources"], key
        for m in inst["suggested_mitigations"]:
            assert m in g["mitigations"], (key, m)
    for key, m in g["mitigations"].items():
        assert set(m["addresses"]) <= set(ASPECTS), key


def test_episodes_file_has_dates_in_order_and_resolutions():
    e = load_sanctions_episodes()
    assert (e["lifted"] > e["imposed"]).all()
    assert e["imposed_by"].str.contains("resolution").all()
    assert e["caveats"].str.len().gt(40).all()
    iraq = e[e["iso3"] == "IRQ"].iloc[0]
    assert iraq["imposed"] == pd.Timestamp("1990-08-06")
    assert "661" in iraq["imposed_by"] and "1483" in iraq["lifted_by"]


def test_bad_instrument_and_rating():
    with pytest.raises(LabInputError, match="Did you mean 'arms_embargo'"):
        check_instrument("arms_embrago")
    for bad in (3, -2.5, "x", None):
        with pytest.raises(LabInputError, match="-2 to \\+2"):
            check_rating(bad)


# ----------------------------------------------------------------- percentiles
@settings(deadline=None)
@given(st.lists(st.floats(0, 1000, allow_nan=False), min_size=1, max_size=40),
       st.sampled_from(["higher_is_worse", "higher_is_better"]))
def test_vectorised_percentiles_match_single(values, direction):
    s = pd.Series(values)
    all_pct = percentiles_worse_all(s, direction)
    for i, v in enumerate(values):
        assert all_pct.iloc[i] == pytest.approx(percentile_worse(s, v, direction))
    assert ((all_pct > 0) & (all_pct < 100)).all()


def test_percentile_direction_flips():
    s = pd.Series([1.0, 2, 3, 4, 5])
    assert percentile_worse(s, 5, "higher_is_worse") == 90.0
    assert percentile_worse(s, 5, "higher_is_better") == 10.0
    assert np.isnan(percentile_worse(s, np.nan, "higher_is_worse"))


def test_profile_keeps_missing_indicator_rows():
    latest = pd.DataFrame({"indicator": ["under5_mortality"] * 2 + ["idps_per_1000"],
                           "iso3": ["A", "B", "B"], "year": [2022, 2022, 2021],
                           "value": [50.0, 10.0, 3.0]})
    p = vulnerability_profile(latest, "A", {"under5_mortality": "higher_is_worse",
                                            "idps_per_1000": "higher_is_worse"})
    assert p["indicator"].tolist() == ["under5_mortality", "idps_per_1000"]
    assert p["worse_than_pct"].iloc[0] == 75.0
    assert pd.isna(p["value"].iloc[1]) and pd.isna(p["worse_than_pct"].iloc[1])


# ----------------------------------------------------------------- screening summary
@settings(deadline=None)
@given(st.dictionaries(st.sampled_from(ASPECTS), rating),
       st.lists(st.sampled_from(list(load_guidance()["mitigations"])), unique=True))
def test_summary_is_consistent(ratings, mitigations):
    s = summarise_screening(ratings, mitigations)
    t = s["table"]
    assert len(t) == 12
    assert set(s["serious"]) <= set(s["harms"])
    assert set(s["unmitigated"]) <= set(s["harms"])
    assert s["net_dimensions"] + s["net_groups"] == sum(ratings.values())
    covered = set(t.loc[t["mitigated"], "aspect"])
    assert set(s["unmitigated"]) == set(s["harms"]) - covered


def test_more_mitigations_never_add_unmitigated_harms():
    ratings = {"health": -2, "minorities": -1, "economic": -1}
    few = summarise_screening(ratings, ["gender_analysis"])
    more = summarise_screening(ratings, ["gender_analysis", "consultation"])
    most = summarise_screening(ratings, ["gender_analysis", "consultation", "banking_channel"])
    assert few["unmitigated"] == ["economic", "health", "minorities"]
    assert more["unmitigated"] == ["economic", "health"]  # consultation covers minorities
    assert most["unmitigated"] == []  # the banking channel covers economic and health


def test_summary_rejects_unknown_keys():
    with pytest.raises(LabInputError, match="not a screened"):
        summarise_screening({"helth": -1})
    with pytest.raises(LabInputError, match="not a mitigation"):
        summarise_screening({}, ["carve_out"])


# ----------------------------------------------------------------- note and saving
def test_note_contains_ratings_flags_and_notes():
    s = summarise_screening({"children": -2, "political": 1}, [])
    text = screening_note("comprehensive_sanctions", "Iraq", s, [], notes="Ask UNICEF.",
                          author="Team A", when=datetime(2026, 5, 1, 9, 30))
    assert "by Team A" in text and "2026-05-01 09:30" in text
    assert "| Children | −2 serious harm | no |" in text
    assert "Harms with no mitigation" in text and "Ask UNICEF." in text


def test_save_never_overwrites(tmp_path):
    when = datetime(2026, 1, 1)
    paths = [save_note(f"note {i}", tmp_path, "screening/../x y", when=when) for i in range(3)]
    assert len({p.name for p in paths}) == 3
    assert [p.read_text() for p in paths] == ["note 0", "note 1", "note 2"]
    assert all(p.parent == tmp_path for p in paths)  # no path tricks from the stem


# ----------------------------------------------------------------- history
def test_before_after_flags_missing_baseline_and_uses_comparison():
    s = pd.DataFrame({"year": [1990, 1991, 1995, 2003, 2006], "value": [80, 65, 49, 41, 39]})
    c = pd.DataFrame({"year": [1990, 2003, 2006], "value": [37, 18, 15]})
    out = before_after(s, 1990, 2003, c)
    assert out["year"].tolist() == [1990, 1990, 2003, 2006]
    assert "no data before" in out["note"].iloc[0]
    assert out["comparison"].tolist() == [37, 37, 18, 15]
    with pytest.raises(LabInputError):
        before_after(pd.DataFrame({"year": [1990], "value": [np.nan]}), 1990, 2000)


# ----------------------------------------------------------------- charts
def test_ratings_chart_is_driven_by_parameters():
    labels = aspect_labels()
    kinds = {k: ("dimension" if i < 7 else "group") for i, k in enumerate(labels)}
    spec = ratings_chart(labels, kinds, [0] * 12).to_dict()
    assert spec["params"] == [{"name": "ratings", "value": [0] * 12},
                              {"name": "mitigated", "value": [0] * 12}]
    assert len(next(iter(spec["datasets"].values()))) == 12


def test_profile_and_history_charts():
    p = pd.DataFrame({"iso3": ["A", "A"], "label": ["U5", "Food"], "group": ["Children", "Food"],
                      "value": [50.0, np.nan], "year": [2022, None], "n_countries": [190, 150],
                      "worse_than_pct": [80.0, np.nan]})
    spec = profile_chart(p, "A", "Alpha").to_dict()
    assert spec["title"]["text"] == {"expr": '"Vulnerability profile: " + country_name'}
    rows = pd.DataFrame({"episode": ["IRQ", "IRQ", "HTI"], "indicator": ["u5"] * 3,
                         "year": [1990, 2000, 1993], "value": [80.0, 50.0, 120.0],
                         "who": ["Country under sanctions"] * 3})
    periods = pd.DataFrame({"episode": ["IRQ", "HTI"], "start": [1990.6, 1993.5],
                            "end": [2003.4, 1994.7]})
    spec = history_chart(rows, periods, "HTI", "u5", "U5: Haiti").to_dict()
    rect = spec["layer"][0]
    assert rect["encoding"]["x"]["scale"]["domain"][0] <= 1989.6
    assert {p["name"]: p["value"] for p in spec["params"]}["episode"] == "HTI"
    assert "datum.episode == episode" in rect["transform"][0]["filter"]


def test_note_shows_learner_text_literally():
    """Issue 23.4: the screener's notes and name reached the Markdown note raw."""
    s = summarise_screening({"children": -2}, [])
    text = screening_note("comprehensive_sanctions", "Iraq", s, [],
                          notes="<img src=x onerror=alert(1)>\n[x](javascript:alert(1))",
                          author="</script><script>alert(1)</script>")
    assert "<img" not in text and "](javascript" not in text and "<script" not in text
    assert "onerror" in text and "alert" in text
