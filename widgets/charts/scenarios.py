"""Charts for the scenario exercise (lesson 10): trajectories, cascades, summary, teams.

The trajectory and summary charts embed every outcome (or metric) once and
filter on a parameter (``outcome`` / ``metric``), so choosing what to look at
changes only a parameter; a new scenario or country swaps the rows (and the
``place`` named in the title) into the chart on screen.

>>> import pandas as pd
>>> from widgets.scenarios import CountryProfile, Shock, load_model_spec, run_scenario
>>> res = run_scenario(CountryProfile.from_values("T"), [Shock("flood", 0.6, 1, 2)], [],
...                    load_model_spec(), quarters=6)
>>> spec = trajectory_chart(res.trajectories, "displaced", "T").to_dict()
>>> [p["name"] for p in spec["params"]]
['outcome', 'place']
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from widgets.charts import OKABE_ITO, Y_LABEL_ROOM, colour_scale, describe, format_value
from widgets.i18n import N_, _, localise_number, ngettext
from widgets.scenarios import CHANNEL_LABELS, METRICS, OUTCOMES, TEACHING_LABEL, VARIANTS, musd

__all__ = ["pressure_chart", "pressure_description", "summary_chart", "summary_description",
           "team_chart", "trajectory_chart", "trajectory_description"]

#: Variant colours: grey-blue baseline, vermillion shock, bluish green with response
#: (keyed by the English label; :func:`_variant_scale` uses the reader's language).
VARIANT_COLOURS = {"No shock": "#0072B2", "Shock, no response": "#D55E00",
                   "Shock + response": "#009E73"}


def _variant_scale() -> alt.Scale:
    """The variants' colours, for the labels in the reader's language."""
    return alt.Scale(domain=[_(N_(v)) for v in VARIANT_COLOURS],
                     range=list(VARIANT_COLOURS.values()))


def _title_expr(param: str, labels: dict[str, str]) -> str:
    """A Vega expression choosing a title from a parameter's value (texts quoted as JSON)."""
    parts = [f"{param} == {json.dumps(k)} ? {json.dumps(v)}" for k, v in labels.items()]
    return " : ".join(parts) + " : ''"


def _with_place(template: str) -> str:
    """A Vega expression for a translated sentence with a ``{place}`` filled by the parameter.

    >>> _with_place("Pressure in {place}, by quarter")
    '"Pressure in " + place + ", by quarter"'
    """
    before, _sep, after = template.partition("{place}")
    return f"{json.dumps(before)} + place + {json.dumps(after)}"


def trajectory_description(trajectories: pd.DataFrame, outcome: str, country: str) -> str:
    """A sentence about one outcome's trajectories: peak under the shock, with the response.

    >>> df = pd.DataFrame({"variant": ["baseline", "shock", "response"] * 2,
    ...     "outcome": ["displaced"] * 6, "quarter": [0, 0, 0, 1, 1, 1],
    ...     "value": [0, 10, 5, 0, 100, 40], "low": [0] * 6, "high": [0] * 6})
    >>> trajectory_description(df, "displaced", "T")
    'T, people displaced or newly arrived: no change without a shock; under the shock it peaks at 100 people in quarter 1; with the response, 40 people. Teaching model, not a forecast: the numbers show how the assumptions play out, not what will happen.'
    """
    label, unit = _(OUTCOMES[outcome][0]), OUTCOMES[outcome][1]  # format_value translates units
    mask = trajectories["outcome"].to_numpy() == outcome
    variant = trajectories["variant"].to_numpy()[mask]
    values = trajectories["value"].to_numpy()[mask]
    quarters = trajectories["quarter"].to_numpy()[mask]
    base = values[variant == "baseline"]
    shock = dict(zip(quarters[variant == "shock"].tolist(), values[variant == "shock"].tolist(),
                     strict=True))
    resp = dict(zip(quarters[variant == "response"].tolist(),
                    values[variant == "response"].tolist(), strict=True))
    worse_is_lower = outcome == "gdp_pc"
    q = (min if worse_is_lower else max)(shock, key=shock.get)
    flat = len(set(base.tolist())) <= 1
    values = {"country": country, "outcome": label[0].lower() + label[1:],
              "shock": format_value(shock[q], unit), "quarter": q,
              "response": format_value(resp[q], unit)}
    if worse_is_lower:
        text = (_("{country}, {outcome}: no change without a shock; under the shock it falls to "
                  "{shock} in quarter {quarter}; with the response, {response}.") if flat else
                _("{country}, {outcome}: the baseline moves; under the shock it falls to "
                  "{shock} in quarter {quarter}; with the response, {response}."))
    else:
        text = (_("{country}, {outcome}: no change without a shock; under the shock it peaks at "
                  "{shock} in quarter {quarter}; with the response, {response}.") if flat else
                _("{country}, {outcome}: the baseline moves; under the shock it peaks at "
                  "{shock} in quarter {quarter}; with the response, {response}."))
    return f"{text.format(**values)} {_(TEACHING_LABEL)}"


