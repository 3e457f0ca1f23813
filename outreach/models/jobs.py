"""The record of each scheduled job run, shown to admins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from outreach.models.base import Base, UTCDateTime


class JobRun(Base):
    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_job_id_started_at", "job_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(String(60))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the run did ("12 visits created") or, when it failed, the error.
    summary: Mapped[str] = mapped_column(Text, default="")

    def __repr__(self) -> str:
        return f"<JobRun {self.job_id} {self.started_at} {'ok' if self.succeeded else 'failed'}>"
