"""Outcomes sent from an officer's phone: each carries an id the phone made, so that a replay
(a lost answer, a second tab, Background Sync after the page already sent it) records nothing
twice. One the visit could no longer take — moved, cancelled, recorded already — is kept here
with what was sent, for the coordinator to see; nothing typed at a door is dropped."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.models.base import Base, UTCDateTime, enum_type, utcnow
from outreach.models.visit import VisitKind

if TYPE_CHECKING:
    from outreach.models.user import User
    from outreach.models.visit import Visit


class SentState(enum.Enum):
    RECORDED = "recorded"  # saved as the visit's outcome
    SAME = "same"  # the visit already had this very outcome: nothing to do
    KEPT = "kept"  # not saved, the visit changed meanwhile: kept for the coordinator
    RESOLVED = "resolved"  # a kept one the coordinator has dealt with


class SentProblem(enum.Enum):
    """Why a sent outcome was kept instead of saved."""

    MOVED = "moved"  # the coordinator moved the visit to another day
    CANCELLED = "cancelled"
    RECORDED_ALREADY = "recorded_already"  # another outcome was recorded meanwhile
    OTHER_TEAM = "other_team"  # the visit was given to another team
    DAY_NOT_COME = "day_not_come"  # sent before the visit's day (the phone's clock?)


class SentOutcome(Base):
    __tablename__ = "sent_outcomes"
    __table_args__ = (Index("ix_sent_outcomes_state_received_at", "state", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The phone's id of the outcome (a UUID): the server takes each once.
    client_id: Mapped[str] = mapped_column(String(36), unique=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[VisitKind] = mapped_column(enum_type(VisitKind, "sent_kind"))
    state: Mapped[SentState] = mapped_column(enum_type(SentState, "sent_state"))
    problem: Mapped[SentProblem | None] = mapped_column(enum_type(SentProblem, "sent_problem"))
    # What the officer entered (the outcome form's fields), kept while it was not saved; a
    # saved one lives on the visit, and is not kept twice.
    values: Mapped[dict | None] = mapped_column(JSON)
    made_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # by the phone's clock
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str | None] = mapped_column(String(500))

    visit: Mapped[Visit] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])

    def __repr__(self) -> str:
        return f"<SentOutcome {self.client_id} visit={self.visit_id} {self.state.value}>"
