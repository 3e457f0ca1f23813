"""Closure forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, InputRequired, Optional

from outreach.web.forms import DateInput, Form
from outreach.web.validators import TextLength


class ClosureForm(Form):
    first_on = DateInput(_l("Day"), validators=[InputRequired(_l("Enter the day."))])
    last_on = DateInput(_l("Until (optional)"), validators=[Optional()])
    name = StringField(
        _l("Reason"),
        validators=[DataRequired(_l("Say why the office is closed.")), TextLength(max=200)],
        render_kw={"placeholder": _l("e.g. HUT Kota Bengkulu")},
    )


class EditClosureForm(Form):
    closed_on = DateInput(_l("Day"), validators=[InputRequired(_l("Enter the day."))])
    name = StringField(
        _l("Reason"),
        validators=[DataRequired(_l("Say why the office is closed.")), TextLength(max=200)],
    )


class ReloadForm(Form):
    year = HiddenField()
