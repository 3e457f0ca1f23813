"""The coordinator's dashboard: the overview's figures turned into charts, in the user's
language, each drawn wide (desktop) and narrow (phone)."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _

from outreach.i18n import month_name, number, percent, short_date, short_month
from outreach.services.overview import CoverageCard, MonthRecordings
from outreach.web.charts import NARROW, WIDE, BarChart, LineChart, bar_chart, line_chart


def _percent_tick(value: float) -> str:
    return percent(Decimal(str(round(value, 2)))).replace(",00", "")


def coverage_charts(card: CoverageCard) -> dict[str, LineChart | None]:
    """The city's coverage over time against the target line."""
    exact = {figure.as_of: figure.percent for figure in card.history if figure.wajib_ktp > 0}
    points = [(day, float(value)) for day, value in exact.items()]
    return {
        name: line_chart(
            points,
            target=float(card.target),
            size=size,
            y_label=_percent_tick,
            x_label=lambda day, span: short_date(day) if span < 120 else short_month(day),
            mark_label=lambda day, _value: f"{short_date(day)}: {percent(exact[day])}",
            target_label=_("Target %(percent)s", percent=percent(card.target)),
        )
        for name, size in (("wide", WIDE), ("narrow", NARROW))
    }


def recordings_charts(months: list[MonthRecordings]) -> dict[str, BarChart]:
    """Students recorded through outreach, one bar per month."""
    values = [
        (
            month_name(row.month).split()[0][:3],
            str(row.month.year) if index == 0 or row.month.month == 1 else "",
            row.students_recorded,
        )
        for index, row in enumerate(months)
    ]
    return {
        name: bar_chart(
            values,
            size=size,
            y_label=lambda value: number(int(value)),
            # On a phone the bars are too narrow for their numbers: the table has them.
            value_label=(lambda value: number(value)) if size == WIDE else (lambda value: ""),
        )
        for name, size in (("wide", WIDE), ("narrow", NARROW))
    }
