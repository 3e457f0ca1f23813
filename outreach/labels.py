"""How enum values are named to people, in one place, translated."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from outreach.domain.phone import display_phone
from outreach.i18n import clock, long_date
from outreach.models import (
    COMMAND_ACTOR,
    DEMO_ACTOR,
    LINK_ACTOR,
    SCHEDULER_ACTOR,
    ClosureKind,
    ConfirmationChannel,
    DisabilityKind,
    HomeOutcome,
    PlanTrigger,
    RequestChannel,
    ResidentCategory,
    ResidentStatus,
    Role,
    SchoolLevel,
    SchoolStatus,
    SentProblem,
    Sex,
    VisitKind,
    VisitOrigin,
    VisitStatus,
)
from outreach.scheduling import home_plan, school_plan

ROLE_LABELS = {
    Role.ADMIN: _l("Admin"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.OFFICER: _l("Field officer"),
    Role.LIAISON: _l("School liaison"),
}

VISIT_STATUS_LABELS = {
    VisitStatus.PROPOSED: _l("Proposed"),
    VisitStatus.CONFIRMED: _l("Confirmed"),
    VisitStatus.COMPLETED: _l("Completed"),
    VisitStatus.CANCELLED: _l("Cancelled"),
    VisitStatus.MISSED: _l("Missed"),
    VisitStatus.MOVED: _l("Moved"),
}

CLOSURE_KIND_LABELS = {
    ClosureKind.LIBUR_NASIONAL: _l("National holiday"),
    ClosureKind.CUTI_BERSAMA: _l("Cuti bersama"),
    ClosureKind.LOCAL: _l("Local closure"),
}

SCHOOL_LEVEL_LABELS = {
    SchoolLevel.SMA: _l("SMA"),
    SchoolLevel.SMK: _l("SMK"),
    SchoolLevel.MA: _l("MA"),
    SchoolLevel.SLB: _l("SLB"),
    SchoolLevel.OTHER: _l("Other"),
}

SCHOOL_STATUS_LABELS = {
    SchoolStatus.NEGERI: _l("Negeri"),
    SchoolStatus.SWASTA: _l("Swasta"),
}

# School fields as named on forms, import previews and change histories.
SCHOOL_FIELD_LABELS = {
    "npsn": _l("NPSN"),
    "name": _l("Name"),
    "level": _l("Level"),
    "status": _l("Status"),
    "address": _l("Address"),
    "kecamatan_code": _l("Kecamatan"),
    "kelurahan_code": _l("Kelurahan"),
    "lat": _l("Latitude"),
    "lng": _l("Longitude"),
    "liaison_name": _l("Liaison"),
    "liaison_phone": _l("Liaison's mobile"),
    "liaison_email": _l("Liaison's e-mail"),
    "students_pending": _l("Students still to record"),
    "preferred_weekdays": _l("Preferred visit days"),
    "is_active": _l("Active"),
    "first_on": _l("First day"),
    "last_on": _l("Last day"),
    "reason": _l("Reason"),
}

RESIDENT_STATUS_LABELS = {
    ResidentStatus.WAITING: _l("Waiting"),
    ResidentStatus.SCHEDULED: _l("Scheduled"),
    ResidentStatus.RECORDED: _l("Recorded"),
    ResidentStatus.UNREACHABLE: _l("Unreachable"),
    ResidentStatus.REFUSED: _l("Refused"),
    ResidentStatus.MOVED: _l("Moved away"),
    ResidentStatus.DECEASED: _l("Deceased"),
    ResidentStatus.ALREADY_RECORDED: _l("Recorded before"),
}

CATEGORY_LABELS = {
    ResidentCategory.LANSIA: _l("Elderly"),
    ResidentCategory.DISABILITAS: _l("Disabled"),
    ResidentCategory.BOTH: _l("Elderly and disabled"),
}

DISABILITY_LABELS = {
    DisabilityKind.PHYSICAL: _l("Physical"),
    DisabilityKind.VISUAL: _l("Visual"),
    DisabilityKind.HEARING_SPEECH: _l("Hearing or speech"),
    DisabilityKind.INTELLECTUAL: _l("Intellectual"),
    DisabilityKind.MENTAL: _l("Mental or psychosocial"),
    DisabilityKind.MULTIPLE: _l("Multiple"),
}
# A disabled resident whose kind no one has said yet: the officer fills it in at the visit.
DISABILITY_NOT_KNOWN = _l("Not known yet")


def resident_disability_label(resident) -> str:
    """A resident's kind of disability as people read it: "not known yet" for a disabled
    resident whose kind is not known; empty for a resident who is not disabled."""
    if resident.disability is not None:
        return DISABILITY_LABELS[resident.disability]
    return DISABILITY_NOT_KNOWN if resident.is_disabled else ""


CHANNEL_LABELS = {
    RequestChannel.PHONE: _l("Phone call"),
    RequestChannel.WHATSAPP: _l("WhatsApp"),
    RequestChannel.RT_RW: _l("Through the RT/RW head"),
    RequestChannel.KELURAHAN: _l("Through the kelurahan"),
    RequestChannel.WALK_IN: _l("Family came to the office"),
    RequestChannel.OTHER: _l("Other"),
}

SEX_LABELS = {Sex.MALE: _l("Male"), Sex.FEMALE: _l("Female")}

RESIDENT_FIELD_LABELS = {
    "nik": _l("NIK"),
    "name": _l("Name"),
    "birth_on": _l("Birth date"),
    "sex": _l("Sex"),
    "category": _l("Category"),
    "disability": _l("Kind of disability"),
    "is_bedridden": _l("Bedridden"),
    "needs_companion": _l("Needs a companion"),
    "address": _l("Address"),
    "rt": _l("RT"),
    "rw": _l("RW"),
    "kelurahan_code": _l("Kelurahan"),
    "lat": _l("Latitude"),
    "lng": _l("Longitude"),
    "phone": _l("Phone"),
    "contact_name": _l("Contact person"),
    "contact_relation": _l("Relation"),
    "requested_via": _l("Request came in"),
    "requested_on": _l("Requested on"),
    "status": _l("Status"),
    "reason": _l("Reason"),
}
# A change of the NIK, as every history tells it: that it changed, never from what to what.
NIK_CHANGED = _l("NIK changed")


def resident_changed_fields(changes) -> list[str]:
    """The fields a change of a request touched, by their labels, the NIK last, as "NIK
    changed"; bookkeeping no label names is left out."""
    names = [name for name in (changes or {}) if name in RESIDENT_FIELD_LABELS]
    fields = [str(RESIDENT_FIELD_LABELS[name]) for name in names if name != "nik"]
    return [*fields, str(NIK_CHANGED)] if "nik" in names else fields


