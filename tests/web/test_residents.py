"""Home-visit requests through the browser's eyes: who may see what (full NIK, phone), the
form's messages, one open request per NIK, status changes, the queue's export."""

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from outreach.i18n import office_today
from outreach.models import (
    AuditEvent,
    Resident,
    ResidentStatus,
    Role,
    Visit,
    VisitKind,
    VisitOrigin,
    VisitStatus,
)
from tests.conftest import csrf_token, field_errors, hidden_value, login_with_csrf
from tests.school_files import resident_row, residents_csv

NIK = "1771015203480003"
MASKED = "177101**********"  # the region only: the page shows the birth date and sex
FORM = {
    "nik": "1771 0152 0348 0003",
    "name": "Siti Aminah",
    "birth_on": "",
    "sex": "",
    "category": "",
    "disability": "",
    "is_bedridden": "y",
    "address": "Jl. Merpati No. 5",
    "rt": "7",
    "rw": "2",
    "kecamatan": "17.71.01",
    "kelurahan": "17.71.01.1001",
    "coordinates": "",
    "phone": "0812-7300-1111",
    "contact_name": "Rina",
    "contact_relation": "anak",
    "requested_via": "whatsapp",
    "requested_on": "",
}


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def coordinator(make_user, login):
    user = make_user(Role.COORDINATOR)
    login(user)
    return user


@pytest.fixture
def siti(make_resident):
    return make_resident(nik=NIK, name="Siti Aminah", phone="+6281273001111")


# --- who sees what ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_coordinators_and_admins_see_the_full_nik_only_on_request_and_it_is_audited(
    client, make_user, login, db_session, siti, role
):
    user = make_user(role)
    login(user)
    queue = text(client.get("/residents"))
    assert MASKED in queue and NIK not in queue and "0812-7300-1111" not in queue
    page = text(client.get(f"/residents/{siti.id}"))
    assert MASKED in page and NIK not in page
    assert "0812-7300-1111" in page  # the phone is on the detail page
    revealed = text(client.post(f"/residents/{siti.id}/nik", follow_redirects=True))
    assert NIK in revealed
    db_session.rollback()
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "resident.view_nik"))
    assert event.user_id == user.id and event.entity_id == str(siti.id)
    assert event.remote_addr == "127.0.0.1"


@pytest.mark.parametrize("role", [Role.OFFICER, Role.LIAISON])
def test_officers_and_liaisons_cannot_open_the_residents_area(client, make_user, login, siti, role):
    login(make_user(role))
    for url in (
        "/residents",
        f"/residents/{siti.id}",
        f"/residents/{siti.id}/edit",
        "/residents/new",
        "/residents/export.csv",
        "/residents/import",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert NIK not in text(response) and "Siti Aminah" not in text(response)
    assert client.post(f"/residents/{siti.id}/nik").status_code == 403
    for url in ("/residents/nik-info", "/residents/find"):
        response = client.post(url, data={"nik": NIK})
        assert response.status_code == 403 and "Siti Aminah" not in text(response)
    assert (
        client.post(
            f"/residents/{siti.id}/status", data={"status": "recorded", "reason": "x"}
        ).status_code
        == 403
    )


def test_anonymous_visitors_see_nothing(client, siti):
    response = client.get(f"/residents/{siti.id}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_an_officer_sees_name_address_and_phone_only_of_their_own_teams_stops(
    client, make_user, make_team, make_resident, login, db_session
):
    team_a, team_b = make_team(name="Tim A"), make_team(name="Tim B")
    ours = make_resident(name="Warga Tim A", phone="+6281200000001", address="Jl. Kenanga 1")
    theirs = make_resident(name="Warga Tim B", phone="+6281200000002", address="Jl. Melati 2")
    for resident, team in ((ours, team_a), (theirs, team_b)):
        db_session.add(
            Visit(
                kind=VisitKind.HOME,
                resident_id=resident.id,
                team_id=team.id,
                visit_on=office_today(),
                status=VisitStatus.CONFIRMED,
                origin=VisitOrigin.MANUAL,
            )
        )
    db_session.commit()
    login(make_user(Role.OFFICER, team=team_a))
    home = text(client.get("/"))
    assert "Warga Tim A" in home and "Jl. Kenanga 1" in home and "0812-0000-0001" in home
    assert "Warga Tim B" not in home and "0812-0000-0002" not in home
    assert ours.nik not in home and ours.nik[:6] + "*" not in home  # no NIK, not even masked


def test_a_liaisons_home_shows_no_resident(client, make_user, login, siti):
    login(make_user(Role.LIAISON))
    assert "Siti Aminah" not in text(client.get("/"))


# --- the form -----------------------------------------------------------------------------------


def test_registering_a_bedridden_elderly_resident(client, coordinator, db_session):
    response = client.post("/residents/new", data=FORM)
    assert response.status_code == 302
    db_session.rollback()
    resident = db_session.scalar(select(Resident))
    assert resident.nik == NIK and resident.birth_on == date(1948, 3, 12)
    assert resident.category.value == "lansia" and resident.is_bedridden
    assert (resident.rt, resident.rw, resident.phone) == ("007", "002", "+6281273001111")
    page = text(client.get(response.headers["Location"]))
    assert "Siti Aminah masuk antrean." in page and "tirah baring" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nik", "177101520348", "NIK terdiri dari tepat 16 angka; yang ini 12 angka."),
        (
            "nik",
            "1771019903480003",
            "Angka ke-7–8 NIK adalah tanggal lahir: 01–31 untuk "
            "laki-laki, 41–71 untuk perempuan; 99 bukan keduanya.",
        ),
        (
            "nik",
            "1,77101E+15",
            "NIK ini (1,77101E+15) diubah menjadi angka oleh spreadsheet dan "
            "kehilangan digit: format kolomnya sebagai teks lalu salin NIK lagi.",
        ),
        ("name", "", "Masukkan nama warga."),
        ("address", "", "Masukkan alamat yang akan didatangi petugas."),
        ("kelurahan", "", "Pilih kelurahan."),
        ("kelurahan", "17.71.06.1006", "Kelurahan Sawah Lebar tidak berada di Kecamatan Selebar."),
        ("rt", "1234", "RT dan RW berupa angka sampai tiga digit, misalnya 007."),
        (
            "phone",
            "12345",
            "Masukkan nomor telepon Indonesia, misalnya 0812 3456 7890 atau 0736 21234.",
        ),
        (
            "coordinates",
            "dekat masjid",
            "Masukkan lintang dan bujur dipisah koma, misalnya -3.8452, 102.3204.",
        ),
        ("birth_on", "31-02-1948", "Masukkan tanggal, misalnya 17-08-2026."),
        (
            "disability",
            "lumpuh",
            "Pilih jenis disabilitas dari daftar, atau biarkan belum diketahui.",
        ),
    ],
)
def test_every_bad_value_gets_its_message_and_nothing_is_saved(
    client, coordinator, db_session, field, value, message
):
    response = client.post("/residents/new", data={**FORM, field: value})
    assert response.status_code == 422
    assert message in field_errors(text(response))
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Resident)) == 0


