"""CountryProfile: one country across the seven dimensions of human security,
beside its state-security (military) indicators.

>>> p = CountryProfile("KEN")
>>> p.compare.value = "income"
>>> "Kenya" in p.panel.description_text
True
>>> p.country.value = "NOR"
>>> p.vulnerable != []
True
"""

from __future__ import annotations

import math
from functools import lru_cache

import altair as alt
import ipywidgets as W
import pandas as pd

from widgets import data
from widgets.charts import format_value
from widgets.charts.profile import USER_ROW_PREFIX, profile_datasets, profile_spec
from widgets.errors import LabInputError
from widgets.i18n import N_, _, get_language, ngettext, sort_key
from widgets.profile import (
    PROFILE_INDICATORS,
    STATE_SECURITY_INDICATORS,
    dimension_summary,
    most_vulnerable_dimensions,
    profile_table,
)
from widgets.ui import ChartPanel, LabWidget
from widgets.usertable import (
    USER_INDICATORS,
    listen_weakly,
    restore_saved_tables,
    user_indicator_info,
    user_indicator_long,
)

__all__ = ["CountryProfile"]


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))

COMPARE_OPTIONS = [
    (N_("Countries in the same region"), "region"),
    (N_("Countries in the same income group"), "income"),
    (N_("A peer country"), "peer"),
]


#: The dimensions' short names, for the profile's rows ("Health · Life expectancy").
SHORT_DIMENSIONS = {
    "economic": N_("Economic"), "food": N_("Food"), "health": N_("Health"),
    "environmental": N_("Environmental"), "personal": N_("Personal"),
    "community": N_("Community"), "political": N_("Political"),
    "state_security": N_("State (military)"), "summary": N_("Summary indices"),
    "context": N_("Context"),
}


def _ordinal(p: float) -> str:
    """``13.4`` -> ``"13th"`` (percentiles in sentences).

    >>> _ordinal(1.2), _ordinal(22), _ordinal(13), _ordinal(100)
    ('1st', '22nd', '13th', '100th')
    """
    n = int(round(p))
    if get_language() == "fr":
        return "1er" if n == 1 else f"{n}e"
    if get_language() == "es":
        return f"{n}"  # "el percentil 13": a cardinal number
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@lru_cache(maxsize=1)
def _shared_table() -> pd.DataFrame:
    """Percentiles and trends of every country, computed once per session."""
    ids = [i for group in PROFILE_INDICATORS.values() for i in group] + STATE_SECURITY_INDICATORS
    meta = {}
    for i in ids:
        info = data.indicator_info(i)
        meta[i] = {"direction": info.direction, "dimension": info.dimension}
    return profile_table(data.load_panel(ids), data.load_countries(), meta, ids)


@lru_cache(maxsize=1)
def _records_by_country() -> dict[str, dict[str, dict]]:
    """The shared table as plain Python, by country and indicator (made once per session).

    A country change then reads a few dozen dicts instead of filtering and
    re-indexing DataFrames (about 20 ms of pandas per change).
    """
    table = _shared_table()
    cols = ["iso3", "indicator", "value", "year", "pct_world", "pct_region", "pct_income",
            "trend"]
    out: dict[str, dict[str, dict]] = {}
    for rec in table[cols].to_dict("records"):
        out.setdefault(rec["iso3"], {})[rec["indicator"]] = rec
    return out


_USER_RECORDS: dict[str, tuple[int, dict[str, dict]]] = {}


def _user_records(key: str) -> dict[str, dict]:
    """A learner's indicator (issue 21) placed like the lab's: by country, made once per table.

    Percentiles count the countries in the learner's file. An indicator outside
    the seven dimensions, or neutral, is ranked 0 = lowest, 100 = highest (as the
    state-security rows are).
    """
    frame = USER_INDICATORS[key]["data"]
    cached = _USER_RECORDS.get(key)
    if cached is not None and cached[0] == id(frame):
        return cached[1]
    info = user_indicator_info(key)
    direction = info.direction if info.in_human_security else "neutral"
    long = user_indicator_long(key).rename(columns={"value": key})
    countries = data.load_countries()
    long = long[long["iso3"].isin(countries["iso3"])]
    out: dict[str, dict] = {}
    if not long.empty:
        table = profile_table(long, countries, {key: {"direction": direction,
                                                      "dimension": info.dimension}}, [key])
        cols = ["iso3", "indicator", "value", "year", "pct_world", "pct_region", "pct_income",
                "trend", "n_world"]
        out = {rec["iso3"]: rec for rec in table[cols].to_dict("records")}
    _USER_RECORDS[key] = (id(frame), out)
    return out


