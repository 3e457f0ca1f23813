"""iCalendar feeds (RFC 5545) of a team's or a school's visits, for Google Calendar and the
like to subscribe to at a secret URL.

A moved visit is the same event: its successor keeps the UID and has a higher SEQUENCE, and
the moved visit is left out. A cancelled visit stays in the feed as STATUS:CANCELLED for
a while, so subscribed calendars drop it instead of keeping a stale event. Home visits name
no resident (a feed URL is easily shared): only the kelurahan and the stop number.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event, Timezone
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from outreach.models import Resident, School, Team, User, Visit, VisitKind, VisitStatus
from outreach.services.audit import record_event
from outreach.services.versions import stamp

PRODID = "-//Dukcapil//Jemput Bola//ID"
PAST_DAYS = 62  # how far back a feed reaches
VISIT_HOURS = {VisitKind.SCHOOL: 3, VisitKind.HOME: 1}  # length of a timed event

ICAL_STATUS = {
    VisitStatus.PROPOSED: "TENTATIVE",
    VisitStatus.CONFIRMED: "CONFIRMED",
    VisitStatus.COMPLETED: "CONFIRMED",
    VisitStatus.MISSED: "CONFIRMED",
    VisitStatus.CANCELLED: "CANCELLED",
    VisitStatus.MOVED: "CANCELLED",  # left out of feeds: its successor is the same event
}


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


def renew_feed(
    session: Session, owner: Team | School, *, now: datetime, actor: User, revoke: bool = False
) -> str | None:
    """A new secret URL for the team's or school's feed (the old one stops working), or none
    at all when ``revoke``. The secret is bookkeeping no edit form shows: stamped, so that a
    page open on the team or school does not go stale."""
    stamp(session, owner, calendar_token=None if revoke else new_feed_token())
    record_event(
        session,
        now=now,
        actor=actor,
        action=f"{type(owner).__name__.lower()}.feed_{'revoke' if revoke else 'renew'}",
        entity=owner,
    )
    return owner.calendar_token


def feed_visits(session: Session, *, today: date, team_id=None, school_id=None) -> list[Visit]:
    """The feed's visits: from PAST_DAYS ago on, without those moved (their successor is the
    same event)."""
    query = (
        select(Visit)
        .options(
            joinedload(Visit.school),
            joinedload(Visit.team),
            joinedload(Visit.resident).joinedload(Resident.kelurahan),
        )
        .where(
            Visit.visit_on >= today - timedelta(days=PAST_DAYS),
            Visit.status != VisitStatus.MOVED,
        )
        .order_by(Visit.visit_on, Visit.id)
    )
    if team_id is not None:
        query = query.where(Visit.team_id == team_id)
    if school_id is not None:
        query = query.where(Visit.school_id == school_id)
    return list(session.scalars(query))


def build_feed(
    visits: list[Visit], *, name: str, zone: str, now: datetime, host: str, url: str = ""
) -> bytes:
    """The feed as iCalendar bytes, in Indonesian, with the office's VTIMEZONE."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", zone)
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    calendar.add_component(Timezone.from_tzid(zone))
    tz = ZoneInfo(zone)
    with force_locale("id"):
        for visit in visits:
            calendar.add_component(_event(visit, tz=tz, now=now, host=host, url=url))
    return calendar.to_ical()


def _event(visit: Visit, *, tz: ZoneInfo, now: datetime, host: str, url: str) -> Event:
    event = Event()
    event.add("uid", f"{visit.ical_uid}@{host}")
    event.add("sequence", visit.sequence)
    event.add("dtstamp", now)
    event.add("last-modified", visit.updated_at or now)
    if visit.start_time is not None:
        start = datetime.combine(visit.visit_on, visit.start_time, tzinfo=tz)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(hours=VISIT_HOURS[visit.kind]))
    else:
        event.add("dtstart", visit.visit_on)
        event.add("dtend", visit.visit_on + timedelta(days=1))
    event.add("status", ICAL_STATUS[visit.status])
    event.add("transp", "OPAQUE")
    if visit.kind is VisitKind.SCHOOL:
        school = visit.school
        event.add("summary", _("e-KTP recording: %(school)s", school=school.name))
        event.add("location", school.address or school.name)
        if school.lat is not None and school.lng is not None:
            event.add("geo", (school.lat, school.lng))
        description = [_("Team: %(team)s", team=visit.team.name)]
        if visit.students_expected is not None:
            description.append(_("Students expected: %(n)d", n=visit.students_expected))
    else:
        kelurahan = visit.resident.kelurahan.name
        event.add("summary", _("Home visit, %(kelurahan)s", kelurahan=kelurahan))
        event.add("location", _("Kelurahan %(kelurahan)s", kelurahan=kelurahan))
        description = [_("Team: %(team)s", team=visit.team.name)]
        if visit.route_order:
            description.append(_("Stop %(n)d of the day's route", n=visit.route_order))
    if visit.status is VisitStatus.CANCELLED and visit.cancel_reason:
        description.append(_("Cancelled: %(reason)s", reason=visit.cancel_reason))
    if url:
        description.append(url)
    event.add("description", "\n".join(description))
    return event
