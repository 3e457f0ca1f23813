"""Domain errors raised by services; each names the form field it belongs to, if any."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the request. ``field`` is the form field to blame."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The record named does not exist (or is not visible to the caller)."""


class Conflict(DomainError):
    """The request clashes with data already there (a duplicate, a stale version)."""
