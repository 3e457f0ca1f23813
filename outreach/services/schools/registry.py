"""The school registry: creating, changing, (de)activating and listing schools."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, joinedload

from outreach.errors import Conflict, DomainError
from outreach.i18n import office_date
from outreach.models import (
    Kecamatan,
    Kelurahan,
    Role,
    School,
    SchoolLevel,
    SchoolStatus,
    SessionEnd,
    User,
    Visit,
)
from outreach.scheduling.calendar import month_start, next_month
from outreach.services.audit import apply_changes, diff, record_event
from outreach.services.paging import Page, contains_pattern, paginate
from outreach.services.sessions import end_user_sessions
from outreach.services.versions import expect_version, flush
from outreach.services.visits.changes import Who
from outreach.services.visits.lifecycle import cancel_school_visits


@dataclass
class SchoolValues:
    """Everything a coordinator can set on a school, already cleaned by the form or importer."""

    npsn: str
    name: str
    level: SchoolLevel
    kecamatan_code: str
    status: SchoolStatus | None = None
    address: str | None = None
    kelurahan_code: str | None = None
    lat: float | None = None
    lng: float | None = None
    liaison_name: str | None = None
    liaison_phone: str | None = None
    liaison_email: str | None = None
    students_pending: int | None = None
    preferred_weekdays: int = 0


FIELDS = tuple(f.name for f in dataclasses.fields(SchoolValues))


def get_school_by_npsn(session: Session, npsn: str) -> School | None:
    return session.scalar(select(School).where(School.npsn == npsn))


def _check(session: Session, values: SchoolValues, school: School | None) -> None:
    if not values.name.strip():
        raise DomainError(_l("Enter the school's name."), field="name")
    other = get_school_by_npsn(session, values.npsn)
    if other is not None and other is not school:
        raise Conflict(
            _l(
                "NPSN %(npsn)s is already registered for %(name)s.",
                npsn=values.npsn,
                name=other.name,
            ),
            field="npsn",
        )
    if session.get(Kecamatan, values.kecamatan_code) is None:
        raise DomainError(_l("Choose a kecamatan from the list."), field="kecamatan")
    if values.kelurahan_code:
        kelurahan = session.get(Kelurahan, values.kelurahan_code)
        if kelurahan is None:
            raise DomainError(_l("Choose a kelurahan from the list."), field="kelurahan")
        if kelurahan.kecamatan_code != values.kecamatan_code:
            kecamatan = session.get(Kecamatan, values.kecamatan_code)
            raise DomainError(
                _l(
                    "Kelurahan %(kelurahan)s is not in Kecamatan %(kecamatan)s.",
                    kelurahan=kelurahan.name,
                    kecamatan=kecamatan.name,
                ),
                field="kelurahan",
            )


def snapshot(school: School) -> dict:
    return {name: getattr(school, name) for name in FIELDS}


def create_school(
    session: Session,
    values: SchoolValues,
    *,
    now: datetime,
    actor: User | str,
) -> School:
    _check(session, values, None)
    school = School(**dataclasses.asdict(values), created_at=now, updated_at=now)
    session.add(school)
    session.flush()
    record_event(
        session,
        now=now,
        actor=actor,
        action="school.create",
        entity=school,
        changes={key: value for key, value in snapshot(school).items() if value not in (None, 0)},
    )
    return school


def update_school(
    session: Session,
    school: School,
    values: SchoolValues,
    *,
    now: datetime,
    actor: User | str,
    version: int | None,
) -> dict:
    """Apply ``values``; returns the changes (empty when nothing changed, and then no event).
    Refused (Stale) when ``version``, the one the form showed, is no longer the school's."""
    expect_version(school, version)
    _check(session, values, school)
    before = snapshot(school)
    changes = diff(before, dataclasses.asdict(values))
    if not changes:
        return {}
    apply_changes(session, school, changes, now=now, actor=actor, action="school.update")
    return changes


@dataclass(frozen=True)
class Activation:
    """What (de)activating a school did: the visits its deactivation cancelled, and the first
    month the monthly plan places it in again (on reactivation)."""

    active: bool
    cancelled: list[Visit] = dataclasses.field(default_factory=list)
    planned_from: date | None = None


