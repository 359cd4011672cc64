"""The French and Spanish facilitator guides keep step with the English one.

lessons/facilitator-guide.md is the source; lessons/fr/facilitator-guide.md and
lessons/es/facilitator-guide.md are its translations, written by hand (a guide
is prose for trainers, not generated like the lessons). So that they cannot
drift apart unnoticed, section by section (a section = one heading and the text
up to the next heading):

* the same sequence of heading levels;
* the same list items (count and nesting) and the same table rows and cells;
* the same inline code spans (a translation may point to its own language's
  folder: `lessons/fr/`, `lessons/quizzes/fr/` count as `lessons/`, `lessons/quizzes/`);
* the same link targets: relative links are resolved from each guide's folder
  (so `../quizzes/fr/` in lessons/fr/ matches `quizzes/` in lessons/), a lesson
  notebook `NN-*.ipynb` matches the same lesson under any file name (English or
  translated), an anchor `#…` must name a heading of the same file at the same
  place as in English, and every relative target must exist;
* every figure written with digits in the English section appears in the
  translated section (thousands separators and decimal commas normalised:
  1,500 = 1 500 = 1.500; 0.7 = 0,7);
* a lesson heading `### NN — title` uses the title of the translated lesson
  (the first heading of lessons/locale/<lang>/NN.po) when that lesson is translated.

A failure names the language and the section. When you change the English
guide, change both translations in the same commit.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LESSONS = REPO / "lessons"
ENGLISH = LESSONS / "facilitator-guide.md"
LANGUAGES = ("fr", "es")

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
LIST_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d+\.)\s+\S")
CODE_SPAN = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
# Thousands and decimal separators, by language (code spans and links are removed first).
NUMBER = {
    "en": re.compile(r"\d+(?:,\d{3}(?!\d))*(?:\.\d+)?"),
    "fr": re.compile(r"\d+(?:[\u00a0\u202f]\d{3}(?!\d))*(?:[,.]\d+)?"),
    "es": re.compile(r"\d+(?:[.\u00a0\u202f]\d{3}(?!\d))*(?:[,.]\d+)?"),
}
THOUSANDS = {
    "en": r"(?<=\d),(?=\d{3}(?!\d))",
    "fr": r"(?<=\d)[\u00a0\u202f](?=\d{3}(?!\d))",
    "es": r"(?<=\d)[.\u00a0\u202f](?=\d{3}(?!\d))",
}


@dataclass
class Section:
    level: int
    title: str
    lines: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{'#' * self.level} {self.title}"


def read_sections(path: Path) -> list[Section]:
    sections = [Section(0, "(before the first heading)")]
    fenced = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        match = None if fenced else HEADING.match(line)
        if match:
            sections.append(Section(len(match.group(1)), match.group(2)))
        else:
            sections[-1].lines.append(line)
    return sections


def slug(title: str) -> str:
    """The anchor GitHub (and most Markdown viewers) give a heading."""
    text = re.sub(r"[^\w\- ]", "", title.strip().lower())
    return text.replace(" ", "-")


def lesson_key(path: str) -> str:
    """`lessons/fr/01-la-sécurité-humaine.ipynb` and `lessons/01-what-is-….ipynb` -> `lessons/01.ipynb`."""
    return re.sub(r"^lessons/(?:[a-z]{2}/)?(\d\d)-[^/]*\.ipynb$", r"lessons/\1.ipynb", path)


def delocalise(path: str, lang: str) -> str:
    """A translation's own folders count as the English ones."""
    return re.sub(rf"(^|/)lessons/(quizzes/)?{lang}(/|$)", r"\1lessons/\2", path)


def link_targets(path: Path, sections: list[Section], lang: str) -> list[list[str]]:
    anchors = {slug(s.title): i for i, s in enumerate(sections) if s.level}
    out = []
    for section in sections:
        found = []
        for target in LINK.findall("\n".join(section.lines)):
            if target.startswith("#"):
                index = anchors.get(target[1:])
                assert index is not None, (
                    f"{path.relative_to(REPO)}: the link {target} in section "
                    f"'{section.name}' names no heading of this file")
                found.append(f"#heading-{index}")
            elif re.match(r"^[a-z][a-z0-9+.-]*:", target):
                found.append(target)
            else:
                file_part = target.split("#")[0]
                resolved = Path(os.path.normpath(path.parent / file_part))
                assert resolved.exists(), (
                    f"{path.relative_to(REPO)}: the link {target} in section "
                    f"'{section.name}' points to a file that does not exist")
                rel = resolved.relative_to(REPO).as_posix()
                found.append(lesson_key(delocalise(rel, lang).rstrip("/")))
        out.append(found)
    return out


