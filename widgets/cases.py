"""Case studies: dated events from cited sources, read beside the indicator series.

Each case (``widgets/casefiles/cases.yml``) names countries, indicators, a
period, a summary, what human-security policy did or could have done, and
discussion questions. Its events (``widgets/casefiles/case_events.csv``) are
dated historical facts, each with a citation. The functions here are pure
except :func:`load_cases` and :func:`load_case_events`, which read those two
files once.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["series_for_countries"]


def series_for_countries(series: pd.DataFrame, countries: list[str],
                         years: tuple[int, int] | None = None) -> pd.DataFrame:
    """Rows of a long series (``iso3, name, year, value``) for ``countries``, in their order.

    >>> s = pd.DataFrame({"iso3": ["A", "B", "A"], "name": ["Aland", "Bland", "Aland"],
    ...                   "year": [2000, 2000, 2001], "value": [1.0, 2.0, 3.0]})
    >>> series_for_countries(s, ["B", "A"], years=(2000, 2000))["iso3"].tolist()
    ['B', 'A']
    """
    out = series[series["iso3"].isin(countries)]
    if years is not None:
        out = out[out["year"].between(min(years), max(years))]
    order = {c: i for i, c in enumerate(countries)}
    out = out.assign(_order=out["iso3"].map(order)).sort_values(["_order", "year"])
    return out.drop(columns="_order").reset_index(drop=True)
