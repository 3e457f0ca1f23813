"""Logging in and out, the login guard on every page, rate limits and the language switch."""

import pytest
from sqlalchemy import select

from outreach.extensions import db
from outreach.models import AuditEvent, Role, User
from tests.conftest import PASSWORD, change, redis_limits

PUBLIC_ENDPOINTS = {
    "auth.login",
    "auth.language",
    "main.healthz",
    "static",
    "bootstrap.static",
    "field.service_worker",  # the worker and its "no signal" page, kept on every phone
    "field.offline",
}
# What the phone's script asks (web.access.api): a 401 in JSON, never the login page's redirect.
API_ENDPOINTS = {"field.token", "field.pages"}
# Opened by a secret token instead of a login (liaison links, calendar feeds): a made-up token
# gets a "not found" page, never the login form.
TOKEN_ENDPOINTS = {"liaison.respond", "feeds.team_feed", "feeds.school_feed"}


def every_page(app):
    """(endpoint, url) for every GET route, with 1 for any id in the path and the first
    choice of an ``any(…)`` part."""
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods:
                continue
            values = {
                name: sorted(getattr(rule._converters[name], "items", [1]))[0]
                for name in rule.arguments
            }
            if "filename" in values:
                static = {"static": "css/app.css", "bootstrap.static": "css/bootstrap.min.css"}
                values["filename"] = static[rule.endpoint]
            yield rule.endpoint, app.url_for(rule.endpoint, **values)


def test_every_page_but_login_and_health_sends_anonymous_users_to_login(app, client):
    checked = 0
    for endpoint, url in every_page(app):
        response = client.get(url)
        response.close()
        if endpoint in PUBLIC_ENDPOINTS:
            assert response.status_code == 200, url
        elif endpoint in TOKEN_ENDPOINTS:
            assert response.status_code == 404, url
        elif endpoint in API_ENDPOINTS:
            assert response.status_code == 401 and response.is_json, url
        else:
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith("/login?next="), url
            checked += 1
    assert checked >= 5


def test_login_page_is_indonesian_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="id">' in page
    assert "Nama pengguna" in page and "Kata sandi" in page and "Masuk" in page


def test_login_with_the_right_password_opens_the_home_page(client, make_user):
    user = make_user(Role.COORDINATOR, name="Yulia Safitri")
    response = client.post(
        "/login", data={"username": user.username, "password": PASSWORD}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "Selamat datang, Yulia Safitri" in response.get_data(as_text=True)


def test_a_wrong_password_gets_one_generic_message(client, make_user):
    user = make_user()
    wrong_password = client.post("/login", data={"username": user.username, "password": "x"})
    unknown_user = client.post("/login", data={"username": "siapa", "password": "x"})
    for response in (wrong_password, unknown_user):
        assert response.status_code == 200
        assert "Nama pengguna atau kata sandi salah." in response.get_data(as_text=True)


def words(response) -> str:
    import re
    from html import unescape

    page = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page)))


def test_a_deactivated_accounts_right_password_is_told_why_and_opens_nothing(
    client, db_session, make_user
):
    user = make_user(Role.OFFICER)
    change(db_session, db_session.get(User, user.id), is_active=False)
    db_session.commit()
    for _ in range(6):  # the right password is no guess: it never runs into the lock-out
        response = client.post("/login", data={"username": user.username, "password": PASSWORD})
        assert response.status_code == 200
        page = words(response)
        assert "Akun Anda dinonaktifkan: hubungi admin Dukcapil." in page
        assert "kata sandi salah" not in page
    assert client.get("/").status_code == 302  # no session was started
    db_session.rollback()
    actions = db_session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity_id == str(user.id))
    ).all()
    assert actions.count("auth.login_failed") == 6 and "auth.login" not in actions


def test_without_the_password_no_account_can_be_told_from_another(
    client, db_session, make_user, make_school
):
    """A wrong password reads the same for an active account, a deactivated one, a closed
    school's liaison and a name nobody has: nothing says which exist or are closed."""
    from outreach.models import utcnow
    from outreach.services.schools.registry import set_school_active

    active, closed = make_user(), make_user()
    school = make_school()
    liaison = make_user(Role.LIAISON, school=school)
    change(db_session, db_session.get(User, closed.id), is_active=False)
    set_school_active(db_session, school, False, now=utcnow(), actor="test", version=None)
    db_session.commit()
    pages = {
        name: words(client.post("/login", data={"username": name, "password": "salah-123"}))
        for name in (active.username, closed.username, liaison.username, "tidak-ada-orangnya")
    }
    assert len(set(pages.values())) == 1, pages
    assert "Nama pengguna atau kata sandi salah." in next(iter(pages.values()))


