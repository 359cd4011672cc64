"""Charts for voice and consultation (lesson 08): stakeholder map, rules compared, disagreement.

>>> from widgets.consultation import aggregate, textbook_profile
>>> spec = rules_chart(aggregate(textbook_profile("plurality_vs_borda"))).to_dict()
>>> spec["facet"]["column"]["field"]
'rule_label'
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from widgets.charts import OKABE_ITO, describe
from widgets.consultation import QUADRANTS, RULES, Rankings, winners_from_table
from widgets.i18n import N_, _, ngettext

__all__ = ["rank_distribution_chart", "rank_distribution_data", "rank_distribution_description",
           "place_labels", "rules_chart", "rules_data", "rules_description",
           "stakeholder_chart", "stakeholder_rows"]

_SHORT_RULES = {"plurality": N_("Plurality"), "borda": N_("Borda count"),
                "weighted_borda": N_("Borda, weighted"), "condorcet": N_("Condorcet")}
#: Quadrant (English, as stored) -> colour; the chart shows each quadrant translated.
_QUADRANT_COLOURS = dict(zip(QUADRANTS.values(), [OKABE_ITO[5], OKABE_ITO[1], OKABE_ITO[0],
                                                  "#7f7f7f"], strict=True))
WINNER, NOT_CHOSEN = N_("Winner"), N_("Not chosen")


#: The stakeholder map's plot area (px) and the label sizes used to keep labels apart.
MAP_WIDTH, MAP_HEIGHT = 520, 380
_CHAR_PX, _LINE_PX, _GAP_PX, _POINT_PX = 6.5, 13, 8, 4
_SPILL_PX = 40  # how far a name may run past the plot's edge


def place_labels(df: pd.DataFrame, width: int = MAP_WIDTH, height: int = MAP_HEIGHT,
                 ) -> pd.DataFrame:
    """Where each stakeholder's name goes on the map, so that names do not cover each other.

    A name goes to the right of its point (to the left near the right edge).
    If it would cover a name already placed or another point, or run far off
    the plot, it tries the other side, then a line higher or lower (up to
    three); on a very crowded map it keeps its first place. Adds ``side``
    ("right" = the text starts right of the point) and ``label_y`` (the
    text's height on the affected axis).

    >>> df = pd.DataFrame({"name": ["Ministry of Finance", "World Food Programme"],
    ...                    "influence": [9.0, 7.0], "affected": [2.0, 2.0]})
    >>> place_labels(df)[["side", "label_y"]].to_dict("records")
    [{'side': 'left', 'label_y': 2.37}, {'side': 'left', 'label_y': 2.0}]
    """
    px_x, px_y = width / 10, height / 10
    pts = [(float(i) * px_x, (10 - float(a)) * px_y)
           for i, a in zip(df["influence"], df["affected"], strict=True)]
    # boxes in px (x0, x1, y0, y1; y down): every point, then each name once placed
    taken = [(x - _POINT_PX, x + _POINT_PX, y - _POINT_PX, y + _POINT_PX) for x, y in pts]
    sides, label_ys = [], []
    for name, (x, y), aff in zip(df["name"], pts, df["affected"], strict=True):
        w = len(str(name)) * _CHAR_PX
        first = "right" if x + _GAP_PX + w <= width + _SPILL_PX else "left"
        other = "left" if first == "right" else "right"
        free = (place for place in _name_places(x, y, w, first, other)
                if -_SPILL_PX <= place[2][0] and place[2][1] <= width + _SPILL_PX
                and not any(_overlap(place[2], b) for b in taken))
        # the first free place; on a map crowded everywhere, the first place
        side, shift, box = next(free, next(_name_places(x, y, w, first, other)))
        taken.append(box)
        sides.append(side)
        label_ys.append(round(float(aff) - shift * (_LINE_PX + 1) / px_y, 2))
    return df.assign(side=sides, label_y=label_ys)


def _name_places(x: float, y: float, w: float, first: str, other: str):
    """A name's places beside its point at (x, y) px, in order of preference: (side, shift, box)."""
    for shift in (0, -1, 1, -2, 2, -3, 3):
        for side in (first, other):
            x0 = x + _GAP_PX if side == "right" else x - _GAP_PX - w
            y0 = y - _LINE_PX + shift * (_LINE_PX + 1)
            yield side, shift, (x0, x0 + w, y0, y0 + _LINE_PX)


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]


def stakeholder_rows(df: pd.DataFrame) -> pd.DataFrame:
    """The stakeholder map's rows: name, group, position, quadrant and label place.

    The group and the quadrant are shown in the reader's language.

    >>> from widgets.consultation import example_stakeholders, stakeholder_quadrants
    >>> list(stakeholder_rows(stakeholder_quadrants(example_stakeholders())).columns)
    ['name', 'group', 'influence', 'affected', 'quadrant', 'side', 'label_y']
    """
    rows = df[["name", "group", "influence", "affected", "quadrant"]]
    rows = rows.assign(group=rows["group"].map(lambda g: _(g) if isinstance(g, str) else g),
                       quadrant=rows["quadrant"].map(lambda q: _(q) if isinstance(q, str) else q))
    return place_labels(rows)


