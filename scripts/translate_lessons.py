"""Make the French and Spanish lessons from the English ones, so the versions never drift.

The English notebook (``lessons/NN-name.ipynb``) is the only source of code.
Its text is cut into *units* — one per paragraph of a Markdown cell (a block
between blank lines: a paragraph, a heading, a whole table or list) — plus the
strings its code cells mark with ``_()`` (sentences computed from the data).
Each language keeps its translations of a lesson's units in one gettext file,
``lessons/locale/<lang>/NN.po``. The translated notebook
``lessons/<lang>/NN-name.ipynb`` is *generated*: the English cells, the same
ids, the same code, each Markdown unit replaced by its translation, and one
first cell that sets the language (``widgets.set_language("fr")``). At run time
``widgets.i18n._`` reads the code strings from the same ``.po`` files.

Usage::

    python scripts/translate_lessons.py update fr 01     # add/refresh lesson 01's units in fr
    python scripts/translate_lessons.py build            # write every translated notebook
    python scripts/translate_lessons.py check            # exit 1 if a unit is untranslated or
                                                         # fuzzy, a notebook is out of date, or
                                                         # a translated quiz differs in structure

``update`` keeps every translation whose English unit did not change; a
changed unit comes back *fuzzy* (the old translation kept as a suggestion), and
``build`` and ``check`` refuse it until a translator has looked at it: a
translated lesson never shows English text in its place.

The lessons' companions follow the same model: the solutions notebooks
(``lessons/solutions/NN-name-solutions.ipynb``, units in
``lessons/locale/<lang>/solutions-NN.po``, generated into
``lessons/<lang>/solutions/NN-name.ipynb``) and the facilitator's notebooks
(``lessons/facilitator/name.ipynb``, units in
``lessons/locale/<lang>/facilitator-name.po``, generated into
``lessons/<lang>/facilitator/name.ipynb``); ``update fr solutions-01`` or
``update fr facilitator-class-report`` starts one.

Quizzes: ``lessons/quizzes/<lang>/NN.yml`` is a translated copy of
``lessons/quizzes/NN.yml``; ``check`` verifies that it has the same questions,
types, number of options, correct answers and data references.
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_python
from babel.messages.pofile import read_po, write_po

REPO_ROOT = Path(__file__).resolve().parent.parent
LESSONS = REPO_ROOT / "lessons"
LOCALE = LESSONS / "locale"
QUIZZES = LESSONS / "quizzes"
LANGUAGES = ("fr", "es")
LANGUAGE_CELL_ID = "hsl-language"


# ============================================================== units
def markdown_units(text: str) -> list[str]:
    """The translation units of a Markdown cell: its blocks between blank lines.

    >>> markdown_units("# Title\\n\\nOne paragraph.\\n\\n| a | b |\\n|---|---|\\n")
    ['# Title', 'One paragraph.', '| a | b |\\n|---|---|']
    """
    return [block.strip("\n") for block in re.split(r"\n\s*\n", text) if block.strip()]


def code_units(source: str) -> list[str]:
    """The strings a code cell marks with ``_()`` (its sentences made from the data)."""
    found = []
    for _lineno, _func, message, _comments in extract_python(
            io.BytesIO(source.encode()), ["_"], [], {}):
        if isinstance(message, str) and message:
            found.append(message)
    return found


def english_notebook(lesson: str) -> Path:
    folder, pattern = _companion(lesson) or (LESSONS, f"{lesson}-*.ipynb")
    matches = sorted(folder.glob(pattern))
    if len(matches) != 1:
        raise SystemExit(f"no single English notebook for lesson {lesson!r} in lessons/")
    return matches[0]


#: The lessons' companion notebooks, by the prefix of their id: (English folder, output folder).
COMPANIONS = {"solutions": ("solutions", "solutions"), "facilitator": ("facilitator", "facilitator")}
_COMPANION_ID = re.compile(r"^(solutions)-(\d\d)$|^(facilitator)-([a-z0-9-]+)$")


def _companion(lesson: str) -> tuple[Path, str] | None:
    """(folder, glob) of a companion notebook's English source; None for a lesson ("01")."""
    m = _COMPANION_ID.match(lesson)
    if not m:
        return None
    if m.group(1):
        return LESSONS / COMPANIONS["solutions"][0], f"{m.group(2)}-*-solutions.ipynb"
    return LESSONS / COMPANIONS["facilitator"][0], f"{m.group(4)}.ipynb"


def english_name(lesson: str, path: Path) -> str:
    """The part of the English file name a translation replaces (after NN- for numbered ones)."""
    return path.stem if lesson.startswith("facilitator-") else path.stem.split("-", 1)[1]


