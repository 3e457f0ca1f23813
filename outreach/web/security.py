"""Security headers on every response: a strict CSP (no inline code), no framing, no sniffing."""

from __future__ import annotations

from flask import Flask, request
from flask_login import current_user

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",  # Bootstrap draws its select arrows and menu icon as data: SVGs
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        # The "send on WhatsApp" buttons post here, and the answer sends the browser on to
        # WhatsApp with the message: form-action covers that redirect too.
        "form-action 'self' https://wa.me https://api.whatsapp.com https://web.whatsapp.com",
        "frame-ancestors 'none'",
    ]
)


def register(app: Flask) -> None:
    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), payment=()")
        if request.endpoint and not request.endpoint.endswith("static"):
            # Pages may show personal data: keep them out of shared caches and the back button
            # of a shared phone once logged out.
            if _logged_in():
                headers["Cache-Control"] = "no-store"
        return response


def _logged_in() -> bool:
    try:
        return bool(current_user and current_user.is_authenticated)
    except Exception:  # noqa: BLE001 - the database may be down; the header is then moot
        return False
