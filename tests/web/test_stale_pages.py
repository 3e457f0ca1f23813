"""What a page refused as stale tells the second of two coordinators: only what they typed that
differs from the record as it is now, each value as the form shows it (never the NIK, which is
named as typed), who changed the record and when; a team's kecamatan are a set; and a bulk action
over visits changed since keeps the selection and names each changed visit as it is now."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from outreach.domain.nik import build_nik, mask_nik
from outreach.i18n import long_date
from outreach.models import AuditEvent, Resident, ResidentStatus, Role, Team, Visit, utcnow
from outreach.services.audit import record_event
from outreach.services.versions import bump
from tests.services.visit_helpers import add_visit
from tests.web.test_lost_updates import first, second, send, shown, text  # noqa: F401
from tests.web.visit_fixtures import next_month_weekdays

CHANGED_BY = re.compile(
    r"Diubah oleh Rina Koordinator, \w+, \d{1,2} \w+ \d{4} pukul \d{2}\.\d{2} WIB\."
)


def unsaved(page: str) -> list[str]:
    """The lines of the 'what you entered, not saved' list, as 'Label: value'."""
    block = page.split('data-testid="unsaved"', 1)[1].split("</div>", 1)[0]
    return [
        re.sub(r"<[^>]+>", "", item).strip()
        for item in re.findall(r"<li>(.*?)</li>", block, flags=re.S)
    ]


def refused(first, second, url: str, mine: dict, theirs: dict):  # noqa: F811
    """Both open ``url``; the first saves ``mine``; the second then saves ``theirs``."""
    page_one, page_two = first.get(url), second.get(url)
    assert send(first, url, data=shown(page_one, url, **mine)).status_code == 302
    return send(second, url, data=shown(page_two, url, **theirs))


# --- 1 and 2: only what differs, as the form shows it; who changed it and when ----------------


def test_a_stale_school_lists_only_what_was_typed_differently_and_who_changed_it(
    first,  # noqa: F811
    second,  # noqa: F811
    make_school,
):
    school = make_school(
        name="SMA Negeri 9",
        liaison_name="Pak Lama",
        liaison_phone="+6281273004414",
        lat=-3.8452,
        lng=102.3204,
        students_pending=40,
        preferred_weekdays=0b101,
    )
    url = f"/schools/{school.id}/edit"
    # The second types the phone and the point in other shapes than stored (the same values),
    # and changes the count and the level.
    response = refused(
        first,
        second,
        url,
        {"liaison_name": "Bu Rina"},
        {
            "students_pending": "12",
            "liaison_phone": "0812 7300 4414",
            "coordinates": "-3.84520, 102.32040",
            "level": "smk",
        },
    )
    assert response.status_code == 409
    page = text(response)
    assert unsaved(page) == ["Jenjang: SMK", "Siswa belum terekam: 12"]
    assert "(-3.8452, 102.3204)" not in page and "+6281273004414" not in page
    assert CHANGED_BY.search(page), page.split('data-testid="unsaved"', 1)[1][:600]


def test_a_field_both_changed_is_listed_one_only_the_other_changed_is_not(
    first,  # noqa: F811
    second,  # noqa: F811
    make_school,
):
    school = make_school(name="SMA Negeri 9", liaison_name="Pak Lama", students_pending=40)
    url = f"/schools/{school.id}/edit"
    response = refused(
        first,
        second,
        url,
        {"liaison_name": "Bu Rina", "students_pending": "30"},
        {"liaison_name": "Pak Baru"},  # the count left as the page showed it (40)
    )
    assert unsaved(text(response)) == ["Nama operator sekolah: Pak Baru"]


def test_a_page_that_carries_no_fingerprints_lists_every_field_that_differs(
    first,  # noqa: F811
    second,  # noqa: F811
    make_school,
):
    school = make_school(name="SMA Negeri 9", liaison_name="Pak Lama")
    url = f"/schools/{school.id}/edit"
    page_one, page_two = first.get(url), second.get(url)
    assert send(first, url, data=shown(page_one, url, liaison_name="Bu Rina")).status_code == 302
    data = [(k, v) for k, v in shown(page_two, url, name="SMA 9") if k != "shown"]
    response = send(second, url, data=data)
    assert response.status_code == 409
    assert unsaved(text(response)) == ["Nama sekolah: SMA 9", "Nama operator sekolah: Pak Lama"]


def test_a_stale_school_shows_regions_by_name_and_choices_by_label(
    first,  # noqa: F811
    second,  # noqa: F811
    make_school,
):
    school = make_school(name="SMA Negeri 9")
    url = f"/schools/{school.id}/edit"
    response = refused(
        first,
        second,
        url,
        {"name": "SMA Negeri 9 Kota"},
        {"kelurahan": "17.71.01.1003", "status": "swasta"},
    )
    assert unsaved(text(response)) == ["Status: Swasta", "Kelurahan: Pekan Sabtu"]


def test_who_changed_is_left_out_when_the_log_does_not_know_it(
    first,  # noqa: F811
    db_session,
    make_resident,
):
    """The home planner marks requests scheduled with no event of each: the page does not name
    the request's creator (its newest event) as the one who changed it."""
    siti = make_resident(name="Siti Aminah")
    url = f"/residents/{siti.id}/edit"
    page = first.get(url)
    db_session.execute(
        update(Resident)
        .where(Resident.id == siti.id)
        .values(
            status=ResidentStatus.SCHEDULED,
            updated_at=utcnow() + timedelta(minutes=5),
            **bump(Resident),
        )
    )
    db_session.commit()
    response = send(first, url, data=shown(page, url, address="Jl. Kenanga No. 3"))
    assert response.status_code == 409
    body = text(response)
    assert unsaved(body) == ["Alamat: Jl. Kenanga No. 3"]
    assert "Diubah oleh" not in body and "Diubah pada" not in body