def test_the_login_page_tells_school_operators_both_ways_in(client):
    page = words(client.get("/login"))
    assert "tidak memerlukan akun" not in page  # liaison accounts exist
    assert (
        "Operator sekolah dapat membuka tautan yang diterima lewat WhatsApp tanpa masuk, atau "
        "masuk dengan akun yang diberikan kantor Dukcapil." in page
    )


def test_empty_fields_are_named(client):
    page = client.post("/login", data={}).get_data(as_text=True)
    assert "Isi nama pengguna Anda." in page and "Isi kata sandi Anda." in page


def test_login_returns_to_the_page_asked_for_but_never_to_another_site(client, make_user):
    user = make_user(Role.ADMIN)
    response = client.post(
        "/login", data={"username": user.username, "password": PASSWORD, "next": "/admin/users"}
    )
    assert response.headers["Location"] == "/admin/users"
    client.post("/logout")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(
            "/login", data={"username": user.username, "password": PASSWORD, "next": target}
        )
        assert response.headers["Location"] == "/", target
        client.post("/logout")


def test_ten_wrong_passwords_in_a_row_get_a_rate_limit_message_not_a_500(client, make_user):
    user = make_user()
    statuses = []
    for _ in range(10):
        response = client.post("/login", data={"username": user.username, "password": "salah"})
        statuses.append(response.status_code)
    assert 500 not in statuses
    assert statuses[-1] == 429
    page = response.get_data(as_text=True)
    assert "Terlalu banyak percobaan masuk yang gagal" in page
    # Even the right password waits now: the account is protected for a while.
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 429


def test_successful_logins_do_not_count_against_the_limit(client, make_user):
    user = make_user()
    for _ in range(8):
        assert (
            client.post(
                "/login", data={"username": user.username, "password": PASSWORD}
            ).status_code
            == 302
        )
        client.post("/logout")


def test_logout_asks_on_get_and_logs_out_on_post(client, make_user, login):
    login(make_user())
    page = client.get("/logout")
    assert page.status_code == 200 and "Keluar dari aplikasi?" in page.get_data(as_text=True)
    assert client.get("/").status_code == 200  # still logged in after the GET
    response = client.post("/logout", follow_redirects=True)
    assert "Anda sudah keluar." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_a_deactivated_user_is_logged_out_at_the_next_request(client, db_session, make_user, login):
    user = make_user(Role.COORDINATOR)
    login(user)
    change(db_session, user, is_active=False)
    db_session.commit()
    assert client.get("/").status_code == 302


def test_language_switch_persists_on_the_account(client, db_session, make_user, login):
    user = make_user()
    login(user)
    client.post("/language", data={"locale": "en", "next": "/"})
    assert "Good day" in client.get("/").get_data(as_text=True)
    db_session.rollback()
    assert db_session.get(User, user.id).locale == "en"
    # A new session (another browser) gets the saved choice.
    client.post("/logout")
    other = client.application.test_client()
    login_response = other.post(
        "/login", data={"username": user.username, "password": PASSWORD}, follow_redirects=True
    )
    assert '<html lang="en">' in login_response.get_data(as_text=True)


def test_anonymous_language_choice_lives_in_the_session(client):
    client.post("/language", data={"locale": "en", "next": "/login"})
    page = client.get("/login").get_data(as_text=True)
    assert "Username" in page and '<html lang="en">' in page


@pytest.mark.parametrize(("saved", "picked"), [("id", "en"), ("en", "id")])
def test_the_language_picked_on_the_login_page_is_kept_at_login_and_saved(
    client, db_session, make_user, saved, picked
):
    user = make_user()
    db_session.get(User, user.id).locale = saved
    db_session.commit()
    client.get("/login")
    client.post("/language", data={"locale": picked, "next": "/login"})
    home = client.post(
        "/login", data={"username": user.username, "password": PASSWORD}, follow_redirects=True
    )
    assert f'<html lang="{picked}">' in home.get_data(as_text=True)
    db_session.rollback()
    assert db_session.get(User, user.id).locale == picked
    # The next login elsewhere, without touching the switch, speaks the saved language.
    other = client.application.test_client()
    page = other.post(
        "/login", data={"username": user.username, "password": PASSWORD}, follow_redirects=True
    )
    assert f'<html lang="{picked}">' in page.get_data(as_text=True)


def test_without_the_switch_the_login_gives_the_accounts_language(client, db_session, make_user):
    english, indonesian = make_user(), make_user()
    db_session.get(User, english.id).locale = "en"
    db_session.commit()
    # The first logs in and out: the login page stays in their English, untouched.
    client.post("/login", data={"username": english.username, "password": PASSWORD})
    client.post("/logout")
    assert '<html lang="en">' in client.get("/login").get_data(as_text=True)
    # The next person on the same browser gets their own account's language, which stays.
    home = client.post(
        "/login",
        data={"username": indonesian.username, "password": PASSWORD},
        follow_redirects=True,
    )
    assert '<html lang="id">' in home.get_data(as_text=True)
    db_session.rollback()
    assert db_session.get(User, indonesian.id).locale == "id"