def translated_path(lang: str, lesson: str, name: str) -> Path:
    """Where the translated notebook is written, from its translated file name."""
    if lesson.startswith("solutions-"):
        return LESSONS / lang / COMPANIONS["solutions"][1] / f"{lesson[-2:]}-{name}.ipynb"
    if lesson.startswith("facilitator-"):
        return LESSONS / lang / COMPANIONS["facilitator"][1] / f"{name}.ipynb"
    return LESSONS / lang / f"{lesson}-{name}.ipynb"


def translated_companions(lang: str) -> list[str]:
    """The companion notebooks translated into ``lang`` (ids such as ``solutions-01``)."""
    folder = LOCALE / lang
    return sorted(p.stem for p in folder.glob("*.po") if _COMPANION_ID.match(p.stem)) \
        if folder.is_dir() else []


def read_notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def lesson_units(nb: dict) -> list[tuple[str, str]]:
    """(unit, where) for every unit of an English notebook, in order."""
    units = []
    for cell in nb["cells"]:
        where = f"cell {cell.get('id', '?')}"
        if cell["cell_type"] == "markdown":
            units += [(u, where) for u in markdown_units(source(cell))]
        elif cell["cell_type"] == "code":
            units += [(u, f"code {where}") for u in code_units(source(cell))]
    return units


# ============================================================== catalogues
def po_path(lang: str, lesson: str) -> Path:
    return LOCALE / lang / f"{lesson}.po"


def read_catalog(path: Path, lang: str) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=lang)


