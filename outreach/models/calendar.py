"""Days the office is closed: national holidays, cuti bersama and local closures."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from outreach.models.base import Base, UTCDateTime, enum_type, utcnow


class ClosureKind(enum.Enum):
    LIBUR_NASIONAL = "libur_nasional"
    CUTI_BERSAMA = "cuti_bersama"
    LOCAL = "local"


class ClosureSource(enum.Enum):
    HOLIDAYS_PACKAGE = "holidays_package"
    USER = "user"


class OfficeClosure(Base):
    __tablename__ = "office_closures"
    __table_args__ = (UniqueConstraint("closed_on", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    closed_on: Mapped[date] = mapped_column(Date, index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ClosureKind] = mapped_column(enum_type(ClosureKind, "closure_kind"))
    source: Mapped[ClosureSource] = mapped_column(enum_type(ClosureSource, "closure_source"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<OfficeClosure {self.closed_on} {self.name}>"
