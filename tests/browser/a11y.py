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

#: allow-list entry -> how many elements it excused in this process
USED: Counter = Counter()
#: mode -> pages checked in this process
PAGES: Counter = Counter()
#: seconds spent in axe in this process
SECONDS: list[float] = []
_WRITTEN: set[str] = set()
#: seconds spent reading pages at 200 % zoom and 360 px in this process
SECONDS_REFLOW: list[float] = []


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
               record: bool = True, allowlist: list[Allowed] | None = None) -> list[str]:
    """Run axe on ``page`` (or on ``context`` in it); return the failures, written plainly.

    ``mode`` says where the page comes from ("voila", "lab", "index", "html"),
    which selects the allow-list entries that apply.
    """
    allowlist = load_allowlist() if allowlist is None else allowlist
    started = time.perf_counter()
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_script())
    options = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
    applicable = [{"rule": a.rule, "selector": a.selector} if mode in a.modes
                  else {"rule": "", "selector": ""} for a in allowlist]
    violations = page.evaluate(JS_RUN, [context, options, applicable])
    SECONDS.append(time.perf_counter() - started)
    if context is None:
        PAGES[mode] += 1
    failures: list[str] = []
    excused: list[dict] = []
    minor: list[dict] = []
    for v in violations:
        for node in v["nodes"]:
            if node["allowed"]:
                for i in node["allowed"]:
                    USED[allowlist[i]] += 1
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
        previous = json.loads(path.read_text()) if name in _WRITTEN and path.exists() else {}
        _WRITTEN.add(name)
        data = {"page": name, "mode": mode, "tags": TAGS,
                "failures": previous.get("failures", []) + failures,
                "excused_by_allowlist": previous.get("excused_by_allowlist", []) + excused,
                "minor_or_moderate": previous.get("minor_or_moderate", []) + minor,
                "seconds": round(previous.get("seconds", 0) + SECONDS[-1], 2)}
        path.write_text(json.dumps(data, indent=1))
    return failures


def unused_entries(mode: str) -> list[Allowed]:
    """Allow-list entries for ``mode`` that excused nothing in this process."""
    return [a for a in load_allowlist() if mode in a.modes and not USED[a]]


def check_section(page, name: str, mode: str, header) -> list[str]:
    """axe on the widget whose tab or accordion section ``header`` just opened."""
    header.evaluate("""(h) => { document.querySelectorAll('[data-hsl-axe]').forEach(
        (e) => e.removeAttribute('data-hsl-axe'));
      const box = h.closest('.jp-OutputArea-output') || h.closest('.widget-box');
      if (box) box.setAttribute('data-hsl-axe', ''); }""")
    return check_page(page, name, mode, context="[data-hsl-axe]")


def check_allowlist(modes: tuple[str, ...], complete: bool) -> None:
    """Report allow-list entries of ``modes`` that excused nothing here; fail if the run was complete.

    ``complete``: every page of those modes was checked in this process (a
    run with ``-k`` sees only some pages, where an entry may rightly go unused).
    """
    import warnings

    unused = [a for mode in modes for a in unused_entries(mode)]
    if not unused:
        return
    text = "; ".join(f"{a.rule} at '{a.selector}' ({a.issue})" for a in unused)
    from harness import ARTIFACTS

    folder = ARTIFACTS / "axe"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"allowlist-unused-{'-'.join(modes)}.txt").write_text(text + "\n")
    if complete:
        raise AssertionError(f"axe_allowlist.yml entries that matched nothing in {modes}: {text}. "
                             "The problem is gone upstream: delete the entry.")
    warnings.warn(f"axe allow-list entries unused in this partial run: {text}", stacklevel=2)


#: Lessons also read at 200 % zoom and on a phone (in app mode, on the page already open).
REFLOW_LESSONS = ("01", "05")
REFLOW_SIZES = (("zoom-200", 640, 450), ("phone-360px", 360, 740))

