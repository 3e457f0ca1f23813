"""Coverage snapshots: the published figures of the whole city or a kecamatan, entered by hand
or imported; the city's history the dashboard draws."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from outreach.domain.coverage import Figure, check_figures
from outreach.domain.problems import Invalid
from outreach.errors import Conflict, DomainError
from outreach.models import CoverageSnapshot, Kecamatan, User
from outreach.services.audit import diff, record_event
from outreach.services.paging import Page, paginate

CITY = "city"  # the area filter for the whole city's figures
HISTORY_LIMIT = 120  # city figures drawn on the dashboard, the newest


@dataclass(frozen=True)
class CoverageValues:
    as_of: date
    kecamatan_code: str | None  # None: the whole city
    wajib_ktp: int
    recorded: int
    source: str | None = None


def snapshot(record: CoverageSnapshot) -> dict:
    return {field.name: getattr(record, field.name) for field in dataclasses.fields(CoverageValues)}


def check_values(session: Session, values: CoverageValues, *, today: date, record=None) -> None:
    """The rules a snapshot keeps, each refusal naming its field: a known kecamatan, not in
    the future, sensible figures, one figure per area and date."""
    if values.kecamatan_code and session.get(Kecamatan, values.kecamatan_code) is None:
        raise DomainError(_l("Unknown kecamatan."), field="area")
    if values.as_of > today:
        raise DomainError(_l("A figure cannot be dated in the future."), field="as_of")
    try:
        check_figures(values.wajib_ktp, values.recorded)
    except Invalid as error:
        field = "wajib_ktp" if values.wajib_ktp <= 0 else "recorded"
        raise DomainError(_l(error.message, **error.params), field=field) from None
    same = find_snapshot(session, values.as_of, values.kecamatan_code)
    if same is not None and same is not record:
        raise Conflict(
            _l("There is already a figure for this area on this date: change that one."),
            field="as_of",
        )


def find_snapshot(session: Session, as_of: date, kecamatan_code: str | None):
    area = (
        CoverageSnapshot.kecamatan_code.is_(None)
        if kecamatan_code is None
        else CoverageSnapshot.kecamatan_code == kecamatan_code
    )
    return session.scalar(select(CoverageSnapshot).where(CoverageSnapshot.as_of == as_of, area))


def add_snapshot(
    session: Session, values: CoverageValues, *, now: datetime, today: date, actor: User | str
) -> CoverageSnapshot:
    check_values(session, values, today=today)
    record = CoverageSnapshot(
        **dataclasses.asdict(values),
        created_by_id=actor.id if isinstance(actor, User) else None,
        created_at=now,
    )
    session.add(record)
    session.flush()
    record_event(
        session,
        now=now,
        actor=actor,
        action="coverage.create",
        entity=record,
        changes=snapshot(record),
    )
    return record


def update_snapshot(
    session: Session,
    record: CoverageSnapshot,
    values: CoverageValues,
    *,
    now: datetime,
    today: date,
    actor: User | str,
) -> dict:
    """Correct a snapshot; returns the audited changes ({} when nothing changed)."""
    check_values(session, values, today=today, record=record)
    changes = diff(snapshot(record), dataclasses.asdict(values))
    for name, (_old, new) in changes.items():
        setattr(record, name, new)
    session.flush()
    if changes:
        record_event(
            session, now=now, actor=actor, action="coverage.update", entity=record, changes=changes
        )
    return changes


def delete_snapshot(
    session: Session, record: CoverageSnapshot, *, now: datetime, actor: User | str
) -> None:
    record_event(
        session,
        now=now,
        actor=actor,
        action="coverage.delete",
        entity=record,
        changes={name: [value, None] for name, value in snapshot(record).items()},
    )
    session.delete(record)
    session.flush()


def _in_area(query: Select, area: str) -> Select:
    if area == CITY:
        return query.where(CoverageSnapshot.kecamatan_code.is_(None))
    if area:
        return query.where(CoverageSnapshot.kecamatan_code == area)
    return query


def list_snapshots(session: Session, *, area: str = "", page: int = 1, per_page: int = 50) -> Page:
    """Newest first; the city's figure before its kecamatan's on the same date."""
    query = _in_area(
        select(CoverageSnapshot).options(joinedload(CoverageSnapshot.kecamatan)), area
    ).order_by(
        CoverageSnapshot.as_of.desc(),
        CoverageSnapshot.kecamatan_code.is_not(None),
        CoverageSnapshot.kecamatan_code,
    )
    return paginate(session, query, page=page, per_page=per_page)


def city_history(session: Session, *, limit: int = HISTORY_LIMIT) -> list[Figure]:
    """The whole city's figures, oldest first (the newest ``limit``). One query."""
    rows = session.execute(
        select(CoverageSnapshot.as_of, CoverageSnapshot.wajib_ktp, CoverageSnapshot.recorded)
        .where(CoverageSnapshot.kecamatan_code.is_(None))
        .order_by(CoverageSnapshot.as_of.desc())
        .limit(limit)
    ).all()
    return [Figure(as_of, wajib, recorded) for as_of, wajib, recorded in reversed(rows)]
