"""What every template may use: navigation, forms in the layout, labels and today's date."""

from __future__ import annotations

from flask_babel import get_locale

from outreach.domain.phone import display_phone, whatsapp_number
from outreach.i18n import office_today
from outreach.models import ResidentStatus
from outreach.web.auth.forms import LanguageForm, LogoutForm
from outreach.web.labels import SCHOOL_FIELD_LABELS, template_helpers
from outreach.web.navigation import nav_entries


def register(app) -> None:
    app.jinja_env.filters.update(
        phone=display_phone,
        whatsapp=whatsapp_number,
        school_field_label=lambda name: SCHOOL_FIELD_LABELS.get(name, name),
        resident_status=lambda value: ResidentStatus(value),
    )

    @app.context_processor
    def layout_globals():
        return {
            "nav_entries": nav_entries,
            "logout_form": LogoutForm(),
            "language_form": LanguageForm(),
            "current_locale": str(get_locale() or "id"),
            "office_today": office_today,
            **template_helpers(),
        }
