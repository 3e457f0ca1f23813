"""The plan pages: preview a month's school plan and create it; the same for home visits;
the history of plan runs and one run's report."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from outreach.errors import DomainError
from outreach.extensions import db
from outreach.i18n import long_date, month_name, office_today
from outreach.models import PlanKind, PlanRun, PlanTrigger, utcnow
from outreach.scheduling.calendar import month_start, next_month
from outreach.scheduling.school_breaks import BreakCheck, SchoolBreak, break_from_key
from outreach.services.planning.homes import (
    MAX_DAYS,
    check_period,
    plan_home,
    preview_home_visits,
)
from outreach.services.planning.inputs import PlanSettings
from outreach.services.planning.schools import plan_schools, preview_school_plan
from outreach.services.schools.breaks import (
    BreakAlreadyNoted,
    add_school_break,
    break_name,
    month_breaks,
)
from outreach.web.forms import attempt
from outreach.web.plan import bp
from outreach.web.plan.forms import (
    CreateHomeForm,
    CreateMonthForm,
    HomePeriodForm,
    MonthForm,
    SchoolBreakForm,
)
from outreach.web.schools.blackouts import warn_of_visits_in

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
    return _school_page(form)


def _school_page(form: MonthForm, break_form: SchoolBreakForm | None = None, status: int = 200):
    """The month's preview; with ``break_form``, that break's form as it was refused."""
    today = office_today()
    month = date.fromisoformat(form.month.data + "-01")
    settings = _settings()
    preview = preview_school_plan(db.session, month=month, today=today, settings=settings)
    create_form = CreateMonthForm(formdata=None, month=form.month.data)
    create_form.month.choices = form.month.choices
    checks = month_breaks(db.session, month=month, today=today, settings=settings)
    return render_template(
        "plan/schools.html",
        form=form,
        create_form=create_form,
        preview=preview,
        history=_history(PlanKind.SCHOOL_MONTH),
        breaks=[_break_entry(check, form.month.data, break_form) for check in checks],
    ), status


def _break_entry(check: BreakCheck, month: str, refused: SchoolBreakForm | None) -> dict:
    """A usual break for the page: its name, and for one not noted the form that notes it,
    prefilled with the usual days (or as it was refused)."""
    school_break = check.school_break
    entry = {"check": check, "name": break_name(school_break), "form": None}
    if not check.is_noted:
        if refused is not None and refused.key.data == school_break.key:
            entry["form"] = refused
        else:
            entry["form"] = SchoolBreakForm(
                formdata=None,
                key=school_break.key,
                month=month,
                first_on=school_break.first_on,
                last_on=school_break.last_on,
                reason=entry["name"],
            )
    return entry


def _offered_break(form: SchoolBreakForm, month_form: MonthForm) -> SchoolBreak:
    """The break a posted form names, in a month of the list; 400 for one no page offered."""
    try:
        school_break = break_from_key(form.key.data or "")
    except ValueError:
        abort(400)
    if form.month.data not in {choice.value for choice in month_form.month.choices}:
        abort(400)
    first = date.fromisoformat(form.month.data + "-01")
    if not school_break.overlaps(first, next_month(first) - timedelta(days=1)):
        abort(400)  # a break of another month: that month's preview offers it
    return school_break


@bp.route("/breaks", methods=["POST"])
def add_break():
    """Note a month's usual school break as an all-schools blackout, in one step, then back to
    the month's preview, which leaves those days out."""
    form = SchoolBreakForm()
    month_form = MonthForm(formdata=None, month=form.month.data)
    month_form.month.choices = _month_choices(office_today())
    school_break = _offered_break(form, month_form)
    if form.validate_on_submit():
        done = attempt(
            form,
            lambda: add_school_break(
                db.session,
                now=utcnow(),
                actor=current_user,
                school_break=school_break,
                first_on=form.first_on.data,
                last_on=form.last_on.data,
                reason=form.reason.data,
            ),
            "first_on",
        )
        if isinstance(done.error, BreakAlreadyNoted):  # noted meanwhile: the preview says how
            flash(str(done.error.message), "info")
            return redirect(url_for("plan.index", month=form.month.data))
        if done.ok:
            db.session.commit()
            blackout = done.result.blackout
            flash(
                _(
                    "%(name)s noted: %(first)s – %(last)s. The plan leaves these days out.",
                    name=blackout.reason,
                    first=long_date(blackout.first_on),
                    last=long_date(blackout.last_on),
                ),
                "success",
            )
            warn_of_visits_in(blackout, None)
            return redirect(url_for("plan.index", month=form.month.data))
    return _school_page(month_form, break_form=form, status=422)


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
        said = " ".join(str(error) for error in form.start.errors)  # a day out of range, say
        flash(said or _("Check the period: a first day and a length from the list."), "warning")
        form = HomePeriodForm(formdata=None)
    start, days = _home_period(form)
    try:
        check_period(start, days, office_today())
    except DomainError as refused:  # a first day gone by or too far ahead: say so, show ours
        flash(str(refused.message), "warning")
        start, days = _home_period(HomePeriodForm(formdata=None))
    preview = preview_home_visits(
        db.session, start=start, days=days, today=office_today(), settings=_settings()
    )
    form.start.data = start
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
        if form.start.errors and "csrf_token" not in form.errors:  # the day typed: said
            flash(" ".join(str(error) for error in form.start.errors), "warning")
            return redirect(url_for("plan.home"))
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
    return render_template("plan/run.html", run=plan_run, breaks=_breaks_not_noted(plan_run))


def _breaks_not_noted(plan_run: PlanRun) -> list[dict]:
    """The usual school breaks the run found no blackout for, named, with their usual days."""
    found = []
    for key in (plan_run.details or {}).get("breaks_not_noted", []):
        try:
            school_break = break_from_key(key)
        except ValueError:  # not written by this version: nothing to say about it
            continue
        found.append({"name": break_name(school_break), "usual": school_break})
    return found