def test_a_failed_login_keeps_the_picked_language_for_the_next_try(client, db_session, make_user):
    user = make_user()
    client.post("/language", data={"locale": "en", "next": "/login"})
    wrong = client.post("/login", data={"username": user.username, "password": "salah"})
    assert "Wrong username or password." in wrong.get_data(as_text=True)
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    db_session.rollback()
    assert db_session.get(User, user.id).locale == "en"


def test_logins_and_failures_are_audited_with_the_address(client, db_session, make_user):
    user = make_user()
    client.post("/login", data={"username": user.username, "password": "salah"})
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    db_session.rollback()
    events = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("auth.%")).order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["auth.login_failed", "auth.login"]
    assert all(e.remote_addr == "127.0.0.1" for e in events)


class TestWithCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_a_login_post_without_the_token_is_refused_with_a_friendly_page(
        self, client, make_user
    ):
        user = make_user()
        response = client.post("/login", data={"username": user.username, "password": PASSWORD})
        assert response.status_code == 400
        assert "Formulir mungkin sudah kedaluwarsa" in response.get_data(as_text=True)

    def test_the_login_form_carries_its_token(self, client):
        assert 'name="csrf_token"' in client.get("/login").get_data(as_text=True)


class TestRateLimitsInRedis:
    """With RATELIMIT_STORAGE_URI set, the counters live in Redis, shared by every worker."""

    @pytest.fixture
    def app_config(self):
        return redis_limits()

    def test_failed_logins_are_counted_across_workers(self, app, make_user):
        from outreach import create_app
        from tests.conftest import base_config

        user = make_user()
        # A second app on the same database and Redis stands for a second gunicorn worker.
        other_worker = create_app(
            base_config(
                app.config["SQLALCHEMY_DATABASE_URI"],
                RATELIMIT_STORAGE_URI=app.config["RATELIMIT_STORAGE_URI"],
                RATELIMIT_KEY_PREFIX=app.config["RATELIMIT_KEY_PREFIX"],
            )
        )
        clients = [app.test_client(), other_worker.test_client()]
        try:
            statuses = [
                clients[attempt % 2]
                .post("/login", data={"username": user.username, "password": "salah"})
                .status_code
                for attempt in range(6)
            ]
        finally:
            with other_worker.app_context():
                db.engine.dispose()  # its pooled connections must not outlive the test
        assert statuses[:5] == [200] * 5
        assert statuses[5] == 429


def test_a_user_changes_their_own_password_and_other_sessions_end(client, make_user, login):
    user = make_user(Role.OFFICER)
    login(user)
    other_device = client.application.test_client()
    other_device.post("/login", data={"username": user.username, "password": PASSWORD})
    assert other_device.get("/").status_code == 200

    wrong = client.post(
        "/account/password",
        data={"current_password": "salah", "password": "baru-12345", "confirm": "baru-12345"},
    )
    assert "Kata sandi saat ini tidak benar." in wrong.get_data(as_text=True)
    same = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": PASSWORD, "confirm": PASSWORD},
    )
    assert "berbeda dari kata sandi saat ini" in same.get_data(as_text=True)

    done = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": "baru-12345", "confirm": "baru-12345"},
        follow_redirects=True,
    )
    assert "Kata sandi Anda sudah diganti." in done.get_data(as_text=True)
    assert client.get("/").status_code == 200  # this device stays logged in
    assert other_device.get("/").status_code == 302  # the other one is logged out


def test_ones_own_password_change_is_audited_on_the_account(client, db_session, make_user, login):
    """Both events of the change-password form name the account (they named "LocalProxy", the
    type of flask_login's current_user, so the account's history never showed them)."""
    user = make_user(Role.OFFICER)
    login(user)
    client.post(
        "/account/password",
        data={"current_password": "salah", "password": "baru-12345", "confirm": "baru-12345"},
    )
    client.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": "baru-12345", "confirm": "baru-12345"},
    )
    db_session.rollback()
    events = db_session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action.in_(["auth.password_change_failed", "user.password_reset"]))
        .order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.entity_type, e.entity_id, e.user_id) for e in events] == [
        ("auth.password_change_failed", "User", str(user.id), user.id),
        ("user.password_reset", "User", str(user.id), user.id),
    ]


