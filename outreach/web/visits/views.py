"""Coordinators' views over many visits: the filtered list with bulk actions, the month
calendar."""

from __future__ import annotations

from datetime import date, timedelta

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from wtforms import SelectChoice

from outreach import permissions
from outreach.domain.text import clean_line
from outreach.extensions import db
from outreach.i18n import office_today, weekday_name
from outreach.models import Team, VisitKind, VisitStatus, utcnow
from outreach.scheduling.calendar import month_start, next_month
from outreach.services.visits.lifecycle import (
    bulk_apply,
    cancel_visit,
    confirm_visit,
    describe,
)
from outreach.services.visits.moves import move_visit, reassign_visit
from outreach.services.visits.queries import (
    VisitFilters,
    count_by_status,
    list_visits,
    month_calendar,
    month_total,
    successors_of,
)
from outreach.services.visits.sweeps import CONFIRM_WINDOW_DAYS
from outreach.web.access import require
from outreach.web.choices import kecamatan_options, option_tags
from outreach.web.forms import attempt
from outreach.web.months import requested_day, requested_month
from outreach.web.params import arg_choice, arg_flag, arg_id, arg_page, parse_id
from outreach.web.visits import bp
from outreach.web.visits.changed import ChangedVisit, changed_visits
from outreach.web.visits.common import acting_user, plan_settings
from outreach.web.visits.forms import BULK_ACTIONS, BulkForm

REFUSALS_SHOWN = 10


STATUSES = frozenset(status.value for status in VisitStatus)
KINDS = frozenset(kind.value for kind in VisitKind)


def _filters(today: date) -> VisitFilters:
    """The list's filters from the query string; values that are not ours are ignored."""
    day = requested_day()
    return VisitFilters(
        month=month_start(day) if day else requested_month(),
        day=day,
        status=arg_choice("status", STATUSES),
        team_id=arg_id("team"),
        kind=arg_choice("kind", KINDS),
        kecamatan=request.args.get("kecamatan", "")[:8],
        overdue=arg_flag("overdue"),
        requests=arg_flag("requests"),
        soon=arg_flag("soon"),
        q=clean_line(request.args.get("q", ""))[:80],
    )


def _teams() -> list:
    """Every team's id, name and whether it is active, for the filters and the bulk form —
    read once per request (a national office has a thousand teams)."""
    if "_visit_teams" not in g:
        g._visit_teams = db.session.execute(
            select(Team.id, Team.name, Team.is_active).order_by(Team.is_active.desc(), Team.name)
        ).all()
    return g._visit_teams


def _bulk_form() -> BulkForm:
    form = BulkForm()
    form.action.choices = [
        SelectChoice("", _("— choose an action —")),  # none taken by a careless Apply
        SelectChoice("confirm", _("Confirm (by phone)")),
        SelectChoice("move", _("Move to the day below")),
        SelectChoice("reassign", _("Give to the team below")),
        SelectChoice("cancel", _("Cancel, with the reason below")),
    ]
    form.team.choices = [SelectChoice("", _("— team —"))] + [
        SelectChoice(str(team.id), team.name) for team in _teams() if team.is_active
    ]
    return form


@bp.route("", methods=["GET", "POST"])
def index():
    """Visits of a month (or every overdue visit) with filters; bulk confirm, move, cancel."""
    require(permissions.can_coordinate)
    today = office_today()
    filters = _filters(today)
    form = _bulk_form()
    changed: list[ChangedVisit] = []  # visits someone else changed since the list was opened
    if request.method == "POST":
        done, changed = _bulk(form, today, filters)
        if done:
            return redirect(request.full_path.rstrip("?"))
    counts = count_by_status(db.session, filters, today=today)
    page = list_visits(
        db.session, filters, today=today, page=arg_page(), per_page=50, counts=counts
    )

    def page_url(number: int | None = None, **changes):
        if number is not None:
            changes["page"] = number
        args = {**request.args.to_dict(), **changes}
        return url_for("visits.index", **{k: v for k, v in args.items() if v not in ("", None)})

    return render_template(
        "visits/index.html",
        filters=filters,
        page=page,
        counts=counts,
        month_total=month_total(counts),
        successors=successors_of(db.session, page.items),
        team_options=option_tags(((t.id, t.name) for t in _teams()), filters.team_id),
        kecamatan=kecamatan_options(),
        form=form,
        # A refused action keeps the selection: each visit still as the list showed it.
        ticked=dict(form.ids.data or []) if request.method == "POST" else {},
        changed=changed,
        page_url=page_url,
        today=today,
        previous_month=month_start(filters.month - timedelta(days=1)),
        following_month=next_month(filters.month),
        confirm_window=CONFIRM_WINDOW_DAYS,
    ), (409 if changed else 422 if form.errors else 200)


