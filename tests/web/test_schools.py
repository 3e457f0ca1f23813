"""The school registry through the browser's eyes: who may enter, the list, the forms and their
messages, blackout periods, liaison accounts."""

import pytest
from sqlalchemy import func, select

from outreach.models import AuditEvent, Role, School, SchoolBlackout, SchoolLevel, User
from tests.conftest import PASSWORD, csrf_token, field_errors, login_with_csrf


@pytest.fixture
def coordinator(make_user, login):
    user = make_user(Role.COORDINATOR, name="Yulia Safitri")
    login(user)
    return user


def page_text(response) -> str:
    return response.get_data(as_text=True)


FORM = {
    "npsn": "10702414",
    "name": "SMA NEGERI 3 KOTA BENGKULU",
    "level": "sma",
    "status": "negeri",
    "address": "Jl. RE. Martadinata No. 41",
    "kecamatan": "17.71.01",
    "kelurahan": "17.71.01.1001",
    "coordinates": "-3.8452, 102.3204",
    "liaison_name": "Dra. Rina Marlina",
    "liaison_phone": "0812-7300-4414",
    "liaison_email": "rina@sman3bengkulu.sch.id",
    "students_pending": "120",
    "preferred_weekdays": ["2", "4"],
}


def form_posts(school) -> list[str]:
    """Every URL of the registry that takes a form."""
    return [
        "/schools/new",
        f"/schools/{school.id}/edit",
        f"/schools/{school.id}/deactivate",
        f"/schools/{school.id}/blackouts",
        "/schools/blackouts",
        "/schools/import",
        f"/schools/{school.id}/liaison-account",
    ]


# --- who may enter ------------------------------------------------------------------------------

SCHOOL_PAGES = [
    "/schools",
    "/schools/new",
    "/schools/{id}",
    "/schools/{id}/edit",
    "/schools/blackouts",
    "/schools/import",
    "/schools/import/template.csv",
]


@pytest.mark.parametrize("role", [Role.OFFICER, Role.LIAISON])
def test_officers_and_liaisons_cannot_reach_the_registry(
    client, make_user, make_school, login, role
):
    school = make_school()
    login(make_user(role))
    for url in SCHOOL_PAGES:
        assert client.get(url.format(id=school.id)).status_code == 403, url
    for url in form_posts(school):
        assert client.post(url, data=FORM).status_code == 403, url
    assert client.get("/").status_code == 200
    assert 'href="/schools"' not in page_text(client.get("/"))


