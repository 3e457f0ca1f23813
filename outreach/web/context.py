"""What every template may use: navigation, forms in the layout, labels and today's date."""

from __future__ import annotations

from flask_babel import get_locale

from outreach.domain.phone import display_phone, whatsapp_number
from outreach.i18n import office_today
from outreach.labels import SCHOOL_FIELD_LABELS, template_helpers
from outreach.models import ResidentStatus, utcnow
from outreach.services.visits.changes import allowed
from outreach.web.auth.forms import LanguageForm, LogoutForm
from outreach.web.navigation import nav_entries
from outreach.web.visits.notices import liaison_notice, outcome_notice


def register(app) -> None:
    app.jinja_env.filters.update(
        phone=display_phone,
        whatsapp=whatsapp_number,
        school_field_label=lambda name: SCHOOL_FIELD_LABELS.get(name, ""),  # "" for bookkeeping
        resident_status=lambda value: ResidentStatus(value),
    )
    app.jinja_env.globals.update(liaison_notice=liaison_notice, outcome_notice=outcome_notice)

    @app.context_processor
    def layout_globals():
        # The layout's own forms never read the request's body: a page answering a POST (or
        # the "file too large" page, whose body must not be read at all) shows them empty.
        return {
            "nav_entries": nav_entries,
            "logout_form": LogoutForm(formdata=None),
            "language_form": LanguageForm(formdata=None),
            "current_locale": str(get_locale() or "id"),
            "office_today": office_today,
            "now_utc": utcnow,
            # What a visit allows today, from the lifecycle: pages offer only these actions.
            "visit_actions": lambda visit: allowed(visit, office_today()),
            **template_helpers(),
        }
