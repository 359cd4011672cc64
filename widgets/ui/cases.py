"""CaseExplorer: a case's dated events laid over the indicator series that tell its story.

Choosing a case sends that case's data to the chart once (all its indicators
for its countries and neighbours); choosing an indicator, countries or the
year to read then only changes chart parameters, so the chart updates
without re-sending data.
"""

from __future__ import annotations

import html
from functools import lru_cache
from typing import Any

import ipywidgets as W
import pandas as pd

from widgets import data
from widgets.cases import (
    case_events,
    get_case,
    load_case_events,
    load_cases,
    stack_series,
    top_destinations,
)
from widgets.charts import format_value
from widgets.charts.cases import case_timeline_chart, destinations_chart, timeline_update
from widgets.errors import LabInputError
from widgets.i18n import _, localise_number
from widgets.ui import ChartPanel, LabWidget, data_table_html
from widgets.ui.tour import with_unit

__all__ = ["CaseExplorer", "RefugeeDestinations", "case_notes_html", "events_table_html"]


def events_table_html(events: pd.DataFrame) -> str:
    """The numbered timeline with a source for every event, as an accessible table."""
    table = pd.DataFrame({
        _("No."): events["number"].astype(str),
        _("Date"): events["date_label"],
        _("What happened"): events["event"],
        _("Source"): [f"{t} ({r})" if r else t for t, r in
                      zip(events["source_title"], events["source_url_or_reference"], strict=True)],
    })
    return data_table_html(table, caption=_("Timeline of key events, with sources"))


def case_notes_html(case_id: str) -> str:
    """Summary, policy notes, discussion questions and reading for one case."""
    case = get_case(case_id)
    qs = "".join(f"<li>{html.escape(q)}</li>" for q in case.questions)
    reading = "".join(f"<li>{html.escape(r)}</li>" for r in case.reading)
    policy_head = html.escape(_("What human-security policy did or could have done."))
    questions_head = html.escape(_("Discussion questions"))
    reading_head = html.escape(_("Further reading"))
    return (
        f"<h3 style='font-size:1em;margin:6px 0'>{html.escape(case.title)}</h3>"
        f"<p>{html.escape(case.summary)}</p>"
        f"<p><b>{policy_head}</b> "
        f"{html.escape(case.policy)}</p>"
        f"<p><b>{questions_head}</b></p><ol>{qs}</ol>"
        + (f"<p><b>{reading_head}</b></p><ul>{reading}</ul>" if reading else "")
    )


@lru_cache(maxsize=1)
def _case_series() -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Every case indicator's series and metadata, loaded once per session."""
    needed = sorted({i for c in load_cases().values() for i in c.indicators})
    return ({i: data.indicator_series(i) for i in needed},
            {i: data.indicator_info(i) for i in needed})


