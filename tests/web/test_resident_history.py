"""A request's page as a coordinator reads it: its history says which fields a change touched
(a NIK change as "NIK changed", never a value), the lookups by NIK are one line however many
there were, and the full NIK seen is still there; the full NIK is shown once after the audited
post (post, redirect, get: a reload shows the mask and writes nothing) with a way to hide it;
the change form shows the NIK on file masked; a home visit's call button says whom it calls."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select, update

from outreach.models import AuditEvent, Role, UserSession, utcnow
from outreach.services.audit import record_event
from outreach.services.residents.queue import record_nik_lookup
from outreach.web.residents.full_nik import SHOWN_FOR
from tests.services.visit_helpers import add_visit
from tests.web.test_sessions import device, log_in
from tests.web.visit_fixtures import next_month_weekdays

NIK = "1771015203480003"
MASKED = "177101**********"


def text_of(response) -> str:
    page = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page)))


def history(response) -> list[str]:
    html = response.get_data(as_text=True)
    found = re.search(r'data-testid="resident-history">(.*?)</ul>', html, re.S)
    items = re.findall(r"<li[^>]*>(.*?)</li>", found.group(1), re.S) if found else []
    return [re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", item))).strip() for item in items]


def views_of_nik(db_session) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).where(AuditEvent.action == "resident.view_nik"))


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.COORDINATOR, username="yulia", name="Yulia Safitri")


@pytest.fixture
def siti(make_resident):
    return make_resident(nik=NIK, name="Siti Aminah", phone="+6281273001111")


# --- the history ------------------------------------------------------------------------------


def test_a_change_names_its_fields_and_a_nik_change_says_so(
    client, login, coordinator, siti, db_session, make_user
):
    changes = {"nik": ["…", "…"], "address": ["Jl. Merpati No. 5", "Jl. Cempaka 9"]}
    for action, logged in (
        ("resident.update", changes),
        ("resident.update", {"nik": ["…", "…"]}),
        ("resident.import_update", {"rt": ["001", "007"], "phone": [None, "+6281273001111"]}),
    ):
        record_event(
            db_session, now=utcnow(), actor=coordinator, action=action, entity=siti, changes=logged
        )
    db_session.commit()
    login(coordinator)
    lines = history(client.get(f"/residents/{siti.id}"))
    assert any("Permintaan diubah" in line and "Alamat, NIK diubah" in line for line in lines)
    assert any(
        line.startswith("Permintaan diubah") and line.endswith("NIK diubah") for line in lines
    )
    assert any("Permintaan diubah lewat impor" in line and "RT, Telepon" in line for line in lines)
    page = text_of(client.get(f"/residents/{siti.id}"))
    assert "tidak ditampilkan" not in page and NIK not in page
    client.post("/logout")
    login(make_user(Role.ADMIN))
    audit = text_of(client.get(f"/admin/audit?record=Resident&record_id={siti.id}"))
    assert "NIK diubah" in audit and "tidak ditampilkan → tidak ditampilkan" not in audit
    assert "Alamat: Jl. Merpati No. 5 → Jl. Cempaka 9" in audit


def test_lookups_by_nik_are_one_line_and_leave_room_for_the_changes(
    client, login, coordinator, siti, db_session, make_user
):
    other = make_user(Role.COORDINATOR, name="Andi Saputra")
    start = utcnow() - timedelta(hours=5)
    record_event(
        db_session, now=start, actor=coordinator, action="resident.update", entity=siti,
        changes={"address": ["Jl. Merpati No. 5", "Jl. Cempaka 9"]},
    )  # fmt: skip
    for n in range(30):  # a day of lookups and import previews, after the change
        record_nik_lookup(
            db_session, siti, now=start + timedelta(minutes=5 + n), actor=other,
            remote_addr=None, via="import" if n % 2 else "find",
        )  # fmt: skip
    last = start + timedelta(hours=1)
    record_nik_lookup(db_session, siti, now=last, actor=coordinator, remote_addr=None, via="form")
    record_event(
        db_session, now=last + timedelta(minutes=1), actor=coordinator,
        action="resident.view_nik", entity=siti,
    )  # fmt: skip
    db_session.commit()
    login(coordinator)
    lines = history(client.get(f"/residents/{siti.id}"))
    lookups = [line for line in lines if "ditemukan dengan NIK" in line]
    assert len(lookups) == 1
    assert "Permintaan ditemukan dengan NIK: 31 kali" in lookups[0]
    assert "Yulia Safitri, Andi Saputra" in lookups[0]  # the last to look it up first
    place = lines.index(lookups[0])  # where the last lookup falls: just before the NIK seen
    assert lines[place - 1].startswith("NIK lengkap dilihat")  # still there
    assert any(line.startswith("Permintaan diubah") for line in lines)  # not pushed out
    assert "log audit" not in lookups[0]  # the audit page is the admins'
    client.post("/logout")
    login(make_user(Role.ADMIN))
    html = client.get(f"/residents/{siti.id}").get_data(as_text=True)
    assert (
        f"/admin/audit?action=resident.find_nik&amp;record=Resident&amp;record_id={siti.id}" in html
    )


def test_a_single_lookup_reads_as_an_event(client, login, coordinator, siti, db_session):
    record_nik_lookup(
        db_session, siti, now=utcnow(), actor=coordinator, remote_addr=None, via="find"
    )
    db_session.commit()
    login(coordinator)
    (line,) = [line for line in history(client.get(f"/residents/{siti.id}")) if "NIK" in line]
    assert line.startswith("Permintaan ditemukan dengan NIK ") and "kali" not in line
    assert line.endswith("Yulia Safitri")


# --- the full NIK, once -------------------------------------------------------------------------


def test_the_full_nik_is_posted_audited_redirected_and_shown_once(
    client, login, coordinator, siti, db_session
):
    login(coordinator)
    posted = client.post(f"/residents/{siti.id}/nik")
    assert posted.status_code == 302 and posted.headers["Location"] == f"/residents/{siti.id}"
    assert NIK not in posted.get_data(as_text=True)
    assert views_of_nik(db_session) == 1
    shown = client.get(f"/residents/{siti.id}").get_data(as_text=True)
    assert f'data-testid="nik">{NIK}<' in shown
    hide = re.search(r'<a[^>]*data-testid="hide-nik"[^>]*>([^<]*)</a>', shown)
    assert hide and hide.group(1) == "Sembunyikan NIK"
    assert f'href="/residents/{siti.id}"' in hide.group()
    for _ in range(2):  # a reload, "Hide the NIK": the mask, and nothing written
        again = client.get(f"/residents/{siti.id}").get_data(as_text=True)
        assert f'data-testid="nik">{MASKED}<' in again and NIK not in again
    assert views_of_nik(db_session) == 1


def test_a_replayed_cookie_does_not_show_the_nik_again(
    client, login, coordinator, siti, db_session
):
    """The mark is kept on the server and taken out there: the cookie the redirect carried,
    copied and sent again (a second tab, a replay), shows the mask."""
    login(coordinator)
    client.post(f"/residents/{siti.id}/nik")
    replay = client.get_cookie("session").value
    assert NIK in client.get(f"/residents/{siti.id}").get_data(as_text=True)
    client.set_cookie("session", replay)
    again = client.get(f"/residents/{siti.id}").get_data(as_text=True)
    assert f'data-testid="nik">{MASKED}<' in again and NIK not in again
    assert views_of_nik(db_session) == 1


def _mark_aged(db_session, user, age: timedelta) -> None:
    db_session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.nik_shown_at.is_not(None))
        .values(nik_shown_at=utcnow() - age)
    )
    db_session.commit()


def test_the_mark_shows_only_that_request_soon_after(
    client, login, coordinator, siti, make_resident, db_session, monkeypatch
):
    other = make_resident(name="Rohana")
    login(coordinator)
    client.post(f"/residents/{siti.id}/nik")
    assert NIK not in client.get(f"/residents/{other.id}").get_data(as_text=True)
    assert NIK not in client.get(f"/residents/{siti.id}").get_data(as_text=True)  # taken out
    client.post(f"/residents/{siti.id}/nik")
    _mark_aged(db_session, coordinator, SHOWN_FOR + timedelta(seconds=1))
    assert NIK not in client.get(f"/residents/{siti.id}").get_data(as_text=True)  # too late
    client.post(f"/residents/{siti.id}/nik")
    _mark_aged(db_session, coordinator, SHOWN_FOR - timedelta(seconds=5))
    assert NIK in client.get(f"/residents/{siti.id}").get_data(as_text=True)  # in time


def test_a_mark_is_for_the_login_session_that_asked(
    app, client, login, coordinator, siti, db_session
):
    """The same coordinator's other device (another login session) does not see the NIK the
    first asked for."""
    other = device(app)
    assert log_in(other, coordinator).status_code == 302
    login(coordinator)
    client.post(f"/residents/{siti.id}/nik")
    assert NIK not in other.get(f"/residents/{siti.id}").get_data(as_text=True)
    assert NIK in client.get(f"/residents/{siti.id}").get_data(as_text=True)


# --- the change form ---------------------------------------------------------------------------


def test_the_change_form_shows_the_nik_on_file_masked(client, login, coordinator, siti):
    login(coordinator)
    for response in (
        client.get(f"/residents/{siti.id}/edit"),
        client.post(f"/residents/{siti.id}/edit", data={"nik": "", "name": ""}),  # refused: 422
    ):
        html = response.get_data(as_text=True)
        field = re.search(r'<input[^>]*\bname="nik"[^>]*>', html).group()
        assert f'placeholder="{MASKED}"' in field
        assert 'value=""' in field or "value=" not in field
        assert NIK not in html and NIK[12:] not in re.sub(r'name="csrf_token"[^>]*', "", html)


# --- a home visit's call button -----------------------------------------------------------------


def test_the_family_call_button_says_whom_it_calls(
    client, login, coordinator, siti, make_team, db_session
):
    visit = add_visit(db_session, resident=siti, team=make_team(), on=next_month_weekdays()[0])
    login(coordinator)
    html = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    button = re.search(r'<a[^>]*data-testid="call-family"[^>]*>(.*?)</a>', html, re.S)
    assert 'href="tel:+6281273001111"' in button.group()
    assert re.sub(r"<[^>]+>", "", button.group(1)).strip() == "Telepon keluarga"
    page = client.get(f"/residents/{siti.id}").get_data(as_text=True)
    call = re.search(r'<a[^>]*href="tel:[^"]*"[^>]*>([^<]*)</a>', page)
    assert call.group(1) == "Telepon keluarga"
