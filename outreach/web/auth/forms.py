"""Forms for logging in and choosing a language."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, SelectChoice, StringField
from wtforms.validators import DataRequired, EqualTo

from outreach.web.forms import Form, SelectField
from outreach.web.validators import TextLength


class LoginForm(Form):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(_l("Enter your username.")), TextLength(max=64)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "autofocus": True},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), TextLength(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class LanguageForm(Form):
    locale = SelectField(
        _l("Language"),
        choices=[SelectChoice("id", "Bahasa Indonesia"), SelectChoice("en", "English")],
    )
    next = HiddenField()


class LogoutForm(Form):
    """Only the CSRF token: logging out changes state, so it is a POST."""


class NewPasswordForm(Form):
    """A new password typed twice (an admin's reset, and a user's own change)."""

    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Choose a password.")), TextLength(min=8, max=200)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[EqualTo("password", _l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )
