"""Lines of typed text: what every name, reason and short text field is cleaned with before it is
checked or stored, so a rule about typed text (spacing today, control characters tomorrow) is
written once."""

from __future__ import annotations


def clean_line(text: object | None) -> str:
    """One line: runs of whitespace — spaces, tabs, line breaks, no-break spaces — become one
    space, and none is left at either end. None is the empty line."""
    if text is None:
        return ""
    return " ".join(str(text).split())
