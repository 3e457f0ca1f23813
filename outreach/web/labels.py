"""How enum values are named to people, in one place, translated."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from outreach.models import ClosureKind, Role, VisitStatus

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


def template_helpers() -> dict:
    return {
        "role_label": lambda value: ROLE_LABELS.get(value, ""),
        "visit_status_label": lambda value: VISIT_STATUS_LABELS.get(value, ""),
        "closure_kind_label": lambda value: CLOSURE_KIND_LABELS.get(value, ""),
    }
