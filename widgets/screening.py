"""Do-no-harm screening of foreign-policy instruments (lesson 07).

Pure functions behind :class:`widgets.InstrumentScreening`:

* :func:`load_guidance` — the screening guidance (instruments, prompts,
  mitigations), a documented teaching file ``assumptions/screening_guidance.yml``
  (``screening_guidance.fr.yml`` and ``.es.yml``: the same file translated, chosen by
  the reader's language).
* :func:`vulnerability_profile` — where a country stands on indicators of
  vulnerable groups, as percentiles among all countries with data.
* :func:`summarise_screening` — the learner's ratings (−2..+2) by dimension
  and group, which harms are serious, and which have no mitigation.
* :func:`screening_note` / :func:`save_note` — a one-page note, saved without
  ever overwriting an earlier one.
* :func:`load_sanctions_episodes` / :func:`before_after` — a historical reading
  of indicators around UN comprehensive sanctions (dates in
  ``assumptions/sanctions_episodes.csv``, each with its Security Council resolution;
  ``sanctions_episodes.fr.csv`` and ``.es.csv`` translate its text columns).

>>> ratings = {"health": -2, "children": -1, "political": 1}
>>> s = summarise_screening(ratings, mitigations=["humanitarian_carve_out"])
>>> s["serious"], s["unmitigated"]
(['health'], [])
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from widgets._text import md_text
from widgets.errors import LabInputError, did_you_mean
from widgets.i18n import N_, _, format_percent, format_significant, get_language, translated_path

__all__ = [
    "ASSUMPTIONS_DIR",
    "PROFILE_INDICATORS",
    "aspect_labels",
    "before_after",
    "check_instrument",
    "check_rating",
    "load_guidance",
    "load_sanctions_episodes",
    "percentile_worse",
    "percentiles_worse_all",
    "save_note",
    "screening_note",
    "summarise_screening",
    "vulnerability_profile",
]

ASSUMPTIONS_DIR = Path(__file__).resolve().parent / "assumptions"

#: Indicators in the vulnerability profile, with the group each one speaks for.
PROFILE_INDICATORS: dict[str, str] = {
    "under5_mortality": N_("Children"),
    "maternal_mortality": N_("Women and girls"),
    "gender_inequality": N_("Women and girls"),
    "undernourishment": N_("Food-insecure people"),
    "food_insecurity": N_("Food-insecure people"),
    "refugees_origin_per_1000": N_("Refugees (people who fled abroad)"),
    "idps_per_1000": N_("Internally displaced people"),
    "extreme_poverty": N_("The poor and informal workers"),
    "health_spending_gdp": N_("Everyone who needs health care"),
}


def localised_file(name: str, lang: str | None = None) -> Path:
    """``assumptions/<name>`` in the reader's language (``x.fr.yml`` beside ``x.yml``), else English.

    >>> localised_file("screening_guidance.yml", "fr").name, localised_file("x.csv", "en").name
    ('screening_guidance.fr.yml', 'x.csv')
    """
    lang = lang or get_language()
    path = ASSUMPTIONS_DIR / name
    translated = translated_path(path, lang)
    return translated if lang != "en" and translated.is_file() else path


@lru_cache(maxsize=4)
def _guidance_in(lang: str) -> dict[str, Any]:
    with open(localised_file("screening_guidance.yml", lang), encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _guidance() -> dict[str, Any]:
    """The guidance in the reader's language (read once per language)."""
    return _guidance_in(get_language())


def load_guidance() -> dict[str, Any]:
    """The screening guidance: scale, dimensions, groups, instruments, mitigations.

    >>> g = load_guidance()
    >>> sorted(g["scale"]) == [-2, -1, 0, 1, 2]
    True
    >>> "comprehensive_sanctions" in g["instruments"]
    True
    """
    import copy

    return copy.deepcopy(_guidance())


def aspect_labels() -> dict[str, str]:
    """Every screened aspect (7 dimensions, then 5 groups): key -> label.

    >>> list(aspect_labels())[:2], len(aspect_labels())
    (['economic', 'food'], 12)
    """
    g = _guidance()
    return {**g["dimensions"], **g["groups"]}


def check_instrument(instrument: str) -> str:
    """Return the instrument key, or raise a clear error.

    >>> check_instrument("arms_embargo")
    'arms_embargo'
    """
    known = _guidance()["instruments"]
    key = str(instrument).strip()
    if key not in known:
        raise LabInputError(_("There is no instrument called {name}.{suggestion} Choose one of: "
                              "{names}.").format(name=repr(key),
                                                 suggestion=did_you_mean(key, known),
                                                 names=", ".join(known)))
    return key


