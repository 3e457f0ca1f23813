"""The NIK promise: no page, form, export, log line or URL lets anyone rebuild a full NIK
without the audited "show the full NIK". Every page a resident appears on is read as each
kind of user for a resident whose NIK is known; NIKs typed into search boxes are followed
into the answer, its redirect, the audit log and the server's request log; the NIK lookup is
limited per user."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import urllib.parse
import urllib.request
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import select

from outreach.domain.nik import build_nik, hide_niks, nik_in
from outreach.i18n import office_today
from outreach.models import AuditEvent, Resident, Visit, VisitStatus
from tests.conftest import PASSWORD
from tests.e2e.conftest import live_server  # noqa: F401 - the fixture: a real Werkzeug server
from tests.school_files import resident_row, residents_csv
from tests.web.world import every_page

# A woman born 12 March 1948, first registered in Selebar (17.71.01), serial 7391: a serial no
# page has any other reason to show, so finding its digits anywhere is a leak.
KNOWN_NIK = build_nik("17.71.01", "f", date(1948, 3, 12), 7391)
SERIAL = KNOWN_NIK[12:]
NIK_MESSAGE = "NIK tidak dicari di sini"


def readable(response) -> str:
    """What a person (or a program) gets out of a response: the page's text and markup, the
    cells of a spreadsheet, a CSV or calendar file."""
    kind = response.headers.get("Content-Type", "")
    if "spreadsheetml" in kind:
        book = load_workbook(io.BytesIO(response.data))
        return "\n".join(
            " ".join("" if cell is None else str(cell) for cell in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    return response.get_data(as_text=True)


def without_tokens(text: str) -> str:
    """The text without long random strings (CSRF, link and feed tokens), where four given
    digits may turn up by chance."""
    return re.sub(r"[A-Za-z0-9_\-.~%]{24,}", " ", text)


def assert_cannot_rebuild(text: str, where: str, nik: str = KNOWN_NIK) -> None:
    """Neither the NIK, however written, nor the one part of it a page does not otherwise
    show: the birth date and sex give digits 7–12, the address's kecamatan digits 1–6, so the
    serial (13–16) must be nowhere — not in a masked NIK, not on its own."""
    assert nik not in text, where
    assert nik not in re.sub(r"[\s.\-]", "", text), where
    for masked in re.findall(r"(?<![0-9*•])[0-9*•]{16}(?![0-9*•])", text):
        visible = [i for i, ch in enumerate(masked) if ch.isdigit()]
        assert all(i < 12 for i in visible), (where, masked)
    assert SERIAL not in without_tokens(text), where


@pytest.fixture
def known(world, db_session, make_user):
    """The world's home-visit resident, with KNOWN_NIK, visited today (so the officers' home,
    day sheet and this month's calendar show it) and in an import preview."""
    resident = db_session.get(Resident, world["args"]["resident_id"])
    resident.nik = KNOWN_NIK
    visit = db_session.scalar(select(Visit).where(Visit.resident_id == resident.id))
    visit.visit_on, visit.status = office_today(), VisitStatus.CONFIRMED
    db_session.commit()
    return {"resident": resident, "visit": visit}


def extra_pages(world, known) -> list[str]:
    """The addresses where the resident shows that the walk over every route does not ask
    (its visit, today, this month)."""
    today = office_today()
    month = f"{today:%Y-%m}"
    visit_id, team = known["visit"].id, world["team_a"]
    return [
        f"/visits/{visit_id}",
        f"/visits/{visit_id}/outcome",
        f"/visits/day-sheet?team={team}&day={today.isoformat()}",
        f"/visits/calendar?month={month}",
        f"/visits?month={month}",
        f"/visits/export.csv?month={month}",
        f"/visits/export.xlsx?month={month}",
        f"/reports/export.csv?month={month}",
        f"/reports/export.xlsx?month={month}",
        "/residents/export.csv?status=all",
        "/residents/export.xlsx?status=all",
        "/residents?status=all",
        f"/residents/{known['resident'].id}",
        f"/residents/{known['resident'].id}/edit",
        f"/teams/{team}",
        "/",
        "/admin/audit",
    ]


