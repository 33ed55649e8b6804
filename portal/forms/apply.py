"""Forms of the portal application F1-1, one per section page; they check shape only."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import TextInput

from portal.domain.forms import ApplicantCapacity
from portal.domain.iban import IbanProblem, InvalidIban, normalise_iban
from portal.forms import PortalForm
from portal.forms.auth import _iin, _no_spaces, _phone
from portal.web.labels import CAPACITY_LABELS, ID_DOCUMENT_LABELS, RELATION_LABELS

IBAN_MESSAGES = {
    IbanProblem.EMPTY: _l("Enter the account number (IBAN)."),
    IbanProblem.COUNTRY: _l("A Kazakhstan account number starts with KZ."),
    IbanProblem.LENGTH: _l("A Kazakhstan account number has 20 characters: KZ and 18 more."),
    IbanProblem.CHARACTERS: _l("An account number has Latin letters and digits only."),
    IbanProblem.CHECKSUM: _l("This account number has a mistake: check every character "
                             "against your bank card or banking app."),
}




def _iban(form: Any, field: Any) -> None:
    try:
        field.data = normalise_iban(field.data or "")
    except InvalidIban as problem:
        raise ValidationError(str(IBAN_MESSAGES[problem.reason])) from None


def _date_field(label: Any, hint: Any, validators: list[Any]) -> DateField:
    """A date typed as people in Kazakhstan write it (dd.mm.yyyy), in a plain text box: a
    browser's date picker shows the US order in Chromium and is hard to use on a cheap phone."""
    return DateField(label, description=hint, validators=validators,
                     format=["%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"],
                     widget=TextInput(),
                     render_kw={"inputmode": "decimal"})


class GroundForm(PortalForm):
    offer = RadioField(_l("What assistance do you apply for?"),
                       validators=[InputRequired(_l("Choose the assistance you apply for."))],
                       coerce=str)
    requested = StringField(_l("In your own words, what do you need the assistance for? "
                               "(optional)"),
                            validators=[Optional(), Length(max=300)])


class BehalfForm(PortalForm):
    capacity = RadioField(
        _l("On whose behalf do you apply?"),
        choices=[SelectChoice(c.value, label) for c, label in CAPACITY_LABELS.items()],
        validators=[InputRequired(_l("Choose on whose behalf you apply."))])
    represented_iin = StringField(_l("IIN of the person you apply for"),
                                  description=_l("12 digits"), filters=[_no_spaces])
    poa_number = StringField(_l("Power of attorney number"), validators=[Length(max=50)])
    poa_date = _date_field(_l("Date of the power of attorney"), _l("For example 15.03.2026"),
                           [Optional()])

    def validate(self, extra_validators: Any = None) -> bool:
        ok: bool = super().validate(extra_validators)
        capacity = self.capacity.data
        if capacity in (ApplicantCapacity.ATTORNEY.value,
                        ApplicantCapacity.LEGAL_REPRESENTATIVE.value):
            if not self.represented_iin.data:
                self.represented_iin.errors = [_l("Enter the IIN of the person you apply for.")]
                ok = False
            else:
                try:
                    _iin(self, self.represented_iin)
                except ValidationError as problem:
                    self.represented_iin.errors = [str(problem)]
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


class ApplicantForm(PortalForm):
    """F1: the identity document; the name only where the register did not answer."""

    surname = StringField(_l("Surname"), validators=[Length(max=100)])
    given_name = StringField(_l("Given name"), validators=[Length(max=100)])
    patronymic = StringField(_l("Patronymic (if any)"), validators=[Length(max=100)])
    id_doc_type = SelectField(_l("Identity document"), choices=[
        SelectChoice(code, label) for code, label in ID_DOCUMENT_LABELS.items()
    ], validators=[DataRequired(_l("Choose the identity document."))])
    id_doc_number = StringField(_l("Document number"),
                                validators=[DataRequired(_l("Enter the document number.")),
                                            Length(max=30)])
    id_doc_issued_by = StringField(_l("Issued by"), validators=[
        DataRequired(_l("Enter who issued the document.")), Length(max=200)],
        description=_l("For example: Ministry of Internal Affairs of the RK"))
    id_doc_issued_on = _date_field(_l("Date of issue"), _l("For example 15.03.2020"), [
        InputRequired(_l("Enter the date of issue, e.g. 15.03.2020."))])


class AddressForm(PortalForm):
    addr_region = StringField(_l("Region or city of republican significance"),
                              validators=[DataRequired(_l("Enter the region.")), Length(max=100)])
    addr_city = StringField(_l("City or district"),
                            validators=[DataRequired(_l("Enter the city or district.")),
                                        Length(max=100)])
    addr_village = StringField(_l("Village (if any)"), validators=[Length(max=100)])
    addr_street = StringField(_l("Street or microdistrict"),
                              validators=[DataRequired(_l("Enter the street.")), Length(max=150)])
    addr_house = StringField(_l("House"), validators=[DataRequired(_l("Enter the house number.")),
                                                       Length(max=20)])
    addr_flat = StringField(_l("Flat (if any)"), validators=[Length(max=20)])
    reason = TextAreaField(_l("Why does your address differ from the register?"),
                           description=_l("Only if you changed the address: e.g. 'I moved in "
                                          "March and have not re-registered yet'."),
                           validators=[Length(max=300)])


class MemberForm(PortalForm):
    iin = StringField(_l("IIN of the family member"), description=_l("12 digits"),
                      filters=[_no_spaces],
                      validators=[DataRequired(_l("Enter the family member's IIN.")), _iin])
    relation = SelectField(_l("Who is this person to the applicant?"),
                           choices=[SelectChoice(r.value, label) for r, label in RELATION_LABELS.items()],
                           validators=[DataRequired(_l("Choose who this person is to you."))])
    full_name = StringField(_l("Full name"), validators=[Length(max=200)],
                            description=_l("Only needed if the register does not know the person"))


class BankForm(PortalForm):
    bank_name = StringField(_l("Bank"), validators=[DataRequired(_l("Enter the bank's name.")),
                                                    Length(max=150)])
    iban = StringField(_l("Account number (IBAN)"),
                       description=_l("20 characters starting with KZ, as in your banking app or "
                                      "on a bank statement (it is not the number on the card)"),
                       validators=[_iban])


class ContactsForm(PortalForm):
    phone = StringField(_l("Mobile number"), validators=[_phone])
    email = StringField(_l("E-mail (optional)"),
                        validators=[Optional(), Length(max=200),
                                    Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                                           message=_l("Enter an e-mail like name@example.kz."))])


class ConsentsForm(PortalForm):
    personal_data = BooleanField()
    bank_information = BooleanField()
    report_changes = BooleanField()
    separate_account = BooleanField()


class ConfirmForm(PortalForm):
    """A page whose only answer is "continue" (CSRF only)."""


class StatementForm(PortalForm):
    """An objection to a preliminary refusal (R15.3) or remarks on the protocol (R15.6)."""

    text = TextAreaField(_l("Your text"), validators=[
        DataRequired(_l("Write what you want the department to know.")),
        Length(min=10, max=5000, message=_l("Write between 10 and 5000 characters."))])
