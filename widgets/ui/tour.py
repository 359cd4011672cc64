"""Lesson 00's tour of the controls, and the catalogue table grouped by dimension.

:class:`ControlTour` is deliberately small: one drop-down, one multi-select,
one slider and the standard "Show the data" toggle, so a first-time learner
meets every kind of control the lab uses.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as W
import pandas as pd

from widgets import data
from widgets.cases import series_for_countries
from widgets.charts.cases import case_timeline_chart
from widgets.errors import LabInputError
from widgets.ui import ChartPanel, LabWidget, data_table_html

__all__ = ["ControlTour", "catalogue_table"]

#: Indicators offered in the tour (a mix of dimensions and directions).
TOUR_INDICATORS = ("life_expectancy", "under5_mortality", "hdi", "milex_gdp", "homicide_rate")
TOUR_COUNTRIES = ("KEN", "IND", "BRA")


def catalogue_table(catalogue: pd.DataFrame) -> str:
    """The catalogue as accessible HTML tables, one per dimension.

    >>> html_text = catalogue_table(data.load_catalogue())
    >>> "Health security" in html_text and "<table" in html_text
    True
    """
    parts: list[str] = []
    direction_words = {"higher_is_better": "higher is better",
                       "higher_is_worse": "higher is worse", "neutral": "neither"}
    for dim, label in data.DIMENSIONS.items():
        rows = catalogue[catalogue["dimension"] == dim]
        if rows.empty:
            continue
        table = pd.DataFrame({
            "Indicator": rows["label"],
            "id": rows["id"],
            "Unit": rows["unit"],
            "Reading": rows["direction"].map(direction_words).fillna(""),
            "Publisher": rows["publisher"],
            "Licence": rows["licence"],
            "Years": rows["first_year"].astype(str) + "–" + rows["last_year"].astype(str),
        })
        parts.append(f"<h4 style='margin:10px 0 2px'>{html.escape(label)} "
                     f"({len(rows)} indicators)</h4>")
        parts.append(data_table_html(table, caption=f"{label}: indicators in the lab"))
    return "\n".join(parts)


class ControlTour(LabWidget):
    """A first widget to practise with: indicator, countries, year, data table.

    >>> tour = ControlTour()
    >>> tour.indicator.value = "under5_mortality"
    >>> "Under-5" in tour.panel.description_text or "under-5" in tour.panel.description_text
    True
    """

    state_controls = ("indicator", "countries", "year")
    state_name = "tour"

    def __init__(self, indicators: tuple[str, ...] = TOUR_INDICATORS,
                 countries: tuple[str, ...] = TOUR_COUNTRIES) -> None:
        self._infos = {i: data.indicator_info(i) for i in indicators}
        self._series = {i: data.indicator_series(i) for i in indicators}
        names = data.load_countries()[["iso3", "name"]].sort_values("name")
        self.indicator = W.Dropdown(
            options=[(self._infos[i].label, i) for i in indicators], value=indicators[0],
            description="Indicator", style={"description_width": "90px"},
            layout=W.Layout(width="460px"))
        self.countries = W.SelectMultiple(
            options=list(zip(names["name"], names["iso3"], strict=True)),
            value=tuple(countries), rows=6, description="Countries",
            style={"description_width": "90px"}, layout=W.Layout(width="460px"))
        years = self._series[indicators[0]]["year"]
        self.year = W.IntSlider(
            value=int(years.max()), min=int(years.min()), max=int(years.max()),
            description="Year", continuous_update=True, style={"description_width": "90px"},
            layout=W.Layout(width="460px"))
        help_text = W.HTML(
            "<p style='font-size:12px;color:#444;margin:2px 0'>Hold <b>Ctrl</b> (or <b>⌘</b>) "
            "and click to choose several countries; with the keyboard use the arrow keys "
            "and <b>Shift</b>.</p>")
        self.panel = ChartPanel(*self._build())
        super().__init__([self.indicator, self.countries, help_text, self.year, self.panel])
        self.on_change([self.indicator, self.countries], self._redraw)
        self.on_change(self.year, self._move_year)

    def _build(self) -> tuple[Any, str, pd.DataFrame, str, str]:
        ind = self.indicator.value
        info = self._infos[ind]
        codes = list(self.countries.value)
        if not codes:
            raise LabInputError("Choose at least one country in the list.")
        s = series_for_countries(self._series[ind], codes)
        if s.empty:
            raise LabInputError(f"{info.short_label} has no data for the countries chosen; "
                                "try other countries.")
        names = ", ".join(dict.fromkeys(s["name"]))
        text = (f"{info.label} ({info.unit}) for {names}, {int(s['year'].min())}–"
                f"{int(s['year'].max())}. The dotted line marks the year chosen on the slider.")
        chart = case_timeline_chart(s, None, y_title=f"{info.short_label} ({info.unit})",
                                    year=self.year.value if hasattr(self, "year") else None,
                                    description=text)
        table = s.rename(columns={"name": "Country", "year": "Year", "value": info.short_label})
        return chart, text, table.drop(columns="iso3"), "", info.source_line()

    def _redraw(self, change: dict | None = None) -> None:
        chart, text, table, caption, source = self._build()
        self.panel.update(chart=chart, description=text, table=table, source=source)
        self.clear_message()

    def _move_year(self, change: dict | None = None) -> None:
        self.panel.set_params(year=int(self.year.value))