class CaseExplorer(LabWidget):
    """Choose a case, an indicator and countries; events appear as numbered rules.

    >>> ex = CaseExplorer("colombia")
    >>> ex.indicator.value
    'battle_deaths'
    >>> ex.case.value = "ebola"
    >>> list(ex.countries.value)
    ['GIN', 'LBR', 'SLE', 'CIV']
    >>> ex.panel.chart.params.indicator
    'under5_mortality'
    >>> "Guinea" in ex.panel.description_text
    True
    """

    state_controls = ("case", "indicator", "countries", "year")
    state_name = "case_explorer"

    def __init__(self, case: str = "costa-rica", indicator: str | None = None,
                 countries: list[str] | None = None) -> None:
        self._cases = load_cases()
        self._events = load_case_events()
        first = get_case(case)
        self._series, self._infos = _case_series()
        if countries is not None:
            codes = [data.check_country(c) for c in countries]
            foreign = [c for c in codes if c not in first.all_countries]
            if foreign or not codes:
                raise LabInputError(
                    _("The case '{case}' can show {countries}; {others} cannot be shown. Choose "
                      "from those.").format(case=first.title,
                                            countries=", ".join(first.all_countries),
                                            others=", ".join(foreign) or _("an empty list")))
            countries = codes
        if indicator is not None and indicator not in first.indicators:
            raise LabInputError(_("The case '{case}' has the indicators {indicators}; {indicator} "
                                  "is not one of them.").format(
                case=first.title, indicators=", ".join(first.indicators),
                indicator=repr(indicator)))
        self._names = data.local_country_names()
        self._charts: dict[str, Any] = {}
        self._busy = False

        style = {"description_width": "90px"}
        wide = W.Layout(width="540px")
        self.case = W.Dropdown(options=[(c.title, c.id) for c in self._cases.values()],
                               value=first.id, description=_("Case"), style=style, layout=wide)
        self.indicator = W.Dropdown(description=_("Indicator"), style=style, layout=wide)
        self.countries = W.SelectMultiple(rows=6, description=_("Countries"), style=style,
                                          layout=wide)
        self.year = W.IntSlider(description=_("Read year"), min=first.years[0],
                                max=first.years[1], value=first.years[1], style=style,
                                layout=wide)
        self.readout = W.HTML()
        self.timeline = W.HTML()
        self.notes = W.HTML()
        self._set_case_controls(first.id, indicator, countries)
        self.panel = ChartPanel(self._case_chart(first.id), "", source="")
        super().__init__([
            self.case, self.indicator, self.countries,
            W.HTML("<p style='font-size:12px;color:#444;margin:2px 0'>" + _(
                "Hold <b>Ctrl</b> (<b>⌘</b> on a Mac) and click to choose several countries; "
                "from the keyboard use the arrow keys with <b>Shift</b>. The numbers at the top "
                "of the chart refer to the timeline below it.") + "</p>"),
            self.year, self.panel, self.readout,
            W.HTML("<h3 style='font-size:1em;margin:8px 0 2px'>" + html.escape(_("Timeline"))
                   + "</h3>"), self.timeline, self.notes])
        self._refresh_text()
        self._wire()

    # -- building ------------------------------------------------------------
    def _set_case_controls(self, case_id: str, indicator: str | None = None,
                           countries: list[str] | None = None) -> None:
        case = self._cases[case_id]
        self._busy = True
        try:
            # options and selection in one message each: the browser must never
            # apply a selection to the previous case's options
            with self.indicator.hold_sync():
                self.indicator.options = [(_(self._infos[i].label), i) for i in case.indicators]
                self.indicator.value = (indicator if indicator in case.indicators
                                        else case.indicators[0])
            with self.countries.hold_sync():
                # the case's own countries first, then its neighbours (as in the file)
                self.countries.options = [(self._names.get(c, c), c) for c in case.all_countries]
                wanted = [c for c in (countries or case.all_countries) if c in case.all_countries]
                self.countries.value = tuple(wanted or case.all_countries)
            lo, hi = case.years
            self.year.max = max(hi, self.year.max)
            self.year.min = lo
            self.year.max = hi
            self.year.value = self._default_year(case_id, self.indicator.value)
        finally:
            self._busy = False
        self.timeline.value = events_table_html(case_events(self._events, case_id))
        self.notes.value = case_notes_html(case_id)

    def _default_year(self, case_id: str, indicator: str) -> int:
        """The latest year in which the case's own countries have data for ``indicator``."""
        case = self._cases[case_id]
        s = self._series[indicator]
        years = s.loc[s["iso3"].isin(case.countries) & s["year"].between(*case.years), "year"]
        return int(years.max()) if len(years) else case.years[1]

    def _case_data(self, case_id: str) -> dict[str, Any]:
        """Everything a case needs, computed once: data, events, quick look-ups."""
        if case_id not in self._charts:
            case = self._cases[case_id]
            series = {i: self._series[i] for i in case.indicators}
            stacked = stack_series(series, list(case.all_countries), case.years)
            # country names in the reader's language (legend, tooltips, descriptions)
            stacked["name"] = stacked["iso3"].map(lambda c: self._names.get(c, c))
            events = case_events(self._events, case_id, case.years)
            pieces = {}
            for (ind, iso3), g in stacked.groupby(["indicator", "iso3"], sort=False):
                info = self._infos[ind]
                g = g.assign(name=self._names.get(iso3, iso3))
                pieces[(ind, iso3)] = g[["name", "year", "value"]].rename(columns={
                    "name": _("Country"), "year": _("Year"), "value": self._value_column(info)})
            lookup = {(r.indicator, r.iso3, r.year): r.value for r in stacked.itertuples()}
            self._charts[case_id] = {"stacked": stacked, "events": events,
                                     "pieces": pieces, "lookup": lookup}
        return self._charts[case_id]

    @staticmethod
    def _value_column(info: data.IndicatorInfo) -> str:
        """The data table's value column: short label and unit in the reader's language."""
        return f"{_(info.short_label)} ({_(info.unit)})"

    def _case_chart(self, case_id: str) -> Any:
        """The chart of one case with the current controls as parameter values."""
        case = self._cases[case_id]
        d = self._case_data(case_id)
        info = self._infos[self.indicator.value]
        return case_timeline_chart(
            d["stacked"], d["events"], indicator=self.indicator.value,
            countries=list(self.countries.value), y_label=_(info.label),
            year=int(self.year.value), title=case.title,
            subtitle=_("Numbered lines: dated events (see the timeline). Dotted line: the year "
                       "you read."),
            description="")

    def _show_case(self, case_id: str) -> None:
        """Swap another case's rows, years and title into the chart on screen."""
        d = self._case_data(case_id)
        params, datasets = timeline_update(d["stacked"], d["events"], self._cases[case_id].title)
        info = self._infos[self.indicator.value]
        params.update(indicator=self.indicator.value, countries=list(self.countries.value),
                      year=int(self.year.value), ylabel=_(info.label))
        self.panel.set_data(params=params, **datasets)

    def _current(self) -> pd.DataFrame:
        """The data table of the chosen indicator for the chosen countries, in their order."""
        pieces = self._case_data(self.case.value)["pieces"]
        parts = [pieces[(self.indicator.value, c)] for c in self.countries.value
                 if (self.indicator.value, c) in pieces]
        if not parts:
            info = self._infos[self.indicator.value]
            return pd.DataFrame(columns=[_("Country"), _("Year"), self._value_column(info)])
        return pd.concat(parts, ignore_index=True)

    def _description(self) -> str:
        case = self._cases[self.case.value]
        info = self._infos[self.indicator.value]
        n_events = len(self._case_data(case.id)["events"])
        shown = ", ".join(self._names.get(c, c) for c in self._have) or (
            _("none of the chosen countries"))
        return _("{indicator}, {first}–{last}, for {countries}. {n} dated events of the case are "
                 "drawn as numbered vertical lines; the dotted line marks {year}.").format(
            indicator=with_unit(info), first=case.years[0], last=case.years[1],
            countries=shown, n=n_events, year=self.year.value)

    def _readout(self) -> None:
        info = self._infos[self.indicator.value]
        lookup = self._case_data(self.case.value)["lookup"]
        year = int(self.year.value)
        parts = []
        for c in self._have:
            v = lookup.get((self.indicator.value, c, year))
            if v is not None:
                parts.append(_("{country}: {value}").format(
                    country=html.escape(self._names.get(c, c)),
                    value="<b>" + html.escape(format_value(v, info.unit)) + "</b>"))
        label = html.escape(_(info.short_label))
        if not parts:
            self.readout.value = ("<p role='status'>" + _(
                "No values of {indicator} for {year}; move the year slider.").format(
                indicator=label, year=year) + "</p>")
        else:
            self.readout.value = ("<p role='status'>" + _("{indicator} in {year} — {values}").format(
                indicator=label, year=year, values="; ".join(parts)) + "</p>")

    def _refresh_text(self) -> None:
        """Description, data table, source, readout and warnings for the current choice."""
        case = self._cases[self.case.value]
        info = self._infos[self.indicator.value]
        codes = list(self.countries.value)
        if not codes:
            raise LabInputError(_("Choose at least one country in the list."))
        pieces = self._case_data(case.id)["pieces"]
        self._have = [c for c in codes if (self.indicator.value, c) in pieces]
        missing = [self._names.get(c, c) for c in codes if c not in self._have]
        table = self._current()
        self.panel.update(description=self._description(), table=table,
                          source=info.source_line())
        self._readout()
        if table.empty:
            note = (" " + _("Note from the catalogue: {caveats}").format(caveats=info.caveats)
                    if info.caveats else "")
            self.show_message(_("{indicator} has no data for the countries chosen in "
                                "{first}–{last}.").format(indicator=_(info.short_label),
                                                          first=case.years[0],
                                                          last=case.years[1])
                              + note + " " + _("Choose another indicator or add countries."),
                              "error")
        elif missing:
            note = f" {info.caveats}" if info.caveats else ""
            self.show_message(_("No {indicator} data for {countries} in these years.").format(
                indicator=_(info.short_label), countries=", ".join(missing)) + note, "warning")
        else:
            self.clear_message()

    # -- callbacks -------------------------------------------------------------
    def _wire(self) -> None:
        self.on_change(self.case, self._on_case)
        self.on_change(self.indicator, self._on_indicator)
        self.on_change(self.countries, self._on_countries)
        self.on_change(self.year, self._on_year)

    def _on_case(self, change: dict | None = None) -> None:
        if self._busy:
            return
        self._set_case_controls(self.case.value)
        self._show_case(self.case.value)
        self._refresh_text()

    def _on_indicator(self, change: dict | None = None) -> None:
        if self._busy:
            return
        info = self._infos[self.indicator.value]
        self.panel.set_params(indicator=self.indicator.value,
                              ylabel=_(info.label))
        self._refresh_text()

    def _on_countries(self, change: dict | None = None) -> None:
        if self._busy:
            return
        if not self.countries.value:
            raise LabInputError(_("Choose at least one country in the list; the chart still "
                                  "shows your last choice."))
        self.panel.set_params(countries=list(self.countries.value))
        self._refresh_text()

    def _on_year(self, change: dict | None = None) -> None:
        if self._busy:
            return
        self.panel.set_params(year=int(self.year.value))
        self.panel.set_description(self._description())
        self._readout()

    # -- saving ------------------------------------------------------------------
    def restore_learner_state(self, state: dict[str, Any]) -> list[str]:
        """Restore a saved case first, then its indicator, countries and year.

        Choices that no longer exist (an unknown case, a country not in the
        case) are skipped and reported; the rest is restored.
        """
        skipped: list[str] = []
        case_id = state.get("case", self.case.value)
        if case_id not in self._cases:
            skipped.append("case")
            case_id = self.case.value
        case = self._cases[case_id]
        indicator = state.get("indicator")
        if indicator is not None and indicator not in case.indicators:
            skipped.append("indicator")
        countries = state.get("countries")
        if countries is not None:
            if not isinstance(countries, list | tuple) or not set(countries) <= set(
                    case.all_countries) or not countries:
                skipped.append("countries")
                countries = None
        self._busy = True
        self.case.value = case_id
        self._busy = False
        self._set_case_controls(case_id, indicator, countries)
        year = state.get("year")
        if year is not None:
            if isinstance(year, int) and case.years[0] <= year <= case.years[1]:
                self._busy = True
                self.year.value = year
                self._busy = False
            else:
                skipped.append("year")
        skipped += [k for k in state if k not in self.state_controls]
        self._show_case(case_id)
        self._refresh_text()
        return skipped


