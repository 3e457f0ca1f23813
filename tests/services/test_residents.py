"""Registering home-visit requests: what the NIK fills in, the rules, one open request per
NIK, status changes with reasons, the queue's order and filters."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from outreach.domain.nik import build_nik
from outreach.errors import DomainError
from outreach.i18n import office_today
from outreach.models import (
    AuditEvent,
    DisabilityKind,
    ResidentCategory,
    ResidentStatus,
    Sex,
    utcnow,
)
from outreach.services.residents.queue import (
    ResidentFilters,
    count_by_status,
    find_by_nik,
    list_queue,
    queue_total,
)
from outreach.services.residents.requests import (
    DuplicateRequest,
    ResidentValues,
    register_resident,
    set_disability,
    warnings_for,
)
from outreach.services.residents.status import change_status

TODAY = date(2026, 11, 27)
NOW = utcnow()


def values(**overrides) -> ResidentValues:
    fields = {
        "nik": "1771015203480003",  # a woman born 12 March 1948, first registered in Selebar
        "name": "Siti Aminah",
        "address": "Jl. Merpati No. 5",
        "kelurahan_code": "17.71.01.1001",
    }
    fields.update(overrides)
    return ResidentValues(**fields)


def register(session, **overrides):
    return register_resident(session, values(**overrides), now=utcnow(), today=TODAY, actor="test")


def test_the_nik_fills_birth_date_sex_and_the_elderly_category(db_session):
    resident = register(db_session)
    assert resident.birth_on == date(1948, 3, 12)
    assert resident.sex is Sex.FEMALE
    assert resident.category is ResidentCategory.LANSIA
    assert resident.status is ResidentStatus.WAITING
    assert resident.requested_on == TODAY
    assert warnings_for(resident, today=TODAY) == []


def test_under_60_the_category_must_be_chosen_and_the_disability_may_be_not_known(db_session):
    young = build_nik("17.71.01", "m", date(1990, 5, 1), 7)
    with pytest.raises(DomainError) as refused:
        register(db_session, nik=young)
    assert refused.value.field == "category"
    resident = register(db_session, nik=young, category=ResidentCategory.DISABILITAS)
    assert resident.disability is None and resident.disability_not_known
    other = build_nik("17.71.01", "f", date(1992, 5, 1), 8)
    resident = register(
        db_session,
        nik=other,
        category=ResidentCategory.DISABILITAS,
        disability=DisabilityKind.PHYSICAL,
    )
    assert resident.disability is DisabilityKind.PHYSICAL and not resident.disability_not_known


def test_the_kind_found_at_the_visit_is_kept_and_audited_only_for_a_disabled_resident(
    db_session,
):
    young = build_nik("17.71.01", "m", date(1990, 5, 1), 9)
    resident = register(db_session, nik=young, category=ResidentCategory.DISABILITAS)
    assert set_disability(db_session, resident, DisabilityKind.VISUAL, now=NOW, actor="petugas1")
    assert not set_disability(
        db_session, resident, DisabilityKind.VISUAL, now=NOW, actor="petugas1"
    )
    assert resident.disability is DisabilityKind.VISUAL
    (event,) = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "resident.update")
    ).all()
    assert event.actor == "petugas1" and event.changes == {"disability": [None, "visual"]}
    elderly = register(db_session)
    with pytest.raises(DomainError) as refused:
        set_disability(db_session, elderly, DisabilityKind.VISUAL, now=NOW, actor="petugas1")
    assert refused.value.field == "disability" and elderly.disability is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"nik": "1771019903480003"}, "nik"),
        ({"nik": "9971015203480003"}, "nik"),
        ({"name": "  "}, "name"),
        ({"address": ""}, "address"),
        ({"birth_on": TODAY + timedelta(days=1)}, "birth_on"),
        ({"requested_on": TODAY + timedelta(days=1)}, "requested_on"),
        ({"kelurahan_code": "17.71.99.9999"}, "kelurahan"),
    ],
)
def test_each_rule_names_its_field(db_session, overrides, field):
    with pytest.raises(DomainError) as refused:
        register(db_session, **overrides)
    assert refused.value.field == field


def test_one_open_request_per_nik_but_a_new_one_after_it_closed(db_session):
    first = register(db_session)
    with pytest.raises(DuplicateRequest) as refused:
        register(db_session, name="Siti A.")
    assert refused.value.existing is first and refused.value.field == "nik"
    change_status(
        db_session, first, ResidentStatus.RECORDED, "Direkam 3 Agustus", now=utcnow(), actor="test"
    )
    second = register(db_session)
    assert second.id != first.id
    with pytest.raises(DuplicateRequest):  # reopening the old one would make two open
        change_status(
            db_session, first, ResidentStatus.WAITING, "keliru", now=utcnow(), actor="test"
        )


def test_a_birth_date_that_differs_from_the_nik_is_a_warning_not_an_error(db_session):
    resident = register(db_session, birth_on=date(1948, 3, 13))
    assert resident.birth_on == date(1948, 3, 13)
    (warning,) = warnings_for(resident, today=TODAY)
    assert "12 Maret 1948" in str(warning) and "13 Maret 1948" in str(warning)


def test_a_centenarian_keeps_the_century_of_the_recorded_birth_date(db_session):
    nik = build_nik("17.71.01", "m", date(1925, 4, 15), 9)
    resident = register(db_session, nik=nik, birth_on=date(1925, 4, 15))
    assert warnings_for(resident, today=TODAY) == []


def test_status_changes_need_a_reason_and_are_audited(db_session):
    resident = register(db_session)
    with pytest.raises(DomainError) as refused:
        change_status(
            db_session, resident, ResidentStatus.REFUSED, "  ", now=utcnow(), actor="test"
        )
    assert refused.value.field == "reason"
    with pytest.raises(DomainError):
        change_status(db_session, resident, ResidentStatus.SCHEDULED, "x", now=utcnow(), actor="t")
    change_status(
        db_session,
        resident,
        ResidentStatus.MOVED,
        "Pindah ke Palembang",
        now=utcnow(),
        actor="test",
    )
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "resident.status"))
    assert event.changes == {"status": ["waiting", "moved"], "reason": "Pindah ke Palembang"}
    assert resident.status_reason == "Pindah ke Palembang"


def test_the_audit_log_never_holds_a_nik(db_session):
    resident = register(db_session)
    for event in db_session.scalars(select(AuditEvent)):
        assert resident.nik not in str(event.changes)


def test_the_queue_puts_bedridden_first_then_the_oldest_then_the_longest_waiting(
    db_session, make_resident
):
    today = office_today()
    walker_old = make_resident(name="A tua", birth_on=date(1930, 1, 1))
    bedridden_young = make_resident(
        name="B baring",
        birth_on=date(1990, 1, 1),
        is_bedridden=True,
        category=ResidentCategory.DISABILITAS,
        disability=DisabilityKind.PHYSICAL,
    )
    same_age_new = make_resident(name="C baru", birth_on=date(1950, 6, 1), requested_on=today)
    same_age_old = make_resident(
        name="D lama", birth_on=date(1950, 6, 1), requested_on=today - timedelta(days=90)
    )
    page = list_queue(db_session, ResidentFilters(), today=today)
    assert [r.name for r in page.items] == [
        bedridden_young.name,
        walker_old.name,
        same_age_old.name,
        same_age_new.name,
    ]


def test_queue_filters_and_counts(db_session, make_resident):
    today = office_today()
    make_resident(name="Selebar lama", requested_on=today - timedelta(days=70))
    elsewhere = make_resident(name="Ratu Agung", kelurahan_code="17.71.06.1006")
    done = make_resident(name="Sudah")
    change_status(db_session, done, ResidentStatus.RECORDED, "ok", now=utcnow(), actor="t")

    def names(**filters):
        return [
            r.name for r in list_queue(db_session, ResidentFilters(**filters), today=today).items
        ]

    assert names(kecamatan="17.71.06") == ["Ratu Agung"]
    assert names(kelurahan="17.71.01.1001") == ["Selebar lama"]
    assert names(waited_days=60) == ["Selebar lama"]
    assert names(status="recorded") == ["Sudah"]
    assert names(q="agung") == ["Ratu Agung"]
    assert find_by_nik(db_session, elsewhere.nik) is elsewhere
    assert find_by_nik(db_session, done.nik) is done
    assert len(names(status="all")) == 3
    counts = count_by_status(db_session, ResidentFilters(), today=today)
    assert counts[ResidentStatus.WAITING] == 2 and counts[ResidentStatus.RECORDED] == 1


@pytest.mark.parametrize(
    "filters",
    [
        {},  # read from the running totals
        {"kecamatan": "17.71.06"},  # also
        {"kecamatan": "99.99.99"},  # also: no such kecamatan, nothing
        {"q": "warga"},  # counted
        {"kecamatan": "17.71.01", "category": "lansia"},  # counted
        {"waited_days": 30},  # counted
    ],
)
@pytest.mark.parametrize("status", ["open", "all", "waiting", "scheduled", "recorded"])
def test_tab_counts_and_page_totals_match_a_recount(db_session, make_resident, filters, status):
    """Whether the counts come from the running totals or a count, the tabs and the pager say
    what the list holds."""
    today = office_today()
    people = [make_resident(requested_on=today - timedelta(days=10 * n)) for n in range(6)]
    people.append(make_resident(kelurahan_code="17.71.06.1006"))
    for resident, status_ in zip(people[:2], ("recorded", "moved"), strict=True):
        change_status(db_session, resident, ResidentStatus(status_), "uji", now=utcnow(), actor="t")
    people[2].status = ResidentStatus.SCHEDULED  # as the planner sets it
    db_session.commit()

    counts = count_by_status(db_session, ResidentFilters(**filters), today=today)
    for each in ResidentStatus:
        listed = list_queue(
            db_session, ResidentFilters(**filters, status=each.value), today=today, per_page=100
        )
        assert counts[each] == len(listed.items) == listed.total, each
    chosen = ResidentFilters(**filters, status=status)
    counted = list_queue(db_session, chosen, today=today, per_page=2)
    from_counts = list_queue(db_session, chosen, today=today, per_page=2, counts=counts)
    assert from_counts.total == counted.total == queue_total(counts, status)
    assert [r.id for r in from_counts.items] == [r.id for r in counted.items]


def test_a_closed_request_can_be_corrected_while_a_newer_one_is_open(db_session):
    from dataclasses import replace

    from outreach.services.residents.requests import update_resident

    old = register(db_session)
    change_status(db_session, old, ResidentStatus.MOVED, "Pindah", now=utcnow(), actor="test")
    register(db_session)  # the same NIK asks again
    changes = update_resident(
        db_session,
        old,
        replace(values(), address="Jl. Merpati No. 9", requested_on=old.requested_on),
        now=utcnow(),
        today=TODAY,
        actor="test",
        version=old.version,
    )
    assert changes == {"address": ["Jl. Merpati No. 5", "Jl. Merpati No. 9"]}
