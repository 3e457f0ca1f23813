"""The queue of home-visit requests: filtered, in priority order, counted by status, exported;
a request's visits and the other requests of its NIK."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload

from outreach.models import (
    OPEN_RESIDENT_STATUSES,
    AuditEvent,
    Kelurahan,
    Resident,
    ResidentCategory,
    ResidentCount,
    ResidentStatus,
    User,
    Visit,
)
from outreach.services.audit import event_row, record_event, record_events
from outreach.services.paging import Page, contains_pattern, paginate


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


def record_nik_lookup(
    session: Session,
    resident: Resident,
    *,
    now: datetime,
    actor: User,
    remote_addr: str | None,
    via: str,
) -> None:
    """A typed NIK matched this request (``via`` "find" or "form", the form's NIK hint): the
    user now knows whose NIK it is, as after showing it, so that is audited too (no NIK)."""
    record_event(
        session,
        now=now,
        actor=actor,
        action="resident.find_nik",
        entity=resident,
        changes={"via": via},
        remote_addr=remote_addr,
    )


_CHUNK = 900  # ids per IN (…): under every engine's limit of bound parameters


def record_nik_matches(
    session: Session,
    resident_ids: list[int],
    *,
    since: datetime,
    now: datetime,
    actor: User,
    remote_addr: str | None,
    source: str,
) -> int:
    """An import's preview matched these requests by the NIKs in its file: its reader now
    knows that those NIKs have requests (and what is recorded for them), as after a lookup, so
    each is audited as one — once per request since ``since`` (the file's upload), however
    often the preview is opened. Returns how many events were written."""
    already: set[str] = set()
    wanted = [str(resident_id) for resident_id in dict.fromkeys(resident_ids)]
    for start in range(0, len(wanted), _CHUNK):
        already.update(
            session.scalars(
                select(AuditEvent.entity_id).where(
                    AuditEvent.user_id == actor.id,
                    AuditEvent.action == "resident.find_nik",
                    AuditEvent.entity_type == "Resident",
                    AuditEvent.entity_id.in_(wanted[start : start + _CHUNK]),
                    AuditEvent.at >= since,
                )
            )
        )
    rows = [
        event_row(
            now=now,
            actor=actor,
            action="resident.find_nik",
            entity_type="Resident",
            entity_id=resident_id,
            changes={"via": "import", "source": source},
            remote_addr=remote_addr,
        )
        for resident_id in wanted
        if resident_id not in already
    ]
    record_events(session, rows)
    return len(rows)


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
