"""Sessions end on the server (logout, lifetime, idle, password change and reset, deactivation),
and the login limits hold a stranger back without locking the officer out (docs/SECURITY.md)."""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from outreach.models import AuditEvent, Role, SessionEnd, User, UserSession, utcnow
from outreach.services.sessions import find_session, purge_sessions, start_session
from outreach.services.users import set_password
from tests.conftest import PASSWORD, IsolatedClient, change

STRANGER, OFFICE, ELSEWHERE = "198.51.100.66", "203.0.113.10", "192.0.2.20"


def device(app, address: str = OFFICE) -> IsolatedClient:
    """Another browser, from ``address`` (each request in its own app context, as in
    production: nothing cached in ``g`` from another browser's request)."""
    client = IsolatedClient(app, app.response_class, use_cookies=True)
    client.environ_base["REMOTE_ADDR"] = address
    return client


def log_in(client, user, password=PASSWORD):
    return client.post("/login", data={"username": user.username, "password": password})


def logged_in(client) -> bool:
    return client.get("/").status_code == 200


def copy_of_cookie(app, client) -> IsolatedClient:
    """A third browser holding a copy of ``client``'s session cookie, as a thief would."""
    thief = device(app, STRANGER)
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def sessions_of(db_session, user) -> list[UserSession]:
    db_session.rollback()
    query = select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id)
    return list(db_session.scalars(query))


# --- the session ends on the server ------------------------------------------------------


def test_logout_ends_the_session_a_copied_cookie_no_longer_logs_in(app, db_session, make_user):
    user = make_user(Role.OFFICER)
    phone = device(app)
    assert log_in(phone, user).status_code == 302
    thief = copy_of_cookie(app, phone)
    assert logged_in(thief)  # the copy works while the session lives: it is the session
    phone.post("/logout")
    assert not logged_in(phone)
    assert not logged_in(thief)
    (row,) = sessions_of(db_session, user)
    assert row.end_reason is SessionEnd.LOGOUT and row.ended_at is not None
    # A new login is a new session, the old cookie stays dead.
    assert log_in(phone, user).status_code == 302
    assert logged_in(phone) and not logged_in(thief)


def test_the_table_keeps_only_a_digest_of_the_token(app, db_session, make_user):
    user = make_user()
    phone = device(app)
    log_in(phone, user)
    (row,) = sessions_of(db_session, user)
    assert row.remote_addr == OFFICE
    assert row.user_agent and len(row.user_agent) <= 120
    # Whoever reads the table cannot make the cookie: a cookie carrying the digest is refused.
    forged = device(app)
    with app.test_request_context():
        from flask import session

        session["_user_id"] = row.token_hash
        session["_fresh"] = True
        cookie = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    forged.set_cookie("session", cookie)
    assert not logged_in(forged)


