"""Device cookies (OWASP "Slow Down Online Guessing Attacks with Device Cookies";
docs/SECURITY.md, "Login limits"): strangers failing an officer's login from many addresses
lock out new browsers, never the officer's own phone, which logged in before."""

import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from outreach.models import Role
from outreach.services.users import password_stamp
from outreach.web.auth import guesses
from outreach.web.auth.devices import COOKIE_NAME, SALT
from tests.conftest import PASSWORD, WINDOW_START
from tests.web.test_sessions import OFFICE, _reset, change_password, device, log_in, logged_in

ELSEWHERE = "192.0.2.20"


def distributed_attack(app, user) -> None:
    """5 wrong passwords from each of 10 addresses (127.0.0.2 … 127.0.0.11): the account's
    ceiling (50 per hour), none of them held back by its own per-address limit."""
    for n in range(2, 12):
        botnet = device(app, f"127.0.0.{n}")
        assert [log_in(botnet, user, "tebak").status_code for _ in range(5)] == [200] * 5
    assert log_in(device(app, "127.0.0.12"), user, "tebak").status_code == 429


def phone_of(app, user, address: str = OFFICE):
    """The officer's own phone: logged in once (so it holds a device cookie), then logged out."""
    phone = device(app, address)
    assert log_in(phone, user).status_code == 302
    phone.post("/logout")
    assert not logged_in(phone)
    return phone


def salt_of(user) -> str:
    """The device cookie's salt: for the account's current password."""
    return f"{SALT}:{password_stamp(user)}"


def cookie_of(client) -> str:
    return client.get_cookie(COOKIE_NAME, path="/login").value


def holding(app, value: str, address: str = OFFICE):
    browser = device(app, address)
    browser.set_cookie(COOKIE_NAME, value, path="/login")
    return browser


def test_a_distributed_guess_locks_out_new_browsers_but_not_the_officers_phone(app, make_user):
    officer = make_user(Role.OFFICER)
    phone = phone_of(app, officer)
    distributed_attack(app, officer)
    # A browser that never logged in is held back, even from the office with the right password:
    # the ceiling bounds a guess spread over many addresses (an IPv6 /64 gives endless ones).
    assert log_in(device(app, OFFICE), officer).status_code == 429
    # The phone that logged in before is not: its device cookie has a limit of its own.
    assert log_in(phone, officer).status_code == 302 and logged_in(phone)
    # From another network too (the cookie, not the address, is what is trusted).
    phone.post("/logout")
    phone.environ_base["REMOTE_ADDR"] = ELSEWHERE
    assert log_in(phone, officer).status_code == 302 and logged_in(phone)


def test_a_mistyped_password_on_the_phone_does_not_count_against_the_account(app, make_user):
    officer = make_user(Role.OFFICER)
    phone = phone_of(app, officer)
    distributed_attack(app, officer)
    statuses = [log_in(phone, officer, "salah-ketik").status_code for _ in range(4)]
    assert statuses == [200] * 4  # wrong, said so, not refused by the account's ceiling
    assert log_in(phone, officer).status_code == 302 and logged_in(phone)


def test_the_device_cookie_of_another_account_does_not_help(app, make_user):
    officer, colleague = make_user(Role.OFFICER), make_user(Role.OFFICER)
    colleagues_phone = phone_of(app, colleague)
    distributed_attack(app, officer)
    assert log_in(colleagues_phone, officer).status_code == 429
    # …while it still works for its own account.
    assert log_in(colleagues_phone, colleague).status_code == 302


def test_the_cookie_is_signed_for_one_account_and_holds_nothing_else(app, make_user):
    officer = make_user(Role.OFFICER)
    phone = phone_of(app, officer)
    held = URLSafeTimedSerializer(app.secret_key, salt=salt_of(officer)).loads(cookie_of(phone))
    assert set(held) == {"user", "nonce"} and held["user"] == officer.username
    assert len(held["nonce"]) >= 16
    # Each login gives a new nonce (a cookie that lost its trust is replaced by a login).
    log_in(phone, officer)
    again = URLSafeTimedSerializer(app.secret_key, salt=salt_of(officer)).loads(cookie_of(phone))
    assert again["nonce"] != held["nonce"]


def _altered(value: str) -> str:
    payload, rest = value.split(".", 1)
    return payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + rest


def _signed_long_ago(app, user) -> str:
    class LongAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 181 * 24 * 3600

    serializer = URLSafeTimedSerializer(app.secret_key, salt=salt_of(user), signer=LongAgo)
    return serializer.dumps({"user": user.username, "nonce": "x" * 22})


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda app, real, user: _altered(real), id="altered"),
        pytest.param(
            lambda app, real, user: URLSafeTimedSerializer("another-key", salt=salt_of(user)).dumps(
                {"user": user.username, "nonce": "x" * 22}
            ),
            id="signed-with-another-key",
        ),
        pytest.param(
            # Signed with the app's key for another purpose: the session's or a link's salt.
            lambda app, real, user: URLSafeTimedSerializer(app.secret_key).dumps(
                {"user": user.username, "nonce": "x" * 22}
            ),
            id="another-salt",
        ),
        pytest.param(lambda app, real, user: _signed_long_ago(app, user), id="older-than-180-days"),
        pytest.param(lambda app, real, user: "", id="empty"),
        pytest.param(lambda app, real, user: "x" * 1000, id="huge"),
    ],
)
def test_a_forged_or_altered_cookie_is_ignored(app, make_user, forge):
    officer = make_user(Role.OFFICER)
    phone = phone_of(app, officer)
    distributed_attack(app, officer)
    forged = holding(app, forge(app, cookie_of(phone), officer))
    assert log_in(forged, officer).status_code == 429


