"""Home-visit requests: registering residents, their status in the queue, and the queue."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload

from outreach.domain.nik import age_on, parse_nik
from outreach.domain.problems import Invalid
from outreach.errors import Conflict, DomainError
from outreach.i18n import long_date
from outreach.models import (
    OPEN_RESIDENT_STATUSES,
    OPEN_VISIT_STATUSES,
    DisabilityKind,
    Kelurahan,
    RequestChannel,
    Resident,
    ResidentCategory,
    ResidentCount,
    ResidentStatus,
    Sex,
    User,
    Visit,
    VisitKind,
    VisitStatus,
)
from outreach.services.audit import apply_changes, diff, record_event
from outreach.services.paging import Page, contains_pattern, paginate

ELDERLY_FROM = 60  # years: lansia
RECORDING_FROM = 16  # years: e-KTP recording may start
NEEDS_DISABILITY = (ResidentCategory.DISABILITAS, ResidentCategory.BOTH)
ELDERLY = (ResidentCategory.LANSIA, ResidentCategory.BOTH)


@dataclass
class ResidentValues:
    """A request as typed into the form or a row of an import, cleaned of its shape."""

    nik: str
    name: str
    address: str
    kelurahan_code: str
    category: ResidentCategory | None = None  # None: elderly if the NIK says 60 or more
    birth_on: date | None = None  # None: the date in the NIK
    sex: Sex | None = None  # None: the sex in the NIK
    disability: DisabilityKind | None = None
    is_bedridden: bool = False
    needs_companion: bool = False
    rt: str | None = None
    rw: str | None = None
    lat: float | None = None
    lng: float | None = None
    phone: str | None = None
    contact_name: str | None = None
    contact_relation: str | None = None
    requested_via: RequestChannel = RequestChannel.OTHER
    requested_on: date | None = None  # None: today


FIELDS = tuple(f.name for f in dataclasses.fields(ResidentValues))


class DuplicateRequest(Conflict):
    """The NIK already has an open request; ``existing`` is it."""

    def __init__(self, message, existing: Resident):
        super().__init__(message, field="nik")
        self.existing = existing


def find_open_request(session: Session, nik: str, *, other_than: Resident | None = None):
    query = select(Resident).where(Resident.nik == nik, Resident.status.in_(OPEN_RESIDENT_STATUSES))
    if other_than is not None and other_than.id is not None:
        query = query.where(Resident.id != other_than.id)
    return session.scalar(query)


def complete_values(values: ResidentValues, *, today: date) -> ResidentValues:
    """Check the request's rules and fill what the NIK tells: birth date, sex, and the elderly
    category from 60. Raises DomainError naming the field."""
    try:
        info = parse_nik(values.nik, on=today, birth_hint=values.birth_on)
    except Invalid as error:
        raise DomainError(_l(error.message, **error.params), field="nik") from None
    values = dataclasses.replace(values)
    values.nik = info.nik
    if not (values.name or "").strip():
        raise DomainError(_l("Enter the resident's name."), field="name")
    if not (values.address or "").strip():
        raise DomainError(_l("Enter the address where the officer should come."), "address")
    values.birth_on = values.birth_on or info.birth_on
    values.sex = values.sex or Sex(info.sex)
    if values.birth_on > today:
        raise DomainError(_l("The birth date cannot be in the future."), field="birth_on")
    if values.birth_on.year < 1890:
        raise DomainError(_l("Check the birth year."), field="birth_on")
    values.requested_on = values.requested_on or today
    if values.requested_on > today:
        raise DomainError(_l("The request date cannot be in the future."), "requested_on")
    if values.category is None:
        if age_on(values.birth_on, today) < ELDERLY_FROM:
            raise DomainError(
                _l("Choose the category: under 60, a resident is registered as disabled."),
                field="category",
            )
        values.category = ResidentCategory.LANSIA
    if values.category in NEEDS_DISABILITY and values.disability is None:
        raise DomainError(_l("Choose the kind of disability."), field="disability")
    if values.category is ResidentCategory.LANSIA:
        values.disability = None
    return values


def warnings_for(resident: Resident | ResidentValues, *, today: date) -> list:
    """What the coordinator should look at twice; none of it stops a registration."""
    found = []
    try:
        info = parse_nik(resident.nik, on=today, birth_hint=resident.birth_on)
    except Invalid:
        return found
    if resident.birth_on and info.birth_on != resident.birth_on:
        found.append(
            _l(
                "The NIK says born %(nik_date)s, the record says %(date)s. This can be right: a "
                "NIK is not changed when a birth date is corrected.",
                nik_date=long_date(info.birth_on),
                date=long_date(resident.birth_on),
            )
        )
    if resident.sex and info.sex != resident.sex.value:
        found.append(_l("The NIK and the record give a different sex: check both."))
    if resident.birth_on:
        age = age_on(resident.birth_on, today)
        if resident.category in ELDERLY and age < ELDERLY_FROM:
            found.append(
                _l("Registered as elderly at %(age)d years (elderly is from 60).", age=age)
            )
        if age < RECORDING_FROM:
            found.append(_l("%(age)d years old: e-KTP recording starts at 16.", age=age))
    return found


def _refuse_second_open_request(
    session: Session, nik: str, *, other_than: Resident | None = None
) -> None:
    """DuplicateRequest, naming it, when the NIK already has an open request."""
    existing = find_open_request(session, nik, other_than=other_than)
    if existing is not None:
        raise DuplicateRequest(
            _l(
                "This NIK already has an open request (%(name)s, since %(date)s).",
                name=existing.name,
                date=long_date(existing.requested_on),
            ),
            existing,
        )


def _check_unique(session: Session, values: ResidentValues, resident: Resident | None) -> None:
    """A new request, or a change to an open one, must not make a second open request for its
    NIK; a closed request may be corrected whatever else is open."""
    if resident is None or resident.is_open:
        _refuse_second_open_request(session, values.nik, other_than=resident)
    if session.get(Kelurahan, values.kelurahan_code) is None:
        raise DomainError(_l("Choose a kelurahan from the list."), field="kelurahan")


def snapshot(resident: Resident) -> dict:
    return {name: getattr(resident, name) for name in FIELDS}


def register_resident(
    session: Session,
    values: ResidentValues,
    *,
    now: datetime,
    today: date,
    actor: User | str,
) -> Resident:
    values = complete_values(values, today=today)
    _check_unique(session, values, None)
    resident = Resident(
        **dataclasses.asdict(values), status=ResidentStatus.WAITING, created_at=now, updated_at=now
    )
    session.add(resident)
    session.flush()
    record_event(
        session,
        now=now,
        actor=actor,
        action="resident.create",
        entity=resident,
        changes=_audited(dataclasses.asdict(values)),
    )
    return resident


def update_resident(
    session: Session,
    resident: Resident,
    values: ResidentValues,
    *,
    now: datetime,
    today: date,
    actor: User | str,
) -> dict:
    values = complete_values(values, today=today)
    _check_unique(session, values, resident)
    changes = diff(snapshot(resident), dataclasses.asdict(values))
    if not changes:
        return {}
    apply_changes(
        session,
        resident,
        changes,
        now=now,
        actor=actor,
        action="resident.update",
        logged=_audited(changes),
    )
    return changes


def _audited(changes: dict) -> dict:
    """The audit log names that the NIK changed, never the NIK itself."""
    if "nik" in changes:
        value = changes["nik"]
        changes = {**changes, "nik": ["…", "…"] if isinstance(value, list) else "…"}
    return changes


MANUAL_STATUSES = tuple(s for s in ResidentStatus if s is not ResidentStatus.SCHEDULED)


def change_status(
    session: Session,
    resident: Resident,
    status: ResidentStatus,
    reason: str,
    *,
    now: datetime,
    actor: User | str,
) -> int:
    """Move a request to another status, saying why. "Scheduled" is the planner's to set.

    A planned home visit is only for a scheduled request: any change cancels it (with the same
    reason), so no officer goes to someone recorded, moved or deceased, and a request set back
    to waiting returns to the planner's queue. Returns how many visits were cancelled.
    """
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(_l("Say why the status changes."), field="reason")
    if len(reason) > 500:
        raise DomainError(_l("At most %(n)d characters.", n=500), field="reason")
    if status is ResidentStatus.SCHEDULED:
        raise DomainError(_l("A request becomes scheduled when a visit is planned."), "status")
    if status is resident.status:
        raise DomainError(_l("The request already has this status."), field="status")
    if status in OPEN_RESIDENT_STATUSES:
        _refuse_second_open_request(session, resident.nik, other_than=resident)
    before = resident.status
    resident.status = status
    resident.status_reason = reason
    resident.updated_at = now
    session.flush()
    record_event(
        session,
        now=now,
        actor=actor,
        action="resident.status",
        entity=resident,
        changes={"status": [before, status], "reason": reason},
    )
    return _cancel_open_home_visits(session, resident, reason, now=now, actor=actor)


def _cancel_open_home_visits(
    session: Session, resident: Resident, reason: str, *, now: datetime, actor: User | str
) -> int:
    visits = session.scalars(
        select(Visit).where(
            Visit.resident_id == resident.id,
            Visit.kind == VisitKind.HOME,
            Visit.status.in_(OPEN_VISIT_STATUSES),
        )
    ).all()
    before = {visit.id: visit.status for visit in visits}
    for visit in visits:
        visit.status = VisitStatus.CANCELLED
        visit.cancel_reason = reason
        visit.updated_at = now
    session.flush()
    for visit in visits:
        record_event(
            session,
            now=now,
            actor=actor,
            action="visit.cancel",
            entity=visit,
            changes={"status": [before[visit.id], visit.status], "reason": reason},
        )
    return len(visits)


@dataclass(frozen=True)
class ResidentFilters:
    q: str = ""  # part of the name (NIKs are never put in a URL: see find_by_nik)
    status: str = "open"  # open | all | a ResidentStatus value
    category: str = ""
    kecamatan: str = ""
    kelurahan: str = ""
    waited_days: int = 0  # waiting at least this many days


def _filtered(filters: ResidentFilters, *, today: date, with_status: bool = True) -> Select:
    query = select(Resident)
    q = filters.q.strip()
    if q:
        query = query.where(func.lower(Resident.name).like(contains_pattern(q), escape="\\"))
    if with_status:
        if filters.status == "open":
            query = query.where(Resident.status.in_(OPEN_RESIDENT_STATUSES))
        elif filters.status != "all":
            query = query.where(Resident.status == ResidentStatus(filters.status))
    if filters.category:
        query = query.where(Resident.category == ResidentCategory(filters.category))
    if filters.kelurahan:
        query = query.where(Resident.kelurahan_code == filters.kelurahan)
    elif filters.kecamatan:
        query = query.where(
            Resident.kelurahan_code.in_(
                select(Kelurahan.code).where(Kelurahan.kecamatan_code == filters.kecamatan)
            )
        )
    if filters.waited_days:
        query = query.where(Resident.requested_on <= today - timedelta(days=filters.waited_days))
    return query


# Written as the index ix_residents_priority is (unknown birth dates last, portably), so the
# first page of the queue is read from the index, not sorted from the whole table.
PRIORITY = (
    Resident.is_bedridden.desc(),
    Resident.birth_on.is_(None),
    Resident.birth_on.asc(),
    Resident.requested_on.asc(),
    Resident.id.asc(),
)


def list_queue(
    session: Session,
    filters: ResidentFilters,
    *,
    today: date,
    page: int = 1,
    per_page: int = 25,
    counts: dict | None = None,
) -> Page:
    """The queue in priority order: bedridden first, then the oldest, then the longest waiting.
    ``counts``: :func:`count_by_status` for the same filters, when the caller has it — the
    page's total is then read from it instead of counted again."""
    query = (
        _filtered(filters, today=today)
        .options(joinedload(Resident.kelurahan).joinedload(Kelurahan.kecamatan))
        .order_by(*PRIORITY)
    )
    total = None if counts is None else queue_total(counts, filters.status)
    return paginate(session, query, page=page, per_page=per_page, total=total)