@pytest.mark.parametrize("visitor", ["admin", "coordinator", "officer_a", "liaison_x"])
def test_no_page_gives_the_nik_back(app, client, world, known, visitor):
    read = 0
    for endpoint, response in every_page(app, client, world, visitor):
        assert_cannot_rebuild(readable(response), f"{visitor} {endpoint}")
        read += 1
    user = world["users"][visitor]
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    if visitor in ("admin", "coordinator"):  # an import preview naming the resident's NIK
        row = resident_row(KNOWN_NIK, "Nama Baru", "Jl. Baru 1")
        upload = client.post(
            "/residents/import",
            data={"file": (io.BytesIO(residents_csv([row])), "warga.csv")},
            content_type="multipart/form-data",
        )
        preview = client.get(upload.headers["Location"])
        assert preview.status_code == 200 and "Nama Baru" in readable(preview)
        assert_cannot_rebuild(readable(preview), "import preview")
    for url in extra_pages(world, known):
        response = client.get(url)
        assert_cannot_rebuild(readable(response), f"{visitor} {url}")
        read += 1
    assert read > 60


def test_the_page_shows_what_the_mask_does_not(client, world, known, login):
    """The premise of the mask: the birth date and sex are on the resident's page, and the
    masked NIK shows the region only."""
    login(world["users"]["coordinator"])
    page = client.get(f"/residents/{known['resident'].id}").get_data(as_text=True)
    assert "12 Maret 1948" in page and "Perempuan" in page
    assert 'data-testid="nik">177101**********<' in page
    revealed = client.post(f"/residents/{known['resident'].id}/nik", follow_redirects=True)
    assert KNOWN_NIK in revealed.get_data(as_text=True)  # the audited way still shows it whole


# --- the edit form ------------------------------------------------------------------------------


def edit_data(client, resident, **changes) -> dict:
    """The edit form as its page gives it (hidden fields included), with ``changes``."""
    page = client.get(f"/residents/{resident.id}/edit").get_data(as_text=True)
    hidden = re.findall(r'<input[^>]*type="hidden"[^>]*>', page)
    data = {
        re.search(r'name="([^"]+)"', tag).group(1): re.search(r'value="([^"]*)"', tag).group(1)
        for tag in hidden
        if 'name="' in tag and 'value="' in tag
    }
    data |= {
        "nik": "",
        "name": resident.name,
        "birth_on": resident.birth_on.isoformat(),
        "sex": resident.sex.value,
        "category": resident.category.value,
        "disability": "",
        "address": resident.address,
        "kecamatan": "17.71.01",
        "kelurahan": resident.kelurahan_code,
        "requested_via": resident.requested_via.value,
        "requested_on": resident.requested_on.isoformat(),
    }
    data.update(changes)
    return data


def test_the_edit_form_never_holds_the_nik(client, world, known, login):
    login(world["users"]["coordinator"])
    html = client.get(f"/residents/{known['resident'].id}/edit").get_data(as_text=True)
    assert_cannot_rebuild(html, "edit form")
    field = re.search(r"<input[^>]*\bname=\"nik\"[^>]*>", html).group()
    assert 'value=""' in field or "value=" not in field
    assert "Kosongkan untuk tetap memakai NIK yang tercatat." in html


def test_an_empty_nik_keeps_it_and_the_other_fields_save(client, world, known, login, db_session):
    login(world["users"]["coordinator"])
    resident = known["resident"]
    response = client.post(
        f"/residents/{resident.id}/edit", data=edit_data(client, resident, address="Jl. Cempaka 9")
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db_session.expire_all()
    resident = db_session.get(Resident, resident.id)
    assert resident.address == "Jl. Cempaka 9" and resident.nik == KNOWN_NIK
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "resident.update"))
    assert "address" in event.changes and "nik" not in event.changes


