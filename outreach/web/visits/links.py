"""The liaison's link: made, renewed, sent on WhatsApp or by e-mail — for one visit from its
page, and for a whole month from one page, so the coordinator sends every school its link in
one sitting."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from outreach import permissions
from outreach.extensions import db
from outreach.i18n import long_date, office_today
from outreach.links import public_url
from outreach.models import Visit, utcnow
from outreach.scheduling.calendar import month_start, next_month
from outreach.scheduling.lifecycle import Action
from outreach.services.mail import mail_configured, send_mail
from outreach.services.visits.changes import allowed
from outreach.services.visits.links import (
    invitation,
    invitation_subject,
    issue_link,
    link_token,
    make_month_links,
    month_invitations,
    record_link_sent,
    whatsapp_url,
)
from outreach.web.access import require
from outreach.web.forms import ConfirmForm
from outreach.web.months import requested_month
from outreach.web.visits import bp
from outreach.web.visits.common import acting_user, visit_or_404


def liaison_link(visit: Visit) -> str | None:
    token = link_token(visit, current_app.config["SECRET_KEY"])
    return public_url("liaison.respond", token=token) if token else None


def _coordinated(visit_id: int) -> Visit:
    visit = visit_or_404(visit_id, permissions.can_see_visit)
    require(permissions.can_coordinate)
    return visit


def _back(visit: Visit):
    """Where a link action returns: the month's links page it came from, or the visit."""
    if request.form.get("back") == "month":
        return redirect(
            url_for("visits.links", month=visit.visit_on.strftime("%Y-%m"), _anchor=f"v{visit.id}")
        )
    return redirect(url_for("visits.detail", visit_id=visit.id, _anchor="liaison-link"))


def _sendable(visit: Visit) -> bool:
    return Action.SEND_LINK in allowed(visit, office_today())


def _not_sendable(visit: Visit) -> bool:
    """Whether the visit no longer takes a link (said to the coordinator)."""
    if _sendable(visit):
        return False
    flash(_("A link can only be sent for a school visit that is still open."), "warning")
    return True


@bp.route("/links", methods=["GET", "POST"])
def links():
    """The month's proposed school visits, each with its liaison and the ways to send the link;
    POST makes the links still missing, all at once."""
    require(permissions.can_coordinate)
    # Links are made only for the month asked for: an unreadable one is refused, not replaced.
    month, today = requested_month(strict=request.method == "POST"), office_today()
    form = ConfirmForm(prefix="links")
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        made = make_month_links(
            db.session,
            month,
            now=utcnow(),
            today=today,
            who=acting_user(),
            secret=current_app.config["SECRET_KEY"],
        )
        db.session.commit()
        flash(
            ngettext("%(num)d link made.", "%(num)d links made.", made)
            if made
            else _("Every visit already had its link."),
            "success",
        )
        return redirect(url_for("visits.links", month=month.strftime("%Y-%m")))
    visits = month_invitations(db.session, month, today=today)
    rows = [(visit, liaison_link(visit)) for visit in visits]
    return render_template(
        "visits/links.html",
        month=month,
        rows=rows,
        missing=sum(1 for _visit, link in rows if link is None),
        copy_all="\n".join(
            f"{visit.school.name} · {long_date(visit.visit_on)}: {link}"
            for visit, link in rows
            if link
        ),
        can_mail=mail_configured(current_app.config),
        form=form,
        link_form=ConfirmForm(prefix="link"),
        today=today,
        previous_month=month_start(month - timedelta(days=1)),
        following_month=next_month(month),
    )


@bp.route("/<int:visit_id>/link", methods=["POST"])
def new_link(visit_id: int):
    """Issue the liaison's link (a new one replaces the old, which stops working)."""
    visit = _coordinated(visit_id)
    form = ConfirmForm(prefix="link")
    if not form.validate_on_submit():
        abort(400)
    if _not_sendable(visit):
        return redirect(url_for("visits.detail", visit_id=visit.id))
    replaced = bool(visit.link_nonce)
    secret = current_app.config["SECRET_KEY"]
    issue_link(
        db.session, visit, now=utcnow(), today=office_today(), who=acting_user(), secret=secret
    )
    db.session.commit()
    flash(
        _("New link made: the previous one no longer works.")
        if replaced
        else _("Link made: copy it or send it on WhatsApp."),
        "success",
    )
    return _back(visit)


@bp.route("/<int:visit_id>/link/whatsapp", methods=["POST"])
def whatsapp_link(visit_id: int):
    """Open WhatsApp with the ready message (the link made first if there is none yet), and
    note that it was sent."""
    visit = _coordinated(visit_id)
    form = ConfirmForm(prefix="link")
    if not form.validate_on_submit():
        abort(400)
    if _not_sendable(visit):
        return _back(visit)
    now, who = utcnow(), acting_user()
    if not visit.link_nonce:
        issue_link(
            db.session,
            visit,
            now=now,
            today=office_today(),
            who=who,
            secret=current_app.config["SECRET_KEY"],
        )
    target = whatsapp_url(visit, liaison_link(visit))
    if target is None:
        db.session.commit()
        flash(_("No mobile number for the liaison: copy the link instead."), "warning")
        return _back(visit)
    record_link_sent(db.session, visit, now=now, who=who, how="whatsapp")
    db.session.commit()
    return redirect(target, code=303)


@bp.route("/<int:visit_id>/link/mail", methods=["POST"])
def mail_link(visit_id: int):
    """E-mail the current link to the school's liaison."""
    visit = _coordinated(visit_id)
    form = ConfirmForm(prefix="link")
    if not form.validate_on_submit():
        abort(400)
    link = liaison_link(visit)
    email = visit.school.liaison_email if visit.school else None
    if not (_sendable(visit) and link and email and mail_configured(current_app.config)):
        flash(_("Make the link first, and give the school's liaison an e-mail address."), "warning")
        return _back(visit)
    try:
        send_mail(
            current_app.config,
            to=email,
            subject=invitation_subject(visit),
            body=invitation(visit, link),
        )
    except Exception:  # noqa: BLE001 - the mail server's refusal is shown, not raised
        current_app.logger.exception("link mail for visit %d not sent", visit.id)
        flash(
            _("The mail server did not accept the message. Try again later, or use WhatsApp."),
            "danger",
        )
        return _back(visit)
    record_link_sent(db.session, visit, now=utcnow(), who=acting_user(), how="mail", to=email)
    db.session.commit()
    flash(_("Link sent by e-mail to %(email)s.", email=email), "success")
    return _back(visit)
