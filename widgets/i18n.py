"""The lab's languages: English (the default), French and Spanish.

One switch changes what a learner reads: widget labels, messages, chart
titles, numbers and country names. Pure Python (no ipywidgets).

Where the language comes from, first match wins:

1. :func:`set_language` in this kernel (a lesson's first cell in ``lessons/fr/``);
2. ``?lang=fr`` on the page's address in app mode (Voilà passes the query
   string as ``QUERY_STRING``, the same way ``?learner=`` travels);
3. the language saved in the learner's portfolio, once the portfolio is loaded
   (:func:`remember_language`, called by :mod:`widgets.portfolio`);
4. ``HSL_LANG`` (a server-wide default chosen by the trainer);
5. English.

Text is marked with :func:`_` (and :func:`ngettext` for plurals, :func:`N_`
for text translated later). The catalogues are gettext ``.po`` files kept
with Babel (``scripts/i18n.py extract | update | check``) under
``widgets/locale/<lang>/LC_MESSAGES/messages.po``; the lessons' own units are
in ``lessons/locale/<lang>/<lesson>.po``. Both are compiled in memory with
Babel the first time a language is used (no ``.mo`` files, no Python dicts).

>>> set_language("fr")
'fr'
>>> _("Show the data")
'Afficher les données'
>>> format_number(1234.5, 1)
'1\u202f234,5'
>>> set_language("es"); format_number(1234.5, 1)
'es'
'1.234,5'
>>> set_language(None)
'en'
>>> set_language("de")
Traceback (most recent call last):
...
widgets.errors.LabInputError: The lab is not available in 'de'. Choose one of: en (English), fr (Français), es (Español).
"""

from __future__ import annotations

import io
import os
import re
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

__all__ = [
    "LANGUAGES",
    "N_",
    "_",
    "country_display_name",
    "format_number",
    "format_percent",
    "format_significant",
    "get_language",
    "ngettext",
    "remember_language",
    "set_language",
    "vega_format_locale",
    "vega_time_format_locale",
]

#: Languages the lab speaks, by code, each named in its own language.
LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français", "es": "Español"}
DEFAULT = "en"

PACKAGE_LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LESSON_LOCALE_DIR = Path(__file__).resolve().parent.parent / "lessons" / "locale"

_lock = threading.Lock()
_chosen: dict[str, str | None] = {"explicit": None, "remembered": None}


# ============================================================== which language
def _normal(code: Any) -> str | None:
    """``"fr"`` for ``"FR-ca"``, ``"fr_FR"``...; None for a language the lab does not have."""
    short = str(code or "").strip().lower().replace("_", "-").split("-")[0]
    return short if short in LANGUAGES else None


def _check(code: Any) -> str:
    short = _normal(code)
    if short:
        return short
    from widgets.errors import LabInputError

    names = ", ".join(f"{c} ({n})" for c, n in LANGUAGES.items())
    raise LabInputError(_("The lab is not available in {code}. Choose one of: {languages}.").format(
        code=repr(code), languages=names))


def set_language(code: str | None) -> str:
    """Use ``code`` (``"en"``, ``"fr"``, ``"es"``) from now on in this kernel.

    ``None`` forgets the choice (the address, the portfolio or ``HSL_LANG``
    decide again). Returns the language now in use. Widgets made after the
    call speak the new language; those already on screen keep theirs.

    >>> x = set_language(None); set_language("FR-ca"), get_language(), set_language(None)
    ('fr', 'fr', 'en')
    """
    _chosen["explicit"] = None if code is None else _check(code)
    return get_language()


def remember_language(code: str | None) -> None:
    """The language saved in the learner's portfolio (used after the address, before HSL_LANG).

    Unknown codes in an old or edited file are ignored, never an error.
    """
    _chosen["remembered"] = _normal(code)


@lru_cache(maxsize=16)
def _from_query(query: str) -> str | None:
    for value in parse_qs(query).get("lang", []):
        if _normal(value):
            return _normal(value)
    return None


def _from_request() -> str | None:
    query = os.environ.get("QUERY_STRING")
    if query is None and os.environ.get("HSL_POOL_LANG"):
        # A pre-heated kernel of the app server's pool (scripts/hsl_server.py): the server
        # hands it only to a page whose ?lang= is absent or this language, so it need not
        # wait for the page to run the lesson (issue #16).
        return None
    if query is None and os.environ.get("VOILA_PREHEAT", "False") != "False":
        from widgets._paths import _wait_for_voila_request

        _wait_for_voila_request()
        query = os.environ.get("QUERY_STRING")
    return _from_query(query) if query else None


def get_language() -> str:
    """The language in use now (see the module's docstring for the order).

    >>> import os; os.environ["QUERY_STRING"] = "learner=ABCD-2345&lang=es"; x = set_language(None)
    >>> get_language()
    'es'
    >>> del os.environ["QUERY_STRING"]; get_language()
    'en'
    """
    if _chosen["explicit"]:
        return _chosen["explicit"]
    asked = _from_request()
    if asked:
        return asked
    if _chosen["remembered"]:
        return _chosen["remembered"]
    return _normal(os.environ.get("HSL_LANG")) or DEFAULT