def set_school_active(
    session: Session,
    school: School,
    active: bool,
    *,
    now: datetime,
    actor: User | str,
    version: int | None,
) -> Activation | None:
    """Deactivate or reactivate; None when the school already was so. Refused (Stale) when
    the page showed another version of the school.

    A deactivated school is no longer visited: its open visits from today on are cancelled
    through the visit lifecycle (audited, with the reason), its liaisons' sessions end.
    Reactivating brings neither back: a cancellation is final (the school was told the visit
    is cancelled), and the monthly plan places the school again from the first month that has
    no plan visit of it."""
    expect_version(school, version)
    if school.is_active == active:
        return None
    today = office_date(now)
    school.is_active = active
    school.updated_at = now
    flush(session)
    record_event(
        session,
        now=now,
        actor=actor,
        action="school.reactivate" if active else "school.deactivate",
        entity=school,
        changes={"is_active": [not active, active]},
    )
    if active:
        return Activation(True, planned_from=first_month_to_plan(session, school, today))
    cancelled = cancel_school_visits(session, school.id, now=now, today=today, who=Who(actor))
    # Its liaisons' accounts end with it (authenticate refuses them from now on).
    liaisons = session.scalars(select(User).where(User.school_id == school.id))
    for liaison in liaisons:
        end_user_sessions(session, liaison, now=now, reason=SessionEnd.DEACTIVATED)
    return Activation(False, cancelled=cancelled)


def first_month_to_plan(session: Session, school: School, today: date) -> date:
    """The first month from this one without a monthly-plan visit of the school (of any
    status): the first the monthly plan can place it in."""
    planned = set(
        session.scalars(
            select(Visit.plan_month).where(
                Visit.school_id == school.id, Visit.plan_month >= month_start(today)
            )
        )
    )
    month = month_start(today)
    while month in planned:
        month = next_month(month)
    return month


@dataclass(frozen=True)
class SchoolFilters:
    q: str = ""
    kecamatan: str = ""
    level: str = ""
    status: str = ""
    active: str = "active"  # active | inactive | all
    sort: str = "name"
    descending: bool = False


SORT_COLUMNS = {
    "name": (School.name, School.npsn),
    "npsn": (School.npsn,),
    "kecamatan": (Kecamatan.name, School.name),
    "level": (School.level, School.name),
    "pending": (School.students_pending, School.name),
    "updated": (School.updated_at, School.name),
}


def _filtered(filters: SchoolFilters) -> Select:
    query = select(School)
    q = filters.q.strip()
    if q:
        digits = q.replace(" ", "")
        conditions = [func.lower(School.name).like(contains_pattern(q), escape="\\")]
        if digits.isdigit():
            conditions.append(School.npsn.like(f"{digits}%"))
        query = query.where(or_(*conditions))
    if filters.kecamatan:
        query = query.where(School.kecamatan_code == filters.kecamatan)
    if filters.level:
        query = query.where(School.level == SchoolLevel(filters.level))
    if filters.status:
        query = query.where(School.status == SchoolStatus(filters.status))
    if filters.active == "active":
        query = query.where(School.is_active)
    elif filters.active == "inactive":
        query = query.where(~School.is_active)
    return query


def list_schools(
    session: Session, filters: SchoolFilters, *, page: int = 1, per_page: int = 25
) -> Page:
    columns = SORT_COLUMNS.get(filters.sort, SORT_COLUMNS["name"])
    first, *rest = columns
    if filters.descending:
        order = [first.desc().nulls_last(), *rest]
    else:
        order = [first.asc().nulls_last(), *rest]
    query = _filtered(filters)
    if filters.sort == "kecamatan":  # counted without the join: every school has its kecamatan
        query = query.join(School.kecamatan)
    query = query.options(joinedload(School.kecamatan), joinedload(School.kelurahan)).order_by(
        *order, School.id
    )
    return paginate(session, query, page=page, per_page=per_page, count=_filtered(filters))


def count_schools(session: Session) -> dict[str, int]:
    """How many schools are active and inactive."""
    rows = session.execute(select(School.is_active, func.count()).group_by(School.is_active))
    counts = {"active": 0, "inactive": 0}
    for is_active, number in rows:
        counts["active" if is_active else "inactive"] = number
    return counts


def list_liaison_accounts(session: Session, school: School) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .where(User.school_id == school.id, User.role == Role.LIAISON)
            .order_by(User.is_active.desc(), User.username)
        )
    )


def list_school_visits(session: Session, school: School, *, limit: int = 50) -> list[Visit]:
    return list(
        session.scalars(
            select(Visit)
            .where(Visit.school_id == school.id)
            .options(joinedload(Visit.team))
            .order_by(Visit.visit_on.desc(), Visit.id.desc())
            .limit(limit)
        )
    )
