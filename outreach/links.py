"""Addresses given to people outside the app (the liaison's link, calendar feeds): built on
OUTREACH_BASE_URL when it is set — right behind a reverse proxy, and without a request (the
scheduler's reminder mails) — else on the address of the current request."""

from __future__ import annotations

from flask import current_app, url_for


def public_url(endpoint: str, **values) -> str:
    base = current_app.config["OUTREACH_BASE_URL"]
    if base:
        return base + current_app.url_map.bind("localhost").build(endpoint, values)
    return url_for(endpoint, _external=True, **values)
