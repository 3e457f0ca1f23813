"""Reading uploaded spreadsheets at national scale, and crafted workbooks made to exhaust a reader:

    python -m tests.bench.spreadsheets [--scale 1] [--folder DIR]

Builds a resident file of 100,000 rows (× scale) and a school file of 40,000 as XLSX, and the
crafted files of ``crafted_files``; reads each in a fresh process (its own peak memory, an
address-space cap, a time-out) with ``read_table`` as shipped, and the big files with openpyxl
and python-calamine alone for comparison. Prints one JSON document on its last line.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[2]
RESIDENTS = 100_000
SCHOOLS = 40_000
CAP_KB = 3_000_000  # address space of each reading process: a runaway reader fails, not the box
TIMEOUT_S = 120

RESIDENT_HEADINGS = (
    "nik", "name", "birth_date", "sex", "category", "disability", "bedridden", "address", "rt",
    "rw", "kecamatan", "kelurahan", "phone", "contact_name", "contact_relation",
    "requested_via", "requested_on", "latitude", "longitude",
)  # fmt: skip
SCHOOL_HEADINGS = (
    "npsn", "name", "level", "status", "address", "kecamatan", "kelurahan", "liaison_name",
    "liaison_phone", "liaison_email", "students_pending", "latitude", "longitude",
)  # fmt: skip


def resident_workbook(path: Path, count: int) -> Path:
    """``count`` residents as an office's XLSX would hold them: dates as dates, NIK as text."""
    rng = random.Random(2026)  # noqa: S311 - test data
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Penduduk")
    sheet.append(RESIDENT_HEADINGS)
    for n in range(count):
        born = date(1930, 1, 1) + timedelta(days=rng.randrange(20_000))
        sheet.append([
            f"1771{rng.randrange(10**11, 10**12)}", f"Penduduk Nomor {n}", born,
            rng.choice("LP"), rng.choice(("lansia", "disabilitas", "both")), "",
            rng.choice(("ya", "")), f"Jl. Merdeka No. {n % 200}, Gang {n % 17}",
            f"{n % 20:03d}", f"{n % 9:03d}", "Selebar", "Pagar Dewa", f"0812{n:08d}",
            f"Anak {n}", "anak", "kelurahan", date(2026, 1, 1) + timedelta(days=n % 300),
            -3.8 + rng.random() / 10, 102.2 + rng.random() / 10,
        ])  # fmt: skip
    workbook.save(path)
    return path


def school_workbook(path: Path, count: int) -> Path:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Sekolah")
    sheet.append(SCHOOL_HEADINGS)
    for n in range(count):
        sheet.append([
            f"{50_000_000 + n}", f"SMA Negeri {n}", "SMA", "negeri", f"Jl. Baru No. {n % 90}",
            "Selebar", "", f"Operator {n}", f"0812{n:08d}", "", 50 + n % 70, None, None,
        ])  # fmt: skip
    workbook.save(path)
    return path


# --- crafted workbooks --------------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8"?>'
_PARTS = {
    "[Content_Types].xml": f'{_XML}<Types xmlns="{_PKG}/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>',
    "_rels/.rels": f'{_XML}<Relationships xmlns="{_PKG}/relationships"><Relationship Id="rId1" '
    f'Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets>'
    '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": f'{_XML}<Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_DOC}/sharedStrings" Target="sharedStrings.xml"/>'
    f'<Relationship Id="rId3" Type="{_DOC}/styles" Target="styles.xml"/></Relationships>',
}
_STYLE_BASE = (
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1">'
    '<fill><patternFill patternType="none"/></fill></fills><borders count="1"><border><left/>'
    '<right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" '
    'fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
)
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_MAIN}">{_STYLE_BASE}<cellXfs count="1"><xf numFmtId="0" '
    'fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs></styleSheet>'
)
_STRINGS = f'{_XML}<sst xmlns="{_MAIN}"><si><t>nik</t></si><si><t>name</t></si>'
_SHEET = f'{_XML}<worksheet xmlns="{_MAIN}">'
_HEADINGS = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'


