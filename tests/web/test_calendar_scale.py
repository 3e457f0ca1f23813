"""A busy day on the calendar: the first visits named, the rest counted and linked to the list
of that day."""

from datetime import timedelta

from outreach.i18n import office_today
from outreach.models import Role, VisitStatus
from outreach.scheduling.calendar import month_start
from outreach.services.visits.queries import SHOWN_PER_DAY
from tests.services.visit_helpers import add_visit


def test_a_busy_day_names_six_schools_and_links_the_rest(
    client, make_user, login, make_team, make_school, db_session
):
    login(make_user(Role.COORDINATOR))
    team = make_team()
    day = month_start(office_today()) + timedelta(days=2)
    for _ in range(SHOWN_PER_DAY + 2):
        add_visit(db_session, school=make_school(), team=team, on=day, status=VisitStatus.CONFIRMED)

    page = client.get(f"/visits/calendar?month={day:%Y-%m}").get_data(as_text=True)
    assert (
        page.count('class="cal-chip s-confirmed" href=') == 2 * SHOWN_PER_DAY
    )  # grid + phone list
    assert "2 sekolah lainnya" in page
    assert f"/visits?day={day.isoformat()}&amp;kind=school" in page

    listing = client.get(f"/visits?day={day.isoformat()}&kind=school").get_data(as_text=True)
    assert "Menampilkan 1–8 dari 8" in listing


def test_an_unreadable_day_shows_the_month_and_says_so(client, make_user, login):
    login(make_user(Role.COORDINATOR))
    page = client.get("/visits?day=2026-13-45").get_data(as_text=True)
    assert "Tanggal 2026-13-45 tidak dikenali: yang ditampilkan seluruh bulan." in page


def test_the_rest_of_a_day_is_counted_for_every_team_or_for_the_chosen_one(
    make_team, make_school, db_session
):
    """Without a team the count comes from the running totals, with one from the visits:
    both leave cancelled visits out."""
    from outreach.services.visits.queries import month_calendar

    first, second = make_team(), make_team()
    day = month_start(office_today()) + timedelta(days=2)
    for team, many in ((first, SHOWN_PER_DAY + 3), (second, 2)):
        for _ in range(many):
            add_visit(db_session, school=make_school(), team=team, on=day)
    add_visit(db_session, school=make_school(), team=first, on=day, status=VisitStatus.CANCELLED)
    db_session.commit()

    def cell(**options):
        weeks = month_calendar(db_session, day, **options)
        return next(c for week in weeks for c in week if c.day == day)

    everyone = cell()
    assert len(everyone.schools) == SHOWN_PER_DAY and everyone.more_schools == 5
    one_team = cell(team_id=first.id)
    assert len(one_team.schools) == SHOWN_PER_DAY and one_team.more_schools == 3
    assert cell(team_id=second.id).more_schools == 0
    assert cell(kind="home").more_schools == 0
