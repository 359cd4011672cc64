"""Readers for each publisher's own file format.

Every reader returns tidy pandas objects keyed by ISO 3166-1 alpha-3 codes
(``iso3``) and integer ``year``. Readers used more than once are cached per
raw directory; callers must not modify the returned frames in place. Filtering to the curated country set and year
range happens in ``build_all.py``.
"""

from __future__ import annotations

import csv
import functools
import gzip
import itertools
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pandas as pd

WDI_DIR = "worldbank-wdi"
SG_DIR = "gapminder-systema-globalis"

WGI_CODE_TO_ISO3: dict[str, str] = {
    "ADO": "AND",
    "ROM": "ROU",
    "ZAR": "COD",
    "TMP": "TLS",
    "WBG": "PSE",
    "KSV": "XKX",
}
"""World Bank legacy codes used in the WGI file, mapped to ISO3 (XKX for Kosovo)."""

UNHCR_PSEUDO_CODES: frozenset[str] = frozenset({"UNK", "XXA", "TIB"})
"""UNHCR codes that are not countries: Unknown, Stateless, Tibetan."""


@functools.cache
def read_country_codes(raw: Path) -> pd.DataFrame:
    """Read ``country-codes.csv`` keeping Namibia's alpha-2 code ``"NA"``.

    Parameters
    ----------
    raw : Path
        Raw data directory.

    Returns
    -------
    pandas.DataFrame
        All columns as strings; missing cells are NaN.
    """
    return pd.read_csv(
        raw / "country-codes" / "country-codes.csv",
        dtype=str,
        keep_default_na=False,
        na_values=[""],
    )


@functools.cache
def read_wb_economies(raw: Path) -> pd.DataFrame:
    """Read the World Bank "List of economies" (rows with a Region only).

    Parameters
    ----------
    raw : Path
        Raw data directory.

    Returns
    -------
    pandas.DataFrame
        Columns ``Economy, Code, Region, Income group, Lending category``.
    """
    df = pd.read_excel(
        raw / WDI_DIR / "country_classifications.xlsx", sheet_name="List of economies"
    )
    return df[df["Region"].notna()].reset_index(drop=True)


def find_wdi_file(raw: Path, code: str) -> Path:
    """Return the WDI bulk CSV for an indicator code.

    Parameters
    ----------
    raw : Path
        Raw data directory.
    code : str
        WDI indicator code, e.g. ``"SH.DYN.MORT"``.

    Returns
    -------
    Path
        The single matching ``API_<code>_DS2_*.csv`` file.
    """
    matches = sorted((raw / WDI_DIR).glob(f"API_{code}_DS2_*.csv"))
    if len(matches) != 1:
        raise FileNotFoundError(
            f"expected one WDI file for {code} in {raw / WDI_DIR}, found {len(matches)}"
        )
    return matches[0]


def read_wdi_last_updated(path: Path) -> str:
    """Read the "Last Updated Date" from line 3 of a WDI bulk CSV.

    Parameters
    ----------
    path : Path
        A WDI ``API_*.csv`` file.

    Returns
    -------
    str
        The date as written, e.g. ``"2025-10-07"``.
    """
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(itertools.islice(csv.reader(fh), 4))
    row = rows[2]
    if not row or row[0] != "Last Updated Date":
        raise ValueError(f"{path.name}: line 3 is not 'Last Updated Date': {row}")
    return row[1]


def read_wdi(raw: Path, code: str) -> pd.Series:
    """Read one WDI bulk CSV into a long series.

    Parameters
    ----------
    raw : Path
        Raw data directory.
    code : str
        WDI indicator code.

    Returns
    -------
    pandas.Series
        Float values indexed by ``(iso3, year)``; missing cells dropped.
        Aggregates are still present (filtered by the caller).
    """
    path = find_wdi_file(raw, code)
    df = pd.read_csv(path, skiprows=4, encoding="utf-8-sig")
    df = df.loc[:, ~df.columns.str.startswith("Unnamed")]
    if not (df["Indicator Code"] == code).all():
        raise ValueError(f"{path.name}: unexpected indicator codes")
    years = [c for c in df.columns if c.isdigit()]
    long = df.melt(id_vars="Country Code", value_vars=years, var_name="year", value_name="value")
    long = long.dropna(subset=["value"])
    long["year"] = long["year"].astype(int)
    long = long.rename(columns={"Country Code": "iso3"})
    return long.set_index(["iso3", "year"])["value"].astype(float)


