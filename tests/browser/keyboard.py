"""Keyboard only: every widget of a lesson reached with Tab and used with keys.

Called by ``harness.check_lesson`` on each lesson page in app mode, after the
page was loaded and checked (no page is loaded for it). For each widget class
that shows a chart (the first output of each class met in the run: a class is
walked once, to keep the suite quick; widgets without a class name, e.g. a plain
chart, are always walked), the check

* puts the keyboard focus just before the widget and presses Tab until the
  focus leaves it on the other side — every control must be met on the way
  (tab order; a control the mouse can use but Tab never reaches fails), and
  the walk must end (a widget that keeps the focus is a *keyboard trap*);
* checks that each focused control shows a visible focus indicator (a
  computed outline or box-shadow, as the browser draws it for keyboard focus);
* uses one control of each kind with keys only — a slider with an arrow key,
  a drop-down with ArrowDown, a radio group with an arrow key, a tab with the
  arrows and Enter, a section title with Enter, toggle buttons and tick boxes
  with Space — and waits for the widget's chart or text to change; the "Show
  the data" button must open the table with Enter. Fields of a form (class
  ``hsl-form``) act only when its button is pressed, so they are reached but
  not changed.

The record of each lesson goes to ``test-artifacts/keyboard/<lesson>.json``.
"""

from __future__ import annotations

import json
import time

# What a mouse can use in a widget (the controls Tab must reach).
FOCUSABLE = ("'.noUi-handle, select, input, textarea, button, summary, "
             ".jupyter-widget-Collapse-header'")
# The places the focus can be in a widget: those, and a tab bar's current tab.
FOCUS_STOPS = FOCUSABLE[:-1] + ", .lm-TabBar-tab.lm-mod-current'"
# What has the focus now: where it is, what kind of control, whether it shows.
JS_FOCUSED = """
(out) => {
  const FOCUS_STOPS = """ + FOCUS_STOPS + """;
  const el = document.activeElement;
  if (!el || el === document.body) return {inside: false, kind: 'body'};
  const box = document.querySelector('[data-hsl-out="' + out + '"]');
  const inside = !!(box && box.contains(el));
  const after = !!(box && !inside && (box.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING));
  const tag = el.tagName.toLowerCase();
  const type = (el.getAttribute('type') || '').toLowerCase();
  let kind = tag;
  if (el.classList.contains('noUi-handle')) kind = 'slider';
  else if (tag === 'select') kind = el.multiple ? 'multiselect' : 'dropdown';
  else if (tag === 'input' && type === 'checkbox') kind = 'checkbox';
  else if (tag === 'input' && type === 'radio') kind = 'radio';
  else if (tag === 'input' || tag === 'textarea') kind = 'text';
  else if (tag === 'summary') kind = 'chart-menu';
  else if (el.closest('.widget-toggle-buttons')) kind = 'toggles';
  else if (el.closest('.lm-TabBar')) kind = 'tab';
  else if (el.closest('.jupyter-widget-Collapse-header, .lm-AccordionPanel-title')) kind = 'section';
  else if (tag === 'button' && /(Show|Hide) the data/.test(el.innerText || '')) kind = 'show-data';
  else if (tag === 'button') kind = 'button';
  else if (el.getAttribute('role') === 'region') kind = 'table';
  const cs = getComputedStyle(el);
  const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
  const shadow = cs.boxShadow && cs.boxShadow !== 'none';
  const label = (el.getAttribute('aria-label') || el.innerText || el.title || el.className || '')
    .trim().slice(0, 50);
  if (!el.hasAttribute('data-hsl-kb')) el.setAttribute('data-hsl-kb', String(Math.random()).slice(2));
  const pos = inside ? Array.from(box.querySelectorAll(FOCUS_STOPS))
    .filter((e) => e.getClientRects().length).indexOf(el) : -1;
  return {inside, after, kind, label, pos, id: el.getAttribute('data-hsl-kb'),
          active: el.classList.contains('mod-active') || el.checked === true,
          form: !!el.closest('.hsl-form'),
          // At the end of its range the first key would change nothing: go the other way.
          end: (el.getAttribute('aria-valuenow') !== null
                && el.getAttribute('aria-valuenow') === el.getAttribute('aria-valuemax'))
               || (tag === 'select' && !el.multiple && el.selectedIndex === el.options.length - 1),
          ring: outline || !!shadow, outline: cs.outlineStyle + ' ' + cs.outlineWidth,
          shadow: cs.boxShadow};
}
"""
# Is the accordion section whose title has the focus open?
JS_SECTION_OPEN = """() => { const h = document.activeElement;
  return !!(h && h.parentElement && h.parentElement.classList.contains('jupyter-widget-Collapse-open')); }"""