def stakeholder_chart(df: pd.DataFrame, missing: list[str] | None = None,
                      midpoint: float = 5.0) -> alt.LayerChart:
    """Stakeholders placed by influence (x) and how much they are affected (y), with quadrants.

    ``df`` comes from :func:`widgets.consultation.stakeholder_quadrants`.

    >>> from widgets.consultation import example_stakeholders, stakeholder_quadrants
    >>> c = stakeholder_chart(stakeholder_quadrants(example_stakeholders()))
    >>> "Pastoralist communities" in c.to_dict()["description"]
    True
    """
    data = stakeholder_rows(df)
    x = alt.X("influence:Q", title=_("Influence over the decision (0 = none, 10 = decisive)"),
              scale=alt.Scale(domain=[0, 10]))
    y = alt.Y("affected:Q", title=_("How much they are affected (0 = not, 10 = severely)"),
              scale=alt.Scale(domain=[0, 10]))
    quadrants = [_(q) for q in _QUADRANT_COLOURS]
    colour = alt.Color("quadrant:N", title=_("What to do"),
                       scale=alt.Scale(domain=quadrants,
                                       range=list(_QUADRANT_COLOURS.values())),
                       legend=alt.Legend(orient="bottom", columns=2, labelLimit=360))
    shape = alt.Shape("quadrant:N", title=_("What to do"),
                      scale=alt.Scale(domain=quadrants,
                                      range=["circle", "square", "triangle-up", "diamond"]))
    points = alt.Chart(data).mark_point(size=120, filled=True, opacity=0.9).encode(
        x=x, y=y, color=colour, shape=shape,
        tooltip=[alt.Tooltip("name:N", title=_("Stakeholder")),
                 alt.Tooltip("group:N", title=_("Group")),
                 alt.Tooltip("influence:Q", title=_("Influence")),
                 alt.Tooltip("affected:Q", title=_("Affected")),
                 alt.Tooltip("quadrant:N", title=_("Quadrant"))])
    # Names beside their points, placed apart by place_labels (side, label_y).
    label_y = alt.Y("label_y:Q", scale=alt.Scale(domain=[0, 10]))
    left = alt.Chart(data).transform_filter("datum.side == 'right'").mark_text(
        align="left", dx=_GAP_PX, dy=-6, fontSize=11).encode(x=x, y=label_y, text="name:N")
    right = alt.Chart(data).transform_filter("datum.side == 'left'").mark_text(
        align="right", dx=-_GAP_PX, dy=-6, fontSize=11).encode(x=x, y=label_y, text="name:N")
    lines = alt.Chart(pd.DataFrame({"v": [midpoint]})).mark_rule(
        color="#888", strokeDash=[4, 4])
    chart = alt.layer(lines.encode(x="v:Q"), lines.encode(y="v:Q"), points, left, right).properties(
        width=MAP_WIDTH, height=MAP_HEIGHT, title=alt.Title(
            _("Stakeholder map: influence and how much each group is affected"),
            subtitle=_("Top left: most affected, least heard.")))
    if data.empty:
        text = _("The map is empty: add stakeholders.")
    else:
        heard = data[(data["affected"] >= midpoint) & (data["influence"] < midpoint)]
        text = map_sentence(len(data), list(heard["name"]))
    if missing:
        text += " " + _("Not yet on the map: {groups}.").format(
            groups=", ".join(_(g) for g in missing))
    return describe(chart, text)


def map_sentence(n: int, heard: list[str]) -> str:
    """How many stakeholders are on the map, and who is most affected but little heard.

    >>> map_sentence(2, [])
    '2 stakeholder(s) on the map. Most affected but with little influence: nobody.'
    """
    return ngettext("{n} stakeholder(s) on the map. Most affected but with little influence: "
                    "{names}.", "{n} stakeholder(s) on the map. Most affected but with little "
                    "influence: {names}.", n).format(
        n=n, names=", ".join(heard) if heard else _("nobody"))


def rules_description(table: pd.DataFrame) -> str:
    """Which option wins under each rule, in one sentence.

    >>> from widgets.consultation import aggregate, textbook_profile
    >>> rules_description(aggregate(textbook_profile("condorcet_cycle")))
    'Winners: Plurality (most first choices): A / B / C (tie); Borda count (points for every position): A / B / C (tie); Borda weighted by how affected people are: A / B / C (tie); Condorcet (wins every head-to-head): none (no option beats all others). The rule changes the decision.'
    """
    parts, found = [], set()
    won = winners_from_table(table)
    for rule, label in RULES.items():
        w = won[rule]
        found.add(tuple(w))
        if not w:
            name = _("none (no option beats all others)")
        elif len(w) > 1:
            name = _("{options} (tie)").format(options=" / ".join(w))
        else:
            name = w[0]
        parts.append(_("{rule}: {winner}").format(rule=_(label), winner=name))
    verdict = (_("Every rule picks the same option.") if len(found) == 1
               else _("The rule changes the decision."))
    return _("Winners: {list}.").format(list=_("; ").join(parts)) + " " + verdict


