"""Accounts: creating, changing, deactivating users, passwords and logging in."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from outreach.domain.problems import Invalid
from outreach.domain.text import clean_line
from outreach.domain.values import clean_email
from outreach.errors import Conflict, DomainError
from outreach.models import Role, School, SessionEnd, Team, User, UserSession
from outreach.services.audit import diff, record_event
from outreach.services.sessions import Closed, account_closed, end_user_sessions

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
MIN_PASSWORD_LENGTH = 8
NAME_MAX = 120  # users.name


@cache
def _dummy_hash() -> str:
    """Checked when the username is unknown, so a wrong name takes as long as a wrong password.

    Made on first use, not at import: hashing is deliberately slow.
    """
    return _hash("not-a-real-password")


def _hash(password: str) -> str:
    # Tests lower the work factor through the config; production keeps werkzeug's default.
    method = current_app.config.get("PASSWORD_HASH_METHOD") or "scrypt"
    return generate_password_hash(password, method=method)


def normalise_username(username: str) -> str:
    """A username as stored and looked up (and as a refused login is audited): one clean
    line, lower-case."""
    return clean_line(username).lower()


def check_password_rules(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise DomainError(
            _l("The password must be at least %(n)d characters long.", n=MIN_PASSWORD_LENGTH),
            field="password",
        )


def _person(name: str | None, email: str | None) -> tuple[str, str | None]:
    """An account's name (one clean line, required) and e-mail address (optional, checked and
    lower-cased) as they are stored — for the forms and the create-user command alike."""
    name = clean_line(name)
    if not name:
        raise DomainError(_l("Enter the person's name."), field="name")
    if len(name) > NAME_MAX:
        raise DomainError(_l("At most %(n)d characters.", n=NAME_MAX), field="name")
    email = clean_line(email)
    if not email:
        return name, None
    try:
        return name, clean_email(email)
    except Invalid as error:
        raise DomainError(_l(error.message, **error.params), field="email") from None


def _check_binding(role: Role, team: Team | None, school: School | None) -> None:
    if team is not None and role is not Role.OFFICER:
        raise DomainError(_l("Only field officers belong to a team."), field="team")
    if school is not None and role is not Role.LIAISON:
        raise DomainError(_l("Only school liaisons are bound to a school."), field="school")


def get_user_by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == normalise_username(username)))


def create_user(
    session: Session,
    *,
    now: datetime,
    actor: User | str,
    username: str,
    name: str,
    role: Role,
    password: str,
    team: Team | None = None,
    school: School | None = None,
    email: str | None = None,
) -> User:
    username = normalise_username(username)
    if not USERNAME_PATTERN.match(username):
        raise DomainError(
            _l(
                "A username has 3 to 64 characters: lower-case letters, digits, dot, dash or "
                "underscore, starting with a letter or digit."
            ),
            field="username",
        )
    if get_user_by_username(session, username) is not None:
        raise Conflict(_l("The username %(name)s is already taken.", name=username), "username")
    name, email = _person(name, email)
    check_password_rules(password)
    _check_binding(role, team, school)
    user = User(
        username=username,
        name=name,
        role=role,
        team=team,
        school=school,
        email=email,
        password_hash=_hash(password),
        created_at=now,
    )
    session.add(user)
    session.flush()
    record_event(
        session,
        now=now,
        actor=actor,
        action="user.create",
        entity=user,
        changes={
            "username": username,
            "role": role,
            "team": team and team.name,
            "school": school and school.npsn,
        },
    )
    return user


def _snapshot(user: User) -> dict:
    return {
        "name": user.name,
        "role": user.role,
        "team": user.team.name if user.team else None,
        "school": user.school.npsn if user.school else None,
        "email": user.email,
        "is_active": user.is_active,
    }


def _active_admins(session: Session) -> int:
    return session.scalar(
        select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.is_active)
    )


def update_user(
    session: Session,
    user: User,
    *,
    now: datetime,
    actor: User | str,
    name: str,
    role: Role,
    team: Team | None,
    school: School | None,
    email: str | None,
    is_active: bool,
) -> User:
    name, email = _person(name, email)
    _check_binding(role, team, school)
    if isinstance(actor, User) and actor.id == user.id:
        if not is_active:
            raise DomainError(_l("You cannot deactivate your own account."), field="is_active")
        if role is not user.role:
            raise DomainError(_l("You cannot change your own role."), field="role")
    losing_admin = (
        user.role is Role.ADMIN and user.is_active and (role is not Role.ADMIN or not is_active)
    )
    if losing_admin and _active_admins(session) <= 1:
        raise DomainError(_l("There must always be at least one active admin."), field="role")
    before = _snapshot(user)
    user.name = name
    user.role = role
    user.team = team
    user.school = school
    user.email = email
    if user.is_active and not is_active:
        end_user_sessions(session, user, now=now, reason=SessionEnd.DEACTIVATED)
    user.is_active = is_active
    changes = diff(before, _snapshot(user))
    session.flush()
    if changes:
        record_event(
            session, now=now, actor=actor, action="user.update", entity=user, changes=changes
        )
    return user


def set_password(
    session: Session, user: User, password: str, *, now: datetime, actor: User | str
) -> None:
    """An admin sets a new password: every session of the user ends."""
    _replace_password(session, user, password, now=now, actor=actor, ends=SessionEnd.PASSWORD_RESET)


def _replace_password(
    session: Session,
    user: User,
    password: str,
    *,
    now: datetime,
    actor: User | str,
    ends: SessionEnd,
    keep: UserSession | None = None,
) -> None:
    check_password_rules(password)
    user.password_hash = _hash(password)
    end_user_sessions(session, user, now=now, reason=ends, keep=keep)
    session.flush()
    record_event(session, now=now, actor=actor, action="user.password_reset", entity=user)


def change_own_password(
    session: Session, user: User, current_password: str, new_password: str, *, now: datetime
) -> None:
    """A user replaces their own password, proving they know the current one; their other
    sessions end, the one they are using carries on."""
    if not check_password_hash(user.password_hash, current_password or ""):
        raise DomainError(_l("The current password is not right."), field="current_password")
    if current_password == new_password:
        raise DomainError(_l("Choose a password different from the current one."), "password")
    _replace_password(
        session,
        user,
        new_password,
        now=now,
        actor=user,
        ends=SessionEnd.PASSWORD_CHANGED,
        keep=user.current_session,
    )


def password_change_failed(
    session: Session, user: User, *, now: datetime, remote_addr: str | None = None
) -> None:
    """Audit a wrong current password on the change-password form: whoever holds the session
    is guessing, or the user mistyped."""
    record_event(
        session,
        now=now,
        actor=user,
        action="auth.password_change_failed",
        entity=user,
        remote_addr=remote_addr,
    )


def may_log_in(user: User) -> bool:
    """An active account — and a school liaison's only while their school is active: a
    deactivated school's operator can no longer log in (services.sessions ends their sessions
    and no longer finds them)."""
    return account_closed(user) is None


def password_stamp(user: User | None) -> str:
    """A short mark of the account's current password (a digest of its hash; empty for no
    account), which changes whenever the password does: the login limits count per password,
    so that an admin's reset lets a locked-out user in at once with the new one."""
    if user is None:
        return ""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Login:
    """What a login attempt came to: the user let in, or why the right password of an account
    that may not log in was not enough (``closed``), or neither (a wrong username or password,
    told apart by nobody)."""

    user: User | None = None
    closed: Closed | None = None


def authenticate(
    session: Session, username: str, password: str, *, now: datetime, remote_addr: str | None = None
) -> Login:
    """Check the credentials; both outcomes are audited. Only the right password of a closed
    account says why it is closed: without the password nobody learns whether an account
    exists."""
    user = get_user_by_username(session, username)
    if user is None:
        check_password_hash(_dummy_hash(), password or "")
        right = False
    else:
        right = check_password_hash(user.password_hash, password or "")
    closed = account_closed(user) if right else None
    if right and closed is None:
        user.last_login_at = now
        record_event(
            session, now=now, actor=user, action="auth.login", entity=user, remote_addr=remote_addr
        )
        return Login(user=user)
    record_event(
        session,
        now=now,
        actor=normalise_username(username)[:120] or "anonymous",
        action="auth.login_failed",
        entity=user,
        remote_addr=remote_addr,
    )
    return Login(closed=closed)
