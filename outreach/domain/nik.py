"""The NIK (Nomor Induk Kependudukan): 16 digits PP KK CC DD MM YY SSSS.

PPKKCC is the kecamatan where the NIK was *first* registered (not where the person lives now);
DD is the birth day, plus 40 for women; MMYY the birth month and year; SSSS a serial from 0001.
The digits may differ from the recorded birth date: a NIK is never reissued to match a
corrected date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from outreach.domain.problems import N_, Invalid

# Kemendagri province codes: the 38 provinces of today. A NIK issued before a province was
# split carries its parent's code (64 for Kalimantan Utara before 2012, 91/92 for the Papua
# provinces formed in 2022), and those parents are all still here.
PROVINCES = {
    "11": "Aceh", "12": "Sumatera Utara", "13": "Sumatera Barat", "14": "Riau", "15": "Jambi",
    "16": "Sumatera Selatan", "17": "Bengkulu", "18": "Lampung",
    "19": "Kepulauan Bangka Belitung", "21": "Kepulauan Riau", "31": "DKI Jakarta",
    "32": "Jawa Barat", "33": "Jawa Tengah", "34": "DI Yogyakarta", "35": "Jawa Timur",
    "36": "Banten", "51": "Bali", "52": "Nusa Tenggara Barat", "53": "Nusa Tenggara Timur",
    "61": "Kalimantan Barat", "62": "Kalimantan Tengah", "63": "Kalimantan Selatan",
    "64": "Kalimantan Timur", "65": "Kalimantan Utara", "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah", "73": "Sulawesi Selatan", "74": "Sulawesi Tenggara",
    "75": "Gorontalo", "76": "Sulawesi Barat", "81": "Maluku", "82": "Maluku Utara",
    "91": "Papua", "92": "Papua Barat", "93": "Papua Selatan", "94": "Papua Tengah",
    "95": "Papua Pegunungan", "96": "Papua Barat Daya",
}  # fmt: skip

FEMALE_DAY_OFFSET = 40
_SEPARATORS = re.compile(r"[\s.\-]")
_SCIENTIFIC = re.compile(r"^\d([.,]\d+)?[eE]\+?\d+$")


@dataclass(frozen=True)
class NikInfo:
    nik: str
    region_code: str  # "17.71.01": the kecamatan of first registration
    sex: str  # "m" or "f"
    birth_on: date
    serial: str

    @property
    def province(self) -> str:
        return PROVINCES[self.nik[:2]]


def clean_nik(raw: object) -> str:
    """The 16 digits of a NIK written with spaces, dots or dashes; Invalid otherwise.

    A NIK that reached us as a number (Excel turns 1771014203480003 into 1.77101E+15 and
    drops digits) is refused with that reason, never repaired by guessing.
    """
    if isinstance(raw, float) or (isinstance(raw, int) and not isinstance(raw, bool)):
        raise Invalid(
            N_(
                "This NIK was stored as a number and may have lost digits: format the column "
                "as text and copy the NIK again."
            )
        )
    text = str(raw or "").strip()
    if _SCIENTIFIC.match(text):
        raise Invalid(
            N_(
                "This NIK (%(value)s) was turned into a number by a spreadsheet and lost digits: "
                "format the column as text and copy the NIK again."
            ),
            value=text,
        )
    digits = _SEPARATORS.sub("", text)
    if not digits:
        raise Invalid(N_("Enter the NIK."))
    if not (digits.isascii() and digits.isdigit()):
        raise Invalid(N_("A NIK has only digits."))
    if len(digits) != 16:
        raise Invalid(N_("A NIK has exactly 16 digits; this one has %(n)d."), n=len(digits))
    return digits


def _century_year(two_digits: int, month: int, day: int, on: date, hint: date | None) -> int:
    """The birth year: the century of ``hint`` when it agrees, else the latest not after ``on``.

    A student born in 2009 is 2009, not 1909; a 101-year-old (19YY with YY this year or last)
    needs the recorded birth date as ``hint``.
    """
    candidates = []
    for century in (2000, 1900):
        try:
            born = date(century + two_digits, month, day)
        except ValueError:
            continue
        if born <= on:
            candidates.append(born)
    if not candidates:
        raise Invalid(N_("The birth date in the NIK is not a real date."))
    if hint is not None:
        for born in candidates:
            if born.year == hint.year:
                return born.year
    return candidates[0].year


def parse_nik(raw: object, *, on: date, birth_hint: date | None = None) -> NikInfo:
    """Check a NIK and read its region, sex and birth date, with ``on`` as today."""
    nik = clean_nik(raw)
    if nik[:2] not in PROVINCES:
        raise Invalid(N_("A NIK starts with a province code; %(code)s is none."), code=nik[:2])
    day_field, month, two_digits = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if 1 <= day_field <= 31:
        sex, day = "m", day_field
    elif FEMALE_DAY_OFFSET + 1 <= day_field <= FEMALE_DAY_OFFSET + 31:
        sex, day = "f", day_field - FEMALE_DAY_OFFSET
    else:
        raise Invalid(
            N_(
                "Digits 7–8 of a NIK are the birth day: 01–31 for men, 41–71 for women; "
                "%(value)s is neither."
            ),
            value=nik[6:8],
        )
    if not 1 <= month <= 12:
        raise Invalid(
            N_("Digits 9–10 of a NIK are the birth month; %(value)s is none."), value=nik[8:10]
        )
    if nik[12:] == "0000":
        raise Invalid(N_("The last four digits of a NIK are never 0000."))
    year = _century_year(two_digits, month, day, on, birth_hint)
    try:
        birth_on = date(year, month, day)
    except ValueError:  # pragma: no cover - _century_year only returns real dates
        raise Invalid(N_("The birth date in the NIK is not a real date.")) from None
    region = f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}"
    return NikInfo(nik=nik, region_code=region, sex=sex, birth_on=birth_on, serial=nik[12:])


def build_nik(region: str, sex: str, birth_on: date, serial: int) -> str:
    """The NIK for these parts (tests and demo data): region "17.71.01", sex "m"/"f"."""
    day = birth_on.day + (FEMALE_DAY_OFFSET if sex == "f" else 0)
    return f"{region.replace('.', '')}{day:02d}{birth_on:%m%y}{serial:04d}"


def mask_nik(nik: str | None) -> str:
    """ "1771014203480003" → "177101**********": the region only.

    Every page that shows a NIK masked also shows the birth date and sex (digits 7–12) and the
    kecamatan of the address (most often digits 1–6), so the serial is the only part a reader
    does not already have: no digit of it is shown. Even its last digit would give most NIKs
    back — serials count from 0001 per kecamatan and birth date, so most are 0001–0009.
    """
    if not nik:
        return ""
    return nik[:6] + "*" * 10


# A NIK as people write it in text or a URL: sixteen digits (of any script: "١٧٧١…" too), with
# up to three separators between any two — spaces, dots, dashes of every kind, underscores, "+"
# and their URL escapes ("%20", "%2D") — so that "1771 - 0320 - 1136 - 0039",
# "1771–0320–1136–0039" and "1771+-+0320+-+1136+-+0039" are one NIK to every reader: the search
# boxes (nik_in), the request log (hide_niks) and the audit log (redact_niks). Lookarounds keep a
# longer number whole.
_DASHES = "\u2010-\u2015\u2212\ufe58\ufe63\uff0d"  # hyphen … horizontal bar, minus, small/wide
_GAP = rf"(?:[\s.\-{_DASHES}_+\uff0e]|%20|%2[bBdDeE]){{0,3}}"
_ESCAPE = re.compile(r"%2[0bBdDeE]")
_NIK_LIKE = re.compile(rf"(?<!\d)\d(?:{_GAP}\d){{15,}}(?!\d)")
NIK_REDACTED = "*" * 16


def _ascii_digits(text: str) -> str:
    """The digits of ``text`` as ASCII, whatever their script (a URL escape's are not)."""
    return "".join(str(int(ch)) for ch in _ESCAPE.sub("", text) if ch.isdecimal())


def nik_in(text: str | None) -> str | None:
    """The 16 digits of a NIK written in ``text`` (alone, however spaced, or inside other
    words), else None. Says nothing of whether the NIK is valid: a search box must not send
    even a mistyped one on."""
    if not text:
        return None
    found = _NIK_LIKE.search(text)
    return _ascii_digits(found.group())[:16] if found else None


def hide_niks(text: str, mark: str = "[NIK]") -> str:
    """``text`` with every run of 16 digits or more (a NIK, spaced or URL-encoded) as ``mark``."""
    return _NIK_LIKE.sub(mark, text)


def age_on(birth_on: date, on: date) -> int:
    """Whole years between ``birth_on`` and ``on``."""
    return on.year - birth_on.year - ((on.month, on.day) < (birth_on.month, birth_on.day))


def redact_niks(text: str) -> str:
    """``text`` with every run of digits that could be a NIK replaced by asterisks: what the
    audit log writes and shows of free text (a reason, a search, a username typed)."""
    return _NIK_LIKE.sub(NIK_REDACTED, text)
