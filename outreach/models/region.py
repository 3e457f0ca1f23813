"""Reference regions: kecamatan (districts) and kelurahan (villages), keyed by official code."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.models.base import Base


class Kecamatan(Base):
    __tablename__ = "kecamatan"
    __table_args__ = (
        CheckConstraint("lat IS NULL OR (lat BETWEEN -90 AND 90)", name="lat_range"),
        CheckConstraint("lng IS NULL OR (lng BETWEEN -180 AND 180)", name="lng_range"),
    )

    code: Mapped[str] = mapped_column(String(8), primary_key=True)  # e.g. 17.71.01
    name: Mapped[str] = mapped_column(String(100))
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)

    kelurahan: Mapped[list[Kelurahan]] = relationship(
        back_populates="kecamatan", order_by="Kelurahan.name"
    )

    def __repr__(self) -> str:
        return f"<Kecamatan {self.code} {self.name}>"


class Kelurahan(Base):
    __tablename__ = "kelurahan"
    __table_args__ = (
        CheckConstraint("lat IS NULL OR (lat BETWEEN -90 AND 90)", name="lat_range"),
        CheckConstraint("lng IS NULL OR (lng BETWEEN -180 AND 180)", name="lng_range"),
    )

    code: Mapped[str] = mapped_column(String(13), primary_key=True)  # e.g. 17.71.01.1001
    kecamatan_code: Mapped[str] = mapped_column(ForeignKey("kecamatan.code"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)

    kecamatan: Mapped[Kecamatan] = relationship(back_populates="kelurahan")

    def __repr__(self) -> str:
        return f"<Kelurahan {self.code} {self.name}>"