def _workbook(path: Path, sheet, strings=_STRINGS + "</sst>", styles=_STYLES) -> Path:
    """An XLSX from its parts; each a str or an iterable of str (written as it comes)."""
    parts = {**_PARTS, "xl/styles.xml": styles, "xl/sharedStrings.xml": strings,
             "xl/worksheets/sheet1.xml": sheet}  # fmt: skip
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, part in parts.items():
            with archive.open(name, "w", force_zip64=True) as out:
                for chunk in [part] if isinstance(part, str) else part:
                    out.write(chunk.encode())
    return path


def _repeated(head: str, unit: str, count: int, tail: str, batch=10_000) -> Iterator[str]:
    yield head
    for _ in range(count // batch):
        yield unit * batch
    yield unit * (count % batch)
    yield tail


def _sheet(rows: str) -> str:
    return f"{_SHEET}<sheetData>{_HEADINGS}{rows}</sheetData></worksheet>"


def crafted_files(folder: Path) -> dict[str, Path]:
    """Small workbooks (2 KB – 600 KB) that make a naive reader spend gigabytes or minutes."""
    folder.mkdir(parents=True, exist_ok=True)
    laughs = "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    )  # fmt: skip
    files = {
        # <dimension> claims the whole sheet over two cells.
        "huge dimension": _workbook(
            folder / "dimension.xlsx",
            f'{_SHEET}<dimension ref="A1:XFD1048576"/><sheetData>{_HEADINGS}</sheetData>'
            "</worksheet>",
        ),
        # One value in the sheet's very last cell: a dense reader allocates 17 billion cells.
        "cell XFD1048576": _workbook(
            folder / "last_cell.xlsx",
            _sheet('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'),
        ),
        # One value in column CV of row 1,000,000: 100 million cells of area, 2 KB of file.
        "sparse refs": _workbook(
            folder / "sparse.xlsx", _sheet('<row r="1000000"><c r="CV1000000"><v>1</v></c></row>')
        ),
        # 15 million empty cells in one row (60 MB of XML, 60 KB zipped).
        "millions of empty cells": _workbook(
            folder / "empty_cells.xlsx",
            _repeated(
                f'{_SHEET}<sheetData>{_HEADINGS}<row r="2">',
                "<c/>",
                15_000_000,
                "</row></sheetData></worksheet>",
            ),
        ),  # fmt: skip
        # 5 million empty rows.
        "millions of empty rows": _workbook(
            folder / "rows.xlsx",
            _repeated(
                f"{_SHEET}<sheetData>{_HEADINGS}", "<row/>", 5_000_000, "</sheetData></worksheet>"
            ),
        ),  # fmt: skip
        # 3 million rows of two numbers.
        "millions of cells": _workbook(
            folder / "many_cells.xlsx",
            _repeated(
                f"{_SHEET}<sheetData>{_HEADINGS}",
                "<row><c><v>1</v></c><c><v>2</v></c></row>",
                3_000_000,
                "</sheetData></worksheet>",
            ),
        ),  # fmt: skip
        # One shared string of 150 million characters.
        "giant shared string": _workbook(
            folder / "giant_string.xlsx",
            _sheet('<row r="2"><c r="A2" t="s"><v>2</v></c></row>'),
            strings=_repeated(
                f"{_STRINGS}<si><t>", "a", 150_000_000, "</t></si></sst>", batch=1_000_000
            ),
        ),  # fmt: skip
        # A cell's text two million elements deep.
        "deeply nested XML": _workbook(
            folder / "deep.xlsx",
            _sheet(
                f'<row r="2"><c r="A2" t="inlineStr"><is>{"<r>" * 2_000_000}<t>x</t>'
                f"{'</r>' * 2_000_000}</is></c></row>"
            ),
        ),  # fmt: skip
        # Two million cell styles.
        "two million styles": _workbook(
            folder / "styles.xlsx",
            _sheet(""),
            styles=_repeated(
                f'{_XML}<styleSheet xmlns="{_MAIN}">{_STYLE_BASE}<cellXfs count="2000000">',
                '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0"/>',
                2_000_000,
                "</cellXfs></styleSheet>",
            ),
        ),  # fmt: skip
        # Billion laughs: entities of entities in the shared strings.
        "billion laughs": _workbook(
            folder / "laughs.xlsx",
            _sheet('<row r="2"><c r="A2" t="s"><v>2</v></c></row>'),
            strings=f'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY l0 "lollollol">{laughs}]>'
            f'<sst xmlns="{_MAIN}"><si><t>nik</t></si><si><t>name</t></si><si><t>&l9;</t></si>'
            "</sst>",
        ),
    }
    return files


# --- measuring ------------------------------------------------------------------------------------

READERS = {
    # What the app ships: bounded inspection, then the reader.
    "read_table": "from outreach.services.tables import read_table\n"
    "from outreach.domain.problems import Invalid\n"
    "try:\n    print(len(read_table(open(PATH, 'rb').read(), PATH).rows), 'rows')\n"
    "except Invalid as e:\n    print('refused:', e.message % e.params)",
    # The same with the zip-bomb (ratio) check off: the bounded scan alone stops the file.
    "read_table, no ratio check": "from outreach.services.tables import read_table\n"
    "from outreach.services.xlsx import Limits\n"
    "from outreach.domain.problems import Invalid\n"
    "try:\n    print(len(read_table(open(PATH, 'rb').read(), PATH, Limits(ratio=10**9)).rows),"
    " 'rows')\n"
    "except Invalid as e:\n    print('refused:', e.message % e.params)",
    # The two readers alone, as the app used them before (openpyxl) and could (calamine).
    "openpyxl": "from openpyxl import load_workbook\n"
    "book = load_workbook(PATH, read_only=True, data_only=True)\n"
    "print(sum(1 for _ in book.worksheets[0].iter_rows(values_only=True)), 'rows')",
    "calamine": "from python_calamine import CalamineWorkbook\n"
    "book = CalamineWorkbook.from_path(PATH)\n"
    "print(len(book.get_sheet_by_index(0).to_python()), 'rows')",
}


def read_once(reader: str, path: Path) -> dict:
    """Read ``path`` with ``reader`` in a fresh process: seconds, peak MB, what it said."""
    code = f"PATH = {str(path)!r}\n" + READERS[reader]
    script = f"ulimit -v {CAP_KB}; exec /usr/bin/time -f 'TIME %e %M' {sys.executable} -c \"$0\""
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and script
            ["/bin/bash", "-c", script, code],
            cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_S,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"time_s": float(TIMEOUT_S), "peak_memory_mb": None, "outcome": "timed out"}
    lines = done.stderr.strip().splitlines()
    timing = [line for line in lines if line.startswith("TIME ")]
    seconds, peak_kb = (timing[-1].split()[1:3]) if timing else ("0", "0")
    said = done.stdout.strip().splitlines()
    if done.returncode == 0 and said:
        outcome = said[-1]
    else:
        others = [line for line in lines if not line.startswith(("TIME ", "Command "))]
        outcome = f"failed ({done.returncode}): {(others or ['?'])[-1][:100]}"
    return {"time_s": float(seconds), "peak_memory_mb": round(int(peak_kb) / 1024, 1),
            "outcome": outcome}  # fmt: skip


