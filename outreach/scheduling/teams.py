"""Field teams as the planners see them, which teams may serve an area, and team-day loads."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from outreach.scheduling.routes import Point


@dataclass(frozen=True)
class TeamSpec:
    id: int
    kecamatan_codes: frozenset[str] = frozenset()
    school_visits_per_day: int = 2
    home_visits_per_day: int = 6
    start: Point | None = None  # where the team sets out each day


def regency_of(kecamatan_code: str) -> str:
    """ "17.71.01" → "17.71": the regency or city (kabupaten/kota) a kecamatan lies in."""
    return kecamatan_code.rsplit(".", 1)[0]


class TeamChooser:
    """Which teams may serve a kecamatan: first the teams covering it, then the other teams of
    its regency or city and the teams that cover no kecamatan (they go anywhere).

    A team never crosses into another regency: at national scale, a team in Kota Bengkulu is
    not a fallback for a school in Papua, and the fallback list stays short.
    """

    def __init__(self, teams: Iterable[TeamSpec], capacity: Callable[[TeamSpec], int]):
        self._covering: dict[str, list[TeamSpec]] = defaultdict(list)
        self._by_regency: dict[str, list[TeamSpec]] = defaultdict(list)
        self._floating: list[TeamSpec] = []
        for team in sorted(teams, key=lambda t: t.id):
            if capacity(team) <= 0:
                continue
            if not team.kecamatan_codes:
                self._floating.append(team)
            for code in sorted(team.kecamatan_codes):
                self._covering[code].append(team)
            for regency in sorted({regency_of(code) for code in team.kecamatan_codes}):
                self._by_regency[regency].append(team)
        self._cache: dict[str, tuple[list[TeamSpec], list[TeamSpec]]] = {}

    def for_kecamatan(self, code: str) -> tuple[list[TeamSpec], list[TeamSpec]]:
        """(covering teams, fallback teams), each in id order."""
        found = self._cache.get(code)
        if found is None:
            covering = self._covering.get(code, [])
            taken = {team.id for team in covering}
            fallback = [
                team
                for team in self._by_regency.get(regency_of(code), []) + self._floating
                if team.id not in taken
            ]
            found = self._cache[code] = (covering, list(dict.fromkeys(fallback)))
        return found


@dataclass(frozen=True)
class Booking:
    """A visit already on a team's day: it uses that day's capacity."""

    team_id: int
    on: date
