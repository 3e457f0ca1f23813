"""Reading an uploaded XLSX within bounds. Neither reader bounds itself (docs/SECURITY.md): so
every part the reader will see — the first sheet, its shared strings and styles — is first
streamed through a strict, bounded XML scan (no DTD, limited depth, elements, cells, rows,
columns, characters per cell), copied as it is scanned into a package of our own, and only that
package is handed to python-calamine, which never sees a byte that was not checked."""

from outreach.services.xlsx.limits import (
    Limits,
    too_long,
    too_many_cells,
    too_many_columns,
    too_many_rows,
)
from outreach.services.xlsx.package import read_xlsx

__all__ = [
    "Limits",
    "read_xlsx",
    "too_long",
    "too_many_cells",
    "too_many_columns",
    "too_many_rows",
]
