"""Senior high schools visited every month, and the periods in which they cannot be visited."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.models.base import Base, UTCDateTime, enum_type, utcnow
from outreach.models.region import Kecamatan, Kelurahan

if TYPE_CHECKING:
    from outreach.models.user import User


class SchoolLevel(enum.Enum):
    SMA = "sma"
    SMK = "smk"
    MA = "ma"
    SLB = "slb"
    OTHER = "other"


class SchoolStatus(enum.Enum):
    NEGERI = "negeri"
    SWASTA = "swasta"


# ISO weekday (1 = Monday) -> bit in School.preferred_weekdays.
def weekday_bit(iso_weekday: int) -> int:
    return 1 << (iso_weekday - 1)


def iso_weekdays(mask: int) -> frozenset[int]:
    """The ISO weekdays whose bits are set in ``mask`` (see weekday_bit)."""
    return frozenset(day for day in range(1, 8) if mask & weekday_bit(day))


class School(Base):
    __tablename__ = "schools"
    __table_args__ = (
        CheckConstraint("length(npsn) = 8", name="npsn_eight_digits"),
        CheckConstraint(
            "students_pending IS NULL OR students_pending >= 0",
            name="students_pending_not_negative",
        ),
        CheckConstraint("preferred_weekdays BETWEEN 0 AND 127", name="preferred_weekdays_mask"),
        CheckConstraint("lat IS NULL OR (lat BETWEEN -90 AND 90)", name="lat_range"),
        CheckConstraint("lng IS NULL OR (lng BETWEEN -180 AND 180)", name="lng_range"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    npsn: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    level: Mapped[SchoolLevel] = mapped_column(enum_type(SchoolLevel, "school_level"))
    status: Mapped[SchoolStatus | None] = mapped_column(enum_type(SchoolStatus, "school_status"))
    address: Mapped[str | None] = mapped_column(Text)
    kecamatan_code: Mapped[str] = mapped_column(ForeignKey("kecamatan.code"), index=True)
    kelurahan_code: Mapped[str | None] = mapped_column(ForeignKey("kelurahan.code"), index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    liaison_name: Mapped[str | None] = mapped_column(String(120))
    liaison_phone: Mapped[str | None] = mapped_column(String(20))  # normalised: +62…
    liaison_email: Mapped[str | None] = mapped_column(String(255))
    # Estimate of students aged 16+ not yet recorded; NULL means unknown (not zero).
    students_pending: Mapped[int | None] = mapped_column()
    # Bit mask of ISO weekdays (see weekday_bit); 0 = no preference.
    preferred_weekdays: Mapped[int] = mapped_column(default=0)
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic locking (services.versions): every UPDATE raises it; the forms carry it.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    __mapper_args__ = {"version_id_col": version}

    kecamatan: Mapped[Kecamatan] = relationship()
    kelurahan: Mapped[Kelurahan | None] = relationship()
    blackouts: Mapped[list[SchoolBlackout]] = relationship(
        back_populates="school", order_by="SchoolBlackout.first_on"
    )

    @property
    def preferred_iso_weekdays(self) -> frozenset[int]:
        return iso_weekdays(self.preferred_weekdays)

    def __repr__(self) -> str:
        return f"<School {self.npsn} {self.name}>"


class SchoolBlackout(Base):
    """Days a school cannot be visited (exams, semester break). No school = all schools."""

    __tablename__ = "school_blackouts"
    __table_args__ = (CheckConstraint("last_on >= first_on", name="period_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int | None] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), index=True
    )
    first_on: Mapped[date] = mapped_column(Date, index=True)
    last_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    school: Mapped[School | None] = relationship(back_populates="blackouts")
    created_by: Mapped[User | None] = relationship()
