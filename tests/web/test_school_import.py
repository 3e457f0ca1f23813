"""Importing schools from the web: upload, preview every row, confirm or cancel; templates;
and the same from the command line."""

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from outreach.models import ImportUpload, Role, School
from outreach.services.schools.imports import TEMPLATE_HEADINGS
from tests.conftest import hidden_value
from tests.school_files import listing_csv, listing_with_bad_rows, listing_xlsx, template_row


@pytest.fixture
def coordinator(make_user, login):
    user = make_user(Role.COORDINATOR)
    login(user)
    return user


def upload(client, data: bytes, name: str):
    return client.post(
        "/schools/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def schools(session) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(School))


@pytest.mark.parametrize(
    ("data", "name"), [(listing_csv(), "sekolah.csv"), (listing_xlsx(), "sekolah.xlsx")]
)
def test_upload_preview_confirm(client, coordinator, db_session, data, name):
    response = upload(client, data, name)
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    assert preview_url.startswith("/schools/import/")

    html = client.get(preview_url).get_data(as_text=True)
    assert re.search(r'data-testid="count-new">72<', html)
    assert 'data-testid="confirm-import"' in html
    assert "SMA NEGERI 3 KOTA BENGKULU" in html and "Muara Bangka Hulu" in html
    assert schools(db_session) == 0  # the preview writes nothing

    seen = hidden_value(html, "seen")  # what the preview was made against
    done = client.post(preview_url, data={"seen": seen}, follow_redirects=True)
    assert "Impor disimpan: 72 baru, 0 berubah, 0 tetap." in done.get_data(as_text=True)
    assert schools(db_session) == 72
    assert db_session.scalar(select(func.count()).select_from(ImportUpload)) == 0
    assert client.get(preview_url).status_code == 302  # the upload is gone

    again = client.get(upload(client, data, name).headers["Location"]).get_data(as_text=True)
    assert re.search(r'data-testid="count-unchanged">72<', again)
    assert "Tidak ada yang perlu diubah" in again and "confirm-import" not in again


def test_a_file_with_bad_rows_cannot_be_confirmed_and_lists_each_one(
    client, coordinator, db_session
):
    preview_url = upload(client, listing_with_bad_rows(), "salah.csv").headers["Location"]
    html = client.get(preview_url).get_data(as_text=True)
    assert re.search(r'data-testid="count-invalid">3<', html)
    assert "3 baris salah, jadi tidak ada yang dapat disimpan." in html
    assert "NPSN terdiri dari tepat 8 angka." in html
    assert "Kelurahan Kebun Raja tidak dikenal di Kecamatan Selebar." in html
    assert "NPSN 10799002 juga ada di baris 6." in html
    assert 'data-testid="confirm-import"' not in html
    client.post(preview_url)  # forcing it anyway writes nothing
    assert schools(db_session) == 0


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.4\x00\x00", "laporan.xlsx", "bukan berkas Excel (.xlsx) yang dapat dibaca"),
        (b"", "kosong.csv", "Berkas kosong."),
        (b"\xd0\xcf\x11\xe0", "lama.xls", "simpan sebagai .xlsx atau .csv"),
    ],
)
def test_unreadable_files_are_refused_on_the_upload_form(
    client, coordinator, db_session, data, name, message
):
    response = upload(client, data, name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(ImportUpload)) == 0


def test_a_file_without_the_needed_columns_says_which(client, coordinator):
    preview_url = upload(client, b"Nama,Alamat\nSMA 1,Jl. A\n", "x.csv").headers["Location"]
    response = client.get(preview_url)
    assert response.status_code == 422
    assert "Berkas tidak memiliki kolom npsn" in response.get_data(as_text=True)


def test_changed_rows_show_before_and_after(client, coordinator, make_school):
    make_school(npsn="10702414", name="SMAN 3", students_pending=10)
    data = "\n".join(
        [
            ",".join(TEMPLATE_HEADINGS),
            ",".join(
                template_row(
                    npsn="10702414", name="SMAN 3", kecamatan="Selebar", students_pending=25
                )
            ),
        ]
    ).encode()
    html = client.get(upload(client, data, "ubah.csv").headers["Location"]).get_data(as_text=True)
    assert re.search(r'data-testid="count-changed">1<', html)
    assert "Siswa belum terekam:</span> <del>10</del> → 25" in html


def test_another_users_upload_cannot_be_opened(client, coordinator, make_user, login):
    preview_url = upload(client, listing_csv(), "sekolah.csv").headers["Location"]
    client.post("/logout")
    login(make_user(Role.COORDINATOR))
    response = client.get(preview_url, follow_redirects=True)
    assert "Unggahan ini sudah tidak tersedia" in response.get_data(as_text=True)
    assert client.post(preview_url).status_code == 302


