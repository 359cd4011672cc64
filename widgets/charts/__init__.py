"""Shared chart vocabulary: the lab's theme, colour-blind-safe palettes, helpers.

Every chart builder in the package returns an ``alt.Chart`` (or layered /
concatenated chart) built with these helpers, so colours mean the same thing
in every lesson:

* **darker / warmer = worse** for the people concerned, whatever the
  indicator's direction (see :func:`colour_scale`);
* categories use the Okabe–Ito palette, safe for the common forms of colour
  blindness;
* every chart carries a text ``description`` (read by screen readers and shown
  under the chart by :class:`widgets.ui.ChartPanel`).

>>> import pandas as pd
>>> c = describe(alt.Chart(pd.DataFrame({"x": [1]})).mark_point(), "One point.")
>>> c.to_dict()["description"]
'One point.'
"""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import pandas as pd

from widgets.charts._projection import map_projection, projected_world_map_text

__all__ = [
    "NO_DATA_COLOUR",
    "OKABE_ITO",
    "Y_LABEL_ROOM",
    "SCHEME_NEUTRAL",
    "SCHEME_WORSE",
    "colour_scale",
    "describe",
    "enable_theme",
    "format_value",
    "json_data",
    "map_projection",
    "world_map_data",
]

#: Okabe & Ito (2008) colour-blind-safe categorical palette (black moved last).
OKABE_ITO = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
]
#: Sequential scheme for "how bad": light yellow (better) → dark red (worse).
SCHEME_WORSE = "orangered"
#: Sequential scheme for indicators with no better/worse reading (e.g. population).
SCHEME_NEUTRAL = "blues"
#: Fill for countries without data: a mid grey that stands out at least 3:1 (WCAG 1.4.11)
#: from the white background and from both ends of the colour schemes (the light
#: #d9d9d9 used before was 1.4:1 on white: a learner with low vision lost the gaps).
NO_DATA_COLOUR = "#8c8c8c"
#: Pixels a y axis keeps for its labels when new rows may widen them (an indicator
#: swapped in place): Vega lays a chart out once, so wider labels would be cut off.
Y_LABEL_ROOM = 90
#: Colours for "state security" vs "human security" when both appear side by side.
STATE_COLOUR, HUMAN_COLOUR = "#0072B2", "#E69F00"

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


def _theme() -> dict[str, Any]:
    return {
        "config": {
            "font": FONT,
            "view": {"stroke": None, "continuousWidth": 520, "continuousHeight": 300},
            "range": {"category": OKABE_ITO},
            "axis": {"labelFontSize": 12, "titleFontSize": 13, "gridColor": "#e6e6e6"},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "titleLimit": 320},
            "title": {"fontSize": 15, "anchor": "start", "subtitleColor": "#555"},
            "header": {"labelFontSize": 12, "titleFontSize": 13},
        }
    }


def enable_theme() -> None:
    """Register and enable the lab's Altair theme (idempotent)."""
    alt.theme.register("human_security_lab", enable=True)(_theme)
    # Charts embed their data; lift Altair's 5,000-row guard but keep a limit
    # far above anything the lab draws (the biggest map is ~8,000 rows).
    alt.data_transformers.disable_max_rows()


def colour_scale(direction: str, domain: list[float] | None = None, **kwargs: Any) -> alt.Scale:
    """A sequential colour scale where darker always means worse.

    ``direction`` is the catalogue's ``higher_is_better`` / ``higher_is_worse``
    / ``neutral``.

    >>> colour_scale("higher_is_better").to_dict()["reverse"]
    True
    >>> colour_scale("higher_is_worse").to_dict()["scheme"]
    'orangered'
    """
    scheme = SCHEME_NEUTRAL if direction == "neutral" else SCHEME_WORSE
    args: dict[str, Any] = {"scheme": scheme, "reverse": direction == "higher_is_better"}
    if domain is not None:
        args["domain"] = domain
    args.update(kwargs)
    return alt.Scale(**args)


