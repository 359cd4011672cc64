"""A human-security scorecard for foreign policy: what changed for people, and for the state.

Foreign policy is usually judged on state-security outputs (military
spending, armed forces, battles). The scorecard puts outcomes for people —
one or more indicators per human-security dimension — next to those, for one
country between two years, and says for each indicator

* the value at the start and at the end (the nearest year with data, at most
  ``max_gap`` years away), the change and the change in per cent;
* a **direction-aware verdict**: *better* or *worse* for people (using the
  catalogue's ``direction``), *little change* below a threshold, and for
  neutral indicators such as military spending simply *up* or *down*;
* the **position among countries** (0–100) at both dates — the share of
  countries with data that the country does better than (for neutral
  indicators: the share with a lower value) — and how it moved.

All functions are pure; :func:`prepare_scorecard` precomputes values and
positions for every country and year once, so that :func:`country_scorecard`
is fast enough for a widget callback.

>>> import pandas as pd
>>> from types import SimpleNamespace as Info
>>> s = pd.DataFrame({"iso3": ["A", "A", "B", "B"], "year": [2000, 2010, 2000, 2010],
...                   "value": [50.0, 20.0, 30.0, 40.0]})
>>> info = Info(label="Child deaths", short_label="Child deaths", unit="per 1,000",
...             dimension="health", direction="higher_is_worse")
>>> tables = prepare_scorecard({"u5": s}, {"u5": info}, years=range(2000, 2011))
>>> row = country_scorecard(tables, {"u5": info}, "A", 2000, 2010).iloc[0]
>>> row["verdict"], row["arrow"], float(row["start_position"]), float(row["end_position"])
('better', '▼', 0.0, 100.0)
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from widgets._text import md_text
from widgets.errors import LabInputError, check_real_number, check_year_range
from widgets.i18n import DEFAULT, N_, _, get_language, localise_number

__all__ = [
    "HUMAN_INDICATORS",
    "STATE_INDICATORS",
    "VERDICTS",
    "brief_html",
    "brief_markdown",
    "percentile_position",
    "country_scorecard",
    "near_value_table",
    "period_scorecard",
    "position_table",
    "prepare_scorecard",
    "summarise_scorecard",
    "summary_table",
    "values_near_year",
    "verdict_for",
]

#: Key human-security indicators per dimension (UNDP 1994's seven dimensions).
HUMAN_INDICATORS: dict[str, tuple[str, ...]] = {
    "economic": ("gdp_pc", "extreme_poverty", "unemployment", "expected_schooling"),
    "food": ("undernourishment", "food_insecurity"),
    "health": ("under5_mortality", "life_expectancy", "maternal_mortality"),
    "environmental": ("water_basic", "sanitation_basic"),
    "personal": ("homicide_rate", "battle_deaths_per_100k"),
    "community": ("refugees_origin_per_1000", "idps_per_1000", "gender_inequality"),
    "political": ("wgi_voice", "wgi_rule_of_law", "democracy_index"),
}
#: The state-security side: what foreign and defence policy usually report.
STATE_INDICATORS: tuple[str, ...] = ("milex_gdp", "milex_per_capita_usd", "armed_forces",
                                     "battle_deaths")

#: Verdict → (arrow if the value rose, arrow if it fell, plain-English meaning).
VERDICTS = {
    "better": N_("better for people"),
    "worse": N_("worse for people"),
    "little change": N_("changed by less than the threshold"),
    "up": N_("rose (no better/worse reading)"),
    "down": N_("fell (no better/worse reading)"),
    "no data": N_("no value near one of the two years"),
}
#: The verdict as shown in a table or a chart's legend (the rows keep the English value).
VERDICT_WORDS = {
    "better": N_("better"),
    "worse": N_("worse"),
    "little change": N_("little change"),
    "up": N_("up"),
    "down": N_("down"),
    "no data": N_("no data"),
}
#: The two sides of the scorecard as shown (the rows keep the English value).
SIDES = {"Human security": N_("Human security"), "State security": N_("State security")}


def verdict_word(verdict: str) -> str:
    """A verdict in the reader's language (``"better"`` → ``"amélioration"`` in French)."""
    return _(VERDICT_WORDS.get(str(verdict), str(verdict)))


