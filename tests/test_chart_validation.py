"""Charts are checked against the Vega-Lite schema in the tests, not in a learner's kernel.

A lesson's kernel skips Altair's JSON-schema check of every chart spec (issue
#16: it was the largest single cost of building lesson 04's widgets), so the
test suite must do it: ``tests/conftest.py`` sets ``HSL_VALIDATE_CHARTS=1``
and every chart any widget shows in any test (and in the lessons nbval runs,
whose kernels inherit the setting) is validated.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from widgets._offline import VALIDATE_ENV, LabChart, validate_charts


def _bad_chart() -> alt.Chart:
    chart = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_point().encode(x="x:Q")
    chart.width = "very wide"      # not a number, "container" or a step: invalid Vega-Lite
    return chart


def test_the_test_suite_validates_every_chart_a_widget_shows():
    assert validate_charts()
    with pytest.raises(alt.utils.schemapi.SchemaValidationError):
        LabChart(_bad_chart())
    panel = LabChart(alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q"))
    with pytest.raises(alt.utils.schemapi.SchemaValidationError):
        panel.chart = _bad_chart()      # a chart changed later is checked too


def test_a_lesson_skips_the_check_and_gets_the_same_spec(monkeypatch):
    chart = (alt.Chart(pd.DataFrame({"x": [1, 2], "y": [3, 4]})).mark_line()
             .encode(x="x:Q", y="y:Q").add_params(alt.param(name="year", value=2)))
    checked = LabChart(chart)
    monkeypatch.setenv(VALIDATE_ENV, "0")
    fast = LabChart(chart)
    assert fast.spec == checked.spec and fast._params == checked._params
    # No check at run time: an invalid spec goes through (the tests above catch it) ...
    assert LabChart(_bad_chart()).spec["width"] == "very wide"
    # ... and the chart object is left exactly as it was (no leftover to_dict override).
    assert "to_dict" not in vars(chart)
    assert chart.to_dict() == checked.chart.to_dict()