def test_anonymous_visitors_are_sent_to_login(client, make_school):
    response = client.get(f"/schools/{make_school().id}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_coordinators_and_admins_can(client, make_user, make_school, login, role):
    school = make_school()
    login(make_user(role))
    for url in SCHOOL_PAGES:
        assert client.get(url.format(id=school.id)).status_code == 200, url


def test_an_unknown_school_is_a_404(client, coordinator):
    assert client.get("/schools/999999").status_code == 404


# --- the list -----------------------------------------------------------------------------------


def test_the_list_finds_by_name_or_npsn_and_filters(client, coordinator, make_school):
    make_school(npsn="10702414", name="SMA NEGERI 3 KOTA BENGKULU")
    make_school(
        npsn="10702433",
        name="SMK NEGERI 1 KOTA BENGKULU",
        level=SchoolLevel.SMK,
        kecamatan_code="17.71.07",
        kelurahan_code="17.71.07.1001",
    )
    html = page_text(client.get("/schools?q=smk"))
    assert "SMK NEGERI 1" in html and "SMA NEGERI 3" not in html
    html = page_text(client.get("/schools?q=10702414"))
    assert "SMA NEGERI 3" in html and "SMK NEGERI 1" not in html
    html = page_text(client.get("/schools?kecamatan=17.71.07"))
    assert "SMK NEGERI 1" in html and "SMA NEGERI 3" not in html
    assert "Menampilkan 1–1 dari 1" in html
    html = page_text(client.get("/schools?q=tidak-ada"))
    assert "Tidak ada sekolah yang cocok." in html


def test_bad_filter_values_are_ignored_not_a_crash(client, coordinator, make_school):
    make_school(name="SMA NEGERI 3 KOTA BENGKULU")
    for query in (
        "level=bogus",
        "status=x&active=y",
        "page=abc",
        "page=-4",
        "sort=drop",
        "q=" + "a" * 500,
    ):
        response = client.get("/schools?" + query)
        assert response.status_code == 200, query


def test_the_list_pages_and_sorts(client, coordinator, make_school):
    for n in range(30):
        make_school(name=f"SMA Uji {n:02d}", students_pending=n)
    first = page_text(client.get("/schools"))
    assert (
        "Menampilkan 1–25 dari 30" in first and "SMA Uji 24" in first and "SMA Uji 25" not in first
    )
    second = page_text(client.get("/schools?page=2"))
    assert "Menampilkan 26–30 dari 30" in second and "SMA Uji 29" in second
    by_pending = page_text(client.get("/schools?sort=pending&dir=desc"))
    assert by_pending.index("SMA Uji 29") < by_pending.index("SMA Uji 28")
    assert 'aria-sort="descending"' in by_pending


# --- creating and editing -----------------------------------------------------------------------


def test_a_coordinator_registers_a_school(client, coordinator, db_session):
    response = client.post("/schools/new", data=FORM)
    assert response.status_code == 302
    db_session.rollback()
    school = db_session.scalar(select(School).where(School.npsn == "10702414"))
    assert response.headers["Location"] == f"/schools/{school.id}"
    assert school.liaison_phone == "+6281273004414"
    assert (school.lat, school.lng) == (-3.8452, 102.3204)
    assert school.preferred_iso_weekdays == {2, 4}
    assert school.students_pending == 120
    html = page_text(client.get(response.headers["Location"]))
    assert "Sekolah SMA NEGERI 3 KOTA BENGKULU terdaftar." in html
    assert "0812-7300-4414" in html and "https://wa.me/6281273004414" in html
    assert "Selasa, Kamis" in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("npsn", "1070241", "NPSN terdiri dari tepat 8 angka."),
        ("npsn", "", "Masukkan NPSN."),
        ("name", "", "Masukkan nama sekolah."),
        ("liaison_phone", "0736 21234", "Masukkan nomor HP Indonesia, misalnya 0812 3456 7890."),
        ("liaison_email", "rina@", "Masukkan alamat e-mail, misalnya nama@sekolah.sch.id."),
        (
            "coordinates",
            "102.3204, -3.8452",
            "Titik ini di luar Indonesia. Apakah lintang dan bujur tertukar?",
        ),
        ("students_pending", "-5", "Masukkan bilangan bulat 0 atau lebih."),
        ("students_pending", "banyak", "Masukkan bilangan bulat 0 atau lebih."),
        ("kelurahan", "17.71.06.1006", "Kelurahan Sawah Lebar tidak berada di Kecamatan Selebar."),
        ("kecamatan", "", "Pilih kecamatan."),
    ],
)
def test_each_bad_value_gets_an_indonesian_message_on_its_field_and_nothing_is_saved(
    client, coordinator, db_session, field, value, message
):
    response = client.post("/schools/new", data={**FORM, field: value})
    assert response.status_code == 422
    html = page_text(response)
    assert message in field_errors(html)
    assert "Perbaiki isian yang ditandai." in html
    assert 'value="Dra. Rina Marlina"' in html  # what was typed is kept
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(School)) == 0


def test_a_duplicate_npsn_names_the_school_that_has_it(client, coordinator, make_school):
    make_school(npsn="10702414", name="SMAN 3 LAMA")
    response = client.post("/schools/new", data=FORM)
    assert response.status_code == 422
    assert "NPSN 10702414 sudah terdaftar untuk SMAN 3 LAMA." in field_errors(page_text(response))


def test_the_kelurahan_select_offers_every_kelurahan_grouped_by_kecamatan(client, coordinator):
    html = page_text(client.get("/schools/new"))
    assert '<optgroup label="Selebar">' in html
    assert 'data-parent="17.71.01"' in html and 'data-parent-select="kecamatan"' in html
    assert html.count("data-parent=") == 67


