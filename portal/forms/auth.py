"""Forms of signing in, registering and resetting a password."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from portal.domain.iin import InvalidIin, parse_iin
from portal.forms import PortalForm
from portal.notify.phones import InvalidPhone, normalise_phone

IIN_MESSAGES = {
    "length": _l("An IIN has 12 digits."),
    "digits": _l("An IIN has digits only."),
    "century": _l("This is not an IIN: check the 7th digit."),
    "birth_date": _l("This is not an IIN: its first six digits are not a date of birth."),
    "never_issued": _l("This IIN cannot exist: check every digit."),
    "checksum": _l("This IIN cannot exist: check every digit."),
}
PHONE_MESSAGES = {
    "empty": _l("Enter your mobile number."),
    "characters": _l("A phone number has digits only (spaces, dashes and a leading + are fine)."),
    "length": _l("A Kazakhstan mobile number has 10 digits after +7, e.g. +7 701 234 56 78."),
    "country": _l("Enter a Kazakhstan mobile number starting with +7 or 8."),
    "not_kazakhstan": _l("Enter a Kazakhstan mobile number: after +7 it starts with 7."),
}


def _iin(form: Any, field: Any) -> None:
    try:
        parse_iin(field.data or "")
    except InvalidIin as problem:
        raise ValidationError(str(IIN_MESSAGES[problem.reason])) from None


def _phone(form: Any, field: Any) -> None:
    try:
        field.data = normalise_phone(field.data or "")
    except InvalidPhone as problem:
        raise ValidationError(str(PHONE_MESSAGES[problem.reason])) from None


def _no_spaces(value: Any) -> Any:
    """An IIN is often copied as 8503 2130 1238: spaces and dashes inside are not mistakes."""
    return "".join(value.split()).replace("-", "") if isinstance(value, str) else value


def _iin_field() -> StringField:
    return StringField(_l("IIN"), description=_l("12 digits, as on your identity card"),
                       filters=[_no_spaces],
                       validators=[DataRequired(_l("Enter your IIN.")), _iin])


class SignInForm(PortalForm):
    iin = _iin_field()
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])


class CodeForm(PortalForm):
    code = StringField(_l("Code from the SMS"), description=_l("6 digits"),
                       validators=[DataRequired(_l("Enter the code from the SMS.")),
                                   Length(6, 6, _l("The code has 6 digits."))])


class IinForm(PortalForm):
    iin = _iin_field()


class RegisterDetailsForm(PortalForm):
    phone = StringField(_l("Mobile number"),
                        description=_l("The number you registered in the mobile citizens "
                                       "database; codes and notifications come to it"),
                        validators=[_phone])
    password = PasswordField(_l("Password"),
                             description=_l("At least 8 characters. A phrase of a few words is "
                                            "easy to remember and hard to guess."),
                             validators=[DataRequired(_l("Choose a password."))])
    password_again = PasswordField(_l("Password again"),
                                   validators=[DataRequired(_l("Repeat the password."))])

    def validate_password_again(self, field: Any) -> None:
        if field.data != self.password.data:
            raise ValidationError(str(_l("The two passwords are not the same.")))


class NewPasswordForm(PortalForm):
    password = RegisterDetailsForm.password
    password_again = RegisterDetailsForm.password_again
    validate_password_again = RegisterDetailsForm.validate_password_again


class EdsSignInForm(PortalForm):
    """Sign in with EDS: whose TEST key (the IIN finds it, as picking the key file would) and how
    to sign; the certificate's IIN is what signs the person in."""

    iin = _iin_field()
    signer = RadioField(_l("How will you sign?"), default="keyfile",
                        choices=[SelectChoice("keyfile", _l("With the key file on this device")),
                                 SelectChoice("mobile",
                                              _l("With eGov Mobile on the phone (QR code)"))],
                        validators=[DataRequired(_l("Choose how you will sign."))])


class StaffSignInForm(PortalForm):
    login = StringField(_l("Login"), validators=[DataRequired(_l("Enter your login.")),
                                                 Length(max=60, message=_l("A login has at most "
                                                                           "60 characters."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])


class StaffCodeForm(PortalForm):
    code = StringField(_l("Code"),
                       description=_l("6 digits from your authenticator app, or one of your "
                                      "recovery codes"),
                       validators=[DataRequired(_l("Enter the code from your authenticator app "
                                                   "or a recovery code.")),
                                   Length(max=20, message=_l("That code is too long."))])


class EnrolForm(PortalForm):
    code = StringField(_l("Code from the app"), description=_l("6 digits"),
                       validators=[DataRequired(_l("Enter the code your app shows.")),
                                   Length(6, 6, _l("The code has 6 digits."))])
