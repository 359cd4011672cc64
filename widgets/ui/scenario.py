"""ScenarioSimulator: rehearse a shock and the response, alone or in teams (lesson 10).

A teaching model, not a forecast (see :mod:`widgets.scenarios` for every
equation and assumption). Controls are grouped in tabs: country, shocks,
responses (within a budget), assumptions (equations and an editable parameter
table) and teams (save plans side by side, injects, comparison, after-action
summary). Results update as controls change; "Show uncertainty" runs the
seeded Monte Carlo.

>>> w = ScenarioSimulator(country="KEN")
>>> w.shock_drought_on.value = True
>>> w.result.metric("shock", "lives_lost") > 0
True
>>> w.response_social_protection_level.value = 1.0
>>> w.result.averted["lives"] > 0
True
"""

from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path
from typing import Any

import ipywidgets as W
import pandas as pd

from widgets._paths import confine, teams_dir
from widgets.charts import format_value
from widgets.charts.scenarios import (
    pressure_chart,
    pressure_description,
    team_chart,
    trajectory_chart,
    trajectory_description,
)
from widgets.data import local_country_names
from widgets.errors import LabInputError
from widgets.i18n import N_, _, get_language, localise_number, ngettext, sort_key
from widgets.scenario_storage import load_team_plans, save_team_plan, write_report
from widgets.scenario_teams import compare_teams, plan_record
from widgets.scenarios import (
    CHANNEL_WORDS,
    EQUATIONS,
    INJECTS,
    METRICS,
    OUTCOMES,
    RESPONSE_KINDS,
    TEACHING_LABEL,
    VARIANTS,
    CountryProfile,
    Response,
    ScenarioResult,
    Shock,
    budget_message,
    coping_capacity,
    country_profile,
    default_budget,
    fictional_profile,
    latest_table,
    load_model_spec,
    musd,
    parameter_table,
    run_scenario,
)
from widgets.ui import ChartPanel, LabWidget, data_table_html

__all__ = ["ScenarioSimulator"]

_WIDE = {"description_width": "initial"}


def _auto_width() -> W.Layout:
    """A button as wide as its label (French and Spanish labels are longer than English)."""
    return W.Layout(width="auto")


def _fixed(width: str) -> W.Layout:
    """A control's layout that keeps its width in a row (rows of sliders line up)."""
    return W.Layout(width=width, flex="0 0 auto")


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:]


#: What each symbol in the equations stands for (and where its value lives).
NOTATION: list[tuple[str, str]] = [
    (r"\sigma_s, t_0, D", N_("a shock's severity, start quarter and duration (tab 2)")),
    (r"K_{s,c}", N_("impact of shock s on channel c (impact table; editable as impact.…)")),
    (r"L_r, t_r, \ell_r", N_("a response's level and start (tab 3) and its lead time in "
                             "quarters")),
    (r"e_{r,c}, b_r, c_r", N_("a response's effect on channel c, coping boost and cost per "
                              "person per year (editable as effect.… and cost.…)")),
    (r"h, g", N_("health spending (% of GDP) and government effectiveness (−2.5 to 2.5) from "
                 "the data")),
    (r"w, h_{full}, \alpha", "coping_weight_health, health_spending_full, coping_max_dampening"),
    (r"\rho, \beta", N_("persistence and the four cascade parameters")),
    (r"a_F, a_U, a_Y, a_M, a_V", N_("food, u5, income, displacement and violence sensitivities")),
    (r"b_0, b_1", N_("birth_rate_base and birth_rate_per_u5 (births from under-5 mortality)")),
    (r"F_0, U_0, Y_0, V_0, N", N_("starting food insecurity, under-5 mortality, income per "
                                  "person, violent death rate and population, from the data")),
]


#: "Show the data" column headers outside English (English shows the tables' own column names).
TRAJECTORY_COLUMNS = {"variant_label": N_("Scenario"), "quarter": N_("Quarter"),
                      "outcome_label": N_("Outcome"), "value": N_("Central value"),
                      "low": N_("Low (10th percentile)"), "high": N_("High (90th percentile)")}
PRESSURE_COLUMNS = {"variant_label": N_("Scenario"), "channel_label": N_("Channel"),
                    "quarter": N_("Quarter"), "pressure": N_("Pressure")}
TEAM_COLUMNS = {"team": N_("Team"), "round": N_("Round"), "cost_musd": N_("Cost (US$ million)"),
                "budget_musd": N_("Budget (US$ million)"), "lives_averted": N_("Lives averted"),
                "displacement_averted": N_("Displacement averted"),
                "lives_per_musd": N_("Lives averted per US$ million"),
                "displacement_per_musd": N_("Displacement averted per US$ million"),
                "lives_lost": N_("Lives lost"), "responses": N_("Responses")}


def _shown(table: pd.DataFrame, columns: dict[str, str]) -> Any:
    """The table for "Show the data": as it is in English; else its columns, named in the
    reader's language, made only when the learner opens the table."""
    if get_language() == "en":
        return table
    names = {k: _(v) for k, v in columns.items()}
    return lambda: table[list(columns)].rename(columns=names)


