"""Importing the city's real school list, and files with mistakes in them."""

import pytest
from sqlalchemy import func, select

from outreach.models import AuditEvent, School, SchoolLevel, SchoolStatus, utcnow
from outreach.services.schools.imports import TEMPLATE_HEADINGS, analyse_schools, import_schools
from outreach.services.tables import read_table
from tests.school_files import (
    csv_file,
    listing_csv,
    listing_with_bad_rows,
    listing_xlsx,
    real_rows,
    template_row,
)


def run(session, data: bytes, name: str, **options):
    outcome = import_schools(
        session, read_table(data, name), now=utcnow(), actor="test", source=name, **options
    )
    session.commit()
    return outcome


def school_count(session) -> int:
    return session.scalar(select(func.count()).select_from(School))


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (listing_csv(), "sekolah.csv"),
        (listing_xlsx(), "sekolah.xlsx"),
        (listing_csv(encoding="cp1252", delimiter=";"), "sekolah-excel-lama.csv"),
    ],
    ids=["csv", "xlsx", "windows-1252"],
)
def test_the_real_list_creates_every_school_in_its_kecamatan_and_kelurahan(db_session, data, name):
    outcome = run(db_session, data, name)

    expected = real_rows()
    assert outcome.written and outcome.preview.counts["new"] == len(expected) == 72
    schools = {s.npsn: s for s in db_session.scalars(select(School))}
    assert len(schools) == 72
    for row in expected:
        school = schools[row["npsn"]]
        assert school.kecamatan_code == row["kecamatan_code"], row["name"]
        assert school.kelurahan_code == (row["kelurahan_code"] or None), row["name"]
        assert school.name == row["name"]
    assert schools["10702414"].level is SchoolLevel.SMA
    assert schools["10702414"].status is SchoolStatus.NEGERI
    assert schools["10703997"].level is SchoolLevel.MA  # MAN 2
    assert schools["69969320"].level is SchoolLevel.SLB
    assert schools["70055420"].level is SchoolLevel.SMA  # "SMA (Sekolah Rakyat)"
    assert schools["69955640"].level is SchoolLevel.OTHER  # "Kreatif": unknown type
    # "Muara Bangkahulu" in the listing is the official "Muara Bangka Hulu".
    assert schools["70009174"].kecamatan.name == "Muara Bangka Hulu"
    # "Kebun Gerand" in the listing is the official "Kebun Geran".
    assert schools["10702419"].kelurahan.name == "Kebun Geran"

    again = run(db_session, data, name)
    assert not again.written
    assert again.preview.counts["unchanged"] == 72
    assert school_count(db_session) == 72


def test_the_project_copy_of_the_list_imports_as_it_is(db_session):
    """The reference file's own headings (npsn, name, bentuk, lat, lng …) work too."""
    from tests.school_files import REAL_LIST

    outcome = run(db_session, REAL_LIST.read_bytes(), "sekolah_kota_bengkulu.csv")
    assert outcome.preview.counts["new"] == 72
    assert "listed_2025" in outcome.preview.ignored_headings
    sman3 = db_session.scalar(select(School).where(School.npsn == "10702414"))
    assert sman3.lat == pytest.approx(-3.8452)


def test_one_bad_row_means_nothing_is_written_and_every_bad_row_is_named(db_session):
    outcome = run(db_session, listing_with_bad_rows(), "salah.csv")

    assert not outcome.written
    assert school_count(db_session) == 0
    problems = {
        row.number: [(column, str(reason)) for column, reason in row.problems]
        for row in outcome.preview.with_state("invalid")
    }
    assert problems == {
        4: [("NPSN", "NPSN terdiri dari tepat 8 angka.")],
        5: [("Kelurahan", "Kelurahan Kebun Raja tidak dikenal di Kecamatan Selebar.")],
        7: [("NPSN", "NPSN 10799002 juga ada di baris 6.")],
    }
    assert outcome.preview.counts["new"] == 3  # rows 2, 3 and 6 would have been fine


def test_reimporting_updates_by_npsn_and_an_empty_cell_erases_nothing(db_session, make_school):
    school = make_school(
        npsn="10702414",
        name="SMAN 3",
        liaison_name="Dra. Rina Marlina",
        liaison_phone="+6281273004414",
        students_pending=120,
    )
    rows = [
        template_row(npsn="10702414", name="SMA NEGERI 3 KOTA BENGKULU", kelurahan="Pagar Dewa")
    ]
    outcome = run(db_session, csv_file(TEMPLATE_HEADINGS, rows), "ubah.csv")

    assert outcome.written and outcome.preview.counts["changed"] == 1
    assert outcome.preview.rows[0].changes == {"name": ["SMAN 3", "SMA NEGERI 3 KOTA BENGKULU"]}
    db_session.refresh(school)
    assert school.name == "SMA NEGERI 3 KOTA BENGKULU"
    assert school.liaison_name == "Dra. Rina Marlina" and school.students_pending == 120
    assert school_count(db_session) == 1
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "school.import_update"))
    assert event.entity_id == str(school.id) and event.actor == "test"


