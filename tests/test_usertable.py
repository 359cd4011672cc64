"""A trainer's own table: messy real-world-shaped files read into tidy rows (issue 21)."""

from __future__ import annotations

import io
import time

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets.data import read_user_table
from widgets.errors import LabInputError
from widgets.usertable import MAX_UPLOAD_BYTES, MAX_UPLOAD_ROWS


def records(t):
    return [tuple(r) for r in t.data[["iso3", "year", "value"]].itertuples(index=False)]


def test_semicolons_and_decimal_commas():
    raw = "Pays;Année;Valeur\nFrance;2020;1,5\nAllemagne;2020;12,25\n".encode()
    t = read_user_table(raw, name="insee.csv")
    assert records(t) == [("DEU", 2020, 12.25), ("FRA", 2020, 1.5)]
    assert t.source_name == "insee.csv"


def test_utf16_with_bom_and_tabs():
    raw = "country\tyear\tvalue\nKenya\t2019\t3.5\nKEN\t2020\t4\n".encode("utf-16")
    assert records(read_user_table(raw)) == [("KEN", 2019, 3.5), ("KEN", 2020, 4.0)]


def test_latin1_french_and_spanish_names():
    raw = ("country,year,value\nCôte d'Ivoire,2020,1\nSénégal,2020,2\nMéxico,2020,3\n"
           "cote d’ivoire,2021,4\n").encode("cp1252")
    assert records(read_user_table(raw)) == [
        ("CIV", 2020, 1.0), ("CIV", 2021, 4.0), ("MEX", 2020, 3.0), ("SEN", 2020, 2.0)]


def test_excel_with_title_row():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Table 3. Households reached, by country"])
    ws.append(["Country", "Year", "Value"])
    ws.append(["Ghana", 2021, 0.25])
    ws.append(["GH", 2022, 0.5])
    buf = io.BytesIO()
    wb.save(buf)
    t = read_user_table(buf.getvalue(), name="ngo.xlsx")
    assert records(t) == [("GHA", 2021, 0.25), ("GHA", 2022, 0.5)]
    assert any("above the header" in w for w in t.warnings)


def test_duplicated_country_year_names_both_rows():
    raw = b"country,year,value\nFrance,2020,1\nGermany,2020,2\nFRA,2020,3\n"
    with pytest.raises(LabInputError, match=r"Rows 2 and 4 .*FRA, 2020"):
        read_user_table(raw)


def test_na_cells_are_missing_with_a_warning_but_text_is_an_error():
    t = read_user_table(b"country,year,value\nFrance,2020,n/a\nFrance,2021,..\nFrance,2022,7\n")
    assert records(t) == [("FRA", 2022, 7.0)]
    assert "2 empty or 'n/a' cell(s)" in t.warnings[0]
    with pytest.raises(LabInputError, match=r"Row 3, column C \('value'\).*'about 7'"):
        read_user_table(b"country,year,value\nFrance,2020,1\nFrance,2021,about 7\n")


def test_mixed_decimal_forms_name_the_cells():
    with pytest.raises(LabInputError, match=r"row 2, column C has '1,5' but row 3"):
        read_user_table(b"country;year;value\nFrance;2020;1,5\nFrance;2021;2.5\n")


def test_aggregates_left_out_and_named():
    raw = (b"country,year,value\nWorld,2020,5\nSub-Saharan Africa,2020,4\nFrance,2020,1\n"
           b"Europe & Central Asia,2020,3\nOECD,2020,2\n")
    t = read_user_table(raw)
    assert records(t) == [("FRA", 2020, 1.0)]
    assert "World, Sub-Saharan Africa, Europe & Central Asia, OECD" in t.warnings[0]


def test_unknown_country_suggests_closest():
    with pytest.raises(LabInputError, match=r"Row 3, column A.*'Frnace'.*Did you mean 'France'"):
        read_user_table(b"country,year,value\nGermany,2020,1\nFrnace,2020,2\n")


def test_year_out_of_range_and_small_files():
    with pytest.raises(LabInputError, match=r"Row 2, column B.*between 1800 and 2100"):
        read_user_table(b"country,year,value\nFrance,1750,1\n")
    with pytest.raises(LabInputError, match="no data rows"):
        read_user_table(b"")
    with pytest.raises(LabInputError, match="no data rows"):
        read_user_table(b"country,year,value\n")


