"""The forms of the visit lifecycle. Each carries the version of the visit the user saw."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    IntegerField,
    RadioField,
    SelectMultipleField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from outreach.services.versions import seen_version
from outreach.services.visits.changes import REASON_MAX
from outreach.services.visits.lifecycle import STUDENTS_MAX
from outreach.web.forms import DateInput, Form, SelectField, VersionForm, disability_field
from outreach.web.validators import Within

NUMBER_RANGE = _l("Enter a number from 0 to %(max)d.")


def _students(label):
    return IntegerField(
        label,
        validators=[Optional(), Within(0, STUDENTS_MAX, NUMBER_RANGE)],
        render_kw={"inputmode": "numeric", "min": 0},
    )


def _reason(label, required: bool):
    validators = [Length(max=REASON_MAX, message=_l("At most %(max)d characters."))]
    validators.insert(0, DataRequired(_l("Say why.")) if required else Optional())
    return TextAreaField(
        label, validators=validators, render_kw={"rows": 2, "maxlength": REASON_MAX}
    )


class ConfirmVisitForm(VersionForm):
    students_expected = _students(_l("Students to expect"))
    start_time = TimeField(_l("Start time (optional)"), validators=[Optional()])


class RequestDayForm(VersionForm):
    """The liaison's choice among the possible days, or another day left to the coordinator."""

    # Any value is let through: a day taken meanwhile becomes a request, not a form error.
    day = RadioField(
        _l("Which day suits the school?"),
        validators=[InputRequired(_l("Choose a day."))],
        validate_choice=False,
    )
    other_day = DateInput(_l("Another day"), validators=[Optional()])
    reason = _reason(_l("Why (optional)"), required=False)
    students_expected = _students(_l("Students to expect"))


class DeclineForm(VersionForm):
    reason = _reason(_l("Why can the school not receive the team this month?"), required=True)


class MoveForm(VersionForm):
    on = SelectField(_l("New day"), validators=[InputRequired(_l("Choose a day."))])
    start_time = TimeField(_l("Start time (optional)"), validators=[Optional()])
    reason = _reason(_l("Reason"), required=False)


class FollowUpForm(VersionForm):
    on = SelectField(_l("Day of the new visit"), validators=[InputRequired(_l("Choose a day."))])
    reason = _reason(_l("Note (optional)"), required=False)


class CancelForm(VersionForm):
    reason = _reason(_l("Reason"), required=True)


class ReassignForm(VersionForm):
    team = SelectField(_l("Team"), validators=[InputRequired(_l("Choose a team."))])


class SchoolOutcomeForm(VersionForm):
    recorded = IntegerField(
        _l("Students recorded"),
        validators=[
            InputRequired(_l("Enter a number (0 if none).")),
            Within(0, STUDENTS_MAX, NUMBER_RANGE),
        ],
        render_kw={"inputmode": "numeric", "min": 0},
    )
    not_recorded = _students(_l("Students not recorded"))
    reason = _reason(_l("Why were they not recorded?"), required=False)
    notes = _reason(_l("Notes"), required=False)


class HomeOutcomeForm(VersionForm):
    outcome = RadioField(_l("Outcome"), validators=[InputRequired(_l("Choose what happened."))])
    notes = _reason(_l("Notes"), required=False)
    # Only for a disabled resident whose kind is not known yet (the view removes it otherwise).
    disability = disability_field()


class CorrectSchoolOutcomeForm(SchoolOutcomeForm):
    correction = _reason(_l("Why is it corrected?"), required=True)


class CorrectHomeOutcomeForm(HomeOutcomeForm):
    correction = _reason(_l("Why is it corrected?"), required=True)
    disability = None  # a kind found at the visit is recorded with the outcome


BULK_ACTIONS = ("confirm", "move", "reassign", "cancel")


def visit_seen(value: str) -> tuple[int, int]:
    """A selected row of the visit list, "id:version": the visit and the version the list
    showed. A bare id is a visit with no version seen (0), refused as changed since; what is no
    id at all (not ASCII digits, too long) is refused as a tampered choice."""
    visit_id, _colon, version = str(value).partition(":")
    if not (visit_id.isascii() and visit_id.isdigit() and len(visit_id) <= 10):
        raise ValueError(value)
    return int(visit_id), seen_version(version)


class BulkForm(Form):
    # Each checkbox: "id:version" (visit_seen).
    ids = SelectMultipleField(coerce=visit_seen, validate_choice=False)
    action = SelectField(_l("With the selected"), choices=[], validators=[InputRequired()])
    on = DateInput(_l("New day"), validators=[Optional()])
    team = SelectField(_l("Team"), choices=[], validate_choice=False)
    reason = _reason(_l("Reason"), required=False)
