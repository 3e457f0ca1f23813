"""The base of every form: WTForms' own messages in the user's language, and ``attempt``, the
one way a view calls a service for a form (refusals on their field, the transaction rolled back).

WTForms ships no Indonesian catalogue, so the few messages its fields can raise by themselves
(a tampered select, a date the browser did not check) are listed here and translated in ours.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import flash, render_template, request
from flask_babel import get_translations
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import SUBMIT_METHODS
from flask_wtf.form import _Auto as _AUTO  # the default of formdata: "from the request"
from markupsafe import Markup, escape
from wtforms import (
    DateField,
    HiddenField,
    PasswordField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms import SelectField as _SelectField
from wtforms.csrf.core import CSRFTokenField
from wtforms.validators import AnyOf, DataRequired, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from outreach.domain.problems import N_
from outreach.domain.text import clean_line, clean_text, has_nul
from outreach.errors import DomainError
from outreach.extensions import db
from outreach.i18n import long_date, office_time
from outreach.labels import SYSTEM_ACTOR_LABELS, event_actor
from outreach.models import DisabilityKind, Kecamatan
from outreach.services import versions
from outreach.services.versions import Stale
from outreach.web.params import FIRST_DAY, LAST_DAY, YEARS
from outreach.web.validators import known_kecamatan

WTFORMS_MESSAGES = (
    N_("Not a valid choice."),
    N_("Invalid Choice: could not coerce."),
    N_("Invalid choice(s): one or more data inputs could not be coerced."),
    N_("'%(value)s' is not a valid choice for this field."),
    N_("'%(value)s' are not valid choices for this field."),
    N_("Not a valid date value."),
    N_("Not a valid time value."),
    N_("Not a valid integer value."),
    N_("Not a valid decimal value."),
    N_("This field is required."),
)


class _Catalogue:
    """What WTForms asks its translations for, answered from the app's own catalogue."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        # Both forms are plain entries of the catalogue (WTFORMS_MESSAGES), WTForms formats them.
        return self.gettext(singular if n == 1 else plural)


def _as_line(value):
    return clean_line(value) if isinstance(value, str) else value


def _as_text(value):
    return clean_text(value) if isinstance(value, str) else value


def _cleaning(field_class) -> Callable | None:
    """The cleaning every text field of every form gets first (``domain.text``): lines of text
    for a textarea, one line for any other text input. A password is the secret it is, and the
    CSRF token is checked as sent."""
    if not issubclass(field_class, StringField):
        return None
    if issubclass(field_class, PasswordField | CSRFTokenField):
        return None
    return _as_text if issubclass(field_class, TextAreaField) else _as_line


class Form(FlaskForm):
    """Every form of the app: WTForms' messages in the user's language, and its text cleaned
    and checked the one way (docs/SECURITY.md, "Text is text"). Filled from a posted form only:
    never from a JSON body (Flask-WTF's other source), whose numbers, lists and nulls no field
    expects and which no page of the app sends."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            if formdata is not _AUTO or not request.is_json:
                return super().wrap_formdata(form, formdata)
            return request.form if request.method in SUBMIT_METHODS else None

        def get_translations(self, form):
            return _Catalogue()

        def bind_field(self, form, unbound_field, options):
            cleaning = _cleaning(unbound_field.field_class)
            if cleaning is not None:
                options = {
                    **options,
                    "filters": [cleaning, *unbound_field.kwargs.get("filters", ())],
                }
            return super().bind_field(form, unbound_field, options)

    def validate(self, extra_validators=None) -> bool:
        """As WTForms', and a NUL sent in any text field is refused on that field (it is taken
        out of the data before any check, so the field's other messages would be about text
        that was not sent)."""
        valid = super().validate(extra_validators)
        for field in self:
            if _cleaning(type(field)) and any(has_nul(raw) for raw in field.raw_data or ()):
                field.errors = [
                    _(
                        "This text holds a hidden character that cannot be saved. "
                        "Type it again instead of pasting it."
                    )
                ]
                valid = False
        return valid


class ConfirmForm(Form):
    """A button that changes something: only its CSRF token."""


class VersionForm(Form):
    """A form that changes a versioned record (a visit, a school, a request, a team): it
    carries the version its page showed, which the service compares with the stored one."""

    version = HiddenField()

    @property
    def seen_version(self) -> int:
        return versions.seen_version(self.version.data)


class EditForm(VersionForm):
    """A form that edits a versioned record's fields (a school, a request, a team): it also
    carries a fingerprint of what each field showed (:meth:`seal`), so that a save refused as
    stale lists only what the user typed — not a field the other person changed meanwhile."""

    shown = HiddenField()

    def seal(self):
        """Note what each field shows now (the form filled from the record); returns the form."""
        self.shown.data = ",".join(
            f"{name}:{_fingerprint(field)}"
            for name, field in self._fields.items()
            if _echoed(field)
        )
        return self

    def shown_before(self) -> dict[str, str] | None:
        """The fingerprints the page was made with, by field; None when they cannot be read
        (an old page, a tampered one): then every field counts as typed."""
        text = self.shown.data or ""
        if not text or len(text) > 4000 or not text.isascii():
            return None
        pairs = [part.partition(":") for part in text.split(",")]
        return {name: value for name, _colon, value in pairs if name and value}


class DateInput(DateField):
    """An HTML date input whose parse error speaks the user's language, and whose day lies in
    the years the app plans and shows (web.params.YEARS): 0001-01-01 or 9999-12-31 is no day
    anyone means, and a rule that looks a day past it would overflow. A day of the past that
    is no day of the plans (a birth date) starts at ``first_year`` instead."""

    def __init__(self, label=None, validators=None, *, first_year: int = YEARS[0], **kwargs):
        super().__init__(label, validators, **kwargs)
        self.first_year = first_year

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_("Enter a date such as 17-08-2026.")) from None
        first = FIRST_DAY.replace(year=self.first_year)
        if self.data is not None and not first <= self.data <= LAST_DAY:
            self.data = None
            raise ValueError(
                _("Enter a date from %(first)d to %(last)d.", first=self.first_year, last=YEARS[1])
            )


class Select(widgets.Select):
    """WTForms' select, its options written directly: a list of a thousand teams or kecamatan
    renders in a millisecond or two instead of sixty (html_params per option)."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if choice.render_kw or kwargs:
            return super().render_option(choice, **kwargs)
        value = choice.value if not isinstance(choice.value, bool) else str(choice.value)
        selected = "selected " if choice.selected else ""  # html_params' order: sorted
        label = escape(choice.label or choice.value)
        # Both parts escaped above.
        return Markup(f'<option {selected}value="{escape(value)}">{label}</option>')  # noqa: S704