@pytest.mark.parametrize(
    ("age", "idle", "live"),
    [
        (timedelta(hours=11, minutes=50), timedelta(minutes=1), True),
        # Busy all along, but logged in longer ago than OUTREACH_SESSION_HOURS (12).
        (timedelta(hours=12, minutes=1), timedelta(minutes=1), False),
        (timedelta(hours=2), timedelta(minutes=59), True),
        # Left alone longer than OUTREACH_SESSION_IDLE_MINUTES (60).
        (timedelta(hours=2), timedelta(minutes=61), False),
    ],
)
def test_a_session_lives_its_lifetime_from_login_and_dies_when_left_idle(
    app, db_session, make_user, age, idle, live
):
    user = make_user()
    phone = device(app)
    log_in(phone, user)
    now = utcnow()
    db_session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id)
        .values(created_at=now - age, last_seen_at=now - idle)
    )
    db_session.commit()
    assert logged_in(phone) is live
    if live and idle > timedelta(minutes=5):  # a page view is activity: the idle clock restarts
        (row,) = sessions_of(db_session, user)
        assert utcnow() - row.last_seen_at < timedelta(minutes=1)
        assert logged_in(phone)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    age=st.integers(min_value=0, max_value=30 * 60),
    seen=st.integers(min_value=0, max_value=30 * 60),
    ended=st.booleans(),
    active=st.booleans(),
    idle_minutes=st.sampled_from([None, 30, 60]),
)
def test_a_session_is_found_only_while_every_rule_holds(
    db_session, make_user, age, seen, ended, active, idle_minutes
):
    """Any age and idle time (minutes), ended or not, active user or not: the session is live
    exactly when it is younger than the lifetime, seen within the idle limit, not ended, and its
    user is active."""
    lifetime, now = timedelta(hours=12), utcnow()
    user = db_session.scalar(select(User).where(User.username == "sesi-uji")) or make_user(
        Role.OFFICER, username="sesi-uji"
    )
    user.is_active = active
    token = start_session(db_session, user, now=now - timedelta(minutes=age))
    row = user.current_session
    row.last_seen_at = now - timedelta(minutes=min(seen, age))
    if ended:
        row.ended_at, row.end_reason = now, SessionEnd.LOGOUT
    db_session.flush()
    idle = timedelta(minutes=idle_minutes) if idle_minutes else None
    expected = (
        timedelta(minutes=age) < lifetime
        and (idle is None or timedelta(minutes=min(seen, age)) < idle)
        and not ended
        and active
    )
    found = find_session(db_session, token, now=now, lifetime=lifetime, idle=idle)
    assert (found is row) is expected
    assert find_session(db_session, token + "x", now=now, lifetime=lifetime) is None
    db_session.rollback()


def test_changing_ones_password_ends_the_other_sessions_only(app, db_session, make_user):
    user, colleague = make_user(Role.OFFICER), make_user(Role.OFFICER)
    phone, desk, colleagues_phone = device(app), device(app, ELSEWHERE), device(app)
    for client, who in ((phone, user), (desk, user), (colleagues_phone, colleague)):
        assert log_in(client, who).status_code == 302
    thief = copy_of_cookie(app, desk)
    response = phone.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": "baru-12345", "confirm": "baru-12345"},
    )
    assert response.status_code == 302
    assert logged_in(phone)  # the device that changed it carries on
    assert not logged_in(desk) and not logged_in(thief)
    assert logged_in(colleagues_phone)  # nobody else's session is touched
    reasons = [row.end_reason for row in sessions_of(db_session, user)]
    assert reasons == [None, SessionEnd.PASSWORD_CHANGED]


@pytest.mark.parametrize("how", ["password_reset", "deactivation"])
def test_an_admins_reset_or_a_deactivation_ends_every_session(app, db_session, make_user, how):
    user = make_user(Role.COORDINATOR)
    admin = make_user(Role.ADMIN)
    phone, desk = device(app), device(app, ELSEWHERE)
    log_in(phone, user), log_in(desk, user)
    target = db_session.get(User, user.id)
    if how == "password_reset":
        set_password(db_session, target, "baru-12345", now=utcnow(), actor=admin)
    else:
        change(db_session, target, actor=admin, is_active=False)
    db_session.commit()
    assert not logged_in(phone) and not logged_in(desk)
    if how == "deactivation":  # coming back does not bring the old sessions back
        change(db_session, db_session.get(User, user.id), actor=admin, is_active=True)
        db_session.commit()
        assert not logged_in(phone) and not logged_in(desk)
    expected = SessionEnd.PASSWORD_RESET if how == "password_reset" else SessionEnd.DEACTIVATED
    assert {row.end_reason for row in sessions_of(db_session, user)} == {expected}


def test_an_admin_resetting_their_own_password_stays_logged_in_on_a_new_session(
    app, db_session, make_user
):
    """The reset ends every session of the account, the admin's own included; the browser that
    did it carries on through a new one, as after a login (it carried the ended session's
    token, and the next page asked for a login)."""
    admin = make_user(Role.ADMIN)
    desk, laptop = device(app), device(app, ELSEWHERE)
    log_in(desk, admin), log_in(laptop, admin)
    thief = copy_of_cookie(app, desk)
    response = desk.post(
        f"/admin/users/{admin.id}/password",
        data={"reset-password": "baru-12345", "reset-confirm": "baru-12345"},
    )
    assert response.status_code == 302
    assert logged_in(desk)
    assert desk.get(f"/admin/users/{admin.id}").status_code == 200
    assert not logged_in(laptop) and not logged_in(thief)  # the old cookie of this desk too
    reasons = [row.end_reason for row in sessions_of(db_session, admin)]
    assert reasons == [SessionEnd.PASSWORD_RESET, SessionEnd.PASSWORD_RESET, None]


