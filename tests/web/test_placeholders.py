"""A placeholder is an example, never a value: every one on every page reads "mis. …", and the
style sheet shows them lighter than typed text and in italics (yet readable, 3:1 at least). The
one placeholder that is no example is the masked NIK on file in a request's change form: what
leaving its empty NIK field keeps."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from tests.conftest import PASSWORD
from tests.web.world import every_page

CSS = Path(__file__).resolve().parents[2] / "outreach" / "static" / "css" / "app.css"
EXAMPLE = re.compile(r"^(mis\.|misalnya) ")
NIK_ON_FILE = re.compile(r"^[0-9]{6}\*{10}$")  # the change form's NIK: the region only


def placeholders(html: str) -> list[str]:
    return [unescape(value) for value in re.findall(r'placeholder="([^"]*)"', html)]


def test_every_placeholder_on_every_page_reads_as_an_example(app, client, world):
    seen, wrong = [], []
    for visitor in ("coordinator", "admin"):
        for endpoint, response in every_page(app, client, world, visitor):
            if response.mimetype == "text/html":
                found = placeholders(response.get_data(as_text=True))
                seen += found
                wrong += [
                    f"{endpoint}: {text!r}"
                    for text in found
                    if not EXAMPLE.match(text)
                    and not (endpoint == "residents.edit" and NIK_ON_FILE.match(text))
                ]
    assert len(seen) >= 8  # the forms of teams, schools, residents, closures, coverage…
    assert not wrong, "\n".join(wrong)


def test_the_kecamatan_code_input_shows_an_example(app, client, world, monkeypatch):
    """Where there are too many kecamatan to list, the code is asked for: "mis. 17.71.01"."""
    monkeypatch.setattr("outreach.web.choices.KECAMATAN_LISTED", 0)
    user = world["users"]["coordinator"]
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    for url in ("/schools", "/visits"):
        assert "mis. 17.71.01" in placeholders(client.get(url).get_data(as_text=True)), url


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    lighter, darker = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_placeholders_are_lighter_and_italic_but_readable():
    rule = re.search(r"\.form-control::placeholder\s*\{([^}]*)\}", CSS.read_text()).group(1)
    assert "font-style: italic" in rule
    colour = re.search(r"color:\s*(#[0-9a-fA-F]{6})", rule).group(1)
    typed = "#212529"  # Bootstrap's body text, what a filled field shows
    assert contrast(colour, "#ffffff") >= 3.0  # readable on a field
    assert contrast(colour, "#e9ecef") >= 3.0  # and on a disabled one
    assert contrast(typed, "#ffffff") - contrast(colour, "#ffffff") > 8  # clearly lighter
