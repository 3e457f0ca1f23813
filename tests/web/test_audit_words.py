"""Every event the app writes reads in words on the admin's audit page: each action of
labels.AUDIT_ACTION_LABELS with the details its service writes, the audit page's own views with
their filters, a refused page by its name; no key, code, id, ISO date or path where words can
say it, and every action's label names it unambiguously on its own."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import pytest
from babel.messages.pofile import read_po

from outreach.labels import AUDIT_ACTION_LABELS
from outreach.models import (
    AuditEvent,
    ClosureKind,
    ClosureSource,
    CoverageSnapshot,
    OfficeClosure,
    PlanKind,
    PlanRun,
    PlanTrigger,
    Role,
    SchoolBlackout,
    utcnow,
)
from outreach.services.audit import record_event
from tests.services.visit_helpers import add_visit
from tests.web.visit_fixtures import next_month_weekdays

CATALOGUE = "outreach/translations/id/LC_MESSAGES/messages.po"
NPSN = "10702414"


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN, username="rahmat", name="Rahmat Hidayat")


@pytest.fixture
def records(db_session, make_school, make_team, make_resident, make_user, admin):
    """One record of each kind an event may be about, with names a page would show."""
    month = next_month_weekdays()[0]
    school = make_school(name="SMA Negeri 3 Kota Bengkulu", npsn=NPSN)
    team = make_team(name="Tim Perekaman 1")
    resident = make_resident(name="Siti Aminah")
    coordinator = make_user(Role.COORDINATOR, username="yulia", name="Yulia Safitri")
    visit = add_visit(db_session, school=school, team=team, on=month)
    home = add_visit(db_session, resident=resident, team=team, on=month)
    closure = OfficeClosure(
        closed_on=date(2026, 8, 17),
        name="Hari ulang tahun kota",
        kind=ClosureKind.LOCAL,
        source=ClosureSource.USER,
    )
    blackout = SchoolBlackout(
        school=school, first_on=date(2026, 6, 22), last_on=date(2026, 7, 11), reason="Ujian"
    )
    coverage = CoverageSnapshot(
        as_of=date(2024, 8, 4), kecamatan_code="17.71.01", wajib_ktp=31_204, recorded=30_877
    )
    run = PlanRun(kind=PlanKind.SCHOOL_MONTH, month=month.replace(day=1), trigger=PlanTrigger.USER)
    db_session.add_all([closure, blackout, coverage, run])
    db_session.commit()
    return {
        "School": school,
        "Team": team,
        "Resident": resident,
        "User": coordinator,
        "Visit": visit,
        "Home": home,
        "OfficeClosure": closure,
        "SchoolBlackout": blackout,
        "CoverageSnapshot": coverage,
        "PlanRun": run,
        "month": month,
    }


def examples(r) -> dict[str, tuple[object | None, dict]]:
    """Each action with the record it is about and the details its service writes (read off
    the services: registry, requests, status, queue, lifecycle, moves, outcomes, links, feeds,
    planning, teams, users, closures, coverage, importing, errors, exports)."""
    month = r["month"]
    day = month.isoformat()
    later = (month + timedelta(days=7)).isoformat()
    school_fields = {
        "npsn": NPSN,
        "name": "SMA Negeri 3 Kota Bengkulu",
        "level": "sma",
        "status": "negeri",
        "address": "Jl. RE. Martadinata No. 41",
        "kecamatan_code": "17.71.01",
        "kelurahan_code": "17.71.01.1001",
        "liaison_phone": "+6281397162955",
        "preferred_weekdays": 3,
    }
    resident_fields = {
        "nik": "…",
        "name": "Siti Aminah",
        "address": "Jl. Merpati No. 7",
        "kelurahan_code": "17.71.01.1001",
        "category": "both",
        "birth_on": "1948-03-12",
        "sex": "f",
        "disability": "hearing_speech",
        "is_bedridden": True,
        "requested_via": "rt_rw",
        "requested_on": "2026-11-02",
        "lat": -3.797448,
    }
    imported = {"source": "sekolah.xlsx", "new": 3, "changed": 1, "unchanged": 68}
    refused = {"status": 403, "method": "GET", "path": f"/schools/{r['School'].id}/edit"}
    team = {"name": "Tim Perekaman 1", "school_visits_per_day": 2, "home_visits_per_day": 3}
    return {
        "school.create": (r["School"], school_fields),
        "school.update": (r["School"], {"students_pending": [13, 15], "visit": r["Visit"].id}),
        "school.deactivate": (r["School"], {"is_active": [True, False]}),
        "school.reactivate": (r["School"], {"is_active": [False, True]}),
        "school.import_create": (r["School"], {k: [None, v] for k, v in school_fields.items()}),
        "school.import_update": (
            r["School"],
            {"level": ["other", "sma"], "status": [None, "swasta"]},
        ),
        "school.import": (None, imported),
        "school.feed_renew": (r["School"], {}),
        "school.feed_revoke": (r["School"], {}),
        "blackout.create": (
            r["SchoolBlackout"],
            {"school": NPSN, "first_on": "2026-06-22", "last_on": "2026-07-11", "reason": "Ujian"},
        ),
        "blackout.merge": (
            r["SchoolBlackout"],
            {
                "school": NPSN,
                "first_on": ["2026-06-22", "2026-06-15"],
                "last_on": ["2026-07-11", "2026-07-18"],
                "reason": "Ujian",
                "absorbed": 1,
            },
        ),
        "blackout.delete": (
            r["SchoolBlackout"],
            {"school": None, "first_on": "2026-12-21", "last_on": "2027-01-03", "reason": "Libur"},
        ),
        "user.create": (
            r["User"],
            {"username": "yulia", "role": "liaison", "team": None, "school": NPSN},
        ),
        "user.update": (
            r["User"],
            {"role": ["officer", "coordinator"], "team": ["Tim Perekaman 1", None]},
        ),
        "user.password_reset": (r["User"], {}),
        "auth.login": (r["User"], {}),
        "auth.login_failed": (r["User"], {}),
        "auth.password_change_failed": (r["User"], {}),
        "auth.forbidden": (None, {**refused, "route": "schools.edit", "count": 3}),
        "auth.rate_limited": (
            None,
            {
                "status": 429,
                "method": "POST",
                "path": "/login",
                "route": "auth.login",
                "username": "petugas1",
                "count": 7,
                "last_at": utcnow().isoformat(),
            },
        ),  # fmt: skip
        "resident.create": (r["Resident"], resident_fields),
        "resident.update": (r["Resident"], {"nik": ["…", "…"], "phone": [None, "+6281273001111"]}),
        "resident.status": (
            r["Resident"],
            {"status": ["waiting", "unreachable"], "reason": "Tiga kali ditelepon."},
        ),
        "resident.import_create": (
            r["Resident"],
            {k: [None, v] for k, v in resident_fields.items() if k != "nik"},
        ),
        "resident.import_update": (
            r["Resident"],
            {"rt": ["001", "007"], "is_bedridden": [False, True]},
        ),
        "resident.import": (None, {**imported, "source": "warga.csv"}),
        "resident.export": (
            None,
            {
                "filters": {
                    "q": "siti",
                    "status": "open",
                    "category": "lansia",
                    "kecamatan": "17.71.01",
                    "kelurahan": "17.71.01.1001",
                    "waited_days": 30,
                },
                "rows": 12,
            },
        ),  # fmt: skip
        "resident.view_nik": (r["Resident"], {}),
        "resident.find_nik": (r["Resident"], {"via": "import", "source": "warga.csv"}),
        "visit.cancel": (
            r["Visit"],
            {"status": ["proposed", "cancelled"], "cancel_reason": [None, "Hujan deras"]},
        ),
        "visit.confirm": (
            r["Visit"],
            {
                "students_expected": [None, 15],
                "start_time": [None, "08:30:00"],
                "status": ["proposed", "confirmed"],
                "confirmed_at": [None, utcnow().isoformat()],
                "confirmed_via": [None, "link"],
                "confirmed_by_name": [None, "Ibu Rina"],
            },
        ),  # fmt: skip
        "visit.request": (
            r["Visit"],
            {"requested_visit_on": [None, later], "request_reason": [None, "Ujian praktik"]},
        ),
        "visit.decline": (
            r["Visit"],
            {"status": ["proposed", "cancelled"], "cancel_reason": [None, "Praktik kerja"]},
        ),
        "visit.move": (
            r["Visit"],
            {
                "status": ["proposed", "moved"],
                "cancel_reason": [None, "Class meeting"],
                "visit_on": [day, later],
                "team": ["Tim Perekaman 2", "Tim Perekaman 1"],
            },
        ),  # fmt: skip
        "visit.reassign": (
            r["Home"],
            {
                "team_id": [1, 2],
                "route_order": [2, 4],
                "team": ["Tim Perekaman 2", "Tim Perekaman 1"],
            },
        ),
        "visit.missed": (
            r["Visit"],
            {"status": ["confirmed", "missed"], "cancel_reason": [None, "Tim tidak berangkat"]},
        ),
        "visit.outcome": (
            r["Home"],
            {
                "status": ["confirmed", "completed"],
                "home_outcome": [None, "not_at_home"],
                "notes": [None, "Rumah kosong"],
                "completed_at": [None, utcnow().isoformat()],
                "completed_by_id": [None, 3],
            },
        ),  # fmt: skip
        "visit.outcome_correct": (
            r["Visit"],
            {
                "students_recorded": [40, 60],
                "students_not_recorded": [5, 0],
                "students_pending_before": [None, 67],
                "reason": "Salah ketik",
            },
        ),  # fmt: skip
        "visit.outcome_kept": (r["Home"], {"problem": "cancelled"}),
        "visit.outcome_kept_resolved": (r["Home"], {"note": "Dicatat manual"}),
        "visit.follow_up": (r["Visit"], {"follow_up_on": later, "reason": "Siswa susulan"}),
        "visit.link": (r["Visit"], {}),
        "visit.link_mail": (r["Visit"], {"to": "operator@sman3.sch.id"}),
        "visit.link_whatsapp": (r["Visit"], {"to": "+6281397162955"}),
        "team.create": (
            r["Team"],
            {
                **team,
                "kecamatan": ["17.71.01", "17.71.02"],
                "start": "-3.7928, 102.2655",
                "phone": "+6273621234",
                "is_active": True,
            },
        ),  # fmt: skip
        "team.update": (
            r["Team"],
            {
                "home_visits_per_day": [3, 4],
                "kecamatan": [["17.71.01"], ["17.71.01", "17.71.02"]],
                "is_active": [True, False],
            },
        ),  # fmt: skip
        "team.feed_renew": (r["Team"], {}),
        "team.feed_revoke": (r["Team"], {}),
        "plan.school_month": (
            r["PlanRun"],
            {
                "month": month.replace(day=1).isoformat(),
                "created": 60,
                "skipped": 2,
                "unplaced": 10,
            },
        ),  # fmt: skip
        "plan.home_visits": (
            r["PlanRun"],
            {"start": day, "days": 14, "created": 54, "waiting": 36},
        ),
        "closure.create": (r["OfficeClosure"], {"closed_on": "2026-08-17", "name": "HUT kota"}),
        "closure.update": (
            r["OfficeClosure"],
            {"closed_on": ["2026-08-17", "2026-08-18"], "name": ["HUT kota", "HUT Kota"]},
        ),
        "closure.delete": (r["OfficeClosure"], {"closed_on": "2026-08-18", "name": "HUT Kota"}),
        "closure.reload": (None, {"year": 2027, "added": 24, "removed": 1, "unchanged": 3}),
        "coverage.create": (
            r["CoverageSnapshot"],
            {
                "as_of": "2024-08-04",
                "kecamatan_code": "17.71.01",
                "wajib_ktp": 31204,
                "recorded": 30877,
                "source": "Laporan DKB semester I",
            },
        ),  # fmt: skip
        "coverage.update": (r["CoverageSnapshot"], {"recorded": [30877, 30901]}),
        "coverage.delete": (
            r["CoverageSnapshot"],
            {
                "as_of": ["2024-08-04", None],
                "kecamatan_code": [None, None],
                "wajib_ktp": [31204, None],
                "recorded": [30901, None],
            },
        ),  # fmt: skip
        "coverage.import_create": (
            r["CoverageSnapshot"],
            {
                "as_of": [None, "2024-08-04"],
                "kecamatan_code": [None, "17.71.01"],
                "wajib_ktp": [None, 31204],
                "recorded": [None, 30877],
            },
        ),  # fmt: skip
        "coverage.import_update": (r["CoverageSnapshot"], {"recorded": [30877, 30901]}),
        "coverage.import": (None, {**imported, "source": "cakupan.csv"}),
        "visit.export": (None, {"month": month.strftime("%Y-%m"), "rows": 83, "format": "xlsx"}),
        "visit.day_sheet_export": (r["Team"], {"visit_on": day, "rows": 7, "format": "xlsx"}),
        "visit.sheet_upload": (
            r["Team"],
            {
                "visit_on": day,
                "source": "lembar harian tim 1.xlsx",
                "saved": 5,
                "unchanged": 1,
                "not_filled": 1,
            },
        ),  # fmt: skip
        "template.export": (None, {"template": "residents", "rows": 412, "format": "csv"}),
        "audit.view": (
            None,
            {
                "user_id": r["User"].id,
                "action": "auth.forbidden",
                "entity_type": "Resident",
                "entity_id": r["Resident"].id,
                "first_on": "2026-11-01",
                "last_on": "2026-11-30",
                "before": 2759,
            },
        ),  # fmt: skip
    }


# What a stored value looks like when it reaches the page unread.
RAW = [
    (re.compile(r"\b(auth|user|audit|school|blackout|resident|visit|plan|team|closure|coverage"
                r"|template)\.[a-z_]+"), "an action's key"),
    (re.compile(r"\b[a-z]+_[a-z_]+\b"), "a key or an enum's value"),
    (re.compile(r"\b\d{4}-\d{2}(-\d{2})?\b"), "an ISO date or month"),
    (re.compile(r"\bT\d{2}:\d{2}"), "an ISO instant"),
    (re.compile(r"\b\d{2}:\d{2}:\d{2}\b"), "a stored time"),
    (re.compile(r"\b17\.71\.\d{2}"), "a region's code"),
    (re.compile(r"\+62"), "a stored phone number"),
    (re.compile(r"\b(True|False|None)\b"), "a Python value"),
    (re.compile(r"\b(School|Resident|Visit|User|OfficeClosure|PlanRun)\b"), "a model"),
    (re.compile(r"(?<!\.)\b(proposed|cancelled|confirmed|completed|moved|missed|waiting|unreachable"
                r"|lansia|both|sma|negeri|swasta|liaison|officer|coordinator|rt_rw|open|import"
                r"|csv|xlsx|residents|link)\b"), "an enum's value"),
    (re.compile(r"(?<![\w.])/[a-z]+/"), "a path"),
    (re.compile(f"Sekolah: {NPSN}"), "an NPSN where the school's name says it"),
    (re.compile(r"tidak ditampilkan → tidak ditampilkan"), "a NIK change"),
    (re.compile(r"Sebelum: |No\. data: "), "the page's cursor, a record's id"),
]  # fmt: skip


def row_texts(html: str) -> list[str]:
    rows = re.findall(r'<tr data-testid="audit-event">(.*?)</tr>', html, re.S)
    return [re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", row))).strip() for row in rows]


def test_every_action_reads_in_words(client, login, admin, records, db_session):
    written = examples(records)
    assert written.keys() == AUDIT_ACTION_LABELS.keys()  # a new action needs its example here
    for action, (entity, changes) in written.items():
        actor = admin if action not in ("auth.login_failed",) else "yulia"
        record_event(
            db_session,
            now=utcnow(),
            actor=actor if not action.startswith("plan.") else "scheduler",
            action=action,
            entity=entity,
            changes=changes,
            remote_addr="10.1.2.3",
        )
    db_session.commit()
    login(admin)
    for action in sorted(written, key=lambda action: action != "audit.view"):  # before its own
        html = client.get("/admin/audit", query_string={"action": action}).get_data(as_text=True)
        rows = [row for row in row_texts(html) if row.endswith(" 10.1.2.3")]  # the example's
        assert len(rows) == 1, action
        text = rows[0]
        for pattern, what in RAW:
            found = pattern.search(text)
            assert found is None, f"{action}: {what} {found.group()!r} in {text!r}"
    # every detail an example carries has a label of its own (never its key made into words)
    from outreach.web.admin.audit_values import detail_label
    from outreach.web.admin.audit_words import HIDDEN_DETAILS

    with client.application.test_request_context():
        for action, (entity, changes) in written.items():
            event = AuditEvent(action=action, entity_type=type(entity).__name__ if entity else None)
            hidden = HIDDEN_DETAILS | ({"before", "after"} if action == "audit.view" else set())
            unnamed = [name for name in changes if name not in hidden and name != "nik"]
            assert [n for n in unnamed if detail_label(event, n) is None] == [], action


def test_an_audit_page_view_names_its_filters(client, login, admin, records, db_session):
    resident, coordinator = records["Resident"], records["User"]
    login(admin)
    client.get(
        "/admin/audit",
        query_string={
            "who": coordinator.id,
            "action": "school.import_update",
            "record": "Resident",
            "record_id": resident.id,
            "first_on": "2026-11-01",
        },
    )
    client.get("/admin/audit", query_string={"who": "scheduler", "before": 2759})
    html = client.get("/admin/audit?action=audit.view").get_data(as_text=True)
    filtered, paged = row_texts(html)[-2:][::-1]
    assert "Siapa: Yulia Safitri (yulia)" in filtered
    assert "Apa: Data sekolah diubah lewat impor" in filtered
    assert "Jenis data: Warga" in filtered and "Data: Siti Aminah" in filtered
    assert "Dari: Minggu, 1 November 2026" in filtered
    assert "Siapa: Penjadwal otomatis" in paged and "2.759" not in paged


def test_a_refused_page_is_named_with_its_record(client, login, admin, records, make_user):
    officer = make_user(Role.OFFICER)
    login(officer)
    school = records["School"]
    assert client.get(f"/schools/{school.id}/edit").status_code == 403
    assert client.get(f"/schools/{school.id + 999}/edit").status_code == 403
    assert client.get("/account/password").status_code == 200
    assert client.get("/admin/audit").status_code == 403
    client.post("/logout")
    login(admin)
    html = client.get("/admin/audit?action=auth.forbidden").get_data(as_text=True)
    text = " ".join(row_texts(html))
    assert "Halaman: Ubah sekolah · SMA Negeri 3 Kota Bengkulu" in text
    assert "Halaman terakhir: Ubah sekolah (data tidak ditemukan)" in text
    assert "Halaman: Log audit" in text
    # the path only where words cannot say it, in small print
    paths = re.findall(r'data-testid="audit-path">([^<]*)<', html)
    assert paths == [f"/schools/{school.id + 999}/edit"]


def test_a_path_no_route_names_is_shown_as_it_is_in_small_print(client, login, admin, db_session):
    record_event(
        db_session,
        now=utcnow(),
        actor="anonymous",
        action="auth.forbidden",
        changes={"status": 404, "method": "GET", "path": "/wp-login.php", "route": None},
    )
    record_event(
        db_session,
        now=utcnow(),
        actor=admin,
        action="auth.rate_limited",
        changes={"status": 429, "method": "POST", "path": "/account/password"},
    )
    db_session.commit()
    login(admin)
    html = client.get("/admin/audit").get_data(as_text=True)
    text = " ".join(row_texts(html))
    assert "Halaman: bukan halaman aplikasi /wp-login.php" in text
    assert "Halaman: Ganti kata sandi" in text and "/account/password" not in text
    assert re.findall(r'data-testid="audit-path">([^<]*)<', html) == ["/wp-login.php"]


def test_every_page_of_the_app_has_a_name(app):
    from outreach.web.admin.audit_pages import PAGE_LABELS

    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(endpoints - PAGE_LABELS.keys()) == []
    assert sorted({key.split(":")[0] for key in PAGE_LABELS} - endpoints) == []


def test_every_action_label_is_unambiguous_on_its_own():
    """The "what" filter lists each action by its label alone: no two read the same, in
    English or in Indonesian (they were "Changed by import" for schools and requests alike)."""
    with open(CATALOGUE, "rb") as file:
        catalogue = read_po(file)
    english = [str(label._args[0]) for label in AUDIT_ACTION_LABELS.values()]
    indonesian = [catalogue.get(text).string for text in english]
    assert all(indonesian)
    for names in (english, indonesian):
        repeated = sorted({name for name in names if names.count(name) > 1})
        assert repeated == []


def test_the_what_filter_offers_each_action_once_in_words(client, login, admin):
    login(admin)
    html = client.get("/admin/audit").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="action".*?</select>', html, re.S).group()
    options = [unescape(text) for text in re.findall(r"<option[^>]*>([^<]*)</option>", select)]
    assert len(options) == len(AUDIT_ACTION_LABELS) + 1
    assert len(set(options)) == len(options)
    assert (
        "Data sekolah diubah lewat impor" in options and "Permintaan diubah lewat impor" in options
    )
    assert "Tautan kalender tim dibuat" in options and "Tautan kalender sekolah dibuat" in options
