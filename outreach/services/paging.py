"""One page of a list, counted and sliced in SQL."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Page:
    items: list[Any]
    total: int
    number: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_index(self) -> int:
        """1-based position of the first item shown (0 for an empty list)."""
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def last_index(self) -> int:
        return self.first_index + len(self.items) - 1 if self.items else 0

    def window(self, around: int = 2) -> list[int | None]:
        """Page numbers to offer: first, last and a few around this one; None is a gap."""
        wanted = {1, self.pages} | set(range(self.number - around, self.number + around + 1))
        numbers = sorted(n for n in wanted if 1 <= n <= self.pages)
        shown: list[int | None] = []
        for n in numbers:
            if shown and n - shown[-1] > 1:
                shown.append(None)
            shown.append(n)
        return shown


def paginate(
    session: Session,
    query: Select,
    *,
    page: int,
    per_page: int,
    count: Select | None = None,
    total: int | None = None,
) -> Page:
    """Count the rows ``query`` selects and fetch page ``page`` (clamped to the last page).
    ``count``: the same rows selected more cheaply (without joins that only sort or load);
    ``total``: their number, when the caller knows it already (from counts it shows)."""
    if total is None:
        total, number = _count(session, count if count is not None else query, page, per_page)
    else:
        number = _clamped(page, total, per_page)
    items = list(session.scalars(query.limit(per_page).offset((number - 1) * per_page)))
    return Page(items, total, number, per_page)


def paginate_by_key(
    session: Session,
    keys: Select,
    load: Callable[[list], Iterable],
    *,
    page: int,
    per_page: int,
    total: int | None = None,
) -> Page:
    """Like :func:`paginate` for a query selecting only each row's key (its filters and order,
    no joins for loading): the page's keys are found first, then ``load(keys)`` fetches those
    rows with whatever they show. A deep page then walks an index instead of joining every row
    it skips."""
    if total is None:
        total, number = _count(session, keys, page, per_page)
    else:
        number = _clamped(page, total, per_page)
    wanted = list(session.scalars(keys.limit(per_page).offset((number - 1) * per_page)))
    found = {item.id: item for item in load(wanted)}  # also when empty: a constant count
    return Page([found[key] for key in wanted], total, number, per_page)


def _count(session: Session, query: Select, page: int, per_page: int) -> tuple[int, int]:
    """How many rows ``query`` selects, and ``page`` clamped to the pages they fill."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    return total, _clamped(page, total, per_page)


def _clamped(page: int, total: int, per_page: int) -> int:
    return min(max(1, page), max(1, -(-total // per_page)))


def contains_pattern(text: str) -> str:
    """A LIKE pattern (escape character \\) matching ``text`` anywhere, its % and _ literal."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
