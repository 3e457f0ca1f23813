"""Outcomes sent from an officer's phone (its offline queue, or the form sent by the page's
script): each comes with an id the phone made, and is taken once — a replay answers with the
first receipt and records nothing. The outcome is saved by the same services as the form's,
after the form's own checks in the view. When the visit can no longer take it — the
coordinator moved or cancelled it, gave it to another team, or an outcome was recorded
meanwhile — nothing is saved on the visit: what the officer entered is kept here for the
coordinator, and the officer is told why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from outreach.errors import Conflict, DomainError
from outreach.i18n import long_date
from outreach.models import (
    AuditEvent,
    DisabilityKind,
    HomeOutcome,
    ResidentStatus,
    SentOutcome,
    SentProblem,
    SentState,
    Visit,
    VisitKind,
    VisitStatus,
)
from outreach.scheduling.lifecycle import Action, Refusal, refusal
from outreach.services.audit import record_event
from outreach.services.visits.changes import Who, clean_reason, state_of
from outreach.services.visits.outcomes import (
    SchoolOutcome,
    home_notes,
    record_home_outcome,
    record_school_outcome,
    school_figures,
)
from outreach.services.visits.queries import successor_of

# The fields of each kind's outcome, as the outcome form names them.
FIELDS = {
    VisitKind.SCHOOL: ("recorded", "not_recorded", "reason", "notes"),
    VisitKind.HOME: ("outcome", "notes", "disability"),
}


@dataclass(frozen=True)
class Sent:
    """An outcome as the phone sent it, its fields checked by the outcome form."""

    client_id: str
    values: dict[str, Any]  # FIELDS of the visit's kind
    made_at: datetime | None = None  # by the phone's clock: shown, never trusted


@dataclass(frozen=True)
class Receipt:
    row: SentOutcome
    again: bool = False  # this id had been received before: nothing new was done
    resident_after: ResidentStatus | None = None  # a home visit's resident, once saved


class SentByAnother(Conflict):
    def __init__(self):
        super().__init__(_l("This outcome was sent from another account."))


def find_sent(session: Session, client_id: str) -> SentOutcome | None:
    return session.scalar(select(SentOutcome).where(SentOutcome.client_id == client_id))


def was_team_visit(session: Session, visit: Visit, team_id: int) -> bool:
    """Whether the visit was given away from ``team_id`` (a reassignment): its officers
    had it on their phones, so what they send for it is kept, not refused as unknown."""
    events = session.scalars(
        select(AuditEvent.changes).where(
            AuditEvent.entity_type == "Visit",
            AuditEvent.entity_id == str(visit.id),
            AuditEvent.action == "visit.reassign",
        )
    )
    return any((changes or {}).get("team_id", [None])[0] == team_id for changes in events)


def why_not_saved(
    session: Session, visit: Visit, today: date, *, team_id: int | None
) -> SentProblem | None:
    """Why the visit cannot take an outcome now (None: it can). ``team_id``: the officer's
    team, whose visits they record (None for a coordinator, who records any). A visit moved
    to another team's day was given away too: its new day is not this officer's to learn."""
    problem = _why_not_saved(visit, today, team_id=team_id)
    if problem is SentProblem.MOVED and team_id is not None:
        later = moved_to(session, visit)
        if later is not None and later.team_id != team_id:
            return SentProblem.OTHER_TEAM
    return problem


def _why_not_saved(visit: Visit, today: date, *, team_id: int | None) -> SentProblem | None:
    if team_id is not None and visit.team_id != team_id:
        # First: what became of another team's visit is not this officer's to learn.
        return SentProblem.OTHER_TEAM
    if visit.status is VisitStatus.MOVED:
        return SentProblem.MOVED
    if visit.status is VisitStatus.CANCELLED:
        return SentProblem.CANCELLED
    if visit.status is VisitStatus.COMPLETED:
        return SentProblem.RECORDED_ALREADY
    if refusal(state_of(visit), Action.RECORD_OUTCOME, today) is Refusal.DAY_NOT_COME:
        return SentProblem.DAY_NOT_COME
    return None


def receive_outcome(
    session: Session,
    visit: Visit,
    sent: Sent,
    *,
    who: Who,
    team_id: int | None,
    now: datetime,
    today: date,
) -> Receipt:
    """Take an outcome sent from a phone, once: saved on the visit, found the same as the one
    recorded, or kept for the coordinator with the reason. A refusal of the outcome itself
    (a reason missing) raises DomainError on its field, and nothing is written."""
    before = find_sent(session, sent.client_id)
    if before is not None:
        if before.user_id != who.user.id:
            raise SentByAnother()
        return Receipt(before, again=True)
    values = {name: sent.values.get(name) for name in FIELDS[visit.kind]}
    problem = why_not_saved(session, visit, today, team_id=team_id)
    resident_after = None
    if problem is None:
        resident_after = record_values(session, visit, values, now=now, today=today, who=who)
        state, kept = SentState.RECORDED, None
    elif problem is SentProblem.RECORDED_ALREADY and same_as_recorded(visit, values):
        state, kept = SentState.SAME, None
    else:
        expect_sound(visit, values)
        _expect_room_to_keep(session, visit, who)
        state, kept = SentState.KEPT, values
    row = SentOutcome(
        client_id=sent.client_id,
        visit_id=visit.id,
        user_id=who.user.id,
        kind=visit.kind,
        state=state,
        problem=problem if state is SentState.KEPT else None,
        values=kept,
        made_at=sent.made_at,
        received_at=now,
    )
    session.add(row)
    session.flush()
    if state is SentState.KEPT:
        record_event(
            session,
            now=now,
            actor=who.actor,
            action="visit.outcome_kept",
            entity=visit,
            changes={"problem": problem.value},
        )
    return Receipt(row, resident_after=resident_after)


# Outcomes one account may have kept for one visit: a phone sends each once, so more is a
# script filling the coordinator's list.
KEPT_PER_VISIT = 3


def _expect_room_to_keep(session: Session, visit: Visit, who: Who) -> None:
    kept = session.scalar(
        select(func.count())
        .select_from(SentOutcome)
        .where(
            SentOutcome.visit_id == visit.id,
            SentOutcome.user_id == who.user.id,
            SentOutcome.state.in_([SentState.KEPT, SentState.RESOLVED]),
        )
    )
    if kept >= KEPT_PER_VISIT:
        raise DomainError(
            _l("This visit's outcome has been sent several times already: tell the coordinator.")
        )


def _school(values: dict) -> SchoolOutcome:
    return SchoolOutcome(
        recorded=values["recorded"],
        not_recorded=values.get("not_recorded") or 0,
        reason=values.get("reason"),
        notes=values.get("notes"),
    )


def record_values(session, visit: Visit, values: dict, *, now, today, who) -> ResidentStatus | None:
    """Save an outcome checked by the outcome form (``values``) through the outcome services;
    the resident's request after a home visit."""
    kwargs = dict(now=now, today=today, who=who, version=None)
    if visit.kind is VisitKind.SCHOOL:
        record_school_outcome(session, visit, _school(values), **kwargs)
        return None
    kind = values.get("disability")
    return record_home_outcome(
        session,
        visit,
        HomeOutcome(values["outcome"]),
        notes=values.get("notes"),
        disability=DisabilityKind(kind) if kind else None,
        **kwargs,
    )


