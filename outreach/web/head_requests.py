"""A HEAD request is answered by the GET view without its body: nothing it does is written to
the audit log — no export, page view or refusal — so that a link checker, a prefetching browser
or a monitoring probe cannot fill the log with downloads nobody received.

The guard sits where every audit event is written, the session's flush, rather than in each
view that audits: a view added later is covered without knowing of it."""

from __future__ import annotations

from flask import has_request_context, request
from sqlalchemy import event

from outreach.extensions import db
from outreach.models import AuditEvent


def is_head_request() -> bool:
    return has_request_context() and request.method == "HEAD"


def _drop_audit_events_of_head(session, _flush_context, _instances) -> None:
    if not is_head_request():
        return
    for instance in list(session.new):
        if isinstance(instance, AuditEvent):
            session.expunge(instance)


def register() -> None:
    """Install the guard on the app's database session (once, whatever the number of apps)."""
    if not event.contains(db.session, "before_flush", _drop_audit_events_of_head):
        event.listen(db.session, "before_flush", _drop_audit_events_of_head)
