"""Field teams."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from outreach.errors import Conflict, DomainError, NotFound
from outreach.models import Kecamatan, Team, User
from outreach.services.audit import record_event

MAX_VISITS_PER_DAY = 50


def get_team_by_name(session: Session, name: str) -> Team | None:
    return session.scalar(select(Team).where(Team.name == (name or "").strip()))


def list_teams(session: Session, *, active_only: bool = False) -> list[Team]:
    query = select(Team).order_by(Team.name)
    if active_only:
        query = query.where(Team.is_active)
    return list(session.scalars(query))


def create_team(
    session: Session,
    *,
    now: datetime,
    actor: User | str,
    name: str,
    school_visits_per_day: int = 2,
    home_visits_per_day: int = 6,
    kecamatan_codes: Sequence[str] = (),
) -> Team:
    name = (name or "").strip()
    if not name:
        raise DomainError(_l("Enter the team's name."), field="name")
    if len(name) > 100:
        raise DomainError(_l("A team name has at most 100 characters."), field="name")
    if get_team_by_name(session, name) is not None:
        raise Conflict(_l("A team named %(name)s already exists.", name=name), field="name")
    for field, value in (
        ("school_visits_per_day", school_visits_per_day),
        ("home_visits_per_day", home_visits_per_day),
    ):
        if not 0 <= value <= MAX_VISITS_PER_DAY:
            raise DomainError(
                _l("Visits per day must be between 0 and %(n)d.", n=MAX_VISITS_PER_DAY), field
            )
    kecamatan = []
    for code in dict.fromkeys(kecamatan_codes):
        found = session.get(Kecamatan, code.strip())
        if found is None:
            raise NotFound(_l("Unknown kecamatan code %(code)s.", code=code), field="kecamatan")
        kecamatan.append(found)
    team = Team(
        name=name,
        school_visits_per_day=school_visits_per_day,
        home_visits_per_day=home_visits_per_day,
        kecamatan=kecamatan,
        created_at=now,
    )
    session.add(team)
    session.flush()
    record_event(
        session,
        now=now,
        actor=actor,
        action="team.create",
        entity=team,
        changes={
            "name": name,
            "school_visits_per_day": school_visits_per_day,
            "home_visits_per_day": home_visits_per_day,
            "kecamatan": [k.code for k in kecamatan],
        },
    )
    return team
