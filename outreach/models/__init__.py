"""All models, importable from one place; importing this module registers every table.

The rule of the room: typed SQLAlchemy 2 models with their constraints and nothing else — no
Flask, no queries, no I/O; every schema change is a migration under ``migrations/``."""

from outreach.models.audit import (
    COMMAND_ACTOR,
    DEMO_ACTOR,
    LINK_ACTOR,
    SCHEDULER_ACTOR,
    AuditEvent,
)
from outreach.models.base import Base, utcnow
from outreach.models.calendar import ClosureKind, ClosureSource, OfficeClosure
from outreach.models.coverage import CoverageSnapshot
from outreach.models.field import SentOutcome, SentProblem, SentState
from outreach.models.jobs import JobRun
from outreach.models.region import Kecamatan, Kelurahan
from outreach.models.resident import (
    OPEN_RESIDENT_STATUSES,
    DisabilityKind,
    RequestChannel,
    Resident,
    ResidentCategory,
    ResidentStatus,
    Sex,
)
from outreach.models.school import (
    School,
    SchoolBlackout,
    SchoolLevel,
    SchoolStatus,
    iso_weekdays,
    weekday_bit,
)
from outreach.models.team import Team, team_kecamatan
from outreach.models.totals import DailyRecording, ResidentCount, VisitDayCount
from outreach.models.upload import ImportUpload
from outreach.models.user import Role, SessionEnd, User, UserSession
from outreach.models.visit import (
    AWAY_STATUSES,
    MONTH_STATUSES,
    OPEN_VISIT_STATUSES,
    ConfirmationChannel,
    HomeOutcome,
    PlanKind,
    PlanRun,
    PlanTrigger,
    Visit,
    VisitKind,
    VisitOrigin,
    VisitStatus,
)

__all__ = [
    "AWAY_STATUSES",
    "COMMAND_ACTOR",
    "DEMO_ACTOR",
    "LINK_ACTOR",
    "MONTH_STATUSES",
    "SCHEDULER_ACTOR",
    "AuditEvent",
    "Base",
    "ClosureKind",
    "ClosureSource",
    "ConfirmationChannel",
    "CoverageSnapshot",
    "DailyRecording",
    "DisabilityKind",
    "HomeOutcome",
    "ImportUpload",
    "JobRun",
    "Kecamatan",
    "Kelurahan",
    "OPEN_RESIDENT_STATUSES",
    "OPEN_VISIT_STATUSES",
    "OfficeClosure",
    "PlanKind",
    "PlanRun",
    "PlanTrigger",
    "RequestChannel",
    "Resident",
    "ResidentCategory",
    "ResidentStatus",
    "Role",
    "School",
    "SchoolBlackout",
    "SchoolLevel",
    "SchoolStatus",
    "SentOutcome",
    "SentProblem",
    "SentState",
    "SessionEnd",
    "Sex",
    "Team",
    "User",
    "UserSession",
    "Visit",
    "VisitKind",
    "VisitOrigin",
    "VisitStatus",
    "ResidentCount",
    "VisitDayCount",
    "team_kecamatan",
    "iso_weekdays",
    "utcnow",
    "weekday_bit",
]
