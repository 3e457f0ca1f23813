"""Liaison links (signed, bound to one visit and purpose, revocable, expiring) and the
iCalendar feeds (parsed back with the icalendar library: VTIMEZONE, UID and SEQUENCE)."""

from datetime import date, time, timedelta

import pytest
from icalendar import Calendar
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from outreach.models import AuditEvent, ConfirmationChannel, ResidentStatus, VisitStatus, utcnow
from outreach.services.planning.inputs import PlanSettings
from outreach.services.residents.status import change_status
from outreach.services.visits import links as liaison_links
from outreach.services.visits.changes import Who
from outreach.services.visits.feeds import build_feed, feed_visits, renew_feed
from outreach.services.visits.lifecycle import cancel_visit, confirm_visit
from outreach.services.visits.links import (
    EXPIRED,
    INVALID,
    MOVED,
    REPLACED,
    invitation,
    issue_link,
    link_token,
    open_link,
    whatsapp_url,
)
from outreach.services.visits.moves import move_visit
from tests.services.visit_helpers import TODAY, add_visit

SECRET = "test-secret-key-not-for-production"
COORDINATOR = Who("koordinator")
VISIT_DAY = date(2026, 12, 8)


@pytest.fixture
def visit(db_session, make_team, make_school):
    school = make_school(
        name="SMA Negeri 5 Kota Bengkulu", liaison_name="Bu Rina", liaison_phone="+6281234567890"
    )
    return add_visit(db_session, school=school, team=make_team(name="Tim Utara"), on=VISIT_DAY)


def issue(session, visit):
    token = issue_link(session, visit, now=utcnow(), today=TODAY, who=COORDINATOR, secret=SECRET)
    session.commit()
    return token


def test_a_link_opens_its_visit_until_the_visit_day(db_session, visit):
    token = issue(db_session, visit)
    assert open_link(db_session, token, today=TODAY, secret=SECRET).visit.id == visit.id
    assert open_link(db_session, token, today=VISIT_DAY, secret=SECRET).problem is None
    expired = open_link(db_session, token, today=VISIT_DAY + timedelta(days=1), secret=SECRET)
    assert expired.problem == EXPIRED


