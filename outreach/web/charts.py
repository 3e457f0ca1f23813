"""Charts drawn on the server as SVG: the geometry of a line over time against a target, and of
bars per month. Labels come in formatted; templates/_charts.html draws what this computes.
No script and no CDN: a chart is an image with its numbers in a table beside it."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

WIDE, NARROW = (640, 260), (360, 240)
_STEPS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100)
_MARGIN = {"left": 66, "right": 14, "top": 16, "bottom": 34}


@dataclass(frozen=True)
class Tick:
    at: float  # x or y in user units
    label: str


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    label: str  # what a pointer over it says: "4 Agu 2024: 99,35 %"


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: str  # shown above the bar ("" for none)
    label: str  # under the bar ("" when there is no room for every bar's)
    sublabel: str  # under the label (the year, at January and the first bar named)
    title: str  # what a pointer over it says


@dataclass(frozen=True)
class Frame:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...] = ()


@dataclass(frozen=True)
class LineChart:
    frame: Frame
    marks: tuple[Mark, ...]
    path: str  # the polyline's points
    target_y: float | None
    target_label: str


@dataclass(frozen=True)
class BarChart:
    frame: Frame
    bars: tuple[Bar, ...]


def nice_range(low: float, high: float, *, ticks: int = 5) -> tuple[float, float, float]:
    """(low, high, step): bounds on round numbers, about ``ticks`` intervals between them."""
    if high < low:
        low, high = high, low
    if math.isclose(low, high):
        low, high = low - 1, high + 1
    step = next((s for s in _STEPS if (high - low) / s <= ticks), _STEPS[-1])
    while (high - low) / step > ticks:
        step *= 2
    return math.floor(low / step + 1e-9) * step, math.ceil(high / step - 1e-9) * step, step


def _frame(size: tuple[int, int], low: float, high: float, step: float, y_label) -> Frame:
    width, height = size
    left, top = _MARGIN["left"], _MARGIN["top"]
    right, bottom = width - _MARGIN["right"], height - _MARGIN["bottom"]
    count = round((high - low) / step)
    ticks = tuple(
        Tick(bottom - (bottom - top) * i / count, y_label(low + i * step)) for i in range(count + 1)
    )
    return Frame(width, height, left, right, top, bottom, ticks)


def line_chart(
    points: Sequence[tuple[date, float]],
    *,
    target: float | None,
    size: tuple[int, int] = WIDE,
    y_label: Callable[[float], str],
    x_label: Callable[[date, int], str],  # (day, span in days) → "Agu 2024"
    mark_label: Callable[[date, float], str],
    target_label: str = "",
) -> LineChart | None:
    """A line through ``points`` on a time axis, with ``target`` as a level line. None
    without points."""
    if not points:
        return None
    values = [value for _day, value in points] + ([target] if target is not None else [])
    low, high, step = nice_range(min(values), max(values))
    frame = _frame(size, low, high, step, y_label)
    first, last = points[0][0], points[-1][0]
    span = (last - first).days

    def x_of(day: date) -> float:
        if span == 0:
            return (frame.left + frame.right) / 2
        return frame.left + (frame.right - frame.left) * (day - first).days / span

    def y_of(value: float) -> float:
        return frame.bottom - (frame.bottom - frame.top) * (value - low) / (high - low)

    count = 1 if span == 0 else 3 if size[0] < 480 else 5
    x_days = sorted({first.toordinal() + round(span * i / max(1, count - 1)) for i in range(count)})
    x_ticks = tuple(
        Tick(x_of(date.fromordinal(day)), x_label(date.fromordinal(day), span)) for day in x_days
    )
    marks = tuple(Mark(x_of(day), y_of(value), mark_label(day, value)) for day, value in points)
    return LineChart(
        frame=replace(frame, x_ticks=x_ticks),
        marks=marks,
        path=" ".join(f"{m.x:.1f},{m.y:.1f}" for m in marks),
        target_y=y_of(target) if target is not None else None,
        target_label=target_label,
    )


def bar_chart(
    values: Sequence[tuple[str, str, int]],
    *,
    size: tuple[int, int] = WIDE,
    y_label: Callable[[float], str],
    value_label: Callable[[int], str],
) -> BarChart:
    """One bar per (label, sublabel, value), from zero."""
    top_value = max([value for _l, _s, value in values] + [4])  # counts: steps of 1 or more
    _low, high, step = nice_range(0, top_value, ticks=4)
    frame = _frame(size, 0, high, step, y_label)
    slot = (frame.right - frame.left) / max(1, len(values))
    every = 1 if slot >= 34 else 2  # narrow bars: every other month named, the latest always
    bars, year = [], ""
    for index, (label, sublabel, value) in enumerate(values):
        named = (len(values) - 1 - index) % every == 0
        year = sublabel or year  # a year not shown under its own bar goes to the next named
        shown_year, year = (year, "") if named else ("", year)
        height = (frame.bottom - frame.top) * value / high
        bars.append(
            Bar(
                x=frame.left + slot * index + slot * 0.15,
                y=frame.bottom - height,
                width=slot * 0.7,
                height=height,
                value=value_label(value) if value else "",
                label=label if named else "",
                sublabel=shown_year,
                title=f"{label} {sublabel}".strip() + f": {value_label(value) or value}",
            )
        )
    return BarChart(frame, tuple(bars))
