"""Tests for widgets.consultation: stakeholder maps and aggregation rules."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets.consultation import (
    QUADRANTS,
    STAKEHOLDER_CHECKLIST,
    Rankings,
    aggregate,
    borda,
    condorcet_winner,
    disagreement,
    example_rankings,
    example_stakeholders,
    group_winners,
    missing_groups,
    pairwise_matrix,
    parse_rankings,
    plurality,
    rankings_from_orders,
    rankings_table,
    read_rankings_csv,
    stakeholder_quadrants,
    textbook_profile,
    weighted_borda,
    winners,
)
from widgets.errors import LabInputError

OPTIONS = ("A", "B", "C", "D")
orders_st = st.lists(st.permutations(OPTIONS), min_size=1, max_size=25)


def _rankings(orders, affected=None):
    return rankings_from_orders([list(o) for o in orders], OPTIONS, affected=affected)


# --------------------------------------------------------------------------- textbook
def test_plurality_and_borda_disagree_on_the_textbook_profile():
    r = textbook_profile("plurality_vs_borda")
    assert plurality(r).to_dict() == {"A": 4, "B": 3, "C": 2}
    assert borda(r).to_dict() == {"A": 8, "B": 12, "C": 7}
    assert condorcet_winner(r) == "B"
    m = pairwise_matrix(r)
    assert m.loc["B", "A"] == 5 and m.loc["A", "B"] == 4 and m.loc["B", "C"] == 7
    # A wins plurality yet loses every head-to-head: the Condorcet loser.
    assert (m.loc["A"].drop("A") < m["A"].drop("A")).all()


def test_condorcet_cycle_has_no_winner_and_borda_ties():
    r = textbook_profile("condorcet_cycle")
    assert condorcet_winner(r) is None
    assert borda(r).nunique() == 1
    assert winners(r)["condorcet"] == [] and winners(r)["borda"] == ["A", "B", "C"]


def test_weighting_by_affectedness_can_change_the_winner():
    r = rankings_from_orders([["A", "B"], ["A", "B"], ["B", "A"]], affected=[1, 1, 5])
    assert borda(r).idxmax() == "A"
    assert weighted_borda(r).idxmax() == "B"


def test_example_class_shows_three_different_winners():
    w = winners(example_rankings())
    assert len({w["plurality"][0], w["borda"][0], w["weighted_borda"][0]}) == 3
    groups = group_winners(example_rankings())
    assert groups["differs_from_overall"].any()  # minority views exist


# --------------------------------------------------------------------------- properties
@settings(max_examples=60, deadline=None)
@given(orders=orders_st, seed=st.integers(0, 1000))
def test_borda_and_all_rules_ignore_the_order_of_participants(orders, seed):
    r1 = _rankings(orders)
    perm = np.random.default_rng(seed).permutation(len(orders))
    r2 = _rankings([orders[i] for i in perm])
    pd.testing.assert_series_equal(borda(r1), borda(r2))
    pd.testing.assert_frame_equal(aggregate(r1), aggregate(r2))


@settings(max_examples=60, deadline=None)
@given(orders=orders_st)
def test_borda_total_points_and_plurality_total(orders):
    r = _rankings(orders)
    k = len(OPTIONS)
    assert borda(r).sum() == len(orders) * k * (k - 1) / 2
    assert plurality(r).sum() == len(orders)


@settings(max_examples=60, deadline=None)
@given(orders=orders_st)
def test_condorcet_winner_beats_everyone_and_is_unique(orders):
    r = _rankings(orders)
    m = pairwise_matrix(r)
    assert ((m + m.T) == len(orders)).to_numpy()[~np.eye(len(OPTIONS), dtype=bool)].all()
    cw = condorcet_winner(r)
    if cw is not None:
        for other in OPTIONS:
            if other != cw:
                assert m.loc[cw, other] > m.loc[other, cw]


@settings(max_examples=40, deadline=None)
@given(orders=orders_st, w=st.integers(1, 5))
def test_equal_weights_give_the_borda_ranking(orders, w):
    r = _rankings(orders, affected=[w] * len(orders))
    np.testing.assert_allclose(weighted_borda(r).to_numpy(), w * borda(r).to_numpy())


@settings(max_examples=40, deadline=None)
@given(orders=orders_st)
def test_unanimity_wins_under_every_rule(orders):
    unanimous = [("C", *[o for o in order if o != "C"]) for order in orders]
    w = winners(_rankings(unanimous))
    assert all(v == ["C"] for v in w.values())


# --------------------------------------------------------------------------- parsing
def test_example_csv_round_trip():
    r = example_rankings()
    assert r.options == ("Cash transfers", "Mobile clinics", "Water points", "Security patrols")
    assert len(r) == 15 and set(r.table["affected"]) <= {1, 2, 3, 4, 5}
    assert (np.sort(r.ranks, axis=1) == np.arange(1, 5)).all()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("name,A,B\nx,1,2\n", "no 'participant' column"),
        ("participant,A\nx,1\n", "at least two options"),
        ("participant,A,B\n", "no participants"),
        ("participant,A,B\nAna,1,2\nBen,1,\n",
         "line 3 (participant 'Ben'), column 'B': expected a whole number from 1 to 2 "
         "(1 = first choice), found nothing (the cell is empty)"),
        ("participant,A,B,C\nAna,1,2,3\nBen,2,2,1\n",
         "line 3 (participant 'Ben'): rank 2 is given to both 'A' and 'B'"),
        ("participant,A,B\nAna,1,2.5\n", "found '2.5'"),
        ("participant,A,B\nAna,1,3\n", "from 1 to 2"),
        ("participant,affected,A,B\nAna,9,1,2\n", "column 'affected': expected a number from 1"),
        ("participant,A,B\nAna,1,2,3,4\n", "not a well-formed CSV"),
    ],
)
def test_malformed_csv_gets_a_precise_message(text, message):
    with pytest.raises(LabInputError) as err:
        read_rankings_csv(text)
    assert message in str(err.value)


def test_partial_example_file_names_line_and_column():
    from widgets.consultation import _EXAMPLE_DIR

    with pytest.raises(LabInputError, match=r"consultation-partial\.csv, line 5 .*'Water points'"):
        read_rankings_csv(_EXAMPLE_DIR / "consultation-partial.csv")


def test_bytes_with_bom_and_blank_participant_and_missing_file(work_dir):
    r = read_rankings_csv("\ufeffparticipant,A,B\n,2,1\n".encode())
    assert r.table["participant"].item() == "participant on line 2"
    with pytest.raises(LabInputError, match="no class CSV called nope.csv"):
        read_rankings_csv(work_dir / "nope.csv")


def test_rankings_table_from_typed_entries():
    table = rankings_table([{"participant": "Ana", "group": "Youth", "affected": 3,
                             "order": "b, a, c"}], ["a", "b", "c"])
    r = parse_rankings(table)
    assert r.table.loc[0, ["a", "b", "c"]].tolist() == [2, 1, 3]
    with pytest.raises(LabInputError, match="Missing: c"):
        rankings_table([{"participant": "Ana", "order": "a > b"}], ["a", "b", "c"])
    with pytest.raises(LabInputError, match="not one of the options"):
        rankings_table([{"participant": "Ana", "order": "a > b > z"}], ["a", "b", "c"])


def test_disagreement_shows_polarised_options():
    r = textbook_profile("plurality_vs_borda")
    d = disagreement(r)
    assert d.index[0] == "B"  # best mean rank
    assert d.loc["A", "rank_sd"] == d["rank_sd"].max()  # loved or hated
    assert d["share_first"].sum() == pytest.approx(1.0)


def test_rankings_are_immutable_records():
    r = textbook_profile("condorcet_cycle")
    assert isinstance(r, Rankings)
    with pytest.raises(AttributeError):
        r.options = ("X",)  # type: ignore[misc]


# --------------------------------------------------------------------------- stakeholders
def test_quadrants_cover_all_four_corners():
    pts = list(itertools.product([1, 9], [1, 9]))
    df = pd.DataFrame({"name": [f"s{i}" for i in range(4)], "group": ["Youth"] * 4,
                       "influence": [p[0] for p in pts], "affected": [p[1] for p in pts]})
    assert set(stakeholder_quadrants(df)["quadrant"]) == set(QUADRANTS.values())


def test_missing_groups_against_the_checklist():
    ex = example_stakeholders()
    missing = missing_groups(ex)
    assert "Refugees and displaced people" in missing
    assert "National ministries" not in missing
    assert len(missing) == len(STAKEHOLDER_CHECKLIST) - ex["group"].nunique()


@pytest.mark.parametrize(
    ("change", "message"),
    [({"name": ""}, "needs a name"), ({"affected": "lots"}, "affected must be between"),
     ({"influence": -1}, "influence must be between")],
)
def test_bad_stakeholders(change, message):
    df = pd.DataFrame([{"name": "X", "group": "Youth", "influence": 3, "affected": 3} | change])
    with pytest.raises(LabInputError, match=message):
        stakeholder_quadrants(df)


def test_line_numbers_count_blank_lines():
    with pytest.raises(LabInputError, match="line 4 .participant 'Ben'"):
        read_rankings_csv("participant,A,B\nAna,1,2\n\nBen,1,1\n")


# ------------------------------------------------------ stakeholder map labels
def _label_boxes(placed: pd.DataFrame) -> list[tuple[float, float, float, float]]:
    """Each name's box and each point's box in px (x0, x1, y0, y1), as place_labels sees them."""
    from widgets.charts.consultation import (
        _CHAR_PX,
        _GAP_PX,
        _LINE_PX,
        _POINT_PX,
        MAP_HEIGHT,
        MAP_WIDTH,
    )

    boxes, points = [], []
    for r in placed.itertuples():
        x, w = r.influence * MAP_WIDTH / 10, len(r.name) * _CHAR_PX
        y = (10 - r.affected) * MAP_HEIGHT / 10
        points.append((x - _POINT_PX, x + _POINT_PX, y - _POINT_PX, y + _POINT_PX))
        x0 = x + _GAP_PX if r.side == "right" else x - _GAP_PX - w
        y0 = (10 - r.label_y) * MAP_HEIGHT / 10 - _LINE_PX
        boxes.append((x0, x0 + w, y0, y0 + _LINE_PX))
    return boxes + points


def _overlaps(boxes) -> list[tuple[int, int]]:
    return [(i, j) for (i, a), (j, b) in itertools.combinations(enumerate(boxes), 2)
            if a[0] < b[1] - 0.01 and b[0] < a[1] - 0.01 and a[2] < b[3] - 0.01
            and b[2] < a[3] - 0.01]


def test_the_example_map_has_no_overlapping_names():
    from widgets.charts.consultation import stakeholder_rows
    from widgets.consultation import example_stakeholders, stakeholder_quadrants

    placed = stakeholder_rows(stakeholder_quadrants(example_stakeholders()))
    # the example has two names side by side at "affected" 2 (WFP and the finance ministry);
    # no name covers another name or a point (points never overlap each other here)
    assert _overlaps(_label_boxes(placed)) == []
    assert set(placed["side"]) == {"left", "right"}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10), st.integers(0, 10),
                          st.text("abcdefgh ", min_size=3, max_size=24)),
                min_size=1, max_size=2, unique_by=lambda t: (t[0], t[1])))
def test_two_names_never_cover_each_other_or_a_point(points):
    # Guaranteed for two: the other name and point block at most 4 of the 7 places on
    # the side that stays on the plot. With more, place_labels does its best.
    from widgets.charts.consultation import place_labels

    df = pd.DataFrame(points, columns=["influence", "affected", "name"])
    placed = place_labels(df)
    assert [(i, j) for i, j in _overlaps(_label_boxes(placed))
            if not (i >= len(df) and j >= len(df))] == []  # two points may touch
    # a name moves at most three lines (about 1 point on the 0-10 axis) from its point
    assert ((placed["label_y"] - placed["affected"]).abs() <= 1.2).all()
    assert list(placed["name"]) == list(df["name"])  # same rows, same order
