"""A realistic demo data set for a first start, as of the moment it is made: the reference rows
(teams, the city's schools, one user per role, coverage figures) dated when the office set the
app up, then the stories of the school and home visits (``plans``, ``homes``) played on one
timeline. Idempotent: running it again adds nothing."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from outreach.demo.coverage import load_demo_coverage
from outreach.demo.homes import load_home_visits
from outreach.demo.people import People, demo_phone
from outreach.demo.plans import STUDENT_COUNTS, demo_months, load_school_visits, plan_moment
from outreach.demo.timeline import Timeline
from outreach.i18n import office_date
from outreach.models import DEMO_ACTOR, Role, School, User
from outreach.scheduling.school_breaks import breaks_between
from outreach.services.planning.inputs import PlanSettings, working_calendar
from outreach.services.reference import load_closures
from outreach.services.schools.breaks import BreakAlreadyNoted, add_school_break, break_name
from outreach.services.schools.imports import TEMPLATE_HEADINGS, import_schools
from outreach.services.schools.registry import set_school_active
from outreach.services.tables import Table
from outreach.services.teams import create_team, get_team_by_name
from outreach.services.users import create_user, get_user_by_username

# The demo data set's logins, printed by `demo-data` and the README: demo installs only.
DEMO_PASSWORD = "jemputbola2026"  # noqa: S105

# Where the demo teams set out: the Dukcapil office of Kota Bengkulu (approximate).
DEMO_OFFICE = (-3.7928, 102.2655)

# Two teams that split the city's nine kecamatan between them: two schools
# and three homes a day.
DEMO_TEAMS = (
    ("Tim Perekaman 1", 2, 3, ("17.71.01", "17.71.02", "17.71.05", "17.71.09")),
    ("Tim Perekaman 2", 2, 3, ("17.71.03", "17.71.04", "17.71.06", "17.71.07", "17.71.08")),
)

# The demo liaison account belongs to this real school (SMA Negeri 3 Kota Bengkulu).
DEMO_LIAISON_NPSN = "10702414"
DEMO_LIAISON = ("Dra. Rina Marlina", "+6281273004414")

_FIRST_NAMES = (
    "Ahmad",
    "Budi",
    "Dedi",
    "Eka",
    "Fitri",
    "Hendra",
    "Indah",
    "Joko",
    "Kartini",
    "Lestari",
    "Maya",
    "Nurul",
    "Putri",
    "Rahmat",
    "Sri",
    "Taufik",
    "Wahyuni",
    "Yuliana",
    "Zainal",
    "Desi",
)
# Family names, as a father's name is carried by sons and daughters alike (no woman's given
# name after a man's: an "Ahmad Susanti" is not a name anyone has).
_LAST_NAMES = (
    "Saputra",
    "Hidayat",
    "Pratama",
    "Gunawan",
    "Wijaya",
    "Setiawan",
    "Nugroho",
    "Lubis",
    "Siregar",
    "Permana",
    "Kurniawan",
    "Hakim",
    "Syahputra",
    "Ramadhan",
    "Firmansyah",
)
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


def load_demo_data(
    session: Session,
    *,
    now: datetime,
    secret: str,
    settings: PlanSettings | None = None,
    plan_day: int = 20,
) -> DemoResult:
    """The demo data set as of ``now`` (everything dated before it, relative to the office's
    day); ``secret`` is the app's key, for the liaisons' links."""
    settings = settings or PlanSettings()
    today = office_date(now)
    months = demo_months(today)
    load_closures(session, {month.year for month in months})  # the past months' holidays too
    # The office set the app up a fortnight before its first monthly plan, one morning.
    set_up = plan_moment(months[0], plan_day) - timedelta(days=14, hours=-3)
    result = DemoResult()
    for name, school_visits, home_visits, kecamatan in DEMO_TEAMS:
        if get_team_by_name(session, name) is None:
            create_team(
                session,
                now=set_up,
                actor=DEMO_ACTOR,
                name=name,
                school_visits_per_day=school_visits,
                home_visits_per_day=home_visits,
                kecamatan_codes=kecamatan,
                start_lat=DEMO_OFFICE[0],
                start_lng=DEMO_OFFICE[1],
            )
            result.created.append(f"team {name}")
    result.created.extend(_load_schools(session, now=set_up))
    users = _load_users(session, now=set_up, result=result)
    last = today + timedelta(days=92)
    result.created.extend(
        _note_school_breaks(session, now=set_up, actor=users["koordinator"], last=last)
    )
    added = load_demo_coverage(session, now=now, set_up=set_up)
    if added:
        result.created.append(f"coverage: {added} figures")
    people = People(
        coordinator=users["koordinator"],
        officers={user.team_id: user for user in users.values() if user.role is Role.OFFICER},
        liaison=users["operator.sman3"],
        settings=settings,
        secret=secret,
    )
    timeline = Timeline(now, working_calendar(session, set_up.date(), last, settings))
    stories = (
        load_school_visits(session, timeline, people, plan_day=plan_day),
        load_home_visits(session, timeline, people),
    )
    timeline.run()
    for story in stories:
        result.created.extend(story.done)
    return result


def _note_school_breaks(session: Session, *, now: datetime, actor: User, last) -> list[str]:
    """The semester breaks of the demo's months, noted as all-schools blackouts when the office
    set the app up (as it would from the kalender pendidikan), so no plan visits a school in
    its holidays. Already noted: left as it is."""
    noted = []
    for school_break in breaks_between(office_date(now), last):
        try:
            add_school_break(
                session,
                now=now,
                actor=actor,
                school_break=school_break,
                first_on=school_break.first_on,
                last_on=school_break.last_on,
                reason=break_name(school_break),
            )
        except BreakAlreadyNoted:
            continue
        noted.append(f"school break {school_break.key}")
    return noted


def _load_users(session: Session, *, now: datetime, result: DemoResult) -> dict[str, User]:
    """The demo's users (one per role, an officer per team), by username."""
    school = session.scalar(select(School).where(School.npsn == DEMO_LIAISON_NPSN))
    users = {}
    for username, full_name, role, binding in DEMO_USERS:
        if get_user_by_username(session, username) is None:
            create_user(
                session,
                now=now,
                actor=DEMO_ACTOR,
                username=username,
                name=full_name,
                role=role,
                password=DEMO_PASSWORD,
                team=get_team_by_name(session, binding) if role is Role.OFFICER else None,
                school=school if role is Role.LIAISON else None,
            )
            result.created.append(f"user {username}")
        users[username] = session.scalar(select(User).where(User.username == username))
        result.logins.append((username, DEMO_PASSWORD, users[username].role))
    session.flush()
    return users