def read_gapminder_geo_map(raw: Path) -> dict[str, str]:
    """Map Gapminder ``geo`` keys to ISO3 via ``iso3166_1_alpha3``.

    Kosovo (``kos``) has no ISO code in Gapminder and is mapped to ``XKX``.

    Parameters
    ----------
    raw : Path
        Raw data directory.

    Returns
    -------
    dict
        ``{geo: iso3}``.
    """
    ent = pd.read_csv(
        raw / SG_DIR / "ddf--entities--geo--country.csv",
        dtype=str,
        keep_default_na=False,
        na_values=[""],
    )
    ent = ent[ent["iso3166_1_alpha3"].notna()]
    mapping = dict(zip(ent["country"], ent["iso3166_1_alpha3"].str.upper(), strict=True))
    mapping.setdefault("kos", "XKX")
    return mapping


def read_gapminder(raw: Path, concept: str, geo_map: dict[str, str]) -> pd.Series:
    """Read a Gapminder Systema Globalis DDF datapoints file.

    Parameters
    ----------
    raw : Path
        Raw data directory.
    concept : str
        Concept name, e.g. ``"armed_forces_personnel_total"``.
    geo_map : dict
        From :func:`read_gapminder_geo_map`.

    Returns
    -------
    pandas.Series
        Values indexed by ``(iso3, year)``; geos without ISO3 dropped.
    """
    path = raw / SG_DIR / f"ddf--datapoints--{concept}--by--geo--time.csv"
    df = pd.read_csv(path, dtype={"geo": str})
    df["iso3"] = df["geo"].map(geo_map)
    df = df.dropna(subset=["iso3", concept])
    df = df.rename(columns={"time": "year"})
    df["year"] = df["year"].astype(int)
    series = df.set_index(["iso3", "year"])[concept].astype(float)
    if series.index.duplicated().any():
        raise ValueError(f"{path.name}: duplicate (iso3, year) after mapping geo codes")
    return series


@functools.cache
def read_hdr(raw: Path) -> pd.DataFrame:
    """Read the HDR 2023/24 composite-indices time series (Latin-1, wide).

    Parameters
    ----------
    raw : Path
        Raw data directory.

    Returns
    -------
    pandas.DataFrame
        The file as published, one row per country or aggregate.
    """
    path = raw / "undp-hdr" / "HDR23-24_Composite_indices_complete_time_series.csv"
    return pd.read_csv(path, encoding="latin1")


def hdr_series(hdr: pd.DataFrame, var: str) -> pd.Series:
    """Extract one HDR variable (``<var>_<year>`` columns) as a long series.

    Parameters
    ----------
    hdr : pandas.DataFrame
        From :func:`read_hdr`.
    var : str
        HDR variable prefix, e.g. ``"hdi"`` or ``"mys_f"``.

    Returns
    -------
    pandas.Series
        Float values indexed by ``(iso3, year)``.
    """
    cols = [c for c in hdr.columns if c.startswith(var + "_") and c[len(var) + 1 :].isdigit()]
    if not cols:
        raise KeyError(f"HDR variable {var!r} not found")
    long = hdr.melt(id_vars="iso3", value_vars=cols, var_name="col", value_name="value").dropna(
        subset=["value"]
    )
    long["year"] = long["col"].str[len(var) + 1 :].astype(int)
    return long.set_index(["iso3", "year"])["value"].astype(float)


_XLSX_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _column_letters(ref: str) -> str:
    """Return the column part of a cell reference (``"AB12"`` -> ``"AB"``)."""
    return ref.rstrip("0123456789")


