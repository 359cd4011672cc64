"""Build the Human Security Lab curated datasets from the publishers' files.

Usage
-----
    python datasets/build/build_all.py [--raw DIR] [--out DIR]

The raw directory defaults to ``$HSL_RAW_DIR`` or ``../shared/data-raw``
relative to the repository root; the output directory defaults to
``datasets/``. The build is deterministic: running it twice gives
byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import catalogue as cat  # noqa: E402
import package  # noqa: E402
import sources as src  # noqa: E402
import topo  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_RAW = REPO_ROOT.parent / "shared" / "data-raw"
DEFAULT_OUT = REPO_ROOT / "datasets"
YEARS = range(cat.FIRST_YEAR, cat.LAST_YEAR + 1)

DROPPED_ECONOMIES = ("CHI",)
"""World Bank economies without an ISO 3166-1 code (Channel Islands)."""

KOSOVO_OVERRIDES = {"iso2": "XK", "un_region": "Europe", "un_subregion": "Southern Europe"}
"""Kosovo is not in ISO 3166-1 or UN M49; XK/XKX are the codes used by the
World Bank and the EU. Region assigned by us so it groups with its neighbours."""

GAPMINDER_CONCEPTS = {
    "armed_forces": "armed_forces_personnel_total",
    "armed_forces_pct_labour": "armed_forces_personnel_percent_of_labor_force",
    "gdp_pc": "gdppercapita_us_inflation_adjusted",
    "extreme_poverty": "extreme_poverty_percent_people_below_300_a_day",
    "food_supply_kcal": "food_supply_kilocalories_per_person_and_day",
    "water_basic": "at_least_basic_water_source_overall_access_percent",
    "sanitation_basic": "at_least_basic_sanitation_overall_access_percent",
}
WGI_INDICATORS = {
    "wgi_voice": "va",
    "wgi_stability": "pv",
    "wgi_rule_of_law": "rl",
    "wgi_gov_effectiveness": "ge",
}
ZERO_MEANS_MISSING = ("milex_usd", "battle_deaths", "phdi", "edu_spending_gdp")
"""Series where a publisher's explicit 0 is a placeholder, not a value:
MS.MIL.XPND.CD writes 0 for "no data / no army" (e.g. Costa Rica); VC.BTL.DETH
has 15 country-years at 0 although only conflicts with 25+ deaths are recorded;
HDR gives Rwanda a PHDI of 0 in 1994 (HDI missing); WDI gives Turkey 0% of GDP
for education in 1998."""

DERIVED_SCALE = {
    "milex_per_capita_usd": 1.0,
    "battle_deaths_per_100k": 100_000.0,
    "refugees_origin_per_1000": 1_000.0,
    "refugees_hosted_per_1000": 1_000.0,
    "idps_per_1000": 1_000.0,
}


def resolve_raw_dir(arg: str | None) -> Path:
    """Return the raw data directory from ``--raw``, ``$HSL_RAW_DIR`` or the default."""
    if arg:
        return Path(arg).resolve()
    if os.environ.get("HSL_RAW_DIR"):
        return Path(os.environ["HSL_RAW_DIR"]).resolve()
    return DEFAULT_RAW


def build_countries(raw: Path) -> pd.DataFrame:
    """Build the country table: World Bank economies (minus CHI) plus HDR countries.

    Parameters
    ----------
    raw : Path
        Raw data directory.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`catalogue.COUNTRY_COLUMNS`, sorted by ``iso3``.
    """
    wb = src.read_wb_economies(raw)
    wb = wb[~wb["Code"].isin(DROPPED_ECONOMIES)]
    hdr = src.read_hdr(raw)
    hdr_countries = hdr[~hdr["iso3"].str.startswith("ZZ")]
    extra = hdr_countries[~hdr_countries["iso3"].isin(wb["Code"])]
    base = pd.concat(
        [
            wb.rename(columns={"Code": "iso3", "Economy": "wb_name"})[
                ["iso3", "wb_name", "Region", "Income group"]
            ],
            extra.rename(columns={"country": "wb_name"})[["iso3", "wb_name"]],
        ],
        ignore_index=True,
    )
    cc = src.read_country_codes(raw).set_index("ISO3166-1-Alpha-3")
    cc = cc.reindex(base["iso3"])

    def flag(col: str) -> list[str]:
        return ["true" if v == "x" else "false" for v in cc[col]]

    out = pd.DataFrame(
        {
            "iso3": base["iso3"].to_numpy(),
            "iso2": cc["ISO3166-1-Alpha-2"].to_numpy(),
            "iso_numeric": [
                v.zfill(3) if isinstance(v, str) else np.nan for v in cc["ISO3166-1-numeric"]
            ],
            "name": cc["CLDR display name"]
            .fillna(pd.Series(base["wb_name"].to_numpy(), index=cc.index))
            .to_numpy(),
            "un_region": cc["Region Name"].to_numpy(),
            "un_subregion": cc["Sub-region Name"].to_numpy(),
            "wb_region": base["Region"].to_numpy(),
            "income_group": base["Income group"].to_numpy(),
            "ldc": flag("Least Developed Countries (LDC)"),
            "lldc": flag("Land Locked Developing Countries (LLDC)"),
            "sids": flag("Small Island Developing States (SIDS)"),
        }
    )
    is_kos = out["iso3"] == "XKX"
    for col, value in KOSOVO_OVERRIDES.items():
        out.loc[is_kos, col] = value
    return out.sort_values("iso3").reset_index(drop=True)[list(cat.COUNTRY_COLUMNS)]


def _unhcr_indicators(raw: Path) -> dict[str, pd.Series]:
    """Aggregate UNHCR bilateral rows into origin, asylum and IDP country-year totals."""
    pop = src.read_unhcr_population(raw)
    pop = pop[pop["year"].between(cat.FIRST_YEAR, cat.LAST_YEAR)]
    cross = pop[pop["coo_iso"] != pop["coa_iso"]].copy()
    cross["ref_asy"] = cross["refugees"].fillna(0) + cross["asylum_seekers"].fillna(0)
    own = pop[pop["coo_iso"] == pop["coa_iso"]]
    return {
        "refugees_origin": cross.groupby(["coo_iso", "year"])["ref_asy"]
        .sum()
        .rename_axis(["iso3", "year"]),
        "refugees_hosted": cross.groupby(["coa_iso", "year"])["ref_asy"]
        .sum()
        .rename_axis(["iso3", "year"]),
        "idps": own.groupby(["coo_iso", "year"])["idps"]
        .sum(min_count=1)
        .rename_axis(["iso3", "year"]),
    }


def read_all_sources(raw: Path) -> tuple[dict[str, pd.Series], dict[str, str]]:
    """Read every source series of the panel.

    Parameters
    ----------
    raw : Path
        Raw data directory.

    Returns
    -------
    series : dict
        ``{indicator id: Series indexed by (iso3, year)}`` for non-derived ids.
    vintages : dict
        ``{indicator id: "Last Updated Date"}`` for WDI series read from file.
    """
    series: dict[str, pd.Series] = {}
    vintages: dict[str, str] = {}
    for ind in cat.INDICATORS:
        if ind.source_name == "World Development Indicators":
            series[ind.id] = src.read_wdi(raw, ind.source_code)
            vintages[ind.id] = src.read_wdi_last_updated(src.find_wdi_file(raw, ind.source_code))
    geo_map = src.read_gapminder_geo_map(raw)
    for ind_id, concept in GAPMINDER_CONCEPTS.items():
        series[ind_id] = src.read_gapminder(raw, concept, geo_map)
    hdr = src.read_hdr(raw)
    for ind in cat.INDICATORS:
        if ind.source_name == cat.HDR_SOURCE:
            series[ind.id] = src.hdr_series(hdr, ind.source_code)
    wgi = src.read_wgi(raw).dropna(subset=["estimate"])
    for ind_id, code in WGI_INDICATORS.items():
        sub = wgi[wgi["indicator"] == code]
        series[ind_id] = sub.set_index(["iso3", "year"])["estimate"].astype(float)
    series["democracy_index"] = src.read_owid(raw, "electoral-democracy-index.csv")
    series.update(_unhcr_indicators(raw))
    for ind_id in ZERO_MEANS_MISSING:
        series[ind_id] = series[ind_id].where(series[ind_id] != 0)
    return series, vintages


def build_panel(countries: pd.DataFrame, series: dict[str, pd.Series]) -> pd.DataFrame:
    """Assemble the wide country-year panel and compute derived indicators.

    Parameters
    ----------
    countries : pandas.DataFrame
        From :func:`build_countries`.
    series : dict
        From :func:`read_all_sources`.

    Returns
    -------
    pandas.DataFrame
        ``iso3, year`` then one column per indicator in catalogue order;
        one row per country and year 1990-2024.
    """
    index = pd.MultiIndex.from_product([countries["iso3"], list(YEARS)], names=["iso3", "year"])
    panel = pd.DataFrame(index=index)
    columns: dict[str, pd.Series] = {}
    ordered = sorted(cat.INDICATORS, key=lambda ind: bool(ind.derived_from))  # sources first
    for ind in ordered:
        if ind.derived_from:
            num, den = (columns[c].astype("float64") for c in ind.derived_from)
            values = (num / den * DERIVED_SCALE[ind.id]).round(ind.decimals)
        else:
            s = series[ind.id]
            if s.index.duplicated().any():
                raise ValueError(f"{ind.id}: duplicate (iso3, year) keys")
            values = s.reindex(index)
        if ind.integer:
            if not np.allclose(values.dropna(), values.dropna().round()):
                raise ValueError(f"{ind.id}: expected whole numbers")
            values = values.round().astype("Int64")
        columns[ind.id] = values
    for ind in cat.INDICATORS:
        panel[ind.id] = columns[ind.id]
    return panel.reset_index()


def build_indicator_table(panel: pd.DataFrame, vintages: dict[str, str]) -> pd.DataFrame:
    """Write the catalogue rows with coverage computed from the panel.

    Parameters
    ----------
    panel : pandas.DataFrame
        From :func:`build_panel`.
    vintages : dict
        WDI "Last Updated Date" per indicator id.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`catalogue.INDICATOR_COLUMNS`.
    """
    rows = []
    for ind in cat.INDICATORS:
        present = panel.loc[panel[ind.id].notna(), ["iso3", "year"]]
        rows.append(
            {
                "id": ind.id,
                "label": ind.label,
                "short_label": ind.short_label,
                "unit": ind.unit,
                "dimension": ind.dimension,
                "direction": ind.direction,
                "description": ind.description,
                "publisher": ind.publisher,
                "source_name": ind.source_name,
                "source_code": ind.source_code,
                "source_url": ind.source_url,
                "licence": ind.licence,
                "licence_url": ind.licence_url,
                "vintage": ind.vintage if ind.vintage else f"WDI last updated {vintages[ind.id]}",
                "caveats": ind.caveats,
                "derived_from": ",".join(ind.derived_from),
                "first_year": int(present["year"].min()),
                "last_year": int(present["year"].max()),
                "n_countries": int(present["iso3"].nunique()),
            }
        )
    return pd.DataFrame(rows, columns=list(cat.INDICATOR_COLUMNS))


def build_displacement(raw: Path, iso3_codes: set[str]) -> pd.DataFrame:
    """Build the bilateral origin-asylum table of refugees and asylum seekers.

    Parameters
    ----------
    raw : Path
        Raw data directory.
    iso3_codes : set of str
        Valid ISO3 codes (country-codes plus XKX).

    Returns
    -------
    pandas.DataFrame
        ``year, origin_iso3, asylum_iso3, refugees, asylum_seekers`` (integers),
        rows with refugees + asylum_seekers > 0, origin != asylum, 1990-2024.
    """
    pop = src.read_unhcr_population(raw)
    pop = pop[
        pop["year"].between(cat.FIRST_YEAR, cat.LAST_YEAR)
        & (pop["coo_iso"] != pop["coa_iso"])
        & pop["coo_iso"].isin(iso3_codes)
        & pop["coa_iso"].isin(iso3_codes)
    ]
    out = (
        pop.groupby(["year", "coo_iso", "coa_iso"], as_index=False)[["refugees", "asylum_seekers"]]
        .sum()
        .rename(columns={"coo_iso": "origin_iso3", "coa_iso": "asylum_iso3"})
    )
    out = out[(out["refugees"] + out["asylum_seekers"]) > 0]
    for col in ("refugees", "asylum_seekers"):
        out[col] = out[col].round().astype("int64")
    return out.sort_values(["year", "origin_iso3", "asylum_iso3"]).reset_index(drop=True)


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """Write a CSV deterministically (UTF-8, LF, shortest float repr, empty = missing)."""
    df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def build_all(raw: Path, out: Path) -> dict[str, Path]:
    """Run the full build.

    Parameters
    ----------
    raw : Path
        Raw data directory.
    out : Path
        Output directory (created if needed).

    Returns
    -------
    dict
        ``{resource name: written path}``.
    """
    if not raw.is_dir():
        raise FileNotFoundError(f"raw data directory not found: {raw} (use --raw or HSL_RAW_DIR)")
    out.mkdir(parents=True, exist_ok=True)
    countries = build_countries(raw)
    series, vintages = read_all_sources(raw)
    panel = build_panel(countries, series)
    indicators = build_indicator_table(panel, vintages)
    cc = src.read_country_codes(raw)
    iso3_codes = set(cc["ISO3166-1-Alpha-3"].dropna()) | {"XKX"}
    displacement = build_displacement(raw, iso3_codes)

    paths = {
        "countries": out / "countries.csv",
        "panel": out / "panel.csv",
        "indicators": out / "indicators.csv",
        "displacement": out / "displacement.csv",
        "world-50m": out / "world-50m.topojson",
    }
    write_csv(countries, paths["countries"])
    write_csv(panel, paths["panel"])
    write_csv(indicators, paths["indicators"])
    write_csv(displacement, paths["displacement"])
    world = topo.build_world_topojson(raw, cc)
    paths["world-50m"].write_text(
        json.dumps(world, separators=(",", ":"), ensure_ascii=False), encoding="utf-8"
    )
    descriptor = package.build_descriptor(out, paths, indicators)
    (out / "datapackage.json").write_text(
        json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    paths["datapackage"] = out / "datapackage.json"
    return paths


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--raw", help="raw publisher files (default: $HSL_RAW_DIR or ../shared/data-raw)"
    )
    parser.add_argument("--out", help="output directory (default: datasets/)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    paths = build_all(
        resolve_raw_dir(args.raw), Path(args.out).resolve() if args.out else DEFAULT_OUT
    )
    print(f"built {len(paths)} files in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
