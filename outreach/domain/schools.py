"""School identity: the NPSN, and the level and status a name or a listing column implies."""

from __future__ import annotations

import re

from outreach.domain.problems import N_, Invalid


def clean_npsn(raw: object) -> str:
    """Exactly 8 digits. Spreadsheets may hand over a number (10702414 or 10702414.0)."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = re.sub(r"\s", "", str(raw if raw is not None else ""))
    if not text:
        raise Invalid(N_("Enter the NPSN."))
    if not (text.isascii() and text.isdigit() and len(text) == 8):
        raise Invalid(N_("An NPSN has exactly 8 digits."))
    return text


def _letters(text: str) -> str:
    return re.sub(r"[^A-Z]", "", text.upper())


def level_from_listing(raw: str) -> str | None:
    """The level named by a "Bentuk/Jenjang" cell (SMA, SMK, MA, SLB, SMALB, "SMA (Sekolah
    Rakyat)", "Madrasah Aliyah"…); None when the cell is empty or names no known level."""
    text = _letters(raw or "")
    if not text:
        return None
    if text in ("SLB", "SMALB", "SMLB", "SDLB") or "LUARBIASA" in text:
        return "slb"
    if text.startswith("SMK") or "KEJURUAN" in text:
        return "smk"
    if text.startswith("SMA") or text.startswith("SPKSMA") or "MENENGAHATAS" in text:
        return "sma"
    if text in ("MA", "MAK", "MAN", "MAS") or "ALIYAH" in text:
        return "ma"
    if text in ("OTHER", "LAINNYA", "LAIN"):
        return "other"
    return None


def level_from_name(name: str) -> str | None:
    """The level a school's name implies: SMAN/SMAS → SMA, SMKN/SMKS → SMK, MAN/MAS → MA, SLB."""
    words = re.findall(r"[A-Z]+", (name or "").upper())
    if not words:
        return None
    first = words[0]
    if first.startswith("SLB") or first == "SMALB" or "LUAR BIASA" in " ".join(words):
        return "slb"
    if first.startswith("SMK"):
        return "smk"
    if first.startswith("SMA"):
        return "sma"  # SMA, SMAN, SMAS, SMAIT
    if first in ("MA", "MAN", "MAS", "MAK"):
        return "ma"
    phrase = " ".join(words)
    for words_of_level, level in (
        ("MADRASAH ALIYAH", "ma"),
        ("MENENGAH KEJURUAN", "smk"),
        ("MENENGAH ATAS", "sma"),
    ):
        if words_of_level in phrase:
            return level
    return None


def status_from_listing(raw: str) -> str | None:
    """ "NEGERI"/"Swasta"/"N"/"S" → negeri/swasta; None when empty; Invalid otherwise."""
    text = _letters(raw or "")
    if not text:
        return None
    if text in ("NEGERI", "N"):
        return "negeri"
    if text in ("SWASTA", "S"):
        return "swasta"
    raise Invalid(N_("The status is either negeri or swasta."))


def status_from_name(name: str) -> str | None:
    """SMAN/SMKN/MAN or "Negeri" in the name → negeri; SMAS/SMKS/MAS or "Swasta" → swasta."""
    words = re.findall(r"[A-Z]+", (name or "").upper())
    if not words:
        return None
    if "NEGERI" in words or words[0] in ("SMAN", "SMKN", "MAN", "SLBN"):
        return "negeri"
    if "SWASTA" in words or words[0] in ("SMAS", "SMKS", "MAS", "SLBS"):
        return "swasta"
    return None
