"""The coverage figure form."""

from __future__ import annotations

from functools import partial

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import InputRequired, Optional

from outreach.domain.values import parse_whole_number
from outreach.services.coverage.imports import FIGURE_MAX
from outreach.web.forms import DateInput, Form, SelectField
from outreach.web.validators import TextLength, domain_check

_figure = domain_check(partial(parse_whole_number, maximum=FIGURE_MAX))


class CoverageForm(Form):
    as_of = DateInput(_l("As of"), validators=[InputRequired(_l("Enter the date of the figure."))])
    area = SelectField(_l("Area"), validators=[Optional()])
    wajib_ktp = StringField(
        _l("Wajib KTP"),
        validators=[InputRequired(_l("Enter wajib KTP.")), _figure],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    recorded = StringField(
        _l("Recorded"),
        validators=[InputRequired(_l("Enter how many are recorded.")), _figure],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    source = StringField(
        _l("Source (optional)"),
        validators=[Optional(), TextLength(max=300)],
        render_kw={"placeholder": _l("e.g. Dukcapil data, semester I 2026")},
    )
