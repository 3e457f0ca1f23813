"""Reference data: the region list shipped with the package and the national office calendar."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from outreach.domain.regions import Region, RegionIndex
from outreach.models import ClosureKind, ClosureSource, Kecamatan, Kelurahan, OfficeClosure
from outreach.scheduling.calendar import Closure, national_closures
from outreach.scheduling.routes import Point, distance_km


@dataclass
class LoadResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


def _region_rows() -> list[dict[str, str]]:
    with resources.files("outreach").joinpath("data", "wilayah.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def load_regions(session: Session) -> LoadResult:
    """Insert or update every kecamatan and kelurahan of the shipped list, keyed by code."""
    result = LoadResult()
    rows = _region_rows()
    existing_kec = {k.code: k for k in session.scalars(select(Kecamatan))}
    existing_kel = {k.code: k for k in session.scalars(select(Kelurahan))}
    for row in rows:
        lat = float(row["lat"]) if row["lat"] else None
        lng = float(row["lng"]) if row["lng"] else None
        values = {"name": row["name"].strip(), "lat": lat, "lng": lng}
        if row["level"] == "kecamatan":
            current = existing_kec.get(row["code"])
            model = Kecamatan
        else:
            current = existing_kel.get(row["code"])
            values["kecamatan_code"] = row["parent_code"]
            model = Kelurahan
        if current is None:
            session.add(model(code=row["code"], **values))
            result.added += 1
        elif any(getattr(current, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(current, key, value)
            result.updated += 1
        else:
            result.unchanged += 1
    session.flush()
    return result


def region_index(session: Session) -> RegionIndex:
    """Every region, for look-ups by code or name (read as plain rows: 80,000 of them
    nationally)."""
    return RegionIndex(
        (Region(*row) for row in session.execute(select(Kecamatan.code, Kecamatan.name))),
        (
            Region(*row)
            for row in session.execute(
                select(Kelurahan.code, Kelurahan.name, Kelurahan.kecamatan_code)
            )
        ),
    )


def kelurahan_of(session: Session, kecamatan_code: str) -> list[tuple[str, str]]:
    """(code, name) of each kelurahan of one kecamatan, by name."""
    rows = session.execute(
        select(Kelurahan.code, Kelurahan.name)
        .where(Kelurahan.kecamatan_code == kecamatan_code)
        .order_by(Kelurahan.name)
    )
    return [(code, name) for code, name in rows]


@dataclass(frozen=True)
class Place:
    """Where a point lies, in names people know: the kelurahan whose centre is nearest (None
    where only kecamatan centres are known) and its kecamatan."""

    kecamatan: str
    kelurahan: str | None = None


# How far from a point a region's centre is looked for (degrees, about 11 km): enough for a city
# or regency, a handful of rows even from the country's 83,000 kelurahan.
NEAR = 0.1


def nearest_place(session: Session, lat: float, lng: float) -> Place | None:
    """The kelurahan (else the kecamatan) whose centre is nearest the point, or None when no
    region's centre lies within NEAR of it."""
    rows = (
        session.execute(
            select(Kelurahan.lat, Kelurahan.lng, Kecamatan.name, Kelurahan.name)
            .join(Kecamatan, Kelurahan.kecamatan_code == Kecamatan.code)
            .where(*_near(Kelurahan, lat, lng))
        ).all()
        or session.execute(
            select(Kecamatan.lat, Kecamatan.lng, Kecamatan.name).where(*_near(Kecamatan, lat, lng))
        ).all()
    )
    if not rows:
        return None
    here = Point(lat, lng)
    nearest = min(rows, key=lambda row: (distance_km(here, Point(row[0], row[1])), row[2:]))
    return Place(*nearest[2:])


def _near(region, lat: float, lng: float) -> tuple:
    """The region's centre within NEAR of the point, either way."""
    return (
        region.lat.between(lat - NEAR, lat + NEAR),
        region.lng.between(lng - NEAR, lng + NEAR),
    )


def load_closures(session: Session, years: Iterable[int]) -> LoadResult:
    """Seed national holidays and cuti bersama for each year not loaded yet.

    A year that already has closures from the package is left alone, so a coordinator's edits
    survive a re-run; reloading a year on purpose is :func:`reload_closures`.
    """
    result = LoadResult()
    for year in sorted(set(years)):
        existing = _package_closures(session, year)
        if existing:
            result.unchanged += len(existing)
            continue
        result.added += _insert_closures(session, year)
    session.flush()
    return result


def reload_closures(session: Session, year: int) -> LoadResult:
    """Make the package's closures of ``year`` match the package again; local ones stay."""
    result = LoadResult()
    wanted = {(c.on, c.name): c for c in national_closures([year])}
    for closure in _package_closures(session, year):
        if (closure.closed_on, closure.name) in wanted:
            wanted.pop((closure.closed_on, closure.name))
            result.unchanged += 1
        else:
            session.delete(closure)
            result.updated += 1
    session.flush()
    for closure in wanted.values():
        session.add(_closure_row(closure))
        result.added += 1
    session.flush()
    return result


def _package_closures(session: Session, year: int) -> list[OfficeClosure]:
    return list(
        session.scalars(
            select(OfficeClosure).where(
                OfficeClosure.source == ClosureSource.HOLIDAYS_PACKAGE,
                OfficeClosure.closed_on >= date(year, 1, 1),
                OfficeClosure.closed_on <= date(year, 12, 31),
            )
        )
    )


def _insert_closures(session: Session, year: int) -> int:
    taken = {
        (row.closed_on, row.name)
        for row in session.scalars(
            select(OfficeClosure).where(OfficeClosure.source == ClosureSource.USER)
        )
    }
    added = 0
    for closure in national_closures([year]):
        if (closure.on, closure.name) in taken:
            continue
        session.add(_closure_row(closure))
        added += 1
    return added


def _closure_row(closure: Closure) -> OfficeClosure:
    return OfficeClosure(
        closed_on=closure.on,
        name=closure.name,
        kind=ClosureKind(closure.kind),
        source=ClosureSource.HOLIDAYS_PACKAGE,
    )
