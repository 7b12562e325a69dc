from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from deliberate.i18n import LANGUAGE_NAMES


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class SignupForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    password = PasswordField(
        _l("Password (at least 8 characters)"), validators=[DataRequired(), Length(min=8)]
    )
    organisation = StringField(_l("Organisation (optional)"), validators=[Optional(), Length(max=200)])
    language = SelectField(_l("Language"), choices=[(code, name) for code, name in LANGUAGE_NAMES.items()])