def side_name(side: str) -> str:
    """``"Human security"`` / ``"State security"`` in the reader's language."""
    return _(SIDES.get(str(side), str(side)))


def values_near_year(series: pd.DataFrame, year: int, max_gap: int = 2) -> pd.DataFrame:
    """Each country's value in ``year`` or the closest year within ``max_gap`` (ties: earlier).

    >>> s = pd.DataFrame({"iso3": ["A", "A", "B"], "year": [2008, 2012, 2015],
    ...                   "value": [1.0, 2.0, 3.0]})
    >>> values_near_year(s, 2010).values.tolist()
    [['A', 2008, 1.0]]
    """
    s = series.loc[series["value"].notna(), ["iso3", "year", "value"]]
    gap = (s["year"] - year).abs()
    s = s[gap <= max_gap].assign(_gap=gap[gap <= max_gap])
    s = s.sort_values(["iso3", "_gap", "year"]).drop_duplicates("iso3")
    return s.drop(columns="_gap").reset_index(drop=True)


def percentile_position(values: pd.Series, direction: str) -> pd.Series:
    """Position among countries, 0–100: the share of *other* countries this one does better than.

    For ``higher_is_worse`` a lower value is better; for ``neutral`` the
    position is simply the share of countries with a lower value. Ties count
    half. A single country gets 50.

    >>> percentile_position(pd.Series([10.0, 20.0, 30.0]), "higher_is_better").tolist()
    [0.0, 50.0, 100.0]
    >>> percentile_position(pd.Series([10.0, 20.0, 30.0]), "higher_is_worse").tolist()
    [100.0, 50.0, 0.0]
    """
    v = values.astype(float)
    n = int(v.notna().sum())
    if n <= 1:
        return pd.Series(np.where(v.notna(), 50.0, np.nan), index=values.index)
    ranks = v.rank(method="average")  # 1..n, ties averaged
    pos = (ranks - 1) / (n - 1) * 100
    if direction == "higher_is_worse":
        pos = 100 - pos
    return pos


def position_table(values: pd.DataFrame, direction: str) -> pd.DataFrame:
    """:func:`percentile_position` applied to every column (year) of a countries × years table.

    >>> v = pd.DataFrame({2000: [1.0, 2.0, 3.0], 2001: [5.0, None, 4.0]}, index=list("ABC"))
    >>> position_table(v, "higher_is_better")[2001].tolist()
    [100.0, nan, 0.0]
    """
    have = values.notna().to_numpy()
    n = have.sum(axis=0)
    ranks = values.rank(axis=0, method="average").to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        pos = (ranks - 1) / np.where(n > 1, n - 1, np.nan) * 100
    pos = np.where(have & (n == 1), 50.0, pos)
    if direction == "higher_is_worse":
        pos = 100 - pos
    return pd.DataFrame(pos, index=values.index, columns=values.columns)


def verdict_for(change: float, start: float, direction: str, threshold_pct: float = 1.0) -> str:
    """Better / worse / little change (or up / down for neutral indicators).

    A change smaller than ``threshold_pct`` per cent of the start value (or
    exactly zero) is *little change*.

    >>> verdict_for(-5.0, 50.0, "higher_is_worse")
    'better'
    >>> verdict_for(0.2, 50.0, "higher_is_better")
    'little change'
    >>> verdict_for(3.0, 1.0, "neutral")
    'up'
    >>> verdict_for(float("nan"), 1.0, "neutral")
    'no data'
    """
    if change is None or pd.isna(change) or pd.isna(start):
        return "no data"
    scale = abs(start) if start else 0.0
    if change == 0 or (scale and abs(change) / scale * 100 < threshold_pct):
        return "little change"
    up = change > 0
    if direction == "higher_is_better":
        return "better" if up else "worse"
    if direction == "higher_is_worse":
        return "worse" if up else "better"
    return "up" if up else "down"


def _arrow(change: float, verdict: str) -> str:
    if verdict == "no data":
        return "–"
    if verdict == "little change":
        return "▬"
    return "▲" if change > 0 else "▼"