def test_old_sessions_are_purged_at_a_login_recent_ones_kept(app, db_session, make_user):
    user, other = make_user(), make_user()
    now, lifetime = utcnow(), timedelta(hours=12)
    for started, ended in [
        (now - timedelta(hours=40), None),  # ran out a long time ago: purged
        (now - timedelta(hours=20), None),  # ran out lately: kept a while
        (now - timedelta(hours=30), now - timedelta(hours=13)),  # ended long ago: purged
        (now - timedelta(hours=3), now - timedelta(hours=1)),  # ended lately: kept
        (now - timedelta(hours=1), None),  # live: kept
    ]:
        start_session(db_session, other, now=started)
        other.current_session.ended_at = ended
    db_session.commit()
    assert purge_sessions(db_session, now=now, lifetime=lifetime) == 2
    db_session.rollback()
    log_in(device(app), user)  # a login purges too: nothing more is due
    assert len(sessions_of(db_session, other)) == 3


# --- lockout resistance -------------------------------------------------------------------


def test_a_stranger_failing_an_officers_login_locks_out_only_himself(app, db_session, make_user):
    officer = make_user(Role.OFFICER)
    stranger = device(app, STRANGER)
    statuses = [log_in(stranger, officer, "tebak-tebak").status_code for _ in range(60)]
    assert statuses[:5] == [200] * 5 and set(statuses[5:]) == {429}
    # Even the right password waits, from the stranger's address…
    assert log_in(stranger, officer).status_code == 429
    # …while the officer, from the office, logs in at once: 60 tries, more than the account's
    # ceiling (50), yet the refused ones did not count against it.
    office = device(app, OFFICE)
    assert log_in(office, officer).status_code == 302 and logged_in(office)
    db_session.rollback()
    failures = db_session.scalar(
        select(AuditEvent.id)
        .where(AuditEvent.action == "auth.login_failed", AuditEvent.entity_id == str(officer.id))
        .order_by(AuditEvent.id.desc())
    )
    assert failures is not None  # each password that was checked is in the audit log


def test_the_accounts_ceiling_bounds_a_guess_spread_over_many_addresses(app, make_user):
    officer, colleague = make_user(Role.OFFICER), make_user(Role.OFFICER)
    # 10 addresses x 5 failures each = the account's 50 per hour, none held back by its own limit.
    for n in range(10):
        botnet = device(app, f"198.51.100.{n + 1}")
        assert [log_in(botnet, officer, "tebak").status_code for _ in range(5)] == [200] * 5
    # The ceiling holds: the next guess is refused from a fresh address, and so (for the hour)
    # is the officer on a browser that never logged in — the price of bounding a spread-out
    # guess. The officer's own phone is not held back (tests/web/test_device_cookies.py).
    assert log_in(device(app, "198.51.100.99"), officer, "tebak").status_code == 429
    assert log_in(device(app, OFFICE), officer).status_code == 429
    # Only that account: a colleague logs in from the same office.
    assert log_in(device(app, OFFICE), colleague).status_code == 302


def test_one_address_trying_many_accounts_is_held_back(app, make_user):
    users = [make_user() for _ in range(8)]
    stranger = device(app, STRANGER)
    statuses = [log_in(stranger, users[n % 8], "tebak").status_code for n in range(31)]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429  # 30 per 15 minutes
    assert log_in(device(app, OFFICE), users[0]).status_code == 302


# --- the change-password form -------------------------------------------------------------


