"""The pre-projected world map: same countries, right shapes, no stripes."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets.charts import map_projection, world_map_data
from widgets.charts._projection import (
    _decode_arcs,
    equal_earth,
    projected_world_map,
    split_at_antimeridian,
)
from widgets.data import load_world_map


def _features(topo):
    return {g["properties"].get("iso3") or g["properties"]["name"]: g
            for g in topo["objects"]["countries"]["geometries"]}


def test_every_country_but_antarctica_is_kept_with_its_properties():
    before, after = _features(load_world_map()), _features(projected_world_map())
    assert set(before) - set(after) == {"ATA"}
    assert all(after[k]["properties"] == before[k]["properties"] for k in after)


def test_no_arc_jumps_across_the_map():
    """A segment longer than a tenth of the map's width would be a stripe."""
    topo = projected_world_map()
    arcs = _decode_arcs(topo)
    width = topo["bbox"][2] - topo["bbox"][0]
    used = set()

    def walk(a):
        for x in a:
            walk(x) if isinstance(x, list) else used.add(x if x >= 0 else ~x)

    for g in topo["objects"]["countries"]["geometries"]:
        walk(g.get("arcs", []))
    longest = max(np.abs(np.diff(arcs[i][:, 0])).max() for i in used if len(arcs[i]) > 1)
    assert longest < width / 10


def test_russia_and_fiji_are_cut_at_the_antimeridian_not_lost():
    topo = projected_world_map()
    arcs = _decode_arcs(topo)
    for code in ("RUS", "FJI"):
        g = _features(topo)[code]
        xs = np.concatenate([arcs[ring[0] if ring[0] >= 0 else ~ring[0]][:, 0]
                             for poly in g["arcs"] for ring in poly])
        # a part at each edge of the map: the far east of the country drawn at the left
        east, _ = equal_earth(np.array([170.0]), np.array([0.0]))
        assert xs.min() < -east[0] * 0.6 and xs.max() > east[0] * 0.6


@settings(max_examples=50, deadline=None)
@given(st.floats(-179.9, 179.9), st.floats(-80, 80))
def test_equal_earth_is_symmetric_and_monotonic(lon, lat):
    x, y = equal_earth(np.array([lon, -lon, lon + 0.1]), np.array([lat, -lat, lat]))
    assert np.isclose(x[0], -x[1]) and np.isclose(y[0], -y[1])
    assert x[2] > x[0]


def test_split_keeps_a_ring_that_does_not_cross():
    ring = np.array([[10.0, 0], [20, 0], [20, 10], [10, 0]])
    assert split_at_antimeridian(ring)[0] is ring


def test_charts_draw_it_flat_and_fitted_once():
    proj = map_projection().to_dict()
    assert proj["type"] == "identity" and proj["reflectY"] is True
    assert proj["fit"]["geometry"]["type"] == "MultiPoint"
    assert world_map_data().to_dict()["format"]["feature"] == "countries"
