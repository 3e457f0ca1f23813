"""An uploaded spreadsheet is bounded before memory grows: crafted workbooks are refused with a
reason and little memory (tracemalloc's peak, never a time), whatever trick they use; what a
real file holds still reads; a read table kept for its preview comes back the same; the CSV
formula marks undo exactly."""

import io
import tracemalloc
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outreach.domain.formulas import SEPARATORS, TRIGGERS, mark, unmark
from outreach.domain.problems import Invalid
from outreach.services.tables import Table, kept_table, read_table, table_bytes
from outreach.services.xlsx import Limits
from tests.bench.spreadsheets import (
    _HEADINGS,
    _MAIN,
    _SHEET,
    _STRINGS,
    _STYLE_BASE,
    _XML,
    _repeated,
    _sheet,
    _workbook,
    crafted_files,
)

NO_RATIO = Limits(ratio=10**9)  # to reach the scan's own limits behind the zip-bomb check
MB = 1024 * 1024


def refused(path_or_bytes, limits=Limits(), *, peak_mb=60) -> str:  # noqa: B008
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else path_or_bytes.read_bytes()
    tracemalloc.start()
    try:
        with pytest.raises(Invalid) as refusal:
            read_table(data, "x.xlsx", limits)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < peak_mb * MB, f"{peak / MB:.0f} MB"
    error = refusal.value
    return error.message % error.params


@pytest.fixture(scope="module")
def crafted(tmp_path_factory):
    return crafted_files(tmp_path_factory.mktemp("crafted"))


@pytest.mark.parametrize(
    "name, reason",
    [
        ("cell XFD1048576", "rows"),
        ("sparse refs", "rows"),
        ("millions of empty cells", "times its size"),
        ("millions of empty rows", "times its size"),
        ("millions of cells", "times its size"),
        ("giant shared string", "times its size"),
        ("deeply nested XML", "times its size"),
        ("two million styles", "times its size"),
        ("billion laughs", "declarations of its own"),
    ],
)
def test_crafted_workbooks_are_refused_with_a_reason_and_little_memory(crafted, name, reason):
    assert reason in refused(crafted[name])


def test_a_table_of_strings_far_beyond_the_sheets_cells_is_refused_early(tmp_path):
    """Three hundred thousand shared strings behind a sheet of two cells (a few hundred KB
    compressed): refused by the strings' own count, which follows the sheet's cells."""
    strings = _repeated(f'{_XML}<sst xmlns="{_MAIN}">', "<si><t>x</t></si>", 300_000, "</sst>")
    path = _workbook(tmp_path / "strings.xlsx", _sheet(""), strings=strings)
    assert "far more text than its first sheet" in refused(path, NO_RATIO)
    # A real sheet's strings, and a small second sheet's beside them, still read.
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="s"><v>0</v></c><c r="B{n}" t="s"><v>1</v></c></row>'
        for n in range(2, 2002)
    )
    strings = _repeated(f'{_XML}<sst xmlns="{_MAIN}">', "<si><t>y</t></si>", 9_000, "</sst>")
    path = _workbook(tmp_path / "fine.xlsx", _sheet(rows), strings=strings)
    assert len(read_table(path.read_bytes(), "x.xlsx").rows) == 2000


def test_a_huge_dimension_alone_is_no_reason_to_refuse(crafted):
    assert read_table(crafted["huge dimension"].read_bytes(), "x.xlsx").headings == ["nik", "name"]


def _small(rows: str = "", **parts) -> bytes:
    out = io.BytesIO()
    _workbook(out, _sheet(rows), **parts)
    return out.getvalue()


