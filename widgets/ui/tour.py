"""Lesson 00's tour of the controls, and the catalogue table grouped by dimension.

:class:`ControlTour` is deliberately small: one drop-down, one multi-select,
one slider and the standard "Show the data" toggle, so a first-time learner
meets every kind of control the lab uses.
"""

from __future__ import annotations

import html

import ipywidgets as W
import pandas as pd

from widgets import data
from widgets.cases import stack_series
from widgets.charts import format_value
from widgets.charts.cases import case_timeline_chart
from widgets.errors import LabInputError
from widgets.i18n import _, ngettext, sort_key
from widgets.ui import ChartPanel, LabWidget, data_table_html

__all__ = ["ControlTour", "catalogue_table", "with_unit"]


def with_unit(info: data.IndicatorInfo) -> str:
    """The indicator's label with its unit in brackets, unless the label already has it.

    >>> with_unit(data.indicator_info("life_expectancy"))
    'Life expectancy at birth (years)'
    """
    if not info.unit or f"({info.unit})" in info.label:
        return _(info.label)
    return f"{_(info.label)} ({_(info.unit)})"

#: Indicators offered in the tour (a mix of dimensions and directions).
TOUR_INDICATORS = ("life_expectancy", "under5_mortality", "hdi", "milex_gdp", "homicide_rate")
#: Countries offered in the tour (one or two per world region) and those shown first.
TOUR_CHOICES = ("BRA", "CHN", "DEU", "EGY", "IDN", "IND", "JPN", "KEN", "MEX", "NGA", "NOR",
                "USA")
TOUR_COUNTRIES = ("KEN", "IND", "BRA")


def catalogue_table(catalogue: pd.DataFrame) -> str:
    """The catalogue as accessible HTML tables, one per dimension.

    >>> html_text = catalogue_table(data.load_catalogue())
    >>> "Health security" in html_text and "<table" in html_text
    True
    """
    parts: list[str] = []
    direction_words = {"higher_is_better": _("higher is better"),
                       "higher_is_worse": _("higher is worse"), "neutral": _("neither")}
    for dim, label in data.DIMENSIONS.items():
        rows = catalogue[catalogue["dimension"] == dim]
        if rows.empty:
            continue
        table = pd.DataFrame({
            _("Indicator"): [_(v) for v in rows["label"]],
            "id": rows["id"],
            _("Unit"): [_(v) for v in rows["unit"]],
            _("Reading"): rows["direction"].map(direction_words).fillna(""),
            _("Publisher"): rows["publisher"],
            _("Licence"): rows["licence"],
            _("Years"): rows["first_year"].astype(str) + "–" + rows["last_year"].astype(str),
        })
        heading = ngettext("{dimension} ({n} indicator)", "{dimension} ({n} indicators)",
                           len(rows)).format(dimension=_(label), n=len(rows))
        parts.append(f"<h3 style='font-size:1em;margin:10px 0 2px'>{html.escape(heading)}</h3>")
        caption = _("{dimension}: indicators in the lab").format(dimension=_(label))
        parts.append(data_table_html(table, caption=caption))
    return "\n".join(parts)