AUDIT_ACTION_LABELS = {
    "school.create": _l("School registered"),
    "school.update": _l("School changed"),
    "school.deactivate": _l("School deactivated"),
    "school.reactivate": _l("School reactivated"),
    "school.import_create": _l("School registered by import"),
    "school.import_update": _l("School changed by import"),
    "school.import": _l("Schools imported"),
    "blackout.create": _l("Blackout period added"),
    "blackout.merge": _l("Blackout period extended"),
    "blackout.delete": _l("Blackout period removed"),
    "user.create": _l("Account created"),
    "user.update": _l("Account changed"),
    "user.password_reset": _l("Password changed"),
    "auth.login": _l("Logged in"),
    "auth.login_failed": _l("Login refused"),
    "auth.password_change_failed": _l("Password change refused: wrong current password"),
    "auth.forbidden": _l("Access refused"),
    "resident.create": _l("Request registered"),
    "resident.update": _l("Request changed"),
    "resident.status": _l("Request status changed"),
    "resident.import_create": _l("Request registered by import"),
    "resident.import_update": _l("Request changed by import"),
    "resident.import": _l("Requests imported"),
    "resident.export": _l("Queue exported"),
    "resident.view_nik": _l("Full NIK viewed"),
    "resident.find_nik": _l("Request found by its NIK"),
    "visit.cancel": _l("Visit cancelled"),
    "visit.confirm": _l("Visit confirmed"),
    "visit.request": _l("Another day asked for"),
    "visit.decline": _l("Declined for this month"),
    "visit.move": _l("Visit moved"),
    "visit.reassign": _l("Given to another team"),
    "visit.missed": _l("Marked as missed"),
    "visit.outcome": _l("Outcome recorded"),
    "visit.outcome_correct": _l("Outcome corrected"),
    "visit.outcome_kept": _l("Outcome from a phone kept: the visit had changed"),
    "visit.outcome_kept_resolved": _l("Kept outcome dealt with"),
    "visit.follow_up": _l("Follow-up planned"),
    "visit.link": _l("Liaison link made"),
    "visit.link_mail": _l("Liaison link e-mailed"),
    "visit.link_whatsapp": _l("Liaison link sent on WhatsApp"),
    "team.feed_renew": _l("Team calendar link made"),
    "team.feed_revoke": _l("Team calendar link switched off"),
    "school.feed_renew": _l("School calendar link made"),
    "school.feed_revoke": _l("School calendar link switched off"),
    "plan.school_month": _l("Monthly school plan"),
    "plan.home_visits": _l("Home-visit plan"),
    "team.create": _l("Team created"),
    "team.update": _l("Team changed"),
    "closure.create": _l("Closure added"),
    "closure.update": _l("Closure changed"),
    "closure.delete": _l("Closure removed"),
    "closure.reload": _l("Holidays reloaded"),
    "coverage.create": _l("Coverage figure added"),
    "coverage.update": _l("Coverage figure corrected"),
    "coverage.delete": _l("Coverage figure removed"),
    "coverage.import_create": _l("Coverage figure added by import"),
    "coverage.import_update": _l("Coverage figure corrected by import"),
    "coverage.import": _l("Coverage figures imported"),
    "visit.export": _l("Visits exported"),
    "visit.day_sheet_export": _l("Day sheet downloaded to fill in"),
    "visit.sheet_upload": _l("Outcomes saved from a day sheet"),
    "template.export": _l("Filled template downloaded"),
    "auth.rate_limited": _l("Too many attempts"),
    "audit.view": _l("Audit log viewed"),
}


