"""Load a trainer's own table (CSV or Excel) into the lab: :class:`UserDataLoader`."""

from __future__ import annotations

import json
from typing import Any

import ipywidgets as W
import pandas as pd

from widgets._paths import work_dir
from widgets.data import DIMENSIONS
from widgets.errors import LabInputError
from widgets.ui import LabWidget
from widgets.usertable import (
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_ROWS,
    USER_INDICATORS,
    read_user_table,
    register_user_indicator,
    slug,
)

_WIDE = {"description_width": "150px"}
_FIELD = {"width": "460px"}
LIMITS_TEXT = (
    f"<p>Upload a CSV or Excel (.xlsx) file of up to {MAX_UPLOAD_BYTES // (1024 * 1024)} MB "
    f"and {MAX_UPLOAD_ROWS:,} rows: either columns <i>country, year, value</i> or one "
    "row per country with one column per year. Country names can be in English, French or "
    "Spanish, or ISO codes. The file is kept in your own work folder (my-data), "
    "never shared with the class.</p>"
)


def my_data_dir():
    """Where the learner's own tables go: ``<work folder>/my-data`` (never datasets/)."""
    return work_dir() / "my-data"


class UserDataLoader(LabWidget):
    """Upload a table, name it, and add it to the lab's explorers as "your data"."""

    state_name = "user_data"

    def __init__(self) -> None:
        self.upload = W.FileUpload(accept=".csv,.xlsx", multiple=False,
                                   description="Choose a file", layout=W.Layout(width="auto"))
        self.name = W.Text(description="Indicator name", placeholder="e.g. Households reached",
                           style=_WIDE, layout=W.Layout(**_FIELD))
        self.unit = W.Text(description="Unit", placeholder="e.g. % of households", style=_WIDE, layout=W.Layout(**_FIELD))
        self.dimension = W.Dropdown(options=[(v, k) for k, v in DIMENSIONS.items()],
                                    value="economic", description="Dimension", style=_WIDE,
                                    layout=W.Layout(**_FIELD))
        self.direction = W.Dropdown(options=[("Higher is better", "higher_is_better"),
                                             ("Higher is worse", "higher_is_worse"),
                                             ("Neutral", "neutral")],
                                    value="higher_is_better", description="Direction",
                                    style=_WIDE, layout=W.Layout(**_FIELD))
        self.add = W.Button(description="Add to the lab", icon="plus", button_style="primary",
                            layout=W.Layout(width="auto")).add_class("hsl-submit")
        self.loaded_html = W.HTML()
        self.loaded: list[dict[str, Any]] = []
        form = W.VBox([W.HTML(LIMITS_TEXT), W.HBox([self.upload]), self.name, self.unit,
                       self.dimension, self.direction, W.HBox([self.add])]).add_class("hsl-form")
        super().__init__([form, self.loaded_html])
        self.add.on_click(self.safe(lambda _b: self.add_upload()))

    def _file(self) -> tuple[str, bytes]:
        value = self.upload.value
        if not value:
            raise LabInputError("Choose a CSV or Excel file first, then press Add to the lab.")
        item = value[0]
        return str(item["name"]), bytes(item["content"])

    def add_upload(self) -> str:
        """Read the chosen file and add it; a bad file changes nothing already loaded."""
        file_name, raw = self._file()
        label = self.name.value.strip()
        if not label:
            raise LabInputError("Give the indicator a name (for example 'Households reached') "
                                "before adding it.")
        table = read_user_table(raw, name=file_name)
        key = "my_" + slug(label)
        meta = {"key": key, "label": label, "unit": self.unit.value.strip(),
                "dimension": self.dimension.value, "direction": self.direction.value,
                "source": file_name}
        folder = my_data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        table.data.to_csv(folder / f"{key}.csv", index=False)
        (folder / f"{key}.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
        self._add(meta, table.data)
        note = f"Added {label!r} from {file_name}: {len(table.data):,} values."
        if table.warnings:
            self.show_message(note + " " + " ".join(table.warnings), "warning")
        else:
            self.show_message(note, "info")
        return key

    def _add(self, meta: dict, data: pd.DataFrame) -> None:
        self.loaded = [m for m in self.loaded if m["key"] != meta["key"]] + [meta]
        register_user_indicator(meta["key"], meta, data)
        self.loaded_html.value = "<p>Your data in the lab: " + ", ".join(
            f"{m['label']} ({m['source']})" for m in self.loaded) + "</p>"

    # -- saving: the loaded tables, re-read from the learner's my-data folder --
    def get_state(self) -> dict[str, Any]:
        return {"loaded": [dict(m) for m in self.loaded]}

    def set_state(self, state: dict[str, Any]) -> list[str]:
        skipped = []
        for meta in state.get("loaded", []):
            path = my_data_dir() / f"{slug(meta.get('key', ''))}.csv"
            try:
                data = pd.read_csv(path)
            except (OSError, ValueError):
                skipped.append(str(meta.get("label", meta.get("key"))))
                continue
            self._add(meta, data)
        return skipped


__all__ = ["UserDataLoader", "USER_INDICATORS", "my_data_dir"]
