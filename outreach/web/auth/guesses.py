"""Password guesses counted as they arrive (docs/SECURITY.md, "Login limits"): a login or a
password change that is about to check a password first takes its place in every limit it is
held to, and gives the places back once the password proved right. Counted after the answer
instead (flask-limiter's ``deduct_when``), guesses sent at the same moment were all checked
before the first was counted.

The windows are fixed and aligned to the clock (each window's number is in its counter's key),
so that a place is always given back to the window it was taken from: given back once that
window ended, it is given to a counter no one reads again, never to the next window."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from flask import current_app
from limits import RateLimitItem, parse_many
from werkzeug.exceptions import TooManyRequests

from outreach.extensions import limiter

_NAMESPACE = "guess"  # apart from flask-limiter's own keys in the same store


def _now() -> float:
    """The clock the windows are cut by (a POSIX time; the tests hold it at a window's start)."""
    return time.time()


def identifiers(*parts: str) -> tuple[str, ...]:
    """A counter's key in the limiter's store, under this install's RATELIMIT_KEY_PREFIX (as
    flask-limiter's own keys are), so that installs sharing one Redis count apart."""
    return (current_app.config.get("RATELIMIT_KEY_PREFIX") or "-", *parts)


@dataclass(frozen=True)
class Limit:
    """One limit a guess is held to: which (its setting's name, lower case) and whose count.
    ``windowed``: counted in windows cut by the clock; else from the first guess for as long
    as the item's period (a device cookie's life)."""

    scope: str
    key: str
    items: tuple[RateLimitItem, ...]
    windowed: bool = True

    def identifiers(self, item: RateLimitItem, now: float) -> tuple[str, ...]:
        """The counter of ``item``'s window that holds ``now``."""
        window = str(int(now // item.get_expiry())) if self.windowed else "life"
        return identifiers(_NAMESPACE, self.scope, self.key, window)

    def reset_at(self, item: RateLimitItem, now: float) -> float:
        """When ``item`` lets the next guess through, once full (at the latest)."""
        period = item.get_expiry()
        return (now // period + 1) * period if self.windowed else now + period

    def used_up(self) -> bool:
        """True when the next guess would not fit."""
        now = _now()
        return any(
            not limiter.limiter.test(item, *self.identifiers(item, now)) for item in self.items
        )


def limit(setting: str, key: str) -> Limit:
    """The limit of the setting ``setting`` (a rate such as "5 per 15 minutes"), for ``key``."""
    return Limit(setting.lower(), key, tuple(parse_many(current_app.config[setting])))


class Refused(TooManyRequests):
    """A guess held back (429): by which limit, and when that limit lets the next one through
    (a POSIX time)."""

    def __init__(self, scope: str, reset_at: float) -> None:
        super().__init__()
        self.scope = scope
        self.reset_at = reset_at

    def wait_seconds(self) -> int:
        return max(1, math.ceil(self.reset_at - _now()))


class Guess:
    """One password guess's places in its limits."""

    def __init__(self) -> None:
        self._taken: list[tuple[RateLimitItem, tuple[str, ...]]] = []

    def take(self, *limits: Limit) -> None:
        """Take a place in each of ``limits`` or in none: raises Refused, naming the first limit
        that is full. Each place is taken atomically in the store (a fixed window's counter is
        incremented and compared in one step), so parallel guesses cannot all fit."""
        if not limiter.enabled:  # a benchmark: no limits, nor a store
            return
        strategy, now = limiter.limiter, _now()
        for each in limits:
            for item in each.items:
                ids = each.identifiers(item, now)
                fits = strategy.hit(item, *ids)
                self._taken.append((item, ids))
                if not fits:
                    # A refused guess checks no password, so it counts against nothing: a
                    # stranger held back from one address does not use up the account's ceiling.
                    self.give_back()
                    raise Refused(each.scope, each.reset_at(item, now))

    def give_back(self) -> None:
        """The password proved right, or was never checked: the places taken are freed. (Should
        a window have ended meanwhile, the new one starts one guess lighter: only after a right
        password.)"""
        while self._taken:  # none taken with the limiter off (a benchmark): no store to ask
            item, ids = self._taken.pop()
            strategy = limiter.limiter
            # A fixed window's counter, decremented (config.py sets RATELIMIT_STRATEGY).
            strategy.hit(item, *ids, cost=-1)
