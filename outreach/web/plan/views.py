"""The plan pages: preview a month's school plan and create it; the same for home visits;
the history of plan runs and one run's report."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from outreach.extensions import db
from outreach.i18n import month_name, office_today
from outreach.models import PlanKind, PlanRun, PlanTrigger, utcnow
from outreach.scheduling.calendar import month_start, next_month
from outreach.services.planning.homes import MAX_DAYS, plan_home, preview_home_visits
from outreach.services.planning.inputs import PlanSettings
from outreach.services.planning.schools import plan_schools, preview_school_plan
from outreach.web.forms import attempt
from outreach.web.plan import bp
from outreach.web.plan.forms import CreateHomeForm, CreateMonthForm, HomePeriodForm, MonthForm

HISTORY = 20


def _settings() -> PlanSettings:
    return PlanSettings.from_config(current_app.config)


def _month_choices(today: date) -> list[SelectChoice]:
    """This month and the twelve after it: a month gone by is not planned any more."""
    months = [month_start(today)]
    for _step in range(12):
        months.append(next_month(months[-1]))
    return [SelectChoice(m.strftime("%Y-%m"), month_name(m).capitalize()) for m in months]


def _history(kind: PlanKind) -> list[PlanRun]:
    return list(
        db.session.scalars(
            select(PlanRun)
            .where(PlanRun.kind == kind)
            .order_by(PlanRun.started_at.desc(), PlanRun.id.desc())
            .limit(HISTORY)
        )
    )


@bp.route("")
def index():
    """Choose a month and see what the plan would do, before creating it."""
    today = office_today()
    form = MonthForm(formdata=request.args)
    form.month.choices = _month_choices(today)
    if not request.args.get("month"):
        form.month.data = next_month(today).strftime("%Y-%m")
    elif not form.validate():
        form.month.data = next_month(today).strftime("%Y-%m")
        flash(
            _("Choose a month from the list: this month or one of the twelve after it."), "warning"
        )
    month = date.fromisoformat(form.month.data + "-01")
    preview = preview_school_plan(db.session, month=month, today=today, settings=_settings())
    create_form = CreateMonthForm(formdata=None, month=form.month.data)
    create_form.month.choices = form.month.choices
    return render_template(
        "plan/schools.html",
        form=form,
        create_form=create_form,
        preview=preview,
        history=_history(PlanKind.SCHOOL_MONTH),
    )


@bp.route("", methods=["POST"])
def create():
    """Create the month's plan visits (schools already planned are left as they are)."""
    today = office_today()
    form = CreateMonthForm()
    form.month.choices = _month_choices(today)
    if not form.validate_on_submit():
        abort(400)
    month = date.fromisoformat(form.month.data + "-01")
    done = attempt(
        form,
        lambda: plan_schools(
            db.session,
            month=month,
            now=utcnow(),
            today=today,
            settings=_settings(),
            trigger=PlanTrigger.USER,
            actor=current_user,
        ),
        None,  # another run wrote the month at the same moment: said, not on a field
    )
    if not done.ok:
        return redirect(url_for("plan.index", month=form.month.data))
    db.session.commit()
    run, _preview = done.result
    flash(
        _(
            "%(month)s planned: %(created)d visits created.",
            month=month_name(month).capitalize(),
            created=run.created_count,
        ),
        "success",
    )
    return redirect(url_for("plan.run", run_id=run.id))


def _home_period(form) -> tuple[date, int]:
    today = office_today()
    start = form.start.data or today + timedelta(days=1)
    return start, int(form.days.data or 14)


@bp.route("/home")
def home():
    """Choose a period and see which residents would be visited on which day, in route order."""
    form = HomePeriodForm(formdata=request.args)
    if request.args and not form.validate():
        flash(_("Check the period: a first day and a length from the list."), "warning")
        form = HomePeriodForm(formdata=None)
    start, days = _home_period(form)
    form.start.data = start
    preview = preview_home_visits(
        db.session, start=start, days=days, today=office_today(), settings=_settings()
    )
    return render_template(
        "plan/home.html",
        form=form,
        create_form=CreateHomeForm(formdata=None, start=start, days=str(days)),
        preview=preview,
        history=_history(PlanKind.HOME_VISITS),
        last_day=start + timedelta(days=days - 1),
    )


@bp.route("/home", methods=["POST"])
def create_home():
    form = CreateHomeForm()
    if not form.validate_on_submit() or not 1 <= int(form.days.data) <= MAX_DAYS:
        abort(400)
    done = attempt(
        form,
        lambda: plan_home(
            db.session,
            start=form.start.data,
            days=int(form.days.data),
            now=utcnow(),
            today=office_today(),
            settings=_settings(),
            trigger=PlanTrigger.USER,
            actor=current_user,
        ),
        None,
    )
    if not done.ok:
        return redirect(url_for("plan.home"))
    db.session.commit()
    run, _preview = done.result
    flash(
        _("Home visits planned: %(created)d visits created.", created=run.created_count), "success"
    )
    return redirect(url_for("plan.run", run_id=run.id))


@bp.route("/runs/<int:run_id>")
def run(run_id: int):
    """One plan run: when, by whom, what it created, and every subject left out with why."""
    plan_run = db.get_or_404(PlanRun, run_id)
    return render_template("plan/run.html", run=plan_run)
