"""World map: world-atlas ``countries-50m.json`` with ISO3 ids, made smaller.

Each country geometry gets ``id`` = ISO3 and ``properties = {"iso3", "name"}``.
To load faster in a browser, each arc is simplified with Douglas-Peucker
(tolerance 0.02 degrees, about 2 km; arcs of rings smaller than 0.05 square
degrees - small islands and microstates - are left as they are) and
re-quantized to a grid three times as coarse, which shortens the delta-encoded
numbers. Points on the antimeridian (where world-atlas cuts Fiji, Russia
and Antarctica) are always kept. Topology
is preserved: arcs stay shared by index, their end points are never moved
other than by the common grid, and the ``land`` object is dropped (it is
not needed to draw countries).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

QUANTIZE_FACTOR = 3
"""Grid three times as coarse as world-atlas's: about 1.2 km by 0.6 km."""
SIMPLIFY_TOLERANCE_DEG = 0.02
"""About 2 km: a twentieth of a pixel on a 960-pixel-wide world map."""
ANTIMERIDIAN = 179.999
"""Longitude beyond which points are treated as lying on the antimeridian."""
PROTECT_RING_AREA_DEG2 = 0.05
"""Rings smaller than this (about 25 km by 25 km: small islands, microstates)
are not simplified, so they keep their shape when a learner zooms in."""

NAME_TO_ISO3 = {"Kosovo": "XKX"}
"""Shapes without an ISO numeric id that still have a code we use."""


def _douglas_peucker(
    points: list[tuple[int, int]], sx: float, sy: float, tolerance: float, forced: list[int]
) -> list[tuple[int, int]]:
    """Simplify one arc with the Douglas-Peucker algorithm, keeping its end points.

    Parameters
    ----------
    points : list of (int, int)
        Absolute quantized coordinates.
    sx, sy : float
        Transform scale (degrees per unit) used to measure distance in degrees.
    tolerance : float
        Maximum allowed deviation in degrees.
    forced : list of int
        Indices of points that must be kept (e.g. on the antimeridian).

    Returns
    -------
    list of (int, int)
        The kept points, first, last and forced ones always included.
    """
    n = len(points)
    if n <= 2:
        return points
    keep = [False] * n
    anchors = sorted({0, n - 1, *forced})
    for i in anchors:
        keep[i] = True
    tol2 = tolerance * tolerance
    stack = list(zip(anchors, anchors[1:], strict=False))
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


def simplify_arcs(
    arcs: list[list[list[int]]], transform: dict, tolerance: float
) -> list[list[list[int]]]:
    """Douglas-Peucker-simplify delta-encoded arcs; shared arcs stay shared.

    Parameters
    ----------
    arcs : list
        Quantized, delta-encoded arcs.
    transform : dict
        ``transform`` of the topology (``scale`` and ``translate``).
    tolerance : float
        Maximum deviation in degrees.

    Returns
    -------
    list
        Delta-encoded arcs on the same grid.
    """
    sx, sy = transform["scale"]
    tx = transform["translate"][0]
    out = []
    for arc in arcs:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x, y))
        forced = [i for i, (px, _) in enumerate(points) if abs(tx + px * sx) >= ANTIMERIDIAN]
        kept = _douglas_peucker(points, sx, sy, tolerance, forced)
        deltas = [list(kept[0])] + [
            [b[0] - a[0], b[1] - a[1]] for a, b in zip(kept, kept[1:], strict=False)
        ]
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


def _ring_area(
    arcs_abs: list[list[tuple[int, int]]], ring: list[int], sx: float, sy: float
) -> float:
    """Unsigned area in square degrees of a ring given as arc indices."""
    points: list[tuple[int, int]] = []
    for i in ring:
        arc = arcs_abs[i] if i >= 0 else arcs_abs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    twice = sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(points, points[1:], strict=False))
    return abs(twice) * sx * sy / 2


def small_ring_arcs(topology: dict, max_area: float) -> set[int]:
    """Return indices of arcs used by country rings smaller than ``max_area``.

    Parameters
    ----------
    topology : dict
        A quantized TopoJSON topology with a ``countries`` object.
    max_area : float
        Area threshold in square degrees.

    Returns
    -------
    set of int
        Arc indices to leave unsimplified.
    """
    sx, sy = topology["transform"]["scale"]
    arcs_abs = []
    for arc in topology["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x, y))
        arcs_abs.append(pts)
    protected: set[int] = set()
    for geom in topology["objects"]["countries"]["geometries"]:
        polygons = [geom["arcs"]] if geom["type"] == "Polygon" else geom["arcs"]
        for polygon in polygons:
            for ring in polygon:
                if _ring_area(arcs_abs, ring, sx, sy) < max_area:
                    protected.update(i if i >= 0 else ~i for i in ring)
    return protected


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
    numeric_to_iso3 = dict(
        zip(cc["ISO3166-1-numeric"].str.zfill(3), cc["ISO3166-1-Alpha-3"], strict=True)
    )
    geometries = []
    for geom in topo["objects"]["countries"]["geometries"]:
        name = geom.get("properties", {}).get("name")
        iso3 = numeric_to_iso3.get(geom["id"]) if "id" in geom else NAME_TO_ISO3.get(name)
        new = {
            "type": geom["type"],
            "arcs": geom["arcs"],
            "id": iso3,
            "properties": {"iso3": iso3, "name": name},
        }
        geometries.append(new)
    countries = {"type": "GeometryCollection", "geometries": geometries}
    transform = topo["transform"]
    arcs = topo["arcs"]
    if tolerance > 0:
        protected = small_ring_arcs(topo, PROTECT_RING_AREA_DEG2)
        simplified = simplify_arcs(arcs, transform, tolerance)
        arcs = [arc if i in protected else simplified[i] for i, arc in enumerate(arcs)]
    if factor > 1:
        arcs = requantize_arcs(arcs, factor)
        transform = {
            "scale": [s * factor for s in transform["scale"]],
            "translate": transform["translate"],
        }
    return {
        "type": "Topology",
        "bbox": topo["bbox"],
        "transform": transform,
        "objects": {"countries": countries},
        "arcs": arcs,
    }
