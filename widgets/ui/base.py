"""Building blocks every lab widget is made of.

* :class:`ChartPanel` — an ``alt.JupyterChart`` updated in place, its text
  description under it, and a "Show the data" toggle with the exact numbers.
* :class:`LabWidget` — the base class: a message area for clear errors,
  callbacks that never show a traceback, and ``learner_state``/``restore_learner_state`` so a
  learner's choices can be saved (see :mod:`widgets.portfolio`).

A widget subclass keeps calculations out: it reads controls, calls the pure
functions of its concept module and the chart builders, and hands the results
to its panels.

>>> import pandas as pd, altair as alt
>>> df = pd.DataFrame({"x": [1, 2], "y": [3, 4]})
>>> panel = ChartPanel(alt.Chart(df).mark_line().encode(x="x", y="y"), "A rising line.", df)
>>> panel.description.value.startswith("<p")
True
>>> panel.show_table.value = True
>>> "<table" in panel.table.value
True
"""

from __future__ import annotations

import html
import json
import logging
import math
import re
import time
from collections.abc import Callable
from typing import Any

import altair as alt
import ipywidgets as W
import pandas as pd

from widgets._a11y import TABLE_CAPTION
from widgets._offline import LabChart
from widgets.errors import LabInputError
from widgets.i18n import N_, _, format_significant

__all__ = ["ChartPanel", "LabWidget", "data_table_html", "rows_json", "safe_callback"]

log = logging.getLogger("widgets")

_MESSAGE_STYLE = {
    "error": ("#7a1c00", "#fde8e1", N_("Problem")),
    "warning": ("#5c4400", "#fff4d6", N_("Note")),
    "info": ("#123c5c", "#e6f1fa", N_("Info")),
}


def data_table_html(df: pd.DataFrame, caption: str = "", max_rows: int = 300) -> str:
    """An accessible HTML table (caption, header row) of ``df``.

    >>> "<caption>Two rows</caption>" in data_table_html(pd.DataFrame({"a": [1, 2]}), "Two rows")
    True
    """
    shown = df.head(max_rows)
    table = shown.to_html(index=False, na_rep=_("no data"), border=0, classes="hsl-table",
                          float_format=format_significant)
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    table = re.sub(r"<table[^>]*>", f'<table class="hsl-table">{cap}', table, count=1)
    # Screen readers read each cell with its column's name and its row's first
    # cell (the country, the year...): headers say which way they apply.
    table = table.replace("<th>", '<th scope="col">')
    table = re.sub(r"<tr>(\s*)<td>(.*?)</td>", r'<tr>\1<th scope="row">\2</th>', table)
    more = ""
    if len(df) > max_rows:
        more = "<p>" + _("Showing the first {shown} of {total} rows.").format(
            shown=max_rows, total=len(df)) + "</p>"
    style = (
        "<style>.hsl-table{border-collapse:collapse;font-size:12px}"
        ".hsl-table caption{text-align:left;font-weight:600;padding:4px 0}"
        ".hsl-table tbody th{font-weight:normal}"
        ".hsl-table th,.hsl-table td{border-bottom:1px solid #ddd;padding:2px 8px;"
        "text-align:right}.hsl-table th:first-child,.hsl-table td:first-child"
        "{text-align:left}</style>"
    )
    label = caption or _("data table")
    return (f'{style}<div style="max-height:320px;overflow:auto" tabindex="0" '
            f'role="region" aria-label="{html.escape(label)}">'
            f"{table}</div>{more}")


def rows_json(rows: pd.DataFrame | list[dict[str, Any]]) -> str:
    """Rows as compact JSON text, for :meth:`ChartPanel.set_data`.

    Serialise once and pass the text to several charts that show the same rows.

    >>> rows_json(pd.DataFrame({"a": [1, 2], "b": [0.5, float("nan")]}))
    '[{"a":1,"b":0.5},{"a":2,"b":null}]'
    >>> rows_json([{"a": float("inf")}])
    '[{"a":null}]'
    """
    if isinstance(rows, pd.DataFrame):  # pandas' C encoder: about 6x faster
        return rows.to_json(orient="records", double_precision=15)
    values = list(rows)
    try:
        return json.dumps(values, separators=(",", ":"), allow_nan=False)
    except ValueError:  # NaN or an infinity in hand-made rows: JSON has only null
        values = [{k: None if isinstance(v, float) and not math.isfinite(v) else v
                   for k, v in row.items()} for row in values]
        return json.dumps(values, separators=(",", ":"))