class SelectField(_SelectField):
    widget = Select()


def disability_field() -> SelectField:
    """The kind of disability, which may be left not known yet; a value not on the list (a
    tampered form) is refused saying what to do."""
    return SelectField(
        _l("Kind of disability"),
        validators=[
            Optional(),
            AnyOf(
                [kind.value for kind in DisabilityKind],
                message=_l("Choose the kind of disability from the list, or leave it not known."),
            ),
        ],
        validate_choice=False,  # the message above instead of WTForms' "not a valid choice"
    )


def example(text: str):
    """A placeholder that reads as an example ("mis. 0812 3456 7890"), never as a value."""
    return _l("e.g. %(example)s", example=text)


KECAMATAN_CODE = r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}$"


class KecamatanField(SelectField):
    """A kecamatan: a select of every kecamatan, or — where there are too many to list (a
    province, the country) — an input for the kecamatan's code. See ``choices.offer_kecamatan``.
    ``required``: the message when none is given (a form's field); without it, it may stay empty
    (a list's filter)."""

    code_input = False

    def __init__(self, label=None, *, required=None, **kwargs):
        self.required_message = required
        super().__init__(label, validators=[self._given()], **kwargs)

    def _given(self):
        return DataRequired(self.required_message) if self.required_message else Optional()

    def ask_for_code(self) -> None:
        self.code_input = True
        self.choices = []
        self.validate_choice = False
        self.validators = [
            self._given(),
            Regexp(KECAMATAN_CODE, message=_l("Enter the kecamatan code, such as 17.71.01.")),
        ]
        if self.required_message:  # a form saves it: it must name a real kecamatan
            self.validators.append(known_kecamatan)
        self.widget = widgets.TextInput()
        self.render_kw = {
            "placeholder": example("17.71.01"),
            "inputmode": "decimal",
            "maxlength": 8,
        }

    def _value(self) -> str:
        return self.data or ""


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


@dataclass
class Attempt:
    """What became of a service call made for a form: ``result`` when it went through, else
    the ``error`` that refused it (already shown on the form, or flashed)."""

    result: Any = None
    error: DomainError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def stale(self) -> bool:
        """Someone else changed the record meanwhile: the page should show its current state."""
        return isinstance(self.error, Stale)


def attempt(form, call: Callable[[], Any], default_field: str | None) -> Attempt:
    """Call a service for a submitted form, the one way every view does. A refusal rolls the
    transaction back and goes onto the field it names, else onto ``default_field``; a change
    made on an old version of the record, or a refusal when there is no field to show it on
    (``default_field`` None), is flashed as a warning instead. The caller commits on success."""
    try:
        result = call()
    except DomainError as error:
        db.session.rollback()
        if isinstance(error, Stale) or default_field is None:
            flash(str(error.message), "warning")
        else:
            put_error(form, error, default_field)
        return Attempt(error=error)
    return Attempt(result)


