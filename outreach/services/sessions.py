"""Login sessions kept on the server: started at a login, found for each request, ended by a
logout, a password change or reset, or a deactivation, and purged once over; who may hold one,
and why a cookie's session no longer logs in."""

from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from outreach.models import School, SessionEnd, User, UserSession

# last_seen_at is written at most this often, so that a page view is not also a write.
SEEN_EVERY = timedelta(minutes=5)
USER_AGENT_LENGTH = 120


class Closed(enum.Enum):
    """Why an account may not hold a session."""

    ACCOUNT = "account"  # deactivated by an admin
    SCHOOL = "school"  # a liaison whose school was deactivated


class Ended(enum.Enum):
    """Why the session a cookie names no longer logs in, as the login page tells it."""

    LOGOUT = "logout"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 (a reason, not a password)
    PASSWORD_RESET = "password_reset"  # noqa: S105
    ACCOUNT_CLOSED = "account_closed"
    SCHOOL_CLOSED = "school_closed"
    REOPENED = "reopened"  # ended by a deactivation, active again since
    LIFETIME = "lifetime"  # OUTREACH_SESSION_HOURS after the login
    IDLE = "idle"  # OUTREACH_SESSION_IDLE_MINUTES unused


_CLOSED_ENDS = {Closed.ACCOUNT: Ended.ACCOUNT_CLOSED, Closed.SCHOOL: Ended.SCHOOL_CLOSED}


def account_closed(user: User) -> Closed | None:
    """Why ``user`` may not log in now, or None: an account lives while it is active, and a
    school liaison's while their school is too (a deactivated school's operator is shut out)."""
    if not user.is_active:
        return Closed.ACCOUNT
    if user.school is not None and not user.school.is_active:
        return Closed.SCHOOL
    return None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def start_session(
    session: Session,
    user: User,
    *,
    now: datetime,
    remote_addr: str | None = None,
    user_agent: str | None = None,
) -> str:
    """Open a session for ``user`` and return its token (the cookie's id, stored only hashed).

    The token and the row are set on the user for this request (``current_token``,
    ``current_session``)."""
    token = secrets.token_urlsafe(32)
    row = UserSession(
        token_hash=_digest(token),
        user=user,
        created_at=now,
        last_seen_at=now,
        remote_addr=(remote_addr or "")[:45] or None,
        user_agent=(user_agent or "")[:USER_AGENT_LENGTH] or None,
    )
    session.add(row)
    session.flush()
    user.current_session, user.current_token = row, token
    return token


def find_session(
    session: Session,
    token: str,
    *,
    now: datetime,
    lifetime: timedelta,
    idle: timedelta | None = None,
) -> UserSession | None:
    """The live session with this token: not ended, begun less than ``lifetime`` ago (however
    busy), seen less than ``idle`` ago, of an active user. Otherwise None."""
    if not token or len(token) > 200:
        return None
    conditions = [
        UserSession.token_hash == _digest(token),
        UserSession.ended_at.is_(None),
        UserSession.created_at > now - lifetime,
        User.is_active,
        # A liaison's account lives as long as their school is active (account_closed).
        or_(User.school_id.is_(None), User.school.has(School.is_active)),
    ]
    if idle is not None:
        conditions.append(UserSession.last_seen_at > now - idle)
    row = session.scalar(select(UserSession).join(UserSession.user).where(*conditions))
    if row is None:
        return None
    row.user.current_session, row.user.current_token = row, token
    return row


def why_ended(
    session: Session,
    token: str,
    *,
    now: datetime,
    lifetime: timedelta,
    idle: timedelta | None = None,
) -> Ended | None:
    """Why the session with this token is not live (find_session found none): the reason it
    was ended with, the account's state, or the limit it ran into first. None for a token that
    never was one, a row purged since, or a session that is live after all."""
    if not token or len(token) > 200:
        return None
    row = session.scalar(select(UserSession).where(UserSession.token_hash == _digest(token)))
    if row is None:
        return None
    if row.ended_at is not None:
        if row.end_reason is SessionEnd.DEACTIVATED:
            return _CLOSED_ENDS.get(account_closed(row.user), Ended.REOPENED)
        return Ended(row.end_reason.value) if row.end_reason is not None else None
    closed = account_closed(row.user)
    if closed is not None:
        return _CLOSED_ENDS[closed]
    runs_out = row.created_at + lifetime
    if idle is not None and row.last_seen_at + idle <= min(now, runs_out):
        return Ended.IDLE
    return Ended.LIFETIME if runs_out <= now else None


def mark_seen(row: UserSession, *, now: datetime) -> bool:
    """Note that the session was used (for the idle limit); True when that changed the row,
    which happens at most every few minutes, so that a page view is not also a write."""
    if now - row.last_seen_at < SEEN_EVERY:
        return False
    row.last_seen_at = now
    return True


def mark_nik_shown(row: UserSession, resident_id: int, *, now: datetime) -> None:
    """Mark that this session may see the full NIK of request ``resident_id`` once (after the
    audited reveal): the next page of that request takes the mark (take_nik_shown)."""
    row.nik_shown_resident_id, row.nik_shown_at = resident_id, now


def take_nik_shown(
    session: Session, row: UserSession, resident_id: int, *, now: datetime, within: timedelta
) -> bool:
    """Whether this page of request ``resident_id`` shows the full NIK: only when the session's
    mark is for that request and younger than ``within``. The mark is taken out whatever it
    says, in one UPDATE, so that of two pages sent at once with the same cookie one at most
    shows it (a database row is changed by one transaction at a time). The caller commits.
    A session holding no mark (as it was read for this request) writes nothing."""
    if row.nik_shown_resident_id is None:
        return False

    def take_out(*conditions) -> bool:
        taken = session.execute(
            update(UserSession)
            .where(UserSession.id == row.id, UserSession.nik_shown_resident_id.is_not(None))
            .where(*conditions)
            .values(nik_shown_resident_id=None, nik_shown_at=None)
            .execution_options(synchronize_session=False)
        )
        return taken.rowcount == 1

    fresh = (
        UserSession.nik_shown_resident_id == resident_id,
        UserSession.nik_shown_at >= now - within,
        UserSession.nik_shown_at <= now,
    )
    if take_out(*fresh):
        return True
    take_out()  # a mark for another request, or too old: gone too
    return False


def end_session(row: UserSession, *, now: datetime, reason: SessionEnd) -> None:
    if row.ended_at is None:
        row.ended_at, row.end_reason = now, reason


def end_user_sessions(
    session: Session,
    user: User,
    *,
    now: datetime,
    reason: SessionEnd,
    keep: UserSession | None = None,
) -> int:
    """End every open session of ``user`` but ``keep``; the number ended."""
    statement = (
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
        .execution_options(synchronize_session="fetch")
    )
    if keep is not None and keep.id is not None:
        statement = statement.where(UserSession.id != keep.id)
    return session.execute(statement).rowcount


def purge_sessions(session: Session, *, now: datetime, lifetime: timedelta) -> int:
    """Delete sessions that ended, or ran out, more than a ``lifetime`` ago (kept that long so
    that an admin can see a recent logout); the number deleted."""
    cutoff = now - lifetime
    statement = delete(UserSession).where(
        or_(UserSession.ended_at < cutoff, UserSession.created_at < cutoff - lifetime)
    )
    return session.execute(statement.execution_options(synchronize_session=False)).rowcount
