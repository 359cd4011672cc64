"""Scorecard: a country's human-security outcomes next to its state-security record, as a brief."""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import ipywidgets as W
import pandas as pd

from widgets import data
from widgets._paths import work_dir
from widgets.charts.scorecard import row_labels, scorecard_chart, scorecard_data
from widgets.errors import LabInputError
from widgets.i18n import DEFAULT, N_, _, get_language, localise_number, ngettext, sort_key
from widgets.scorecard import (
    HUMAN_INDICATORS,
    STATE_INDICATORS,
    brief_html,
    brief_markdown,
    country_scorecard,
    period_scorecard,
    prepare_scorecard,
    side_name,
    summarise_scorecard,
    verdict_word,
)
from widgets.ui import ChartPanel, LabWidget

__all__ = ["Scorecard", "scorecard_table_html"]


def scorecard_table_html(rows: pd.DataFrame, dimension_labels: dict[str, str]) -> str:
    """The scorecard as one accessible table, grouped by side and dimension."""
    e = html.escape
    head = "<tr>" + "".join(f"<th scope='col'>{e(_(h))}</th>" for h in TABLE_HEADERS) + "</tr>"
    english = get_language() == DEFAULT
    body = []
    for r in rows.itertuples(index=False):
        group = side_name("State security") if r.side == "State security" else _(
            dimension_labels.get(r.dimension, r.dimension))
        start = f"{_num(r.start_value)} ({r.start_year})" if _ok(r.start_year) else "–"
        end = f"{_num(r.end_value)} ({r.end_year})" if _ok(r.end_year) else "–"
        pct = "–" if pd.isna(r.pct_change) else (
            f"{r.pct_change:+.1f}%" if english else
            ("+" if r.pct_change >= 0 else "\u2212")
            + localise_number(f"{abs(r.pct_change):.1f}", "%"))
        pos = (f"{r.start_position:.0f} → {r.end_position:.0f}"
               if pd.notna(r.start_position) and pd.notna(r.end_position) else "–")
        colour = {"better": "#006e4e", "worse": "#b24a00"}.get(r.verdict, "#333")
        body.append(
            f"<tr><td>{e(group)}</td><td>{e(_(r.label))} <span style='color:#666'>"
            f"({e(_(r.unit) if r.unit else '')})"
            f"</span></td><td>{e(start)}</td><td>{e(end)}</td>"
            f"<td style='color:{colour};font-weight:600'>{e(r.arrow)} {e(verdict_word(r.verdict))}</td>"
            f"<td>{e(pct)}</td><td>{e(pos)}</td></tr>")
    style = ("<style>.hsl-score{border-collapse:collapse;font-size:12px}.hsl-score th,"
             ".hsl-score td{border-bottom:1px solid #ddd;padding:2px 8px;text-align:left}"
             ".hsl-score caption{text-align:left;font-weight:600}</style>")
    name = e(_("Scorecard table"))
    caption = e(_("Scorecard: values from the nearest year with data (in brackets)"))
    return (f"{style}<div style='max-height:360px;overflow:auto' tabindex='0' role='region' "
            f"aria-label='{name}'><table class='hsl-score'><caption>{caption}"
            f"</caption><thead>{head}</thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


#: Column headers of the scorecard's table on screen.
TABLE_HEADERS = (N_("Dimension"), N_("Indicator"), N_("Start"), N_("End"), N_("Change"),
                 N_("Change %"), N_("Position start → end"))
#: Column headers of "Show the data" (the rows' field → its header).
DATA_COLUMNS = {"side": N_("Side"), "dimension": N_("Dimension"), "label": N_("Indicator"),
                "unit": N_("Unit"), "start_year": N_("Start year"),
                "start_value": N_("Start value"), "end_year": N_("End year"),
                "end_value": N_("End value"), "change": N_("Change"),
                "pct_change": N_("Change %"), "verdict": N_("Verdict"),
                "start_position": N_("Start position"), "end_position": N_("End position")}


def _ok(v: Any) -> bool:
    return v is not None and v is not pd.NA and v == v


def _num(v: float) -> str:
    from widgets.charts import format_value

    return format_value(v)


@lru_cache(maxsize=4)
def _prepared(ids: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, Any], list[int]]:
    """Metadata and precomputed tables for a set of indicators (shared by all scorecards)."""
    infos = {i: data.indicator_info(i) for i in ids}
    series = {i: data.indicator_series(i)[["iso3", "year", "value"]] for i in ids}
    panel_years = data.load_panel("population")["year"]
    years = list(range(int(panel_years.min()), int(panel_years.max()) + 1))
    return infos, prepare_scorecard(series, infos, years), years


