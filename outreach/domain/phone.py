"""Indonesian phone numbers, as liaison officers and residents give them, normalised to +62…."""

from __future__ import annotations

import re

from outreach.domain.problems import N_, Invalid

_SEPARATORS = re.compile(r"[\s\-.()/]")
# After the country code a mobile number is 8 followed by 8 to 11 digits (0812-3456-789…);
# a landline is an area code (21 Jakarta … 736 Bengkulu, 901 Jayapura) and a local number.
_MOBILE = re.compile(r"^8\d{8,11}$")
_LANDLINE = re.compile(r"^[2-79]\d{7,9}$")


def normalise_phone(raw: str, *, landline: bool = False) -> str:
    """ "0812 3456 7890", "62812…", "+62 812-3456-7890" → "+6281234567890"; else Invalid.

    With ``landline`` a fixed line such as "(0736) 21234" is accepted too (a resident's home).
    """
    text = _SEPARATORS.sub("", (raw or "").strip())
    if text.startswith("+62"):
        national = text[3:]
    elif text.startswith("62"):
        national = text[2:]
    elif text.startswith("0"):
        national = text[1:]
    elif text.startswith("8"):
        national = text  # spreadsheets drop the leading zero of 0812…
    else:
        national = ""
    if national.startswith("0"):
        national = national[1:]  # "+62 0812…" is a common slip
    if national.isascii() and _MOBILE.match(national):
        return "+62" + national
    if landline and national.isascii() and _LANDLINE.match(national):
        return "+62" + national
    if landline:
        raise Invalid(N_("Enter an Indonesian phone number such as 0812 3456 7890 or 0736 21234."))
    raise Invalid(N_("Enter an Indonesian mobile number such as 0812 3456 7890."))


def display_phone(normalised: str | None) -> str:
    """ "+6281234567890" → "0812-3456-7890", the way people read numbers aloud."""
    if not normalised:
        return ""
    local = "0" + normalised.removeprefix("+62")
    if not local.startswith("08"):
        return local  # a landline: the area code's length varies, so no grouping
    groups = [local[:4], local[4:8], local[8:]]
    return "-".join(group for group in groups if group)


def whatsapp_number(normalised: str) -> str:
    """The digits wa.me expects: "6281234567890"."""
    return normalised.removeprefix("+")
