"""axe-core (WCAG 2.1 A/AA) on pages the browser suite already has open.

Nothing here loads a page: :func:`check_page` runs on a page a test opened
(each lesson in app mode and in JupyterLab, after every tab and accordion
section was opened — see ``harness.check_lesson`` —, the app index page, one
``make html`` export page). It uses the copy of axe-core bundled by the
``axe-playwright-python`` package (``axe_playwright_python/axe.min.js``), so it
runs offline.

A *serious* or *critical* violation fails the test, unless it comes from
JupyterLab or Voilà themselves and is listed in ``axe_allowlist.yml`` with its
rule, a CSS selector for the elements it covers and the upstream issue. Each
page's result (violations, what the allow-list excused, and minor/moderate
findings, which are reported but do not fail) goes to
``test-artifacts/axe/<name>.json``. An allow-list entry that matched nothing
in a full run of a mode is reported (and fails that mode's last test), so the
list cannot keep excuses for problems that are gone.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ALLOWLIST_PATH = HERE / "axe_allowlist.yml"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}

#: allow-list entry index -> how many elements it excused in this process
USED: Counter = Counter()
#: mode -> pages checked in this process
PAGES: Counter = Counter()
#: seconds spent in axe in this process
SECONDS: list[float] = []


@dataclass(frozen=True)
class Allowed:
    rule: str
    selector: str
    modes: tuple[str, ...]
    issue: str
    reason: str


def load_allowlist(path: Path = ALLOWLIST_PATH) -> list[Allowed]:
    """The documented exceptions; every entry must name its rule, selector, modes and issue."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    out = []
    for i, e in enumerate(entries):
        missing = [k for k in ("rule", "selector", "modes", "issue", "reason") if not e.get(k)]
        if missing:
            raise ValueError(f"{path.name} entry {i} lacks {missing}")
        out.append(Allowed(e["rule"], e["selector"], tuple(e["modes"]), e["issue"], e["reason"]))
    return out


def _axe_script() -> str:
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


# Runs axe, then tells for each violating element which allow-list selectors it
# falls under (the element itself or one of its ancestors matches).
JS_RUN = """
async ([context, options, allowed]) => {
  const results = await axe.run(context || document, options);
  const find = (target) => { try {
      let node = document; let el = null;
      for (const sel of target) { el = (node.shadowRoot || node).querySelector(sel); node = el; if (!el) break; }
      return el; } catch (e) { return null; } };
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => { const el = find(n.target);
      return {target: n.target, html: (n.html || '').slice(0, 300),
              summary: (n.failureSummary || '').slice(0, 300),
              allowed: allowed.map((a, i) => (a.rule === v.id && el && el.closest(a.selector)) ? i : -1)
                               .filter((i) => i >= 0)}; }) }));
}
"""


def check_page(page, name: str, mode: str, context: str | dict | None = None,
               record: bool = True) -> list[str]:
    """Run axe on ``page`` (or on ``context`` in it); return the failures, written plainly.

    ``mode`` says where the page comes from ("voila", "lab", "index", "html"),
    which selects the allow-list entries that apply.
    """
    allowlist = load_allowlist()
    started = time.perf_counter()
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_script())
    options = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
    applicable = [{"rule": a.rule, "selector": a.selector} if mode in a.modes
                  else {"rule": "", "selector": ""} for a in allowlist]
    violations = page.evaluate(JS_RUN, [context, options, applicable])
    SECONDS.append(time.perf_counter() - started)
    PAGES[mode] += 1
    failures: list[str] = []
    excused: list[dict] = []
    minor: list[dict] = []
    for v in violations:
        for node in v["nodes"]:
            if node["allowed"]:
                for i in node["allowed"]:
                    USED[i] += 1
                excused.append({"rule": v["id"], "target": node["target"],
                                "issue": allowlist[node["allowed"][0]].issue})
            elif v["impact"] in FAILING_IMPACTS:
                failures.append(f"axe {v['impact']} '{v['id']}' ({v['help']}) at "
                                f"{' > '.join(node['target'])[-160:]}: {node['html'][:160]}")
            else:
                minor.append({"rule": v["id"], "impact": v["impact"], "target": node["target"]})
    if record:
        from harness import ARTIFACTS

        folder = ARTIFACTS / "axe"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.json"
        previous = json.loads(path.read_text()) if path.exists() and context else {}
        data = {"page": name, "mode": mode, "tags": TAGS,
                "failures": previous.get("failures", []) + failures,
                "excused_by_allowlist": previous.get("excused_by_allowlist", []) + excused,
                "minor_or_moderate": previous.get("minor_or_moderate", []) + minor,
                "seconds": round(previous.get("seconds", 0) + SECONDS[-1], 2)}
        path.write_text(json.dumps(data, indent=1))
    return failures


def unused_entries(mode: str) -> list[Allowed]:
    """Allow-list entries for ``mode`` that excused nothing in this process."""
    return [a for i, a in enumerate(load_allowlist()) if mode in a.modes and not USED[i]]


def check_section(page, name: str, mode: str, header) -> list[str]:
    """axe on the widget whose tab or accordion section ``header`` just opened."""
    header.evaluate("""(h) => { document.querySelectorAll('[data-hsl-axe]').forEach(
        (e) => e.removeAttribute('data-hsl-axe'));
      const box = h.closest('.jp-OutputArea-output') || h.closest('.widget-box');
      if (box) box.setAttribute('data-hsl-axe', ''); }""")
    return check_page(page, name, mode, context="[data-hsl-axe]")
