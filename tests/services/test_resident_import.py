"""Importing home-visit requests: all or nothing, NIKs read as text, re-imports update."""

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from outreach.i18n import office_today
from outreach.models import Resident, ResidentCategory, ResidentStatus, utcnow
from outreach.services.residents.imports import import_residents
from outreach.services.residents.status import change_status
from outreach.services.tables import read_table
from tests.school_files import RESIDENT_HEADINGS, RESIDENT_ROWS, resident_row, residents_csv


def run(session, data: bytes, name: str = "warga.csv", **options):
    outcome = import_residents(
        session,
        read_table(data, name),
        now=utcnow(),
        today=office_today(),
        actor="test",
        source=name,
        **options,
    )
    session.commit()
    return outcome


def residents(session) -> list[Resident]:
    session.rollback()
    return list(session.scalars(select(Resident).order_by(Resident.id)))


def test_a_valid_file_imports_and_reimports_without_duplicates(db_session):
    outcome = run(db_session, residents_csv())
    assert outcome.written and outcome.preview.counts["new"] == 3
    siti, bahrun, maya = residents(db_session)
    assert (siti.rt, siti.rw, siti.is_bedridden, siti.phone) == (
        "007",
        "002",
        True,
        "+6281273001111",
    )
    assert bahrun.category is ResidentCategory.BOTH and bahrun.phone == "+6273621234"
    assert bahrun.kelurahan_code == "17.71.06.1001"
    assert maya.disability.value == "visual" and maya.kelurahan.name == "Timur Indah"

    again = run(db_session, residents_csv())
    assert not again.written and again.preview.counts["unchanged"] == 3
    assert len(residents(db_session)) == 3


def test_a_reimport_updates_the_open_request_and_a_closed_one_gets_a_new_request(db_session):
    run(db_session, residents_csv())
    siti = residents(db_session)[0]
    change_status(db_session, siti, ResidentStatus.RECORDED, "Direkam", now=utcnow(), actor="t")
    db_session.commit()
    rows = [list(row) for row in RESIDENT_ROWS]
    rows[1][7] = "Jl. Merapi No. 14"  # Bahrun moved house
    outcome = run(db_session, residents_csv(rows))
    assert outcome.preview.counts == {"new": 1, "changed": 1, "unchanged": 1, "invalid": 0}
    assert outcome.preview.rows[1].changes == {
        "address": ["Jl. Merapi No. 12", "Jl. Merapi No. 14"]
    }
    assert len(residents(db_session)) == 4  # Siti's second request


def test_invalid_niks_write_nothing_and_each_bad_row_is_named(db_session):
    rows = [list(row) for row in RESIDENT_ROWS] + [
        resident_row("1771019903480003", "Hari Salah", "Jl. A", sex="L"),
        resident_row("1,77101E+15", "Excel Rusak", "Jl. B", sex="L"),
        resident_row("1771015203480000", "Serial Nol", "Jl. C", sex="P"),
        resident_row("1771015203480003", "Siti Lagi", "Jl. D", sex="P"),
    ]
    outcome = run(db_session, residents_csv(rows))
    assert not outcome.written and residents(db_session) == []
    problems = {
        row.number: [(column, str(reason)) for column, reason in row.problems]
        for row in outcome.preview.with_state("invalid")
    }
    assert problems == {
        5: [
            (
                "NIK",
                "Angka ke-7–8 NIK adalah tanggal lahir: 01–31 untuk laki-laki, 41–71 "
                "untuk perempuan; 99 bukan keduanya.",
            )
        ],
        6: [
            (
                "NIK",
                "NIK ini (1,77101E+15) diubah menjadi angka oleh spreadsheet dan kehilangan "
                "digit: format kolomnya sebagai teks lalu salin NIK lagi.",
            )
        ],
        7: [("NIK", "Empat angka terakhir NIK tidak pernah 0000.")],
        8: [("NIK", "NIK ini juga ada di baris 2.")],
    }


def test_a_nik_stored_as_a_number_in_xlsx_is_refused_not_mangled(db_session):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(RESIDENT_HEADINGS)
    row = list(RESIDENT_ROWS[0])
    row[0] = 1771015203480003  # Excel keeps only 15 significant digits: 1771015203480000
    sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    outcome = run(db_session, out.getvalue(), "warga.xlsx")
    (bad,) = outcome.preview.with_state("invalid")
    assert "tersimpan sebagai angka" in str(bad.problems[0][1])
    assert residents(db_session) == []