def near_value_table(series: pd.DataFrame, years: Iterable[int], max_gap: int = 2
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every country's value nearest each year (within ``max_gap``; ties: earlier).

    Vectorised version of :func:`values_near_year` for many years at once.
    Returns ``(values, years_used)``, both indexed by ``iso3`` with one column
    per year.

    >>> s = pd.DataFrame({"iso3": ["A", "A"], "year": [2000, 2003], "value": [1.0, 4.0]})
    >>> v, y = near_value_table(s, range(2000, 2006), max_gap=1)
    >>> v.loc["A"].tolist()
    [1.0, 1.0, 4.0, 4.0, 4.0, nan]
    >>> y.loc["A"].tolist()
    [2000.0, 2000.0, 2003.0, 2003.0, 2003.0, nan]
    """
    years = list(years)
    s = series[series["value"].notna()]
    lo, hi = min(years) - max_gap, max(years) + max_gap
    wide = s.pivot_table(index="iso3", columns="year", values="value", aggfunc="first")
    wide = wide.reindex(columns=range(lo, hi + 1))
    have = wide.notna().to_numpy()
    vals = wide.to_numpy()
    n_years = len(years)
    out_v = np.full((len(wide), n_years), np.nan)
    out_y = np.full((len(wide), n_years), np.nan)
    offsets = [0] + [o for k in range(1, max_gap + 1) for o in (-k, k)]
    for j, year in enumerate(years):
        col = year - lo
        for off in offsets:
            c = col + off
            fill = have[:, c] & np.isnan(out_v[:, j])
            out_v[fill, j] = vals[fill, c]
            out_y[fill, j] = year + off
    return (pd.DataFrame(out_v, index=wide.index, columns=years),
            pd.DataFrame(out_y, index=wide.index, columns=years))


def prepare_scorecard(series: Mapping[str, pd.DataFrame], infos: Mapping[str, Any],
                      years: Iterable[int], max_gap: int = 2) -> dict[str, dict[str, Any]]:
    """Precompute, per indicator, values, years used and positions for every country × year.

    The result feeds :func:`country_scorecard`, which is then fast enough for
    a widget callback.

    >>> from types import SimpleNamespace as Info
    >>> s = pd.DataFrame({"iso3": ["A", "B"], "year": [2000, 2000], "value": [1.0, 2.0]})
    >>> t = prepare_scorecard({"x": s}, {"x": Info(direction="higher_is_better")}, [2000])
    >>> t["x"]["positions"][2000].tolist()
    [0.0, 100.0]
    """
    years = list(years)
    tables: dict[str, dict[str, Any]] = {}
    for ind, s in series.items():
        direction = infos[ind].direction
        values, used = near_value_table(s, years, max_gap)
        positions = position_table(values, direction)
        tables[ind] = {"values": values, "years": used, "positions": positions,
                       "index": {c: i for i, c in enumerate(values.index)},
                       "v": values.to_numpy(), "y": used.to_numpy(),
                       "p": positions.to_numpy(), "col": {y: j for j, y in enumerate(years)}}
    return tables


def country_scorecard(tables: Mapping[str, dict[str, Any]], infos: Mapping[str, Any],
                      country: str, start: int, end: int, threshold_pct: float = 1.0,
                      state_indicators: Iterable[str] = STATE_INDICATORS) -> pd.DataFrame:
    """One country's scorecard between ``start`` and ``end`` (one row per indicator).

    Columns ``iso3, side, dimension, indicator, label, unit, direction,
    start_year, start_value, end_year, end_value, change, pct_change, verdict,
    arrow, start_position, end_position, position_move``.

    >>> from types import SimpleNamespace as Info
    >>> s = pd.DataFrame({"iso3": ["A", "A", "B", "B"], "year": [2000, 2010, 2000, 2010],
    ...                   "value": [50.0, 20.0, 30.0, 40.0]})
    >>> info = Info(label="Child deaths", short_label="Child deaths", unit="per 1,000",
    ...             dimension="health", direction="higher_is_worse")
    >>> t = prepare_scorecard({"u5": s}, {"u5": info}, range(2000, 2011))
    >>> row = country_scorecard(t, {"u5": info}, "A", 2000, 2010).iloc[0]
    >>> row["verdict"], float(row["change"]), float(row["position_move"])
    ('better', -30.0, 100.0)
    """
    start, end = check_year_range(start, end)
    threshold_pct = check_real_number(threshold_pct, "threshold (%)", 0, 1000)
    if start >= end:
        raise LabInputError(_("The start year ({start}) must come before the end year ({end}).")
                            .format(start=start, end=end))
    state = set(state_indicators)
    records = []
    for ind, t in tables.items():
        info = infos[ind]
        if start not in t["col"] or end not in t["col"]:
            raise LabInputError(_("The scorecard covers {first}–{last}; choose years in that "
                                  "range.").format(first=min(t['col']), last=max(t['col'])))
        i = t["index"].get(country)
        a, b = t["col"][start], t["col"][end]
        nan = float("nan")
        sv, sy, sp = (t["v"][i, a], t["y"][i, a], t["p"][i, a]) if i is not None else (nan,) * 3
        ev, ey, ep = (t["v"][i, b], t["y"][i, b], t["p"][i, b]) if i is not None else (nan,) * 3
        change = ev - sv
        pct = change / abs(sv) * 100 if sv and not np.isnan(sv) else nan
        verdict = verdict_for(change, sv, info.direction, threshold_pct)
        records.append({
            "iso3": country,
            "side": "State security" if ind in state else "Human security",
            "dimension": "state_security" if ind in state else info.dimension,
            "indicator": ind, "label": info.short_label, "unit": info.unit,
            "direction": info.direction,
            "start_year": sy, "start_value": sv, "end_year": ey, "end_value": ev,
            "change": change, "pct_change": pct, "verdict": verdict,
            "arrow": _arrow(change, verdict),
            "start_position": sp, "end_position": ep, "position_move": ep - sp,
        })
    if not records:
        raise LabInputError(_("Choose at least one indicator for the scorecard."))
    out = pd.DataFrame.from_records(records)
    for col in ("start_year", "end_year"):
        out[col] = out[col].astype("Int64")
    return out


def period_scorecard(tables: Mapping[str, dict[str, Any]], infos: Mapping[str, Any],
                     start: int, end: int, threshold_pct: float = 1.0,
                     state_indicators: Iterable[str] = STATE_INDICATORS) -> pd.DataFrame:
    """Every country's scorecard between ``start`` and ``end`` (vectorised).

    Same columns and verdicts as :func:`country_scorecard`; rows for every
    country with a value at either date.

    >>> from types import SimpleNamespace as Info
    >>> s = pd.DataFrame({"iso3": ["A", "A", "B", "B"], "year": [2000, 2010, 2000, 2010],
    ...                   "value": [50.0, 20.0, 30.0, 40.0]})
    >>> info = Info(label="U5", short_label="U5", unit="", dimension="health",
    ...             direction="higher_is_worse")
    >>> t = prepare_scorecard({"u5": s}, {"u5": info}, range(2000, 2011))
    >>> period_scorecard(t, {"u5": info}, 2000, 2010)[["iso3", "verdict"]].values.tolist()
    [['A', 'better'], ['B', 'worse']]
    """
    if start >= end:
        raise LabInputError(_("The start year ({start}) must come before the end year ({end}).")
                            .format(start=start, end=end))
    state = set(state_indicators)
    frames = []
    for ind, t in tables.items():
        info = infos[ind]
        if start not in t["col"] or end not in t["col"]:
            raise LabInputError(_("The scorecard covers {first}–{last}; choose years in that "
                                  "range.").format(first=min(t['col']), last=max(t['col'])))
        a, b = t["col"][start], t["col"][end]
        sv, ev = t["v"][:, a], t["v"][:, b]
        keep = ~(np.isnan(sv) & np.isnan(ev))
        sv, ev = sv[keep], ev[keep]
        change = ev - sv
        with np.errstate(invalid="ignore", divide="ignore"):
            pct = np.where(sv != 0, change / np.abs(sv) * 100, np.nan)
        small = (change == 0) | (np.abs(pct) < threshold_pct)
        up = change > 0
        if info.direction == "higher_is_better":
            moved = np.where(up, "better", "worse")
        elif info.direction == "higher_is_worse":
            moved = np.where(up, "worse", "better")
        else:
            moved = np.where(up, "up", "down")
        verdict = np.where(np.isnan(change), "no data", np.where(small, "little change", moved))
        arrow = np.where(verdict == "no data", "–",
                         np.where(verdict == "little change", "▬", np.where(up, "▲", "▼")))
        sp, ep = t["p"][keep, a], t["p"][keep, b]
        frames.append(pd.DataFrame({
            "iso3": np.asarray(t["values"].index)[keep],
            "side": "State security" if ind in state else "Human security",
            "dimension": "state_security" if ind in state else info.dimension,
            "indicator": ind, "label": info.short_label, "unit": info.unit,
            "direction": info.direction,
            "start_year": t["y"][keep, a], "start_value": sv,
            "end_year": t["y"][keep, b], "end_value": ev,
            "change": change, "pct_change": pct, "verdict": verdict, "arrow": arrow,
            "start_position": sp, "end_position": ep, "position_move": ep - sp,
        }))
    if not frames:
        raise LabInputError(_("Choose at least one indicator for the scorecard."))
    out = pd.concat(frames, ignore_index=True)
    for col in ("start_year", "end_year"):
        out[col] = out[col].astype("Int64")
    return out


def summarise_scorecard(rows: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Counts of verdicts on each side.

    >>> rows = pd.DataFrame({"side": ["Human security"] * 3, "verdict": ["better", "better",
    ...                      "worse"]})
    >>> summarise_scorecard(rows)["Human security"]["better"]
    2
    """
    out: dict[str, dict[str, int]] = {}
    for side, verdict in zip(rows["side"].tolist(), rows["verdict"].tolist(), strict=True):
        counts = out.setdefault(str(side), dict.fromkeys(VERDICTS, 0))
        counts[verdict] = counts.get(verdict, 0) + 1
    return out


def summary_table(rows: pd.DataFrame) -> pd.DataFrame:
    """:func:`summarise_scorecard` as a table to read: verdicts × sides, in the reader's language.

    >>> rows = pd.DataFrame({"side": ["Human security"] * 2, "verdict": ["better", "worse"]})
    >>> summary_table(rows).loc[["better", "worse"], "Human security"].tolist()
    [1, 1]
    """
    table = pd.DataFrame(summarise_scorecard(rows)).fillna(0).astype(int)
    table.index = [verdict_word(v) for v in table.index]
    table.columns = [side_name(c) for c in table.columns]
    return table


# --------------------------------------------------------------------------- briefs
def _fmt(v: Any, digits: int = 3) -> str:
    if v is None or pd.isna(v):
        return "–"
    v = float(v)
    text = f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.{digits}g}"
    return text if get_language() == DEFAULT else localise_number(text)


