"""Lines of typed text: what every name, reason and short text field is cleaned with before it is
checked or stored, so a rule about typed text (spacing today, control characters tomorrow) is
written once."""

from __future__ import annotations

import re

# Control characters (NUL, BEL, ESC …; tabs and line breaks are whitespace, below) and the
# bidirectional embeddings, overrides and isolates, which reorder what is shown after them.
# Neither has a place in a typed line, and a control character breaks a spreadsheet export.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_line(text: object | None) -> str:
    """One line: control characters and bidirectional overrides taken out, runs of whitespace
    — spaces, tabs, line breaks, no-break spaces — made one space, and none left at either end.
    None is the empty line."""
    if text is None:
        return ""
    return " ".join(_INVISIBLE.sub("", str(text)).split())
