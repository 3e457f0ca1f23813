"""A realistic demo data set for a first start. Idempotent: running it again adds nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from outreach.models import Role, School, SchoolLevel, SchoolStatus, User
from outreach.services.teams import create_team, get_team_by_name
from outreach.services.users import create_user, get_user_by_username

DEMO_PASSWORD = "jemputbola2026"

# Two teams that split the city's nine kecamatan between them.
DEMO_TEAMS = (
    ("Tim Perekaman 1", 2, 6, ("17.71.01", "17.71.02", "17.71.05", "17.71.09")),
    ("Tim Perekaman 2", 2, 6, ("17.71.03", "17.71.04", "17.71.06", "17.71.07", "17.71.08")),
)

# A real school (from the Kemendikdasmen listing) for the demo liaison account.
DEMO_SCHOOL = {
    "npsn": "10702414",
    "name": "SMA NEGERI 3 KOTA BENGKULU",
    "level": SchoolLevel.SMA,
    "status": SchoolStatus.NEGERI,
    "address": "JL. RE. MARTADINATA  NO. 41",
    "kecamatan_code": "17.71.01",
    "kelurahan_code": "17.71.01.1001",
    "lat": -3.8452,
    "lng": 102.3204,
    "liaison_name": "Dra. Rina Marlina",
    "liaison_phone": "+6281273004414",
}

DEMO_USERS = (
    ("admin", "Administrator Sistem", Role.ADMIN, None),
    ("koordinator", "Yulia Safitri", Role.COORDINATOR, None),
    ("petugas1", "Andi Saputra", Role.OFFICER, "Tim Perekaman 1"),
    ("petugas2", "Rahmat Hidayat", Role.OFFICER, "Tim Perekaman 2"),
    ("operator.sman3", "Dra. Rina Marlina", Role.LIAISON, "school"),
)


@dataclass
class DemoResult:
    created: list[str] = field(default_factory=list)
    logins: list[tuple[str, str, Role]] = field(default_factory=list)


def load_demo_data(session: Session, *, now: datetime) -> DemoResult:
    result = DemoResult()
    for name, school_visits, home_visits, kecamatan in DEMO_TEAMS:
        if get_team_by_name(session, name) is None:
            create_team(
                session,
                now=now,
                actor="demo-data",
                name=name,
                school_visits_per_day=school_visits,
                home_visits_per_day=home_visits,
                kecamatan_codes=kecamatan,
            )
            result.created.append(f"team {name}")
    school = session.scalar(select(School).where(School.npsn == DEMO_SCHOOL["npsn"]))
    if school is None:
        school = School(**DEMO_SCHOOL, students_pending=120, created_at=now, updated_at=now)
        session.add(school)
        session.flush()
        result.created.append(f"school {school.name}")
    for username, full_name, role, binding in DEMO_USERS:
        if get_user_by_username(session, username) is None:
            create_user(
                session,
                now=now,
                actor="demo-data",
                username=username,
                name=full_name,
                role=role,
                password=DEMO_PASSWORD,
                team=get_team_by_name(session, binding) if role is Role.OFFICER else None,
                school=school if role is Role.LIAISON else None,
            )
            result.created.append(f"user {username}")
        user = session.scalar(select(User).where(User.username == username))
        result.logins.append((username, DEMO_PASSWORD, user.role))
    session.flush()
    return result
