"""Home-visit requests: registering a resident and correcting the request, one open request
per NIK, and what the coordinator should look at twice."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from outreach.domain.nik import age_on, parse_nik
from outreach.domain.problems import Invalid
from outreach.errors import Conflict, DomainError
from outreach.i18n import long_date
from outreach.models import (
    OPEN_RESIDENT_STATUSES,
    DisabilityKind,
    Kelurahan,
    RequestChannel,
    Resident,
    ResidentCategory,
    ResidentStatus,
    Sex,
    User,
)
from outreach.services.audit import apply_changes, diff, record_event
from outreach.services.versions import expect_version

ELDERLY_FROM = 60  # years: lansia
RECORDING_FROM = 16  # years: e-KTP recording may start
ELDERLY = (ResidentCategory.LANSIA, ResidentCategory.BOTH)
EARLIEST_BIRTH_YEAR = 1890  # an earlier one is a typing mistake


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
    if values.birth_on.year < EARLIEST_BIRTH_YEAR:
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
    if values.category is ResidentCategory.LANSIA:
        values.disability = None  # a disabled resident's kind may be not known yet (None)
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


def refuse_second_open_request(
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
        refuse_second_open_request(session, values.nik, other_than=resident)
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
    version: int | None,
) -> dict:
    """Correct the request; returns the changes ({} when nothing changed). Refused (Stale)
    when ``version``, the one the form showed, is no longer the request's."""
    expect_version(resident, version)
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


def set_disability(
    session: Session,
    resident: Resident,
    kind: DisabilityKind,
    *,
    now: datetime,
    actor: User | str,
) -> bool:
    """The kind of disability, as the officer finds it at the visit (audited as a change to the
    request); returns whether it changed. Only a disabled resident has one."""
    if not resident.is_disabled:
        raise DomainError(
            _l("Only a resident registered as disabled has a kind of disability."),
            field="disability",
        )
    if resident.disability is kind:
        return False
    changes = {"disability": [resident.disability, kind]}
    apply_changes(session, resident, changes, now=now, actor=actor, action="resident.update")
    return True


def _audited(changes: dict) -> dict:
    """The audit log names that the NIK changed, never the NIK itself."""
    if "nik" in changes:
        value = changes["nik"]
        changes = {**changes, "nik": ["…", "…"] if isinstance(value, list) else "…"}
    return changes
