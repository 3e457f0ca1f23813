"""Version counters on schools, residents (home-visit requests) and teams: a change made on an
old version is refused (services.versions.Stale) with nothing written — whether the page was
old (the version it carried) or two saves raced (the UPDATE found another version) —,
bookkeeping leaves the version alone, and the writes that go around the ORM raise it."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from outreach.extensions import db
from outreach.i18n import office_today
from outreach.models import Resident, ResidentStatus, School, Team, Visit, VisitStatus, utcnow
from outreach.services.importing import ImportPreview
from outreach.services.planning import homes
from outreach.services.planning.inputs import PlanSettings
from outreach.services.residents.requests import ResidentValues, update_resident
from outreach.services.residents.requests import snapshot as resident_snapshot
from outreach.services.residents.status import change_status
from outreach.services.schools.imports import TEMPLATE_HEADINGS, import_schools
from outreach.services.schools.registry import (
    SchoolValues,
    set_school_active,
    update_school,
)
from outreach.services.schools.registry import snapshot as school_snapshot
from outreach.services.tables import read_table
from outreach.services.teams import TeamValues, update_team
from outreach.services.versions import Stale, seen_version
from outreach.services.visits.changes import StaleVisit, Who
from outreach.services.visits.feeds import renew_feed
from outreach.services.visits.lifecycle import bulk_apply, confirm_visit
from tests.school_files import csv_file, template_row
from tests.services.visit_helpers import TODAY, add_visit


def shown(kind: str, record) -> dict:
    """What an edit page shows of the record: every field its form posts back."""
    if kind == "school":
        return school_snapshot(record)
    if kind == "resident":
        return resident_snapshot(record)
    return {
        "name": record.name,
        "school_visits_per_day": record.school_visits_per_day,
        "home_visits_per_day": record.home_visits_per_day,
        "kecamatan_codes": sorted(k.code for k in record.kecamatan),
        "start_lat": record.start_lat,
        "start_lng": record.start_lng,
        "is_active": record.is_active,
        "phone": record.phone,
    }


def save(kind: str, session, record, values: dict, version: int | None):
    """Save ``values`` (a page's fields, changed) as the form of ``kind`` does."""
    options = {"now": utcnow(), "actor": "t", "version": version}
    if kind == "school":
        return update_school(session, record, SchoolValues(**values), **options)
    if kind == "resident":
        values = ResidentValues(**values)
        return update_resident(session, record, values, today=office_today(), **options)
    return update_team(session, record, TeamValues(**values), **options)


def change(kind: str, session, record, version: int | None, **fields):
    """Save the record as it is stored, with ``fields`` changed."""
    return save(kind, session, record, {**shown(kind, record), **fields}, version)


MODELS = {"school": School, "resident": Resident, "team": Team}
# kind: (the change of one editor, the other's)
CHANGES = {
    "school": ({"liaison_name": "Bu Rina"}, {"students_pending": 12}),
    "resident": ({"contact_name": "Hasan"}, {"address": "Jl. Baru 3"}),
    "team": ({"phone": "+6273621234"}, {"home_visits_per_day": 4}),
}


@pytest.fixture
def records(make_school, make_resident, make_team):
    return {
        "school": make_school(liaison_name="Pak Lama", students_pending=40),
        "resident": make_resident(contact_name="Rina"),
        "team": make_team(phone=None, home_visits_per_day=6),
    }


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_two_saves_at_once_the_second_is_refused_by_the_update(kind, records):
    """Both sessions loaded version 1 and both pass the version check; the first commits; the
    second's UPDATE finds version 2 and is refused — nothing of the first overwritten."""
    model, (mine, theirs) = MODELS[kind], CHANGES[kind]
    record_id = records[kind].id
    first, second = Session(db.engine), Session(db.engine)
    try:
        one, two = first.get(model, record_id), second.get(model, record_id)
        page_two = shown(kind, two)  # the second's page, read before the first saves
        assert change(kind, first, one, 1, **mine)
        first.commit()
        with pytest.raises(Stale):
            save(kind, second, two, {**page_two, **theirs}, 1)
        second.rollback()
    finally:
        first.close()
        second.close()
    db.session.expire_all()
    stored = db.session.get(model, record_id)
    assert stored.version == 2
    assert all(getattr(stored, name) == value for name, value in mine.items())
    assert all(getattr(stored, name) != value for name, value in theirs.items())


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_a_save_from_an_old_page_is_refused_before_anything_is_written(kind, records):
    mine, theirs = CHANGES[kind]
    record = records[kind]
    page = shown(kind, record)
    assert change(kind, db.session, record, 1, **mine)
    db.session.commit()
    for version in (1, 0, 3):  # the page's (now old), none read from the form, a made-up one
        with pytest.raises(Stale):
            save(kind, db.session, record, {**page, **theirs}, version)
        db.session.rollback()
    assert record.version == 2
    assert all(getattr(record, name) != value for name, value in theirs.items())
    assert all(getattr(record, name) == value for name, value in mine.items())


FIELD_CHANGES = {
    "school": st.sampled_from(
        [
            {"liaison_name": "Bu Rina"},
            {"liaison_name": "Pak Dedi"},
            {"students_pending": 7},
            {"students_pending": None},
            {"address": "Jl. Sudirman 1"},
            {"preferred_weekdays": 3},
        ]
    ),
    "resident": st.sampled_from(
        [
            {"contact_name": "Hasan"},
            {"contact_name": "Desi"},
            {"address": "Jl. Mawar 2"},
            {"phone": "+6281273001111"},
            {"is_bedridden": True},
            {"is_bedridden": False},
        ]
    ),
    "team": st.sampled_from(
        [
            {"phone": "+6273621234"},
            {"home_visits_per_day": 4},
            {"school_visits_per_day": 1},
            {"kecamatan_codes": ["17.71.02"]},
            {"kecamatan_codes": ["17.71.01", "17.71.03"]},
        ]
    ),
}


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_random_interleavings_of_two_editors_never_lose_a_saved_change(kind, records):
    """Two editors open the record's form (each page keeps the version and values it showed)
    and save it with one field changed, in any order: a save goes through exactly when the
    version it carries is the stored one, and the record then holds that page with the
    change; a refused save leaves the record as it was — no saved change is ever lost."""
    model, record_id = MODELS[kind], records[kind].id
    step = st.tuples(st.sampled_from(["open", "save"]), st.integers(0, 1), FIELD_CHANGES[kind])

    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(steps=st.lists(step, min_size=2, max_size=8))
    def interleave(steps):
        pages: dict[int, tuple[int, dict]] = {}  # editor → (version, values) its page shows
        for what, editor, fields in steps:
            db.session.expire_all()
            record = db.session.get(model, record_id)
            if what == "open" or editor not in pages:
                pages[editor] = (record.version, shown(kind, record))
                continue
            version, page = pages.pop(editor)  # a save leaves the form's page
            stored_before = (record.version, shown(kind, record))
            try:
                save(kind, db.session, record, {**page, **fields}, version)
                db.session.commit()
            except Stale:
                db.session.rollback()
                assert version != stored_before[0]
                db.session.expire_all()
                now = db.session.get(model, record_id)
                assert (now.version, shown(kind, now)) == stored_before
            else:
                assert version == stored_before[0]
                db.session.expire_all()
                now = db.session.get(model, record_id)
                assert shown(kind, now) == {**page, **fields}

    interleave()


def test_a_team_change_of_only_its_kecamatan_raises_the_version(records):
    team = records["team"]
    assert change("team", db.session, team, 1, kecamatan_codes=["17.71.02"]) == {
        "kecamatan": [["17.71.01"], ["17.71.02"]]
    }
    db.session.commit()
    assert team.version == 2


def test_a_request_status_change_on_an_old_version_is_refused(records):
    resident = records["resident"]
    change_status(
        db.session, resident, ResidentStatus.REFUSED, "Menolak", now=utcnow(), actor="a",
        version=1,
    )  # fmt: skip
    db.session.commit()
    with pytest.raises(Stale):
        change_status(
            db.session, resident, ResidentStatus.RECORDED, "Direkam", now=utcnow(), actor="b",
            version=1,
        )  # fmt: skip
    db.session.rollback()
    assert resident.status is ResidentStatus.REFUSED and resident.status_reason == "Menolak"


def test_deactivating_on_an_old_version_is_refused(records):
    school = records["school"]
    change("school", db.session, school, 1, name="SMA Baru")
    db.session.commit()
    with pytest.raises(Stale):
        set_school_active(db.session, school, False, now=utcnow(), actor="t", version=1)
    db.session.rollback()
    assert school.is_active


def test_renewing_a_calendar_link_leaves_the_version_alone(records, make_user):
    from outreach.models import Role

    user = make_user(Role.COORDINATOR)
    for kind in ("school", "team"):
        record = records[kind]
        token = renew_feed(db.session, record, now=utcnow(), actor=user)
        db.session.commit()
        db.session.expire_all()
        assert (record.calendar_token, record.version) == (token, 1)


@pytest.mark.parametrize(
    ("value", "read"),
    [("3", 3), (" 3 ", 3), ("", 0), (None, 0), ("0", 0), ("-1", 0), ("١", 0), ("1_0", 0),
     ("3.0", 0), ("9" * 30, 0), ("x", 0)],
)  # fmt: skip
def test_a_version_sent_back_is_read_strictly(value, read):
    assert seen_version(value) == read


# --- bulk actions -----------------------------------------------------------------------------


def test_a_bulk_action_over_a_visit_changed_since_changes_none(make_team, make_school):
    team = make_team(school_visits_per_day=3)
    on = date(2026, 12, 8)
    visits = [add_visit(db.session, school=make_school(), team=team, on=on) for _ in range(3)]
    seen = {visit.id: visit.version for visit in visits}
    who = Who("koordinator")
    confirm_visit(db.session, visits[1], now=utcnow(), today=TODAY, who=who, version=1)
    db.session.commit()
    result = bulk_apply(
        db.session,
        seen,
        lambda v: confirm_visit(db.session, v, now=utcnow(), today=TODAY, who=who, version=None),
    )
    assert [v.id for v in result.stale] == [visits[1].id] and not result.ok
    db.session.rollback()
    statuses = [db.session.get(Visit, v.id).status for v in visits]
    assert statuses == [VisitStatus.PROPOSED, VisitStatus.CONFIRMED, VisitStatus.PROPOSED]


def test_a_bulk_action_racing_a_save_lists_the_visit_as_stale(make_team, make_school):
    """The list's version was current when read, but another save commits before the bulk
    action's UPDATE: the UPDATE finds another version and the visit is listed as changed."""
    team = make_team(school_visits_per_day=3)
    visit = add_visit(db.session, school=make_school(), team=team, on=date(2026, 12, 8))
    who = Who("koordinator")
    other = Session(db.engine)
    try:

        def action(mine):
            theirs = other.get(Visit, mine.id)
            confirm_visit(other, theirs, now=utcnow(), today=TODAY, who=who, version=1)
            other.commit()  # between this session's read and its write
            return confirm_visit(db.session, mine, now=utcnow(), today=TODAY, who=who, version=None)

        result = bulk_apply(db.session, {visit.id: 1}, action)
    finally:
        other.close()
    assert [v.id for v in result.stale] == [visit.id]
    db.session.rollback()
    db.session.expire_all()
    stored = db.session.get(Visit, visit.id)
    assert (stored.status, stored.version) == (VisitStatus.CONFIRMED, 2)  # the other's save
    assert isinstance(StaleVisit(), Stale)


# --- writes around the ORM ------------------------------------------------------------------


def test_the_home_planner_raises_the_version_of_the_requests_it_schedules(make_team, make_resident):
    make_team(kecamatan_codes=("17.71.01",), home_visits_per_day=3)
    resident = make_resident()
    homes.plan_home(
        db.session, start=date(2026, 12, 2), days=3, now=utcnow(), today=TODAY,
        settings=PlanSettings(), trigger=_user_trigger(), actor="t",
    )  # fmt: skip
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Resident, resident.id)
    assert (stored.status, stored.version) == (ResidentStatus.SCHEDULED, 2)