class CountryProfile(LabWidget):
    """Where one country stands on each dimension of human security.

    Parameters
    ----------
    country : ISO3 code or name (default Kenya).
    compare : ``"region"``, ``"income"`` or ``"peer"``.
    peer : the peer country when ``compare="peer"``.
    """

    state_name = "country_profile"
    state_controls = ("country", "compare", "peer")

    def __init__(self, country: str = "KEN", compare: str = "region", peer: str = "GHA") -> None:
        self._countries = data.load_countries().set_index("iso3")
        self._human = [i for ids in PROFILE_INDICATORS.values() for i in ids]
        self._state = list(STATE_SECURITY_INDICATORS)
        self._info = {i: data.indicator_info(i) for i in self._human + self._state}
        self._table = _shared_table()
        self._dimension_of = {i: v.dimension for i, v in self._info.items()}
        self._row_label = {i: f"{_(SHORT_DIMENSIONS[v.dimension])}"
                              f" · {_(v.short_label)}" for i, v in self._info.items()}
        # the dimension averages are the lab's indicators only; a learner's table
        # is shown beside them ("Your data · ...") and described on its own
        self._lab_dimension_of = dict(self._dimension_of)
        self._user: list[str] = []
        restore_saved_tables()  # the learner's tables from an earlier lesson
        self._add_user_rows()
        have = sorted(set(self._table["iso3"]),
                      key=lambda c: sort_key(data.local_country_name(c)))
        options = [(data.local_country_name(c), c) for c in have]
        self.vulnerable: list[str] = []

        self.country = W.Dropdown(options=options, value="KEN" if "KEN" in have else have[0],
                                  description=_("Country"), style={"description_width": "130px"},
                                  layout=W.Layout(width="380px"))
        self.compare = W.Dropdown(options=[(_(a), b) for a, b in COMPARE_OPTIONS],
                                  value="region", description=_("Compare with"), style={"description_width": "130px"},
                                  layout=W.Layout(width="380px"))
        self.peer = W.Dropdown(options=options, value="GHA" if "GHA" in have else have[0],
                               description=_("Peer country"), style={"description_width": "130px"},
                               layout=W.Layout(width="380px"), disabled=True)
        # Start from an empty chart; the real spec is filled from a template (fast).
        self.panel = ChartPanel(alt.Chart(pd.DataFrame({"x": []})).mark_point(), "")
        super().__init__([W.HBox([W.VBox([self.country, self.compare, self.peer])]), self.panel])
        self.on_change([self.country, self.compare, self.peer], self._on_change)
        listen_weakly(self, "_user_indicator_added")

        problems = []
        for value, control in ((country, self.country), (peer, self.peer)):
            try:
                code = data.check_country(value)
                if code not in have:
                    raise LabInputError(_("{country} has no data in the profile.").format(
                        country=data.local_country_name(code)))
                control.value = code
            except LabInputError as err:
                problems.append(str(err))
        if compare in dict((v, k) for k, v in COMPARE_OPTIONS):
            self.compare.value = compare
        else:
            problems.append(_("{choice} is not a comparison; use 'region', 'income' or "
                              "'peer'.").format(choice=repr(compare)))
        self._on_change(None)
        if problems:
            self.show_message(" ".join(problems), "error")

    # -- a learner's own tables (UserDataLoader) --------------------------------
    def _add_user_rows(self) -> None:
        """Put every registered user indicator beside the lab's rows."""
        for key in USER_INDICATORS:
            info = user_indicator_info(key)
            if key not in self._user:
                self._user.append(key)
                (self._human if info.in_human_security else self._state).append(key)
            self._info[key] = info
            self._dimension_of[key] = info.dimension
            self._row_label[key] = f"{_(USER_ROW_PREFIX)}{info.label}"

    def _user_indicator_added(self, key: str) -> None:
        _USER_RECORDS.pop(key, None)
        if key in self._user:  # replaced: it may move between the two charts
            self._user.remove(key)
            for rows in (self._human, self._state):
                if key in rows:
                    rows.remove(key)
        self._add_user_rows()
        self._order = None  # rows changed: a new spec
        self._on_change(None)

    def _user_sentences(self, iso3: str) -> str:
        name = data.local_country_name(iso3)
        prefix = _(USER_ROW_PREFIX)
        parts = []
        for key in self._user:
            info = self._info[key]
            r = _user_records(key).get(iso3)
            if r is None or _missing(r.get("value")):
                parts.append(_("{prefix}{label} (from the file {file}): no recent value for "
                               "{country}.").format(prefix=prefix, label=info.label,
                                                    file=info.source, country=name))
                continue
            parts.append(_(
                "{prefix}{label} (from the file {file}): {value} ({year}), the {ordinal} "
                "percentile among the {n} countries in your file.").format(
                prefix=prefix, label=info.label, file=info.source,
                value=format_value(r['value'], info.unit), year=int(r['year']),
                ordinal=_ordinal(r['pct_world']), n=int(r['n_world'])))
        return (" " + " ".join(parts)) if parts else ""

    def _source(self) -> str:
        return " ".join(_("{prefix}{label}: {publisher}.").format(
            prefix=_(USER_ROW_PREFIX), label=self._info[k].label,
            publisher=self._info[k].publisher) for k in self._user)

    # -- data for one selection --------------------------------------------
    def _compare_label(self, iso3: str) -> tuple[str, str]:
        mode = self.compare.value if hasattr(self, "compare") else "region"
        if mode == "region":
            return "pct_region", _("Within {region}").format(
                region=data.local_region_name(self._countries.at[iso3, 'un_region']))
        if mode == "income":
            group = self._countries.at[iso3, "income_group"]
            if pd.isna(group):
                return "pct_income", _("Within its income group (none assigned)")
            return "pct_income", _("Within {group} countries").format(group=_(group).lower())
        return "peer", _("Peer: {country}").format(
            country=data.local_country_name(self.peer.value))

    def _rows(self, iso3: str, indicators: list[str], column: str) -> pd.DataFrame:
        """One row per indicator (in ``indicators`` order) for the chart and the sentences.

        Indicators without data for the country keep their row, with no value
        ("no data"), so a gap never shows as a bad score. ``column`` is the
        comparison percentile (``pct_region``, ``pct_income``) or ``"peer"``
        (the peer's percentile among all countries).
        """
        records = _records_by_country()
        if iso3 not in records:
            raise LabInputError(_("There is no data for {code} in this profile.").format(
                code=repr(iso3)))
        mine = records[iso3]
        peer = records.get(self.peer.value, {}) if column == "peer" else None
        if self._user:
            mine = dict(mine, **{k: _user_records(k).get(iso3, {}) for k in self._user})
            if peer is not None:
                peer = dict(peer, **{k: _user_records(k).get(self.peer.value, {})
                                     for k in self._user})
        missing: dict = {}
        cols: dict[str, list] = {k: [] for k in ("indicator", "row", "dimension", "pct_world",
                                                 "pct_compare", "detail", "trend", "value",
                                                 "year")}
        for ind in indicators:
            r = mine.get(ind, missing)
            value, year = r.get("value", math.nan), r.get("year", math.nan)
            has_value = not _missing(value)
            trend = r.get("trend")
            compare = (peer.get(ind, missing).get("pct_world", math.nan) if peer is not None
                       else r.get(column, math.nan))
            cols["indicator"].append(ind)
            cols["row"].append(self._row_label[ind])
            cols["dimension"].append(self._dimension_of[ind])
            cols["pct_world"].append(r.get("pct_world", math.nan))
            cols["pct_compare"].append(compare)
            cols["detail"].append(f"{format_value(value, self._info[ind].unit)} ({int(year)})"
                                  if has_value else _("no data"))
            cols["trend"].append(_(trend) if isinstance(trend, str) else _("no data"))
            cols["value"].append(value if has_value else math.nan)
            cols["year"].append(year if has_value else math.nan)
        return pd.DataFrame(cols)

    def _rows_for(self, iso3: str) -> tuple[pd.DataFrame, pd.DataFrame, str]:
        column, label = self._compare_label(iso3)
        rows = self._rows(iso3, self._human, column)
        summary = dimension_summary(rows[["indicator", "pct_world"]], self._lab_dimension_of)
        self._summary = summary
        self.vulnerable = most_vulnerable_dimensions(summary, n=2)
        rows["highlight"] = rows["dimension"].isin(self.vulnerable)
        state = self._rows(iso3, self._state, column)
        state["highlight"] = False
        return rows, state, label

    # -- callback -------------------------------------------------------------
    def _on_change(self, change: dict | None) -> None:
        self.peer.disabled = self.compare.value != "peer"
        iso3 = self.country.value
        if self.compare.value == "peer" and self.peer.value == iso3:
            self.show_message(_("The peer is the same country; choose another peer to compare."),
                              "warning")
        else:
            self.clear_message()
        rows, state, label = self._rows_for(iso3)
        description = self._describe(iso3, rows, state, label) + self._user_sentences(iso3)

        def table() -> pd.DataFrame:  # made when the learner opens it
            return pd.concat([rows, state]).assign(
                Indicator=lambda d: d["row"],
                Unit=lambda d: [_(self._info[i].unit) for i in d["indicator"]],
                Source=lambda d: [self._info[i].publisher for i in d["indicator"]],
            )[["Indicator", "value", "Unit", "year", "pct_world", "pct_compare", "trend",
               "Source"]].rename(
                columns={"value": _("Latest value"), "year": _("Year"),
                         "pct_world": _("Percentile among all countries"),
                         "pct_compare": _("Percentile: {group}").format(group=label),
                         "trend": _("Since 2000"), "Indicator": _("Indicator"),
                         "Unit": _("Unit"), "Source": _("Source")})

        order = (tuple(rows["row"]), tuple(state["row"]))
        if getattr(self, "_order", None) == order:
            # same rows, new numbers: swap them in the chart on screen (no rebuild)
            self.panel.set_data(params={"compare_label": label}, description=description,
                                **profile_datasets(rows, state))
            self.spec = self.panel.chart.spec
        else:
            self.spec = profile_spec(rows, state, label, description)
            self.panel.chart.spec = self.spec
            self._order = order
        self.panel.update(description=description, table=table,
                          caption=_("Profile of {country}").format(
                              country=data.local_country_name(iso3)),
                          source=self._source())

    def _describe(self, iso3: str, rows: pd.DataFrame, state: pd.DataFrame, label: str) -> str:
        name = data.local_country_name(iso3)
        # (plain Python over a few dozen values: pandas filtering cost ~5 ms per change)
        summary = [(d, p) for d, p in zip(self._summary["dimension"],
                                          self._summary["mean_percentile"], strict=True)
                   if not _missing(p)]
        if not summary:
            return _("{country} has no recent data on these indicators.").format(country=name)
        weak = [_("{dimension} (average {ordinal} percentile)").format(
                    dimension=_(data.DIMENSIONS[d]).lower(), ordinal=_ordinal(p))
                for d, p in summary if d in self.vulnerable]
        best_dimension, best = summary[-1]
        missing = sum(_missing(p) for p in rows["pct_world"].tolist())
        text = _("{country}: among all countries with data, its weakest dimensions are "
                 "{weakest}; its strongest is {strongest} (average {ordinal} percentile). "
                 "Diamonds show: {group}.").format(
            country=name, weakest=_(" and ").join(weak),
            strongest=_(data.DIMENSIONS[best_dimension]).lower(), ordinal=_ordinal(best),
            group=label)
        if missing:
            text += " " + ngettext(
                "{n} indicator has no recent data for {country} and is not plotted.",
                "{n} indicators have no recent data for {country} and are not plotted.",
                missing).format(n=missing, country=name)
        milex = dict(zip(state["indicator"], zip(state["value"], state["detail"],
                                                  state["pct_world"], strict=True), strict=True))
        if "milex_gdp" in milex and not _missing(milex["milex_gdp"][0]):
            _value, detail, pct = milex["milex_gdp"]
            text += " " + _("Military spending: {value}, the {ordinal} percentile among "
                            "countries (100 = highest share).").format(
                value=detail, ordinal=_ordinal(pct))
        return text