def test_template_columns_are_cleaned_like_the_form(db_session):
    rows = [
        [
            "10799010",
            "SMKS Contoh",
            "smk",
            "swasta",
            "Jl. Contoh",
            "ratu agung",
            "kebun tebeng",
            "Budi",
            "0812 3456 7890",
            "Budi@Sekolah.sch.id",
            "45",
            "-3,8393",
            "102,2891",
        ]
    ]
    run(db_session, csv_file(TEMPLATE_HEADINGS, rows), "templat.csv")
    school = db_session.scalar(select(School).where(School.npsn == "10799010"))
    assert (school.level, school.status) == (SchoolLevel.SMK, SchoolStatus.SWASTA)
    assert (school.kecamatan_code, school.kelurahan_code) == ("17.71.06", "17.71.06.1001")
    assert school.liaison_phone == "+6281234567890"
    assert school.liaison_email == "budi@sekolah.sch.id"
    assert (school.students_pending, school.lat, school.lng) == (45, -3.8393, 102.2891)


def test_each_kind_of_bad_cell_is_explained(db_session):
    rows = [
        ["10799011", "", "", "", "", "Selebar", "", "", "", "", "", "", ""],
        [
            "10799012",
            "SMA A",
            "SD",
            "campuran",
            "",
            "",
            "",
            "",
            "12345",
            "bukan-email",
            "-3",
            "",
            "",
        ],
        ["10799013", "SMA B", "", "", "", "", "", "", "", "", "", "102.3", "-3.8"],
        ["10799014", "SMA C", "", "", "", "Gotham", "", "", "", "", "", "-3.8", ""],
    ]
    preview = analyse_schools(db_session, read_table(csv_file(TEMPLATE_HEADINGS, rows), "x.csv"))
    columns = {row.number: [column for column, _ in row.problems] for row in preview.rows}
    assert columns == {
        2: ["name"],
        3: ["level", "status", "liaison_phone", "liaison_email", "students_pending", "kecamatan"],
        4: ["kecamatan", "latitude"],
        5: ["kecamatan", "longitude"],
    }


def test_a_file_without_the_npsn_column_is_refused_as_a_whole(db_session):
    from outreach.domain.problems import Invalid

    with pytest.raises(Invalid, match="npsn"):
        analyse_schools(db_session, read_table(b"Nama,Kecamatan\nSMA A,Selebar\n", "x.csv"))


def test_a_dry_run_writes_nothing(db_session):
    outcome = run(db_session, listing_csv(), "sekolah.csv", dry_run=True)
    assert outcome.preview.counts["new"] == 72 and not outcome.written
    assert school_count(db_session) == 0


def test_an_import_is_audited_with_who_when_and_counts(db_session):
    run(db_session, listing_csv(), "sekolah.csv")
    summary = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "school.import"))
    assert summary.changes == {"source": "sekolah.csv", "new": 72, "changed": 0, "unchanged": 0}
    assert summary.actor == "test" and summary.at is not None
    per_school = db_session.scalar(
        select(func.count()).where(AuditEvent.action == "school.import_create")
    )
    assert per_school == 72


def test_each_school_written_in_bulk_has_its_own_audit_event(db_session):
    """New schools go in as one bulk INSERT: every event must still point at its own school."""
    run(db_session, listing_csv(), "sekolah.csv")
    rows = [
        template_row(npsn="10702414", name="SMA NEGERI 3 (BARU)", kelurahan="Pagar Dewa"),
        template_row(npsn="10799001", name="SMA Baru Satu", kecamatan="Selebar"),
        template_row(npsn="10799002", name="SMA Baru Dua", kecamatan="Gading Cempaka"),
    ]
    outcome = run(db_session, csv_file(TEMPLATE_HEADINGS, rows), "campur.csv")
    assert outcome.preview.counts["new"] == 2 and outcome.preview.counts["changed"] == 1

    schools = {str(s.id): s for s in db_session.scalars(select(School))}
    events = list(db_session.scalars(select(AuditEvent)))
    created = [e for e in events if e.action == "school.import_create"]
    assert len(created) == 74 and len({e.entity_id for e in created}) == 74
    for event in created:
        school = schools[event.entity_id]
        assert event.entity_type == "School"
        assert event.changes["npsn"] == [None, school.npsn]
        if school.npsn != "10702414":  # renamed by the second file
            assert event.changes["name"] == [None, school.name]
    (updated,) = [e for e in events if e.action == "school.import_update"]
    assert schools[updated.entity_id].npsn == "10702414"
    assert updated.changes["name"][1] == "SMA NEGERI 3 (BARU)"
