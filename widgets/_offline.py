"""Make every Altair chart render without the internet, quickly.

Altair's ``JupyterChart`` loads Vega from a CDN unless it is switched to
offline mode, which bundles ~0.9 MB of JavaScript with vl-convert (several
seconds). We do that once per machine and keep the bundle in a cache file keyed
by the Altair and vl-convert versions.

In the browser, stock offline charts each compile that 0.9 MB bundle again,
and anywidget gives a chart only 2 s to load its module: on a slow or busy
machine a lesson with several charts then shows frozen charts. The lab's
:class:`LabChart` therefore sends a tiny loader module; the first chart on a
page compiles the bundle once and every other chart reuses it (exactly what
online mode does with its CDN module).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import altair as alt
import traitlets

_BUNDLE: str = ""
_BUNDLE_KEY: str = ""

_LOADER_TEMPLATE = """\
// Human Security Lab: load Altair's offline Vega bundle once per page.
const KEY = "__hsl_altair_bundle_%(key)s";
function bundle(model) {
  if (!globalThis[KEY]) {
    const source = model.get("_hsl_bundle");
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    globalThis[KEY] = import(/* webpackIgnore: true */ url);
  }
  return globalThis[KEY];
}
// Altair's render() adds a "change:_params" and a "change:_py_to_js_updates"
// listener each time a new spec is embedded and never removes the old ones, so
// after ten indicator changes every slider step re-ran ten hidden, finalized
// Vega views. Only the newest listener of each is kept.
//
// Both listeners are then driven by one scheduler, for speed:
// - ChartPanel.set_data sends new rows and parameters in one message, which
//   fires both events; Altair's listeners would each re-run the Vega view
//   (two full redraws). They are merged into one update and one run.
// - A chart that is hidden (an unselected tab, a closed accordion) is not
//   redrawn for every change: its latest state is applied when it is shown.
// Updates may also carry the chart's new text description, which Vega shows
// to screen readers as the chart's aria-label.
function describe(el, updates) {
  for (const u of updates || []) {
    if (u.namespace !== "description") continue;
    // Vega puts the description on its container: <div class="chart-wrapper"
    // role="graphics-document" aria-label="..."> (role="img" once labelled below).
    el.setAttribute("data-hsl-description", u.value);
    for (const node of el.querySelectorAll('[role="graphics-document"], [data-hsl-chart]')) {
      node.setAttribute("aria-label", u.value);
    }
    accessible(el);
  }
}
// Accessibility (issue 19). The texts come from Python (widgets/_a11y.py), so
// they are translated there. Each chart becomes one image for screen readers
// (role="img") named by its description and pointing to its data table; the
// description under it is a polite live region, so a change is announced; the
// chart's menu button, the Play buttons and the slider handles of the page
// (ipywidgets leaves them without a name) get names.
let TEXT = {};
function fill(template, values) {
  return String(template || "").replace(/\\{(\\w+)\\}/g, (m, k) => (k in values ? values[k] : m));
}
function nameOf(box) {
  const label = box && box.querySelector(":scope > .widget-label, :scope > label");
  return ((label && label.textContent) || (box && box.title) || "").replace(/\\u200b/g, "").trim();
}
function labelPage(root) {
  for (const h of root.querySelectorAll('.noUi-handle[role="slider"]:not([aria-label])')) {
    const box = h.closest(".widget-slider, .widget-hslider, .widget-vslider");
    const label = nameOf(box);
    if (!label) continue;
    const handles = box.querySelectorAll(".noUi-handle");
    let name = label;
    if (handles.length === 2) {
      name = fill(h === handles[0] ? TEXT.range_start : TEXT.range_end, { label });
    }
    h.setAttribute("aria-label", name);
  }
  const play = TEXT.play || {};
  for (const b of root.querySelectorAll(".widget-play button:not([aria-label])")) {
    const icon = b.querySelector("i");
    const cls = icon ? icon.className : "";
    const kind = /fa-play/.test(cls) ? "play" : /fa-pause/.test(cls) ? "pause"
      : /fa-stop/.test(cls) ? "stop" : /fa-(retweet|repeat|sync)/.test(cls) ? "repeat" : "";
    if (kind && play[kind]) { b.setAttribute("aria-label", play[kind]); b.title = play[kind]; }
  }
  // Accordion section titles: ipywidgets makes them clickable only. They become
  // buttons the keyboard reaches (Tab) and opens (Enter or Space), saying whether open.
  for (const h of root.querySelectorAll(".jupyter-widget-Collapse-header")) {
    if (!h.hasAttribute("data-hsl-key")) {
      h.setAttribute("data-hsl-key", "");
      h.tabIndex = 0;
      h.setAttribute("role", "button");
      h.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); h.click(); }
      });
      h.addEventListener("click", () => setTimeout(() => expanded(h), 0));
    }
    expanded(h);
  }
  // Toggle buttons ("Show the data", a choice among buttons) say whether they are on.
  for (const b of root.querySelectorAll("button.widget-toggle-button")) {
    const on = b.classList.contains("mod-active") ? "true" : "false";
    if (b.getAttribute("aria-pressed") !== on) b.setAttribute("aria-pressed", on);
  }
  for (const s of root.querySelectorAll(".vega-embed details > summary:not([aria-label])")) {
    if (TEXT.chart_menu) s.setAttribute("aria-label", TEXT.chart_menu);
  }
}
function expanded(h) {
  const open = !!(h.parentElement && h.parentElement.classList.contains("jupyter-widget-Collapse-open"));
  if (h.getAttribute("aria-expanded") !== String(open)) h.setAttribute("aria-expanded", String(open));
}
function accessible(el) {
  const panel = el.closest(".hsl-chart-panel");
  const shown = panel && panel.querySelector(".hsl-chart-description");
  if (shown && !shown.hasAttribute("aria-live")) {
    shown.setAttribute("aria-live", "polite");
    shown.setAttribute("aria-atomic", "true");
  }
  const text = ((shown && shown.textContent) || el.getAttribute("data-hsl-description") || "").trim();
  const wrapper = el.querySelector(".chart-wrapper") || el.querySelector(".vega-embed");
  if (wrapper) {
    const name = text ? fill(TEXT.chart_label, { description: text, table_hint: TEXT.table_hint })
      : "";
    wrapper.setAttribute("data-hsl-chart", "");
    if (wrapper.getAttribute("role") !== "img") wrapper.setAttribute("role", "img");
    wrapper.removeAttribute("aria-roledescription");
    if (name && wrapper.getAttribute("aria-label") !== name) wrapper.setAttribute("aria-label", name);
    for (const g of wrapper.querySelectorAll(":scope > svg, :scope > canvas")) {
      if (g.getAttribute("aria-hidden") !== "true") g.setAttribute("aria-hidden", "true");
    }
  }
  labelPage(panel || el);
}
// Ipywidgets outside chart panels (a slider in another output) are labelled
// too: one observer per page, one pass per animation frame at most.
// Text wider than its column (a wide table in a lesson's text, a narrow
// screen) scrolls sideways: such a box is made focusable, so the keyboard can
// scroll it too. Measuring forces a layout, so it runs only once things settle.
function scrollable() {
  for (const box of document.querySelectorAll(
      ".jp-RenderedHTMLCommon:not([tabindex]), .hsl-chart:not([tabindex]), [data-hsl-scroll]")) {
    const wide = box.scrollWidth > box.clientWidth + 1 &&
      /auto|scroll/.test(getComputedStyle(box).overflowX);
    if (wide && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("data-hsl-scroll", "");
      box.setAttribute("role", "region");
      if (TEXT.scroll_region) box.setAttribute("aria-label", TEXT.scroll_region);
    } else if (!wide && box.hasAttribute("data-hsl-scroll")) {
      for (const a of ["tabindex", "data-hsl-scroll", "role", "aria-label"]) box.removeAttribute(a);
    }
  }
}
// Readable inactive tab names (ipywidgets draws them in a grey below 4.5:1 on
// their background) and a visible focus ring on every control (WCAG 2.4.7).
const STYLE = `
.jupyter-widgets.widget-tab > .lm-TabBar .lm-TabBar-tab { color: var(--jp-ui-font-color1, #1a1a1a); }
.jupyter-widgets :focus-visible, .jupyter-widgets:focus-visible, .vega-embed summary:focus-visible,
:is(.jupyter-widgets, .vega-embed) :is(input, textarea, select, button, summary, [tabindex]):focus-visible,
.jp-RenderedHTMLCommon[data-hsl-scroll]:focus-visible {
  outline: 2px solid #0072B2 !important; outline-offset: 1px; }
.jupyter-widgets .noUi-handle:focus-visible { outline-offset: 2px; }
.vega-embed summary { opacity: 0.6; }
.jupyter-widgets.widget-inline-hbox, .jupyter-widgets.widget-box { max-width: 100%%; }
.jupyter-widgets.widget-inline-hbox > select, .jupyter-widgets.widget-inline-hbox > input,
.jupyter-widgets.widget-inline-hbox > .widget-label { min-width: 0; }
[data-hsl-scroll]:focus-visible { outline: 2px solid #0072B2; outline-offset: 1px; }
.jupyter-widgets.widget-hbox, .widget-toggle-buttons { flex-wrap: wrap; }
.jupyter-widgets.widget-checkbox { height: auto; min-height: var(--jp-widgets-inline-height); }
.jupyter-widgets.widget-checkbox .widget-label-basic,
.jupyter-widgets.widget-checkbox .widget-label-basic > span { white-space: normal; overflow: visible; }
`;
function watchPage() {
  if (globalThis.__hsl_a11y_page) return;
  globalThis.__hsl_a11y_page = true;
  const style = document.createElement("style");
  style.id = "hsl-a11y-style";
  style.textContent = STYLE;
  document.head.appendChild(style);
  let queued = false;
  let settle = null;
  const pass = () => { queued = false; labelPage(document);
    for (const el of document.querySelectorAll("[data-hsl-chart-root]")) accessible(el); };
  new MutationObserver(() => {
    if (!queued) { queued = true; requestAnimationFrame(pass); }
    clearTimeout(settle);
    settle = setTimeout(scrollable, 400);
  }).observe(document.body, { childList: true, subtree: true, characterData: true });
  window.addEventListener("resize", () => { clearTimeout(settle); settle = setTimeout(scrollable, 400); });
  pass();
  settle = setTimeout(scrollable, 400);
}
function scheduler(model, el) {
  const inner = {};  // newest Altair listener per event
  let updates = [];  // pending _py_to_js_updates, in order
  let params = false;  // _params changed since the last flush
  let queued = false;
  // Whether the chart is shown, as a ResizeObserver reports it (0 x 0 = hidden).
  // Asking the page (getClientRects) would force a layout at every update.
  let shown = true;
  const sizes = new ResizeObserver((entries) => {
    const box = entries[entries.length - 1].contentRect;
    const was = shown;
    shown = box.width > 0 || box.height > 0;
    if (shown && !was && (updates.length || params)) schedule();
  });
  sizes.observe(el);
  // A new spec holds the full state: what was pending is superseded, and what
  // arrives while Vega embeds it waits for the new view (it was lost before).
  let embedding = true;
  model.on("change:spec", () => { updates = []; params = false; embedding = true; });
  const flush = async () => {
    queued = false;
    if (embedding) return;  // flushed when the new view's listener arrives
    if (!shown) return;  // flushed when the chart is shown
    // Rows arrive as JSON text (ChartPanel.set_data): parse them natively.
    const batch = updates.map((u) => (u.namespace === "data" && typeof u.value === "string"
      ? { ...u, value: JSON.parse(u.value) } : u));
    updates = [];
    if (params) {
      // Parameters are top-level Vega signals: set them in the same run.
      for (const [name, value] of Object.entries(model.get("_params") || {})) {
        batch.push({ namespace: "signal", name, scope: [], value });
      }
    }
    const withParams = params;
    params = false;
    try {
      if (inner.updates) {
        if (batch.length) await inner.updates({ changed: { _py_to_js_updates: batch } });
      } else if (withParams && inner.params) {
        await inner.params({ changed: { _params: model.get("_params") } });
      }
      describe(el, batch);
    } catch (error) {
      console.error("Human Security Lab: chart update failed", error);
    }
  };
  const schedule = () => {
    if (!queued) { queued = true; queueMicrotask(flush); }
  };
  const on = {
    "change:_py_to_js_updates": (m) => {
      const list = m && m.changed ? m.changed._py_to_js_updates : m;
      updates.push(...(list || []));
      schedule();
    },
    "change:_params": () => { params = true; schedule(); },
  };
  return new Proxy(model, {
    get(target, prop) {
      if (prop === "on") {
        return (event, callback, context) => {
          if (event === "change:_py_to_js_updates" || event === "change:_params") {
            const key = event === "change:_params" ? "params" : "updates";
            const first = !inner[key];
            inner[key] = callback;
            if (first) target.on(event, on[event]);
            if (key === "updates") {  // Altair registers it last, once the view is ready
              embedding = false;
              if (updates.length || params) schedule();
            }
            return;
          }
          return target.on(event, callback, context);
        };
      }
      const value = target[prop];
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
export default {
  async render(ctx) {
    const mod = await bundle(ctx.model);
    TEXT = ctx.model.get("_hsl_text") || TEXT;
    ctx.el.setAttribute("data-hsl-chart-root", "");
    const spec = ctx.model.get("spec");
    if (spec && spec.description) ctx.el.setAttribute("data-hsl-description", spec.description);
    watchPage();
    return mod.default.render({ ...ctx, model: scheduler(ctx.model, ctx.el) });
  },
};
"""


def _cache_dir() -> Path:
    base = os.environ.get("HSL_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base else Path.home() / ".cache"
    return root / "human-security-lab"


def _bundle_key() -> str:
    import vl_convert as vlc
    from altair.jupyter.jupyter_chart import load_js_src

    digest = hashlib.sha256(load_js_src().encode()).hexdigest()[:12]
    return f"jupyterchart-{alt.__version__}-{vlc.__version__}-{digest}.js"


def _load_bundle() -> str:
    """The offline JupyterChart module: from the cache, or bundled (and cached) now."""
    global _BUNDLE, _BUNDLE_KEY
    if _BUNDLE:
        return _BUNDLE
    cls = alt.JupyterChart
    key = _bundle_key()
    path = _cache_dir() / key
    text = ""
    if path.exists():
        text = path.read_text(encoding="utf-8")
    if not text:
        cls._is_offline = False
        cls.enable_offline(True)
        text = cls._esm
        _write_cache(path, text)
    _BUNDLE, _BUNDLE_KEY = text, hashlib.sha256(text.encode()).hexdigest()[:16]
    return _BUNDLE


#: Set to "1" to check every chart a widget shows against the Vega-Lite schema
#: (the test suite does: tests/conftest.py). Off in a lesson: see LabChart.
VALIDATE_ENV = "HSL_VALIDATE_CHARTS"


def validate_charts() -> bool:
    """Whether :class:`LabChart` checks each chart against the Vega-Lite schema now.

    >>> import os
    >>> old = os.environ.pop(VALIDATE_ENV, None)
    >>> validate_charts()
    False
    >>> os.environ[VALIDATE_ENV] = "1"; validate_charts()
    True
    >>> _ = os.environ.pop(VALIDATE_ENV); old and os.environ.update({VALIDATE_ENV: old})
    """
    return os.environ.get(VALIDATE_ENV, "") == "1"


class LabChart(alt.JupyterChart):
    """``alt.JupyterChart`` that works offline and shares one Vega bundle per page.

    Use it exactly like ``alt.JupyterChart`` (``.chart``, ``.params``,
    ``.selections``); :class:`widgets.ui.ChartPanel` uses it for every chart.
    """

    _hsl_bundle = traitlets.Unicode().tag(sync=True)
    #: What the chart says to screen readers (widgets/_a11y.py, one place to translate).
    _hsl_text = traitlets.Dict().tag(sync=True)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Numbers and dates in the reader's language (1 234,5 in French): Vega-Embed's
        # formatLocale / timeFormatLocale, given as dicts made from CLDR (widgets.i18n),
        # never fetched by name from a CDN. English charts keep Vega's defaults.
        from widgets.i18n import embed_locale

        locale = embed_locale()
        if locale:
            self.embed_options = {**locale, **(self.embed_options or {})}

    @traitlets.observe("chart")
    def _on_change_chart(self, change):
        """Altair's own handler, without its JSON-schema check of the spec at run time.

        Checking a chart against the Vega-Lite schema (``to_dict(validate=True)``)
        was the largest single cost of building a lesson's widgets (~0.3 CPU-s
        for lesson 04, in every kernel, and again at every chart change). The
        lab's charts are built by code whose every spec the tests check
        (``HSL_VALIDATE_CHARTS=1`` in the test suite), so a lesson skips it.
        """
        chart = change.new
        if chart is None or validate_charts():
            return super()._on_change_chart(change)
        fast = getattr(type(chart), "to_dict", None)
        if fast is None:
            return super()._on_change_chart(change)
        # Altair's schema objects keep attributes in ``_kwds``: set the instance's
        # own to_dict (no validation) past that, and remove it afterwards.
        object.__setattr__(chart, "to_dict", lambda *a, **k: fast(chart, *a, **{"validate": False, **k}))
        try:
            return super()._on_change_chart(change)
        finally:
            object.__delattr__(chart, "to_dict")

    @traitlets.default("_hsl_bundle")
    def _default_bundle(self) -> str:
        return _load_bundle()

    @traitlets.default("_hsl_text")
    def _default_text(self) -> dict:
        from widgets._a11y import browser_texts

        return browser_texts()


def _lab_renderer(spec: dict, **metadata):
    """Altair renderer: plain ``chart`` cell outputs become :class:`LabChart` widgets."""
    return LabChart(
        chart=alt.Chart.from_dict(spec), embed_options=metadata.get("embed_options")
    )._repr_mimebundle_()


def enable_offline_charts() -> None:
    """Make every chart render offline through :class:`LabChart`.

    Safe to call many times; after the first call on a machine it takes
    milliseconds because the JavaScript bundle is read from the cache.

    >>> enable_offline_charts()
    >>> alt.renderers.active
    'hsl'
    >>> "import(" in LabChart._esm and "cdn" not in LabChart._esm
    True
    """
    bundle = _load_bundle()
    # Stock JupyterChart (if someone uses it directly) is offline too.
    alt.JupyterChart._esm = bundle
    alt.JupyterChart._is_offline = True
    LabChart._esm = _LOADER_TEMPLATE % {"key": _BUNDLE_KEY}
    if "hsl" not in alt.renderers.names():
        alt.renderers.register("hsl", _lab_renderer)
    alt.renderers.enable("hsl")


def _write_cache(path: Path, text: str) -> None:
    """Write atomically so two kernels starting together never read half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home is fine: we just bundle again next time
