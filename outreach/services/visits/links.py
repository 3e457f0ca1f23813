"""The liaison's link: a signed token bound to one visit and one purpose, that stops working
when a new link is issued for the visit and after the visit's day.

The token carries the visit id and a nonce stored on the visit; the signature (the app's
secret, salted with the purpose) makes it unforgeable, the nonce makes it revocable.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from outreach.domain.phone import whatsapp_number
from outreach.errors import DomainError
from outreach.i18n import clock, long_date, office_date
from outreach.models import School, Visit, VisitKind, VisitStatus
from outreach.scheduling.calendar import next_month
from outreach.scheduling.lifecycle import Action
from outreach.services.audit import record_event
from outreach.services.visits.changes import Who, expect_allowed, stamp

MOBILE_PREFIX = "+628"  # Indonesian mobile numbers, as phone numbers are stored
RESPOND = "respond"  # the only purpose so far: confirm, ask for another day, decline

# Why a link does not open its visit.
INVALID = "invalid"  # not a token of ours (tampered, truncated, another purpose)
REPLACED = "replaced"  # a newer link was issued for the visit
EXPIRED = "expired"  # the visit's day has passed
MOVED = "moved"  # the visit was moved: the new day has its own link
SCHOOL_INACTIVE = "school_inactive"  # the school was deactivated: it is no longer visited


def _serializer(secret: str, purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=f"jemput-bola/liaison-link/{purpose}")


def link_token(visit: Visit, secret: str, purpose: str = RESPOND) -> str | None:
    """The visit's current link token, or None when none was issued."""
    if not visit.link_nonce:
        return None
    return _serializer(secret, purpose).dumps([visit.id, visit.link_nonce])


def issue_link(
    session: Session, visit: Visit, *, now: datetime, today: date, who: Who, secret: str
) -> str:
    """A new link for the visit; any earlier one stops working. A link is bookkeeping, not a
    change of the visit: stamped, so it does not make anyone's open page stale; audited."""
    expect_allowed(visit, Action.SEND_LINK, today)
    if not visit.school.is_active:
        raise DomainError(_l("The school is deactivated: it is no longer visited."))
    stamp(session, [visit.id], link_nonce=secrets.token_urlsafe(12), link_issued_at=now)
    record_event(session, now=now, actor=who.actor, action="visit.link", entity=visit)
    return link_token(visit, secret)


@dataclass(frozen=True)
class LinkState:
    visit: Visit | None = None
    problem: str | None = None
    successor: Visit | None = None  # the visit's new day, when it was moved


def open_link(
    session: Session, token: str, *, today: date, secret: str, purpose: str = RESPOND
) -> LinkState:
    """The visit a token opens, or why it does not."""
    try:
        payload = _serializer(secret, purpose).loads(token)
    except BadData:
        return LinkState(problem=INVALID)
    if not (
        isinstance(payload, list)
        and len(payload) == 2
        and isinstance(payload[0], int)
        and isinstance(payload[1], str)
    ):
        return LinkState(problem=INVALID)
    visit_id, nonce = payload
    visit = session.scalar(
        select(Visit)
        .options(joinedload(Visit.school), joinedload(Visit.team))
        .where(Visit.id == visit_id, Visit.kind == VisitKind.SCHOOL)
    )
    if visit is None:
        return LinkState(problem=INVALID)
    if not visit.link_nonce or not hmac.compare_digest(visit.link_nonce, nonce):
        return LinkState(problem=REPLACED, visit=visit)
    if not visit.school.is_active:  # no longer visited: its links end, and say why
        return LinkState(problem=SCHOOL_INACTIVE, visit=visit)
    if visit.status is VisitStatus.MOVED:
        successor = session.scalar(select(Visit).where(Visit.replaces_id == visit.id))
        return LinkState(problem=MOVED, visit=visit, successor=successor)
    if visit.visit_on < today:
        return LinkState(problem=EXPIRED, visit=visit)
    return LinkState(visit=visit)