def _school_rows() -> list[dict[str, str]]:
    path = resources.files("outreach").joinpath("data", "sekolah_kota_bengkulu.csv")
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _invented_contact(row: dict[str, str]) -> tuple[str, str, int | None]:
    """A plausible liaison and pending count, the same for a school on every run."""
    if row["npsn"] == DEMO_LIAISON_NPSN:
        return DEMO_LIAISON[0], DEMO_LIAISON[1], 45
    rng = random.Random(row["npsn"])  # noqa: S311 - demo figures, repeatable; no secret
    name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}, S.Pd."
    phone = demo_phone(rng)
    low, high = STUDENT_COUNTS.get((row["bentuk"] or "SMA")[:3].strip(), (20, 80))
    pending = None if rng.random() < 0.1 else rng.randint(low, high)
    return name, phone, pending


def _load_schools(session: Session, *, now: datetime) -> list[str]:
    """The city's real schools (from the Kemendikdasmen listing) with invented contacts;
    schools no longer listed in 2025 are kept but inactive. Schools already there are left."""
    known = set(session.scalars(select(School.npsn)))
    rows = [row for row in _school_rows() if row["npsn"] not in known]
    if not rows:
        return []
    cells = []
    for number, row in enumerate(rows, start=2):
        name, phone, pending = _invented_contact(row)
        values = {
            "npsn": row["npsn"],
            "name": row["name"],
            "level": row["bentuk"],
            "status": row["status"],
            "address": row["address"],
            "kecamatan": row["kecamatan_code"],
            "kelurahan": row["kelurahan_code"],
            "liaison_name": name,
            "liaison_phone": phone,
            "liaison_email": "",
            "students_pending": pending,
            "latitude": row["lat"],
            "longitude": row["lng"],
        }
        cells.append((number, [values[heading] for heading in TEMPLATE_HEADINGS]))
    outcome = import_schools(
        session,
        Table(list(TEMPLATE_HEADINGS), cells),
        now=now,
        actor=DEMO_ACTOR,
        source=DEMO_ACTOR,
    )
    if not outcome.written:  # the shipped file is valid; this would be a bug worth seeing
        problems = [(r.number, r.problems) for r in outcome.preview.with_state("invalid")]
        raise RuntimeError(f"demo schools did not import: {problems}")
    unlisted = {row["npsn"] for row in rows if row["listed_2025"] != "yes"}
    for school in session.scalars(select(School).where(School.npsn.in_(unlisted))):
        set_school_active(session, school, False, now=now, actor=DEMO_ACTOR, version=None)
    return [f"school {row['name']}" for row in rows]