def test_an_event_is_never_about_a_proxy(app, db_session, make_user):
    """record_event takes the object behind a werkzeug LocalProxy (current_user is one), for
    the record and the actor alike, whatever view forgets to."""
    from werkzeug.local import LocalProxy

    from outreach.models import utcnow
    from outreach.services.audit import event_row, record_event

    user = make_user()
    proxy = LocalProxy(lambda: user)
    event = record_event(db_session, now=utcnow(), actor=proxy, action="test.proxy", entity=proxy)
    assert (event.entity_type, event.entity_id, event.user_id) == ("User", str(user.id), user.id)
    assert event_row(now=utcnow(), actor=proxy, action="test.proxy")["actor"] == user.username
    db_session.rollback()


def test_production_cookies_are_secure_httponly_lax_and_expire_with_the_session_lifetime(
    database_url, make_user, monkeypatch
):
    """With the production defaults (no testing, no debug), logging in over HTTPS sets a
    session cookie that only HTTPS carries, scripts cannot read, other sites do not send, and
    that ends after OUTREACH_SESSION_HOURS."""
    from datetime import UTC, datetime, timedelta
    from email.utils import parsedate_to_datetime

    from outreach import create_app

    for name in ("OUTREACH_TESTING", "FLASK_DEBUG", "SESSION_COOKIE_SECURE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-for-this-test-0123456789")
    monkeypatch.setenv("OUTREACH_SESSION_HOURS", "8")
    user = make_user()
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": False})
    assert not app.testing and not app.debug
    client = app.test_client()
    try:
        response = client.post(
            "/login",
            data={"username": user.username, "password": PASSWORD},
            base_url="https://jemputbola.example.go.id",
        )
    finally:
        with app.app_context():
            db.engine.dispose()
    assert response.status_code == 302
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    assert set(cookies) == {"session", "login_device"}
    for cookie in cookies.values():
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    expires = parsedate_to_datetime(cookies["session"].split("Expires=")[1].split(";")[0])
    assert abs(expires - (datetime.now(UTC) + timedelta(hours=8))) < timedelta(minutes=5)
    # The device cookie outlives the session (docs/SECURITY.md, "Login limits").
    assert "Max-Age=15552000" in cookies["login_device"]


@pytest.mark.parametrize(("proxies", "seen"), [(0, "127.0.0.1"), (1, "203.0.113.7")])
def test_the_address_behind_a_proxy_is_trusted_only_when_a_proxy_is_declared(
    database_url, make_user, proxies, seen
):
    """Rate limits and the audit log count by address: behind nginx (OUTREACH_PROXIES=1) the
    address nginx saw; without a declared proxy, a forged header changes nothing."""
    from outreach import create_app
    from tests.conftest import base_config

    user = make_user()
    app = create_app(base_config(database_url, OUTREACH_PROXIES=proxies))
    try:
        response = app.test_client().post(
            "/login",
            data={"username": user.username, "password": "salah"},
            headers={"X-Forwarded-For": "203.0.113.7"},
        )
        assert response.status_code == 200
        with app.app_context():
            event = db.session.scalar(
                select(AuditEvent)
                .where(AuditEvent.action == "auth.login_failed")
                .order_by(AuditEvent.id.desc())
            )
            assert event.remote_addr == seen
    finally:
        with app.app_context():
            db.engine.dispose()


def test_a_redirect_target_with_a_line_break_or_a_control_character_is_not_followed(client):
    from outreach.web.auth.views import safe_next

    for target in ("/\r\nX: y", "/visits\tx", "/a\x00b", "/a\x7fb"):
        assert safe_next(target) is None, repr(target)
    assert safe_next("/visits?month=2026-12") == "/visits?month=2026-12"
    response = client.post("/language", data={"locale": "en", "next": "/\r\nX: y"})
    assert response.status_code in (302, 303) and "X" not in response.headers


def test_a_too_short_new_password_is_said_once(client, make_user, login):
    login(make_user())
    short = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": "pendek", "confirm": "pendek"},
    )
    assert words(short).count("Minimal 8 karakter.") == 1  # the error, not the hint too
    # With another error on the field, or none, the hint is there.
    empty = words(client.post("/account/password", data={"current_password": PASSWORD}))
    assert "Buat kata sandi." in empty and "Minimal 8 karakter." in empty
    assert "Minimal 8 karakter." in words(client.get("/account/password"))


def test_save_and_cancel_are_buttons_of_one_size(client, make_user, login):
    """Side by side in equal columns, each filling its own (app.css centres a link's text as
    a button's)."""
    import re

    login(make_user())
    page = client.get("/account/password").get_data(as_text=True)
    save = re.search(r'<div class="([^"]*)"><button type="submit" class="([^"]*)">', page)
    cancel = re.search(r'<div class="([^"]*)"><a class="([^"]*)" href="/">', page)
    assert save and cancel
    assert save.group(1) == cancel.group(1)  # the same column
    sizes = {"btn-primary", "btn-outline-secondary"}
    assert set(save.group(2).split()) - sizes == set(cancel.group(2).split()) - sizes
    assert "w-100" in save.group(2).split()
