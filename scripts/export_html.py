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

One site per language (issue 18): the English lessons in ``_site/``, the
translated ones (``lessons/fr/``, ``lessons/es/``) in ``_site/fr/`` and
``_site/es/``, each with its index page in its language and links between the
three. The pages' own words (banner, index) come from the widgets' catalogues.

Usage: ``python scripts/export_html.py [--out _site] [--lessons 00 05] [--languages en fr]
[--with-code]``
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
sys.path.insert(0, str(REPO_ROOT))
from widgets.i18n import LANGUAGES, N_, _, set_language  # noqa: E402 - after the path

LESSON_GLOB = "[0-9][0-9]-*.ipynb"
#: The index page's and the banner's words (translated with the widgets' catalogues).
BANNER = N_("Static copy of a Human Security Lab lesson: the charts show the default settings. "
            "Open the lesson in JupyterLab or as an app to use the controls.")
INDEX_TITLE = N_("Human Security Lab — lessons")
INDEX_INTRO = N_("Static copies of the lessons for reading and printing. Charts show each "
                 "lesson's default settings; the live versions run in JupyterLab or as apps.")
SITE_NAME = N_("Human Security Lab")
LANGUAGE_MENU = N_("Language")
ALL_LESSONS = N_("All lessons")
NO_WIDGET = N_("(Interactive widget: open the lesson to use it.)")
NO_CHART = N_("(Chart not available in the static page: {error})")  # in the kernel (KERNEL_CODE)
NO_STATIC = N_("(Widget not available statically: {error})")  # in the kernel (KERNEL_CODE)
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
    # the "Show the data" button and the colon in the lesson's language (issue 18)
    TOGGLES, COLON, TO = {"Show the data", "Hide the data"}, ":", " to "
    NO_CHART = "(Chart not available in the static page: {error})"
    NO_STATIC = "(Widget not available statically: {error})"
    try:
        from widgets.i18n import _ as _t, get_language as _lang
        TOGGLES |= {_t("Show the data"), _t("Hide the data")}
        NO_CHART, NO_STATIC = _t(NO_CHART), _t(NO_STATIC)
        if _lang() != "en":
            COLON, TO = ("\u00a0:" if _lang() == "fr" else ":"), "–"
    except ImportError:
        pass

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
            return '<p class="hsl-static-note">' + _html.escape(NO_CHART.format(error=str(err)[:200])) + '</p>'
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
            return TO.join(map(str, v)) if len(v) == 2 and not isinstance(w, _W.SelectMultiple) else ", ".join(map(str, v))
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
        elif isinstance(w, _W.ToggleButton) and w.description in TOGGLES:
            return
        elif isinstance(w, _W.ValueWidget) and getattr(w, "description", ""):
            out.append(f'<p class="hsl-setting"><b>{_html.escape(w.description)}{COLON}</b> '
                       f'{_html.escape(label_of(w))}</p>')

    result = {}
    for model_id, w in list(_instances.items()):
        if isinstance(w, _W.DOMWidget):
            parts = []
            try:
                walk(w, parts)
            except Exception as err:
                parts = ['<p class="hsl-static-note">' + _html.escape(NO_STATIC.format(error=str(err)[:200])) + '</p>']
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
  .jp-RenderedHTMLCommon a[href] { text-decoration: underline !important; }  /* not by colour alone (axe) */
  .hsl-languages { font-size: 13px; margin: 4px 0 12px; }
  .hsl-languages a { color: #0072B2; text-decoration: underline; }
  .hsl-languages [aria-current] { font-weight: 700; color: #222; text-decoration: none; }
  @media print { .hsl-banner, .hsl-languages { display: none; } figure { break-inside: avoid; } }
</style>
"""


def lessons(selected: list[str] | None, lang: str = "en") -> list[Path]:
    """The lessons of ``lang``: ``lessons/`` in English, ``lessons/<lang>/`` translated."""
    folder = REPO_ROOT / "lessons" / ("" if lang == "en" else lang)
    found = sorted(folder.glob(LESSON_GLOB))
    return [p for p in found if not selected or p.name[:2] in selected]


def site_dir(out: Path, lang: str) -> Path:
    """``_site/`` for English, ``_site/fr/`` and ``_site/es/`` for the translations."""
    return out if lang == "en" else out / lang


def _link(from_lang: str, to_lang: str, page: str = "index.html") -> str:
    """The relative address of ``page`` of ``to_lang``'s site from a page of ``from_lang``'s.

    >>> _link("en", "fr"), _link("fr", "en"), _link("fr", "es"), _link("es", "es")
    ('fr/index.html', '../index.html', '../es/index.html', 'index.html')
    """
    up = "" if from_lang == "en" else "../"
    if to_lang == from_lang:
        return page
    return f"{up}{page}" if to_lang == "en" else f"{up}{to_lang}/{page}"


def language_menu(lang: str, languages: list[str]) -> str:
    """Links to the other languages' index pages (each name in its own language)."""
    links = []
    for code in languages:
        current = ' aria-current="page"' if code == lang else ""
        links.append(f'<a href="{_link(lang, code)}" lang="{code}" hreflang="{code}"{current}>'
                     f"{html.escape(LANGUAGES[code])}</a>")
    set_language(lang)
    label = html.escape(_(LANGUAGE_MENU))
    return f'<nav class="hsl-languages" aria-label="{label}">' + " · ".join(links) + "</nav>"


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
                html_text = f'<p class="hsl-static-note">{html.escape(_(NO_WIDGET))}</p>'
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


def to_html(nb, title: str, with_code: bool, lang: str = "en",
            languages: list[str] | None = None) -> str:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", exclude_input=not with_code,
                            exclude_input_prompt=True, exclude_output_prompt=True)
    body, _resources = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    # Offline: drop scripts that would come from a CDN (MathJax, mermaid, require.js).
    body = re.sub(r'<script[^>]*src="https?://[^"]*"[^>]*>\s*</script>', "", body)
    body = re.sub(r'<link[^>]*href="https?://[^"]*"[^>]*>', "", body)
    body = re.sub(r'<script type="module">\s*document.addEventListener\("DOMContentLoaded", async \(\) => \{\s*'
                  r'const diagrams.*?</script>', "", body, flags=re.S)
    set_language(lang)
    banner = (f'<div class="hsl-banner">{html.escape(_(BANNER))} '
              f'<a href="index.html">{html.escape(_(ALL_LESSONS))}</a></div>')
    if languages and len(languages) > 1:
        banner += language_menu(lang, languages)
    body = re.sub(r"<html[^>]*>", f'<html lang="{lang}">', body, count=1)
    body = body.replace("</head>", STYLE + "</head>", 1)
    body = re.sub(r"(<main[^>]*>|<body[^>]*>)", r"\1" + banner, body, count=1)
    return body


def write_index(out: Path, entries: list[tuple[str, str]], lang: str = "en",
                languages: list[str] | None = None) -> None:
    """``index.html`` of one language's site, in that language, with links to the others."""
    set_language(lang)
    items = "\n".join(f'  <li><a href="{html.escape(name)}">{html.escape(title)}</a></li>'
                      for name, title in entries)
    menu = language_menu(lang, languages) if languages and len(languages) > 1 else ""
    set_language(lang)
    out.mkdir(parents=True, exist_ok=True)
    out.joinpath("index.html").write_text(f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(_(INDEX_TITLE))}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;max-width:760px;margin:40px auto;padding:0 16px;
color:#222}} ul{{list-style:none;padding:0}} li{{margin:8px 0;font-size:17px}} a{{color:#0072B2}}
.hsl-languages{{font-size:15px;margin:0 0 12px}} .hsl-languages [aria-current]{{font-weight:700;
color:#222;text-decoration:none}}</style></head>
<body>{menu}<h1>{html.escape(_(SITE_NAME))}</h1>
<p>{html.escape(_(INDEX_INTRO))}</p>
<ul>
{items}
</ul></body></html>
""", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "_site")
    parser.add_argument("--lessons", nargs="*", help="lesson numbers, e.g. 00 05 (default: all)")
    parser.add_argument("--with-code", action="store_true", help="keep the code cells")
    parser.add_argument("--languages", nargs="*", choices=list(LANGUAGES),
                        help="languages to build, e.g. en fr (default: all; English in --out, "
                             "the others in --out/<lang>/)")
    args = parser.parse_args(argv)
    out = args.out if args.out.is_absolute() else Path.cwd() / args.out
    out.mkdir(parents=True, exist_ok=True)
    languages = args.languages or list(LANGUAGES)
    written = 0
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="hsl-html-") as tmp:
        for lang in languages:
            set_language(lang)
            site = site_dir(out, lang)
            site.mkdir(parents=True, exist_ok=True)
            entries: list[tuple[str, str]] = []
            for path in lessons(args.lessons, lang):
                start = time.perf_counter()
                print(f"{path.relative_to(REPO_ROOT / 'lessons')} …", flush=True)
                try:
                    nb = execute(path, Path(tmp))
                except Exception as err:  # noqa: BLE001 - report and continue with the others
                    print(f"  FAILED: {type(err).__name__}: {str(err)[-300:]}", flush=True)
                    failed.append(str(path.relative_to(REPO_ROOT / "lessons")))
                    continue
                title = title_of(nb) or path.stem
                name = path.with_suffix(".html").name
                (site / name).write_text(to_html(nb, title, args.with_code, lang, languages),
                                         encoding="utf-8")
                entries.append((name, f"{path.name[:2]} · {title}"))
                print(f"  -> {site / name} ({time.perf_counter() - start:.1f} s)", flush=True)
            write_index(site, entries, lang, languages)
            written += len(entries)
    set_language(None)
    print(json.dumps({"written": written, "failed": failed, "out": str(out),
                      "languages": languages}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
