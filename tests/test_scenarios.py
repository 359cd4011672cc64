"""Tests for widgets.scenarios: the scenario exercise's teaching model and team files."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets.errors import LabInputError
from widgets.scenario_storage import load_team_plans, save_team_plan, write_report
from widgets.scenario_teams import after_action_report, compare_teams, plan_record
from widgets.scenarios import (
    CHANNELS,
    INJECTS,
    OUTCOMES,
    CountryProfile,
    Response,
    Shock,
    budget_message,
    coping_capacity,
    fictional_profile,
    load_model_spec,
    parameter_table,
    response_costs,
    run_scenario,
    simulate,
)

SPEC = load_model_spec()
PROFILE = CountryProfile.from_values(
    "Testland", population=2_000_000, food_insecurity=35, under5_mortality=60, gdp_pc=1500,
    health_spending_gdp=4, wgi_gov_effectiveness=-0.8, homicide_rate=6,
    battle_deaths_per_100k=0.5,
)
FLOWS = ("extra_food_insecure", "excess_child_deaths", "excess_violent_deaths",
         "income_loss_usd", "displaced", "lives_lost")

shock_st = st.builds(
    Shock,
    kind=st.sampled_from(sorted(SPEC.shocks)),
    severity=st.floats(0, 1),
    start=st.integers(0, 7),
    duration=st.integers(1, 6),
)
response_st = st.builds(
    Response,
    kind=st.sampled_from(sorted(SPEC.responses)),
    level=st.floats(0, 1),
    start=st.integers(0, 7),
)


# --------------------------------------------------------------------------- spec
def test_every_parameter_documented_with_a_range_containing_its_value():
    table = parameter_table(SPEC)
    assert len(table) >= 15
    assert (table["low"] <= table["value"]).all() and (table["value"] <= table["high"]).all()
    assert table["reasoning"].str.len().gt(20).all()
    assert table["source"].str.len().gt(5).all()
    for shock in SPEC.shocks.values():
        assert shock.reasoning and shock.source and set(shock.impacts) == set(CHANNELS)
    for resp in SPEC.responses.values():
        assert resp.kind in ("prevention", "response") and resp.reasoning and resp.source


def test_editing_a_parameter_changes_only_the_copy_and_the_result():
    edited = SPEC.with_value("u5_sensitivity", 1.0)
    assert SPEC.value("u5_sensitivity") == 0.5 and edited.value("u5_sensitivity") == 1.0
    assert "u5_sensitivity" in parameter_table(edited).query("edited")["name"].tolist()
    shocks = [Shock("pandemic", 0.8, 1, 3)]
    a = simulate(PROFILE, shocks, [], SPEC, 8)["excess_child_deaths"].sum()
    b = simulate(PROFILE, shocks, [], edited, 8)["excess_child_deaths"].sum()
    assert b > a


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [("persistence", 1.2, "between 0 and 0.95"), ("nonsense", 1, "no parameter"),
     ("impact.drought.food", -1, "between 0 and 2"), ("cost.early_warning", -3, "negative"),
     ("persistence", "abc", "not a number")],
)
def test_bad_edits_are_refused_with_a_clear_message(name, value, words):
    with pytest.raises(LabInputError, match=words):
        SPEC.with_value(name, value)


def test_edit_of_effect_and_cost():
    spec = SPEC.with_value("effect.early_warning.food", 0.5).with_value("cost.early_warning", 2)
    assert spec.get("effect.early_warning.food") == 0.5
    assert response_costs([Response("early_warning", 1, 0)], PROFILE, spec, 4) == {
        "early_warning": 4.0}


# --------------------------------------------------------------------------- model
@settings(max_examples=40, deadline=None)
@given(responses=st.lists(response_st, max_size=3), n=st.sampled_from([0, 5]))
def test_no_shock_leaves_the_baseline_unchanged(responses, n):
    out = simulate(PROFILE, [], responses, SPEC, 10, n_draws=n, seed=1)
    v = PROFILE.values
    np.testing.assert_allclose(out["food_insecurity"], v["food_insecurity"])
    np.testing.assert_allclose(out["under5_mortality"], v["under5_mortality"])
    np.testing.assert_allclose(out["gdp_pc"], v["gdp_pc"])
    for key in FLOWS:
        assert np.all(out[key] == 0)


@settings(max_examples=60, deadline=None)
@given(shocks=st.lists(shock_st, min_size=1, max_size=3),
       kind=st.sampled_from([k for k, r in SPEC.responses.items() if r.kind == "prevention"]),
       low=st.floats(0, 1), extra=st.floats(0, 1), start=st.integers(0, 7))
def test_more_prevention_never_worsens_any_outcome(shocks, kind, low, extra, start):
    high = min(1.0, low + extra)
    a = simulate(PROFILE, shocks, [Response(kind, low, start)], SPEC, 10, n_draws=4, seed=2)
    b = simulate(PROFILE, shocks, [Response(kind, high, start)], SPEC, 10, n_draws=4, seed=2)
    for key in (*FLOWS, "food_insecurity", "under5_mortality", "violent_death_rate"):
        assert np.all(b[key] <= a[key] + 1e-9), key
    assert np.all(b["gdp_pc"] >= a["gdp_pc"] - 1e-9)


@settings(max_examples=40, deadline=None)
@given(shock=shock_st, more=st.floats(0, 1))
def test_a_more_severe_shock_is_never_milder(shock, more):
    worse = Shock(shock.kind, min(1.0, shock.severity + more), shock.start, shock.duration)
    a = simulate(PROFILE, [shock], [], SPEC, 10)
    b = simulate(PROFILE, [worse], [], SPEC, 10)
    assert np.all(b["lives_lost"] >= a["lives_lost"] - 1e-9)
    assert np.all(b["displaced"] >= a["displaced"] - 1e-9)


@settings(max_examples=30, deadline=None)
@given(shocks=st.lists(shock_st, min_size=1, max_size=4), n=st.sampled_from([0, 8]))
def test_outcomes_stay_within_their_possible_range(shocks, n):
    out = simulate(PROFILE, shocks, [], SPEC, 12, n_draws=n, seed=3)
    assert np.all(out["food_insecurity"] <= 100) and np.all(out["food_insecurity"] >= 35)
    assert np.all(out["displaced"] <= PROFILE.values["population"])
    assert np.all(out["gdp_pc"] > 0)
    assert np.all(np.diff(out["lives_lost"], axis=1) >= -1e-9)  # cumulative


def test_coping_capacity_dampens_the_same_shock():
    strong = CountryProfile(
        "Strong", {**PROFILE.values, "health_spending_gdp": 10, "wgi_gov_effectiveness": 1.8})
    assert coping_capacity(strong, SPEC) > coping_capacity(PROFILE, SPEC)
    shocks = [Shock("flood", 0.9, 1, 2)]
    weak_out = simulate(PROFILE, shocks, [], SPEC, 8)
    strong_out = simulate(strong, shocks, [], SPEC, 8)
    assert strong_out["displaced"].max() < weak_out["displaced"].max()


def test_pressure_fades_after_the_shock_and_cascades_arrive_later():
    out = simulate(PROFILE, [Shock("economic", 1.0, 0, 1)], [], SPEC, 12)
    income = out["pressure_income"][0]
    food = out["pressure_food"][0]
    health = out["pressure_health"][0]
    assert income[0] > 0 and income[-1] < income[0] / 50
    # Health is reached through food one quarter later, so it peaks later than income.
    assert np.argmax(health) > np.argmax(income)
    assert food[1] > food[0] * SPEC.value("persistence")  # the income cascade adds to food


def test_responses_only_act_on_the_shocks_they_apply_to():
    flood = [Shock("flood", 0.8, 1, 2)]
    plain = simulate(PROFILE, flood, [], SPEC, 8)
    hosting = simulate(PROFILE, flood, [Response("hosting_support", 1, 0)], SPEC, 8)
    np.testing.assert_allclose(plain["lives_lost"], hosting["lives_lost"])
    inflow = [Shock("displacement_inflow", 0.8, 1, 2)]
    a = simulate(PROFILE, inflow, [], SPEC, 8)
    b = simulate(PROFILE, inflow, [Response("hosting_support", 1, 0)], SPEC, 8)
    assert b["lives_lost"][0, -1] < a["lives_lost"][0, -1]


def test_military_deployment_has_a_visible_side_effect_on_displacement():
    war = [Shock("conflict", 0.8, 1, 3)]
    a = simulate(PROFILE, war, [], SPEC, 8)
    b = simulate(PROFILE, war, [Response("military_deployment", 1, 0)], SPEC, 8)
    assert b["excess_violent_deaths"].sum() < a["excess_violent_deaths"].sum()
    assert b["pressure_displacement"][0, 1] > a["pressure_displacement"][0, 1]


def test_prevention_needs_time_to_work():
    drought = [Shock("drought", 0.8, 2, 2)]
    early = simulate(PROFILE, drought, [Response("health_system", 1, 0)], SPEC, 10)
    late = simulate(PROFILE, drought, [Response("health_system", 1, 3)], SPEC, 10)
    assert early["lives_lost"][0, -1] < late["lives_lost"][0, -1]


def test_monte_carlo_is_seeded_and_bands_contain_central_value():
    shocks = [Shock("drought", 0.7, 1, 3), Shock("conflict", 0.4, 2, 2)]
    responses = [Response("social_protection", 1, 0)]
    r1 = run_scenario(PROFILE, shocks, responses, SPEC, 10, n_draws=200, seed=5)
    r2 = run_scenario(PROFILE, shocks, responses, SPEC, 10, n_draws=200, seed=5)
    assert r1.summary.equals(r2.summary)
    shock_rows = r1.summary[r1.summary["variant"] != "baseline"]
    assert (shock_rows["low"] < shock_rows["high"]).all()
    assert (shock_rows["low"] <= shock_rows["value"] * 1.001).all()
    assert (shock_rows["value"] <= shock_rows["high"] * 1.001).all()
    lo, hi = r1.averted_range["lives"]
    assert 0 < lo <= r1.averted["lives"] <= hi


def test_run_scenario_tables_and_money():
    res = run_scenario(PROFILE, [Shock("drought", 0.8, 1, 3)],
                       [Response("early_warning", 1, 0), Response("humanitarian_aid", 0.5, 2)],
                       SPEC, 8, budget=1000)
    assert set(res.trajectories["variant"]) == {"baseline", "shock", "response"}
    assert set(res.trajectories["outcome"]) == set(OUTCOMES)
    assert len(res.trajectories) == 3 * len(OUTCOMES) * 8
    # cost = level x US$/person/year x people x years
    aid = SPEC.responses["humanitarian_aid"].cost.value
    assert res.costs["humanitarian_aid"] == pytest.approx(0.5 * aid * 2e6 * 6 / 4 / 1e6)
    assert res.averted["lives_per_musd"] == pytest.approx(res.averted["lives"] / res.total_cost)
    assert not res.over_budget and "left" in budget_message(res)
    tight = run_scenario(PROFILE, [], [Response("humanitarian_aid", 1, 0)], SPEC, 8, budget=1)
    assert tight.over_budget and budget_message(tight).startswith("Over budget")


@pytest.mark.parametrize(
    ("shock", "words"),
    [(Shock("volcano"), "no shock called"), (Shock("flood", 1.5), "severity"),
     (Shock("flood", 0.5, 20), "start quarter"), (Shock("flood", 0.5, 1, 0), "at least one")],
)
def test_bad_shocks_get_clear_messages(shock, words):
    with pytest.raises(LabInputError, match=words):
        simulate(PROFILE, [shock], [], SPEC, 12)


def test_bad_responses_get_clear_messages():
    with pytest.raises(LabInputError, match="no response called"):
        simulate(PROFILE, [], [Response("drones")], SPEC, 12)
    with pytest.raises(LabInputError, match="level"):
        simulate(PROFILE, [], [Response("early_warning", 2.0)], SPEC, 12)


def test_injects_are_valid_shocks():
    for inject in INJECTS.values():
        simulate(PROFILE, [inject.shock], [], SPEC, 12)


# --------------------------------------------------------------------------- profiles
@settings(deadline=None)
@given(seed=st.integers(0, 10_000), jitter=st.floats(0, 0.5))
def test_fictional_profile_is_renamed_bounded_and_seeded(seed, jitter):
    fake = fictional_profile(PROFILE, seed=seed, jitter=jitter)
    assert fake.fictional and fake.iso3 is None and fake.name != PROFILE.name
    for key, value in PROFILE.values.items():
        assert value * (1 - jitter) - 1e3 <= fake.values[key] <= value * (1 + jitter) + 1e3
    assert fake == fictional_profile(PROFILE, seed=seed, jitter=jitter)


def test_country_profile_from_real_data_uses_latest_values():
    from widgets import data
    from widgets.scenarios import country_profile

    p = country_profile("KEN")
    latest = data.latest_values("under5_mortality")
    expected = latest.loc[latest["iso3"] == "KEN", "value"].iloc[0]
    assert p.values["under5_mortality"] == expected
    assert p.years["under5_mortality"] == latest.loc[latest["iso3"] == "KEN", "year"].iloc[0]
    with pytest.raises(LabInputError, match="not a country code"):
        country_profile("XXX")


# --------------------------------------------------------------------------- team files
def _record(team="Team Blue", round_no=1, responses=()):
    res = run_scenario(PROFILE, [Shock("flood", 0.7, 1, 2)], list(responses), SPEC, 8)
    return plan_record(team, round_no, res, SPEC, injects=["cholera"], notes="We acted early.")


def test_team_files_are_never_overwritten_silently(tmp_path):
    rec = _record()
    path = save_team_plan(tmp_path, rec)
    assert json.loads(path.read_text())["team"] == "Team Blue"
    with pytest.raises(LabInputError, match="already has a saved plan"):
        save_team_plan(tmp_path, _record(responses=[Response("early_warning")]))
    assert json.loads(path.read_text())["responses"] == []  # untouched
    save_team_plan(tmp_path, _record(responses=[Response("early_warning")]), overwrite=True)
    backup = tmp_path / "team-blue-round-1.previous.json"
    assert json.loads(backup.read_text())["responses"] == []
    assert json.loads(path.read_text())["responses"][0]["kind"] == "early_warning"


def test_compare_teams_reads_a_folder_and_reports_bad_files(tmp_path):
    save_team_plan(tmp_path, _record("Red", 1))
    save_team_plan(tmp_path, _record("Red", 2, [Response("early_warning")]))
    save_team_plan(tmp_path, _record("Blue", 1, [Response("social_protection")]))
    (tmp_path / "notes.json").write_text("{not json")
    (tmp_path / "other.json").write_text('{"a": 1}')
    plans, problems = load_team_plans(tmp_path)
    assert len(plans) == 3 and len(problems) == 2
    table = compare_teams(plans)
    assert table["team"].tolist() == ["Blue", "Red"]
    assert table.loc[table["team"] == "Red", "round"].item() == 2
    assert (table["lives_averted"] > 0).all()
    with pytest.raises(LabInputError, match="no folder"):
        load_team_plans(tmp_path / "missing")


def test_plan_needs_a_team_name():
    with pytest.raises(LabInputError, match="name"):
        _record(team="  ")


def test_after_action_report_markdown_and_html(tmp_path):
    rec = _record(responses=[Response("early_warning", 0.5, 0)])
    md = after_action_report(rec, SPEC, "md")
    assert "Early warning" in md and "Cholera" in md and "We acted early." in md
    assert "Teaching model, not a forecast" in md
    page = after_action_report(rec, SPEC, "html")
    assert page.startswith("<!DOCTYPE html>") and "<table>" in page and "<li>" in page
    first = write_report(tmp_path, rec, SPEC, "html")
    second = write_report(tmp_path, rec, SPEC, "html")
    assert first != second
    assert first.read_text() == page and second.read_text() == page
    with pytest.raises(LabInputError):
        after_action_report(rec, SPEC, "pdf")