def expect_sound(visit: Visit, values: dict) -> None:
    """The outcome services' own checks of an outcome (DomainError on its field), for one
    checked before it is saved (a day sheet's preview) or kept unsaved (a kept outcome is one
    the coordinator could have saved)."""
    if visit.kind is VisitKind.SCHOOL:
        school_figures(_school(values))
        return
    kind = values.get("disability")
    home_notes(
        HomeOutcome(values["outcome"]), values.get("notes"), DisabilityKind(kind) if kind else None
    )


def same_as_recorded(visit: Visit, values: dict) -> bool:
    if visit.kind is VisitKind.SCHOOL:
        return (visit.students_recorded, visit.students_not_recorded or 0) == (
            values.get("recorded"),
            values.get("not_recorded") or 0,
        )
    return visit.home_outcome is not None and visit.home_outcome.value == values.get("outcome")


def moved_to(session: Session, visit: Visit) -> Visit | None:
    """The visit that took a moved one's place: the last of a chain of moves."""
    later = successor_of(session, visit)
    for _step in range(20):  # a chain of moves; never a loop, but never trusted to end either
        after = successor_of(session, later) if later is not None else None
        if after is None:
            break
        later = after
    return later


def why_text(session: Session, visit: Visit, problem: SentProblem) -> str:
    """Why the visit could not take an outcome, as the officer is told (their language)."""
    if problem is SentProblem.MOVED:
        later = moved_to(session, visit)
        if later is None:
            return str(_l("The coordinator moved this visit to another day."))
        return str(
            _l("The coordinator moved this visit to %(date)s.", date=long_date(later.visit_on))
        )
    if problem is SentProblem.CANCELLED:
        return str(_l("The coordinator cancelled this visit."))
    if problem is SentProblem.RECORDED_ALREADY:
        if visit.completed_by is None:
            return str(_l("An outcome had been recorded for this visit meanwhile."))
        return str(
            _l(
                "An outcome had been recorded for this visit meanwhile, by %(name)s.",
                name=visit.completed_by.name,
            )
        )
    if problem is SentProblem.OTHER_TEAM:
        return str(_l("This visit was given to another team."))
    return str(
        _l(
            "The visit is planned for %(date)s: its outcome is recorded from that day.",
            date=long_date(visit.visit_on),
        )
    )


