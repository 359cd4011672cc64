"""Load the lab's curated data: the country-year panel, countries, catalogue, map.

Everything a lesson shows comes through here, from the files in ``datasets/``
(built from the publishers' own files by ``make data``). Each table is read
once per session and cached; functions return copies, so a learner can change
what they get without spoiling the cache.

Simple calls for learners:

>>> panel = load_panel(indicators=["hdi"], years=(2020, 2022))
>>> sorted(panel.columns)
['hdi', 'iso3', 'year']
>>> info = indicator_info("under5_mortality")
>>> info.direction
'higher_is_worse'
>>> check_country("fra")
'FRA'

Bad input gets a message that says what to do:

>>> check_indicator("hdy")
Traceback (most recent call last):
...
widgets.errors.LabInputError: There is no indicator called 'hdy'. Did you mean 'hdi'? ...
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from widgets._paths import DATA_DIR
from widgets.errors import LabInputError, did_you_mean
from widgets.i18n import _

__all__ = [
    "DIMENSIONS",
    "HUMAN_SECURITY_DIMENSIONS",
    "IndicatorInfo",
    "check_country",
    "check_indicator",
    "check_year",
    "country_name",
    "local_country_name",
    "local_region_name",
    "indicator_info",
    "indicator_series",
    "indicators_by_dimension",
    "latest_values",
    "load_catalogue",
    "load_countries",
    "load_displacement",
    "load_panel",
    "load_world_map",
    "years_with_data",
]

#: The seven dimensions of human security (UNDP, Human Development Report 1994),
#: in teaching order, with the plain-English label shown on screen.
HUMAN_SECURITY_DIMENSIONS: dict[str, str] = {
    "economic": "Economic security",
    "food": "Food security",
    "health": "Health security",
    "environmental": "Environmental security",
    "personal": "Personal security",
    "community": "Community security",
    "political": "Political security",
}

#: Every dimension used in the catalogue, in display order.
DIMENSIONS: dict[str, str] = {
    **HUMAN_SECURITY_DIMENSIONS,
    "state_security": "State security (military)",
    "summary": "Summary indices",
    "context": "Context",
}

DIRECTIONS = ("higher_is_better", "higher_is_worse", "neutral")


# --------------------------------------------------------------------------- files
def _path(name: str):
    path = DATA_DIR / name
    if not path.exists():
        raise LabInputError(_(
            "The data file {name} is missing from {folder}. "
            "Run `make data` to rebuild the datasets, or check out the repository again."
        ).format(name=repr(name), folder=DATA_DIR))
    return path


@lru_cache(maxsize=1)
def _countries() -> pd.DataFrame:
    df = pd.read_csv(
        _path("countries.csv"), dtype=str, keep_default_na=False, na_values=[""]
    )
    for flag in ("ldc", "lldc", "sids"):
        if flag in df:
            df[flag] = df[flag].str.lower().eq("true")
    return df


@lru_cache(maxsize=1)
def _catalogue() -> pd.DataFrame:
    df = pd.read_csv(_path("indicators.csv"), dtype=str, keep_default_na=False)
    for col in ("first_year", "last_year", "n_countries"):
        if col in df:
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("Int64")
    return df.set_index("id", drop=False)


@lru_cache(maxsize=1)
def _panel() -> pd.DataFrame:
    df = pd.read_csv(_path("panel.csv"), dtype={"iso3": str}, keep_default_na=False,
                     na_values=[""])
    df["year"] = df["year"].astype(int)
    return df


@lru_cache(maxsize=1)
def _world_map() -> dict[str, Any]:
    with open(_path("world-50m.topojson"), encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=1)
def _displacement() -> pd.DataFrame:
    return pd.read_csv(_path("displacement.csv"), keep_default_na=False, na_values=[""])


# --------------------------------------------------------------------------- checks
def check_indicator(indicator: str) -> str:
    """Return ``indicator`` if the catalogue has it, else raise a friendly error.

    >>> check_indicator("life_expectancy")
    'life_expectancy'
    """
    cat = _catalogue()
    key = str(indicator).strip()
    if key in cat.index:
        return key
    hint = did_you_mean(key, list(cat.index))
    raise LabInputError(_(
        "There is no indicator called {key}.{hint} "
        "See the catalogue with widgets.data.load_catalogue()."
    ).format(key=repr(key), hint=hint))


def check_country(code: str) -> str:
    """Return the ISO3 code (upper case) for ``code``; names are accepted too.

    >>> check_country(" deu ")
    'DEU'
    >>> check_country("Costa Rica")
    'CRI'
    """
    countries = _countries()
    key = str(code).strip()
    if key.upper() in set(countries["iso3"]):
        return key.upper()
    by_name = dict(zip(countries["name"].str.lower(), countries["iso3"], strict=True))
    if key.lower() in by_name:
        return by_name[key.lower()]
    hint = did_you_mean(key, list(countries["iso3"]) + list(countries["name"]))
    raise LabInputError(_(
        "{key} is not a country code the lab knows.{hint} "
        "Use a three-letter ISO code such as 'KEN' for Kenya."
    ).format(key=repr(key), hint=hint))


def years_with_data(indicator: str, country: str | None = None) -> list[int]:
    """Years in which ``indicator`` has at least one value (for ``country`` if given).

    >>> years_with_data("hdi", "AFG")[:2]
    [1990, 1991]
    """
    col = check_indicator(indicator)
    panel = _panel()
    rows = panel[panel[col].notna()]
    if country is not None:
        rows = rows[rows["iso3"] == check_country(country)]
    return sorted(rows["year"].unique().tolist())


def check_year(indicator: str, year: int, country: str | None = None) -> int:
    """Return ``year`` if ``indicator`` has data then, else say which years do.

    >>> check_year("hdi", 2020)
    2020
    """
    years = years_with_data(indicator, country)
    label = _(indicator_info(indicator).short_label)
    where = local_country_name(check_country(country)) if country else ""
    if not years:
        raise LabInputError((_("{label} has no data for {country} in the lab's datasets.")
                             if country else _("{label} has no data in the lab's datasets."))
                            .format(label=label, country=where))
    try:
        y = int(year)
    except (TypeError, ValueError) as err:
        raise LabInputError(_("{year} is not a year. Use a number such as 2020.").format(
            year=repr(year))) from err
    if y not in years:
        raise LabInputError(
            (_("{label} has no data for {country} for {year}. Data exist for {years}; the "
               "latest is {latest}.") if country else
             _("{label} has no data for {year}. Data exist for {years}; the latest is {latest}."))
            .format(label=label, country=where, year=y, years=_describe_years(years),
                    latest=years[-1]))
    return y


def _describe_years(years: list[int]) -> str:
    """Compress a list of years into ranges: ``1990–1995, 2000``."""
    runs: list[list[int]] = []
    for y in years:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


# --------------------------------------------------------------------------- metadata
@dataclass(frozen=True)
class IndicatorInfo:
    """Everything the lab knows about one indicator (one row of the catalogue)."""

    id: str
    label: str
    short_label: str
    unit: str
    dimension: str
    direction: str
    description: str
    publisher: str
    source_name: str
    source_code: str
    source_url: str
    licence: str
    licence_url: str
    vintage: str
    caveats: str
    derived_from: str
    first_year: int | None
    last_year: int | None
    n_countries: int | None

    @property
    def higher_is_better(self) -> bool:
        return self.direction == "higher_is_better"

    @property
    def higher_is_worse(self) -> bool:
        return self.direction == "higher_is_worse"

    @property
    def dimension_label(self) -> str:
        return DIMENSIONS.get(self.dimension, self.dimension)

    def source_line(self) -> str:
        """One line for under a chart: publisher, code, licence and vintage.

        >>> indicator_info("under5_mortality").source_line().startswith("Source: ")
        True
        """
        code = f" ({self.source_code})" if self.source_code else ""
        derived = (
            " " + _("Computed by the lab from: {indicators}.").format(indicators=self.derived_from)
            if self.derived_from else ""
        )
        # publishers and source titles as published, licences as they are; the rest translated
        return _("Source: {publisher}, {source}{code}. Licence: {licence}. Version: "
                 "{version}.").format(publisher=self.publisher, source=self.source_name,
                                      code=code, licence=self.licence,
                                      version=_(self.vintage)) + derived


def indicator_info(indicator: str) -> IndicatorInfo:
    """Metadata for one indicator.

    >>> indicator_info("hdi").dimension
    'summary'
    """
    row = _catalogue().loc[check_indicator(indicator)]
    values: dict[str, Any] = {}
    for field in IndicatorInfo.__dataclass_fields__:
        v = row.get(field, "")
        if field in ("first_year", "last_year", "n_countries"):
            v = None if pd.isna(v) or v == "" else int(v)
        else:
            v = "" if pd.isna(v) else str(v)
        values[field] = v
    return IndicatorInfo(**values)


def load_catalogue(dimension: str | None = None) -> pd.DataFrame:
    """The indicator catalogue (one row per indicator), optionally for one dimension.

    >>> "label" in load_catalogue().columns
    True
    """
    cat = _catalogue().copy()
    if dimension is not None:
        if dimension not in DIMENSIONS:
            raise LabInputError(_(
                "{dimension} is not a dimension.{hint} Choose one of: {choices}."
            ).format(dimension=repr(dimension), hint=did_you_mean(dimension, DIMENSIONS),
                     choices=", ".join(DIMENSIONS)))
        cat = cat[cat["dimension"] == dimension]
    return cat


def indicators_by_dimension(include: tuple[str, ...] | None = None) -> dict[str, list[str]]:
    """Indicator ids grouped by dimension, in teaching order.

    >>> groups = indicators_by_dimension()
    >>> "under5_mortality" in groups["health"]
    True
    """
    cat = _catalogue()
    out: dict[str, list[str]] = {}
    for dim in DIMENSIONS:
        if include is not None and dim not in include:
            continue
        ids = cat.index[cat["dimension"] == dim].tolist()
        if ids:
            out[dim] = ids
    return out


# --------------------------------------------------------------------------- tables
def load_countries(regions=None, income_groups=None) -> pd.DataFrame:
    """Countries and territories (no aggregates), with region and income group.

    ``regions`` matches UN M49 regions (e.g. ``"Africa"``) or World Bank
    regions; ``income_groups`` the World Bank groups (e.g. ``"Low income"``).

    >>> load_countries(income_groups="Low income")["income_group"].unique().tolist()
    ['Low income']
    """
    df = _countries().copy()
    if regions is not None:
        wanted = _as_list(regions)
        known = set(df["un_region"].dropna()) | set(df["wb_region"].dropna())
        bad = [r for r in wanted if r not in known]
        if bad:
            raise LabInputError(_("Unknown region {region}.{hint} Regions: {regions}.").format(
                region=repr(bad[0]), hint=did_you_mean(bad[0], known),
                regions=", ".join(f'"{r}"' for r in sorted(known))))  # values to type
        df = df[df["un_region"].isin(wanted) | df["wb_region"].isin(wanted)]
    if income_groups is not None:
        wanted = _as_list(income_groups)
        known = set(df["income_group"].dropna()) | set(_countries()["income_group"].dropna())
        bad = [g for g in wanted if g not in known]
        if bad:
            raise LabInputError(_("Unknown income group {group}.{hint} Groups: {groups}.").format(
                group=repr(bad[0]), hint=did_you_mean(bad[0], known),
                groups=", ".join(f'"{g}"' for g in sorted(known))))  # values to type
        df = df[df["income_group"].isin(wanted)]
    return df.reset_index(drop=True)


def country_name(code: str) -> str:
    """Short English name of a country.

    >>> country_name("KEN")
    'Kenya'
    """
    iso3 = check_country(code)
    countries = _countries()
    return str(countries.loc[countries["iso3"] == iso3, "name"].iloc[0])


def local_country_name(code: str) -> str:
    """A country's name in the reader's language (:func:`widgets.i18n.get_language`).

    French and Spanish names come from CLDR through Babel (keyed by ISO 3166-1
    alpha-2), never translated by hand; English keeps the lab's short name.

    >>> from widgets.i18n import set_language
    >>> _ = set_language("fr"); local_country_name("CIV"), local_country_name("DEU")
    ('Côte d’Ivoire', 'Allemagne')
    >>> _ = set_language(None); local_country_name("DEU")
    'Germany'
    """
    from widgets.i18n import get_language

    return _local_country_names(get_language())[check_country(code)]


def local_country_names() -> dict[str, str]:
    """Every country's name in the reader's language, by ISO3 (one pass; for option lists).

    The same names as :func:`local_country_name`, without a table look-up per country.

    >>> from widgets.i18n import set_language
    >>> _ = set_language("es"); local_country_names()["DEU"]; _ = set_language(None)
    'Alemania'
    """
    from widgets.i18n import get_language

    return dict(_local_country_names(get_language()))


@lru_cache(maxsize=4)
def _local_country_names(lang: str) -> dict[str, str]:
    from widgets.i18n import country_display_name

    c = _countries()
    return {str(iso3): country_display_name(str(iso2), str(name), lang)
            for iso3, iso2, name in zip(c["iso3"], c["iso2"], c["name"], strict=True)}


def local_region_name(region: str) -> str:
    """A UN region's name (``un_region``: Africa, Americas...) in the reader's language (CLDR).

    >>> from widgets.i18n import set_language
    >>> _ = set_language("es"); local_region_name("Americas"); _ = set_language(None)
    'América'
    """
    from widgets.i18n import country_display_name

    return country_display_name("", str(region))


def load_panel(
    indicators: list[str] | str | None = None,
    years: tuple[int, int] | int | None = None,
    countries: list[str] | str | None = None,
    regions=None,
    income_groups=None,
) -> pd.DataFrame:
    """The country-year panel: columns ``iso3, year`` and one per indicator.

    Parameters
    ----------
    indicators : ids from the catalogue (default: all).
    years : one year, or an inclusive ``(first, last)`` range.
    countries : ISO3 codes or names.
    regions, income_groups : filters, as in :func:`load_countries`.

    >>> p = load_panel("life_expectancy", years=2022, countries=["JPN", "NGA"])
    >>> p[["iso3", "year"]].values.tolist()
    [['JPN', 2022], ['NGA', 2022]]
    """
    panel = _panel()
    cols = ["iso3", "year"]
    if indicators is None:
        cols = list(panel.columns)
    else:
        cols += [check_indicator(i) for i in _as_list(indicators)]
    mask = pd.Series(True, index=panel.index)
    if years is not None:
        first, last = (years, years) if isinstance(years, int) else years
        have = panel["year"]
        if first > last:
            first, last = last, first
        if not ((have >= first) & (have <= last)).any():
            raise LabInputError(_(
                "The panel covers {low}–{high}; there is nothing for {first}–{last}."
            ).format(low=have.min(), high=have.max(), first=first, last=last))
        mask &= have.between(first, last)
    if countries is not None:
        codes = [check_country(c) for c in _as_list(countries)]
        mask &= panel["iso3"].isin(codes)
    if regions is not None or income_groups is not None:
        keep = load_countries(regions=regions, income_groups=income_groups)["iso3"]
        mask &= panel["iso3"].isin(keep)
    return panel.loc[mask, cols].reset_index(drop=True)


def indicator_series(
    indicator: str,
    year: int | None = None,
    countries: list[str] | str | None = None,
    dropna: bool = True,
) -> pd.DataFrame:
    """One indicator in long form: ``iso3, name, year, value``.

    >>> s = indicator_series("hdi", year=2022, countries="NOR")
    >>> list(s.columns)
    ['iso3', 'name', 'year', 'value']
    """
    col = check_indicator(indicator)
    if year is not None:
        check_year(col, year)
    df = load_panel([col], years=year, countries=countries)
    df = df.rename(columns={col: "value"})
    if dropna:
        df = df[df["value"].notna()]
    names = _countries().set_index("iso3")["name"]
    df.insert(1, "name", df["iso3"].map(names))
    return df.reset_index(drop=True)


def latest_values(
    indicator: str, max_year: int | None = None, max_age: int | None = None
) -> pd.DataFrame:
    """Each country's most recent value: ``iso3, name, year, value``.

    ``max_year`` ignores later data; ``max_age`` drops values older than
    ``max_year - max_age`` (or the latest year in the data).

    >>> lv = latest_values("gini", max_age=10)
    >>> bool((lv["year"] >= lv["year"].max() - 10).all())
    True
    """
    s = indicator_series(indicator)
    if max_year is not None:
        s = s[s["year"] <= max_year]
    if s.empty:
        raise LabInputError(_("{label} has no data up to {year}.").format(
            label=_(indicator_info(indicator).short_label), year=max_year))
    s = s.sort_values(["iso3", "year"]).groupby("iso3", as_index=False).tail(1)
    if max_age is not None:
        ref = max_year if max_year is not None else int(s["year"].max())
        s = s[s["year"] >= ref - max_age]
    return s.reset_index(drop=True)


def load_displacement(
    years: tuple[int, int] | int | None = None,
    origin: str | None = None,
    asylum: str | None = None,
) -> pd.DataFrame:
    """UNHCR refugees and asylum seekers by origin × country of asylum × year.

    >>> d = load_displacement(years=2022, origin="SYR")
    >>> set(d["origin_iso3"]) == {"SYR"}
    True
    """
    df = _displacement()
    mask = pd.Series(True, index=df.index)
    if years is not None:
        first, last = (years, years) if isinstance(years, int) else years
        mask &= df["year"].between(first, last)
    if origin is not None:
        mask &= df["origin_iso3"] == check_country(origin)
    if asylum is not None:
        mask &= df["asylum_iso3"] == check_country(asylum)
    return df.loc[mask].reset_index(drop=True)


def load_world_map() -> dict[str, Any]:
    """The world map (TopoJSON, object ``countries``; each feature has ``iso3``).

    Returns the cached object itself: do not modify it.

    >>> "countries" in load_world_map()["objects"]
    True
    """
    return _world_map()


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, str | int):
        return [value]
    return list(value)


from widgets.usertable import UserTable, read_user_table  # noqa: E402,F401  (issue 21)