def test_editing_shows_the_current_values_and_saves_changes(
    client, coordinator, db_session, make_school
):
    school = make_school(liaison_phone="+6281273004414", lat=-3.8452, lng=102.3204)
    html = page_text(client.get(f"/schools/{school.id}/edit"))
    assert 'value="-3.8452, 102.3204"' in html and 'value="0812-7300-4414"' in html
    data = {**FORM, "npsn": school.npsn, "name": school.name, "students_pending": "0"}
    data["version"] = str(school.version)  # as the page showed it
    assert f'name="version" type="hidden" value="{school.version}"' in html
    assert client.post(f"/schools/{school.id}/edit", data=data).status_code == 302
    db_session.rollback()
    db_session.refresh(school)
    assert school.students_pending == 0
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "school.update"))
    assert event.user_id == coordinator.id and "students_pending" in event.changes


def test_deactivate_and_reactivate(client, coordinator, db_session, make_school):
    school = make_school(name="SMAS MUHAMMADIYAH 2")
    response = client.post(
        f"/schools/{school.id}/deactivate", data={"version": "1"}, follow_redirects=True
    )
    assert "SMAS MUHAMMADIYAH 2 dinonaktifkan: tidak dijadwalkan lagi." in page_text(response)
    assert "SMAS MUHAMMADIYAH 2" not in page_text(client.get("/schools"))
    assert "SMAS MUHAMMADIYAH 2" in page_text(client.get("/schools?active=inactive"))
    client.post(f"/schools/{school.id}/reactivate", data={"version": "2"})
    db_session.rollback()
    db_session.refresh(school)
    assert school.is_active
    assert client.get(f"/schools/{school.id}/deactivate").status_code == 405


# --- blackout periods ---------------------------------------------------------------------------


def test_blackouts_on_the_school_page(client, coordinator, db_session, make_school):
    school = make_school()
    response = client.post(
        f"/schools/{school.id}/blackouts",
        data={"first_on": "2026-12-07", "last_on": "2026-12-11", "reason": "Ujian akhir semester"},
        follow_redirects=True,
    )
    html = page_text(response)
    assert "Periode tanpa kunjungan 7–11 Des 2026 ditambahkan." in html
    assert "Senin, 7 Desember 2026 – Jumat, 11 Desember 2026" in html

    refused = client.post(
        f"/schools/{school.id}/blackouts",
        data={"first_on": "2026-12-10", "last_on": "2026-12-15", "reason": "Class meeting"},
    )
    assert refused.status_code == 422
    assert "Bertumpang tindih dengan periode" in page_text(refused)
    assert 'id="blackout-form"' in page_text(refused) and "collapse show" in page_text(refused)

    bad = client.post(
        f"/schools/{school.id}/blackouts",
        data={"first_on": "kemarin", "last_on": "2026-12-01", "reason": ""},
    )
    errors = field_errors(page_text(bad))
    assert "Masukkan tanggal, misalnya 17-08-2026." in errors
    assert "Sebutkan alasannya, misalnya ujian akhir atau libur semester." in errors

    db_session.rollback()
    blackout = db_session.scalar(select(SchoolBlackout))
    client.post(f"/schools/blackouts/{blackout.id}/delete")
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(SchoolBlackout)) == 0


def test_periods_for_all_schools(client, coordinator, make_school):
    school = make_school(name="SMA NEGERI 5 KOTA BENGKULU")
    response = client.post(
        "/schools/blackouts",
        data={"first_on": "2026-12-21", "last_on": "2027-01-02", "reason": "Libur semester ganjil"},
        follow_redirects=True,
    )
    assert "Libur semester ganjil" in page_text(response)
    assert "Libur semester ganjil" in page_text(client.get(f"/schools/{school.id}"))
    assert "semua sekolah" in page_text(client.get(f"/schools/{school.id}"))


# --- the liaison's account ----------------------------------------------------------------------