def kept_message(session: Session, row: SentOutcome) -> str:
    """What the officer is told of an outcome kept instead of saved."""
    kept = _l("Your outcome was not saved on the visit: it is kept for the coordinator to see.")
    return f"{why_text(session, row.visit, row.problem)} {kept}"


def kept_outcomes(
    session: Session, *, visit_ids: list[int] | None = None, with_resolved: bool = False
) -> list[SentOutcome]:
    """Outcomes kept for the coordinator and not yet dealt with — of some visits (a visit and
    the ones it was moved from or to), with those dealt with too if asked — oldest first."""
    states = [SentState.KEPT, SentState.RESOLVED] if with_resolved else [SentState.KEPT]
    query = (
        select(SentOutcome)
        .options(
            joinedload(SentOutcome.user),
            joinedload(SentOutcome.visit),
            joinedload(SentOutcome.resolved_by),
        )
        .where(SentOutcome.state.in_(states))
        .order_by(SentOutcome.received_at, SentOutcome.id)
    )
    if visit_ids is not None:
        query = query.where(SentOutcome.visit_id.in_(visit_ids))
    return list(session.scalars(query))


def count_kept(session: Session) -> int:
    """How many kept outcomes wait for the coordinator (the dashboard's figure)."""
    return session.scalar(
        select(func.count()).select_from(SentOutcome).where(SentOutcome.state == SentState.KEPT)
    )


def resolve_kept(
    session: Session, row: SentOutcome, *, note: str | None, now: datetime, who: Who
) -> None:
    """The coordinator has dealt with a kept outcome (saved it by hand, or set it aside)."""
    if row.state is not SentState.KEPT:
        raise Conflict(_l("This outcome has already been dealt with."))
    row.state = SentState.RESOLVED
    row.resolved_at = now
    row.resolved_by_id = who.user.id if who.user else None
    row.resolution = clean_reason(note, required=False, field="note")
    session.flush()
    record_event(
        session,
        now=now,
        actor=who.actor,
        action="visit.outcome_kept_resolved",
        entity=row.visit,
        changes={"note": row.resolution} if row.resolution else {},
    )