def change_password(client, current, new="baru-12345", confirm=None):
    return client.post(
        "/account/password",
        data={"current_password": current, "password": new, "confirm": confirm or new},
    )


def test_wrong_current_passwords_are_audited_and_limited_per_account(app, db_session, make_user):
    user, colleague = make_user(Role.OFFICER), make_user(Role.OFFICER)
    phone, colleagues_phone = device(app), device(app)
    log_in(phone, user), log_in(colleagues_phone, colleague)
    # Mistakes that check no password do not count: two passwords that differ, a short one.
    for _ in range(6):
        assert change_password(phone, "salah", "baru-12345", "lain-12345").status_code == 200
        assert change_password(phone, "salah", "pendek").status_code == 200
    statuses = [change_password(phone, f"tebakan-{n}").status_code for n in range(6)]
    assert statuses == [200] * 5 + [429]  # 5 per 15 minutes, like a login
    assert "Terlalu banyak" in change_password(phone, PASSWORD).get_data(as_text=True)
    db_session.rollback()
    assert db_session.get(User, user.id).password_hash == user.password_hash  # nothing changed
    events = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "auth.password_change_failed")
    ).all()
    assert len(events) == 5
    assert {(event.user_id, event.remote_addr) for event in events} == {(user.id, OFFICE)}
    assert all("tebakan" not in str(event.changes) for event in events)  # no password logged
    # The limit is the account's: a colleague changes theirs.
    assert change_password(colleagues_phone, PASSWORD).status_code == 302
    assert logged_in(phone)  # and being held back there does not log the user out


# --- the language picked on a shared browser ----------------------------------------------


@pytest.mark.parametrize(("minutes_ago", "saved"), [(1, "en"), (6, "id"), (60 * 24, "id")])
def test_a_language_picked_on_the_login_page_is_saved_only_if_picked_lately(
    app, db_session, make_user, minutes_ago, saved
):
    """Someone picks English on the shared browser's login page and walks away: the next person
    to log in there keeps their own language, once a few minutes have passed."""
    from outreach.web.auth.views import LOCALE_CHOSEN

    user = make_user()
    browser = device(app)
    browser.post("/language", data={"locale": "en", "next": "/login"})
    with browser.session_transaction() as session:
        session[LOCALE_CHOSEN] -= minutes_ago * 60
    assert '<html lang="en">' in browser.get("/login").get_data(as_text=True)
    log_in(browser, user)
    db_session.rollback()
    assert db_session.get(User, user.id).locale == saved
    assert f'<html lang="{saved}">' in browser.get("/").get_data(as_text=True)


def test_a_pick_from_before_this_release_is_not_saved(app, db_session, make_user):
    from outreach.web.auth.views import LOCALE_CHOSEN

    user = make_user()
    browser = device(app)
    with browser.session_transaction() as session:
        session["locale"], session[LOCALE_CHOSEN] = "en", True  # the old flag, without a time
    log_in(browser, user)
    db_session.rollback()
    assert db_session.get(User, user.id).locale == "id"


# --- the login page says why the session ended --------------------------------------------


def said(response) -> str:
    """The words of a page, without its markup."""
    import re
    from html import unescape

    page = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page)))


ASK_TO_LOG_IN = "Silakan masuk untuk membuka halaman ini."


def _idle(db_session, user, admin):
    db_session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id)
        .values(last_seen_at=utcnow() - timedelta(minutes=61))
    )


def _too_long(db_session, user, admin):
    now = utcnow()
    db_session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id)
        .values(created_at=now - timedelta(hours=12, minutes=1), last_seen_at=now)
    )


def _reset(db_session, user, admin):
    set_password(db_session, db_session.get(User, user.id), "baru-12345", now=utcnow(), actor=admin)


def _deactivated(db_session, user, admin):
    change(db_session, db_session.get(User, user.id), actor=admin, is_active=False)


def _deactivated_for_a_while(db_session, user, admin):
    _deactivated(db_session, user, admin)
    db_session.flush()
    change(db_session, db_session.get(User, user.id), actor=admin, is_active=True)