def trajectory_chart(trajectories: pd.DataFrame, outcome: str, country: str,
                     description: str | None = None, bands: bool = True) -> alt.LayerChart:
    """Lines for no shock / shock / shock + response over quarters, with uncertainty bands.

    ``trajectories`` is :attr:`widgets.scenarios.ScenarioResult.trajectories`;
    ``outcome`` is the initial value of the ``outcome`` parameter.
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"Unknown outcome {outcome!r}")  # i18n: not text
    data = trajectories[["variant_label", "quarter", "outcome", "value", "low", "high"]]
    param = alt.param(name="outcome", value=outcome)
    colour = alt.Color("variant_label:N", title=_("Scenario"), scale=_variant_scale(),
                       legend=alt.Legend(orient="bottom"))
    base = alt.Chart(data).transform_filter(f"datum.outcome == {param.name}")
    x = alt.X("quarter:Q", title=_("Quarter (3 months) from the start of the exercise"),
              axis=alt.Axis(tickMinStep=1, format="d"))
    y_title = {k: f"{_(v[0])} ({_(v[1])})" for k, v in OUTCOMES.items()}
    # room for the widest labels (millions of people) from the first drawing: an axis
    # that widens after an update is cut off on the left, not laid out again
    y = alt.Y("value:Q", title=_("Value (see the chart title for the unit)"),
              scale=alt.Scale(zero=False), axis=alt.Axis(minExtent=Y_LABEL_ROOM))
    tooltip = [alt.Tooltip("variant_label:N", title=_("Scenario")),
               alt.Tooltip("quarter:Q", title=_("Quarter")),
               alt.Tooltip("value:Q", title=_("Central value"), format=",.4~g"),
               alt.Tooltip("low:Q", title=_("Low (10th percentile)"), format=",.4~g"),
               alt.Tooltip("high:Q", title=_("High (90th percentile)"), format=",.4~g")]
    lines = base.mark_line(point=True, strokeWidth=2.5).encode(
        x=x, y=y, color=colour, tooltip=tooltip)
    layers = [lines]
    if bands:
        band = base.mark_area(opacity=0.18).encode(x=x, y="low:Q", y2="high:Q", color=colour)
        layers.insert(0, band)
    # The country is the parameter ``place`` (in the title), so another country's
    # results are swapped into the chart on screen.
    place = alt.param(name="place", value=country)
    chart = alt.layer(*layers).add_params(param, place).properties(
        width=560, height=300,
        title=alt.Title(alt.expr(f"({_title_expr(param.name, y_title)}) + ' — ' + place"),
                        subtitle=_(TEACHING_LABEL)),
    )
    text = description or trajectory_description(trajectories, outcome, country)
    return describe(chart, text)


def pressure_chart(pressure: pd.DataFrame, country: str) -> alt.Chart:
    """Heat map of pressure on each channel by quarter: the cascade, with and without response.

    >>> from widgets.scenarios import CountryProfile, Shock, load_model_spec, pressure_table
    >>> t = pressure_table(CountryProfile.from_values("T"), [Shock("economic", 1, 0, 1)], [],
    ...                    load_model_spec(), 4)
    >>> pressure_chart(t, "T").to_dict()["mark"]["type"]
    'rect'
    """
    chart = alt.Chart(pressure).mark_rect(stroke="white", strokeWidth=0.5).encode(
        x=alt.X("quarter:O", title=_("Quarter"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("channel_label:N", title=None, sort=[_(v) for v in CHANNEL_LABELS.values()]),
        color=alt.Color("pressure:Q", title=_("Pressure (0 = none)"),
                        scale=colour_scale("higher_is_worse", domain=[0, 1.5], clamp=True)),
        row=alt.Row("variant_label:N", title=None, sort=[_(VARIANTS["shock"]),
                                                         _(VARIANTS["response"])]),
        tooltip=[alt.Tooltip("variant_label:N", title=_("Scenario")),
                 alt.Tooltip("channel_label:N", title=_("Channel")),
                 alt.Tooltip("quarter:O", title=_("Quarter")),
                 alt.Tooltip("pressure:Q", title=_("Pressure"), format=".2f")],
    ).properties(width=520, height=130, title=alt.Title(
        alt.expr(_with_place(_("Where the pressure goes, quarter by quarter — {place}"))),
        subtitle=_("Pressure of 1.5 or more has the darkest colour.") + " " + _(TEACHING_LABEL))
    ).add_params(alt.param(name="place", value=country))
    return describe(chart, pressure_description(pressure, country))


def pressure_description(pressure: pd.DataFrame, country: str) -> str:
    """Where and when the pressure is highest without a response.

    >>> df = pd.DataFrame({"variant": ["shock", "shock"], "channel_label": ["Food security",
    ...     "Displacement"], "quarter": [2, 3], "pressure": [0.5, 0.2]})
    >>> pressure_description(df, "T")[:60]
    'T: without a response, the highest pressure is on food secur'
    """
    shock = pressure.loc[pressure["variant"] == "shock"]
    top = shock.loc[shock["pressure"].idxmax()] if len(shock) else None
    if top is None or float(top["pressure"]) <= 0:
        return _("{country}: no shock is selected, so there is no pressure on any "
                 "channel.").format(country=country)
    return _("{country}: without a response, the highest pressure is on {channel} in quarter "
             "{quarter} ({pressure}); cascades carry pressure to other channels in later "
             "quarters. Darker means more pressure.").format(
        country=country, channel=top["channel_label"].lower(), quarter=int(top["quarter"]),
        pressure=localise_number(f"{top['pressure']:.2f}"))


def summary_chart(summary: pd.DataFrame, metric: str, country: str) -> alt.LayerChart:
    """Bars per scenario for one metric (``metric`` parameter), with the uncertainty range."""
    data = summary[["variant_label", "metric", "value", "low", "high"]]
    param = alt.param(name="metric", value=metric)
    base = alt.Chart(data).transform_filter(f"datum.metric == {param.name}")
    y = alt.Y("variant_label:N", title=None, sort=[_(v) for v in VARIANTS.values()])
    bars = base.mark_bar(height=26).encode(
        x=alt.X("value:Q", title=_("People (or US$ million for income lost)")),
        y=y,
        color=alt.Color("variant_label:N", legend=None, scale=_variant_scale()),
        tooltip=[alt.Tooltip("variant_label:N", title=_("Scenario")),
                 alt.Tooltip("value:Q", title=_("Central value"), format=",.0f"),
                 alt.Tooltip("low:Q", title=_("Low"), format=",.0f"),
                 alt.Tooltip("high:Q", title=_("High"), format=",.0f")])
    rules = base.mark_rule(color="#000", strokeWidth=1.5).encode(x="low:Q", x2="high:Q", y=y)
    labels = {k: _(v[0]) for k, v in METRICS.items()}
    chart = alt.layer(bars, rules).add_params(param).properties(
        width=520, height=120,
        title=alt.Title(alt.expr(_title_expr(param.name, labels)),
                        subtitle=_("Black lines: range over the uncertain assumptions (10th–90th "
                                   "percentile).")))
    return describe(chart, summary_description(summary, metric, country))


def summary_description(summary: pd.DataFrame, metric: str, country: str) -> str:
    """One metric under the shock, without and with the response.

    >>> df = pd.DataFrame({"variant": ["shock", "response"], "metric": ["lives_lost"] * 2,
    ...                    "value": [100.0, 60.0]})
    >>> summary_description(df, "lives_lost", "T").split(". ")[0]
    'T, lives lost (children under 5 and violent deaths): 100 people under the shock without a response, 60 people with the response'
    """
    mask = summary["metric"].to_numpy() == metric
    row = dict(zip(summary["variant"].to_numpy()[mask].tolist(),
                   summary["value"].to_numpy()[mask].tolist(), strict=True))
    label, unit = _(METRICS[metric][0]), METRICS[metric][1]  # format_value translates units
    return _("{country}, {metric}: {shock} under the shock without a response, {response} with "
             "the response.").format(
        country=country, metric=label[0].lower() + label[1:],
        shock=format_value(row["shock"], unit),
        response=format_value(row["response"], unit)) + " " + _(TEACHING_LABEL)


def team_chart(table: pd.DataFrame) -> alt.Chart:
    """Teams side by side: lives averted, displacement averted and cost (debrief dashboard).

    >>> df = pd.DataFrame({"team": ["A", "B"], "lives_averted": [10.0, 5.0],
    ...     "displacement_averted": [1000.0, 3000.0], "cost_musd": [20.0, 5.0]})
    >>> team_chart(df).to_dict()["facet"]["column"]["field"]
    'measure'
    """
    measures = {"lives_averted": _("Lives averted"),
                "displacement_averted": _("Displacement averted"),
                "cost_musd": _("Cost (US$ million)")}
    if table.empty:
        long = pd.DataFrame(columns=["team", "measure", "value"])
    else:
        long = table.melt(id_vars="team", value_vars=list(measures), var_name="key",
                          value_name="value")
        long["measure"] = long["key"].map(measures)
        long = long[["team", "measure", "value"]]
    chart = alt.Chart(long).mark_bar().encode(
        x=alt.X("value:Q", title=None),
        y=alt.Y("team:N", title=None),
        color=alt.Color("team:N", legend=None, scale=alt.Scale(range=OKABE_ITO)),
        tooltip=[alt.Tooltip("team:N", title=_("Team")),
                 alt.Tooltip("measure:N", title=_("Measure")),
                 alt.Tooltip("value:Q", title=_("Value"), format=",.0f")],
    ).properties(width=190, height=alt.Step(24)).facet(
        column=alt.Column("measure:N", title=None, sort=list(measures.values()))
    ).resolve_scale(x="independent").properties(
        title=alt.Title(_("Teams compared"), subtitle=_(TEACHING_LABEL)))
    if table.empty:
        text = _("No team has saved a plan yet.")
    else:
        best = table.sort_values("lives_averted", ascending=False).iloc[0]
        cheapest = table.sort_values("cost_musd").iloc[0]
        text = (ngettext("{n} team(s) compared.", "{n} team(s) compared.", len(table)).format(
                    n=len(table)) + " "
                + _("Most lives averted: {best} ({lives}); lowest cost: {cheapest} (US${cost} "
                    "million).").format(best=best["team"],
                                        lives=localise_number(f"{best['lives_averted']:,.0f}"),
                                        cheapest=cheapest["team"],
                                        cost=musd(float(cheapest["cost_musd"])))
                + " " + _(TEACHING_LABEL))
    return describe(chart, text)
