"""Forms of the intake desk (F1 entered by an official); they check shape only.

The applicant's identity document, address and bank details are the portal's own forms (one set
of validators for F1 and F1-1); only what the desk words differently is redefined here.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from portal.domain.forms import ApplicantCapacity
from portal.forms import PortalForm
from portal.forms.apply import AddressForm, ApplicantForm, BankForm, _date_field, _iban
from portal.forms.auth import _iin, _no_spaces, _phone
from portal.web.labels import CAPACITY_LABELS

_TIME = r"^([01]?\d|2[0-3])[:.][0-5]\d$"


class IntakeStartForm(PortalForm):
    """Find the person by IIN (a POST: the IIN never reaches a URL) and note the queue ticket."""

    iin = StringField(_l("Applicant's IIN"), description=_l("12 digits"), filters=[_no_spaces],
                      validators=[DataRequired(_l("Enter the applicant's IIN.")), _iin])
    ticket_time = StringField(
        _l("Time on the queue ticket"),
        description=_l("When the person took the ticket (or came in), e.g. 10:25. Used for the "
                       "30-minute wait limit (L3.2)."),
        validators=[Optional(), Regexp(_TIME, message=_l("Enter the time as hours and minutes, "
                                                         "e.g. 10:25."))])


class IntakeGroundForm(PortalForm):
    """F1: "I ask to assign me ___ social assistance", and on whose behalf (R3.1)."""

    offer = RadioField(_l("Assistance applied for"),
                       validators=[InputRequired(_l("Choose the assistance applied for."))],
                       coerce=str)
    requested = StringField(_l("In the applicant's words, what the assistance is for (optional)"),
                            validators=[Optional(), Length(max=300)])
    capacity = RadioField(
        _l("On whose behalf"),
        choices=[SelectChoice(c.value, label) for c, label in CAPACITY_LABELS.items()],
        validators=[InputRequired(_l("Choose on whose behalf the application is made."))])
    representative_iin = StringField(_l("Representative's IIN"), description=_l("12 digits"),
                                     filters=[_no_spaces])
    representative_name = StringField(_l("Representative's full name"),
                                      validators=[Length(max=200)])
    poa_number = StringField(_l("Power of attorney number"), validators=[Length(max=50)])
    poa_date = _date_field(_l("Date of the power of attorney"), _l("For example 15.03.2026"),
                           [Optional()])

    def validate(self, extra_validators: Any = None) -> bool:
        ok: bool = super().validate(extra_validators)
        capacity = self.capacity.data
        if capacity in (ApplicantCapacity.ATTORNEY.value,
                        ApplicantCapacity.LEGAL_REPRESENTATIVE.value):
            if not self.representative_iin.data:
                self.representative_iin.errors = [_l("Enter the representative's IIN.")]
                ok = False
            else:
                try:
                    _iin(self, self.representative_iin)
                except ValidationError as problem:
                    self.representative_iin.errors = [str(problem)]
                    ok = False
            if not self.representative_name.data:
                self.representative_name.errors = [_l("Enter the representative's full name.")]
                ok = False
        if capacity == ApplicantCapacity.ATTORNEY.value:
            if not self.poa_number.data:
                self.poa_number.errors = [_l("Enter the number of the power of attorney.")]
                ok = False
            if self.poa_date.data is None:
                self.poa_date.errors = [*self.poa_date.errors] or [
                    _l("Enter the date of the power of attorney, e.g. 15.03.2026.")]
                ok = False
        return ok


class IntakeApplicantForm(ApplicantForm, AddressForm, BankForm):
    """F1: name, identity document, permanent address, bank details and phone."""

    surname = StringField(_l("Surname"), validators=[
        DataRequired(_l("Enter the surname.")), Length(max=100)])
    given_name = StringField(_l("Given name"), validators=[
        DataRequired(_l("Enter the name.")), Length(max=100)])
    reason = TextAreaField(_l("Why the address differs from the register"),
                           description=_l("Only if the applicant lives elsewhere than "
                                          "registered."),
                           validators=[Length(max=300)])
    iban = StringField(_l("Account number (IBAN)"),
                       description=_l("20 characters starting with KZ, from the bank statement "
                                      "or the register's answer"),
                       validators=[_iban])
    phone = StringField(_l("Phone (optional)"), validators=[Optional(), _phone])


class IntakeFinishForm(PortalForm):
    """The end of intake: accept (R6.1) or refuse to accept (R6.2)."""

    action = HiddenField()


class ConfirmForm(PortalForm):
    """A button whose only answer is "go on" (CSRF only)."""


def document_form(keys: list[str]) -> type[PortalForm]:
    """The L8 checklist as one form: per item shown? original compared? sheets, number, dates,
    note. Built per draft, since the items depend on the ground, family and registers."""
    from wtforms import IntegerField
    from wtforms.validators import NumberRange
    from wtforms.widgets import TextInput

    fields: dict[str, Any] = {}
    for key in keys:
        fields[f"{key}-provided"] = BooleanField(_l("Shown"))
        fields[f"{key}-compared"] = BooleanField(_l("Original compared with the copy and "
                                                    "returned"))
        fields[f"{key}-sheets"] = IntegerField(
            _l("Sheets"), widget=TextInput(), render_kw={"inputmode": "numeric"},
            validators=[Optional(), NumberRange(1, 500, _l("Enter a number of sheets from 1 "
                                                           "to 500."))])
        fields[f"{key}-number"] = StringField(_l("Document number (optional)"),
                                              validators=[Length(max=60)])
        fields[f"{key}-issued_on"] = _date_field(_l("Issued on (optional)"),
                                                 _l("For example 15.03.2020"), [Optional()])
        fields[f"{key}-valid_until"] = _date_field(
            _l("Valid until (if it expires)"), _l("For example 15.03.2030"), [Optional()])
        fields[f"{key}-note"] = StringField(_l("Note (optional)"), validators=[Length(max=300)])
    return type("IntakeDocumentsForm", (PortalForm,), fields)
