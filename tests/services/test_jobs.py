"""The scheduled jobs, run directly (no scheduler started): catch-up, sweeps, job records."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from outreach import jobs
from outreach.models import (
    JobRun,
    PlanKind,
    PlanRun,
    PlanTrigger,
    Visit,
    VisitKind,
    VisitOrigin,
    VisitStatus,
    utcnow,
)
from outreach.services.planning.schools import school_plans_missing
from outreach.services.reference import load_closures
from outreach.services.visits.changes import Who
from outreach.services.visits.lifecycle import cancel_visit, confirm_visit
from outreach.services.visits.links import issue_link, link_token
from outreach.services.visits.sweeps import flag_outcomes_due, flag_unconfirmed
from tests.mail import MAIL_SETTINGS, FakeSMTP

TODAY = date(2026, 11, 23)  # a Monday, after the plan day


@pytest.fixture
def fixed_today(monkeypatch):
    monkeypatch.setattr(jobs, "office_today", lambda: TODAY)
    return TODAY


def job_runs(session) -> list[JobRun]:
    session.expire_all()
    return list(session.scalars(select(JobRun).order_by(JobRun.id)))


def visit(session, school, team, on, **values) -> Visit:
    values.setdefault("status", VisitStatus.PROPOSED)
    item = Visit(
        kind=VisitKind.SCHOOL,
        school_id=school.id,
        team_id=team.id,
        visit_on=on,
        origin=VisitOrigin.MANUAL,
        **values,
    )
    session.add(item)
    session.commit()
    return item


def test_catch_up_runs_the_plan_missed_while_down_and_only_once(
    app, db_session, fixed_today, make_school, make_team
):
    make_team()
    make_school()
    jobs.catch_up(app)
    runs = db_session.scalars(select(PlanRun)).all()
    # 23 November: November still has days to plan, and December was due on the 20th.
    assert sorted(r.month for r in runs) == [date(2026, 11, 1), date(2026, 12, 1)]
    assert all(r.trigger is PlanTrigger.SCHEDULER for r in runs)
    assert db_session.scalar(select(func.count()).select_from(Visit)) == 2

    jobs.catch_up(app)
    records = job_runs(db_session)
    assert [r.succeeded for r in records] == [True, True]
    assert records[-1].summary == "tidak ada yang perlu disusulkan"
    assert db_session.scalar(select(func.count()).select_from(PlanRun)) == 2


def test_catch_up_decision_reads_existing_plan_runs(app, db_session):
    db_session.add(
        PlanRun(kind=PlanKind.SCHOOL_MONTH, month=date(2026, 12, 1), trigger=PlanTrigger.USER)
    )
    db_session.commit()
    assert school_plans_missing(db_session, date(2026, 11, 25), 20, 5) == [date(2026, 11, 1)]
    # November is too late now.
    assert school_plans_missing(db_session, date(2026, 11, 28), 20, 5) == []
    assert school_plans_missing(db_session, date(2026, 12, 20), 20, 5) == [date(2027, 1, 1)]


def test_the_monthly_job_plans_next_month_and_a_failure_is_recorded(
    app, db_session, fixed_today, make_school, make_team, monkeypatch
):
    make_team()
    make_school()
    jobs.plan_next_month(app)
    assert db_session.scalar(select(PlanRun.month)) == date(2026, 12, 1)

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(jobs, "plan_schools", broken)
    jobs.plan_next_month(app)
    last = job_runs(db_session)[-1]
    assert last.job_id == "plan_next_month" and last.succeeded is False
    assert "database went away" in last.summary


def test_unconfirmed_visits_are_flagged_and_liaisons_reminded_once(
    app, db_session, make_school, make_team
):
    team = make_team()
    with_mail = make_school(liaison_email="operator@sman9.sch.id", liaison_name="Bu Sari")
    without_mail = make_school()
    soon = visit(db_session, with_mail, team, TODAY + timedelta(days=2))
    also_soon = visit(db_session, without_mail, team, TODAY + timedelta(days=3))
    later = visit(db_session, with_mail, team, TODAY + timedelta(days=9))
    confirmed = visit(
        db_session, without_mail, team, TODAY + timedelta(days=1), status=VisitStatus.CONFIRMED
    )
    sent = []

    def send(**message):
        sent.append(message)

    result = flag_unconfirmed(db_session, now=utcnow(), today=TODAY, send=send)
    db_session.commit()
    assert (result.flagged, result.reminded) == (2, 1)
    assert [m["to"] for m in sent] == ["operator@sman9.sch.id"]
    assert with_mail.name in sent[0]["subject"] and "Bu Sari" in sent[0]["body"]
    assert soon.reminder_sent_at is not None and soon.unconfirmed_flagged_at is not None
    assert also_soon.unconfirmed_flagged_at is not None and also_soon.reminder_sent_at is None
    assert later.unconfirmed_flagged_at is None and confirmed.unconfirmed_flagged_at is None

    again = flag_unconfirmed(db_session, now=utcnow(), today=TODAY, send=send)
    assert (again.flagged, again.reminded) == (0, 0) and len(sent) == 1


def test_a_refused_reminder_is_tried_again_next_day(app, db_session, make_school, make_team):
    team = make_team()
    school = make_school(liaison_email="salah@contoh.id")
    item = visit(db_session, school, team, TODAY + timedelta(days=1))

    def refuse(**message):
        raise OSError("connection refused")

    result = flag_unconfirmed(db_session, now=utcnow(), today=TODAY, send=refuse)
    assert (result.flagged, result.reminded, result.failed) == (1, 0, 1)
    assert item.reminder_sent_at is None


def test_past_visits_without_an_outcome_are_marked_once(app, db_session, make_school, make_team):
    team = make_team()
    school = make_school()
    past = visit(db_session, school, team, TODAY - timedelta(days=1))
    done = visit(
        db_session,
        school,
        team,
        TODAY - timedelta(days=2),
        status=VisitStatus.COMPLETED,
        students_recorded=10,
    )
    today_visit = visit(db_session, school, team, TODAY)
    assert flag_outcomes_due(db_session, now=utcnow(), today=TODAY) == 1
    assert flag_outcomes_due(db_session, now=utcnow(), today=TODAY) == 0
    db_session.commit()
    db_session.expire_all()
    assert past.outcome_due_at is not None
    assert done.outcome_due_at is None and today_visit.outcome_due_at is None


def test_the_sweep_jobs_record_what_they_did(app, db_session, fixed_today, monkeypatch):
    load_closures(db_session, [2026])
    db_session.commit()
    jobs.sweep_outcomes(app)
    jobs.sweep_unconfirmed(app)
    jobs.plan_home_visits(app)
    records = job_runs(db_session)
    assert [(r.job_id, r.succeeded) for r in records] == [
        ("sweep_outcomes", True),
        ("sweep_unconfirmed", True),
        ("plan_home_visits", True),
    ]
    assert records[0].summary == "0 kunjungan perlu dicatat hasilnya"
    assert records[2].summary.startswith("kunjungan rumah: 0 dibuat")


class TestWithMail:
    @pytest.fixture
    def app_config(self):
        return dict(MAIL_SETTINGS)

    def test_the_daily_sweep_mails_each_liaison_once_through_the_configured_server(
        self, app, db_session, monkeypatch, make_school, make_team
    ):
        import outreach.services.mail as mail

        FakeSMTP.sent, FakeSMTP.calls = [], []
        monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
        monkeypatch.setattr(jobs, "office_today", lambda: TODAY)
        school = make_school(
            liaison_email="operator@sman9.sch.id", name="SMA Negeri 9 Kota Bengkulu"
        )
        visit(db_session, school, make_team(name="Tim Perekaman 1"), TODAY + timedelta(days=1))
        jobs.sweep_unconfirmed(app)
        jobs.sweep_unconfirmed(app)
        assert len(FakeSMTP.sent) == 1
        message = FakeSMTP.sent[0]
        assert message["To"] == "operator@sman9.sch.id"
        assert message["From"].startswith("Dukcapil Kota Bengkulu")
        assert "SMA Negeri 9 Kota Bengkulu" in message["Subject"]
        assert "Selasa, 24 November 2026" in message.get_content()
        assert "Tim Perekaman 1" in message.get_content()
        assert ("starttls",) in FakeSMTP.calls and ("login", "jemputbola") in FakeSMTP.calls
        summaries = [r.summary for r in job_runs(db_session)]
        assert summaries[0].startswith("1 kunjungan ditandai, 1 pengingat terkirim")


class TestReminderWithLink:
    """With the app's public address known, the reminder carries the liaison's answer link."""

    @pytest.fixture
    def app_config(self):
        return {**MAIL_SETTINGS, "OUTREACH_BASE_URL": "https://jb.example.go.id"}

    def test_the_reminder_carries_a_working_link(
        self, app, db_session, monkeypatch, make_school, make_team
    ):
        import re

        import outreach.services.mail as mail

        FakeSMTP.sent, FakeSMTP.calls = [], []
        monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
        monkeypatch.setattr(jobs, "office_today", lambda: TODAY)
        school = make_school(liaison_email="operator@sman9.sch.id", liaison_name="Bu Sari")
        visit(db_session, school, make_team(), TODAY + timedelta(days=1))
        jobs.sweep_unconfirmed(app)
        body = FakeSMTP.sent[0].get_content()
        assert body.startswith("Halo Bu Sari,")
        link = re.search(r"https://jb\.example\.go\.id(/l/\S+)", body).group(1)
        db_session.expire_all()
        (planned,) = db_session.scalars(select(Visit)).all()
        assert planned.link_nonce is not None
        assert link.endswith(link_token(planned, app.config["SECRET_KEY"]))


def test_the_sweeps_stamp_without_changing_the_version_a_coordinator_saw(
    app, db_session, make_school, make_team
):
    """Was a bug: the 07:00 sweep raised each flagged visit's version, so a coordinator who had
    opened the visit before it was told, on saving after it, that someone else changed it."""
    team = make_team()
    school = make_school(liaison_email="operator@sman9.sch.id")
    soon = visit(db_session, school, team, TODAY + timedelta(days=2))
    past = visit(db_session, make_school(), team, TODAY - timedelta(days=1))
    seen = {soon.id: soon.version, past.id: past.version}  # the pages opened before 07:00
    stamped = {soon.id: soon.updated_at, past.id: past.updated_at}

    def link_for(item):  # the reminder carries a link made for it (OUTREACH_BASE_URL set)
        return issue_link(db_session, item, now=utcnow(), today=TODAY, who=Who("s"), secret="k")

    flag_unconfirmed(
        db_session, now=utcnow(), today=TODAY, send=lambda **message: None, link_for=link_for
    )
    flag_outcomes_due(db_session, now=utcnow(), today=TODAY)
    db_session.commit()
    db_session.expire_all()
    assert soon.unconfirmed_flagged_at is not None and soon.reminder_sent_at is not None
    assert soon.link_nonce is not None
    assert past.outcome_due_at is not None
    assert {soon.id: soon.version, past.id: past.version} == seen
    assert {soon.id: soon.updated_at, past.id: past.updated_at} == stamped
    confirm_visit(
        db_session, soon, now=utcnow(), today=TODAY, who=Who("koordinator"), version=seen[soon.id]
    )
    cancel_visit(
        db_session, past, reason="Sekolah libur", now=utcnow(), today=TODAY,
        who=Who("koordinator"), version=seen[past.id],
    )  # fmt: skip
    db_session.commit()
    assert soon.status is VisitStatus.CONFIRMED and past.status is VisitStatus.CANCELLED
