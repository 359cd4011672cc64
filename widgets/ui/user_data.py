"""Load a trainer's own table (CSV or Excel) into the lab: :class:`UserDataLoader`.

What a trainer loading a spreadsheet five minutes before class can expect:

* a file with an ``indicator`` column (several indicators in long form): the
  loader lists them in *Indicator in the file*; each is added on its own, with
  its own name, unit, dimension and direction (they differ between indicators,
  and the index builder needs the direction right), so add them one by one;
* a second table with a name already used is refused with a message that
  proposes a free name, unless *Replace the table with the same name* is ticked;
* a bad file changes nothing already loaded (it is read before anything is
  written or registered);
* the tidy table, a JSON note of what it is and a copy of the original file go
  to ``<work folder>/my-data`` only (never ``datasets/``, ``lessons/data`` or a
  class's ``shared/`` folder), written atomically; a loader started later (the
  next lesson, after a restart) finds them there and adds them again.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import ipywidgets as W
import pandas as pd

from widgets.data import DIMENSIONS
from widgets.errors import LabInputError
from widgets.i18n import N_, _, format_number, ngettext
from widgets.ui import LabWidget
from widgets.usertable import (
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_ROWS,
    USER_INDICATORS,
    UserTable,
    indicators_in,
    my_data_dir,
    one_indicator,
    read_saved_table,
    read_user_table,
    register_user_indicator,
    restore_saved_tables,
    slug,
)

_WIDE = {"description_width": "150px"}
_FIELD = {"width": "460px"}
#: (Marked for translation; shown with :func:`limits_text`.)
LIMITS_TEXT = N_(
    "<p>Upload a CSV or Excel (.xlsx) file of up to {size} MB "
    "and {rows} rows: either columns <i>country, year, value</i> or one "
    "row per country with one column per year. Country names can be in English, French or "
    "Spanish, or ISO codes. The file is kept in your own work folder (my-data), "
    "never shared with the class.</p>"
)
MULTI_TEXT = N_("This file holds {n} indicators. Choose one in 'Indicator in the file', name it "
                "and press Add to the lab; then choose the next one and add it too (each needs "
                "its own unit and direction).")
_DIRECTIONS = {"higher_is_better": N_("higher is better"), "higher_is_worse": N_("higher is worse"),
               "neutral": N_("neutral")}


def limits_text() -> str:
    """The loader's first paragraph (limits and where the file goes), in the reader's language."""
    return _(LIMITS_TEXT).format(size=MAX_UPLOAD_BYTES // (1024 * 1024),
                                 rows=format_number(MAX_UPLOAD_ROWS))


def _protected_folders() -> list[Path]:
    """Folders the loader never writes into: the lab's data, its examples, a class's shared/."""
    from widgets._paths import DATA_DIR, EXAMPLE_DATA_DIR, REPO_ROOT, class_dir

    out = [DATA_DIR, REPO_ROOT / "datasets", EXAMPLE_DATA_DIR]
    room = class_dir()
    if room is not None:
        out.append(room / "shared")
    return out


def check_writable(folder: Path) -> Path:
    """``folder`` resolved, or a ``LabInputError`` if it lies in a folder the lab protects."""
    target = Path(folder).resolve()
    for root in _protected_folders():
        root = root.resolve()
        if target == root or root in target.parents:
            raise LabInputError(_(
                "Your work folder is inside the lab's own data, so your table was not saved "
                "there ({folder}). Ask your trainer to set a work folder of your own "
                "(HSL_WORK_DIR); nothing was changed.").format(folder=target))
    return target


def _write_atomic(path: Path, content: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def describe_table(meta: dict) -> str:
    """One line naming a loaded table, for the loader, the brief and the class report.

    >>> describe_table({"label": "Reach", "unit": "%", "dimension": "food",
    ...                 "direction": "higher_is_better", "source": "ngo.csv", "values": 12})
    'Reach (%; Food security; higher is better; 12 values) from the file ngo.csv'
    """
    dimension = DIMENSIONS.get(meta.get("dimension", ""), "")
    direction = _DIRECTIONS.get(meta.get("direction", ""), "")
    # the unit as the learner typed it; the lab's words translated
    bits = [b for b in (meta.get("unit"), dimension and _(dimension), direction and _(direction))
            if b]
    if meta.get("values") is not None:
        n = int(meta["values"])
        bits.append(ngettext("{n} value", "{n} values", n).format(n=format_number(n)))
    where = _("from the file {file}").format(file=meta.get("source", "?"))
    if meta.get("indicator_in_file"):
        where = _("indicator {indicator} in the file {file}").format(
            indicator=repr(meta["indicator_in_file"]), file=meta.get("source", "?"))
    return f"{meta.get('label', meta.get('key', '?'))} ({'; '.join(bits)}) {where}"


class UserDataLoader(LabWidget):
    """Upload a table, name it, and add it to the lab's explorers as "your data"."""

    state_name = "user_data"

    def __init__(self) -> None:
        self.upload = W.FileUpload(accept=".csv,.xlsx", multiple=False,
                                   description=_("Choose a file"), layout=W.Layout(width="auto"))
        self.which = W.Dropdown(options=[], description=_("Indicator in the file"), style=_WIDE,
                                layout=W.Layout(**_FIELD, display="none"))
        self.name = W.Text(description=_("Indicator name"),
                           placeholder=_("e.g. Households reached"),
                           style=_WIDE, layout=W.Layout(**_FIELD))
        self.unit = W.Text(description=_("Unit"), placeholder=_("e.g. % of households"),
                           style=_WIDE, layout=W.Layout(**_FIELD))
        self.dimension = W.Dropdown(options=[(_(v), k) for k, v in DIMENSIONS.items()],
                                    value="economic", description=_("Dimension"), style=_WIDE,
                                    layout=W.Layout(**_FIELD))
        self.direction = W.Dropdown(options=[(_("Higher is better"), "higher_is_better"),
                                             (_("Higher is worse"), "higher_is_worse"),
                                             (_("Neutral"), "neutral")],
                                    value="higher_is_better", description=_("Direction"),
                                    style=_WIDE, layout=W.Layout(**_FIELD))
        self.replace = W.Checkbox(value=False, indent=False,
                                  description=_("Replace the table with the same name"),
                                  layout=W.Layout(margin="2px 0 2px 154px", width="auto"))
        self.add = W.Button(description=_("Add to the lab"), icon="plus", button_style="primary",
                            layout=W.Layout(width="auto")).add_class("hsl-submit")
        self.loaded_html = W.HTML()
        self.loaded: list[dict[str, Any]] = []
        self._parsed: tuple[str, int, UserTable] | None = None  # (file, size, table)
        self._prefilled = ""
        form = W.VBox([W.HTML(limits_text()), W.HBox([self.upload]), self.which, self.name,
                       self.unit, self.dimension, self.direction, self.replace,
                       W.HBox([self.add])]).add_class("hsl-form")
        super().__init__([form, self.loaded_html])
        self.add.on_click(self.safe(lambda _b: self.add_upload()))
        self.on_change(self.upload, self._on_file)
        self.on_change(self.which, self._on_which)
        self.restored = self._restore_saved()

    # -- the chosen file ---------------------------------------------------------
    def _file(self) -> tuple[str, bytes]:
        value = self.upload.value
        if not value:
            raise LabInputError(_("Choose a CSV or Excel file first, then press Add to the lab."))
        item = value[0]
        return str(item["name"]), bytes(item["content"])

    def _table(self) -> tuple[str, UserTable]:
        """The chosen file, read once (``LabInputError`` with row and column if it is bad)."""
        file_name, raw = self._file()
        if self._parsed is None or self._parsed[:2] != (file_name, len(raw)):
            self._parsed = None
            self._parsed = (file_name, len(raw), read_user_table(raw, name=file_name))
        return file_name, self._parsed[2]

    def _on_file(self, change: dict) -> None:
        """Read the file as soon as it is chosen: problems show before anything is typed."""
        self.clear_message()
        self._parsed = None
        self.which.options = []
        self.which.layout.display = "none"
        file_name, table = self._table()
        names = indicators_in(table.data)
        if len(names) > 1:
            self.which.options = names
            self.which.value = names[0]
            self.which.layout.display = None
            self.show_message(_(MULTI_TEXT).format(n=len(names)), "info")
        self._prefill(names[0] if names else "")

    def _on_which(self, change: dict) -> None:
        if change["new"]:
            self._prefill(str(change["new"]))

    def _prefill(self, label: str) -> None:
        """Offer the file's own indicator name, unless the learner typed one."""
        if label and self.name.value.strip() in ("", self._prefilled):
            self.name.value = label
            self._prefilled = label

    # -- adding --------------------------------------------------------------------
    def _same_name_problem(self, key: str, label: str) -> str:
        folder = my_data_dir()
        old = USER_INDICATORS.get(key)
        if old is None and (folder / f"{key}.json").exists():
            try:
                old = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                old = {"source": _("an earlier file")}
        if old is None:
            return ""
        n = 2
        while ("my_" + slug(f"{label} ({n})") in USER_INDICATORS
               or (folder / f"{'my_' + slug(f'{label} ({n})')}.json").exists()):
            n += 1
        return _("You already added a table called {label} (from the file "
                 "{file}). To keep both, give this one another name, for "
                 "example {example}. To replace the first one, tick 'Replace the table "
                 "with the same name' and press Add to the lab again.").format(
                     label=repr(label), file=old.get("source", "?"), example=f"'{label} ({n})'")

    def add_upload(self) -> str:
        """Read the chosen file and add it; a bad file changes nothing already loaded."""
        label = self.name.value.strip()
        file_name, table = self._table()
        if not label:
            raise LabInputError(_("Give the indicator a name (for example 'Households "
                                  "reached') before adding it."))
        names = indicators_in(table.data)
        which = (self.which.value or None) if len(names) > 1 else (names[0] if names else None)
        values = one_indicator(table.data, which)
        if values["value"].notna().sum() == 0:
            raise LabInputError(_("{file} has no values for {indicator}.").format(
                file=file_name, indicator=which) if which else
                _("{file} has no values for this indicator.").format(file=file_name))
        key = "my_" + slug(label)
        problem = self._same_name_problem(key, label)
        if problem and not self.replace.value:
            raise LabInputError(problem)
        meta = {"key": key, "label": label, "unit": self.unit.value.strip(),
                "dimension": self.dimension.value, "direction": self.direction.value,
                "source": file_name, "indicator_in_file": which, "values": len(values),
                "added": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()}
        folder = check_writable(my_data_dir())
        folder.mkdir(parents=True, exist_ok=True)
        _file_name, raw = self._file()
        suffix = ".xlsx" if file_name.lower().endswith((".xlsx", ".xlsm")) else ".csv"
        _write_atomic(folder / f"{key}.original{suffix}", raw)
        _write_atomic(folder / f"{key}.csv", values.to_csv(index=False).encode("utf-8"))
        _write_atomic(folder / f"{key}.json",
                      json.dumps(meta, indent=1, ensure_ascii=False).encode("utf-8"))
        self._add(meta, values)
        self.replace.value = False
        note = (ngettext("Replaced {label} from {file}: {n} value.",
                         "Replaced {label} from {file}: {n} values.", len(values)) if problem
                else ngettext("Added {label} from {file}: {n} value.",
                              "Added {label} from {file}: {n} values.", len(values))).format(
            label=repr(label), file=file_name, n=format_number(len(values)))
        if len(names) > 1:
            left = [n for n in names if n != which]
            note += " " + ngettext(
                "The file has {n} other indicator(s): choose the next one in "
                "'Indicator in the file' to add it.",
                "The file has {n} other indicator(s): choose the next one in "
                "'Indicator in the file' to add it.", len(left)).format(n=len(left))
        if table.warnings:
            self.show_message(note + " " + " ".join(table.warnings), "warning")
        else:
            self.show_message(note, "info")
        return key

    def _add(self, meta: dict, data: pd.DataFrame) -> None:
        self.loaded = [m for m in self.loaded if m["key"] != meta["key"]] + [meta]
        register_user_indicator(meta["key"], meta, data)
        self._show_loaded()

    def _show_loaded(self) -> None:
        import html

        self.loaded_html.value = "<p>" + html.escape(_("Your data in the lab: {tables}").format(
            tables="; ".join(describe_table(m) for m in self.loaded))) + "</p>" \
            if self.loaded else ""

    def _restore_saved(self) -> list[str]:
        """Add the tables already in ``my-data`` (an earlier lesson, or before a restart)."""
        metas, skipped = restore_saved_tables(force=True)
        self.loaded = [dict(m) for m in metas]
        self._show_loaded()
        back = [m["label"] for m in self.loaded]
        if back or skipped:
            text = (_("Your tables from earlier are back in the lab: {tables}.").format(
                tables=", ".join(back)) if back else "")
            if skipped:
                text += " " + _("Could not read again: {tables}.").format(tables=", ".join(skipped))
            self.show_message(text.strip(), "info" if not skipped else "warning")
        return back

    # -- saving: the loaded tables, re-read from the learner's my-data folder --
    def learner_state(self) -> dict[str, Any]:
        return {"loaded": [dict(m) for m in self.loaded],
                "tables": [describe_table(m) for m in self.loaded]}

    def restore_learner_state(self, state: dict[str, Any]) -> list[str]:
        skipped = []
        for meta in state.get("loaded", []):
            if not isinstance(meta, dict):
                continue
            key = "my_" + slug(str(meta.get("key", "")).removeprefix("my_"))
            current = USER_INDICATORS.get(key)
            if current is not None and current.get("source") == meta.get("source") \
                    and current.get("added") == meta.get("added"):
                # already in this kernel (another loader added it): only list it here
                self.loaded = [m for m in self.loaded if m["key"] != key] + [dict(meta)]
                continue
            try:
                data = read_saved_table(key)
            except (OSError, ValueError):
                skipped.append(str(meta.get("label", meta.get("key"))))
                continue
            self._add(dict(meta, key=key), data)
        self._show_loaded()
        return skipped


__all__ = ["UserDataLoader", "USER_INDICATORS", "check_writable", "describe_table",
           "my_data_dir"]