def test_a_typed_nik_is_checked_and_a_change_is_recorded_without_it(
    client, world, known, login, db_session
):
    login(world["users"]["coordinator"])
    resident = known["resident"]
    refused = client.post(
        f"/residents/{resident.id}/edit", data=edit_data(client, resident, nik="1771019903487391")
    )
    assert refused.status_code == 422
    assert "Angka ke-7–8 NIK adalah tanggal lahir" in refused.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Resident, resident.id).nik == KNOWN_NIK  # nothing saved

    corrected = build_nik("17.71.01", "f", date(1948, 3, 12), 7392)
    done = client.post(
        f"/residents/{resident.id}/edit",
        data=edit_data(
            client, resident, nik=" ".join([corrected[:4], corrected[4:8], corrected[8:]])
        ),
    )
    assert done.status_code == 302
    db_session.expire_all()
    assert db_session.get(Resident, resident.id).nik == corrected
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "resident.update"))
    assert event.changes["nik"] == ["…", "…"]  # that it changed, never from what to what
    logged = json.dumps(event.changes)
    assert KNOWN_NIK not in logged and corrected not in logged and SERIAL not in logged


# --- a NIK typed into a search box --------------------------------------------------------------

# The app, client and database live for the whole test: each example cleans up nothing.
WITH_FIXTURES = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NIKS = st.builds(
    build_nik,
    st.sampled_from(["17.71.01", "17.71.09", "17.02.03", "31.74.10"]),
    st.sampled_from(["m", "f"]),
    st.dates(min_value=date(1930, 1, 1), max_value=date(2010, 12, 31)),
    st.integers(min_value=1, max_value=9999),
)


def written(nik: str, style: int, words: str) -> str:
    """The NIK as someone types it: plain, in fours, with dots at its seams, in a sentence."""
    shape = [
        nik,
        " ".join(nik[i : i + 4] for i in range(0, 16, 4)),
        f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}.{nik[6:12]}.{nik[12:]}",
        f"{nik[:6]}-{nik[6:12]}-{nik[12:]}",
    ][style]
    return f"{words} {shape}".strip() if words else shape


SEARCHES = [
    "/residents",
    "/residents/export.csv",
    "/residents/export.xlsx",
    "/schools",
    "/visits",
    "/visits/calendar",
    "/visits/export.csv",
]


def audit_text(db_session) -> str:
    db_session.expire_all()
    rows = db_session.scalars(select(AuditEvent)).all()
    return " ".join(
        f"{row.action} {row.entity_id} {json.dumps(row.changes)} {row.remote_addr}" for row in rows
    )


@pytest.mark.parametrize("visitor", ["coordinator", "officer_a"])
def test_a_nik_typed_into_a_search_reaches_no_url_page_or_audit_log(
    client, world, db_session, visitor
):
    user = world["users"][visitor]
    login = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert login.status_code == 302

    @settings(WITH_FIXTURES, max_examples=40)
    @given(
        nik=NIKS,
        style=st.integers(min_value=0, max_value=3),
        words=st.sampled_from(["", "siti", "cari"]),
        url=st.sampled_from(SEARCHES),
        other=st.sampled_from(["", "&status=all", "&kind=home"]),
    )
    def search(nik, style, words, url, other):
        typed = written(nik, style, words)
        response = client.get(url, query_string=f"q={urllib.parse.quote_plus(typed)}{other}")
        assert response.status_code == 302, (url, typed)
        location = response.headers["Location"]
        assert nik_in(urllib.parse.unquote_plus(location)) is None, location
        assert other.lstrip("&") in location  # the rest of the search is kept
        page = client.get(location)
        assert page.status_code in (200, 403)
        text = readable(page)
        assert nik not in text and nik not in re.sub(r"[\s.\-]", "", text)
        assert nik not in audit_text(db_session)

    search()


def test_the_searches_say_where_a_nik_is_looked_up(client, world, login):
    login(world["users"]["coordinator"])
    page = client.get("/residents", query_string={"q": "1771 0152 0348 7391"})
    assert page.headers["Location"] == "/residents"
    html = client.get("/residents").get_data(as_text=True)
    assert NIK_MESSAGE in html and 'data-nik-find="find-nik"' in html
    assert client.get("/residents?q=siti").status_code == 200  # a name is searched as before
    assert client.get("/schools?q=10700001").status_code == 200  # so is an NPSN