BIG_FILE_READERS = ("read_table", "openpyxl", "calamine")
CRAFTED_READERS = ("read_table", "read_table, no ratio check")


def measure(folder: Path, scale: float, readers: Iterable[str] = BIG_FILE_READERS) -> list[dict]:
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    big = {
        f"{max(1, round(RESIDENTS * scale)):,} residents": resident_workbook(
            folder / "penduduk.xlsx", max(1, round(RESIDENTS * scale))
        ),
        f"{max(1, round(SCHOOLS * scale)):,} schools": school_workbook(
            folder / "sekolah.xlsx", max(1, round(SCHOOLS * scale))
        ),
    }
    for name, path in big.items():
        for reader in readers:
            rows.append({"file": name, "kb": path.stat().st_size // 1024, "reader": reader,
                         **read_once(reader, path)})  # fmt: skip
    for name, path in crafted_files(folder / "crafted").items():
        for reader in CRAFTED_READERS:
            rows.append({"file": name, "kb": path.stat().st_size // 1024, "reader": reader,
                         **read_once(reader, path)})  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.spreadsheets")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--readers", default=",".join(BIG_FILE_READERS))
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jemput-bola-sheets-") as folder:
        rows = measure(Path(folder), options.scale, options.readers.split(","))
    for row in rows:
        print(row, file=sys.stderr)
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