def test_behind_the_ratio_check_the_scan_still_bounds_cells_rows_and_depth(tmp_path):
    empty = tmp_path / "e.xlsx"
    _workbook(empty, _repeated(f'{_SHEET}<sheetData>{_HEADINGS}<row r="2">', "<c/>", 400,
                               "</row></sheetData></worksheet>"))  # fmt: skip
    assert "cells" in refused(empty, Limits(ratio=10**9, cells=300, columns=1000))
    rows = tmp_path / "r.xlsx"
    _workbook(rows, _repeated(f"{_SHEET}<sheetData>{_HEADINGS}", "<row/>", 500,
                              "</sheetData></worksheet>"))  # fmt: skip
    assert "rows" in refused(rows, Limits(ratio=10**9, rows=100))
    deep = _small(f'<row r="2"><c r="A2" t="inlineStr"><is>{"<r>" * 80}<t>x</t>{"</r>" * 80}'
                  "</is></c></row>")  # fmt: skip
    assert "nested too deep" in refused(deep, NO_RATIO)
    xf = '<xf numFmtId="14"/>' * 50
    styles = _small(styles=f'{_XML}<styleSheet xmlns="{_MAIN}">{_STYLE_BASE}<cellXfs>'
                    f"{xf}</cellXfs></styleSheet>")  # fmt: skip
    assert "styles" in refused(styles, Limits(ratio=10**9, styles=20))


@pytest.mark.parametrize(
    "rows, strings",
    [
        ('<row r="2"><c r="A2" t="s"><v>2</v></c></row>',
         f"{_STRINGS}<si><t>{'a' * 500}</t></si></sst>"),
        (f'<row r="2"><c r="A2" t="inlineStr"><is><t>{"a" * 500}</t></is></c></row>', None),
        (f'<row r="2"><c r="A2" t="inlineStr"><is><t>{"é" * 500}</t></is></c>'
         '<c r="B2"><v>1</v></c></row>', None),
        (f'<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is><r><t>{"a" * 300}'
         f'</t></r><r><t>{"b" * 300}</t></r></is></c></row>', None),
    ],
    ids=["shared", "inline, last cell", "inline, multibyte", "rich text runs"],
)  # fmt: skip
def test_a_cell_longer_than_the_limit_is_refused_wherever_its_text_sits(rows, strings):
    parts = {"strings": strings} if strings else {}
    # Read (the scan lets a cell's bytes reach 4 × the limit and its tags) and refused exactly.
    assert "characters" in refused(_small(rows, **parts), Limits(ratio=10**9, cell_chars=100))
    # Far beyond, refused by the scan, before the reader sees it.
    assert "characters" in refused(
        _small(rows.replace("a" * 300, "a" * 3000).replace("a" * 500, "a" * 5000),
               **{"strings": strings.replace("a" * 500, "a" * 5000)} if strings else {}),
        Limits(ratio=10**9, cell_chars=100), peak_mb=5,
    )  # fmt: skip


def test_a_doctype_or_an_entity_is_refused_in_every_part_scanned():
    doctype = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>'
    sheet = doctype + _sheet("")[len(_XML) :]
    for data in (_small(strings=doctype + _STRINGS[len(_XML) :] + "</sst>"), None):
        if data is None:
            out = io.BytesIO()
            _workbook(out, sheet)
            data = out.getvalue()
        assert "declarations of its own" in refused(data)


def test_prefixed_cells_count_as_cells():
    sheet = (f'{_XML}<x:worksheet xmlns:x="{_MAIN}"><x:sheetData><x:row r="1">'
             '<x:c r="ZZ1"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>')  # fmt: skip
    out = io.BytesIO()
    _workbook(out, sheet)
    assert "columns" in refused(out.getvalue())


LIMITS = Limits(cells=60, rows=20, columns=8, ratio=10**9)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(2, 40), st.integers(1, 12)), min_size=1, max_size=30))
def test_any_sparse_sheet_is_read_or_refused_by_its_last_cell(cells):
    """Refused exactly when its last row or column, or the area up to them, passes a limit."""
    cells = sorted(set(cells))
    rows: dict[int, list[int]] = {}
    for row, column in cells:
        rows.setdefault(row, []).append(column)
    letters = "ABCDEFGHIJKL"
    xml = "".join(
        f'<row r="{row}">'
        + "".join(f'<c r="{letters[c - 1]}{row}"><v>{c}</v></c>' for c in columns)
        + "</row>"
        for row, columns in rows.items()
    )
    last_row = max(row for row, _c in cells)
    last_column = max(2, max(column for _r, column in cells))
    too_big = last_row > 21 or last_column > 8 or last_row * last_column > 60
    try:
        table = read_table(_small(xml), "x.xlsx", LIMITS)
    except Invalid:
        assert too_big
    else:
        assert not too_big
        assert sum(1 for _n, row in table.rows for cell in row if cell != "") == len(cells)