def test_under_60_the_form_asks_for_the_category(client, coordinator):
    young = {**FORM, "nik": "1771014106900001"}
    response = client.post("/residents/new", data=young)
    assert (
        "Pilih kategori: di bawah 60 tahun, warga didaftarkan sebagai penyandang disabilitas."
        in (field_errors(text(response)))
    )


def test_a_second_open_request_links_to_the_first(client, coordinator, siti):
    response = client.post("/residents/new", data=FORM)
    assert response.status_code == 422
    html = text(response)
    assert f'href="/residents/{siti.id}"' in html and 'data-testid="duplicate-request"' in html
    assert "NIK ini sudah punya permintaan terbuka (Siti Aminah, sejak" in html


def test_a_birth_date_unlike_the_nik_saves_with_a_warning(client, coordinator):
    response = client.post(
        "/residents/new", data={**FORM, "birth_on": "1948-03-13"}, follow_redirects=True
    )
    html = text(response)
    assert "Menurut NIK lahir Jumat, 12 Maret 1948, menurut data Sabtu, 13 Maret 1948." in html


def test_status_change_with_a_reason(client, coordinator, db_session, siti):
    page = text(client.get(f"/residents/{siti.id}"))
    status_select = page.split('name="status"')[1].split("</select>")[0]
    assert status_select.count("selected") == 1  # the empty first line, nothing else
    assert '<option selected value="">— pilih status baru —</option>' in status_select
    refused = client.post(f"/residents/{siti.id}/status", data={"status": "recorded", "reason": ""})
    assert refused.status_code == 422
    assert "Sebutkan alasan perubahan status." in field_errors(text(refused))
    refused = client.post(f"/residents/{siti.id}/status", data={"status": "", "reason": "Pindah"})
    assert refused.status_code == 422
    assert field_errors(text(refused)) == ["Pilih status baru."]
    done = client.post(
        f"/residents/{siti.id}/status",
        data={"status": "recorded", "reason": "Direkam di rumah", "version": str(siti.version)},
        follow_redirects=True,
    )
    html = text(done)
    assert "Status sekarang: Terekam." in html and "Direkam di rumah" in html
    db_session.rollback()
    db_session.refresh(siti)
    assert siti.status is ResidentStatus.RECORDED


def test_the_nik_lookup_tells_the_form_what_the_nik_says(client, coordinator, siti):
    info = client.post("/residents/nik-info", data={"nik": NIK}).get_json()
    assert info["ok"] and info["birth_on"] == "1948-03-12" and info["elderly"]
    assert info["duplicate"]["url"] == f"/residents/{siti.id}"
    own = client.post("/residents/nik-info", data={"nik": NIK, "id": siti.id}).get_json()
    assert own["duplicate"] is None  # editing the request itself
    bad = client.post("/residents/nik-info", data={"nik": "1771019903480003"}).get_json()
    assert not bad["ok"] and "tanggal lahir" in bad["message"]