def test_a_request_loaded_before_the_plan_can_be_changed_after_it(make_team, make_resident):
    """The planner's UPDATE goes around the ORM: a request this session already holds reads
    its new status and version again, so that the job's next change to it is no false stale
    (the demo data's office, learning the next day that a request needs no visit, was refused)."""
    make_team(kecamatan_codes=("17.71.01",), home_visits_per_day=3)
    resident = make_resident()
    assert resident.version == 1  # loaded in this session
    homes.plan_home(
        db.session, start=date(2026, 12, 2), days=3, now=utcnow(), today=TODAY,
        settings=PlanSettings(), trigger=_user_trigger(), actor="t",
    )  # fmt: skip
    assert (resident.status, resident.version) == (ResidentStatus.SCHEDULED, 2)
    change_status(db.session, resident, ResidentStatus.RECORDED, "Sudah rekam", now=utcnow(),
                  actor="t")  # fmt: skip
    db.session.commit()
    assert db.session.get(Resident, resident.id).status is ResidentStatus.RECORDED


def test_a_request_closed_while_the_plan_is_made_is_not_scheduled_over(
    monkeypatch, make_team, make_resident
):
    """Someone refuses a request between the planner's reading of the queue and its write:
    the whole plan is refused, and the request stays as they left it."""
    make_team(kecamatan_codes=("17.71.01",), home_visits_per_day=3)
    resident = make_resident()
    real_insert = homes.insert_visits

    def insert_after_someone_closed_it(session, rows):
        with Session(db.engine) as other:
            other.execute(
                update(Resident)
                .where(Resident.id == resident.id)
                .values(status=ResidentStatus.REFUSED, version=Resident.version + 1)
            )
            other.commit()
        return real_insert(session, rows)

    monkeypatch.setattr(homes, "insert_visits", insert_after_someone_closed_it)
    with pytest.raises(Stale):
        homes.plan_home(
            db.session, start=date(2026, 12, 2), days=3, now=utcnow(), today=TODAY,
            settings=PlanSettings(), trigger=_user_trigger(), actor="t",
        )  # fmt: skip
    db.session.rollback()
    assert db.session.get(Resident, resident.id).status is ResidentStatus.REFUSED
    assert db.session.scalars(select(Visit)).all() == []


