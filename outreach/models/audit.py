"""The audit log: who did what, when, to which record, with the fields before and after."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from outreach.models.user import User

# Actors that are not a logged-in user (stored as they are; ``labels.SYSTEM_ACTOR_LABELS``
# names them to people). The actor of what a school's liaison answers through their link:
LINK_ACTOR = "liaison-link"
SCHEDULER_ACTOR = "scheduler"  # the scheduled jobs
COMMAND_ACTOR = "command"  # a `flask outreach …` command on the server
DEMO_ACTOR = "demo-data"  # the rows the demo data set invents (`flask outreach demo-data`)


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_entity", "entity_type", "entity_id"),
        Index("ix_audit_events_user_id_at", "user_id", "at"),  # one account's, newest first
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Who acted when it was not a logged-in user: one of the actors above.
    actor: Mapped[str] = mapped_column(String(120))
    # The account that acted, to name them in histories (loaded with the events that show it).
    user: Mapped[User | None] = relationship()
    action: Mapped[str] = mapped_column(String(60), index=True)
    entity_type: Mapped[str | None] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(40))
    # {"field": [before, after], …} for changes; free details otherwise.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    remote_addr: Mapped[str | None] = mapped_column(String(45))
