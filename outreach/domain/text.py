"""Typed text: what every form field, liaison answer and import cell is cleaned with before it
is checked or stored, so the rule about characters is written once (docs/SECURITY.md, "Text is
text").

Taken out, silently — no one sees them, so no one could be told which to remove, and they
come in with pasted text (WhatsApp, Word, web pages):
- control characters: C0 (a tab and the line breaks are spacing, below), DEL and C1;
- the bidirectional marks, embeddings, overrides and isolates (U+200E/F, U+061C, U+202A–E,
  U+2066–9), which reorder what is shown after them ("Trojan source");
- the zero-width and other invisible format characters: zero-width space, word joiner and the
  invisible operators, the byte-order mark, soft hyphen, Mongolian vowel separator, the
  interlinear annotation marks, the tag characters (hidden text), the Hangul fillers used as
  blank names, noncharacters and lone surrogates (neither is text: a database or a workbook
  refuses them).
- The zero-width joiner and non-joiner stay where a script or an emoji uses them, between two
  visible characters; at the ends of a word, doubled or beside a space they are taken out.

Refused: NUL (``has_nul``). No keyboard types it; it comes from a tampered request or a damaged
file (or a file in another encoding), and removing it would pass off as text something that was
not meant as such. PostgreSQL cannot store it.

A line (``clean_line``: names, reasons, every single-line field and every import cell) has its
tabs, line breaks and runs of spaces made one space and none at either end, so a name never
breaks a CSV row or a log line. A text (``clean_text``: a textarea such as an address) keeps
its line breaks (as ``\\n``) and tabs."""

from __future__ import annotations

import re

# Spacing that ends or separates lines: one space in a line, a line break in a text.
_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
_CONTROL = "\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f"
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_FORMAT = (
    "\u00ad\u180e\u200b\u2060-\u2064\ufeff\ufff9-\ufffb"  # soft hyphen … annotation marks
    "\u3164\uffa0"  # Hangul fillers
    "\U000e0000-\U000e007f"  # tags
    "\ufdd0-\ufdef\ufffe\uffff"  # noncharacters
    "\ud800-\udfff"  # lone surrogates (only a JSON escape or a broken file carries one)
)
_INVISIBLE = re.compile(f"[{_CONTROL}{_BIDI}{_FORMAT}]")
_JOINERS = "\u200c\u200d"
# A joiner stays only between two visible characters, one at a time.
_LOOSE_JOINER = re.compile(
    f"(?<=[{_JOINERS}])[{_JOINERS}]+|(?<!\\S)[{_JOINERS}]+|[{_JOINERS}]+(?!\\S)"
)
# Everything clean text never holds, for checks and tests (a lone joiner aside).
UNWANTED = re.compile(f"[{_CONTROL}{_BIDI}{_FORMAT}\x0b\x0c\x85\u2028\u2029\r]")


def _visible(text: str) -> str:
    return _LOOSE_JOINER.sub("", _INVISIBLE.sub("", text))


def clean_line(text: object | None) -> str:
    """One line: the invisible characters above taken out, runs of whitespace — spaces, tabs,
    line breaks, no-break spaces — made one space, and none left at either end. None is the
    empty line."""
    if text is None:
        return ""
    return " ".join(_visible(str(text)).split())


def clean_text(text: object | None) -> str:
    """Lines of text (a textarea): as ``clean_line`` but its line breaks (any kind, made
    ``\\n``) and tabs kept; spaces at the end of each line and at either end of the text
    dropped. None is the empty text."""
    if text is None:
        return ""
    lines = _BREAKS.sub("\n", _visible(str(text))).split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def has_nul(text: object | None) -> bool:
    """Whether ``text`` holds a NUL, which is refused rather than taken out."""
    return isinstance(text, str) and "\x00" in text


_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def is_token(text: object) -> bool:
    """Whether ``text`` could be a token the app made (``secrets.token_urlsafe``: an upload's,
    a calendar feed's): anything else names no record and is not looked up (a NUL in a URL
    made PostgreSQL fail)."""
    return isinstance(text, str) and _TOKEN.fullmatch(text) is not None
