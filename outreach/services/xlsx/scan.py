"""The bounded XML scan of one part of a workbook: no DTD, limited depth and elements, and what
each part may hold (the sheet's cells, rows, columns and characters; shared strings; styles),
copied as it is scanned."""

from __future__ import annotations

from xml.parsers import expat

from outreach.services.xlsx.limits import (
    Limits,
    not_a_spreadsheet,
    too_long,
    too_many_cells,
    too_many_columns,
    too_many_rows,
    too_much_text,
    unreadable,
)


def local(name: str) -> str:
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


class Watch:
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
                raise not_a_spreadsheet()
            on_start(tag if ":" not in tag else local(tag), attrs, parser)

        def end(tag: str) -> None:
            state[0] -= 1
            on_end(tag if ":" not in tag else local(tag), parser)

        return start, end, lambda _size: None


def scan(archive, name: str, watch: Watch, limits: Limits, budget: int, out=None, copy_as=""):
    """One XML part through expat as a stream: no DOCTYPE (so no entity of its own, no billion
    laughs, nothing external), at most ``limits.depth`` deep and ``budget`` elements, and what
    ``watch`` checks; copied as it is read to ``copy_as`` in ``out``."""
    parser = expat.ParserCreate()

    def doctype(*_args):
        raise not_a_spreadsheet()

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
        raise unreadable() from None
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
            raise unreadable()
        column = _column_number(letters)
    return (int(digits) if len(digits) < 10 else 10**10), column


class SheetBounds(Watch):
    """The first sheet's rows, cells, area (from A1 to its last cell) and characters per cell,
    as the scan meets them; rows and cells without a reference counted where a reader puts
    them. One pair of callbacks with everything inline: they run for every element of a
    national file (five million)."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.cells = 0  # the sheet's cell elements, once scanned

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
                raise not_a_spreadsheet()
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
            self.cells = cells

        return start, end, finish


# Shared strings beyond the first sheet's cells that a workbook may hold (its other sheets').
SPARE_STRINGS = 10_000


class Strings(Watch):
    """The shared strings: at most one per cell of the sheet read (and SPARE_STRINGS more, for
    a small sheet beside it), each at most ``cell_chars`` long — so that a table of millions of
    strings behind a sheet of a few cells costs nothing to refuse."""

    def __init__(self, limits: Limits, sheet_cells: int):
        self.limits, self.count, self.at = limits, 0, 0
        self.most = min(limits.cells, sheet_cells + SPARE_STRINGS)
        self.span = 4 * limits.cell_chars + 1024

    def start(self, name: str, _attrs: dict, parser) -> None:
        if name == "si":
            self.count += 1
            if self.count > self.most:
                raise (
                    too_much_text()
                    if self.most < self.limits.cells
                    else too_many_cells(self.limits)
                )
            self.at = parser.CurrentByteIndex

    def end(self, name: str, parser) -> None:
        if name == "si" and parser.CurrentByteIndex - self.at > self.span:
            raise too_long(self.limits)


class Styles(Watch):
    def __init__(self, limits: Limits):
        self.limits, self.count = limits, 0

    def start(self, name: str, _attrs: dict, _parser) -> None:
        if name in ("xf", "numFmt"):
            self.count += 1
            if self.count > self.limits.styles:
                raise not_a_spreadsheet()
