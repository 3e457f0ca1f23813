"""Lists at province or national scale: the kecamatan filter asks for a code instead of
listing thousands of kecamatan; long selects render quickly and the same as WTForms'."""

import re

import pytest
from sqlalchemy import func, select
from wtforms import Form, SelectChoice
from wtforms import SelectField as WTFormsSelectField

from outreach.models import Resident, Role, School
from outreach.web import choices
from outreach.web.forms import SelectField
from tests.conftest import field_errors


@pytest.fixture
def national(monkeypatch):
    """As if the database held more kecamatan than a filter lists."""
    monkeypatch.setattr(choices, "KECAMATAN_LISTED", 0)


def test_the_school_list_filters_by_a_kecamatan_code(
    client, make_user, login, make_school, national
):
    login(make_user(Role.COORDINATOR))
    make_school(name="SMA Di Selebar")
    make_school(name="SMA Di Kampung Melayu", kecamatan_code="17.71.02", kelurahan_code=None)

    page = client.get("/schools").get_data(as_text=True)
    assert 'placeholder="mis. 17.71.01"' in page and "Kode kecamatan" in page
    assert "<option" not in page.split('id="kecamatan"')[1].split(">")[0]

    page = client.get("/schools?kecamatan=17.71.02").get_data(as_text=True)
    assert "SMA Di Kampung Melayu" in page and "SMA Di Selebar" not in page
    assert 'value="17.71.02"' in page


def test_an_unreadable_code_is_said_and_the_list_left_unfiltered(
    client, make_user, login, make_school, national
):
    login(make_user(Role.COORDINATOR))
    make_school(name="SMA Di Selebar")
    page = client.get("/schools?kecamatan=<b>x</b>").get_data(as_text=True)
    assert "Masukkan kode kecamatan, misalnya 17.71.01." in page
    assert "SMA Di Selebar" in page
    assert "<b>x</b>" not in page


def test_the_resident_queue_filters_by_a_kecamatan_code(
    client, make_user, login, make_resident, national
):
    login(make_user(Role.COORDINATOR))
    make_resident(name="Warga Selebar")
    make_resident(name="Warga Kampung Melayu", kelurahan_code="17.71.02.1001")

    page = client.get("/residents?kecamatan=17.71.02").get_data(as_text=True)
    assert "Kode kecamatan" in page
    assert "Warga Kampung Melayu" in page and "Warga Selebar" not in page


def test_a_city_still_chooses_its_kecamatan_from_a_list(client, make_user, login):
    login(make_user(Role.COORDINATOR))
    page = client.get("/schools").get_data(as_text=True)
    assert '<option value="17.71.02">' in page  # Kota Bengkulu: nine kecamatan, listed


def test_the_quick_select_renders_what_wtforms_renders(app):
    options = [
        SelectChoice("", "— semua —"),
        SelectChoice("1", 'Tim "A" & <B>'),
        SelectChoice("17.71.01.1001", "Pagar Dewa", render_kw={"data-parent": "17.71.01"}),
        SelectChoice("x", "Grouped", optgroup="Selebar"),
    ]

    class Ours(Form):
        team = SelectField(choices=options)

    class Theirs(Form):
        team = WTFormsSelectField(choices=options)

    with app.test_request_context():
        for data in ({"team": "1"}, {"team": "x"}, {}):
            ours, theirs = Ours(data=data), Theirs(data=data)
            assert str(ours.team(class_="form-select")) == str(theirs.team(class_="form-select"))


# --- forms at province or national scale ------------------------------------------------------


@pytest.fixture
def national_forms(monkeypatch):
    """As if the database held more kecamatan and kelurahan than a form lists."""
    monkeypatch.setattr(choices, "KECAMATAN_LISTED", 0)
    monkeypatch.setattr(choices, "KELURAHAN_LISTED", 0)


def school_form(**changes) -> dict:
    from tests.web.test_schools import FORM

    return {**FORM, **changes}


def kelurahan_options(page: str) -> list[str]:
    select = page.split('id="kelurahan"')[1].split("</select>")[0]
    return re.findall(r'<option [^>]*value="([^"]*)"', select)


