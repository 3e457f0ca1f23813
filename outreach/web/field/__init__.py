"""Field work without a signal: the service worker and the pages it keeps on an officer's
phone, the endpoint the phone's outcome queue sends to, and the coordinator's list of the
outcomes kept because the visit had changed (docs/OFFLINE.md)."""

from flask import Blueprint

bp = Blueprint("field", __name__)

from outreach.web.field import kept, sync, worker  # noqa: E402,F401  (the routes)
