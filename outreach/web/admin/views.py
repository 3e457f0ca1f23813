"""User accounts: list, create, edit (role, team, school, active) and password reset."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from outreach import permissions
from outreach.extensions import db
from outreach.labels import ROLE_LABELS
from outreach.models import Role, School, Team, User, utcnow
from outreach.services.teams import list_teams
from outreach.services.users import create_user, set_password, update_user
from outreach.web.access import require
from outreach.web.admin.forms import (
    PasswordResetForm,
    UserCreateForm,
    UserEditForm,
)
from outreach.web.auth.logins import log_in_here
from outreach.web.choices import enum_choices
from outreach.web.forms import attempt

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def admins_only():
    require(permissions.can_manage_users)


def _fill_choices(form) -> None:
    # An empty first choice: a new account's role is chosen, never the top of the list.
    form.role.choices = enum_choices(ROLE_LABELS, _("— choose a role —"))
    form.team.choices = [SelectChoice("", _("— none —"))] + [
        SelectChoice(str(team.id), team.name) for team in list_teams(db.session)
    ]
    schools = db.session.scalars(select(School).order_by(School.name))
    form.school.choices = [SelectChoice("", _("— none —"))] + [
        SelectChoice(str(school.id), f"{school.name} ({school.npsn})") for school in schools
    ]


def _bound_records(form) -> tuple[Team | None, School | None]:
    team = db.session.get(Team, int(form.team.data)) if form.team.data else None
    school = db.session.get(School, int(form.school.data)) if form.school.data else None
    return team, school


def _edit_form(user: User, *, submitted: bool) -> UserEditForm:
    """The account form: the posted values when ``submitted``, else the account as it is.

    Not bound to the request otherwise: a password-reset POST must not blank the account fields
    (an unchecked "active" box would deactivate the account on the next save).
    """
    if submitted:
        form = UserEditForm()
    else:
        form = UserEditForm(formdata=None, obj=user)
        form.role.data = user.role.value
        form.team.data = str(user.team_id or "")
        form.school.data = str(user.school_id or "")
    _fill_choices(form)
    return form


def _load_user(user_id: int) -> User:
    """The user with this id, or 404."""
    return db.get_or_404(User, user_id)


@bp.route("/users")
def users():
    """Every account, grouped by role."""
    accounts = db.session.scalars(select(User).order_by(User.role, User.username)).all()
    return render_template("admin/users.html", users=accounts, role_labels=ROLE_LABELS)


@bp.route("/users/new", methods=["GET", "POST"])
def user_new():
    form = UserCreateForm()
    _fill_choices(form)
    if form.validate_on_submit():
        team, school = _bound_records(form)
        done = attempt(
            form,
            lambda: create_user(
                db.session,
                now=utcnow(),
                actor=current_user,
                username=form.username.data,
                name=form.name.data,
                role=Role(form.role.data),
                password=form.password.data,
                team=team,
                school=school,
                email=form.email.data,
            ),
            "username",
        )
        if done.ok:
            db.session.commit()
            flash(_("Account %(name)s created.", name=done.result.username), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int):
    user = _load_user(user_id)
    form = _edit_form(user, submitted=request.method == "POST")
    reset_form = PasswordResetForm(prefix="reset")
    if form.validate_on_submit():
        team, school = _bound_records(form)
        done = attempt(
            form,
            lambda: update_user(
                db.session,
                user,
                now=utcnow(),
                actor=current_user,
                name=form.name.data,
                role=Role(form.role.data),
                team=team,
                school=school,
                email=form.email.data,
                is_active=form.is_active.data,
            ),
            "name",
        )
        if done.ok:
            db.session.commit()
            flash(_("Account %(name)s saved.", name=user.username), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user, reset_form=reset_form)


@bp.route("/users/<int:user_id>/password", methods=["POST"])
def user_password(user_id: int):
    user = _load_user(user_id)
    reset_form = PasswordResetForm(prefix="reset")
    if reset_form.validate_on_submit():
        done = attempt(
            reset_form,
            lambda: set_password(
                db.session, user, reset_form.password.data, now=utcnow(), actor=current_user
            ),
            "password",
        )
        if done.ok:
            db.session.commit()
            if user.id == current_user.id:
                # The reset ended every session, this one included: the admin carries on in a
                # new one, as after a login (not with the ended one's token).
                log_in_here(user, now=utcnow())
            flash(_("New password set for %(name)s.", name=user.username), "success")
            return redirect(url_for("admin.user_edit", user_id=user.id))
    form = _edit_form(user, submitted=False)
    return render_template("admin/user_form.html", form=form, user=user, reset_form=reset_form), 422
