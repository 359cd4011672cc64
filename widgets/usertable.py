"""A trainer's own table (CSV or Excel) read into the lab's tidy form.

:func:`read_user_table` accepts an upload (``bytes``) or a path (confined to
the learner's work folder and the lab's example data). Limits, checked before
parsing: ``MAX_UPLOAD_BYTES`` (10 MB) per file and ``MAX_UPLOAD_ROWS``
(200,000) data rows. It returns a :class:`UserTable` with a tidy DataFrame
``iso3, year, value`` (+ ``indicator`` when the file has one) and plain-language
warnings, or raises :class:`~widgets.errors.LabInputError` naming the row and
column of the problem.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .errors import LabInputError, did_you_mean
from .i18n import _, format_number, ngettext

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UPLOAD_ROWS = 200_000
YEAR_LOW, YEAR_HIGH = 1800, 2100
MISSING = {"", "n/a", "na", "..", "-", "nan", "none", "null", "#n/a"}

COUNTRY_HEADERS = {"country", "country name", "iso3", "iso", "code", "pays", "país", "pais"}
YEAR_HEADERS = {"year", "année", "annee", "año", "ano", "date"}
VALUE_HEADERS = {"value", "valeur", "valor"}
INDICATOR_HEADERS = {"indicator", "indicateur", "indicador"}

AGGREGATES = {
    "world", "sub-saharan africa", "europe & central asia", "europe and central asia",
    "east asia & pacific", "east asia and pacific", "latin america & caribbean",
    "latin america and the caribbean", "middle east & north africa",
    "middle east and north africa", "south asia", "north america", "european union",
    "eu", "eu27", "euro area", "oecd", "oecd members", "high income", "low income",
    "lower middle income", "upper middle income", "middle income",
    "low & middle income", "africa", "asia", "europe", "americas", "oceania",
    "arab world", "least developed countries", "wld", "ssf", "eca", "eas", "lcn",
    "mea", "sas", "nac", "euu", "oed", "hic", "lic", "lmc", "umc", "mic",
}

#: The World Bank's aggregates (codes and names as in its downloads), and the
#: Channel Islands (two territories under one World Bank code): left out and named.
AGGREGATES |= {
    "afe", "afw", "arb", "ceb", "css", "eap", "ear", "ecs", "emu", "fcs", "hpc", "ibd", "ibt",
    "ida", "idb", "idx", "inx", "lac", "lmy", "lte", "mna", "oss", "pre", "pss", "pst", "ssa",
    "sst", "tea", "tec", "tla", "tmn", "tsa", "tss", "chi", "channel islands",
    "africa eastern and southern", "africa western and central",
    "central europe and the baltics", "caribbean small states",
    "east asia & pacific (excluding high income)", "early-demographic dividend",
    "europe & central asia (excluding high income)", "fragile and conflict affected situations",
    "heavily indebted poor countries (hipc)", "ibrd only", "ida & ibrd total", "ida total",
    "ida blend", "ida only", "not classified", "latin america & caribbean (excluding high income)",
    "least developed countries: un classification", "late-demographic dividend",
    "middle east & north africa (excluding high income)", "other small states",
    "pre-demographic dividend", "pacific island small states", "post-demographic dividend",
    "sub-saharan africa (excluding high income)", "small states",
    "east asia & pacific (ida & ibrd countries)", "europe & central asia (ida & ibrd countries)",
    "latin america & the caribbean (ida & ibrd countries)",
    "middle east & north africa (ida & ibrd countries)", "south asia (ida & ibrd)",
    "sub-saharan africa (ida & ibrd countries)", "east asia & pacific", "europe & central asia",
    "latin america & caribbean", "middle east & north africa",
    "middle east, north africa, afghanistan & pakistan",
}
#: Regions and the world as French and Spanish files name them.
AGGREGATES |= {
    "monde", "mundo", "afrique", "afrique subsaharienne", "africa subsahariana",
    "union europeenne", "union europea", "amerique latine et caraibes",
    "america latina y el caribe", "asie", "oceanie", "europa", "zone euro", "zona del euro",
}
#: A column of country codes is read in preference to one of names (a World Bank
#: download has both: "Country Name", "Country Code").
CODE_HEADERS = {"country code", "iso3", "iso", "code", "iso code", "iso3 code", "iso_code",
                "iso 3", "country_code"}


@dataclass
class UserTable:
    """A trainer's table in tidy form, with what was noticed while reading it."""

    data: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    source_name: str = ""