def code_spans(section: Section, lang: str) -> list[str]:
    spans = CODE_SPAN.findall("\n".join(section.lines))
    return sorted(lesson_key(delocalise(span, lang)) for span in spans)


def figures(section: Section, lang: str) -> set[str]:
    text = section.title + "\n" + "\n".join(section.lines)
    text = LINK.sub("]", CODE_SPAN.sub(" ", text))
    found = set()
    for token in NUMBER[lang].findall(text):
        token = re.sub(THOUSANDS[lang], "", token)
        if lang != "en":
            token = token.replace(",", ".")
        found.add(token)
    return found


def list_shape(section: Section) -> list[int]:
    return [len(m.group(1).expandtabs(4)) // 2 for line in section.lines
            if (m := LIST_ITEM.match(line))]


def table_rows(section: Section) -> list[int]:
    """One entry per table row: its number of cell borders (a lost or extra cell shows)."""
    return [line.count("|") for line in section.lines if line.lstrip().startswith("|")]


def lesson_title(lang: str, lesson: str) -> str | None:
    """The first heading of a translated lesson, from its .po file (None if not translated)."""
    from babel.messages.pofile import read_po

    po = LESSONS / "locale" / lang / f"{lesson}.po"
    if not po.exists():
        return None
    with po.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if isinstance(message.id, str) and message.id.startswith("# ") and message.string:
            return message.string[2:].strip()
    return None


@pytest.fixture(scope="module")
def english() -> list[Section]:
    return read_sections(ENGLISH)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_guide_translation_keeps_step(lang, english):
    path = LESSONS / lang / "facilitator-guide.md"
    assert path.exists(), f"{path.relative_to(REPO)} is missing (the translated facilitator guide)"
    translated = read_sections(path)
    levels_en = [s.level for s in english]
    levels_tr = [s.level for s in translated]
    if levels_en != levels_tr:
        for i, (a, b) in enumerate(zip(english, translated, strict=False)):
            assert a.level == b.level, (
                f"{lang}: heading {i} is level {b.level} ('{b.name}') where the English "
                f"guide has level {a.level} ('{a.name}')")
        pytest.fail(f"{lang}: {len(translated) - 1} headings where the English guide has "
                    f"{len(english) - 1}")

    links_en = link_targets(ENGLISH, english, "en")
    links_tr = link_targets(path, translated, lang)
    problems = []
    for i, (en, tr) in enumerate(zip(english, translated, strict=True)):
        where = f"{lang}: section '{tr.name}' (English '{en.name}')"
        if list_shape(en) != list_shape(tr):
            problems.append(f"{where}: {len(list_shape(tr))} list items (nesting "
                            f"{list_shape(tr)}) where English has {len(list_shape(en))} "
                            f"({list_shape(en)})")
        if table_rows(en) != table_rows(tr):
            problems.append(f"{where}: table rows with {table_rows(tr)} cell borders where "
                            f"English has {table_rows(en)}")
        if code_spans(en, "en") != code_spans(tr, lang):
            missing = sorted(set(code_spans(en, "en")) - set(code_spans(tr, lang)))
            extra = sorted(set(code_spans(tr, lang)) - set(code_spans(en, "en")))
            problems.append(f"{where}: inline code differs; missing {missing}, not in English "
                            f"{extra} (or a different number of the same span)")
        if links_en[i] != links_tr[i]:
            problems.append(f"{where}: link targets {links_tr[i]} where English has "
                            f"{links_en[i]}")
        missing = figures(en, "en") - figures(tr, lang)
        if missing:
            problems.append(f"{where}: figures of the English section not found: "
                            f"{sorted(missing)}")
        heading = re.match(r"^(\d\d) — (.*)$", tr.title)
        if heading and tr.level == 3:
            title = lesson_title(lang, heading.group(1))
            if title is not None and heading.group(2) != title:
                problems.append(f"{where}: the lesson title should be the translated "
                                f"lesson's own, '{title}'")
    assert not problems, "\n".join(problems)


def test_number_normalisation():
    """The figure check itself: separators normalised per language, a changed figure caught."""
    def one(text, lang):
        return figures(Section(2, "x", [text]), lang)

    assert one("a 1,500-word essay, 95%, 0.7 and 09:00", "en") == {"1500", "95", "0.7", "09", "00"}
    assert one("un essai de 1\u202f500 mots, 95\u202f%, 0,7 et 09:00", "fr") == \
        {"1500", "95", "0.7", "09", "00"}
    assert one("un ensayo de 1.500 palabras, 95 %, 0,7 y 09:00", "es") == \
        {"1500", "95", "0.7", "09", "00"}
    assert one("section 4.3, `make 8866`, [x](../a/07.md)", "es") == {"4.3"}
    assert one("Exposé 54 min", "fr") != one("Teaching 45 min", "en")
