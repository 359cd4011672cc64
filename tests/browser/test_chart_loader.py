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
from widgets._a11y import chart_label
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
  for (const cb of t.listeners["change:_py_to_js_updates"]) cb({changed: {_py_to_js_updates: updates}});
}
"""
PARAMS = """
async (params) => {
  const t = window.__hsl_test;
  t.state._params = params;
  for (const cb of t.listeners["change:_params"]) cb({changed: {_params: params}});
}
"""
TEXTS = "() => Array.from(window.__hsl_test.el.querySelectorAll('g.mark-text.role-mark text')).map((e) => e.textContent)"


def _words_panel(page, params: dict | None = None):
    from widgets.ui import ChartPanel

    chart = alt.Chart(alt.NamedData(name="rows")).mark_text().encode(
        y="word:N", text=alt.Text("label:N")).transform_calculate(
        label="datum.word + suffix").properties(datasets={"rows": [{"word": "before"}]})
    chart = chart.add_params(alt.param(name="suffix", value="!"))
    panel = ChartPanel(chart, "Words.")
    state = _state(panel.chart)
    state["_params"] = {"suffix": "!"}
    assert page.evaluate(PAGE_SCRIPT, {"esm": LabChart._esm, "state": state})
    page.wait_for_function(f"() => ({TEXTS})().includes('before!')")
    return panel


def _send(page, panel) -> None:
    """Deliver what Python sent, as one message: rows first, then parameters."""
    page.evaluate(UPDATE, json.loads(json.dumps(panel.chart._py_to_js_updates)))
    page.evaluate(PARAMS, dict(panel.chart._params))


def test_set_data_redraws_the_rows_in_place(page):
    """ChartPanel.set_data: the open view gets the new rows and parameters, no rebuild."""
    panel = _words_panel(page)
    panel.set_data(rows=pd.DataFrame({"word": ["after", "again"]}), description="Two words.",
                   params={"suffix": "?"})
    _send(page, panel)
    page.wait_for_function(f"() => ({TEXTS})().includes('after?')")
    texts = page.evaluate(TEXTS)
    assert sorted(texts) == ["after?", "again?"]
    # the screen-reader label follows the data: the chart is one image named by
    # its description and pointing to its table (widgets/_a11y.py)
    role, label = page.evaluate("""() => { const c = document.querySelector('[data-hsl-chart]');
                                      return [c.getAttribute('role'), c.getAttribute('aria-label')]; }""")
    assert panel.description_text == "Two words."
    assert role == "img"
    # this bare test page has no chart texts from Python; a lesson's chart adds
    # the pointer to its table (checked by axe in the lesson tests)
    assert label in ("Two words.", chart_label("Two words."))


def test_a_hidden_chart_is_redrawn_when_shown(page):
    """A chart in an unselected tab is not redrawn at every change, but shows
    the latest rows and parameters as soon as it is visible."""
    panel = _words_panel(page)
    page.evaluate("""() => new Promise((done) => {  // hidden, and the page has seen it
      window.__hsl_test.el.style.display = 'none';
      requestAnimationFrame(() => requestAnimationFrame(done));
    })""")
    for word, suffix in (("one", "."), ("two", "?")):
        panel.set_data(rows=pd.DataFrame({"word": [word]}), params={"suffix": suffix})
        _send(page, panel)
    page.wait_for_timeout(300)
    assert page.evaluate(TEXTS) == ["before!"]  # not redrawn while hidden
    page.evaluate("() => { window.__hsl_test.el.style.display = ''; }")
    page.wait_for_function(f"() => ({TEXTS})().includes('two?')")
    assert page.evaluate(TEXTS) == ["two?"]


def test_rows_sent_while_a_new_spec_is_embedding_reach_the_new_view(page):
    """Rows that arrive while Vega is still embedding a new spec used to go to
    the old, finalized view and were lost (the map kept the old colours)."""
    panel = _words_panel(page)
    spec = json.loads(json.dumps(panel.chart.spec))
    spec["datasets"]["rows"] = [{"word": "respec"}]
    panel.set_data(rows=pd.DataFrame({"word": ["late"]}))
    page.evaluate("""async ([spec, updates]) => {
      const t = window.__hsl_test;
      t.state.spec = spec;
      for (const cb of t.listeners["change:spec"]) cb();  // not awaited: still embedding
      for (const cb of t.listeners["change:_py_to_js_updates"]) {
        cb({changed: {_py_to_js_updates: updates}});
      }
    }""", [spec, json.loads(json.dumps(panel.chart._py_to_js_updates))])
    page.wait_for_function(f"() => ({TEXTS})().includes('late!')")
    assert page.evaluate(TEXTS) == ["late!"]
