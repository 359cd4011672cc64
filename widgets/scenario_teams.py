"""The scenario exercise's teams: a team's plan as a record, teams compared, the after-action report.

The model itself (shocks, responses, the simulation) is :mod:`widgets.scenarios`;
saving and reading plans on disk is :mod:`widgets.scenario_storage`.
"""

from __future__ import annotations

import datetime as _dt
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd

from widgets._text import md_text
from widgets.errors import LabInputError
from widgets.i18n import _, get_language, localise_number, ngettext
from widgets.scenarios import (  # noqa: F401 - used by the doctests too
    INJECTS,
    METRICS,
    TEACHING_LABEL,
    VARIANTS,
    CountryProfile,
    ModelSpec,
    Response,
    ScenarioResult,
    Shock,
    load_model_spec,
    run_scenario,
)

__all__ = ["after_action_report", "compare_teams", "plan_record"]


def _slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", str(text).strip().lower()).strip("-")
    return s[:40]


def plan_record(team: str, round_no: int, result: ScenarioResult, spec: ModelSpec,
                injects: Sequence[str] = (), notes: str = "") -> dict[str, Any]:
    """Everything about a team's choice as JSON-able data (for saving and comparing).

    >>> p = CountryProfile.from_values("T", population=1e6)
    >>> res = run_scenario(p, [Shock("flood", 0.5, 1, 1)], [], load_model_spec())
    >>> rec = plan_record("Blue team", 1, res, load_model_spec())
    >>> rec["team"], rec["round"], rec["shocks"][0]["kind"]
    ('Blue team', 1, 'flood')
    """
    if not str(team).strip() or not _slug(team):
        raise LabInputError(_("Give the team a name (letters or numbers), e.g. 'Team Blue'."))
    summary = {f"{r.variant}.{r.metric}": r.value for r in result.summary.itertuples()}
    return {
        "format": "human-security-lab/scenario-team/1",
        "team": str(team).strip(), "round": int(round_no),
        "saved_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "country": result.profile.name, "iso3": result.profile.iso3,
        "fictional": result.profile.fictional, "quarters": result.quarters,
        "shocks": [asdict(s) for s in result.shocks],
        "responses": [asdict(r) for r in result.responses],
        "injects": list(injects),
        "edited_parameters": {n: spec.get(n) for n in spec.edited},
        "costs": result.costs, "total_cost": result.total_cost, "budget": result.budget,
        "averted": result.averted, "summary": summary, "notes": notes,
    }


def _is_number(value: Any, finite: bool = True) -> bool:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    return bool(np.isfinite(value)) or not finite


def _plan_problem(rec: Mapping[str, Any]) -> str | None:
    """Why a team-plan record cannot be compared, or None if it can.

    >>> _plan_problem({"team": 5, "round": 1, "responses": []})
    'the team name is not text'
    >>> _plan_problem({"team": "A", "round": "x", "responses": []})
    'the round is not a whole number'
    """
    if not isinstance(rec.get("team"), str) or not rec["team"].strip():
        return _("no team name") if "team" not in rec else _("the team name is not text")
    if not isinstance(rec.get("round"), int) or isinstance(rec.get("round"), bool):
        return _("the round is not a whole number")
    responses = rec.get("responses")
    if not isinstance(responses, list):
        return _("no list of responses")
    for r in responses:
        if not (isinstance(r, dict) and isinstance(r.get("kind"), str)
                and _is_number(r.get("level")) and _is_number(r.get("start"))):
            return _("a response without a kind, level and start")
    for key in ("averted", "summary"):
        if not isinstance(rec.get(key, {}), dict):
            return _("'{key}' is not a table of results").format(key=key)
        if not all(_is_number(v, finite=False) for v in rec.get(key, {}).values()):
            return _("'{key}' holds something other than numbers").format(key=key)
    for key in ("total_cost", "budget"):
        if key in rec and not _is_number(rec[key], finite=False):
            return _("'{key}' is not a number").format(key=key)
    return None