def _user_trigger():
    from outreach.models import PlanTrigger

    return PlanTrigger.USER


# --- imports ----------------------------------------------------------------------------------


def _file(**cells):
    row = template_row(npsn="10702414", name="SMAN 3", kecamatan="Selebar", **cells)
    return read_table(csv_file(TEMPLATE_HEADINGS, [row]), "sekolah.csv")


def test_an_import_confirmed_after_a_record_changed_is_not_written(make_school):
    school = make_school(npsn="10702414", name="SMAN 3", students_pending=10)
    seen = _preview(_file(students_pending=25)).fingerprint
    change("school", db.session, school, 1, liaison_name="Bu Rina")  # meanwhile
    db.session.commit()
    outcome = import_schools(
        db.session, _file(students_pending=25), now=utcnow(), actor="t", source="x", seen=seen
    )
    assert outcome.stale and not outcome.written
    db.session.rollback()
    assert (school.students_pending, school.liaison_name) == (10, "Bu Rina")
    again = import_schools(
        db.session, _file(students_pending=25), now=utcnow(), actor="t", source="x",
        seen=outcome.preview.fingerprint,
    )  # fmt: skip
    assert again.written and school.students_pending == 25 and school.liaison_name == "Bu Rina"


def test_an_import_racing_an_edit_is_refused_by_the_update(make_school):
    """The fingerprint matched when the import read the school, but an edit commits before the
    import writes: the UPDATE finds another version (Stale), nothing written."""
    school = make_school(npsn="10702414", name="SMAN 3", students_pending=10)
    table = _file(students_pending=25)
    seen = _preview(table).fingerprint
    db.session.rollback()
    from outreach.services import importing

    real = importing.versions.flush
    edits = []

    def flush_after_an_edit(session, *args):
        if session is db.session and not edits:  # the import's write, once
            edits.append(1)
            with Session(db.engine) as other:
                theirs = other.get(School, school.id)
                change("school", other, theirs, 1, liaison_name="Bu Rina")
                other.commit()
        return real(session, *args)

    importing.versions.flush = flush_after_an_edit
    try:
        with pytest.raises(Stale):
            import_schools(db.session, table, now=utcnow(), actor="t", source="x", seen=seen)
    finally:
        importing.versions.flush = real
    db.session.rollback()
    db.session.expire_all()
    stored = db.session.get(School, school.id)
    assert (stored.students_pending, stored.liaison_name) == (10, "Bu Rina")


