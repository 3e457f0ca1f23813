"""Forms of the home-visit queue. They describe and clean input; rules live in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional

from outreach.domain.nik import clean_nik, mask_nik
from outreach.domain.phone import normalise_phone
from outreach.domain.residents import parse_rt_rw
from outreach.domain.values import parse_coordinates
from outreach.labels import (
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    DISABILITY_LABELS,
    RESIDENT_STATUS_LABELS,
    SEX_LABELS,
)
from outreach.models import DisabilityKind, RequestChannel, ResidentCategory, Sex
from outreach.services.residents.requests import EARLIEST_BIRTH_YEAR
from outreach.services.residents.status import MANUAL_STATUSES
from outreach.web.choices import enum_choices
from outreach.web.forms import (
    DateInput,
    EditForm,
    Form,
    KecamatanField,
    SelectField,
    VersionForm,
    disability_field,
    example,
)
from outreach.web.validators import TextLength, domain_check, in_kecamatan


class ResidentFilterForm(Form):
    class Meta:
        csrf = False

    q = StringField(_l("Name"), validators=[Optional(), TextLength(max=100)])
    status = HiddenField(default="open")
    category = SelectField(_l("Category"), validators=[Optional()])
    kecamatan = KecamatanField(_l("Kecamatan"))
    kelurahan = SelectField(
        _l("Kelurahan"), validators=[Optional()], render_kw={"data-parent-select": "kecamatan"}
    )
    waited = SelectField(_l("Waiting"), validators=[Optional()])


NIK_INPUT = {"inputmode": "numeric", "autocomplete": "off", "maxlength": 24}


class ResidentForm(EditForm):
    nik = StringField(
        _l("NIK"),
        validators=[DataRequired(_l("Enter the NIK.")), domain_check(clean_nik)],
        render_kw={**NIK_INPUT, "data-nik-info": "nik-info"},
    )
    name = StringField(
        _l("Full name"),
        validators=[DataRequired(_l("Enter the resident's name.")), TextLength(max=120)],
        render_kw={"autocomplete": "off"},
    )
    birth_on = DateInput(_l("Birth date"), validators=[Optional()], first_year=EARLIEST_BIRTH_YEAR)
    sex = SelectField(_l("Sex"), validators=[Optional()])
    category = SelectField(_l("Category"), validators=[Optional()])
    disability = disability_field()
    is_bedridden = BooleanField(_l("Bedridden: cannot leave the bed"))
    needs_companion = BooleanField(_l("Needs a companion during recording"))
    address = TextAreaField(
        _l("Address"),
        validators=[
            DataRequired(_l("Enter the address where the officer should come.")),
            TextLength(max=500),
        ],
    )
    rt = StringField(
        _l("RT"),
        validators=[Optional(), domain_check(parse_rt_rw)],
        render_kw={"inputmode": "numeric", "maxlength": 3},
    )
    rw = StringField(
        _l("RW"),
        validators=[Optional(), domain_check(parse_rt_rw)],
        render_kw={"inputmode": "numeric", "maxlength": 3},
    )
    kecamatan = KecamatanField(_l("Kecamatan"))
    kelurahan = SelectField(
        _l("Kelurahan"),
        validators=[DataRequired(_l("Choose the kelurahan.")), in_kecamatan("kecamatan")],
        render_kw={"data-parent-select": "kecamatan"},
    )
    coordinates = StringField(
        _l("Coordinates (optional)"),
        validators=[Optional(), domain_check(parse_coordinates)],
        render_kw={"placeholder": example("-3.8011, 102.2655"), "autocomplete": "off"},
    )
    phone = StringField(
        _l("Phone"),
        validators=[Optional(), domain_check(lambda raw: normalise_phone(raw, landline=True))],
        render_kw={
            "inputmode": "tel",
            "autocomplete": "off",
            "placeholder": example("0812 3456 7890"),
        },
    )
    contact_name = StringField(_l("Contact person"), validators=[Optional(), TextLength(max=120)])
    contact_relation = StringField(
        _l("Relation to the resident"),
        validators=[Optional(), TextLength(max=60)],
        render_kw={"placeholder": _l("e.g. child, neighbour, RT head")},
    )
    requested_via = SelectField(_l("How the request came in"))
    requested_on = DateInput(_l("Requested on"), validators=[Optional()])

    def fill_choices(self) -> None:
        """The choices of its selects but the regions' (``choices.offer_regions``)."""
        self.sex.choices = enum_choices(SEX_LABELS, _l("— from the NIK —"))
        self.category.choices = enum_choices(CATEGORY_LABELS, _l("— elderly if 60 or older —"))
        self.disability.choices = enum_choices(DISABILITY_LABELS, _l("— not known yet —"))
        self.requested_via.choices = enum_choices(CHANNEL_LABELS)


class ResidentEditForm(ResidentForm):
    """Changing a request. The NIK is never filled in (the page would show it whole, without
    the audited "show the full NIK"): empty keeps it, a whole new NIK corrects it."""

    nik = StringField(
        _l("NIK"),
        validators=[Optional(), domain_check(clean_nik)],
        render_kw={**NIK_INPUT, "data-nik-info": "nik-info"},
    )

    def keeping(self, nik: str) -> ResidentEditForm:
        """The NIK on file as the empty field's placeholder, masked as every page masks it (the
        region only): what leaving the field empty keeps."""
        self.nik.render_kw = {**self.nik.render_kw, "placeholder": mask_nik(nik)}
        return self


class FindNikForm(Form):
    """Find a request by NIK: posted, so that no NIK ends up in a URL or an access log."""

    nik = StringField(
        _l("Find by NIK"),
        validators=[DataRequired(_l("Enter the NIK.")), domain_check(clean_nik)],
        render_kw=NIK_INPUT,
    )


class StatusForm(VersionForm):
    status = SelectField(
        _l("New status"), default="", validators=[DataRequired(_l("Choose the new status."))]
    )
    reason = StringField(
        _l("Reason"),
        validators=[DataRequired(_l("Say why the status changes.")), TextLength(max=500)],
        render_kw={"placeholder": _l("e.g. recorded at home on 3 August")},
    )

    def fill_choices(self, current) -> None:
        """The statuses it may change to, after an empty first choice: a careless click
        changes nothing."""
        self.status.choices = [SelectChoice("", str(_l("— choose the new status —")))] + [
            SelectChoice(status.value, str(RESIDENT_STATUS_LABELS[status]))
            for status in MANUAL_STATUSES
            if status is not current
        ]


ENUMS = {
    "sex": Sex,
    "category": ResidentCategory,
    "disability": DisabilityKind,
    "requested_via": RequestChannel,
}
