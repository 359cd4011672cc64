"""Scenario exercise: shocks, cascades, coping capacity and responses (lesson 10).

A **teaching model, not a forecast**. It makes visible how a shock — drought,
flood, storm, pandemic, a displacement wave, conflict escalation or an economic
shock — spreads through people's lives, how a country's coping capacity dampens
it, and what prevention and response buy, at what cost and with what delay.
Every equation is below (and on screen, :data:`EQUATIONS`); every parameter
lives in ``widgets/assumptions/scenario_parameters.yml`` with a plausible range,
the reasoning behind it and a source where one exists, and can be changed.

The model, quarter by quarter (``t = 0, 1, …``):

1. **Shock intensity.** A shock of severity ``σ`` (0–1) starting in quarter
   ``t0`` and lasting ``D`` quarters has intensity ``I(t) = σ`` while it lasts,
   0 otherwise.
2. **Direct pressure** on each channel ``c`` (food, health, income,
   displacement, security): ``S_c(t) = Σ_shocks I(t) · K[shock, c] · Π_r (1 − e[r, c] · L_r · ramp_r(t))``
   where ``K`` is the impact table, ``e`` a response's effect, ``L_r`` its level
   (0–1) and ``ramp_r`` rises from 0 to 1 over its lead time after it starts.
3. **Coping capacity** ``C = w · min(health spending / full, 1) + (1 − w) · (government effectiveness + 2.5) / 5``,
   plus any boost from prevention; it dampens pressure by ``d = 1 − α · C``.
4. **Persistence and cascades** (one quarter later):
   ``P(t) = d · (S(t) + ρ · P(t−1) + Σ links β · P_source(t−1))`` with links
   income → food → health and security → displacement → health (no loops, so
   pressure always fades once shocks stop, as long as ``ρ < 1``).
5. **People.** Pressure is turned into outcomes through ``g(P) = 1 − e^(−P)``
   (saturating: never more than everyone): extra food-insecure people,
   excess under-5 deaths, income lost, people displaced, violent deaths.

Under the model's own assumptions, no shock leaves the baseline untouched and
more prevention never makes an outcome worse (both are tested).

>>> profile = CountryProfile.from_values("Testland", population=1_000_000,
...     food_insecurity=30, under5_mortality=50, gdp_pc=2000,
...     health_spending_gdp=5, wgi_gov_effectiveness=-0.5)
>>> spec = load_model_spec()
>>> drought = Shock("drought", severity=0.8, start=2, duration=3)
>>> out = simulate(profile, [drought], [], spec, quarters=8)
>>> round(float(out["extra_food_insecure"][0].max()))  # people, at the peak
152729
>>> float(simulate(profile, [], [], spec, quarters=8)["extra_food_insecure"].max())
0.0
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from widgets.errors import (
    LabInputError,
    check_real_number,
    check_whole_number,
    did_you_mean,
)
from widgets.i18n import N_, _, get_language, translated_path

__all__ = [
    "CHANNELS",
    "CHANNEL_LABELS",
    "EQUATIONS",
    "FICTIONAL_NAMES",
    "INJECTS",
    "OUTCOMES",
    "PROFILE_INDICATORS",
    "TEACHING_LABEL",
    "CountryProfile",
    "Inject",
    "ModelSpec",
    "Response",
    "ScenarioResult",
    "Shock",
    "VARIANTS",
    "METRICS",
    "budget_message",
    "country_profile",
    "coping_capacity",
    "default_budget",
    "fictional_profile",
    "latest_table",
    "load_model_spec",
    "parameter_table",
    "pressure_table",
    "response_costs",
    "run_scenario",
    "simulate",
]

#: Shown on screen beside every result of this module.
TEACHING_LABEL = N_(
    "Teaching model, not a forecast: the numbers show how the assumptions play out, "
    "not what will happen."
)

#: The five channels through which a shock reaches people.
CHANNELS: tuple[str, ...] = ("food", "health", "income", "displacement", "security")
CHANNEL_LABELS: dict[str, str] = {
    "food": N_("Food security"),
    "health": N_("Health security (children)"),
    "income": N_("Economic security"),
    "displacement": N_("Displacement"),
    "security": N_("Personal and community security"),
}
#: A channel named inside a sentence ("Impact of drought on food"); translated where shown.
CHANNEL_WORDS: dict[str, str] = {
    "food": N_("food"), "health": N_("health"), "income": N_("income"),
    "displacement": N_("displacement"), "security": N_("security"),
}
#: A response's kind (``kind`` in the assumptions file), translated where shown.
RESPONSE_KINDS: dict[str, str] = {"prevention": N_("prevention"), "response": N_("response")}
#: Cascade links (source → target) and the parameter holding their strength.
CASCADES: dict[tuple[str, str], str] = {
    ("income", "food"): "cascade_income_to_food",
    ("food", "health"): "cascade_food_to_health",
    ("security", "displacement"): "cascade_security_to_displacement",
    ("displacement", "health"): "cascade_displacement_to_health",
}

#: Outcome trajectories: id -> (label, unit).
OUTCOMES: dict[str, tuple[str, str]] = {
    "food_insecurity": (N_("Food insecurity"), N_("% of population")),
    "under5_mortality": (N_("Under-5 mortality"), N_("deaths per 1,000 live births")),
    "gdp_pc": (N_("Income per person"), N_("constant 2015 US$")),
    "displaced": (N_("People displaced or newly arrived"), N_("people")),
    "violent_death_rate": (N_("Violent deaths"), N_("per 100,000 people per year")),
    "lives_lost": (N_("Lives lost to the shock, cumulative"), N_("people")),
}

#: Indicators a country profile needs (the lab's ids) and what they feed.
PROFILE_INDICATORS: dict[str, str] = {
    "population": "people exposed",
    "food_insecurity": "food insecurity before the shock",
    "under5_mortality": "child mortality before the shock",
    "gdp_pc": "income per person before the shock",
    "health_spending_gdp": "coping capacity (health)",
    "wgi_gov_effectiveness": "coping capacity (government effectiveness)",
    "homicide_rate": "violent deaths before the shock",
    "battle_deaths_per_100k": "violent deaths before the shock",
}
#: Used when a profile value is missing; battle deaths missing means none recorded.
_FALLBACKS: dict[str, str] = {"food_insecurity": "undernourishment"}
_ZERO_IF_MISSING = ("battle_deaths_per_100k",)

#: The model's equations (LaTeX), shown on screen in this order.
EQUATIONS: list[tuple[str, str]] = [
    (N_("Shock intensity"), r"I_s(t) = \sigma_s \text{ if } t_0 \le t < t_0 + D, \text{ else } 0"),
    (N_("Direct pressure on channel c"),
     r"S_c(t) = \sum_s I_s(t)\,K_{s,c} \prod_r \big(1 - e_{r,c}\,L_r\,\mathrm{ramp}_r(t)\big)"),
    (N_("Response ramp-up"), r"\mathrm{ramp}_r(t) = \min\!\big(1, \max(0, (t - t_r + 1)/\ell_r)\big)"),
    (N_("Coping capacity"),
     r"C(t) = \min\!\Big(1,\; w\,\min\!\big(1, \tfrac{h}{h_{full}}\big) + (1-w)\,\tfrac{g + 2.5}{5}"
     r" + \sum_r b_r L_r \mathrm{ramp}_r(t)\Big)"),
    (N_("Pressure with persistence and cascades"),
     r"P_c(t) = \big(1 - \alpha C(t)\big)\Big(S_c(t) + \rho P_c(t-1) + \sum_{c' \to c} \beta_{c'c} P_{c'}(t-1)\Big)"),
    (N_("Saturating effect"), r"g(P) = 1 - e^{-P}"),
    (N_("Food insecurity (%)"), r"F(t) = F_0 + (100 - F_0)\, a_F\, g(P_{food})"),
    (N_("Under-5 mortality"), r"U(t) = U_0 \big(1 + a_U\, g(P_{health})\big)"),
    (N_("Excess under-5 deaths per quarter"),
     r"\tfrac{N}{4}\cdot\tfrac{b_0 + b_1 U_0}{1000}\cdot\tfrac{U(t) - U_0}{1000}"),
    (N_("Income per person"), r"Y(t) = Y_0 \big(1 - a_Y\, g(P_{income})\big)"),
    (N_("People displaced (or arrived)"), r"M(t) = N\, a_M\, g(P_{displacement})"),
    (N_("Violent deaths per 100,000 a year"), r"V(t) = V_0 + a_V\, g(P_{security})"),
    (N_("Response cost (US dollars)"),
     r"\mathrm{cost}_r = L_r \cdot c_r \cdot N \cdot (T - t_r)/4"),
]

#: Names for a "fictional country" built from a real profile (sensitive classrooms).
FICTIONAL_NAMES: tuple[str, ...] = (
    "Arcadia", "Borealis", "Calderra", "Dunmere", "Esterra", "Fennland",
    "Galtria", "Havenor", "Istria Nova", "Jorvania", "Kestrel Coast", "Lumeria",
)

_SPEC_PATH = Path(__file__).resolve().parent / "assumptions" / "scenario_parameters.yml"


# --------------------------------------------------------------------------- spec
@dataclass(frozen=True)
class Parameter:
    """One assumption: central value, plausible range, and why."""

    name: str
    label: str
    value: float
    low: float
    high: float
    unit: str = ""
    reasoning: str = ""
    source: str = ""
    minimum: float = -math.inf
    maximum: float = math.inf


@dataclass(frozen=True)
class ShockType:
    name: str
    label: str
    impacts: dict[str, float]
    reasoning: str = ""
    source: str = ""


@dataclass(frozen=True)
class ResponseType:
    name: str
    label: str
    kind: str
    effects: dict[str, float]
    cost: Parameter
    applies_to: tuple[str, ...] = ()
    coping_boost: float = 0.0
    lead_quarters: int = 1
    reasoning: str = ""
    source: str = ""


# Physical bounds for editing (a value outside the *plausible* range is allowed
# but flagged; a value outside these bounds is refused).
_BOUNDS: dict[str, tuple[float, float]] = {
    "persistence": (0.0, 0.95),
    "coping_max_dampening": (0.0, 1.0),
    "coping_weight_health": (0.0, 1.0),
    "food_sensitivity": (0.0, 1.0),
    "displacement_sensitivity": (0.0, 1.0),
    "income_sensitivity": (0.0, 0.9),
    "health_spending_full": (0.5, 30.0),
    "budget_share_gdp": (0.0, 100.0),
    "impact_spread": (0.0, 0.9),
}


@dataclass(frozen=True)
class ModelSpec:
    """All the model's assumptions (read from the YAML file; edit with :meth:`with_value`)."""

    parameters: dict[str, Parameter]
    shocks: dict[str, ShockType]
    responses: dict[str, ResponseType]
    edited: tuple[str, ...] = ()

    def value(self, name: str) -> float:
        return self.parameters[name].value

    def editable(self) -> dict[str, str]:
        """Every editable value: flat name -> plain-English label.

        >>> "persistence" in load_model_spec().editable()
        True
        """
        out = {n: p.label for n, p in self.parameters.items()}
        impact, effect = _("Impact of {shock} on {channel}"), _("Effect of {response} on {channel}")
        for s in self.shocks.values():
            for c in CHANNELS:
                out[f"impact.{s.name}.{c}"] = impact.format(shock=s.label.lower(),
                                                            channel=_(CHANNEL_WORDS[c]))
        for r in self.responses.values():
            out[f"cost.{r.name}"] = _("Cost of {response} (US$ per person per year)").format(
                response=r.label.lower())
            for c in CHANNELS:
                out[f"effect.{r.name}.{c}"] = effect.format(response=r.label.lower(),
                                                            channel=_(CHANNEL_WORDS[c]))
        return out

    def get(self, name: str) -> float:
        """Current value of a flat name (see :meth:`editable`).

        >>> load_model_spec().get("impact.drought.food")
        0.8
        """
        kind, *rest = name.split(".")
        if not rest and name in self.parameters:
            return self.parameters[name].value
        if kind == "impact" and len(rest) == 2 and rest[0] in self.shocks:
            return self.shocks[rest[0]].impacts[rest[1]]
        if kind == "effect" and len(rest) == 2 and rest[0] in self.responses:
            return self.responses[rest[0]].effects[rest[1]]
        if kind == "cost" and len(rest) == 1 and rest[0] in self.responses:
            return self.responses[rest[0]].cost.value
        raise LabInputError(
            _("The model has no parameter called {name}.").format(name=repr(name))
            + did_you_mean(name, self.editable())
        )

    def with_value(self, name: str, value: float) -> ModelSpec:
        """A copy of the spec with one assumption changed (the original is untouched).

        >>> spec = load_model_spec().with_value("persistence", 0.7)
        >>> spec.value("persistence"), load_model_spec().value("persistence")
        (0.7, 0.5)
        >>> load_model_spec().with_value("persistence", 1.5)
        Traceback (most recent call last):
        ...
        widgets.errors.LabInputError: Share of pressure carried into the next quarter must be between 0 and 0.95 ...
        """
        self.get(name)  # raises for unknown names
        try:
            v = float(value)
        except (TypeError, ValueError) as err:
            raise LabInputError(_("{value} is not a number. Type a value such as 0.5.").format(
                value=repr(value))) from err
        if not math.isfinite(v):
            raise LabInputError(_("Type a finite number."))
        kind, *rest = name.split(".")
        edited = tuple(dict.fromkeys([*self.edited, name]))
        if not rest:
            p = self.parameters[name]
            lo, hi = _BOUNDS.get(name, (0.0, math.inf))
            if not lo <= v <= hi:
                upper = _g(hi) if math.isfinite(hi) else _("any positive number")
                raise LabInputError(
                    _("{label} must be between {low} and {high} (you typed {value}). "
                      "The plausible range is {range_low}–{range_high}.").format(
                        label=p.label, low=_g(lo), high=upper, value=_g(v),
                        range_low=_g(p.low), range_high=_g(p.high))
                )
            # Keep the range around the new value so the uncertainty band follows it.
            width = (p.high - p.low) / 2
            new = replace(p, value=v, low=max(lo, v - width), high=min(hi, v + width))
            return replace(self, parameters={**self.parameters, name: new}, edited=edited)
        if kind == "impact":
            if not 0 <= v <= 2:
                raise LabInputError(_("A shock's impact must be between 0 and 2 (you typed "
                                      "{value}).").format(value=_g(v)))
            s = self.shocks[rest[0]]
            new_s = replace(s, impacts={**s.impacts, rest[1]: v})
            return replace(self, shocks={**self.shocks, s.name: new_s}, edited=edited)
        r = self.responses[rest[0]]
        if kind == "effect":
            if not -1 <= v <= 1:
                raise LabInputError(
                    _("A response's effect is a share of pressure removed, between −1 and 1 "
                      "(you typed {value}); negative means it adds pressure.").format(value=_g(v))
                )
            new_r = replace(r, effects={**r.effects, rest[1]: v})
        else:
            if v < 0:
                raise LabInputError(_("A cost cannot be negative (you typed {value}).").format(
                    value=_g(v)))
            width = (r.cost.high - r.cost.low) / 2
            new_r = replace(r, cost=replace(r.cost, value=v, low=max(0.0, v - width),
                                            high=v + width))
        return replace(self, responses={**self.responses, r.name: new_r}, edited=edited)


