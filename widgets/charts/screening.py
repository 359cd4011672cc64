"""Charts for do-no-harm screening (lesson 07): profile, screening matrix, history.

>>> import pandas as pd
>>> spec = ratings_chart({"food": "Food security", "children": "Children"},
...                      {"food": "dimension", "children": "group"}, [-1, 2]).to_dict()
>>> spec["params"][0]["name"], spec["params"][0]["value"]
('ratings', [-1, 2])
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from widgets.charts import OKABE_ITO, colour_scale, describe
from widgets.i18n import N_, _

__all__ = ["history_chart", "profile_chart", "ratings_chart"]

#: Diverging, colour-blind-safe: vermillion = harm, grey = none, blue = benefit.
RATING_COLOURS = ["#D55E00", "#F0A877", "#E8E8E8", "#8CC4E8", "#0072B2"]


def profile_chart(profiles: pd.DataFrame, iso3: str, country: str,
                  description: str = "") -> alt.LayerChart:
    """Bars: for each indicator, the share of countries better off than the chosen one.

    ``profiles`` holds every country's profile (``iso3, label, group, value,
    year, n_countries, worse_than_pct``); the chart shows the rows of the
    ``country`` parameter (ISO3) and names it from ``country_name``, so picking
    another country only sets parameters. Longer, darker bars = more
    vulnerable than most countries.

    >>> import pandas as pd
    >>> p = pd.DataFrame({"iso3": ["TCD"], "label": ["Under-5 mortality"],
    ...                   "group": ["Children"], "value": [50.0], "year": [2022],
    ...                   "n_countries": [190], "worse_than_pct": [80.0]})
    >>> spec = profile_chart(p, "TCD", "Chad").to_dict()
    >>> sorted(q["name"] for q in spec["params"])
    ['country', 'country_name']
    """
    d = profiles[["iso3", "label", "group", "value", "year", "n_countries",
                  "worse_than_pct"]].copy()
    d["year"] = d["year"].astype("float")
    d["value"] = d["value"].map(lambda v: float(f"{v:.4g}") if pd.notna(v) else v)
    d["worse_than_pct"] = d["worse_than_pct"].round(1)
    d["shown"] = d["worse_than_pct"].fillna(0)
    no_data = _("no data")
    d["status"] = d["worse_than_pct"].map(lambda v: no_data if pd.isna(v) else "")
    base = alt.Chart(d).transform_filter("datum.iso3 == country")
    order = list(dict.fromkeys(d["label"]))
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=320))
    bars = base.mark_bar().encode(
        y=y,
        x=alt.X("shown:Q", title=_("Worse off than this % of countries (latest data)"),
                scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("shown:Q", scale=colour_scale("higher_is_worse", domain=[0, 100]),
                        legend=None),
        tooltip=[alt.Tooltip("label:N", title=_("Indicator")),
                 alt.Tooltip("group:N", title=_("Speaks for")),
                 alt.Tooltip("value:Q", title=_("Value"), format=",.3~g"),
                 alt.Tooltip("year:Q", title=_("Year"), format="d"),
                 alt.Tooltip("worse_than_pct:Q", title=_("Worse than % of countries"),
                             format=".0f"),
                 alt.Tooltip("n_countries:Q", title=_("Countries with data"))],
    )
    nodata = base.transform_filter("datum.status != ''").mark_text(
        align="left", dx=4, color="#555", fontStyle="italic").encode(
        y=y, x=alt.datum(0), text="status:N")
    rule = alt.Chart(pd.DataFrame({"x": [50]})).mark_rule(color="#555", strokeDash=[4, 3]).encode(
        x="x:Q")
    # the title is a sentence with the country's name in it, as a Vega expression
    before, _sep, after = _("Vulnerability profile: {country}").partition("{country}")
    out = alt.layer(bars, nodata, rule).add_params(
        alt.param(name="country", value=iso3), alt.param(name="country_name", value=country),
    ).properties(
        width=420, height=alt.Step(24),
        title=alt.Title(alt.ExprRef(" + ".join(
            [json.dumps(before, ensure_ascii=False)] * bool(before) + ["country_name"]
            + [json.dumps(after, ensure_ascii=False)] * bool(after))),
                        subtitle=_("Dashed line = the middle country; longer bar = more "
                                   "vulnerable")))
    return describe(out, description or _("Vulnerability profile of {country}.").format(
        country=country))


def ratings_chart(labels: dict[str, str], kinds: dict[str, str], ratings: list[int],
                  description: str = "", mitigated: list[bool] | None = None) -> alt.Chart:
    """The screening matrix: one cell per dimension and group, coloured by the rating.

    The ratings are the ``ratings`` parameter (a list in the order of
    ``labels``), so changing a rating only sets a parameter. ``mitigated``
    (parameter of the same name, 1/0 per aspect) marks each harm a chosen
    mitigation addresses ("−2, mitigated") or not ("−1, not mitigated").
    """
    mitigated = [False] * len(labels) if mitigated is None else mitigated
    columns = [_(DIMENSION_COLUMN), _(GROUP_COLUMN)]
    d = pd.DataFrame({"idx": range(len(labels)), "label": list(labels.values()),
                      "kind": [columns[0] if kinds[k] == "dimension" else columns[1]
                               for k in labels]})
    chart = alt.Chart(d).transform_calculate(
        rating="ratings[datum.idx]",
        text=("(ratings[datum.idx] > 0 ? '+' : '') + ratings[datum.idx]"
              " + (ratings[datum.idx] < 0 ? (mitigated[datum.idx] ? "
              + json.dumps(_(", mitigated"), ensure_ascii=False) + " : "
              + json.dumps(_(", not mitigated"), ensure_ascii=False)
              + ") : '')"),
    )
    y = alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=320))
    cells = chart.mark_rect(stroke="#ffffff", strokeWidth=2).encode(
        y=y, x=alt.X("kind:N", title=None, sort=columns,
                     axis=alt.Axis(labelAngle=0, orient="top", labelLimit=240)),
        color=alt.Color("rating:Q", title=_("Rating"),
                        scale=alt.Scale(domain=[-2, -1, 0, 1, 2], range=RATING_COLOURS,
                                        type="linear"),
                        legend=alt.Legend(values=[-2, -1, 0, 1, 2],
                                          title=_("−2 harm … +2 benefit"))),
        tooltip=[alt.Tooltip("label:N", title=_("Aspect")),
                 alt.Tooltip("rating:Q", title=_("Rating"))],
    )
    text = chart.mark_text(fontSize=13, fontWeight="bold").encode(
        y=y, x=alt.X("kind:N", sort=columns),
        text="text:N")
    out = alt.layer(cells, text).add_params(
        alt.param(name="ratings", value=[int(r) for r in ratings]),
        alt.param(name="mitigated", value=[int(bool(m)) for m in mitigated]),
    ).properties(width=360, height=alt.Step(22),
                 title=alt.Title(_("Your screening matrix"),
                                 subtitle=_("Each row only has a cell in its own column")))
    return describe(out, description or _("Screening matrix."))


DIMENSION_COLUMN, GROUP_COLUMN = N_("Human-security dimension"), N_("Affected group")
#: The two lines of the history chart (English here; the rows and the chart use ``_(x)``).
COUNTRY_LINE = N_("Country under sanctions")
PEERS_LINE = N_("Median of other countries in its UN subregion")


def history_chart(rows: pd.DataFrame, periods: pd.DataFrame, episode: str, indicator: str,
                  title: str, description: str = "") -> alt.LayerChart:
    """An indicator around a sanctions episode: the country, its neighbours, years shaded.

    Every episode and indicator is embedded once; the ``episode`` (ISO3) and
    ``indicator`` parameters choose what is drawn and ``title`` names it, so
    switching only sets parameters.

    Parameters
    ----------
    rows : ``episode, indicator, year, value, who`` (``who`` is :data:`COUNTRY_LINE`
        or :data:`PEERS_LINE`, translated: ``_(COUNTRY_LINE)``).
    periods : ``episode, start, end`` (decimal years) of the sanctions.

    >>> import pandas as pd
    >>> r = pd.DataFrame({"episode": ["IRQ"] * 2, "indicator": ["u5"] * 2, "year": [1990, 1991],
    ...                   "value": [80.0, 70.0], "who": [COUNTRY_LINE] * 2})
    >>> p = pd.DataFrame({"episode": ["IRQ"], "start": [1990.6], "end": [2003.4]})
    >>> spec = history_chart(r, p, "IRQ", "u5", "Under-5 mortality, Iraq").to_dict()
    >>> sorted(q["name"] for q in spec["params"])
    ['episode', 'indicator', 'title']
    """
    d = rows[["episode", "indicator", "year", "value", "who"]].dropna().copy()
    d["value"] = d["value"].map(lambda v: float(f"{v:.4g}"))
    per = periods[["episode", "start", "end"]].assign(what=_("Sanctions in force")).round(2)
    lo = float(min(d["year"].min(), per["start"].min())) - 1
    hi = float(max(d["year"].max(), per["end"].max())) + 1
    xscale = alt.Scale(domain=[lo, hi], zero=False, nice=False)
    shade = alt.Chart(per).transform_filter("datum.episode == episode").mark_rect(
        color="#999999", opacity=0.2).encode(
        x=alt.X("start:Q", scale=xscale), x2="end:Q", tooltip=[alt.Tooltip("what:N", title="")])
    text = alt.Chart(per).transform_filter("datum.episode == episode").mark_text(
        align="left", baseline="top", dx=4, dy=4, color="#333").encode(
        x=alt.X("start:Q", scale=xscale), y=alt.value(0), text="what:N")
    who = [_(COUNTRY_LINE), _(PEERS_LINE)]
    lines = alt.Chart(d).transform_filter(
        "datum.episode == episode && datum.indicator == indicator").mark_line(point=True).encode(
        x=alt.X("year:Q", title=_("Year"), axis=alt.Axis(format="d"), scale=xscale),
        y=alt.Y("value:Q", title=_("Value (unit in the title)"), scale=alt.Scale(zero=False)),
        color=alt.Color("who:N", title=None,
                        scale=alt.Scale(domain=who, range=[OKABE_ITO[5], OKABE_ITO[0]]),
                        legend=alt.Legend(orient="top", labelLimit=400)),
        strokeDash=alt.StrokeDash("who:N", legend=None, sort=who),
        tooltip=[alt.Tooltip("who:N", title=""),
                 alt.Tooltip("year:Q", format="d", title=_("Year")),
                 alt.Tooltip("value:Q", title=_("Value"), format=",.3~g")],
    )
    out = alt.layer(shade, lines, text).add_params(
        alt.param(name="episode", value=episode), alt.param(name="indicator", value=indicator),
        alt.param(name="title", value=title),
    ).properties(width=520, height=260,
                 title=alt.Title(alt.ExprRef("title"),
                                 subtitle=_("Shaded: years under UN sanctions")))
    return describe(out, description or _("An indicator around a sanctions episode."))