def _pct(v: float) -> str:
    """``+5.0%`` (French ``+5,0 %``, Spanish ``+5,0 %``)."""
    text = f"{v:+.1f}"
    if get_language() == DEFAULT:
        return text + "%"
    sign = "+" if v >= 0 else "\u2212"
    return sign + localise_number(text.lstrip("+-"), "%")


def _row_cells(r: pd.Series) -> list[str]:
    start = f"{_fmt(r['start_value'])} ({int(r['start_year'])})" if pd.notna(
        r.get("start_year")) else "–"
    end = f"{_fmt(r['end_value'])} ({int(r['end_year'])})" if pd.notna(
        r.get("end_year")) else "–"
    pct = _pct(r['pct_change']) if pd.notna(r.get("pct_change")) else "–"
    move = (f"{_fmt(r['start_position'], 2)} → {_fmt(r['end_position'], 2)}"
            if pd.notna(r.get("start_position")) and pd.notna(r.get("end_position")) else "–")
    return [_(str(r["label"])), _(str(r["unit"])) if r["unit"] else "", start, end,
            f"{r['arrow']} {verdict_word(r['verdict'])}", pct, move]


HEADERS = [N_("Indicator"), N_("Unit"), N_("Start"), N_("End"), N_("Change"), N_("Change %"),
           N_("Position (0–100)")]