def _g(value: float) -> str:
    """A number as ``{:g}`` writes it, with the reader's decimal sign (0.5 → 0,5 in French).

    >>> _g(0.95), _g(2.0)
    ('0.95', '2')
    """
    from widgets.i18n import localise_number

    text = f"{value:g}"
    return text if get_language() == "en" or "e" in text else localise_number(text)


def _parameter(name: str, d: Mapping[str, Any], label: str = "") -> Parameter:
    lo, hi = _BOUNDS.get(name, (-math.inf, math.inf))
    return Parameter(
        name=name, label=str(d.get("label", label or name)), value=float(d["value"]),
        low=float(d.get("low", d["value"])), high=float(d.get("high", d["value"])),
        unit=str(d.get("unit", "")), reasoning=" ".join(str(d.get("reasoning", "")).split()),
        source=" ".join(str(d.get("source", "")).split()), minimum=lo, maximum=hi,
    )


def load_model_spec(path: str | Path | None = None) -> ModelSpec:
    """Read the model's assumptions (default: the file shipped with the package).

    >>> spec = load_model_spec()
    >>> sorted(spec.shocks)[:3]
    ['conflict', 'displacement_inflow', 'displacement_outflow']
    >>> spec.responses["health_system"].kind
    'prevention'
    """
    return copy.deepcopy(_load_spec(str(path or _SPEC_PATH), get_language()))