# ============================================================== catalogues
def translated_path(path: str | Path, lang: str) -> Path:
    """The ``lang`` version of a data file with text in it, beside the English one.

    Text a learner reads that lives in a data file (case texts, screening guidance,
    the scenario's assumptions) is translated in a copy named ``<stem>.<lang><suffix>``;
    ids and numbers stay in the English file.

    >>> translated_path("widgets/casefiles/cases.yml", "fr").name
    'cases.fr.yml'
    """
    path = Path(path)
    return path.with_name(f"{path.stem}.{lang}{path.suffix}")


def _catalogue_files(lang: str) -> list[Path]:
    # The lessons' units first, the widgets' catalogue last: where a lesson's sentence and a
    # widget's text are the same English (e.g. "none"), the widget's wording wins, so a
    # control reads the same in every lesson.
    files = sorted((LESSON_LOCALE_DIR / lang).glob("*.po")) if (LESSON_LOCALE_DIR / lang).is_dir() else []
    files.append(PACKAGE_LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po")
    return [f for f in files if f.is_file()]


@lru_cache(maxsize=8)
def translations(lang: str):
    """The compiled messages of ``lang`` (widgets and lessons), compiled in memory once."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import NullTranslations, Translations

    if lang == DEFAULT:
        return NullTranslations()
    merged = None
    for path in _catalogue_files(lang):
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        buf = io.BytesIO()
        write_mo(buf, catalog, use_fuzzy=False)
        buf.seek(0)
        t = Translations(buf)
        if merged is None:
            merged = t
        else:
            merged.merge(t)
    return merged or NullTranslations()


def _(message: str) -> str:
    """``message`` in the current language (English when it has no translation yet).

    >>> x = set_language(None); _("Show the data")
    'Show the data'
    """
    lang = get_language()
    if lang == DEFAULT or not message:
        return message
    with _lock:
        return translations(lang).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in the current language.

    >>> ngettext("{n} indicator", "{n} indicators", 2).format(n=2)
    '2 indicators'
    """
    lang = get_language()
    with _lock:
        return translations(lang).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogues without translating it now (translate with ``_()`` later)."""
    return message


# ============================================================== numbers
def format_number(value: float | int | None, decimals: int | None = None,
                  lang: str | None = None) -> str:
    """A number written the way the reader's language writes it (CLDR, through Babel).

    ``decimals`` fixes the digits after the separator (default: up to three).

    >>> format_number(1234.5, 1, "fr"), format_number(1234.5, 1, "es"), format_number(1234.5, 1, "en")
    ('1\u202f234,5', '1.234,5', '1,234.5')
    >>> format_number(float("nan"), lang="fr")
    'pas de données'
    """
    from babel.numbers import format_decimal

    lang = lang or get_language()
    if value is None or value != value:
        return _("no data") if lang == get_language() else translations(lang).gettext(N_("no data"))
    if decimals is None:
        return format_decimal(value, locale=lang)
    fmt = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(value, format=fmt, locale=lang, decimal_quantization=True)


def format_significant(value: float, digits: int = 4, lang: str | None = None) -> str:
    """A number to ``digits`` significant digits, as the reader's language writes it (tables).

    >>> format_significant(1234.56, 5, "fr"), format_significant(1234.56, 5, "en")
    ('1\u202f234,6', '1,234.6')
    """
    text = f"{value:,.{digits}g}"
    return text if (lang or get_language()) == DEFAULT else localise_number(text, "", lang)


def localise_number(text: str, unit: str = "", lang: str | None = None) -> str:
    """An English-formatted number (``"1,234.5"``) rewritten for ``lang``, with its unit.

    Keeps the digits the English text shows. French puts a narrow no-break
    space before ``%`` and units, Spanish a no-break space.

    >>> localise_number("1,234.5", "personnes", "fr"), localise_number("3.42", "% del PIB", "es")
    ('1\u202f234,5\u00a0personnes', '3,42\u00a0% del PIB')
    """
    lang = lang or get_language()
    if lang == DEFAULT or "e" in text.lower() or not text:
        return f"{text} {unit}".strip() if not unit.startswith("%") else f"{text}{unit}"
    number = float(text.replace(",", ""))
    decimals = len(text.split(".")[1]) if "." in text else 0
    out = format_number(number, decimals, lang)
    if not unit:
        return out
    space = "\u202f" if lang == "fr" and unit.startswith("%") else "\u00a0"
    return f"{out}{space}{unit}"


def format_percent(share: float, decimals: int = 0, lang: str | None = None) -> str:
    """A share (0.125) as a percentage in the reader's language.

    >>> format_percent(0.125, 1, "fr"), format_percent(0.125, 1, "en")
    ('12,5\xa0%', '12.5%')
    """
    from babel import Locale
    from babel.numbers import format_percent as _percent

    lang = lang or get_language()
    pattern = Locale.parse(lang).percent_formats[None].pattern
    if decimals > 0:
        pattern = pattern.replace("0%", "0." + "0" * decimals + "%").replace(
            "0\u00a0%", "0." + "0" * decimals + "\u00a0%").replace(
            "0\u202f%", "0." + "0" * decimals + "\u202f%")
    return _percent(share, format=pattern, locale=lang, decimal_quantization=True)


def vega_format_locale(lang: str | None = None) -> dict[str, Any]:
    """The d3-format locale of ``lang``, derived from CLDR through Babel (for Vega charts).

    Passed to the charts as the ``formatLocale`` embed option (a dict: nothing is
    fetched by name from a CDN).

    >>> vega_format_locale("fr")["thousands"], vega_format_locale("fr")["decimal"]
    ('\u202f', ',')
    >>> vega_format_locale("es")["thousands"], vega_format_locale("en")["currency"]
    ('.', ['$', ''])
    """
    from babel import Locale
    from babel.numbers import get_decimal_symbol, get_group_symbol

    lang = lang or get_language()
    loc = Locale.parse(lang)
    pattern = loc.currency_formats["standard"].pattern.split(";")[0]
    # "¤#,##0.00" (en) puts the sign before, "#,##0.00 ¤" (fr, es) after, with its space
    before, _sep, after = pattern.partition("¤")
    space = "\u00a0" if after == "" and before.endswith(("\u00a0", " ")) else ""
    dollar = "$" if lang == "en" else "US$"
    currency = [dollar, ""] if after else ["", space + dollar]
    grouping = loc.decimal_formats[None].grouping
    return {"decimal": get_decimal_symbol(lang), "thousands": get_group_symbol(lang),
            "grouping": [grouping[0]], "currency": currency,
            "minus": "\u2212", "nan": "NaN"}


def vega_time_format_locale(lang: str | None = None) -> dict[str, Any]:
    """The d3-time-format locale of ``lang`` (month and day names from CLDR through Babel).

    >>> vega_time_format_locale("es")["months"][0], vega_time_format_locale("fr")["shortDays"][0]
    ('enero', 'dim.')
    """
    from babel import Locale

    loc = Locale.parse(lang or get_language())
    months = loc.months["format"]
    days = loc.days["format"]
    sunday_first = [6, 0, 1, 2, 3, 4, 5]  # d3 starts the week on Sunday; CLDR on Monday (0)
    return {
        "dateTime": "%x %X", "date": "%d/%m/%Y" if loc.language != "en" else "%-m/%-d/%Y",
        "time": "%H:%M:%S" if loc.language != "en" else "%-I:%M:%S %p",
        "periods": [loc.day_periods["format"]["abbreviated"]["am"],
                    loc.day_periods["format"]["abbreviated"]["pm"]],
        "days": [days["wide"][i] for i in sunday_first],
        "shortDays": [days["abbreviated"][i] for i in sunday_first],
        "months": [months["wide"][i] for i in range(1, 13)],
        "shortMonths": [months["abbreviated"][i] for i in range(1, 13)],
    }


def embed_locale(lang: str | None = None) -> dict[str, Any]:
    """Vega-Embed options that make a chart's numbers and dates follow ``lang`` ({} in English).

    >>> embed_locale("en"), sorted(embed_locale("fr"))
    ({}, ['formatLocale', 'timeFormatLocale'])
    """
    lang = lang or get_language()
    if lang == DEFAULT:
        return {}
    return {"formatLocale": vega_format_locale(lang), "timeFormatLocale": vega_time_format_locale(lang)}


# ============================================================== names
#: UN M49 codes of the lab's regions (CLDR names them in every language).
_M49 = {"Africa": "002", "Americas": "019", "Asia": "142", "Europe": "150", "Oceania": "009"}


def country_display_name(iso2: str, english: str, lang: str | None = None) -> str:
    """A country's (or a UN region's) name in ``lang``, from CLDR through Babel.

    ``english`` is returned in English and when CLDR has no name for the code.

    >>> country_display_name("CI", "Côte d'Ivoire", "es"), country_display_name("KE", "Kenya", "fr")
    ('Côte d’Ivoire', 'Kenya')
    >>> country_display_name("", "Africa", "fr")
    'Afrique'
    """
    lang = lang or get_language()
    if lang == DEFAULT:
        return english
    from babel import Locale

    names = Locale.parse(lang).territories
    code = iso2 or _M49.get(english, "")
    return str(names.get(code, english)) if code else english


_SORT = re.compile(r"[\u0300-\u036f]")


def sort_key(text: str) -> str:
    """A key that sorts accented names where a reader expects them (É with E).

    >>> sorted(["Équateur", "Espagne", "Egypte"], key=sort_key)
    ['Egypte', 'Équateur', 'Espagne']
    """
    import unicodedata

    return _SORT.sub("", unicodedata.normalize("NFD", text)).casefold()