# --- 3: the request form: a NIK typed is named, not shown; as the service would store it ------


def test_a_stale_request_names_a_typed_nik_without_showing_it_and_answers_409(
    first,  # noqa: F811
    second,  # noqa: F811
    make_resident,
):
    siti = make_resident(name="Siti Aminah", contact_name="Rina", phone="+6281273004414")
    new_nik = build_nik("17.71.01", "f", siti.birth_on, 77)
    url = f"/residents/{siti.id}/edit"
    response = refused(
        first,
        second,
        url,
        {"address": "Jl. Kenanga No. 3"},
        # The sex left to the NIK (which says the same), the phone in another shape, a new NIK,
        # and bedridden ticked.
        {"nik": new_nik, "sex": "", "phone": "0812 7300 4414", "is_bedridden": "y"},
    )
    assert response.status_code == 409
    page = text(response)
    assert unsaved(page) == [
        "NIK: diketik (tidak ditampilkan) — ketik lagi",
        "Tirah baring: tidak bisa bangun dari tempat tidur: Ya",
    ]  # not the address the first changed, which the second left as shown
    assert new_nik not in page and siti.nik not in page
    assert f'placeholder="{mask_nik(siti.nik)}"' in page  # what leaving it empty keeps
    assert CHANGED_BY.search(page)


def test_a_stale_page_does_not_tell_whether_a_typed_nik_is_the_one_on_file(
    first,  # noqa: F811
    second,  # noqa: F811
    make_resident,
):
    """The NIK on file typed again, or another: the same line, "typed (not shown)" — the page
    would otherwise answer, unaudited, whether a guess is the request's NIK (break-it test)."""
    siti = make_resident(name="Siti Aminah")
    url = f"/residents/{siti.id}/edit"
    lists = []
    for turn, serial in enumerate((siti.nik[12:], "9998" if siti.nik[12:] != "9998" else "9997")):
        typed = siti.nik[:12] + serial
        mine = {"contact_name": f"Hasan {turn}"}  # each turn a change the first saves
        response = refused(first, second, url, mine, {"nik": typed, **mine})
        assert response.status_code == 409
        lists.append(unsaved(text(response)))
    assert lists[0] == lists[1] == ["NIK: diketik (tidak ditampilkan) — ketik lagi"]


# --- 4: a team's kecamatan are a set ---------------------------------------------------------

THREE = ["17.71.03", "17.71.01", "17.71.02"]  # Teluk Segara, Selebar, Gading Cempaka


def test_renaming_a_team_does_not_log_its_kecamatan_in_another_order(
    first,  # noqa: F811
    db_session,
    make_team,
):
    team = make_team(name="Tim Timur", kecamatan_codes=THREE)
    url = f"/teams/{team.id}/edit"
    # The form ticks them in the order of their names, as a browser posts them.
    assert send(first, url, data=shown(first.get(url), url, name="Tim Barat")).status_code == 302
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "team.update")).one()
    assert event.changes == {"name": ["Tim Timur", "Tim Barat"]}
    created = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "team.create")).one()
    assert created.changes["kecamatan"] == sorted(THREE)  # kept in code order
    db_session.expire_all()
    assert [k.code for k in db_session.get(Team, team.id).kecamatan] == sorted(THREE)


def test_a_stale_team_lists_neither_its_kecamatan_nor_its_start_typed_as_shown(
    first,  # noqa: F811
    second,  # noqa: F811
    make_team,
):
    team = make_team(name="Tim Timur", kecamatan_codes=THREE, start_lat=-3.7956, start_lng=102.2592)
    url = f"/teams/{team.id}/edit"
    response = refused(first, second, url, {"name": "Tim Barat"}, {"home_visits_per_day": "4"})
    assert response.status_code == 409
    page = text(response)
    assert unsaved(page) == ["Kunjungan rumah per hari: 4"]
    assert CHANGED_BY.search(page)