#: The texts of the assumptions file that a reader sees (numbers stay in the English file).
SPEC_TEXT_FIELDS = ("label", "unit", "reasoning", "source")


def _overlay_spec_text(raw: dict, path: str, lang: str) -> dict:
    """``raw`` with its labels, units, reasoning and sources in ``lang`` (when a translation exists).

    The translation (``scenario_parameters.<lang>.yml``) holds only text, keyed
    like the English file; every number is read from the English file, so the
    two cannot disagree. A text missing there stays English.
    """
    if lang == "en" or not translated_path(path, lang).is_file():
        return raw
    with open(translated_path(path, lang), encoding="utf-8") as fh:
        texts = yaml.safe_load(fh) or {}
    out = copy.deepcopy(raw)
    for section in ("parameters", "shocks", "responses"):
        for key, d in out.get(section, {}).items():
            mine = (texts.get(section) or {}).get(key) or {}
            d.update({f: mine[f] for f in SPEC_TEXT_FIELDS if mine.get(f)})
    return out


@lru_cache(maxsize=8)
def _load_spec(path: str, lang: str = "en") -> ModelSpec:
    try:
        with open(path, encoding="utf-8") as fh:
            raw = yaml.safe_load(fh)
        raw = _overlay_spec_text(raw, path, lang)
    except (OSError, yaml.YAMLError) as err:
        raise LabInputError(_("Could not read the model assumptions from {path}: {error}").format(
            path=path, error=err)) from err
    params = {n: _parameter(n, d) for n, d in raw["parameters"].items()}
    shocks = {
        n: ShockType(n, d["label"], {c: float(d["impacts"].get(c, 0.0)) for c in CHANNELS},
                     " ".join(str(d.get("reasoning", "")).split()),
                     " ".join(str(d.get("source", "")).split()))
        for n, d in raw["shocks"].items()
    }
    responses = {}
    for n, d in raw["responses"].items():
        cost = _parameter(f"cost.{n}", {**d["cost_per_person"],
                                         "unit": _("US$ per person per year")},
                          label=_("Cost of {response}").format(response=d["label"].lower()))
        responses[n] = ResponseType(
            name=n, label=d["label"], kind=d["kind"],  # i18n: not text
            effects={c: float(d["effects"].get(c, 0.0)) for c in CHANNELS}, cost=cost,
            applies_to=tuple(d.get("applies_to", ())), coping_boost=float(d.get("coping_boost", 0)),
            lead_quarters=int(d.get("lead_quarters", 1)),
            reasoning=" ".join(str(d.get("reasoning", "")).split()),
            source=" ".join(str(d.get("source", "")).split()),
        )
    return ModelSpec(params, shocks, responses)