# Put the focus back on the control at position ``pos`` of widget ``out``: used when
# a change rebuilt the control that had the focus (the browser then drops the
# focus to the page), as a learner's screen reader puts them back where they were.
JS_REFOCUS = """
([out, pos]) => {
  const box = document.querySelector('[data-hsl-out="' + out + '"]');
  if (!box) return false;
  const el = Array.from(box.querySelectorAll(""" + FOCUS_STOPS + """))
    .filter((e) => e.getClientRects().length)[pos];
  if (!el) return false;
  el.focus(); return document.activeElement === el;
}
"""
# Focus a place just before widget ``out`` (a temporary, invisible stop).
JS_START = """
(out) => {
  document.querySelectorAll('[data-hsl-kb-start]').forEach((e) => e.remove());
  const box = document.querySelector('[data-hsl-out="' + out + '"]');
  if (!box) return false;
  const stop = document.createElement('span');
  stop.setAttribute('data-hsl-kb-start', ''); stop.tabIndex = 0;
  box.parentElement.insertBefore(stop, box);
  stop.focus(); return document.activeElement === stop;
}
"""
# The keys that use one control of each kind (Playwright key names).
# Each kind: the keys to press, then the keys to try if that changed nothing
# (a slider at the end of its range goes the other way). A tab bar moves the
# focus with the arrows and opens the focused tab with Enter.
KEYS = {"slider": (["ArrowRight"], ["ArrowLeft"]),
        "dropdown": (["ArrowDown"], ["ArrowUp"]),
        "radio": (["ArrowDown"], ["ArrowUp", "ArrowUp"]),
        "toggles": (["Space"], None), "checkbox": (["Space"], None),
        "show-data": (["Enter"], None), "tab": (["ArrowRight", "Enter"], ["ArrowLeft", "Enter"]),
        "section": (["Enter"], None)}
MAX_TABS = 120
#: Widget classes already walked in this process: each kind is walked once (time).
WALKED: set[str] = set()
JS_KIND = """(o) => { const b = document.querySelector('[data-hsl-out="' + o + '"]');
  const w = b && b.querySelector('[class*="hsl-w-"]');
  const m = w && String(w.className).match(/hsl-w-(\\w+)/); return m ? m[1] : ''; }"""


