"""No NIK in the application log: a filter that hides every run of 16 digits or more in a log
line (its message, traceback and stack), installed by ``create_app`` on the loggers that write
request lines (Werkzeug's, gunicorn's), the app's own and the root logger with its handlers.

Defence in depth: no page puts a NIK in a URL and no message of ours names one, but a request
line shows whatever a browser sent, and a traceback whatever a value held."""

from __future__ import annotations

import logging

from flask import Flask

from outreach.domain.nik import hide_niks

# The loggers that write request lines, and the root logger (named "").
REQUEST_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error", "")


class HideNiks(logging.Filter):
    """Rewrites a record whose text holds a NIK-like run; passes every record on."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string: log it as it came
            message = str(record.msg)
        hidden = hide_niks(message)
        if hidden != message:
            record.msg, record.args = hidden, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = hide_niks(record.exc_text)
        if record.stack_info:
            record.stack_info = hide_niks(record.stack_info)
        return True


def _install(target: logging.Logger | logging.Handler) -> None:
    if not any(isinstance(existing, HideNiks) for existing in target.filters):
        target.addFilter(HideNiks())


def hide_niks_in_logs(app: Flask) -> None:
    """Put the filter on the request loggers, the app's logger and the root logger's handlers
    (which also write what other loggers pass up to them). Idempotent."""
    for name in REQUEST_LOGGERS:
        _install(logging.getLogger(name))
    _install(app.logger)
    for handler in logging.getLogger().handlers:
        _install(handler)