def parameter_table(spec: ModelSpec) -> pd.DataFrame:
    """Every assumption as a table: name, label, value, plausible range, unit, reasoning, source.

    >>> t = parameter_table(load_model_spec())
    >>> list(t.columns)
    ['name', 'label', 'value', 'low', 'high', 'unit', 'reasoning', 'source', 'edited']
    >>> bool((t["low"] <= t["value"]).all() and (t["value"] <= t["high"]).all())
    True
    """
    rows = [asdict(p) for p in spec.parameters.values()]
    rows += [asdict(r.cost) | {"reasoning": r.reasoning, "source": r.source}
             for r in spec.responses.values()]
    df = pd.DataFrame(rows)[["name", "label", "value", "low", "high", "unit", "reasoning",
                             "source"]]
    df["edited"] = df["name"].isin(spec.edited)
    return df


# --------------------------------------------------------------------------- inputs
@dataclass(frozen=True)
class Shock:
    """One shock: ``kind`` (see the spec), ``severity`` 0–1, ``start`` quarter, ``duration`` quarters."""

    kind: str
    severity: float = 0.5
    start: int = 2
    duration: int = 2


@dataclass(frozen=True)
class Response:
    """One response a team buys: ``level`` 0–1 (share of a full programme) from quarter ``start``."""

    kind: str
    level: float = 1.0
    start: int = 0


@dataclass(frozen=True)
class Inject:
    """A new event a facilitator can add between rounds."""

    label: str
    description: str
    shock: Shock


#: Ready-made injects for the facilitator (the start quarter can be changed).
INJECTS: dict[str, Inject] = {
    "cholera": Inject(N_("Cholera in crowded shelters"),
                      N_("An outbreak of cholera spreads among displaced families."),
                      Shock("pandemic", 0.3, 5, 2)),
    "refugee_arrivals": Inject(N_("Refugees arrive from a neighbour's war"),
                               N_("Fighting across the border sends families into the country."),
                               Shock("displacement_inflow", 0.5, 4, 4)),
    "price_spike": Inject(N_("World food prices jump"),
                          N_("Export bans elsewhere double the price of staple grains."),
                          Shock("economic", 0.4, 4, 3)),
    "second_storm": Inject(N_("A second cyclone"),
                           N_("A cyclone hits areas still recovering."), Shock("storm", 0.5, 6, 1)),
    "convoy_attacks": Inject(N_("Armed groups attack aid convoys"),
                             N_("Violence flares along supply routes."),
                             Shock("conflict", 0.3, 5, 2)),
}


@dataclass(frozen=True)
class CountryProfile:
    """The starting point of a scenario: a country's latest values (or a fictional one)."""

    name: str
    values: dict[str, float]
    years: dict[str, int] = field(default_factory=dict)
    iso3: str | None = None
    fictional: bool = False
    notes: tuple[str, ...] = ()

    @classmethod
    def from_values(cls, name: str, **values: float) -> CountryProfile:
        """A profile from numbers you give (missing homicide/battle deaths count as 0).

        >>> CountryProfile.from_values("X", population=10).values["homicide_rate"]
        0.0
        """
        defaults = {"population": 1e6, "food_insecurity": 20.0, "under5_mortality": 30.0,
                    "gdp_pc": 3000.0, "health_spending_gdp": 5.0, "wgi_gov_effectiveness": 0.0,
                    "homicide_rate": 0.0, "battle_deaths_per_100k": 0.0}
        unknown = set(values) - set(defaults)
        if unknown:
            raise LabInputError(_("Unknown profile value(s): {names}.").format(
                names=", ".join(sorted(unknown))))
        return cls(name=name, values={k: float(v) for k, v in (defaults | values).items()})


def _check_profile(profile: CountryProfile) -> None:
    v = profile.values
    if not v.get("population", 0) > 0:
        raise LabInputError(_("{country}: population must be positive.").format(
            country=profile.name))
    for key in ("food_insecurity",):
        if not 0 <= v[key] <= 100:
            raise LabInputError(_("{country}: {value} must be a percentage (0–100).").format(
                country=profile.name, value=key))


def country_profile(iso3: str, table: pd.DataFrame | None = None) -> CountryProfile:
    """A real country's latest values for the scenario (from ``widgets.data``).

    ``table`` is :func:`latest_table` (pass it to avoid re-reading the data).
    Missing food insecurity falls back to undernourishment, then to the median
    of the country's income group; missing battle deaths count as none
    recorded. Every fallback is written in ``notes``.

    >>> p = country_profile("KEN")
    >>> p.name, p.values["population"] > 1e7
    ('Kenya', True)
    """
    from widgets import data

    code = data.check_country(iso3)
    table = latest_table() if table is None else table
    if code not in table.index:
        raise LabInputError(_("{country} has no data for the scenario model.").format(
            country=data.local_country_name(code)))
    row = table.loc[code]
    values: dict[str, float] = {}
    years: dict[str, int] = {}
    notes: list[str] = []
    for ind in PROFILE_INDICATORS:
        v, y = row.get(ind), row.get(f"{ind}__year")
        if (v is None or pd.isna(v)) and ind in _FALLBACKS:
            alt = _FALLBACKS[ind]
            v, y = row.get(alt), row.get(f"{alt}__year")
            if v is not None and not pd.isna(v):
                notes.append(_("{indicator} has no data; {other} is used instead.").format(
                    indicator=_label(ind), other=_label(alt)))
        if v is None or pd.isna(v):
            if ind in _ZERO_IF_MISSING:
                v, y = 0.0, None
            else:
                group = row.get("income_group")
                peers = table.loc[table["income_group"] == group, ind].dropna()
                if peers.empty:
                    peers = table[ind].dropna()
                v, y = float(peers.median()), None
                notes.append(_("{indicator} has no data; the median of {group} ({value}) is "
                               "used instead.").format(
                    indicator=_label(ind), group=_(group) if group else _("all countries"),
                    value=format_number_g(v, 3)))
        values[ind] = float(v)
        if y is not None and not pd.isna(y):
            years[ind] = int(y)
    profile = CountryProfile(data.local_country_name(code), values, years, iso3=code,
                             notes=tuple(notes))
    _check_profile(profile)
    return profile


