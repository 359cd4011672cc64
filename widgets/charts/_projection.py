"""The world map, projected once in Python so the browser only draws it.

A Vega map in a geographic projection re-projects every coordinate of every
country, with adaptive resampling, each time any of its colours changes: with
the lab's 50 m map that was ~100 ms per slider step. Here the TopoJSON arcs
are projected once per kernel into Equal Earth coordinates (the projection
the lab's maps use) and re-quantised, and the charts draw them with Vega's
cheap ``identity`` projection, fitted to a constant extent so that filtering
the map never triggers a re-fit.

>>> topo = projected_world_map()
>>> topo["transform"]["scale"][0] > 0 and "ATA" not in {
...     g.get("properties", {}).get("iso3") for g in topo["objects"]["countries"]["geometries"]}
True
>>> p = map_projection().to_dict()
>>> p["type"], p["reflectY"], p["fit"]["geometry"]["type"]
('identity', True, 'MultiPoint')
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Any

import altair as alt
import numpy as np

__all__ = ["equal_earth", "map_projection", "projected_world_map", "projected_world_map_text"]

# Equal Earth (Šavrič, Patterson & Jenny 2018), as in d3-geo's geoEqualEarthRaw.
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = np.sqrt(3) / 2
#: Quantisation of the projected arcs: 20,000 steps across the map, a
#: thirtieth of a pixel on the lab's 640-pixel maps.
_QUANTUM = 20_000
#: Points closer than this to the last one kept are dropped (in quantisation
#: steps: 32 ≈ one pixel at 640 pixels). Arc ends are always kept, so
#: neighbours still share their borders exactly.
_MIN_STEP = 32
#: Left out of every map: no country statistics, and it takes a quarter of the height.
LEFT_OUT = ("ATA",)


def equal_earth(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Equal Earth projection of degrees, in the unit sphere's coordinates (y up).

    >>> x, y = equal_earth(np.array([0.0, 180.0]), np.array([0.0, 0.0]))
    >>> [round(float(v), 4) for v in (*x, *y)]
    [0.0, 2.7066, 0.0, 0.0]
    """
    lam, phi = np.radians(lon), np.radians(lat)
    theta = np.arcsin(_M * np.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * np.cos(theta) / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x, y


def _decode_arcs(topo: dict[str, Any]) -> list[np.ndarray]:
    """Absolute lon/lat of every arc (TopoJSON arcs are quantised and delta-encoded)."""
    scale = np.asarray(topo["transform"]["scale"], dtype=float)
    translate = np.asarray(topo["transform"]["translate"], dtype=float)
    return [np.cumsum(np.asarray(arc, dtype=float), axis=0) * scale + translate
            for arc in topo["arcs"]]


def _ring(arc_ids: list[int], arcs: list[np.ndarray]) -> np.ndarray:
    """The coordinates of a TopoJSON ring (negative ids = arc reversed)."""
    parts = []
    for a in arc_ids:
        c = arcs[a] if a >= 0 else arcs[~a][::-1]
        parts.append(c if not parts else c[1:])
    return np.concatenate(parts)


def _clip_half(ring: np.ndarray, at: float, keep_below: bool) -> np.ndarray:
    """Sutherland–Hodgman: the part of a closed ring with x <= at (or x >= at)."""
    inside = (ring[:, 0] <= at) if keep_below else (ring[:, 0] >= at)
    out = []
    for i in range(len(ring) - 1):
        p, q, p_in, q_in = ring[i], ring[i + 1], inside[i], inside[i + 1]
        if p_in:
            out.append(p)
        if p_in != q_in:
            t = (at - p[0]) / (q[0] - p[0])
            out.append(p + t * (q - p))
    if len(out) < 3:
        return np.empty((0, 2))
    out.append(out[0])
    return np.asarray(out)


def split_at_antimeridian(ring: np.ndarray) -> list[np.ndarray]:
    """A ring that crosses ±180° longitude, cut into its western and eastern parts.

    TopoJSON keeps Russia's Chukotka and Fiji as rings that jump from 180° to
    -180°; drawn flat, that jump is a stripe across the whole map.

    >>> square = np.array([[170., 0], [-170, 0], [-170, 10], [170, 10], [170, 0]])
    >>> [(float(p[:, 0].min()), float(p[:, 0].max())) for p in split_at_antimeridian(square)]
    [(170.0, 180.0), (-180.0, -170.0)]
    """
    lon = np.unwrap(ring[:, 0], period=360)
    if lon.max() <= 180 and lon.min() >= -180:
        return [ring]
    at, shift = (180.0, -360.0) if lon.max() > 180 else (-180.0, 360.0)
    flat = np.column_stack([lon, ring[:, 1]])
    near = _clip_half(flat, at, keep_below=at > 0)
    far = _clip_half(flat, at, keep_below=at < 0)
    if len(far):
        far[:, 0] += shift
    return [r for r in (near, far) if len(r)]


def _thin(points: np.ndarray, step: int) -> np.ndarray:
    """Drop points within ``step`` (Manhattan distance) of the last point kept.

    The first and last points always stay.

    >>> _thin(np.array([[0, 0], [1, 0], [5, 0], [6, 0], [7, 0]]), 4).tolist()
    [[0, 0], [5, 0], [7, 0]]
    """
    if len(points) <= 2:
        return points
    keep = [0]
    lx, ly = points[0]
    xs, ys = points[:, 0].tolist(), points[:, 1].tolist()
    for i in range(1, len(points) - 1):
        if abs(xs[i] - lx) + abs(ys[i] - ly) >= step:
            keep.append(i)
            lx, ly = xs[i], ys[i]
    keep.append(len(points) - 1)
    return points[keep]


def _crosses(arc: np.ndarray) -> bool:
    return len(arc) > 1 and bool(np.abs(np.diff(arc[:, 0])).max() > 180)


def _polygons(geometry: dict[str, Any]) -> list[list[list[int]]]:
    if geometry.get("type") == "Polygon":
        return [geometry["arcs"]]
    if geometry.get("type") == "MultiPolygon":
        return geometry["arcs"]
    return []


@lru_cache(maxsize=1)
def projected_world_map() -> dict[str, Any]:
    """The lab's world map in Equal Earth coordinates, Antarctica left out.

    Same features and properties as :func:`widgets.data.load_world_map`;
    the arcs' coordinates (and their quantisation) change, and the few
    polygons that cross the antimeridian are cut there, as d3 does on the
    sphere. Returns the cached object itself: do not modify it.
    """
    from widgets.data import load_world_map

    topo = load_world_map()
    arcs = _decode_arcs(topo)
    crossing = {i for i, a in enumerate(arcs) if _crosses(a)}
    geometries = []
    for g in topo["objects"]["countries"]["geometries"]:
        if g.get("properties", {}).get("iso3") in LEFT_OUT:
            continue
        polygons = _polygons(g)
        uses = {a if a >= 0 else ~a for poly in polygons for ring in poly for a in ring}
        if not uses & crossing:
            geometries.append(g)
            continue
        new_polygons = []
        for poly in polygons:
            if not {a if a >= 0 else ~a for ring in poly for a in ring} & crossing:
                new_polygons.append(poly)
                continue
            pieces = [split_at_antimeridian(_ring(ring, arcs)) for ring in poly]
            for k in range(max(len(p) for p in pieces)):
                rings = []
                for p in pieces:
                    if k < len(p):
                        arcs.append(p[k])
                        rings.append([len(arcs) - 1])
                if rings:
                    new_polygons.append(rings)
        geometries.append(dict(g, type="MultiPolygon", arcs=new_polygons))
    for i in crossing:  # no geometry uses them any more: keep the ids, drop the points
        arcs[i] = arcs[i][:1]

    lengths = [len(a) for a in arcs]
    points = np.concatenate(arcs)
    x, y = equal_earth(points[:, 0], points[:, 1])
    x0, x1, y0, y1 = x.min(), x.max(), y.min(), y.max()
    kx, ky = (x1 - x0) / (_QUANTUM - 1), (y1 - y0) / (_QUANTUM - 1)
    qx = np.round((x - x0) / kx).astype(np.int64)
    qy = np.round((y - y0) / ky).astype(np.int64)
    new_arcs, start = [], 0
    for n in lengths:
        q = _thin(np.column_stack([qx[start:start + n], qy[start:start + n]]), _MIN_STEP)
        start += n
        delta = np.diff(q, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
        new_arcs.append(delta.tolist())
    return {
        "type": "Topology",
        "bbox": [float(x0), float(y0), float(x1), float(y1)],
        "transform": {"scale": [float(kx), float(ky)], "translate": [float(x0), float(y0)]},
        "objects": {"countries": {"type": "GeometryCollection", "geometries": geometries}},
        "arcs": new_arcs,
    }


#: Bump when the projection, cutting or thinning above changes (names the disk cache).
_VERSION = 1


@lru_cache(maxsize=1)
def projected_world_map_text() -> str:
    """:func:`projected_world_map` as compact JSON text (what charts embed).

    Projecting takes ~0.4 s, so the text is kept in the lab's cache folder
    (beside the chart bundle), keyed by the map file's content.
    """
    from widgets._offline import _cache_dir, _write_cache
    from widgets._paths import DATA_DIR

    source = DATA_DIR / "world-50m.topojson"
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:12] if source.exists() else "none"
    path = _cache_dir() / f"world-equal-earth-v{_VERSION}-{digest}.json"
    if path.exists():
        text = path.read_text(encoding="utf-8")
        if text:
            return text
    text = json.dumps(projected_world_map(), separators=(",", ":"))
    _write_cache(path, text)
    return text


@lru_cache(maxsize=1)
def _extent() -> tuple[float, float, float, float]:
    """Projected bounds of the countries drawn (without Antarctica's arcs).

    Read from the projected map's cached text: projecting the map again only
    for its bounds cost every kernel that draws a map ~0.3 CPU-seconds (lesson
    04's risk widget: 1.64 → 1.33 CPU-s; found with ``make loadtest``).
    """
    topo = json.loads(projected_world_map_text())
    used: set[int] = set()

    def walk(arcs):
        for a in arcs:
            if isinstance(a, list):
                walk(a)
            else:
                used.add(a if a >= 0 else ~a)

    for g in topo["objects"]["countries"]["geometries"]:
        walk(g.get("arcs", []))
    scale, translate = topo["transform"]["scale"], topo["transform"]["translate"]
    xs, ys = [], []
    for i in used:
        q = np.cumsum(np.asarray(topo["arcs"][i], dtype=float), axis=0)
        xs.append(q[:, 0])
        ys.append(q[:, 1])
    qx, qy = np.concatenate(xs), np.concatenate(ys)
    return (float(qx.min() * scale[0] + translate[0]), float(qy.min() * scale[1] + translate[1]),
            float(qx.max() * scale[0] + translate[0]), float(qy.max() * scale[1] + translate[1]))


def map_projection() -> alt.Projection:
    """The projection for :func:`projected_world_map`: draw as is, y up, fitted once.

    ``fit`` is a constant (the map's corners), so Vega sizes the map once
    instead of re-measuring all countries whenever a filter changes the data.
    """
    x0, y0, x1, y1 = _extent()
    corners = {"type": "Feature", "properties": {},
               "geometry": {"type": "MultiPoint",
                            "coordinates": [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]}}
    return alt.Projection(type="identity", reflectY=True, fit=corners)