def _named_inline_data(spec: dict) -> dict[str, list[dict]]:
    """Inline data with a name in a spec (``json_data(..., name=...)``), by name.

    The spec is copied along the way down to each of them, so changing a
    returned node changes only the copy (the map's TopoJSON text is not copied).
    """
    found: dict[str, list[dict]] = {}

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("name"), str) and "values" in node:
                found.setdefault(node["name"], []).append(node)
                return
            for key, value in node.items():
                if isinstance(value, dict | list):
                    node[key] = copy = dict(value) if isinstance(value, dict) else list(value)
                    walk(copy)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                if isinstance(value, dict | list):
                    node[i] = copy = dict(value) if isinstance(value, dict) else list(value)
                    walk(copy)

    for key, value in spec.items():
        if key != "datasets" and isinstance(value, dict | list):  # named datasets are not inline
            spec[key] = copy = dict(value) if isinstance(value, dict) else list(value)
            walk(copy)
    return found


class ChartPanel(W.VBox):
    """A chart that updates in place, with its description and its data.

    Parameters
    ----------
    chart : the Altair chart to show.
    description : plain-English sentence(s) saying what the chart shows.
    table : the exact numbers behind the chart (shown on demand).
    caption : caption for the table (defaults to the description).
    source : a source/licence line shown under the chart.
    renderer : ``"svg"`` (default) or ``"canvas"`` (for charts with thousands of marks).
    """

    def __init__(
        self,
        chart: alt.TopLevelMixin,
        description: str,
        table: pd.DataFrame | None = None,
        caption: str = "",
        source: str = "",
        debounce_wait: int = 10,
        renderer: str = "svg",
    ) -> None:
        # SVG (the default) describes each mark to screen readers; "canvas" draws
        # thousands of marks (a large heat-map) several times faster.
        self.chart = LabChart(chart, debounce_wait=debounce_wait,
                              embed_options={"renderer": renderer})
        # On a phone or at 200 % zoom a chart wider than the screen scrolls in its
        # own box (the chart loader makes that box reachable by keyboard), not the page.
        self.chart.add_class("hsl-chart")
        self.chart.layout.max_width = "100%"
        self.chart.layout.overflow = "auto"
        self.description = W.HTML(layout=W.Layout(margin="0 0 4px 0"))
        # The chart loader (widgets/_offline.py) finds the description by these
        # classes: it names the chart with it and makes it a polite live region.
        self.description.add_class("hsl-chart-description")
        self.source = W.HTML()
        self.show_table = W.ToggleButton(
            value=False,
            description=_("Show the data"),
            icon="table",
            tooltip=_("Show the exact numbers behind this chart as a table"),
            layout=W.Layout(width="auto", min_width="150px"),  # longer in French
        )
        self.table = W.HTML(layout=W.Layout(display="none"))
        self._table_df: pd.DataFrame | Callable[[], pd.DataFrame] | None = table
        self._caption = caption
        self.show_table.observe(self._render_table, names="value")
        super().__init__(
            [self.chart, self.description, self.source, self.show_table, self.table],
            layout=W.Layout(width="100%"),
        )
        self.add_class("hsl-chart-panel")
        self.set_description(description)
        self.set_source(source)
        self._render_table()

    # -- updates -----------------------------------------------------------
    def update(
        self,
        chart: alt.TopLevelMixin | None = None,
        description: str | None = None,
        table: pd.DataFrame | Callable[[], pd.DataFrame] | None = None,
        caption: str | None = None,
        source: str | None = None,
    ) -> None:
        """Replace any of chart / description / table; only what is given changes.

        ``table`` may be a function that makes the table: it runs only when the
        table is shown (or :attr:`table_data` is read), not at every change.

        >>> import altair as alt
        >>> df = pd.DataFrame({"x": [1]})
        >>> panel = ChartPanel(alt.Chart(df).mark_point().encode(x="x"), "A point.", df)
        >>> panel.update(table=lambda: pd.DataFrame({"x": [2]}))
        >>> panel.table_data["x"].tolist()
        [2]
        """
        if chart is not None:
            self.chart.chart = chart
        if description is not None:
            self.set_description(description)
        if caption is not None:
            self._caption = caption
        if table is not None:
            self._table_df = table
            self._render_table()
        if source is not None:
            self.set_source(source)

    def set_params(self, **values: Any) -> None:
        """Change chart parameters (e.g. the selected year) without re-sending data.

        All the changes travel to the browser in one message. The chart's
        parameter table is replaced once: set one by one, each parameter made
        Altair copy the table and set every parameter again (40 parameters:
        about 5 ms per call; now a fraction of that).

        >>> import altair as alt, pandas as pd
        >>> chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q").add_params(
        ...     alt.param(name="size", value=1), alt.param(name="shape", value="circle"))
        >>> panel = ChartPanel(chart, "A point.")
        >>> panel.set_params(size=3)
        >>> panel.chart.params.size, panel.chart._params["size"], panel.chart._params["shape"]
        (3.0, 3.0, 'circle')
        """
        chart = self.chart
        # Parameters of a spec set directly (a filled template) are not in Altair's
        # table until set once: the spec's own top-level parameters count as known,
        # or the browser would never hear of the change.
        in_spec = {p.get("name") for p in (chart.spec or {}).get("params", [])
                   if isinstance(p, dict) and "select" not in p}
        known = {k: v for k, v in values.items() if k in chart._params or k in in_spec}
        with chart.hold_sync():
            if known:
                # Altair mirrors _params into chart.params (each equal value is silent)
                chart._params = {**chart._params, **known}
            for name, value in values.items():
                if name not in known:
                    setattr(chart.params, name, value)

    def set_data(self, params: dict[str, Any] | None = None, description: str | None = None,
                 **datasets: Any) -> None:
        """Replace named datasets (and parameters) in the chart on screen, in place.

        Each keyword names a dataset of the spec (``datasets`` in Vega-Lite) and
        gives its new rows: a DataFrame or a list of records. The browser swaps
        the rows in the running Vega view, so only what changed is redrawn; a
        new spec (``update(chart=...)``) instead rebuilds the whole view, which
        costs 100–300 ms. The spec kept for views opened later gets the same
        rows, so a reloaded page shows the current data too. ``description``
        replaces the chart's text description (its screen-reader label) and
        the one shown under the chart.

        >>> import altair as alt, pandas as pd
        >>> rows = alt.NamedData(name="rows")
        >>> chart = alt.Chart(rows).mark_bar().encode(x="x:Q").properties(
        ...     datasets={"rows": [{"x": 1}]})
        >>> panel = ChartPanel(chart, "One bar.")
        >>> panel.set_data(rows=pd.DataFrame({"x": [2, 3]}))
        >>> panel.chart.spec["datasets"]["rows"]
        [{'x': 2}, {'x': 3}]
        >>> panel.chart._py_to_js_updates[0]["name"], panel.chart._py_to_js_updates[0]["value"]
        ('rows', '[{"x":2},{"x":3}]')
        >>> panel.set_data(other=[])
        Traceback (most recent call last):
        KeyError: "the chart has no dataset 'other' (it has ['rows'])"
        """
        spec = dict(self.chart.spec)
        known = dict(spec.get("datasets", {}))
        inline = _named_inline_data(spec)
        updates = []
        for name, rows in datasets.items():
            if name not in known and name not in inline:
                raise KeyError(f"the chart has no dataset {name!r} "
                               f"(it has {sorted([*known, *inline])})")
            # The rows travel as one JSON text, which the browser parses natively
            # (the lab's chart loader does it): a list of dicts would be walked
            # and encoded again, item by item, for every chart it goes to.
            text = rows if isinstance(rows, str) else rows_json(rows)
            if name in known:  # kept as the spec had it: JSON text, or a list of rows
                known[name] = text if isinstance(known[name], str) else json.loads(text)
            for node in inline.get(name, []):  # data given as {"name": ..., "values": "[...]"}
                node["values"] = text if isinstance(node["values"], str) else json.loads(text)
            updates.append({"namespace": "data", "name": name, "scope": [], "value": text})
        if known:
            spec["datasets"] = known
        if description is not None:
            spec["description"] = description
            updates.append({"namespace": "description", "value": description})
            self.set_description(description)
        if params:
            spec["params"] = [{**p, "value": params[p["name"]]} if p.get("name") in params
                              else p for p in spec.get("params", [])]
        # The spec is what a view opened later starts from. Store it without
        # sending it: a spec that arrives makes the open views rebuild.
        self.chart._trait_values["spec"] = spec
        with self.chart.hold_sync():  # rows and parameters travel in one message
            self.chart._py_to_js_updates = updates
            if params:
                self.set_params(**params)

    def replace_rows(self, df: pd.DataFrame, params: dict[str, Any] | None = None) -> None:
        """:meth:`set_data` for a chart with one table, or the one whose columns are ``df``'s.

        For charts built from a DataFrame (whose dataset Altair names by a hash).

        >>> import altair as alt
        >>> df = pd.DataFrame({"x": [1, 2], "y": [3.0, 4.0]})
        >>> panel = ChartPanel(alt.Chart(df).mark_line().encode(x="x", y="y"), "A line.", df)
        >>> panel.replace_rows(pd.DataFrame({"x": [1, 2, 3], "y": [1.0, float("nan"), 2.0]}))
        >>> next(iter(panel.chart.spec["datasets"].values()))[1]
        {'x': 2, 'y': None}
        """
        datasets = self.chart.spec.get("datasets", {})
        cols = {str(c) for c in df.columns}
        if len(datasets) == 1:
            name = next(iter(datasets))
        else:
            matches = [n for n, rows in datasets.items() if rows and set(rows[0]) == cols]
            if not matches:  # the chart was built with no rows yet
                matches = [n for n, rows in datasets.items() if not rows]
            if len(matches) != 1:
                raise RuntimeError("cannot tell which dataset of the chart to replace")
            name = matches[0]
        self.set_data(params=params, **{name: df})

    def set_description(self, text: str) -> None:
        self._description_text = text
        self.description.value = (
            f'<p role="note" style="margin:2px 0;color:#333">'
            f"{html.escape(text)}</p>"
        )

    def set_source(self, text: str) -> None:
        self.source.value = (
            f'<p style="margin:0;font-size:11px;color:#555">{html.escape(text)}</p>' if text else ""
        )

    @property
    def description_text(self) -> str:
        return self._description_text

    @property
    def table_data(self) -> pd.DataFrame | None:
        """The numbers behind the chart (made now if they were given as a function)."""
        if callable(self._table_df):
            self._table_df = self._table_df()
        return self._table_df

    def _render_table(self, change: dict | None = None) -> None:
        if not self.show_table.value or self._table_df is None:
            self.table.layout.display = "none"
            self.show_table.description = _("Show the data")
            return
        self.table.value = data_table_html(self.table_data, self._caption or self._description_text
                                           or _(TABLE_CAPTION))
        self.table.layout.display = ""
        self.show_table.description = _("Hide the data")