def rules_chart(table: pd.DataFrame) -> alt.FacetChart:
    """Each option's score as a share of the top score, one panel per rule; winners marked.

    ``table`` is :func:`widgets.consultation.aggregate`.
    """
    short = [_(s) for s in _SHORT_RULES.values()]
    data = rules_data(table)
    chart = alt.Chart(data).mark_bar().encode(
        x=alt.X("share_of_top:Q", title=_("Share of top score"),
                axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("option:N", title=None),
        color=alt.Color("status:N", title=None, scale=alt.Scale(
            domain=[_(WINNER), _(NOT_CHOSEN)], range=[OKABE_ITO[1], "#9fb7cc"]),
            legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("rule_label:N", title=_("Rule")),
                 alt.Tooltip("option:N", title=_("Option")),
                 alt.Tooltip("score:Q", title=_("Score"), format=",.4~g"),
                 alt.Tooltip("status:N", title=_("Result"))],
    ).properties(width=150, height=alt.Step(22)).facet(
        column=alt.Column("rule_label:N", title=None, sort=short,
                          header=alt.Header(labelLimit=160, labelFontSize=11)),
    ).properties(title=alt.Title(_("Same rankings, four rules"),
                                 subtitle=_("Orange: the option each rule would choose. Condorcet "
                                            "score: head-to-head contests won.")))
    return describe(chart, rules_description(table))


def rank_distribution_chart(rankings: Rankings) -> alt.Chart:
    """How many participants put each option 1st, 2nd, …: disagreement made visible.

    >>> from widgets.consultation import textbook_profile
    >>> d = rank_distribution_chart(textbook_profile("plurality_vs_borda")).to_dict()
    >>> d["mark"]["type"]
    'bar'
    """
    k = len(rankings.options)
    data = rank_distribution_data(rankings)
    order = [_ranked(i) for i in range(1, k + 1)]
    chart = alt.Chart(data).mark_bar().encode(
        x=alt.X("participants:Q", title=_("Participants"), stack="zero"),
        y=alt.Y("option:N", title=None),
        color=alt.Color("position:N", title=_("Position"), sort=order,
                        scale=alt.Scale(scheme="blueorange", domain=order)),
        order=alt.Order("rank:Q"),
        tooltip=[alt.Tooltip("option:N", title=_("Option")),
                 alt.Tooltip("position:N", title=_("Position")),
                 alt.Tooltip("participants:Q", title=_("Participants"))],
    ).properties(width=520, height=alt.Step(26), title=alt.Title(
        _("How participants ranked each option"),
        subtitle=_("Blue: first choices; orange: last.")))
    return describe(chart, rank_distribution_description(rankings))


def rank_distribution_data(rankings: Rankings) -> pd.DataFrame:
    """Participants per option and position: ``option, position, rank, participants``.

    >>> from widgets.consultation import textbook_profile
    >>> d = rank_distribution_data(textbook_profile("plurality_vs_borda"))
    >>> d[d["option"] == "A"]["participants"].tolist()
    [4, 0, 5]
    """
    r = rankings.ranks
    k = len(rankings.options)
    rows = []
    for j, opt in enumerate(rankings.options):
        for rank in range(1, k + 1):
            rows.append({"option": opt, "position": _ranked(rank), "rank": rank,
                         "participants": int((r[:, j] == rank).sum())})
    return pd.DataFrame(rows)


def rank_distribution_description(rankings: Rankings) -> str:
    """Which options divide participants (often first and often last).

    >>> from widgets.consultation import textbook_profile
    >>> rank_distribution_description(textbook_profile("plurality_vs_borda"))
    '9 participant(s) ranked 3 options. Divisive: A (at least a quarter rank it first and at least a quarter last).'
    """
    r = rankings.ranks
    k = len(rankings.options)
    if len(rankings) == 0:
        return _("No rankings yet.")
    first = r == 1
    last = r == k
    polar = [o for j, o in enumerate(rankings.options)
             if first[:, j].mean() >= 0.25 and last[:, j].mean() >= 0.25]
    text = ngettext("{n} participant(s) ranked {k} options.",
                    "{n} participant(s) ranked {k} options.", len(rankings)).format(
        n=len(rankings), k=k) + " "
    if polar:
        text += _("Divisive: {options} (at least a quarter rank it first and at least a quarter "
                  "last).").format(options=", ".join(polar))
    else:
        text += _("No option is both a frequent first and a frequent last choice.")
    return text


def _ranked(rank: int) -> str:
    """The name of a position in a ranking ("Ranked 1")."""
    return _("Ranked {rank}").format(rank=rank)


def rules_data(table: pd.DataFrame) -> pd.DataFrame:
    """The rows :func:`rules_chart` draws (short rule names, winner status).

    >>> from widgets.consultation import aggregate, textbook_profile
    >>> rules_data(aggregate(textbook_profile("condorcet_cycle")))["rule_label"].unique().tolist()
    ['Plurality', 'Borda count', 'Borda, weighted', 'Condorcet']
    """
    return table.assign(status=table["winner"].map({True: _(WINNER), False: _(NOT_CHOSEN)}),
                        rule_label=table["rule"].map(lambda r: _(_SHORT_RULES[r])))
