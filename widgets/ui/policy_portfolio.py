"""PolicyPortfolio: split a foreign-policy budget across the 3D triad (lesson 06).

>>> w = PolicyPortfolio()
>>> w.a_deterrence.value = 100
>>> round(w.shares_a["deterrence"], 3) > 0.4
True
>>> for s in w.sliders_a.values():
...     s.value = 0
>>> "empty" in w.message_text
True
"""

from __future__ import annotations

import html

import ipywidgets as W
import numpy as np
import pandas as pd

from widgets.charts.triad import matrix_chart, robustness_chart, robustness_rows, scorecard_chart
from widgets.i18n import N_, _, format_number, format_percent, ngettext
from widgets.triad import (
    _score_array,
    coherence_flags,
    instrument_ids,
    load_matrix,
    matrix_robustness,
    matrix_table,
    normalise_allocation,
    pillar_totals,
)
from widgets.ui import ChartPanel, LabWidget

__all__ = ["PRESETS", "MatrixRobustness", "PolicyPortfolio"]

#: Example portfolios for discussion (budget units per instrument; not recommendations).
#: The first entry of the example menus (its value stays English).
CHOOSE = N_("(choose an example)")
#: Horizons, kinds of outcome and the robustness table's columns, translated where shown.
HORIZONS = {"short": N_("short"), "long": N_("long"), "both": N_("both")}
KINDS = {"state": N_("state"), "human": N_("human")}
# TRANSLATORS: column headers of the robustness table (lesson 06); keep them short.
N_("label"), N_("horizon"), N_("difference"), N_("b_ahead"), N_("same_sign")
# The names are the presets' keys (PolicyPortfolio(a="Defence first")); shown translated: _(name).
N_("Defence first"), N_("Balanced 3D"), N_("Development first"), N_("Crisis response")
PRESETS: dict[str, dict[str, int]] = {
    "Defence first": {"deterrence": 60, "peacekeeping": 10, "security_sector_reform": 10,
                      "multilateral_engagement": 5, "health_systems": 10, "livelihoods": 5},
    "Balanced 3D": {k: 10 for k in ("mediation", "humanitarian_diplomacy",
                                    "multilateral_engagement", "health_systems", "education",
                                    "livelihoods", "climate_adaptation", "governance",
                                    "deterrence", "peacekeeping", "civilian_protection",
                                    "security_sector_reform")},
    "Development first": {"health_systems": 25, "education": 20, "livelihoods": 15,
                          "climate_adaptation": 15, "governance": 10, "mediation": 5,
                          "deterrence": 10},
    "Crisis response": {"humanitarian_diplomacy": 20, "civilian_protection": 25,
                        "peacekeeping": 20, "mediation": 15, "health_systems": 10,
                        "livelihoods": 10},
}


