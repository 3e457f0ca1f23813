"""The plan page warns of a usual school break nobody noted, and notes it in one step: the
warning, the prefilled form, the blackout it adds, the refusals, who may, and a plan that then
leaves the break's days alone."""

from datetime import date, timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from outreach.i18n import long_date, office_today
from outreach.models import AuditEvent, Role, SchoolBlackout, Visit
from outreach.scheduling.calendar import next_month
from outreach.scheduling.school_breaks import breaks_between
from outreach.services.planning.inputs import PlanSettings
from outreach.services.planning.schools import preview_school_plan
from tests.conftest import csrf_token, field_errors, login_with_csrf

WARNING = "Libur semester belum dicatat"


def text(response) -> str:
    return response.get_data(as_text=True)


def coming_december() -> date:
    """A December whose whole break the plan can still reach (within the page's year ahead)."""
    month = next_month(office_today())
    while month.month != 12:
        month = next_month(month)
    return month


@pytest.fixture
def december():
    month = coming_december()
    (school_break,) = breaks_between(month, next_month(month) - timedelta(days=1))
    return month, school_break


@pytest.fixture
def coordinator(make_user, login):
    user = make_user(Role.COORDINATOR, name="Yulia Safitri")
    login(user)
    return user


@pytest.fixture
def busy_month(make_team, make_school):
    """One team doing one school a day and more schools than fit in half the month: the plan
    spreads them over every week, the last one too."""
    make_team(kecamatan_codes=("17.71.01",), school_visits_per_day=1)
    for _n in range(12):
        make_school()


def posted(school_break, plan_month, **overrides) -> dict:
    data = {
        "key": school_break.key,
        "month": plan_month.strftime("%Y-%m"),
        "first_on": school_break.first_on.isoformat(),
        "last_on": school_break.last_on.isoformat(),
        "reason": f"Libur semester ganjil {school_break.school_year_name}",
    }
    data.update(overrides)
    return data


def blackouts(db_session):
    db_session.expire_all()
    rows = db_session.scalars(select(SchoolBlackout).order_by(SchoolBlackout.id))
    return [(b.school_id, b.first_on, b.last_on, b.reason) for b in rows]


def visit_days(db_session) -> list[date]:
    return list(db_session.scalars(select(Visit.visit_on)))


def test_the_preview_warns_of_the_break_and_notes_it_in_one_step(
    client, coordinator, db_session, busy_month, december
):
    month, school_break = december
    name = f"Libur semester ganjil {school_break.school_year_name}"
    # Without the break noted, the plan would send teams to schools on holiday.
    settings = PlanSettings.from_config(current_app.config)
    before = preview_school_plan(db_session, month=month, today=office_today(), settings=settings)
    assert any(school_break.overlaps(p.on, p.on) for p in before.plan.placements)

    page = text(client.get(f"/plan?month={month:%Y-%m}"))
    warning = page.split('data-testid="break-missing"')[1].split("</form>")[0]
    assert WARNING in warning and name in warning
    assert long_date(school_break.first_on) in warning  # "Senin, 20 Desember 2027"
    assert long_date(school_break.last_on) in warning
    assert f'value="{school_break.first_on.isoformat()}"' in warning  # prefilled, editable
    assert f'value="{school_break.last_on.isoformat()}"' in warning
    assert f'value="{name}"' in warning

    # The coordinator corrects the first day to this year's kalender pendidikan and adds it.
    first_on = school_break.first_on - timedelta(days=3)
    response = client.post("/plan/breaks", data=posted(school_break, month, first_on=first_on))
    assert response.status_code == 302
    assert response.location.endswith(f"/plan?month={month:%Y-%m}")
    assert blackouts(db_session) == [(None, first_on, school_break.last_on, name)]
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "blackout.create"))
    assert event.user_id == coordinator.id

    page = text(client.get(response.location))
    assert f"{name} dicatat" in page  # the flash
    assert WARNING not in page and 'data-testid="break-form"' not in page
    assert 'data-testid="break-noted"' in page

    # The plan created now leaves the break's days alone.
    assert client.post("/plan", data={"month": f"{month:%Y-%m}"}).status_code == 302
    days = visit_days(db_session)
    assert days and not [day for day in days if first_on <= day <= school_break.last_on]