@pytest.mark.parametrize(
    "spoil",
    [
        lambda t: t[:-3] + ("AAA" if not t.endswith("AAA") else "BBB"),  # signature changed
        lambda t: t[: len(t) // 2],  # cut in a WhatsApp message
        lambda t: "x" + t,
        lambda t: "not-a-token",
        lambda t: "",
    ],
)
def test_a_tampered_or_truncated_link_is_refused(db_session, visit, spoil):
    token = issue(db_session, visit)
    assert open_link(db_session, spoil(token), today=TODAY, secret=SECRET).problem == INVALID


def test_a_new_link_stops_the_old_one(db_session, visit):
    old = issue(db_session, visit)
    new = issue(db_session, visit)
    assert old != new
    assert open_link(db_session, old, today=TODAY, secret=SECRET).problem == REPLACED
    assert open_link(db_session, new, today=TODAY, secret=SECRET).problem is None


def test_a_link_is_bound_to_its_visit_and_its_purpose(db_session, visit, make_school, make_team):
    other = add_visit(db_session, school=make_school(), team=make_team(), on=VISIT_DAY)
    issue(db_session, visit)
    issue(db_session, other)
    # The first visit's nonce presented for the other visit (signed with our own key).
    forged = URLSafeSerializer(SECRET, salt="jemput-bola/liaison-link/respond").dumps(
        [other.id, visit.link_nonce]
    )
    assert open_link(db_session, forged, today=TODAY, secret=SECRET).problem == REPLACED
    # The same payload signed for another purpose does not open the answer page.
    elsewhere = liaison_links._serializer(SECRET, "report").dumps([visit.id, visit.link_nonce])
    assert open_link(db_session, elsewhere, today=TODAY, secret=SECRET).problem == INVALID
    # Nor does a token signed with another key.
    foreign = liaison_links._serializer("another-secret", "respond").dumps(
        [visit.id, visit.link_nonce]
    )
    assert open_link(db_session, foreign, today=TODAY, secret=SECRET).problem == INVALID


def test_the_link_of_a_moved_visit_says_where_it_went(db_session, visit):
    token = issue(db_session, visit)
    new = move_visit(
        db_session,
        visit,
        on=date(2026, 12, 10),
        now=utcnow(),
        today=TODAY,
        who=COORDINATOR,
        settings=PlanSettings(),
        version=None,
    )
    db_session.commit()
    state = open_link(db_session, token, today=TODAY, secret=SECRET)
    assert state.problem == MOVED and state.successor.id == new.id
    assert link_token(new, SECRET) is None  # the new day needs its own link


def test_the_whatsapp_message_names_school_date_team_and_link_in_indonesian(db_session, visit):
    link = "https://jemputbola.example/l/abc"
    text = invitation(visit, link)
    assert "SMA Negeri 5 Kota Bengkulu" in text
    assert "Selasa, 8 Desember 2026" in text
    assert "Tim Utara" in text and link in text
    assert text.startswith("Halo Bu Rina,")
    url = whatsapp_url(visit, link)
    assert url.startswith("https://wa.me/6281234567890?text=Halo%20Bu%20Rina")


def feed(session, **which):
    body = build_feed(
        feed_visits(session, today=TODAY, **which),
        name="Jemput Bola · Tim Utara",
        zone="Asia/Jakarta",
        now=utcnow(),
        host="jemput-bola",
    )
    return Calendar.from_ical(body)


def events_of(calendar):
    return [c for c in calendar.walk("VEVENT")]


def test_the_team_feed_is_valid_icalendar_with_the_jakarta_timezone(
    db_session, visit, make_resident
):
    confirm_visit(
        db_session,
        visit,
        now=utcnow(),
        today=TODAY,
        who=Who("x", ConfirmationChannel.COORDINATOR),
        version=None,
        start_time=time(8, 0),
    )
    add_visit(
        db_session,
        resident=make_resident(name="Nenek Sulastri"),
        team=visit.team,
        on=VISIT_DAY,
        route_order=1,
    )
    db_session.commit()
    calendar = feed(db_session, team_id=visit.team_id)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Asia/Jakarta"
    home_event, school_event = sorted(events_of(calendar), key=lambda e: str(e["SUMMARY"]))
    assert str(school_event["SUMMARY"]) == "Perekaman e-KTP: SMA Negeri 5 Kota Bengkulu"
    start = school_event.decoded("DTSTART")
    assert start.tzinfo is not None and start.utcoffset() == timedelta(hours=7)
    assert (start.date(), start.hour) == (VISIT_DAY, 8)
    assert school_event["DTSTART"].params["TZID"] == "Asia/Jakarta"
    assert str(school_event["STATUS"]) == "CONFIRMED"
    # A home visit names no resident: a feed URL is easily shared.
    assert "Sulastri" not in calendar.to_ical().decode()
    assert home_event.decoded("DTSTART") == VISIT_DAY  # no time set: an all-day event


def test_a_moved_visit_keeps_its_uid_and_raises_its_sequence(db_session, visit):
    before = {
        str(e["UID"]): int(e["SEQUENCE"])
        for e in events_of(feed(db_session, team_id=visit.team_id))
    }
    move_visit(
        db_session,
        visit,
        on=date(2026, 12, 10),
        now=utcnow(),
        today=TODAY,
        who=COORDINATOR,
        settings=PlanSettings(),
        version=None,
    )
    db_session.commit()
    (event,) = events_of(feed(db_session, team_id=visit.team_id))
    (uid,) = before
    assert str(event["UID"]) == uid == f"{visit.ical_uid}@jemput-bola"
    assert int(event["SEQUENCE"]) > before[uid]
    assert event.decoded("DTSTART") == date(2026, 12, 10)


def test_a_cancelled_visit_is_sent_as_cancelled_with_a_higher_sequence(db_session, visit):
    (before,) = events_of(feed(db_session, school_id=visit.school_id))
    cancel_visit(
        db_session, visit, reason="Ujian", now=utcnow(), today=TODAY, who=COORDINATOR, version=None
    )
    db_session.commit()
    (after,) = events_of(feed(db_session, school_id=visit.school_id))
    assert str(after["UID"]) == str(before["UID"])
    assert str(after["STATUS"]) == "CANCELLED"
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert visit.status is VisitStatus.CANCELLED


def test_renewing_a_feed_replaces_its_token_and_revoking_removes_it(db_session, visit, make_user):
    team = visit.team
    first = renew_feed(db_session, team, now=utcnow(), actor=make_user())
    second = renew_feed(db_session, team, now=utcnow(), actor=make_user())
    assert first and second and first != second
    assert renew_feed(db_session, team, now=utcnow(), actor=make_user(), revoke=True) is None


def test_a_status_change_ends_the_home_visit_on_the_subscribed_calendar_too(
    db_session, make_team, make_resident
):
    """Was a bug: the resident's status change cancelled the visit by setting its status, outside
    the one save path — SEQUENCE unchanged (a phone kept showing the visit) and a history entry
    in a format of its own. Now it is cancelled as the visit page cancels."""
    team = make_team(name="Tim Selatan")
    resident = make_resident()
    home = add_visit(db_session, resident=resident, team=team, on=VISIT_DAY)
    page = add_visit(db_session, resident=make_resident(), team=team, on=VISIT_DAY)
    before = {
        str(e["UID"]): int(e["SEQUENCE"]) for e in events_of(feed(db_session, team_id=team.id))
    }
    cancelled = change_status(
        db_session, resident, ResidentStatus.RECORDED, "Sudah direkam di kantor", now=utcnow(),
        actor="koordinator",
    )  # fmt: skip
    cancel_visit(
        db_session, page, reason="Tim sakit", now=utcnow(), today=TODAY, who=COORDINATOR,
        version=None,
    )  # fmt: skip
    db_session.commit()
    assert cancelled == 1 and home.status is VisitStatus.CANCELLED
    after = {str(e["UID"]): e for e in events_of(feed(db_session, team_id=team.id))}
    uid = f"{home.ical_uid}@jemput-bola"
    assert str(after[uid]["STATUS"]) == "CANCELLED"
    assert int(after[uid]["SEQUENCE"]) > before[uid]
    (by_status,) = visit_events(db_session, home, "visit.cancel")
    (by_page,) = visit_events(db_session, page, "visit.cancel")
    assert by_status.changes.keys() == by_page.changes.keys()
    assert by_status.changes["cancel_reason"] == [None, "Sudah direkam di kantor"]
    assert by_status.changes["status"] == by_page.changes["status"] == ["proposed", "cancelled"]


def visit_events(session, visit, action):
    return list(
        session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.entity_type == "Visit",
                AuditEvent.entity_id == str(visit.id),
                AuditEvent.action == action,
            )
            .order_by(AuditEvent.id)
        )
    )