class PolicyPortfolio(LabWidget):
    """Two budget portfolios (A and B) scored on state and human security side by side.

    Parameters
    ----------
    a, b : names of :data:`PRESETS` to start from.
    """

    state_name = "policy_portfolio"

    def __init__(self, a: str = "Defence first", b: str = "Balanced 3D") -> None:
        self._matrix = load_matrix()  # its words in the reader's language
        self._ids = instrument_ids()
        self._table = matrix_table(self._matrix)
        # precomputed for fast callbacks: scores (instruments × cells), cell labels and kinds
        self._arr, self._cells = _score_array(self._matrix)
        outs = self._matrix["outcomes"]
        self._cell_labels = [outs[o]["label"] for o, _ in self._cells]
        self._cell_kinds = np.array([outs[o]["kind"] for o, _ in self._cells])
        insts = self._matrix["instruments"]
        pillars = self._matrix["pillars"]
        self.sliders_a: dict[str, W.IntSlider] = {}
        self.sliders_b: dict[str, W.IntSlider] = {}
        columns = []
        for side, store in (("a", self.sliders_a), ("b", self.sliders_b)):
            rows: list[W.Widget] = [W.HTML(_(
                "<b>Portfolio {side}</b> (budget units; shares are computed from them)").format(
                    side=side.upper()))]
            preset = W.Dropdown(options=[(_(CHOOSE), CHOOSE), *((_(p), p) for p in PRESETS)],
                                value=CHOOSE, description=_("Example"),
                                layout=W.Layout(width="300px"))
            setattr(self, f"preset_{side}", preset)
            rows.append(preset)
            current = None
            for key in self._ids:
                spec = insts[key]
                if spec["pillar"] != current:
                    current = spec["pillar"]
                    rows.append(W.HTML(f"<i>{html.escape(pillars[current])}</i>"))
                label = spec["label"]  # the matrix's own words (widgets/assumptions/triad_matrix.yml)
                s = W.IntSlider(value=0, min=0, max=100, step=5,
                                description=label.split(" (")[0], tooltip=label,
                                style={"description_width": "210px"},
                                layout=W.Layout(width="420px"), continuous_update=False)
                setattr(self, f"{side}_{key}", s)
                store[key] = s
                rows.append(s)
            columns.append(W.VBox(rows))
        self.state_controls = (*(f"a_{k}" for k in self._ids), *(f"b_{k}" for k in self._ids))
        self._apply(self.sliders_a, PRESETS[a])
        self._apply(self.sliders_b, PRESETS[b])
        self.shares_a = normalise_allocation({k: s.value for k, s in self.sliders_a.items()})
        self.shares_b = normalise_allocation({k: s.value for k, s in self.sliders_b.items()})
        self.pillars_html = W.HTML()
        self.flags_html = W.HTML()
        outcome_labels = {k: v["label"] for k, v in self._matrix["outcomes"].items()}
        self.scorecard = ChartPanel(
            scorecard_chart(self._table, self._ids, [self.shares_a[k] for k in self._ids],
                            [self.shares_b[k] for k in self._ids], outcome_labels), "",
            caption=_("Scorecard of portfolios A and B"),
            source=_("Scores: the lab's teaching matrix (widgets/assumptions/triad_matrix.yml), "
                     "a documented assumption, not a finding."))
        self.matrix_panel = ChartPanel(
            matrix_chart(self._table, {k: v["label"] for k, v in insts.items()},
                         {k: v["short"] for k, v in self._matrix["outcomes"].items()}),
            _("The scoring matrix: one row per instrument, one column per outcome and horizon; "
              "each cell is the assumed contribution of one budget unit, from −1 (works against) "
              "to 3 (strong). Deterrence scores −1 on long-term freedom from want (money not "
              "spent on people's needs)."),
            self._table, caption=_("Scoring matrix (long form)"))
        self.reasoning = W.HTML(
            "<details><summary><b>" + _("Why these scores? (reasoning per instrument)")
            + "</b></summary><ul>"
            + "".join(f"<li><b>{html.escape(v['label'])}:</b> {html.escape(v['reasoning'])}</li>"
                      for v in insts.values()) + "</ul></details>")
        super().__init__([
            W.HBox(columns), self.pillars_html, self.flags_html, self.scorecard,
            W.HTML("<p style='max-width:760px;background:#fff4d6;padding:4px 8px'>" + _(
                "<b>Teaching assumption:</b> the scorecard is only as good as the matrix below. "
                "It is linear (twice the money, twice the score), ignores context, timing and "
                "how well money is spent, and its numbers come from judgement, not from a study. "
                "Change the matrix in code with <code>widgets.triad.load_matrix()</code> and "
                "argue about it.") + "</p>"),
            self.matrix_panel, self.reasoning,
        ])
        self.on_change(list(self.sliders_a.values()), lambda ch: self._on_change("a"))
        self.on_change(list(self.sliders_b.values()), lambda ch: self._on_change("b"))
        self.on_change(self.preset_a, lambda ch: self._on_preset("a"))
        self.on_change(self.preset_b, lambda ch: self._on_preset("b"))
        self._refresh()

    # ------------------------------------------------------------------ helpers
    def _apply(self, sliders: dict[str, W.IntSlider], preset: dict[str, int]) -> None:
        self._applying = True
        try:
            for key, s in sliders.items():
                s.value = int(preset.get(key, 0))
        finally:
            self._applying = False

    def _on_preset(self, side: str) -> None:
        dd = getattr(self, f"preset_{side}")
        if dd.value in PRESETS:
            self._apply(getattr(self, f"sliders_{side}"), PRESETS[dd.value])
            self._on_change(side)

    def _on_change(self, side: str) -> None:
        if getattr(self, "_applying", False):
            return
        sliders = self.sliders_a if side == "a" else self.sliders_b
        shares = normalise_allocation({k: s.value for k, s in sliders.items()})
        setattr(self, f"shares_{side}", shares)
        self.clear_message()
        self._refresh()

    def _refresh(self) -> None:
        a, b = self.shares_a, self.shares_b
        self.scorecard.set_params(shares_a=[a[k] for k in self._ids],
                                  shares_b=[b[k] for k in self._ids])
        wa = np.array([a[k] for k in self._ids])
        wb = np.array([b[k] for k in self._ids])
        sa, sb = wa @ self._arr, wb @ self._arr
        pa, pb = pillar_totals(a, self._matrix), pillar_totals(b, self._matrix)
        names = self._matrix["pillars"]
        self.pillars_html.value = "<p>" + _(
            "<b>Shares by pillar.</b> A: {a} · B: {b}").format(
            a=", ".join(f"{names[p]} {format_percent(v)}" for p, v in pa.items()),
            b=", ".join(f"{names[p]} {format_percent(v)}" for p, v in pb.items())) + "</p>"
        parts = []
        for side, shares in (("A", a), ("B", b)):
            flags = coherence_flags(shares, self._matrix)
            items = "".join(f"<li>{html.escape(f['message'])} <span style='font-size:11px;"
                            f"color:#555'>({html.escape(f['source'])})</span></li>"
                            for f in flags) or "<li>" + _("No coherence rule fires.") + "</li>"
            parts.append("<div style='flex:1;min-width:320px'><b>"
                         + _("Coherence flags, portfolio {side}").format(side=side)
                         + f"</b><ul>{items}</ul></div>")
        self.flags = {"A": coherence_flags(a, self._matrix), "B": coherence_flags(b, self._matrix)}
        self.flags_html.value = ("<div role='status' style='display:flex;gap:16px;"
                                 "max-width:900px'>" + "".join(parts) + "</div>")
        diff = sb - sa
        i = int(np.argmax(np.abs(diff)))
        st, hu = self._cell_kinds == "state", self._cell_kinds == "human"
        self.comparison = pd.DataFrame({
            _("Outcome"): self._cell_labels,
            _("Horizon"): [_(HORIZONS.get(h, h)) for _o, h in self._cells],
            _("State or human security"): [_(KINDS.get(k, k)) for k in self._cell_kinds],
            "A": sa.round(3), "B": sb.round(3), _("difference (B − A)"): diff.round(3)})
        term = (_("short term") if self._cells[i][1] == "short" else _("long term")
                if self._cells[i][1] == "long" else self._cells[i][1])
        self.scorecard.update(
            description=_(
                "Average state-security score: A {state_a}, B {state_b}; average human-security "
                "score: A {human_a}, B {human_b}. The biggest difference is on {outcome} "
                "({term}): A {a}, B {b}.").format(
                state_a=format_number(sa[st].mean(), 2), state_b=format_number(sb[st].mean(), 2),
                human_a=format_number(sa[hu].mean(), 2), human_b=format_number(sb[hu].mean(), 2),
                outcome=self._cell_labels[i].lower(), term=term,
                a=format_number(sa[i], 2), b=format_number(sb[i], 2)),
            table=self.comparison)