def nice_ticks(lo: float, hi: float, log: bool = False, most: int | None = None
               ) -> list[float]:
    """Round values between ``lo`` and ``hi`` to label an axis or a legend (data units).

    On a log scale: 1-2-5 steps (powers of ten only if that gives more than
    ``most``; finer steps if it gives fewer than four; round steps as on a
    linear scale if the range is narrower still). On a linear scale: steps of
    1, 2, 2.5 or 5 times a power of ten, at least two ticks.

    >>> nice_ticks(3.0, 120.0, log=True)
    [5.0, 10.0, 20.0, 50.0, 100.0]
    >>> nice_ticks(300.0, 90000.0, log=True, most=6)
    [1000.0, 10000.0]
    >>> nice_ticks(41.0, 86.0)
    [50.0, 60.0, 70.0, 80.0]
    """
    if log and lo > 0:
        def series(mantissas: tuple[float, ...]) -> list[float]:
            return [float(f"{m * 10.0 ** e:.6g}")
                    for e in range(math.floor(math.log10(lo)) - 1, math.ceil(math.log10(hi)) + 1)
                    for m in mantissas if lo <= m * 10.0 ** e <= hi]

        ticks = series((1, 2, 5))
        if most is not None and len(ticks) > most:
            return series((1,))
        for finer in ((1, 1.5, 2, 3, 5, 7), tuple(range(1, 10))):
            if len(ticks) >= 4:
                break
            ticks = series(finer)
        if len(ticks) >= 2:
            return ticks
    raw = (hi - lo) / 5  # at least two ticks: the step is under 2 * raw
    magnitude = 10.0 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(lo / step) * step
    return [round(first + k * step, 10) for k in range(int((hi - first) / step + 1e-9) + 1)]


def describe(chart, text: str):
    """Attach a text description (for screen readers and the caption).

    Works on single, layered and concatenated charts.
    """
    return chart.properties(description=text)


def format_value(value: float | None, unit: str = "", digits: int = 3) -> str:
    """Format a number for a sentence: ``format_value(12345.6, "people")``.

    >>> format_value(12345.6, "people")
    '12,346 people'
    >>> format_value(0.4567)
    '0.457'
    >>> format_value(3.42, "% of GDP")
    '3.42% of GDP'
    >>> format_value(None, "%")
    'no data'
    """
    from widgets.i18n import DEFAULT, _, get_language, localise_number

    if value is None or pd.isna(value):
        return _("no data")
    v = float(value)
    if abs(v) >= 1000:
        text = f"{v:,.0f}"
    elif abs(v) >= 100:
        text = f"{v:,.1f}".rstrip("0").rstrip(".")
    else:
        text = f"{v:.{digits}g}"
    if get_language() != DEFAULT:  # "1 234,5 personnes", "3,42 % du PIB" (widgets.i18n)
        return localise_number(text, _(unit) if unit else "")
    if unit.startswith("%"):
        return f"{text}{unit}"  # "12%", "3.4% of GDP"
    return f"{text} {unit}".strip()


def world_map_data() -> alt.Data:
    """The lab's world map as inline TopoJSON, ready for ``mark_geoshape``.

    Each feature has ``properties.iso3`` and ``properties.name``; join values
    with ``transform_lookup(lookup="properties.iso3", from_=alt.LookupData(...))``.
    The map is embedded (never fetched from a URL), so it renders offline. It
    is already projected (Equal Earth, Antarctica left out): draw it with
    ``projection=map_projection()``, which makes re-colouring a map cheap in
    the browser (see :mod:`widgets.charts._projection`). It is passed as one
    JSON *string*: Altair copies and validates a string in microseconds,
    whereas the nested TopoJSON objects cost seconds per chart.

    >>> world_map_data().to_dict()["format"]
    {'type': 'topojson', 'feature': 'countries'}
    """
    return alt.Data(values=projected_world_map_text(),
                    format=alt.DataFormat(type="topojson", feature="countries"))


def json_data(df: pd.DataFrame, double_precision: int = 10, name: str | None = None) -> alt.Data:
    """``df`` embedded in a chart as one JSON string (missing values as null).

    Altair walks through every value of a table given as records; a string it
    passes through untouched, so big lookup tables cost little to embed. A
    ``name`` lets :meth:`widgets.ui.ChartPanel.set_data` swap the rows later.

    >>> json_data(pd.DataFrame({"a": [1.0, None]})).to_dict()["values"]
    '[{"a":1.0},{"a":null}]'
    >>> json_data(pd.DataFrame({"a": [1.0]}), name="rows").to_dict()["name"]
    'rows'
    """
    return alt.Data(values=df.to_json(orient="records", double_precision=double_precision),
                    format=alt.DataFormat(type="json"),
                    **({"name": name} if name else {}))
