"""Field teams: who goes out, how many visits a day, which kecamatan, from where."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified

from outreach.domain.text import clean_line
from outreach.errors import Conflict, DomainError, NotFound
from outreach.models import Kecamatan, Role, Team, User, Visit, VisitKind, VisitStatus
from outreach.services.audit import diff, record_event
from outreach.services.versions import expect_version, flush

MAX_VISITS_PER_DAY = 50


@dataclass
class TeamValues:
    name: str
    school_visits_per_day: int = 2
    home_visits_per_day: int = 6
    kecamatan_codes: Sequence[str] = ()
    start_lat: float | None = None
    start_lng: float | None = None
    is_active: bool = True
    phone: str | None = None  # normalised (domain.phone), or none


def get_team_by_name(session: Session, name: str) -> Team | None:
    return session.scalar(select(Team).where(Team.name == clean_line(name)))  # as stored


def list_teams(session: Session, *, active_only: bool = False) -> list[Team]:
    query = (
        select(Team)
        .options(selectinload(Team.kecamatan), selectinload(Team.members))
        .order_by(Team.is_active.desc(), Team.name)
    )
    if active_only:
        query = query.where(Team.is_active)
    return list(session.scalars(query))


def _checked(session: Session, values: TeamValues, team: Team | None) -> list[Kecamatan]:
    stored = as_stored(values)
    name = stored.name
    if not name:
        raise DomainError(_l("Enter the team's name."), field="name")
    if len(name) > 100:
        raise DomainError(_l("A team name has at most 100 characters."), field="name")
    other = get_team_by_name(session, name)
    if other is not None and other is not team:
        raise Conflict(_l("A team named %(name)s already exists.", name=name), field="name")
    values.name = name
    for name_of, value in (
        ("school_visits_per_day", values.school_visits_per_day),
        ("home_visits_per_day", values.home_visits_per_day),
    ):
        if not 0 <= value <= MAX_VISITS_PER_DAY:
            raise DomainError(
                _l("Visits per day must be between 0 and %(n)d.", n=MAX_VISITS_PER_DAY), name_of
            )
    if (values.start_lat is None) != (values.start_lng is None):
        raise DomainError(_l("Give both latitude and longitude."), field="start")
    values.kecamatan_codes = stored.kecamatan_codes
    kecamatan = []
    for code in values.kecamatan_codes:
        found = session.get(Kecamatan, code)
        if found is None:
            raise NotFound(_l("Unknown kecamatan code %(code)s.", code=code), field="kecamatan")
        kecamatan.append(found)
    return kecamatan


def as_stored(values: TeamValues) -> TeamValues:
    """``values`` as a team stores them: the name one clean line, the kecamatan a set
    (:func:`kecamatan_set`), no phone as none."""
    return dataclasses.replace(
        values,
        name=clean_line(values.name),
        kecamatan_codes=kecamatan_set(values.kecamatan_codes),
        phone=values.phone or None,
    )


def kecamatan_set(codes: Sequence[str]) -> tuple[str, ...]:
    """The kecamatan a team covers are a set: each once, in code order — the order the team's
    list is loaded in (models.Team.kecamatan), so that the same set is always the same list
    and ticking them in another order changes nothing."""
    return tuple(sorted({code.strip() for code in codes}))


def _snapshot(team: Team) -> dict:
    return {
        "name": team.name,
        "school_visits_per_day": team.school_visits_per_day,
        "home_visits_per_day": team.home_visits_per_day,
        "kecamatan": list(kecamatan_set([k.code for k in team.kecamatan])),
        "start": f"{team.start_lat}, {team.start_lng}" if team.start_lat is not None else None,
        "phone": team.phone,
        "is_active": team.is_active,
    }


def create_team(
    session: Session,
    *,
    now: datetime,
    actor: User | str,
    name: str,
    school_visits_per_day: int = 2,
    home_visits_per_day: int = 6,
    kecamatan_codes: Sequence[str] = (),
    start_lat: float | None = None,
    start_lng: float | None = None,
    phone: str | None = None,
) -> Team:
    values = TeamValues(
        name,
        school_visits_per_day,
        home_visits_per_day,
        kecamatan_codes,
        start_lat,
        start_lng,
        phone=phone,
    )
    kecamatan = _checked(session, values, None)
    team = Team(
        name=values.name,
        school_visits_per_day=values.school_visits_per_day,
        home_visits_per_day=values.home_visits_per_day,
        kecamatan=kecamatan,
        start_lat=values.start_lat,
        start_lng=values.start_lng,
        phone=values.phone or None,
        created_at=now,
    )
    session.add(team)
    session.flush()
    record_event(
        session, now=now, actor=actor, action="team.create", entity=team, changes=_snapshot(team)
    )
    return team


def update_team(
    session: Session,
    team: Team,
    values: TeamValues,
    *,
    now: datetime,
    actor: User | str,
    version: int | None,
) -> dict:
    """Change a team; returns the audited changes ({} when nothing changed). Refused (Stale)
    when ``version``, the one the form showed, is no longer the team's."""
    expect_version(team, version)
    kecamatan = _checked(session, values, team)
    before = _snapshot(team)
    team.name = values.name
    team.school_visits_per_day = values.school_visits_per_day
    team.home_visits_per_day = values.home_visits_per_day
    team.kecamatan = kecamatan
    team.start_lat, team.start_lng = values.start_lat, values.start_lng
    team.phone = values.phone or None
    team.is_active = values.is_active
    changes = diff(before, _snapshot(team))
    if changes.keys() == {"kecamatan"}:
        # Only the covered kecamatan (another table): the team's row is UPDATEd all the same,
        # so that its version rises and a page open on it notices.
        flag_modified(team, "name")
    flush(session)
    if changes:
        record_event(
            session, now=now, actor=actor, action="team.update", entity=team, changes=changes
        )
    return changes


