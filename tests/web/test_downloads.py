"""Every download names its content type, and its charset once: "text/csv; charset=utf-8",
never "text/csv; charset=utf-8; charset=utf-8" (which a strict client may refuse or misread)."""

from __future__ import annotations

from flask import url_for

from outreach.spreadsheets import XLSX
from tests.conftest import PASSWORD
from tests.web.world import address, every_page

EXPECTED = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX, "ics": "text/calendar; charset=utf-8"}


def downloads(app, world) -> list[tuple[str, str]]:
    """(url, extension) of every route that answers with a file, in each of its formats."""
    found = []
    for rule in app.url_map.iter_rules():
        if "extension" in rule.arguments:
            with app.test_request_context():
                found += [
                    (url_for(rule.endpoint, extension=extension), extension)
                    for extension in sorted(rule._converters["extension"].items)
                ]
        elif rule.rule.endswith(".ics"):
            found.append((address(app, world, rule.endpoint), "ics"))
    return sorted(found)


def test_every_download_names_its_content_type_with_one_charset(app, client, world):
    files = downloads(app, world)
    assert len(files) >= 12  # exports and import templates in CSV and XLSX, the two feeds
    user = world["users"]["coordinator"]
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    wrong = []
    for url, extension in files:
        response = client.get(url)
        assert response.status_code == 200, url
        if response.headers["Content-Type"] != EXPECTED[extension]:
            wrong.append(f"{url}: {response.headers['Content-Type']!r}")
        response.close()
    assert not wrong, "\n".join(wrong)


def test_no_answer_of_any_page_names_its_charset_twice(app, client, world):
    for visitor in ("admin", "coordinator", "officer_a", "liaison_x"):
        for endpoint, response in every_page(app, client, world, visitor):
            content_type = response.headers.get("Content-Type", "")
            assert content_type.count("charset") <= 1, (visitor, endpoint, content_type)