def test_a_real_workbook_still_reads_with_its_types(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["nik", "name", "birth_date", "count", "note"])
    sheet.append(["1771015203480001", "Siti", date(1948, 3, 12), 3, "=1+1"])
    sheet["E2"].data_type = "s"
    workbook.save(tmp_path / "p.xlsx")
    table = read_table((tmp_path / "p.xlsx").read_bytes(), "p.xlsx")
    assert table.rows == [(2, ["1771015203480001", "Siti", date(1948, 3, 12), 3, "=1+1"])]


def test_a_csv_is_bounded_in_cells_and_characters_too():
    wide = ("a," * 30 + "\n") * 10
    assert "cells" in str(pytest.raises(Invalid, read_table, wide.encode(), "x.csv",
                                        Limits(cells=100)).value.message)  # fmt: skip
    long = "a\n" + "b" * 200 + "\n"
    with pytest.raises(Invalid, match="characters"):
        read_table(long.encode(), "x.csv", Limits(cell_chars=100))
    for quoted in (False, True):  # past the csv module's own limit too, quoted or not
        huge = "b" * 200_000
        body = f'nama\n"{huge}"\n' if quoted else f"nama\n{huge}\n"
        with pytest.raises(Invalid, match="characters"):
            read_table(body.encode(), "x.csv")


CELLS = st.one_of(
    st.none(), st.text(max_size=20), st.integers(-(10**15), 10**15), st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False), st.dates(),
    st.datetimes(), st.times(), st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=9)),
)  # fmt: skip


@given(
    st.lists(st.text(max_size=10), max_size=5), st.lists(st.lists(CELLS, max_size=6), max_size=8)
)
def test_a_kept_table_comes_back_the_same(headings, rows):
    table = Table(headings, [(n, cells) for n, cells in enumerate(rows, start=2)])
    assert kept_table(table_bytes(table), "x.xlsx") == table


def test_excels_unicode_text_is_read_as_a_table():
    """Excel's "Unicode Text (*.txt)" is UTF-16 with a BOM, tab-separated."""
    for encoding in ("utf-16-le", "utf-16-be"):
        bom = "\ufeff".encode(encoding)
        data = bom + "npsn\tname\n10702414\tSMAN 3 Kota Bengkulu\n".encode(encoding)
        table = read_table(data, "sekolah.txt")
        assert table.headings == ["npsn", "name"], encoding
        assert table.rows == [(2, ["10702414", "SMAN 3 Kota Bengkulu"])], encoding


def test_an_upload_kept_before_is_read_from_its_file():
    assert kept_table(b"npsn,name\n1,A\n", "x.csv").rows == [(2, ["1", "A"])]


TEXT = (
    st.text(alphabet=st.sampled_from("ab '\"=+-@\t\r\n,;\u00a0\u3000\u2009"), max_size=30)
    | st.text()
)


@given(TEXT)
def test_marking_undoes_exactly_and_leaves_no_fragment_a_formula(text):
    marked = mark(text)
    assert unmark(marked) == text
    for separator in SEPARATORS:
        for fragment in marked.split(separator)[1:] + [marked]:
            stripped = fragment.lstrip(' "\u00a0\u3000\u2009\u202f\u2007\u205f')
            assert not stripped.startswith(tuple(TRIGGERS)), (separator, fragment)


def test_examples_of_marks():
    assert mark("=1+1") == "'=1+1" and mark("SMA;=1") == "SMA;'=1"
    assert mark('a, "=b') == "a,' \"=b" and mark("'=x") == "''=x" and mark("Jl. A-1") == "Jl. A-1"
    assert mark("Jl. Budi;\u3000=1+1") == "Jl. Budi;'\u3000=1+1"  # a textarea keeps such spaces
    assert mark("-3") == "'-3"  # text; a number is never marked (spreadsheets.neutralise)
    assert unmark("'s-Hertogenbosch") == "'s-Hertogenbosch"