#: The note under a brief's tables (Markdown and HTML).
POSITION_NOTE = N_("share of countries with data that this country does better than (0 = worst, "
                   "100 = best for people; for indicators without a better/worse reading, the "
                   "share with a lower value). Values are from the nearest year with data, "
                   "shown in brackets.")


def _side_line(side: str, counts: Mapping[str, int], people: str = "") -> str:
    """One line of a brief's summary, without the side's name."""
    if side == "State security":
        return _("{up} rose, {down} fell, {better} better, {worse} worse, {none} without "
                 "data.").format(up=counts["up"], down=counts["down"], better=counts["better"],
                                 worse=counts["worse"], none=counts["no data"])
    return _("{better} better for people, {worse} worse, {little} little change, {none} without "
             "data.").format(better=counts["better"], worse=counts["worse"],
                             little=counts["little change"], none=counts["no data"])


def brief_markdown(rows: pd.DataFrame, country: str, start: int, end: int,
                   sources: Iterable[str] = (), notes: str = "",
                   dimension_labels: Mapping[str, str] | None = None,
                   chart_svg: str | None = None) -> str:
    """A Markdown brief of one country's scorecard.

    >>> rows = pd.DataFrame({"side": ["Human security"], "dimension": ["health"],
    ...     "label": ["Under-5 mortality"], "unit": ["per 1,000"], "start_year": [2000],
    ...     "start_value": [50.0], "end_year": [2010], "end_value": [40.0],
    ...     "pct_change": [-20.0], "verdict": ["better"], "arrow": ["▼"],
    ...     "start_position": [40.0], "end_position": [55.0]})
    >>> md = brief_markdown(rows, "Kenya", 2000, 2010, sources=["Source: UN IGME."])
    >>> "| Under-5 mortality | per 1,000 | 50 (2000) | 40 (2010) | ▼ better | -20.0% |" in md
    True
    """
    import base64

    labels = dict(dimension_labels or {})
    summary = summarise_scorecard(rows)
    english = get_language() == DEFAULT
    lines = ["# " + _("Human-security scorecard: {country}, {start}–{end}").format(
        country=country, start=start, end=end), ""]
    for side, counts in summary.items():
        if english and side == "State security":  # the English wording of earlier briefs
            lines.append(f"- **{side}**: {counts['up']} indicator(s) rose, {counts['down']} "
                         f"fell, {counts['better']} better, {counts['worse']} worse, "
                         f"{counts['no data']} without data.")
        elif english:
            lines.append(f"- **{side}**: {counts['better']} indicator(s) better for people, "
                         f"{counts['worse']} worse, {counts['little change']} little change, "
                         f"{counts['no data']} without data.")
        else:
            lines.append("- " + _("{name}: {text}").format(name=f"**{side_name(side)}**",
                                                           text=_side_line(side, counts)))
    lines.append("")
    if chart_svg:
        uri = "data:image/svg+xml;base64," + base64.b64encode(chart_svg.encode()).decode()
        lines += ["![{alt}]({uri})".format(
            alt=_("Scorecard chart for {country}").format(country=country), uri=uri), ""]
    for side, g in rows.groupby("side", sort=False):
        lines += [f"## {side_name(side)}", ""]
        for dim, gg in g.groupby("dimension", sort=False):
            if side == "Human security":
                lines += [f"### {_(labels.get(dim, str(dim).capitalize()))}", ""]
            lines += ["| " + " | ".join(_(h) for h in HEADERS) + " |",
                      "|" + "---|" * len(HEADERS)]
            for _row, r in gg.iterrows():
                lines.append("| " + " | ".join(_row_cells(r)) + " |")
            lines.append("")
    lines += [_("{name}: {text}").format(name="*{}*".format(_("Position")),
                                         text=_(POSITION_NOTE)), ""]
    if notes.strip():
        lines += ["## " + _("Notes"), "", md_text(notes.strip()), ""]
    src = list(dict.fromkeys(s for s in sources if s))
    if src:
        lines += ["## " + _("Data sources"), ""] + [f"- {md_text(s, single_line=True)}" for s in src] + [""]
    return "\n".join(lines)


