"""People who log in, with their role and what they are bound to (a team or a school)."""

from __future__ import annotations

import enum
import secrets
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


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


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
    # Part of the login cookie; replaced on password reset or deactivation, which logs the
    # user out everywhere.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
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

    def get_id(self) -> str:
        return self.session_token

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role.value}>"
