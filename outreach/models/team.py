"""Field teams: who goes out, how many visits a day, which kecamatan they cover."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.models.base import Base, UTCDateTime, utcnow
from outreach.models.region import Kecamatan

if TYPE_CHECKING:
    from outreach.models.user import User

team_kecamatan = Table(
    "team_kecamatan",
    Base.metadata,
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("kecamatan_code", ForeignKey("kecamatan.code"), primary_key=True),
)


class Team(Base):
    __tablename__ = "teams"
    __table_args__ = (
        CheckConstraint("school_visits_per_day >= 0", name="school_visits_per_day_not_negative"),
        CheckConstraint("home_visits_per_day >= 0", name="home_visits_per_day_not_negative"),
        CheckConstraint("start_lat IS NULL OR (start_lat BETWEEN -90 AND 90)", name="lat_range"),
        CheckConstraint("start_lng IS NULL OR (start_lng BETWEEN -180 AND 180)", name="lng_range"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    school_visits_per_day: Mapped[int] = mapped_column(default=2)
    home_visits_per_day: Mapped[int] = mapped_column(default=6)
    # Where the team sets out from each day (the office, by default), for route ordering.
    start_lat: Mapped[float | None] = mapped_column(Float)
    start_lng: Mapped[float | None] = mapped_column(Float)
    # The number a school's liaison or a family calls about a visit (the team's or the office's).
    phone: Mapped[str | None] = mapped_column(String(20))
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Optimistic locking (services.versions): every UPDATE raises it; the forms carry it.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    __mapper_args__ = {"version_id_col": version}

    kecamatan: Mapped[list[Kecamatan]] = relationship(
        secondary=team_kecamatan, order_by=Kecamatan.code
    )
    members: Mapped[list[User]] = relationship(back_populates="team", order_by="User.name")

    def __repr__(self) -> str:
        return f"<Team {self.name}>"
