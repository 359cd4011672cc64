"""Tests of the curated datasets in ``datasets/`` and of their build.

Spot checks compare the curated files with the publishers' raw files; they
are skipped when the raw directory (``$HSL_RAW_DIR`` or ``../shared/data-raw``)
is not available.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "datasets"
BUILD = DATA / "build"
RAW = Path(os.environ.get("HSL_RAW_DIR") or REPO.parent / "shared" / "data-raw")

DIMENSIONS = {
    "economic",
    "food",
    "health",
    "environmental",
    "personal",
    "community",
    "political",
    "state_security",
    "summary",
    "context",
}
HUMAN_SECURITY = {
    "economic",
    "food",
    "health",
    "environmental",
    "personal",
    "community",
    "political",
}
DIRECTIONS = {"higher_is_better", "higher_is_worse", "neutral"}
OPTIONAL_META = {"caveats", "derived_from"}
BUILT_FILES = (
    "countries.csv",
    "panel.csv",
    "indicators.csv",
    "displacement.csv",
    "world-50m.topojson",
    "datapackage.json",
)

needs_raw = pytest.mark.skipif(
    not RAW.is_dir(), reason=f"raw publisher files not found at {RAW} (set HSL_RAW_DIR)"
)


@pytest.fixture(scope="module")
def countries() -> pd.DataFrame:
    return pd.read_csv(DATA / "countries.csv", dtype=str, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return pd.read_csv(DATA / "panel.csv", keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def indicators() -> pd.DataFrame:
    return pd.read_csv(DATA / "indicators.csv", keep_default_na=False, na_values=[""])


def value(panel: pd.DataFrame, iso3: str, year: int, column: str) -> float:
    """Return one panel cell."""
    return panel.loc[(panel["iso3"] == iso3) & (panel["year"] == year), column].item()


def wdi_raw_value(code: str, iso3: str, year: int) -> str:
    """Return a cell of a raw WDI bulk CSV as text ('' if empty)."""
    (path,) = (RAW / "worldbank-wdi").glob(f"API_{code}_DS2_*.csv")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[4]
    row = next(r for r in rows[5:] if r[1] == iso3)
    return row[header.index(str(year))]


# --- structure -----------------------------------------------------------------


def test_countries_have_no_aggregates(countries: pd.DataFrame) -> None:
    codes = set(countries["iso3"])
    assert not codes & {"WLD", "EUU", "ZZK.WORLD", "CHI", "AFE", "HIC", "LMY"}
    assert countries["iso3"].is_unique
    assert countries["iso3"].str.fullmatch(r"[A-Z]{3}").all()
    assert "XKX" in codes and "NAM" in codes
    assert countries.loc[countries["iso3"] == "NAM", "iso2"].item() == "NA"
    assert countries.loc[countries["iso3"] == "AFG", "iso_numeric"].item() == "004"
    assert set(countries["ldc"]) <= {"true", "false"}
    assert set(countries["income_group"].dropna()) == {
        "Low income",
        "Lower middle income",
        "Upper middle income",
        "High income",
    }
    assert len(countries) >= 210


def test_panel_keys(panel: pd.DataFrame, countries: pd.DataFrame) -> None:
    assert list(panel.columns[:2]) == ["iso3", "year"]
    assert not panel.duplicated(["iso3", "year"]).any()
    assert set(panel["iso3"]) == set(countries["iso3"])
    assert panel["year"].min() == 1990 and panel["year"].max() == 2024
    assert len(panel) == len(countries) * 35
    assert panel.equals(panel.sort_values(["iso3", "year"]).reset_index(drop=True))


def test_catalogue_complete(panel: pd.DataFrame, indicators: pd.DataFrame) -> None:
    assert list(indicators["id"]) == list(panel.columns[2:])
    required = [c for c in indicators.columns if c not in OPTIONAL_META]
    assert indicators[required].notna().all().all(), indicators[required].isna().sum()
    assert set(indicators["dimension"]) <= DIMENSIONS
    assert set(indicators["direction"]) <= DIRECTIONS
    assert HUMAN_SECURITY | {"state_security"} <= set(indicators["dimension"])
    assert (indicators["short_label"].str.len() <= 25).all()
    derived = indicators[indicators["derived_from"].notna()]
    for ids in derived["derived_from"]:
        assert set(ids.split(",")) <= set(indicators["id"])


def test_catalogue_coverage_matches_panel(panel: pd.DataFrame, indicators: pd.DataFrame) -> None:
    for row in indicators.itertuples():
        present = panel.loc[panel[row.id].notna()]
        assert present["iso3"].nunique() == row.n_countries
        assert present["year"].min() == row.first_year
        assert present["year"].max() == row.last_year


def test_broad_coverage(panel: pd.DataFrame) -> None:
    per_country = panel.drop(columns="year").groupby("iso3").count()
    assert ((per_country > 0).sum(axis=1) >= 25).sum() >= 190


def test_never_zero_where_zero_means_missing(panel: pd.DataFrame) -> None:
    for column in ("battle_deaths", "battle_deaths_per_100k", "milex_usd"):
        assert (panel[column].dropna() > 0).all(), column


def test_derived_indicators(panel: pd.DataFrame) -> None:
    expected = (panel["battle_deaths"] / panel["population"] * 1e5).round(4)
    pd.testing.assert_series_equal(panel["battle_deaths_per_100k"], expected, check_names=False)
    expected = (panel["refugees_origin"] / panel["population"] * 1e3).round(4)
    pd.testing.assert_series_equal(panel["refugees_origin_per_1000"], expected, check_names=False)
    assert (
        panel["milex_per_capita_usd"]
        .isna()
        .equals(panel["milex_usd"].isna() | panel["population"].isna())
    )


def test_displacement(countries: pd.DataFrame) -> None:
    disp = pd.read_csv(DATA / "displacement.csv")
    assert list(disp.columns) == [
        "year",
        "origin_iso3",
        "asylum_iso3",
        "refugees",
        "asylum_seekers",
    ]
    assert disp["year"].between(1990, 2024).all()
    assert (disp["origin_iso3"] != disp["asylum_iso3"]).all()
    assert ((disp["refugees"] + disp["asylum_seekers"]) > 0).all()
    assert not set(disp["origin_iso3"]) & {"UNK", "XXA", "TIB"}
    assert not disp.duplicated(["year", "origin_iso3", "asylum_iso3"]).any()
    assert str(disp["refugees"].dtype) == "int64"


def test_topojson(countries: pd.DataFrame) -> None:
    path = DATA / "world-50m.topojson"
    assert path.stat().st_size <= 450_000
    topo = json.loads(path.read_text(encoding="utf-8"))
    geoms = topo["objects"]["countries"]["geometries"]
    assert len(geoms) >= 230
    n_arcs = len(topo["arcs"])
    known = set(countries["iso3"])
    coded = [g for g in geoms if g["properties"]["iso3"]]
    for g in geoms:
        assert g["id"] == g["properties"]["iso3"]
        assert "name" in g["properties"]
    # every country we have data for is on the map, except Tuvalu (absent at 1:50m)
    # and the Channel-Islands-style micro-territories not drawn by Natural Earth
    on_map = {g["properties"]["iso3"] for g in coded}
    assert len(known & on_map) >= 205
    assert {"XKX", "USA", "FRA", "NAM", "SSD"} <= on_map
    assert all(len(code) == 3 for code in on_map)
    flat = json.dumps([g["arcs"] for g in geoms])
    numbers = [int(x) for x in flat.replace("[", " ").replace("]", " ").replace(",", " ").split()]
    assert max(numbers) < n_arcs and min(numbers) >= -n_arcs


def test_datapackage_hashes() -> None:
    descriptor = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    names = {r["name"] for r in descriptor["resources"]}
    assert names == {"countries", "panel", "indicators", "displacement", "world-50m"}
    for res in descriptor["resources"]:
        data = (DATA / res["path"]).read_bytes()
        assert res["bytes"] == len(data), res["path"]
        assert res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest(), res["path"]
    panel_fields = next(r for r in descriptor["resources"] if r["name"] == "panel")["schema"][
        "fields"
    ]
    for field in panel_fields[2:]:
        for key in (
            "unit",
            "dimension",
            "direction",
            "source",
            "licence",
            "vintage",
            "title",
            "description",
        ):
            assert field.get(key), (field["name"], key)


def test_datapackage_descriptor_is_valid() -> None:
    frictionless = pytest.importorskip("frictionless")
    descriptor = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    report = frictionless.Package.validate_descriptor(descriptor)
    assert report.valid, report.flatten(["type", "message"])[:10]


@pytest.mark.slow
def test_datapackage_validates() -> None:
    """Full data validation (types, keys, foreign keys, hashes), as ``frictionless validate``."""
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(DATA / "datapackage.json"))
    assert report.valid, report.flatten(["type", "message"])[:10]


# --- spot checks against the raw publisher files ---------------------------------


@needs_raw
def test_spot_military(panel: pd.DataFrame) -> None:
    raw = wdi_raw_value("MS.MIL.XPND.GD.ZS", "USA", 2024)
    assert value(panel, "USA", 2024, "milex_gdp") == float(raw)
    assert round(float(raw), 2) == 3.42
    cri = panel[panel["iso3"] == "CRI"]
    assert cri["milex_gdp"].isna().all()
    assert cri["milex_usd"].isna().all()
    assert float(wdi_raw_value("MS.MIL.XPND.CD", "CRI", 2000)) == 0.0  # explicit 0 in the raw file


@needs_raw
def test_spot_wdi(panel: pd.DataFrame) -> None:
    assert value(panel, "UKR", 2022, "battle_deaths") == 91685
    assert value(panel, "USA", 2023, "health_spending_gdp") == pytest.approx(16.69, abs=0.005)
    raw = wdi_raw_value("SH.XPD.CHEX.GD.ZS", "USA", 2023)
    assert value(panel, "USA", 2023, "health_spending_gdp") == float(raw)
    assert value(panel, "IND", 2024, "population") == int(wdi_raw_value("SP.POP.TOTL", "IND", 2024))


@needs_raw
def test_spot_hdr(panel: pd.DataFrame) -> None:
    hdr = pd.read_csv(
        RAW / "undp-hdr" / "HDR23-24_Composite_indices_complete_time_series.csv", encoding="latin1"
    )
    assert value(panel, "AFG", 1990, "hdi") == 0.284
    row = hdr[hdr["iso3"] == "NOR"].iloc[0]
    assert value(panel, "NOR", 2022, "hdi") == row["hdi_2022"]
    assert value(panel, "NOR", 2022, "co2_pc") == row["co2_prod_2022"]


@needs_raw
@pytest.mark.slow
def test_spot_wgi_legacy_code(panel: pd.DataFrame) -> None:
    sys.path.insert(0, str(BUILD))
    try:
        import sources
    finally:
        sys.path.remove(str(BUILD))
    wgi = sources.read_xlsx_first_sheet(
        RAW / "worldbank-wgi" / "wgidataset.xlsx", ["code", "year", "indicator", "estimate"]
    )
    assert "ROU" not in set(wgi["code"])
    raw = wgi[(wgi["code"] == "ROM") & (wgi["indicator"] == "rl") & (wgi["year"] == "2023")][
        "estimate"
    ].item()
    assert value(panel, "ROU", 2023, "wgi_rule_of_law") == float(raw)


@needs_raw
def test_spot_unhcr_origin_total(panel: pd.DataFrame) -> None:
    with gzip.open(RAW / "unhcr-refugees" / "population.csv.gz", "rt", encoding="utf-8") as fh:
        pop = pd.read_csv(fh, keep_default_na=False, na_values=[""])
    for iso3, year in (("SYR", 2015), ("AFG", 2024), ("UKR", 2023)):
        rows = pop[(pop["coo_iso"] == iso3) & (pop["year"] == year) & (pop["coa_iso"] != iso3)]
        expected = rows["refugees"].fillna(0).sum() + rows["asylum_seekers"].fillna(0).sum()
        assert value(panel, iso3, year, "refugees_origin") == expected
    own = pop[(pop["coo_iso"] == "UKR") & (pop["coa_iso"] == "UKR") & (pop["year"] == 2024)]
    assert value(panel, "UKR", 2024, "idps") == own["idps"].sum()


# --- determinism ------------------------------------------------------------------


@needs_raw
@pytest.mark.slow
def test_rebuild_is_byte_identical(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(BUILD / "build_all.py"), "--raw", str(RAW), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    for name in BUILT_FILES:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), (
            f"{name} differs after rebuild"
        )
