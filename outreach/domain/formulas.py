"""Text that a spreadsheet program would run as a formula, made harmless in a CSV file, and
the mark taken off again when such a file comes back as an import.

Excel splits a CSV line on the list separator of the computer's region — ``;`` in Indonesia,
``,`` elsewhere — and a tool may split on a tab or a line break: so not only a cell but any
fragment after one of ``, ; tab CR LF`` may become a cell of its own. A fragment that, after
spaces and double quotes, begins with ``= + - @`` or a tab or CR would be read as a formula
("=HYPERLINK(…)", "@SUM(…)", "-2+3"). Each such fragment gets an apostrophe in front (OWASP's
advice for CSV injection); an apostrophe already there gets one more, so ``unmark`` gives back
exactly what ``mark`` was given. XLSX files need none of this: their text cells are typed as
text (outreach.spreadsheets).
"""

from __future__ import annotations

import re

SEPARATORS = ",;\t\r\n"
TRIGGERS = "=+-@\t\r"
# Where a fragment starts (the text's start or after a separator) and what follows it there:
# spaces of any kind (a no-break or ideographic space a textarea keeps) and quotes before it.
_DANGER = f"(?='*(?:[^\\S\\r\\n\\t]|\")*[{re.escape(TRIGGERS)}])"
_MARK = re.compile(f"(^|[{re.escape(SEPARATORS)}]){_DANGER}")
_MARKED = re.compile(f"(^|[{re.escape(SEPARATORS)}])'{_DANGER}")


def mark(text: str) -> str:
    """``text`` with an apostrophe before every fragment a spreadsheet would run as a formula."""
    return _MARK.sub(r"\1'", text)


def unmark(text: str) -> str:
    """The inverse of ``mark``: the apostrophe it put before each dangerous fragment taken off."""
    return _MARKED.sub(r"\1", text)