@lru_cache(maxsize=65536)
def _fold(text: object) -> str:
    s = unicodedata.normalize("NFKD", str(text).strip().lower())
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("’", "'")
    return re.sub(r"\s+", " ", s)


@lru_cache(maxsize=1)
def _country_index() -> tuple[dict[str, str], dict[str, str]]:
    """Folded name/code -> ISO3, and ISO3 -> display name for suggestions."""
    from .data import load_countries

    countries = load_countries()
    index: dict[str, str] = {}
    names: dict[str, str] = {}
    iso2_to_3 = {}
    for row in countries.itertuples():
        index[_fold(row.iso3)] = row.iso3
        if isinstance(row.iso2, str):
            index[_fold(row.iso2)] = row.iso3
            iso2_to_3[row.iso2.upper()] = row.iso3
        index[_fold(row.name)] = row.iso3
        names[_fold(row.name)] = row.name
    try:
        from babel import Locale

        for lang in ("en", "fr", "es"):
            for code, name in Locale.parse(lang).territories.items():
                iso3 = iso2_to_3.get(code)
                if iso3:
                    index.setdefault(_fold(name), iso3)
                    names.setdefault(_fold(name), name)
    except ImportError:  # pragma: no cover - babel is pinned
        pass
    return index, names


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _sniff(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in ",;\t|"}
        return max(counts, key=counts.get)


def _rows_from_csv(raw: bytes) -> list[list[str]]:
    text = _decode(raw)
    delim = _sniff(text)
    try:
        return [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=delim)]
    except csv.Error as exc:
        raise LabInputError(_(
            "The lab could not read this file as a table. Open it in a spreadsheet, save it "
            "as CSV (or .xlsx) and upload it again.")) from exc


