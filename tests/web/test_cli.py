"""The `flask outreach …` commands and their contracts (docs/ARCHITECTURE.md#contracts)."""

from datetime import timedelta

from sqlalchemy import func, select

from outreach.models import Role, School, Team, User
from tests.conftest import PASSWORD


def test_create_user_reads_the_password_from_piped_stdin(runner, db_session, make_team, client):
    make_team(name="Tim 1")
    result = runner.invoke(
        args=[
            "outreach",
            "create-user",
            "andi",
            "--role",
            "officer",
            "--team",
            "Tim 1",
            "--name",
            "Andi Saputra",
        ],
        input="sandi-rahasia-1\n",
    )
    assert result.exit_code == 0, result.output
    assert "sandi-rahasia-1" not in result.output
    db_session.rollback()
    user = db_session.scalar(select(User).where(User.username == "andi"))
    assert user.role is Role.OFFICER and user.team.name == "Tim 1"
    assert (
        client.post("/login", data={"username": "andi", "password": "sandi-rahasia-1"}).status_code
        == 302
    )


def test_create_user_refuses_bad_input_with_status_1_and_writes_nothing(runner, db_session):
    cases = [
        (["outreach", "create-user", "andi", "--role", "officer", "--team", "Tim X"], "no team"),
        (
            ["outreach", "create-user", "andi", "--role", "liaison", "--school", "12345678"],
            "no school",
        ),
        (["outreach", "create-user", "andi", "--role", "coordinator"], "8"),
    ]
    for args, message in cases:
        result = runner.invoke(args=args, input="pendek\n")
        assert result.exit_code == 1, result.output
        assert message in result.output
    bad_role = runner.invoke(
        args=["outreach", "create-user", "andi", "--role", "boss"], input=PASSWORD + "\n"
    )
    assert bad_role.exit_code == 2
    db_session.rollback()
    assert db_session.scalar(select(User)) is None


