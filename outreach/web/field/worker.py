"""The service worker, the page it shows for a page not kept on the phone, and the list of the
pages it keeps for an officer: their home, the day sheets and each stop's outcome form, for
today and the coming working days."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path

from flask import current_app, jsonify, render_template, url_for
from flask_login import current_user

from outreach import permissions
from outreach.extensions import db
from outreach.i18n import office_today
from outreach.models import utcnow
from outreach.services.visits.queries import list_team_day, list_team_overdue
from outreach.web.access import api, public
from outreach.web.field import bp
from outreach.web.main.views import coming_days

STATIC = Path(__file__).resolve().parents[2] / "static"
TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
# What every page needs, kept by the service worker at its install (the app shell).
SHELL_STATIC = (
    ("static", "css/app.css"),
    ("static", "js/app.js"),
    ("static", "js/outbox.js"),
    ("static", "js/offline.js"),
    ("static", "img/favicon.svg"),
    ("bootstrap.static", "css/bootstrap.min.css"),
    ("bootstrap.static", "css/font/bootstrap-icons.min.css"),
    ("bootstrap.static", "css/font/fonts/bootstrap-icons.woff2"),
    ("bootstrap.static", "css/font/fonts/bootstrap-icons.woff"),
    ("bootstrap.static", "umd/popper.min.js"),
    ("bootstrap.static", "js/bootstrap.min.js"),
)


def _shell_urls() -> list[str]:
    return [url_for(endpoint, filename=name) for endpoint, name in SHELL_STATIC] + [
        url_for("field.offline")
    ]


def _version() -> str:
    """A digest of the worker and everything it keeps: a new release of any of them is a new
    worker, which the browser installs in place of the old one (and its kept shell)."""
    cached = current_app.extensions.get("outreach_sw_version")
    if cached:
        return cached
    digest = hashlib.sha256()
    bootstrap = Path(current_app.blueprints["bootstrap"].static_folder)
    for endpoint, name in SHELL_STATIC:
        digest.update((STATIC if endpoint == "static" else bootstrap).joinpath(name).read_bytes())
    digest.update((STATIC / "js" / "sw.js").read_bytes())
    digest.update((TEMPLATES / "field" / "offline.html").read_bytes())
    digest.update((TEMPLATES / "base.html").read_bytes())
    version = digest.hexdigest()[:16]
    if not current_app.debug:
        current_app.extensions["outreach_sw_version"] = version
    return version


@bp.route("/sw.js")
@public
def service_worker():
    """Served from the root so that it may look after every page; never cached by HTTP, so a
    new release reaches the phone on its next page load."""
    head = f"const VERSION = {json.dumps(_version())};\n"
    head += f"const SHELL = {json.dumps(_shell_urls())};\n"
    body = head + (STATIC / "js" / "sw.js").read_text(encoding="utf-8")
    return (
        body,
        200,
        {
            "Content-Type": "text/javascript; charset=utf-8",
            "Cache-Control": "no-cache",
        },
    )


@bp.route("/field/offline")
@public
def offline():
    """Shown by the service worker for a page the phone does not keep, without a signal."""
    return render_template("field/offline.html")


def _stamp(visits) -> str:
    text = ",".join(f"{visit.id}:{visit.version}" for visit in visits)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


@bp.route("/field/pages")
@api
def pages():
    """The pages an officer's phone keeps, each with a stamp that changes when what it shows
    does (the worker fetches again only those): none for anyone else."""
    days = current_app.config["OUTREACH_OFFLINE_DAYS"]
    answer = {"user": current_user.id, "keep_ms": days * 86_400_000, "pages": []}
    team_id = current_user.team_id
    if not permissions.is_field_officer(current_user) or not team_id:
        return jsonify(answer), 200, {"Cache-Control": "no-store"}
    today = office_today()
    by_day = {today: list_team_day(db.session, team_id, today)}
    for team_day in coming_days(team_id, today):
        if team_day.visits:
            by_day[team_day.day] = team_day.visits
    overdue = list_team_overdue(db.session, team_id, today)
    everyone = [visit for visits in by_day.values() for visit in visits] + overdue
    listed = [{"url": url_for("main.home"), "stamp": _stamp(everyone) + today.isoformat()}]
    for day, visits in by_day.items():
        url = url_for("visits.day_sheet", team=team_id, day=day.isoformat())
        listed.append({"url": url, "stamp": _stamp(visits)})
    seen = set()
    for visit in everyone:
        if visit.id not in seen:
            seen.add(visit.id)
            url = url_for("visits.outcome", visit_id=visit.id)
            listed.append({"url": url, "stamp": str(visit.version)})
    answer["pages"] = listed
    answer["until"] = (utcnow() + timedelta(days=days)).isoformat()
    return jsonify(answer), 200, {"Cache-Control": "no-store"}