def safe_callback(owner: LabWidget, fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a callback so errors go to ``owner``'s message area, not a traceback.

    A :class:`LabInputError` shows its own text; anything else shows a short
    apology and is logged. The widget keeps its last valid result on screen.
    """

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            result = fn(*args, **kwargs)
        except LabInputError as err:
            owner.show_message(str(err), "error")
            return None
        except Exception as err:  # noqa: BLE001 - a learner must never see a traceback
            log.exception("Unexpected error in %s", getattr(fn, "__name__", fn))
            owner.show_message(
                _("Something unexpected went wrong ({problem}). The last valid result is "
                  "still shown; try another setting.").format(
                    problem=f"{type(err).__name__}: {err}"),
                "error",
            )
            return None
        owner.last_callback_ms = (time.perf_counter() - start) * 1000
        return result

    wrapper.__name__ = getattr(fn, "__name__", "callback")
    wrapper.__doc__ = getattr(fn, "__doc__", None)
    return wrapper


class LabWidget(W.VBox):
    """Base class for the lab's widgets.

    Subclasses build their controls, then call ``super().__init__(children)``
    and wire controls with :meth:`on_change`. Bad input should raise
    :class:`LabInputError`; the base class shows it in :attr:`message`.

    ``state_controls`` maps names to the controls whose values make up the
    learner's choices; :meth:`learner_state` / :meth:`restore_learner_state` save and restore them.
    """

    #: Names of controls (attributes) whose ``value`` forms the saved state.
    state_controls: tuple[str, ...] = ()
    #: Short name used in save files, e.g. ``"index_builder"``.
    state_name: str = "widget"

    def __init__(self, children: list[W.Widget] | None = None, **kwargs: Any) -> None:
        self.message = W.HTML(layout=W.Layout(margin="4px 0"))
        self.last_callback_ms: float | None = None
        super().__init__([self.message, *(children or [])], **kwargs)
        # Names the widget in the page (the browser suite's keyboard walk visits each kind once).
        self.add_class(f"hsl-w-{type(self).__name__}")

    # -- messages ---------------------------------------------------------
    def show_message(self, text: str, kind: str = "error") -> None:
        """Show ``text`` above the widget (``kind``: error, warning, info)."""
        fg, bg, label = _MESSAGE_STYLE.get(kind, _MESSAGE_STYLE["info"])
        role = "alert" if kind == "error" else "status"
        self.message.value = (
            f'<div role="{role}" style="color:{fg};background:{bg};padding:6px 10px;'
            f'border-radius:4px;border-left:4px solid {fg}"><b>{_(label)}:</b> '
            f"{html.escape(text)}</div>"
        )
        self.message_text = text
        self.message_kind = kind

    def clear_message(self) -> None:
        self.message.value = ""
        self.message_text = ""
        self.message_kind = ""

    message_text: str = ""
    message_kind: str = ""

    # -- wiring -----------------------------------------------------------
    def safe(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """``fn`` wrapped so that errors become messages (see :func:`safe_callback`)."""
        return safe_callback(self, fn)

    def on_change(self, controls: list[W.Widget] | W.Widget, fn: Callable[..., Any],
                  names: str = "value") -> None:
        """Call ``fn(change)`` safely whenever any of ``controls`` changes ``names``."""
        if isinstance(controls, W.Widget):
            controls = [controls]
        handler = self.safe(fn)
        for control in controls:
            control.observe(handler, names=names)

    # -- saving -----------------------------------------------------------
    def learner_state(self) -> dict[str, Any]:
        """The learner's current choices, as plain JSON-able data."""
        state: dict[str, Any] = {}
        for name in self.state_controls:
            value = getattr(self, name).value
            state[name] = list(value) if isinstance(value, tuple) else value
        return state

    def restore_learner_state(self, state: dict[str, Any]) -> list[str]:
        """Restore choices saved by :meth:`learner_state`; returns what could not be restored.

        Unknown keys and values a control no longer accepts are skipped (and
        reported), never fatal: an older save file restores what it can.
        """
        skipped: list[str] = []
        for name, value in state.items():
            if name not in self.state_controls:
                skipped.append(name)
                continue
            control = getattr(self, name)
            try:
                control.value = tuple(value) if isinstance(value, list) else value
            except Exception:  # noqa: BLE001 - traitlets raises several kinds
                skipped.append(name)
        return skipped

