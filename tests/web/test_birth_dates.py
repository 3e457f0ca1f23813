"""A birth date is a day of the past, not of the plans: the request form takes an elderly
resident's (born before 2000, the first year a planned day may lie in) and refuses one before
1890 on its field, saying from which year."""

from __future__ import annotations

from datetime import date

import pytest

from outreach.models import Resident, Role
from tests.conftest import field_errors
from tests.web.test_lost_updates import send, shown


@pytest.fixture
def coordinator(client, make_user, login):
    login(make_user(Role.COORDINATOR))
    return client


@pytest.mark.parametrize("born", [date(1948, 3, 12), date(1890, 1, 1)])
def test_an_elderly_residents_birth_date_is_saved(born, coordinator, db_session, make_resident):
    siti = make_resident(name="Siti Aminah")
    url = f"/residents/{siti.id}/edit"
    data = shown(coordinator.get(url), url, birth_on=born.isoformat())
    assert send(coordinator, url, data=data).status_code == 302
    db_session.expire_all()
    assert db_session.get(Resident, siti.id).birth_on == born


def test_a_birth_date_before_1890_is_refused_on_its_field(coordinator, db_session, make_resident):
    siti = make_resident(name="Siti Aminah")
    url = f"/residents/{siti.id}/edit"
    response = send(coordinator, url, data=shown(coordinator.get(url), url, birth_on="1889-12-31"))
    assert response.status_code == 422
    assert "Masukkan tanggal dari tahun 1890 sampai 2100." in field_errors(
        response.get_data(as_text=True)
    )
    db_session.expire_all()
    assert db_session.get(Resident, siti.id).birth_on == date(1948, 3, 12)
