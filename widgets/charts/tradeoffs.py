"""Charts for guns and butter (lesson 05): scatter with fitted band, trajectories, reallocation.

Every builder returns an Altair chart with a ``description``. The explorer
embeds every indicator of every year once and is driven by parameters: the
``year`` filters the rows, ``highlight`` marks countries, and the pair of
indicators on the axes (:func:`pair_params`: columns, log or linear axes,
domains, ticks, titles) is chosen by parameters too. A year, a country or
another pair then sends no rows but the pair's fitted lines.

>>> import pandas as pd
>>> pts = pd.DataFrame({"iso3": ["A", "B", "C"], "name": ["A", "B", "C"], "year": [2000] * 3,
...                     "income_group": ["Low income"] * 3,
...                     "milex_gdp": [1.0, 2.0, 3.0], "under5_mortality": [30.0, 20.0, 10.0]})
>>> bands = pd.DataFrame({"year": [2000, 2000], "group": ["All countries"] * 2,
...                       "x": [1.0, 3.0], "fit": [30.0, 10.0], "lower": [25.0, 8.0],
...                       "upper": [35.0, 12.0]})
>>> spec = spending_explorer(pts, bands, "milex_gdp", "under5_mortality", 2000, ["A"]).to_dict()
>>> sorted(p["name"] for p in spec["params"])[:5]
['grouped', 'highlight', 'x_domain', 'x_field', 'x_log']
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from functools import lru_cache

import altair as alt
import pandas as pd

from widgets.charts import OKABE_ITO, describe, json_data, nice_ticks
from widgets.charts._templates import spec_template
from widgets.i18n import _, get_language
from widgets.tradeoffs import LOG_SCALE_INDICATORS

__all__ = ["change_chart", "explorer_tables", "pair_params", "reallocation_chart",
           "spending_explorer", "spending_explorer_spec", "spending_over_time",
           "spending_scatter", "titles_as_params"]

INCOME_ORDER = ["Low income", "Lower middle income", "Upper middle income", "High income"]


def _label(indicator: str) -> tuple[str, str, str]:
    """(axis title with unit, short label, unit) from the catalogue, with a fallback."""
    try:
        from widgets.data import indicator_info

        info = indicator_info(indicator)
        short, unit = _(info.short_label), _(info.unit)
        return f"{short} ({unit})", short, unit
    except Exception:  # noqa: BLE001 - charts must build on synthetic test data too
        return indicator, indicator, ""


#: Names of the explorer's embedded tables: every indicator of every country and year
#: (one copy, sent once), the countries' names and income groups, and the fitted lines
#: of the pair on screen (swapped by ``set_data`` when the pair or the grouping changes).
POINTS_NAME, COUNTRIES_NAME, BANDS_NAME = "spending_points", "spending_countries", "spending_bands"
#: Short keys for the indicators in the embedded rows (the rows are ~40% smaller).
FIELD_KEYS: dict[str, str] = {"milex_gdp": "mgdp", "milex_per_capita_usd": "mpp",
                              "health_spending_gdp": "hlth", "edu_spending_gdp": "edu",
                              "under5_mortality": "u5", "life_expectancy": "le",
                              "undernourishment": "und"}
_ALL_DOTS, _ALL_LINE = "All countries", "Fitted line, all countries"
_GROUP_SCALE = alt.Scale(domain=[*INCOME_ORDER, _ALL_DOTS, _ALL_LINE],
                         range=[*OKABE_ITO[:4], OKABE_ITO[0], "#555555"])


def _group_legend() -> alt.Legend:
    """The legend lists the income groups (in the reader's language) only when they are coloured."""
    names = " : ".join(f"datum.value == {json.dumps(g)} ? {json.dumps(_(g))}"
                       for g in INCOME_ORDER) + " : datum.label"
    return alt.Legend(values=alt.ExprRef(f"grouped ? {list(INCOME_ORDER)} : []"),
                      titleOpacity=alt.ExprRef("grouped ? 1 : 0"), labelExpr=names)


def vega_text(template: str, **expressions: str) -> str:
    """Vega expression: a translated sentence with ``{placeholders}`` filled by expressions.

    The sentence stays whole in the catalogue (``_("Median of {peers}")``); its
    words become quoted JS strings (a French apostrophe cannot end them).

    >>> vega_text("Median of {peers}", peers="trend_peers")
    '"Median of " + (trend_peers)'
    >>> vega_text("{n} pays", n="count")
    '"" + (count) + " pays"'
    """
    parts = re.split(r"\{(\w+)\}", template)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(f"({expressions[part]})")
        elif part or i == 0:
            out.append(json.dumps(part))
    return " + ".join(out)


def _key(indicator: str) -> str:
    return FIELD_KEYS.get(indicator, indicator)


def pair_params(points: pd.DataFrame, x: str, y: str) -> dict:
    """The explorer's parameter values for one pair of indicators.

    Which embedded columns to plot, log or linear axes, their domains over all
    years (so Play keeps the axes still) and ticks — on screen the axes plot
    ``log10`` of a value on a log axis —, titles and units. Another pair is
    only new parameter values (and its fitted lines), not a new chart.

    >>> pts = pd.DataFrame({"milex_gdp": [1.0, 4.0], "life_expectancy": [60.0, 80.0]})
    >>> p = pair_params(pts, "milex_gdp", "life_expectancy")
    >>> p["x_field"], p["x_log"], p["y_log"], p["y_ticks"]
    ('mgdp', True, False, [60.0, 65.0, 70.0, 75.0, 80.0])
    """
    x_title, x_short, x_unit = _label(x)
    y_title, y_short, y_unit = _label(y)
    both = points[[x, y]].dropna()
    out = {"x_field": _key(x), "y_field": _key(y), "x_title": x_title, "x_short": x_short,
           "x_unit": x_unit, "y_title": y_title, "y_short": y_short, "y_unit": y_unit}
    for axis, col in (("x", x), ("y", y)):
        log = col in LOG_SCALE_INDICATORS
        v = both[col][both[col] > 0] if log else both[col]
        lo, hi = (float(v.min()), float(v.max())) if len(v) else (1.0, 10.0)
        if hi <= lo:
            lo, hi = (lo / 2, hi * 2) if log else (lo - 1, hi + 1)
        if log:
            lo, hi = lo * 0.9, hi * 1.1
            domain = [math.log10(lo), math.log10(hi)]
            ticks = [math.log10(t) for t in nice_ticks(lo, hi, log=True)]
        else:
            lo, hi = lo - 0.03 * (hi - lo), hi + 0.03 * (hi - lo)
            domain, ticks = [lo, hi], nice_ticks(lo, hi)
        out |= {f"{axis}_log": log, f"{axis}_domain": [round(d, 6) for d in domain],
                f"{axis}_ticks": [round(t, 6) for t in ticks]}
    return out


def explorer_tables(points: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The explorer's embedded rows: indicator values by country and year, and the countries.

    ``points`` has ``iso3, name, year, income_group`` and indicator columns;
    the indicators get their short :data:`FIELD_KEYS`, and a row is kept if
    it has any of them.

    >>> pts = pd.DataFrame({"iso3": ["A", "A"], "name": ["A", "A"], "year": [2000, 2001],
    ...                     "income_group": ["Low income"] * 2, "milex_gdp": [1.0, None]})
    >>> rows, countries = explorer_tables(pts)
    >>> rows.to_dict("records"), countries["name"].tolist()
    ([{'iso3': 'A', 'year': 2000, 'mgdp': 1.0}], ['A'])
    """
    cols = [c for c in points.columns if c not in ("iso3", "name", "year", "income_group")]
    rows = points[["iso3", "year", *cols]].dropna(subset=cols, how="all")
    rows = rows.rename(columns={c: _key(c) for c in cols}).reset_index(drop=True)
    countries = points[["iso3", "name", "income_group"]].drop_duplicates("iso3")
    return rows, countries.sort_values("iso3").reset_index(drop=True)


def band_json(bands: pd.DataFrame) -> str:
    """The fitted lines as the spending charts embed them (data :data:`BANDS_NAME`), as JSON.

    One row per year and group, the line's points as lists (4 significant
    digits): about a quarter of the size of a row per point. The chart
    flattens the rows of the year on screen.

    >>> band_json(pd.DataFrame({"year": [2000, 2000], "group": ["All countries"] * 2,
    ...     "x": [1.23456, 2.5], "fit": [2.0, 3.0], "lower": [1.0, 2.0], "upper": [3.0, 4.0]}))
    '[{"year":2000,"group":"All countries","xv":[1.235,2.5],"fit":[2.0,3.0],"lower":[1.0,2.0],"upper":[3.0,4.0]}]'
    """
    columns = {"xv": "x", "fit": "fit", "lower": "lower", "upper": "upper"}
    values = {c: [float(f"{v:.4g}") for v in bands[col].to_numpy(dtype=float)]
              for c, col in columns.items()} if len(bands) else {}
    rows: dict[tuple[int, str], dict] = {}
    for i, key in enumerate(zip(bands["year"].astype(int).tolist(), bands["group"].tolist(),
                                strict=True)):
        row = rows.setdefault(key, {"year": key[0], "group": key[1], **{c: [] for c in columns}})
        for c in columns:
            row[c].append(values[c][i])
    # (json, not pandas: its encoder takes ~1 s for a table of lists)
    return json.dumps(list(rows.values()), separators=(",", ":"), allow_nan=False)


def _plotted(field: str, axis: str) -> str:
    """Vega expression: the value as plotted (log10 of it on a log axis)."""
    return f"{axis}_log ? log(datum.{field}) / LN10 : datum.{field}"


def _axis(axis: str, plotted: bool, title: str | list[str]) -> dict:
    """Position channel settings driven by the pair's parameters.

    ``title`` is the pair's axis title: Vega-Lite's schema allows no expression
    there, so :func:`spending_explorer_spec` makes it the ``x_title`` /
    ``y_title`` parameter.
    """
    # A title longer than its axis (French and Spanish units are long) is cut with
    # "…" instead of pushing the chart's own title out of sight.
    if not plotted:  # the lines over time: values as they are
        return {"scale": alt.Scale(zero=False), "axis": alt.Axis(title=title, titleLimit=220)}
    return {"scale": alt.Scale(domain=alt.ExprRef(f"{axis}_domain"), nice=False, zero=False),
            "axis": alt.Axis(title=title, values=alt.ExprRef(f"{axis}_ticks"),
                             titleLimit=360 if axis == "y" else 560,
                             labelExpr=_number(f"({axis}_log ? pow(10, datum.value) "
                                               ": datum.value)"))}


def _number(value: str) -> str:
    """Vega expression: a number as text, with thousands separators (1,234; 0.0123; 12.5)."""
    return f"format({value}, abs({value}) >= 1000 ? ',.0f' : ',.3~g')"


def _with_values(chart: alt.Chart) -> alt.Chart:
    """Rows of the embedded table with the pair's values as ``xv``/``yv``, named, with text."""
    return chart.transform_calculate(xv="datum[x_field]", yv="datum[y_field]").transform_lookup(
        lookup="iso3", from_=alt.LookupData(alt.NamedData(COUNTRIES_NAME), "iso3",
                                            ["name", "income_group"])
    ).transform_calculate(
        # the income group as the reader's language names it (the English name is
        # the key of the colours)
        income_label=" : ".join(f"datum.income_group == {json.dumps(g)} ? {json.dumps(_(g))}"
                                for g in INCOME_ORDER) + " : datum.income_group",
        xtext=_number("datum.xv") + " + ' ' + x_unit",
        ytext=vega_text(_("{indicator}: {value} {unit}"), indicator="y_short",
                        value=_number("datum.yv"), unit="y_unit"))


def _tooltip() -> list[alt.Tooltip]:
    """The scatter's tooltip, its titles in the reader's language."""
    return [alt.Tooltip("name:N", title=_("Country")), alt.Tooltip("year:O", title=_("Year")),
            alt.Tooltip("xtext:N", title=_("Military spending")),
            alt.Tooltip("ytext:N", title=_("Compared with")),
            alt.Tooltip("income_label:N", title=_("Income group"))]


def spending_scatter(bands: pd.DataFrame, titles: tuple[str, str]) -> alt.LayerChart:
    """Countries as points for one year (the ``year`` parameter), the fitted line and its band.

    A part of :func:`spending_explorer`, which embeds the rows and declares the
    parameters (``year``, ``highlight``, ``grouped`` and :func:`pair_params`).
    ``bands`` is from :func:`widgets.tradeoffs.fits_by_year`; ``titles`` are the
    axis titles.
    """
    base = _with_values(alt.Chart().transform_filter("datum.year == year")).transform_filter(
        "isValid(datum.xv) && isValid(datum.yv) && (!x_log || datum.xv > 0) "
        "&& (!y_log || datum.yv > 0)").transform_calculate(
        px=_plotted("xv", "x"), py=_plotted("yv", "y"))
    xenc = alt.X("px:Q", **_axis("x", True, titles[0]))
    yenc = alt.Y("py:Q", **_axis("y", True, titles[1]))
    # Colour by income group or not is the parameter ``grouped``, so the checkbox
    # swaps the fitted lines (named data BANDS_NAME) instead of rebuilding the chart.
    # One colour scale serves the dots and the lines: a group's colour, or blue
    # dots and a grey line when the countries are not grouped.
    colour = alt.Color("ckey:N", title=_("Income group (World Bank)"), scale=_GROUP_SCALE,
                       legend=_group_legend())
    tooltip = _tooltip()
    dots = base.transform_calculate(
        ckey=f"grouped ? datum.income_group : '{_ALL_DOTS}'").mark_circle(
        opacity=0.55, size=45).encode(x=xenc, y=yenc, color=colour, tooltip=tooltip)
    marked = base.transform_filter("indexof(highlight, datum.iso3) >= 0")
    rings = marked.mark_point(size=160, strokeWidth=2.5, color="#000000", filled=False).encode(
        x=xenc, y=yenc, tooltip=tooltip)
    labels = marked.mark_text(align="left", dx=9, dy=-6, fontSize=12, fontWeight="bold").encode(
        x=xenc, y=yenc, text="name:N")
    # Tables go in as JSON text: Altair then skips validating thousands of values.
    band_base = alt.Chart(alt.Data(values=band_json(bands), format=alt.DataFormat(type="json"),
                                   name=BANDS_NAME)).transform_filter("datum.year == year").transform_flatten(
        ["xv", "fit", "lower", "upper"]).transform_calculate(
        ckey=f"grouped ? datum.group : '{_ALL_LINE}'", px=_plotted("xv", "x"),
        pf=_plotted("fit", "y"), pl=_plotted("lower", "y"), pu=_plotted("upper", "y"),
    ).transform_filter("isFinite(datum.px) && isFinite(datum.pl) && isFinite(datum.pu)")
    area = band_base.mark_area(opacity=0.18, clip=True).encode(
        x=xenc, y=alt.Y("pl:Q", **_axis("y", True, titles[1])), y2="pu:Q", color=colour, detail="group:N")
    line = band_base.mark_line(strokeWidth=2, clip=True).encode(
        x=xenc, y=alt.Y("pf:Q", **_axis("y", True, titles[1])), color=colour, detail="group:N")
    return alt.layer(area, dots, line, rings, labels).properties(
        width=560, height=360,
        title=alt.Title(alt.ExprRef(vega_text(_("{y} against {x}"), y="y_short", x="x_short")),
                        subtitle=_("Each dot is a country; line = fitted relationship, "
                                   "shaded = 95% confidence band")))


def spending_over_time(titles: tuple[list[str], list[str]]) -> alt.VConcatChart:
    """Two line charts for the highlighted countries: the military measure over time, then the other.

    A part of :func:`spending_explorer` (which embeds the rows and declares the
    parameters); a dashed rule marks the ``year`` parameter.
    """
    colour = alt.Color("name:N", title=_("Highlighted countries"), scale=alt.Scale(range=OKABE_ITO),
                       legend=alt.Legend(orient="top", direction="horizontal"))
    base = _with_values(alt.Chart().transform_filter("indexof(highlight, datum.iso3) >= 0"))

    def one(axis: str, title: list[str]) -> alt.LayerChart:
        col, text = f"{axis}v", f"{axis}text"
        line = base.transform_filter(f"isValid(datum.{col})").mark_line(
            point=alt.OverlayMarkDef(size=18)).encode(
            x=alt.X("year:Q", title=_("Year"), axis=alt.Axis(format="d"),
                    scale=alt.Scale(domain=[1990, 2024])),
            y=alt.Y(f"{col}:Q", **_axis(axis, False, title)),
            color=colour, strokeDash=alt.StrokeDash("name:N", legend=None),
            tooltip=[alt.Tooltip("name:N", title=_("Country")),
                     alt.Tooltip("year:Q", title=_("Year"), format="d"),
                     alt.Tooltip(f"{text}:N", title=(_("Military spending") if axis == "x"
                                                     else _("Compared with")))])
        rule = alt.Chart(pd.DataFrame({"rule": [0]})).mark_rule(
            color="#777", strokeDash=[4, 3]).encode(x=alt.datum(alt.expr("year"),
                                                                 type="quantitative"))
        return alt.layer(line, rule).properties(width=560, height=140)

    return alt.vconcat(one("x", titles[0]), one("y", titles[1]))


def spending_explorer(
    points: pd.DataFrame,
    bands: pd.DataFrame,
    x: str,
    y: str,
    year: int,
    highlight: list[str],
    by_group: bool = False,
    description: str = "",
) -> alt.VConcatChart:
    """The scatter for one year above the highlighted countries over time.

    One chart, one embedded copy of every indicator (``points``: ``iso3, name,
    year, income_group`` and indicator columns): the parameters drive
    everything else, so moving the year, changing the countries or choosing
    another pair (:func:`pair_params`, with its fitted lines ``bands``) sends
    no rows but the fitted lines.

    >>> import pandas as pd
    >>> pts = pd.DataFrame({"iso3": ["A", "B", "C"], "name": ["A", "B", "C"],
    ...                     "year": [2000] * 3, "income_group": ["Low income"] * 3,
    ...                     "milex_gdp": [1.0, 2, 3], "life_expectancy": [60.0, 62, 65]})
    >>> spec = spending_explorer(pts, pd.DataFrame(columns=["year", "group", "x", "fit",
    ...     "lower", "upper"]), "milex_gdp", "life_expectancy", 2000, ["B"]).to_dict()
    >>> len(spec["vconcat"]), {p["name"]: p["value"] for p in spec["params"]}["y_field"]
    (2, 'le')
    """
    rows, countries = explorer_tables(points)
    pair = pair_params(points, x, y)
    chart = alt.vconcat(
        spending_scatter(bands, (pair["x_title"], pair["y_title"])),
        spending_over_time((_line_title(pair["x_short"], pair["x_unit"]),
                            _line_title(pair["y_short"], pair["y_unit"]))),
        data=json_data(rows, double_precision=6, name=POINTS_NAME),
    ).add_params(
        alt.param(name="year", value=int(year)),
        alt.param(name="highlight", value=list(highlight)),
        alt.param(name="grouped", value=bool(by_group)),
        *(alt.param(name=k, value=v) for k, v in pair.items()),
    ).resolve_scale(color="independent", strokeDash="independent").properties(
        spacing=24, datasets={COUNTRIES_NAME: json.loads(countries.to_json(orient="records"))})
    return describe(chart, description or _("Scatter and lines over time."))


_TEMPLATE_PAIR = ("milex_gdp", "under5_mortality")


def _line_title(short: str, unit: str) -> list[str]:
    """An axis title on two lines (the lines over time are too short for one)."""
    return [short, f"({unit})"]


def titles_as_params(spec: dict, pair: dict) -> dict:
    """``spec`` with the axis titles of ``pair`` (:func:`pair_params`) read from parameters.

    Vega-Lite draws an axis title given as ``{"expr": ...}``, but its schema
    (and so Altair) accepts only text: the builders write the pair's titles
    and this makes them follow the ``x_title`` / ``y_title`` (and ``x_short``,
    ``x_unit``...) parameters.

    >>> pair = {"x_title": "A (%)", "x_short": "A", "x_unit": "%", "y_title": "B (t)",
    ...         "y_short": "B", "y_unit": "t"}
    >>> titles_as_params({"x": {"axis": {"title": "A (%)"}}}, pair)
    {'x': {'axis': {'title': {'expr': 'x_title'}}}}
    """
    swap = {}
    for a in ("x", "y"):
        swap[json.dumps(pair[f"{a}_title"])] = {"expr": f"{a}_title"}
        swap[json.dumps(_line_title(pair[f"{a}_short"], pair[f"{a}_unit"]))] = {
            "expr": f"[{a}_short, '(' + {a}_unit + ')']"}

    def walk(node):
        if isinstance(node, dict):
            return {k: (swap.get(json.dumps(v), v) if k == "title" else walk(v))
                    for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(spec)


def _template() -> str:
    """The explorer spec built once on two made-up countries, as JSON text."""

    def build() -> dict:
        pts = pd.DataFrame({"iso3": ["A", "B"], "name": ["A", "B"], "year": [2000, 2000],
                            "income_group": ["Low income"] * 2, "milex_gdp": [1.0, 2.0],
                            "under5_mortality": [10.0, 20.0]})
        bands = pd.DataFrame({"year": [2000], "group": ["All countries"], "x": [1.5],
                              "fit": [15.0], "lower": [12.0], "upper": [18.0]})
        spec = spending_explorer(pts, bands, *_TEMPLATE_PAIR, 2000, []).to_dict()
        return titles_as_params(spec, pair_params(pts, *_TEMPLATE_PAIR))

    # the language and its catalogue are part of the key: the titles are in the template
    lang = get_language()
    return spec_template("spending", ("by-parameters", lang, _catalogue_digest(lang)), build,
                         __file__)


@lru_cache(maxsize=8)
def _catalogue_digest(lang: str) -> str:
    """A short fingerprint of ``lang``'s catalogues (a new translation: a new template)."""
    from widgets.i18n import DEFAULT, _catalogue_files

    if lang == DEFAULT:
        return ""
    h = hashlib.sha256()
    for path in _catalogue_files(lang):
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def spending_explorer_spec(points: pd.DataFrame, bands: pd.DataFrame, x: str, y: str,
                           year: int, highlight: list[str], by_group: bool = False) -> dict:
    """Exactly ``spending_explorer(...).to_dict()``, in milliseconds instead of ~1 s.

    Altair copies the whole chart at every step of building it; the spec only
    differs in its data and parameter values, so these are filled into a
    template built once. Its axis titles follow the ``x_title`` and
    ``y_title`` parameters (:func:`titles_as_params`), so the widget changes
    the pair with parameters only. The tests check the result equals the
    Altair build.
    """
    rows, countries = explorer_tables(points)
    texts = {POINTS_NAME: rows.to_json(orient="records", double_precision=6),
             BANDS_NAME: band_json(bands)}
    spec = json.loads(_template())

    def fill(node):
        if isinstance(node, dict):
            if node.get("name") in texts and "values" in node:
                return {**node, "values": texts[node["name"]]}
            return {k: fill(v) for k, v in node.items()}
        if isinstance(node, list):
            return [fill(v) for v in node]
        return node

    spec = fill(spec)
    spec["datasets"] = {**spec.get("datasets", {}),
                        COUNTRIES_NAME: json.loads(countries.to_json(orient="records"))}
    values = {"year": int(year), "highlight": list(highlight), "grouped": bool(by_group),
              **pair_params(points, x, y)}
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
    tip = [alt.Tooltip("name:N", title=_("Country")),
           alt.Tooltip("start_value:Q", title=str(start), format=",.3~g"),
           alt.Tooltip("end_value:Q", title=str(end), format=",.3~g"),
           alt.Tooltip("change:Q", title=_("Change"), format="+,.3~g")]
    base = alt.Chart(d)
    rule = base.mark_rule(color="#999").encode(
        y=y, x=alt.X("start_value:Q", title=label), x2="end_value:Q", tooltip=tip)
    a = base.mark_point(filled=False, size=60, color=OKABE_ITO[0]).encode(
        y=y, x="start_value:Q", tooltip=tip)
    b = base.mark_point(filled=True, size=60, color=OKABE_ITO[5], shape="diamond").encode(
        y=y, x="end_value:Q", tooltip=tip)
    chart = alt.layer(rule, a, b).properties(
        width=480, height=alt.Step(14),
        title=alt.Title(_("{label}: {start} → {end}").format(label=label, start=start, end=end),
                        subtitle=_("Hollow circle = {start}, filled diamond = {end}; sorted from "
                                   "the largest fall to the largest rise").format(
                            start=start, end=end)))
    return describe(chart, description or _("{label} in {start} and {end}.").format(
        label=label, start=start, end=end))


def reallocation_chart(
    inputs: pd.DataFrame, country: str, target: str, share_pct: float, description: str = ""
) -> alt.Chart:
    """Bars: spending per person now and after moving ``share`` % of military spending.

    ``inputs`` has one row per country and target sector: ``iso3, name, target,
    year, military_pp, target_pp`` (US$ per person), and optionally ``target_label``
    (the sector's name on screen; default: ``target`` in the reader's language). The chart filters on the
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
    d["target_label"] = (inputs["target_label"].to_numpy() if "target_label" in inputs
                         else d["target"].map(_))
    military, now, after = _("Military"), _("Now"), _("After the shift")
    when_order = [now, after]
    chart = alt.Chart(d).transform_filter(
        "datum.iso3 == country && datum.target == target"
    ).transform_calculate(
        military_after="datum.military_pp * (1 - share / 100)",
        target_after="datum.target_pp + datum.military_pp * share / 100",
    ).transform_fold(
        ["military_pp", "military_after", "target_pp", "target_after"], as_=["key", "usd"]
    ).transform_calculate(
        sector=f"indexof(datum.key, 'military') == 0 ? {json.dumps(military)} : datum.target_label",
        when=(f"(datum.key == 'military_pp' || datum.key == 'target_pp') ? {json.dumps(now)} "
              f": {json.dumps(after)}"),
    ).mark_bar().encode(
        y=alt.Y("when:N", title=None, sort=when_order),
        x=alt.X("usd:Q", title=_("US$ per person per year (current prices)")),
        color=alt.Color("when:N", title=None, sort=when_order,
                        scale=alt.Scale(domain=when_order,
                                        range=[OKABE_ITO[4], OKABE_ITO[0]])),
        row=alt.Row("sector:N", title=None, sort=[military],
                    header=alt.Header(labelAngle=0, labelAlign="left")),
        tooltip=[alt.Tooltip("name:N", title=_("Country")),
                 alt.Tooltip("year:O", title=_("Year")),
                 alt.Tooltip("sector:N", title=_("Sector")), alt.Tooltip("when:N", title=_("When")),
                 alt.Tooltip("usd:Q", title=_("US$ per person"), format=",.2f")],
    ).add_params(
        alt.param(name="country", value=country),
        alt.param(name="target", value=target),
        alt.param(name="share", value=float(share_pct)),
    ).properties(width=420, height=50,
                 title=alt.Title(_("Spending per person before and after the shift"),
                                 subtitle=_("Light bar = now; dark bar = after moving the "
                                            "chosen share of military spending")))
    return describe(chart, description or _("Spending per person before and after the "
                                            "shift."))