class ControlTour(LabWidget):
    """A first widget to practise with: indicator, countries, year, data table.

    All the tour's data go to the chart once; the controls then only change
    chart parameters, so the chart answers at once.

    >>> tour = ControlTour()
    >>> tour.indicator.value = "under5_mortality"
    >>> tour.panel.chart.params.indicator
    'under5_mortality'
    >>> tour.countries.value = ()
    >>> tour.message_text.startswith("Choose at least one country")
    True
    """

    state_controls = ("indicator", "countries", "year")
    state_name = "tour"

    def __init__(self, indicators: tuple[str, ...] = TOUR_INDICATORS,
                 countries: tuple[str, ...] = TOUR_CHOICES,
                 selected: tuple[str, ...] = TOUR_COUNTRIES) -> None:
        self._infos = {i: data.indicator_info(i) for i in indicators}
        series = {i: data.indicator_series(i) for i in indicators}
        self._stacked = stack_series(series, list(countries))
        self._stacked["name"] = [data.local_country_name(c) for c in self._stacked["iso3"]]
        self._pieces = {
            key: g[["name", "year", "value"]].rename(columns={
                "name": _("Country"), "year": _("Year"),
                "value": f"{_(self._infos[key[0]].short_label)} ({_(self._infos[key[0]].unit)})"})
            for key, g in self._stacked.groupby(["indicator", "iso3"], sort=False)}
        names = dict(zip(self._stacked["iso3"], self._stacked["name"], strict=False))
        style = {"description_width": "90px"}
        self.indicator = W.Dropdown(
            options=[(_(self._infos[i].label), i) for i in indicators], value=indicators[0],
            description=_("Indicator"), style=style, layout=W.Layout(width="460px"))
        self.countries = W.SelectMultiple(
            options=sorted(((names.get(c, c), c) for c in countries),
                           key=lambda o: sort_key(o[0])), value=tuple(selected),
            rows=6, description=_("Countries"), style=style, layout=W.Layout(width="460px"))
        years = self._stacked["year"]
        self.year = W.IntSlider(
            value=int(years.max()) - 2, min=int(years.min()), max=int(years.max()),
            description=_("Year"), style=style, layout=W.Layout(width="460px"))
        hint = _("Hold Ctrl (or ⌘) and click to choose several countries; with the keyboard "
                 "use the arrow keys with Shift.")
        help_text = W.HTML(f"<p style='font-size:12px;color:#444;margin:2px 0'>"
                           f"{html.escape(hint)}</p>")
        self.readout = W.HTML()
        info = self._infos[self.indicator.value]
        chart = case_timeline_chart(
            self._stacked, None, indicator=self.indicator.value,
            countries=list(self.countries.value), y_label=_(info.label),
            year=int(self.year.value), title=_("Practise with the controls"),
            subtitle=_("Dotted line: the year on the slider."))
        self.panel = ChartPanel(chart, "")
        super().__init__([self.indicator, self.countries, help_text, self.year, self.panel,
                          self.readout])
        self._refresh()
        self.on_change(self.indicator, self._on_indicator)
        self.on_change(self.countries, self._on_countries)
        self.on_change(self.year, self._on_year)

    def _refresh(self) -> None:
        ind = self.indicator.value
        info = self._infos[ind]
        codes = list(self.countries.value)
        parts = [self._pieces[(ind, c)] for c in codes if (ind, c) in self._pieces]
        if not parts:
            raise LabInputError(_("{indicator} has no data for the countries chosen; try other "
                                  "countries.").format(indicator=_(info.short_label)))
        self._table = table = pd.concat(parts, ignore_index=True)
        self.panel.update(description=self._text(), table=table, source=info.source_line())
        self._readout()
        self.clear_message()

    def _text(self) -> str:
        info = self._infos[self.indicator.value]
        table = self._table
        names = ", ".join(dict.fromkeys(table[_("Country")]))
        return _("{indicator} for {countries}, {first}–{last}. The dotted line marks "
                 "{year}.").format(indicator=with_unit(info), countries=names,
                                   first=int(table[_("Year")].min()),
                                   last=int(table[_("Year")].max()), year=self.year.value)

    def _readout(self) -> None:
        info = self._infos[self.indicator.value]
        table = self._table
        at = table[table[_("Year")] == self.year.value]
        col = table.columns[-1]
        country = _("Country")
        values = "; ".join(f"{html.escape(r[country])}: <b>"
                           f"{html.escape(format_value(r[col], info.unit))}</b>"
                           for _row, r in at.iterrows())
        heading = _("{indicator} in {year}").format(indicator=_(info.short_label),
                                                    year=self.year.value)
        values = values or html.escape(_("no data that year"))
        self.readout.value = f"<p role='status'>{html.escape(heading)} — {values}</p>"

    def _on_indicator(self, change: dict | None = None) -> None:
        info = self._infos[self.indicator.value]
        self.panel.set_params(indicator=self.indicator.value, ylabel=_(info.label))
        self._refresh()

    def _on_countries(self, change: dict | None = None) -> None:
        if not self.countries.value:
            raise LabInputError(_("Choose at least one country in the list; the chart keeps "
                                  "showing your last choice."))
        self.panel.set_params(countries=list(self.countries.value))
        self._refresh()

    def _on_year(self, change: dict | None = None) -> None:
        self.panel.set_params(year=int(self.year.value))
        self.panel.set_description(self._text())
        self._readout()
