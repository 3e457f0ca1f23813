"""How enum values are named to people, in one place, translated."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from outreach.models import ClosureKind, Role, SchoolLevel, SchoolStatus, VisitStatus

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

AUDIT_ACTION_LABELS = {
    "school.create": _l("School registered"),
    "school.update": _l("School changed"),
    "school.deactivate": _l("School deactivated"),
    "school.reactivate": _l("School reactivated"),
    "school.import_create": _l("Registered by import"),
    "school.import_update": _l("Changed by import"),
    "blackout.create": _l("Blackout period added"),
    "blackout.merge": _l("Blackout period extended"),
    "blackout.delete": _l("Blackout period removed"),
    "user.create": _l("Account created"),
}


def template_helpers() -> dict:
    return {
        "role_label": lambda value: ROLE_LABELS.get(value, ""),
        "visit_status_label": lambda value: VISIT_STATUS_LABELS.get(value, ""),
        "closure_kind_label": lambda value: CLOSURE_KIND_LABELS.get(value, ""),
        "school_level_label": lambda value: SCHOOL_LEVEL_LABELS.get(value, ""),
        "school_status_label": lambda value: SCHOOL_STATUS_LABELS.get(value, ""),
        "audit_action_label": lambda value: AUDIT_ACTION_LABELS.get(value, value),
    }
