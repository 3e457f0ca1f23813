"""No lost updates: two coordinators, each with a browser of their own, open the same school,
request, team, visit list or import preview; the first saves; the second is told, nothing of the
first is overwritten, and the page shows the record as it is now."""

from __future__ import annotations

import io
from html import unescape
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from outreach.models import (
    AuditEvent,
    Resident,
    ResidentStatus,
    Role,
    School,
    Team,
    Visit,
    VisitStatus,
)
from outreach.services.schools.imports import TEMPLATE_HEADINGS
from tests.conftest import PASSWORD, hidden_value
from tests.school_files import RESIDENT_HEADINGS, csv_file, resident_row, template_row
from tests.services.visit_helpers import add_visit
from tests.web.visit_fixtures import next_month_weekdays

STALE = "Data ini sudah diubah orang lain sejak Anda membukanya"
PREVIEW_STALE = "Sebagian data dalam berkas ini sudah diubah orang lain sejak pratinjau Anda"


class ShownForm(HTMLParser):
    """The fields of the page's POST form whose action is ``action`` (or of its first one),
    as a browser sends them untouched: inputs, checked boxes, the selected options, textareas."""

    def __init__(self, action: str | None):
        super().__init__()
        self.action, self.fields, self.inside, self.select, self.textarea = (
            action,
            [],
            0,
            None,
            None,
        )
        self.found = False

    def handle_starttag(self, tag, attrs):
        a = {name: value if value is not None else "" for name, value in attrs}
        if tag == "form":
            wanted = not self.found and a.get("method", "").lower() == "post"
            wanted = wanted and (self.action is None or a.get("action", "") in ("", self.action))
            self.inside, self.found = wanted, self.found or wanted
            return
        if not self.inside:
            return
        kind = a.get("type", "text").lower()
        if tag == "input" and "name" in a and kind not in ("submit", "button", "file"):
            if kind not in ("checkbox", "radio") or "checked" in a:
                self.fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self.select = [a.get("name"), None]
        elif tag == "option" and self.select is not None and "selected" in a:
            self.select[1] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = [a.get("name"), ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select is not None:
            if self.select[1] is not None:
                self.fields.append(tuple(self.select))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.fields.append((self.textarea[0], unescape(self.textarea[1]).lstrip("\n")))
            self.textarea = None


def shown(response, form_action: str, /, **changes) -> list[tuple[str, str]]:
    """The form posted to ``form_action`` as the page showed it, with ``changes`` typed in (as
    a browser posts it; a form without an action posts to its page's address)."""
    parser = ShownForm(form_action)
    parser.feed(response.get_data(as_text=True))
    assert parser.found, form_action
    fields = [(name, value) for name, value in parser.fields if name not in changes]
    return fields + list(changes.items())


def send(client, url: str, data, **options):
    """POST ``data`` (a form's fields as (name, value) pairs, repeats kept) as a browser does."""
    return client.post(url, data=MultiDict(data), **options)


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


@pytest.fixture
def first(client, make_user, login):
    """Coordinator one's browser."""
    login(make_user(Role.COORDINATOR, name="Rina Koordinator"))
    return client


@pytest.fixture
def second(app, make_user, first):
    """Coordinator two's browser: a client of its own, logged in apart."""
    other = app.test_client()
    user = make_user(Role.COORDINATOR, name="Budi Koordinator")
    login = {"username": user.username, "password": PASSWORD}
    assert other.post("/login", data=login).status_code == 302
    return other


def _school(make_school, make_resident, make_team):
    return make_school(name="SMA Negeri 9", liaison_name="Pak Lama", students_pending=40)


def _resident(make_school, make_resident, make_team):
    return make_resident(name="Siti Aminah", contact_name="Rina")


def _team(make_school, make_resident, make_team):
    return make_team(name="Tim Timur", home_visits_per_day=6)


# kind: (make the record, its edit page, the first's change, the second's change, then the
# record's fields as the first left them and the second's field untouched)
EDITS = {
    "school": (
        _school,
        "/schools/{id}/edit",
        {"liaison_name": "Bu Rina Marlina"},
        {"students_pending": "12"},
        {"liaison_name": "Bu Rina Marlina", "students_pending": 40},
    ),
    "resident": (
        _resident,
        "/residents/{id}/edit",
        {"contact_name": "Hasan"},
        {"address": "Jl. Kenanga No. 3"},
        {"contact_name": "Hasan", "address": "Jl. Merpati No. 1"},
    ),
    "team": (
        _team,
        "/teams/{id}/edit",
        {"phone": "(0736) 21234"},
        {"home_visits_per_day": "4"},
        {"phone": "+6273621234", "home_visits_per_day": 6},
    ),
}
MODELS = {"school": School, "resident": Resident, "team": Team}


@pytest.mark.parametrize("kind", sorted(EDITS))
def test_the_second_of_two_edits_is_told_and_overwrites_nothing(
    kind, first, second, db_session, make_school, make_resident, make_team
):
    make, url, mine, theirs, kept = EDITS[kind]
    record = make(make_school, make_resident, make_team)
    url = url.format(id=record.id)
    page_one, page_two = first.get(url), second.get(url)  # both open the form
    assert send(first, url, data=shown(page_one, url, **mine)).status_code == 302

    refused = send(second, url, data=shown(page_two, url, **theirs))
    assert refused.status_code == 409
    page = text(refused)
    assert STALE in page
    db_session.expire_all()
    stored = db_session.get(MODELS[kind], record.id)
    assert {name: getattr(stored, name) for name in kept} == kept  # nothing overwritten
    # The form now holds the record as it is (the first's change), what the second typed is
    # listed beside it, and it carries the version it shows.
    ((name, value),) = theirs.items()
    assert 'data-testid="unsaved"' in page and value in page.split('data-testid="unsaved"')[1]
    assert hidden_value(page, "version") == str(stored.version)
    # Saved again from that page, the second's change goes in beside the first's.
    assert send(second, url, data=shown(refused, url, **theirs)).status_code == 302
    db_session.expire_all()
    stored = db_session.get(MODELS[kind], record.id)
    assert str(getattr(stored, name)) == value
    assert getattr(stored, next(iter(mine))) == kept[next(iter(mine))]


def test_a_version_missing_or_tampered_is_refused_as_stale(first, db_session, make_school):
    school = make_school(name="SMA Negeri 9")
    url = f"/schools/{school.id}/edit"
    page = first.get(url)
    for version in ("", "0", "-1", "abc", "١", "99999999999999999999"):
        data = [(k, v) for k, v in shown(page, url, name="SMA Lain") if k != "version"]
        response = send(first, url, data=[*data, ("version", version)])
        assert response.status_code == 409, version
    db_session.expire_all()
    assert db_session.get(School, school.id).name == "SMA Negeri 9"


def test_a_status_change_on_an_old_page_is_refused(first, second, db_session, make_resident):
    siti = make_resident(name="Siti Aminah")
    url = f"/residents/{siti.id}"
    page_one, page_two = first.get(url), second.get(url)
    action = f"/residents/{siti.id}/status"
    one = shown(page_one, action, status="refused", reason="Menolak direkam")
    assert send(first, action, data=one).status_code == 302
    two = shown(page_two, action, status="recorded", reason="Direkam di kantor")
    refused = send(second, action, data=two, follow_redirects=True)
    assert STALE in text(refused)
    db_session.expire_all()
    stored = db_session.get(Resident, siti.id)
    assert (stored.status, stored.status_reason) == (ResidentStatus.REFUSED, "Menolak direkam")
    assert hidden_value(text(refused), "version") == str(stored.version)  # its page now


def test_deactivating_from_an_old_page_is_refused(first, second, db_session, make_school):
    """The second's page showed the school before the first changed it: its Deactivate
    button is refused, the school stays active and the page shows it as it is now."""
    school = make_school(name="SMA Negeri 9")
    page_two = second.get(f"/schools/{school.id}")
    edit = f"/schools/{school.id}/edit"
    renamed = shown(first.get(edit), edit, name="SMA Negeri 9 Kota")
    assert send(first, edit, data=renamed).status_code == 302
    action = f"/schools/{school.id}/deactivate"
    refused = send(second, action, data=shown(page_two, action), follow_redirects=True)
    assert STALE in text(refused) and "SMA Negeri 9 Kota" in text(refused)
    db_session.expire_all()
    assert db_session.get(School, school.id).is_active
    deactivated = select(func.count()).where(AuditEvent.action == "school.deactivate")
    assert db_session.scalar(deactivated) == 0


# --- bulk actions -----------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["confirm", "move", "reassign", "cancel"])
def test_a_bulk_action_over_a_visit_changed_since_is_refused_as_a_whole(
    action, first, second, db_session, make_team, make_school
):
    """The second selects two visits; the first has meanwhile given one to another team. The
    second's action changes neither, and names the changed visit."""
    days = next_month_weekdays()
    team, other, third = (make_team(school_visits_per_day=3) for _ in range(3))
    changed = add_visit(db_session, school=make_school(name="SMA Berubah"), team=team, on=days[1])
    kept = add_visit(db_session, school=make_school(name="SMA Tetap"), team=team, on=days[1])
    url = f"/visits?month={days[0]:%Y-%m}"
    page_one, page_two = first.get(url), second.get(url)
    given = [
        *shown(page_one, url, action="reassign", team=str(other.id)),
        ("ids", f"{changed.id}:1"),
    ]
    assert "1 kunjungan diubah." in text(send(first, url, data=given, follow_redirects=True))
    both = [("ids", f"{visit.id}:1") for visit in (changed, kept)]  # as its list showed them
    extra = {
        "confirm": {},
        "move": {"on": days[3].isoformat()},
        "reassign": {"team": str(third.id)},
        "cancel": {"reason": "Ujian sekolah"},
    }[action]
    refused = send(second, url, data=[*shown(page_two, url, action=action, **extra), *both])
    page = text(refused)
    assert "Tidak ada yang diubah: 1 kunjungan sudah diubah orang lain" in page
    assert "SMA Berubah, " in page and "SMA Tetap, " not in page  # the changed one, named
    db_session.expire_all()
    now_changed, now_kept = db_session.get(Visit, changed.id), db_session.get(Visit, kept.id)
    assert (now_changed.team_id, now_changed.status) == (other.id, VisitStatus.PROPOSED)
    assert (now_kept.team_id, now_kept.status, now_kept.visit_on, now_kept.version) == (
        team.id,
        VisitStatus.PROPOSED,
        days[1],
        1,
    )
    assert db_session.scalar(select(func.count()).select_from(Visit)) == 2  # no move made


def test_a_bulk_action_whose_versions_are_current_goes_through(first, db_session, make_team,
                                                               make_school):  # fmt: skip
    days = next_month_weekdays()
    team = make_team(school_visits_per_day=3)
    visits = [add_visit(db_session, school=make_school(), team=team, on=days[1]) for _ in "ab"]
    url = f"/visits?month={days[0]:%Y-%m}"
    data = [*shown(first.get(url), url, action="confirm"), *(("ids", f"{v.id}:1") for v in visits)]
    assert "2 kunjungan diubah." in text(send(first, url, data=data, follow_redirects=True))


# --- imports ----------------------------------------------------------------------------------


def _upload(client, area: str, content: bytes):
    response = client.post(
        f"/{area}/import",
        data={"file": (io.BytesIO(content), "berkas.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    return response.headers["Location"]


def _confirmation(preview) -> dict:
    """What the preview's confirm button sends."""
    page = text(preview)
    return {"seen": hidden_value(page, "seen"), "shown_at": hidden_value(page, "shown_at")}


def test_a_school_import_confirmed_after_someone_edited_a_school_writes_nothing(
    first, second, db_session, make_school
):
    school = make_school(npsn="10702414", name="SMAN 3", students_pending=10)
    row = template_row(npsn="10702414", name="SMAN 3", kecamatan="Selebar", students_pending=25)
    preview_url = _upload(first, "schools", csv_file(TEMPLATE_HEADINGS, [row]))
    preview = first.get(preview_url)  # 10 → 25, as the first reads it
    edit = f"/schools/{school.id}/edit"
    edited = shown(second.get(edit), edit, students_pending="30")
    assert send(second, edit, data=edited).status_code == 302
    stale = send(first, preview_url, data=_confirmation(preview))
    page = text(stale)
    assert PREVIEW_STALE in page and "<del>30</del> → 25" in page  # as it is now
    # The row whose school changed since is named, with who changed it.
    assert "Diubah sejak pratinjau Anda" in page
    assert "Baris 2 — SMAN 3" in page and "oleh Budi Koordinator" in page
    db_session.expire_all()
    assert db_session.get(School, school.id).students_pending == 30  # the edit stands
    # Confirmed from the new preview (the first saw 30 → 25), it is written.
    done = send(first, preview_url, data={"seen": hidden_value(page, "seen")})
    assert done.status_code == 302
    db_session.expire_all()
    assert db_session.get(School, school.id).students_pending == 25


def test_a_resident_import_confirmed_after_someone_edited_a_request_writes_nothing(
    first, second, db_session, make_resident
):
    siti = make_resident(name="Siti Aminah")
    row = resident_row(siti.nik, "Siti Aminah", "Jl. Mawar No. 2")
    preview_url = _upload(first, "residents", csv_file(RESIDENT_HEADINGS, [row]))
    preview = first.get(preview_url)
    edit = f"/residents/{siti.id}/edit"
    edited = shown(second.get(edit), edit, contact_name="Hasan")
    assert send(second, edit, data=edited).status_code == 302
    stale = send(first, preview_url, data=_confirmation(preview))
    assert PREVIEW_STALE in text(stale)
    assert "Baris 2 — Siti Aminah" in text(stale) and "oleh Budi Koordinator" in text(stale)
    db_session.expire_all()
    stored = db_session.get(Resident, siti.id)
    assert (stored.address, stored.contact_name) == ("Jl. Merpati No. 1", "Hasan")
    assert siti.nik not in text(stale)  # the fingerprint names no NIK


def test_an_import_confirmed_without_its_preview_fingerprint_writes_nothing(first, db_session):
    row = template_row(npsn="10702414", name="SMAN 3", kecamatan="Selebar")
    preview_url = _upload(first, "schools", csv_file(TEMPLATE_HEADINGS, [row]))
    for seen in ({}, {"seen": ""}, {"seen": "0" * 64}):
        assert PREVIEW_STALE in text(send(first, preview_url, data=seen)), seen
    assert db_session.scalar(select(func.count()).select_from(School)) == 0