class Scorecard(LabWidget):
    """Choose a country and two years; see what changed for people and for the state.

    >>> sc = Scorecard("COL", start=2010, end=2020)
    >>> row = sc.rows.set_index("indicator").loc["battle_deaths"]
    >>> row["side"], row["verdict"]
    ('State security', 'better')
    >>> sc.end.value = 2005
    >>> sc.message_text.startswith("The start year")
    True
    """

    state_controls = ("country", "start", "end")
    state_name = "scorecard"

    def __init__(self, country: str = "COL", start: int = 2010, end: int = 2020,
                 human: dict[str, tuple[str, ...]] | None = None,
                 state: tuple[str, ...] = STATE_INDICATORS) -> None:
        human = human or HUMAN_INDICATORS
        self._order = [i for ids in human.values() for i in ids] + list(state)
        self._state_ids = tuple(state)
        self._infos, self._tables, self._years = _prepared(tuple(self._order))
        countries = data.load_countries()[["iso3", "name"]].sort_values("name")
        if get_language() == DEFAULT:
            self._names = dict(zip(countries["iso3"], countries["name"], strict=True))
        else:  # CLDR names, in the reader's alphabetical order
            local = {c: data.local_country_name(c) for c in countries["iso3"]}
            self._names = dict(sorted(local.items(), key=lambda kv: sort_key(kv[1])))
        style = {"description_width": "90px"}
        english = get_language() == DEFAULT
        wide = style if english else {"description_width": "120px"}
        self.country = W.Dropdown(options=[(n, c) for c, n in self._names.items()],
                                  value=data.check_country(country), description=_("Country"),
                                  style=style, layout=W.Layout(width="360px"))
        self.start = W.Dropdown(options=self._years, value=start, description=_("From"),
                                style=style, layout=W.Layout(width="200px"))
        self.end = W.Dropdown(options=self._years, value=end, description=_("To"),
                              style=style, layout=W.Layout(width="200px"))
        self.summary = W.HTML()
        self.table = W.HTML()
        self.notes = W.Textarea(placeholder=_("Your assessment: what do these changes say about "
                                              "this country's foreign and security policy?"),
                                description=_("My notes"), style=wide,
                                layout=W.Layout(width="95%", height="80px"))
        self.export_html_button = W.Button(description=_("Export brief (HTML)"), icon="file",
                                           layout=W.Layout(width="190px" if english else "230px"),
                                           tooltip=_("A printable page with the chart and table"))
        self.export_md_button = W.Button(description=_("Export brief (Markdown)"),
                                         icon="file-text",
                                         layout=W.Layout(width="210px" if english else "250px"),
                                         tooltip=_("The same brief as a Markdown file"))
        self._compute()
        self._labels = row_labels(self.rows, dict(data.DIMENSIONS))
        self.panel = ChartPanel(self._period_chart(), self._text(), self._table_df(),
                                source=self._source())
        super().__init__([
            W.HBox([self.country, self.start, self.end], layout=W.Layout(flex_flow="row wrap")),
            self.summary, self.panel, self.table, self.notes,
            W.HBox([self.export_html_button, self.export_md_button])])
        self._show()
        self.on_change(self.country, self._on_country)
        self.on_change([self.start, self.end], self._on_period)
        self.export_html_button.on_click(self.safe(lambda _b: self.export("html")))
        self.export_md_button.on_click(self.safe(lambda _b: self.export("md")))

    # -- computing -------------------------------------------------------------
    def _compute(self) -> None:
        self.rows = country_scorecard(self._tables, self._infos, self.country.value,
                                      int(self.start.value), int(self.end.value),
                                      state_indicators=self._state_ids)

    @property
    def country_name(self) -> str:
        return self._names[self.country.value]

    def _everyone(self) -> pd.DataFrame:
        return period_scorecard(self._tables, self._infos, int(self.start.value),
                                int(self.end.value), state_indicators=self._state_ids)

    def _period_chart(self) -> Any:
        """The chart holds every country's rows for the period; the country is a parameter."""
        return scorecard_chart(self._everyone(), self.country.value, self.country_name,
                               self.start.value, self.end.value, dict(data.DIMENSIONS),
                               description=self._text(), labels=self._labels)

    def _text(self) -> str:
        s = summarise_scorecard(self.rows)
        h = s.get("Human security", {})
        st = s.get("State security", {})
        if get_language() != DEFAULT:
            deaths = (_("better") if st.get("better") else _("worse") if st.get("worse")
                      else _("unchanged or without data"))
            n = h.get("better", 0)
            better = ngettext("{n} indicator better for people",
                              "{n} indicators better for people", n).format(n=n)
            return _("Scorecard for {country}, {start} to {end}. Human security: {better}, "
                     "{worse} worse, {little} little change, {none} without data. State "
                     "security: military indicators {up} up and {down} down; battle deaths "
                     "{deaths}. Arrows show the position among countries at the start (circle) "
                     "and end (triangle).").format(
                country=self.country_name, start=self.start.value, end=self.end.value,
                better=better, worse=h.get("worse", 0),
                little=h.get("little change", 0), none=h.get("no data", 0),
                up=st.get("up", 0), down=st.get("down", 0), deaths=deaths)
        return (f"Scorecard for {self.country_name}, {self.start.value} to {self.end.value}. "
                f"Human security: {h.get('better', 0)} indicators better for people, "
                f"{h.get('worse', 0)} worse, {h.get('little change', 0)} little change, "
                f"{h.get('no data', 0)} without data. State security: military indicators "
                f"{st.get('up', 0)} up and {st.get('down', 0)} down; battle deaths "
                f"{'better' if st.get('better') else 'worse' if st.get('worse') else 'unchanged or without data'}."
                " Arrows show the position among countries at the start (circle) and end "
                "(triangle).")

    def _table_df(self) -> pd.DataFrame:
        cols = {k: _(v) for k, v in DATA_COLUMNS.items()}
        table = self.rows[list(cols)]
        if get_language() != DEFAULT:  # the words in the reader's language, numbers untouched
            table = table.assign(side=table["side"].map(side_name),
                                 dimension=table["dimension"].map(
                                     lambda d: _(dict(data.DIMENSIONS).get(d, d))),
                                 label=table["label"].map(_),
                                 unit=table["unit"].map(lambda u: _(u) if u else u),
                                 verdict=table["verdict"].map(verdict_word))
        return table.rename(columns=cols)

    def _source(self) -> str:
        publishers = sorted({self._infos[i].publisher for i in self._order})
        return _("Sources: {publishers}. Each indicator's full source is listed in the "
                 "exported brief.").format(publishers="; ".join(publishers))

    def sources(self) -> list[str]:
        """The full source line of every indicator on the scorecard."""
        return [_("{name}: {text}").format(name=_(self._infos[i].short_label),
                                           text=self._infos[i].source_line())
                for i in self._order]

    def _show(self) -> None:
        s = summarise_scorecard(self.rows)
        h, st = s.get("Human security", {}), s.get("State security", {})
        # As text, the darker versions of the chart's colours (the chart's green and
        # orange are 3.4:1 and 3.8:1 on white; text needs 4.5:1).
        better, worse = "#006e4e", "#b24a00"
        if get_language() != DEFAULT:
            self.summary.value = "<p role='status'>{}</p>".format(_(
                "{heading} Human security: {better_start}{better} better{end_tag}, "
                "{worse_start}{worse} worse{end_tag}, {little} little change, {none} without "
                "data. State security: {up} up, {down} down, {s_better} better, {s_worse} "
                "worse.").format(
                heading="<b>{}</b>".format(html.escape(_("{country}, {start}–{end}.").format(
                    country=self.country_name, start=self.start.value, end=self.end.value))),
                better_start=f"<b style='color:{better}'>", worse_start=f"<b style='color:{worse}'>",
                end_tag="</b>", better=h.get("better", 0), worse=h.get("worse", 0),
                little=h.get("little change", 0), none=h.get("no data", 0),
                up=st.get("up", 0), down=st.get("down", 0), s_better=st.get("better", 0),
                s_worse=st.get("worse", 0)))
            self.table.value = scorecard_table_html(self.rows, dict(data.DIMENSIONS))
            return
        self.summary.value = (
            f"<p role='status'><b>{html.escape(self.country_name)}, {self.start.value}–"
            f"{self.end.value}.</b> Human security: <b style='color:{better}'>"
            f"{h.get('better', 0)} better</b>, <b style='color:{worse}'>{h.get('worse', 0)} "
            f"worse</b>, {h.get('little change', 0)} little change, {h.get('no data', 0)} "
            f"without data. State security: {st.get('up', 0)} up, {st.get('down', 0)} down, "
            f"{st.get('better', 0)} better, {st.get('worse', 0)} worse.</p>")
        self.table.value = scorecard_table_html(self.rows, dict(data.DIMENSIONS))

    # -- callbacks ----------------------------------------------------------------
    def _on_country(self, change: dict | None = None) -> None:
        """A new country: same data in the chart, only its parameters change."""
        self._compute()
        self.panel.set_params(country=self.country.value, country_label=self.country_name)
        self.panel.update(description=self._text(), table=self._table_df())
        self._show()
        self.clear_message()

    def _on_period(self, change: dict | None = None) -> None:
        """A new period: the chart gets the new period's data."""
        if int(self.start.value) >= int(self.end.value):
            raise LabInputError(_("The start year ({start}) must come before the end year "
                                  "({end}); the last valid scorecard is shown.").format(
                                      start=self.start.value, end=self.end.value))
        self._compute()
        # Same chart, new rows: swap the embedded data instead of rebuilding the chart.
        self.panel.replace_rows(scorecard_data(self._everyone(), self._labels),
                                params={"period_label": f"{self.start.value} → {self.end.value}",
                                        "country": self.country.value,
                                        "country_label": self.country_name})
        self.panel.update(description=self._text(), table=self._table_df())
        self._show()
        self.clear_message()

    # -- export -------------------------------------------------------------------
    def export(self, fmt: str = "html", path: str | Path | None = None) -> Path:
        """Write the brief (``"html"`` or ``"md"``) to the learner's folder; returns the path."""
        from widgets.portfolio import chart_to_svg

        if fmt not in ("html", "md"):
            raise LabInputError(_("Export as 'html' or 'md' (Markdown)."))
        svg = chart_to_svg(self.panel.chart.spec, {
            "country": self.country.value, "country_label": self.country_name,
            "period_label": f"{self.start.value} → {self.end.value}"})
        render = brief_html if fmt == "html" else brief_markdown
        text = render(self.rows, self.country_name, int(self.start.value), int(self.end.value),
                      sources=self.sources(), notes=self.notes.value,
                      dimension_labels=dict(data.DIMENSIONS), chart_svg=svg)
        if path is None:
            slug = re.sub(r"[^A-Za-z0-9]+", "-", self.country.value).strip("-")
            path = work_dir() / f"scorecard-{slug}-{self.start.value}-{self.end.value}.{fmt}"
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        self.show_message(_("Exported the brief to {path}. Open it in a browser to read, print "
                            "or share it.").format(path=path), "info")
        return path

    def learner_state(self) -> dict[str, Any]:
        state = super().learner_state()
        state["notes"] = self.notes.value
        return state

    def restore_learner_state(self, state: dict[str, Any]) -> list[str]:
        state = dict(state)
        notes = state.pop("notes", None)
        if isinstance(notes, str):
            self.notes.value = notes
        return super().restore_learner_state(state)