def _profile_label(indicator: str) -> str:
    """How the starting-values table names an indicator: its id in English (as always), else
    its short label in the reader's language."""
    lang = get_language()
    return indicator if lang == "en" else _short_label(indicator, lang)


@lru_cache(maxsize=64)
def _short_label(indicator: str, lang: str) -> str:
    """An indicator's short label in ``lang`` (looked up once: every model run shows them)."""
    from widgets import data

    return _(data.indicator_info(indicator).short_label)


#: Words inside the equations (LaTeX), translated where shown.
LATEX_WORDS = {r"\text{ if }": N_("if"), r"\text{ else }": N_("else")}


def _latex(latex: str) -> str:
    """An equation with its words (if, else, the channels in subscripts) in the reader's language.

    >>> _latex("g(P_{food})")  # English: as written
    'g(P_{food})'
    """
    if get_language() == "en":
        return latex
    for english, word in LATEX_WORDS.items():
        latex = latex.replace(english, r"\text{ " + _(word) + " }")
    for channel, word in CHANNEL_WORDS.items():
        latex = latex.replace("_{" + channel + "}", r"_{\text{" + _(word) + "}}")
    return latex


def _banner() -> W.HTML:
    head = html.escape(_("Teaching model, not a forecast."))
    return W.HTML(
        f'<div role="note" style="background:#fff4d6;border-left:4px solid #5c4400;'
        f'padding:6px 10px;color:#5c4400"><b>{head}'
        f"</b> {html.escape(_sentence(_(TEACHING_LABEL).split(':', 1)[1]))} "
        + html.escape(_("Every equation and assumption is in the Assumptions tab, where you can "
                        "change them.")) + "</div>"
    )