def compare_teams(plans: Iterable[Mapping[str, Any]], latest_round_only: bool = True
                  ) -> pd.DataFrame:
    """One row per team plan: cost, lives and displacement averted, per US$ million.

    >>> df = compare_teams([{"team": "A", "round": 1, "total_cost": 10, "budget": 20,
    ...     "averted": {"lives": 5, "displacement": 100, "lives_per_musd": 0.5,
    ...                 "displacement_per_musd": 10},
    ...     "summary": {"shock.lives_lost": 50, "response.lives_lost": 45},
    ...     "responses": [{"kind": "early_warning", "level": 1, "start": 0}]}])
    >>> df.loc[0, "team"], float(df.loc[0, "lives_averted"]), df.loc[0, "responses"]
    ('A', 5.0, 'early_warning (100% from Q0)')
    """
    rows = []
    seen: set[str] = set()
    for rec in plans:
        if latest_round_only and rec["team"] in seen:
            continue
        seen.add(rec["team"])
        av = rec.get("averted", {})
        rows.append({
            "team": rec["team"], "round": int(rec["round"]),
            "cost_musd": float(rec.get("total_cost", 0)), "budget_musd": float(rec.get("budget", 0)),
            "lives_averted": float(av.get("lives", 0)),
            "displacement_averted": float(av.get("displacement", 0)),
            "lives_per_musd": float(av.get("lives_per_musd", np.nan)),
            "displacement_per_musd": float(av.get("displacement_per_musd", np.nan)),
            "lives_lost": float(rec.get("summary", {}).get("response.lives_lost", np.nan)),
            "responses": "; ".join(
                _("{response} ({level} from Q{start})").format(
                    response=r["kind"], level=_pct(r["level"]), start=r["start"])
                for r in rec["responses"]
            ) or _("none"),
        })
    cols = ["team", "round", "cost_musd", "budget_musd", "lives_averted", "displacement_averted",
            "lives_per_musd", "displacement_per_musd", "lives_lost", "responses"]
    return pd.DataFrame(rows, columns=cols)


def _pct(share: float) -> str:
    """``{:.0%}`` in the reader's language (``50%``, ``50 %``)."""
    text = f"{share:.0%}"
    return text if get_language() == "en" else localise_number(text[:-1], "%")


def _num(value: float, fmt: str) -> str:
    """``format(value, fmt)`` with the reader's separators (``1,234`` → ``1 234`` in French)."""
    text = format(value, fmt)
    return text if get_language() == "en" or text in ("nan", "inf") else localise_number(text)


