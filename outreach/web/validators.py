"""Form validators whose messages speak the user's language (WTForms has no Indonesian)."""

from __future__ import annotations

from flask_babel import gettext as _
from wtforms.validators import Length, ValidationError

from outreach.domain.problems import Invalid


class TextLength(Length):
    """Length with a translated message naming the bound that was crossed."""

    def __init__(self, min: int = -1, max: int = -1):  # noqa: A002 - WTForms' own names
        super().__init__(min=min, max=max)

    def __call__(self, form, field):
        length = len(field.data or "")
        if self.min != -1 and length < self.min:
            raise ValidationError(_("At least %(n)d characters.", n=self.min))
        if self.max != -1 and length > self.max:
            raise ValidationError(_("At most %(n)d characters.", n=self.max))


def domain_check(parser):
    """A validator that runs a pure domain parser and keeps its cleaned value in the field."""

    def check(form, field):
        if field.data in (None, ""):
            return
        try:
            field.data = parser(field.data)
        except Invalid as error:
            raise ValidationError(_(error.message, **error.params)) from None

    return check