# What sticks out of the window sideways. Inside a box that scrolls sideways by
# itself, a chart, a map or a table may (WCAG 1.4.10 exempts content that needs
# two dimensions); text and controls may not, and nothing may be cut off.
JS_OVERFLOW = """
() => {
  const width = document.documentElement.clientWidth;
  const box = (e) => { for (let p = e.parentElement; p; p = p.parentElement) {
      if (p === document.body || p === document.documentElement || p.id === 'rendered_cells') return null;
      const s = getComputedStyle(p).overflowX;
      if (s !== 'visible' && p.getBoundingClientRect().right <= width + 2) return {p, s}; }
    return null; };
  const twoD = 'canvas, svg, .vega-embed, table, .hsl-table, [role="img"]';
  const out = [];
  for (const e of document.querySelectorAll('#rendered_cells *')) {
    const r = e.getBoundingClientRect();
    if (!r.width || !r.height || r.right <= width + 2) continue;
    const b = box(e);
    const what = e.tagName.toLowerCase() + '.' + String(e.className).split(' ').slice(0, 2).join('.')
      + ' (right edge ' + Math.round(r.right) + ' px) ' + (e.innerText || '').slice(0, 40).replace(/\\n/g, ' ');
    if (!b) { out.push('page: ' + what); }
    else if (/hidden|clip/.test(b.s)) {
      if (r.left < b.p.getBoundingClientRect().right - 1) out.push('cut off: ' + what); }
    else if (!(e.matches(twoD) || e.closest(twoD))) { out.push('scrolls sideways: ' + what); }
    if (out.length > 12) break;
  }
  const cells = document.getElementById('rendered_cells');
  return {width, page: Math.max(document.documentElement.scrollWidth, cells ? cells.scrollWidth : 0),
          overflow: out};
}
"""


def check_reflow(lp, name: str) -> list[str]:
    """Read the open page at 200 % zoom and on a 360-px phone: no sideways scrolling (WCAG 1.4.10).

    A window of 640 x 450 CSS pixels lays a page out exactly as a 1280 x 900
    screen zoomed to 200 %. Charts, maps and wide tables may scroll inside
    their own box (WCAG exempts content that needs two dimensions); the page
    itself must not. Screenshots are kept for a person to look at.
    """
    page = lp.page
    size = page.viewport_size
    started = time.perf_counter()
    failures: list[str] = []
    try:
        for label, width, height in REFLOW_SIZES:
            page.set_viewport_size({"width": width, "height": height})
            page.wait_for_timeout(700)  # charts and the lab's scroll boxes settle
            found = page.evaluate(JS_OVERFLOW)
            lp.screenshot(f"{name}-{label}", full_page=True)
            if found["page"] > found["width"] + 2 or found["overflow"]:
                failures.append(f"at {label} ({width} px) the page needs sideways scrolling "
                                f"({found['page']} px wide): {found['overflow']}")
    finally:
        page.set_viewport_size(size)
        SECONDS_REFLOW.append(time.perf_counter() - started)
    return failures


# Headings of the lesson (not of JupyterLab's own panels), in page order.
JS_HEADINGS = """
() => {
  const root = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook')
    || document.getElementById('rendered_cells') || document.querySelector('main') || document.body;
  return Array.from(root.querySelectorAll('h1, h2, h3, h4, h5, h6, [role="heading"]'))
    .filter((h) => h.getClientRects().length && (h.innerText || '').trim())
    .map((h) => ({level: h.getAttribute('aria-level') ? +h.getAttribute('aria-level') : +h.tagName[1],
                  text: (h.innerText || '').trim().slice(0, 60)}));
}
"""


def check_headings(page) -> list[str]:
    """Headings in order: the page starts with its one title (h1) and never skips a level going down."""
    headings = page.evaluate(JS_HEADINGS)
    if not headings:
        return ["the page has no headings"]
    failures = []
    if headings[0]["level"] != 1:
        failures.append(f"the first heading is not the title (h1): {headings[0]}")
    ones = [h["text"] for h in headings if h["level"] == 1]
    if len(ones) > 1:
        failures.append(f"more than one title (h1): {ones}")
    for before, now in zip(headings, headings[1:], strict=False):
        if now["level"] > before["level"] + 1:
            failures.append(f"heading level skipped: h{before['level']} '{before['text']}' "
                            f"then h{now['level']} '{now['text']}'")
    return failures