def test_a_plan_made_without_the_break_says_so_and_noting_it_then_names_its_visits(
    client, coordinator, db_session, busy_month, december
):
    month, school_break = december
    response = client.post("/plan", data={"month": f"{month:%Y-%m}"})
    assert response.status_code == 302 and "/plan/runs/" in response.location
    in_break = [day for day in visit_days(db_session) if school_break.overlaps(day, day)]
    assert in_break
    report = text(client.get(response.location))
    warning = report.split('data-testid="run-break-missing"')[1].split("</div>")[0]
    assert WARNING in warning and long_date(school_break.first_on) in warning
    assert f'href="/plan?month={month:%Y-%m}"' in warning

    noted = client.post("/plan/breaks", data=posted(school_break, month), follow_redirects=True)
    assert f"{len(in_break)} kunjungan terjadwal jatuh dalam periode ini" in text(noted)
    # A run made once the break is noted has nothing to say about it.
    again = client.post("/plan", data={"month": f"{month:%Y-%m}"})
    assert 'data-testid="run-break-missing"' not in text(client.get(again.location))


def test_adding_the_break_twice_is_refused_and_keeps_one_period(
    client, coordinator, db_session, december
):
    month, school_break = december
    assert client.post("/plan/breaks", data=posted(school_break, month)).status_code == 302
    again = client.post("/plan/breaks", data=posted(school_break, month), follow_redirects=True)
    assert again.status_code == 200 and "sudah dicatat" in text(again)
    assert len(blackouts(db_session)) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"last_on": "first"}, "Hari terakhir tidak boleh sebelum hari pertama."),
        ({"first_on": "november"}, "pilih hari dalam rentang itu"),
        ({"first_on": "early", "last_on": "early+4"}, "tidak mengenai libur yang biasa"),
        ({"last_on": "31-02-2027"}, "Masukkan tanggal"),
        ({"reason": "  "}, "Beri nama liburnya."),
    ],
)
def test_bad_days_are_refused_with_a_message_and_nothing_written(
    client, coordinator, db_session, december, change, message
):
    month, school_break = december
    days = {
        "first": (school_break.first_on - timedelta(days=1)).isoformat(),
        "november": date(month.year, 11, 30).isoformat(),
        "early": month.isoformat(),
        "early+4": (month + timedelta(days=4)).isoformat(),
    }
    data = posted(school_break, month, **{k: days.get(v, v) for k, v in change.items()})
    response = client.post("/plan/breaks", data=data)
    assert response.status_code == 422
    page = text(response)
    assert any(message in error for error in field_errors(page)), field_errors(page)
    assert WARNING in page  # still warned, the form as it was sent
    assert blackouts(db_session) == []


@pytest.mark.parametrize(
    "change",
    [{"key": "odd-20x7"}, {"key": "spring-2027"}, {"key": "even-{year}"}, {"month": "1999-12"}],
)
def test_a_tampered_break_or_month_is_refused(client, coordinator, db_session, december, change):
    month, school_break = december
    change = {k: v.format(year=school_break.school_year) for k, v in change.items()}
    assert (
        client.post("/plan/breaks", data=posted(school_break, month, **change)).status_code == 400
    )
    assert blackouts(db_session) == []


@pytest.mark.parametrize("role", [Role.OFFICER, Role.LIAISON])
def test_only_coordinators_note_a_break(client, make_user, login, db_session, december, role):
    month, school_break = december
    login(make_user(role))
    assert client.post("/plan/breaks", data=posted(school_break, month)).status_code == 403
    assert db_session.scalar(select(func.count()).select_from(SchoolBlackout)) == 0


class TestWithCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_the_break_form_needs_its_token(self, client, make_user, db_session, december):
        month, school_break = december
        login_with_csrf(client, make_user(Role.COORDINATOR))
        assert client.post("/plan/breaks", data=posted(school_break, month)).status_code == 400
        assert blackouts(db_session) == []
        page = text(client.get(f"/plan?month={month:%Y-%m}"))
        token = csrf_token(page.split('data-testid="break-form"')[1])
        data = posted(school_break, month, csrf_token=token)
        assert client.post("/plan/breaks", data=data).status_code == 302
        assert len(blackouts(db_session)) == 1


def test_a_month_without_a_break_shows_no_warning(client, coordinator):
    month = next_month(office_today())
    while month.month not in (2, 3, 4, 5, 8, 9, 10, 11):
        month = next_month(month)
    page = text(client.get(f"/plan?month={month:%Y-%m}"))
    assert 'data-testid="plan-summary"' in page and WARNING not in page
