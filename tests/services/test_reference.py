"""Reference data: regions and office closures, loaded idempotently."""

from datetime import date

from sqlalchemy import func, select

from outreach.models import (
    ClosureKind,
    ClosureSource,
    Kecamatan,
    Kelurahan,
    OfficeClosure,
)
from outreach.services.reference import (
    Place,
    load_closures,
    load_regions,
    nearest_place,
    reload_closures,
)


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_init_twice_leaves_9_kecamatan_67_kelurahan_and_no_duplicate_closures(runner, db_session):
    first = runner.invoke(args=["outreach", "init"])
    second = runner.invoke(args=["outreach", "init"])
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert count(db_session, Kecamatan) == 9
    assert count(db_session, Kelurahan) == 67
    pairs = db_session.execute(select(OfficeClosure.closed_on, OfficeClosure.name)).all()
    assert len(pairs) == len(set(pairs)) > 40
    assert "0 added" in second.output


def test_regions_carry_official_codes_names_and_centroids(db_session):
    load_regions(db_session)
    selebar = db_session.get(Kecamatan, "17.71.01")
    assert selebar.name == "Selebar"
    assert len(selebar.kelurahan) == 6
    # Codes are not contiguous: Gading Cempaka has 1001, 1002, 1021, 1024, 1027.
    codes = [k.code for k in db_session.get(Kecamatan, "17.71.02").kelurahan]
    assert sorted(codes) == [
        "17.71.02.1001",
        "17.71.02.1002",
        "17.71.02.1021",
        "17.71.02.1024",
        "17.71.02.1027",
    ]
    kel = db_session.get(Kelurahan, "17.71.01.1004")
    assert kel.name == "Bumu Ayu"  # kept exactly as the official source spells it
    assert -4 < kel.lat < -3 and 102 < kel.lng < 103


def test_a_second_region_load_changes_nothing(db_session):
    load_regions(db_session)
    again = load_regions(db_session)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 76)


def test_loading_closures_keeps_a_coordinators_removal(db_session):
    load_closures(db_session, [2026])
    natal_eve = db_session.scalar(
        select(OfficeClosure).where(OfficeClosure.closed_on == date(2026, 12, 24))
    )
    db_session.delete(natal_eve)
    db_session.flush()
    result = load_closures(db_session, [2026])
    assert result.added == 0
    assert (
        db_session.scalar(
            select(OfficeClosure).where(OfficeClosure.closed_on == date(2026, 12, 24))
        )
        is None
    )


def test_reloading_a_year_restores_the_package_days_and_keeps_local_closures(db_session):
    load_closures(db_session, [2026])
    db_session.add(
        OfficeClosure(
            closed_on=date(2026, 3, 3),
            name="HUT Kota Bengkulu",
            kind=ClosureKind.LOCAL,
            source=ClosureSource.USER,
        )
    )
    natal_eve = db_session.scalar(
        select(OfficeClosure).where(OfficeClosure.closed_on == date(2026, 12, 24))
    )
    db_session.delete(natal_eve)
    db_session.flush()
    result = reload_closures(db_session, 2026)
    assert result.added == 1
    days = set(db_session.scalars(select(OfficeClosure.closed_on)))
    assert date(2026, 12, 24) in days and date(2026, 3, 3) in days
    assert count(db_session, OfficeClosure) == 17 + 8 + 1


def test_a_point_is_named_by_the_nearest_kelurahan_else_kecamatan_centre(db_session):
    load_regions(db_session)
    # Pagar Dewa's centre, a few metres off.
    assert nearest_place(db_session, -3.8407, 102.3207) == Place("Selebar", "Pagar Dewa")
    assert nearest_place(db_session, -4.5, 101.5) is None  # in the sea, far from every centre
    for kelurahan in db_session.scalars(select(Kelurahan)):
        kelurahan.lat = kelurahan.lng = None
    db_session.flush()
    assert nearest_place(db_session, -3.8407, 102.3207) == Place("Selebar")
