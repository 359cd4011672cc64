"""Consultation: stakeholder map and consultation synthesiser (lesson 08).

Two tabs. **Stakeholder map**: add who has a stake in a decision, place them by
influence and by how much they are affected, and see which typical groups are
not yet at the table. **Synthesiser**: participants' rankings of policy options
— typed in with a small form or loaded from a class's CSV file (upload or
path) — aggregated under four rules side by side, with disagreement and each
group's favourite made visible.

Nothing the facilitator types is lost: typed entries stay when a file is
loaded, and a file with a problem never replaces data that worked (the message
says which line and column to fix).

>>> w = Consultation(rankings="example")
>>> w.winners["plurality"], w.winners["borda"]
(['Security patrols'], ['Cash transfers'])
>>> w.load_text("participant,Cash transfers\\nX,1\\n")
>>> w.message_kind, len(w.rankings)
('error', 15)
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import ipywidgets as W
import pandas as pd

from widgets._paths import MAX_READ_BYTES, file_size
from widgets.charts.consultation import (
    map_sentence,
    rank_distribution_chart,
    rank_distribution_data,
    rank_distribution_description,
    rules_chart,
    rules_data,
    rules_description,
    stakeholder_chart,
    stakeholder_rows,
)
from widgets.consultation import (
    MAX_PARTICIPANTS,
    RULES,
    STAKEHOLDER_CHECKLIST,
    Rankings,
    aggregate,
    disagreement,
    example_rankings,
    example_stakeholders,
    group_winners,
    missing_groups,
    parse_rankings,
    rankings_table,
    read_rankings_csv,
    stakeholder_quadrants,
    textbook_profile,
    winners,
    winners_from_table,
)
from widgets.errors import LabInputError
from widgets.i18n import N_, _, format_number, ngettext
from widgets.ui import ChartPanel, LabWidget, data_table_html

__all__ = ["Consultation"]

_WIDE = {"description_width": "initial"}
_SH_COLS = ["name", "group", "influence", "affected"]
OTHER_GROUP = N_("Other")
#: Column names of the tables under the charts ("Show the data"), translated where shown.
# TRANSLATORS: these are column headers of data tables (lesson 08); keep them short.
_COLUMNS = (N_("name"), N_("group"), N_("influence"), N_("affected"), N_("quadrant"),
            N_("option"), N_("rule"), N_("rule_label"), N_("score"), N_("share_of_top"),
            N_("winner"), N_("mean_rank"), N_("rank_sd"), N_("first_choices"),
            N_("last_choices"), N_("share_first"), N_("share_last"))


def _example_label() -> str:
    return _("the example class (lessons/data/consultation-example.csv)")


def _shown(df: pd.DataFrame) -> pd.DataFrame:
    """A table as the reader sees it: column names, groups, quadrants, rules and yes/no translated.

    The English table is unchanged (its column names are the msgids).
    """
    out = df.copy()
    for col in ("group", "quadrant", "rule_label"):
        if col in out:
            out[col] = out[col].map(lambda v: _(v) if isinstance(v, str) and v else v)
    if "winner" in out:
        out["winner"] = out["winner"].map({True: _("True"), False: _("False")})
    return out.rename(columns={c: _(c) for c in out.columns if c in _COLUMNS})


def _empty_table(options: tuple[str, ...] | list[str]) -> pd.DataFrame:
    """An aggregate table with every option at zero (shown before any ranking exists)."""
    return pd.DataFrame([{"option": o, "rule": r, "rule_label": label, "score": 0.0,
                          "share_of_top": 0.0, "winner": False}
                         for r, label in RULES.items() for o in options])


class Consultation(LabWidget):
    """Stakeholder map and consultation synthesiser.

    Parameters
    ----------
    stakeholders : a table ``name, group, influence, affected``, ``"example"``, or None.
    rankings : :class:`~widgets.consultation.Rankings`, ``"example"`` (the example class),
        a textbook profile name, or None (start empty).
    options : option names for typed rankings when no file is loaded.
    """

    state_name = "consultation"
    state_controls = ("options_text",)

    def __init__(self, stakeholders: pd.DataFrame | str | None = "example",
                 rankings: Rankings | str | None = "example",
                 options: list[str] | None = None) -> None:
        # -- stakeholder map -------------------------------------------------
        if isinstance(stakeholders, str):
            stakeholders = example_stakeholders()
        self._stakeholders = (pd.DataFrame(columns=_SH_COLS) if stakeholders is None
                              else stakeholder_quadrants(stakeholders)[_SH_COLS])
        self.sh_name = W.Text(placeholder=_("e.g. Fishing cooperative"),
                              description=_("Stakeholder"),
                              style=_WIDE, layout=W.Layout(width="330px"))
        # option values stay English (they are saved); the labels are translated
        self.sh_group = W.Dropdown(options=[(_(g), g) for g in [*STAKEHOLDER_CHECKLIST,
                                                                 OTHER_GROUP]],
                                   description=_("Group"), style=_WIDE,
                                   layout=W.Layout(width="360px"))
        self.sh_influence = W.IntSlider(value=5, min=0, max=10,
                                        description=_("Influence (0–10)"), style=_WIDE)
        self.sh_affected = W.IntSlider(value=5, min=0, max=10, description=_("Affected (0–10)"),
                                       style=_WIDE)
        self.sh_add = W.Button(description=_("Add to the map"), icon="plus",
                               button_style="primary",
                               layout=W.Layout(width="auto")).add_class("hsl-submit")
        self.sh_remove_choice = W.Dropdown(description=_("Remove"), style=_WIDE,
                                           layout=W.Layout(width="330px"))
        self.sh_remove = W.Button(description=_("Remove"), icon="trash",
                                  layout=W.Layout(width="auto"))
        self.missing_html = W.HTML()
        sq = stakeholder_quadrants(self._stakeholders)
        self.map_panel = ChartPanel(stakeholder_chart(sq, missing_groups(sq)), "", _shown(sq))
        map_box = W.VBox([
            W.HTML("<p>" + _("Place each stakeholder by how much influence they have over the "
                             "decision and how much it affects them. Top left: the people most "
                             "affected and least heard.") + "</p>"),
            # Form fields: they take effect when "Add" or "Remove" is pressed.
            W.HBox([self.sh_name, self.sh_group]).add_class("hsl-form"),
            W.HBox([self.sh_influence, self.sh_affected]).add_class("hsl-form"),
            self.sh_add, W.HBox([self.sh_remove_choice, self.sh_remove]).add_class("hsl-form"),
            self.missing_html,
            self.map_panel,
        ])

        # -- synthesiser -----------------------------------------------------
        self._typed: list[dict[str, Any]] = []
        self._quiet = False
        self._loaded: Rankings | None = None
        self._loaded_label = ""
        if isinstance(rankings, str):
            self._loaded = example_rankings() if rankings == "example" \
                else textbook_profile(rankings)
            self._loaded_label = (_example_label() if rankings == "example"
                                  else _("textbook profile {name}").format(name=repr(rankings)))
        elif isinstance(rankings, Rankings):
            self._loaded, self._loaded_label = rankings, _("rankings given in code")
        start_options = (list(self._loaded.options) if self._loaded is not None
                         else options or [_("Option A"), _("Option B"), _("Option C")])
        self.options_text = W.Text(value=", ".join(start_options),
                                   description=_("Options (comma-separated)"), style=_WIDE,
                                   layout=W.Layout(width="620px"))
        self.p_name = W.Text(placeholder=_("name or code"), description=_("Participant"),
                             style=_WIDE)
        self.p_group = W.Combobox(options=[_("Host community"), _("Refugees"),
                                           _("Women's groups"), _("Youth"),
                                           _("Local authority"), _("NGO")],
                                  placeholder=_("e.g. Youth"), description=_("Group"),
                                  style=_WIDE, ensure_option=False)
        self.p_affected = W.IntSlider(value=3, min=1, max=5, description=_("How affected (1–5)"),
                                      style=_WIDE)
        self.p_order = W.Text(placeholder=_("best first, e.g. Water points > Cash transfers > …"),
                              description=_("Ranking"), style=_WIDE,
                              layout=W.Layout(width="620px"))
        self.p_add = W.Button(description=_("Add ranking"), icon="plus", button_style="primary",
                              layout=W.Layout(width="auto"))
        self.p_undo = W.Button(description=_("Remove last typed ranking"), icon="undo",
                               layout=W.Layout(width="auto"))
        self.upload = W.FileUpload(accept=".csv", multiple=False,
                                   description=_("Upload class CSV"),
                                   layout=W.Layout(width="auto"))
        self.path = W.Text(placeholder=_("or a file in your work folder, e.g. class.csv"),
                           description=_("File"),
                           style=_WIDE, layout=W.Layout(width="420px"))
        self.path_load = W.Button(description=_("Load file"), icon="folder-open",
                                  layout=W.Layout(width="auto"))
        self.use_example = W.Button(description=_("Use the example class"), icon="users",
                                    layout=W.Layout(width="auto"))
        self.clear_loaded = W.Button(description=_("Remove loaded file"), icon="times",
                                     layout=W.Layout(width="auto"))
        self.data_html = W.HTML()
        self.winners_html = W.HTML()
        self.groups_html = W.HTML()
        self._last: Rankings | None = None
        current = self._combine()
        table = aggregate(current) if len(current) else _empty_table(current.options)
        self.rules_panel = ChartPanel(rules_chart(table), "", _shown(table))
        self.dist_panel = ChartPanel(rank_distribution_chart(current), "", pd.DataFrame())
        self._dist_k = len(current.options)
        synth_box = W.VBox([
            W.HTML("<p>" + html.escape(_(
                "Type rankings in, or load the CSV your class filled in (columns: participant, "
                "group, affected 1–5, then one column per option with ranks, 1 = first choice). "
                "A file may have up to {n} rankings and {size}; a file you name must be in your "
                "own work folder or the class's shared folder.").format(
                    n=format_number(MAX_PARTICIPANTS, 0), size=file_size(MAX_READ_BYTES)),
                quote=False) + "</p>"),
            self.options_text,
            W.VBox([W.HBox([self.p_name, self.p_group]), self.p_affected,
                    self.p_order]).add_class("hsl-form"),
            W.HBox([self.p_add, self.p_undo]),
            W.HBox([self.upload, self.path, self.path_load]),
            W.HBox([self.use_example, self.clear_loaded]), self.data_html,
            self.winners_html, self.rules_panel, self.dist_panel, self.groups_html,
        ])
        self.tabs = W.Tab(children=[map_box, synth_box])
        self.tabs.set_title(0, _("Stakeholder map"))
        self.tabs.set_title(1, _("Synthesiser"))
        super().__init__([self.tabs])
        self._refresh_map()
        self._show_rankings(current)

        self.sh_add.on_click(self.safe(self.add_stakeholder))
        self.sh_remove.on_click(self.safe(self.remove_stakeholder))
        self.p_add.on_click(self.safe(self.add_ranking))
        self.p_undo.on_click(self.safe(self._on_undo))
        self.path_load.on_click(self.safe(lambda _b: self.load_path(self.path.value)))
        self.use_example.on_click(self.safe(self._on_example))
        self.clear_loaded.on_click(self.safe(self._on_clear_loaded))
        self.on_change(self.upload, self._on_upload)
        self.on_change(self.options_text, self._on_options)

    # ------------------------------------------------------------------ stakeholders
    @property
    def stakeholders(self) -> pd.DataFrame:
        return self._stakeholders.copy()

    def add_stakeholder(self, _button: Any = None) -> None:
        """Add the stakeholder in the form to the map."""
        name = self.sh_name.value.strip()
        if not name:
            raise LabInputError(_("Type the stakeholder's name first."))
        row = pd.DataFrame([{"name": name, "group": self.sh_group.value,
                             "influence": self.sh_influence.value,
                             "affected": self.sh_affected.value}])
        new = stakeholder_quadrants(pd.concat([self._stakeholders, row], ignore_index=True))
        self._stakeholders = new[_SH_COLS]
        self.sh_name.value = ""
        self._refresh_map()
        self.show_message(_("{name} added: {quadrant}.").format(
            name=name, quadrant=_(new["quadrant"].iloc[-1])), "info")

    def remove_stakeholder(self, _button: Any = None) -> None:
        name = self.sh_remove_choice.value
        if not name:
            raise LabInputError(_("Choose who to remove in the list next to the button first.")
                                if self.sh_remove_choice.options
                                else _("The map is empty: there is nobody to remove."))
        self._stakeholders = self._stakeholders[self._stakeholders["name"] != name]
        self._stakeholders = self._stakeholders.reset_index(drop=True)
        self._refresh_map()
        self.show_message(_("{name} removed from the map.").format(name=name), "info")

    def _refresh_map(self) -> None:
        sq = (stakeholder_quadrants(self._stakeholders) if len(self._stakeholders)
              else self._stakeholders.assign(quadrant=pd.Series(dtype=str)))
        missing = missing_groups(sq)
        self.map_panel.replace_rows(stakeholder_rows(sq))
        heard = sq[(sq["affected"] >= 5) & (sq["influence"] < 5)]["name"].tolist()
        text = map_sentence(len(sq), heard)
        if missing:
            text += " " + _("Not yet on the map: {groups}.").format(
                groups=", ".join(_(g) for g in missing))
        self.map_panel.update(table=_shown(sq), description=text)
        self.sh_remove_choice.options = sq["name"].tolist()
        items = "".join("<li>" + _("<b>{group}</b>: {why}").format(
            group=html.escape(_(g)), why=html.escape(_(STAKEHOLDER_CHECKLIST[g]))) + "</li>"
            for g in missing)
        self.missing_html.value = (
            "<p><b>" + _("Who is missing from the table?") + f"</b></p><ul>{items}</ul>"
            if items else "<p>" + _("Every group on the checklist is on the map.") + "</p>")

    # ------------------------------------------------------------------ rankings
    @property
    def options(self) -> list[str]:
        opts = [o.strip() for o in self.options_text.value.split(",") if o.strip()]
        if len(opts) < 2:
            raise LabInputError(_("List at least two options, separated by commas."))
        if len({o.lower() for o in opts}) < len(opts):
            raise LabInputError(_("Two options have the same name."))
        return opts

    @property
    def rankings(self) -> Rankings:
        """The rankings now shown (loaded file + typed entries)."""
        return self._last

    @property
    def winners(self) -> dict[str, list[str]]:
        return winners(self._last)

    def _combine(self) -> Rankings:
        """Loaded rankings plus typed entries, checked together."""
        options = list(self._loaded.options) if self._loaded is not None else self.options
        if self._loaded is not None and [o.lower() for o in self.options] != \
                [o.lower() for o in options]:
            raise LabInputError(
                _("The options typed above differ from the loaded file's columns ({options}). "
                  "Remove the loaded file to use your own options.").format(
                    options=", ".join(options)))
        parts = []
        if self._loaded is not None:
            parts.append(self._loaded.table)
        if self._typed:
            parts.append(rankings_table(self._typed, options))
        if not parts:
            return Rankings(tuple(options), pd.DataFrame(
                columns=["participant", "group", "affected", *options]))
        table = pd.concat(parts, ignore_index=True)
        return parse_rankings(table, options, where=_("the rankings"))

    def _update(self) -> None:
        current = self._combine()
        self._show_rankings(current)

    def _show_rankings(self, current: Rankings) -> None:
        self._last = current
        if len(current) == 0:
            self.data_html.value = ("<p><b>" + _("No rankings yet.") + "</b> "
                                    + _("Type one in, load your class's CSV file or use the "
                                        "example class.") + "</p>")
            self.winners_html.value = ""
            self.groups_html.value = ""
            empty = _empty_table(current.options)
            self.rules_panel.replace_rows(rules_data(empty))
            self.rules_panel.update(table=_shown(empty), description=_("No rankings yet."))
            self.dist_panel.replace_rows(rank_distribution_data(current))
            self.dist_panel.update(table=pd.DataFrame(), description=_("No rankings yet."))
            return
        table = aggregate(current)
        self.rules_panel.replace_rows(rules_data(table))
        self.rules_panel.update(table=_shown(table), description=rules_description(table))
        if len(current.options) != self._dist_k:  # the colour legend depends on k
            self.dist_panel.update(chart=rank_distribution_chart(current))
            self._dist_k = len(current.options)
        else:
            self.dist_panel.replace_rows(rank_distribution_data(current))
        self.dist_panel.update(table=_shown(disagreement(current).reset_index()),
                               description=rank_distribution_description(current))
        n_typed = len(self._typed)
        source = (_("{n} from {source}").format(n=len(current) - n_typed,
                                                 source=html.escape(self._loaded_label))
                  if self._loaded is not None else _("no file loaded"))
        self.data_html.value = "<p>" + ngettext(
            "<b>{n} participant(s)</b>: {source}; {typed} typed in here.",
            "<b>{n} participant(s)</b>: {source}; {typed} typed in here.", len(current)).format(
            n=len(current), source=source, typed=n_typed) + "</p>"
        w = winners_from_table(table)
        items = "".join(
            "<li>" + _("{rule}: {winner}").format(
                rule=html.escape(_(RULES[r])),
                winner="<b>" + html.escape(" / ".join(v) or _("no winner")) + "</b>") + "</li>"
            for r, v in w.items())
        self.winners_html.value = ("<p><b>" + _("Who wins depends on the rule:")
                                   + f"</b></p><ul>{items}</ul>")
        groups = group_winners(current)
        self.groups_html.value = (
            "<p>" + _("<b>Each group's favourite</b> (Borda count within the group). Where it "
                      "differs from the overall result, that is a minority view to report, not "
                      "to discard.") + "</p>"
            + data_table_html(groups.assign(differs_from_overall=groups[
                "differs_from_overall"].map({True: _("yes"), False: _("no")})).rename(columns={
                "group": _("Group"), "participants": _("Participants"),
                "favourite": _("Favourite"), "differs_from_overall": _("Differs from overall")}),
                _("Favourite option by group")))

    def add_ranking(self, _button: Any = None) -> None:
        """Add the ranking typed in the form (the form is kept if something is wrong)."""
        options = list(self._loaded.options) if self._loaded is not None else self.options
        entry = {"participant": self.p_name.value.strip() or f"T{len(self._typed) + 1}",
                 "group": self.p_group.value.strip(), "affected": int(self.p_affected.value),
                 "order": self.p_order.value}
        rankings_table([entry], options)  # raises with a clear message; nothing is cleared
        self._typed.append(entry)
        try:
            self._update()
        except LabInputError:
            self._typed.pop()
            raise
        self.p_name.value = ""
        self.p_order.value = ""
        self.show_message(_("Ranking from {name} added.").format(name=entry["participant"]),
                          "info")

    def _on_undo(self, _button: Any = None) -> None:
        if not self._typed:
            raise LabInputError(_("There are no typed rankings to remove."))
        entry = self._typed.pop()
        self._update()
        self.show_message(_("Removed the ranking from {name}.").format(name=entry["participant"]),
                          "info")

    def _accept(self, rankings: Rankings, label: str) -> None:
        """Use newly loaded rankings only if they work together with the typed entries."""
        previous, previous_label = self._loaded, self._loaded_label
        previous_text = self.options_text.value
        self._loaded, self._loaded_label = rankings, label
        self._quiet = True
        try:
            self.options_text.value = ", ".join(rankings.options)
            self._update()
        except LabInputError as err:
            self._loaded, self._loaded_label = previous, previous_label
            self.options_text.value = previous_text
            raise LabInputError(
                _("{label} cannot be combined with the rankings typed here: {error} Nothing was "
                  "changed; remove the typed rankings first to use this file.").format(
                    label=label, error=err)) from err
        finally:
            self._quiet = False
        self.show_message(ngettext("Loaded {n} ranking(s) from {label}.",
                                   "Loaded {n} ranking(s) from {label}.", len(rankings)).format(
            n=len(rankings), label=label), "info")

    def load_text(self, text: str | bytes, label: str | None = None) -> None:
        """Load a class CSV from its text; a bad file leaves the current data untouched."""
        label = _("the uploaded file") if label is None else label
        try:
            rankings = read_rankings_csv(text if isinstance(text, bytes) else str(text))
        except LabInputError as err:
            message = str(err).replace(_("the file"), label, 1)
            self.show_message(_("{message} The data already shown are unchanged.").format(
                message=message), "error")
            return
        self._accept(rankings, label)

    def load_path(self, path: str | Path) -> None:
        """Load a class CSV from a path on this computer."""
        if not str(path).strip():
            raise LabInputError(_("Type the path of a CSV file first."))
        try:
            rankings = read_rankings_csv(Path(str(path).strip()))
        except LabInputError as err:
            self.show_message(_("{message} The data already shown are unchanged.").format(
                message=err), "error")
            return
        self._accept(rankings, Path(str(path).strip()).name)

    def _on_upload(self, change: dict) -> None:
        files = change["new"]
        if not files:
            return
        f = files[0]
        name = f.get("name") or _("the uploaded file")
        if not name.lower().endswith(".csv"):
            raise LabInputError(_("{name} is not a .csv file. Save the sheet as CSV and try "
                                  "again.").format(name=name))
        self.load_text(bytes(f["content"]), label=name)

    def _on_example(self, _button: Any = None) -> None:
        self._accept(example_rankings(), _example_label())

    def _on_clear_loaded(self, _button: Any = None) -> None:
        if self._loaded is None:
            raise LabInputError(_("No file is loaded."))
        self._loaded, self._loaded_label = None, ""
        self._update()
        self.show_message(_("Loaded file removed; your typed rankings are kept."), "info")

    def _on_options(self, change: dict) -> None:
        if self._quiet:
            return
        if self._loaded is not None:
            self._quiet = True
            self.options_text.value = ", ".join(self._loaded.options)
            self._quiet = False
            raise LabInputError(_("The options come from the loaded file's columns. Remove the "
                                  "loaded file to type your own options."))
        self.options  # noqa: B018 - validates
        self._update()

    # ------------------------------------------------------------------ state
    def learner_state(self) -> dict[str, Any]:
        state = super().learner_state()
        state["typed"] = [dict(e) for e in self._typed]
        state["stakeholders"] = self._stakeholders.to_dict("records")
        if self._loaded is not None:
            state["loaded"] = {"label": self._loaded_label,
                               "table": self._loaded.table.to_dict("records"),
                               "options": list(self._loaded.options)}
        return state

    def restore_learner_state(self, state: dict[str, Any]) -> list[str]:
        state = dict(state)
        typed = state.pop("typed", None)
        stakeholders = state.pop("stakeholders", None)
        loaded = state.pop("loaded", None)
        skipped: list[str] = []
        if loaded:
            try:
                self._loaded = parse_rankings(pd.DataFrame(loaded["table"]), loaded["options"],
                                              _("the saved rankings"))
                self._loaded_label = loaded.get("label", _("saved rankings"))
            except (LabInputError, KeyError):
                skipped.append("loaded")
        self._quiet = True
        try:
            skipped += super().restore_learner_state(state)
        finally:
            self._quiet = False
        if typed is not None:
            self._typed = [dict(e) for e in typed]
        if stakeholders is not None:
            try:
                self._stakeholders = stakeholder_quadrants(pd.DataFrame(stakeholders))[_SH_COLS]
            except LabInputError:
                skipped.append("stakeholders")
        self._refresh_map()
        try:
            self._update()
        except LabInputError as err:
            self.show_message(str(err), "error")
        return skipped
