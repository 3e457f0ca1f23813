"""Form validators whose messages speak the user's language (WTForms has no Indonesian)."""

from __future__ import annotations

from flask_babel import gettext as _
from wtforms.validators import Length, ValidationError

from outreach.domain.problems import Invalid
from outreach.extensions import db
from outreach.models import Kecamatan


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


def in_kecamatan(parent: str):
    """The kelurahan chosen lies in the kecamatan chosen in field ``parent`` (when one is).

    Official codes nest: kelurahan 17.71.01.1001 lies in kecamatan 17.71.01. Checked with the
    other fields, so every mistake of a form shows at once.
    """

    def check(form, field):
        kecamatan = form[parent].data
        if not kecamatan or not field.data or field.data.startswith(kecamatan + "."):
            return
        kelurahan_name = _label_of(field, field.data)
        kecamatan_name = _label_of(form[parent], kecamatan)
        if kelurahan_name and kecamatan_name:
            raise ValidationError(
                _(
                    "Kelurahan %(kelurahan)s is not in Kecamatan %(kecamatan)s.",
                    kelurahan=kelurahan_name,
                    kecamatan=kecamatan_name,
                )
            )
        raise ValidationError(_("This kelurahan is not in the chosen kecamatan."))

    return check


def _label_of(field, value: str) -> str | None:
    for choice in field.choices or ():
        if getattr(choice, "value", None) == value:
            return str(choice.label)
    return None


class Within:
    """A whole number from ``low`` to ``high``; ``message`` may name %(min)d and %(max)d.
    (WTForms' NumberRange tests for NaN as a float first: a number of 400 digits made it fail
    with an OverflowError, a 500.)"""

    def __init__(self, low: int, high: int, message):
        self.low, self.high, self.message = low, high, message

    def __call__(self, form, field):
        if field.data is None:
            return
        raw = (field.raw_data or [""])[0]
        # Python's int() reads "٣" or "1_0" too: a figure is typed in ASCII digits.
        if (
            isinstance(raw, str)
            and raw.strip()
            and not (raw.strip().isascii() and raw.strip().isdigit())
        ):
            raise ValidationError(str(self.message) % {"min": self.low, "max": self.high})
        if not self.low <= field.data <= self.high:
            raise ValidationError(str(self.message) % {"min": self.low, "max": self.high})


def known_kecamatan(form, field) -> None:
    """The code names a kecamatan of the reference list."""
    if field.data and db.session.get(Kecamatan, field.data) is None:
        raise ValidationError(_("Unknown kecamatan code %(code)s.", code=field.data))


def not_a_system_name(form, field) -> None:
    """A person's name may not read as one of the actors histories name in words ("Penjadwal
    otomatis", "Perintah server", …, in either language): a history would then show a person
    acting as the system, or the system as a person."""
    from flask_babel import force_locale

    from outreach.i18n import SUPPORTED_LOCALES
    from outreach.labels import SYSTEM_ACTOR_LABELS

    def plain(text: str) -> str:
        return " ".join(str(text).split()).casefold()

    given = plain(field.data or "")
    reserved = {plain(actor) for actor in SYSTEM_ACTOR_LABELS} | {"anonymous"}
    for locale in SUPPORTED_LOCALES:
        with force_locale(locale):
            reserved |= {plain(label) for label in SYSTEM_ACTOR_LABELS.values()}
            reserved.add(plain(_("Not logged in")))
    if given in reserved:
        raise ValidationError(
            _("This name is how the app names its own actions. Enter the person's own name.")
        )