def test_a_school_is_registered_by_kecamatan_code_with_that_kecamatans_kelurahan(
    client, make_user, login, db_session, national_forms
):
    login(make_user(Role.COORDINATOR))
    page = client.get("/schools/new").get_data(as_text=True)
    kecamatan = page.split('id="kecamatan"')[1].split(">")[0]
    assert 'type="text"' in page.split('id="kecamatan"')[0][-200:] + kecamatan
    assert "Kode kecamatan, misalnya 17.71.01" in page
    assert kelurahan_options(page) == [""]  # none before a kecamatan is given
    assert 'data-options-url="/regions/kelurahan"' in page

    response = client.post(
        "/schools/new", data=school_form(kecamatan="17.71.06", kelurahan="17.71.06.1006")
    )
    assert response.status_code == 302, field_errors(response.get_data(as_text=True))
    db_session.expire_all()
    school = db_session.scalar(select(School).where(School.npsn == "10702414"))
    assert (school.kecamatan_code, school.kelurahan_code) == ("17.71.06", "17.71.06.1006")

    edit = client.get(f"/schools/{school.id}/edit").get_data(as_text=True)
    assert 'value="17.71.06"' in edit
    options = kelurahan_options(edit)
    assert options[0] == "" and "17.71.06.1006" in options
    assert all(code.startswith("17.71.06.") for code in options[1:])
    assert 'selected value="17.71.06.1006"' in edit


@pytest.mark.parametrize(
    ("kecamatan", "kelurahan", "message"),
    [
        ("99.99.99", "", "Kode kecamatan 99.99.99 tidak dikenal."),
        ("Selebar", "", "Masukkan kode kecamatan, misalnya 17.71.01."),
        ("", "", "Pilih kecamatan."),
        ("17.71.02", "17.71.01.1001", "Pilihan tidak valid"),
    ],
)
def test_a_wrong_kecamatan_code_is_said_and_nothing_saved(
    client, make_user, login, db_session, national_forms, kecamatan, kelurahan, message
):
    login(make_user(Role.COORDINATOR))
    response = client.post(
        "/schools/new", data=school_form(kecamatan=kecamatan, kelurahan=kelurahan)
    )
    assert response.status_code == 422
    errors = field_errors(response.get_data(as_text=True))
    assert any(message in error for error in errors), errors
    assert db_session.scalar(select(func.count()).select_from(School)) == 0


def test_a_resident_is_registered_by_kecamatan_code(
    client, make_user, login, db_session, national_forms
):
    from tests.web.test_residents import FORM

    login(make_user(Role.COORDINATOR))
    page = client.get("/residents/new").get_data(as_text=True)
    assert kelurahan_options(page) == [""]
    missing = client.post("/residents/new", data={**FORM, "kecamatan": "", "kelurahan": ""})
    assert "Pilih kelurahan." in field_errors(missing.get_data(as_text=True))
    response = client.post(
        "/residents/new", data={**FORM, "kecamatan": "17.71.02", "kelurahan": "17.71.02.1001"}
    )
    assert response.status_code == 302, field_errors(response.get_data(as_text=True))
    db_session.expire_all()
    assert db_session.scalar(select(Resident.kelurahan_code)) == "17.71.02.1001"


def test_a_kecamatans_kelurahan_are_fetched_by_the_forms(client, make_user, login):
    login(make_user(Role.COORDINATOR))
    answer = client.get("/regions/kelurahan?kecamatan=17.71.01").get_json()
    names = [item["name"] for item in answer["kelurahan"]]
    assert names == sorted(names) and len(names) >= 5
    assert all(item["code"].startswith("17.71.01.") for item in answer["kelurahan"])
    bad = client.get("/regions/kelurahan?kecamatan=<script>")
    assert bad.status_code == 400 and "17.71.01" in bad.get_json()["problem"]
    assert client.get("/regions/kelurahan?kecamatan=99.99.99").get_json() == {"kelurahan": []}
    client.post("/logout")
    login(make_user(Role.OFFICER))
    assert client.get("/regions/kelurahan?kecamatan=17.71.01").status_code == 403