def _label(indicator: str) -> str:
    from widgets import data

    return _(data.indicator_info(indicator).short_label)


def format_number_g(value: float, digits: int) -> str:
    """``value`` to ``digits`` significant digits (``{:.3g}``) in the reader's language."""
    from widgets.i18n import localise_number

    text = f"{value:.{digits}g}"
    return text if get_language() == "en" or "e" in text else localise_number(text)


@lru_cache(maxsize=1)
def _latest_table() -> pd.DataFrame:
    from widgets import data

    parts = []
    for ind in [*PROFILE_INDICATORS, *_FALLBACKS.values()]:
        lv = data.latest_values(ind).set_index("iso3")
        parts.append(lv["value"].rename(ind))
        parts.append(lv["year"].rename(f"{ind}__year"))
    table = pd.concat(parts, axis=1)
    countries = data.load_countries().set_index("iso3")
    table["name"] = countries["name"].reindex(table.index)
    table["income_group"] = countries["income_group"].reindex(table.index)
    return table[table["population"].notna()]


def latest_table() -> pd.DataFrame:
    """Latest value and year of every profile indicator, one row per country (cached).

    >>> "population" in latest_table().columns
    True
    """
    return _latest_table().copy()


def fictional_profile(profile: CountryProfile, seed: int = 0, jitter: float = 0.1
                      ) -> CountryProfile:
    """A renamed copy of ``profile`` with each value moved by up to ±``jitter`` (seeded).

    For classrooms where a real country would be sensitive: the structure stays
    realistic but the country cannot be identified from the numbers.

    >>> base = CountryProfile.from_values("Realland", food_insecurity=40)
    >>> fake = fictional_profile(base, seed=3)
    >>> fake.name, fake.fictional, fake.iso3
    ('Dunmere', True, None)
    >>> 36 <= fake.values["food_insecurity"] <= 44
    True
    >>> fictional_profile(base, seed=3) == fake   # same seed, same country
    True
    """
    seed = check_whole_number(seed, _("seed"), 0, 2**32 - 1)
    jitter = check_real_number(jitter, _("jitter"), 0, 0.9)
    if not 0 <= jitter < 1:
        raise LabInputError(_("The jitter must be between 0 and 1 (0.1 = values move by up to "
                              "10%)."))
    rng = np.random.default_rng(seed)
    values = {}
    for key in sorted(profile.values):
        v = profile.values[key] * float(rng.uniform(1 - jitter, 1 + jitter))
        if key in ("food_insecurity",):
            v = min(v, 100.0)
        if key == "wgi_gov_effectiveness":
            v = min(max(v, -2.5), 2.5)
        if key == "population":
            v = round(v, -3)
        values[key] = v
    name = FICTIONAL_NAMES[seed % len(FICTIONAL_NAMES)]
    return CountryProfile(name, values, {}, iso3=None, fictional=True,
                          notes=(_("A fictional country: a real profile, renamed and "
                                   "perturbed."),))


def _check_shocks(shocks: Sequence[Shock], spec: ModelSpec, quarters: int) -> None:
    for s in shocks:
        if s.kind not in spec.shocks:
            raise LabInputError(
                _("There is no shock called {name}.").format(name=repr(s.kind))
                + did_you_mean(s.kind, spec.shocks) + " "
                + _("Shocks: {names}.").format(names=", ".join(spec.shocks))
            )
        label = spec.shocks[s.kind].label
        if not 0 <= s.severity <= 1:
            raise LabInputError(_("{label}: severity must be between 0 (none) and 1 "
                                  "(severe).").format(label=label))
        if not 0 <= s.start < quarters:
            raise LabInputError(_("{label}: the start quarter must be between 0 and "
                                  "{last}.").format(label=label, last=quarters - 1))
        if s.duration < 1:
            raise LabInputError(_("{label}: a shock lasts at least one quarter.").format(
                label=label))


def _check_responses(responses: Sequence[Response], spec: ModelSpec, quarters: int) -> None:
    for r in responses:
        if r.kind not in spec.responses:
            raise LabInputError(
                _("There is no response called {name}.").format(name=repr(r.kind))
                + did_you_mean(r.kind, spec.responses)
            )
        label = spec.responses[r.kind].label
        if not 0 <= r.level <= 1:
            raise LabInputError(_("{label}: the level must be between 0 (none) and 1 "
                                  "(full).").format(label=label))
        if not 0 <= r.start < quarters:
            raise LabInputError(_("{label}: the start quarter must be between 0 and "
                                  "{last}.").format(label=label, last=quarters - 1))


# --------------------------------------------------------------------------- model
def coping_capacity(profile: CountryProfile, spec: ModelSpec) -> float:
    """The country's coping capacity before any prevention (0 = none, 1 = full).

    >>> spec = load_model_spec()
    >>> weak = CountryProfile.from_values("W", health_spending_gdp=2, wgi_gov_effectiveness=-1.5)
    >>> strong = CountryProfile.from_values("S", health_spending_gdp=10, wgi_gov_effectiveness=1.5)
    >>> round(coping_capacity(weak, spec), 2), round(coping_capacity(strong, spec), 2)
    (0.2, 0.9)
    """
    theta = _draw(spec, 0, 0)
    return float(_coping(profile, theta)[0])


def _coping(profile: CountryProfile, theta: dict[str, np.ndarray]) -> np.ndarray:
    h = np.clip(profile.values["health_spending_gdp"] / theta["health_spending_full"], 0, 1)
    g = np.clip((profile.values["wgi_gov_effectiveness"] + 2.5) / 5, 0, 1)
    w = theta["coping_weight_health"]
    return w * h + (1 - w) * g