def _changed(lp, out: int, before, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if lp.output_state(out) != before:
            return True
        lp.page.wait_for_timeout(40)
    return False


def check_widgets(lp, name: str, timeout: float = 10.0) -> list[str]:
    """Walk every widget with a chart by keyboard; return the failures, written plainly."""
    page = lp.page
    started = time.perf_counter()
    failures: list[str] = []
    record: list[dict] = []
    lp.controls()  # numbers the outputs that hold a chart (data-hsl-out)
    outs = page.evaluate("() => document.querySelectorAll('[data-hsl-out]').length")
    for out in range(outs):
        if not page.evaluate("(o) => { const b = document.querySelector('[data-hsl-out=\"' + o + '\"]');"
                             " return !!(b && b.getClientRects().length); }", out):
            continue
        kind_of_widget = page.evaluate(JS_KIND, out)
        if kind_of_widget and kind_of_widget in WALKED:
            record.append({"widget": out, "class": kind_of_widget, "skipped": "walked before"})
            continue
        WALKED.add(kind_of_widget)
        page.evaluate("(o) => document.querySelector('[data-hsl-out=\"' + o + '\"]')"
                      ".scrollIntoView({block: 'start'})", out)
        if not page.evaluate(JS_START, out):
            failures.append(f"widget {out}: could not place the keyboard focus before it")
            continue
        stops: list[dict] = []
        used: dict[str, bool | None] = {}
        spent: dict[str, float] = {}  # seconds each use took
        walk_started = time.perf_counter()
        left = False
        used_at = None  # position of the control just used (its change may rebuild it)
        for _ in range(MAX_TABS):
            page.keyboard.press("Tab")
            now = page.evaluate(JS_FOCUSED, out)
            if not now["inside"] and not now.get("after") and used_at is not None:
                # The change rebuilt the control that had the focus (the browser drops it
                # to the page, and Tab goes to the page's start): carry on from there.
                if page.evaluate(JS_REFOCUS, [out, used_at]):
                    used_at = None
                    continue
            if not now["inside"]:
                left = now.get("after", False) or now["kind"] == "body"
                break
            used_at = None
            stops.append(now)
            if not now["ring"]:
                failures.append(f"widget {out}: {now['kind']} '{now['label']}' has the focus "
                                f"but shows no focus ring (outline {now['outline']}, "
                                f"box-shadow {now['shadow']})")
            kind = now["kind"]
            # Fields of a form (class hsl-form) act only when its button is pressed:
            # they are reached and must show focus, but changing one changes nothing yet.
            if (kind in KEYS and kind not in used and not now["form"]
                    and not (kind == "toggles" and now["active"])):
                use_started = time.perf_counter()
                before = lp.output_state(out)
                keys, other = KEYS[kind]
                if now["end"] and other:
                    keys, other = other, keys
                was_open = page.evaluate(JS_SECTION_OPEN) if kind == "section" else None
                for key in keys:
                    page.keyboard.press(key)
                if kind == "section":  # the section opens or closes (its content may be controls only)
                    page.wait_for_timeout(200)
                    ok = page.evaluate(JS_SECTION_OPEN) != was_open
                else:
                    ok = _changed(lp, out, before, timeout)
                if not ok and other:  # at the end of its range: the other way
                    for key in other:
                        page.keyboard.press(key)
                    ok = _changed(lp, out, before, timeout)
                used[kind] = ok
                spent[kind] = round(time.perf_counter() - use_started, 2)
                if not ok:
                    failures.append(f"widget {out}: {kind} '{now['label']}' used with "
                                    f"{' then '.join(keys)} changed nothing in the widget")
                elif kind == "show-data":  # the table is open: close it again the same way
                    page.keyboard.press("Enter")
                page.wait_for_timeout(100)
                used_at = now["pos"]  # a rebuilt control is found again by the next Tab
        page.evaluate("() => document.querySelectorAll('[data-hsl-kb-start]')"
                      ".forEach((e) => e.remove())")
        if not left and len(stops) >= MAX_TABS:
            failures.append(f"widget {out}: keyboard trap — {MAX_TABS} presses of Tab "
                            "never left the widget")
        # Every control the mouse can use must have been met on the way.
        reached = {s["id"] for s in stops}
        missed = page.evaluate("""([o, reached]) => {
            const box = document.querySelector('[data-hsl-out="' + o + '"]');
            if (!box) return [];
            const sel = """ + FOCUSABLE + """;
            // A radio group is one Tab stop (its other buttons are reached with the arrows).
            const known = (e) => reached.includes(e.getAttribute('data-hsl-kb') || '-');
            const groupReached = (e) => { const g = e.closest('.widget-radio-box');
              return g && Array.from(g.querySelectorAll('input')).some(known); };
            return Array.from(box.querySelectorAll(sel)).filter((e) => e.getClientRects().length
                && !e.disabled && !e.closest('[disabled], .jupyter-widgets-disabled')
                && !(e.tagName === 'INPUT' && e.type === 'file')
                && !(e.type === 'radio' && groupReached(e))
                && !reached.includes(e.getAttribute('data-hsl-kb') || '-'))
              .map((e) => e.tagName.toLowerCase() + ' ' + ((e.getAttribute('aria-label') || e.innerText
                 || e.title || '').trim().slice(0, 40)));
          }""", [out, sorted(reached)])
        if missed:
            failures.append(f"widget {out}: Tab never reached {missed}")
        record.append({"widget": out, "class": kind_of_widget, "tab_stops": len(stops),
                       "kinds": sorted({s["kind"] for s in stops}),
                       "used_with_keys": used, "seconds_per_use": spent,
                       "seconds": round(time.perf_counter() - walk_started, 2),
                       "left_by_tab": left, "missed": missed})
    from harness import ARTIFACTS

    folder = ARTIFACTS / "keyboard"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_text(json.dumps(
        {"failures": failures, "seconds": round(time.perf_counter() - started, 2),
         "widgets": record}, indent=1))
    return failures
