"""Case studies: dated events from cited sources, read beside the indicator series.

Each case (``widgets/casefiles/cases.yml``) names its countries, neighbours to
compare with, the indicators that tell the story, a period, a summary, what
human-security policy did or could have done, and discussion questions. Its
events (``widgets/casefiles/case_events.csv``) are dated historical facts,
each with a citation (UN, WHO, governments, peer-reviewed work): they are not
data values, and every number shown about a case comes from ``widgets.data``.

The functions are pure, except :func:`load_cases` and
:func:`load_case_events`, which read and check the two files once.

>>> cases = load_cases()
>>> cases["ebola"].countries
('GIN', 'LBR', 'SLE')
>>> ev = case_events(load_case_events(), "ebola")
>>> first = ev.iloc[0]
>>> int(first["number"]), first["date_label"]
(1, 'December 2013')
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from widgets.errors import LabInputError, check_whole_number, check_year_range, did_you_mean
from widgets.i18n import _, get_language, translated_path

__all__ = [
    "CASEFILES_DIR",
    "CaseStudy",
    "case_events",
    "get_case",
    "change_between",
    "load_case_events",
    "load_cases",
    "label_rows",
    "parse_event_date",
    "series_for_countries",
    "stack_series",
    "top_destinations",
    "validate_events",
    "value_near",
]

#: Folder holding ``cases.yml`` and ``case_events.csv`` (shipped with the package).
CASEFILES_DIR = Path(__file__).resolve().parent / "casefiles"
EVENT_COLUMNS = ("case_id", "date", "event", "source_title", "source_url_or_reference")


@dataclass(frozen=True)
class CaseStudy:
    """One case: who, what to look at, when, and the questions to discuss."""

    id: str
    title: str
    countries: tuple[str, ...]
    comparators: tuple[str, ...]
    indicators: tuple[str, ...]
    years: tuple[int, int]
    summary: str
    policy: str
    questions: tuple[str, ...]
    reading: tuple[str, ...] = ()

    @property
    def all_countries(self) -> tuple[str, ...]:
        """The case's countries followed by its comparators."""
        return self.countries + tuple(c for c in self.comparators if c not in self.countries)

    @classmethod
    def from_dict(cls, d: dict) -> CaseStudy:
        """Build and check one case from its YAML entry.

        >>> CaseStudy.from_dict({"id": "x", "title": "X", "countries": ["KEN"],
        ...     "indicators": ["hdi"], "years": [2000, 2010]}).years
        (2000, 2010)
        """
        cid = str(d.get("id", "")).strip()
        if not cid:
            raise LabInputError(_("A case in cases.yml has no 'id'."))
        try:
            first, last = (int(y) for y in d["years"])
        except (KeyError, TypeError, ValueError) as err:
            raise LabInputError(_("Case {case} needs 'years: [first, last]'.").format(
                case=repr(cid))) from err
        if first > last:
            raise LabInputError(_("Case {case}: the first year {first} is after the last "
                                  "{last}.").format(case=repr(cid), first=first, last=last))
        countries = tuple(str(c) for c in d.get("countries") or [])
        indicators = tuple(str(i) for i in d.get("indicators") or [])
        if not countries or not indicators:
            raise LabInputError(_("Case {case} needs at least one country and one "
                                  "indicator.").format(case=repr(cid)))
        return cls(
            id=cid,
            title=str(d.get("title", cid)),
            countries=countries,
            comparators=tuple(str(c) for c in d.get("comparators") or []),
            indicators=indicators,
            years=(first, last),
            summary=str(d.get("summary", "")).strip(),
            policy=str(d.get("policy", "")).strip(),
            questions=tuple(str(q) for q in d.get("questions") or []),
            reading=tuple(str(r) for r in d.get("reading") or []),
        )


# --------------------------------------------------------------------------- dates
def _date_label(day: dt.date, with_day: bool, lang: str) -> str:
    """A date (or a month) written out in ``lang`` (CLDR through Babel; English as before).

    >>> _date_label(dt.date(2016, 11, 24), True, "fr"), _date_label(dt.date(2013, 12, 15), False, "es")
    ('24 novembre 2016', 'diciembre de 2013')
    >>> _date_label(dt.date(1948, 12, 1), True, "fr")   # French writes the first day "1er"
    '1er décembre 1948'
    """
    if lang == "en":
        if with_day:
            return f"{day.day} {calendar.month_name[day.month]} {day.year}"
        return f"{calendar.month_name[day.month]} {day.year}"
    from babel.dates import format_date, format_skeleton

    if with_day:
        text = format_date(day, format="long", locale=lang)
        return "1er" + text[1:] if lang == "fr" and day.day == 1 else text
    return format_skeleton("yMMMM", day, locale=lang)


