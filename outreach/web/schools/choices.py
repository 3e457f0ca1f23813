"""Select options of the school forms, built from the labels and the settings."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from wtforms import SelectChoice

from outreach.i18n import weekday_name


def weekday_choices() -> list[SelectChoice]:
    """The office's working weekdays (Monday to Friday unless set otherwise)."""
    return [
        SelectChoice(str(day), weekday_name(day))
        for day in current_app.config["OUTREACH_WORKING_WEEKDAYS"]
    ]


def active_choices() -> list[SelectChoice]:
    return [
        SelectChoice("active", _("Active schools")),
        SelectChoice("inactive", _("Inactive schools")),
        SelectChoice("all", _("All schools")),
    ]
