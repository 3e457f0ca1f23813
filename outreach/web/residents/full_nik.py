"""Seeing a request's full NIK: asked for by a form (posted, so a link or a prefetch cannot),
written to the audit log, then shown once on the request's page (post, redirect, get). A
reload of the page, the browser's back button or a later visit shows the mask again and writes
nothing; "Hide the NIK" is the page itself.

Between the post and the page, the user's login session on the server holds which request's NIK
was asked for and when — never the NIK —, for a few seconds, and the page takes it out as it
shows it: a copy of the browser's cookie replayed later shows the mask."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, redirect, request, url_for
from flask_login import current_user

from outreach.extensions import db
from outreach.models import Resident, utcnow
from outreach.services.residents.queue import record_nik_view
from outreach.services.sessions import mark_nik_shown, take_nik_shown
from outreach.web.forms import ConfirmForm
from outreach.web.residents import bp

SHOWN_FOR = timedelta(seconds=30)  # time enough for the redirect, not for coming back later


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
    mark_nik_shown(current_user.current_session, resident.id, now=now)
    db.session.commit()
    return redirect(url_for("residents.detail", resident_id=resident.id))


def take_full_nik(resident: Resident) -> bool:
    """Whether this page view shows the full NIK: only the first view of this request in this
    login session within SHOWN_FOR of asking for it. The mark is taken out whatever it says,
    so the next view shows the mask."""
    shown = take_nik_shown(
        db.session, current_user.current_session, resident.id, now=utcnow(), within=SHOWN_FOR
    )
    db.session.commit()
    return shown
