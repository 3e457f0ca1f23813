"""Plan forms: which month, which period."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectChoice, StringField
from wtforms.validators import DataRequired

from outreach.services.planning.homes import MAX_DAYS
from outreach.web.forms import DateInput, Form, SelectField
from outreach.web.schools.forms import BlackoutForm
from outreach.web.validators import TextLength


class MonthForm(Form):
    class Meta:
        csrf = False  # the GET form that chooses what to preview

    month = SelectField(_l("Month"))


class CreateMonthForm(Form):
    month = SelectField(_l("Month"))


class HomePeriodForm(Form):
    class Meta:
        csrf = False

    start = DateInput(_l("First day"))
    days = SelectField(
        _l("Length"),
        choices=[
            SelectChoice("7", _l("1 week")),
            SelectChoice("14", _l("2 weeks")),
            SelectChoice("21", _l("3 weeks")),
            SelectChoice("28", _l("4 weeks")),
        ],
        default="14",
    )


class CreateHomeForm(Form):
    start = DateInput(_l("First day"))
    days = SelectField(
        _l("Length"), choices=[SelectChoice(str(n), str(n)) for n in range(1, MAX_DAYS + 1)]
    )


class SchoolBreakForm(BlackoutForm):
    """A usual school break to note as an all-schools blackout, from the month's preview:
    which break (``key``), the month to go back to, its days and its name."""

    key = HiddenField()
    month = HiddenField()
    reason = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Give the break a name.")), TextLength(max=200)],
    )