class ScenarioSimulator(LabWidget):
    """Shocks, cascades and responses for a real or fictional country; team mode for exercises.

    Parameters
    ----------
    country : ISO3 code or name of the starting country.
    fictional : start with a fictional country built from that profile.
    hide_country : hide the real country's name and picker (sensitive classrooms).
    quarters : length of the exercise (quarters of a year).
    team_folder : the root of the team plans (default :func:`widgets._paths.teams_dir`: the
        class's ``teams/`` folder, or ``my-work/scenario-teams``); learners may only name
        a sub-folder of it.
    n_draws, seed : Monte Carlo draws and seed for "Show uncertainty".
    """

    state_name = "scenario"

    def __init__(self, country: str = "KEN", fictional: bool = False, hide_country: bool = False,
                 quarters: int = 12, team_folder: str | Path | None = None, n_draws: int = 400,
                 seed: int = 0) -> None:
        self.spec = load_model_spec()
        self.quarters = int(quarters)
        self.n_draws = int(n_draws)
        self._table = latest_table()
        self._injects: list[tuple[str, Shock]] = []
        self._profiles: dict[tuple[str, bool, int], CountryProfile] = {}
        self.result: ScenarioResult | None = None
        local = local_country_names()
        names = [local.get(c, n) if isinstance(n, str) else c
                 for c, n in zip(self._table.index, self._table["name"], strict=True)]
        options = sorted(zip(names, self._table.index, strict=True))
        if get_language() != "en":  # accented names where a reader looks for them (É with E)
            options.sort(key=lambda o: (sort_key(o[0]), o[1]))
        first = country_profile(country, self._table)
        self._profiles[(first.iso3, False, int(seed))] = first

        # -- country ---------------------------------------------------------
        self.country = W.Dropdown(options=options, value=first.iso3, description=_("Country"),
                                  style=_WIDE, layout=W.Layout(width="340px"))
        self.fictional = W.Checkbox(value=fictional, description=_(
                                    "Use a fictional country built from this profile (renamed, "
                                    "values moved by up to 10%)"),
                                    style=_WIDE, layout=W.Layout(width="auto"))
        self.seed = W.BoundedIntText(value=seed, min=0, max=10_000, description=_(
                                     "Fictional country number (seed)"), style=_WIDE,
                                     layout=W.Layout(width="260px"))
        self.profile_html = W.HTML()
        if hide_country:
            self.country.layout.display = "none"
            self.fictional.value = True
            self.fictional.disabled = True
        country_box = W.VBox([self.country, self.fictional, self.seed, self.profile_html])

        # -- shocks ----------------------------------------------------------
        rows = [W.HTML("<p>" + html.escape(_(
            "Tick the shocks to combine; set how severe they are (0–1), the quarter they start "
            "in (0 = the first quarter) and how many quarters they last.")) + "</p>")]
        self._shock_names = list(self.spec.shocks)
        self._shock_settings: list[tuple[W.Checkbox, tuple[W.Widget, ...]]] = []
        last = self.quarters - 1
        for k, st in self.spec.shocks.items():
            on = W.Checkbox(value=False, description=st.label, style=_WIDE,
                            layout=_fixed("310px"))
            sev = W.FloatSlider(value=0.6, min=0.1, max=1.0, step=0.1, description=_("Severity"),
                                readout_format=".1f", style={"description_width": "60px"},
                                layout=_fixed("230px"))
            start = W.IntSlider(value=min(2, last), min=0, max=last, description=_("Start"),
                                tooltip=_("Quarter in which the shock starts"),
                                style={"description_width": "40px"}, layout=_fixed("230px"))
            dur = W.IntSlider(value=2, min=1, max=self.quarters, description=_("Quarters"),
                              tooltip=_("How many quarters the shock lasts"),
                              style={"description_width": "60px"}, layout=_fixed("230px"))
            for suffix, ctl in (("on", on), ("severity", sev), ("start", start),
                                ("duration", dur)):
                setattr(self, f"shock_{k}_{suffix}", ctl)
            # A shock's settings can only be changed once it is ticked: an unticked
            # shock's sliders would otherwise do nothing a learner can see.
            for ctl in (sev, start, dur):
                ctl.disabled = True
            self._shock_settings.append((on, (sev, start, dur)))
            rows.append(W.HBox([on, sev, start, dur]))
        self.injects_html = W.HTML()
        rows.append(self.injects_html)
        shocks_box = W.VBox(rows)

        # -- responses -------------------------------------------------------
        rows = [W.HTML("<p>" + html.escape(_(
            "Choose a level for each response (0 = none, 1 = a full programme) and the quarter "
            "it starts. Prevention must start before a shock to work fully: each response needs "
            "its lead time to ramp up.")) + "</p>")]
        for k, rt in self.spec.responses.items():
            lvl = W.FloatSlider(value=0.0, min=0.0, max=1.0, step=0.25,
                                description=rt.label.split(" (")[0], tooltip=rt.label,
                                readout_format=".0%", style={"description_width": "320px"},
                                layout=_fixed("510px"))
            start = W.IntSlider(value=0, min=0, max=last, description=_("Start"),
                                tooltip=_("Quarter in which the response starts"),
                                style={"description_width": "40px"}, layout=_fixed("230px"))
            tag = W.HTML('<span style="font-size:11px;color:#555">' + html.escape(ngettext(
                "{kind}, US${cost} per person a year, needs {n} quarter(s) to work fully",
                "{kind}, US${cost} per person a year, needs {n} quarter(s) to work fully",
                rt.lead_quarters).format(
                    kind=_(RESPONSE_KINDS.get(rt.kind, rt.kind)),
                    cost=localise_number(f"{rt.cost.value:g}"), n=rt.lead_quarters)) + "</span>")
            setattr(self, f"response_{k}_level", lvl)
            setattr(self, f"response_{k}_start", start)
            rows.append(W.HBox([lvl, start, tag]))
        self.budget = W.BoundedFloatText(value=default_budget(first, self.spec), min=0,
                                         max=1e9, description=_("Budget (US$ million)"),
                                         style=_WIDE, layout=W.Layout(width="300px"))
        self.cost_html = W.HTML()
        rows += [self.budget, self.cost_html]
        responses_box = W.VBox(rows)

        # -- assumptions -----------------------------------------------------
        colon = _("{label}:")  # "Intensité du choc :" in French
        eq = "".join("<li>" + colon.format(label=html.escape(_(label))) + f" $${_latex(latex)}$$</li>"
                     for label, latex in EQUATIONS)
        notation = "".join("<li>" + colon.format(label=f"${_latex(sym)}$") + " "
                           + html.escape(_(text)) + "</li>" for sym, text in NOTATION)
        self.equations = W.HTMLMath(f"<ul>{eq}</ul><p><b>" + html.escape(_("Notation"))
                                    + f"</b></p><ul>{notation}</ul>")
        editable = self.spec.editable()
        self.param_name = W.Dropdown(options=[(v, k) for k, v in editable.items()],
                                     value="persistence", description=_("Assumption"),
                                     style=_WIDE, layout=W.Layout(width="560px"))
        self.param_value = W.FloatText(value=self.spec.get("persistence"),
                                       description=_("Value"),
                                       layout=W.Layout(width="200px"))
        self.param_apply = W.Button(description=_("Apply"), icon="check",
                                    tooltip=_("Use this value in the model"))
        self.param_reset = W.Button(description=_("Reset all assumptions"), icon="undo",
                                    layout=_auto_width())
        self.param_table = W.HTML()
        assumptions_box = W.VBox([
            W.HTML("<p>" + html.escape(_(
                "The model's equations, then what each symbol stands for. The model is "
                "deliberately simple so every step can be checked. Change an assumption below; "
                "the table lists each one with its plausible range, reasoning and source."))
                + "</p>"),
            self.equations,
            # A form: the chosen assumption changes when Apply is pressed.
            W.HBox([self.param_name, self.param_value, self.param_apply]).add_class("hsl-form"),
            self.param_reset,
            self.param_table,
        ])

        # -- teams -----------------------------------------------------------
        # Team plans live under one root: the class's teams folder (or, for a lesson
        # author, the folder passed in). A learner may name a sub-folder, nothing else.
        self.teams_root = Path(team_folder) if team_folder else teams_dir()
        self.team_folder = W.Text(value="", placeholder=_("the class's teams folder"),
                                  description=_("Team folder"), style=_WIDE,
                                  tooltip=_("Leave empty, or type a sub-folder name (e.g. "
                                            "room-b) to keep one group's plans apart"),
                                  layout=W.Layout(width="560px"))
        self.team_name = W.Text(value="", placeholder=_("e.g. Team Blue"),
                                description=_("Team name"),
                                style=_WIDE)
        self.round_no = W.BoundedIntText(value=1, min=1, max=20, description=_("Round"),
                                         layout=W.Layout(width="160px"))
        self.replace = W.Checkbox(value=False, description=_(
                                  "Replace this team's saved plan for this round (the old one "
                                  "is kept as a backup)"),
                                  style=_WIDE, layout=W.Layout(width="auto"))
        self.notes = W.Textarea(placeholder=_("What did we learn? What would we do "
                                              "differently?"),
                                description=_("Team notes"), style=_WIDE,
                                layout=W.Layout(width="560px", height="70px"))
        self.save_button = W.Button(description=_("Save team plan"), icon="save",
                                    button_style="primary")
        self.compare_button = W.Button(description=_("Compare teams"), icon="users",
                                       layout=_auto_width())
        self.report_format = W.ToggleButtons(options=[("Markdown", "md"), (_("Web page"), "html")],
                                             value="md", description=_("Report as"), style=_WIDE)
        self.report_button = W.Button(description=_("Export after-action summary"),
                                      icon="download", layout=_auto_width())
        self.inject_choice = W.Dropdown(options=[(_(i.label), k) for k, i in INJECTS.items()],
                                        description=_("Inject"), style=_WIDE,
                                        layout=W.Layout(width="420px"))
        self.inject_start = W.IntSlider(value=min(4, last), min=0, max=last,
                                        description=_("Starts in quarter"), style=_WIDE)
        self.inject_button = W.Button(description=_("Trigger inject"), icon="bolt",
                                      button_style="warning", layout=_auto_width())
        self.clear_injects = W.Button(description=_("Clear injects"), icon="times",
                                      layout=_auto_width())
        # The comparison chart is created on the first "Compare teams" (one chart fewer to
        # load when the page opens).
        self.team_panel: ChartPanel | None = None
        self.team_box = W.VBox([W.HTML("<p>" + _(
            "Press <b>Compare teams</b> to see every team's latest plan side by side.") + "</p>")])
        teams_box = W.VBox([
            self.team_folder,
            # the save form: its fields act when "Save team plan" is pressed
            W.VBox([W.HBox([self.team_name, self.round_no]), self.replace, self.notes]
                   ).add_class("hsl-form"),
            W.HBox([self.save_button, self.compare_button]),
            W.HBox([self.report_format, self.report_button]).add_class("hsl-form"),
            W.HTML(_("<b>Facilitator: injects</b> (new events between rounds; they apply to "
                     "whoever runs this notebook)")),
            W.HBox([self.inject_choice, self.inject_start]).add_class("hsl-form"),
            W.HBox([self.inject_button, self.clear_injects]),
            self.team_box,
        ])

        self.tabs = W.Tab(children=[country_box, shocks_box, responses_box, assumptions_box,
                                    teams_box])
        for i, title in enumerate([_("1 Country"), _("2 Shocks"), _("3 Responses"),
                                   _("Assumptions"), _("Teams")]):
            self.tabs.set_title(i, title)

        # -- results ---------------------------------------------------------
        self.outcome = W.Dropdown(options=[(f"{_(v[0])} ({_(v[1])})", k)
                                           for k, v in OUTCOMES.items()],
                                  value="lives_lost", description=_("Show"), style=_WIDE,
                                  layout=W.Layout(width="460px"))
        self.uncertainty_button = W.Button(description=_("Show uncertainty"), icon="random",
                                           layout=_auto_width(),
                                           tooltip=_("Run the model {n} times with assumptions "
                                                     "drawn from their plausible ranges").format(
                                               n=self.n_draws))
        self.progress = W.IntProgress(value=0, min=0, max=3, description=_("Uncertainty"),
                                      layout=W.Layout(width="300px", visibility="hidden"))
        self.averted_html = W.HTML()
        self.bands_note = W.HTML()

        self._spec_changed = True
        self._compute(n_draws=0)
        res = self.result
        name = self.profile.name
        # canvas: every model run redraws both charts, and canvas draws them without
        # rebuilding hundreds of SVG elements (their text and tables serve screen readers)
        self.trajectory_panel = ChartPanel(
            trajectory_chart(res.trajectories, "lives_lost", name, bands=True), "",
            _shown(res.trajectories, TRAJECTORY_COLUMNS), source=self._source(),
            renderer="canvas")
        self.summary_html = W.HTML()
        self.pressure_panel = ChartPanel(
            pressure_chart(self._pressure, name), "", _shown(self._pressure, PRESSURE_COLUMNS),
            renderer="canvas")
        results = W.VBox([
            W.HTML("<h3 style='margin:8px 0 2px'>" + html.escape(_("Results")) + "</h3>"),
            self.averted_html,
            W.HBox([self.uncertainty_button, self.progress]), self.bands_note,
            self.outcome, self.trajectory_panel, self.summary_html,
            self.pressure_panel,
        ])
        super().__init__([_banner(), self.tabs, results])
        self._show_all()
        self._show_params()

        # -- wiring ----------------------------------------------------------
        scenario_controls = [self.country, self.fictional, self.seed, self.budget]
        for k in self.spec.shocks:
            scenario_controls += [getattr(self, f"shock_{k}_{s}")
                                  for s in ("on", "severity", "start", "duration")]
        for k in self.spec.responses:
            scenario_controls += [getattr(self, f"response_{k}_{s}") for s in ("level", "start")]
        self._scenario_controls = scenario_controls
        self._budget_from_country = False
        # A new country sets its default budget first, then runs the model once
        # (not once for the country and again for the budget).
        self.on_change([c for c in scenario_controls if c is not self.country], self._on_scenario)
        self.on_change(self.country, self._on_country)
        self.on_change(self.outcome, self._on_outcome)
        # (after the model's observer: the charts' messages go out before the sliders')
        for on, settings in self._shock_settings:
            on.observe(lambda change, ctls=settings: [
                setattr(c, "disabled", not change["new"]) for c in ctls], names="value")
        self.on_change(self.param_name, self._on_param_name)
        self.param_apply.on_click(self.safe(self._on_apply))
        self.param_reset.on_click(self.safe(self._on_reset))
        self.uncertainty_button.on_click(self.safe(self.run_uncertainty))
        self.save_button.on_click(self.safe(self.save_plan))
        self.compare_button.on_click(self.safe(self.compare))
        self.report_button.on_click(self.safe(self.export_report))
        self.inject_button.on_click(self.safe(self.trigger_inject))
        self.clear_injects.on_click(self.safe(self._on_clear_injects))
        self.state_controls = tuple(
            [n for n in ("country", "fictional", "seed", "budget", "outcome",
                         "team_name", "round_no", "notes")]
            + [f"shock_{k}_{s}" for k in self.spec.shocks
               for s in ("on", "severity", "start", "duration")]
            + [f"response_{k}_{s}" for k in self.spec.responses for s in ("level", "start")]
        )

    # ------------------------------------------------------------------ model
    @property
    def profile(self) -> CountryProfile:
        return self._profile

    def shocks(self) -> list[Shock]:
        """The shocks now selected, plus any injects."""
        out = []
        for k in self._shock_names:
            if getattr(self, f"shock_{k}_on").value:
                out.append(Shock(k, float(getattr(self, f"shock_{k}_severity").value),
                                 int(getattr(self, f"shock_{k}_start").value),
                                 int(getattr(self, f"shock_{k}_duration").value)))
        return out + [s for _, s in self._injects]

    def responses(self) -> list[Response]:
        """The responses with a level above zero."""
        out = []
        for k in self.spec.responses:
            level = float(getattr(self, f"response_{k}_level").value)
            if level > 0:
                out.append(Response(k, level, int(getattr(self, f"response_{k}_start").value)))
        return out

    def _make_profile(self) -> CountryProfile:
        key = (self.country.value, bool(self.fictional.value), int(self.seed.value))
        if key not in self._profiles:
            base = country_profile(self.country.value, self._table)
            self._profiles[key] = (fictional_profile(base, seed=key[2]) if key[1] else base)
        return self._profiles[key]

    def _compute(self, n_draws: int = 0) -> None:
        self._profile = self._make_profile()
        shocks, responses = self.shocks(), self.responses()
        self.result = run_scenario(self._profile, shocks, responses, self.spec, self.quarters,
                                   n_draws=n_draws, seed=int(self.seed.value),
                                   budget=float(self.budget.value))
        self._pressure = self.result.pressure

    def _source(self) -> str:
        p = self.profile
        if p.fictional:
            return (_("Starting values: a fictional country built from a real profile in the "
                      "lab's datasets (World Bank, UNICEF/UN IGME, FAO, UNODC, UCDP), renamed and "
                      "perturbed.") + " " + _(TEACHING_LABEL))
        years = ", ".join(f"{_profile_label(k)} {v}" for k, v in p.years.items())
        return (_("Starting values: the lab's datasets, latest year per indicator "
                  "({years}).").format(years=years) + " " + _(TEACHING_LABEL))

    # ------------------------------------------------------------------ display
    def _show_all(self, chart: bool = True) -> None:
        res, p = self.result, self.profile
        if chart:  # the charts first: each widget's update is its own message
            self._show_charts()
        self._show_profile()
        self._show_costs()
        av, rng = res.averted, res.averted_range
        band = res.n_draws > 0

        def with_range(key: str, unit: str) -> str:
            text = format_value(av[key], unit)
            if band:
                text += " " + _("(range {low}–{high})").format(
                    low=format_value(rng[key][0], ""), high=format_value(rng[key][1], ""))
            return text

        lost = format_value(res.metric("shock", "lives_lost"), N_("lives"))
        affected = format_value(res.metric("shock", "people_affected"), N_("people"))
        if not res.shocks:
            self.averted_html.value = "<p>" + html.escape(_(
                "No shock is selected: every outcome stays at the starting value. Choose a shock "
                "in tab 2.")) + "</p>"
        else:
            if not res.responses:
                self.averted_html.value = (
                    f"<p><b>{html.escape(p.name)}.</b> " + html.escape(_(
                        "Under the shock, {lost} are lost and {affected} affected at the peak. "
                        "Choose responses in tab 3 to see what they avert.").format(
                        lost=lost, affected=affected)) + "</p>")
            per = ("" if res.total_cost <= 0 else
                   " " + _("Per US$ million spent: {lives} and {people}.").format(
                       lives=with_range("lives_per_musd", N_("lives")),
                       people=with_range("displacement_per_musd", N_("people not displaced"))))
            if res.responses:
                self.averted_html.value = (
                    f"<p><b>{html.escape(p.name)}.</b> " + html.escape(_(
                        "Under the shock, {lost} are lost and {affected} affected at the peak. "
                        "The responses avert {lives} and {displaced}.").format(
                        lost=lost, affected=affected, lives=with_range("lives", N_("lives")),
                        displaced=with_range("displacement", N_("people displaced"))) + per)
                    + "</p>")
        self.bands_note.value = (
            "<p style='font-size:12px;color:#555'>" + html.escape(
                _("Bands: 10th–90th percentile over {n} runs with assumptions drawn from their "
                  "plausible ranges.").format(n=res.n_draws)) + "</p>"
            if band else "<p style='font-size:12px;color:#555'>" + html.escape(
                _("Central assumptions only. Press 'Show uncertainty' to see how much the "
                  "results depend on them.")) + "</p>")
        if chart:
            name = p.name
            self.trajectory_panel.update(table=_shown(res.trajectories, TRAJECTORY_COLUMNS),
                                         source=self._source())
            self.trajectory_panel.set_description(self._trajectory_text())
            self._show_summary()
            self.pressure_panel.update(table=_shown(self._pressure, PRESSURE_COLUMNS),
                                       description=pressure_description(self._pressure, name))

    def _show_charts(self) -> None:
        """New rows and place name into the two charts on screen."""
        res, name = self.result, self.profile.name
        self.trajectory_panel.replace_rows(
            res.trajectories[["variant_label", "quarter", "outcome", "value", "low", "high"]],
            params={"outcome": self.outcome.value, "place": name})
        self.pressure_panel.replace_rows(self._pressure, params={"place": name})

    def _trajectory_text(self) -> str:
        return trajectory_description(self.result.trajectories, self.outcome.value,
                                      self.profile.name)

    def _show_summary(self) -> None:
        """The outcomes under each scenario as an accessible table (ranges when computed)."""
        res = self.result
        band = res.n_draws > 0
        rows = []
        # (variant, metric) -> (value, low, high): one pass over the summary, not a filter per cell
        cell = {(v, m): (x, lo, hi) for v, m, x, lo, hi in res.summary[
            ["variant", "metric", "value", "low", "high"]].itertuples(index=False, name=None)}
        for m, (label, unit) in METRICS.items():
            cells = []
            for variant in ("shock", "response"):
                value, low, high = cell[(variant, m)]
                text = format_value(value, "")
                if band:
                    text += f" ({format_value(low, '')}–{format_value(high, '')})"
                cells.append(text)
            rows.append(f"<tr><th scope='row'>{html.escape(_(label))} "
                        f"({html.escape(_(unit))})</th>"
                        + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
        note = (_("Ranges: 10th–90th percentile over the uncertain assumptions.")
                if band else _("Central assumptions."))
        caption = _("{country}: outcomes over {n} quarters.").format(country=self.profile.name,
                                                                     n=res.quarters)
        self.summary_html.value = (
            "<table class='hsl-table' style='border-collapse:collapse;margin:6px 0'>"
            f"<caption style='text-align:left;font-weight:600'>{html.escape(caption)} "
            f"{html.escape(note)}</caption>"
            f"<tr><th></th><th scope='col'>{html.escape(_(VARIANTS['shock']))}</th>"
            f"<th scope='col'>{html.escape(_(VARIANTS['response']))}</th></tr>"
            + "".join(rows) + "</table>"
            f"<p style='font-size:12px;color:#555'>{html.escape(_(TEACHING_LABEL))}</p>")

    def _show_profile(self) -> None:
        p = self.profile
        rows = "".join(
            f"<tr><td>{html.escape(_profile_label(k))}</td><td style='text-align:right'>"
            f"{html.escape(localise_number(f'{v:,.4g}'))}</td>"
            f"<td>{p.years.get(k, '—') if not p.fictional else '—'}</td></tr>"
            for k, v in p.values.items())
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in p.notes)
        coping = localise_number(f"{coping_capacity(p, self.spec):.2f}")
        self.profile_html.value = (
            "<p>" + (_("<b>{country}</b> (fictional): coping capacity {coping} (0 = none, 1 = "
                       "full), from health spending and government effectiveness.")
                     if p.fictional else
                     _("<b>{country}</b>: coping capacity {coping} (0 = none, 1 = full), from "
                       "health spending and government effectiveness.")).format(
                country=html.escape(p.name), coping=coping) + "</p>"
            + "<table class='hsl-table'><caption>" + html.escape(_("Starting values"))
            + "</caption><tr><th>" + html.escape(_("Indicator")) + "</th><th>"
            + html.escape(_("Value")) + "</th><th>" + html.escape(_("Year"))
            + f"</th></tr>{rows}</table>"
            + (f"<ul>{notes}</ul>" if notes else ""))

    def _show_costs(self) -> None:
        res = self.result
        msg = budget_message(res)
        colour = "#7a1c00" if res.over_budget else "#123c5c"
        items = "".join("<li>" + html.escape(_("{response}: US${cost} million").format(
            response=self.spec.responses[k].label, cost=musd(v))) + "</li>"
            for k, v in res.costs.items())
        self.cost_html.value = (f"<ul>{items}</ul>" if items else "") + (
            f"<p role='status' style='color:{colour}'><b>{html.escape(msg)}</b></p>")
        if res.over_budget:
            self.show_message(msg, "warning")
        elif self.message_text.startswith(_("Over budget")):
            self.clear_message()

    def _show_params(self) -> None:
        t = parameter_table(self.spec)
        t = t.assign(range=t["low"].map("{:g}".format) + "–" + t["high"].map("{:g}".format))
        t = t[["label", "value", "range", "unit", "reasoning", "source", "edited"]]
        self.param_table.value = data_table_html(
            t.rename(columns={"label": _("Assumption"), "value": _("Value"),
                              "range": _("Plausible range"), "unit": _("Unit"),
                              "reasoning": _("Reasoning"), "source": _("Source"),
                              "edited": _("Changed")}), _("The model's assumptions"),
            max_rows=100)

    # ------------------------------------------------------------------ callbacks
    def _on_country(self, change: dict) -> None:
        # the budget slider's new value reaches the browser after the charts' new rows
        with self.budget.hold_sync():
            self._budget_from_country = True
            try:
                self.budget.value = default_budget(self._make_profile(), self.spec)
            finally:
                self._budget_from_country = False
            self._on_scenario()

    def _on_scenario(self, change: dict | None = None) -> None:
        if self._budget_from_country:
            return  # _on_country runs the model once the budget is set
        self._compute(0)
        if self.message_kind == "error":  # the new choice worked: an old problem is gone
            self.clear_message()
        self._show_all()

    def _on_outcome(self, change: dict) -> None:
        self.trajectory_panel.set_params(outcome=self.outcome.value)
        self.trajectory_panel.set_description(self._trajectory_text())

    def _on_param_name(self, change: dict) -> None:
        self.param_value.value = self.spec.get(self.param_name.value)

    def _on_apply(self, _button: Any = None) -> None:
        name = self.param_name.value
        new = self.spec.with_value(name, self.param_value.value)
        self.spec = new
        self._show_params()
        self._on_scenario()
        p = parameter_table(new).set_index("name")
        note = ""
        if name in p.index and not p.loc[name, "low"] <= self.param_value.value <= p.loc[
                name, "high"]:
            note = " " + _("It is outside the plausible range given in the assumptions file.")
        self.show_message(_("Assumption changed: {name} = {value}.").format(
            name=self.spec.editable()[name],
            value=localise_number(f"{self.param_value.value:g}")) + note, "info")

    def _on_reset(self, _button: Any = None) -> None:
        self.spec = load_model_spec()
        self.param_value.value = self.spec.get(self.param_name.value)
        self._show_params()
        self._on_scenario()
        self.show_message(_("All assumptions are back to the values in the assumptions file."),
                          "info")

    def run_uncertainty(self, _button: Any = None) -> None:
        """Run the seeded Monte Carlo and draw uncertainty bands (may take a second)."""
        self.progress.layout.visibility = "visible"
        self.progress.value = 1
        self.uncertainty_button.disabled = True
        try:
            self._compute(self.n_draws)
            self.progress.value = 2
            self._show_all()
            self.progress.value = 3
        finally:
            self.uncertainty_button.disabled = False
            self.progress.layout.visibility = "hidden"

    # ------------------------------------------------------------------ teams
    def _record(self) -> dict[str, Any]:
        return plan_record(self.team_name.value, int(self.round_no.value), self.result, self.spec,
                           injects=[k for k, _ in self._injects], notes=self.notes.value)

    def _team_dir(self) -> Path:
        """The team folder typed, inside the class's teams folder (created if needed)."""
        typed = self.team_folder.value.strip() or "."
        try:
            folder = confine(typed, [self.teams_root], base=self.teams_root, what="team folder")
        except LabInputError as err:
            raise LabInputError(_(
                "Team plans are kept in the class's teams folder. Leave 'Team folder' empty, "
                "or type a sub-folder name such as room-b (letters, numbers and dashes).")) from err
        if folder.exists() and not folder.is_dir():
            raise LabInputError(_("{name} is a file, not a folder. Type another name.").format(
                name=repr(typed)))
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise LabInputError(_("The team folder {name} could not be created ({error}).").format(
                name=repr(typed), error=err.strerror or _("error"))) from err
        return folder

    def save_plan(self, _button: Any = None) -> Path:
        """Save this team's choices for this round (never overwrites without 'Replace')."""
        if self.result.over_budget:
            raise LabInputError(budget_message(self.result) + " "
                                + _("Plans over budget are not saved."))
        path = save_team_plan(self._team_dir(), self._record(), overwrite=self.replace.value)
        self.replace.value = False
        self.show_message(_("Saved {team}'s plan as {file} in the teams folder.").format(
            team=self.team_name.value.strip(), file=path.name), "info")
        return path

    def compare(self, _button: Any = None) -> pd.DataFrame:
        """Load every team's latest plan from the folder and show them side by side."""
        plans, problems = load_team_plans(self._team_dir())
        table = compare_teams(plans)
        chart = team_chart(table)
        description = chart.to_dict()["description"]
        if self.team_panel is None:
            self.team_panel = ChartPanel(chart, description, _shown(table, TEAM_COLUMNS))
            self.team_box.children = [self.team_panel]
        else:
            self.team_panel.update(chart=chart, table=_shown(table, TEAM_COLUMNS),
                                   description=description)
        if problems:
            self.show_message(" ".join(problems), "warning")
        elif table.empty:
            self.show_message(_("No team plans in this folder yet."), "info")
        else:
            self.show_message(ngettext("Compared {n} team(s).", "Compared {n} team(s).",
                                       len(table)).format(n=len(table)), "info")
        return table

    def export_report(self, _button: Any = None) -> Path:
        """Write this team's after-action summary next to the team plans."""
        path = write_report(self._team_dir(), self._record(), self.spec,
                            self.report_format.value)
        self.show_message(_("After-action summary written to {path}.").format(path=path), "info")
        return path

    def trigger_inject(self, _button: Any = None) -> None:
        """Add the chosen inject (a new shock) to the scenario."""
        key = self.inject_choice.value
        base = INJECTS[key].shock
        shock = Shock(base.kind, base.severity, int(self.inject_start.value), base.duration)
        self._injects.append((key, shock))
        self._show_injects()
        self._on_scenario()
        self.show_message(_("Inject: {label}. {description}").format(
            label=_(INJECTS[key].label), description=_(INJECTS[key].description)), "warning")

    def _on_clear_injects(self, _button: Any = None) -> None:
        self._injects.clear()
        self._show_injects()
        self._on_scenario()
        self.clear_message()

    def _show_injects(self) -> None:
        items = "".join(
            "<li>" + html.escape(_("{inject}: {shock}, severity {severity}, from quarter {start} "
                                   "for {duration}").format(
                inject=_(INJECTS[k].label), shock=self.spec.shocks[s.kind].label,
                severity=localise_number(f"{s.severity:.1f}"), start=s.start,
                duration=s.duration)) + "</li>"
            for k, s in self._injects)
        self.injects_html.value = ("<p><b>" + html.escape(_("Injects in play"))
                                   + f"</b></p><ul>{items}</ul>" if items else "")

    # ------------------------------------------------------------------ state
    def learner_state(self) -> dict[str, Any]:
        state = super().learner_state()
        state["injects"] = [[k, s.start] for k, s in self._injects]
        state["assumptions"] = {n: self.spec.get(n) for n in self.spec.edited}
        return state

    def restore_learner_state(self, state: dict[str, Any]) -> list[str]:
        state = dict(state)
        injects = state.pop("injects", [])
        edits = state.pop("assumptions", {})
        skipped = super().restore_learner_state(state)
        spec = load_model_spec()
        for name, value in edits.items():
            try:
                spec = spec.with_value(name, value)
            except LabInputError:
                skipped.append(f"assumptions.{name}")
        self.spec = spec
        self._injects = []
        for key, start in injects:
            if key in INJECTS:
                b = INJECTS[key].shock
                self._injects.append((key, Shock(b.kind, b.severity, int(start), b.duration)))
            else:
                skipped.append(f"injects.{key}")
        self._show_injects()
        self._show_params()
        self._on_scenario()
        return skipped
