"""A disabled resident whose kind of disability no one has said yet (a kelurahan's list often
does not): "Belum diketahui" on the resident's page, in the list and on the officer's visit,
and the officer fills it in on the outcome form at the door."""

from datetime import date
from html import unescape

import pytest
from sqlalchemy import select

from outreach.i18n import office_today
from outreach.models import (
    AuditEvent,
    DisabilityKind,
    Resident,
    ResidentCategory,
    Role,
    Visit,
    VisitStatus,
)
from tests.conftest import field_errors
from tests.services.visit_helpers import add_visit


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return unescape(response.get_data(as_text=True))


def disabled(make_resident, **overrides):
    return make_resident(
        birth_on=date(1990, 5, 1),
        sex_code="m",
        category=ResidentCategory.DISABILITAS,
        **overrides,
    )


def test_the_office_reads_not_known_yet_on_the_page_in_the_list_and_on_the_visit(
    client, db_session, make_user, make_team, login, make_resident
):
    resident = disabled(make_resident, name="Rahmat Tanpa Jenis")
    known = disabled(make_resident, name="Rahmat Netra", disability=DisabilityKind.VISUAL)
    elderly = make_resident(name="Siti Lansia")
    login(make_user(Role.COORDINATOR))
    detail = page(client, f"/residents/{resident.id}")
    assert 'data-testid="resident-disability">Belum diketahui' in detail
    assert "Petugas mengisinya saat kunjungan." in detail
    assert 'data-testid="resident-disability">Netra' in page(client, f"/residents/{known.id}")
    assert "Jenis disabilitas" not in page(client, f"/residents/{elderly.id}")
    listed = page(client, "/residents")
    assert listed.count('data-testid="resident-disability"') == 2
    assert 'data-testid="resident-disability">Belum diketahui</div>' in listed
    form = page(client, f"/residents/{resident.id}/edit")
    assert "— belum diketahui —" in form
    visit = add_visit(db_session, resident=resident, team=make_team(), on=office_today())
    family = page(client, f"/visits/{visit.id}")  # the family card the coordinator calls from
    assert 'data-testid="resident-disability">Jenis disabilitas: Belum diketahui' in family


def at_the_door(db_session, make_user, login, make_resident):
    """An officer logged in, with today's visit to a disabled resident whose kind is not known."""
    officer = make_user(Role.OFFICER)
    resident = disabled(make_resident)
    visit = add_visit(db_session, resident=resident, team=officer.team, on=office_today())
    login(officer)
    return officer, visit


def post_outcome(client, visit, **data):
    return client.post(f"/visits/{visit.id}/outcome", data={"version": visit.version, **data})


def test_the_officer_fills_in_the_kind_with_the_outcome(
    client, db_session, make_user, login, make_resident
):
    officer, visit = at_the_door(db_session, make_user, login, make_resident)
    assert client.get(f"/visits/{visit.id}").location == f"/visits/{visit.id}/outcome"
    form = page(client, f"/visits/{visit.id}/outcome")  # the officer's page of the visit
    assert 'data-testid="resident-disability">Jenis disabilitas: Belum diketahui' in form
    assert 'name="disability"' in form
    assert '<option value="">Belum diketahui</option>' in form
    response = post_outcome(client, visit, outcome="recorded", disability="hearing_speech")
    assert response.status_code == 302
    db_session.expire_all()
    visit = db_session.get(Visit, visit.id)
    assert visit.status is VisitStatus.COMPLETED
    assert visit.resident.disability is DisabilityKind.HEARING_SPEECH
    event = db_session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "resident.update", AuditEvent.entity_id == str(visit.resident_id)
        )
    )
    assert event.user_id == officer.id
    assert event.changes == {"disability": [None, "hearing_speech"]}


def test_a_kind_not_on_the_list_is_refused_and_nothing_is_saved(
    client, db_session, make_user, login, make_resident
):
    _officer, visit = at_the_door(db_session, make_user, login, make_resident)
    response = post_outcome(client, visit, outcome="recorded", disability="lumpuh")
    assert response.status_code == 422
    errors = field_errors(response.get_data(as_text=True))
    assert errors == ["Pilih jenis disabilitas dari daftar, atau biarkan belum diketahui."]
    db_session.expire_all()
    visit = db_session.get(Visit, visit.id)
    assert visit.status is VisitStatus.PROPOSED and visit.resident.disability is None


def test_the_outcome_form_asks_only_a_kind_not_known(
    client, db_session, make_user, login, make_resident
):
    officer = make_user(Role.OFFICER)
    day = office_today()
    known = disabled(make_resident, disability=DisabilityKind.PHYSICAL)
    elderly = make_resident()
    unknown = disabled(make_resident)
    visits = [
        add_visit(db_session, resident=resident, team=officer.team, on=day)
        for resident in (known, elderly, unknown)
    ]
    login(officer)
    assert 'name="disability"' not in page(client, f"/visits/{visits[0].id}/outcome")
    assert 'name="disability"' not in page(client, f"/visits/{visits[1].id}/outcome")
    # Left not known: the outcome is saved, the kind stays for another visit.
    response = post_outcome(client, visits[2], outcome="not_at_home", disability="")
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(Visit, visits[2].id).resident.disability_not_known


def test_the_office_registers_a_disabled_resident_whose_kind_is_not_known(
    client, db_session, make_user, login
):
    from tests.web.test_residents import FORM

    login(make_user(Role.COORDINATOR))
    young = {**FORM, "nik": "1771014106900001", "category": "disabilitas", "disability": ""}
    response = client.post("/residents/new", data=young)
    assert response.status_code == 302
    resident = db_session.scalar(select(Resident))
    assert resident.category is ResidentCategory.DISABILITAS and resident.disability_not_known


@pytest.mark.parametrize("outcome", ["not_at_home", "deceased", "moved"])
def test_a_kind_is_given_only_when_the_team_met_the_resident(
    client, db_session, make_user, login, make_resident, outcome
):
    """No one at home, or gone: no one saw the resident, so no kind is saved with it."""
    _officer, visit = at_the_door(db_session, make_user, login, make_resident)
    response = post_outcome(client, visit, outcome=outcome, disability="visual")
    assert response.status_code == 422
    assert "hanya bila tim bertemu warga" in " ".join(field_errors(response.get_data(as_text=True)))
    db_session.expire_all()
    visit = db_session.get(Visit, visit.id)
    assert visit.status is VisitStatus.PROPOSED and visit.resident.disability is None
