"""Reading uploaded spreadsheets as people really save them, and writing the templates."""

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from outreach.domain.problems import Invalid
from outreach.services.tables import MAX_COLUMNS, match_headings, read_table
from outreach.spreadsheets import csv_bytes, neutralise, xlsx_bytes

ROWS = (
    "NPSN,Nama Satuan Pendidikan,Kelurahan\n"
    "10702414,SMA NEGERI 3,Pagar Dewa\n"
    "10703996,MAN 1,Jalan Gedang\n"
)


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_plain_utf8_csv():
    table = read_table(ROWS.encode(), "sekolah.csv")
    assert table.headings == ["NPSN", "Nama Satuan Pendidikan", "Kelurahan"]
    assert table.rows[0] == (2, ["10702414", "SMA NEGERI 3", "Pagar Dewa"])
    assert [number for number, _ in table.rows] == [2, 3]


def test_a_bom_windows_1252_semicolons_and_mixed_line_endings_all_read_the_same():
    text = (
        "NPSN;Nama;Alamat\r\n"
        "10702414;SMA Négeri 3;Jl. Jend. Sudirman\n"
        "10703996;MAN 1;Jl. Cimanuk\r\n"
    )
    for data in (
        b"\xef\xbb\xbf" + text.encode("utf-8"),
        text.encode("cp1252"),
        text.replace(";", "\t").encode("utf-8"),
    ):
        table = read_table(data, "x.csv")
        assert table.headings == ["NPSN", "Nama", "Alamat"]
        assert table.rows[0][1] == ["10702414", "SMA Négeri 3", "Jl. Jend. Sudirman"]
        assert len(table.rows) == 2


def test_empty_rows_are_skipped_but_row_numbers_stay_those_of_the_file():
    table = read_table(b"NPSN,Nama\n\n10702414,A\n,\n10703996,B\n", "x.csv")
    assert [number for number, _ in table.rows] == [3, 5]


def test_an_xlsx_sheet_with_numbers_as_excel_stores_them():
    data = _xlsx([["NPSN", "Nama", "Siswa"], [10702414, "SMA NEGERI 3", 120.0], [None, None, None]])
    table = read_table(data, "sekolah.xlsx")
    assert table.headings == ["NPSN", "Nama", "Siswa"]
    assert table.rows == [(2, [10702414, "SMA NEGERI 3", 120])]


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"", "x.csv", "empty"),
        (b"PK\x03\x04not really a zip", "x.xlsx", "not a readable Excel"),
        (b"%PDF-1.7 binary\x00\x00stuff", "laporan.xlsx", "not a readable Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "lama.xls", ".xls"),
        (b"\x00\x01\x02binary", "x.csv", "neither CSV nor XLSX"),
        (b'NPSN,Nama\n"10702414,open quote\n', "x.csv", None),
    ],
)
def test_files_that_cannot_be_read_get_a_reason(data, name, reason):
    try:
        table = read_table(data, name)
    except Invalid as error:
        assert reason is None or reason in str(error)
    else:  # a quote left open swallows the rest of the file into one cell: still no crash
        assert reason is None and len(table.rows) <= 1


def test_too_many_columns_are_refused():
    line = ",".join(f"k{i}" for i in range(MAX_COLUMNS + 1))
    with pytest.raises(Invalid, match="columns"):
        read_table((line + "\n").encode(), "x.csv")


def test_a_workbook_that_unpacks_into_a_huge_size_is_refused_before_parsing():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * (160 * 1024 * 1024))
    with pytest.raises(Invalid, match="too large"):
        read_table(out.getvalue(), "bom.xlsx")


def test_headings_match_case_and_space_blind_and_report_what_was_ignored():
    aliases = {"npsn": ("npsn",), "name": ("name", "nama satuan pendidikan")}
    headings = match_headings(["No", " NPSN ", "Nama_Satuan_Pendidikan", "Akreditasi"], aliases)
    assert headings.columns == {"npsn": 1, "name": 2}
    assert headings.ignored == ["Akreditasi"]
    with pytest.raises(Invalid, match="name"):
        match_headings(["NPSN"], aliases, required=["npsn", "name"])


def test_formulas_are_neutralised_in_both_file_kinds():
    assert neutralise('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert neutralise("+62812") == "'+62812" and neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("SMA 1") == "SMA 1" and neutralise(-3.8) == -3.8
    text = csv_bytes(["name"], [["=1+1"]]).decode("utf-8-sig")
    assert text == '"name"\r\n"\'=1+1"\r\n'  # every cell quoted
    sheet = load_workbook(io.BytesIO(xlsx_bytes(["name"], [["=1+1"]], title="T"))).active
    # A text cell, no visible apostrophe, kept as text by Excel even once edited.
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s"
    assert sheet["A2"].quotePrefix
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold


def test_a_control_character_stored_earlier_never_stops_a_workbook():
    import io

    from openpyxl import load_workbook

    from outreach.spreadsheets import xlsx_bytes

    body = xlsx_bytes(["reason"], [["a\x00b\x07c\x1b"], ["=1+1"]], title="t")
    sheet = load_workbook(io.BytesIO(body)).active
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["abc", "=1+1"]