def list_unassigned_officers(session: Session, team: Team) -> list[User]:
    """Active field officers of other teams, who could join this one."""
    return list(
        session.scalars(
            select(User)
            .where(
                User.role == Role.OFFICER,
                User.is_active,
                or_(User.team_id.is_(None), User.team_id != team.id),
            )
            .order_by(User.name)
        )
    )


def add_member(
    session: Session, team: Team, officer: User, *, now: datetime, actor: User | str
) -> None:
    """Move a field officer into this team (an officer belongs to one team)."""
    if officer.role is not Role.OFFICER or not officer.is_active:
        raise DomainError(_l("Only active field officers can join a team."), field="officer")
    before = officer.team.name if officer.team else None
    officer.team = team
    session.flush()
    record_event(
        session,
        now=now,
        actor=actor,
        action="user.update",
        entity=officer,
        changes={"team": [before, team.name]},
    )


@dataclass
class TeamDay:
    on: date
    school_visits: int = 0
    home_visits: int = 0
    schools: list[str] = field(default_factory=list)


def list_team_days(session: Session, team: Team, first: date, last: date) -> list[TeamDay]:
    """The team's open visits per day between two dates, with the load of each day."""
    rows = session.execute(
        select(
            Visit.visit_on,
            func.sum(case((Visit.kind == VisitKind.SCHOOL, 1), else_=0)),
            func.sum(case((Visit.kind == VisitKind.HOME, 1), else_=0)),
        )
        .where(
            Visit.team_id == team.id,
            Visit.visit_on >= first,
            Visit.visit_on <= last,
            Visit.status.in_((VisitStatus.PROPOSED, VisitStatus.CONFIRMED)),
        )
        .group_by(Visit.visit_on)
        .order_by(Visit.visit_on)
    )
    return [TeamDay(on, int(schools or 0), int(homes or 0)) for on, schools, homes in rows]
