"""People who log in, with their role and what they are bound to (a team or a school), and
their sessions: one row per login, ended on the server by a logout, a password change or reset,
or a deactivation."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.models.base import Base, UTCDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from outreach.models.school import School
    from outreach.models.team import Team


class Role(enum.Enum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    OFFICER = "officer"
    LIAISON = "liaison"


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("team_id IS NULL OR role = 'officer'", name="team_only_for_officers"),
        CheckConstraint("school_id IS NULL OR role = 'liaison'", name="school_only_for_liaisons"),
        CheckConstraint("locale IN ('id', 'en')", name="locale_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    email: Mapped[str | None] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(2), default="id")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    team: Mapped[Team | None] = relationship(back_populates="members")
    school: Mapped[School | None] = relationship()

    # Flask-Login's protocol, spelled out so that the model needs no Flask import.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    # The login session this request came with and its token, which Flask-Login keeps in the
    # cookie: set by the login and the login loader, never stored (plain attributes, unmapped).
    current_session = None
    current_token = None

    def get_id(self) -> str | None:
        return self.current_token

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role.value}>"


class SessionEnd(enum.Enum):
    """Why a login session ended before its time ran out."""

    LOGOUT = "logout"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 (by the user: their other sessions end)
    PASSWORD_RESET = "password_reset"  # noqa: S105 (by an admin: all of them)
    DEACTIVATED = "deactivated"


class UserSession(Base):
    """One login on one device. The cookie carries ``token``; the table keeps only its SHA-256,
    so a copy of the database opens no session."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[SessionEnd | None] = mapped_column(enum_type(SessionEnd, "session_end"))
    remote_addr: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(120))
    # The one-time mark of an audited "show the full NIK" (services.sessions.mark_nik_shown):
    # which request's, and when; taken out by the page that shows it. Kept here, not in the
    # browser's cookie, so that a replayed cookie shows nothing. No foreign key: a request
    # removed meanwhile leaves a mark that matches nothing.
    nik_shown_resident_id: Mapped[int | None] = mapped_column()
    nik_shown_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<UserSession {self.id} of user {self.user_id} ended={self.end_reason}>"