@pytest.mark.parametrize(
    ("end", "why"),
    [
        (_idle, "Anda dikeluarkan otomatis setelah 60 menit tanpa aktivitas. Silakan masuk lagi."),
        (_too_long, "karena sekali masuk berlaku paling lama 12 jam. Silakan masuk lagi."),
        (_reset, "Admin Dukcapil mengatur kata sandi baru untuk akun Anda, jadi Anda dikeluarkan."),
        (_deactivated, "Akun Anda dinonaktifkan, jadi Anda dikeluarkan. Hubungi admin Dukcapil."),
        (_deactivated_for_a_while, "Akun Anda sempat dinonaktifkan, jadi Anda dikeluarkan."),
    ],
    ids=["idle", "lifetime", "password_reset", "deactivated", "deactivated_for_a_while"],
)
def test_the_login_page_says_once_why_the_session_ended(app, db_session, make_user, end, why):
    user, admin = make_user(Role.COORDINATOR), make_user(Role.ADMIN)
    phone = device(app)
    log_in(phone, user)
    end(db_session, user, admin)
    db_session.commit()
    page = said(phone.get("/visits", follow_redirects=True))
    assert why in page
    assert ASK_TO_LOG_IN not in page  # the reason instead of the bare request
    assert "OUTREACH" not in page and "detik" not in page  # no setting names, no seconds
    # Once: the next page asked for says only that a login is needed.
    again = said(phone.get("/visits", follow_redirects=True))
    assert why not in again and ASK_TO_LOG_IN in again


def test_a_password_changed_elsewhere_is_the_reason_on_the_other_device(app, make_user):
    user = make_user(Role.OFFICER)
    phone, desk = device(app), device(app, ELSEWHERE)
    log_in(phone, user), log_in(desk, user)
    change_password(phone, PASSWORD)
    page = said(desk.get("/", follow_redirects=True))
    assert "Kata sandi Anda diganti di perangkat lain, jadi Anda dikeluarkan di sini." in page


def test_the_reason_is_told_on_the_login_page_opened_directly(app, db_session, make_user):
    user = make_user()
    phone = device(app)
    log_in(phone, user)
    _idle(db_session, user, None)
    db_session.commit()
    assert "60 menit tanpa aktivitas" in said(phone.get("/login"))
    assert "60 menit tanpa aktivitas" not in said(phone.get("/login"))


def test_a_logout_is_the_reason_for_another_tab_and_for_a_cookie_kept_from_before(app, make_user):
    user = make_user()
    phone = device(app)
    log_in(phone, user)
    kept = copy_of_cookie(app, phone)  # the cookie as it was before the logout
    logged_out = said(phone.post("/logout", follow_redirects=True))
    assert "Anda sudah keluar." in logged_out
    assert "di peramban ini" not in logged_out  # told once, and not twice on this page
    # Another tab of the same browser opens a page later.
    later = said(phone.get("/visits", follow_redirects=True))
    assert "Anda sudah keluar di peramban ini. Silakan masuk lagi." in later
    assert ASK_TO_LOG_IN not in later
    assert ASK_TO_LOG_IN in said(phone.get("/visits", follow_redirects=True))
    # The cookie of that session, sent again, is told the same.
    assert "Anda sudah keluar di peramban ini." in said(kept.get("/visits", follow_redirects=True))


def test_a_dead_sessions_cookie_is_not_looked_up_again(app, db_session, make_user):
    """Told once because the dead token leaves the cookie: the next request names no session."""
    user = make_user()
    phone = device(app)
    log_in(phone, user)
    _idle(db_session, user, None)
    db_session.commit()
    phone.get("/")
    with phone.session_transaction() as session:
        assert "_user_id" not in session
    assert log_in(phone, user).status_code == 302 and logged_in(phone)


# --- the lock-out says how long, and what else to do ---------------------------------------