def test_wide_form_with_indicator_long_form():
    t = read_user_table(b"Country,2019,2020\nChile,1,2\nPeru,3,\n")
    assert records(t) == [("CHL", 2019, 1.0), ("CHL", 2020, 2.0), ("PER", 2019, 3.0)]
    t = read_user_table(b"indicator,country,year,value\na,France,2020,1\nb,France,2020,2\n")
    assert t.data["indicator"].tolist() == ["a", "b"]


def test_100k_rows_under_the_limit_in_reasonable_time():
    iso = ["FRA", "DEU", "KEN", "CHL", "IND"]
    # 100k rows: 100 indicators x 5 countries x 200 years
    lines = ["indicator,country,year,value"] + [
        f"i{k},{iso[i % 5]},{1900 + i // 5},{i}.5" for k in range(100) for i in range(1000)]
    assert len(lines) - 1 == 100_000
    start = time.perf_counter()
    t = read_user_table("\n".join(lines).encode())
    elapsed = time.perf_counter() - start
    assert len(t.data) == 100_000
    assert elapsed < 15, elapsed


def test_over_limit_refused_before_parsing():
    with pytest.raises(LabInputError, match="up to 10 MB"):
        read_user_table(b"x" * (MAX_UPLOAD_BYTES + 1))
    with pytest.raises(LabInputError, match="more than 200,000 rows"):
        read_user_table(b"\n" * (MAX_UPLOAD_ROWS + 20))


def test_path_outside_the_work_folder_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("HSL_WORK_DIR", str(tmp_path / "work"))
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "mine.csv").write_bytes(b"country,year,value\nFrance,2020,1\n")
    assert records(read_user_table("mine.csv")) == [("FRA", 2020, 1.0)]
    with pytest.raises(LabInputError):
        read_user_table("/etc/passwd")


ISO = ["FRA", "DEU", "KEN", "CHL", "IND", "BRA", "JPN"]


@settings(max_examples=25, deadline=None)
@given(
    rows=st.dictionaries(
        st.tuples(st.sampled_from(ISO), st.integers(1800, 2100)),
        st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: round(x, 3)),
        min_size=1, max_size=30),
    delim=st.sampled_from([",", ";", "\t", "|"]),
    comma=st.booleans(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
)
def test_round_trip(rows, delim, comma, encoding):
    if comma and delim == ",":
        delim = ";"
    fmt = (lambda v: repr(v).replace(".", ",")) if comma else repr
    text = "\n".join([delim.join(["country", "year", "value"])] + [
        delim.join([c, str(y), fmt(v)]) for (c, y), v in rows.items()])
    t = read_user_table(text.encode(encoding))
    want = pd.DataFrame([(c, y, float(v)) for (c, y), v in sorted(rows.items())],
                        columns=["iso3", "year", "value"])
    pd.testing.assert_frame_equal(t.data, want, check_dtype=False)


def test_thousands_separator_is_read_and_said():
    t = read_user_table(b'country,year,value\nFrance,2020,"1,000"\nKenya,2020,"12,500"\n')
    assert records(t) == [("FRA", 2020, 1000.0), ("KEN", 2020, 12500.0)]
    assert "thousands separator" in t.warnings[0]


# ------------------------------------------------ more real-world shapes (issue 21, part 2)
def test_world_bank_download_with_metadata_lines_codes_and_aggregates():
    """The shape of a World Bank CSV download: four lines of metadata, names with commas,
    a code column (read in preference to the names), aggregates by the dozen, empty years."""
    raw = (
        '"Data Source","World Development Indicators",\n\n'
        '"Last Updated Date","2025-01-28",\n\n'
        '"Country Name","Country Code","Indicator Name","Indicator Code","2019","2020","2021",\n'
        '"Africa Eastern and Southern","AFE","Reach","X.1","1.5","2","",\n'
        '"Korea, Rep.","KOR","Reach","X.1","3","","4.25",\n'
        '"Channel Islands","CHI","Reach","X.1","","","",\n'
        '"Congo, Dem. Rep.","COD","Reach","X.1","","5","",\n'
        '"World","WLD","Reach","X.1","7","7","7",\n'
        '"Fragile and conflict affected situations","FCS","Reach","X.1","1","1","1",\n'
    ).encode("utf-8-sig")
    t = read_user_table(raw, name="API_X.1_DS2_en_csv_v2.csv")
    assert records(t) == [("COD", 2020, 5.0), ("KOR", 2019, 3.0), ("KOR", 2021, 4.25)]
    assert any("above the header" in w for w in t.warnings)
    left_out = next(w for w in t.warnings if w.startswith("Left out"))
    for code in ("AFE", "CHI", "WLD", "FCS"):
        assert code in left_out


