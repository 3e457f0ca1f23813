"""Visits (to a school or to a resident's home) and the record of each planning run."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    and_,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_method, hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.models.base import Base, UTCDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from outreach.models.resident import Resident
    from outreach.models.school import School
    from outreach.models.team import Team
    from outreach.models.user import User


class VisitKind(enum.Enum):
    SCHOOL = "school"
    HOME = "home"


class VisitStatus(enum.Enum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    MISSED = "missed"
    MOVED = "moved"  # replaced by a visit on another day (``replaces_id`` points back here)


class VisitOrigin(enum.Enum):
    MONTHLY_PLAN = "monthly_plan"
    MANUAL = "manual"
    FOLLOW_UP = "follow_up"
    MOVED = "moved"
    HOME_PLAN = "home_plan"  # placed by the home-visit planner


class ConfirmationChannel(enum.Enum):
    LINK = "link"  # the liaison's signed link, without an account
    ACCOUNT = "account"  # a liaison who logged in
    COORDINATOR = "coordinator"  # confirmed by phone and entered by the coordinator


class HomeOutcome(enum.Enum):
    RECORDED = "recorded"
    NOT_AT_HOME = "not_at_home"
    REFUSED = "refused"
    UNFIT = "unfit"
    DECEASED = "deceased"
    MOVED = "moved"


def _new_uid() -> str:
    return uuid.uuid4().hex


OPEN_VISIT_STATUSES = (VisitStatus.PROPOSED, VisitStatus.CONFIRMED)
# A visit that no longer takes up its day: cancelled, or moved to another one.
AWAY_STATUSES = (VisitStatus.CANCELLED, VisitStatus.MOVED)
# What a month's visits are: every visit on a day of the month except those moved to another
# day, each of which counts once, on its new day, as the visit that replaced it. The dashboard,
# the visit list and its counts, the report and the export all count these.
MONTH_STATUSES = tuple(status for status in VisitStatus if status is not VisitStatus.MOVED)
_OPEN_HOME_SQL = text("kind = 'home' AND status IN ('proposed', 'confirmed')")


class Visit(Base):
    __tablename__ = "visits"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'school' AND school_id IS NOT NULL AND resident_id IS NULL)"
            " OR (kind = 'home' AND resident_id IS NOT NULL AND school_id IS NULL)",
            name="exactly_one_subject",
        ),
        CheckConstraint(
            "(origin = 'monthly_plan') = (plan_month IS NOT NULL)", name="plan_month_for_plan"
        ),
        CheckConstraint(
            "students_expected IS NULL OR students_expected >= 0",
            name="students_expected_not_negative",
        ),
        CheckConstraint(
            "students_recorded IS NULL OR students_recorded >= 0",
            name="students_recorded_not_negative",
        ),
        CheckConstraint(
            "students_not_recorded IS NULL OR students_not_recorded >= 0",
            name="students_not_recorded_not_negative",
        ),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        # The monthly plan places a school at most once per month, whatever its later fate.
        UniqueConstraint("school_id", "plan_month"),
        Index("ix_visits_visit_on_team_id", "visit_on", "team_id"),
        Index("ix_visits_status_visit_on", "status", "visit_on"),
        # Partial: nearly every visit replaces none, and an index full of NULLs looks useless to
        # SQLite's planner after ANALYZE (finding a moved visit's successor became a scan).
        Index(
            "ix_visits_replaces_id",
            "replaces_id",
            sqlite_where=text("replaces_id IS NOT NULL"),
            postgresql_where=text("replaces_id IS NOT NULL"),
        ),
        # The month calendar: a kind's visits day by day, team by team, read from the index.
        Index("ix_visits_kind_visit_on_team_id", "kind", "visit_on", "team_id", "status"),
        # The visit list filtered by kind and status, in its order; its counts by status.
        Index(
            "ix_visits_kind_status_visit_on", "kind", "status", "visit_on", "team_id", "route_order"
        ),
        # A resident has at most one open home visit, whoever plans it and however often.
        Index(
            "uq_visits_open_home_resident",
            "resident_id",
            unique=True,
            sqlite_where=_OPEN_HOME_SQL,
            postgresql_where=_OPEN_HOME_SQL,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[VisitKind] = mapped_column(enum_type(VisitKind, "visit_kind"))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    visit_on: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time | None] = mapped_column(Time)
    # Stop number on the team's route that day (home visits).
    route_order: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[VisitStatus] = mapped_column(
        enum_type(VisitStatus, "visit_status"), default=VisitStatus.PROPOSED
    )
    origin: Mapped[VisitOrigin] = mapped_column(enum_type(VisitOrigin, "visit_origin"))
    # First day of the month this visit belongs to, for monthly-plan visits only.
    plan_month: Mapped[date | None] = mapped_column(Date)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    # A follow-up of a missed or past visit points at it (a new visit, not a move).
    follows_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))

    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_by_name: Mapped[str | None] = mapped_column(String(120))
    confirmed_via: Mapped[ConfirmationChannel | None] = mapped_column(
        enum_type(ConfirmationChannel, "confirmation_channel")
    )
    # The liaison's request for another day, left for the coordinator when it cannot be met.
    requested_visit_on: Mapped[date | None] = mapped_column(Date)
    request_reason: Mapped[str | None] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    students_expected: Mapped[int | None] = mapped_column(Integer)
    link_issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the coordinator last sent the link (WhatsApp opened, or e-mailed) to the liaison.
    link_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of the liaison's signed link: a new link replaces it, so the old one stops working.
    link_nonce: Mapped[str | None] = mapped_column(String(32))
    # iCalendar identity: a moved visit keeps its predecessor's UID and raises its SEQUENCE, so a
    # subscribed calendar moves the event instead of showing two.
    ical_uid: Mapped[str] = mapped_column(String(64), index=True, default=_new_uid)
    sequence: Mapped[int] = mapped_column(Integer, default=0)

    # Outcome.
    students_recorded: Mapped[int | None] = mapped_column(Integer)
    students_not_recorded: Mapped[int | None] = mapped_column(Integer)
    not_recorded_reason: Mapped[str | None] = mapped_column(Text)
    home_outcome: Mapped[HomeOutcome | None] = mapped_column(enum_type(HomeOutcome, "home_outcome"))
    notes: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The school's count still to record just before this outcome: a correction of the outcome
    # works the count out again from it.
    students_pending_before: Mapped[int | None] = mapped_column(Integer)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Stamped by the daily sweeps: unconfirmed with 3 days to go; date passed with no outcome.
    unconfirmed_flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # Optimistic locking: an UPDATE that finds another version raises StaleDataError.
    __mapper_args__ = {"version_id_col": version}

    school: Mapped[School | None] = relationship()
    resident: Mapped[Resident | None] = relationship()
    team: Mapped[Team] = relationship()
    replaces: Mapped[Visit | None] = relationship(remote_side=[id], foreign_keys=[replaces_id])
    follows: Mapped[Visit | None] = relationship(remote_side=[id], foreign_keys=[follows_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_VISIT_STATUSES

    @property
    def has_outcome(self) -> bool:
        return self.status is VisitStatus.COMPLETED

    @property
    def subject_name(self) -> str:
        subject = self.school if self.kind is VisitKind.SCHOOL else self.resident
        return subject.name if subject is not None else ""

    @property
    def is_moved(self) -> bool:
        return self.status is VisitStatus.MOVED

    @hybrid_property
    def holds_place(self) -> bool:
        """Takes up its team's day (not cancelled, not moved): what capacity, the calendar and
        a team's day count."""
        return self.status not in AWAY_STATUSES

    @holds_place.expression
    def holds_place(cls):
        return cls.status.not_in(AWAY_STATUSES)

    @hybrid_method
    def is_overdue(self, today: date) -> bool:
        """Past its date with no outcome recorded (derived, never stored); on the class, the
        same as a query condition, so pages, lists and sweeps share one definition."""
        return self.visit_on < today and self.status in OPEN_VISIT_STATUSES

    @is_overdue.expression
    def is_overdue(cls, today: date):  # the class side: a query condition
        return and_(cls.status.in_(OPEN_VISIT_STATUSES), cls.visit_on < today)

    def __repr__(self) -> str:
        return f"<Visit {self.id} {self.kind.value} {self.visit_on} {self.status.value}>"