def parse_event_date(text: str, lang: str = "en") -> tuple[str, float]:
    """A date written ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` → (label, decimal year).

    The decimal year places the event on a chart's year axis: the middle of
    the year or month when only those are known. The label is written in
    ``lang`` (English by default).

    >>> parse_event_date("2016-11-24")
    ('24 November 2016', 2016.898)
    >>> parse_event_date("2013-12")
    ('December 2013', 2013.955)
    >>> parse_event_date("1994")
    ('1994', 1994.5)
    >>> parse_event_date("2016-11-24", "es")[0]
    '24 de noviembre de 2016'
    """
    raw = str(text).strip()
    parts = raw.split("-")
    try:
        if len(parts[0]) != 4:
            raise ValueError
        if len(parts) == 1 and len(parts[0]) == 4:
            year = int(parts[0])
            return str(year), year + 0.5
        if len(parts) == 2:
            year, month = int(parts[0]), int(parts[1])
            if not 1 <= month <= 12:
                raise ValueError
            mid = dt.date(year, month, 15)
            label = _date_label(mid, False, lang)
        elif len(parts) == 3:
            mid = dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
            label = _date_label(mid, True, lang)
        else:
            raise ValueError
    except ValueError as err:
        raise LabInputError(
            _("{date} is not a date the lab can read. Write YYYY, YYYY-MM or YYYY-MM-DD "
              "(for example 2016-11-24).").format(date=repr(raw))
        ) from err
    days = 366 if calendar.isleap(mid.year) else 365
    frac = (mid.timetuple().tm_yday - 0.5) / days
    return label, round(mid.year + frac, 3)


def validate_events(events: pd.DataFrame, case_ids: list[str] | None = None,
                    lang: str = "en") -> pd.DataFrame:
    """Check an events table and add ``date_label`` and ``x`` (decimal year).

    Every event needs a date, a description and a source; ``case_id`` must be
    one of ``case_ids`` when given. ``date_label`` is written in ``lang``.

    >>> ev = pd.DataFrame({"case_id": ["a"], "date": ["2014-08-08"], "event": ["PHEIC"],
    ...                    "source_title": ["WHO statement"], "source_url_or_reference": [""]})
    >>> row = validate_events(ev, ["a"]).iloc[0]
    >>> row["date_label"], float(row["x"])
    ('8 August 2014', 2014.601)
    >>> validate_events(ev.assign(source_title=""), ["a"])
    Traceback (most recent call last):
    ...
    widgets.errors.LabInputError: Event 'PHEIC' (a, 2014-08-08) has no source. ...
    """
    missing = [c for c in EVENT_COLUMNS if c not in events.columns]
    if missing:
        raise LabInputError(_("The events table lacks the column(s) {columns}.").format(
            columns=", ".join(missing)))
    out = events.copy()
    for col in EVENT_COLUMNS:
        out[col] = out[col].fillna("").astype(str).str.strip()
    labels, xs = [], []
    for row in out.itertuples(index=False):
        if not row.event:
            raise LabInputError(_("An event of case {case} on {date} has no text.").format(
                case=repr(row.case_id), date=row.date))
        if not row.source_title:
            raise LabInputError(
                _("Event {event} ({case}, {date}) has no source. Every event needs a citation "
                  "in source_title.").format(event=repr(row.event), case=row.case_id,
                                             date=row.date)
            )
        if case_ids is not None and row.case_id not in case_ids:
            raise LabInputError(
                _("Event {event} belongs to an unknown case {case}.").format(
                    event=repr(row.event), case=repr(row.case_id))
                + did_you_mean(row.case_id, case_ids)
            )
        label, x = parse_event_date(row.date, lang)
        labels.append(label)
        xs.append(x)
    out["date_label"] = labels
    out["x"] = xs
    return out


# --------------------------------------------------------------------------- files
#: What a translation of cases.yml (``cases.<lang>.yml``) holds for each case: the text a
#: learner reads. Countries, indicators, years and the reading list (published titles)
#: are always those of the English file.
CASE_TEXT_FIELDS = ("title", "summary", "policy", "questions")


def _case_texts(lang: str) -> dict[str, dict]:
    """The case texts in ``lang`` by case id (empty in English or without a translation)."""
    path = translated_path(CASEFILES_DIR / "cases.yml", lang)
    if lang == "en" or not path.is_file():
        return {}
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(d.get("id")): d for d in raw.get("cases", [])}


@lru_cache(maxsize=4)
def _cases(lang: str = "en") -> dict[str, CaseStudy]:
    path = CASEFILES_DIR / "cases.yml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    texts = _case_texts(lang)
    entries = []
    for d in raw.get("cases", []):
        mine = texts.get(str(d.get("id")), {})
        entries.append({**d, **{f: mine[f] for f in CASE_TEXT_FIELDS if mine.get(f)}})
    cases = [CaseStudy.from_dict(d) for d in entries]
    ids = [c.id for c in cases]
    if len(set(ids)) != len(ids):
        raise LabInputError(_("cases.yml repeats a case id."))
    return {c.id: c for c in cases}


