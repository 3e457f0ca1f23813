"""School registry pages: the list, a school's page, creating, editing, (de)activating, and the
liaison's account. Blackout periods and imports have their own modules on this blueprint."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from outreach.domain.phone import display_phone
from outreach.domain.text import clean_line
from outreach.extensions import db
from outreach.i18n import month_name, office_today
from outreach.labels import SCHOOL_LEVEL_LABELS, SCHOOL_STATUS_LABELS
from outreach.models import (
    Role,
    School,
    SchoolLevel,
    SchoolStatus,
    iso_weekdays,
    utcnow,
    weekday_bit,
)
from outreach.services.audit import list_events_for
from outreach.services.schools.blackouts import list_blackouts
from outreach.services.schools.registry import (
    Activation,
    SchoolFilters,
    SchoolValues,
    count_schools,
    create_school,
    list_liaison_accounts,
    list_school_visits,
    list_schools,
    set_school_active,
    update_school,
)
from outreach.services.users import create_user
from outreach.services.visits.lifecycle import visits_ending_with_school
from outreach.web.choices import (
    enum_choices,
    offer_kecamatan,
    offer_regions,
)
from outreach.web.downloads import url_with
from outreach.web.feeds.manage import change_feed, feed_url
from outreach.web.forms import ConfirmForm, VersionForm, attempt, show_current
from outreach.web.params import arg_page
from outreach.web.schools import bp
from outreach.web.schools.choices import active_choices, weekday_choices
from outreach.web.schools.forms import (
    BlackoutForm,
    LiaisonAccountForm,
    SchoolFilterForm,
    SchoolForm,
)

PER_PAGE = 25


def load_school(school_id: int) -> School:
    """The school with this id, or 404."""
    return db.get_or_404(School, school_id)


# --- the list ---------------------------------------------------------------------------------


def _filters_from_request() -> tuple[SchoolFilterForm, SchoolFilters]:
    form = SchoolFilterForm(formdata=request.args)
    offer_kecamatan(form.kecamatan, _("All kecamatan"))
    form.level.choices = enum_choices(SCHOOL_LEVEL_LABELS, _("All levels"))
    form.status.choices = enum_choices(SCHOOL_STATUS_LABELS, _("Negeri and swasta"))
    form.active.choices = active_choices()
    form.validate()
    valid = {name: field.data for name, field in form._fields.items() if not field.errors}
    filters = SchoolFilters(
        q=(valid.get("q") or "").strip(),
        kecamatan=valid.get("kecamatan") or "",
        level=valid.get("level") or "",
        status=valid.get("status") or "",
        active=valid.get("active") or "active",
        sort=valid.get("sort") or "name",
        descending=valid.get("dir") == "desc",
    )
    return form, filters


@bp.route("")
def index():
    """Schools with search, filters, sorting and pagination."""
    form, filters = _filters_from_request()
    page = list_schools(db.session, filters, page=arg_page(), per_page=PER_PAGE)

    def sort_url(key: str) -> str:
        descending = filters.sort == key and not filters.descending
        return url_with("schools.index", sort=key, dir="desc" if descending else "asc", page=None)

    return render_template(
        "schools/index.html",
        form=form,
        filters=filters,
        page=page,
        counts=count_schools(db.session),
        sort_url=sort_url,
        page_url=lambda number: url_with("schools.index", page=str(number)),
        filtered=bool(filters.q or filters.kecamatan or filters.level or filters.status),
    )


# --- one school -------------------------------------------------------------------------------


def _school_form(school: School | None = None, *, current: bool = False) -> SchoolForm:
    """The form as posted, or (GET, or ``current``) filled from the school as stored."""
    if (request.method == "POST" and not current) or school is None:
        return _offered(SchoolForm())
    return _filled(school).seal()


def _filled(source: School | SchoolValues) -> SchoolForm:
    """The form filled from a school as stored, or from values as the school would store them
    — the same way, so that a stale page compares the two field by field."""
    form = SchoolForm(formdata=None, obj=source)
    form.level.data = source.level.value
    form.status.data = source.status.value if source.status else ""
    form.kecamatan.data = source.kecamatan_code
    form.kelurahan.data = source.kelurahan_code or ""
    form.coordinates.data = f"{source.lat}, {source.lng}" if source.lat is not None else ""
    form.liaison_phone.data = display_phone(source.liaison_phone)
    form.students_pending.data = (
        "" if source.students_pending is None else str(source.students_pending)
    )
    form.preferred_weekdays.data = [
        str(day) for day in sorted(iso_weekdays(source.preferred_weekdays))
    ]
    return _offered(form)


def _offered(form: SchoolForm) -> SchoolForm:
    form.level.choices = enum_choices(SCHOOL_LEVEL_LABELS)
    form.status.choices = enum_choices(SCHOOL_STATUS_LABELS, _("— unknown —"))
    offer_regions(form.kecamatan, form.kelurahan, _("— choose —"))
    form.preferred_weekdays.choices = weekday_choices()
    return form


def _values(form: SchoolForm) -> SchoolValues:
    lat, lng = form.coordinates.data if isinstance(form.coordinates.data, tuple) else (None, None)
    mask = 0
    for day in form.preferred_weekdays.data or []:
        mask |= weekday_bit(int(day))
    return SchoolValues(
        npsn=form.npsn.data,
        name=clean_line(form.name.data),
        level=SchoolLevel(form.level.data),
        status=SchoolStatus(form.status.data) if form.status.data else None,
        address=(form.address.data or "").strip() or None,
        kecamatan_code=form.kecamatan.data,
        kelurahan_code=form.kelurahan.data or None,
        lat=lat,
        lng=lng,
        liaison_name=clean_line(form.liaison_name.data) or None,
        liaison_phone=form.liaison_phone.data or None,
        liaison_email=form.liaison_email.data or None,
        students_pending=(
            form.students_pending.data if isinstance(form.students_pending.data, int) else None
        ),
        preferred_weekdays=mask,
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = _school_form()
    if form.validate_on_submit():
        done = attempt(
            form,
            lambda: create_school(db.session, _values(form), now=utcnow(), actor=current_user),
            "npsn",
        )
        if done.ok:
            db.session.commit()
            school = done.result
            flash(_("School %(name)s registered.", name=school.name), "success")
            return redirect(url_for("schools.detail", school_id=school.id))
    return render_template("schools/form.html", form=form, school=None), (
        422 if form.errors else 200
    )


def render_school_page(school: School, *, blackout_form=None, account_form=None, status=200):
    """A school's page; a form passed in was posted and failed, and is shown open."""
    if account_form is None:
        account_form = LiaisonAccountForm(
            formdata=None,
            username=f"operator.{school.npsn}",
            name=school.liaison_name,
            email=school.liaison_email,
        )
    page = render_template(
        "schools/detail.html",
        school=school,
        blackouts=list_blackouts(db.session, school=school, ending_from=office_today()),
        blackout_form=blackout_form or BlackoutForm(formdata=None),
        liaisons=list_liaison_accounts(db.session, school),
        account_form=account_form,
        visits=list_school_visits(db.session, school),
        events=list_events_for(db.session, school),
        confirm_form=ConfirmForm(),
        active_form=VersionForm(formdata=None, version=school.version),
        deactivate_question=_deactivate_question(school) if school.is_active else None,
        feed_link=feed_url(school),
        feed_action=url_for("schools.feed", school_id=school.id),
        feed_form=ConfirmForm(),
        failed_form="blackout" if blackout_form else ("account" if account_form.errors else None),
    )
    return page, status