def test_a_new_school_made_meanwhile_changes_the_fingerprint(make_school):
    seen = _preview(_file()).fingerprint
    make_school(npsn="10702414", name="SMAN 3")
    assert _preview(_file()).fingerprint != seen


def _preview(table) -> ImportPreview:
    from outreach.services.schools.imports import analyse_schools

    return analyse_schools(db.session, table)


VERSIONED = {"School", "Resident", "Team", "Visit"}
# Writes that leave the version alone on purpose: bookkeeping no form shows (the sweeps' flags,
# the liaison's link, a calendar feed's secret), so that no open page goes stale for it.
STAMPS = {
    ("outreach/services/visits/changes.py", "stamp"),
    ("outreach/services/versions.py", "stamp"),
}


def test_every_core_update_of_a_versioned_table_raises_its_version_or_is_a_stamp():
    """An UPDATE that goes around the ORM skips version_id_col: it must raise the version itself
    (a page open on the row then notices), or be one of the documented stamps."""
    import ast
    from pathlib import Path

    import outreach

    root = Path(outreach.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        name = str(path.relative_to(root.parent))
        tree = ast.parse(path.read_text())
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            source = ast.get_source_segment(path.read_text(), function) or ""
            for call in ast.walk(function):
                if not (isinstance(call, ast.Call) and getattr(call.func, "id", "") == "update"):
                    continue
                target = ast.unparse(call.args[0]) if call.args else ""
                if target not in VERSIONED | {"table", "model"}:
                    continue
                if target == "table" and "Visit.__table__" not in source:
                    continue
                found.append((name, function.name))
                if (name, function.name) not in STAMPS:
                    assert "bump(" in source or "version=" in source, (name, function.name)
    assert ("outreach/services/planning/homes.py", "plan_home") in found
    assert STAMPS <= set(found)
