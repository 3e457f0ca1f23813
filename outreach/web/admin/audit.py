"""/admin/audit: the audit log for admins — who did what, when, on which record, from which
address — filtered by who, what, which record and days, a page at a time. Every view of the
page is itself written to the log, once, with its filters."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice, StringField

from outreach import labels
from outreach.extensions import db
from outreach.i18n import office_zone
from outreach.models import utcnow
from outreach.services.audit import record_event
from outreach.services.audit_log import (
    ANONYMOUS_ACTOR,
    RECORD_MODELS,
    SYSTEM_ACTORS,
    AuditFilters,
    list_accounts,
    list_audit_events,
    records_of,
    region_names,
    school_names,
)
from outreach.web.admin import audit_words
from outreach.web.admin.views import bp
from outreach.web.downloads import url_with
from outreach.web.forms import DateInput, Form, SelectField
from outreach.web.params import arg_choice, arg_day, arg_id, parse_id

PER_PAGE = 50

# The "what" filter groups the actions by the first part of their key, in this order.
ACTION_GROUPS = {
    "auth": _l("Logins and access"),
    "user": _l("Accounts"),
    "audit": _l("Audit log"),
    "school": _l("Schools"),
    "blackout": _l("Blackout periods"),
    "resident": _l("Residents"),
    "visit": _l("Visits"),
    "plan": _l("Plans"),
    "team": _l("Teams"),
    "closure": _l("Office closures"),
    "coverage": _l("Coverage"),
    "template": _l("Files"),
}


class AuditFilterForm(Form):
    """The filters as the page draws them; the values come from web.params (a value it does
    not read is no filter), never from WTForms' own parsing."""

    class Meta:
        csrf = False

    who = SelectField(_l("Who"), validate_choice=False)
    action = SelectField(_l("What"), validate_choice=False)
    record = SelectField(_l("Kind of record"), validate_choice=False)
    record_id = StringField(_l("Record no."), render_kw={"inputmode": "numeric"})
    first_on = DateInput(_l("From"))
    last_on = DateInput(_l("To"))


def _filters() -> AuditFilters:
    """The query string's filters, read strictly; what does not read is left out."""
    who = request.args.get("who", "")
    record = arg_choice("record", RECORD_MODELS.keys()) or None
    first_on, _text = arg_day("first_on")
    last_on, _text = arg_day("last_on")
    if first_on and last_on and first_on > last_on:
        first_on, last_on = last_on, first_on  # a range given backwards means the same days
    return AuditFilters(
        user_id=parse_id(who),
        actor=who if who in (*SYSTEM_ACTORS, ANONYMOUS_ACTOR) else None,
        action=arg_choice("action", labels.AUDIT_ACTION_LABELS.keys()) or None,
        entity_type=record,
        entity_id=arg_id("record_id") if record else None,
        first_on=first_on,
        last_on=last_on,
    )


def _form(filters: AuditFilters) -> AuditFilterForm:
    who = str(filters.user_id) if filters.user_id else (filters.actor or "")
    form = AuditFilterForm(
        formdata=None,
        who=who,
        action=filters.action or "",
        record=filters.entity_type or "",
        record_id=str(filters.entity_id or ""),
        first_on=filters.first_on,
        last_on=filters.last_on,
    )
    form.who.choices = (
        [SelectChoice("", _("Everyone"))]
        + [SelectChoice(actor, str(labels.SYSTEM_ACTOR_LABELS[actor])) for actor in SYSTEM_ACTORS]
        + [SelectChoice(ANONYMOUS_ACTOR, str(audit_words.NOT_LOGGED_IN))]
        + [
            SelectChoice(str(user.id), f"{user.name} ({user.username})")
            for user in list_accounts(db.session)
        ]
    )
    groups: dict[str, list[SelectChoice]] = {str(_("Everything")): [SelectChoice("", _("All"))]}
    for prefix, group in ACTION_GROUPS.items():
        keys = [key for key in labels.AUDIT_ACTION_LABELS if key.split(".")[0] == prefix]
        groups[str(group)] = sorted(
            (SelectChoice(key, str(labels.AUDIT_ACTION_LABELS[key])) for key in keys),
            key=lambda choice: choice.label,
        )
    form.action.choices = groups
    form.record.choices = [SelectChoice("", _("Any"))] + [
        SelectChoice(kind, str(label)) for kind, label in audit_words.RECORD_KIND_LABELS.items()
    ]
    return form


@bp.route("/audit")
def audit_log():
    """The log, newest first; ``?before=`` / ``?after=`` an event's id page from there."""
    filters = _filters()
    before, after = arg_id("before"), arg_id("after")
    page = list_audit_events(
        db.session,
        filters,
        zone=office_zone(),
        per_page=PER_PAGE,
        before=before,
        after=None if before else after,
    )
    known = audit_words.Known(
        records=records_of(db.session, page.items, also=audit_words.mentioned(page.items)),
        regions=region_names(db.session, audit_words.region_codes(page.items)),
        schools=school_names(db.session, audit_words.npsns(page.items)),
    )
    subject = None
    if filters.entity_type and filters.entity_id:
        about = records_of(db.session, [], also=[(filters.entity_type, str(filters.entity_id))])
        subject = audit_words.record_link(
            filters.entity_type, str(filters.entity_id), about, _page_url
        )

    def page_url(**changes) -> str:
        return _page_url(before=None, after=None, **changes)

    lines = audit_words.lines(page.items, known, page_url)
    seen = filters.logged()  # the page seen: once per view, with what it showed
    if before or after:
        seen["before" if before else "after"] = before or after
    record_event(
        db.session,
        now=utcnow(),
        actor=current_user,
        action="audit.view",
        changes=seen,
        remote_addr=request.remote_addr,
    )
    db.session.commit()
    return render_template(
        "admin/audit.html",
        form=_form(filters),
        filters=filters,
        lines=lines,
        page=page,
        subject=subject,
        filtered=filters != AuditFilters(),
        older_url=_page_url(before=str(page.older), after=None) if page.older else None,
        newer_url=_page_url(after=str(page.newer), before=None) if page.newer else None,
        newest_url=_page_url(before=None, after=None) if page.newer else None,
    )


def _page_url(**changes: str | None) -> str:
    """This page with the query string's ``changes``."""
    return url_with("admin.audit_log", **changes)