def test_create_user_binds_a_liaison_to_a_school_by_npsn(runner, db_session, make_school):
    make_school(npsn="10702414")
    result = runner.invoke(
        args=[
            "outreach",
            "create-user",
            "operator.sman3",
            "--role",
            "liaison",
            "--school",
            "10702414",
        ],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    db_session.rollback()
    user = db_session.scalar(select(User).where(User.username == "operator.sman3"))
    assert user.school.npsn == "10702414"


def test_create_team_with_capacity_and_kecamatan(runner, db_session):
    result = runner.invoke(
        args=[
            "outreach",
            "create-team",
            "Tim Pesisir",
            "--school-visits-per-day",
            "3",
            "--home-visits-per-day",
            "8",
            "--kecamatan",
            "17.71.03",
            "--kecamatan",
            "17.71.08",
        ]
    )
    assert result.exit_code == 0, result.output
    db_session.rollback()
    team = db_session.scalar(select(Team).where(Team.name == "Tim Pesisir"))
    assert (team.school_visits_per_day, team.home_visits_per_day) == (3, 8)
    assert [k.name for k in team.kecamatan] == ["Teluk Segara", "Sungai Serut"]


def test_create_team_refuses_unknown_kecamatan_and_duplicates(runner, db_session):
    bad = runner.invoke(args=["outreach", "create-team", "Tim A", "--kecamatan", "17.71.99"])
    assert bad.exit_code == 1 and "17.71.99" in bad.output
    negative = runner.invoke(
        args=["outreach", "create-team", "Tim A", "--school-visits-per-day", "-1"]
    )
    assert negative.exit_code == 2
    assert runner.invoke(args=["outreach", "create-team", "Tim A"]).exit_code == 0
    again = runner.invoke(args=["outreach", "create-team", "Tim A"])
    assert again.exit_code == 1 and "sudah ada" in again.output
    db_session.rollback()
    assert len(db_session.scalars(select(Team)).all()) == 1


def test_demo_data_is_idempotent_and_prints_the_demo_admin(runner, db_session):
    first = runner.invoke(args=["outreach", "demo-data"])
    second = runner.invoke(args=["outreach", "demo-data"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert "admin" in first.output and "jemputbola2026" in first.output
    assert "0 records added" in second.output
    db_session.rollback()
    roles = {user.role for user in db_session.scalars(select(User))}
    assert roles == set(Role)
    assert len(db_session.scalars(select(Team)).all()) == 2


def test_demo_data_holds_the_citys_real_schools_with_liaison_contacts(runner, db_session):
    from tests.school_files import real_rows

    assert runner.invoke(args=["outreach", "demo-data"]).exit_code == 0
    db_session.rollback()
    schools = {school.npsn: school for school in db_session.scalars(select(School))}
    rows = real_rows()
    assert set(schools) == {row["npsn"] for row in rows}
    for row in rows:
        school = schools[row["npsn"]]
        assert school.kelurahan_code == (row["kelurahan_code"] or None)
        assert school.is_active == (row["listed_2025"] == "yes")  # 2 gone from the 2025 listing
        assert school.liaison_name and school.liaison_phone.startswith("+628")
    pending = [s.students_pending for s in schools.values()]
    assert sum(p is None for p in pending) < len(pending) / 4  # mostly known, some unknown
    liaison = db_session.scalar(select(User).where(User.username == "operator.sman3"))
    assert liaison.school.npsn == "10702414"
    assert liaison.school.liaison_name == "Dra. Rina Marlina"


def test_demo_data_holds_a_home_visit_queue_across_the_city(runner, db_session):
    from datetime import date

    from outreach.domain.nik import parse_nik
    from outreach.models import Resident, ResidentStatus

    assert runner.invoke(args=["outreach", "demo-data"]).exit_code == 0
    db_session.rollback()
    residents = list(db_session.scalars(select(Resident)))
    assert len(residents) >= 40
    waiting = [r for r in residents if r.status is ResidentStatus.WAITING]
    scheduled = [r for r in residents if r.status is ResidentStatus.SCHEDULED]
    assert len(waiting) + len(scheduled) > len(residents) / 2
    assert waiting and scheduled  # the next days are planned, the rest of the queue waits
    open_requests = waiting + scheduled
    assert len({r.kelurahan.kecamatan_code for r in open_requests}) == 9  # every kecamatan
    assert any(r.is_bedridden for r in open_requests)
    for resident in residents:  # valid NIKs that agree with the recorded birth date
        info = parse_nik(resident.nik, on=date.today(), birth_hint=resident.birth_on)
        assert info.birth_on == resident.birth_on


# --- planning commands -------------------------------------------------------------------------


def _plannable(db_session, make_team, make_school):
    from outreach.i18n import office_today
    from outreach.services.reference import load_closures

    today = office_today()
    load_closures(db_session, [today.year, today.year + 1])
    make_team(kecamatan_codes=("17.71.01",))
    make_school(name="SMA Negeri Uji Satu")
    make_school(name="SMA Tuntas", students_pending=0)
    db_session.commit()
    from outreach.scheduling.calendar import next_month

    return next_month(today).strftime("%Y-%m")


def test_plan_schools_creates_the_month_once_and_says_what_it_left_out(
    runner, db_session, make_team, make_school
):
    from outreach.models import PlanRun, Visit

    month = _plannable(db_session, make_team, make_school)
    dry = runner.invoke(args=["outreach", "plan-schools", "--month", month, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert db_session.scalar(select(func.count()).select_from(Visit)) == 0

    first = runner.invoke(args=["outreach", "plan-schools", "--month", month])
    assert first.exit_code == 0, first.output
    assert "1 kunjungan dibuat" in first.output and "SMA Tuntas" in first.output
    second = runner.invoke(args=["outreach", "plan-schools", "--month", month])
    assert "0 kunjungan dibuat" in second.output and "1 sekolah sudah" in second.output
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(Visit)) == 1
    assert db_session.scalar(select(func.count()).select_from(PlanRun)) == 2


def test_plan_schools_refuses_a_month_that_is_not_yyyy_mm(runner):
    result = runner.invoke(args=["outreach", "plan-schools", "--month", "12-2026"])
    assert result.exit_code == 1 and "YYYY-MM" in result.output


def test_plan_home_visits_plans_the_waiting_residents(runner, db_session, make_team, make_resident):
    from datetime import timedelta

    from outreach.i18n import office_today
    from outreach.models import Visit
    from outreach.services.reference import load_closures

    today = office_today()
    load_closures(db_session, [today.year, today.year + 1])
    make_team(kecamatan_codes=("17.71.01",))
    make_resident()
    start = (today + timedelta(days=1)).isoformat()
    result = runner.invoke(args=["outreach", "plan-home-visits", "--start", start, "--days", "14"])
    assert result.exit_code == 0, result.output
    assert "1 kunjungan dibuat" in result.output
    assert db_session.scalar(select(func.count()).select_from(Visit)) == 1
    bad = runner.invoke(args=["outreach", "plan-home-visits", "--start", "besok", "--days", "3"])
    assert bad.exit_code == 1 and "YYYY-MM-DD" in bad.output


def test_create_team_sets_the_starting_point(runner, db_session):
    result = runner.invoke(
        args=["outreach", "create-team", "Tim Pantai", "--start", "-3.7928, 102.2655"]
    )
    assert result.exit_code == 0, result.output
    team = db_session.scalar(select(Team).where(Team.name == "Tim Pantai"))
    assert (team.start_lat, team.start_lng) == (-3.7928, 102.2655)
    bad = runner.invoke(args=["outreach", "create-team", "Tim Gunung", "--start", "102.2, -3.79"])
    assert bad.exit_code == 1


def test_demo_data_plans_six_months_and_next_with_real_schedules(runner, db_session):
    from datetime import date

    from outreach.i18n import office_today
    from outreach.models import CoverageSnapshot, PlanKind, PlanRun, Visit, VisitStatus
    from outreach.scheduling.calendar import month_start, next_month

    today = office_today()
    assert runner.invoke(args=["outreach", "demo-data"]).exit_code == 0
    months = set(
        db_session.scalars(select(PlanRun.month).where(PlanRun.kind == PlanKind.SCHOOL_MONTH))
    )
    expected = [month_start(today)]
    while len(expected) < 6:
        expected.append(month_start(expected[-1] - timedelta(days=1)))
    assert months == {*expected, next_month(today)}
    visits = db_session.scalars(select(Visit)).all()
    assert any(v.plan_month == next_month(today) for v in visits)
    past = [v for v in visits if v.visit_on < today]
    closed = {VisitStatus.COMPLETED, VisitStatus.MISSED, VisitStatus.MOVED, VisitStatus.CANCELLED}
    assert {v.status for v in past} <= closed  # the days gone have their outcome
    assert sum(v.status is VisitStatus.COMPLETED for v in past) > len(past) * 0.85
    # the published figure of 4 August 2024, then invented ones up to last month, marked so
    figures = db_session.scalars(select(CoverageSnapshot).order_by(CoverageSnapshot.as_of)).all()
    assert (figures[0].as_of, figures[0].wajib_ktp, figures[0].recorded) == (
        date(2024, 8, 4),
        279_871,
        278_057,
    )
    assert figures[-1].as_of < month_start(today) and "simulasi" in figures[-1].source
    runs_before = db_session.scalar(select(func.count()).select_from(PlanRun))
    assert runner.invoke(args=["outreach", "demo-data"]).exit_code == 0
    assert db_session.scalar(select(func.count()).select_from(PlanRun)) == runs_before
    assert db_session.scalar(select(func.count()).select_from(CoverageSnapshot)) == len(figures)


def test_names_given_to_the_commands_are_stored_as_clean_lines(runner, db_session):
    """What a command takes is cleaned as a form's field is (domain.text): no control
    character, direction override or invisible character reaches the database."""
    result = runner.invoke(args=["outreach", "create-team", "\u202eTim\u200b  Timur\x07"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=["outreach", "create-user", "andi", "--role", "officer", "--team", "Tim Timur\u200e",
              "--name", "Andi\x1b[31m \u2066Saputra", "--email", "Andi@Dukcapil.go.id\ufeff"],
        input="sandi-rahasia-1\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    db_session.rollback()
    team = db_session.scalar(select(Team).where(Team.name == "Tim Timur"))
    user = db_session.scalar(select(User).where(User.username == "andi"))
    assert (user.name, user.email, user.team_id) == (
        "Andi[31m Saputra",
        "andi@dukcapil.go.id",
        team.id,
    )


def test_a_command_refuses_an_e_mail_address_that_is_not_one(runner, db_session):
    result = runner.invoke(
        args=["outreach", "create-user", "andi", "--role", "admin", "--email", "andi@"],
        input="sandi-rahasia-1\n",
    )
    assert result.exit_code == 1 and "nama@sekolah.sch.id" in result.output
