"""Team pages: the list, a team's page with its coming days and members, creating, editing."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from outreach.domain.phone import display_phone
from outreach.extensions import db
from outreach.i18n import office_today
from outreach.models import Kecamatan, Team, User, utcnow
from outreach.services.audit import list_events_for
from outreach.services.reference import nearest_place
from outreach.services.teams import (
    TeamValues,
    add_member,
    as_stored,
    create_team,
    list_team_days,
    list_teams,
    list_unassigned_officers,
    update_team,
)
from outreach.web.feeds.manage import change_feed, feed_url
from outreach.web.forms import ConfirmForm, attempt, show_current
from outreach.web.teams import bp
from outreach.web.teams.forms import MemberForm, TeamForm

DAYS_AHEAD = 31


def load_team(team_id: int) -> Team:
    """The team with this id, or 404."""
    return db.get_or_404(Team, team_id)


@bp.route("")
def index():
    """Every team with its capacity and area, and the kecamatan no active team covers."""
    teams = list_teams(db.session)
    covered = {k.code for team in teams if team.is_active for k in team.kecamatan}
    uncovered = [
        k
        for k in db.session.scalars(select(Kecamatan).order_by(Kecamatan.name))
        if k.code not in covered
    ]
    return render_template("teams/index.html", teams=teams, uncovered=uncovered)


def _team_form(team: Team | None = None, *, current: bool = False) -> TeamForm:
    """The form as posted, or (GET, or ``current``) filled from the team as stored."""
    if (request.method == "POST" and not current) or team is None:
        return _offered(TeamForm())
    return _filled(
        TeamValues(
            name=team.name,
            school_visits_per_day=team.school_visits_per_day,
            home_visits_per_day=team.home_visits_per_day,
            kecamatan_codes=[k.code for k in team.kecamatan],
            start_lat=team.start_lat,
            start_lng=team.start_lng,
            is_active=team.is_active,
            phone=team.phone,
        ),
        version=team.version,
    ).seal()


def _filled(values: TeamValues, version: int | None = None) -> TeamForm:
    """The form filled from a team's values, stored or as the team would store them — the
    same way, so that a stale page compares the two field by field."""
    values = as_stored(values)
    form = TeamForm(formdata=None, obj=values, version=version)
    form.school_visits_per_day.data = str(values.school_visits_per_day)
    form.home_visits_per_day.data = str(values.home_visits_per_day)
    form.kecamatan.data = list(values.kecamatan_codes)
    form.start.data = (
        f"{values.start_lat}, {values.start_lng}" if values.start_lat is not None else ""
    )
    form.phone.data = display_phone(values.phone)
    return _offered(form)


def _offered(form: TeamForm) -> TeamForm:
    form.kecamatan.choices = [
        SelectChoice(k.code, k.name)
        for k in db.session.scalars(select(Kecamatan).order_by(Kecamatan.name))
    ]
    return form


def _values(form: TeamForm) -> TeamValues:
    lat, lng = form.start.data if isinstance(form.start.data, tuple) else (None, None)
    return TeamValues(
        name=form.name.data,
        school_visits_per_day=form.school_visits_per_day.data,
        home_visits_per_day=form.home_visits_per_day.data,
        kecamatan_codes=form.kecamatan.data or [],
        start_lat=lat,
        start_lng=lng,
        is_active=form.is_active.data,
        phone=form.phone.data or None,
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = _team_form()
    if form.validate_on_submit():
        values = _values(form)
        done = attempt(
            form,
            lambda: create_team(
                db.session,
                now=utcnow(),
                actor=current_user,
                name=values.name,
                school_visits_per_day=values.school_visits_per_day,
                home_visits_per_day=values.home_visits_per_day,
                kecamatan_codes=values.kecamatan_codes,
                start_lat=values.start_lat,
                start_lng=values.start_lng,
                phone=values.phone,
            ),
            "name",
        )
        if done.ok:
            db.session.commit()
            team = done.result
            flash(_("Team created: %(name)s.", name=team.name), "success")
            return redirect(url_for("teams.detail", team_id=team.id))
    return render_template("teams/form.html", form=form, team=None), (422 if form.errors else 200)


@bp.route("/<int:team_id>/edit", methods=["GET", "POST"])
def edit(team_id: int):
    team = load_team(team_id)
    form = _team_form(team)
    if form.validate_on_submit():
        done = attempt(
            form,
            lambda: update_team(
                db.session,
                team,
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
                flash(_("Team saved: %(name)s.", name=team.name), "success")
            else:
                flash(_("Nothing was changed."), "info")
            return redirect(url_for("teams.detail", team_id=team.id))
        if done.stale:  # the team as it is now, and what was typed beside it
            return show_current(
                "teams/form.html",
                form,
                team,
                typed=_filled(_values(form)),
                current=_team_form(team, current=True),
                team=team,
            )
    return render_template("teams/form.html", form=form, team=team), (422 if form.errors else 200)


def _member_form(team: Team) -> MemberForm:
    form = MemberForm()
    form.officer.choices = [SelectChoice("", _("— choose —"))] + [
        SelectChoice(
            str(user.id),
            f"{user.name} ({user.team.name})" if user.team else user.name,
        )
        for user in list_unassigned_officers(db.session, team)
    ]
    return form


@bp.route("/<int:team_id>")
def detail(team_id: int):
    """A team: capacity, area, start, members and its next weeks day by day."""
    team = load_team(team_id)
    return _render_detail(team, _member_form(team))


def _render_detail(team: Team, member_form: MemberForm, status: int = 200):
    today = office_today()
    return render_template(
        "teams/detail.html",
        team=team,
        start_place=(
            nearest_place(db.session, team.start_lat, team.start_lng)
            if team.start_lat is not None and team.start_lng is not None
            else None
        ),
        days=list_team_days(db.session, team, today, today + timedelta(days=DAYS_AHEAD)),
        member_form=member_form,
        events=list_events_for(db.session, team),
        feed_link=feed_url(team),
        feed_action=url_for("teams.feed", team_id=team.id),
        feed_form=ConfirmForm(),
    ), status


@bp.route("/<int:team_id>/feed", methods=["POST"])
def feed(team_id: int):
    """Make, renew or switch off the team's calendar link."""
    team = load_team(team_id)
    return change_feed(team, url_for("teams.detail", team_id=team.id))


@bp.route("/<int:team_id>/members", methods=["POST"])
def add_member_view(team_id: int):
    """Move a field officer into this team."""
    team = load_team(team_id)
    form = _member_form(team)
    if not form.validate_on_submit():
        return _render_detail(team, form, 422)
    officer = db.session.get(User, int(form.officer.data))
    done = attempt(
        form,
        lambda: add_member(db.session, team, officer, now=utcnow(), actor=current_user),
        "officer",
    )
    if not done.ok:
        return _render_detail(team, form, 422)
    db.session.commit()
    flash(_("%(name)s is now in team %(team)s.", name=officer.name, team=team.name), "success")
    return redirect(url_for("teams.detail", team_id=team.id))