def load_cases() -> dict[str, CaseStudy]:
    """All case studies, by id, in teaching order.

    >>> list(load_cases())[:2]
    ['costa-rica', 'ebola']
    """
    return dict(_cases(get_language()))


def _event_texts(raw: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``raw`` with its ``event`` texts from ``case_events.<lang>.csv`` when that file matches.

    The translation lists the same events in the same order (``case_id, date, event``);
    sources keep their published titles. A file that does not match row for row is
    not used (the English texts stay): ``tests/test_i18n_cases.py`` catches it first.
    """
    path = translated_path(CASEFILES_DIR / "case_events.csv", lang)
    if lang == "en" or not path.is_file():
        return raw
    tr = pd.read_csv(path, dtype=str, keep_default_na=False)
    same = (len(tr) == len(raw) and {"case_id", "date", "event"} <= set(tr.columns)
            and tr["case_id"].tolist() == raw["case_id"].tolist()
            and tr["date"].tolist() == raw["date"].tolist())
    return raw.assign(event=tr["event"].to_numpy()) if same else raw


@lru_cache(maxsize=4)
def _events(lang: str = "en") -> pd.DataFrame:
    raw = pd.read_csv(CASEFILES_DIR / "case_events.csv", dtype=str, keep_default_na=False)
    return validate_events(_event_texts(raw, lang), list(_cases(lang)), lang)


def load_case_events() -> pd.DataFrame:
    """Every dated event of every case, checked, with ``date_label`` and ``x``.

    >>> bool(load_case_events()["source_title"].str.len().gt(0).all())
    True
    """
    return _events(get_language()).copy()


def get_case(case_id: str) -> CaseStudy:
    """One case by id, with a helpful message for a typo.

    >>> get_case("rwanda").title.startswith("Rwanda")
    True
    """
    cases = _cases(get_language())
    key = str(case_id).strip()
    if key not in cases:
        raise LabInputError(_("There is no case called {case}.").format(case=repr(key))
                            + did_you_mean(key, cases) + " "
                            + _("Cases: {cases}.").format(cases=", ".join(cases)))
    return cases[key]


# --------------------------------------------------------------------------- pure helpers
def case_events(events: pd.DataFrame, case_id: str,
                years: tuple[int, int] | None = None) -> pd.DataFrame:
    """The events of one case, in date order, numbered 1, 2, … (numbers are stable).

    ``years`` keeps only events whose date falls within ``first``–``last``
    (inclusive), without renumbering, so a number always means the same event.

    >>> ev = pd.DataFrame({"case_id": ["a", "a", "b"], "x": [2016.9, 2012.8, 2000.5],
    ...                    "event": ["signed", "talks", "other"]})
    >>> case_events(ev, "a")[["number", "event"]].values.tolist()
    [[1, 'talks'], [2, 'signed']]
    >>> case_events(ev, "a", years=(2015, 2020))["number"].tolist()
    [2]
    """
    out = events[events["case_id"] == case_id].sort_values("x", kind="stable")
    out = out.reset_index(drop=True)
    out.insert(0, "number", range(1, len(out) + 1))
    if years is not None:
        first, last = min(years), max(years)
        out = out[(out["x"] >= first) & (out["x"] < last + 1)]
    return out.reset_index(drop=True)


def label_rows(positions: list[float], min_gap: float) -> list[int]:
    """Stagger labels: the row (0, 1, 2, …) for each position so close labels do not overlap.

    Positions are taken in order; a label goes on the first row whose last
    label is at least ``min_gap`` to its left.

    >>> label_rows([2014.0, 2014.2, 2014.3, 2016.0], min_gap=0.5)
    [0, 1, 2, 0]
    """
    last: list[float] = []
    rows: list[int] = []
    for x in positions:
        for row, prev in enumerate(last):
            if x - prev >= min_gap:
                last[row] = x
                rows.append(row)
                break
        else:
            last.append(x)
            rows.append(len(last) - 1)
    return rows


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


def stack_series(series: dict[str, pd.DataFrame], countries: list[str],
                 years: tuple[int, int] | None = None) -> pd.DataFrame:
    """Several long series (one per indicator id) in one table with an ``indicator`` column.

    >>> a = pd.DataFrame({"iso3": ["A", "B"], "name": ["Aland", "Bland"], "year": [2000] * 2,
    ...                   "value": [1.0, 2.0]})
    >>> t = stack_series({"hdi": a, "gini": a}, ["A"])
    >>> t[["indicator", "iso3", "value"]].values.tolist()
    [['hdi', 'A', 1.0], ['gini', 'A', 1.0]]
    """
    parts = [series_for_countries(s, countries, years).assign(indicator=ind)
             for ind, s in series.items()]
    if not parts:
        return pd.DataFrame(columns=["iso3", "name", "indicator", "year", "value"])
    out = pd.concat(parts, ignore_index=True)
    return out[["iso3", "name", "indicator", "year", "value"]]


def value_near(series: pd.DataFrame, iso3: str, year: int,
               max_gap: int = 2) -> tuple[int, float] | None:
    """A country's value in ``year``, or in the closest year within ``max_gap`` years.

    Ties go to the earlier year. Returns ``(year_used, value)`` or ``None``.

    >>> s = pd.DataFrame({"iso3": ["A", "A"], "year": [2010, 2013], "value": [5.0, 7.0]})
    >>> value_near(s, "A", 2012)
    (2013, 7.0)
    >>> value_near(s, "A", 2020) is None
    True
    """
    rows = series[(series["iso3"] == iso3) & series["value"].notna()]
    if rows.empty:
        return None
    gaps = (rows["year"] - year).abs()
    best = rows.assign(_gap=gaps, _later=rows["year"] > year).sort_values(["_gap", "_later"])
    top = best.iloc[0]
    if top["_gap"] > max_gap:
        return None
    return int(top["year"]), float(top["value"])


def change_between(series: pd.DataFrame, countries: list[str], start: int, end: int,
                   max_gap: int = 2) -> pd.DataFrame:
    """Each country's value near ``start`` and near ``end``, and the change.

    Columns ``iso3, start_year, start_value, end_year, end_value, change,
    pct_change``; a country without data near either year gets missing values.

    >>> s = pd.DataFrame({"iso3": ["A", "A", "B"], "year": [2000, 2010, 2000],
    ...                   "value": [100.0, 80.0, 50.0]})
    >>> t = change_between(s, ["A", "B"], 2000, 2010)
    >>> t.loc[0, ["change", "pct_change"]].tolist()
    [-20.0, -20.0]
    >>> bool(pd.isna(t.loc[1, "change"]))
    True
    """
    start, end = check_year_range(start, end)
    max_gap = check_whole_number(max_gap, _("years of gap allowed"), 0, 50)
    if start >= end:
        raise LabInputError(_("The first year ({start}) must come before the second "
                              "({end}).").format(start=start, end=end))
    rows = []
    for iso3 in countries:
        a, b = value_near(series, iso3, start, max_gap), value_near(series, iso3, end, max_gap)
        row: dict = {"iso3": iso3, "start_year": pd.NA, "start_value": float("nan"),
                     "end_year": pd.NA, "end_value": float("nan")}
        if a is not None:
            row["start_year"], row["start_value"] = a
        if b is not None:
            row["end_year"], row["end_value"] = b
        rows.append(row)
    out = pd.DataFrame(rows)
    out["change"] = out["end_value"] - out["start_value"]
    base = out["start_value"].where(out["start_value"] != 0)
    out["pct_change"] = out["change"] / base.abs() * 100
    return out


def top_destinations(displacement: pd.DataFrame, origin: str, year: int,
                     n: int = 8) -> pd.DataFrame:
    """Where refugees from ``origin`` were hosted in ``year``: the ``n`` largest hosts.

    Returns ``asylum_iso3, refugees, share`` (share of all refugees from
    ``origin`` that year, in %), largest first, plus one ``"Other"`` row for
    the rest when there is a rest.

    >>> d = pd.DataFrame({"year": [2020] * 3, "origin_iso3": ["SYR"] * 3,
    ...                   "asylum_iso3": ["TUR", "LBN", "DEU"], "refugees": [60, 30, 10]})
    >>> top_destinations(d, "SYR", 2020, n=2)[["asylum_iso3", "share"]].values.tolist()
    [['TUR', 60.0], ['LBN', 30.0], ['Other', 10.0]]
    """
    rows = displacement[(displacement["origin_iso3"] == origin)
                        & (displacement["year"] == year)]
    rows = rows[rows["refugees"].fillna(0) > 0]
    if rows.empty:
        raise LabInputError(_("No refugees from {country} are recorded for {year}; try another "
                              "year.").format(country=origin, year=year))
    by_host = rows.groupby("asylum_iso3", as_index=False)["refugees"].sum()
    by_host = by_host.sort_values(["refugees", "asylum_iso3"], ascending=[False, True])
    total = float(by_host["refugees"].sum())
    top = by_host.head(n).copy()
    rest = total - float(top["refugees"].sum())
    if rest > 0:
        top = pd.concat([top, pd.DataFrame({"asylum_iso3": ["Other"], "refugees": [rest]})])
    top["share"] = top["refugees"] / total * 100
    return top.reset_index(drop=True)
