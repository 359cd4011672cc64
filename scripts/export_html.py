"""Every lesson as a static web page, for reading, printing and sharing (``make html``).

Where no Python runs (a printed hand-out, an e-mail attachment, a learning
platform), live widgets cannot work. This script runs each lesson headless,
then replaces every widget output by what it showed at that moment:

* each chart as a static SVG image (drawn by vl-convert, no browser, no
  internet) with its text description as caption and ``alt`` text;
* the widget's own texts (descriptions, messages, source lines);
* the settings of its controls ("Year: 2023; Indicator: Under-5 mortality"),
  so a reader knows what the picture shows.

Pages are single files (images embedded) with the code hidden, written to
``_site/`` with an ``index.html`` listing the lessons. Nothing in them loads
anything from the internet.

Usage: ``python scripts/export_html.py [--out _site] [--lessons 00 05] [--with-code]``
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO_ROOT = Path(__file__).resolve().parent.parent
LESSON_GLOB = "[0-9][0-9]-*.ipynb"
STATIC_MIME = "application/vnd.hsl.static-widgets+json"

# Runs inside the lesson's kernel after the last cell: turns every widget that
# was displayed into static HTML. Kept free of the lab's package internals.
KERNEL_CODE = r'''
def _hsl_static_widgets():
    import base64, copy, html as _html, json as _json
    import altair as _alt, ipywidgets as _W
    from ipywidgets.widgets.widget import _instances
    import vl_convert as _vlc
    from altair.utils._importers import vl_version_for_vl_convert as _vlv
    from IPython.display import display as _display

    cache = {}

    def chart_html(jc):
        if id(jc) not in cache:
            cache[id(jc)] = _chart_html(jc)
        return cache[id(jc)]

    def _chart_html(jc):
        spec = copy.deepcopy(jc.spec or {})
        if not spec:
            return ""
        values = dict(getattr(jc, "_params", {}) or {})
        for p in spec.get("params", []):
            if p.get("name") in values and values[p["name"]] is not None and "select" not in p:
                p["value"] = values[p["name"]]
        try:
            svg = _vlc.vegalite_to_svg(spec, vl_version=_vlv())
        except Exception as err:  # a chart that cannot be drawn statically
            return f'<p class="hsl-static-note">(Chart not available in the static page: {_html.escape(str(err)[:200])})</p>'
        desc = spec.get("description", "")
        data = base64.b64encode(svg.encode()).decode()
        cap = f"<figcaption>{_html.escape(desc)}</figcaption>" if desc else ""
        return (f'<figure class="hsl-chart"><img src="data:image/svg+xml;base64,{data}" '
                f'alt="{_html.escape(desc or "chart")}">{cap}</figure>')

    def label_of(w):
        for attr in ("label",):
            v = getattr(w, attr, None)
            if v is not None:
                return ", ".join(map(str, v)) if isinstance(v, tuple) else str(v)
        v = w.value
        if isinstance(v, tuple):
            return " to ".join(map(str, v)) if len(v) == 2 and not isinstance(w, _W.SelectMultiple) else ", ".join(map(str, v))
        if isinstance(v, float):
            return f"{v:g}"
        return str(v)

    def visible(w):
        layout = getattr(w, "layout", None)
        return not (layout is not None and (layout.display == "none" or layout.visibility == "hidden"))

    def walk(w, out):
        if not visible(w):
            return
        if isinstance(w, _alt.JupyterChart):
            out.append(chart_html(w))
        elif isinstance(w, (_W.HTML, _W.HTMLMath)):
            if w.value and w.value.strip():
                out.append(f'<div class="hsl-html">{w.value}</div>')
        elif isinstance(w, _W.Label):
            if w.value:
                out.append(f"<p>{_html.escape(w.value)}</p>")
        elif isinstance(w, _W.Box):
            for child in w.children:
                walk(child, out)
        elif isinstance(w, _W.Output):
            for o in w.outputs:
                d = o.get("data", {})
                if "text/html" in d:
                    out.append(d["text/html"])
                elif "text/markdown" in d:
                    out.append(f"<pre>{_html.escape(d['text/markdown'])}</pre>")
                elif "text/plain" in d or "text" in o:
                    out.append(f"<pre>{_html.escape(d.get('text/plain', o.get('text', '')))}</pre>")
        elif isinstance(w, (_W.Button, _W.FileUpload)):
            return
        elif isinstance(w, _W.ToggleButton) and w.description in ("Show the data", "Hide the data"):
            return
        elif isinstance(w, _W.ValueWidget) and getattr(w, "description", ""):
            out.append(f'<p class="hsl-setting"><b>{_html.escape(w.description)}:</b> '
                       f'{_html.escape(label_of(w))}</p>')

    result = {}
    for model_id, w in list(_instances.items()):
        if isinstance(w, _W.DOMWidget):
            parts = []
            try:
                walk(w, parts)
            except Exception as err:
                parts = [f'<p class="hsl-static-note">(Widget not available statically: {_html.escape(str(err)[:200])})</p>']
            result[model_id] = '<div class="hsl-static-widget">' + "".join(parts) + "</div>"
    _display({"STATIC_MIME": result}, raw=True)

_hsl_static_widgets()
del _hsl_static_widgets
'''.replace("STATIC_MIME", STATIC_MIME)

STYLE = """
<style>
  body { max-width: 1000px; margin: 0 auto; }
  .hsl-static-widget { border-left: 3px solid #0072B2; padding: 4px 0 4px 12px; margin: 8px 0; }
  .hsl-static-widget figure { margin: 8px 0; }
  .hsl-static-widget img { max-width: 100%; height: auto; }
  .hsl-static-widget figcaption { font-size: 13px; color: #333; margin-top: 4px; }
  .hsl-setting { margin: 2px 0; font-size: 13px; color: #333; }
  .hsl-static-note { font-size: 12px; color: #555; font-style: italic; }
  .hsl-banner { background: #e6f1fa; color: #123c5c; padding: 8px 12px; border-radius: 4px;
                font-size: 13px; margin: 12px 0; }
  @media print { .hsl-banner { display: none; } figure { break-inside: avoid; } }
</style>
"""


def lessons(selected: list[str] | None) -> list[Path]:
    found = sorted((REPO_ROOT / "lessons").glob(LESSON_GLOB))
    return [p for p in found if not selected or p.name[:2] in selected]


def title_of(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, flags=re.M)
            if match:
                return match.group(1).strip()
    return ""


def execute(path: Path, workdir: Path) -> nbformat.NotebookNode:
    """Run the lesson headless and swap widget outputs for their static version."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(KERNEL_CODE))
    os.environ["HSL_WORK_DIR"] = str(workdir)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    last = nb.cells.pop()
    static: dict[str, str] = {}
    for output in last.get("outputs", []):
        static.update(output.get("data", {}).get(STATIC_MIME, {}))
    missing = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get("application/vnd.jupyter.widget-view+json")
            if view is None:
                continue
            html_text = static.get(view.get("model_id", ""))
            if html_text is None:
                missing += 1
                html_text = '<p class="hsl-static-note">(Interactive widget: open the lesson to use it.)</p>'
            output["data"] = {"text/html": _drop_repeated_captions(html_text)}
    nb.metadata.pop("widgets", None)  # no widget state: it would load a manager from a CDN
    if missing:
        print(f"  note: {missing} widget outputs had no static version", flush=True)
    return nb


def _drop_repeated_captions(text: str) -> str:
    """A ChartPanel prints the chart's description under it: no second copy as caption.

    >>> _drop_repeated_captions('<figure><figcaption>A line.</figcaption></figure><p>A line.</p>')
    '<figure></figure><p>A line.</p>'
    """
    for caption in set(re.findall(r"<figcaption>(.*?)</figcaption>", text, flags=re.S)):
        if text.count(caption) > 1:
            text = text.replace(f"<figcaption>{caption}</figcaption>", "")
    return text


def to_html(nb, title: str, with_code: bool) -> str:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", exclude_input=not with_code,
                            exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    # Offline: drop scripts that would come from a CDN (MathJax, mermaid, require.js).
    body = re.sub(r'<script[^>]*src="https?://[^"]*"[^>]*>\s*</script>', "", body)
    body = re.sub(r'<link[^>]*href="https?://[^"]*"[^>]*>', "", body)
    body = re.sub(r'<script type="module">\s*document.addEventListener\("DOMContentLoaded", async \(\) => \{\s*'
                  r'const diagrams.*?</script>', "", body, flags=re.S)
    banner = ('<div class="hsl-banner">Static copy of a Human Security Lab lesson: the charts show '
              "the default settings. Open the lesson in JupyterLab or as an app to use the "
              "controls.</div>")
    body = body.replace("</head>", STYLE + "</head>", 1)
    body = re.sub(r"(<main[^>]*>|<body[^>]*>)", r"\1" + banner, body, count=1)
    return body


def write_index(out: Path, entries: list[tuple[str, str]]) -> None:
    items = "\n".join(f'  <li><a href="{html.escape(name)}">{html.escape(title)}</a></li>'
                      for name, title in entries)
    out.joinpath("index.html").write_text(f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Human Security Lab — lessons</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;max-width:760px;margin:40px auto;padding:0 16px;
color:#222}} ul{{list-style:none;padding:0}} li{{margin:8px 0;font-size:17px}} a{{color:#0072B2}}</style></head>
<body><h1>Human Security Lab</h1>
<p>Static copies of the lessons for reading and printing. Charts show each lesson's default
settings; the live versions run in JupyterLab or as apps.</p>
<ul>
{items}
</ul></body></html>
""", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "_site")
    parser.add_argument("--lessons", nargs="*", help="lesson numbers, e.g. 00 05 (default: all)")
    parser.add_argument("--with-code", action="store_true", help="keep the code cells")
    args = parser.parse_args(argv)
    out = args.out if args.out.is_absolute() else Path.cwd() / args.out
    out.mkdir(parents=True, exist_ok=True)
    entries: list[tuple[str, str]] = []
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="hsl-html-") as tmp:
        for path in lessons(args.lessons):
            start = time.perf_counter()
            print(f"{path.name} …", flush=True)
            try:
                nb = execute(path, Path(tmp))
            except Exception as err:  # noqa: BLE001 - report and continue with the others
                print(f"  FAILED: {type(err).__name__}: {str(err)[-300:]}", flush=True)
                failed.append(path.name)
                continue
            title = title_of(nb) or path.stem
            name = path.with_suffix(".html").name
            (out / name).write_text(to_html(nb, title, args.with_code), encoding="utf-8")
            entries.append((name, f"{path.name[:2]} · {title}"))
            print(f"  -> {out / name} ({time.perf_counter() - start:.1f} s)", flush=True)
    write_index(out, entries)
    print(json.dumps({"written": len(entries), "failed": failed, "out": str(out)}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
