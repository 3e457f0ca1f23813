"""Where the phone's outcome queue sends: a fresh CSRF token before a replay, and one outcome a
request, taken once by the id the phone made. Every answer is JSON with a ``state`` the queue
acts on — recorded, same, kept, invalid, gone, retry; nobody logged in is a 401 (web.access.api),
never the login page's redirect."""

from __future__ import annotations

import re

from flask import abort, flash, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy.exc import IntegrityError

from outreach import permissions
from outreach.errors import DomainError
from outreach.extensions import db
from outreach.i18n import office_today
from outreach.models import SentState, utcnow
from outreach.services.versions import Stale
from outreach.services.visits.queries import load_visit
from outreach.services.visits.sent import (
    Receipt,
    Sent,
    SentByAnother,
    find_sent,
    kept_message,
    receive_outcome,
    was_team_visit,
)
from outreach.web.access import api, refuse, require
from outreach.web.field import bp
from outreach.web.params import parse_instant
from outreach.web.visits.common import acting_user
from outreach.web.visits.outcome import after_outcome, done_message, read_outcome

CLIENT_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
FIELD_NAME = re.compile(r"[a-z_]{1,20}")
FIELD_MAX = 2000  # characters of one field's value: the form's own limits are far below
NO_STORE = {"Cache-Control": "no-store"}


def _may_send(user) -> bool:
    return permissions.can_coordinate(user) or permissions.is_field_officer(user)


@bp.route("/field/token")
@api
def token():
    """A CSRF token of this session, fetched before the queue sends (the one in a page saved
    on the phone belongs to a session that may have ended)."""
    require(_may_send)
    return jsonify(csrf_token=generate_csrf(), user=current_user.id), 200, NO_STORE


def _invalid(message: str, errors: dict | None = None, status: int = 422):
    return jsonify(state="invalid", message=message, errors=errors or {}), status, NO_STORE


def _read(body) -> tuple[str, int, dict[str, str], object] | None:
    """The request's id, visit, fields (as a form would post them) and phone time; None when
    it is not one the queue makes."""
    if not isinstance(body, dict):
        return None
    client_id, visit_id, fields = body.get("id"), body.get("visit"), body.get("fields")
    if not (isinstance(client_id, str) and CLIENT_ID.fullmatch(client_id)):
        return None
    if type(visit_id) is not int or not 0 < visit_id < 2**31:
        return None
    if not isinstance(fields, dict):
        return None
    data = {}
    for name, value in fields.items():
        if not FIELD_NAME.fullmatch(str(name)):
            return None
        if value is None:
            continue
        if type(value) not in (str, int) or len(str(value)) > FIELD_MAX:
            return None
        data[name] = str(value)
    made_at = parse_instant(body.get("made_at"))
    if made_at is not None and not 2000 <= made_at.year <= 2100:
        made_at = None  # no phone's clock: not kept (nor stored past what a column holds)
    return client_id, visit_id, data, made_at


@bp.route("/field/outcomes", methods=["POST"])
@api
def receive():
    """One outcome from the phone: {"id": the phone's UUID, "visit": id, "fields": {the outcome
    form's fields}, "made_at": ISO instant, "live": true when sent from the open form}."""
    require(_may_send)
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # a body nested past Python's depth: no outcome is
        body = None
    read = _read(body)
    if read is None:
        unread = _("This outcome could not be read. Enter it again in the form.")
        return _invalid(unread, status=400)
    client_id, visit_id, data, made_at = read
    live = bool(body.get("live"))
    before = find_sent(db.session, client_id)
    if before is not None and before.user_id == current_user.id:
        return _answer(Receipt(before, again=True), live)
    visit = load_visit(db.session, visit_id)
    if visit is None:
        abort(404)  # the same answer as another team's visit (web.errors)
    team_id = None if permissions.can_coordinate(current_user) else current_user.team_id
    if not permissions.can_record_outcome(current_user, visit) and not (
        team_id and was_team_visit(db.session, visit, team_id)
    ):
        refuse(404)  # another team's visit, never this officer's: as if missing, audited
    values, errors = read_outcome(visit, data)
    if errors:
        return _invalid(_first(errors), errors)
    sent = Sent(client_id=client_id, values=values, made_at=made_at)
    try:
        receipt = receive_outcome(
            db.session,
            visit,
            sent,
            who=acting_user(),
            team_id=team_id,
            now=utcnow(),
            today=office_today(),
        )
        db.session.commit()
    except IntegrityError:  # the same id, sent twice at once: the other request took it
        db.session.rollback()
        taken = find_sent(db.session, client_id)
        if taken is None:
            raise
        if taken.user_id != current_user.id:
            return _invalid(str(SentByAnother().message))
        receipt = Receipt(taken, again=True)
    except Stale as stale:  # someone saved the visit at this very moment: send again later
        db.session.rollback()
        return jsonify(state="retry", message=str(stale.message)), 409, NO_STORE
    except DomainError as error:
        db.session.rollback()
        return _invalid(str(error.message), {error.field or "outcome": [str(error.message)]})
    return _answer(receipt, live)


def _first(errors: dict) -> str:
    for messages in errors.values():
        for message in messages:
            return str(message)
    return _("Check the outcome and send it again.")


def _answer(receipt: Receipt, live: bool):
    row = receipt.row
    visit = row.visit
    if row.state in (SentState.KEPT, SentState.RESOLVED):
        return jsonify(state="kept", message=kept_message(db.session, row)), 202, NO_STORE
    if row.state is SentState.SAME:
        message = _("This outcome had already been saved for %(name)s.", name=visit.subject_name)
    elif receipt.again:
        message = _("Outcome saved for %(name)s.", name=visit.subject_name)
    else:
        message = done_message(visit, receipt.resident_after, corrected=False)
    if live:  # the form's page goes on to the next one, which says so
        flash(message, "success")
    status = 200 if receipt.again or row.state is SentState.SAME else 201
    return (
        jsonify(
            state="same" if row.state is SentState.SAME else "recorded",
            message=message,
            next=after_outcome(visit),
        ),
        status,
        NO_STORE,
    )