def _draw(spec: ModelSpec, n: int, seed: int) -> dict[str, np.ndarray]:
    """Parameter values: central (``n == 0``, arrays of length 1) or ``n`` seeded draws."""
    size = max(n, 1)
    if n == 0:
        return _central_theta(spec)
    rng = np.random.default_rng(seed)
    theta: dict[str, np.ndarray] = {}
    for name, p in spec.parameters.items():
        if n == 0 or p.high <= p.low:
            theta[name] = np.full(size, p.value)
        else:
            theta[name] = rng.uniform(p.low, p.high, size)
    spread = spec.value("impact_spread")
    for s in spec.shocks.values():
        factor = np.ones(size) if n == 0 else rng.uniform(1 - spread, 1 + spread, size)
        for c in CHANNELS:
            theta[f"impact.{s.name}.{c}"] = s.impacts[c] * factor
    for r in spec.responses.values():
        factor = np.ones(size) if n == 0 else rng.uniform(1 - spread, 1 + spread, size)
        for c in CHANNELS:
            theta[f"effect.{r.name}.{c}"] = np.minimum(r.effects[c] * factor, 1.0)
    return theta


def _central_theta(spec: ModelSpec) -> dict[str, np.ndarray]:
    theta = {name: np.array([p.value]) for name, p in spec.parameters.items()}
    for sh in spec.shocks.values():
        theta |= {f"impact.{sh.name}.{c}": np.array([sh.impacts[c]]) for c in CHANNELS}
    for r in spec.responses.values():
        theta |= {f"effect.{r.name}.{c}": np.array([min(r.effects[c], 1.0)]) for c in CHANNELS}
    return theta


def _ramp(start: int, lead: int, quarters: int) -> np.ndarray:
    t = np.arange(quarters)
    return np.clip((t - start + 1) / max(lead, 1), 0.0, 1.0)


