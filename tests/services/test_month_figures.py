"""One definition of a month's visits: the dashboard, the visit list and its tabs, the calendar,
the monthly report and the export agree on every figure, for a month with moves (within the
month and into the next), cancellations, missed and completed visits."""

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest

from outreach.models import HomeOutcome, VisitStatus, utcnow
from outreach.services.overview import get_office_overview
from outreach.services.planning.inputs import PlanSettings
from outreach.services.visits.changes import Who
from outreach.services.visits.export import list_month_visits
from outreach.services.visits.lifecycle import cancel_visit, mark_missed
from outreach.services.visits.moves import move_visit
from outreach.services.visits.outcomes import (
    SchoolOutcome,
    record_home_outcome,
    record_school_outcome,
)
from outreach.services.visits.queries import (
    VisitFilters,
    count_by_status,
    list_visits,
    month_calendar,
    month_total,
)
from outreach.services.visits.report import monthly_report
from tests.services.visit_helpers import DECEMBER, TODAY, add_visit

JANUARY = date(2027, 1, 1)
WHO = Who("koordinator")
SETTINGS = PlanSettings(lead_days=0)


@pytest.fixture
def december(db_session, make_team, make_school, make_resident):
    """Twelve visits planned in December; then one school visit moved within the month, one
    home visit moved into January, one cancelled, one missed, two completed."""
    team = make_team(school_visits_per_day=3, home_visits_per_day=4)
    days = [date(2026, 12, d) for d in (3, 4, 7, 8, 9, 10)]
    schools = [add_visit(db_session, school=make_school(), team=team, on=day) for day in days]
    homes = [
        add_visit(db_session, resident=make_resident(), team=team, on=day)
        for day in (*days[:5], date(2026, 12, 30))
    ]
    kwargs = dict(now=utcnow(), today=TODAY, who=WHO, settings=SETTINGS)
    move_visit(db_session, schools[0], on=date(2026, 12, 14), version=None, **kwargs)
    move_visit(db_session, homes[5], on=date(2027, 1, 4), version=None,
               **{**kwargs, "today": date(2026, 12, 28)})  # fmt: skip
    cancel_visit(db_session, schools[1], reason="Ujian", now=utcnow(), today=TODAY, who=WHO,
                 version=None)  # fmt: skip
    mark_missed(db_session, schools[2], reason="Mobil rusak", now=utcnow(), today=days[2],
                who=WHO, version=None)  # fmt: skip
    record_school_outcome(db_session, schools[3], SchoolOutcome(recorded=30), now=utcnow(),
                          today=days[3], who=WHO, version=None)  # fmt: skip
    record_home_outcome(db_session, homes[0], HomeOutcome.RECORDED, notes=None, now=utcnow(),
                        today=days[0], who=WHO, version=None)  # fmt: skip
    db_session.commit()


def _figures(db_session, month: date, today: date) -> dict:
    """Every figure each view shows for the month."""
    counts = count_by_status(db_session, VisitFilters(month=month), today=today)
    listed = list_visits(db_session, VisitFilters(month=month), today=today, per_page=500)
    calendar_visits = 0
    for week in month_calendar(db_session, month):
        for day in week:
            if day.in_month:
                calendar_visits += len(day.schools) + day.more_schools
                calendar_visits += sum(visits for _id, _name, visits in day.homes)
    report = monthly_report(db_session, month).total.figures
    exported = list_month_visits(db_session, month)
    return {
        "counts": counts,
        "total": month_total(counts),
        "listed": listed.total,
        "listed_rows": len(listed.items),
        "calendar": calendar_visits,
        "report": report,
        "exported": Counter(row.status for row in exported),
    }


@pytest.mark.usefixtures("december")
def test_the_month_figures_agree_everywhere(db_session):
    december = _figures(db_session, DECEMBER, TODAY)
    counts = december["counts"]
    # 12 planned: the school visit moved within December counts once, on its new day; the
    # home visit moved into January counts there, and here only as moved
    assert counts[VisitStatus.MOVED] == 2
    assert december["total"] == 12 - 1 == december["listed"] == december["listed_rows"]
    assert december["report"]["planned"] == december["total"]
    for status in VisitStatus:
        report_key = "moved" if status is VisitStatus.MOVED else status.value
        assert december["report"][report_key] == counts[status], status
        assert december["exported"][status] == counts[status], status
    # the calendar shows what takes place: cancelled visits left out
    assert december["calendar"] == december["total"] - counts[VisitStatus.CANCELLED]
    assert (counts[VisitStatus.CANCELLED], counts[VisitStatus.MISSED]) == (1, 1)
    assert counts[VisitStatus.COMPLETED] == 2
    assert december["report"]["students_recorded"] == 30
    assert december["report"]["home_recorded"] == 1

    overview = get_office_overview(db_session, TODAY + timedelta(days=19), target=Decimal("98"))
    assert overview.visits_this_month == counts
    assert overview.visits_this_month_total == december["total"]

    january = _figures(db_session, JANUARY, TODAY)
    assert january["total"] == 1 == january["listed"] == january["report"]["planned"]
    assert january["calendar"] == 1 and january["counts"][VisitStatus.MOVED] == 0


@pytest.mark.usefixtures("december")
def test_the_moved_tab_lists_the_moved_visits_apart(db_session):
    moved = list_visits(
        db_session, VisitFilters(month=DECEMBER, status="moved"), today=TODAY, per_page=50
    )
    assert moved.total == 2 and all(visit.is_moved for visit in moved.items)
    everything = list_visits(db_session, VisitFilters(month=DECEMBER), today=TODAY, per_page=50)
    assert not any(visit.is_moved for visit in everything.items)


@pytest.mark.usefixtures("december")
def test_the_list_searches_by_school_or_resident_name_and_by_npsn(db_session, make_school):
    everything = list_visits(db_session, VisitFilters(month=DECEMBER), today=TODAY, per_page=50)
    school_visit = next(visit for visit in everything.items if visit.school)
    home_visit = next(visit for visit in everything.items if visit.resident)

    def found(q):
        page = list_visits(db_session, VisitFilters(month=DECEMBER, q=q), today=TODAY)
        counts = count_by_status(db_session, VisitFilters(month=DECEMBER, q=q), today=TODAY)
        assert page.total == month_total(counts)  # the tabs count what the search shows
        return {visit.id for visit in page.items}

    assert school_visit.id in found(school_visit.school.npsn)
    assert found(school_visit.school.npsn) == {
        v.id for v in everything.items if v.school_id == school_visit.school_id
    }
    assert school_visit.id in found(school_visit.school.name.upper()[4:])
    assert home_visit.id in found(home_visit.resident.name.lower())
    assert found("%") == found("_") == set()  # wildcards are taken as text: no match
    assert found("Tidak Ada Sekolah Seperti Ini") == set()
