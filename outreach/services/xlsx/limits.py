"""What an uploaded table may hold, and the messages that say which bound a file passed."""

from __future__ import annotations

from dataclasses import dataclass

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


def too_much_text() -> Invalid:
    return Invalid(
        N_(
            "The workbook holds far more text than its first sheet uses (other sheets?): save "
            "the sheet to import on its own, as .xlsx or CSV."
        )
    )


def too_long(limits: Limits) -> Invalid:
    return Invalid(
        N_("A cell of the file holds more than %(n)s characters."), n=Count(limits.cell_chars)
    )


def unreadable() -> Invalid:
    return Invalid(N_("This file is not a readable Excel (.xlsx) file."))


def not_a_spreadsheet() -> Invalid:
    return Invalid(
        N_(
            "The file is built in a way that Excel never saves a spreadsheet (nested too deep, "
            "too many parts or styles, or declarations of its own): save it again from your "
            "spreadsheet program as .xlsx."
        )
    )