# Never echoed back after a refusal: what the NIK promise keeps off pages (docs/SECURITY.md).
NOT_ECHOED = frozenset({"nik", "csrf_token", "version"})


@dataclass(frozen=True)
class Unsaved:
    """After a stale refusal: who changed the record and when (``changed_by``, "" when the
    audit log does not say), and what the user typed that the record as it is now does not
    hold (``entries``, as (label, value) in the form's order)."""

    changed_by: str
    entries: list[tuple[str, str]]


def show_current(
    template: str, posted: EditForm, record, *, typed, current, withheld=(), **context
):
    """The page after a stale refusal (409): the form ``current``, filled from ``record`` as it
    is now (with its version), and beside it who changed the record and what was typed
    (``posted``) that it does not hold. ``typed`` is the same form filled the same way as
    ``current`` from what was typed, as the service would store it, so that a value typed in
    another shape than the stored one (a phone, coordinates, a set ticked in another order) is
    no difference, and each value reads as the form shows it. ``withheld``: fields never shown
    (the NIK), named as typed."""
    entries = unsaved_entries(typed, current, withheld=withheld, before=posted.shown_before())
    unsaved = Unsaved(changed_by(record), entries)
    return render_template(template, form=current.seal(), unsaved=unsaved, **context), 409


def changed_by(record) -> str:
    """ "Changed by Budi Santoso, Wednesday, 2 December 2026 at 10.32 WIB": the newest change
    to ``record`` in the audit log, its actor as people read them (never a username); "" when
    the log does not know it."""
    event = versions.last_change(db.session, record)
    if event is None:
        return ""
    day, time = long_date(event.at), office_time(event.at)
    if event.user is not None or event.actor in SYSTEM_ACTOR_LABELS:
        return _(
            "Changed by %(who)s, %(day)s at %(time)s", who=event_actor(event), day=day, time=time
        )
    return _("Changed on %(day)s at %(time)s", day=day, time=time)


def unsaved_entries(typed, current, *, withheld=(), before=None) -> list[tuple[str, str]]:
    """What the user typed (``typed``) that the record as it is now (``current``, the same form
    filled from it) does not hold, as (label, value) — shown beside the current state so that
    nothing typed is lost. A field still as the page showed it (``before``: its fingerprints,
    :meth:`EditForm.seal`) was not typed in. Hidden fields are never shown, nor the NIK: a field
    of ``withheld`` is only named as typed."""
    entries = [
        (str(current[name].label.text), _("typed (not shown) — type it again")) for name in withheld
    ]
    for name, field in current._fields.items():
        if name in withheld or not _echoed(field):
            continue
        mine = typed[name]
        if before is not None and before.get(name) == _fingerprint(mine):
            continue  # as the page showed it: the other person's change stands
        if _shown(mine) != _shown(field):
            entries.append((str(field.label.text), _shown(mine) or "—"))
    return entries


def _echoed(field) -> bool:
    return field.name not in NOT_ECHOED and field.type not in (
        "HiddenField",
        "CSRFTokenField",
        "PasswordField",
    )


def _fingerprint(field) -> str:
    """A short digest of what a field shows: enough to tell whether it was typed in."""
    return hashlib.sha256(_shown(field).encode()).hexdigest()[:12]


def _shown(field) -> str:
    """A field's value as its page shows it: the label of a chosen option (a set of them in
    the order of their values), yes or no, a date in words, a kecamatan by name, or text."""
    if field.type == "BooleanField":
        return _("Yes") if field.data else _("No")
    if isinstance(field, DateField):
        return long_date(field.data) if isinstance(field.data, date) else ""
    if getattr(field, "code_input", False):
        found = db.session.get(Kecamatan, field.data) if field.data else None
        return found.name if found is not None else str(field.data or "")
    choices = getattr(field, "choices", None)
    if choices:
        chosen = field.data if isinstance(field.data, list | tuple) else [field.data]
        chosen = {str(value) for value in chosen if value not in (None, "")}
        labels = dict(_pairs(choices))
        return ", ".join(str(labels.get(value, value)) for value in sorted(chosen))
    return str(field._value() or "").strip()


def _pairs(choices):
    for choice in choices:
        if isinstance(choice, tuple):
            yield str(choice[0]), choice[1]
        else:  # wtforms.SelectChoice
            yield str(choice.value), choice.label


def put_error(form, error, default: str) -> None:
    """Show a service's refusal (a DomainError) on the field it names, or on ``default``."""
    field = getattr(form, error.field or "", None) or getattr(form, default)
    field.errors = [*field.errors, str(error.message)]