def check_rating(value: Any) -> int:
    """A rating must be a whole number from −2 (serious harm) to +2 (clear benefit).

    >>> check_rating("1"), check_rating(-2)
    (1, -2)
    """
    problem = _("{value} is not a rating. Use a whole number from -2 to +2.")
    try:
        v = float(value)
    except (TypeError, ValueError) as err:
        raise LabInputError(problem.format(value=repr(value))) from err
    if not v.is_integer() or not -2 <= v <= 2:
        raise LabInputError(problem.format(value=repr(value)))
    return int(v)


# --------------------------------------------------------------------------- profile
def percentile_worse(values: pd.Series, value: float, direction: str) -> float:
    """Share of countries (%) that are better off than ``value`` on this indicator.

    Ties count half. For ``higher_is_worse`` better means a lower value; for
    ``higher_is_better`` a higher one. ``neutral`` indicators are read as
    ``higher_is_worse``.

    >>> import pandas as pd
    >>> percentile_worse(pd.Series([10, 20, 30, 40]), 30, "higher_is_worse")
    62.5
    >>> percentile_worse(pd.Series([10, 20, 30, 40]), 30, "higher_is_better")
    37.5
    """
    v = pd.Series(values, dtype=float).dropna()
    if v.empty or value is None or pd.isna(value):
        return float("nan")
    better = (v > value).sum() if direction == "higher_is_better" else (v < value).sum()
    ties = (v == value).sum()
    return float(100 * (better + 0.5 * ties) / len(v))


def percentiles_worse_all(values: pd.Series, direction: str) -> pd.Series:
    """:func:`percentile_worse` for every value at once (missing values stay missing).

    >>> import pandas as pd
    >>> percentiles_worse_all(pd.Series([10, 20, 30, 40, None]), "higher_is_worse").tolist()
    [12.5, 37.5, 62.5, 87.5, nan]
    """
    v = pd.Series(values, dtype=float)
    n = int(v.notna().sum())
    if n == 0:
        return pd.Series(np.nan, index=v.index)
    ranks = v.rank(method="average", ascending=direction != "higher_is_better")
    return 100 * (ranks - 0.5) / n


def vulnerability_profile(latest: pd.DataFrame, iso3: str,
                          directions: dict[str, str]) -> pd.DataFrame:
    """A country's standing on each indicator, as a percentile among all countries.

    Parameters
    ----------
    latest : long table ``indicator, iso3, year, value`` (each country's latest value).
    iso3 : the country.
    directions : indicator -> ``higher_is_better`` / ``higher_is_worse`` / ``neutral``.

    Returns
    -------
    DataFrame ``indicator, group, value, year, n_countries, worse_than_pct`` in the
    order of ``directions``; ``value`` is missing when the country has no data.

    >>> import pandas as pd
    >>> latest = pd.DataFrame({"indicator": ["under5_mortality"] * 3,
    ...                        "iso3": ["A", "B", "C"], "year": [2022] * 3,
    ...                        "value": [90.0, 10.0, 30.0]})
    >>> p = vulnerability_profile(latest, "A", {"under5_mortality": "higher_is_worse"})
    >>> p[["indicator", "worse_than_pct"]].values.tolist()
    [['under5_mortality', 83.33333333333333]]
    """
    if latest.empty:
        raise LabInputError(_("There are no data to build a profile from."))
    rows = []
    for ind, direction in directions.items():
        part = latest[latest["indicator"] == ind]
        own = part[part["iso3"] == iso3]
        value = float(own["value"].iloc[0]) if not own.empty else np.nan
        year = int(own["year"].iloc[0]) if not own.empty else None
        rows.append({
            "indicator": ind, "group": _(PROFILE_INDICATORS[ind]) if ind in PROFILE_INDICATORS
            else "",
            "value": value, "year": year, "n_countries": int(part["value"].notna().sum()),
            "worse_than_pct": percentile_worse(part["value"], value, direction),
        })
    out = pd.DataFrame(rows)
    out["year"] = out["year"].astype("Int64")
    return out


