"""The liaison's answer to a proposed visit — confirm, ask for another day, decline the
month — from the signed link (no account) or from a liaison account. One page, one handler."""

from __future__ import annotations

from datetime import date

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from outreach import permissions
from outreach.errors import DomainError
from outreach.extensions import db
from outreach.i18n import long_date, office_today
from outreach.models import Visit, utcnow
from outreach.scheduling.lifecycle import Action
from outreach.services.visits.changes import Who, allowed
from outreach.services.visits.lifecycle import (
    confirm_visit,
    decline_month,
    earliest_for_liaison,
    request_other_day,
)
from outreach.services.visits.moves import move_days
from outreach.web.forms import attempt
from outreach.web.visits import bp
from outreach.web.visits.common import (
    acting_user,
    day_choices,
    plan_settings,
    visit_or_404,
)
from outreach.web.visits.forms import ConfirmVisitForm, DeclineForm, RequestDayForm
from outreach.web.visits.notices import asks_to_prepare

OTHER_DAY = "other"
# Days offered to the liaison: the nearest to the proposed one (a phone screen, not a month);
# any other day can still be written in.
OFFERED_DAYS = 10


def nearest(options, day: date):
    """The OFFERED_DAYS options closest to ``day``, in date order."""
    chosen = sorted(options, key=lambda option: (abs((option.on - day).days), option.on))
    return sorted(chosen[:OFFERED_DAYS], key=lambda option: option.on)


def _forms(visit: Visit, today: date, posted: str | None) -> dict:
    version = str(visit.version)

    def make(cls, prefix):
        if posted == prefix:
            return cls(prefix=prefix)
        return cls(prefix=prefix, formdata=None, version=version)

    forms = {
        "confirm": make(ConfirmVisitForm, "confirm"),
        "request": make(RequestDayForm, "request"),
        "decline": make(DeclineForm, "decline"),
    }
    if Action.REQUEST_OTHER_DAY in allowed(visit, today):
        earliest = earliest_for_liaison(today, plan_settings())
        days = move_days(
            db.session, visit, today=today, settings=plan_settings(), earliest=earliest
        )
        # The first and last day the school may ask for (of the visit's month, from the lead
        # time on, a working day without closure or blackout: what the service accepts), said
        # beside the field before anything is typed, and set on the phone's date picker.
        other_day = forms["request"].other_day
        if days.span is None:
            other_day.description = _("No other day of this month is possible.")
        else:
            first, last = days.span
            other_day.render_kw = {"min": first.isoformat(), "max": last.isoformat()}
            other_day.description = _(
                "Days you can choose: from %(first)s to %(last)s.",
                first=long_date(first),
                last=long_date(last),
            )
        forms["request"].day.choices = day_choices(nearest(days.options, visit.visit_on)) + [
            SelectChoice(OTHER_DAY, _("Another day (write it below)"))
        ]
    if posted is None and visit.students_expected is not None:
        forms["confirm"].students_expected.data = visit.students_expected
        forms["request"].students_expected.data = visit.students_expected
    return forms


def handle_respond(visit: Visit, who: Who, *, here: str, moved_url):
    """GET: the page. POST: the chosen answer. ``here`` is the page's own URL; ``moved_url``
    gives the page of the visit's new day after a move."""
    today = office_today()
    posted = request.form.get("answer") if request.method == "POST" else None
    if posted is not None and posted not in ("confirm", "request", "decline"):
        abort(400)
    forms = _forms(visit, today, posted)
    if posted is not None:
        form = forms[posted]
        if form.validate_on_submit():
            done = attempt(form, lambda: _answer(posted, form, visit, who, today), "reason")
            if done.ok:
                successor = getattr(done.result, "moved_to", None)
                target = moved_url(successor) if successor is not None else here
                db.session.commit()
                return redirect(target)
            if done.stale:
                return redirect(here)
        db.session.expire_all()
        visit = db.session.get(Visit, visit.id)
        return render_respond(visit, who, forms=forms, status=422)
    return render_respond(visit, who, forms=forms)


def _answer(answer: str, form, visit: Visit, who: Who, today: date):
    now = utcnow()
    if answer == "confirm":
        confirm_visit(
            db.session,
            visit,
            now=now,
            today=today,
            who=who,
            version=form.seen_version,
            students_expected=form.students_expected.data,
            start_time=form.start_time.data,
        )
        return None
    if answer == "decline":
        return decline_month(
            db.session,
            visit,
            reason=form.reason.data,
            now=now,
            today=today,
            who=who,
            version=form.seen_version,
        )
    if form.day.data == OTHER_DAY:
        if form.other_day.data is None:
            raise DomainError(_("Write the day the school would like."), field="other_day")
        on = form.other_day.data
    else:
        try:
            on = date.fromisoformat(form.day.data)
        except ValueError:
            raise DomainError(_("Choose a day."), field="day") from None
    try:
        return request_other_day(
            db.session,
            visit,
            on=on,
            reason=form.reason.data,
            now=now,
            today=today,
            who=who,
            settings=plan_settings(),
            version=form.seen_version,
            students_expected=form.students_expected.data,
        )
    except DomainError as refused:
        if refused.field == "on":  # said where the day was chosen
            refused.field = "other_day" if form.day.data == OTHER_DAY else "day"
        raise


def render_respond(visit: Visit, who: Who, *, forms: dict | None = None, status: int = 200):
    today = office_today()
    anonymous = not current_user.is_authenticated
    return render_template(
        "liaison/respond.html",
        visit=visit,
        forms=forms or _forms(visit, today, None),
        today=today,
        prepare=asks_to_prepare(visit, today),
        by_link=anonymous,  # what is said of the link itself (not to forward it) is for its page
        # The link page answers to itself; a logged-in liaison answers to /visits/<id>/respond.
        action=request.path if anonymous else url_for("visits.respond", visit_id=visit.id),
    ), status


@bp.route("/<int:visit_id>/respond", methods=["POST"])
def respond(visit_id: int):
    """A logged-in liaison's answer (the page itself is /visits/<id>)."""
    visit = visit_or_404(visit_id, permissions.can_respond_for_school)
    here = url_for("visits.detail", visit_id=visit.id)
    return handle_respond(
        visit,
        acting_user(),
        here=here,
        moved_url=lambda successor: url_for("visits.detail", visit_id=successor.id),
    )