def test_cancel_discards_the_upload(client, coordinator, db_session):
    preview_url = upload(client, listing_csv(), "sekolah.csv").headers["Location"]
    response = client.post(preview_url + "/discard", follow_redirects=True)
    assert "Impor dibatalkan: tidak ada yang disimpan." in response.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(ImportUpload)) == 0
    assert schools(db_session) == 0


def test_the_templates_download_and_import_back_unchanged(client, coordinator, make_school):
    csv_template = client.get("/schools/import/template.csv")
    assert (
        csv_template.headers["Content-Disposition"] == 'attachment; filename="templat-sekolah.csv"'
    )
    assert csv_template.data.decode("utf-8-sig").strip() == ",".join(
        f'"{heading}"' for heading in TEMPLATE_HEADINGS
    )  # every cell quoted
    xlsx = client.get("/schools/import/template.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert [cell.value for cell in sheet[1]] == list(TEMPLATE_HEADINGS)

    make_school(
        npsn="10702414",
        name="SMA NEGERI 3",
        liaison_phone="+6281273004414",
        students_pending=0,
        lat=-3.8452,
        lng=102.3204,
    )
    filled = client.get("/schools/import/template.xlsx?filled=1")
    rows = list(load_workbook(io.BytesIO(filled.data)).active.values)
    assert rows[1][0] == "10702414" and rows[1][8] == "0812-7300-4414"
    preview_url = upload(client, filled.data, "sekolah.xlsx").headers["Location"]
    html = client.get(preview_url).get_data(as_text=True)
    assert re.search(r'data-testid="count-unchanged">1<', html)


# --- the command --------------------------------------------------------------------------------


def test_the_command_imports_and_reimports(runner, tmp_path, db_session):
    path = tmp_path / "sekolah.xlsx"
    path.write_bytes(listing_xlsx())
    dry = runner.invoke(args=["outreach", "import-schools", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "72 baris: 72 baru, 0 berubah, 0 tetap, 0 tidak valid." in dry.output
    assert "Uji coba: tidak ada yang disimpan." in dry.output
    assert schools(db_session) == 0

    done = runner.invoke(args=["outreach", "import-schools", str(path)])
    assert done.exit_code == 0 and "Impor disimpan." in done.output
    assert schools(db_session) == 72
    again = runner.invoke(args=["outreach", "import-schools", str(path)])
    assert again.exit_code == 0 and "semua data sudah mutakhir" in again.output


def test_the_command_lists_every_bad_row_and_exits_1(runner, tmp_path, db_session):
    path = tmp_path / "salah.csv"
    path.write_bytes(listing_with_bad_rows())
    result = runner.invoke(args=["outreach", "import-schools", str(path)])
    assert result.exit_code == 1
    assert "Baris 4, kolom NPSN: NPSN terdiri dari tepat 8 angka." in result.output
    assert (
        "Baris 5, kolom Kelurahan: Kelurahan Kebun Raja tidak dikenal di Kecamatan Selebar."
        in result.output
    )
    assert "Baris 7, kolom NPSN: NPSN 10799002 juga ada di baris 6." in result.output
    assert "Tidak ada yang disimpan" in result.output
    assert schools(db_session) == 0


def test_the_command_refuses_an_unreadable_file(runner, tmp_path):
    path = tmp_path / "foto.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n")
    result = runner.invoke(args=["outreach", "import-schools", str(path)])
    assert result.exit_code == 1 and "bukan berkas Excel" in result.output


def test_no_file_chosen(client, coordinator):
    response = client.post("/schools/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Pilih berkas yang akan diimpor." in response.get_data(as_text=True)


class TestUploadLimit:
    @pytest.fixture
    def app_config(self):
        return {"IMPORT_UPLOAD_LIMIT": "2 per hour"}

    def test_uploads_are_limited_per_user_over_every_kind(
        self, client, coordinator, make_user, login
    ):
        assert upload(client, listing_csv(), "sekolah.csv").status_code == 302
        residents = client.post(
            "/residents/import",
            data={"file": (io.BytesIO(b"nik,name\n"), "warga.csv")},
            content_type="multipart/form-data",
        )
        assert residents.status_code in (302, 422)  # counted, whatever the file held
        assert upload(client, listing_csv(), "sekolah.csv").status_code == 429
        assert client.get("/schools/import").status_code == 200  # the form itself is not
        client.post("/logout")
        login(make_user(Role.COORDINATOR))  # another user has their own count
        assert upload(client, listing_csv(), "sekolah.csv").status_code == 302
