"""World map: world-atlas ``countries-50m.json`` with ISO3 ids, made smaller.

Each country geometry gets ``id`` = ISO3 and ``properties = {"iso3", "name"}``.
Arcs are re-quantized to a coarser integer grid (default factor 4, about
1.6 km at the equator, well below what a 1:50m map can show), which shortens
the delta-encoded numbers and removes points that fall on the same grid cell.
Topology is preserved because arcs remain shared by index and their end points
are mapped identically.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

QUANTIZE_FACTOR = 4

NAME_TO_ISO3 = {"Kosovo": "XKX"}
"""Shapes without an ISO numeric id that still have a code we use."""


def requantize_arcs(arcs: list[list[list[int]]], factor: int) -> list[list[list[int]]]:
    """Coarsen delta-encoded TopoJSON arcs by an integer factor.

    Parameters
    ----------
    arcs : list
        Quantized, delta-encoded arcs (``[[dx, dy], ...]``).
    factor : int
        Grid coarsening factor (absolute coordinates are floor-divided by it).

    Returns
    -------
    list
        New delta-encoded arcs; consecutive duplicate points are dropped but
        every arc keeps at least two points.

    Examples
    --------
    >>> requantize_arcs([[[0, 0], [1, 1], [3, 3], [4, 0]]], 4)
    [[[0, 0], [1, 1]]]
    """
    out = []
    for arc in arcs:
        x = y = 0
        points: list[tuple[int, int]] = []
        for dx, dy in arc:
            x += dx
            y += dy
            p = (x // factor, y // factor)
            if not points or p != points[-1]:
                points.append(p)
        if len(points) == 1:
            points.append(points[0])
        # keep the true end point (shared with neighbouring arcs)
        end = (x // factor, y // factor)
        if points[-1] != end:
            points.append(end)
        deltas = [list(points[0])]
        deltas += [[b[0] - a[0], b[1] - a[1]] for a, b in zip(points, points[1:], strict=False)]
        out.append(deltas)
    return out


def build_world_topojson(raw: Path, country_codes: pd.DataFrame, factor: int = QUANTIZE_FACTOR) -> dict:
    """Build the curated world TopoJSON.

    Parameters
    ----------
    raw : Path
        Raw data directory (reads ``maps/countries-50m.json``).
    country_codes : pandas.DataFrame
        From :func:`sources.read_country_codes`.
    factor : int
        Re-quantization factor; 1 keeps the original arcs.

    Returns
    -------
    dict
        TopoJSON topology with a single ``countries`` object.
    """
    topo = json.loads((raw / "maps" / "countries-50m.json").read_text(encoding="utf-8"))
    cc = country_codes.dropna(subset=["ISO3166-1-numeric", "ISO3166-1-Alpha-3"])
    numeric_to_iso3 = dict(zip(cc["ISO3166-1-numeric"].str.zfill(3), cc["ISO3166-1-Alpha-3"], strict=True))
    geometries = []
    for geom in topo["objects"]["countries"]["geometries"]:
        name = geom.get("properties", {}).get("name")
        iso3 = numeric_to_iso3.get(geom["id"]) if "id" in geom else NAME_TO_ISO3.get(name)
        new = {"type": geom["type"], "arcs": geom["arcs"], "id": iso3, "properties": {"iso3": iso3, "name": name}}
        geometries.append(new)
    countries = {"type": "GeometryCollection", "geometries": geometries}
    transform = topo["transform"]
    arcs = topo["arcs"]
    if factor > 1:
        arcs = requantize_arcs(arcs, factor)
        transform = {"scale": [s * factor for s in transform["scale"]], "translate": transform["translate"]}
    return {
        "type": "Topology",
        "bbox": topo["bbox"],
        "transform": transform,
        "objects": {"countries": countries},
        "arcs": arcs,
    }