def read_xlsx_first_sheet(path: Path, columns: list[str]) -> pd.DataFrame:
    """Read selected columns of the first sheet of an .xlsx file quickly.

    A streaming reader for large, plain single-sheet workbooks (about five
    times faster than ``pandas.read_excel`` on the 15 MB WGI sheet). Values are
    returned as text (shared strings resolved, numbers as written in the XML).

    Parameters
    ----------
    path : Path
        Workbook path.
    columns : list of str
        Header names (first row) of the columns to keep.

    Returns
    -------
    pandas.DataFrame
        String columns in the requested order; empty cells are None.
    """
    with zipfile.ZipFile(path) as zf:
        shared: list[str] = []
        if "xl/sharedStrings.xml" in zf.namelist():
            with zf.open("xl/sharedStrings.xml") as fh:
                for _, el in ET.iterparse(fh):
                    if el.tag == _XLSX_NS + "si":
                        shared.append("".join(t.text or "" for t in el.iter(_XLSX_NS + "t")))
                        el.clear()
        rows: list[dict[str, str | None]] = []
        with zf.open("xl/worksheets/sheet1.xml") as fh:
            for _, el in ET.iterparse(fh):
                if el.tag != _XLSX_NS + "row":
                    continue
                row: dict[str, str | None] = {}
                for c in el.iter(_XLSX_NS + "c"):
                    kind = c.get("t")
                    if kind == "inlineStr":
                        value = "".join(t.text or "" for t in c.iter(_XLSX_NS + "t"))
                    else:
                        v = c.find(_XLSX_NS + "v")
                        value = None if v is None else v.text
                        if kind == "s" and value is not None:
                            value = shared[int(value)]
                    row[_column_letters(c.get("r", ""))] = value
                rows.append(row)
                el.clear()
    header = rows[0]
    letters = {name: col for col, name in header.items() if name in columns}
    missing = set(columns) - set(letters)
    if missing:
        raise KeyError(f"{path.name}: columns not found: {sorted(missing)}")
    return pd.DataFrame({name: [r.get(letters[name]) for r in rows[1:]] for name in columns})


def read_wgi(raw: Path) -> pd.DataFrame:
    """Read the WGI long-format workbook and map legacy codes to ISO3.

    Parameters
    ----------
    raw : Path
        Raw data directory.

    Returns
    -------
    pandas.DataFrame
        Columns ``iso3, year, indicator, estimate``; ``".."`` becomes NaN.
    """
    df = read_xlsx_first_sheet(
        raw / "worldbank-wgi" / "wgidataset.xlsx", ["code", "year", "indicator", "estimate"]
    )
    df["iso3"] = df["code"].replace(WGI_CODE_TO_ISO3)
    df["estimate"] = pd.to_numeric(df["estimate"].replace("..", None), errors="raise").astype(float)
    df["year"] = df["year"].astype(int)
    return df[["iso3", "year", "indicator", "estimate"]]


def read_owid(raw: Path, filename: str) -> pd.Series:
    """Read an OWID grapher CSV (``Entity, Code, Year, value``).

    ``OWID_KOS`` is mapped to ``XKX``; other ``OWID_*`` codes and uncoded
    entities are dropped.

    Parameters
    ----------
    raw : Path
        Raw data directory.
    filename : str
        File name in ``owid-grapher/``.

    Returns
    -------
    pandas.Series
        Values indexed by ``(iso3, year)``.
    """
    df = pd.read_csv(raw / "owid-grapher" / filename, keep_default_na=False, na_values=[""])
    value_col = df.columns[3]
    df["Code"] = df["Code"].replace({"OWID_KOS": "XKX"})
    df = df[df["Code"].notna() & ~df["Code"].str.startswith("OWID_", na=False)]
    df = df.dropna(subset=[value_col]).rename(columns={"Code": "iso3", "Year": "year"})
    df["year"] = df["year"].astype(int)
    return df.set_index(["iso3", "year"])[value_col].astype(float)


@functools.cache
def read_unhcr_population(raw: Path) -> pd.DataFrame:
    """Read UNHCR ``population.rda`` (pyreadr), else the csv.gz conversion.

    Parameters
    ----------
    raw : Path
        Raw data directory.

    Returns
    -------
    pandas.DataFrame
        Columns ``year, coo_iso, coa_iso, refugees, asylum_seekers, idps``,
        ``year`` as int.
    """
    folder = raw / "unhcr-refugees"
    cols = ["year", "coo_iso", "coa_iso", "refugees", "asylum_seekers", "idps"]
    try:
        import pyreadr
    except ImportError:  # pragma: no cover - fallback documented in README
        with gzip.open(folder / "population.csv.gz", "rt", encoding="utf-8") as fh:
            df = pd.read_csv(fh, keep_default_na=False, na_values=[""])
    else:
        df = pyreadr.read_r(str(folder / "population.rda"))["population"]
    df = df[cols].copy()
    df["year"] = df["year"].astype(int)
    return df
