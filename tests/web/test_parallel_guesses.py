"""Guesses sent at the same moment are counted as they arrive, not after their answers: no more
passwords are checked than a limit allows, in the app's own store and in Redis shared by
workers (docs/SECURITY.md, "Login limits")."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from outreach.models import Role
from outreach.web.auth import guesses, views
from tests.conftest import PASSWORD, WINDOW_START, redis_limits
from tests.web.test_device_cookies import cookie_of, distributed_attack, holding, phone_of
from tests.web.test_sessions import STRANGER, change_password, device, log_in

AT_ONCE = 15


class Named:
    """A user as the threads see it: only the username (a model instance would load itself
    from the database outside any app context)."""

    def __init__(self, user) -> None:
        self.username = user.username


@pytest.fixture(params=["memory", "redis"])
def app_config(request):
    return {} if request.param == "memory" else redis_limits()


@pytest.fixture
def held_checks():
    """Every password check of the requests sent together waits at a gate until each of them has
    either reached a check or been answered: then all the checks that were let through overlap,
    as they would on a server under a burst. Gives the list of checks made, and the sender
    (requests before it, a test's setting up, are not held)."""
    checked: list[str] = []
    gate = threading.Event()

    def hold(real):
        def held(*args, **kwargs):
            checked.append(real.__name__)
            gate.wait(20)
            return real(*args, **kwargs)

        return held

    def send(requests) -> list[int]:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(views, "authenticate", hold(views.authenticate))
            patch.setattr(views, "change_own_password", hold(views.change_own_password))
            return _sent_together(requests)

    def _sent_together(requests) -> list[int]:
        with ThreadPoolExecutor(len(requests)) as pool:
            futures = [pool.submit(request) for request in requests]
            deadline = time.monotonic() + 20
            while len(checked) + sum(f.done() for f in futures) < len(futures):
                assert time.monotonic() < deadline, "the requests neither arrived nor ended"
                time.sleep(0.01)
            gate.set()
            return sorted(future.result().status_code for future in futures)

    return checked, send


def test_a_burst_from_one_address_gets_five_passwords_checked(app, make_user, held_checks):
    officer = Named(make_user(Role.OFFICER))
    checked, send = held_checks
    statuses = send(
        [lambda n=n: log_in(device(app, STRANGER), officer, f"tebak-{n}") for n in range(AT_ONCE)]
    )
    assert len(checked) == 5  # LOGIN_LIMIT_PER_ACCOUNT_ADDRESS, 5 per 15 minutes
    assert statuses == [200] * 5 + [429] * (AT_ONCE - 5)
    assert log_in(device(app, STRANGER), officer).status_code == 429  # still held back


def test_a_burst_on_a_trusted_cookie_gets_its_own_five_and_loses_the_trust(
    app, make_user, held_checks
):
    """A thief holding a copy of the phone's device cookie sends a burst: the device's limit
    lets 5 through; the rest, no longer trusted, meet the account's ceiling the botnet reached."""
    officer = make_user(Role.OFFICER)
    phone = phone_of(app, officer)
    distributed_attack(app, officer)
    stolen, officer = cookie_of(phone), Named(officer)
    checked, send = held_checks
    statuses = send(
        [
            lambda n=n: log_in(holding(app, stolen, STRANGER), officer, f"tebak-{n}")
            for n in range(AT_ONCE)
        ]
    )
    assert len(checked) == 5  # LOGIN_LIMIT_PER_DEVICE
    assert statuses == [200] * 5 + [429] * (AT_ONCE - 5)
    assert log_in(phone, officer).status_code == 429  # the cookie is trusted no more


def test_a_stolen_cookies_burst_across_a_windows_end_gets_five_in_all(
    app, make_user, held_checks, monkeypatch
):
    """Half the burst lands in one window of the device's limit, half in the next: each window
    would let 5 through, the cookie's life lets 5 in all."""
    officer = make_user(Role.OFFICER)
    phone = phone_of(app, officer)
    distributed_attack(app, officer)
    stolen, officer = cookie_of(phone), Named(officer)
    next_window = WINDOW_START - 1 + 15 * 60
    ticks = iter(range(10_000))
    lock = threading.Lock()

    def straddling() -> float:
        with lock:
            return next_window - 0.5 if next(ticks) % 2 else next_window

    monkeypatch.setattr(guesses, "_now", straddling)
    checked, send = held_checks
    send(
        [
            lambda n=n: log_in(holding(app, stolen, f"203.0.113.{n}"), officer, f"t-{n}")
            for n in range(12)
        ]
    )
    assert len(checked) == 5
    assert log_in(phone, officer).status_code == 429  # the cookie is trusted no more


def test_a_burst_of_current_passwords_gets_five_checked(app, make_user, held_checks):
    user = make_user(Role.OFFICER)
    phone = device(app)
    assert log_in(phone, user).status_code == 302
    checked, send = held_checks
    statuses = send([lambda n=n: change_password(phone, f"tebak-{n}") for n in range(AT_ONCE)])
    assert len(checked) == 5  # PASSWORD_CHANGE_LIMIT
    assert statuses == [200] * 5 + [429] * (AT_ONCE - 5)


def test_right_passwords_in_a_burst_use_up_nothing(app, make_user, held_checks):
    """Ten colleagues behind the office's one address log in at the same moment: each is let
    in, and the address can still be used for the next guess. (Ten, not fifteen: each held
    check keeps a database connection, and the pool's fifteen include the test's own.)"""
    users = [Named(make_user(Role.OFFICER)) for _ in range(10)]
    checked, send = held_checks
    statuses = send([lambda user=user: log_in(device(app, STRANGER), user) for user in users])
    assert statuses == [302] * len(users) and len(checked) == len(users)
    # The address's limit (30 per 15 minutes) is untouched: 30 wrong passwords still fit.
    wrong = [log_in(device(app, STRANGER), users[n % len(users)], "salah") for n in range(31)]
    assert [r.status_code for r in wrong] == [200] * 30 + [429]
    assert log_in(device(app), users[0], PASSWORD).status_code == 302


def test_a_place_given_back_after_its_window_ended_is_no_extra_guess(app, monkeypatch):
    """A guess taken at a window's last moment and given back in the next (a right password
    checked slowly, a refused request straddling the boundary) frees nothing in the new one."""
    limit = guesses.limit("LOGIN_LIMIT_PER_ACCOUNT_ADDRESS", "account:x|192.0.2.1")
    next_window = WINDOW_START - 1 + 15 * 60
    monkeypatch.setattr(guesses, "_now", lambda: next_window - 0.001)
    for _ in range(4):
        guesses.Guess().take(limit)
    slow = guesses.Guess()
    slow.take(limit)
    with pytest.raises(guesses.Refused):
        guesses.Guess().take(limit)
    monkeypatch.setattr(guesses, "_now", lambda: next_window)
    slow.give_back()
    fits = 0
    for _ in range(7):
        try:
            guesses.Guess().take(limit)
            fits += 1
        except guesses.Refused:
            pass
    assert fits == 5