def test_the_audit_page_shows_no_kecamatan_change_that_only_reordered_them(
    app, client, db_session, make_user, login, make_team
):
    """An event logged before the kecamatan were kept in code order."""
    login(make_user(Role.ADMIN))
    team = make_team(name="Tim Timur", kecamatan_codes=THREE)
    record_event(
        db_session,
        now=utcnow(),
        actor="test",
        action="team.update",
        entity=team,
        changes={
            "name": ["Tim Lama", "Tim Timur"],
            "kecamatan": [["17.71.02", "17.71.01"], ["17.71.01", "17.71.02"]],
        },
    )
    db_session.commit()
    page = text(client.get(f"/admin/audit?record=Team&record_id={team.id}"))
    rows = page.split('data-testid="audit-event"')
    update_row = next(row for row in rows if "Tim Lama" in row)
    assert "Kecamatan" not in update_row


# --- 5: a bulk action over visits changed since --------------------------------------------


@pytest.fixture
def three(db_session, make_team, make_school):
    days = next_month_weekdays()
    team = make_team(name="Tim Utara", school_visits_per_day=3)
    visits = [
        add_visit(db_session, school=make_school(name=name), team=team, on=days[1])
        for name in ("SMA Pindah", "SMA Satu", "SMA Dua")
    ]
    return days, team, visits


def ticked(page: str) -> set[int]:
    return {
        int(visit_id)
        for visit_id in re.findall(r'name="ids" value="(\d+):\d+"[^>]*\bchecked\b', page)
    }


@pytest.mark.parametrize("action", ["confirm", "move", "reassign", "cancel"])
def test_a_refused_bulk_action_keeps_the_selection_and_names_the_changed_visit_as_it_is_now(
    action,
    first,  # noqa: F811
    second,  # noqa: F811
    db_session,
    make_team,
    three,
):
    days, team, (moved, one, two) = three
    other = make_team(name="Tim Selatan", school_visits_per_day=3)
    url = f"/visits?month={days[0]:%Y-%m}"
    page_one, page_two = first.get(url), second.get(url)
    # The first moves one of them to another day.
    move = [*shown(page_one, url, action="move", on=days[3].isoformat()), ("ids", f"{moved.id}:1")]
    assert "1 kunjungan diubah." in text(send(first, url, data=move, follow_redirects=True))
    successor = db_session.scalars(select(Visit).where(Visit.replaces_id == moved.id)).one()

    extra = {
        "confirm": {},
        "move": {"on": days[4].isoformat()},
        "reassign": {"team": str(other.id)},
        "cancel": {"reason": "Ujian sekolah"},
    }[action]
    selected = [("ids", f"{visit.id}:1") for visit in (moved, one, two)]
    response = send(second, url, data=[*shown(page_two, url, action=action, **extra), *selected])
    assert response.status_code == 409
    page = text(response)
    assert ticked(page) == {one.id, two.id}  # still as the list showed them
    (line,) = re.findall(r'data-testid="changed-visit">(.*?)</li>', page, flags=re.S)
    assert f'href="/visits/{successor.id}"' in line
    assert f"SMA Pindah, {long_date(days[3])}" in line  # its day now
    assert (
        f"dipindahkan dari {long_date(days[1])}" in line
        and "sekarang diusulkan (Tim Utara)" in line
    )
    assert "tidak tampil lagi" not in line  # its new day is in this month's list
    db_session.expire_all()
    assert all(db_session.get(Visit, v.id).version == 1 for v in (one, two))


@pytest.mark.parametrize(
    "shown_only, first_does, why",
    [
        ("status=proposed", {"action": "confirm"}, "hanya menampilkan kunjungan yang diusulkan"),
        (
            "team={team}",
            {"action": "reassign", "team": "{other}"},
            "hanya menampilkan kunjungan Tim Utara",
        ),
    ],
)
def test_a_changed_visit_the_filtered_list_no_longer_shows_is_said_to_be_gone_and_why(
    shown_only,
    first_does,
    why,
    first,  # noqa: F811
    second,  # noqa: F811
    make_team,
    three,
):
    days, team, (changed, one, _two) = three
    other = make_team(name="Tim Selatan", school_visits_per_day=3)
    ids = {"team": str(team.id), "other": str(other.id)}
    url = f"/visits?month={days[0]:%Y-%m}&{shown_only.format(**ids)}"
    page_one, page_two = first.get(url), second.get(url)
    done = {name: value.format(**ids) for name, value in first_does.items()}
    assert send(first, url, data=[*shown(page_one, url, **done), ("ids", f"{changed.id}:1")])
    selected = [("ids", f"{changed.id}:1"), ("ids", f"{one.id}:1")]
    response = send(
        second, url, data=[*shown(page_two, url, action="cancel", reason="Ujian"), *selected]
    )
    assert response.status_code == 409
    page = text(response)
    (line,) = re.findall(r'data-testid="changed-visit">(.*?)</li>', page, flags=re.S)
    assert f'href="/visits/{changed.id}"' in line and "SMA Pindah, " in line
    assert f"tidak tampil lagi di daftar ini karena daftar ini {why}" in line
    assert ticked(page) == {one.id}
