"""Looking a request up by its NIK — the queue's "find by NIK", the NIK hint of the request form
while it is typed, and the form's own check when it is saved. Each answer says whether a typed
NIK has a request, so all three share one limit per user (NIK_LOOKUP_LIMIT) and a NIK that
matched is audited (resident.find_nik)."""

from __future__ import annotations

from flask import current_app, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from outreach.domain.nik import age_on, parse_nik
from outreach.domain.problems import Invalid
from outreach.extensions import db, limiter
from outreach.i18n import long_date, office_today
from outreach.labels import SEX_LABELS
from outreach.models import Resident, Sex, utcnow
from outreach.services.residents.queue import find_by_nik, record_nik_lookup
from outreach.services.residents.requests import find_open_request
from outreach.web.residents import bp
from outreach.web.residents.forms import FindNikForm


def _lookup_key() -> str:
    return f"user:{current_user.get_id() or request.remote_addr}"


# Each answer says whether a typed NIK has a request: per user, so few that the hidden digits
# of a NIK cannot be guessed through them (NIK_LOOKUP_LIMIT); a NIK that matched is audited.
nik_lookups = limiter.shared_limit(
    lambda: current_app.config["NIK_LOOKUP_LIMIT"], scope="nik-lookup", key_func=_lookup_key
)
# The request form answers the same question when it is saved: a typed NIK that already has an
# open request is refused, naming it. So a save carrying a typed NIK counts as a lookup too (an
# edit that keeps the NIK on file types none), and a NIK it found is audited like one.
nik_typed_in_form = limiter.shared_limit(
    lambda: current_app.config["NIK_LOOKUP_LIMIT"],
    scope="nik-lookup",
    key_func=_lookup_key,
    methods=["POST"],
    exempt_when=lambda: not (request.form.get("nik") or "").strip(),
)


@bp.route("/find", methods=["POST"])
@nik_lookups
def find():
    """Open the request of a NIK (posted: a NIK never goes into a URL)."""
    form = FindNikForm()
    if form.validate_on_submit():
        resident = find_by_nik(db.session, form.nik.data)
        if resident is not None:
            audit_lookup(resident, "find")
            return redirect(url_for("residents.detail", resident_id=resident.id))
        flash(_("No request has this NIK yet."), "info")
    else:
        flash(" ".join(str(error) for error in form.nik.errors) or _("Enter the NIK."), "warning")
    return redirect(url_for("residents.index"))


def audit_lookup(resident: Resident, via: str) -> None:
    record_nik_lookup(
        db.session,
        resident,
        now=utcnow(),
        actor=current_user,
        remote_addr=request.remote_addr,
        via=via,
    )
    db.session.commit()


@bp.route("/nik-info", methods=["POST"])
@nik_lookups
def nik_info():
    """What a NIK tells the form while it is typed (JSON): birth date, sex, age, open request.

    Posted with the form's CSRF token, so that the NIK is in no URL and no access log."""
    today = office_today()
    try:
        info = parse_nik(request.form.get("nik", ""), on=today)
    except Invalid as error:
        return jsonify(ok=False, message=_(error.message, **error.params))
    age = age_on(info.birth_on, today)
    existing = find_open_request(db.session, info.nik)
    current = request.form.get("id", type=int)
    duplicate = None
    if existing is not None and existing.id != current:
        audit_lookup(existing, "form")
        duplicate = {
            "url": url_for("residents.detail", resident_id=existing.id),
            "message": _(
                "This NIK already has an open request (%(name)s, since %(date)s).",
                name=existing.name,
                date=long_date(existing.requested_on),
            ),
        }
    return jsonify(
        ok=True,
        birth_on=info.birth_on.isoformat(),
        sex=info.sex,
        age=age,
        elderly=age >= 60,
        summary=_(
            "Born %(date)s (%(age)d years), %(sex)s, first registered in %(province)s.",
            date=long_date(info.birth_on),
            age=age,
            sex=str(SEX_LABELS[Sex(info.sex)]).lower(),
            province=info.province,
        ),
        duplicate=duplicate,
    )
