"""Plain values typed into forms or cells: whole numbers, coordinates, e-mail addresses."""

from __future__ import annotations

import re
from datetime import date, datetime

from outreach.domain.problems import N_, Invalid

# Indonesia's extent with a margin: catches swapped latitude and longitude.
INDONESIA_LAT = (-11.5, 6.5)
INDONESIA_LNG = (94.5, 141.5)

# An address as mail servers take it: the local part of letters, digits and the signs RFC 5322
# allows unquoted; a domain of labels (letters, digits, inner hyphens) ending in a name of letters.
_EMAIL = re.compile(
    r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)
_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")
_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")


def parse_whole_number(raw: object, *, maximum: int = 1_000_000) -> int:
    """A whole number 0..maximum, from text such as "120" or a spreadsheet's 120.0."""
    if isinstance(raw, bool):
        raise Invalid(N_("Enter a whole number of 0 or more."))
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, int):
        value = raw
    else:
        text = str(raw).strip()
        if _THOUSANDS.match(text):  # "1.200": Indonesian thousands separator
            text = text.replace(".", "")
        if not (text.isascii() and text.isdigit()):
            raise Invalid(N_("Enter a whole number of 0 or more."))
        value = int(text)
    if value < 0:
        raise Invalid(N_("Enter a whole number of 0 or more."))
    if value > maximum:
        raise Invalid(N_("Enter a number no larger than %(maximum)d."), maximum=maximum)
    return value


def parse_decimal(raw: object) -> float:
    """A decimal number written with a dot or a comma ("-3.8452" or "-3,8452")."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw)
    text = str(raw).strip().replace(" ", "")
    if not _NUMBER.match(text):
        raise Invalid(N_("Enter a number such as -3.8452."))
    return float(text.replace(",", "."))


def check_coordinates(lat: float, lng: float) -> tuple[float, float]:
    """Refuse coordinates off the globe, or outside Indonesia (usually swapped)."""
    if _in_indonesia(lng, lat) and not _in_indonesia(lat, lng):
        raise Invalid(
            N_("This point is outside Indonesia. Are latitude and longitude the wrong way round?")
        )
    if not -90 <= lat <= 90:
        raise Invalid(N_("The latitude must be between -90 and 90."))
    if not -180 <= lng <= 180:
        raise Invalid(N_("The longitude must be between -180 and 180."))
    if not _in_indonesia(lat, lng):
        raise Invalid(
            N_("This point is outside Indonesia. Are latitude and longitude the wrong way round?")
        )
    return round(lat, 6), round(lng, 6)


def _in_indonesia(lat: float, lng: float) -> bool:
    return (
        INDONESIA_LAT[0] <= lat <= INDONESIA_LAT[1] and INDONESIA_LNG[0] <= lng <= INDONESIA_LNG[1]
    )


def parse_coordinates(raw: str) -> tuple[float, float]:
    """A point pasted from a map app: "-3.8452, 102.3204" (also with semicolon or spaces)."""
    text = (raw or "").strip().strip("()")
    parts = [part for part in re.split(r"\s*[;,]\s*|\s+", text) if part]
    if len(parts) == 4 and all(p.lstrip("+-").isdigit() for p in parts):
        # "-3,8452, 102,3204": decimal commas split into four pieces
        parts = [f"{parts[0]}.{parts[1]}", f"{parts[2]}.{parts[3]}"]
    if len(parts) != 2:
        raise Invalid(
            N_("Enter latitude and longitude separated by a comma, e.g. -3.8452, 102.3204.")
        )
    try:
        lat, lng = parse_decimal(parts[0]), parse_decimal(parts[1])
    except Invalid:
        raise Invalid(
            N_("Enter latitude and longitude separated by a comma, e.g. -3.8452, 102.3204.")
        ) from None
    return check_coordinates(lat, lng)


def clean_email(raw: str) -> str:
    """An e-mail address, lower-cased; refused unless it reads as one (nama@sekolah.sch.id)."""
    text = (raw or "").strip().lower()
    if len(text) > 254 or not _EMAIL.fullmatch(text):
        raise Invalid(N_("Enter an e-mail address such as nama@sekolah.sch.id."))
    return text


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("januari", "january", "jan"),
            ("februari", "february", "feb", "pebruari"),
            ("maret", "march", "mar"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("agustus", "august", "agu", "agt", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nov", "nop", "nopember"),
            ("desember", "december", "des", "dec"),
        ),
        start=1,
    )
    for name in names
}


def parse_date(raw: object) -> date:
    """A date as offices write it: 2026-08-17, 17-08-2026, 17/08/2026, 17.08.2026, 17 Agustus
    2026, or a spreadsheet's date cell. Day first: Indonesia never writes month first."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw or "").strip().lower()
    try:
        if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
            year, month, day = (int(part) for part in match.groups())
        elif match := re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text):
            day, month, year = (int(part) for part in match.groups())
        elif match := re.fullmatch(r"(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})", text):
            day, year = int(match.group(1)), int(match.group(3))
            month = _MONTHS[match.group(2)]
        else:
            raise ValueError(text)
        return date(year, month, day)
    except (ValueError, KeyError):
        raise Invalid(N_("Write the date as 17-08-2026.")) from None
