"""Forms for managing user accounts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, StringField
from wtforms.validators import DataRequired, Optional, Regexp

from outreach.web.auth.forms import NewPasswordForm
from outreach.web.forms import Form, SelectField
from outreach.web.validators import TextLength, not_a_system_name


class _AccountFields(Form):
    name = StringField(
        _l("Full name"),
        validators=[
            DataRequired(_l("Enter the person's name.")),
            TextLength(max=120),
            not_a_system_name,
        ],
    )
    # Empty when not sent at all, so that it gets the same message as the empty choice.
    role = SelectField(
        _l("Role"), default="", validators=[DataRequired(_l("Choose the person's role."))]
    )
    team = SelectField(_l("Team (field officers)"), validators=[Optional()])
    school = SelectField(_l("School (for school liaisons)"), validators=[Optional()])
    email = EmailField(_l("Email (optional)"), validators=[Optional(), TextLength(max=255)])


class UserCreateForm(_AccountFields, NewPasswordForm):
    username = StringField(
        _l("Username"),
        validators=[
            DataRequired(_l("Choose a username.")),
            Regexp(
                r"^\s*[A-Za-z0-9][A-Za-z0-9._-]{2,63}\s*$",
                message=_l(
                    "A username has 3 to 64 characters: lower-case letters, digits, dot, dash "
                    "or underscore, starting with a letter or digit."
                ),
            ),
        ],
        render_kw={"autocapitalize": "none", "autocomplete": "off"},
    )


class UserEditForm(_AccountFields):
    is_active = BooleanField(_l("Account active"))


class PasswordResetForm(NewPasswordForm):
    """An admin sets a new password for someone else."""