class MatrixRobustness(LabWidget):
    """How often portfolio B stays ahead of A if every score of the matrix could be off.

    Reads the shares of a :class:`PolicyPortfolio` when the slider moves or the
    button is pressed (not at every portfolio change, so that moving a budget
    slider redraws only the scorecard).

    >>> p = PolicyPortfolio()
    >>> r = MatrixRobustness(p, draws=200)
    >>> r.spread.value = 0
    >>> float(r.result.loc[("defence", "short"), "b_ahead"])
    0.0
    >>> p.a_deterrence.value = 0
    >>> r.again.click()
    >>> bool(r.result.loc[("defence", "short"), "b_ahead"] > 0)
    True
    """

    state_controls = ("spread",)
    state_name = "matrix_robustness"

    def __init__(self, portfolio: PolicyPortfolio, spread: int = 1, draws: int = 2000) -> None:
        self._portfolio = portfolio
        self._draws = draws
        self.spread = W.IntSlider(value=spread, min=0, max=3, step=1,
                                  description=_("How far each score could be off (± points)"),
                                  style={"description_width": "initial"},
                                  layout=W.Layout(width="460px"), continuous_update=False)
        self.result = self._compute()
        self.panel = ChartPanel(robustness_chart(self.result), self._sentence(),
                                self._table(), caption=_("Robustness of the comparison"),
                                source=_("Scores: the lab's teaching matrix (an assumption), "
                                         "with random changes of each cell."))
        self.again = W.Button(description=_("Check the portfolios as they are now"),
                              tooltip=_("Run the check again with the sliders of portfolios A "
                                        "and B"),
                              layout=W.Layout(width="300px"))
        super().__init__([W.HBox([self.spread, self.again]), self.panel])
        self.on_change(self.spread, lambda ch: self._refresh())
        self.again.on_click(self.safe(lambda _button: self._refresh()))

    def _compute(self) -> pd.DataFrame:
        return matrix_robustness(self._portfolio.shares_a, self._portfolio.shares_b,
                                 spread=int(self.spread.value), draws=self._draws,
                                 matrix=self._portfolio._matrix)

    def _sentence(self) -> str:
        r = self.result
        human, state = r.loc[("human_average", "both")], r.loc[("state_average", "both")]
        return ngettext(
            "With every score of the matrix possibly off by up to {spread} point(s), portfolio B "
            "scores above portfolio A on the average of the human-security outcomes in {human} "
            "of {draws} draws, and on the average of the state-security outcomes in {state}.",
            "With every score of the matrix possibly off by up to {spread} point(s), portfolio B "
            "scores above portfolio A on the average of the human-security outcomes in {human} "
            "of {draws} draws, and on the average of the state-security outcomes in {state}.",
            int(self.spread.value)).format(
            spread=self.spread.value, human=format_percent(human["b_ahead"]),
            draws=format_number(self._draws, 0), state=format_percent(state["b_ahead"]))

    def _table(self) -> pd.DataFrame:
        table = self.result.reset_index(drop=True)[
            ["label", "horizon", "difference", "b_ahead", "same_sign"]].round(3)
        table["horizon"] = table["horizon"].map(lambda h: _(HORIZONS.get(h, h)))
        return table.rename(columns={c: _(c) for c in table.columns})

    def _refresh(self) -> None:
        self.result = self._compute()
        self.panel.replace_rows(robustness_rows(self.result))
        self.panel.set_data(description=self._sentence())
        self.panel.update(table=self._table)
