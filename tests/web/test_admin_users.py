"""Admins manage accounts: create, change role/team/school, reset passwords, deactivate."""

import re

from sqlalchemy import select

from outreach.models import AuditEvent, Role, User
from tests.conftest import PASSWORD, field_errors


def form(**overrides):
    data = {
        "username": "petugas.baru",
        "name": "Petugas Baru",
        "role": "officer",
        "team": "",
        "school": "",
        "email": "",
        "password": "sandi-awal-123",
        "confirm": "sandi-awal-123",
    }
    data.update(overrides)
    return data


def test_an_admin_creates_an_officer_in_a_team(client, db_session, make_user, make_team, login):
    team = make_team(name="Tim Selebar")
    login(make_user(Role.ADMIN))
    page = client.get("/admin/users/new").get_data(as_text=True)
    assert "Tim Selebar" in page
    response = client.post("/admin/users/new", data=form(team=str(team.id)))
    assert response.status_code == 302
    db_session.rollback()
    user = db_session.scalar(select(User).where(User.username == "petugas.baru"))
    assert user.role is Role.OFFICER and user.team_id == team.id
    listing = client.get("/admin/users").get_data(as_text=True)
    assert "petugas.baru" in listing and "Tim Selebar" in listing


def test_bad_input_is_named_on_the_field_and_nothing_is_written(
    client, db_session, make_user, make_team, login
):
    admin = make_user(Role.ADMIN)
    team = make_team()
    login(admin)
    cases = [
        (form(username=admin.username), "sudah dipakai"),
        (form(role="coordinator", team=str(team.id)), "Hanya petugas lapangan"),
        (form(confirm="lain"), "Kedua kata sandi tidak sama."),
        (form(password="pendek", confirm="pendek"), "8"),
        (form(username="a b"), "Nama pengguna terdiri atas"),
        (form(name=""), "Isi nama orang tersebut."),
        (form(role="superuser"), "Pilihan tidak valid"),
    ]
    for data, message in cases:
        response = client.post("/admin/users/new", data=data)
        assert response.status_code == 200, data
        page = response.get_data(as_text=True)
        assert "is-invalid" in page and message in page, (data, message)
    db_session.rollback()
    assert db_session.scalar(select(User).where(User.username == "petugas.baru")) is None


def test_a_new_account_starts_with_no_role_chosen_and_one_must_be_chosen(
    client, db_session, make_user, login
):
    login(make_user(Role.ADMIN))
    page = client.get("/admin/users/new").get_data(as_text=True)
    role_select = re.search(r'<select[^>]*name="role".*?</select>', page, flags=re.S).group(0)
    options = re.findall(r"<option ([^>]*)>([^<]*)</option>", role_select)
    assert options[0] == ('selected value=""', "— pilih peran —")
    assert not [label for attributes, label in options[1:] if "selected" in attributes]
    for data in (form(role=""), {k: v for k, v in form().items() if k != "role"}):
        response = client.post("/admin/users/new", data=data)
        assert response.status_code == 200
        assert field_errors(response.get_data(as_text=True)) == ["Pilih peran orang tersebut."]
    db_session.rollback()
    assert db_session.scalar(select(User).where(User.username == "petugas.baru")) is None


def test_an_admin_changes_a_role_and_deactivates_an_account(client, db_session, make_user, login):
    target = make_user(Role.COORDINATOR, name="Koordinator Lama")
    login(make_user(Role.ADMIN))
    response = client.post(
        f"/admin/users/{target.id}",
        data={
            "name": "Koordinator Lama",
            "role": "coordinator",
            "team": "",
            "school": "",
            "email": "",
            "is_active": "",
        },
    )
    assert response.status_code == 302
    db_session.rollback()
    assert db_session.get(User, target.id).is_active is False
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "user.update"))
    assert event.changes == {"is_active": [True, False]}


def test_an_admin_resets_a_password(client, db_session, make_user, login):
    target = make_user(Role.OFFICER)
    login(make_user(Role.ADMIN))
    bad = client.post(
        f"/admin/users/{target.id}/password",
        data={"reset-password": "baru-12345", "reset-confirm": "beda-12345"},
    )
    assert bad.status_code == 422
    assert "Kedua kata sandi tidak sama." in bad.get_data(as_text=True)
    # The account form beside it still shows the account as it is (active stays ticked).
    active_box = re.search(r"<input[^>]*id=\"is_active\"[^>]*>", bad.get_data(as_text=True))
    assert "checked" in active_box.group(0)
    ok = client.post(
        f"/admin/users/{target.id}/password",
        data={"reset-password": "baru-12345", "reset-confirm": "baru-12345"},
    )
    assert ok.status_code == 302
    other = client.application.test_client()
    assert (
        other.post("/login", data={"username": target.username, "password": PASSWORD}).status_code
        == 200
    )
    assert (
        other.post(
            "/login", data={"username": target.username, "password": "baru-12345"}
        ).status_code
        == 302
    )


def test_an_admin_cannot_lock_themself_out(client, db_session, make_user, login):
    admin = make_user(Role.ADMIN)
    login(admin)
    response = client.post(
        f"/admin/users/{admin.id}",
        data={
            "name": admin.name,
            "role": "admin",
            "team": "",
            "school": "",
            "email": "",
            "is_active": "",
        },
    )
    assert response.status_code == 200
    assert "Anda tidak dapat menonaktifkan akun Anda sendiri." in response.get_data(as_text=True)


def test_an_unknown_user_id_is_a_404(client, make_user, login):
    login(make_user(Role.ADMIN))
    assert client.get("/admin/users/99999").status_code == 404


BAD_EMAILS = ["budi", "budi@", "@dukcapil.go.id", "budi@dukcapil", "budi @dukcapil.go.id",
              "budi@dukcapil..go.id", "budi@-dukcapil.go.id", "<b>@dukcapil.go.id",
              "budi@dukcapil.go.id, ani@dukcapil.go.id", "budi@dukcapil.go.1d"]  # fmt: skip


def test_an_e_mail_address_that_is_not_one_is_refused_on_its_field_when_made_or_changed(
    client, db_session, make_user, login
):
    login(make_user(Role.ADMIN))
    officer = make_user(Role.OFFICER)
    for email in BAD_EMAILS:
        for url, data in (
            ("/admin/users/new", form(email=email)),
            (f"/admin/users/{officer.id}", {"name": "Petugas", "role": "officer",
                                             "team": str(officer.team_id), "email": email,
                                             "is_active": "y"}),
        ):  # fmt: skip
            response = client.post(url, data=data)
            assert response.status_code in (200, 422), (url, email)
            errors = field_errors(response.get_data(as_text=True))
            assert "Masukkan alamat e-mail, misalnya nama@sekolah.sch.id." in errors, (url, email)
    db_session.rollback()
    assert db_session.scalar(select(User).where(User.username == "petugas.baru")) is None
    assert db_session.get(User, officer.id).email is None


def test_a_name_and_address_are_stored_clean_and_the_address_lower_case(
    client, db_session, make_user, login
):
    login(make_user(Role.ADMIN))
    response = client.post(
        "/admin/users/new",
        data=form(name="\u202ePetugas\u200b  Baru\x07", email=" Budi.S@Dukcapil.go.id\u200e"),
    )
    assert response.status_code == 302
    db_session.rollback()
    user = db_session.scalar(select(User).where(User.username == "petugas.baru"))
    assert (user.name, user.email) == ("Petugas Baru", "budi.s@dukcapil.go.id")
