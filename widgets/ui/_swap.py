"""Swap the rows a JupyterChart draws without rebuilding the chart through Altair.

Building an Altair chart and validating it against the Vega-Lite schema takes
tens of milliseconds; a widget whose chart *structure* never changes (same
marks, encodings, scales) but whose rows do can instead reuse the spec built
once and replace only the inline dataset. The front end re-embeds the new spec
exactly as it does after ``JupyterChart.chart = ...``.

>>> import altair as alt, pandas as pd
>>> from widgets.ui import ChartPanel
>>> df = pd.DataFrame({"x": [1, 2], "y": [3.0, 4.0]})
>>> panel = ChartPanel(alt.Chart(df).mark_line().encode(x="x", y="y"), "A line.", df)
>>> swap_data(panel, pd.DataFrame({"x": [1, 2, 3], "y": [1.0, float("nan"), 2.0]}))
>>> next(iter(panel.chart.spec["datasets"].values()))[1]
{'x': 2, 'y': None}
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["records", "swap_data"]


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-safe rows: plain Python numbers and strings (NaN and infinities become None).

    >>> records(pd.DataFrame({"a": [1, 2], "b": ["x", None]}))
    [{'a': 1, 'b': 'x'}, {'a': 2, 'b': None}]
    """
    cols = [str(c) for c in df.columns]
    columns = []
    for c in df.columns:
        values = df[c].to_numpy()
        if values.dtype.kind == "f":
            columns.append([v if np.isfinite(v) else None for v in values.tolist()])
        elif values.dtype.kind in "iub":
            columns.append(values.tolist())
        else:
            columns.append([None if (v is None or (isinstance(v, float) and v != v)) else v
                            for v in values.tolist()])
    return [dict(zip(cols, row, strict=True)) for row in zip(*columns, strict=True)]


def swap_data(panel: Any, df: pd.DataFrame, params: dict[str, Any] | None = None,
              subtitle: str | None = None) -> None:
    """Replace the chart's rows with ``df`` (and optionally parameter values, the subtitle).

    The dataset replaced is the one whose fields match ``df``'s columns (or the
    only one). ``panel`` is a :class:`widgets.ui.ChartPanel`.
    """
    spec = dict(panel.chart.spec)
    datasets = dict(spec.get("datasets", {}))
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
    datasets[name] = records(df)
    spec["datasets"] = datasets
    if params:
        spec["params"] = [{**p, "value": params[p["name"]]} if p.get("name") in params else p
                          for p in spec.get("params", [])]
    if subtitle is not None and isinstance(spec.get("title"), dict):
        spec["title"] = {**spec["title"], "subtitle": subtitle}
    panel.chart.spec = spec