def test_a_request_is_found_by_nik_without_the_nik_in_any_url(client, coordinator, siti):
    found = client.post("/residents/find", data={"nik": "1771 0152 0348 0003"})
    assert found.headers["Location"] == f"/residents/{siti.id}"
    missing = client.post(
        "/residents/find", data={"nik": "1771015203480009"}, follow_redirects=True
    )
    assert "Belum ada permintaan dengan NIK ini." in text(missing)
    assert NIK not in text(client.get("/residents?q=siti"))


# --- lists and exports --------------------------------------------------------------------------


def test_the_export_masks_niks_and_is_audited(client, coordinator, db_session, siti):
    response = client.get("/residents/export.xlsx")
    rows = list(load_workbook(io.BytesIO(response.data)).active.values)
    assert rows[1][0] == MASKED and rows[1][1] == "Siti Aminah"
    assert NIK not in str(rows)
    csv_text = client.get("/residents/export.csv?status=all").data.decode("utf-8-sig")
    assert MASKED in csv_text and NIK not in csv_text
    db_session.rollback()
    exports = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "resident.export")
    ).all()
    assert len(exports) == 2 and exports[0].user_id == coordinator.id
    assert exports[1].changes["filters"]["status"] == "all"


def test_the_queue_shows_counts_per_status(client, coordinator, make_resident, db_session):
    from outreach.models import utcnow
    from outreach.services.residents.status import change_status

    make_resident()
    done = make_resident()
    change_status(db_session, done, ResidentStatus.RECORDED, "ok", now=utcnow(), actor="t")
    db_session.commit()
    html = text(client.get("/residents"))
    assert re.search(r'data-status="waiting">\s*Menunggu <span[^>]*>1<', html)
    assert re.search(r'data-status="recorded">\s*Terekam <span[^>]*>1<', html)
    assert "Menampilkan 1–1 dari 1" in html


def test_residents_import_from_the_web(client, coordinator, db_session):
    response = client.post(
        "/residents/import",
        data={"file": (io.BytesIO(residents_csv()), "warga.csv")},
        content_type="multipart/form-data",
    )
    preview_url = response.headers["Location"]
    html = text(client.get(preview_url))
    assert re.search(r'data-testid="count-new">3<', html)
    assert MASKED in html and NIK not in html
    client.post(preview_url, data={"seen": hidden_value(html, "seen")})
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(Resident)) == 3


def test_the_command_imports_residents(runner, tmp_path, db_session):
    path = tmp_path / "warga.csv"
    path.write_bytes(residents_csv())
    result = runner.invoke(args=["outreach", "import-residents", str(path)])
    assert result.exit_code == 0, result.output
    assert "3 baris: 3 baru" in result.output
    bad = tmp_path / "salah.csv"
    bad.write_bytes(residents_csv([resident_row("1771019903480003", "X", "Jl. A")]))
    refused = runner.invoke(args=["outreach", "import-residents", str(bad)])
    assert refused.exit_code == 1 and "Baris 2, kolom NIK:" in refused.output


def test_editing_a_request(client, coordinator, db_session, siti):
    form_page = text(client.get(f"/residents/{siti.id}/edit"))
    assert 'value="1948-03-12"' in form_page and 'value="0812-7300-1111"' in form_page
    assert NIK not in form_page  # an empty NIK field keeps the NIK (tests/web/test_nik_promise)
    data = {
        **FORM,
        "nik": "",
        "name": "Siti Aminah",
        "phone": "0812-7300-1111",
        "is_bedridden": "",
        "address": "Jl. Merpati No. 7",
        "requested_on": siti.requested_on.isoformat(),
        "version": hidden_value(form_page, "version"),
    }
    response = client.post(f"/residents/{siti.id}/edit", data=data, follow_redirects=True)
    assert "Perubahan disimpan." in text(response)
    db_session.rollback()
    db_session.refresh(siti)
    assert siti.address == "Jl. Merpati No. 7"
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "resident.update"))
    assert "address" in event.changes and NIK not in str(event.changes)


class TestWithCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_every_form_and_the_nik_hint_need_the_token(self, client, make_user, siti, db_session):
        user = make_user(Role.COORDINATOR)
        login_with_csrf(client, user)
        for url in (
            "/residents/new",
            f"/residents/{siti.id}/edit",
            f"/residents/{siti.id}/nik",
            f"/residents/{siti.id}/status",
            "/residents/find",
            "/residents/nik-info",
            "/residents/import",
        ):
            assert client.post(url, data={**FORM, "nik": NIK}).status_code == 400, url
        db_session.rollback()
        assert (
            db_session.scalar(select(func.count()).where(AuditEvent.action == "resident.view_nik"))
            == 0
        )
        token = csrf_token(text(client.get("/residents/new")))
        hint = client.post("/residents/nik-info", data={"nik": NIK}, headers={"X-CSRFToken": token})
        assert hint.status_code == 200 and hint.get_json()["ok"]
