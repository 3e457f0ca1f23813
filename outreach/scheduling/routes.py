"""Short routes for a day of home visits: nearest neighbour on great-circle distance."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from math import asin, cos, radians, sin, sqrt

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Point:
    lat: float
    lng: float


def distance_km(a: Point, b: Point) -> float:
    """Great-circle (haversine) distance; plenty for stops a few kilometres apart."""
    lat1, lng1, lat2, lng2 = map(radians, (a.lat, a.lng, b.lat, b.lng))
    h = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lng2 - lng1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(h)))


@dataclass(frozen=True)
class Stop:
    key: Hashable  # what the caller orders (a resident's id); ties are broken by it
    point: Point | None  # None: no coordinates at all, visited last in the given order


def order_route(stops: Sequence[Stop], start: Point | None) -> list[Hashable]:
    """The stops' keys in visiting order: from ``start`` (or the first located stop) always to
    the nearest stop not yet visited; stops without a point go last, in the order given.

    Deterministic: equal distances are decided by the order of the stops as given.
    """
    located = [stop for stop in stops if stop.point is not None]
    unlocated = [stop.key for stop in stops if stop.point is None]
    order: list[Hashable] = []
    if not located:
        return unlocated
    here = start
    if here is None:
        first = located.pop(0)
        order.append(first.key)
        here = first.point
    while located:
        best = min(range(len(located)), key=lambda i: (distance_km(here, located[i].point), i))
        stop = located.pop(best)
        order.append(stop.key)
        here = stop.point
    return order + unlocated


def route_length_km(points: Sequence[Point], start: Point | None = None) -> float:
    """Length of the path through ``points`` in order, from ``start`` when given."""
    path = ([start] if start is not None else []) + list(points)
    return sum(distance_km(a, b) for a, b in zip(path, path[1:], strict=False))
