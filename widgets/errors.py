"""The one error type a learner ever sees.

Every check in the package raises :class:`LabInputError` with a message that
says what was wrong and what to do instead. Widgets catch it and show the text
in their message area; they never show a traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


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
    return " Did you mean " + " or ".join(repr(h) for h in hits) + "?"
