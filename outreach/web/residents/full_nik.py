"""Seeing a request's full NIK: asked for by a form (posted, so a link or a prefetch cannot),
written to the audit log, then shown once on the request's page (post, redirect, get). A
reload of the page, the browser's back button or a later visit shows the mask again and writes
nothing; "Hide the NIK" is the page itself.

Between the post and the page, the Flask session holds which request's NIK was asked for, by
whom and when — never the NIK —, for a few seconds, and the page takes it out as it shows it."""

from __future__ import annotations

from flask import abort, redirect, request, session, url_for
from flask_login import current_user

from outreach.extensions import db
from outreach.models import Resident, utcnow
from outreach.services.residents.queue import record_nik_view
from outreach.web.forms import ConfirmForm
from outreach.web.residents import bp

SHOWN = "full_nik"  # the session's key
SHOWN_FOR_SECONDS = 30  # time enough for the redirect, not for coming back later


@bp.route("/<int:resident_id>/nik", methods=["POST"])
def reveal_nik(resident_id: int):
    """Write that the full NIK was seen, and show it once on the request's page."""
    resident = db.get_or_404(Resident, resident_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    now = utcnow()
    record_nik_view(
        db.session, resident, now=now, actor=current_user, remote_addr=request.remote_addr
    )
    db.session.commit()
    session[SHOWN] = {"resident": resident.id, "user": current_user.id, "at": now.timestamp()}
    return redirect(url_for("residents.detail", resident_id=resident.id))


def take_full_nik(resident: Resident) -> bool:
    """Whether this page view shows the full NIK: only the first view of this request by
    this user right after they asked for it. The session's mark is taken out whatever it
    says, so the next view shows the mask."""
    shown = session.pop(SHOWN, None)
    if not isinstance(shown, dict):
        return False
    at = shown.get("at")
    return (
        shown.get("resident") == resident.id
        and shown.get("user") == current_user.id
        and isinstance(at, int | float)
        and 0 <= utcnow().timestamp() - at <= SHOWN_FOR_SECONDS
    )
