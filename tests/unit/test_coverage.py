"""Coverage against the target and the projection: the figures a head of division reads."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outreach.domain.coverage import (
    Coverage,
    Figure,
    Outlook,
    check_figures,
    months_before,
    project,
    share,
)
from outreach.domain.problems import Invalid

TARGET = Decimal("98.07")
YEAR_END = date(2026, 12, 31)


def test_kota_bengkulu_on_4_august_2024_is_above_target_with_1814_left():
    coverage = Coverage(279_871, 278_057, TARGET)
    assert coverage.percent == Decimal("99.35")
    assert coverage.meets_target is True
    assert coverage.remaining == 1_814
    assert coverage.needed_for_target == 0
    # 98.07 % of 279,871 is 274,469.5: the target asks for 274,470 recordings.
    assert coverage.target_count == 274_470
    assert coverage.above_target_by == 3_587


def test_below_target_says_how_many_more_recordings_it_needs():
    coverage = Coverage(10_000, 9_700, TARGET)
    assert coverage.percent == Decimal("97.00")
    assert coverage.meets_target is False
    assert coverage.needed_for_target == 107  # 9,807 − 9,700
    assert coverage.above_target_by == 0
    assert coverage.remaining == 300


def test_a_share_that_rounds_to_the_target_but_is_below_it_is_below():
    coverage = Coverage(100_000, 98_069, TARGET)
    assert coverage.percent == Decimal("98.07")  # 98.069 shown as 98,07
    assert coverage.meets_target is False
    assert coverage.needed_for_target == 1


def test_zero_wajib_ktp_gives_no_share_and_no_crash():
    coverage = Coverage(0, 0, TARGET)
    assert coverage.percent is None
    assert coverage.meets_target is None
    assert coverage.remaining == 0
    assert coverage.needed_for_target == 0


def test_more_recorded_than_wajib_ktp_leaves_nobody_to_record():
    coverage = Coverage(131_103 * 100 // 105, 131_103, TARGET)  # Mukomuko 2020: 104.8 %
    assert coverage.percent > 100
    assert coverage.remaining == 0


@pytest.mark.parametrize(
    ("recorded", "wajib", "expected"),
    [(1, 800, "0.13"), (2, 3, "66.67"), (1, 6, "16.67"), (278_361, 280_158, "99.36")],
)
def test_share_rounds_half_up_to_two_decimals(recorded, wajib, expected):
    assert share(recorded, wajib) == Decimal(expected)


@given(
    wajib=st.integers(min_value=1, max_value=5_000_000),
    fraction=st.floats(min_value=0, max_value=1.1),
    target=st.decimals(min_value=0, max_value=100, places=2),
)
def test_the_target_is_met_exactly_when_no_more_recordings_are_needed(wajib, fraction, target):
    coverage = Coverage(wajib, int(wajib * fraction), target)
    assert coverage.meets_target == (coverage.needed_for_target == 0)
    assert coverage.remaining + min(coverage.recorded, wajib) == wajib


def test_check_figures_refuses_zero_wajib_and_a_slip_of_the_keyboard():
    check_figures(279_871, 278_057)
    with pytest.raises(Invalid):
        check_figures(0, 0)
    with pytest.raises(Invalid):
        check_figures(28_000, 278_057)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 5, 31), date(2026, 2, 28)),
        (date(2026, 2, 15), date(2025, 11, 15)),
        (date(2024, 5, 31), date(2024, 2, 29)),
        (date(2026, 1, 31), date(2025, 10, 31)),
    ],
)
def test_months_before_keeps_the_day_or_takes_the_last_of_a_shorter_month(day, expected):
    assert months_before(day, 3) == expected


def test_projection_at_the_pace_of_the_last_three_months():
    figures = [
        Figure(date(2026, 3, 31), 283_000, 282_000),  # older than three months: not the base
        Figure(date(2026, 7, 31), 283_900, 283_300),  # 600 left
        Figure(date(2026, 9, 30), 284_100, 283_640),  # 460 left
        Figure(date(2026, 10, 31), 284_300, 283_900),  # 400 left
    ]
    projection = project(figures, target=TARGET, year_end=YEAR_END)
    assert projection.outlook is Outlook.ESTIMATE
    assert projection.since == figures[1]
    # 200 fewer left in 92 days; 400 left → 184 more days after 31 October.
    assert projection.finish_on == date(2027, 5, 3)
    assert projection.per_month == pytest.approx(200 / 92 * 30)
    assert projection.by_year_end is False
    assert projection.target_on is None  # already met


def test_projection_before_the_year_end_and_the_day_the_target_is_reached():
    figures = [Figure(date(2026, 8, 1), 10_000, 9_700), Figure(date(2026, 9, 1), 10_000, 9_790)]
    projection = project(figures, target=TARGET, year_end=YEAR_END)
    # 90 more recorded in 31 days; 210 left → 73 days; 17 more for the target → 6 days.
    assert projection.finish_on == date(2026, 11, 13)
    assert projection.by_year_end is True
    assert projection.target_on == date(2026, 9, 7)


def test_no_recent_progress_gives_no_estimate_rather_than_a_crash():
    figures = [
        Figure(date(2026, 8, 31), 284_000, 283_500),
        Figure(date(2026, 9, 30), 284_160, 283_660),
    ]
    projection = project(figures, target=TARGET, year_end=YEAR_END)
    assert projection.outlook is Outlook.NO_PROGRESS
    assert projection.finish_on is None and projection.by_year_end is None


def test_the_number_left_growing_is_no_progress_either():
    figures = [
        Figure(date(2026, 8, 31), 284_000, 283_600),
        Figure(date(2026, 9, 30), 284_300, 283_700),
    ]
    assert project(figures, target=TARGET, year_end=YEAR_END).outlook is Outlook.NO_PROGRESS


@pytest.mark.parametrize(
    "figures",
    [
        [],
        [Figure(date(2024, 8, 4), 279_871, 278_057)],
        [Figure(date(2024, 8, 4), 279_871, 278_057), Figure(date(2025, 7, 31), 281_968, 281_760)],
    ],
)
def test_without_an_earlier_figure_in_the_last_three_months_there_is_no_estimate(figures):
    assert project(figures, target=TARGET, year_end=YEAR_END).outlook is Outlook.NO_HISTORY


def test_everyone_recorded_is_done_and_before_the_year_end():
    projection = project(
        [Figure(date(2026, 9, 30), 1_000, 1_020)], target=TARGET, year_end=YEAR_END
    )
    assert projection.outlook is Outlook.DONE
    assert projection.by_year_end is True


def test_a_pace_that_would_take_more_than_fifty_years_is_no_estimate():
    figures = [
        Figure(date(2026, 7, 1), 300_000, 200_000),
        Figure(date(2026, 10, 1), 300_000, 200_001),
    ]
    projection = project(figures, target=TARGET, year_end=YEAR_END)
    assert projection.outlook is Outlook.TOO_SLOW
    assert projection.finish_on is None
