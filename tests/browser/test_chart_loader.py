"""The lab's chart loader in Chromium, without a Jupyter server.

:class:`widgets._offline.LabChart` ships a small loader module around
Altair's offline ``JupyterChart`` code. These tests load exactly that module
in a blank page with a stand-in widget model, so they check the JavaScript
the lessons run, quickly and with the network cut.
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import pytest

import widgets  # noqa: F401 - enables the lab's offline charts
from widgets._offline import LabChart

pytestmark = [pytest.mark.browser]

# A stand-in for the anywidget model: get/set/on/off/save_changes, with live
# listeners counted per event.
PAGE_SCRIPT = """
async ({esm, state}) => {
  const listeners = {};
  const model = {
    get: (k) => state[k], set: (k, v) => { state[k] = v; }, save_changes() {},
    on(ev, cb) { (listeners[ev] ||= []).push(cb); },
    off(ev, cb) { listeners[ev] = (listeners[ev] || []).filter((f) => f !== cb); },
  };
  const url = URL.createObjectURL(new Blob([esm], {type: "text/javascript"}));
  const mod = await import(url);
  const el = document.createElement("div");
  document.body.appendChild(el);
  await mod.default.render({model, el});
  window.__hsl_test = {listeners, state, el};
  return true;
}
"""

NEW_SPEC = """
async (spec) => {
  const t = window.__hsl_test;
  t.state.spec = spec;
  for (const cb of t.listeners["change:spec"]) await cb();
  return (t.listeners["change:_params"] || []).length;
}
"""


def _state(chart: LabChart) -> dict:
    return {"spec": chart.spec, "_hsl_bundle": chart._hsl_bundle, "embed_options": {},
            "debounce_wait": 10, "max_wait": True, "_vl_selections": {},
            "_params": {"year": 2000}, "_js_watch_plan": []}


@pytest.fixture()
def page(browser):
    context = browser.new_context()
    context.route("**/*", lambda route: route.abort())  # nothing may be fetched
    page = context.new_page()
    page.set_content("<html><body></body></html>")
    yield page
    context.close()


def _chart(year: int) -> alt.Chart:
    df = pd.DataFrame({"year": [2000, 2001], "v": [1, 2]})
    return alt.Chart(df).mark_bar().encode(x="year:O", y="v:Q").add_params(
        alt.param(name="year", value=year))


def test_a_new_spec_leaves_one_parameter_listener(page):
    """Altair's render() adds a parameter listener per embedded spec and never
    removes one; ten new specs meant every later slider step updated ten hidden
    views. The loader keeps only the newest."""
    chart = LabChart(_chart(2000))
    assert page.evaluate(PAGE_SCRIPT, {"esm": LabChart._esm, "state": _state(chart)})
    counts = [page.evaluate(NEW_SPEC, json.loads(json.dumps(LabChart(_chart(2000 + i)).spec)))
              for i in range(3)]
    assert counts == [1, 1, 1]
    # ... and the chart it draws is the newest one, with its parameter working
    assert page.evaluate("() => window.__hsl_test.el.querySelectorAll('canvas, svg').length") > 0


UPDATE = """
async (updates) => {
  const t = window.__hsl_test;
  t.state._py_to_js_updates = updates;
  for (const cb of t.listeners["change:_py_to_js_updates"]) await cb({changed: {_py_to_js_updates: updates}});
  await new Promise((r) => requestAnimationFrame(r));
  return Array.from(t.el.querySelectorAll("svg text")).map((e) => e.textContent);
}
"""


def test_set_data_redraws_the_rows_in_place(page):
    """ChartPanel.set_data: the open view gets the new rows (and parameters), no rebuild."""
    from widgets.ui import ChartPanel

    chart = alt.Chart(alt.NamedData(name="rows")).mark_text().encode(
        y="word:N", text="word:N").properties(datasets={"rows": [{"word": "before"}]})
    panel = ChartPanel(chart, "Words.")
    state = _state(panel.chart)
    state["_params"] = {}
    assert page.evaluate(PAGE_SCRIPT, {"esm": LabChart._esm, "state": state})
    panel.set_data(rows=pd.DataFrame({"word": ["after", "again"]}), description="Two words.")
    texts = page.evaluate(UPDATE, json.loads(json.dumps(panel.chart._py_to_js_updates)))
    assert "after" in texts and "again" in texts and "before" not in texts
    # the screen-reader label follows the data
    label = page.evaluate("""() => document.querySelector('[role="graphics-document"]')
                              .getAttribute('aria-label')""")
    assert label == "Two words." == panel.description_text
