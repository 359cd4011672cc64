"""Keep the widgets' translation catalogues (gettext ``.po``, with Babel) up to date.

Usage::

    python scripts/i18n.py extract        # widgets/locale/messages.pot from the code and the data
    python scripts/i18n.py update         # merge the template into every language's .po
    python scripts/i18n.py check          # exit 1 if a message is untranslated, fuzzy or broken
    python scripts/i18n.py init ar        # start a new language (then translate its .po)

What is extracted:

* every ``_("...")``, ``N_("...")`` and ``ngettext("...", "...", n)`` in the
  modules of :data:`TRANSLATED_MODULES` (the modules declared translated; the
  test ``tests/test_i18n.py`` fails on a user-facing literal there that is
  not wrapped);
* the data's own labels shown on screen, which no code spells out: the
  indicators' labels, short labels, units, descriptions, caveats and versions
  (``datasets/indicators.csv``; publishers, source titles and licences stay as
  published), the names
  of the dimensions (``widgets.data.DIMENSIONS``) and the income groups
  (``datasets/countries.csv``), and the words of the policy portfolio's teaching
  matrix (``widgets/assumptions/triad_matrix.yml``: :func:`widgets.triad.matrix_texts`).
  Country and region names are not here: they come from CLDR through Babel
  (:func:`widgets.i18n.country_display_name`).

The lessons' own text is kept by ``scripts/translate_lessons.py``. See
``docs/translating.md`` for the whole workflow.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

REPO_ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = REPO_ROOT / "widgets" / "locale"
TEMPLATE = LOCALE_DIR / "messages.pot"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}

#: Modules whose every user-facing string goes through the catalogues.
TRANSLATED_MODULES = [
    "widgets/ui/base.py",
    "widgets/ui/profile.py",
    "widgets/ui/quiz.py",
    "widgets/ui/portfolio.py",
    "widgets/ui/tour.py",
    "widgets/charts/cases.py",
    "widgets/charts/profile.py",
    "widgets/profile.py",
    "widgets/quiz.py",
    "widgets/i18n.py",
    "widgets/_a11y.py",
    "widgets/scorecard.py",
    "widgets/charts/scorecard.py",
    "widgets/ui/scorecard.py",
    "widgets/charts/__init__.py",
    "widgets/errors.py",
    "widgets/_paths.py",
    "widgets/portfolio.py",
    "widgets/data.py",
    "scripts/export_html.py",
    "widgets/explore.py",
    "widgets/charts/explore.py",
    "widgets/ui/explorer.py",
    "widgets/ui/coverage.py",
    "widgets/usertable.py",
    "widgets/ui/user_data.py",
    "widgets/_text.py",
    "widgets/indexing.py",
    "widgets/charts/indexing.py",
    "widgets/ui/index_builder.py",
    "widgets/selfcheck.py",
    "widgets/triad.py",
    "widgets/charts/triad.py",
    "widgets/risk.py",
    "widgets/charts/risk.py",
    "widgets/ui/risk_assessment.py",
    "widgets/tradeoffs.py",
    "widgets/charts/tradeoffs.py",
    "widgets/ui/spending.py",
    "widgets/consultation.py",
    "widgets/charts/consultation.py",
    "widgets/ui/consultation.py",
    "widgets/screening.py",
    "widgets/charts/screening.py",
    "widgets/ui/screening.py",
    "widgets/ui/policy_portfolio.py",
    "widgets/scenarios.py",
    "widgets/charts/scenarios.py",
    "widgets/ui/scenario.py",
    "widgets/scenario_storage.py",
    "widgets/scenario_teams.py",
    "widgets/cases.py",
    "widgets/ui/cases.py",
    "widgets/classreport.py",
    "widgets/charts/classreport.py",
    "widgets/ui/classreport.py",
]

#: Modules with user-facing text not translated yet (shown in docs/translating.md).
NOT_YET_TRANSLATED = sorted(
    str(p.relative_to(REPO_ROOT)) for p in (REPO_ROOT / "widgets").rglob("*.py")
    if str(p.relative_to(REPO_ROOT)) not in TRANSLATED_MODULES
    and str(p.relative_to(REPO_ROOT)) not in ("widgets/__init__.py", "widgets/ui/__init__.py")
    and p.name not in ("_projection.py", "_templates.py", "_offline.py", "_memory.py")  # no text
)

_FIELD = re.compile(r"\{[^{}]*\}")


def data_messages() -> list[tuple[str, str]]:
    """(message, where) for the data labels shown on screen."""
    sys.path.insert(0, str(REPO_ROOT))
    from widgets.data import DIMENSIONS

    out: list[tuple[str, str]] = []
    for key, label in DIMENSIONS.items():
        out.append((label, f"widgets/data.py DIMENSIONS[{key}]"))
    with (REPO_ROOT / "datasets" / "indicators.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out.append((row["label"], f"datasets/indicators.csv {row['id']} label"))
            out.append((row["short_label"], f"datasets/indicators.csv {row['id']} short_label"))
            if row["unit"]:
                out.append((row["unit"], f"datasets/indicators.csv {row['id']} unit"))
            # shown in lesson 00 and under charts (publisher, source title and licence stay
            # as published: they are not extracted)
            for field in ("description", "caveats", "vintage"):
                if row.get(field):
                    out.append((row[field], f"datasets/indicators.csv {row['id']} {field}"))
    with (REPO_ROOT / "datasets" / "countries.csv").open(encoding="utf-8") as fh:
        groups = sorted({r["income_group"] for r in csv.DictReader(fh) if r["income_group"]})
    out += [(g, "datasets/countries.csv income_group") for g in groups]
    from widgets.triad import matrix_texts  # the teaching matrix's labels, reasoning and rules

    out += matrix_texts()
    # the reallocation calculator's illustrative unit costs (widgets.ui.spending)
    import yaml

    costs = REPO_ROOT / "widgets" / "assumptions" / "unit_costs.yml"
    with costs.open(encoding="utf-8") as fh:
        for key, item in yaml.safe_load(fh)["unit_costs"].items():
            for field in ("label", "unit", "note", "source"):
                out.append((item[field], f"widgets/assumptions/unit_costs.yml {key} {field}"))
    return out


def extract() -> Catalog:
    catalog = Catalog(project="Human Security Lab", version="0.1", charset="utf-8",
                      msgid_bugs_address="", copyright_holder="Human Security Lab contributors")
    for rel in TRANSLATED_MODULES:
        path = REPO_ROOT / rel
        for lineno, message, comments, _context in extract_from_file(
                "python", path, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)):
            catalog.add(message, locations=[(rel, lineno)], auto_comments=comments)
    for message, where in data_messages():
        if message:
            file, _, note = where.partition(" ")
            existing = catalog.get(message)
            catalog.add(message, locations=[(file, 0)],
                        auto_comments=[note] if existing is None else existing.auto_comments)
    return catalog


def _write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    write_po(buf, catalog, width=96, sort_output=False, omit_header=False, include_lineno=False)
    path.write_bytes(buf.getvalue())


def _read(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=lang)


def languages() -> list[str]:
    return sorted(p.name for p in LOCALE_DIR.iterdir() if (p / "LC_MESSAGES").is_dir())


def update() -> None:
    template = _read(TEMPLATE)
    for lang in languages():
        path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
        catalog = _read(path, lang)
        catalog.update(template, no_fuzzy_matching=False)
        catalog.obsolete.clear()  # messages the code no longer has: dropped (git keeps them)
        _write(catalog, path)
        print(f"updated {path.relative_to(REPO_ROOT)}")


def problems(lang: str, template: Catalog | None = None) -> list[str]:
    """What is wrong with ``lang``'s catalogue (empty list: complete)."""
    template = template or _read(TEMPLATE)
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return [f"{lang}: no catalogue at {path.relative_to(REPO_ROOT)}"]
    catalog = _read(path, lang)
    found = []
    for msg in template:
        if not msg.id:
            continue
        mine = catalog.get(msg.id[0] if isinstance(msg.id, tuple) else msg.id)
        strings = (mine.string if isinstance(mine.string, tuple) else (mine.string,)) if mine else ()
        if mine is None or not all(strings):
            found.append(f"{lang}: untranslated: {msg.id!r}")
        elif mine.fuzzy:
            found.append(f"{lang}: fuzzy (check it, then remove the fuzzy flag): {msg.id!r}")
        else:
            ids = msg.id if isinstance(msg.id, tuple) else (msg.id,)
            want = set(_FIELD.findall(ids[-1]))
            for s in strings:
                if set(_FIELD.findall(s)) != want:
                    found.append(f"{lang}: the placeholders {sorted(want)} differ in {s!r}")
    extra = {m.id for m in catalog if m.id} - {m.id for m in template if m.id}
    found += [f"{lang}: not in the template (run update): {i!r}" for i in sorted(map(str, extra))]
    return found


def check() -> int:
    template = _read(TEMPLATE)
    current = extract()
    stale = {m.id for m in current if m.id} ^ {m.id for m in template if m.id}
    found = [f"the template is out of date (run extract, then update): {i!r}"
             for i in sorted(map(str, stale))]
    for lang in languages():
        found += problems(lang, template)
    for line in found:
        print(line)
    print("catalogues complete" if not found else f"{len(found)} problem(s)")
    return 1 if found else 0


def init(lang: str) -> None:
    template = _read(TEMPLATE)
    catalog = Catalog(locale=lang, project=template.project, version=template.version,
                      fuzzy=False)
    catalog.update(template)
    _write(catalog, LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["extract", "update", "check", "init"])
    parser.add_argument("lang", nargs="?")
    args = parser.parse_args(argv)
    if args.command == "extract":
        _write(extract(), TEMPLATE)
        print(f"wrote {TEMPLATE.relative_to(REPO_ROOT)}")
    elif args.command == "update":
        update()
    elif args.command == "init":
        if not args.lang:
            parser.error("init needs a language code, e.g. ar")
        init(args.lang)
    else:
        return check()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