def invitation(visit: Visit, link: str | None) -> str:
    """The message for the liaison, in Indonesian whatever the coordinator's language; without
    a link (no public address configured), it asks them to answer the office instead."""
    school: School = visit.school
    with force_locale("id"):
        greeting = (
            _("Hello %(name)s,", name=school.liaison_name) if school.liaison_name else _("Hello,")
        )
        lines = [
            greeting,
            _(
                "The Dukcapil team (%(team)s) plans to record e-KTP for students aged 16 and "
                "over at %(school)s on %(date)s.",
                team=visit.team.name,
                school=school.name,
                date=long_date(visit.visit_on, "id"),
            ),
            _(
                "Please confirm the date, ask for another day, or tell us if it cannot be this "
                "month, through this link:"
            )
            if link
            else _("Please confirm the date, or ask for another one, by replying to the office."),
            link,
            _("Thank you. Dinas Kependudukan dan Pencatatan Sipil"),
        ]
    return "\n\n".join(line for line in lines if line)


def invitation_subject(visit: Visit) -> str:
    with force_locale("id"):
        return _(
            "Please confirm: e-KTP recording at %(school)s on %(date)s",
            school=visit.school.name,
            date=long_date(visit.visit_on, "id"),
        )


def whatsapp_url(visit: Visit, link: str) -> str | None:
    """A wa.me link that opens a chat with the liaison, the message ready to send."""
    number = whatsapp_number(visit.school.liaison_phone) if visit.school.liaison_phone else None
    if not number:
        return None
    return f"https://wa.me/{number}?text={quote(invitation(visit, link))}"


def family_message(visit: Visit) -> str:
    """The message for a resident's family about a home visit, in Indonesian whatever the
    coordinator's language: the day, who comes, what to have ready, how to answer."""
    resident = visit.resident
    with force_locale("id"):
        name = resident.contact_name or resident.name
        when = long_date(visit.visit_on, "id")
        if visit.start_time:
            when = _("%(date)s at %(time)s", date=when, time=clock(visit.start_time, "id"))
        lines = [
            _("Hello %(name)s,", name=name),
            _(
                "The Dukcapil team (%(team)s) plans to come to the home of %(resident)s on "
                "%(when)s to record their e-KTP.",
                team=visit.team.name,
                resident=resident.name,
                when=when,
            ),
            _(
                "Please have the family card (Kartu Keluarga) ready, and a family member at "
                "home to help."
            ),
            _("If that day does not suit the family, please reply to this message."),
            _("Thank you. Dinas Kependudukan dan Pencatatan Sipil"),
        ]
    return "\n\n".join(lines)


def family_whatsapp_url(visit: Visit) -> str | None:
    """A wa.me link to the family's number with the home visit's message ready to send."""
    phone = visit.resident.phone if visit.resident else None
    if not (phone and phone.startswith(MOBILE_PREFIX)):
        return None  # no number, or a landline: WhatsApp needs a mobile
    return f"https://wa.me/{whatsapp_number(phone)}?text={quote(family_message(visit))}"


def month_invitations(session: Session, month: date, *, today: date) -> list[Visit]:
    """The month's school visits still waiting for the school's answer (proposed, their day
    not passed): the ones whose liaison gets a link, in day order."""
    return list(
        session.scalars(
            select(Visit)
            .options(joinedload(Visit.school), joinedload(Visit.team))
            .where(
                Visit.kind == VisitKind.SCHOOL,
                Visit.status == VisitStatus.PROPOSED,
                Visit.visit_on >= max(month, today),
                Visit.visit_on < next_month(month),
            )
            .order_by(Visit.visit_on, Visit.team_id, Visit.id)
        )
    )


def make_month_links(
    session: Session, month: date, *, now: datetime, today: date, who: Who, secret: str
) -> int:
    """A link for every visit of :func:`month_invitations` that has none yet, in one action;
    links already made are kept (a liaison may have them). Returns how many were made."""
    made = 0
    for visit in month_invitations(session, month, today=today):
        if not visit.link_nonce:
            issue_link(session, visit, now=now, today=today, who=who, secret=secret)
            made += 1
    return made


def record_link_sent(
    session: Session, visit: Visit, *, now: datetime, who: Who, how: str, to: str | None = None
) -> None:
    """The coordinator sent the link (``how``: "whatsapp" or "mail"): when, for the list of the
    month's links, and who, for the audit log."""
    expect_allowed(visit, Action.SEND_LINK, office_date(now))
    stamp(session, [visit.id], link_sent_at=now)
    record_event(
        session,
        now=now,
        actor=who.actor,
        action=f"visit.link_{how}",
        entity=visit,
        changes={"to": to} if to else None,
    )
