"""What the lab says to screen readers, in one place, and the contrast rule it keeps.

Every text a screen reader hears that the page does not show (a chart's
accessible name, the name of a chart's menu button, the names of the Play
buttons, the caption of a data table) is a whole English sentence here, so
that the translation catalogues can carry it as one piece. The chart loader
in the browser (:mod:`widgets._offline`) receives them with each chart
(:func:`browser_texts`) and applies them to the page; nothing else in the
package writes them.

>>> chart_label("Kenya's under-5 mortality fell from 100 to 41 deaths per 1,000.")
"Chart: Kenya's under-5 mortality fell from 100 to 41 deaths per 1,000. The numbers behind this chart are in a table: press the Show the data button under it."
>>> round(contrast_ratio("#767676", "#ffffff"), 2)
4.54
"""

from __future__ import annotations

from widgets.i18n import N_, _

#: Said before a chart's own description, then the hint to its data table.
CHART_LABEL = N_("Chart: {description} {table_hint}")
#: How a chart points to its numbers (its "Show the data" table under it).
TABLE_HINT = N_("The numbers behind this chart are in a table: press the Show the data "
                "button under it.")
#: Accessible name of the menu button Vega draws at a chart's corner (three dots).
CHART_MENU = N_("Chart menu: save this chart as an image, or see how it is made.")
#: A data table's caption when a chart has no description of its own.
TABLE_CAPTION = N_("The numbers behind the chart.")
#: The two handles of a range slider (a from–to choice, e.g. years).
RANGE_START = N_("{label}: start of the range")
RANGE_END = N_("{label}: end of the range")
#: The buttons of a Play control (icons only on screen).
PLAY_BUTTONS = {
    "play": N_("Play: step through the values one after another."),
    "pause": N_("Pause."),
    "stop": N_("Stop and go back to the start."),
    "repeat": N_("Repeat: start again after the last value."),
}

#: A box of lesson text wider than the screen, which scrolls sideways.
SCROLL_REGION = N_("Wide content: use the arrow keys to scroll it sideways.")

#: The darkest grey text may be on white and still be read (4.54:1; WCAG AA is 4.5:1).
MIN_TEXT_GREY = "#767676"


def chart_label(description: str) -> str:
    """A chart's accessible name: its description and where its numbers are."""
    return _(CHART_LABEL).format(description=description.strip(), table_hint=_(TABLE_HINT))


def browser_texts() -> dict[str, object]:
    """The texts the chart loader needs in the browser (sent once with each chart)."""
    return {"chart_label": _(CHART_LABEL), "table_hint": _(TABLE_HINT),
            "chart_menu": _(CHART_MENU), "range_start": _(RANGE_START),
            "range_end": _(RANGE_END), "play": {k: _(v) for k, v in PLAY_BUTTONS.items()},
            "scroll_region": _(SCROLL_REGION)}


def _luminance(colour: str) -> float:
    text = colour.lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    channels = [int(text[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_ratio(foreground: str, background: str = "#ffffff") -> float:
    """WCAG 2.1 contrast ratio of two ``#rrggbb`` colours (1 to 21).

    >>> contrast_ratio("#000", "#fff")
    21.0
    >>> contrast_ratio("#d9d9d9") < 3
    True
    """
    a, b = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return round((a + 0.05) / (b + 0.05), 4)