def _deactivate_question(school: School) -> str:
    """What the deactivate button asks first: that the school is no longer planned, and how
    many of its open visits from today on it cancels (today's may already have taken place)."""
    today = office_today()
    ending = visits_ending_with_school(db.session, school.id, today)
    if not ending:
        return _("Deactivate %(name)s? It will no longer be planned.", name=school.name)
    question = ngettext(
        "Deactivate %(name)s? It will no longer be planned, and its %(num)d open visit from "
        "today on will be cancelled. Reactivating the school does not bring it back.",
        "Deactivate %(name)s? It will no longer be planned, and its %(num)d open visits from "
        "today on will be cancelled. Reactivating the school does not bring them back.",
        len(ending),
        name=school.name,
    )
    if ending[0].visit_on == today:
        question += " " + _(
            "This includes today's visit: if the team has already been there, record its "
            "outcome first."
        )
    return question


@bp.route("/<int:school_id>")
def detail(school_id: int):
    """A school's contact, constraints, blackout periods, accounts, visits and history."""
    return render_school_page(load_school(school_id))


@bp.route("/<int:school_id>/feed", methods=["POST"])
def feed(school_id: int):
    """Make, renew or switch off the school's calendar link."""
    school = load_school(school_id)
    return change_feed(school, url_for("schools.detail", school_id=school.id))


