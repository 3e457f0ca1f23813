"""Team forms."""

from __future__ import annotations

from functools import partial

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, InputRequired, Optional

from outreach.domain.phone import normalise_phone
from outreach.domain.values import parse_coordinates, parse_whole_number
from outreach.services.teams import MAX_VISITS_PER_DAY
from outreach.web.forms import CheckboxesField, EditForm, Form, SelectField, example
from outreach.web.validators import TextLength, domain_check

_per_day = domain_check(partial(parse_whole_number, maximum=MAX_VISITS_PER_DAY))


class TeamForm(EditForm):
    name = StringField(
        _l("Team name"),
        validators=[DataRequired(_l("Enter the team's name.")), TextLength(max=100)],
    )
    school_visits_per_day = StringField(
        _l("School visits per day"),
        validators=[InputRequired(_l("Enter a whole number of 0 or more.")), _per_day],
        default="2",
        render_kw={"inputmode": "numeric"},
    )
    home_visits_per_day = StringField(
        _l("Home visits per day"),
        validators=[InputRequired(_l("Enter a whole number of 0 or more.")), _per_day],
        default="6",
        render_kw={"inputmode": "numeric"},
    )
    kecamatan = CheckboxesField(_l("Kecamatan covered"), validators=[Optional()])
    start = StringField(
        _l("Starting point (optional)"),
        validators=[Optional(), domain_check(parse_coordinates)],
        render_kw={"placeholder": example("-3.7956, 102.2592"), "autocomplete": "off"},
    )
    phone = StringField(
        _l("Phone for schools and families (optional)"),
        validators=[Optional(), domain_check(partial(normalise_phone, landline=True))],
        render_kw={"inputmode": "tel", "autocomplete": "off", "placeholder": example("0736 21234")},
    )
    is_active = BooleanField(_l("Active (planned for)"), default=True)


class MemberForm(Form):
    officer = SelectField(_l("Field officer"), validators=[DataRequired(_l("Choose an officer."))])