def write_catalog(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    write_po(buf, catalog, width=0, sort_output=False, include_lineno=False)
    path.write_bytes(buf.getvalue())


#: The context of the unit that names the translated notebook's file (its words after NN-).
FILE_NAME = "file name"
_SLUG = re.compile(r"^[^\W_A-Z]+(-[^\W_A-Z]+)*$")  # lower-case letters (é, ñ too), digits


def template(lesson: str) -> Catalog:
    nb_path = english_notebook(lesson)
    catalog = Catalog(project="Human Security Lab lessons", fuzzy=False)
    catalog.add(english_name(lesson, nb_path), context=FILE_NAME,
                auto_comments=["the translated notebook's file name after the lesson number, which the "
                               "app's lesson list shows (dashes become spaces): lower-case "
                               "letters, digits and dashes"])
    for unit, where in lesson_units(read_notebook(nb_path)):
        catalog.add(unit, locations=[(str(nb_path.relative_to(REPO_ROOT)), 0)], auto_comments=[where])
    return catalog


def update(lang: str, lesson: str) -> Path:
    path = po_path(lang, lesson)
    fresh = template(lesson)
    if path.exists():
        catalog = read_catalog(path, lang)
        catalog.update(fresh, no_fuzzy_matching=False)
        catalog.obsolete.clear()
    else:
        catalog = Catalog(locale=lang, project=fresh.project, fuzzy=False)
        catalog.update(fresh)
    write_catalog(catalog, path)
    return path


def translated_lessons(lang: str) -> list[str]:
    return sorted(p.stem for p in (LOCALE / lang).glob("*.po")
                  if not _COMPANION_ID.match(p.stem)) if (LOCALE / lang).is_dir() else []


def unit_problems(lang: str, lesson: str) -> list[str]:
    catalog = read_catalog(po_path(lang, lesson), lang)
    found = []
    english = english_notebook(lesson)
    wanted = [u for u, _ in lesson_units(read_notebook(english))]
    name = catalog.get(english_name(lesson, english), context=FILE_NAME)
    if name is None or not name.string or name.fuzzy:
        found.append(f"{lang}/{lesson}: the file name ({FILE_NAME!r}) is not translated")
    elif not _SLUG.match(name.string):
        found.append(f"{lang}/{lesson}: the file name {name.string!r} must be lower-case letters, "
                     "digits and dashes")
    for unit in wanted:
        msg = catalog.get(unit)
        if msg is None or not msg.string:
            found.append(f"{lang}/{lesson}: untranslated unit: {unit[:70]!r}")
        elif msg.fuzzy:
            found.append(f"{lang}/{lesson}: the English changed; check the translation and "
                         f"remove the fuzzy flag: {unit[:70]!r}")
        elif set(re.findall(r"\{[^{}]*\}", unit)) != set(re.findall(r"\{[^{}]*\}", msg.string)):
            found.append(f"{lang}/{lesson}: placeholders differ in {msg.string[:70]!r}")
    extra = {m.id for m in catalog if m.id and m.context != FILE_NAME} - set(wanted)
    found += [f"{lang}/{lesson}: unit no longer in the English lesson (run update): {u[:70]!r}"
              for u in sorted(extra)]
    return found


# ============================================================== notebooks
def language_cell(lang: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "id": LANGUAGE_CELL_ID,
            "metadata": {"tags": ["hsl-language"]}, "outputs": [],
            "source": ["import widgets\n", "\n", f'widgets.set_language("{lang}");']}


def _as_lines(text: str) -> list[str]:
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


def translate_notebook(lang: str, lesson: str) -> tuple[Path, str]:
    """The translated notebook's path and JSON text (raises SystemExit on a missing unit)."""
    problems = unit_problems(lang, lesson)
    if problems:
        raise SystemExit("\n".join(problems))
    catalog = read_catalog(po_path(lang, lesson), lang)
    english = english_notebook(lesson)
    nb = copy.deepcopy(read_notebook(english))
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        text = source(cell)
        for unit in markdown_units(text):
            text = text.replace(unit, catalog.get(unit).string, 1)
        cell["source"] = _as_lines(text)
    nb["cells"].insert(0, language_cell(lang))
    nb["metadata"]["hsl"] = {"language": lang,
                             "generated_from": str(english.relative_to(REPO_ROOT)),
                             "translations": f"lessons/locale/{lang}/{lesson}.po",
                             "note": "Generated by scripts/translate_lessons.py: do not edit; "
                                     "edit the English notebook or the .po file."}
    name = catalog.get(english_name(lesson, english), context=FILE_NAME).string
    out = translated_path(lang, lesson, name)
    return out, json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def build() -> list[Path]:
    written = []
    for lang in LANGUAGES:
        for lesson in translated_lessons(lang) + translated_companions(lang):
            path, text = translate_notebook(lang, lesson)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


# ============================================================== quizzes
def quiz_structure(path: Path) -> list[tuple]:
    """What must be the same in every language: ids, types, answers, data references."""
    import yaml

    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for q in raw.get("questions", []):
        out.append((q.get("id"), q.get("type", "single"),
                    tuple(bool(o.get("correct", False)) for o in q.get("options", []) or []),
                    q.get("answer"), json.dumps(q.get("answer_from"), sort_keys=True),
                    q.get("tolerance"), q.get("relative_tolerance")))
    return out


def quiz_problems(lang: str) -> list[str]:
    found = []
    folder = QUIZZES / lang
    for path in sorted(folder.glob("*.yml")) if folder.is_dir() else []:
        english = QUIZZES / path.name
        if not english.exists():
            found.append(f"{lang}: quiz {path.name} has no English original")
        elif quiz_structure(path) != quiz_structure(english):
            found.append(f"{lang}: quiz {path.name} differs from the English one in its "
                         "questions, types, correct answers or data references")
    for lesson in translated_lessons(lang):
        if (QUIZZES / f"{lesson}.yml").exists() and not (folder / f"{lesson}.yml").exists():
            found.append(f"{lang}: lesson {lesson} is translated but its quiz is not "
                         f"(lessons/quizzes/{lang}/{lesson}.yml)")
    return found


def check() -> list[str]:
    found = []
    for lang in LANGUAGES:
        for lesson in translated_lessons(lang) + translated_companions(lang):
            problems = unit_problems(lang, lesson)
            found += problems
            if problems:
                continue
            path, text = translate_notebook(lang, lesson)
            english = str(english_notebook(lesson).relative_to(REPO_ROOT))
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                found.append(f"{lang}/{lesson}: {path.relative_to(REPO_ROOT)} is out of date "
                             "with its English source (run build)")
            pattern = (f"{lesson[-2:]}-*.ipynb" if lesson.startswith("solutions-") else
                       "*.ipynb" if lesson.startswith("facilitator-") else f"{lesson}-*.ipynb")
            stale = [p for p in path.parent.glob(pattern) if p != path
                     and (not lesson.startswith("facilitator-") or _generated_from(p) == english)]
            found += [f"{lang}/{lesson}: {p.relative_to(REPO_ROOT)} is left over from an older "
                      "file name (delete it)" for p in stale]
        found += quiz_problems(lang)
    return found


def _generated_from(path: Path) -> str | None:
    return read_notebook(path).get("metadata", {}).get("hsl", {}).get("generated_from")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["update", "build", "check"])
    parser.add_argument("lang", nargs="?", choices=LANGUAGES)
    parser.add_argument("lessons", nargs="*", help="lesson numbers, e.g. 01, or companion "
                        "notebooks, e.g. solutions-01, facilitator-class-report (default: those "
                        "that already have a .po file)")
    args = parser.parse_args(argv)
    if args.command == "update":
        for lang in [args.lang] if args.lang else list(LANGUAGES):
            for lesson in args.lessons or translated_lessons(lang) + translated_companions(lang):
                print(f"updated {update(lang, lesson).relative_to(REPO_ROOT)}")
        return 0
    if args.command == "build":
        for path in build():
            print(f"wrote {path.relative_to(REPO_ROOT)}")
        return 0
    found = check()
    for line in found:
        print(line)
    print("translated lessons up to date" if not found else f"{len(found)} problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
