"""Answers every area gives the same way: a spreadsheet download, and links that keep the
current query string."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flask import Response, request, url_for
from werkzeug.datastructures import MultiDict

from outreach.spreadsheets import MIMETYPES, XLSX, Sheet, csv_bytes, workbook_bytes, xlsx_bytes


def spreadsheet_download(
    headings: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    extension: str,
    stem: str,
    title: str,
    widths: dict[str, int] | None = None,
) -> Response:
    """``stem``.csv (UTF-8 with BOM) or ``stem``.xlsx as an attachment."""
    if extension == "csv":
        body = csv_bytes(headings, rows)
    else:
        body = xlsx_bytes(headings, rows, title=title, widths=widths)
    return attachment(body, MIMETYPES[extension], f"{stem}.{extension}")


def workbook_download(sheets: Sequence[Sheet], *, stem: str) -> Response:
    """``stem``.xlsx with several sheets, as an attachment."""
    return attachment(workbook_bytes(sheets), XLSX, f"{stem}.xlsx")


def attachment(body: bytes, content_type: str, filename: str) -> Response:
    """``body`` as the file ``filename``, its ``content_type`` sent as given: given as a
    mimetype, Werkzeug would add a second charset to "text/csv; charset=utf-8"."""
    return Response(
        body,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def url_with(endpoint: str, **changes: str | None) -> str:
    """This request's query string with ``changes`` applied (None removes an argument)."""
    args = MultiDict(request.args)
    for key, value in changes.items():
        args.setlist(key, [value] if value is not None else [])
    values = {key: items[0] if len(items) == 1 else items for key, items in args.lists()}
    return url_for(endpoint, **values)
