"""The one error type a learner ever sees.

Every check in the package raises :class:`LabInputError` with a message that
says what was wrong and what to do instead. Widgets catch it and show the text
in their message area; they never show a traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from widgets.i18n import DEFAULT, N_, _, format_number, get_language


class LabInputError(ValueError):
    """Bad input from a learner: unknown code, empty selection, year without data...

    >>> raise LabInputError("No indicator called 'hdy'. Did you mean 'hdi'?")
    Traceback (most recent call last):
    ...
    widgets.errors.LabInputError: No indicator called 'hdy'. Did you mean 'hdi'?
    """


def closest(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """The valid choices closest to a mistyped ``word`` (case-insensitive).

    >>> closest("helth", ["health", "food", "wealth"])
    ['health', 'wealth']
    """
    choices = list(choices)
    lowered = {c.lower(): c for c in choices}
    hits = difflib.get_close_matches(str(word).lower(), list(lowered), n=n, cutoff=0.6)
    return [lowered[h] for h in hits]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ``" Did you mean …?"`` hint, or an empty string when nothing is close.

    >>> did_you_mean("FRA ", ["FRA", "DEU"])
    " Did you mean 'FRA'?"
    """
    hits = closest(str(word).strip(), choices)
    if not hits:
        return ""
    joined = (" " + _("or") + " ").join(repr(h) for h in hits)
    return " " + _("Did you mean {choices}?").format(choices=joined)


def _n(x: float) -> str:
    """A bound in a message: ``1,000`` in English, ``1 000`` in French."""
    return f"{x:,}" if get_language() == DEFAULT else format_number(x)


# ------------------------------------------------------------ checks of plain values
def check_whole_number(value: object, name: str, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high``, or a message that says what is allowed.

    Accepts ``3``, ``3.0`` and ``"3"``; refuses ``inf``, ``"1,000"``, ``True``, ``2.5``.

    >>> check_whole_number("12", "draws", 1, 100_000)
    12
    >>> check_whole_number(10**12, "draws", 1, 100_000)
    Traceback (most recent call last):
    ...
    widgets.errors.LabInputError: The number of draws must be a whole number from 1 to 100,000; got 1000000000000.
    """
    out: int | None = None
    if isinstance(value, bool):
        out = None
    elif isinstance(value, int):
        out = value
    elif isinstance(value, float) and value.is_integer():
        out = int(value)
    elif isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        out = int(value.strip())
    elif hasattr(value, "item") and not isinstance(value, str):   # numpy scalars
        return check_whole_number(value.item(), name, low, high)  # type: ignore[attr-defined]
    if out is None or not low <= out <= high:
        if name.endswith("s"):
            raise LabInputError(_("The number of {name} must be a whole number from {low} to "
                                  "{high}; got {value}.").format(
                                      name=_(name), low=_n(low), high=_n(high), value=repr(value)))
        raise LabInputError(_("The {name} must be a whole number from {low} to {high}; got "
                              "{value}.").format(name=_(name), low=_n(low), high=_n(high),
                                                 value=repr(value)))
    return out


def check_real_number(value: object, name: str, low: float = float("-inf"),
                      high: float = float("inf")) -> float:
    """A finite number from ``low`` to ``high`` (not text, not inf or NaN).

    >>> check_real_number(0.5, "jitter", 0, 1)
    0.5
    >>> check_real_number(float("inf"), "budget", 0)
    Traceback (most recent call last):
    ...
    widgets.errors.LabInputError: The budget must be a number from 0 upwards; got inf.
    """
    import math

    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok and hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # type: ignore[attr-defined]
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or not low <= value <= high:  # type: ignore[operator]
        def g(x: float) -> str:
            return f"{x:g}" if get_language() == DEFAULT else format_number(x)

        if high == float("inf"):
            message = _("The {name} must be a number from {low} upwards; got {value}.")
        elif low == float("-inf"):
            message = _("The {name} must be a number up to {high}; got {value}.")
        else:
            message = _("The {name} must be a number from {low} to {high}; got {value}.")
        raise LabInputError(message.format(name=_(name), low=g(low), high=g(high),
                                           value=repr(value)))
    return float(value)  # type: ignore[arg-type]


def check_year_range(start: object, end: object, low: int = 1900, high: int = 2100
                     ) -> tuple[int, int]:
    """Two years, the first not after the second.

    >>> check_year_range(2000, "2010")
    (2000, 2010)
    >>> check_year_range("2000-2010", 2010)
    Traceback (most recent call last):
    ...
    widgets.errors.LabInputError: The start year must be a whole number from 1,900 to 2,100; got '2000-2010'.
    """
    first = check_whole_number(start, N_("start year"), low, high)
    last = check_whole_number(end, N_("end year"), low, high)
    if first > last:
        raise LabInputError(_("The start year ({first}) must come before the end year "
                              "({last}): swap them.").format(first=first, last=last))
    return first, last
