"""Lists at province or national scale: the kecamatan filter asks for a code instead of
listing thousands of kecamatan; long selects render quickly and the same as WTForms'."""

import pytest
from wtforms import Form, SelectChoice
from wtforms import SelectField as WTFormsSelectField

from outreach.models import Role
from outreach.web import choices
from outreach.web.forms import SelectField


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
    assert 'placeholder="17.71.01"' in page and "Kode kecamatan" in page
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