# --------------------------------------------------------------------------- screening
def summarise_screening(ratings: dict[str, int], mitigations: list[str] | None = None
                        ) -> dict[str, Any]:
    """Summarise a learner's ratings and check them against the chosen mitigations.

    Parameters
    ----------
    ratings : aspect key (dimension or group) -> rating −2..+2. Missing aspects count as 0.
    mitigations : keys of the mitigation options chosen.

    Returns
    -------
    dict with ``harms`` (aspects rated below 0), ``serious`` (rated −2),
    ``benefits``, ``unmitigated`` (harms no chosen mitigation addresses),
    ``net_dimensions`` and ``net_groups`` (sums of ratings), ``table`` (a
    DataFrame ``aspect, label, kind, rating, mitigated``).

    >>> s = summarise_screening({"food": -2, "children": -2}, ["gender_analysis"])
    >>> s["unmitigated"], s["net_groups"]
    (['food'], -2)
    """
    g = _guidance()
    labels = aspect_labels()
    for key in ratings:
        if key not in labels:
            raise LabInputError(_("{key} is not a screened dimension or group.").format(
                key=repr(key)) + did_you_mean(key, labels))
    chosen = list(mitigations or [])
    for m in chosen:
        if m not in g["mitigations"]:
            raise LabInputError(_("{key} is not a mitigation option.").format(key=repr(m))
                                + did_you_mean(m, g["mitigations"]))
    covered = {a for m in chosen for a in g["mitigations"][m]["addresses"]}
    r = {k: check_rating(ratings.get(k, 0)) for k in labels}
    table = pd.DataFrame({
        "aspect": list(labels), "label": list(labels.values()),
        "kind": ["dimension" if k in g["dimensions"] else "group" for k in labels],
        "rating": [r[k] for k in labels],
        "mitigated": [k in covered for k in labels],
    })
    harms = [k for k in labels if r[k] < 0]
    return {
        "harms": harms,
        "serious": [k for k in labels if r[k] == -2],
        "benefits": [k for k in labels if r[k] > 0],
        "unmitigated": [k for k in harms if k not in covered],
        "net_dimensions": int(sum(r[k] for k in g["dimensions"])),
        "net_groups": int(sum(r[k] for k in g["groups"])),
        "table": table,
    }


def screening_note(
    instrument: str,
    country: str,
    summary: dict[str, Any],
    mitigations: list[str],
    profile: pd.DataFrame | None = None,
    notes: str = "",
    author: str = "",
    when: datetime | None = None,
) -> str:
    """A one-page screening note in Markdown.

    >>> s = summarise_screening({"health": -2}, ["humanitarian_carve_out"])
    >>> text = screening_note("comprehensive_sanctions", "Iraq", s, ["humanitarian_carve_out"],
    ...                       when=datetime(2026, 1, 1))
    >>> text.splitlines()[0]
    '# Do-no-harm screening: Comprehensive sanctions (trade and financial embargo) on Iraq'
    """
    g = _guidance()
    inst = g["instruments"][check_instrument(instrument)]
    labels = aspect_labels()
    when = when or datetime.now()
    stamp = f"{when:%Y-%m-%d %H:%M}"
    prepared = (_("*Prepared {when} by {author} with Human Security Lab, lesson 07. Ratings are "
                  "the screener's judgement, not a finding from data.*").format(
                    when=stamp, author=md_text(author, single_line=True))
                if author.strip() else
                _("*Prepared {when} with Human Security Lab, lesson 07. Ratings are the "
                  "screener's judgement, not a finding from data.*").format(when=stamp))
    lines = [_("# Do-no-harm screening: {instrument} on {country}").format(
                 instrument=inst["label"], country=country), "",
             prepared, "",
             _("## The instrument"), "", inst["what"].strip(), "",
             _("How it can cause harm: {channels}").format(channels=inst["channels"].strip()), ""]
    if profile is not None and not profile.empty:
        lines += [_("## Vulnerability profile (latest data)"), "",
                  _("| Indicator | Speaks for | Value | Year | Worse than % of countries |"),
                  "|---|---|---|---|---|"]
        for row in profile.itertuples():
            val = _("no data") if pd.isna(row.value) else format_significant(row.value, 3)
            yr = "" if pd.isna(row.year) else str(row.year)
            pct = "" if pd.isna(row.worse_than_pct) else format_percent(row.worse_than_pct / 100)
            label = getattr(row, "label", row.indicator)
            lines.append(f"| {label} | {row.group} | {val} | {yr} | {pct} |")
        lines.append("")
    scale = g["scale"]
    lines += [_("## Expected effects (ratings −2 to +2)"), "",
              _("| Aspect | Rating | Mitigated? |"), "|---|---|---|"]
    for row in summary["table"].itertuples():
        lines.append(f"| {row.label} | {scale[row.rating]} | "
                     f"{_('yes') if row.mitigated else (_('no') if row.rating < 0 else '')} |")
    lines += ["", _("Sum of ratings: dimensions {dimensions}, groups {groups}. (A sum hides who "
                    "bears the harm: read the rows.)").format(
                        dimensions=f"{summary['net_dimensions']:+d}",
                        groups=f"{summary['net_groups']:+d}"),
              "", _("## Mitigation"), ""]
    if mitigations:
        for m in mitigations:
            lines.append(f"- **{g['mitigations'][m]['label']}** — {g['mitigations'][m]['what']}")
    else:
        lines.append("- " + _("None chosen."))
    lines += ["", _("## Flags"), ""]
    if summary["unmitigated"]:
        lines.append("- " + _("Harms with no mitigation that addresses them: {aspects}.").format(
            aspects=", ".join(labels[k] for k in summary["unmitigated"])))
    if summary["serious"]:
        lines.append("- " + _("Serious harms (−2): {aspects}. Consider whether the instrument "
                              "should be used at all.").format(
            aspects=", ".join(labels[k] for k in summary["serious"])))
    if not summary["unmitigated"] and not summary["serious"]:
        lines.append("- " + _("No serious or unmitigated harm rated."))
    if notes.strip():
        lines += ["", _("## Screener's notes"), "", md_text(notes.strip())]
    lines += ["", "---", _("Further reading: Anderson (1999) *Do No Harm*; OECD DAC "
                           "Recommendation on the Humanitarian-Development-Peace Nexus (2019); "
                           "UN Security Council resolution 2664 (2022)."), ""]
    return "\n".join(lines)