def queue_total(counts: dict, status: str) -> int:
    """How many requests a status tab holds ("open", "all" or a status), from the counts."""
    if status == "open":
        return sum(counts[open_status] for open_status in OPEN_RESIDENT_STATUSES)
    if status == "all":
        return sum(counts.values())
    return counts[ResidentStatus(status)]


def count_by_status(session: Session, filters: ResidentFilters, *, today: date) -> dict:
    """How many requests of each status match the other filters. Filtered by kecamatan at
    most, they are read from the running totals (ResidentCount, kept by triggers) rather than
    counted over every resident."""
    if filters.q.strip() or filters.category or filters.kelurahan or filters.waited_days:
        inner = (
            _filtered(filters, today=today, with_status=False)
            .with_only_columns(Resident.status)
            .subquery()
        )
        query = select(inner.c.status, func.count()).group_by(inner.c.status)
    else:
        query = select(ResidentCount.status, func.sum(ResidentCount.residents)).group_by(
            ResidentCount.status
        )
        if filters.kecamatan:
            query = query.where(ResidentCount.kecamatan_code == filters.kecamatan)
    counts = {status: 0 for status in ResidentStatus}
    for status, number in session.execute(query):
        counts[ResidentStatus(status) if not isinstance(status, ResidentStatus) else status] = int(
            number
        )
    return counts


