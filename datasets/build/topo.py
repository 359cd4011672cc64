"""World map: world-atlas ``countries-50m.json`` with ISO3 ids, made smaller.

Each country geometry gets ``id`` = ISO3 and ``properties = {"iso3", "name"}``.
To load faster in a browser, each arc is simplified with Douglas-Peucker
(tolerance 0.02 degrees, about 2 km) and re-quantized to a grid four times
coarser (about 1.4 km), which shortens the delta-encoded numbers. Topology
is preserved: arcs stay shared by index, their end points are never moved
other than by the common grid, and the ``land`` object is dropped (it is
not needed to draw countries).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

QUANTIZE_FACTOR = 4
SIMPLIFY_TOLERANCE_DEG = 0.02
"""About 2 km: a twentieth of a pixel on a 960-pixel-wide world map."""

NAME_TO_ISO3 = {"Kosovo": "XKX"}
"""Shapes without an ISO numeric id that still have a code we use."""


def _douglas_peucker(points: list[tuple[int, int]], sx: float, sy: float, tolerance: float) -> list[tuple[int, int]]:
    """Simplify one arc with the Douglas-Peucker algorithm, keeping its end points.

    Parameters
    ----------
    points : list of (int, int)
        Absolute quantized coordinates.
    sx, sy : float
        Transform scale (degrees per unit) used to measure distance in degrees.
    tolerance : float
        Maximum allowed deviation in degrees.

    Returns
    -------
    list of (int, int)
        The kept points, first and last always included.
    """
    n = len(points)
    if n <= 2:
        return points
    keep = [False] * n
    keep[0] = keep[-1] = True
    tol2 = tolerance * tolerance
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        x1, y1 = points[i][0] * sx, points[i][1] * sy
        dx, dy = points[j][0] * sx - x1, points[j][1] * sy - y1
        seg2 = dx * dx + dy * dy
        best, best_k = -1.0, -1
        for k in range(i + 1, j):
            px, py = points[k][0] * sx - x1, points[k][1] * sy - y1
            if seg2 == 0:
                d2 = px * px + py * py
            else:
                cross = dx * py - dy * px
                d2 = cross * cross / seg2
            if d2 > best:
                best, best_k = d2, k
        if best > tol2:
            keep[best_k] = True
            stack.append((i, best_k))
            stack.append((best_k, j))
    return [p for p, k in zip(points, keep, strict=True) if k]


def simplify_arcs(arcs: list[list[list[int]]], scale: list[float], tolerance: float) -> list[list[list[int]]]:
    """Douglas-Peucker-simplify delta-encoded arcs; shared arcs stay shared.

    Parameters
    ----------
    arcs : list
        Quantized, delta-encoded arcs.
    scale : list of float
        ``transform.scale`` of the topology.
    tolerance : float
        Maximum deviation in degrees.

    Returns
    -------
    list
        Delta-encoded arcs on the same grid.
    """
    out = []
    for arc in arcs:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x, y))
        kept = _douglas_peucker(points, scale[0], scale[1], tolerance)
        deltas = [list(kept[0])] + [[b[0] - a[0], b[1] - a[1]] for a, b in zip(kept, kept[1:], strict=False)]
        out.append(deltas)
    return out


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
    [[[0, 0], [1, 1], [1, 0]]]
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
        deltas = [list(points[0])]
        deltas += [[b[0] - a[0], b[1] - a[1]] for a, b in zip(points, points[1:], strict=False)]
        out.append(deltas)
    return out


def build_world_topojson(
    raw: Path,
    country_codes: pd.DataFrame,
    factor: int = QUANTIZE_FACTOR,
    tolerance: float = SIMPLIFY_TOLERANCE_DEG,
) -> dict:
    """Build the curated world TopoJSON.

    Parameters
    ----------
    raw : Path
        Raw data directory (reads ``maps/countries-50m.json``).
    country_codes : pandas.DataFrame
        From :func:`sources.read_country_codes`.
    factor : int
        Re-quantization factor; 1 keeps the original grid.
    tolerance : float
        Douglas-Peucker tolerance in degrees; 0 keeps every point.

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
    if tolerance > 0:
        arcs = simplify_arcs(arcs, transform["scale"], tolerance)
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