# The monthly report's figures (services.visits.report.COLUMNS), as headings on screen and in files.
REPORT_COLUMN_LABELS = {
    "planned": _l("Planned"),
    **{status.value: label for status, label in VISIT_STATUS_LABELS.items()},
    "moved": _l("Moved to another day"),
    "school_visits": _l("School visits"),
    "students_recorded": _l("Students recorded"),
    "students_not_recorded": _l("Students not recorded"),
    "home_visits": _l("Home visits"),
    "home_recorded": _l("Home: recorded"),
    "home_not_at_home": _l("Home: not at home"),
    "home_refused": _l("Home: refused"),
    "home_unfit": _l("Home: not fit to be recorded"),
    "home_deceased": _l("Home: deceased"),
    "home_moved": _l("Home: moved away"),
}

# The visit export's columns (services.visits.export.COLUMNS) as the XLSX headings.
VISIT_EXPORT_LABELS = {
    "date": _l("Date"),
    "kind": _l("Kind"),
    "status": _l("Status"),
    "team": _l("Team"),
    "npsn": _l("NPSN"),
    "school": _l("School"),
    "resident": _l("Resident"),
    "kecamatan": _l("Kecamatan"),
    "kelurahan": _l("Kelurahan"),
    "origin": _l("Origin"),
    "students_recorded": _l("Students recorded"),
    "outcome": _l("Outcome"),
    "time": _l("Time"),
    "students_not_recorded": _l("Students not recorded"),
    "moved_to": _l("Moved to"),
    "reason": _l("Reason"),
    "visit_id": _l("Visit no."),
}

VISIT_KIND_LABELS = {VisitKind.SCHOOL: _l("School visit"), VisitKind.HOME: _l("Home visit")}