def _bulk(form: BulkForm, today: date, filters: VisitFilters) -> tuple[bool, list[ChangedVisit]]:
    """Apply the chosen action to the selected visits, all or nothing. Whether it was done,
    and the visits it was refused for because someone else changed them since (as they are
    now, in the words of the list ``filters`` selects)."""
    if not form.validate_on_submit() or form.action.data not in BULK_ACTIONS:
        flash(_("Choose what to do with the selected visits."), "danger")
        return False, []
    seen = dict(form.ids.data or [])  # {visit id: the version the list showed}
    if not seen:
        flash(_("Select at least one visit."), "warning")
        return False, []
    now, who, settings = utcnow(), acting_user(), plan_settings()
    if form.action.data == "move" and form.on.data is None:
        form.on.errors = [*form.on.errors, _("Choose the day to move the visits to.")]
        return False, []
    if form.action.data == "reassign" and parse_id(form.team.data) is None:
        form.team.errors = [*form.team.errors, _("Choose a team.")]
        return False, []
    if form.action.data == "cancel" and not (form.reason.data or "").strip():
        form.reason.errors = [*form.reason.errors, _("Say why the visits are cancelled.")]
        return False, []
    actions = {
        "confirm": lambda visit: confirm_visit(
            db.session, visit, now=now, today=today, who=who, version=None
        ),
        "move": lambda visit: move_visit(
            db.session,
            visit,
            on=form.on.data,
            now=now,
            today=today,
            who=who,
            settings=settings,
            version=None,
            reason=form.reason.data,
        ),
        "reassign": lambda visit: reassign_visit(
            db.session,
            visit,
            team_id=int(form.team.data),
            now=now,
            today=today,
            who=who,
            settings=settings,
            version=None,
        ),
        "cancel": lambda visit: cancel_visit(
            db.session, visit, reason=form.reason.data, now=now, today=today, who=who, version=None
        ),
    }
    done = attempt(form, lambda: bulk_apply(db.session, seen, actions[form.action.data]), None)
    if not done.ok:
        return False, []
    result = done.result
    if not result.ok:
        db.session.rollback()  # the visits read again as they are now
    changed = changed_visits(result.stale, filters, today=today)
    if result.refused:
        flash(
            ngettext(
                "Nothing was changed: %(num)d visit cannot be handled that way.",
                "Nothing was changed: %(num)d visits cannot be handled that way.",
                len(result.refused),
            ),
            "danger",
        )
        for visit, message in result.refused[:REFUSALS_SHOWN]:
            flash(f"{describe(visit)}: {message}", "danger")
    if not result.ok:
        return False, changed
    db.session.commit()
    flash(ngettext("%(num)d visit changed.", "%(num)d visits changed.", result.done), "success")
    if result.unchanged:
        flash(
            ngettext(
                "%(num)d visit was already so: nothing to change.",
                "%(num)d visits were already so: nothing to change.",
                result.unchanged,
            ),
            "info",
        )
    return True, []


@bp.route("/calendar")
def calendar():
    """The month as a grid of days (a list of days on a phone)."""
    require(permissions.can_coordinate)
    today = office_today()
    month = requested_month()
    kind = arg_choice("kind", KINDS)
    team_id = arg_id("team")
    weeks = month_calendar(db.session, month, team_id=team_id, kind=kind)
    args = {key: value for key, value in (("team", team_id), ("kind", kind)) if value}
    return render_template(
        "visits/calendar.html",
        args=args,
        visit_statuses={status.value: status for status in VisitStatus},
        weekday_names=[weekday_name(day) for day in range(1, 8)],
        month=month,
        weeks=weeks,
        team_options=option_tags(((t.id, t.name) for t in _teams()), team_id),
        kind=kind,
        today=today,
        previous_month=month_start(month - timedelta(days=1)),
        following_month=next_month(month),
    )