def after_action_report(record: Mapping[str, Any], spec: ModelSpec, fmt: str = "md") -> str:
    """An after-action summary of a team's plan, as Markdown (``md``) or HTML (``html``).

    >>> p = CountryProfile.from_values("T")
    >>> rec = plan_record("Red", 2, run_scenario(p, [Shock("flood", 0.5, 1, 1)], [],
    ...                   load_model_spec()), load_model_spec())
    >>> after_action_report(rec, load_model_spec()).splitlines()[0]
    '# After-action summary: Red, round 2'
    """
    if fmt not in ("md", "html"):
        raise LabInputError(_("Choose 'md' (Markdown) or 'html' for the report."))
    s, av = record.get("summary", {}), record.get("averted", {})

    def text(value: Any) -> str:
        # Learner text shows as written: escaped for Markdown here, for HTML by the converter.
        return md_text(value, single_line=True) if fmt == "md" else " ".join(str(value).split())

    country = text(record["country"])
    lines = [
        "# " + _("After-action summary: {team}, round {round}").format(
            team=text(record["team"]), round=record["round"]), "",
        f"*{_(TEACHING_LABEL)}*", "",
        "- " + (_("Country: {country} (fictional)") if record.get("fictional")
                else _("Country: {country}")).format(country=country),
        "- " + _("Horizon: {n} quarters; saved {when}").format(
            n=record["quarters"], when=text(record.get("saved_at", ""))),
        "", "## " + _("What happened"), "",
    ]
    for sh in record["shocks"]:
        label = spec.shocks[sh["kind"]].label if sh["kind"] in spec.shocks else text(sh["kind"])
        lines.append("- " + ngettext(
            "{shock}: severity {severity}, from quarter {start} for {n} quarter(s)",
            "{shock}: severity {severity}, from quarter {start} for {n} quarter(s)",
            sh["duration"]).format(shock=label, severity=_pct(sh["severity"]), start=sh["start"],
                                   n=sh["duration"]))
    if not record["shocks"]:
        lines.append("- " + _("No shock."))
    for inj in record.get("injects", []):
        lines.append("- " + _("Inject: {inject}").format(
            inject=_(INJECTS[inj].label) if inj in INJECTS else text(inj)))
    lines += ["", "## " + _("What we chose"), ""]
    for r in record["responses"]:
        label = (spec.responses[r["kind"]].label if r["kind"] in spec.responses
                 else text(r["kind"]))
        cost = record.get("costs", {}).get(r["kind"], float("nan"))
        lines.append("- " + _("{response}: level {level} from quarter {start} (US${cost} "
                              "million)").format(response=label, level=_pct(r["level"]),
                                                 start=r["start"], cost=_num(cost, ",.4g")))
    if not record["responses"]:
        lines.append("- " + _("No response."))
    lines += [
        "- " + _("Total cost US${cost} million of a US${budget} million budget").format(
            cost=_num(record["total_cost"], ",.4g"), budget=_num(record["budget"], ",.4g")),
        "", "## " + _("Results (central assumptions)"), "",
        f"| | {_(VARIANTS['shock'])} | {_(VARIANTS['response'])} |", "|---|---:|---:|",
    ]
    for m, (label, _unit) in METRICS.items():
        a, b = s.get(f"shock.{m}", float("nan")), s.get(f"response.{m}", float("nan"))
        lines.append(f"| {_(label)} | {_num(a, ',.0f')} | {_num(b, ',.0f')} |")
    lines += [
        "", _("Lives averted: {lives}; displacement averted: {displacement} people; per US$ "
              "million: {lives_per} lives, {displacement_per} people not displaced.").format(
            lives=_num(av.get("lives", 0), ",.0f"),
            displacement=_num(av.get("displacement", 0), ",.0f"),
            lives_per=_num(av.get("lives_per_musd", float("nan")), ",.3g"),
            displacement_per=_num(av.get("displacement_per_musd", float("nan")), ",.3g")), "",
    ]
    if record.get("edited_parameters"):
        lines += ["## " + _("Assumptions we changed"), ""]
        lines += [f"- {text(k)} = {_num(v, 'g')}" for k, v in record["edited_parameters"].items()]
        lines.append("")
    notes = str(record.get("notes") or "").strip()
    if notes and fmt == "md":
        notes = md_text(notes)
    lines += ["## " + _("Our reflections"), "", notes or _("(to be written in the debrief)"), ""]
    report = "\n".join(lines)
    if fmt == "md":
        return report
    return _markdown_to_html(report, _("After-action summary: {team}").format(
        team=record["team"]))


def _markdown_to_html(text: str, title: str) -> str:
    """A tiny converter for the report's own Markdown (headings, lists, a table)."""
    body, in_list, in_table = [], False, False
    for line in text.splitlines():
        esc = html.escape(line)
        esc = re.sub(r"\*(.+?)\*", r"<em>\1</em>", esc)
        if in_list and not line.startswith("- "):
            body.append("</ul>")
            in_list = False
        if in_table and not line.startswith("|"):
            body.append("</table>")
            in_table = False
        if line.startswith("# "):
            body.append(f"<h1>{esc[2:]}</h1>")
        elif line.startswith("## "):
            body.append(f"<h2>{esc[3:]}</h2>")
        elif line.startswith("- "):
            if not in_list:
                body.append("<ul>")
                in_list = True
            body.append(f"<li>{esc[2:]}</li>")
        elif line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if set("".join(cells)) <= set("-:"):
                continue
            tag = "th" if not in_table else "td"
            if not in_table:
                body.append("<table>")
                in_table = True
            body.append("<tr>" + "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in cells)
                        + "</tr>")
        elif line.strip():
            body.append(f"<p>{esc}</p>")
    if in_list:
        body.append("</ul>")
    if in_table:
        body.append("</table>")
    style = ("body{font-family:system-ui,sans-serif;max-width:50em;margin:2em auto}"
             "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px}")
    return (f'<!DOCTYPE html>\n<html lang="{get_language()}"><head><meta charset="utf-8"><title>'
            f"{html.escape(title)}</title><style>{style}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")
