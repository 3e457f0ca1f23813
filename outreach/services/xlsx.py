"""Reading an uploaded XLSX within bounds. Neither reader bounds itself (docs/SECURITY.md): so
every part the reader will see — the first sheet, its shared strings and styles — is first
streamed through a strict, bounded XML scan (no DTD, limited depth, elements, cells, rows,
columns, characters per cell), copied as it is scanned into a package of our own, and only that
package is handed to python-calamine, which never sees a byte that was not checked."""

from __future__ import annotations

import io
import posixpath
import tempfile
import zipfile
from dataclasses import dataclass
from xml.parsers import expat

from python_calamine import CalamineWorkbook

from outreach.domain.problems import N_, Invalid

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What an uploaded table may hold (the ``OUTREACH_IMPORT_*`` settings name the first two)."""

    cells: int = 3_000_000  # the sheet's area from A1 to its last cell, and its cell elements
    cell_chars: int = 32_767  # Excel's own limit for one cell
    rows: int = 100_000
    columns: int = 200
    depth: int = 64  # XML nesting; Excel's own parts go about 10 deep
    styles: int = 64_000  # cell formats; Excel's own limit
    unpacked: int = 150 * MB  # all parts together, as declared
    ratio: int = 100  # a part larger than 1 MB may unpack to at most this many times its size

    @classmethod
    def from_config(cls, config) -> Limits:
        return cls(
            cells=config.get("OUTREACH_IMPORT_MAX_CELLS", cls.cells),
            cell_chars=config.get("OUTREACH_IMPORT_MAX_CELL_CHARS", cls.cell_chars),
        )


class Count(int):
    """A number as the reader writes it in a message: 3.000.000 in Indonesian."""

    def __str__(self) -> str:
        try:
            from flask_babel import format_number

            return format_number(int(self))
        except (RuntimeError, KeyError, AttributeError):  # outside an app: no locale to ask
            return f"{int(self):,}"


def too_many_cells(limits: Limits) -> Invalid:
    return Invalid(
        N_(
            "The file holds more than %(n)s cells (rows × columns up to its last filled cell): "
            "delete the rows and columns it does not need, or split it."
        ),
        n=Count(limits.cells),
    )


def too_many_rows(limits: Limits) -> Invalid:
    return Invalid(N_("The file has more than %(n)d rows; split it."), n=limits.rows)


def too_many_columns(limits: Limits) -> Invalid:
    return Invalid(N_("The file has more than %(n)d columns."), n=limits.columns)


def too_long(limits: Limits) -> Invalid:
    return Invalid(
        N_("A cell of the file holds more than %(n)s characters."), n=Count(limits.cell_chars)
    )


def _unreadable() -> Invalid:
    return Invalid(N_("This file is not a readable Excel (.xlsx) file."))


def _not_a_spreadsheet() -> Invalid:
    return Invalid(
        N_(
            "The file is built in a way that Excel never saves a spreadsheet (nested too deep, "
            "too many parts or styles, or declarations of its own): save it again from your "
            "spreadsheet program as .xlsx."
        )
    )


_PACKAGE = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
    'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="'
    'application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
    'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="'
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
    'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>',
}
_RELATION = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


_COLUMNS = {}  # "A" … "GR": the columns a sheet within limits may use, by their letters
for _number in range(1, 1000):
    _letters, _rest = "", _number
    while _rest:
        _rest, _digit = divmod(_rest - 1, 26)
        _letters = chr(65 + _digit) + _letters
    _COLUMNS[_letters] = _number


class _Watch:
    """What a scan checks in a part beyond depth and element count: ``start``/``end`` see each
    tag by its local name (any prefix off: the reader matches local names too) and the parser,
    for its byte offset. ``handlers`` makes expat's two callbacks and one for the part's end
    (given its size)."""

    def __init__(self, start=None):
        if start is not None:
            self.start = start

    def start(self, name: str, attrs: dict, parser) -> None:
        pass

    def end(self, name: str, parser) -> None:
        pass

    def handlers(self, parser, depth: int, budget: int):
        state = [0, 0]  # depth, elements
        on_start, on_end = self.start, self.end

        def start(tag: str, attrs: dict) -> None:
            state[0] += 1
            state[1] += 1
            if state[0] > depth or state[1] > budget:
                raise _not_a_spreadsheet()
            on_start(tag if ":" not in tag else _local(tag), attrs, parser)

        def end(tag: str) -> None:
            state[0] -= 1
            on_end(tag if ":" not in tag else _local(tag), parser)

        return start, end, lambda _size: None


def _scan(archive, name: str, watch: _Watch, limits: Limits, budget: int, out=None, copy_as=""):
    """One XML part through expat as a stream: no DOCTYPE (so no entity of its own, no billion
    laughs, nothing external), at most ``limits.depth`` deep and ``budget`` elements, and what
    ``watch`` checks; copied as it is read to ``copy_as`` in ``out``."""
    parser = expat.ParserCreate()

    def doctype(*_args):
        raise _not_a_spreadsheet()

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.StartElementHandler, parser.EndElementHandler, finish = watch.handlers(
        parser, limits.depth, budget
    )
    size = 0
    target = out.open(copy_as, "w", force_zip64=True) if out is not None else None
    try:
        with archive.open(name) as source:
            while chunk := source.read(1 << 16):
                parser.Parse(chunk, False)
                size += len(chunk)
                if target is not None:
                    target.write(chunk)
        parser.Parse(b"", True)
        finish(size)
    except expat.ExpatError:
        raise _unreadable() from None
    finally:
        if target is not None:
            target.close()


def _reference(ref: str) -> tuple[int, int]:
    """ "AB12" → (12, 28); 0 for a part left out ("AB", "12")."""
    letters = ref.rstrip("0123456789")
    digits = ref[len(letters) :]
    column = _COLUMNS.get(letters, -1) if letters else 0
    if column < 0:
        if not letters.isascii() or not letters.isalpha():
            raise _unreadable()
        column = _column_number(letters)
    return (int(digits) if len(digits) < 10 else 10**10), column


class _SheetBounds(_Watch):
    """The first sheet's rows, cells, area (from A1 to its last cell) and characters per cell,
    as the scan meets them; rows and cells without a reference counted where a reader puts
    them. One pair of callbacks with everything inline: they run for every element of a
    national file (five million)."""

    def __init__(self, limits: Limits):
        self.limits = limits

    def handlers(self, parser, depth: int, budget: int):
        limits = self.limits
        most_rows, most_columns, most_cells = limits.rows + 1, limits.columns, limits.cells
        span = 4 * limits.cell_chars + 1024  # 4 bytes a character at most, and the tags
        level = elements = rows = cells = row = column = last_row = last_column = cell_at = 0

        def start(tag: str, attrs: dict) -> None:
            nonlocal level, elements, rows, cells, row, column, last_row, last_column, cell_at
            level += 1
            elements += 1
            if level > depth or elements > budget:
                raise _not_a_spreadsheet()
            if tag == "c" or tag[-2:] == ":c":
                # A cell's bytes end before the next cell's start: checked there (and at the
                # end of the part, below), which spares an end-tag check per element.
                at = parser.CurrentByteIndex
                if at - cell_at > span and cells:
                    raise too_long(limits)
                cell_at = at
                cells += 1
                ref = attrs.get("r")
                if ref:
                    ref_row, ref_column = _reference(ref)
                    column = ref_column or column + 1
                    cell_row = ref_row or row
                else:
                    column += 1
                    cell_row = row
                if cell_row > last_row:
                    last_row = cell_row
                if column > last_column:
                    last_column = column
                if column > most_columns:
                    raise too_many_columns(limits)
                if last_row > most_rows:
                    raise too_many_rows(limits)
                if cells > most_cells or last_row * last_column > most_cells:
                    raise too_many_cells(limits)
            elif tag == "row" or tag[-4:] == ":row":
                rows += 1
                ref = attrs.get("r")
                row = _reference(ref)[0] if ref else row + 1
                column = 0
                if rows > most_rows or row > most_rows:
                    raise too_many_rows(limits)
                if cells and parser.CurrentByteIndex - cell_at > span:
                    raise too_long(limits)
                cell_at = parser.CurrentByteIndex

        def end(_tag: str) -> None:
            nonlocal level
            level -= 1

        def finish(size: int) -> None:
            if cells and size - cell_at > span:
                raise too_long(limits)

        return start, end, finish


class _Strings(_Watch):
    """The shared strings: at most one per cell, each at most ``cell_chars`` long."""

    def __init__(self, limits: Limits):
        self.limits, self.count, self.at = limits, 0, 0
        self.span = 4 * limits.cell_chars + 1024

    def start(self, name: str, _attrs: dict, parser) -> None:
        if name == "si":
            self.count += 1
            if self.count > self.limits.cells:
                raise too_many_cells(self.limits)
            self.at = parser.CurrentByteIndex

    def end(self, name: str, parser) -> None:
        if name == "si" and parser.CurrentByteIndex - self.at > self.span:
            raise too_long(self.limits)


class _Styles(_Watch):
    def __init__(self, limits: Limits):
        self.limits, self.count = limits, 0

    def start(self, name: str, _attrs: dict, _parser) -> None:
        if name in ("xf", "numFmt"):
            self.count += 1
            if self.count > self.limits.styles:
                raise _not_a_spreadsheet()


def _check_archive(archive: zipfile.ZipFile, limits: Limits) -> None:
    members = archive.infolist()
    names = [info.filename for info in members]
    if len(members) > 10_000 or len(set(names)) != len(names):
        raise _not_a_spreadsheet()
    if sum(info.file_size for info in members) > limits.unpacked:
        raise Invalid(N_("The workbook is too large once unpacked."))
    for info in members:
        if info.file_size > MB and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise Invalid(
                N_(
                    "The file unpacks to more than %(n)d times its size, which a saved "
                    "spreadsheet never does: save it again from your spreadsheet program."
                ),
                n=limits.ratio,
            )


def _workbook_parts(archive: zipfile.ZipFile, limits: Limits) -> tuple[str, dict, bool]:
    """(the first sheet's part, {relation type: part}, whether dates count from 1904)."""
    found: dict = {"sheet": None, "date1904": False}

    def workbook(name, attrs, _parser):
        if name == "sheet" and found["sheet"] is None:
            found["sheet"] = next((v for k, v in attrs.items() if _local(k) == "id"), None)
        elif name == "workbookPr":
            found["date1904"] = attrs.get("date1904", "").lower() in ("1", "true")

    relations: dict[str, tuple[str, str]] = {}

    def rels(name, attrs, _parser):
        if name == "Relationship":
            relations[attrs.get("Id", "")] = (attrs.get("Type", ""), attrs.get("Target", ""))

    try:
        _scan(archive, "xl/workbook.xml", _Watch(workbook), limits, 10_000)
        _scan(archive, "xl/_rels/workbook.xml.rels", _Watch(rels), limits, 10_000)
    except KeyError:
        raise _unreadable() from None

    def part(target: str) -> str:
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        return posixpath.normpath(path)

    sheet_type, sheet_target = relations.get(found["sheet"] or "", ("", ""))
    if not sheet_type.endswith("/worksheet"):
        raise _unreadable()
    others = {
        kind: part(target)
        for kind_type, target in relations.values()
        for kind in ("sharedStrings", "styles")
        if kind_type == _RELATION + kind
    }
    return part(sheet_target), others, found["date1904"]


def _own_package(archive: zipfile.ZipFile, out: zipfile.ZipFile, limits: Limits) -> None:
    """Scan the parts the reader needs and copy each, as scanned, into ``out``."""
    sheet, others, date1904 = _workbook_parts(archive, limits)
    budget = 4 * limits.cells + 100_000  # a cell's element and its value's few
    bounds = _SheetBounds(limits)
    relations = ['<Relationship Id="rId1" Type="' + _RELATION + 'worksheet" '
                 'Target="worksheets/sheet1.xml"/>']  # fmt: skip
    try:
        _scan(archive, sheet, bounds, limits, budget, out, "xl/worksheets/sheet1.xml")
        if "sharedStrings" in others:
            strings = _Strings(limits)
            _scan(archive, others["sharedStrings"], strings, limits, budget, out,
                  "xl/sharedStrings.xml")  # fmt: skip
            relations.append(f'<Relationship Id="rId2" Type="{_RELATION}sharedStrings" '
                             'Target="sharedStrings.xml"/>')  # fmt: skip
        if "styles" in others:
            styles = _Styles(limits)
            _scan(archive, others["styles"], styles, limits, 20 * limits.styles, out,
                  "xl/styles.xml")  # fmt: skip
            relations.append(f'<Relationship Id="rId3" Type="{_RELATION}styles" '
                             'Target="styles.xml"/>')  # fmt: skip
    except KeyError:  # a part the workbook names is not in the file
        raise _unreadable() from None
    for name, text in _PACKAGE.items():
        out.writestr(name, text)
    out.writestr(
        "xl/workbook.xml",
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
        'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument'
        f'/2006/relationships"><workbookPr date1904="{int(date1904)}"/><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    )
    out.writestr(
        "xl/_rels/workbook.xml.rels",
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        f'openxmlformats.org/package/2006/relationships">{"".join(relations)}</Relationships>',
    )


def read_xlsx(data: bytes, limits: Limits) -> list[list]:
    """The first sheet's rows (cells as python-calamine gives them), or Invalid saying why not."""
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as checked:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                _check_archive(archive, limits)
                with zipfile.ZipFile(checked, "w", zipfile.ZIP_STORED) as out:
                    _own_package(archive, out, limits)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError):
            raise _unreadable() from None  # damaged, encrypted or an unknown compression
        checked.flush()
        try:
            workbook = CalamineWorkbook.from_path(checked.name)
            try:
                return workbook.get_sheet_by_index(0).to_python()
            finally:
                workbook.close()
        except Exception:  # python-calamine raises several kinds for what it cannot read
            raise _unreadable() from None
