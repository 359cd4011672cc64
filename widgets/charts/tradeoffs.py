"""Charts for guns and butter (lesson 05): scatter with fitted band, trajectories, reallocation.

Every builder returns an Altair chart with a ``description``. The scatter
embeds every year once and filters on the ``year`` parameter, and marks the
countries in the ``highlight`` parameter, so a year slider or a country pick
changes only parameters (no data are re-sent).

>>> import pandas as pd
>>> pts = pd.DataFrame({"iso3": ["A", "B", "C"], "name": ["A", "B", "C"], "year": [2000] * 3,
...                     "income_group": ["Low income"] * 3,
...                     "milex_gdp": [1.0, 2.0, 3.0], "under5_mortality": [30.0, 20.0, 10.0]})
>>> bands = pd.DataFrame({"year": [2000, 2000], "group": ["All countries"] * 2,
...                       "x": [1.0, 3.0], "fit": [30.0, 10.0], "lower": [25.0, 8.0],
...                       "upper": [35.0, 12.0]})
>>> spec = spending_scatter(pts, bands, "milex_gdp", "under5_mortality", 2000, ["A"]).to_dict()
>>> sorted(p["name"] for p in spec["params"])
['grouped', 'highlight', 'year']
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from widgets.charts import OKABE_ITO, describe, json_data
from widgets.charts._templates import spec_template
from widgets.tradeoffs import LOG_SCALE_INDICATORS

__all__ = ["change_chart", "reallocation_chart", "spending_explorer", "spending_over_time",
           "spending_scatter"]

INCOME_ORDER = ["Low income", "Lower middle income", "Upper middle income", "High income"]


def _label(indicator: str) -> tuple[str, str]:
    """(axis title with unit, short label) from the catalogue, with a fallback."""
    try:
        from widgets.data import indicator_info

        info = indicator_info(indicator)
        return f"{info.short_label} ({info.unit})", info.short_label
    except Exception:  # noqa: BLE001 - charts must build on synthetic test data too
        return indicator, indicator


def _scale_args(values: pd.Series | None, log: bool) -> dict:
    """Scale settings: log for skewed indicators; a fixed domain (all years) keeps
    axes still on Play.

    >>> _scale_args(pd.Series([1.0, 3.0]), log=False)["domain"]
    [0.94, 3.06]
    """
    args: dict = {"type": "log"} if log else {"zero": False}
    if values is not None:
        v = values[values > 0] if log else values
        v = v.dropna()
        if not v.empty:
            lo, hi = float(v.min()), float(v.max())
            args["domain"] = [lo * 0.9, hi * 1.1] if log else [lo - 0.03 * (hi - lo),
                                                              hi + 0.03 * (hi - lo)]
            args["nice"] = False
    return args


def _scale(indicator: str, values: pd.Series | None = None, log: bool | None = None
           ) -> alt.Scale:
    log = indicator in LOG_SCALE_INDICATORS if log is None else log
    return alt.Scale(**_scale_args(values, log))


#: Name of the fitted lines' data in the spending charts (swapped by ``set_data``).
BANDS_NAME = "spending_bands"
_ALL_DOTS, _ALL_LINE = "All countries", "Fitted line, all countries"
_GROUP_SCALE = alt.Scale(domain=[*INCOME_ORDER, _ALL_DOTS, _ALL_LINE],
                         range=[*OKABE_ITO[:4], OKABE_ITO[0], "#555555"])
# The legend lists the income groups only when they are coloured.
_GROUP_LEGEND = alt.Legend(values=alt.ExprRef(f"grouped ? {list(INCOME_ORDER)} : []"),
                           titleOpacity=alt.ExprRef("grouped ? 1 : 0"))


def band_table(bands: pd.DataFrame) -> pd.DataFrame:
    """The fitted lines as the spending charts embed them (data :data:`BANDS_NAME`).

    >>> band_table(pd.DataFrame({"year": [2000], "group": ["All countries"], "x": [1.23456],
    ...                          "fit": [2.0], "lower": [1.0], "upper": [3.0]}))["xv"].tolist()
    [1.2346]
    """
    b = bands.rename(columns={"x": "xv"}).round({"xv": 4, "fit": 4, "lower": 4, "upper": 4})
    return b.reset_index(drop=True)


def spending_scatter(
    points: pd.DataFrame,
    bands: pd.DataFrame,
    x: str,
    y: str,
    year: int,
    highlight: list[str],
    by_group: bool = False,
    description: str = "",
    params: bool = True,
    own_data: bool = True,
    labels: tuple[str, str, str, str] | None = None,
    logs: tuple[bool, bool] | None = None,
) -> alt.LayerChart:
    """Countries as points (``x`` against ``y``), the fitted line and its 95% band.

    Parameters
    ----------
    points : ``iso3, name, year, income_group, x, y`` for every year (filtered in Vega).
    bands : from :func:`widgets.tradeoffs.fits_by_year` (``year, group, x, fit, lower, upper``).
    year : initial value of the ``year`` parameter.
    highlight : ISO3 codes marked and labelled (initial value of ``highlight``).
    by_group : colour by income group and draw one fitted line per group.
    params : declare the ``year`` and ``highlight`` parameters here (set False
        when a parent chart declares them).
    own_data : embed ``points`` here (set False when a parent chart embeds them).
    labels, logs : (x title, x short label, y title, y short label) and (x on a
        log scale, y on a log scale); by default from the catalogue.
    """
    x_title, x_short, y_title, y_short = labels or (*_label(x), *_label(y))
    x_log, y_log = logs or (x in LOG_SCALE_INDICATORS, y in LOG_SCALE_INDICATORS)
    year_param = alt.param(name="year", value=int(year))
    hl_param = alt.param(name="highlight", value=list(highlight))
    pts = points[["iso3", "name", "year", "income_group", x, y]]
    pts = pts.rename(columns={x: "xv", y: "yv"})
    both = pts.dropna(subset=["xv", "yv"])
    xscale, yscale = _scale(x, both["xv"], x_log), _scale(y, both["yv"], y_log)
    base = alt.Chart().transform_filter(
        "datum.year == year && isValid(datum.xv) && isValid(datum.yv)"
        + (" && datum.xv > 0" if x_log else "")
        + (" && datum.yv > 0" if y_log else ""))
    xenc = alt.X("xv:Q", title=x_title, scale=xscale)
    yenc = alt.Y("yv:Q", title=y_title, scale=yscale)
    tooltip = [alt.Tooltip("name:N", title="Country"), alt.Tooltip("year:O", title="Year"),
               alt.Tooltip("xv:Q", title=x_short, format=",.3~g"),
               alt.Tooltip("yv:Q", title=y_short, format=",.3~g"),
               alt.Tooltip("income_group:N", title="Income group")]
    # Colour by income group or not is the parameter ``grouped``, so the checkbox
    # swaps the fitted lines (named data BANDS_NAME) instead of rebuilding the chart.
    # One colour scale serves the dots and the lines: a group's colour, or blue
    # dots and a grey line when the countries are not grouped.
    colour = alt.Color("ckey:N", title="Income group (World Bank)", scale=_GROUP_SCALE,
                       legend=_GROUP_LEGEND)
    dots = base.transform_calculate(
        ckey=f"grouped ? datum.income_group : '{_ALL_DOTS}'").mark_circle(
        opacity=0.55, size=45).encode(x=xenc, y=yenc, color=colour, tooltip=tooltip)
    marked = base.transform_filter("indexof(highlight, datum.iso3) >= 0")
    rings = marked.mark_point(size=160, strokeWidth=2.5, color="#000000", filled=False).encode(
        x=xenc, y=yenc, tooltip=tooltip)
    labels = marked.mark_text(align="left", dx=9, dy=-6, fontSize=12, fontWeight="bold").encode(
        x=xenc, y=yenc, text="name:N")
    b = band_table(bands)
    # Tables go in as JSON text: Altair then skips validating thousands of values.
    band_base = alt.Chart(json_data(b, double_precision=6, name=BANDS_NAME)).transform_filter(
        "datum.year == year").transform_calculate(
        ckey=f"grouped ? datum.group : '{_ALL_LINE}'")
    band_colour = alt.Color("ckey:N", title="Income group (World Bank)", scale=_GROUP_SCALE,
                            legend=_GROUP_LEGEND)
    area = band_base.mark_area(opacity=0.18, clip=True).encode(
        x=alt.X("xv:Q", scale=xscale), y=alt.Y("lower:Q", scale=yscale), y2="upper:Q",
        color=band_colour, detail="group:N")
    line = band_base.mark_line(strokeWidth=2, clip=True).encode(
        x=alt.X("xv:Q", scale=xscale), y=alt.Y("fit:Q", scale=yscale), color=band_colour,
        detail="group:N")
    chart = alt.layer(area, dots, line, rings, labels,
                      data=(json_data(pts.reset_index(drop=True), double_precision=6)
                            if own_data else alt.Undefined))
    if params:
        chart = chart.add_params(year_param, hl_param,
                                 alt.param(name="grouped", value=bool(by_group)))
    chart = chart.properties(
        width=560, height=360,
        title=alt.Title(f"{y_short} against {x_short}",
                        subtitle="Each dot is a country; line = fitted relationship, "
                                 "shaded = 95% confidence band"))
    return describe(chart, description or f"Scatter of {y_short} against {x_short}.")


def spending_over_time(
    points: pd.DataFrame, x: str, y: str, year: int, highlight: list[str],
    labels: tuple[str, str, str, str] | None = None,
) -> alt.VConcatChart:
    """Two line charts for the highlighted countries: ``x`` over time, then ``y``.

    ``points`` holds ``iso3, name, year, xv, yv`` for every country (filtered in
    Vega on the ``highlight`` parameter); a dashed rule marks the ``year``
    parameter. The data are embedded on the returned chart.
    """
    x_title, x_short, y_title, y_short = labels or (*_label(x), *_label(y))
    colour = alt.Color("name:N", title="Highlighted countries", scale=alt.Scale(range=OKABE_ITO),
                       legend=alt.Legend(orient="top", direction="horizontal"))
    base = alt.Chart().transform_filter("indexof(highlight, datum.iso3) >= 0")

    def one(col: str, title: str, short: str) -> alt.LayerChart:
        line = base.transform_filter(f"isValid(datum.{col})").mark_line(
            point=alt.OverlayMarkDef(size=18)).encode(
            x=alt.X("year:Q", title="Year", axis=alt.Axis(format="d"),
                    scale=alt.Scale(domain=[1990, 2024])),
            y=alt.Y(f"{col}:Q", title=title, scale=alt.Scale(zero=False)),
            color=colour, strokeDash=alt.StrokeDash("name:N", legend=None),
            tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("year:Q", title="Year"),
                     alt.Tooltip(f"{col}:Q", title=short, format=",.3~g")])
        rule = alt.Chart(pd.DataFrame({"rule": [0]})).mark_rule(
            color="#777", strokeDash=[4, 3]).encode(x=alt.datum(alt.expr("year"),
                                                                 type="quantitative"))
        return alt.layer(line, rule).properties(width=560, height=140)

    return alt.vconcat(one("xv", x_title, x_short), one("yv", y_title, y_short),
                       data=json_data(points.reset_index(drop=True), double_precision=6))


def spending_explorer(
    points: pd.DataFrame,
    bands: pd.DataFrame,
    x: str,
    y: str,
    year: int,
    highlight: list[str],
    by_group: bool = False,
    description: str = "",
    labels: tuple[str, str, str, str] | None = None,
    logs: tuple[bool, bool] | None = None,
) -> alt.VConcatChart:
    """The scatter for one year above the highlighted countries over time.

    One chart, one embedded copy of the data: the ``year`` and ``highlight``
    parameters drive both parts, so moving the year or changing the countries
    needs no new data.

    >>> import pandas as pd
    >>> pts = pd.DataFrame({"iso3": ["A", "B", "C"], "name": ["A", "B", "C"],
    ...                     "year": [2000] * 3, "income_group": ["Low income"] * 3,
    ...                     "milex_gdp": [1.0, 2, 3], "life_expectancy": [60.0, 62, 65]})
    >>> spec = spending_explorer(pts, pd.DataFrame(columns=["year", "group", "x", "fit",
    ...     "lower", "upper"]), "milex_gdp", "life_expectancy", 2000, ["B"]).to_dict()
    >>> len(spec["vconcat"]), len(spec["datasets"]) <= 3
    (2, True)
    """
    pts = points[["iso3", "name", "year", "income_group", x, y]].dropna(subset=[x, y], how="all")
    pts = pts.rename(columns={x: "xv", y: "yv"}).reset_index(drop=True)
    scatter = spending_scatter(pts.rename(columns={"xv": x, "yv": y}), bands, x, y, year,
                               highlight, by_group, params=False, own_data=False,
                               labels=labels, logs=logs)
    lines = spending_over_time(pts, x, y, year, highlight, labels=labels)
    lines.data = alt.Undefined
    chart = alt.vconcat(scatter, lines, data=json_data(pts, double_precision=6)).add_params(
        alt.param(name="year", value=int(year)),
        alt.param(name="highlight", value=list(highlight)),
        alt.param(name="grouped", value=bool(by_group)),
    ).resolve_scale(color="independent", strokeDash="independent").properties(spacing=24)
    return describe(chart, description or "Scatter and lines over time.")


_SENTINELS = ("\u0000xt\u0000", "\u0000xs\u0000", "\u0000yt\u0000", "\u0000ys\u0000")


def _template_inputs() -> tuple[pd.DataFrame, pd.DataFrame]:
    pts = pd.DataFrame({"iso3": ["A", "B"], "name": ["A", "B"], "year": [2000, 2000],
                        "income_group": ["Low income"] * 2, "__x": [1.0, 2.0],
                        "__y": [10.0, 20.0]})
    bands = pd.DataFrame({"year": [2000], "group": ["All countries"], "x": [1.5],
                          "fit": [15.0], "lower": [12.0], "upper": [18.0]})
    return pts, bands


def _explorer_parts(points: pd.DataFrame, bands: pd.DataFrame, x: str, y: str,
                    x_log: bool, y_log: bool) -> dict:
    """The embedded texts and axis domains of a spending explorer, as its builders make them."""
    pts = points[["iso3", "name", "year", "income_group", x, y]].dropna(subset=[x, y], how="all")
    pts = pts.rename(columns={x: "xv", y: "yv"}).reset_index(drop=True)
    both = pts.dropna(subset=["xv", "yv"])
    # (the same text json_data embeds)
    return {"points": pts.to_json(orient="records", double_precision=6),
            "bands": band_table(bands).to_json(orient="records", double_precision=6),
            "x_domain": _scale_args(both["xv"], x_log).get("domain"),
            "y_domain": _scale_args(both["yv"], y_log).get("domain")}


def _explorer_template(x_log: bool, y_log: bool) -> str:
    """The explorer spec for one kind of pair (which axes are log scales), as JSON text."""

    def build() -> dict:
        pts, bands = _template_inputs()
        return spending_explorer(pts, bands, "__x", "__y", 2000, [], False,
                                 labels=_SENTINELS, logs=(x_log, y_log)).to_dict()

    return spec_template("spending", (x_log, y_log), build, __file__)


def spending_explorer_spec(points: pd.DataFrame, bands: pd.DataFrame, x: str, y: str,
                           year: int, highlight: list[str], by_group: bool = False) -> dict:
    """Exactly ``spending_explorer(...).to_dict()``, in milliseconds instead of ~1 s.

    Altair copies the whole chart at every step of building it. The spec only
    differs between indicator pairs in its data, titles and axis domains, so
    these are filled into a template built once per kind of pair (log or
    linear axes; grouping by income is a parameter). The tests check the
    result equals the Altair build.
    """
    x_log, y_log = x in LOG_SCALE_INDICATORS, y in LOG_SCALE_INDICATORS
    real = _explorer_parts(points, bands, x, y, x_log, y_log)
    if real["x_domain"] is None or real["y_domain"] is None:  # no complete row: build it
        return spending_explorer(points, bands, x, y, year, highlight, by_group).to_dict()
    template = json.loads(_explorer_template(x_log, y_log))
    t_pts, t_bands = _template_inputs()
    fake = _explorer_parts(t_pts, t_bands, "__x", "__y", x_log, y_log)
    swaps = {json.dumps(fake[k]): real[k] for k in ("x_domain", "y_domain")}
    texts = dict(zip(_SENTINELS, (*_label(x), *_label(y)), strict=True))
    data_swaps = {fake["points"]: real["points"], fake["bands"]: real["bands"]}

    def fill(node):
        if isinstance(node, dict):
            return {k: fill(v) for k, v in node.items()}
        if isinstance(node, list):
            key = json.dumps(node)
            if key in swaps:
                return swaps[key]
            return [fill(v) for v in node]
        if isinstance(node, str):
            if node in data_swaps:
                return data_swaps[node]
            if "\u0000" in node:
                for sentinel, text in texts.items():
                    node = node.replace(sentinel, text)
            return node
        return node

    spec = fill(template)
    values = {"year": int(year), "highlight": list(highlight), "grouped": bool(by_group)}
    spec["params"] = [dict(p, value=values[p["name"]]) for p in spec["params"]]
    return spec


def change_chart(changes: pd.DataFrame, start: int, end: int, label: str,
                 description: str = "") -> alt.LayerChart:
    """A dumbbell chart: each country's value in ``start`` (hollow) and ``end`` (filled).

    ``changes`` comes from :func:`widgets.tradeoffs.change_between` and needs a
    ``name`` column.

    >>> import pandas as pd
    >>> c = pd.DataFrame({"iso3": ["A"], "name": ["A"], "start_value": [3.0],
    ...                   "end_value": [2.0], "change": [-1.0]})
    >>> change_chart(c, 1990, 2000, "Military spending % GDP").to_dict()["description"]
    'Military spending % GDP in 1990 and 2000.'
    """
    d = changes[["iso3", "name", "start_value", "end_value", "change"]].round(3)
    y = alt.Y("name:N", title=None, sort=alt.EncodingSortField("change", order="ascending"))
    tip = [alt.Tooltip("name:N", title="Country"),
           alt.Tooltip("start_value:Q", title=str(start), format=",.3~g"),
           alt.Tooltip("end_value:Q", title=str(end), format=",.3~g"),
           alt.Tooltip("change:Q", title="Change", format="+,.3~g")]
    base = alt.Chart(d)
    rule = base.mark_rule(color="#999").encode(
        y=y, x=alt.X("start_value:Q", title=label), x2="end_value:Q", tooltip=tip)
    a = base.mark_point(filled=False, size=60, color=OKABE_ITO[0]).encode(
        y=y, x="start_value:Q", tooltip=tip)
    b = base.mark_point(filled=True, size=60, color=OKABE_ITO[5], shape="diamond").encode(
        y=y, x="end_value:Q", tooltip=tip)
    chart = alt.layer(rule, a, b).properties(
        width=480, height=alt.Step(14),
        title=alt.Title(f"{label}: {start} → {end}",
                        subtitle=f"Hollow circle = {start}, filled diamond = {end}; "
                                 "sorted from the largest fall to the largest rise"))
    return describe(chart, description or f"{label} in {start} and {end}.")


def reallocation_chart(
    inputs: pd.DataFrame, country: str, target: str, share_pct: float, description: str = ""
) -> alt.Chart:
    """Bars: spending per person now and after moving ``share`` % of military spending.

    ``inputs`` has one row per country and target sector: ``iso3, name, target,
    year, military_pp, target_pp`` (US$ per person). The chart filters on the
    ``country`` and ``target`` parameters and computes the shift from the
    ``share`` parameter in Vega, so the calculator's controls only set
    parameters. The arithmetic is the same as :func:`widgets.tradeoffs.reallocate`:
    military after = military × (1 − share/100); target after = target + military × share/100.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"iso3": ["KEN"], "name": ["Kenya"], "target": ["Health"],
    ...                   "year": [2022], "military_pp": [20.0], "target_pp": [90.0]})
    >>> spec = reallocation_chart(t, "KEN", "Health", 10).to_dict()
    >>> sorted(p["name"] for p in spec["params"])
    ['country', 'share', 'target']
    """
    d = inputs[["iso3", "name", "target", "year", "military_pp", "target_pp"]].round(
        {"military_pp": 2, "target_pp": 2}).reset_index(drop=True)
    chart = alt.Chart(d).transform_filter(
        "datum.iso3 == country && datum.target == target"
    ).transform_calculate(
        military_after="datum.military_pp * (1 - share / 100)",
        target_after="datum.target_pp + datum.military_pp * share / 100",
    ).transform_fold(
        ["military_pp", "military_after", "target_pp", "target_after"], as_=["key", "usd"]
    ).transform_calculate(
        sector="indexof(datum.key, 'military') == 0 ? 'Military' : datum.target",
        when="(datum.key == 'military_pp' || datum.key == 'target_pp') ? 'Now' : 'After the shift'",
    ).mark_bar().encode(
        y=alt.Y("when:N", title=None, sort=["Now", "After the shift"]),
        x=alt.X("usd:Q", title="US$ per person per year (current prices)"),
        color=alt.Color("when:N", title=None, sort=["Now", "After the shift"],
                        scale=alt.Scale(domain=["Now", "After the shift"],
                                        range=[OKABE_ITO[4], OKABE_ITO[0]])),
        row=alt.Row("sector:N", title=None, sort=["Military"],
                    header=alt.Header(labelAngle=0, labelAlign="left")),
        tooltip=[alt.Tooltip("name:N", title="Country"), alt.Tooltip("year:O", title="Year"),
                 alt.Tooltip("sector:N", title="Sector"), alt.Tooltip("when:N", title="When"),
                 alt.Tooltip("usd:Q", title="US$ per person", format=",.2f")],
    ).add_params(
        alt.param(name="country", value=country),
        alt.param(name="target", value=target),
        alt.param(name="share", value=float(share_pct)),
    ).properties(width=420, height=50,
                 title=alt.Title("Spending per person before and after the shift",
                                 subtitle="Light bar = now; dark bar = after moving the "
                                          "chosen share of military spending"))
    return describe(chart, description or "Spending per person before and after the shift.")