def simulate(
    profile: CountryProfile,
    shocks: Sequence[Shock],
    responses: Sequence[Response],
    spec: ModelSpec,
    quarters: int = 12,
    n_draws: int = 0,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Run the model; every array has shape ``(draws, quarters)``.

    ``n_draws = 0`` runs the central assumptions once (shape ``(1, quarters)``);
    otherwise each of ``n_draws`` runs draws every parameter uniformly from its
    plausible range (same ``seed``, same draws: compare variants fairly).

    Returns arrays: the pressures ``pressure_<channel>``, the trajectories in
    :data:`OUTCOMES` and the per-quarter flows ``extra_food_insecure``,
    ``excess_child_deaths``, ``excess_violent_deaths``, ``income_loss_usd``.

    >>> p = CountryProfile.from_values("T", population=1e6)
    >>> out = simulate(p, [Shock("pandemic", 1.0, 0, 2)], [], load_model_spec(), 6, 50)
    >>> out["under5_mortality"].shape
    (50, 6)
    >>> bool((out["under5_mortality"] >= 30).all())
    True
    """
    if not 1 <= quarters <= 80:
        raise LabInputError(_("Choose between 1 and 80 quarters (20 years)."))
    _check_profile(profile)
    _check_shocks(shocks, spec, quarters)
    _check_responses(responses, spec, quarters)
    if spec.value("persistence") >= 1:
        raise LabInputError(_("Persistence must stay below 1, or pressure would never fade."))
    theta = _draw(spec, n_draws, seed)
    n, T = max(n_draws, 1), quarters
    v = profile.values
    pop = v["population"]

    # Responses: level x ramp, per quarter.
    active = {r: r.level * _ramp(r.start, spec.responses[r.kind].lead_quarters, T)
              for r in responses}
    boost = np.zeros(T)
    for r, a in active.items():
        boost = boost + spec.responses[r.kind].coping_boost * a
    coping = np.clip(_coping(profile, theta)[:, None] + boost[None, :], 0, 1)  # (n, T)
    damp = 1 - theta["coping_max_dampening"][:, None] * coping  # (n, T)

    # Direct pressure S (n, T, C).
    t = np.arange(T)
    direct = np.zeros((n, T, len(CHANNELS)))
    for s in shocks:
        intensity = np.where((t >= s.start) & (t < s.start + s.duration), s.severity, 0.0)
        for ci, c in enumerate(CHANNELS):
            mult = np.ones((n, T))
            for r, a in active.items():
                applies = spec.responses[r.kind].applies_to
                if applies and s.kind not in applies:
                    continue
                mult = mult * (1 - theta[f"effect.{r.kind}.{c}"][:, None] * a[None, :])
            direct[:, :, ci] += intensity[None, :] * theta[f"impact.{s.kind}.{c}"][:, None] * mult

    # Persistence and cascades (lagged one quarter).
    rho = theta["persistence"][:, None]
    links = [(CHANNELS.index(a), CHANNELS.index(b), theta[p][:, None])
             for (a, b), p in CASCADES.items()]
    pressure = np.zeros_like(direct)
    prev = np.zeros((n, len(CHANNELS)))
    for q in range(T):
        carried = rho * prev
        for src, dst, beta in links:
            carried[:, dst] += beta[:, 0] * prev[:, src]
        prev = damp[:, q, None] * (direct[:, q, :] + carried)
        pressure[:, q, :] = prev
    g = 1 - np.exp(-pressure)
    gi = {c: g[:, :, i] for i, c in enumerate(CHANNELS)}

    col = {k: theta[k][:, None] for k in ("food_sensitivity", "u5_sensitivity", "income_sensitivity",
                                           "displacement_sensitivity", "violence_sensitivity",
                                           "birth_rate_base", "birth_rate_per_u5")}
    f0, u0, y0 = v["food_insecurity"], v["under5_mortality"], v["gdp_pc"]
    v0 = v["homicide_rate"] + v["battle_deaths_per_100k"]
    food = f0 + (100 - f0) * col["food_sensitivity"] * gi["food"]
    u5 = u0 * (1 + col["u5_sensitivity"] * gi["health"])
    births_q = pop * np.clip(col["birth_rate_base"] + col["birth_rate_per_u5"] * u0, 5, 50) / 4000
    child_deaths = births_q * (u5 - u0) / 1000
    income = y0 * (1 - col["income_sensitivity"] * gi["income"])
    displaced = pop * col["displacement_sensitivity"] * gi["displacement"]
    violence = v0 + col["violence_sensitivity"] * gi["security"]
    violent_deaths = pop / 1e5 * (violence - v0) / 4
    out = {f"pressure_{c}": pressure[:, :, i] for i, c in enumerate(CHANNELS)}
    out |= {
        "food_insecurity": food, "under5_mortality": u5, "gdp_pc": income,
        "displaced": displaced, "violent_death_rate": violence,
        "extra_food_insecure": pop * (food - f0) / 100,
        "excess_child_deaths": child_deaths, "excess_violent_deaths": violent_deaths,
        "income_loss_usd": pop * (y0 - income) / 4,
        "lives_lost": np.cumsum(child_deaths + violent_deaths, axis=1),
    }
    return out


def pressure_table(profile: CountryProfile, shocks: Sequence[Shock],
                   responses: Sequence[Response], spec: ModelSpec, quarters: int = 12
                   ) -> pd.DataFrame:
    """Pressure on each channel by quarter (central assumptions), with and without the response.

    Shows the cascade: where pressure appears first and where it arrives later.

    >>> p = CountryProfile.from_values("T")
    >>> t = pressure_table(p, [Shock("economic", 1.0, 0, 1)], [], load_model_spec(), 4)
    >>> sorted(t.columns)
    ['channel', 'channel_label', 'pressure', 'quarter', 'variant', 'variant_label']
    >>> len(t)
    40
    """
    return _pressure_frame(simulate(profile, shocks, [], spec, quarters),
                           simulate(profile, shocks, responses, spec, quarters), quarters)


def _pressure_frame(shock: dict[str, np.ndarray], response: dict[str, np.ndarray],
                    quarters: int) -> pd.DataFrame:
    keys, n_c = ("shock", "response"), len(CHANNELS)
    values = [out[f"pressure_{c}"][0] for out in (shock, response) for c in CHANNELS]
    return pd.DataFrame({
        "variant": np.repeat(np.array(keys, dtype=object), n_c * quarters),
        "variant_label": np.repeat(np.array([_(VARIANTS[k]) for k in keys], dtype=object),
                                   n_c * quarters),
        "channel": np.tile(np.repeat(np.array(CHANNELS, dtype=object), quarters), 2),
        "channel_label": np.tile(np.repeat(np.array([_(CHANNEL_LABELS[c]) for c in CHANNELS],
                                                    dtype=object), quarters), 2),
        "quarter": np.tile(np.arange(quarters), 2 * n_c),
        "pressure": np.concatenate(values),
    })


def response_costs(responses: Sequence[Response], profile: CountryProfile, spec: ModelSpec,
                   quarters: int = 12) -> dict[str, float]:
    """Cost of each response in US$ million over the exercise (level × cost × people × years).

    >>> p = CountryProfile.from_values("T", population=2e6)
    >>> response_costs([Response("early_warning", 1.0, 0)], p, load_model_spec(), 12)
    {'early_warning': 3.0}
    """
    _check_responses(responses, spec, quarters)
    costs: dict[str, float] = {}
    for r in responses:
        years = (quarters - r.start) / 4
        cost = r.level * spec.responses[r.kind].cost.value * profile.values["population"] * years
        costs[r.kind] = costs.get(r.kind, 0.0) + round(cost / 1e6, 6)
    return costs


def default_budget(profile: CountryProfile, spec: ModelSpec) -> float:
    """Default team budget in US$ million: ``budget_share_gdp`` % of one year's GDP.

    >>> default_budget(CountryProfile.from_values("T", population=1e6, gdp_pc=2000),
    ...                load_model_spec())
    20.0
    """
    gdp = profile.values["population"] * profile.values["gdp_pc"]
    return round(gdp * spec.value("budget_share_gdp") / 100 / 1e6, 1)


# --------------------------------------------------------------------------- results
VARIANTS: dict[str, str] = {
    "baseline": N_("No shock"),
    "shock": N_("Shock, no response"),
    "response": N_("Shock + response"),
}


@dataclass
class ScenarioResult:
    """What :func:`run_scenario` returns (tables ready for charts and reports)."""

    profile: CountryProfile
    shocks: list[Shock]
    responses: list[Response]
    quarters: int
    n_draws: int
    trajectories: pd.DataFrame  # variant, variant_label, quarter, outcome, outcome_label, value, low, high
    summary: pd.DataFrame  # one row per variant and metric: value, low, high
    costs: dict[str, float]
    budget: float
    averted: dict[str, float]  # central values, per response package
    averted_range: dict[str, tuple[float, float]]
    pressure: pd.DataFrame | None = None  # central pressure by channel (see pressure_table)

    @property
    def total_cost(self) -> float:
        return round(sum(self.costs.values()), 3)

    @property
    def over_budget(self) -> bool:
        return self.total_cost > self.budget + 1e-9

    def metric(self, variant: str, metric: str) -> float:
        row = self.summary[(self.summary["variant"] == variant) & (self.summary["metric"] == metric)]
        return float(row["value"].iloc[0])


METRICS: dict[str, tuple[str, str]] = {
    "people_affected": (N_("People affected at the peak (food insecure or displaced)"),
                        N_("people")),
    "lives_lost": (N_("Lives lost (children under 5 and violent deaths)"), N_("people")),
    "child_deaths": (N_("Excess deaths of children under 5"), N_("people")),
    "violent_deaths": (N_("Excess violent deaths"), N_("people")),
    "peak_displaced": (N_("People displaced or arrived, at the peak"), N_("people")),
    "income_loss": (N_("Income lost"), N_("US$ million")),
}


def _metrics(out: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {
        "people_affected": (out["extra_food_insecure"] + out["displaced"]).max(axis=1),
        "lives_lost": out["lives_lost"][:, -1],
        "child_deaths": out["excess_child_deaths"].sum(axis=1),
        "violent_deaths": out["excess_violent_deaths"].sum(axis=1),
        "peak_displaced": out["displaced"].max(axis=1),
        "income_loss": out["income_loss_usd"].sum(axis=1) / 1e6,
    }


#: The most uncertainty draws the scenario runs (each variant simulates every draw).
MAX_SCENARIO_DRAWS = 5_000


def run_scenario(
    profile: CountryProfile,
    shocks: Sequence[Shock],
    responses: Sequence[Response],
    spec: ModelSpec,
    quarters: int = 12,
    n_draws: int = 0,
    seed: int = 0,
    budget: float | None = None,
    band: tuple[float, float] = (10, 90),
) -> ScenarioResult:
    """No shock / shock / shock + response, with costs and what the response averts.

    With ``n_draws > 0`` the ``low``/``high`` columns are the ``band``
    percentiles over the draws (same draws for every variant); otherwise they
    equal the central value.

    >>> p = CountryProfile.from_values("T", population=5e6, under5_mortality=60)
    >>> res = run_scenario(p, [Shock("drought", 0.8, 2, 4)],
    ...                    [Response("social_protection", 1.0, 0)], load_model_spec())
    >>> res.metric("shock", "lives_lost") > res.metric("response", "lives_lost") > 0
    True
    >>> res.averted["lives"] > 0 and res.total_cost == 90.0
    True
    """
    quarters = check_whole_number(quarters, _("quarters"), 1, 80)
    n_draws = check_whole_number(n_draws, _("draws"), 0, MAX_SCENARIO_DRAWS)
    seed = check_whole_number(seed, _("seed"), 0, 2**32 - 1)
    if budget is not None:
        budget = check_real_number(budget, _("budget (US$ million)"), 0)
    shocks, responses = list(shocks), list(responses)
    runs = {
        "baseline": simulate(profile, [], [], spec, quarters, n_draws, seed),
        "shock": simulate(profile, shocks, [], spec, quarters, n_draws, seed),
        "response": simulate(profile, shocks, responses, spec, quarters, n_draws, seed),
    }
    central = runs if n_draws == 0 else {
        k: simulate(profile, s, r, spec, quarters, 0, seed)
        for k, (s, r) in {"baseline": ([], []), "shock": (shocks, []),
                          "response": (shocks, responses)}.items()
    }
    lo_q, hi_q = band
    T, names = quarters, list(OUTCOMES)
    value, low, high = [], [], []
    for key, out in runs.items():
        for o in names:
            mid = central[key][o][0]
            value.append(mid)
            low.append(np.percentile(out[o], lo_q, axis=0) if n_draws else mid)
            high.append(np.percentile(out[o], hi_q, axis=0) if n_draws else mid)
    n_var, n_out = len(runs), len(names)
    keys = np.array(list(runs), dtype=object)
    trajectories = pd.DataFrame({
        "variant": np.repeat(keys, n_out * T),
        "variant_label": np.repeat(np.array([_(VARIANTS[k]) for k in runs], dtype=object),
                                   n_out * T),
        "quarter": np.tile(np.arange(T), n_var * n_out),
        "outcome": np.tile(np.repeat(np.array(names, dtype=object), T), n_var),
        "outcome_label": np.tile(np.repeat(np.array([_(OUTCOMES[o][0]) for o in names],
                                                    dtype=object), T), n_var),
        "value": np.concatenate(value), "low": np.concatenate(low),
        "high": np.concatenate(high),
    })

    rows = []
    mets = {k: _metrics(out) for k, out in runs.items()}
    cmets = mets if n_draws == 0 else {k: _metrics(out) for k, out in central.items()}
    for key in runs:
        for m, (label, unit) in METRICS.items():
            arr = mets[key][m]
            rows.append((key, _(VARIANTS[key]), m, _(label), _(unit), float(cmets[key][m][0]),
                         float(np.percentile(arr, lo_q)) if n_draws else float(arr[0]),
                         float(np.percentile(arr, hi_q)) if n_draws else float(arr[0])))
    summary = pd.DataFrame(rows, columns=["variant", "variant_label", "metric", "metric_label",
                                          "unit", "value", "low", "high"])

    costs = response_costs(responses, profile, spec, quarters)
    total = sum(costs.values())
    lives = mets["shock"]["lives_lost"] - mets["response"]["lives_lost"]
    disp = mets["shock"]["peak_displaced"] - mets["response"]["peak_displaced"]
    affected = mets["shock"]["people_affected"] - mets["response"]["people_affected"]
    clives = float(cmets["shock"]["lives_lost"][0] - cmets["response"]["lives_lost"][0])
    cdisp = float(cmets["shock"]["peak_displaced"][0] - cmets["response"]["peak_displaced"][0])
    caff = float(cmets["shock"]["people_affected"][0] - cmets["response"]["people_affected"][0])
    per = (lambda x: x / total) if total > 0 else (lambda x: x * np.nan)
    averted = {
        "lives": clives, "displacement": cdisp, "people_affected": caff,
        "lives_per_musd": float(per(clives)), "displacement_per_musd": float(per(cdisp)),
    }

    def rng(arr: np.ndarray) -> tuple[float, float]:
        if n_draws == 0:
            return (float(arr[0]), float(arr[0]))
        return (float(np.percentile(arr, lo_q)), float(np.percentile(arr, hi_q)))

    averted_range = {
        "lives": rng(lives), "displacement": rng(disp), "people_affected": rng(affected),
        "lives_per_musd": rng(per(lives)), "displacement_per_musd": rng(per(disp)),
    }
    return ScenarioResult(
        profile=profile, shocks=shocks, responses=responses, quarters=quarters,
        n_draws=n_draws, trajectories=trajectories, summary=summary, costs=costs,
        budget=default_budget(profile, spec) if budget is None else float(budget),
        averted=averted, averted_range=averted_range,
        pressure=_pressure_frame(central["shock"], central["response"], quarters),
    )


def budget_message(result: ScenarioResult) -> str:
    """A sentence about the budget: within it, or by how much it is exceeded.

    >>> p = CountryProfile.from_values("T", population=1e6, gdp_pc=1000)
    >>> res = run_scenario(p, [], [Response("humanitarian_aid", 1.0, 0)], load_model_spec(),
    ...                    budget=5)
    >>> budget_message(res)
    'Over budget: the responses cost US$60 million but the budget is US$5 million. Lower a level, start later or drop a response.'
    """
    cost, budget = result.total_cost, result.budget
    if result.over_budget:
        return _("Over budget: the responses cost US${cost} million but the budget is "
                 "US${budget} million. Lower a level, start later or drop a response.").format(
            cost=musd(cost), budget=musd(budget))
    return _("The responses cost US${cost} million of a US${budget} million budget "
             "(US${left} million left).").format(cost=musd(cost), budget=musd(budget),
                                                 left=musd(budget - cost))


def musd(value: float) -> str:
    """An amount in US$ million as the lab writes it (``{:,.4g}``), in the reader's language.

    >>> musd(1234.5), musd(60)
    ('1,234', '60')
    """
    from widgets.i18n import localise_number

    text = f"{value:,.4g}"
    return text if get_language() == "en" else localise_number(text)
