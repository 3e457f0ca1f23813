"""Home-visit requests from elderly and disabled residents who cannot come to the office."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.models.base import Base, UTCDateTime, enum_type, utcnow
from outreach.models.region import Kelurahan


class Sex(enum.Enum):
    MALE = "m"
    FEMALE = "f"


class ResidentCategory(enum.Enum):
    LANSIA = "lansia"
    DISABILITAS = "disabilitas"
    BOTH = "both"


class DisabilityKind(enum.Enum):
    PHYSICAL = "physical"
    VISUAL = "visual"
    HEARING_SPEECH = "hearing_speech"
    INTELLECTUAL = "intellectual"
    MENTAL = "mental"
    MULTIPLE = "multiple"


class RequestChannel(enum.Enum):
    PHONE = "phone"
    WHATSAPP = "whatsapp"
    RT_RW = "rt_rw"
    KELURAHAN = "kelurahan"
    WALK_IN = "walk_in"
    OTHER = "other"


class ResidentStatus(enum.Enum):
    WAITING = "waiting"
    SCHEDULED = "scheduled"
    RECORDED = "recorded"
    UNREACHABLE = "unreachable"
    REFUSED = "refused"
    MOVED = "moved"
    DECEASED = "deceased"
    ALREADY_RECORDED = "already_recorded"


# A request is open while an officer may still have to go; one open request per NIK.
OPEN_RESIDENT_STATUSES = (ResidentStatus.WAITING, ResidentStatus.SCHEDULED)
_OPEN_SQL = text("status IN ('waiting', 'scheduled')")


class Resident(Base):
    __tablename__ = "residents"
    __table_args__ = (
        CheckConstraint("length(nik) = 16", name="nik_sixteen_digits"),
        CheckConstraint("lat IS NULL OR (lat BETWEEN -90 AND 90)", name="lat_range"),
        CheckConstraint("lng IS NULL OR (lng BETWEEN -180 AND 180)", name="lng_range"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index(
            "uq_residents_open_nik",
            "nik",
            unique=True,
            sqlite_where=_OPEN_SQL,
            postgresql_where=_OPEN_SQL,
        ),
        Index("ix_residents_status_requested_on", "status", "requested_on"),
        # The queue's priority order (see services.residents.queue.PRIORITY), walked in the index.
        Index(
            "ix_residents_priority",
            text("is_bedridden DESC"),
            text("(birth_on IS NULL)"),
            "birth_on",
            "requested_on",
            "id",
            "status",
        ),
        # Waiting residents per kelurahan with the oldest request, counted from the index.
        Index("ix_residents_status_kelurahan", "status", "kelurahan_code", "requested_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nik: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(120))
    birth_on: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[Sex | None] = mapped_column(enum_type(Sex, "sex"))
    category: Mapped[ResidentCategory] = mapped_column(
        enum_type(ResidentCategory, "resident_category")
    )
    disability: Mapped[DisabilityKind | None] = mapped_column(
        enum_type(DisabilityKind, "disability_kind")
    )
    is_bedridden: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_companion: Mapped[bool] = mapped_column(Boolean, default=False)
    address: Mapped[str] = mapped_column(Text)
    rt: Mapped[str | None] = mapped_column(String(3))
    rw: Mapped[str | None] = mapped_column(String(3))
    kelurahan_code: Mapped[str] = mapped_column(ForeignKey("kelurahan.code"), index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    phone: Mapped[str | None] = mapped_column(String(20))
    contact_name: Mapped[str | None] = mapped_column(String(120))
    contact_relation: Mapped[str | None] = mapped_column(String(60))
    requested_via: Mapped[RequestChannel] = mapped_column(
        enum_type(RequestChannel, "request_channel"), default=RequestChannel.OTHER
    )
    requested_on: Mapped[date] = mapped_column(Date)
    status: Mapped[ResidentStatus] = mapped_column(
        enum_type(ResidentStatus, "resident_status"), default=ResidentStatus.WAITING
    )
    status_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic locking (services.versions): every UPDATE raises it; the forms carry it.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    __mapper_args__ = {"version_id_col": version}

    kelurahan: Mapped[Kelurahan] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_RESIDENT_STATUSES

    @property
    def is_disabled(self) -> bool:
        return self.category in (ResidentCategory.DISABILITAS, ResidentCategory.BOTH)

    @property
    def disability_not_known(self) -> bool:
        """A disabled resident whose kind of disability no one has said yet (a kelurahan's list
        often does not): the officer fills it in at the visit."""
        return self.disability is None and self.is_disabled

    def __repr__(self) -> str:
        return f"<Resident {self.id} {self.status.value}>"
