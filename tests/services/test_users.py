"""Accounts: the rules for creating, changing and authenticating users."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from outreach.errors import Conflict, DomainError
from outreach.models import AuditEvent, Role, UserSession, utcnow
from outreach.services.sessions import Closed, find_session, start_session
from outreach.services.users import Login, authenticate, create_user, set_password
from tests.conftest import PASSWORD, change


def new_user(session, **overrides):
    values = {"username": "yulia", "name": "Yulia", "role": Role.COORDINATOR, "password": PASSWORD}
    values.update(overrides)
    return create_user(session, now=utcnow(), actor="test", **values)


@pytest.mark.parametrize("username", ["ab", "-dash", "spasi ada", "x" * 65, "ümlaut"])
def test_bad_usernames_are_refused_on_the_username_field(db_session, username):
    with pytest.raises(DomainError) as error:
        new_user(db_session, username=username)
    assert error.value.field == "username"


def test_usernames_are_case_insensitive_and_unique(db_session):
    user = new_user(db_session, username="  Yulia.S ")
    assert user.username == "yulia.s"
    with pytest.raises(Conflict) as error:
        new_user(db_session, username="YULIA.S")
    assert error.value.field == "username"


def test_short_password_is_refused(db_session):
    with pytest.raises(DomainError) as error:
        new_user(db_session, password="1234567")
    assert error.value.field == "password"


def test_only_officers_have_a_team_and_only_liaisons_a_school(db_session, make_team, make_school):
    with pytest.raises(DomainError) as error:
        new_user(db_session, team=make_team())
    assert error.value.field == "team"
    with pytest.raises(DomainError) as error:
        new_user(db_session, role=Role.OFFICER, school=make_school())
    assert error.value.field == "school"


def test_creating_a_user_is_audited_without_the_password(db_session):
    user = new_user(db_session)
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create"))
    assert event.entity_id == str(user.id) and event.actor == "test"
    assert PASSWORD not in str(event.changes)


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(db_session, make_user):
    admin = make_user(Role.ADMIN)
    with pytest.raises(DomainError):
        change(db_session, admin, role=Role.COORDINATOR)
    with pytest.raises(DomainError):
        change(db_session, admin, is_active=False)
    second = make_user(Role.ADMIN)
    change(db_session, admin, actor=second, role=Role.COORDINATOR)
    assert admin.role is Role.COORDINATOR


def test_an_admin_cannot_deactivate_themself_or_change_their_own_role(db_session, make_user):
    admin = make_user(Role.ADMIN)
    make_user(Role.ADMIN)
    with pytest.raises(DomainError) as error:
        change(db_session, admin, actor=admin, is_active=False)
    assert error.value.field == "is_active"
    with pytest.raises(DomainError) as error:
        change(db_session, admin, actor=admin, role=Role.COORDINATOR)
    assert error.value.field == "role"


def test_deactivating_or_resetting_the_password_ends_open_sessions(db_session, make_user):
    officer = make_user(Role.OFFICER)
    now, lifetime = utcnow(), timedelta(hours=12)

    def live(token):
        return find_session(db_session, token, now=now, lifetime=lifetime) is not None

    tokens = [start_session(db_session, officer, now=now) for _ in range(2)]
    set_password(db_session, officer, "kata-sandi-baru", now=now, actor="test")
    assert not any(live(token) for token in tokens)
    tokens = [start_session(db_session, officer, now=now) for _ in range(2)]
    change(db_session, officer, is_active=False)
    assert not any(live(token) for token in tokens)
    ended = db_session.scalars(select(UserSession).where(UserSession.user_id == officer.id))
    assert sorted(row.end_reason.value for row in ended) == [
        "deactivated",
        "deactivated",
        "password_reset",
        "password_reset",
    ]


def test_authenticate_checks_password_and_active_flag_and_audits_both(db_session, make_user):
    user = make_user(Role.COORDINATOR, username="koor")
    assert authenticate(db_session, "KOOR", PASSWORD, now=utcnow()) == Login(user=user)
    assert authenticate(db_session, "koor", "salah", now=utcnow()) == Login()
    assert authenticate(db_session, "tidak-ada", PASSWORD, now=utcnow()) == Login()
    user.is_active = False
    # The right password of a closed account says why; a wrong one says no more than ever.
    assert authenticate(db_session, "koor", PASSWORD, now=utcnow()) == Login(closed=Closed.ACCOUNT)
    assert authenticate(db_session, "koor", "salah", now=utcnow()) == Login()
    actions = list(db_session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-5:] == [
        "auth.login",
        "auth.login_failed",
        "auth.login_failed",
        "auth.login_failed",
        "auth.login_failed",
    ]
