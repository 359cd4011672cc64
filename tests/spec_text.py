"""Helpers for the translation tests: the words of a chart spec, the numbers of a text."""

from __future__ import annotations

import json
import re


def spec_text(spec: dict | str, data: bool = True) -> str:
    """Every string in a chart spec (or its JSON text), one a line: titles, tooltips,
    expressions (where words are quoted as ``json.dumps`` quotes them); without the
    ``datasets`` when ``data`` is False.

    >>> spec_text({"title": "Carte", "datasets": {"d": [{"name": "Kenya"}]}}, data=False)
    'Carte'
    """
    node = json.loads(spec) if isinstance(spec, str) else spec
    if not data:
        node = {k: v for k, v in node.items() if k != "datasets"}
    found: list[str] = []

    def walk(item) -> None:
        if isinstance(item, dict):
            for value in item.values():
                walk(value)
        elif isinstance(item, list):
            for value in item:
                walk(value)
        elif isinstance(item, str):
            found.append(item)

    walk(node)
    return "\n".join(found)


def numbers(text: str) -> list[str]:
    """The runs of digits in a text, sorted: 1,000 / 1 000 / 1.000 and 0.5 / 0,5 read the same.

    >>> numbers("1 000,5 et 3")
    ['000', '1', '3', '5']
    """
    return sorted(re.findall(r"\d+", str(text)))