def save_note(text: str, folder: Path | str, stem: str, when: datetime | None = None) -> Path:
    """Write ``text`` to a new Markdown file in ``folder``; never overwrite an earlier note.

    The name is ``<stem>-<YYYYmmdd-HHMMSS>.md``; if that exists, ``-2``, ``-3``...
    is added.

    >>> import tempfile
    >>> d = tempfile.mkdtemp()
    >>> a = save_note("one", d, "screening", when=datetime(2026, 1, 1))
    >>> b = save_note("two", d, "screening", when=datetime(2026, 1, 1))
    >>> a.name, b.name, a.read_text()
    ('screening-20260101-000000.md', 'screening-20260101-000000-2.md', 'one')
    """
    folder = Path(folder)
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-") or "note"
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise LabInputError(_("Could not create the folder {folder} to save your note "
                              "({error}).").format(folder=folder, error=err)) from err
    path = folder / f"{safe}-{stamp}.md"
    n = 2
    while path.exists():
        path = folder / f"{safe}-{stamp}-{n}.md"
        n += 1
    try:
        with open(path, "x", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as err:
        raise LabInputError(_("Could not save your note to {path} ({error}).").format(
            path=path, error=err)) from err
    return path


# --------------------------------------------------------------------------- history
def load_sanctions_episodes() -> pd.DataFrame:
    """UN comprehensive sanctions episodes with dates and resolutions (a small cited file).

    >>> e = load_sanctions_episodes()
    >>> e.loc[e["iso3"] == "IRQ", "imposed"].dt.year.tolist()
    [1990]
    """
    df = pd.read_csv(localised_file("sanctions_episodes.csv"), dtype=str)
    for col in ("imposed", "lifted"):
        df[col] = pd.to_datetime(df[col])
    return df


def before_after(series: pd.DataFrame, imposed: int, lifted: int,
                 comparison: pd.DataFrame | None = None) -> pd.DataFrame:
    """Indicator values just before, during and after a sanctions episode.

    Parameters
    ----------
    series : ``year, value`` for the country.
    imposed, lifted : years the sanctions started and ended.
    comparison : optional ``year, value`` for a comparison group (e.g. the
        median of the country's region), read the same way.

    Returns
    -------
    DataFrame with one row per moment (``before``, ``start``, ``end``, ``after``)
    and the year used; "before" is the last year before ``imposed`` with data
    (or the first year with data, flagged, if there is none earlier); "after"
    is the first year with data at least three years after ``lifted``.

    >>> import pandas as pd
    >>> s = pd.DataFrame({"year": range(1988, 2002), "value": range(100, 114)})
    >>> before_after(s, 1990, 1996)[["moment", "year", "value"]].values.tolist()
    [['before', 1989, 101], ['start', 1990, 102], ['end', 1996, 108], ['after', 1999, 111]]
    """
    s = series.dropna(subset=["value"]).sort_values("year")
    if s.empty:
        raise LabInputError(_("This indicator has no data for this country."))

    def pick(rows: pd.DataFrame, first: bool) -> tuple[int | None, float]:
        if rows.empty:
            return None, np.nan
        r = rows.iloc[0] if first else rows.iloc[-1]
        return int(r["year"]), r["value"]

    moments = {
        "before": pick(s[s["year"] < imposed], first=False),
        "start": pick(s[s["year"] >= imposed], first=True),
        "end": pick(s[(s["year"] <= lifted) & (s["year"] >= imposed)], first=False),
        "after": pick(s[s["year"] >= lifted + 3], first=True),
    }
    note = ""
    if moments["before"][0] is None:
        note = _("no data before the sanctions: the first year with data is used")
        moments["before"] = pick(s, first=True)
    out = pd.DataFrame([{"moment": k, "year": y, "value": v} for k, (y, v) in moments.items()])
    out["note"] = [note if k == "before" else "" for k in moments]
    if comparison is not None:
        c = comparison.dropna(subset=["value"]).set_index("year")["value"]
        out["comparison"] = [c.get(y, np.nan) if y is not None else np.nan for y in out["year"]]
    out["year"] = out["year"].astype("Int64")
    return out
