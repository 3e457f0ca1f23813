"""A seeded, national-scale data set for the benchmark, written with executemany in chunks.

At scale 1: 38 provinces × 14 regencies × 14 kecamatan × 10 kelurahan (7,448 kecamatan,
74,480 kelurahan — Indonesia has about 7,300 and 83,000), two teams per regency, 40,000 schools,
250,000 waiting residents, and twelve months of visits ending with this month: one plan visit a
month for every school (480,000), plus the home visits of 30,000 residents recorded at home in
that year and of 5,000 scheduled now. Every outcome has its audit event, as in real use. The
same seed and the same month give the same rows.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from outreach.models import (
    AuditEvent,
    CoverageSnapshot,
    HomeOutcome,
    Kecamatan,
    Kelurahan,
    RequestChannel,
    Resident,
    ResidentCategory,
    ResidentStatus,
    Role,
    School,
    SchoolBlackout,
    SchoolLevel,
    SchoolStatus,
    Team,
    User,
    Visit,
    VisitKind,
    VisitOrigin,
    VisitStatus,
    team_kecamatan,
)
from outreach.scheduling.calendar import WorkingCalendar, month_start, national_closures, next_month
from outreach.services.reference import load_closures, load_regions

SEED = 2026
PASSWORD = "bench-password-2026"
CHUNK = 20_000


@dataclass(frozen=True)
class Size:
    provinces: int = 38
    regencies: int = 14  # per province
    kecamatan: int = 14  # per regency
    kelurahan: int = 10  # per kecamatan
    schools: int = 40_000
    waiting: int = 250_000
    recorded_at_home: int = 30_000  # residents visited and recorded in the last twelve months
    scheduled: int = 5_000  # residents with an open home visit now
    months: int = 12

    @classmethod
    def scaled(cls, factor: float) -> Size:
        """A smaller (or larger) data set of the same shape."""
        if factor == 1:
            return cls()
        whole = lambda n: max(1, round(n * factor))  # noqa: E731
        return cls(
            provinces=max(1, round(38 * min(1.0, factor**0.5))),
            schools=whole(40_000),
            waiting=whole(250_000),
            recorded_at_home=whole(30_000),
            scheduled=whole(5_000),
        )

    def as_dict(self) -> dict:
        return {
            "kecamatan": self.provinces * self.regencies * self.kecamatan,
            "schools": self.schools,
            "waiting_residents": self.waiting,
            "months_of_visits": self.months,
        }


@dataclass
class Built:
    """What the measurements need to find in the data set."""

    today: date
    month: date  # this month: the one the pages show
    next_month: date  # the one the planner plans
    rows: dict[str, int]
    school_id: int  # a school with a full year of visits, for the school page


def _chunks(rows: Iterable[dict], size: int = CHUNK) -> Iterator[list[dict]]:
    chunk: list[dict] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _insert(session: Session, table, rows: Iterable[dict]) -> int:
    count = 0
    for chunk in _chunks(rows):
        session.execute(insert(table), chunk)
        count += len(chunk)
    return count


def build(session: Session, *, today: date, size: Size, password_hash: str) -> Built:
    """Fill an empty, migrated database. Commits."""
    rng = random.Random(SEED)
    now = datetime.combine(today, time(1, 0), tzinfo=UTC)
    this_month = month_start(today)
    first_month = this_month
    for _ in range(size.months - 1):
        first_month = month_start(first_month - timedelta(days=1))
    years = sorted({first_month.year, today.year, next_month(this_month).year})
    load_regions(session)  # Kota Bengkulu's real regions as well
    load_closures(session, years)
    calendar = WorkingCalendar(closures=frozenset(c.on for c in national_closures(years)))
    counts: dict[str, int] = {}

    kecamatan, kelurahan = _regions(size)
    counts["kecamatan"] = _insert(session, Kecamatan, kecamatan)
    counts["kelurahan"] = _insert(session, Kelurahan, kelurahan)
    kecamatan_codes = [row["code"] for row in kecamatan]
    kelurahan_of: dict[str, list[str]] = {}
    for row in kelurahan:
        kelurahan_of.setdefault(row["kecamatan_code"], []).append(row["code"])

    # Two teams per regency, each covering half its kecamatan.
    teams, links = [], []
    for index in range(0, len(kecamatan_codes), size.kecamatan // 2):
        team_id = len(teams) + 1
        teams.append(
            {
                "id": team_id,
                "name": f"Tim {team_id:04d}",
                "school_visits_per_day": 3,
                "home_visits_per_day": 6,
                "is_active": True,
                "created_at": now,
            }
        )
        for code in kecamatan_codes[index : index + size.kecamatan // 2]:
            links.append({"team_id": team_id, "kecamatan_code": code})
    counts["teams"] = _insert(session, Team, teams)
    _insert(session, team_kecamatan, links)
    team_of = {link["kecamatan_code"]: link["team_id"] for link in links}

    schools = list(_schools(rng, size, kecamatan_codes, kelurahan_of, now))
    counts["schools"] = _insert(session, School, schools)
    counts["users"] = _insert(session, User, _users(password_hash, now))

    visited: list[dict] = []  # the residents with home visits (not the waiting ones)
    counts["residents"] = _insert(
        session,
        Resident,
        _residents(rng, size, [r["code"] for r in kelurahan], now=now, visited=visited),
    )
    counts["visits"] = counts["audit_events"] = 0
    for visits, events in _visits(
        rng, size, calendar, schools, visited, team_of, first_month, today, now
    ):
        counts["visits"] += _insert(session, Visit, visits)
        counts["audit_events"] += _insert(session, AuditEvent, events)

    following = next_month(this_month)
    blackouts = [
        {
            "school_id": school_id,
            "first_on": following + timedelta(days=rng.randint(0, 9)),
            "last_on": following + timedelta(days=rng.randint(10, 20)),
            "reason": "Ujian semester",
            "created_at": now,
        }
        for school_id in rng.sample(range(1, size.schools + 1), size.schools // 10)
    ]
    counts["school_blackouts"] = _insert(session, SchoolBlackout, blackouts)
    _insert(session, CoverageSnapshot, _coverage(first_month, size.months, now))
    _move_sequences_past(session, (Team, School, Resident, Visit))
    session.commit()
    _analyse(session)
    return Built(
        today=today,
        month=this_month,
        next_month=following,
        rows=counts,
        school_id=1,
    )


def _regions(size: Size) -> tuple[list[dict], list[dict]]:
    kecamatan, kelurahan = [], []
    for p in range(size.provinces):
        province = 11 + p if 11 + p != 17 else 99  # keep Bengkulu (17) for the real regions
        for r in range(1, size.regencies + 1):
            lat0, lng0 = -8 + p * 0.35, 95 + r * 1.3
            for k in range(1, size.kecamatan + 1):
                code = f"{province:02d}.{r:02d}.{k:02d}"
                lat, lng = lat0 + k * 0.02, lng0 + k * 0.02
                kecamatan.append(
                    {"code": code, "name": f"Kecamatan {code}", "lat": lat, "lng": lng}
                )
                for n in range(1, size.kelurahan + 1):
                    kelurahan.append(
                        {
                            "code": f"{code}.{1000 + n}",
                            "kecamatan_code": code,
                            "name": f"Kelurahan {code}.{n}",
                            "lat": lat + n * 0.001,
                            "lng": lng + n * 0.001,
                        }
                    )
    return kecamatan, kelurahan


def _schools(rng, size, kecamatan_codes, kelurahan_of, now) -> Iterator[dict]:
    levels = [SchoolLevel.SMA, SchoolLevel.SMA, SchoolLevel.SMK, SchoolLevel.MA, SchoolLevel.SLB]
    for n in range(1, size.schools + 1):
        code = kecamatan_codes[(n * 7919) % len(kecamatan_codes)]
        level = rng.choice(levels)
        yield {
            "id": n,
            "npsn": f"{10000000 + n}",
            "name": f"{level.value.upper()} {'Negeri' if n % 3 else 'Swasta'} {n}",
            "level": level,
            "status": SchoolStatus.NEGERI if n % 3 else SchoolStatus.SWASTA,
            "address": f"Jl. Pendidikan No. {n % 200 + 1}",
            "kecamatan_code": code,
            "kelurahan_code": rng.choice(kelurahan_of[code]),
            "lat": None,
            "lng": None,
            "liaison_name": f"Operator {n}",
            "liaison_phone": f"+628{rng.randrange(10**9, 10**10)}",
            "students_pending": rng.choice([None, 15, 40, 80, 120, 200]),
            "preferred_weekdays": rng.choice([0, 0, 0, 1, 2, 4, 8, 16]),
            "is_active": rng.random() > 0.01,
            "created_at": now,
            "updated_at": now,
        }


def _users(password_hash: str, now: datetime) -> list[dict]:
    def user(username, role, **extra):
        return {
            "username": username,
            "name": username.title(),
            "password_hash": password_hash,
            "role": role,
            "locale": "id",
            "is_active": True,
            "email": f"{username}@bench.invalid",  # marks a database the benchmark made
            "created_at": now,
            **extra,
        }

    return [
        user("admin", Role.ADMIN),
        user("koordinator", Role.COORDINATOR),
        user("petugas", Role.OFFICER, team_id=1),
        user("penghubung", Role.LIAISON, school_id=1),
    ]


def _residents(rng, size, kelurahan_codes, *, now, visited: list) -> Iterator[dict]:
    total = size.waiting + size.recorded_at_home + size.scheduled
    for n in range(1, total + 1):
        if n <= size.waiting:
            status = ResidentStatus.WAITING
        elif n <= size.waiting + size.recorded_at_home:
            status = ResidentStatus.RECORDED
        else:
            status = ResidentStatus.SCHEDULED
        code = kelurahan_codes[(n * 104729) % len(kelurahan_codes)]
        born = date(1925 + rng.randrange(60), rng.randint(1, 12), rng.randint(1, 28))
        elderly = born.year < 1966
        row = {
            "id": n,
            "nik": f"{code[:2]}{code[3:5]}{code[6:8]}{born:%d%m%y}{n % 10000:04d}",
            "name": f"Warga {n}",
            "birth_on": born,
            "category": ResidentCategory.LANSIA if elderly else ResidentCategory.DISABILITAS,
            "is_bedridden": rng.random() < 0.2,
            "needs_companion": False,
            "address": f"Jl. Mawar No. {n % 150 + 1}",
            "kelurahan_code": code,
            "lat": None,
            "lng": None,
            "phone": f"+628{rng.randrange(10**9, 10**10)}" if rng.random() < 0.7 else None,
            "requested_via": RequestChannel.RT_RW,
            "requested_on": date(2025, 1, 1) + timedelta(days=rng.randrange(600)),
            "status": status,
            "created_at": now,
            "updated_at": now,
        }
        if status is not ResidentStatus.WAITING:
            visited.append({"id": n, "kelurahan_code": code, "status": status})
        yield row


def _visits(rng, size, calendar, schools, residents, team_of, first_month, today, now):
    """One plan visit per school per month, the home visits, and an audit event per outcome;
    (visits, events) a month at a time."""
    month = first_month
    visit_id = 0
    for _ in range(size.months):
        visits: list[dict] = []
        events: list[dict] = []
        last = next_month(month) - timedelta(days=1)
        days = calendar.working_days(month, last)
        for school in schools:
            team_id = team_of[school["kecamatan_code"]]
            day = days[(school["id"] * 31 + month.month) % len(days)]
            visit_id += 1
            visits.append(_school_visit(rng, visit_id, school["id"], team_id, day, month, today))
            if visits[-1]["status"] is VisitStatus.COMPLETED:
                events.append(_outcome_event(visit_id, day, now))
        yield visits, events
        month = next_month(month)
    visits, events = [], []
    past = calendar.working_days(first_month, today - timedelta(days=1))
    coming = calendar.working_days(today, today + timedelta(days=13))
    for resident in residents:
        if resident["status"] is ResidentStatus.WAITING:
            continue
        recorded = resident["status"] is ResidentStatus.RECORDED
        team_id = team_of[resident["kelurahan_code"][:8]]
        day = rng.choice(past if recorded else coming)
        visit_id += 1
        visits.append(
            {
                **_blank_visit(visit_id, now),
                "kind": VisitKind.HOME,
                "resident_id": resident["id"],
                "team_id": team_id,
                "visit_on": day,
                "route_order": 1 + visit_id % 6,
                "status": VisitStatus.COMPLETED if recorded else VisitStatus.PROPOSED,
                "origin": VisitOrigin.HOME_PLAN,
                "home_outcome": HomeOutcome.RECORDED if recorded else None,
                "completed_at": datetime.combine(day, time(5), tzinfo=UTC) if recorded else None,
            }
        )
        if recorded:
            events.append(_outcome_event(visit_id, day, now))
    yield visits, events


def _blank_visit(visit_id: int, now: datetime) -> dict:
    """Every column an executemany row needs (the rows of one statement share their keys)."""
    return {
        "id": visit_id,
        "school_id": None,
        "resident_id": None,
        "start_time": None,
        "route_order": None,
        "plan_month": None,
        "students_expected": None,
        "students_recorded": None,
        "students_not_recorded": None,
        "home_outcome": None,
        "cancel_reason": None,
        "completed_at": None,
        "confirmed_at": None,
        "ical_uid": f"bench-{visit_id:08d}",
        "sequence": 0,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }


def _school_visit(rng, visit_id, school_id, team_id, day, month, today) -> dict:
    row = _blank_visit(visit_id, datetime.combine(month, time(1), tzinfo=UTC))
    row.update(
        kind=VisitKind.SCHOOL,
        school_id=school_id,
        team_id=team_id,
        visit_on=day,
        start_time=time(8, 0),
        origin=VisitOrigin.MONTHLY_PLAN,
        plan_month=month,
        students_expected=rng.choice([None, 40, 80, 120]),
    )
    if day < today:
        luck = rng.random()
        if luck < 0.04:
            row["status"] = VisitStatus.MISSED
        elif luck < 0.07:
            row["status"], row["cancel_reason"] = VisitStatus.CANCELLED, "Sekolah libur"
        else:
            row["status"] = VisitStatus.COMPLETED
            row["students_recorded"] = rng.randint(5, 120)
            row["students_not_recorded"] = rng.choice([0, 0, 0, 2, 5])
            row["completed_at"] = datetime.combine(day, time(6), tzinfo=UTC)
    else:
        row["status"] = VisitStatus.CONFIRMED if rng.random() < 0.6 else VisitStatus.PROPOSED
        if row["status"] is VisitStatus.CONFIRMED:
            row["confirmed_at"] = datetime.combine(day - timedelta(days=7), time(3), tzinfo=UTC)
    return row


def _outcome_event(visit_id: int, day: date, now: datetime) -> dict:
    return {
        "at": datetime.combine(day, time(7), tzinfo=UTC),
        "user_id": None,
        "actor": "petugas",
        "action": "visit.outcome",
        "entity_type": "Visit",
        "entity_id": str(visit_id),
        "changes": {"status": ["confirmed", "completed"]},
        "remote_addr": None,
    }


def _coverage(first_month: date, months: int, now: datetime) -> Iterator[dict]:
    wajib, recorded = 206_000_000, 200_500_000
    month = first_month
    for _ in range(months):
        month = next_month(month)
        wajib += 150_000
        recorded += 260_000
        yield {
            "as_of": month - timedelta(days=1),
            "kecamatan_code": None,
            "wajib_ktp": wajib,
            "recorded": recorded,
            "source": "Data bench: angka simulasi",
            "created_at": now,
        }


def _move_sequences_past(session: Session, models) -> None:
    """The rows above were written with their ids: on PostgreSQL, move each id sequence past
    them, or the app's next insert would take id 1 again (SQLite takes max(id) + 1 itself)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in models:
        table = model.__tablename__
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT coalesce(max(id), 1) FROM {table}))"
            )
        )


def _analyse(session: Session) -> None:
    """Refresh the query planner's statistics, as after any bulk load (autovacuum would, in
    time, on PostgreSQL; SQLite has no statistics until ANALYZE)."""
    session.execute(text("ANALYZE"))
    session.commit()
