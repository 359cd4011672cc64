"""Accessibility without a browser: texts, contrast, tables, what a chart panel gives the page.

The browser suite checks the pages themselves (axe-core, keyboard, reflow:
tests/browser/a11y.py, tests/browser/keyboard.py); these checks are the cheap
half that needs no browser.
"""

from __future__ import annotations

import ast
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from widgets import _a11y
from widgets._offline import _LOADER_TEMPLATE, LabChart
from widgets.charts import NO_DATA_COLOUR, OKABE_ITO, _theme
from widgets.ui.base import ChartPanel, data_table_html

CHARTS = Path(__file__).resolve().parents[1] / "widgets" / "charts"
WHITE = "#ffffff"


def test_chart_label_is_the_description_and_the_way_to_the_table():
    label = _a11y.chart_label("  Kenya is shown in dark red.  ")
    assert label.startswith("Chart: Kenya is shown in dark red. ")
    assert "Show the data" in label and label.endswith(".")


def test_every_browser_text_is_a_whole_sentence_or_a_name():
    texts = _a11y.browser_texts()
    assert set(texts["play"]) == {"play", "pause", "stop", "repeat"}
    for key in ("table_hint", "chart_menu", "scroll_region"):
        assert texts[key][0].isupper() and texts[key].endswith("."), key
    assert "{description}" in texts["chart_label"] and "{table_hint}" in texts["chart_label"]
    assert "{label}" in texts["range_start"] and "{label}" in texts["range_end"]


def test_each_chart_carries_the_texts_and_the_loader_applies_them():
    chart = LabChart(alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q"))
    assert chart._hsl_text == _a11y.browser_texts()
    loader = _LOADER_TEMPLATE % {"key": "k"}
    for needle in ('setAttribute("role", "img")', '"aria-live", "polite"', "summary",
                   ".widget-play button", '.noUi-handle[role="slider"]', "focus-visible"):
        assert needle in loader, needle


def test_chart_panel_marks_its_description_for_the_loader():
    df = pd.DataFrame({"country": ["Kenya", "Ghana"], "value": [1.5, None]})
    panel = ChartPanel(alt.Chart(df).mark_bar().encode(x="value:Q", y="country:N"),
                       "Two countries.", df)
    assert "hsl-chart-panel" in panel._dom_classes
    assert "hsl-chart-description" in panel.description._dom_classes
    assert "Two countries." in panel.description.value
    # one live region only: the description's box (made live in the browser), not the <p>
    assert "aria-live" not in panel.description.value


def test_data_table_has_caption_column_and_row_headers():
    df = pd.DataFrame({"country": ["Kenya", "Ghana"], "value": [1.5, None]})
    text = data_table_html(df, "Values by country")
    assert "<caption>Values by country</caption>" in text
    assert text.count('<th scope="col">') == 2
    assert '<th scope="row">Kenya</th>' in text and '<th scope="row">Ghana</th>' in text
    assert "<td>no data</td>" in text


def test_table_without_a_description_still_has_a_caption():
    df = pd.DataFrame({"x": [1]})
    panel = ChartPanel(alt.Chart(df).mark_point().encode(x="x:Q"), "", df)
    panel.show_table.value = True
    assert f"<caption>{_a11y.TABLE_CAPTION}</caption>" in panel.table.value


@pytest.mark.parametrize("colour, background, least", [
    (NO_DATA_COLOUR, WHITE, 3.0),  # a graphical object (WCAG 1.4.11)
    (NO_DATA_COLOUR, "#fff5eb", 3.0),  # the lightest "orangered" colour
    (NO_DATA_COLOUR, "#7f0000", 3.0),  # the darkest
    (_theme()["config"]["title"]["subtitleColor"], WHITE, 4.5),
    (_a11y.MIN_TEXT_GREY, WHITE, 4.5),
])
def test_contrast_of_the_lab_colours(colour, background, least):
    assert _a11y.contrast_ratio(colour, background) >= least


def _text_mark_colours() -> list[tuple[str, int, str]]:
    """Every colour given to a text mark in a chart builder (mark_text(color=...), MarkDef(type="text"))."""
    found = []
    for path in sorted(CHARTS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            kw = {k.arg: k.value for k in node.keywords if k.arg}
            is_text = name == "mark_text" or (
                name == "MarkDef" and isinstance(kw.get("type"), ast.Constant)
                and kw["type"].value == "text")
            colour = kw.get("color")
            if is_text and isinstance(colour, ast.Constant) and str(colour.value).startswith("#"):
                found.append((path.name, node.lineno, colour.value))
    return found


def test_text_in_charts_is_dark_enough_to_read():
    colours = _text_mark_colours()
    assert colours, "no text marks found: the check would prove nothing"
    weak = [(f, line, c, _a11y.contrast_ratio(c)) for f, line, c in colours
            if _a11y.contrast_ratio(c) < 4.5]
    assert not weak, f"text colours under 4.5:1 on white: {weak}"


def test_okabe_ito_black_and_blue_are_text_safe():
    # Used for highlighted names in some charts: the blue reads as text on white.
    assert _a11y.contrast_ratio(OKABE_ITO[0]) >= 4.5