def brief_html(rows: pd.DataFrame, country: str, start: int, end: int,
               sources: Iterable[str] = (), notes: str = "",
               dimension_labels: Mapping[str, str] | None = None,
               chart_svg: str | None = None) -> str:
    """A self-contained, printable HTML brief of one country's scorecard.

    >>> rows = pd.DataFrame({"side": ["State security"], "dimension": ["state_security"],
    ...     "label": ["Military spending"], "unit": ["% of GDP"], "start_year": [2000],
    ...     "start_value": [2.0], "end_year": [2010], "end_value": [3.0],
    ...     "pct_change": [50.0], "verdict": ["up"], "arrow": ["▲"],
    ...     "start_position": [40.0], "end_position": [60.0]})
    >>> page = brief_html(rows, "Chile", 2000, 2010)
    >>> page.startswith("<!DOCTYPE html>") and "▲ up" in page
    True
    """
    e = html.escape
    labels = dict(dimension_labels or {})
    colours = {"better": "#006e4e", "worse": "#b24a00"}
    english = get_language() == DEFAULT
    parts = ["<h1>{}</h1><ul>".format(e(_("Human-security scorecard: {country}, {start}–{end}")
                                        .format(country=country, start=start, end=end)))]
    for side, counts in summarise_scorecard(rows).items():
        if not english:
            parts.append("<li>{}</li>".format(_("{name}: {text}").format(
                name=f"<b>{e(side_name(side))}</b>", text=e(_side_line(side, counts)))))
        elif side == "State security":
            parts.append(f"<li><b>{e(side)}</b>: {counts['up']} rose, {counts['down']} fell, "
                         f"{counts['better']} better, {counts['worse']} worse, "
                         f"{counts['no data']} without data.</li>")
        else:
            parts.append(f"<li><b>{e(side)}</b>: {counts['better']} better for people, "
                         f"{counts['worse']} worse, {counts['little change']} little change, "
                         f"{counts['no data']} without data.</li>")
    parts.append("</ul>")
    if chart_svg:
        label = _("Scorecard chart for {country}").format(country=country)
        parts.append(f"<figure role='img' aria-label='{e(label)}'>{chart_svg}</figure>")
    for side, g in rows.groupby("side", sort=False):
        parts.append(f"<h2>{e(side_name(side))}</h2>")
        for dim, gg in g.groupby("dimension", sort=False):
            caption = (_(labels.get(dim, str(dim).capitalize())) if side == "Human security"
                       else side_name(side))
            head = "".join(f"<th scope='col'>{e(_(h))}</th>" for h in HEADERS)
            body = []
            for _row, r in gg.iterrows():
                cells = _row_cells(r)
                colour = colours.get(r["verdict"], "#333")
                tds = "".join(f"<td>{e(c)}</td>" if i != 4 else
                              f"<td style='color:{colour};font-weight:600'>{e(c)}</td>"
                              for i, c in enumerate(cells))
                body.append(f"<tr>{tds}</tr>")
            parts.append(f"<table><caption>{e(caption)}</caption><thead><tr>{head}</tr></thead>"
                         f"<tbody>{''.join(body)}</tbody></table>")
    parts.append("<p class='note'>{}</p>".format(_("{name}: {text}").format(
        name="<i>{}</i>".format(e(_("Position"))), text=e(_(POSITION_NOTE)))))
    if notes.strip():
        parts.append("<h2>{}</h2>".format(e(_("Notes")))
                     + "".join(f"<p>{e(p)}</p>" for p in notes.split("\n") if p))
    src = list(dict.fromkeys(s for s in sources if s))
    if src:
        parts.append("<h2>{}</h2><ul>".format(e(_("Data sources"))) + "".join(f"<li>{e(s)}</li>" for s in src)
                     + "</ul>")
    style = ("body{font-family:system-ui,Segoe UI,Arial,sans-serif;max-width:900px;margin:2em auto;"
             "padding:0 1em;color:#222}table{border-collapse:collapse;margin:.6em 0 1.2em;"
             "font-size:.9em;width:100%}caption{text-align:left;font-weight:600;padding:4px 0}"
             "th,td{border-bottom:1px solid #ddd;padding:3px 8px;text-align:right}"
             "th:first-child,td:first-child{text-align:left}.note{color:#555;font-size:.85em}"
             "svg{max-width:100%;height:auto;overflow:visible}figure{padding-left:48px;margin-left:0}"
             "@media print{body{margin:0}}")
    title = _("Scorecard {country} {start}–{end}").format(country=country, start=start, end=end)
    return (f"<!DOCTYPE html><html lang='{get_language()}'><head><meta charset='utf-8'><title>"
            f"{e(title)}</title><style>{style}</style></head><body>"
            f"{''.join(parts)}</body></html>")
