"""Team plans on disk: save a round without overwriting, read a folder of plans, write reports.

Each plan is one JSON file ``<team>-round-<n>.json``; a file that is not a
complete plan is reported by name and skipped, never fatal. The records
themselves are :mod:`widgets.scenario_teams`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from widgets.errors import LabInputError
from widgets.i18n import _
from widgets.scenario_teams import (
    _plan_problem,
    _slug,
    after_action_report,
    plan_record,  # noqa: F401 - used by the doctests
)
from widgets.scenarios import (  # noqa: F401 - used by the doctests
    CountryProfile,
    ModelSpec,
    load_model_spec,
    run_scenario,
)

__all__ = ["MAX_PLAN_BYTES", "load_team_plans", "save_team_plan", "write_report"]


#: A saved team plan is a few KB; anything over this is not one.
MAX_PLAN_BYTES = 1024 * 1024


def save_team_plan(folder: str | Path, record: dict[str, Any], overwrite: bool = False) -> Path:
    """Save a team's plan as ``<team>-round-<n>.json`` in ``folder``; never overwrite silently.

    If the file exists and ``overwrite`` is False, a :class:`LabInputError` says
    so. With ``overwrite=True`` the old file is kept as ``….previous.json``.

    >>> import tempfile
    >>> p = CountryProfile.from_values("T")
    >>> rec = plan_record("Red", 1, run_scenario(p, [], [], load_model_spec()), load_model_spec())
    >>> folder = tempfile.mkdtemp()
    >>> save_team_plan(folder, rec).name
    'red-round-1.json'
    >>> save_team_plan(folder, rec)
    Traceback (most recent call last):
    ...
    widgets.errors.LabInputError: Team 'Red' already has a saved plan for round 1 ...
    """
    folder = Path(folder).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise LabInputError(_("Cannot create the folder {folder}: {error}.").format(
            folder=folder, error=err.strerror)) from err
    path = folder / f"{_slug(record['team'])}-round-{int(record['round'])}.json"
    if path.exists():
        if not overwrite:
            raise LabInputError(_(
                "Team {team} already has a saved plan for round {round} ({file}). Tick 'Replace' "
                "to replace it (the old file is kept as a backup) or save as the next round."
            ).format(team=repr(record["team"]), round=record["round"], file=path.name))
        backup = path.with_suffix(".previous.json")
        path.replace(backup)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
    return path


def load_team_plans(folder: str | Path) -> tuple[list[dict[str, Any]], list[str]]:
    """All team plans in ``folder`` (newest round per team first) and any problems found.

    Files that are not team plans or cannot be read are reported, never fatal.

    >>> import tempfile
    >>> load_team_plans(tempfile.mkdtemp())
    ([], [])
    """
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise LabInputError(_("There is no folder {folder}. Save a team plan first.").format(
            folder=folder))
    plans, problems = [], []
    for path in sorted(folder.glob("*.json")):
        if path.name.endswith(".previous.json"):
            continue
        try:
            if path.stat().st_size > MAX_PLAN_BYTES:
                problems.append(_("{file} is too large to be a team plan; it was skipped.").format(
                    file=path.name))
                continue
            rec = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            problems.append(_("{file} could not be read (it is not a saved team plan); it was "
                              "skipped.").format(file=path.name))
            continue
        if not isinstance(rec, dict) or rec.get("format") != "human-security-lab/scenario-team/1":
            problems.append(_("{file} is not a team plan; it was skipped.").format(
                file=path.name))
            continue
        reason = _plan_problem(rec)
        if reason:
            problems.append(_("{file} is not a complete team plan ({reason}); it was "
                              "skipped.").format(file=path.name, reason=reason))
            continue
        rec["file"] = path.name
        plans.append(rec)
    plans.sort(key=lambda r: (r["team"].lower(), -int(r["round"])))
    return plans, problems


def write_report(folder: str | Path, record: Mapping[str, Any], spec: ModelSpec,
                 fmt: str = "md") -> Path:
    """Write the after-action summary to ``folder``; an existing file is never replaced.

    >>> import tempfile
    >>> p = CountryProfile.from_values("T")
    >>> rec = plan_record("Red", 1, run_scenario(p, [], [], load_model_spec()), load_model_spec())
    >>> folder = tempfile.mkdtemp()
    >>> write_report(folder, rec, load_model_spec()).name, write_report(folder, rec, load_model_spec()).name
    ('red-round-1-after-action.md', 'red-round-1-after-action-2.md')
    """
    text = after_action_report(record, spec, fmt)
    folder = Path(folder).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{_slug(record['team'])}-round-{int(record['round'])}-after-action"
    path, k = folder / f"{stem}.{fmt}", 2
    while path.exists():
        path, k = folder / f"{stem}-{k}.{fmt}", k + 1
    path.write_text(text, encoding="utf-8")
    return path