def test_a_kelurahan_list_without_the_kind_of_disability_imports(db_session):
    """As a kelurahan sends it: disabled residents whose kind the list does not say."""
    rows = [list(row) for row in RESIDENT_ROWS]
    rows[1][5] = ""  # both, kind not given
    rows[2][5] = "  "  # disabilitas, a blank cell
    outcome = run(db_session, residents_csv(rows))
    assert outcome.written and outcome.preview.counts["new"] == 3
    _siti, bahrun, maya = residents(db_session)
    assert bahrun.category is ResidentCategory.BOTH and bahrun.disability_not_known
    assert maya.category is ResidentCategory.DISABILITAS and maya.disability_not_known


def test_a_kind_of_disability_not_on_the_list_is_refused_saying_which_are(db_session):
    rows = [list(row) for row in RESIDENT_ROWS]
    rows[2][5] = "lumpuh"
    outcome = run(db_session, residents_csv(rows))
    (bad,) = outcome.preview.with_state("invalid")
    problems = [(column, str(message)) for column, message in bad.problems]
    assert problems == [
        (
            "Jenis Disabilitas",
            "Jenis disabilitas adalah fisik, netra, rungu/wicara, intelektual, mental atau "
            "ganda; kosongkan (atau tulis -) bila belum diketahui.",
        )
    ]
    assert not outcome.written and residents(db_session) == []


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (4, "anak", "Kategori adalah lansia, disabilitas atau both (keduanya)."),
        (11, "Gotham", "Kelurahan Gotham tidak dikenal di Kecamatan Selebar."),
        (16, "31-02-2026", "Tulis tanggal seperti 17-08-2026."),
        (12, "12345", "Masukkan nomor telepon Indonesia, misalnya 0812 3456 7890 atau 0736 21234."),
        (3, "X", "Tulis jenis kelamin sebagai L atau P."),
    ],
)
def test_bad_cells_are_explained(db_session, column, value, message):
    row = list(RESIDENT_ROWS[0])
    row[column] = value
    outcome = run(db_session, residents_csv([row]))
    (bad,) = outcome.preview.with_state("invalid")
    assert (RESIDENT_HEADINGS[column], message) in [(c, str(r)) for c, r in bad.problems]


def test_an_import_is_audited_without_niks(db_session):
    from outreach.models import AuditEvent

    run(db_session, residents_csv())
    events = list(db_session.scalars(select(AuditEvent)))
    assert {e.action for e in events} == {"resident.import", "resident.import_create"}
    assert not any(row[0] in str(e.changes) for e in events for row in RESIDENT_ROWS)
    assert db_session.scalar(select(func.count()).select_from(Resident)) == 3
    # Written in one bulk INSERT, each event still points at its own resident.
    by_id = {str(r.id): r for r in residents(db_session)}
    created = [e for e in events if e.action == "resident.import_create"]
    assert sorted(e.entity_id for e in created) == sorted(by_id)
    for event in created:
        assert event.entity_type == "Resident"
        assert event.changes["name"] == [None, by_id[event.entity_id].name]


def test_a_bad_nik_is_reported_with_the_rows_other_problems(db_session):
    row = resident_row("1771013102480001", "Tanggal Salah", "Jl. C", kelurahan="Kebun Raja")
    (bad,) = run(db_session, residents_csv([row])).preview.with_state("invalid")
    assert [column for column, _reason in bad.problems] == ["NIK", "Kelurahan"]


@pytest.mark.parametrize(
    "written",
    ["-", " Belum  Diketahui ", "TIDAK DIKETAHUI", "unknown", "not known", "—", ""],
)
def test_a_kind_of_disability_written_as_not_known_imports_as_not_known(db_session, written):
    rows = [list(row) for row in RESIDENT_ROWS]
    rows[2][5] = written  # Maya, disabilitas
    outcome = run(db_session, residents_csv(rows))
    assert outcome.written, [row.problems for row in outcome.preview.rows]
    *_, maya = residents(db_session)
    assert maya.disability is None and maya.disability_not_known


def test_every_label_the_app_shows_for_a_kind_of_disability_imports_as_that_kind(app):
    """In both languages, any case and spacing: a list the app wrote imports back."""
    from flask_babel import force_locale

    from outreach.domain.residents import parse_disability
    from outreach.labels import DISABILITY_LABELS, DISABILITY_NOT_KNOWN

    with app.test_request_context():
        for locale in ("id", "en"):
            with force_locale(locale):
                for kind, label in DISABILITY_LABELS.items():
                    for written in (str(label), f"  {str(label).upper()} ", str(label).lower()):
                        assert parse_disability(written) == kind.value, (locale, written)
                assert parse_disability(str(DISABILITY_NOT_KNOWN)) is None
                assert parse_disability(f"— {DISABILITY_NOT_KNOWN} —") is None