PLAN_REASON_LABELS = {
    school_plan.ALREADY_PLANNED: _l("already has a visit this month"),
    school_plan.NOTHING_PENDING: _l("no students left to record"),
    school_plan.NO_TEAM: _l("no active team covers this area"),
    school_plan.NO_POSSIBLE_DAY: _l("no possible day: closures, blackouts or too soon"),
    school_plan.NO_CAPACITY: _l("every team is fully booked on the possible days"),
    home_plan.NO_WORKING_DAY: _l("no working day in the period"),
}

PLAN_TRIGGER_LABELS = {
    PlanTrigger.SCHEDULER: _l("Scheduler"),
    PlanTrigger.COMMAND: _l("Command"),
    PlanTrigger.USER: _l("By hand"),
}

VISIT_ORIGIN_LABELS = {
    VisitOrigin.MONTHLY_PLAN: _l("Monthly plan"),
    VisitOrigin.MANUAL: _l("Added by hand"),
    VisitOrigin.FOLLOW_UP: _l("Follow-up"),
    VisitOrigin.MOVED: _l("Moved here from another day"),
    VisitOrigin.HOME_PLAN: _l("Home-visit plan"),
}

HOME_OUTCOME_LABELS = {
    HomeOutcome.RECORDED: _l("Recorded"),
    HomeOutcome.NOT_AT_HOME: _l("Not at home"),
    HomeOutcome.REFUSED: _l("Refused"),
    HomeOutcome.UNFIT: _l("Not fit to be recorded"),
    HomeOutcome.DECEASED: _l("Deceased"),
    HomeOutcome.MOVED: _l("Moved away"),
}

# Why an outcome sent from a phone was kept instead of saved, as the coordinator's list says.
SENT_PROBLEM_LABELS = {
    SentProblem.MOVED: _l("Moved to another day"),
    SentProblem.CANCELLED: _l("Cancelled"),
    SentProblem.RECORDED_ALREADY: _l("Outcome recorded meanwhile"),
    SentProblem.OTHER_TEAM: _l("Given to another team"),
    SentProblem.DAY_NOT_COME: _l("Sent before the visit's day"),
}

CHANNEL_OF_CONFIRMATION_LABELS = {
    ConfirmationChannel.LINK: _l("by the liaison, through the link"),
    ConfirmationChannel.ACCOUNT: _l("by the liaison, logged in"),
    ConfirmationChannel.COORDINATOR: _l("by the coordinator"),
}

# Fields of a visit as named in its history.
VISIT_FIELD_LABELS = {
    "status": _l("Status"),
    "visit_on": _l("Day"),
    "start_time": _l("Start time"),
    "team": _l("Team"),
    "reason": _l("Reason"),
    "cancel_reason": _l("Reason"),
    "requested_visit_on": _l("Day asked for"),
    "request_reason": _l("Reason given"),
    "students_expected": _l("Students to expect"),
    "students_recorded": _l("Students recorded"),
    "students_not_recorded": _l("Students not recorded"),
    "not_recorded_reason": _l("Why not recorded"),
    "home_outcome": _l("Outcome"),
    "notes": _l("Notes"),
    "moved_to": _l("New visit"),
    "follow_up_on": _l("Day of the new visit"),
    "to": _l("Sent to"),
    "route_order": _l("Stop"),
    "problem": _l("Why it was not saved"),
    "note": _l("Note"),
}

# Bookkeeping fields a visit's history does not list (the event itself says who and when).
HIDDEN_HISTORY_FIELDS = frozenset(
    {
        "confirmed_at",
        "confirmed_by_id",
        "confirmed_by_name",
        "confirmed_via",
        "completed_at",
        "completed_by_id",
        "students_pending_before",
        "link_issued_at",
        "team_id",
    }
)


