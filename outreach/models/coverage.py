"""Published recording coverage: how many wajib-KTP residents are recorded, per area and date."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.domain.coverage import share
from outreach.models.base import Base, UTCDateTime, utcnow
from outreach.models.region import Kecamatan


class CoverageSnapshot(Base):
    __tablename__ = "coverage_snapshots"
    __table_args__ = (
        CheckConstraint("wajib_ktp >= 0", name="wajib_ktp_not_negative"),
        CheckConstraint("recorded >= 0", name="recorded_not_negative"),
        # One figure per area and date: kecamatan rows, and city rows (no kecamatan).
        Index(
            "uq_coverage_snapshots_as_of_kecamatan",
            "as_of",
            "kecamatan_code",
            unique=True,
            sqlite_where=text("kecamatan_code IS NOT NULL"),
            postgresql_where=text("kecamatan_code IS NOT NULL"),
        ),
        Index(
            "uq_coverage_snapshots_as_of_city",
            "as_of",
            unique=True,
            sqlite_where=text("kecamatan_code IS NULL"),
            postgresql_where=text("kecamatan_code IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    as_of: Mapped[date] = mapped_column(Date)
    kecamatan_code: Mapped[str | None] = mapped_column(ForeignKey("kecamatan.code"))
    wajib_ktp: Mapped[int] = mapped_column(Integer)
    recorded: Mapped[int] = mapped_column(Integer)
    source: Mapped[str | None] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    kecamatan: Mapped[Kecamatan | None] = relationship()

    @property
    def percent(self) -> Decimal | None:
        return share(self.recorded, self.wajib_ktp)

    @property
    def remaining(self) -> int:
        return max(0, self.wajib_ktp - self.recorded)
