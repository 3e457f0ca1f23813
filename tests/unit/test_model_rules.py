"""Small rules that live on the models themselves (no database needed)."""

from datetime import date

import pytest

from outreach.models import School, Visit, VisitStatus
from outreach.models.school import weekday_bit


@pytest.mark.parametrize(
    ("visit_on", "status", "overdue"),
    [
        (date(2026, 11, 26), VisitStatus.PROPOSED, True),
        (date(2026, 11, 26), VisitStatus.CONFIRMED, True),
        (date(2026, 11, 26), VisitStatus.COMPLETED, False),
        (date(2026, 11, 26), VisitStatus.CANCELLED, False),
        (date(2026, 11, 27), VisitStatus.CONFIRMED, False),  # today is not overdue yet
        (date(2026, 11, 30), VisitStatus.PROPOSED, False),
    ],
)
def test_a_visit_is_overdue_when_its_day_has_passed_without_an_outcome(visit_on, status, overdue):
    visit = Visit(visit_on=visit_on, status=status)
    assert visit.is_overdue(date(2026, 11, 27)) is overdue


def test_preferred_weekdays_round_trip_through_the_bit_mask():
    school = School(preferred_weekdays=weekday_bit(2) | weekday_bit(4))
    assert school.preferred_iso_weekdays == frozenset({2, 4})
    assert School(preferred_weekdays=0).preferred_iso_weekdays == frozenset()