def _rows_from_excel(raw: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds
        raise LabInputError(_(
            "This file looks like an Excel workbook but could not be opened. "
            "Save it again as .xlsx or as CSV and upload it again."
        )) from exc
    ws = wb.worksheets[0]
    rows = []
    for i, r in enumerate(ws.iter_rows(values_only=True)):
        if i > MAX_UPLOAD_ROWS + 10:
            _too_many_rows()
        rows.append(list(r))
    wb.close()
    return [[c if isinstance(c, (int, float)) and not isinstance(c, bool) else
             ("" if c is None else str(c)) for c in r] for r in rows]


def _too_many_rows():
    raise LabInputError(_(
        "This file has more than {n} rows, the most the lab reads. "
        "Keep only the countries and years you need and upload it again."
    ).format(n=format_number(MAX_UPLOAD_ROWS)))


def _is_year(cell: object) -> bool:
    s = str(cell).strip()
    if s.endswith(".0"):
        s = s[:-2]
    return s.isdigit() and len(s) == 4


def _find_header(rows: list[list]) -> int:
    """Index of the header row: the first row with a known column name or 2+ year headers."""
    for i, r in enumerate(rows[:10]):
        folded = {_fold(c) for c in r if str(c).strip()}
        if folded & (COUNTRY_HEADERS | CODE_HEADERS | YEAR_HEADERS | VALUE_HEADERS):
            return i
        if sum(_is_year(c) for c in r) >= 2 and len(folded) >= 3:
            return i
    for i, r in enumerate(rows[:10]):  # first row with two or more filled cells
        if sum(bool(str(c).strip()) for c in r) >= 2:
            return i
    return 0


def _col_name(j: int) -> str:
    name = ""
    j += 1
    while j:
        j, rem = divmod(j - 1, 26)
        name = chr(65 + rem) + name
    return name


_COMMA_DECIMAL = re.compile(r"-?\d+,\d+")
_ONE_GROUP = re.compile(r"-?\d{1,3},\d{3}")
_DOT_DECIMAL = re.compile(r"-?\d+\.\d+")
_GROUPED_INT = re.compile(r"-?\d{1,3}(,\d{3})+")
_GROUPED = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")


def _parse_numbers(cells: list[tuple[int, int, object]], header: str,
                   warnings: list[str]) -> list[float | None]:
    """Numbers of one column; decimal comma decided for the whole column."""
    texts = [(r, c, v) for r, c, v in cells if not isinstance(v, (int, float))]
    forms = {"comma": None, "dot": None}
    for r, c, v in texts:
        s = str(v).strip().replace(" ", "").replace("\u00a0", "")
        if "," in s and _COMMA_DECIMAL.fullmatch(s) and not _ONE_GROUP.fullmatch(s):
            forms["comma"] = forms["comma"] or (r, c, v)
        elif "." in s and _DOT_DECIMAL.fullmatch(s):
            forms["dot"] = forms["dot"] or (r, c, v)
        if forms["comma"] and forms["dot"]:
            break
    if forms["comma"] and forms["dot"]:
        rc, cc, vc = forms["comma"]
        rd, cd, vd = forms["dot"]
        raise LabInputError(_(
            "Column {header} mixes decimal commas and decimal points: row {row}, "
            "column {column} has {value} but row {other_row}, column {other_column} has "
            "{other_value}. Use one form for the whole column and upload the file again."
        ).format(header=repr(header), row=rc, column=_col_name(cc), value=repr(vc),
                 other_row=rd, other_column=_col_name(cd), other_value=repr(vd)))
    comma = forms["comma"] is not None
    if not comma:
        grouped = next((v for _r, _c, v in texts
                        if "," in str(v) and _GROUPED_INT.fullmatch(str(v).strip())), None)
        if grouped is not None:
            warnings.append(_(
                "Column {header}: cells such as {example} were read with "
                "a thousands separator (one thousand, not one). If they are decimal "
                "commas, write them with another number of digits or a point.").format(
                header=repr(header), example=repr(str(grouped))))
    out: list[float | None] = []
    missing = 0
    for r, c, v in cells:
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            out.append(float(v))
            continue
        s = str(v).strip().replace("\u00a0", "").replace(" ", "")
        if not s[:1].isdigit() and _fold(s) in MISSING:  # no missing-value word starts with a digit
            out.append(None)
            missing += 1
            continue
        if comma:
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "") if "," in s and _GROUPED.fullmatch(s) else s
        try:
            out.append(float(s))
        except ValueError:
            raise LabInputError(_(
                "Row {row}, column {column} ({header}) should hold a number but has "
                "{value}. Write a number there, or leave the cell empty (or write n/a) "
                "if the value is missing."
            ).format(row=r, column=_col_name(c), header=repr(header), value=repr(str(v)))
            ) from None
    if missing:
        warnings.append(ngettext(
            "{n} empty or 'n/a' cell(s) in column {header} were read as missing values.",
            "{n} empty or 'n/a' cell(s) in column {header} were read as missing values.",
            missing).format(n=missing, header=repr(header)))
    return out