class RefugeeDestinations(LabWidget):
    """Where refugees from one country lived, year by year (UNHCR data).

    >>> d = RefugeeDestinations("SYR", year=2016)
    >>> d.panel.table_data.iloc[0]["Host country"]
    'Türkiye'
    """

    state_controls = ("year",)
    state_name = "refugee_destinations"

    def __init__(self, origin: str = "SYR", year: int | None = None, n: int = 8) -> None:
        self.origin = data.check_country(origin)
        self.n = n
        self._flows = data.load_displacement(origin=self.origin)
        years = sorted(self._flows.loc[self._flows["refugees"].fillna(0) > 0, "year"].unique())
        if not years:
            raise LabInputError(_("No refugee flows recorded from {country}.").format(
                country=origin))
        self._names = data.local_country_names()
        self.year = W.IntSlider(description=_("Year"), min=int(years[0]), max=int(years[-1]),
                                value=int(year if year is not None else years[-1]),
                                style={"description_width": "90px"},
                                layout=W.Layout(width="540px"))
        self._source = (data.indicator_info("refugees_hosted").source_line()
                        + " " + _("Flows by country of origin and of asylum."))
        self.panel = ChartPanel(*self._build())
        super().__init__([self.year, self.panel])
        self.on_change(self.year, self._redraw)

    def _build(self) -> tuple[Any, str, pd.DataFrame, str, str]:
        year = int(self.year.value)
        top = top_destinations(self._flows, self.origin, year, self.n)
        other = _("Other countries")
        top["host"] = top["asylum_iso3"].map(lambda c: self._names.get(c, other))
        origin_name = data.local_country_name(self.origin)
        lead = top.iloc[0]
        text = _("In {year}, {host} hosted the most refugees from {country}: {refugees}, or "
                 "{share} of all recorded.").format(
            year=year, host=lead["host"], country=origin_name,
            refugees=localise_number(f"{lead['refugees']:,.0f}"),
            share=localise_number(f"{lead['share']:.0f}", "%"))
        chart = destinations_chart(top, origin_name, year, description=text)
        table = top[["host", "refugees", "share"]].rename(
            columns={"host": _("Host country"), "refugees": _("Refugees"),
                     "share": _("Share (%)")})
        return chart, text, table, "", self._source

    def _redraw(self, change: dict | None = None) -> None:
        chart, text, table, _c, _s = self._build()
        self.panel.update(chart=chart, description=text, table=table)
        self.clear_message()
