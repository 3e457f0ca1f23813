"""A workbook made our own: the parts python-calamine will read — the first sheet, its shared
strings and styles — each scanned (``scan``) and copied into a package of ours, which is then
read."""

from __future__ import annotations

import io
import posixpath
import tempfile
import zipfile

from python_calamine import CalamineWorkbook

from outreach.domain.problems import N_, Invalid
from outreach.services.xlsx.limits import MB, Limits, not_a_spreadsheet, unreadable
from outreach.services.xlsx.scan import SheetBounds, Strings, Styles, Watch, local, scan

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


def _check_archive(archive: zipfile.ZipFile, limits: Limits) -> None:
    members = archive.infolist()
    names = [info.filename for info in members]
    if len(members) > 10_000 or len(set(names)) != len(names):
        raise not_a_spreadsheet()
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
            found["sheet"] = next((v for k, v in attrs.items() if local(k) == "id"), None)
        elif name == "workbookPr":
            found["date1904"] = attrs.get("date1904", "").lower() in ("1", "true")

    relations: dict[str, tuple[str, str]] = {}

    def rels(name, attrs, _parser):
        if name == "Relationship":
            relations[attrs.get("Id", "")] = (attrs.get("Type", ""), attrs.get("Target", ""))

    try:
        scan(archive, "xl/workbook.xml", Watch(workbook), limits, 10_000)
        scan(archive, "xl/_rels/workbook.xml.rels", Watch(rels), limits, 10_000)
    except KeyError:
        raise unreadable() from None

    def part(target: str) -> str:
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        return posixpath.normpath(path)

    sheet_type, sheet_target = relations.get(found["sheet"] or "", ("", ""))
    if not sheet_type.endswith("/worksheet"):
        raise unreadable()
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
    bounds = SheetBounds(limits)
    relations = ['<Relationship Id="rId1" Type="' + _RELATION + 'worksheet" '
                 'Target="worksheets/sheet1.xml"/>']  # fmt: skip
    try:
        scan(archive, sheet, bounds, limits, budget, out, "xl/worksheets/sheet1.xml")
        if "sharedStrings" in others:
            strings = Strings(limits, bounds.cells)
            # <si><t>…</t></si>, or a few runs of rich text: elements in proportion to strings
            text_budget = min(budget, 16 * strings.most + 100_000)
            scan(archive, others["sharedStrings"], strings, limits, text_budget, out,
                  "xl/sharedStrings.xml")  # fmt: skip
            relations.append(f'<Relationship Id="rId2" Type="{_RELATION}sharedStrings" '
                             'Target="sharedStrings.xml"/>')  # fmt: skip
        if "styles" in others:
            styles = Styles(limits)
            scan(archive, others["styles"], styles, limits, 20 * limits.styles, out,
                  "xl/styles.xml")  # fmt: skip
            relations.append(f'<Relationship Id="rId3" Type="{_RELATION}styles" '
                             'Target="styles.xml"/>')  # fmt: skip
    except KeyError:  # a part the workbook names is not in the file
        raise unreadable() from None
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
            raise unreadable() from None  # damaged, encrypted or an unknown compression
        checked.flush()
        try:
            workbook = CalamineWorkbook.from_path(checked.name)
            try:
                return workbook.get_sheet_by_index(0).to_python()
            finally:
                workbook.close()
        except Exception:  # python-calamine raises several kinds for what it cannot read
            raise unreadable() from None