def test_exact_repeated_rows_are_read_once_and_named_but_conflicts_are_errors():
    raw = b"country,year,value\nKenya,2020,1\nGhana,2020,2\nKenya,2020,1\nKEN,2020,1\n"
    t = read_user_table(raw)
    assert records(t) == [("GHA", 2020, 2.0), ("KEN", 2020, 1.0)]
    assert "2 row(s) repeat an earlier row exactly" in t.warnings[-1] and "4, 5" in t.warnings[-1]
    with pytest.raises(LabInputError, match=r"Rows 2 and 6 .*\(KEN, 2020\) with different"):
        read_user_table(b"country,year,value\nKenya,2020,1\nGhana,2020,2\nKenya,2020,1\n"
                        b"Ghana,2021,2\nKEN,2020,9\n")


def test_french_excel_with_title_text_numbers_decimal_commas_and_na():
    """A French office's workbook: a title, French headers and names, numbers typed as text
    with decimal commas, 'n/a' for a gap, and 'Monde' (the world) at the bottom."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Tableau 2 – Ménages atteints (%)"])
    ws.append([])
    ws.append(["Pays", "Année", "Valeur"])
    ws.append(["Allemagne", 2021, "12,5"])
    ws.append(["Côte d'Ivoire", "2021", "0,75"])
    ws.append(["Sénégal", 2021, "n/a"])
    ws.append(["Monde", 2021, "10,0"])
    buf = io.BytesIO()
    wb.save(buf)
    t = read_user_table(buf.getvalue(), name="menages.xlsx")
    assert records(t) == [("CIV", 2021, 0.75), ("DEU", 2021, 12.5)]
    text = " ".join(t.warnings)
    assert "above the header" in text and "Monde" in text and "'n/a'" in text


def test_spanish_semicolon_file_with_n_a_and_text_in_a_number_cell():
    raw = "País;Año;Valor\nMéxico;2020;1,5\nPerú;2020;n/a\nChile;2020;sin dato\n".encode("cp1252")
    with pytest.raises(LabInputError, match=r"Row 4, column C \('Valor'\).*'sin dato'"):
        read_user_table(raw)


# --------------------------------------------------------------- properties of the parser
_CELLS = st.one_of(
    st.sampled_from(["Kenya", "KEN", "ke", "Sénégal", "World", "n/a", "", "2020", "1,5", "1.5",
                     "country", "year", "value", "Frnace", "-", "1,000", "3", "x;y", '"']),
    st.text(max_size=6),
    st.integers(-10**6, 10**6).map(str),
)


@settings(max_examples=60, deadline=None)
@given(grid=st.lists(st.lists(_CELLS, min_size=1, max_size=5), max_size=8),
       delim=st.sampled_from([",", ";", "\t"]))
def test_any_grid_gives_a_table_or_a_plain_message_never_a_traceback(grid, delim):
    text = "\n".join(delim.join(row) for row in grid)
    try:
        t = read_user_table(text.encode("utf-8"))
    except LabInputError as err:
        assert str(err) and "Traceback" not in str(err)
        return
    assert list(t.data.columns[-3:]) == ["iso3", "year", "value"]
    assert t.data["value"].notna().all()
    assert not t.data.duplicated(["iso3", "year"]).any() or "indicator" in t.data


@settings(max_examples=40, deadline=None)
@given(raw=st.binary(max_size=600))
def test_arbitrary_bytes_never_raise_anything_but_a_plain_message(raw):
    try:
        read_user_table(raw, name="junk.csv")
    except LabInputError:
        pass


@settings(max_examples=25, deadline=None)
@given(
    rows=st.dictionaries(
        st.tuples(st.sampled_from(ISO), st.integers(1990, 2024)),
        st.floats(0, 1e4, allow_nan=False).map(lambda x: round(x, 2)),
        min_size=1, max_size=25),
    seed=st.randoms(use_true_random=False),
)
def test_wide_and_long_forms_and_row_order_give_the_same_table(rows, seed):
    long = [f"{c},{y},{v!r}" for (c, y), v in rows.items()]
    seed.shuffle(long)
    a = read_user_table(("country,year,value\n" + "\n".join(long)).encode()).data
    years = sorted({y for _, y in rows})
    countries = sorted({c for c, _ in rows})
    wide = ["country," + ",".join(map(str, years))] + [
        c + "," + ",".join(repr(rows[(c, y)]) if (c, y) in rows else "" for y in years)
        for c in countries]
    b = read_user_table("\n".join(wide).encode()).data
    pd.testing.assert_frame_equal(a, b, check_dtype=False)
