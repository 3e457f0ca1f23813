"""Login sessions kept on the server: started at a login, found for each request, ended by a
logout, a password change or reset, or a deactivation, and purged once over."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from outreach.models import School, SessionEnd, User, UserSession

# last_seen_at is written at most this often, so that a page view is not also a write.
SEEN_EVERY = timedelta(minutes=5)
USER_AGENT_LENGTH = 120


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
        # A liaison's account lives as long as their school is active (users.may_log_in).
        or_(User.school_id.is_(None), User.school.has(School.is_active)),
    ]
    if idle is not None:
        conditions.append(UserSession.last_seen_at > now - idle)
    row = session.scalar(select(UserSession).join(UserSession.user).where(*conditions))
    if row is None:
        return None
    row.user.current_session, row.user.current_token = row, token
    return row


def mark_seen(row: UserSession, *, now: datetime) -> bool:
    """Note that the session was used (for the idle limit); True when that changed the row,
    which happens at most every few minutes, so that a page view is not also a write."""
    if now - row.last_seen_at < SEEN_EVERY:
        return False
    row.last_seen_at = now
    return True


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
