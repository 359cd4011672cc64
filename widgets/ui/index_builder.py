"""IndexBuilder: build your own composite index of human security (lesson 03).

The learner goes through the steps of the OECD/JRC Handbook: choose
indicators, decide what to do about missing data, normalise, weight and
aggregate — and sees at once the ranking, the map, who moves compared with
equal weights, how the result relates to the HDI and how sure each rank is.

>>> ib = IndexBuilder(indicators=["life_expectancy", "mean_schooling", "gni_pc"], year=2022)
>>> ib.normalisation.value = "rank"
>>> ib.map_panel.chart.params.normalisation
'rank'
>>> ib.indicator_sliders["gni_pc"].value = 0
>>> round(ib.weights["gni_pc"], 3)
0.0
"""

from __future__ import annotations

import contextlib
import html
import math
import time
from functools import lru_cache
from typing import Any

import ipywidgets as W
import numpy as np
import pandas as pd

from widgets import data
from widgets import indexing as ix
from widgets.charts import format_value
from widgets.charts import indexing as charts
from widgets.errors import LabInputError
from widgets.i18n import N_, _, format_number, format_percent, get_language, ngettext, sort_key
from widgets.ui import ChartPanel, LabWidget, rows_json
from widgets.usertable import (
    USER_INDICATORS,
    listen_weakly,
    restore_saved_tables,
    user_indicator_info,
    user_indicator_long,
)

__all__ = ["DEFAULT_INDICATORS", "IndexBuilder", "offered_indicators"]

#: The index the builder starts with: one or two indicators per dimension.
DEFAULT_INDICATORS: tuple[str, ...] = (
    "life_expectancy", "under5_mortality", "mean_schooling", "gni_pc", "undernourishment",
    "water_basic", "homicide_rate", "wgi_voice",
)
#: Absolute counts: they grow with population, so they do not compare countries fairly.
_COUNTS = {"battle_deaths", "refugees_origin", "refugees_hosted", "idps"}
_METHODS = list(ix.NORMALISATIONS)
EPSILON = 0.01
#: How many of a learner's own indicators (issue 21) the builder takes: its charts
#: are built once with a weight "slot" per indicator it can offer.
USER_SLOTS = 6


_ALONE_TOOLTIP = N_("The only indicator chosen in this dimension: it takes the dimension's "
                    "whole weight. Use the dimension's slider.")

#: Tabs and steps of the builder, in order (translated where shown).
_TAB_TITLES = (N_("Ranking"), N_("Map"), N_("Who moves"), N_("Against the HDI"), N_("How sure?"))
_STEP_TITLES = (N_("1 · Choose indicators"), N_("2 · Missing data"), N_("3 · Normalise"),
                N_("4 · Weight"), N_("5 · Combine"))
#: Short names of the weight presets on their buttons.
_PRESET_BUTTONS = {"equal": N_("Equal weight for every indicator"), "hdi_like": N_("HDI-like"),
                   "own": N_("My own weights")}
#: Column headers of the results table ("Show the data"), by column.
_COLUMNS = {"country": N_("country"), "rank": N_("rank"), "score": N_("score"),
            "rank_equal_weights": N_("rank_equal_weights"),
            "places_moved_up": N_("places_moved_up"), "hdi": N_("hdi"),
            "name": N_("name"), "median_rank": N_("median_rank"), "rank_low": N_("rank_low"),
            "rank_high": N_("rank_high")}


@lru_cache(maxsize=8)
def _decimal_mark(lang: str) -> str:
    from babel.numbers import get_decimal_symbol

    return get_decimal_symbol(lang)


def _fixed(value: float, decimals: int = 2) -> str:
    """A weight or a correlation (below 1,000) as :func:`format_number` writes it, faster.

    The weights' note has a number per indicator and is rewritten at every slider
    step; Babel takes about 0.3 ms a number, this a microsecond.

    >>> from widgets.i18n import set_language
    >>> _fixed(0.125), set_language("fr"), _fixed(0.125), set_language(None)
    ('0.12', 'fr', '0,12', 'en')
    """
    if not math.isfinite(value) or abs(value) >= 1000:
        return format_number(value, decimals)
    text = f"{value:.{decimals}f}"
    lang = get_language()
    return text if lang == "en" else text.replace(".", _decimal_mark(lang))