def test_a_locked_login_says_how_long_and_that_the_admin_can_reset(app, make_user):
    user = make_user()
    phone = device(app)
    for _ in range(5):
        log_in(phone, user, "salah")
    response = log_in(phone, user, "salah")
    assert response.status_code == 429
    page = said(response)
    assert (
        "Terlalu banyak percobaan masuk yang gagal. Demi keamanan, tunggu 15 menit sebelum "
        "mencoba lagi, atau minta admin Dukcapil mengatur ulang kata sandi Anda." in page
    )
    assert "beberapa menit" not in page and "detik" not in page


def test_the_admins_reset_lets_a_locked_out_user_in_at_once(app, db_session, make_user):
    """What the lock-out page offers works: the new password opens at once, from the same
    address, while the old one stays held back for the stranger who guessed it."""
    user, admin = make_user(Role.OFFICER), make_user(Role.ADMIN)
    phone = device(app)
    for _ in range(5):
        log_in(phone, user, "lupa-lupa")
    assert log_in(phone, user).status_code == 429
    _reset(db_session, user, admin)
    db_session.commit()
    assert log_in(phone, user, "baru-12345").status_code == 302 and logged_in(phone)


def test_an_address_trying_many_accounts_is_told_to_wait_not_to_reset(app, make_user):
    users = [make_user() for _ in range(8)]
    stranger = device(app, STRANGER)
    for n in range(30):
        log_in(stranger, users[n % 8], "tebak")
    response = log_in(stranger, users[0], "tebak")
    assert response.status_code == 429
    page = said(response)
    assert "dari jaringan ini. Demi keamanan, tunggu 15 menit sebelum mencoba lagi." in page
    assert "mengatur ulang" not in page  # a reset would not lift an address's limit


class TestTheWaitIsTheLimitsOwn:
    @pytest.fixture
    def app_config(self):
        return {
            "LOGIN_LIMIT_PER_ACCOUNT_ADDRESS": "2 per 90 seconds",
            "LOGIN_LIMIT_PER_ACCOUNT": "100 per hour",
            "PASSWORD_CHANGE_LIMIT": "1 per 7 minutes",
        }

    def test_the_wait_is_rounded_up_to_whole_minutes(self, app, make_user):
        user = make_user()
        phone = device(app)
        log_in(phone, user, "salah"), log_in(phone, user, "salah")
        page = said(log_in(phone, user, "salah"))
        assert "tunggu 2 menit sebelum mencoba lagi" in page and "detik" not in page

    def test_the_change_password_form_says_its_own_wait(self, app, make_user):
        user = make_user()
        phone = device(app)
        log_in(phone, user)
        change_password(phone, "salah")
        assert "tunggu 7 menit" in said(change_password(phone, "salah"))


def test_a_held_back_password_change_shows_the_form_again_with_the_wait(app, make_user):
    user = make_user(Role.OFFICER)
    phone = device(app)
    log_in(phone, user)
    for n in range(5):
        change_password(phone, f"tebakan-{n}")
    response = change_password(phone, f"tebakan-{5}")
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    for name in ("current_password", "password", "confirm"):
        assert f'name="{name}"' in html  # the form itself, not the generic error page
    page = said(response)
    assert "Ganti kata sandi" in page
    assert (
        "Demi keamanan, tunggu 15 menit sebelum mencoba lagi, atau minta admin Dukcapil "
        "mengatur ulang kata sandi Anda." in page
    )
    assert "Terlalu banyak permintaan dalam waktu singkat" not in page


@pytest.mark.parametrize(
    "body",
    [
        {"username": "x", "password": "salah"},
        {"username": 5, "password": True},
        {"username": ["a", "b"], "password": None},
        [1, 2, 3],
        "teks",
        17,
    ],
    ids=["strings", "number-and-bool", "list-and-null", "array", "string", "number"],
)
def test_a_json_body_is_no_form(app, make_user, body):
    """No page sends the login (or any form) as JSON: such a body fills no field, checks no
    password and gives no 500, whatever its shape."""
    user = make_user()
    if isinstance(body, dict) and body.get("username") == "x":
        body = {**body, "username": user.username, "password": PASSWORD}
    sent = device(app).post("/login", json=body)
    assert sent.status_code == 200
    assert "Masuk" in said(sent)