def test_an_anonymous_search_keeps_the_nik_out_of_the_login_link(client):
    response = client.get("/residents?q=1771015203487391")
    assert KNOWN_NIK not in response.headers["Location"]
    assert KNOWN_NIK not in client.get(response.headers["Location"]).headers["Location"]


# --- the server's logs --------------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@settings(WITH_FIXTURES, max_examples=25)
@given(nik=NIKS, style=st.integers(min_value=0, max_value=3))
def test_the_request_log_hides_a_nik_in_a_url(live_server, caplog, nik, style):  # noqa: F811
    typed = written(nik, style, "")
    opener = urllib.request.build_opener(NoRedirect)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        for query in (urllib.parse.quote_plus(typed), urllib.parse.quote(typed)):
            try:
                opener.open(f"{live_server}/residents?q={query}")
            except urllib.error.HTTPError as answer:
                assert answer.code == 302
                assert nik_in(urllib.parse.unquote_plus(answer.headers["Location"])) is None
    lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert len(lines) == 2 and all("/residents?q=[NIK]" in line for line in lines), lines
    assert nik not in caplog.text and nik not in re.sub(r"[\s.\-+]|%20", "", caplog.text)


@pytest.mark.parametrize("name", ["gunicorn.access", "gunicorn.error", "werkzeug", "outreach", ""])
def test_every_request_logger_hides_niks_in_messages_and_tracebacks(app, caplog, name):
    logger = logging.getLogger(name)
    with caplog.at_level(logging.INFO):
        logger.info("%(r)s", {"r": f"GET /residents?q={KNOWN_NIK} HTTP/1.1"})  # gunicorn's form
        logger.info("request %s", "1771+0152+0348+7391")
        try:
            raise ValueError(f"bad value {KNOWN_NIK}")
        except ValueError:
            logger.exception("failed")
    assert KNOWN_NIK not in caplog.text and "1771+0152+0348+7391" not in caplog.text
    assert caplog.text.count("[NIK]") == 3


def test_the_filter_spares_what_a_log_holds_otherwise():
    for line in (
        "2026-08-03 10:00:00,123 INFO outreach.jobs: plan 2026-09 created 12",
        '127.0.0.1 - - [03/Aug/2026 10:00:00] "GET /visits?month=2026-09&page=2 HTTP/1.1" 200 -',
        "visit 123456 moved to 2026-09-14 by user 42",
    ):
        assert hide_niks(line) == line


# --- the NIK lookup's limit ---------------------------------------------------------------------


class TestLookupLimit:
    @pytest.fixture
    def app_config(self):
        return {"NIK_LOOKUP_LIMIT": "3 per hour"}

    def test_finding_by_nik_is_limited_per_user_and_a_match_is_audited(
        self, client, world, known, db_session
    ):
        def login(visitor):
            user = world["users"][visitor]
            client.post("/login", data={"username": user.username, "password": PASSWORD})

        login("coordinator")
        found = client.post("/residents/find", data={"nik": KNOWN_NIK})
        assert found.headers["Location"] == f"/residents/{known['resident'].id}"
        missed = client.post("/residents/find", data={"nik": KNOWN_NIK[:12] + "7392"})
        assert missed.headers["Location"] == "/residents"
        hint = client.post("/residents/nik-info", data={"nik": KNOWN_NIK})  # shares the count
        assert hint.status_code == 200 and hint.get_json()["duplicate"]
        for url in ("/residents/find", "/residents/nik-info"):
            refused = client.post(url, data={"nik": KNOWN_NIK[:12] + "7393"})
            assert refused.status_code == 429, url
            assert KNOWN_NIK not in refused.get_data(as_text=True)
        client.post("/logout")
        login("admin")  # another user has their own count
        assert client.post("/residents/find", data={"nik": KNOWN_NIK}).status_code == 302
        db_session.expire_all()
        matches = db_session.scalars(
            select(AuditEvent).where(AuditEvent.action == "resident.find_nik")
        ).all()
        assert [event.changes["via"] for event in matches] == ["find", "form", "find"]
        assert {event.entity_id for event in matches} == {str(known["resident"].id)}
        assert KNOWN_NIK not in audit_text(db_session)


