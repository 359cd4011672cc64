"""Voice: stakeholder maps and consultation synthesis (lesson 08).

Two tools for bringing affected people into a decision:

* **Stakeholder map** — who has influence over a decision and who is affected by
  it (:func:`stakeholder_quadrants`), and which typical groups are missing from
  the table (:func:`missing_groups`, checked against :data:`STAKEHOLDER_CHECKLIST`).
* **Consultation synthesiser** — participants rank policy options (1 = first
  choice). The same rankings give different "winners" under different
  aggregation rules: plurality (count first choices), the Borda count (Borda
  1781: an option ranked r-th of k gets k − r points), the Borda count weighted
  by how affected each participant is, and the Condorcet winner (the option
  that beats every other in a head-to-head majority, if there is one). The rule
  is a political choice, not a technicality (Saari 2001).

Rankings come as a table: ``participant, group, affected`` and one column per
option holding that participant's rank for it. :func:`parse_rankings` checks
a table typed in or read from a class's CSV file and says exactly which line,
which column and what was expected when something is wrong.

A textbook profile where the rules disagree (9 voters, options A, B, C):

>>> r = textbook_profile("plurality_vs_borda")
>>> plurality(r).idxmax(), borda(r).idxmax(), condorcet_winner(r)
('A', 'B', 'B')
>>> condorcet_winner(textbook_profile("condorcet_cycle")) is None
True
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from widgets._paths import MAX_READ_BYTES, confine, file_size, read_limited
from widgets.errors import LabInputError
from widgets.i18n import N_, _, format_number

__all__ = [
    "QUADRANTS",
    "RULES",
    "STAKEHOLDER_CHECKLIST",
    "Rankings",
    "aggregate",
    "borda",
    "check_stakeholders",
    "condorcet_winner",
    "disagreement",
    "example_csv",
    "example_rankings",
    "example_stakeholders",
    "group_winners",
    "missing_groups",
    "pairwise_matrix",
    "parse_rankings",
    "plurality",
    "rankings_from_orders",
    "rankings_table",
    "read_rankings_csv",
    "stakeholder_quadrants",
    "textbook_profile",
    "weighted_borda",
    "winners",
    "winners_from_table",
]

#: Typical groups to look for around a human-security decision, with why they matter.
STAKEHOLDER_CHECKLIST: dict[str, str] = {
    # The keys are the values stored in a map (and saved); translate both where shown: _(key).
    N_("Affected communities"): N_("the people whose security is at stake, in their own words"),
    N_("Women's groups"): N_("risks and needs differ by gender and are often unheard"),
    N_("Youth"): N_("the largest group in many crisis settings; future of any settlement"),
    N_("Older people"): N_("often less mobile, more exposed, rarely consulted"),
    N_("Persons with disabilities"): N_("left behind in evacuations and aid distributions"),
    N_("Refugees and displaced people"): N_("affected by decisions taken far away"),
    N_("Host communities"): N_("share scarce services and land with displaced people"),
    N_("Minorities and Indigenous peoples"): N_("exposed to discrimination and land loss"),
    N_("Local authorities"): N_("deliver services and know the ground"),
    N_("National ministries"): N_("hold the budget and the mandate"),
    N_("Civil society and NGOs"): N_("advocates, service providers, watchdogs"),
    N_("Faith and traditional leaders"): N_("trusted intermediaries in many communities"),
    N_("Diaspora"): N_("send remittances and shape opinion at home"),
    N_("Private sector"): N_("jobs, markets, supply chains"),
    N_("Security forces"): N_("can protect or threaten people"),
    N_("Donors and international organisations"): N_("money, norms and coordination"),
}

#: Quadrants of the influence × affected map (threshold at the midpoint).
QUADRANTS: dict[tuple[bool, bool], str] = {
    (True, True): N_("Affected and influential: involve as partners"),
    (True, False): N_("Affected, little influence: empower and protect"),
    (False, True): N_("Influential, little affected: engage and hold to account"),
    (False, False): N_("Less affected, little influence: keep informed"),
}

#: Aggregation rules: id -> plain-English label.
RULES: dict[str, str] = {
    "plurality": N_("Plurality (most first choices)"),
    "borda": N_("Borda count (points for every position)"),
    "weighted_borda": N_("Borda weighted by how affected people are"),
    "condorcet": N_("Condorcet (wins every head-to-head)"),
}

_EXAMPLE_DIR = Path(__file__).resolve().parent.parent / "lessons" / "data"


# --------------------------------------------------------------------------- stakeholders
def check_stakeholders(df: pd.DataFrame) -> pd.DataFrame:
    """Check a stakeholder table: ``name, group, influence (0–10), affected (0–10)``.

    >>> check_stakeholders(pd.DataFrame({"name": ["Farmers"], "group": ["Affected communities"],
    ...     "influence": [2], "affected": [9]}))["affected"].tolist()
    [9.0]
    >>> check_stakeholders(pd.DataFrame({"name": ["X"], "group": ["Youth"],
    ...     "influence": [12], "affected": [1]}))
    Traceback (most recent call last):
    ...
    widgets.errors.LabInputError: Stakeholder 'X': influence must be between 0 and 10 (found 12).
    """
    need = ["name", "group", "influence", "affected"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise LabInputError(_("The stakeholder table needs the column(s): {columns}.").format(
            columns=", ".join(missing)))
    out = df[need].copy()
    out["name"] = out["name"].astype(str).str.strip()
    if (out["name"] == "").any():
        raise LabInputError(_("Every stakeholder needs a name."))
    dup = out["name"].str.lower().duplicated()
    if dup.any():
        raise LabInputError(_("Stakeholder {name} is listed twice.").format(
            name=repr(out.loc[dup, "name"].iloc[0])))
    for col in ("influence", "affected"):
        values = pd.to_numeric(out[col], errors="coerce")
        bad = values.isna() | (values < 0) | (values > 10)
        if bad.any():
            i = bad.to_numpy().nonzero()[0][0]
            what = _("influence") if col == "influence" else _("affected")
            raise LabInputError(
                _("Stakeholder {name}: {column} must be between 0 and 10 (found {found}).").format(
                    name=repr(out["name"].iloc[i]), column=what, found=out[col].iloc[i]))
        out[col] = values.astype(float)
    return out.reset_index(drop=True)


def stakeholder_quadrants(df: pd.DataFrame, midpoint: float = 5.0) -> pd.DataFrame:
    """Add the map's quadrant to each stakeholder (``affected``/``influence`` ≥ ``midpoint`` = high).

    >>> df = pd.DataFrame({"name": ["Farmers", "Ministry"], "group": ["Affected communities",
    ...     "National ministries"], "influence": [2, 9], "affected": [9, 3]})
    >>> stakeholder_quadrants(df)["quadrant"].tolist()
    ['Affected, little influence: empower and protect', 'Influential, little affected: engage and hold to account']
    """
    out = check_stakeholders(df)
    high_a = out["affected"] >= midpoint
    high_i = out["influence"] >= midpoint
    out["quadrant"] = [QUADRANTS[(bool(a), bool(i))] for a, i in zip(high_a, high_i, strict=True)]
    return out


def missing_groups(df: pd.DataFrame, checklist: Iterable[str] | None = None) -> list[str]:
    """Groups from the checklist with nobody on the map yet (in checklist order).

    >>> df = pd.DataFrame({"name": ["A"], "group": ["Youth"], "influence": [1], "affected": [5]})
    >>> missing_groups(df, ["Youth", "Diaspora", "Host communities"])
    ['Diaspora', 'Host communities']
    """
    wanted = list(STAKEHOLDER_CHECKLIST if checklist is None else checklist)
    present = {str(g).strip().lower() for g in df.get("group", pd.Series(dtype=str))}
    return [g for g in wanted if g.lower() not in present]


def example_stakeholders() -> pd.DataFrame:
    """A worked stakeholder map for a drought-response decision (used in lesson 08).

    The positions are illustrative judgements for teaching, not data.

    >>> len(example_stakeholders()) > 5
    True
    """
    rows = [
        (N_("Pastoralist communities"), "Affected communities", 2, 9),
        (N_("Women farmers' cooperative"), "Women's groups", 2, 8),
        (N_("District council"), "Local authorities", 6, 6),
        (N_("Ministry of Finance"), "National ministries", 9, 2),
        (N_("Ministry of Agriculture"), "National ministries", 8, 4.5),
        (N_("Red Crescent branch"), "Civil society and NGOs", 5, 4),
        (N_("World Food Programme"), "Donors and international organisations", 7, 2),
        (N_("Grain traders"), "Private sector", 6, 3),
    ]
    # the names are the example's own words (translated); the groups are checklist keys
    rows = [(_(name), *rest) for name, *rest in rows]
    return pd.DataFrame(rows, columns=["name", "group", "influence", "affected"])


# --------------------------------------------------------------------------- rankings
@dataclass(frozen=True)
class Rankings:
    """Checked rankings: ``table`` has ``participant, group, affected`` + one rank column per option."""

    options: tuple[str, ...]
    table: pd.DataFrame

    @cached_property
    def ranks(self) -> np.ndarray:
        """Rank matrix, shape (participants, options); 1 = first choice (computed once)."""
        return self.table[list(self.options)].to_numpy(dtype=int)

    @cached_property
    def weights(self) -> np.ndarray:
        return self.table["affected"].to_numpy(dtype=float)

    def __len__(self) -> int:
        return len(self.table)


_META = ("participant", "group", "affected")


def _line(i: int, numbers: Sequence[int] | None = None) -> str:
    """The file line of data row ``i`` (the header is line 1; blank lines counted if known)."""
    return _("line {number}").format(number=numbers[i] if numbers is not None else i + 2)


def parse_rankings(df: pd.DataFrame, options: Sequence[str] | None = None,
                   where: str | None = None, line_numbers: Sequence[int] | None = None
                   ) -> Rankings:
    """Check a rankings table and return :class:`Rankings`, or say precisely what is wrong.

    Expected columns: ``participant`` (a name or code), optional ``group`` and
    ``affected`` (how affected the person is, 1 = a little … 5 = very; default
    1), then one column per option with a rank from 1 (first choice) to the
    number of options, each rank used once per row. ``options`` (if given) are
    the columns to use, in order; otherwise every other column is an option.

    >>> df = pd.DataFrame({"participant": ["Ana", "Ben"], "Cash": [1, 2], "Clinics": [2, 1]})
    >>> parse_rankings(df).options
    ('Cash', 'Clinics')
    >>> bad = pd.DataFrame({"participant": ["Ana", "Ben"], "Cash": [1, 1], "Clinics": [2, "x"]})
    >>> parse_rankings(bad)
    Traceback (most recent call last):
    ...
    widgets.errors.LabInputError: In the file, line 3 (participant 'Ben'), column 'Clinics': expected a whole number from 1 to 2 (1 = first choice), found 'x'.
    """
    where = _("the file") if where is None else where
    if not isinstance(df, pd.DataFrame) or df.shape[1] == 0:
        raise LabInputError(_("{where} is empty. Expected a header row: participant, group, "
                              "affected, then one column per option.").format(
                                  where=where.capitalize()))
    df = df.copy()
    df.columns = [str(c).strip() for c in df.columns]
    seen: dict[str, str] = {}
    for column in df.columns:
        if column.lower() in seen:
            raise LabInputError(
                _("{where} has two columns called {first} and {second} (capitals do not count). "
                  "Give each column its own name, or delete one of them.").format(
                    where=where.capitalize(), first=repr(seen[column.lower()]),
                    second=repr(column)))
        seen[column.lower()] = column
    lower = {c.lower(): c for c in df.columns}
    if "participant" not in lower:
        raise LabInputError(
            _("{where} has no 'participant' column (its columns are: {columns}). Expected: "
              "participant, group, affected, then one column per policy option holding each "
              "person's rank.").format(where=where.capitalize(), columns=", ".join(df.columns)))
    df = df.rename(columns={lower[m]: m for m in _META if m in lower})
    if options is None:
        options = [c for c in df.columns if c not in _META]
    options = [str(o).strip() for o in options]
    missing = [o for o in options if o not in df.columns]
    if missing:
        raise LabInputError(_("{where} has no column for the option(s): {options}.").format(
            where=where.capitalize(), options=", ".join(missing)))
    if len(options) < 2:
        raise LabInputError(
            _("{where} has {n} option column(s); a ranking needs at least two options (one "
              "column each, after participant, group, affected).").format(
                where=where.capitalize(), n=len(options)))
    if len(set(o.lower() for o in options)) < len(options):
        raise LabInputError(_("Two options have the same name; give each option its own column."))
    keep = ~df.isna().all(axis=1).to_numpy()
    if line_numbers is not None:
        line_numbers = [n for n, k in zip(line_numbers, keep, strict=True) if k]
    df = df[keep].reset_index(drop=True)
    if df.empty:
        raise LabInputError(_("{where} has a header but no participants.").format(
            where=where.capitalize()))
    k = len(options)
    participants, groups, affected = [], [], []
    rank_rows = []
    for i, row in df.iterrows():
        name = row["participant"]
        line = _line(i, line_numbers)
        name = _("participant on {line}").format(line=line) \
            if pd.isna(name) or not str(name).strip() else str(name).strip()
        who = _("{line} (participant {name})").format(line=line, name=repr(name))
        group = row.get("group", "")
        groups.append("" if pd.isna(group) else str(group).strip())
        a = row.get("affected", 1)
        if pd.isna(a) or str(a).strip() == "":
            a = 1
        try:
            a = float(a)
        except (TypeError, ValueError):
            a = float("nan")
        if not 1 <= a <= 5:
            raise LabInputError(
                _("In {where}, {who}, column 'affected': expected a number from 1 (a little) "
                  "to 5 (very), found {found}.").format(where=where, who=who,
                                                        found=repr(row.get("affected"))))
        ranks = []
        for opt in options:
            value = row[opt]
            text = "" if pd.isna(value) else str(value).strip()
            try:
                r = float(text)
                ok = r.is_integer() and 1 <= r <= k
            except ValueError:
                ok = False
            if not ok:
                found = _("nothing (the cell is empty)") if text == "" else repr(text)
                raise LabInputError(
                    _("In {where}, {who}, column {column}: expected a whole number from 1 to {k} "
                      "(1 = first choice), found {found}.").format(
                        where=where, who=who, column=repr(opt), k=k, found=found))
            ranks.append(int(r))
        seen: dict[int, str] = {}
        for opt, r in zip(options, ranks, strict=True):
            if r in seen:
                raise LabInputError(
                    _("In {where}, {who}: rank {rank} is given to both {first} and {second}. "
                      "Each option needs a different rank from 1 to {k}.").format(
                        where=where, who=who, rank=r, first=repr(seen[r]), second=repr(opt),
                        k=k))
            seen[r] = opt
        participants.append(name)
        affected.append(a)
        rank_rows.append(ranks)
    table = pd.DataFrame(rank_rows, columns=options)
    table.insert(0, "affected", affected)
    table.insert(0, "group", groups)
    table.insert(0, "participant", participants)
    return Rankings(tuple(options), table)


#: The most rankings a class CSV may hold (a room, or a large consultation).
MAX_PARTICIPANTS = 5_000


def read_rankings_csv(source: str | bytes | Path, options: Sequence[str] | None = None
                      ) -> Rankings:
    """Read and check a class's rankings CSV (a path, the file's bytes, or its text).

    >>> text = "participant,group,affected,Cash,Clinics\\nAna,Youth,3,1,2\\n"
    >>> read_rankings_csv(text).table["affected"].tolist()
    [3.0]
    >>> read_rankings_csv("participant,Cash,Clinics\\nAna,1\\n")
    Traceback (most recent call last):
    ...
    widgets.errors.LabInputError: In the file, line 2 (participant 'Ana'), column 'Clinics': expected a whole number from 1 to 2 (1 = first choice), found nothing (the cell is empty).
    """
    where = _("the file")
    if isinstance(source, Path) or (isinstance(source, str) and "\n" not in source
                                    and source.strip().lower().endswith(".csv")):
        path = confine(str(source), what="class CSV")
        where = _("the file {name}").format(name=path.name)
        raw = read_limited(path, what="class CSV")
    elif isinstance(source, bytes | bytearray | memoryview):
        raw = bytes(source)
    else:
        raw = str(source).encode("utf-8")
    if len(raw) > MAX_READ_BYTES:
        raise LabInputError(_("{where} is {size}, larger than the lab reads ({limit} at most). "
                              "A class CSV of a few hundred participants is well under 1 MB: "
                              "check it is the right file.").format(
                                  where=where.capitalize(), size=file_size(len(raw)),
                                  limit=file_size(MAX_READ_BYTES)))
    if not raw.strip():
        raise LabInputError(_("{where} is empty.").format(where=where.capitalize()))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    lines, numbers = [], []
    try:
        reader = csv.reader(io.StringIO(text), skipinitialspace=True)
        for row in reader:
            if any(cell.strip() for cell in row):
                lines.append(row)
                numbers.append(reader.line_num)
    except csv.Error as err:
        raise LabInputError(_("{where} is not a well-formed CSV table ({error}).").format(
            where=where.capitalize(), error=err)) from err
    if not lines:
        raise LabInputError(_("{where} is empty.").format(where=where.capitalize()))
    if len(lines) - 1 > MAX_PARTICIPANTS:
        raise LabInputError(_("{where} has {n} rankings; the synthesiser takes {limit} "
                              "participants at most. Split the class into groups, or sample "
                              "it.").format(where=where.capitalize(),
                                            n=format_number(len(lines) - 1, 0),
                                            limit=format_number(MAX_PARTICIPANTS, 0)))
    header = [c.strip() for c in lines[0]]
    for i, row in enumerate(lines[1:]):
        if len(row) > len(header):
            raise LabInputError(
                _("{where} is not a well-formed CSV table: line {line} has {values} values but "
                  "the header has {columns} columns. Check for an extra comma (a comma inside a "
                  "name needs quotes).").format(where=where.capitalize(), line=numbers[i + 1],
                                                values=len(row), columns=len(header)))
    body = [row + [""] * (len(header) - len(row)) for row in lines[1:]]
    df = pd.DataFrame(body, columns=header).replace("", np.nan)
    return parse_rankings(df, options, where, line_numbers=numbers[1:])


def rankings_from_orders(orders: Sequence[Sequence[str]], options: Sequence[str] | None = None,
                         participants: Sequence[str] | None = None,
                         groups: Sequence[str] | None = None,
                         affected: Sequence[float] | None = None) -> Rankings:
    """Rankings from orders written best first, e.g. ``["B", "A", "C"]``.

    >>> r = rankings_from_orders([["B", "A"], ["A", "B"]], participants=["x", "y"])
    >>> r.table[["participant", "A", "B"]].values.tolist()
    [['x', 2, 1], ['y', 1, 2]]
    """
    if not orders:
        raise LabInputError(_("There are no rankings yet. Add at least one participant's "
                              "ranking."))
    options = tuple(options or sorted({o for order in orders for o in order}))
    rows = []
    for i, order in enumerate(orders):
        order = [str(o).strip() for o in order]
        if sorted(order) != sorted(options):
            missing = [o for o in options if o not in order]
            extra = [o for o in order if o not in options]
            raise LabInputError(
                _("Ranking {n} must list every option exactly once ({options}).").format(
                    n=i + 1, options=", ".join(options))
                + (" " + _("Missing: {options}.").format(options=", ".join(missing))
                   if missing else "")
                + (" " + _("Not an option: {options}.").format(options=", ".join(extra))
                   if extra else ""))
        rows.append({o: order.index(o) + 1 for o in options})
    table = pd.DataFrame(rows, columns=list(options))
    n = len(orders)
    table.insert(0, "affected", list(affected) if affected is not None else [1.0] * n)
    table.insert(0, "group", list(groups) if groups is not None else [""] * n)
    table.insert(0, "participant",
                 list(participants) if participants is not None else [f"P{i + 1}" for i in range(n)])
    return parse_rankings(table, options, _("the rankings"))


def textbook_profile(name: str) -> Rankings:
    """Known voting profiles from the textbooks.

    * ``plurality_vs_borda``: 4 voters A>B>C, 3 voters B>C>A, 2 voters C>B>A.
      Plurality picks A; Borda and Condorcet pick B (A is the Condorcet loser).
    * ``condorcet_cycle``: A>B>C, B>C>A, C>A>B — every option loses a
      head-to-head: no Condorcet winner (Condorcet's paradox).

    >>> len(textbook_profile("plurality_vs_borda"))
    9
    """
    profiles = {
        "plurality_vs_borda": [["A", "B", "C"]] * 4 + [["B", "C", "A"]] * 3
        + [["C", "B", "A"]] * 2,
        "condorcet_cycle": [["A", "B", "C"], ["B", "C", "A"], ["C", "A", "B"]],
    }
    if name not in profiles:
        raise LabInputError(_("Unknown profile {name}. Choose: {names}.").format(
            name=repr(name), names=", ".join(profiles)))
    return rankings_from_orders(profiles[name], options=("A", "B", "C"))


def example_rankings() -> Rankings:
    """The example class consultation shipped with the lessons (``lessons/data``).

    >>> example_rankings().options[:2]
    ('Cash transfers', 'Mobile clinics')
    """
    return read_rankings_csv(_EXAMPLE_DIR / "consultation-example.csv")


def example_csv(name: str = "example") -> str:
    """The text of an example class file: ``"example"`` (clean) or ``"partial"`` (with mistakes).

    For exercises: lessons use the text, never a file path.

    >>> example_csv("partial").splitlines()[0]
    'participant,group,affected,Cash transfers,Mobile clinics,Water points,Security patrols'
    """
    files = {"example": "consultation-example.csv", "partial": "consultation-partial.csv"}
    if name not in files:
        raise LabInputError(_("Unknown example {name}. Choose: {names}.").format(
            name=repr(name), names=", ".join(files)))
    return (_EXAMPLE_DIR / files[name]).read_text(encoding="utf-8")


# --------------------------------------------------------------------------- rules
def plurality(rankings: Rankings) -> pd.Series:
    """Number of first choices per option.

    >>> plurality(textbook_profile("plurality_vs_borda")).tolist()
    [4.0, 3.0, 2.0]
    """
    first = rankings.ranks == 1
    return pd.Series(first.sum(axis=0).astype(float), index=list(rankings.options),
                     name="plurality")


def borda(rankings: Rankings, weights: Sequence[float] | np.ndarray | None = None) -> pd.Series:
    """Borda count: an option ranked r-th of k gets k − r points (optionally weighted).

    >>> borda(textbook_profile("plurality_vs_borda")).tolist()
    [8.0, 12.0, 7.0]
    """
    k = len(rankings.options)
    points = k - rankings.ranks
    w = np.ones(len(rankings)) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != (len(rankings),):
        raise LabInputError(_("Give one weight per participant."))
    if (w < 0).any() or w.sum() == 0:
        raise LabInputError(_("Weights must be non-negative and not all zero."))
    return pd.Series((w[:, None] * points).sum(axis=0), index=list(rankings.options),
                     name="borda")


def weighted_borda(rankings: Rankings) -> pd.Series:
    """Borda count where each participant counts as much as they are affected (1–5).

    >>> r = rankings_from_orders([["A", "B"], ["B", "A"]], affected=[1, 4])
    >>> weighted_borda(r).tolist()
    [1.0, 4.0]
    """
    return borda(rankings, rankings.weights).rename("weighted_borda")


def pairwise_matrix(rankings: Rankings) -> pd.DataFrame:
    """``M[a, b]`` = number of participants who rank ``a`` above ``b``.

    >>> int(pairwise_matrix(textbook_profile("plurality_vs_borda")).loc["B", "A"])
    5
    """
    r = rankings.ranks
    m = (r[:, :, None] < r[:, None, :]).sum(axis=0)
    return pd.DataFrame(m, index=list(rankings.options), columns=list(rankings.options))


def condorcet_winner(rankings: Rankings) -> str | None:
    """The option that a majority prefers to each other option, or ``None`` if there is none.

    >>> condorcet_winner(textbook_profile("plurality_vs_borda"))
    'B'
    """
    m = pairwise_matrix(rankings).to_numpy()
    beats = m > m.T
    np.fill_diagonal(beats, True)
    winners = [o for o, row in zip(rankings.options, beats, strict=True) if row.all()]
    return winners[0] if winners else None


def aggregate(rankings: Rankings) -> pd.DataFrame:
    """Every rule side by side: option, rule, score, share of the top score, winner.

    The Condorcet "score" is the number of head-to-head contests an option wins.

    >>> t = aggregate(textbook_profile("plurality_vs_borda"))
    >>> t[t["winner"]].set_index("rule")["option"].to_dict()
    {'plurality': 'A', 'borda': 'B', 'weighted_borda': 'B', 'condorcet': 'B'}
    """
    m = pairwise_matrix(rankings).to_numpy()
    wins = pd.Series((m > m.T).sum(axis=1).astype(float), index=list(rankings.options))
    cw = condorcet_winner(rankings)
    scores = {"plurality": plurality(rankings), "borda": borda(rankings),
              "weighted_borda": weighted_borda(rankings), "condorcet": wins}
    rows = []
    for rule, s in scores.items():
        top = s.max()
        for opt, v in s.items():
            if rule == "condorcet":
                winner = opt == cw
            else:
                winner = bool(v == top and top > 0)
            rows.append({"option": opt, "rule": rule, "rule_label": RULES[rule],
                         "score": float(v), "share_of_top": float(v / top) if top > 0 else 0.0,
                         "winner": winner})
    return pd.DataFrame(rows)


def winners(rankings: Rankings) -> dict[str, list[str]]:
    """Winner(s) under each rule (several if tied; empty for Condorcet if there is none).

    >>> winners(textbook_profile("condorcet_cycle"))["condorcet"]
    []
    """
    return winners_from_table(aggregate(rankings))


def winners_from_table(table: pd.DataFrame) -> dict[str, list[str]]:
    """Winner(s) per rule from an :func:`aggregate` table.

    >>> winners_from_table(aggregate(textbook_profile("plurality_vs_borda")))["plurality"]
    ['A']
    """
    out: dict[str, list[str]] = {rule: [] for rule in RULES}
    for rule, option, won in zip(table["rule"], table["option"], table["winner"], strict=True):
        if won:
            out[rule].append(option)
    return out


def disagreement(rankings: Rankings) -> pd.DataFrame:
    """How much participants disagree about each option.

    Columns: mean rank, standard deviation of ranks, number and share of
    first choices and of last choices; sorted by mean rank.

    >>> d = disagreement(textbook_profile("plurality_vs_borda"))
    >>> d.loc["A", ["first_choices", "last_choices"]].tolist()
    [4, 5]
    """
    r = rankings.ranks
    k = len(rankings.options)
    n = len(rankings)
    out = pd.DataFrame({
        "mean_rank": r.mean(axis=0), "rank_sd": r.std(axis=0),
        "first_choices": (r == 1).sum(axis=0), "last_choices": (r == k).sum(axis=0),
    }, index=pd.Index(list(rankings.options), name="option"))
    out["share_first"] = out["first_choices"] / n
    out["share_last"] = out["last_choices"] / n
    return out.sort_values("mean_rank")


def group_winners(rankings: Rankings) -> pd.DataFrame:
    """Each participant group's Borda winner, and whether it differs from the overall winner.

    These are the minority views a decision-maker should hear.

    >>> r = rankings_from_orders([["A", "B"], ["A", "B"], ["B", "A"]],
    ...                          groups=["Host", "Host", "Refugees"])
    >>> group_winners(r)[["group", "favourite", "differs_from_overall"]].values.tolist()
    [['Host', 'A', False], ['Refugees', 'B', True]]
    """
    overall = borda(rankings)
    best = overall[overall == overall.max()].index.tolist()
    rows = []
    table = rankings.table
    for group, sub in table.groupby(table["group"].replace("", _("(no group given)")), sort=True):
        part = Rankings(rankings.options, sub)
        s = borda(part)
        fav = s[s == s.max()].index.tolist()
        rows.append({"group": group, "participants": len(sub), "favourite": " / ".join(fav),
                     "differs_from_overall": not set(fav) & set(best)})
    return pd.DataFrame(rows)


def rankings_table(entries: Sequence[Mapping[str, object]], options: Sequence[str]) -> pd.DataFrame:
    """A rankings table from typed entries ``{participant, group, affected, order}``.

    ``order`` lists the options best first (a list, or text separated by commas or ``>``).

    >>> rankings_table([{"participant": "Ana", "group": "Youth", "affected": 2,
    ...                  "order": "B > A"}], ["A", "B"])[["participant", "A", "B"]].values.tolist()
    [['Ana', 2, 1]]
    """
    rows = []
    for e in entries:
        order = e["order"]
        if isinstance(order, str):
            sep = ">" if ">" in order else ","
            order = [o.strip() for o in order.split(sep) if o.strip()]
        lookup = {o.lower(): o for o in options}
        order = [lookup.get(str(o).strip().lower(), str(o).strip()) for o in order]
        who = e.get("participant") or _("a participant")
        unknown = [o for o in order if o not in options]
        if unknown:
            raise LabInputError(_("{who}: {option} is not one of the options ({options}).").format(
                who=who, option=repr(unknown[0]), options=", ".join(options)))
        if sorted(order) != sorted(options):
            missing = [o for o in options if o not in order]
            raise LabInputError(_("{who}: rank every option exactly once (best first).").format(
                who=who) + " " + (_("Missing: {options}.").format(options=", ".join(missing))
                                  if missing else _("An option appears twice.")))
        row = {"participant": e.get("participant", ""), "group": e.get("group", ""),
               "affected": e.get("affected", 1)}
        row |= {o: order.index(o) + 1 for o in options}
        rows.append(row)
    return pd.DataFrame(rows, columns=["participant", "group", "affected", *options])