class PlanKind(enum.Enum):
    SCHOOL_MONTH = "school_month"
    HOME_VISITS = "home_visits"


class PlanTrigger(enum.Enum):
    SCHEDULER = "scheduler"
    COMMAND = "command"
    USER = "user"


class PlanRun(Base):
    __tablename__ = "plan_runs"
    __table_args__ = (
        CheckConstraint("created_count >= 0", name="created_count_not_negative"),
        CheckConstraint("skipped_count >= 0", name="skipped_count_not_negative"),
        CheckConstraint("unplaced_count >= 0", name="unplaced_count_not_negative"),
        CheckConstraint("days IS NULL OR days > 0", name="days_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PlanKind] = mapped_column(enum_type(PlanKind, "plan_kind"))
    # School plans: first day of the month planned. Home-visit plans: first day and length.
    month: Mapped[date | None] = mapped_column(Date, index=True)
    start_on: Mapped[date | None] = mapped_column(Date)
    days: Mapped[int | None] = mapped_column(Integer)
    trigger: Mapped[PlanTrigger] = mapped_column(enum_type(PlanTrigger, "plan_trigger"))
    triggered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_count: Mapped[int] = mapped_column(Integer, default=0)
    skipped_count: Mapped[int] = mapped_column(Integer, default=0)
    unplaced_count: Mapped[int] = mapped_column(Integer, default=0)
    # Skipped and unplaced subjects with their reasons: [{"id": …, "name": …, "reason": …}].
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    triggered_by: Mapped[User | None] = relationship()