class TestTheFormsCheck:
    """The request form refuses a typed NIK that has an open request, naming it: saving it is
    a lookup too — limited with the others, a match audited."""

    @pytest.fixture
    def app_config(self):
        return {"NIK_LOOKUP_LIMIT": "3 per hour"}

    def test_a_typed_nik_saved_counts_as_a_lookup_and_a_match_is_audited(
        self, client, world, known, make_resident, login, db_session
    ):
        login(world["users"]["coordinator"])
        dummy = make_resident(name="Percobaan")
        edit = f"/residents/{dummy.id}/edit"
        kept = edit_data(client, dummy)  # no NIK typed: not a lookup, however often
        for _ in range(4):
            assert client.post(edit, data=kept).status_code in (200, 302)
            kept = edit_data(client, dummy)
        hit = client.post(edit, data=edit_data(client, dummy, nik=KNOWN_NIK))
        assert hit.status_code == 422 and 'data-testid="duplicate-request"' in readable(hit)
        guesses = [KNOWN_NIK[:12] + serial for serial in ("7392", "7393", "7395")]
        answers = [client.post(edit, data=edit_data(client, dummy, nik=nik)) for nik in guesses]
        assert [answer.status_code for answer in answers][-1] == 429
        fresh = {**edit_data(client, dummy), "nik": KNOWN_NIK[:12] + "7394"}
        assert client.post("/residents/new", data=fresh).status_code == 429
        assert client.post("/residents/nik-info", data={"nik": KNOWN_NIK}).status_code == 429
        db_session.expire_all()
        matches = db_session.scalars(
            select(AuditEvent).where(AuditEvent.action == "resident.find_nik")
        ).all()
        assert [(event.entity_id, event.changes["via"]) for event in matches] == [
            (str(known["resident"].id), "form")
        ]


def test_an_import_preview_matching_a_nik_is_audited_as_a_lookup(
    client, world, known, login, db_session
):
    """A sheet of guessed NIKs shows which have requests (and what is recorded for them): each
    request a preview matched is audited as found by its NIK — once, however often the preview
    is opened — and a NIK that matched nothing leaves no trace of itself."""
    login(world["users"]["coordinator"])
    guessed = build_nik("17.71.01", "m", date(1950, 1, 2), 4411)
    rows = [
        resident_row(KNOWN_NIK, "Nama Baru", "Jl. Baru 1"),
        resident_row(guessed, "Tebakan", "Jl. Tebak 2"),
    ]
    upload = client.post(
        "/residents/import",
        data={"file": (io.BytesIO(residents_csv(rows)), "tebakan.csv")},
        content_type="multipart/form-data",
    )
    for _ in range(3):
        assert client.get(upload.headers["Location"]).status_code == 200
    db_session.expire_all()
    matches = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "resident.find_nik")
    ).all()
    assert [(event.entity_id, event.changes) for event in matches] == [
        (str(known["resident"].id), {"via": "import", "source": "tebakan.csv"})
    ]
    assert matches[0].user_id == world["users"]["coordinator"].id
    text = audit_text(db_session)
    assert KNOWN_NIK not in text and guessed not in text and guessed[12:] not in text
    client.post("/logout")
    login(world["users"]["admin"])
    page = client.get("/admin/audit?action=resident.find_nik").get_data(as_text=True)
    assert "Pratinjau impor" in page and "tebakan.csv" in page


def test_the_queue_export_masks_like_the_pages(client, world, known, login):
    login(world["users"]["coordinator"])
    body = client.get("/residents/export.csv?status=all").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][0] == "nik" and "177101**********" in [row[0] for row in rows[1:]]