@bp.route("/<int:school_id>/edit", methods=["GET", "POST"])
def edit(school_id: int):
    school = load_school(school_id)
    form = _school_form(school)
    if form.validate_on_submit():
        done = attempt(
            form,
            lambda: update_school(
                db.session,
                school,
                _values(form),
                now=utcnow(),
                actor=current_user,
                version=form.seen_version,
            ),
            "name",
        )
        if done.ok:
            db.session.commit()
            if done.result:
                flash(_("Changes to %(name)s saved.", name=school.name), "success")
            else:
                flash(_("Nothing was changed."), "info")
            return redirect(url_for("schools.detail", school_id=school.id))
        if done.stale:  # the school as it is now, and what was typed beside it
            return show_current(
                "schools/form.html",
                form,
                school,
                typed=_filled(_values(form)),
                current=_filled(school),
                school=school,
            )
    return render_template("schools/form.html", form=form, school=school), (
        422 if form.errors else 200
    )


@bp.route("/<int:school_id>/<any(deactivate, reactivate):action>", methods=["POST"])
def set_active(school_id: int, action: str):
    school = load_school(school_id)
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    active = action == "reactivate"
    done = attempt(
        form,
        lambda: set_school_active(
            db.session, school, active, now=utcnow(), actor=current_user, version=form.seen_version
        ),
        None,  # a stale page: said, and the school's page shows it as it is now
    )
    if done.result:
        db.session.commit()
        flash(_activation_message(school, done.result), "success")
    return redirect(url_for("schools.detail", school_id=school.id))


def _activation_message(school: School, activation: Activation) -> str:
    if activation.active:
        return _(
            "%(name)s is active again: the monthly plan includes it from %(month)s. Visits "
            "cancelled when it was deactivated stay cancelled.",
            name=school.name,
            month=month_name(activation.planned_from),
        )
    if not activation.cancelled:
        return _("%(name)s is deactivated: it is no longer planned.", name=school.name)
    return ngettext(
        "%(name)s is deactivated: it is no longer planned, and its %(num)d open visit from "
        "today on was cancelled.",
        "%(name)s is deactivated: it is no longer planned, and its %(num)d open visits from "
        "today on were cancelled.",
        len(activation.cancelled),
        name=school.name,
    )


@bp.route("/<int:school_id>/liaison-account", methods=["POST"])
def liaison_account(school_id: int):
    """Create the login of this school's liaison officer."""
    school = load_school(school_id)
    form = LiaisonAccountForm()
    if form.validate_on_submit():
        done = attempt(
            form,
            lambda: create_user(
                db.session,
                now=utcnow(),
                actor=current_user,
                username=form.username.data,
                name=form.name.data,
                role=Role.LIAISON,
                password=form.password.data,
                school=school,
                email=form.email.data,
            ),
            "username",
        )
        if done.ok:
            db.session.commit()
            user = done.result
            flash(
                _(
                    "Account %(username)s created for %(name)s.",
                    username=user.username,
                    name=user.name,
                ),
                "success",
            )
            return redirect(url_for("schools.detail", school_id=school.id, _anchor="liaison"))
    return render_school_page(school, account_form=form, status=422)
