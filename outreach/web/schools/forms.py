"""Forms of the school registry. They describe and clean input; rules live in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    HiddenField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Optional

from outreach.domain.phone import normalise_phone
from outreach.domain.schools import clean_npsn
from outreach.domain.values import clean_email, parse_coordinates, parse_whole_number
from outreach.web.auth.forms import NewPasswordForm
from outreach.web.forms import (
    CheckboxesField,
    DateInput,
    EditForm,
    Form,
    KecamatanField,
    SelectField,
    example,
)
from outreach.web.validators import TextLength, domain_check, in_kecamatan, not_a_system_name


class SchoolFilterForm(Form):
    """The list's search and filters, read from the query string."""

    class Meta:
        csrf = False

    q = StringField(_l("Name or NPSN"), validators=[Optional(), TextLength(max=100)])
    kecamatan = KecamatanField(_l("Kecamatan"))
    level = SelectField(_l("Level"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])
    active = SelectField(_l("Shown"), validators=[Optional()], default="active")
    sort = HiddenField(default="name")
    dir = HiddenField(default="asc")


class SchoolForm(EditForm):
    npsn = StringField(
        _l("NPSN"),
        validators=[DataRequired(_l("Enter the NPSN.")), domain_check(clean_npsn)],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 12},
    )
    name = StringField(
        _l("School name"),
        validators=[DataRequired(_l("Enter the school's name.")), TextLength(max=200)],
    )
    level = SelectField(_l("Level"))
    status = SelectField(_l("Status"), validators=[Optional()])
    address = TextAreaField(_l("Address"), validators=[Optional(), TextLength(max=500)])
    kecamatan = KecamatanField(_l("Kecamatan"), required=_l("Choose the kecamatan."))
    kelurahan = SelectField(
        _l("Kelurahan"),
        validators=[Optional(), in_kecamatan("kecamatan")],
        render_kw={"data-parent-select": "kecamatan"},
    )
    coordinates = StringField(
        _l("Coordinates (optional)"),
        validators=[Optional(), domain_check(parse_coordinates)],
        render_kw={"placeholder": example("-3.8452, 102.3204"), "autocomplete": "off"},
    )
    liaison_name = StringField(
        _l("School liaison's name"), validators=[Optional(), TextLength(max=120)]
    )
    liaison_phone = StringField(
        _l("Liaison's mobile (WhatsApp)"),
        validators=[Optional(), domain_check(normalise_phone)],
        render_kw={
            "inputmode": "tel",
            "autocomplete": "off",
            "placeholder": example("0812 3456 7890"),
        },
    )
    liaison_email = EmailField(
        _l("Liaison's e-mail"), validators=[Optional(), domain_check(clean_email)]
    )
    students_pending = StringField(
        _l("Students still to record"),
        validators=[Optional(), domain_check(parse_whole_number)],
        render_kw={"inputmode": "numeric"},
    )
    preferred_weekdays = CheckboxesField(_l("Preferred visit days"), validators=[Optional()])


class BlackoutForm(Form):
    first_on = DateInput(_l("First day"), validators=[InputRequired(_l("Enter the first day."))])
    last_on = DateInput(_l("Last day"), validators=[InputRequired(_l("Enter the last day."))])
    reason = StringField(
        _l("Reason"),
        validators=[
            DataRequired(_l("Say why, e.g. final exams or semester break.")),
            TextLength(max=200),
        ],
        render_kw={"placeholder": _l("e.g. Final exams")},
    )


class LiaisonAccountForm(NewPasswordForm):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(_l("Choose a username.")), TextLength(max=64)],
        render_kw={"autocapitalize": "none", "autocomplete": "off"},
    )
    name = StringField(
        _l("Full name"),
        validators=[
            DataRequired(_l("Enter the person's name.")),
            TextLength(max=120),
            not_a_system_name,
        ],
    )
    email = EmailField(_l("E-mail (optional)"), validators=[Optional(), domain_check(clean_email)])