def test_a_coordinator_creates_the_liaisons_login_from_the_school_page(
    client, coordinator, db_session, make_school
):
    school = make_school(liaison_name="Dra. Rina Marlina")
    html = page_text(client.get(f"/schools/{school.id}"))
    assert 'data-testid="no-liaison-account"' in html
    assert f'value="operator.{school.npsn}"' in html and 'value="Dra. Rina Marlina"' in html

    response = client.post(
        f"/schools/{school.id}/liaison-account",
        data={
            "username": "operator.sman3",
            "name": "Dra. Rina Marlina",
            "email": "",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
        follow_redirects=True,
    )
    html = page_text(response)
    assert "Akun operator.sman3 dibuat untuk Dra. Rina Marlina." in html
    assert 'data-testid="liaison-accounts"' in html
    db_session.rollback()
    user = db_session.scalar(select(User).where(User.username == "operator.sman3"))
    assert user.role is Role.LIAISON and user.school_id == school.id

    taken = client.post(
        f"/schools/{school.id}/liaison-account",
        data={"username": "operator.sman3", "name": "X", "password": PASSWORD, "confirm": PASSWORD},
    )
    assert taken.status_code == 422
    assert "Nama pengguna operator.sman3 sudah dipakai." in field_errors(page_text(taken))


def test_the_school_page_shows_its_history(client, coordinator, make_school):
    school = make_school()
    client.post(f"/schools/{school.id}/deactivate", data={"version": "1"})
    html = page_text(client.get(f"/schools/{school.id}"))
    history = html.split("Sekolah dinonaktifkan", 1)[1]
    assert coordinator.name in history  # by name, as every page names people
    assert coordinator.username not in html


def test_text_is_rendered_inert(client, coordinator, make_school):
    school = make_school(name="<script>alert(1)</script>", address='"><img src=x onerror=alert(1)>')
    html = page_text(client.get(f"/schools/{school.id}"))
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<img src=x" not in html


class TestWithCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_every_school_form_needs_its_token(self, client, make_user, make_school, db_session):
        user, school = make_user(Role.COORDINATOR), make_school()
        login_with_csrf(client, user)
        for url in form_posts(school):
            assert client.post(url, data=FORM).status_code == 400, url
        db_session.rollback()
        assert db_session.scalar(select(func.count()).select_from(School)) == 1
        form = client.get("/schools/new").get_data(as_text=True)
        response = client.post("/schools/new", data={**FORM, "csrf_token": csrf_token(form)})
        assert response.status_code == 302


def test_the_school_page_lists_its_visits_newest_first(
    client, coordinator, db_session, make_school, make_team
):
    from datetime import date

    from outreach.models import Visit, VisitKind, VisitOrigin, VisitStatus

    school, team = make_school(), make_team(name="Tim Perekaman 1")
    for day, status, recorded in (
        (date(2026, 10, 6), VisitStatus.COMPLETED, 87),
        (date(2026, 11, 10), VisitStatus.CONFIRMED, None),
    ):
        db_session.add(
            Visit(
                kind=VisitKind.SCHOOL,
                school_id=school.id,
                team_id=team.id,
                visit_on=day,
                status=status,
                origin=VisitOrigin.MANUAL,
                students_recorded=recorded,
            )
        )
    db_session.commit()
    html = page_text(client.get(f"/schools/{school.id}"))
    assert html.index("Selasa, 10 November 2026") < html.index("Selasa, 6 Oktober 2026")
    assert "Tim Perekaman 1" in html and ">87<" in html


def test_a_tampered_select_is_refused_in_indonesian_too(client, coordinator):
    response = client.post(
        "/schools/new", data={**FORM, "level": "sd", "preferred_weekdays": ["9"]}
    )
    assert response.status_code == 422
    errors = field_errors(page_text(response))
    assert "Pilihan tidak valid." in errors
    assert "'9' bukan pilihan yang valid untuk isian ini." in errors


def test_a_kelurahan_outside_the_kecamatan_is_reported_with_the_other_mistakes(
    client, coordinator, db_session
):
    response = client.post(
        "/schools/new", data={**FORM, "npsn": "123", "kelurahan": "17.71.06.1006"}
    )
    assert response.status_code == 422
    messages = field_errors(page_text(response))
    assert "Kelurahan Sawah Lebar tidak berada di Kecamatan Selebar." in messages
    assert any("NPSN" in message for message in messages)
    assert db_session.scalar(select(func.count()).select_from(School)) == 0