def find_by_nik(session: Session, nik: str) -> Resident | None:
    """The open request of this NIK, else its latest request."""
    return session.scalar(
        select(Resident)
        .where(Resident.nik == nik)
        .order_by(Resident.status.in_(OPEN_RESIDENT_STATUSES).desc(), Resident.requested_on.desc())
        .limit(1)
    )


def export_queue(
    session: Session, filters: ResidentFilters, *, today: date, now: datetime, actor: User
) -> list[Resident]:
    """The whole filtered queue for a spreadsheet; the export is written to the audit log."""
    residents = list(
        session.scalars(
            _filtered(filters, today=today)
            .options(joinedload(Resident.kelurahan).joinedload(Kelurahan.kecamatan))
            .order_by(*PRIORITY)
        )
    )
    record_event(
        session,
        now=now,
        actor=actor,
        action="resident.export",
        changes={"filters": dataclasses.asdict(filters), "rows": len(residents)},
    )
    return residents


def record_nik_view(
    session: Session, resident: Resident, *, now: datetime, actor: User, remote_addr: str | None
) -> None:
    """Seeing a full NIK is written to the audit log."""
    record_event(
        session,
        now=now,
        actor=actor,
        action="resident.view_nik",
        entity=resident,
        remote_addr=remote_addr,
    )


def list_resident_visits(session: Session, resident: Resident) -> list[Visit]:
    return list(
        session.scalars(
            select(Visit)
            .where(Visit.resident_id == resident.id)
            .options(joinedload(Visit.team))
            .order_by(Visit.visit_on.desc(), Visit.id.desc())
        )
    )


def list_requests_of_nik(session: Session, resident: Resident) -> list[Resident]:
    """Earlier (or later) requests with the same NIK."""
    return list(
        session.scalars(
            select(Resident)
            .where(Resident.nik == resident.nik, Resident.id != resident.id)
            .order_by(Resident.requested_on.desc())
        )
    )
