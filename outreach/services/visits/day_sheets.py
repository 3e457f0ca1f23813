"""A team's day filled in as a spreadsheet and uploaded: each row's visit found on the sheet's
team and day, its outcome checked as the outcome form checks it (``check``, the web's) and by the
outcome services' own rules, and every row to save saved together, each visit once — a visit
with the same outcome already is unchanged, one that can no longer take it is a wrong row."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from outreach.domain.problems import N_, Invalid
from outreach.errors import DomainError
from outreach.i18n import long_date
from outreach.models import (
    SentProblem,
    Team,
    Visit,
    VisitKind,
)
from outreach.scheduling.lifecycle import Action
from outreach.services.audit import record_event
from outreach.services.importing import Tally
from outreach.services.visits.changes import Who, expect_allowed
from outreach.services.visits.sent import (
    FIELDS,
    expect_sound,
    record_values,
    same_as_recorded,
    was_team_visit,
    why_not_saved,
    why_text,
)

SAVE, SAME, EMPTY, INVALID = "save", "same", "empty", "invalid"
STATES = (SAVE, SAME, EMPTY, INVALID)
VISIT = "visit"  # the field of the visit number, beside the outcome's FIELDS
CELLS = tuple(dict.fromkeys(FIELDS[VisitKind.SCHOOL] + FIELDS[VisitKind.HOME]))
ROWS_MAX = 500  # far more than a team's day: a larger file is not a day sheet
_DIGITS = frozenset("0123456789")

# (visit, the row's outcome cells by field) → (the checked values, or None; messages by field)
Check = Callable[[Visit, dict[str, str]], tuple[dict | None, dict[str, list]]]

ASK_THE_COORDINATOR = _l("Nothing can be saved on it from this sheet: ask the coordinator.")
DIFFERS = _l("It differs from this row: ask the coordinator to correct it.")
FOR_SCHOOLS = _l("Leave this cell empty: it is for school visits.")
FOR_HOMES = _l("Leave this cell empty: it is for home visits.")


@dataclass(frozen=True)
class SheetRow:
    """One row of an uploaded sheet: its number in the file, its visit number cell and its
    outcome cells (CELLS) as text, "" when empty."""

    number: int
    visit: str
    cells: dict[str, str]


@dataclass
class RowState:
    row: SheetRow
    visit: Visit | None = None
    state: str = INVALID
    values: dict | None = None  # the checked outcome, for SAVE and SAME
    problems: list[tuple[str, str]] = field(default_factory=list)  # (field, message)

    def problem(self, name: str, message) -> None:
        self.problems.append((name, str(message)))


@dataclass
class DayUpload(Tally):
    STATES: ClassVar[tuple[str, ...]] = STATES
    team: Team
    day: date
    rows: list[RowState]

    @property
    def ok(self) -> bool:
        return not self.counts[INVALID]

    @property
    def can_save(self) -> bool:
        return self.ok and bool(self.counts[SAVE])

    @property
    def fingerprint(self) -> str:
        """What the preview showed: each row's state and its visit's version. A visit changed
        since (an outcome recorded meanwhile) changes it, and nothing is saved unseen."""
        digest = hashlib.sha256(f"{self.team.id}\t{self.day}\n".encode())
        for row in self.rows:
            visit = f"{row.visit.id}:{row.visit.version}" if row.visit is not None else "-"
            digest.update(f"{row.row.number}\t{row.state}\t{visit}\n".encode())
        return digest.hexdigest()


class RowRefused(DomainError):
    """A row the services refused while saving (the visit changed since the preview)."""

    def __init__(self, row: RowState, error: DomainError):
        super().__init__(
            _l("Row %(row)d: %(reason)s", row=row.row.number, reason=str(error.message)),
            field=error.field,
        )


def analyse_day_sheet(
    session: Session,
    rows: Sequence[SheetRow],
    *,
    team: Team,
    day: date,
    today: date,
    check: Check,
) -> DayUpload:
    """What saving the rows would do, row by row (Invalid for a file too long for a day)."""
    if len(rows) > ROWS_MAX:
        raise Invalid(
            N_("A team's day has far fewer rows: upload the sheet downloaded for that day.")
        )
    states = [RowState(row) for row in rows]
    ids = {_number(row.visit) for row in rows} - {None}
    visits = {
        visit.id: visit
        for visit in session.scalars(
            select(Visit)
            .options(joinedload(Visit.school), joinedload(Visit.resident))
            .where(Visit.id.in_(ids))
        )
    }
    for state in states:
        _find(session, state, visits, team=team, day=day)
    _refuse_repeats(states)
    for state in states:
        if state.visit is not None and not state.problems:
            _judge(session, state, team=team, today=today, check=check)
        if state.problems:
            state.state, state.values = INVALID, None
    return DayUpload(team, day, states)


def _number(text: str) -> int | None:
    return int(text) if text and len(text) <= 10 and set(text) <= _DIGITS else None


def _find(session: Session, state: RowState, visits: dict, *, team: Team, day: date) -> None:
    """The row's visit, when it is one of the team's day (or was, before it was given away)."""
    row = state.row
    if not row.visit:
        if any(row.cells.get(name) for name in CELLS):
            state.problem(
                VISIT, _l("The visit number is missing: copy the row from the downloaded sheet.")
            )
        else:
            state.state = EMPTY
        return
    visit = visits.get(_number(row.visit))
    if visit is None or (
        visit.team_id != team.id and not was_team_visit(session, visit, team.id)
    ):  # another team's visit is no more known here than a number no visit has
        state.problem(
            VISIT,
            _l("No visit of this team has this number. Do not change the visit numbers."),
        )
        return
    state.visit = visit
    if visit.visit_on != day:
        state.problem(
            VISIT,
            _l(
                "This visit is on %(date)s: upload it with that day's sheet.",
                date=long_date(visit.visit_on),
            ),
        )


def _refuse_repeats(states: list[RowState]) -> None:
    rows_of: dict[int, list[RowState]] = defaultdict(list)
    for state in states:
        if state.visit is not None:
            rows_of[state.visit.id].append(state)
    for repeated in rows_of.values():
        if len(repeated) > 1:
            numbers = ", ".join(str(state.row.number) for state in repeated)
            for state in repeated:
                state.problem(
                    VISIT,
                    _l("This visit is in rows %(rows)s: keep one row for it.", rows=numbers),
                )


def _judge(session: Session, state: RowState, *, team: Team, today: date, check: Check) -> None:
    """A found row's state: not filled, saved, unchanged, or what keeps it from being saved."""
    visit, cells = state.visit, state.row.cells
    others = FOR_HOMES if visit.kind is VisitKind.SCHOOL else FOR_SCHOOLS
    for name in CELLS:
        if cells.get(name) and name not in FIELDS[visit.kind]:
            state.problem(name, others)
    if not any(cells.get(name) for name in FIELDS[visit.kind]):
        if not state.problems:
            state.state = EMPTY
        return
    why = why_not_saved(session, visit, today, team_id=team.id)
    if why not in (None, SentProblem.RECORDED_ALREADY):
        state.problem(VISIT, f"{why_text(session, visit, why)} {ASK_THE_COORDINATOR}")
        return
    values, errors = check(visit, cells)
    for name, messages in errors.items():
        for message in messages:
            state.problem(name, message)
    if values is None or state.problems:
        return
    try:
        expect_sound(visit, values)
        if why is None:
            expect_allowed(visit, Action.RECORD_OUTCOME, today)
    except DomainError as error:
        state.problem(error.field or VISIT, error.message)
        return
    state.values = values
    if why is None:
        state.state = SAVE
    elif same_as_recorded(visit, values):
        state.state = SAME
    else:
        state.problem(VISIT, f"{why_text(session, visit, SentProblem.RECORDED_ALREADY)} {DIFFERS}")


def save_day_sheet(
    session: Session, upload: DayUpload, *, who: Who, now: datetime, today: date, source: str
) -> int:
    """Record every row to save, through the outcome services, and the upload in the audit
    log; how many were saved. Refused, and nothing meant to be kept, while any row is wrong;
    RowRefused when the services refuse a row (the caller rolls everything back)."""
    if not upload.can_save:
        raise DomainError(_l("There is nothing to save from this file."))
    saving = upload.with_state(SAVE)
    for state in saving:
        try:
            record_values(session, state.visit, state.values, now=now, today=today, who=who)
        except DomainError as error:
            raise RowRefused(state, error) from None
    counts = upload.counts
    record_event(
        session,
        now=now,
        actor=who.actor,
        action="visit.sheet_upload",
        entity=upload.team,
        changes={
            "visit_on": upload.day.isoformat(),
            "source": source[:200],
            "saved": counts[SAVE],
            "unchanged": counts[SAME],
            "not_filled": counts[EMPTY],
        },
    )
    return len(saving)
