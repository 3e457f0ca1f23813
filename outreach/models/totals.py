"""Running totals the dashboard and the lists read instead of aggregating whole tables: kept
by database triggers (migrations 0006–0008) on every insert, update and delete, whatever
code writes the rows."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from outreach.models.base import Base


class ResidentCount(Base):
    """Home-visit requests per kecamatan (of their kelurahan) and status (migration 0007)."""

    __tablename__ = "resident_counts"

    kecamatan_code: Mapped[str] = mapped_column(
        String(8), ForeignKey("kecamatan.code", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(16), primary_key=True)  # a ResidentStatus value
    residents: Mapped[int] = mapped_column(Integer, default=0)


class DailyRecording(Base):
    """What completed visits recorded, per visit day."""

    __tablename__ = "daily_recordings"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    students_recorded: Mapped[int] = mapped_column(Integer, default=0)
    students_not_recorded: Mapped[int] = mapped_column(Integer, default=0)
    residents_recorded: Mapped[int] = mapped_column(Integer, default=0)  # outcome "recorded"


class VisitDayCount(Base):
    """Visits of each kind per day, cancelled ones left out (migration 0008): the calendar's
    "so many more" without counting a month of visits."""

    __tablename__ = "visit_day_counts"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(6), primary_key=True)  # a VisitKind value
    visits: Mapped[int] = mapped_column(Integer, default=0)