def visit_change(name: str, value) -> str:
    """A value in a visit's history as people read it: labels and dates, "—" for nothing."""
    if value is None or value == "":
        return "—"
    try:
        if name == "status":
            return str(VISIT_STATUS_LABELS[VisitStatus(value)])
        if name == "home_outcome":
            return str(HOME_OUTCOME_LABELS[HomeOutcome(value)])
        if name == "problem":  # an outcome sent from a phone, kept
            return str(SENT_PROBLEM_LABELS[SentProblem(value)])
        if name in ("visit_on", "requested_visit_on", "follow_up_on"):
            return long_date(date.fromisoformat(value))
        if name == "start_time":  # stored "08:30:00", read "08.30 WIB"
            return clock(value)
        if name == "to" and str(value).startswith("+"):  # a phone a link was sent to
            return display_phone(value)
    except (ValueError, KeyError):
        pass
    return str(value)


JOB_LABELS = {
    "ensure_office_calendar": _l("Load national holidays and cuti bersama"),
    "plan_next_month": _l("Monthly school plan for next month"),
    "plan_home_visits": _l("Home visits for the next two weeks"),
    "sweep_unconfirmed": _l("Flag unconfirmed visits, remind liaisons"),
    "sweep_outcomes": _l("Mark past visits without an outcome"),
    "purge_uploads": _l("Delete unconfirmed import files"),
    "catch_up": _l("Catch up a missed monthly plan"),
}


# Who acted when no one was logged in, as every history names them: the one place that maps
# the stored system actors (models.audit) to people's words.
SYSTEM_ACTOR_LABELS = {
    LINK_ACTOR: _l("School liaison, through the link"),
    SCHEDULER_ACTOR: _l("Automatic scheduler"),
    COMMAND_ACTOR: _l("Server command"),
    DEMO_ACTOR: _l("Demo data"),
}


def audit_actor_label(actor: str) -> str:
    """Who did it, as a history names them: a user by their username, a system actor in words."""
    return SYSTEM_ACTOR_LABELS.get(actor, actor)


def event_actor(event) -> str:
    """Who did what an audit event records, as a history names them: the account's person by
    name (their username once the account is gone), a system actor in words."""
    if event.user_id is not None and event.user is not None:
        return event.user.name
    return audit_actor_label(event.actor)


def audit_action_label(action: str) -> str:
    """An audit action as a history names it; never the raw key, even for one not listed."""
    return AUDIT_ACTION_LABELS.get(action) or _l("Change recorded")


def template_helpers() -> dict:
    return {
        "role_label": lambda value: ROLE_LABELS.get(value, ""),
        "visit_status_label": lambda value: VISIT_STATUS_LABELS.get(value, ""),
        "closure_kind_label": lambda value: CLOSURE_KIND_LABELS.get(value, ""),
        "school_level_label": lambda value: SCHOOL_LEVEL_LABELS.get(value, ""),
        "school_status_label": lambda value: SCHOOL_STATUS_LABELS.get(value, ""),
        "audit_action_label": audit_action_label,
        "audit_actor_label": audit_actor_label,
        "event_actor": event_actor,
        "resident_status_label": lambda value: RESIDENT_STATUS_LABELS.get(value, ""),
        "category_label": lambda value: CATEGORY_LABELS.get(value, ""),
        "disability_label": lambda value: DISABILITY_LABELS.get(value, ""),
        "resident_disability_label": resident_disability_label,
        "channel_label": lambda value: CHANNEL_LABELS.get(value, ""),
        "sex_label": lambda value: SEX_LABELS.get(value, ""),
        "plan_reason_label": lambda value: PLAN_REASON_LABELS.get(value, value),
        "plan_trigger_label": lambda value: PLAN_TRIGGER_LABELS.get(value, ""),
        "visit_origin_label": lambda value: VISIT_ORIGIN_LABELS.get(value, ""),
        "job_label": lambda value: JOB_LABELS.get(value, value),
        "home_outcome_label": lambda value: HOME_OUTCOME_LABELS.get(value, ""),
        "confirmation_label": lambda value: CHANNEL_OF_CONFIRMATION_LABELS.get(value, ""),
        "visit_field_label": lambda name: VISIT_FIELD_LABELS.get(name, name),
        "visit_change": visit_change,
        "hidden_history_fields": HIDDEN_HISTORY_FIELDS,
    }
