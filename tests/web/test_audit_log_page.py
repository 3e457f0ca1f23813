"""The admin's audit log page: events in words, filters, paging by key, no NIK, its own view
audited once; HEAD requests audit nothing; repeated refusals and rate limits are one counted
row; the filled template download is audited as an export."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from outreach.extensions import limiter
from outreach.models import AuditEvent, Role, utcnow
from outreach.services.audit import record_event
from outreach.services.audit_log import AuditFilters, list_audit_events
from tests.conftest import PASSWORD
from tests.services.visit_helpers import add_visit
from tests.web.visit_fixtures import next_month_weekdays

NIK_LIKE = re.compile(r"[0-9](?:[\s.\-]?[0-9]){15,}")
PARAMETERS = ["who", "action", "record", "record_id", "first_on", "last_on", "before", "after"]
ODD_VALUES = ["", "0", "-1", "99999999999999999999", "٣", "1e9", "2026-02-30", "9999-12-31"]
ODD_VALUES += ["0001-01-01", "School", "auth.login", "scheduler", "anonymous", "x" * 300]


def text_of(response) -> str:
    page = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page)))


def events(db_session, action: str) -> list[AuditEvent]:
    db_session.expire_all()
    return list(
        db_session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def count(db_session) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(AuditEvent))


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN, username="admin-audit", name="Rahmat Hidayat")


@pytest.fixture
def school(db_session, make_school, admin):
    from outreach.services.schools.registry import set_school_active

    school = make_school(name="SMA Negeri 2 Kota Bengkulu")
    set_school_active(db_session, school, False, now=utcnow(), actor=admin, version=None)
    db_session.commit()
    return school


def test_the_log_reads_in_words_with_names_and_links(client, login, admin, school):
    login(admin)
    page = text_of(client.get("/admin/audit"))
    assert "Sekolah dinonaktifkan" in page  # the action in words, never "school.deactivate"
    assert "Rahmat Hidayat (admin-audit)" in page  # the actor by name and username
    assert "SMA Negeri 2 Kota Bengkulu" in page and "Aktif: Ya → Tidak" in page
    assert "school.deactivate" not in page and "is_active" not in page
    html = client.get("/admin/audit").get_data(as_text=True)
    assert f'href="/schools/{school.id}"' in html  # the record linked
    client.post("/language", data={"locale": "en", "next": "/"})
    english = text_of(client.get("/admin/audit"))
    assert "School deactivated" in english and "Active: Yes → No" in english
    assert "Audit log viewed" in english  # the earlier views, themselves in the log


def test_each_view_is_audited_once_with_its_filters(client, login, admin, school, db_session):
    login(admin)
    before = count(db_session)
    response = client.get(f"/admin/audit?action=school.deactivate&who={admin.id}")
    assert response.status_code == 200
    views = events(db_session, "audit.view")
    assert count(db_session) == before + 1 and len(views) == 1
    assert views[0].user_id == admin.id and views[0].remote_addr
    assert views[0].changes == {"user_id": admin.id, "action": "school.deactivate"}


def test_filters_select_by_who_what_record_and_days(
    client, login, admin, make_user, school, db_session
):
    coordinator = make_user(Role.COORDINATOR, name="Siti Aminah")
    old = utcnow() - timedelta(days=40)
    record_event(db_session, now=old, actor=coordinator, action="team.create", changes={})
    record_event(db_session, now=utcnow(), actor="scheduler", action="plan.school_month")
    db_session.commit()
    login(admin)

    def actions(query: str) -> list[str]:
        html = client.get("/admin/audit" + query).get_data(as_text=True)
        rows = re.findall(r'<tr data-testid="audit-event">(.*?)</tr>', html, re.S)
        return [re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", row))) for row in rows]

    mine = actions(f"?who={coordinator.id}")
    assert mine and all("Siti Aminah" in row for row in mine)
    assert any("Tim dibuat" in row for row in mine)
    assert all("Penjadwal otomatis" in row for row in actions("?who=scheduler"))
    assert [r for r in actions("?action=team.create") if "Tim dibuat" not in r] == []
    about = actions(f"?record=School&record_id={school.id}")
    assert about and all("SMA Negeri 2 Kota Bengkulu" in row for row in about)
    today = date.today()
    recent = actions(f"?first_on={today - timedelta(days=7)}&last_on={today + timedelta(days=1)}")
    # (this page's own views name the filters they showed: "Apa: Tim dibuat")
    assert not any("Tim dibuat" in row for row in recent if "Log audit dilihat" not in row)
    backwards = actions(
        f"?first_on={today + timedelta(days=1)}&last_on={today - timedelta(days=45)}"
    )
    backwards = [row for row in backwards if "Log audit dilihat" not in row]
    assert any("Tim dibuat" in row for row in backwards)  # the same days, given backwards


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(PARAMETERS),
    value=st.one_of(st.sampled_from(ODD_VALUES), st.text(max_size=20)),
)
def test_no_query_string_gives_an_error(client, login, admin, name, value):
    login(admin)
    response = client.get("/admin/audit", query_string={name: value, "record": "Visit"})
    # 302: a value that looks like a NIK is taken out of the address (web.nik_urls)
    assert response.status_code in (200, 302, 400), (name, value)


def test_pages_walk_the_whole_log_once_each_way(client, login, admin, db_session):
    start = utcnow() - timedelta(hours=3)
    for n in range(123):  # some events share their instant, as an import's do
        at = start + timedelta(minutes=n // 3)
        record_event(
            db_session, now=at, actor="command", action="closure.reload", changes={"year": 2000 + n}
        )
    db_session.commit()
    login(admin)
    seen, url, pages = [], "/admin/audit?action=closure.reload", 0
    while url:
        html = client.get(url).get_data(as_text=True)
        seen += [int(year) for year in re.findall(r"Tahun:</span> ([0-9]+)", html)]
        found = re.search(r'href="([^"]+)" rel="next"', html)
        url = unescape(found.group(1)) if found else None
        pages += 1
    assert pages == 3
    assert seen == list(range(2122, 1999, -1))
    # and back: the newer pages from the last one give the same events
    page = list_audit_events(
        db_session, AuditFilters(action="closure.reload"), zone=_zone(), per_page=50
    )
    older = list_audit_events(
        db_session, AuditFilters(action="closure.reload"), zone=_zone(), per_page=50,
        before=page.older,
    )  # fmt: skip
    newer = list_audit_events(
        db_session, AuditFilters(action="closure.reload"), zone=_zone(), per_page=50,
        after=older.newer,
    )  # fmt: skip
    assert [e.id for e in newer.items] == [e.id for e in page.items] and newer.newer is None


def _zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Jakarta")


def test_no_nik_is_written_or_shown(client, login, admin, make_resident, db_session):
    nik = "1771014203480003"
    resident = make_resident(nik=nik)
    record_event(
        db_session, now=utcnow(), actor=admin, action="resident.update", entity=resident,
        changes={"reason": [None, f"NIK {nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]} salah"]},
    )  # fmt: skip
    db_session.commit()
    client.post("/login", data={"username": nik, "password": "salah"})  # a NIK as username
    login(admin)
    client.get("/residents", query_string={"q": nik})
    stored = db_session.scalars(select(AuditEvent)).all()
    assert stored and not any(NIK_LIKE.search(f"{e.actor} {e.changes}") for e in stored)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert not NIK_LIKE.search(page)
    about = text_of(client.get(f"/admin/audit?record=Resident&record_id={resident.id}"))
    assert "Warga Uji" in about and "NIK: tidak ditampilkan" in about
    assert "RT: —" not in about  # a record as created: only the fields filled in


def test_a_head_request_audits_nothing(client, login, admin, make_user, db_session):
    officer = make_user(Role.OFFICER)
    login(admin)
    before = count(db_session)
    assert client.head("/admin/audit").status_code == 200
    assert client.head("/visits/export.csv?month=2026-12").status_code == 200
    assert client.head("/schools/import/template.csv?filled=1").status_code == 200
    assert count(db_session) == before
    client.post("/logout")
    login(officer)
    before = count(db_session)
    assert client.head("/schools").status_code == 403
    assert count(db_session) == before
    assert client.get("/schools").status_code == 403
    assert count(db_session) == before + 1


def test_the_filled_school_template_is_audited_as_an_export(
    client, login, admin, school, db_session
):
    login(admin)
    response = client.get("/schools/import/template.xlsx?filled=1")
    assert response.status_code == 200
    (export,) = events(db_session, "template.export")
    assert export.user_id == admin.id
    assert export.changes == {"template": "schools", "rows": 1, "format": "xlsx"}
    client.get("/schools/import/template.csv")  # the empty template holds nobody's data
    assert len(events(db_session, "template.export")) == 1
    assert "Templat terisi diunduh" in text_of(client.get("/admin/audit"))


def test_repeated_refusals_of_one_route_are_one_counted_event(client, login, make_user, db_session):
    officer = make_user(Role.OFFICER)
    login(officer)
    for _ in range(25):
        assert client.get("/schools").status_code == 403
    for n in range(1, 4):
        assert client.get(f"/schools/{n}/edit").status_code == 403
    refusals = events(db_session, "auth.forbidden")
    assert [(e.changes["route"], e.changes["count"]) for e in refusals] == [
        ("schools.index", 25),
        ("schools.edit", 3),
    ]
    assert refusals[1].changes["path"] == "/schools/1/edit"
    assert refusals[1].changes["last_path"] == "/schools/3/edit"
    # once the window has passed, the next refusal starts a row of its own
    refusals[0].at = utcnow() - timedelta(minutes=11)
    db_session.commit()
    client.get("/schools")
    assert [e.changes["count"] for e in events(db_session, "auth.forbidden")] == [25, 3, 1]


@pytest.fixture
def app_config():
    return {"LIAISON_LINK_LIMIT": "2 per minute"}


def test_visitors_rate_limited_group_by_address_and_no_link_is_kept(client, db_session):
    for address in ("10.0.0.1", "10.0.0.2"):
        answers = [
            client.get(f"/l/rahasia-{n}", environ_base={"REMOTE_ADDR": address}).status_code
            for n in range(6)
        ]
        assert answers.count(429) == 4
    limited = events(db_session, "auth.rate_limited")
    assert [(e.remote_addr, e.changes["count"]) for e in limited] == [
        ("10.0.0.1", 4),
        ("10.0.0.2", 4),
    ]
    assert all(e.actor == "anonymous" and e.user_id is None for e in limited)
    assert not any("rahasia" in str(e.changes) for e in limited)  # a link's token is a key


def test_rate_limited_answers_are_audited_grouped_login_included(
    client, make_user, admin, login, db_session
):
    officer = make_user(Role.OFFICER, username="petugas-target")
    answers = [
        client.post("/login", data={"username": officer.username, "password": "salah"}).status_code
        for _ in range(12)
    ]
    assert 429 in answers
    limited = events(db_session, "auth.rate_limited")
    assert len(limited) == 1
    (event,) = limited
    assert event.changes["username"] == "petugas-target" and event.changes["status"] == 429
    assert event.changes["count"] == answers.count(429) and event.remote_addr
    login_page = client.post("/login", data={"username": "lain", "password": "x"})
    assert login_page.status_code in (200, 429)
    limiter.reset()
    login(admin)
    page = text_of(client.get("/admin/audit?action=auth.rate_limited"))
    assert "Terlalu banyak percobaan" in page and "petugas-target" in page
    assert f"{answers.count(429)} kali" in page


def test_the_audit_page_is_in_the_admins_settings_menu(client, login, admin, make_user):
    login(admin)
    assert 'href="/admin/audit"' in client.get("/").get_data(as_text=True)
    client.post("/logout")
    login(make_user(Role.COORDINATOR))
    assert 'href="/admin/audit"' not in client.get("/").get_data(as_text=True)
    assert client.get("/admin/audit").status_code == 403


def test_a_visit_record_is_named_by_its_school_and_day(
    client, login, admin, db_session, make_school, make_team
):
    visit = add_visit(
        db_session,
        school=make_school(name="SMK Negeri 3"),
        team=make_team(),
        on=next_month_weekdays()[0],
    )
    changes = {"status": ["proposed", "cancelled"], "cancel_reason": "Hujan"}
    record_event(
        db_session, now=utcnow(), actor=admin, action="visit.cancel", entity=visit, changes=changes
    )
    db_session.commit()
    login(admin)
    page = text_of(client.get("/admin/audit?action=visit.cancel"))
    assert "SMK Negeri 3, " in page and "Diusulkan → Dibatalkan" in page and "Hujan" in page
    assert PASSWORD not in page


@pytest.mark.parametrize(
    "name",
    [
        "Penjadwal otomatis",
        "automatic  SCHEDULER",
        "Perintah di server",
        "Server command",
        "Operator sekolah, lewat tautan",
        "Data demo",
        "Tanpa akun",
        "Not logged in",
        "scheduler",
        "anonymous",
    ],
)
def test_a_persons_name_cannot_be_a_system_actors(client, login, admin, db_session, name):
    from outreach.models import User

    login(admin)
    data = {
        "username": "nama-sistem",
        "name": name,
        "role": "coordinator",
        "password": "sandi-awal-123",
        "confirm": "sandi-awal-123",
    }
    response = client.post("/admin/users/new", data=data)
    assert response.status_code == 200
    assert "Nama ini dipakai aplikasi untuk tindakannya sendiri" in text_of(response)
    edit = client.post(f"/admin/users/{admin.id}", data={**data, "role": "admin", "is_active": "y"})
    assert "Nama ini dipakai aplikasi" in text_of(edit)
    db_session.expire_all()
    assert db_session.scalar(select(User).where(User.username == "nama-sistem")) is None
    assert db_session.get(User, admin.id).name == "Rahmat Hidayat"
