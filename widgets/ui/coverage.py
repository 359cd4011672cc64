"""DataCoverage: which indicators have data for which countries and years.

Two heat-maps a learner checks before trusting a comparison: indicator × year
(share of countries with a value) and, for one region, country × indicator
(share of the chosen years with a value).

>>> cov = DataCoverage(dimension="food", region="Oceania")
>>> cov.years.value = (2015, 2020)
>>> "2015–2020" in cov.country_panel.description_text
True
"""

from __future__ import annotations

import ipywidgets as W
import pandas as pd

from widgets import data
from widgets.charts.explore import (
    COVERAGE_COUNTRIES,
    COVERAGE_YEARS,
    coverage_country_chart,
    coverage_country_rows,
    coverage_labels,
    coverage_year_chart,
    coverage_year_rows,
)
from widgets.explore import ALL, countries_in, coverage_by_country, coverage_by_year
from widgets.i18n import _, format_percent
from widgets.ui import ChartPanel, LabWidget
from widgets.ui.explorer import DIMENSION_SHORT, local_names

__all__ = ["DataCoverage"]

ALL_DIMENSIONS = "all"


class DataCoverage(LabWidget):
    """See the gaps in the data before comparing countries.

    Parameters
    ----------
    dimension : a dimension id (``"health"``...) or ``"all"``.
    region : UN region for the country view (``"All"`` = every country).
    years : inclusive year range for the country view.
    """

    state_name = "data_coverage"
    state_controls = ("dimension", "region", "years")

    def __init__(self, dimension: str = "health", region: str = "Africa",
                 years: tuple[int, int] = (2000, 2022)) -> None:
        self._countries = data.load_countries()
        self._names = local_names(self._countries)
        self._groups = data.indicators_by_dimension()
        self._labels = {i: _(data.indicator_info(i).short_label)
                        for ids in self._groups.values() for i in ids}
        # the heat-maps' labels with all dimensions shown, "Health · Under-5 mortality", made once
        self._row_labels = {i: self._row_label(i) for i in self._labels}
        self._panel = data.load_panel()
        all_ids = [i for ids in self._groups.values() for i in ids]
        first, last = int(self._panel["year"].min()), int(self._panel["year"].max())
        # Coverage of every indicator and year over all countries, computed once.
        self._by_year = coverage_by_year(self._panel, all_ids)

        self.dimension = W.Dropdown(
            options=[(_("All dimensions"), ALL_DIMENSIONS)]
            + [(_(data.DIMENSIONS[d]), d) for d in self._groups],
            value=ALL_DIMENSIONS, description=_("Dimension"), style={"description_width": "90px"})
        regions = sorted(self._countries["un_region"].dropna().unique())
        # labels in the reader's language; the values (saved work) stay the lab's English
        self.region = W.Dropdown(options=[(_(ALL), ALL),
                                          *((data.local_region_name(r), r) for r in regions)],
                                 value=regions[0], description=_("Region"),
                                 style={"description_width": "90px"})
        self.years = W.IntRangeSlider(value=(max(first, 2000), last), min=first, max=last,
                                      description=_("Years"), continuous_update=False,
                                      style={"description_width": "90px"},
                                      layout=W.Layout(width="420px"))
        # up to 49 × 35 and 217 × 49 cells: canvas redraws them several times faster than SVG
        self.year_panel = ChartPanel(*self._year_view(), renderer="canvas")
        self.country_panel = ChartPanel(*self._country_view(), renderer="canvas")
        super().__init__([
            W.HBox([self.dimension]), self.year_panel,
            W.HTML("<h3 style='font-size:1em;margin:12px 0 4px'>" + _("Country by country")
                   + "</h3>"),
            W.HBox([self.region, self.years], layout=W.Layout(flex_flow="row wrap")),
            self.country_panel,
        ])
        self.on_change(self.dimension, self._on_dimension)
        self.on_change([self.region, self.years], self._on_country_view)
        problems = []
        if dimension in dict(self.dimension.options).values():
            self.dimension.value = dimension
        else:
            problems.append(_("{dimension} is not a dimension; showing all dimensions.").format(
                dimension=repr(dimension)))
        if region in dict(self.region.options).values():
            self.region.value = region
        else:
            problems.append(_("{region} is not a region; choose one of {regions}.").format(
                region=repr(region), regions=", ".join(regions)))
        try:
            lo, hi = sorted(int(y) for y in years)
            self.years.value = (max(lo, first), min(hi, last))
        except (TypeError, ValueError):
            problems.append(_("{years} is not a range of years such as (2000, 2022).").format(
                years=repr(years)))
        if problems:
            self.show_message(" ".join(problems), "error")

    def _indicators(self) -> list[str]:
        value = getattr(self, "dimension", None)
        dim = ALL_DIMENSIONS if value is None else value.value
        if dim == ALL_DIMENSIONS:
            return [i for ids in self._groups.values() for i in ids]
        return list(self._groups[dim])

    def _shown_labels(self) -> dict[str, str]:
        """Indicator labels on the heat-maps: with the dimension in front only when all are shown."""
        value = getattr(self, "dimension", None)
        return self._row_labels if value is None or value.value == ALL_DIMENSIONS else self._labels

    def _dimension_text(self) -> str:
        value = self.dimension.value if hasattr(self, "dimension") else ALL_DIMENSIONS
        return _("all dimensions") if value == ALL_DIMENSIONS else _(data.DIMENSIONS[value]).lower()

    # -- indicator × year ---------------------------------------------------
    def _year_coverage(self) -> tuple[pd.DataFrame, dict[str, str]]:
        """Coverage by year of the dimension's indicators; sets the heat-map's rows."""
        ids = self._indicators()
        cov = self._by_year[self._by_year["indicator"].isin(ids)]
        shown = self._shown_labels()
        labels = {i: shown[i] for i in ids}
        self._year_rows = coverage_year_rows(cov, labels)
        return cov, labels

    def _year_text(self, cov: pd.DataFrame, labels: dict[str, str]) -> str:
        share = cov.groupby("indicator")["share"].mean()
        best, worst = share.idxmax(), share.idxmin()
        n = int(cov["n_countries"].iloc[0])
        recent = cov[cov["year"] >= cov["year"].max() - 4]
        gaps = int((recent["share"] < 50).sum())
        return _(
            "Share of the {n} countries with a value, for each indicator ({dimensions})"
            " and year. Best covered: {best} ({best_share} of country-years);"
            " least covered: {worst} ({worst_share}). In the last five years"
            " {gaps} indicator-years have data for fewer than half of the countries. Pale cells"
            " are well covered; dark cells are gaps — a missing value is not a zero."
        ).format(n=n, dimensions=self._dimension_text(), best=labels[best],
                 best_share=format_percent(share[best] / 100), worst=labels[worst],
                 worst_share=format_percent(share[worst] / 100), gaps=gaps)

    @staticmethod
    def _year_table(cov: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
        return cov.assign(indicator=cov["indicator"].map(labels))[
            ["indicator", "year", "n_with_data", "n_countries", "share"]].rename(columns={
                "indicator": _("Indicator"), "year": _("Year"),
                "n_with_data": _("Countries with data"), "n_countries": _("Countries"),
                "share": _("Share with data (%)")})

    def _year_view(self):
        cov, labels = self._year_coverage()
        text = self._year_text(cov, labels)
        chart = coverage_year_chart(cov, labels, text, _("Which years have data? (all countries)"))
        return chart, text, self._year_table(cov, labels)

    def _row_label(self, ind: str) -> str:
        dim = data.indicator_info(ind).dimension
        return f"{_(DIMENSION_SHORT.get(dim, dim))} · {self._labels[ind]}"

    def _on_dimension(self, change: dict) -> None:
        # Both heat-maps' new rows first (swapped into the charts on screen), then
        # their descriptions and tables, while the browser draws.
        by_year, labels = self._year_coverage()
        self.year_panel.set_data(**{COVERAGE_YEARS: self._year_rows})
        by_country = self._send_country_rows()
        self.year_panel.set_data(description=self._year_text(by_year, labels))
        self.year_panel.update(table=lambda: self._year_table(by_year, labels))
        self._describe_country_view(by_country)

    # -- country × indicator ------------------------------------------------
    def _country_coverage(self) -> pd.DataFrame:
        """Coverage of the region's countries; sets the heat-map's rows and title."""
        region = self.region.value if hasattr(self, "region") else "Africa"
        years = self.years.value if hasattr(self, "years") else (2000, 2022)
        codes = countries_in(self._countries, region=region)
        cov = coverage_by_country(self._panel, self._indicators(), codes, years)
        where = _("all countries") if region == ALL else data.local_region_name(region)
        self._country_where = where
        self._country_title = _("Which countries have data? ({where}, {first}–{last})").format(
            where=where, first=years[0], last=years[1])
        self._country_rows = coverage_country_rows(cov, self._names)
        self._country_labels = coverage_labels(cov, self._shown_labels())
        return cov

    def _country_text(self, cov: pd.DataFrame) -> str:
        years = self.years.value if hasattr(self, "years") else (2000, 2022)
        per_country = cov.groupby("iso3")["share"].mean()
        worst = per_country.nsmallest(3)
        n_none = int((cov["n_years"] == 0).sum())
        return _(
            "Share of the years {first}–{last} with a value, for each country in "
            "{where} and each indicator ({dimensions}). Thinnest data: {thinnest}. "
            "{n_none} of {n_cells} country-indicator cells have no value at all in these years."
        ).format(first=years[0], last=years[1], where=self._country_where,
                 dimensions=self._dimension_text(),
                 thinnest=", ".join(f"{self._names.get(c, c)} ({format_percent(v / 100)})"
                                    for c, v in worst.items()),
                 n_none=n_none, n_cells=len(cov))

    def _country_table(self, cov: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({
            _("Country"): cov["iso3"].map(self._names),
            _("Indicator"): cov["indicator"].map(self._shown_labels()),
            _("Years with data"): cov["n_years"], _("Years in range"): cov["years_in_range"],
            _("Share (%)"): cov["share"], _("Latest year"): cov["latest_year"]})

    def _country_view(self):
        cov = self._country_coverage()
        text = self._country_text(cov)
        shown = self._shown_labels()
        labels = {i: shown[i] for i in self._indicators()}
        chart = coverage_country_chart(cov, labels, self._names, text, self._country_title)
        return chart, text, self._country_table(cov)

    def _on_country_view(self, change: dict) -> None:
        # The rows go first; the description and the table (made only when shown)
        # follow in their own message, while the browser draws.
        self._describe_country_view(self._send_country_rows())

    def _send_country_rows(self) -> pd.DataFrame:
        cov = self._country_coverage()
        self.country_panel.set_data(params={"coverage_title": self._country_title,
                                            "coverage_labels": self._country_labels},
                                    **{COVERAGE_COUNTRIES: self._country_rows})
        return cov

    def _describe_country_view(self, cov: pd.DataFrame) -> None:
        self.country_panel.set_data(description=self._country_text(cov))
        self.country_panel.update(table=lambda: self._country_table(cov))
