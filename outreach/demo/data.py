"""A realistic demo data set for a first start. Idempotent: running it again adds nothing."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from outreach.demo.coverage import load_demo_coverage
from outreach.demo.plans import plan_demo
from outreach.domain.nik import build_nik
from outreach.i18n import office_today
from outreach.models import (
    DisabilityKind,
    Kelurahan,
    RequestChannel,
    Resident,
    ResidentCategory,
    ResidentStatus,
    Role,
    School,
    User,
)
from outreach.services.planning.inputs import PlanSettings
from outreach.services.residents.requests import ResidentValues, register_resident
from outreach.services.residents.status import change_status
from outreach.services.schools.imports import TEMPLATE_HEADINGS, import_schools
from outreach.services.schools.registry import set_school_active
from outreach.services.tables import Table
from outreach.services.teams import create_team, get_team_by_name
from outreach.services.users import create_user, get_user_by_username

# The demo data set's logins, printed by `demo-data` and the README: demo installs only.
DEMO_PASSWORD = "jemputbola2026"  # noqa: S105

# Where the demo teams set out: the Dukcapil office of Kota Bengkulu (approximate).
DEMO_OFFICE = (-3.7928, 102.2655)

# Two teams that split the city's nine kecamatan between them.
DEMO_TEAMS = (
    ("Tim Perekaman 1", 2, 6, ("17.71.01", "17.71.02", "17.71.05", "17.71.09")),
    ("Tim Perekaman 2", 2, 6, ("17.71.03", "17.71.04", "17.71.06", "17.71.07", "17.71.08")),
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
_LAST_NAMES = (
    "Saputra",
    "Hidayat",
    "Pratama",
    "Susanti",
    "Wijaya",
    "Rahmawati",
    "Nugroho",
    "Lubis",
    "Siregar",
    "Handayani",
    "Kurniawan",
    "Marlina",
    "Syahputra",
    "Utami",
    "Firmansyah",
)
_PENDING = {"SMA": (60, 180), "SMK": (50, 200), "MA": (15, 70), "SLB": (2, 15)}

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
    session: Session, *, now: datetime, settings: PlanSettings | None = None, plan_day: int = 20
) -> DemoResult:
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
                start_lat=DEMO_OFFICE[0],
                start_lng=DEMO_OFFICE[1],
            )
            result.created.append(f"team {name}")
    result.created.extend(_load_schools(session, now=now))
    result.created.extend(_load_residents(session, now=now))
    school = session.scalar(select(School).where(School.npsn == DEMO_LIAISON_NPSN))
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
    added = load_demo_coverage(session, now=now, today=office_today())
    if added:
        result.created.append(f"coverage: {added} figures")
    result.created.extend(
        plan_demo(
            session,
            now=now,
            today=office_today(),
            settings=settings or PlanSettings(),
            plan_day=plan_day,
        )
    )
    return result


_MOBILE_PREFIXES = ("811", "812", "813", "821", "822", "852", "853", "857", "877", "878", "895")


def demo_phone(rng: random.Random) -> str:
    """An invented mobile number with a real operator prefix."""
    return f"+62{rng.choice(_MOBILE_PREFIXES)}{rng.randrange(10**7, 10**8)}"


def _school_rows() -> list[dict[str, str]]:
    path = resources.files("outreach").joinpath("data", "sekolah_kota_bengkulu.csv")
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _invented_contact(row: dict[str, str]) -> tuple[str, str, int | None]:
    """A plausible liaison and pending count, the same for a school on every run."""
    if row["npsn"] == DEMO_LIAISON_NPSN:
        return DEMO_LIAISON[0], DEMO_LIAISON[1], 120
    rng = random.Random(row["npsn"])  # noqa: S311 - demo figures, repeatable; no secret
    name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}, S.Pd."
    phone = demo_phone(rng)
    low, high = _PENDING.get((row["bentuk"] or "SMA")[:3].strip(), (20, 80))
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
        actor="demo-data",
        source="demo-data",
    )
    if not outcome.written:  # the shipped file is valid; this would be a bug worth seeing
        problems = [(r.number, r.problems) for r in outcome.preview.with_state("invalid")]
        raise RuntimeError(f"demo schools did not import: {problems}")
    unlisted = {row["npsn"] for row in rows if row["listed_2025"] != "yes"}
    for school in session.scalars(select(School).where(School.npsn.in_(unlisted))):
        set_school_active(session, school, False, now=now, actor="demo-data")
    return [f"school {row['name']}" for row in rows]


_WOMEN = ("Siti", "Aminah", "Rosmiati", "Nurhayati", "Juliana", "Rohana", "Asnah", "Maimunah",
          "Zubaidah", "Darmawati", "Yusnani", "Rukiah")  # fmt: skip
_MEN = ("Ahmad", "Syamsul", "Bahrun", "Mukhtar", "Sulaiman", "Darwis", "Zulkifli", "Basri",
        "Marzuki", "Hasan", "Ismail", "Rusdi")  # fmt: skip
_FAMILY = ("Effendi", "Harun", "Yusuf", "Rahman", "Hamid", "Saleh", "Idris", "Jamal", "Usman")
_STREETS = ("Jl. Merapi", "Jl. Kapuas", "Jl. Soeprapto", "Jl. Semangka", "Jl. Danau",
            "Jl. Bali", "Jl. Halmahera", "Jl. Jati", "Jl. Mahoni", "Jl. Budi Utomo",
            "Jl. Salak", "Jl. Cendana", "Jl. Sepakat", "Jl. WR Supratman")  # fmt: skip
_RELATIONS = ("anak", "menantu", "cucu", "tetangga", "ketua RT", "istri", "suami")
DEMO_RESIDENTS = 48


def _load_residents(session: Session, *, now: datetime) -> list[str]:
    """A home-visit queue spread over the city's kelurahan: mostly waiting, some already
    visited. Names, NIKs, addresses and phones are invented; a run with residents there adds
    nothing."""
    if session.scalar(select(Resident.id).limit(1)) is not None:
        return []
    today = office_today()
    rng = random.Random(1771)  # noqa: S311 - demo figures, repeatable; no secret
    kelurahan = list(session.scalars(select(Kelurahan).order_by(Kelurahan.code)))
    created = []
    for number in range(1, DEMO_RESIDENTS + 1):
        place = rng.choice(kelurahan)
        female = rng.random() < 0.55
        elderly = rng.random() < 0.7
        age_days = rng.randint(60 * 365, 94 * 365) if elderly else rng.randint(17 * 365, 58 * 365)
        birth_on = today - timedelta(days=age_days)
        region = place.kecamatan_code if rng.random() < 0.85 else "16.71.01"  # some moved in
        disabled = not elderly or rng.random() < 0.25
        given = rng.choice(_WOMEN if female else _MEN)
        name = f"{given} {rng.choice(_FAMILY)}" if rng.random() < 0.8 else given
        values = ResidentValues(
            nik=build_nik(region, "f" if female else "m", birth_on, number),
            name=name,
            address=f"{rng.choice(_STREETS)} No. {rng.randint(1, 120)}",
            kelurahan_code=place.code,
            category=(
                ResidentCategory.BOTH
                if elderly and disabled
                else ResidentCategory.LANSIA
                if elderly
                else ResidentCategory.DISABILITAS
            ),
            disability=rng.choice(list(DisabilityKind)) if disabled else None,
            is_bedridden=rng.random() < 0.25,
            needs_companion=rng.random() < 0.4,
            rt=f"{rng.randint(1, 30):03d}",
            rw=f"{rng.randint(1, 8):03d}",
            lat=round(place.lat + rng.uniform(-0.004, 0.004), 6) if rng.random() < 0.6 else None,
            lng=round(place.lng + rng.uniform(-0.004, 0.004), 6) if place.lng else None,
            phone=demo_phone(rng) if rng.random() < 0.7 else None,
            contact_name=f"{rng.choice(_WOMEN + _MEN)} {rng.choice(_FAMILY)}",
            contact_relation=rng.choice(_RELATIONS),
            requested_via=rng.choice(list(RequestChannel)),
            requested_on=today - timedelta(days=rng.randint(0, 120)),
        )
        if values.lat is None:
            values.lng = None
        resident = register_resident(session, values, now=now, today=today, actor="demo-data")
        roll = rng.random()
        if roll < 0.12:
            change_status(
                session,
                resident,
                ResidentStatus.RECORDED,
                "Direkam di rumah oleh Tim Perekaman.",
                now=now,
                actor="demo-data",
            )
        elif roll < 0.17:
            change_status(
                session,
                resident,
                ResidentStatus.UNREACHABLE,
                "Tiga kali ditelepon, tidak ada jawaban.",
                now=now,
                actor="demo-data",
            )
        created.append(f"resident {number}")
    return created
