"""The demo's clock: what the office's people did, in the order they did it, each at its own
moment before the demo is made — so a history reads as it would in a real office, and nothing
is dated after now."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from outreach.i18n import office_zone
from outreach.scheduling.calendar import WorkingCalendar


@dataclass(order=True)
class _Step:
    at: datetime
    order: int
    do: Callable[[datetime], None] = field(compare=False)


class Timeline:
    """Steps run in time order; a step may plan later ones. A step due at or after ``now`` has
    not happened yet, so it is left out: the demo shows a day in progress."""

    def __init__(self, now: datetime, calendar: WorkingCalendar):
        self.now = now
        self.calendar = calendar
        self._steps: list[_Step] = []
        self._order = itertools.count()

    def at(self, when: datetime, do: Callable[[datetime], None]) -> None:
        if when < self.now:
            heapq.heappush(self._steps, _Step(when, next(self._order), do))

    def run(self) -> None:
        while self._steps:
            step = heapq.heappop(self._steps)
            step.do(step.at)

    def working_day_before(self, day: date, days: int = 1) -> date:
        """The ``days``-th working day before ``day``."""
        for _ in range(days):
            day -= timedelta(days=1)
            while not self.calendar.is_working_day(day):
                day -= timedelta(days=1)
        return day

    def working_day_after(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.calendar.is_working_day(day):
            day += timedelta(days=1)
        return day


def moment(day: date, hour: int, minutes: int = 0) -> datetime:
    """``day`` at ``hour`` o'clock and ``minutes`` more, the office's time."""
    return datetime.combine(day, time(hour), office_zone()) + timedelta(minutes=minutes)
