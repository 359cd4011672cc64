"""Generate ``datapackage.json`` from the catalogue and the written files.

The descriptor follows the Frictionless Data Package specification. Indicator
fields of ``panel.csv`` carry the catalogue metadata (``unit``, ``dimension``,
``direction``, ``source``, ``licence``, ``vintage``) as custom properties, so
charts can read labels and units from one place.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import catalogue as cat
import pandas as pd

CREATED = "2026-11-27T00:00:00Z"
"""Fixed creation date so the build is byte-identical on rerun."""

PACKAGE_LICENCES = [
    {
        "name": "CC-BY-4.0",
        "path": "https://creativecommons.org/licenses/by/4.0/",
        "title": "Creative Commons Attribution 4.0",
    },
    {
        "name": "CC-BY-SA-4.0",
        "path": "https://creativecommons.org/licenses/by-sa/4.0/",
        "title": "Creative Commons Attribution-ShareAlike 4.0 (V-Dem democracy index)",
    },
    {
        "name": "CC-BY-3.0-IGO",
        "path": "https://creativecommons.org/licenses/by/3.0/igo/",
        "title": "Creative Commons Attribution 3.0 IGO (UNDP HDR)",
    },
    {
        "name": "PDDL-1.0",
        "path": "https://opendatacommons.org/licenses/pddl/",
        "title": "Open Data Commons Public Domain Dedication and License (country codes)",
    },
    {
        "name": "ISC",
        "path": "https://github.com/topojson/world-atlas/blob/master/LICENSE.md",
        "title": "ISC licence (world-atlas); Natural Earth is public domain",
    },
]

SOURCES = {
    "wdi": {
        "title": "World Bank, World Development Indicators",
        "path": "https://databank.worldbank.org/source/world-development-indicators",
    },
    "class": {
        "title": "World Bank country and lending groups (FY26)",
        "path": "https://datahelpdesk.worldbank.org/knowledgebase/articles/906519",
    },
    "wgi": {
        "title": "World Bank, Worldwide Governance Indicators (2024 update)",
        "path": cat.WGI_URL,
    },
    "hdr": {
        "title": "UNDP Human Development Report 2023/24, composite indices time series",
        "path": cat.HDR_URL,
    },
    "unhcr": {
        "title": "UNHCR Refugee Population Statistics (R package refugees 2025.12.1)",
        "path": cat.UNHCR_URL,
    },
    "gapminder": {
        "title": "Gapminder Systema Globalis (copies of WDI and FAOSTAT series)",
        "path": "https://github.com/open-numbers/ddf--gapminder--systema_globalis",
    },
    "vdem": {
        "title": "V-Dem electoral democracy index via Our World in Data",
        "path": "https://ourworldindata.org/grapher/electoral-democracy-index",
    },
    "countrycodes": {
        "title": "datasets/country-codes (UNSD M49, ISO 3166, CLDR)",
        "path": "https://github.com/datasets/country-codes",
    },
    "worldatlas": {
        "title": "world-atlas 2.0.2 (Natural Earth 1:50m admin 0)",
        "path": "https://github.com/topojson/world-atlas",
    },
}

LICENCE_BY_NAME = {lic["name"]: lic for lic in PACKAGE_LICENCES}
_CAT_TO_SPDX = {
    cat.CC_BY_4[0]: "CC-BY-4.0",
    cat.CC_BY_3_IGO[0]: "CC-BY-3.0-IGO",
    cat.CC_BY_SA_4[0]: "CC-BY-SA-4.0",
}


def file_stats(path: Path) -> dict[str, object]:
    """Return ``bytes`` and ``hash`` (``"sha256:<hex>"``) of a file."""
    data = path.read_bytes()
    return {"bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest()}


def _field(
    name: str, type_: str, title: str, description: str, unit: str = "", **extra: object
) -> dict:
    field: dict[str, object] = {
        "name": name,
        "type": type_,
        "title": title,
        "description": description,
    }
    if unit:
        field["unit"] = unit
    field.update(extra)
    return field


def _licences(*names: str) -> list[dict]:
    return [LICENCE_BY_NAME[n] for n in names]


def countries_schema() -> dict:
    """Table schema of ``countries.csv``."""
    return {
        "fields": [
            _field(
                "iso3",
                "string",
                "ISO3 code",
                "ISO 3166-1 alpha-3 code; XKX for Kosovo (World Bank code, not ISO).",
                constraints={"required": True, "unique": True},
            ),
            _field(
                "iso2",
                "string",
                "ISO2 code",
                "ISO 3166-1 alpha-2 code (XK for Kosovo). Namibia is 'NA': read with keep_default_na=False.",
            ),
            _field(
                "iso_numeric",
                "string",
                "ISO numeric code",
                "ISO 3166-1 numeric code, zero-padded to 3 characters (joins world-50m ids of the original world-atlas); empty for Kosovo.",
            ),
            _field(
                "name",
                "string",
                "Name",
                "Short English name (CLDR display name, else World Bank name).",
            ),
            _field(
                "un_region",
                "string",
                "UN region",
                "UN M49 region (Kosovo assigned to Europe by us).",
            ),
            _field("un_subregion", "string", "UN sub-region", "UN M49 sub-region."),
            _field(
                "wb_region",
                "string",
                "World Bank region",
                "World Bank region, FY26 classification.",
            ),
            _field(
                "income_group",
                "string",
                "World Bank income group",
                "Low / Lower middle / Upper middle / High income, FY26 (based on 2024 GNI per capita); empty if unclassified.",
            ),
            _field(
                "ldc",
                "boolean",
                "Least developed country",
                "On the UN list of least developed countries.",
            ),
            _field(
                "lldc",
                "boolean",
                "Landlocked developing country",
                "On the UN list of landlocked developing countries.",
            ),
            _field(
                "sids",
                "boolean",
                "Small island developing state",
                "On the UN list of small island developing states.",
            ),
        ],
        "primaryKey": ["iso3"],
    }


def panel_schema(indicators: pd.DataFrame) -> dict:
    """Table schema of ``panel.csv`` with catalogue metadata per indicator field."""
    fields = [
        _field(
            "iso3",
            "string",
            "ISO3 code",
            "Country code, see countries.csv.",
            constraints={"required": True},
        ),
        _field(
            "year",
            "integer",
            "Year",
            "Calendar year.",
            constraints={"required": True, "minimum": cat.FIRST_YEAR, "maximum": cat.LAST_YEAR},
        ),
    ]
    for row in indicators.itertuples(index=False):
        ind = cat.INDICATOR_BY_ID[row.id]
        fields.append(
            _field(
                row.id,
                "integer" if ind.integer else "number",
                row.label,
                row.description,
                unit=row.unit,
                dimension=row.dimension,
                direction=row.direction,
                source=f"{row.publisher}, {row.source_name} ({row.source_code}), {row.source_url}",
                licence=row.licence,
                vintage=row.vintage,
            )
        )
    return {
        "fields": fields,
        "missingValues": [""],
        "primaryKey": ["iso3", "year"],
        "foreignKeys": [
            {"fields": "iso3", "reference": {"resource": "countries", "fields": "iso3"}}
        ],
    }


def indicators_schema() -> dict:
    """Table schema of ``indicators.csv``."""
    desc = {
        "id": "Column name in panel.csv.",
        "label": "Plain-English label with unit.",
        "short_label": "Label of at most 25 characters for chart axes.",
        "unit": "Unit as the publisher states it.",
        "dimension": "Human-security dimension (UNDP's seven), state_security, summary or context.",
        "direction": "higher_is_better, higher_is_worse or neutral.",
        "description": "One or two sentences for a non-specialist.",
        "publisher": "Organisation publishing the data.",
        "source_name": "Data product.",
        "source_code": "Publisher's code for the series.",
        "source_url": "Publisher's own web page.",
        "licence": "Licence of the data.",
        "licence_url": "Licence text.",
        "vintage": "Publisher's last-updated date (from the file) or edition.",
        "caveats": "Known limits.",
        "derived_from": "Comma-separated panel ids for derived indicators; empty otherwise.",
        "first_year": "First year with data in panel.csv.",
        "last_year": "Last year with data in panel.csv.",
        "n_countries": "Countries with at least one value in panel.csv.",
    }
    types = {"first_year": "integer", "last_year": "integer", "n_countries": "integer"}
    fields = [
        _field(c, types.get(c, "string"), c.replace("_", " ").capitalize(), desc[c])
        for c in cat.INDICATOR_COLUMNS
    ]
    fields[0]["constraints"] = {"required": True, "unique": True}
    fields[4]["constraints"] = {"enum": list(cat.DIMENSIONS)}
    fields[5]["constraints"] = {"enum": list(cat.DIRECTIONS)}
    return {"fields": fields, "missingValues": [""], "primaryKey": ["id"]}


def displacement_schema() -> dict:
    """Table schema of ``displacement.csv``."""
    return {
        "fields": [
            _field(
                "year", "integer", "Year", "End of calendar year.", constraints={"required": True}
            ),
            _field(
                "origin_iso3",
                "string",
                "Country of origin",
                "ISO3 code of the country people fled.",
                constraints={"required": True},
            ),
            _field(
                "asylum_iso3",
                "string",
                "Country of asylum",
                "ISO3 code of the country hosting them.",
                constraints={"required": True},
            ),
            _field(
                "refugees",
                "integer",
                "Refugees",
                "Refugees under UNHCR's mandate (incl. refugee-like situations).",
                unit="people",
            ),
            _field(
                "asylum_seekers",
                "integer",
                "Asylum seekers",
                "People whose asylum claim is pending.",
                unit="people",
            ),
        ],
        "primaryKey": ["year", "origin_iso3", "asylum_iso3"],
    }


def build_descriptor(out: Path, paths: dict[str, Path], indicators: pd.DataFrame) -> dict:
    """Build the Data Package descriptor.

    Parameters
    ----------
    out : Path
        Output directory (resource paths are relative to it).
    paths : dict
        ``{resource name: path}`` of the written files.
    indicators : pandas.DataFrame
        The indicator catalogue as written to ``indicators.csv``.

    Returns
    -------
    dict
        JSON-serialisable descriptor.
    """
    panel_licences = sorted({_CAT_TO_SPDX[lic] for lic in indicators["licence"]})

    def csv_resource(
        name: str,
        title: str,
        description: str,
        sources: list[str],
        licences: list[str],
        schema: dict,
    ) -> dict:
        path = paths[name]
        return {
            "name": name,
            "type": "table",
            "path": path.relative_to(out).as_posix(),
            "scheme": "file",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "title": title,
            "description": description,
            "sources": [SOURCES[s] for s in sources],
            "licenses": _licences(*licences),
            **file_stats(path),
            "schema": schema,
        }

    resources = [
        csv_resource(
            "countries",
            "Countries and territories",
            "One row per country or territory (World Bank economies without the Channel Islands, plus any HDR country), no aggregates: codes, names, UN and World Bank regions, income group, LDC/LLDC/SIDS flags.",
            ["class", "countrycodes", "hdr"],
            ["CC-BY-4.0", "PDDL-1.0"],
            countries_schema(),
        ),
        csv_resource(
            "panel",
            "Human-security country-year panel",
            f"Wide country-year panel {cat.FIRST_YEAR}-{cat.LAST_YEAR}: one row per country and year, one column per indicator (see indicators.csv). Empty cell = no data, never 0.",
            ["wdi", "hdr", "wgi", "unhcr", "gapminder", "vdem"],
            panel_licences,
            panel_schema(indicators),
        ),
        csv_resource(
            "indicators",
            "Indicator catalogue",
            "One row per panel indicator: label, unit, dimension, direction, description, publisher, source, licence, vintage, caveats and coverage.",
            ["wdi", "hdr", "wgi", "unhcr", "gapminder", "vdem"],
            panel_licences,
            indicators_schema(),
        ),
        csv_resource(
            "displacement",
            "Refugees and asylum seekers by origin and asylum country",
            "UNHCR bilateral stocks at the end of each year 1990-2024; only pairs with at least one refugee or asylum seeker; Unknown, stateless and Tibetan origins dropped.",
            ["unhcr"],
            ["CC-BY-4.0"],
            displacement_schema(),
        ),
    ]
    topo_path = paths["world-50m"]
    resources.append(
        {
            "name": "world-50m",
            "type": "file",
            "path": topo_path.relative_to(out).as_posix(),
            "scheme": "file",
            "format": "topojson",
            "mediatype": "application/json",
            "encoding": "utf-8",
            "title": "World map (1:50m) with ISO3 ids",
            "description": "TopoJSON object 'countries' from world-atlas 2.0.2 (Natural Earth 1:50m): id and properties.iso3 = ISO3 code, properties.name = Natural Earth name; N. Cyprus, Somaliland and a few others have iso3 null. Simplified (Douglas-Peucker 0.02 degrees) and re-quantized for browser speed.",
            "sources": [SOURCES["worldatlas"], SOURCES["countrycodes"]],
            "licenses": _licences("ISC"),
            **file_stats(topo_path),
        }
    )
    return {
        "profile": "data-package",
        "name": "human-security-lab",
        "title": "Human Security Lab curated data",
        "description": (
            "Country-year indicators for teaching human security in foreign policy: UNDP's seven dimensions "
            "(economic, food, health, environmental, personal, community, political) plus state security, "
            "built deterministically from the publishers' own files by datasets/build/build_all.py."
        ),
        "version": "1.0.0",
        "created": CREATED,
        "homepage": "https://hdr.undp.org/content/human-development-report-1994",
        "licenses": PACKAGE_LICENCES,
        "sources": list(SOURCES.values()),
        "resources": resources,
    }