def _headers(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its column headers in the reader's language (English: unchanged)."""
    return table.rename(columns={k: _(v) for k, v in _COLUMNS.items() if k in table.columns})


def offered_indicators() -> list[str]:
    """Indicators the builder offers: the seven human-security dimensions, not neutral,
    not absolute counts, in teaching order.

    >>> "life_expectancy" in offered_indicators(), "population" in offered_indicators()
    (True, False)
    """
    cat = data.load_catalogue()
    out = []
    for ids in data.indicators_by_dimension(tuple(data.HUMAN_SECURITY_DIMENSIONS)).values():
        for i in ids:
            if cat.loc[i, "direction"] != "neutral" and i not in _COUNTS and i in ix.GOALPOSTS:
                out.append(i)
    return out


def _user_catalogue() -> tuple[pd.DataFrame, list[str], list[str], dict[str, ix.Goalpost]]:
    """The learner's own indicators as catalogue rows (issue 21).

    Returns the rows, the ids the builder can take (a human-security dimension,
    higher better or worse; at most :data:`USER_SLOTS`), the names of those it
    cannot, and their goalposts: the lowest and highest value in the learner's
    file (all years), so that goalposts stay fixed across years as the lab's do.
    """
    rows, usable, refused, posts = [], [], [], {}
    for key in USER_INDICATORS:
        info = user_indicator_info(key)
        rows.append({"id": key, "short_label": info.short_label, "label": info.short_label,
                     "unit": info.unit, "dimension": info.dimension,
                     "direction": info.direction, "publisher": info.publisher})
        if not info.in_human_security or len(usable) >= USER_SLOTS:
            refused.append(info.label)
            continue
        values = user_indicator_long(key)["value"]
        if values.empty:
            refused.append(info.label)
            continue
        low, high = float(values.min()), float(values.max())
        posts[key] = ix.Goalpost(low, high if high > low else low + 1.0,
                                 source=_("lowest and highest value in your file {file}").format(
                                     file=info.source))
        usable.append(key)
    frame = pd.DataFrame(rows, columns=["id", "short_label", "label", "unit", "dimension",
                                        "direction", "publisher"]).set_index("id")
    return frame, usable, refused, posts


def _neutral_indicators() -> list[str]:
    cat = data.load_catalogue()
    dims = tuple(data.HUMAN_SECURITY_DIMENSIONS) + ("state_security",)
    return [i for i in cat.index if cat.loc[i, "direction"] == "neutral"
            and cat.loc[i, "dimension"] in dims]


class IndexBuilder(LabWidget):
    """Build a composite index and see how each choice changes the ranking.

    Parameters
    ----------
    indicators : ids to start with (default :data:`DEFAULT_INDICATORS`).
    year : reference year (default 2022).
    normalisation, aggregation, preset : starting choices (see :mod:`widgets.indexing`).
    """

    state_controls = ("year", "indicators", "coverage", "look_back", "normalisation",
                      "aggregation", "preset", "country", "concentration", "vary_normalisation",
                      "n_draws", "seed")
    state_name = "index_builder"

    def __init__(
        self,
        indicators: list[str] | tuple[str, ...] | None = None,
        year: int = 2022,
        normalisation: str = "min_max",
        aggregation: str = "arithmetic",
        preset: str = "equal",
        country: str = "",
    ) -> None:
        cat = data.load_catalogue()
        self._lab_cat = cat
        self._lab_offered = offered_indicators()
        self._slots = len(self._lab_offered) + USER_SLOTS
        self._panel_lab = data.load_panel(self._lab_offered + ["hdi"], years=(2000, 2024))
        restore_saved_tables()  # the learner's tables from an earlier lesson
        self._with_user_indicators()
        cat = self._cat
        chosen = list(indicators or DEFAULT_INDICATORS)
        for i in chosen:
            if i not in USER_INDICATORS:
                data.check_indicator(i)
            if i not in self._offered:
                raise LabInputError(_(
                    "{indicator} cannot go into the index "
                    "(neutral, a count, or outside the seven dimensions)."
                ).format(indicator=_(cat.loc[i, 'short_label'])))
        if normalisation not in ix.NORMALISATIONS:
            raise LabInputError(_("Normalisation must be one of {methods}.").format(
                methods=", ".join(ix.NORMALISATIONS)))
        if aggregation not in ix.AGGREGATIONS:
            raise LabInputError(_("Aggregation must be 'arithmetic' or 'geometric'."))
        countries = data.load_countries()
        # country names in the reader's language (CLDR), once: tables, charts, menu, text
        self._countries = countries.assign(name=[data.local_country_name(c)
                                                 for c in countries["iso3"]])
        self._names = self._countries.set_index("iso3")["name"]
        self._matrix_cache: dict[tuple[int, int], pd.DataFrame] = {}
        self._cube: ix.PanelCube | None = None
        self._data_cache: dict[tuple, tuple] = {}  # data key -> _DATA_ATTRS values
        self._updating = False
        self.last_timings: dict[str, float] = {}

        # ---- controls: choose --------------------------------------------------
        self.indicators = W.SelectMultiple(
            options=self._options(), value=tuple(chosen), rows=12,
            description=_("Indicators"), layout=W.Layout(width="460px"),
            style={"description_width": "90px"})
        neutral = ", ".join(_(cat.loc[i, "short_label"]) for i in _neutral_indicators())
        self.choose_note = W.HTML(
            "<p style='font-size:12px;color:#444;max-width:520px'>" + _(
                "Hold Ctrl (Cmd on a Mac) or Shift to choose several. Where a higher value is "
                "<i>worse</i> (e.g. under-5 mortality) the builder flips it, so a higher index "
                "is always better. Left out because higher is neither better nor worse: "
                "{neutral}; also left out: absolute counts of people (they grow with "
                "population).").format(neutral=html.escape(neutral)) + "</p>")
        self.user_note = W.HTML(self._user_note())
        self.year = W.IntSlider(value=int(year), min=2005, max=2023, description=_("Year"),
                                continuous_update=False, style={"description_width": "90px"})
        # ---- missing data ------------------------------------------------------
        self.look_back = W.IntSlider(
            value=3, min=0, max=10, description=_("Look back"), continuous_update=False,
            style={"description_width": "90px"},
            tooltip=_("Use a country's latest value from up to this many years before"))
        self.coverage = W.IntSlider(
            value=75, min=25, max=100, step=5, description=_("Coverage %"),
            continuous_update=False, style={"description_width": "90px"},
            tooltip=_("Keep countries with data for at least this share of the indicators"))
        self.missing_note = W.HTML()
        # ---- normalise / aggregate ----------------------------------------------
        self.normalisation = W.RadioButtons(
            options=[(_(label), key) for key, label in ix.NORMALISATIONS.items()],
            value=normalisation, description=_("Normalise"), style={"description_width": "90px"},
            layout=W.Layout(width="auto"))
        self.goalpost_note = W.HTML()
        self.aggregation = W.RadioButtons(
            options=[(_(label), key) for key, label in ix.AGGREGATIONS.items()],
            value=aggregation, description=_("Combine"), style={"description_width": "90px"},
            layout=W.Layout(width="auto"))
        self.aggregation_note = W.HTML(
            "<p style='font-size:12px;color:#444;max-width:520px'>" + _(
                "Geometric mean: a zero would make the whole index zero, so every normalised "
                "value below {epsilon} is raised to {epsilon} first. It needs values of 0 or "
                "more, so it cannot use z-scores.").format(epsilon=format_number(EPSILON, 2))
            + "</p>")
        # ---- weights ------------------------------------------------------------
        self.preset = W.ToggleButtons(
            options=[(_(_PRESET_BUTTONS[key]), key) for key in ix.WEIGHT_PRESETS],
            value=preset if preset in ix.WEIGHT_PRESETS else "equal",
            description=_("Weights"), style={"description_width": "90px"},
            tooltips=[_(label) for label in ix.WEIGHT_PRESETS.values()])
        self.indicator_sliders: dict[str, W.FloatSlider] = {}  # the ones shown
        self.dimension_sliders: dict[str, W.FloatSlider] = {}
        self._sliders_made: dict[tuple[str, str], W.FloatSlider] = {}
        self.slider_box = W.VBox()
        self.weights_note = W.HTML()
        # ---- focus country -------------------------------------------------------
        country_options = [(_("(none)"), "")] + sorted(
            ((n, c) for c, n in self._names.items()), key=lambda t: sort_key(t[0]))
        self.country = W.Dropdown(options=country_options, value=country or "",
                                  description=_("Highlight"), style={"description_width": "90px"})
        self.summary = W.HTML()
        # ---- uncertainty -----------------------------------------------------------
        self.concentration = W.FloatLogSlider(
            value=50, base=10, min=1, max=3, step=0.1, description=_("Closeness"),
            style={"description_width": "90px"}, continuous_update=False,
            tooltip=_("How close the random weights stay to yours (higher = closer)"))
        self.vary_normalisation = W.Checkbox(value=True,
                                             description=_("Also vary the normalisation"),
                                             indent=False)
        self.n_draws = W.Dropdown(options=[200, 1000, 5000], value=1000, description=_("Draws"),
                                  style={"description_width": "90px"})
        self.seed = W.BoundedIntText(value=1, min=0, max=10**6, description=_("Seed"),
                                     style={"description_width": "90px"},
                                     layout=W.Layout(width="200px"))
        self.run_button = W.Button(description=_("Run the uncertainty analysis"), icon="random",
                                   button_style="primary", layout=W.Layout(width="260px"),
                                   tooltip=_("Draw many alternative weightings and see how "
                                             "ranks move"))
        self.uncertainty_status = W.HTML()
        self.mc_result: pd.DataFrame | None = None

        # ---- first computation, then panels -----------------------------------------
        self._set_preset_sliders(self.preset.value, chosen)
        self._rebuild_data()
        self._compute_scores()
        # canvas: every change re-sorts ~190 bars and recolours every country, which
        # canvas paints faster than SVG updates its elements (the descriptions and
        # tables serve screen readers, as for the explorer's map)
        self.rank_panel = ChartPanel(*self._chart_args(charts.ranking_chart, "ranking"),
                                     renderer="canvas")
        # the map's tooltip names every country in the reader's language (English: the map's own)
        names = None if get_language() == "en" else self._countries
        self.map_panel = ChartPanel(*self._chart_args(charts.index_map, "map", names=names),
                                    renderer="canvas")
        self.shift_panel = ChartPanel(*self._chart_args(charts.rank_shift_chart, "shift"))
        self.hdi_panel = ChartPanel(*self._chart_args(charts.hdi_scatter, "hdi"))
        self.mc_panel = ChartPanel(*self._mc_placeholder())
        self._refresh_text()

        tabs = W.Tab(children=[
            self.rank_panel, self.map_panel, self.shift_panel, self.hdi_panel,
            W.VBox([W.HTML(
                "<p style='max-width:620px'>" + _(
                    "Each draw picks weights at random around yours (a Dirichlet distribution) "
                    "and, if ticked, one of the other normalisations, then ranks the countries "
                    "again. The bar shows the range of ranks in {share} of the draws. Same "
                    "seed, same result.").format(share=format_percent(0.9)) + "</p>"),
                # Settings that take effect when the Run button is pressed.
                W.HBox([self.concentration, self.n_draws]).add_class("hsl-form"),
                W.HBox([self.vary_normalisation, self.seed]).add_class("hsl-form"),
                self.run_button, self.uncertainty_status, self.mc_panel]),
        ])
        for k, title in enumerate(_TAB_TITLES):
            tabs.set_title(k, _(title))
        steps = W.Accordion(children=[
            W.VBox([self.indicators, self.choose_note, self.user_note, self.year]),
            W.VBox([self.look_back, self.coverage, self.missing_note]),
            W.VBox([self.normalisation, self.goalpost_note]),
            W.VBox([self.preset, self.slider_box, self.weights_note]),
            W.VBox([self.aggregation, self.aggregation_note]),
        ], selected_index=0)
        for k, title in enumerate(_STEP_TITLES):
            steps.set_title(k, _(title))
        self.tabs, self.steps = tabs, steps
        super().__init__([steps, self.country, self.summary, tabs])

        self.on_change([self.indicators, self.year, self.look_back, self.coverage],
                       self._on_data_change)
        self.on_change([self.normalisation, self.aggregation], self._on_method_change)
        self.on_change(self.preset, self._on_preset)
        self.on_change(self.country, self._on_country)
        self._stale: set[str] = set()  # charts whose tab has not had the current rows yet
        self.on_change(self.tabs, self._on_tab, names="selected_index")
        self.run_button.on_click(self.safe(self._on_run))
        listen_weakly(self, "_user_indicator_added")

    # ------------------------------------------------------------------ your data
    def _with_user_indicators(self) -> None:
        """The catalogue, offered ids, panel and goalposts with the learner's own tables."""
        rows, usable, refused, posts = _user_catalogue()
        self._cat = pd.concat([self._lab_cat, rows]) if len(rows) else self._lab_cat
        self._labels = self._cat["short_label"].to_dict()
        # each of the learner's indicators under its own dimension, after the lab's
        offered = list(self._lab_offered)
        for key in usable:
            dim = rows.loc[key, "dimension"]
            same = [k for k, i in enumerate(offered) if self._cat.loc[i, "dimension"] == dim]
            offered.insert(same[-1] + 1 if same else len(offered), key)
        self._offered = offered
        self._user_refused = refused
        self._goalposts = {**ix.GOALPOSTS, **posts}
        panel = self._panel_lab
        for key in usable:
            long = user_indicator_long(key).rename(columns={"value": key})
            panel = panel.merge(long, on=["iso3", "year"], how="left")
        self._panel = panel
        self._cube = None
        self._matrix_cache = {}
        self._data_cache = {}
        self.__dict__.pop("_dim_of", None)

    def _options(self) -> list[tuple[str, str]]:
        cat = self._cat
        return [(f"{_(data.DIMENSIONS[cat.loc[i, 'dimension']])} · {self._label(i)}", i)
                for i in self._offered]

    def _label(self, indicator: str) -> str:
        """An indicator's short label in the reader's language (a learner's own: as typed)."""
        label = self._labels[indicator]
        return label if indicator in USER_INDICATORS else _(label)

    def _user_note(self) -> str:
        if not self._user_refused:
            return ""
        return ("<p style='font-size:12px;color:#444;max-width:520px'>" + _(
            "Your data not offered here: {names}. The index takes up to {n} of your own "
            "indicators, each in one of the seven dimensions of human security and with "
            "higher better or worse (not neutral).").format(
                names=html.escape(", ".join(self._user_refused)), n=USER_SLOTS) + "</p>")

    def _user_indicator_added(self, key: str) -> None:
        """A learner added (or replaced) a table: offer it; recompute if it is chosen."""
        chosen = self.selected
        self._with_user_indicators()
        self._swapping_options = True  # the menu changes, not the learner's choice
        try:
            self.indicators.options = self._options()
            self.indicators.value = tuple(i for i in chosen if i in self._offered)
        finally:
            self._swapping_options = False
        self.user_note.value = self._user_note()
        if key in chosen or set(chosen) != set(self.selected):
            self._on_data_change()

    # ------------------------------------------------------------------ state
    @property
    def selected(self) -> list[str]:
        """The chosen indicators, in catalogue order."""
        return [i for i in self._offered if i in self.indicators.value]

    def _dimension_of(self) -> dict[str, str]:
        if not hasattr(self, "_dim_of"):
            self._dim_of = {i: self._cat.loc[i, "dimension"] for i in self._offered}
        return self._dim_of

    def learner_state(self) -> dict[str, Any]:
        state = super().learner_state()
        state["indicator_weights"] = {k: s.value for k, s in self.indicator_sliders.items()}
        state["dimension_weights"] = {k: s.value for k, s in self.dimension_sliders.items()}
        return state

    def restore_learner_state(self, state: dict[str, Any]) -> list[str]:
        state = dict(state)
        iw = state.pop("indicator_weights", {})
        dw = state.pop("dimension_weights", {})
        skipped = super().restore_learner_state(state)
        self._updating = True
        try:
            for k, v in iw.items():
                if k in self.indicator_sliders:
                    self.indicator_sliders[k].value = v
            for k, v in dw.items():
                if k in self.dimension_sliders:
                    self.dimension_sliders[k].value = v
        finally:
            self._updating = False
        if iw or dw:
            self.safe(self._on_weights)()
        return skipped

    # ------------------------------------------------------------------ sliders
    def _set_preset_sliders(self, preset: str, indicators: list[str]) -> None:
        """(Re)create the weight sliders for ``indicators`` with the preset's values."""
        dim_of = self._dimension_of()
        old_iw = {k: s.value for k, s in self.indicator_sliders.items()}
        old_dw = {k: s.value for k, s in self.dimension_sliders.items()}
        if preset == "own":
            iw = {i: old_iw.get(i, 1.0) for i in indicators}
            dims = dict.fromkeys(dim_of[i] for i in indicators)
            dw = {d: old_dw.get(d, 1.0) for d in dims}
        else:
            iw, dw = ix.preset_weights(indicators, dim_of, preset)
        same = (set(iw) == set(self.indicator_sliders) and set(dw) == set(self.dimension_sliders))
        self._updating = True
        try:
            if same:
                for k, v in iw.items():
                    self.indicator_sliders[k].value = v
                for k, v in dw.items():
                    self.dimension_sliders[k].value = v
            else:
                self._make_sliders(iw, dw)
        finally:
            self._updating = False

    def _make_sliders(self, iw: dict[str, float], dw: dict[str, float]) -> None:
        """Show the weight sliders of ``iw``'s indicators and ``dw``'s dimensions.

        Each slider is created the first time it is needed and kept: choosing
        other indicators only changes which sliders are shown (creating widgets
        costs tens of milliseconds in Python and more in the browser).
        """
        dim_of = self._dimension_of()
        self.indicator_sliders = {}
        self.dimension_sliders = {}
        rows: list[W.Widget] = []
        for d, v in dw.items():
            ds = self._slider("dimension", d)
            ds.value = v
            self.dimension_sliders[d] = ds
            rows.append(ds)
            members = [k for k in iw if dim_of[k] == d]
            for i in members:
                s = self._slider("indicator", i)
                s.value = iw[i]
                # Alone in its dimension, an indicator always gets the whole
                # dimension's weight: a slider there would do nothing.
                alone = len(members) == 1
                s.disabled = alone
                s.tooltip = (_(_ALONE_TOOLTIP) if alone else None)
                self.indicator_sliders[i] = s
                rows.append(s)
        self.slider_box.children = rows

    def _slider(self, kind: str, key: str) -> W.FloatSlider:
        """The weight slider of one indicator or dimension (made once, then reused)."""
        made = self._sliders_made.get((kind, key))
        if made is not None:
            return made
        style = {"description_width": "190px"}
        if kind == "dimension":
            made = W.FloatSlider(value=1.0, min=0, max=10, step=0.25, continuous_update=True,
                                 description=_(data.DIMENSIONS[key]), style=style,
                                 tooltip=_("Weight of the whole dimension: {dimension}").format(
                                     dimension=_(data.DIMENSIONS[key])),
                                 layout=W.Layout(width="460px"), readout_format=".2f")
        else:
            made = W.FloatSlider(value=1.0, min=0, max=5, step=0.25, continuous_update=True,
                                 description=f"· {self._label(key)}",
                                 style=style, layout=W.Layout(width="460px", margin="0 0 0 24px"),
                                 readout_format=".2f")
        self._sliders_made[(kind, key)] = made
        self.on_change(made, self._on_slider)
        return made

    # ------------------------------------------------------------------ computing
    def _raw_matrix(self, year: int, look_back: int) -> pd.DataFrame:
        key = (year, look_back)
        if key not in self._matrix_cache:
            if self._cube is None:  # the panel as one array, laid out once
                self._cube = ix.panel_cube(self._panel, self._offered + ["hdi"])
            self._matrix_cache[key] = ix.latest_in_window(self._cube, year, look_back)
        return self._matrix_cache[key]

    def _rebuild_data(self) -> None:
        """Indicators, year or missing-data policy changed: new normalised matrices."""
        selected = self.selected
        if not selected:
            raise LabInputError(_("No indicator is selected. Choose at least one indicator."))
        year, look_back = int(self.year.value), int(self.look_back.value)
        key = (tuple(selected), year, look_back, self.coverage.value)
        if key in self._data_cache:  # back to a year or set seen before: no recomputing
            for attr, value in zip(self._DATA_ATTRS, self._data_cache[key], strict=True):
                setattr(self, attr, value)
            return
        raw_all = self._raw_matrix(year, look_back)
        strict = self._raw_matrix(year, 0)[selected] if look_back else None
        raw = raw_all[selected]
        has_any = raw.notna().any(axis=1)
        kept = ix.apply_coverage(raw[has_any], self.coverage.value / 100)
        if len(kept) < 3:
            raise LabInputError(ngettext(
                "Only {n} country has enough data. Lower the coverage threshold or look "
                "further back.",
                "Only {n} countries have enough data. Lower the coverage threshold or look "
                "further back.", len(kept)).format(n=len(kept)))
        directions = self._cat["direction"].to_dict()
        matrices = {m: ix.normalise(kept, m, directions, self._goalposts).round(6)
                    for m in _METHODS}
        imputed = 0
        if strict is not None:
            imputed = int((kept.notna() & strict.reindex(kept.index).isna()).to_numpy().sum())
        self._raw = kept
        self._matrices = matrices
        self._arrays = {m: mat.to_numpy(dtype=float) for m, mat in matrices.items()}
        self._hdi = raw_all["hdi"].reindex(kept.index)
        self._hdi_values = self._hdi.to_numpy(dtype=float)
        self._kept_names = self._names.reindex(kept.index).to_numpy()
        self._equal_cache: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self._n_with_any = int(has_any.sum())
        self._imputed = imputed
        self._data_key = key
        self._table = charts.index_table(self._countries[["iso3", "name"]], matrices,
                                         extra=self._hdi.round(3).to_frame("hdi"))
        self._rows_json = rows_json(self._table)  # once, for the four charts
        self._data_cache[key] = tuple(getattr(self, a) for a in self._DATA_ATTRS)
        while len(self._data_cache) > 24:
            self._data_cache.pop(next(iter(self._data_cache)))

    def _final_weights(self) -> dict[str, float]:
        iw = {i: self.indicator_sliders[i].value for i in self.selected}
        dw = {d: s.value for d, s in self.dimension_sliders.items()}
        return ix.combine_weights(iw, self._dimension_of(), dw)

    def _compute_scores(self) -> None:
        """Weights / normalisation / aggregation changed: new scores (numpy, fast)."""
        weights = self._final_weights()
        method, agg = self.normalisation.value, self.aggregation.value
        if agg == "geometric" and method == "z_score":
            raise LabInputError(_(
                "The geometric mean needs values of zero or more, but z-scores can be "
                "negative. Choose another normalisation, or the arithmetic mean."))
        cols = self.selected
        w = np.array([weights[c] for c in cols])[:, None]
        values = self._arrays[method]
        scores = ix._aggregate_array(values, w, agg, EPSILON)[:, 0]
        key = (method, agg)
        if key not in self._equal_cache:
            equal = ix._aggregate_array(values, np.full((len(cols), 1), 1 / len(cols)), agg,
                                        EPSILON)[:, 0]
            self._equal_cache[key] = (equal, ix.rank_values(equal))
        equal, equal_rank = self._equal_cache[key]
        rank = ix.rank_values(scores)
        # Spearman correlation with the HDI: Pearson correlation of the ranks
        both = ~np.isnan(scores) & ~np.isnan(self._hdi_values)
        r1 = ix.rank_values(np.where(both, scores, np.nan))[both]
        r2 = ix.rank_values(np.where(both, self._hdi_values, np.nan))[both]
        self.hdi_correlation = float(np.corrcoef(r1, r2)[0, 1]) if both.sum() > 2 else np.nan
        self.weights = weights
        self._scores = scores
        self._rank = rank
        self._equal_rank = equal_rank
        self._shift = equal_rank - rank
        self._results = None

    @property
    def normalised_tables(self) -> dict[str, pd.DataFrame]:
        """The kept countries' indicators under each normalisation (higher = better)."""
        return dict(self._matrices)

    @property
    def imputed_values(self) -> int:
        """How many values were filled in from earlier years (the look-back)."""
        return self._imputed

    @property
    def scores(self) -> pd.Series:
        """Each kept country's score on the learner's index."""
        return pd.Series(self._scores, index=self._raw.index, name="score")

    @property
    def equal_scores(self) -> pd.Series:
        """Scores with equal weights (same normalisation and aggregation)."""
        equal, _rank = self._equal_cache[(self.normalisation.value, self.aggregation.value)]
        return pd.Series(equal, index=self._raw.index, name="equal")

    def _results_table(self) -> pd.DataFrame:
        if self._results is None:
            out = pd.DataFrame({
                "iso3": self._raw.index,
                "country": self._kept_names,
                "rank": self._rank,
                "score": np.round(self._scores, 3),
                "rank_equal_weights": self._equal_rank,
                "places_moved_up": self._shift,
                "hdi": self._hdi_values,
            })
            for key in self._user_chosen():  # a learner's own values, named with the file
                info = user_indicator_info(key)
                out[_("{indicator}, from the file {file}").format(
                    indicator=info.short_label, file=info.source)] = self._raw[key].to_numpy()
            self._results = out.sort_values("rank", kind="stable").reset_index(drop=True)
        return self._results

    # ------------------------------------------------------------------ charts / text
    def _params(self) -> list:
        weights = self.weights
        return charts.index_params([weights[c] for c in self.selected],
                                   self.normalisation.value, self.aggregation.value,
                                   self.country.value, slots=self._slots)

    def _param_values(self) -> dict[str, Any]:
        """Every chart parameter but ``highlight``, for all slots (unused = weight 0).

        The same values as :meth:`_params` gives, without building Altair objects.
        """
        values = charts.index_param_values(
            [self.weights[c] for c in self.selected], self.normalisation.value,
            self.aggregation.value, slots=self._slots)
        values.pop("highlight")
        return values

    def _chart_args(self, builder, kind: str, **extra: Any) -> tuple:
        # Built for every offered indicator (one "slot" each), so that a change of
        # indicators, year or missing-data policy only swaps the data.
        chart = builder(self._table, self._slots, _METHODS, self._params(),
                        self._describe(kind), epsilon=EPSILON, **extra)
        table = _headers(self._results_table()) if kind in ("ranking", "shift", "hdi") else None
        if kind == "map":
            table = _headers(self._results_table()[["iso3", "country", "rank", "score"]])
        return chart, self._describe(kind), table, "", self._source_line()

    def _mc_placeholder(self) -> tuple:
        empty = pd.DataFrame({"name": [], "rank": [], "median_rank": [], "rank_low": [],
                              "rank_high": []})
        text = _("Press 'Run the uncertainty analysis' to see how sure each rank is.")
        return charts.uncertainty_chart(empty, text), text, None, "", ""

    def _source_line(self) -> str:
        pubs = dict.fromkeys(self._cat.loc[i, "publisher"] for i in self.selected)
        return _("Data: {publishers}. Goalposts other than the HDI's are the lab's teaching "
                 "choices.").format(publishers="; ".join(pubs))

    def _user_chosen(self) -> list[str]:
        return [i for i in self.selected if i in USER_INDICATORS]

    def _describe(self, kind: str) -> str:
        text = self._describe_index(kind)
        mine = self._user_chosen()
        if text and mine:
            files = "; ".join(_("{indicator} from the file {file}").format(
                indicator=user_indicator_info(k).label, file=user_indicator_info(k).source)
                for k in mine)
            text += " " + _("The index includes your data: {files}.").format(files=files)
        return text

    def _describe_index(self, kind: str) -> str:
        order = np.argsort(np.where(np.isnan(self._rank), np.inf, self._rank), kind="stable")
        valid = order[~np.isnan(self._rank[order])]
        names = self._kept_names
        n = len(valid)
        top = ", ".join(names[valid[:3]])
        bottom = ", ".join(names[valid[-3:][::-1]])
        if kind == "ranking":
            return ngettext("Your index ranks {n} country. Best: {top}. Worst: {bottom}.",
                            "Your index ranks {n} countries. Best: {top}. Worst: {bottom}.",
                            n).format(n=n, top=top, bottom=bottom)
        if kind == "map":
            return _("World map of your index for {year}: darker means a worse score; grey "
                     "countries are not in the index. Best: {top}; worst: {bottom}.").format(
                         year=self.year.value, top=top, bottom=bottom)
        if kind == "shift":
            shift = np.nan_to_num(self._shift)
            if np.abs(shift).max() == 0:
                return _("With these weights no country moves compared with equal weights.")
            up, down = int(np.argmax(shift)), int(np.argmin(shift))
            return _("Compared with equal weights, {up} moves up most ({up_places} places) and "
                     "{down} moves down most ({down_places} places); {moved} of {n} countries "
                     "change rank.").format(
                         up=names[up], up_places=int(shift[up]), down=names[down],
                         down_places=-int(shift[down]), moved=int((shift != 0).sum()), n=n)
        if kind == "hdi":
            return _("Each dot is a country: its HDI across, your index up. The rank "
                     "correlation between the two is {rho} (1 = same order).").format(
                         rho=format_number(self.hdi_correlation, 2))
        return ""

    def _refresh_text(self) -> None:
        dim_of = self._dimension_of()
        parts = []
        for d in dict.fromkeys(dim_of[i] for i in self.selected):
            inds = ", ".join(f"{self._label(i)} {_fixed(self.weights[i])}"
                             for i in self.selected if dim_of[i] == d)
            total = sum(self.weights[i] for i in self.selected if dim_of[i] == d)
            parts.append(f"<b>{html.escape(_(data.DIMENSIONS[d]))}</b> "
                         f"{_fixed(total)} ({html.escape(inds)})")
        self.weights_note.value = (
            "<p style='font-size:12px;max-width:520px'>"
            + _("Effective weights (they add up to 1): {weights}").format(
                # TRANSLATORS: the separator between items of a list (French: no-break space before ;)
                weights=_("; ").join(parts)) + "</p>")
        n_kept = len(self._raw)
        self.missing_note.value = (
            "<p style='font-size:12px;max-width:520px'>" + _(
                "<b>{kept}</b> of {total} countries with any of these data are kept (at least "
                "{coverage} of the indicators). {imputed} values are filled in with the latest "
                "value from up to {look_back} years before {year}. A country missing some "
                "indicators is scored on the ones it has, with its weights re-scaled.").format(
                    kept=n_kept, total=self._n_with_any,
                    coverage=format_percent(self.coverage.value / 100), imputed=self._imputed,
                    look_back=self.look_back.value, year=self.year.value) + "</p>")
        self.goalpost_note.value = self._goalpost_html()
        n_ranked = int((~np.isnan(self._rank)).sum())
        focus = self.country.value
        focus_text = ""
        if focus:
            name = html.escape(self._names.get(focus, focus))
            pos = self._raw.index.get_indexer([focus])[0]
            if pos >= 0 and not np.isnan(self._rank[pos]):
                focus_text = " " + _("{country} ranks <b>{rank}</b> of {n} (score "
                                     "{score}).").format(
                    country=name, rank=int(self._rank[pos]), n=n_ranked,
                    score=format_value(self._scores[pos]))
            else:
                focus_text = " " + _("{country} is not in the index: too little data for these "
                                     "indicators (lower the coverage threshold or look further "
                                     "back).").format(country=name)
        self.summary.value = (
            "<p role='status' aria-live='polite'>" + ngettext(
                "{n} country in your index for {year}. Rank correlation with the HDI: "
                "<b>{rho}</b>.",
                "{n} countries in your index for {year}. Rank correlation with the HDI: "
                "<b>{rho}</b>.", n_ranked).format(
                    n=n_ranked, year=self.year.value,
                    rho=_fixed(self.hdi_correlation)) + focus_text + "</p>")

    def _goalpost_html(self) -> str:
        if self.normalisation.value != "goalposts":
            return ""
        rows = []
        for i in self.selected:
            g = self._goalposts[i]
            unit = self._cat.loc[i, "unit"]
            unit = unit if i in USER_INDICATORS or not unit else _(unit)
            scale = " " + _("(log scale)") if g.log else ""
            rows.append(f"<tr><td>{html.escape(self._label(i))}</td>"
                        f"<td>{format_value(g.low)} – {format_value(g.high)} "
                        f"{html.escape(unit)}{scale}</td><td>{html.escape(_(g.source))}</td></tr>")
        return ("<table class='hsl-table' style='font-size:12px'><caption>"
                + _("Goalposts: the values that count as 0 and 1") + "</caption><tr><th>"
                + _("Indicator") + "</th><th>" + _("Goalposts") + "</th><th>" + _("Chosen by")
                + "</th></tr>" + "".join(rows) + "</table>")

    def _set_all_params(self) -> None:
        params = self._param_values()
        for panel in (self.rank_panel, self.map_panel, self.shift_panel, self.hdi_panel):
            panel.set_params(**params)
        results = self._results_table()
        table = _headers(results)
        self.rank_panel.update(description=self._describe("ranking"), table=table)
        self.map_panel.update(description=self._describe("map"),
                              table=_headers(results[["iso3", "country", "rank", "score"]]))
        self.shift_panel.update(description=self._describe("shift"), table=table)
        self.hdi_panel.update(description=self._describe("hdi"), table=table)

    def _stale_uncertainty(self) -> None:
        if self.mc_result is not None:
            self.uncertainty_status.value = (
                "<p role='status'><i>" + _("Your choices changed since the last run: press the "
                                           "button again to update the ranges.") + "</i></p>")

    # ------------------------------------------------------------------ callbacks
    def _on_slider(self, change: dict | None = None) -> None:
        if self._updating:
            return
        if self.preset.value != "own":
            self._updating = True
            try:
                self.preset.value = "own"
            finally:
                self._updating = False
        self._on_weights()

    def _on_weights(self) -> None:
        start = time.perf_counter()
        self._compute_scores()
        self._set_all_params()
        self._refresh_text()
        self.clear_message()
        self._stale_uncertainty()
        self.last_timings["weights"] = (time.perf_counter() - start) * 1000

    def _on_method_change(self, change: dict | None = None) -> None:
        start = time.perf_counter()
        self._compute_scores()
        self._set_all_params()
        self._refresh_text()
        self.clear_message()
        self._stale_uncertainty()
        self.last_timings["method"] = (time.perf_counter() - start) * 1000

    @contextlib.contextmanager
    def _sliders_after_charts(self):
        """Hold the weight sliders' new values until the block has updated the charts.

        A preset or a new set of indicators moves up to 19 sliders: their
        messages went first and the browser applied them one by one before the
        chart's new rows and weights. Held, they follow the chart's message.
        """
        with contextlib.ExitStack() as held:
            held.enter_context(self.slider_box.hold_sync())
            for slider in self._sliders_made.values():
                held.enter_context(slider.hold_sync())
            yield

    def _on_preset(self, change: dict | None = None) -> None:
        if self._updating:
            return
        with self._sliders_after_charts():
            self._set_preset_sliders(self.preset.value, self.selected)
            self._on_weights()

    def _on_country(self, change: dict | None = None) -> None:
        for panel in (self.rank_panel, self.map_panel, self.hdi_panel):
            panel.set_params(highlight=self.country.value)
        self._refresh_text()

    _DATA_ATTRS = ("_raw", "_matrices", "_arrays", "_hdi", "_hdi_values", "_kept_names",
                   "_equal_cache", "_table", "_n_with_any", "_imputed", "_data_key",
                   "_rows_json")

    def _on_data_change(self, change: dict | None = None) -> None:
        if getattr(self, "_swapping_options", False):
            return
        with self._sliders_after_charts():
            self._apply_data_change()

    def _apply_data_change(self) -> None:
        start = time.perf_counter()
        if not self.selected:
            raise LabInputError(_("No indicator is selected. Choose at least one indicator."))
        previous = {a: getattr(self, a) for a in self._DATA_ATTRS}
        old_sliders = (self.indicator_sliders, self.dimension_sliders, self.slider_box.children)
        old_values = {s: (s.value, s.disabled, s.tooltip) for s in self._sliders_made.values()}
        try:
            self._rebuild_data()
            if set(self.selected) != set(self.indicator_sliders):
                self._set_preset_sliders(self.preset.value, self.selected)
            self._compute_scores()
        except LabInputError:
            for a, v in previous.items():
                setattr(self, a, v)
            self.indicator_sliders, self.dimension_sliders, children = old_sliders
            self._updating = True
            try:
                for slider, (value, disabled, tooltip) in old_values.items():
                    slider.value, slider.disabled, slider.tooltip = value, disabled, tooltip
            finally:
                self._updating = False
            self.slider_box.children = children
            raise
        # New rows and weights into the chart on screen (no new spec, no rebuild).
        # The charts in the other tabs get them when their tab is opened: the rows
        # (130 kB) need not cross to the browser four times per slider step.
        params, results = self._param_values(), self._results_table()
        source, shown = self._source_line(), self._shown_kind()
        for kind, panel in self._tab_panels().items():
            if kind == shown:
                self._send_rows(kind, params)
            else:
                self._stale.add(kind)
            table = results[["iso3", "country", "rank", "score"]] if kind == "map" else results
            panel.update(table=_headers(table), source=source)
        self._refresh_text()
        self.clear_message()
        self._stale_uncertainty()
        self.last_timings["data"] = (time.perf_counter() - start) * 1000

    def _tab_panels(self) -> dict[str, ChartPanel]:
        """The charts of the first four tabs, in tab order."""
        return {"ranking": self.rank_panel, "map": self.map_panel, "shift": self.shift_panel,
                "hdi": self.hdi_panel}

    def _shown_kind(self) -> str | None:
        kinds = list(self._tab_panels())
        index = self.tabs.selected_index
        return kinds[index] if index is not None and index < len(kinds) else None

    def _send_rows(self, kind: str, params: dict | None = None) -> None:
        """The current rows, parameters and description into one chart."""
        self._tab_panels()[kind].set_data(
            params=self._param_values() if params is None else params,
            description=self._describe(kind), **{charts.INDEX_DATA: self._rows_json})
        self._stale.discard(kind)

    def _on_tab(self, change: dict) -> None:
        kind = self._shown_kind()
        if kind in self._stale:
            self._send_rows(kind)

    def _on_run(self, button: W.Button | None = None) -> None:
        start = time.perf_counter()
        self.uncertainty_status.value = "<p role='status'>" + _("Running…") + "</p>"
        agg = self.aggregation.value
        methods = [self.normalisation.value]
        if self.vary_normalisation.value:
            methods += [m for m in _METHODS if m != self.normalisation.value
                        and not (agg == "geometric" and m == "z_score")]
        mc = ix.monte_carlo_ranks({m: self._matrices[m] for m in methods}, self.weights, agg,
                                  n_draws=int(self.n_draws.value),
                                  concentration=float(self.concentration.value),
                                  seed=int(self.seed.value), epsilon=EPSILON)
        mc["rank"] = self._rank
        mc["name"] = self._names.reindex(mc.index)
        mc = mc.reset_index()
        self.mc_result = mc
        elapsed = time.perf_counter() - start
        width = (mc["rank_high"] - mc["rank_low"])
        widest = mc.loc[width.idxmax()]
        text = _("{draws} draws. Median width of the {share} rank range: {width} places; "
                 "widest: {country} (ranks {low}–{high}). The chart shows the 30 best-ranked "
                 "countries; the table has all.").format(
                     draws=int(self.n_draws.value), share=format_percent(0.9),
                     width=format_number(width.median(), 0), country=widest["name"],
                     low=int(widest["rank_low"]), high=int(widest["rank_high"]))
        table = mc[["iso3", "name", "rank", "median_rank", "rank_low", "rank_high"]
                   ].sort_values("rank")
        self.mc_panel.update(chart=charts.uncertainty_chart(mc, text), description=text,
                             table=_headers(table))
        self.uncertainty_status.value = (
            "<p role='status'>" + _("Done: {draws} draws in {seconds} s (normalisations: "
                                    "{methods}).").format(
                draws=int(self.n_draws.value), seconds=format_number(elapsed, 2),
                methods=", ".join(_(ix.NORMALISATIONS[m]).split(" (")[0] for m in methods))
            + "</p>")
        self.last_timings["monte_carlo"] = elapsed * 1000
        self.clear_message()