def test_a_device_cookie_that_failed_too_often_is_no_longer_trusted(app, make_user):
    """A stolen phone (or its copied cookie) buys a guesser 5 tries, not 5 every 15 minutes:
    at LOGIN_LIMIT_PER_DEVICE the cookie loses its trust, and the browser is one like any
    other, held back by the account's limits."""
    officer = make_user(Role.OFFICER)
    phone = phone_of(app, officer)
    copy = holding(app, cookie_of(phone), ELSEWHERE)
    distributed_attack(app, officer)
    statuses = [log_in(copy, officer, f"tebakan-{n}").status_code for n in range(5)]
    assert statuses == [200] * 5
    assert log_in(copy, officer, "tebakan-lagi").status_code == 429
    assert log_in(copy, officer).status_code == 429  # the right password too: not trusted
    assert log_in(phone, officer).status_code == 429  # the same cookie, on the phone


def test_untrusted_browsers_keep_todays_limits(app, make_user):
    """Without a device cookie, nothing changed: 5 failures per account and address."""
    officer = make_user(Role.OFFICER)
    browser = device(app, ELSEWHERE)
    assert [log_in(browser, officer, "salah").status_code for _ in range(6)] == [200] * 5 + [429]
    assert log_in(device(app, OFFICE), officer, PASSWORD).status_code == 302


def test_a_device_is_held_to_its_own_limit_within_the_accounts(app, make_user):
    """A trusted browser's failures are its own: they do not use up the account's limit from
    its address for the others there, nor do theirs use up its own."""
    officer = make_user(Role.OFFICER)
    phone = phone_of(app, officer)
    office_pc = device(app, OFFICE)  # same address, no device cookie
    assert [log_in(office_pc, officer, "salah").status_code for _ in range(6)] == [200] * 5 + [429]
    assert log_in(phone, officer).status_code == 302


def test_the_device_cookie_is_secure_httponly_lax_and_sent_only_to_the_login(app, make_user):
    officer = make_user(Role.OFFICER)
    response = log_in(device(app), officer)
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    cookie = cookies[COOKIE_NAME]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/login" in cookie
    assert "Max-Age=15552000" in cookie  # 180 days
    # Secure as the session cookie is (SESSION_COOKIE_SECURE; production: tests/web/test_auth.py).
    assert ("Secure" in cookie) is ("Secure" in cookies["session"])


def test_an_admins_reset_ends_the_trust_of_every_device_cookie(app, db_session, make_user):
    """A phone lost with its cookie, and the admin resets the password: the cookie is signed for
    the old password, so the new one's ceiling holds the phone back like any browser."""
    officer, admin = make_user(Role.OFFICER), make_user(Role.ADMIN)
    phone = phone_of(app, officer)
    _reset(db_session, officer, admin)
    db_session.commit()
    distributed_attack(app, officer)  # on the new password's ceiling
    assert log_in(phone, officer, "baru-12345").status_code == 429


def test_changing_ones_own_password_keeps_the_phone_trusted(app, make_user):
    """The owner's own change re-signs this browser's cookie for the new password: the phone
    stays trusted, the copy taken before the change does not."""
    officer = make_user(Role.OFFICER)
    phone = device(app, OFFICE)
    assert log_in(phone, officer).status_code == 302
    copy = holding(app, cookie_of(phone), ELSEWHERE)
    assert change_password(phone, PASSWORD, "baru-12345").status_code == 302
    phone.post("/logout")
    distributed_attack(app, officer)
    assert log_in(copy, officer, "baru-12345").status_code == 429
    assert log_in(phone, officer, "baru-12345").status_code == 302 and logged_in(phone)


def test_a_copied_cookie_trying_slowly_loses_its_trust_all_the_same(app, make_user, monkeypatch):
    """Four wrong passwords in each window, under LOGIN_LIMIT_PER_DEVICE every time: the
    cookie's failures are counted for its whole life, and the fifth ends its trust."""
    officer = make_user(Role.OFFICER)
    phone = phone_of(app, officer)
    copy = holding(app, cookie_of(phone), ELSEWHERE)
    distributed_attack(app, officer)
    assert [log_in(copy, officer, f"pelan-{n}").status_code for n in range(4)] == [200] * 4
    monkeypatch.setattr(guesses, "_now", lambda: WINDOW_START + 15 * 60)  # the next window
    assert log_in(copy, officer, "pelan-lagi").status_code == 200
    assert log_in(copy, officer).status_code == 429  # trusted no more, the ceiling holds it
    assert log_in(phone, officer).status_code == 429  # the same cookie, on the phone


def test_strangers_behind_the_phones_address_do_not_keep_it_out(app, make_user):
    """An office's or a mobile network's one address, used up by others trying many accounts:
    the officer's phone, trusted for its account, still logs in from there."""
    officer, others = make_user(Role.OFFICER), [make_user(Role.OFFICER) for _ in range(8)]
    phone = phone_of(app, officer)
    neighbour = device(app, OFFICE)
    for n in range(30):
        log_in(neighbour, others[n % 8], "tebak")
    assert log_in(device(app, OFFICE), officer).status_code == 429  # a new browser waits
    assert log_in(phone, officer).status_code == 302 and logged_in(phone)