def read_user_table(source: bytes | str | os.PathLike, *, name: str | None = None) -> UserTable:
    """Read a trainer's CSV or Excel table into tidy ``iso3, year, value`` rows.

    Limits: at most ``MAX_UPLOAD_BYTES`` (10 MB) and ``MAX_UPLOAD_ROWS``
    (200,000 rows). Long form (``country, year, value[, indicator]``; also
    pays/país, année/año, valeur/valor) or wide form (years as column headers).

    >>> t = read_user_table(b"country;year;value\\nFrance;2020;1,5\\nWorld;2020;2", name="x.csv")
    >>> t.data.to_dict("records"), t.warnings[0][:27]
    ([{'iso3': 'FRA', 'year': 2020, 'value': 1.5}], 'Left out 1 aggregate row(s)')
    """
    if isinstance(source, (bytes, bytearray)):
        raw = bytes(source)
        if len(raw) > MAX_UPLOAD_BYTES:
            raise LabInputError(_(
                "This file is {size} MB; the lab reads files up to "
                "{limit} MB. Keep only the countries and years "
                "you need and upload it again."
            ).format(size=format_number(len(raw) / 1024 / 1024, 1),
                     limit=MAX_UPLOAD_BYTES // (1024 * 1024)))
        source_name = name or _("uploaded file")
    else:
        from ._paths import confine, read_limited

        path = confine(source)
        raw = read_limited(Path(path), limit=MAX_UPLOAD_BYTES, what="table")
        source_name = name or Path(path).name
    if raw.count(b"\n") > MAX_UPLOAD_ROWS + 10:
        _too_many_rows()
    if raw[:2] == b"PK" or source_name.lower().endswith((".xlsx", ".xlsm")):
        rows = _rows_from_excel(raw)
    else:
        rows = _rows_from_csv(raw)
    rows = [r for r in rows if any(str(c).strip() for c in r)]
    if len(rows) < 2:
        raise LabInputError(_(
            "{file} has no data rows: the lab needs a header row and at least one "
            "row of figures (country, year, value)."
        ).format(file=source_name))
    if len(rows) > MAX_UPLOAD_ROWS + 10:
        _too_many_rows()
    h = _find_header(rows)
    header = [str(c).strip() for c in rows[h]]
    body = rows[h + 1:]
    first_row = h + 2  # 1-based row number in the file (skipping blank lines)
    if not body:
        raise LabInputError(_(
            "{file} has a header row but no rows of figures under it."
        ).format(file=source_name))
    folded = [_fold(c) for c in header]
    warnings: list[str] = []
    if h > 0:
        warnings.append(ngettext("Skipped {n} line(s) above the header row (a title).",
                                 "Skipped {n} line(s) above the header row (a title).",
                                 h).format(n=h))

    def col(names: set[str]) -> int | None:
        for j, f in enumerate(folded):
            if f in names:
                return j
        return None

    ci = col(CODE_HEADERS)
    if ci is None:
        ci = col(COUNTRY_HEADERS)
    if ci is None:
        ci = 0
    yi, vi, ii = col(YEAR_HEADERS), col(VALUE_HEADERS), col(INDICATOR_HEADERS)
    records = []  # (row number, country cell, year cell, (row, col, value cell), indicator)
    if yi is not None and vi is not None:
        for k, r in enumerate(body):
            r = list(r) + [""] * (len(header) - len(r))
            records.append((first_row + k, r[ci], (yi, r[yi]), (first_row + k, vi, r[vi]),
                            str(r[ii]).strip() if ii is not None else None))
    else:
        year_cols = [j for j, c in enumerate(header) if _is_year(c)]
        if not year_cols:
            raise LabInputError(_(
                "{file}: the lab could not find the columns. Use either the long "
                "form (columns country, year, value) or the wide form (a country column, "
                "then one column per year such as 2019, 2020)."
            ).format(file=source_name))
        for k, r in enumerate(body):
            r = list(r) + [""] * (len(header) - len(r))
            for j in year_cols:
                records.append((first_row + k, r[ci], (j, header[j]),
                                (first_row + k, j, r[j]), None))

    index, names = _country_index()
    kept, aggregates = [], []
    for rec in records:
        rownum, country = rec[0], rec[1]
        key = _fold(country)
        if not key:
            raise LabInputError(_(
                "Row {row}, column {column} ({header}) has no country. "
                "Fill in a country name or code, or delete the row."
            ).format(row=rownum, column=_col_name(ci), header=repr(header[ci])))
        if key in AGGREGATES:
            if str(country).strip() not in aggregates:
                aggregates.append(str(country).strip())
            continue
        if key not in index:
            hint = did_you_mean(key, names.keys())
            hint = re.sub(r"'([^']*)'", lambda m: repr(names.get(m.group(1), m.group(1))), hint)
            raise LabInputError(_(
                "Row {row}, column {column} ({header}): the lab does not know "
                "the country {country}.{hint} Countries can be written as "
                "English, French or Spanish names or as ISO codes (FRA or FR)."
            ).format(row=rownum, column=_col_name(ci), header=repr(header[ci]),
                     country=repr(str(country).strip()), hint=hint))
        kept.append((rec, index[key]))
    if aggregates:
        n = sum(1 for rec in records if _fold(rec[1]) in AGGREGATES)
        warnings.append(ngettext(
            "Left out {n} aggregate row(s) (not single countries): {names}.",
            "Left out {n} aggregate row(s) (not single countries): {names}.",
            n).format(n=n, names=", ".join(aggregates)))
    if not kept:
        raise LabInputError(_("{file} has no rows for single countries.").format(
            file=source_name))

    years = []
    for rec, _iso in kept:
        rownum, (yj, ycell) = rec[0], rec[2]
        s = str(ycell).strip()
        s = s[:-2] if s.endswith(".0") else s
        if not s.lstrip("-").isdigit() or not YEAR_LOW <= int(s) <= YEAR_HIGH:
            if yi is not None:
                problem = _("Row {row}, column {column} ({header}) should be a year between "
                            "{low} and {high} but has {value}.")
            else:
                problem = _("Column {column} header ({header}) should be a year between "
                            "{low} and {high} but has {value}.")
            raise LabInputError(problem.format(
                row=rownum, column=_col_name(yj), header=repr(header[yj]), low=YEAR_LOW,
                high=YEAR_HIGH, value=repr(ycell)))
        years.append(int(s))
    vheader = header[vi] if vi is not None else _("values")
    values = _parse_numbers([rec[3] for rec, _iso in kept], vheader, warnings)
    df = pd.DataFrame({"iso3": [iso for _rec, iso in kept], "year": years, "value": values})
    if ii is not None:
        df.insert(0, "indicator", [rec[4] for rec, _iso in kept])
    df["value"] = df["value"].astype(float)
    keys = ["indicator", "iso3", "year"] if ii is not None else ["iso3", "year"]
    dup = df.duplicated(keys, keep=False)
    if dup.any():
        # rows repeated exactly (a copy-paste twice) are read once and named; the same
        # country and year with two different values is an error naming both rows
        values_per_key = df[dup].groupby(keys, sort=False)["value"].transform(
            lambda v: v.nunique(dropna=False))
        conflict = values_per_key[values_per_key > 1]
        if not conflict.empty:
            first = df.loc[conflict.index[0]]
            same = df[dup & (df["iso3"] == first["iso3"]) & (df["year"] == first["year"])]
            if ii is not None:
                same = same[same["indicator"] == first["indicator"]]
            other = same.index[same["value"].ne(same["value"].iloc[0])][0]
            rows_dup = [kept[i][0][0] for i in (same.index[0], other)]
            raise LabInputError(_(
                "Rows {row} and {other_row} give the same country and year "
                "({country}, {year}) with different values. "
                "Keep one of them and upload the file again."
            ).format(row=rows_dup[0], other_row=rows_dup[1], country=first["iso3"],
                     year=first["year"]))
        repeated = df.duplicated(keys, keep="first")
        rows_rep = [kept[i][0][0] for i in repeated[repeated].index]
        shown = ", ".join(map(str, rows_rep[:5])) + (" …" if len(rows_rep) > 5 else "")
        warnings.append(ngettext(
            "{n} row(s) repeat an earlier row exactly (same country, "
            "year and value) and were read once: row(s) {rows}.",
            "{n} row(s) repeat an earlier row exactly (same country, "
            "year and value) and were read once: row(s) {rows}.",
            len(rows_rep)).format(n=len(rows_rep), rows=shown))
        df = df[~repeated]
    df = df.dropna(subset=["value"]).sort_values(keys).reset_index(drop=True)
    df["year"] = df["year"].astype(int)
    return UserTable(data=df, warnings=warnings, source_name=source_name)


# ------------------------------------------------------------ per-kernel registry
#: Indicators a learner added in this kernel, by key ("my_<slug>"). Widgets that
#: show indicators (IndicatorExplorer…) read this and listen with
#: :func:`on_user_indicators_change`; adding one never rebuilds the lab's data.
USER_INDICATORS: dict[str, dict] = {}
_LISTENERS: list = []


def on_user_indicators_change(callback) -> None:
    """Call ``callback(key)`` each time a user indicator is added or replaced."""
    _LISTENERS.append(callback)


def register_user_indicator(key: str, meta: dict, data: pd.DataFrame) -> None:
    """Add (or replace) one user indicator and tell the listening widgets."""
    USER_INDICATORS[key] = {**meta, "data": data}
    for callback in list(_LISTENERS):
        callback(key)


def slug(text: str) -> str:
    """A file-safe key for an indicator name.

    >>> slug("Households reached (%)")
    'households_reached'
    """
    return re.sub(r"[^a-z0-9]+", "_", _fold(text)).strip("_")[:40] or "indicator"


# ------------------------------------------------- what every widget needs to know
#: Dimensions a user indicator can take part in the index builder and in the
#: profile's human-security rows (the seven dimensions of human security).
HUMAN_SECURITY = ("economic", "food", "health", "environmental", "personal", "community",
                  "political")


class UserIndicatorInfo:
    """A learner's indicator as the explorer, the profile and the index builder show it.

    The one place where "your data" and the file name are written, so the three
    widgets mark a learner's table the same way.

    >>> info = UserIndicatorInfo("my_x", {"label": "Households reached", "unit": "%",
    ...                                   "dimension": "food", "source": "ngo.csv"})
    >>> info.short_label, info.source_line()
    ('Households reached (your data)', 'Source: your data, from the file ngo.csv.')
    """

    def __init__(self, key: str, meta: dict) -> None:
        self.id = key
        self.label = str(meta.get("label", key))
        self.short_label = _("{label} (your data)").format(label=self.label)
        self.unit = str(meta.get("unit", ""))
        self.dimension = str(meta.get("dimension", "context"))
        self.direction = str(meta.get("direction", "neutral"))
        self.source = str(meta.get("source", ""))
        self.publisher = _("your data, from the file {file}").format(file=self.source)

    def source_line(self) -> str:
        return _("Source: your data, from the file {file}.").format(file=self.source)

    @property
    def in_human_security(self) -> bool:
        """True when it belongs in a human-security dimension and has a direction."""
        return self.dimension in HUMAN_SECURITY and self.direction != "neutral"


def user_indicator_info(key: str) -> UserIndicatorInfo:
    """The :class:`UserIndicatorInfo` of a registered indicator (``LabInputError`` if unknown)."""
    if key not in USER_INDICATORS:
        raise LabInputError(_("No table called {key} has been added in this session. "
                              "Add it again with the loader (Add to the lab).").format(
                                  key=repr(key)))
    return UserIndicatorInfo(key, USER_INDICATORS[key])


def user_indicator_long(key: str) -> pd.DataFrame:
    """A registered indicator's values as ``iso3, year, value`` (missing values dropped)."""
    user_indicator_info(key)
    df = USER_INDICATORS[key]["data"]
    df = df[["iso3", "year", "value"]]
    return df[df["value"].notna()].reset_index(drop=True)


def listen_weakly(widget: object, method: str) -> None:
    """Call ``widget.<method>(key)`` (through ``widget.safe`` when it has one) each time a
    user indicator is added or replaced, without keeping a closed widget alive."""
    import weakref

    ref = weakref.ref(widget)

    def callback(key: str) -> None:
        w = ref()
        if w is None:
            return
        fn = getattr(w, method)
        (w.safe(fn) if hasattr(w, "safe") else fn)(key)

    callback.alive = lambda: ref() is not None  # type: ignore[attr-defined]
    _LISTENERS[:] = [c for c in _LISTENERS if getattr(c, "alive", lambda: True)()]
    _LISTENERS.append(callback)


def free_key(label: str) -> tuple[str, str]:
    """A label and key not used yet: ``"X"`` -> ``("X (2)", "my_x_2")`` if ``my_x`` is taken.

    >>> USER_INDICATORS["my_x"] = {"label": "X"}
    >>> free_key("X")
    ('X (2)', 'my_x_2')
    >>> del USER_INDICATORS["my_x"]
    """
    n = 1
    while True:
        candidate = label if n == 1 else f"{label} ({n})"
        key = "my_" + slug(candidate)
        if key not in USER_INDICATORS:
            return candidate, key
        n += 1


def indicators_in(table: pd.DataFrame) -> list[str]:
    """The indicator names of a long table with an ``indicator`` column, in file order.

    >>> indicators_in(pd.DataFrame({"indicator": ["b", "a", "b"]}))
    ['b', 'a']
    >>> indicators_in(pd.DataFrame({"iso3": ["KEN"]}))
    []
    """
    if "indicator" not in table.columns:
        return []
    return list(dict.fromkeys(str(v) for v in table["indicator"]))


def one_indicator(table: pd.DataFrame, indicator: str | None) -> pd.DataFrame:
    """The ``iso3, year, value`` rows of one indicator of a (possibly multi-indicator) table.

    >>> t = pd.DataFrame({"indicator": ["a", "b"], "iso3": ["KEN", "KEN"], "year": [2020] * 2,
    ...                   "value": [1.0, 2.0]})
    >>> one_indicator(t, "b")["value"].tolist()
    [2.0]
    """
    if "indicator" in table.columns:
        names = indicators_in(table)
        if indicator is None and len(names) == 1:
            indicator = names[0]
        if indicator not in names:
            raise LabInputError(_("Choose which indicator of the file to add: {names}.").format(
                names=", ".join(names)))
        table = table[table["indicator"].astype(str) == indicator]
    return table[["iso3", "year", "value"]].reset_index(drop=True)


# ------------------------------------------------------ tables kept in the work folder
#: Work folders whose saved tables were already read in this kernel.
_RESTORED: set[str] = set()


def my_data_dir() -> Path:
    """Where a learner's own tables are kept: ``<work folder>/my-data`` (never datasets/)."""
    from ._paths import work_dir

    return work_dir() / "my-data"


def saved_tables(folder: Path | None = None) -> list[dict]:
    """The notes (JSON) of the tables kept in ``folder`` (default :func:`my_data_dir`),
    oldest first; unreadable notes are passed over."""
    import json

    folder = my_data_dir() if folder is None else Path(folder)
    metas = []
    if folder.is_dir():
        for path in sorted(folder.glob("my_*.json")):
            try:
                meta = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(meta, dict) and meta.get("key") == path.stem:
                metas.append(meta)
    return sorted(metas, key=lambda m: str(m.get("added", "")))


def read_saved_table(key: str, folder: Path | None = None) -> pd.DataFrame:
    """The tidy ``iso3, year, value`` rows kept for ``key`` (``OSError``/``ValueError`` if bad)."""
    folder = my_data_dir() if folder is None else Path(folder)
    data = pd.read_csv(folder / f"{'my_' + slug(str(key).removeprefix('my_'))}.csv")
    if not {"iso3", "year", "value"} <= set(data.columns):
        raise ValueError(f"{key}: not a table the lab saved")
    return data


def restore_saved_tables(force: bool = False) -> tuple[list[dict], list[str]]:
    """Register the tables kept in the learner's work folder, once per kernel.

    The explorer, the profile and the index builder call this when they start,
    so a table added in one lesson is there in the next (and after a restart).
    Returns the notes of the tables now registered from that folder, and the
    names of those that could not be read again.
    """
    folder = my_data_dir()
    done = str(folder.resolve()) in _RESTORED
    _RESTORED.add(str(folder.resolve()))
    if done and not force:
        return [m for m in saved_tables(folder) if m["key"] in USER_INDICATORS], []
    metas, skipped = [], []
    for meta in saved_tables(folder):
        current = USER_INDICATORS.get(meta["key"])
        if current is not None and current.get("added") == meta.get("added"):
            metas.append(meta)
            continue
        if current is not None:  # replaced in this kernel since: this kernel's is newer
            continue
        try:
            data = read_saved_table(meta["key"], folder)
        except (OSError, ValueError):
            skipped.append(str(meta.get("label", meta["key"])))
            continue
        register_user_indicator(meta["key"], meta, data)
        metas.append(meta)
    return metas, skipped
