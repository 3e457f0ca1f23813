"""The geometry of the server-drawn charts."""

from datetime import date

import pytest

from outreach.web.charts import NARROW, WIDE, bar_chart, line_chart, nice_range


@pytest.mark.parametrize(
    ("low", "high"),
    [(98.07, 99.93), (0, 4573), (97.8, 100), (5, 5), (0, 1)],
)
def test_nice_range_covers_the_values_in_a_few_round_steps(low, high):
    bottom, top, step = nice_range(low, high)
    assert bottom <= low and top >= high
    assert 1 <= round((top - bottom) / step) <= 5
    assert round(bottom / step, 6).is_integer()


def _line(points, target=98.07, size=WIDE):
    return line_chart(
        points,
        target=target,
        size=size,
        y_label=lambda value: f"{value:.2f}",
        x_label=lambda day, span: day.isoformat(),
        mark_label=lambda day, value: f"{day}: {value}",
        target_label="Target",
    )


def test_a_line_chart_keeps_every_point_and_the_target_inside_its_frame():
    points = [(date(2024, 8, 4), 99.35), (date(2024, 8, 25), 99.36), (date(2025, 7, 31), 99.93)]
    for size in (WIDE, NARROW):
        chart = _line(points, size=size)
        frame = chart.frame
        assert [mark.x for mark in chart.marks] == sorted(mark.x for mark in chart.marks)
        assert chart.marks[0].x == frame.left and chart.marks[-1].x == frame.right
        for mark in chart.marks:
            assert frame.top <= mark.y <= frame.bottom
        assert frame.top <= chart.target_y <= frame.bottom
        assert chart.marks[-1].y < chart.target_y  # above the target line: higher up
        assert chart.marks[0].label == "2024-08-04: 99.35"
    assert len(_line(points, size=NARROW).frame.x_ticks) < len(_line(points).frame.x_ticks)


def test_one_point_is_drawn_in_the_middle_and_no_points_no_chart():
    chart = _line([(date(2024, 8, 4), 99.35)])
    assert chart.marks[0].x == (chart.frame.left + chart.frame.right) / 2
    assert _line([]) is None


def test_bars_are_as_tall_as_their_values_and_empty_months_have_no_number():
    chart = bar_chart(
        [("Okt", "2026", 4000), ("Nov", "", 2000), ("Des", "", 0)],
        y_label=str,
        value_label=str,
    )
    tall, half, empty = chart.bars
    assert tall.height == pytest.approx(2 * half.height)
    assert empty.height == 0 and empty.value == ""
    assert tall.y + tall.height == pytest.approx(chart.frame.bottom)
    assert tall.y >= chart.frame.top
    assert (tall.value, tall.label, tall.sublabel) == ("4000", "Okt", "2026")


def test_narrow_bars_name_every_other_month_ending_with_the_latest_and_keep_the_year():
    months = ["Des", "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov"]
    values = [
        (m, "2025" if i == 0 else "2026" if m == "Jan" else "", i) for i, m in enumerate(months)
    ]
    narrow = bar_chart(values, size=NARROW, y_label=str, value_label=lambda value: "")
    assert [bar.label for bar in narrow.bars] == [
        "", "Jan", "", "Mar", "", "Mei", "", "Jul", "", "Sep", "", "Nov",
    ]  # fmt: skip
    assert narrow.bars[1].sublabel == "2026"  # the first month named shows its year
    assert narrow.bars[0].title == "Des 2025: 0"
    wide = bar_chart(values, size=WIDE, y_label=str, value_label=str)
    assert all(bar.label for bar in wide.bars) and wide.bars[0].sublabel == "2025"
