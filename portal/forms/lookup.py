"""Forms of the status lookup (L10.1): the public page and the 1414 operator's search."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from portal.domain.iin import InvalidIin, parse_iin
from portal.domain.lookup import OperatorReason, normalise_number, parse_factor
from portal.forms import PortalForm

REASON_LABELS = {
    OperatorReason.CALL: _l("The person called 1414"),
    OperatorReason.CALL_REPRESENTATIVE: _l("The person's representative called 1414"),
    OperatorReason.WRITTEN_REQUEST: _l("A written request from the person"),
    OperatorReason.CALLBACK: _l("Calling the person back about an earlier request"),
}


def _number(form: Any, field: Any) -> None:
    if not normalise_number(field.data):
        raise ValidationError(str(_l("Enter the application number as it is written on your "
                                     "receipt, e.g. SA-2026-7GEY-1EDR.")))


def _factor(form: Any, field: Any) -> None:
    if parse_factor(field.data) is None:
        raise ValidationError(str(_l("Enter the applicant's IIN (12 digits) or date of birth "
                                     "(e.g. 21.03.1985).")))


# The longest text each field takes (views/public.py checks a valid lookup against the same).
NUMBER_LENGTH = 40
FACTOR_LENGTH = 20


class StatusLookupForm(PortalForm):
    number = StringField(_l("Application number"), description=_l(
        "It is on the receipt or in the SMS you got when you applied, e.g. SA-2026-7GEY-1EDR."),
        validators=[DataRequired(_l("Enter the application number.")),
                    Length(max=NUMBER_LENGTH), _number])
    factor = StringField(_l("Applicant's IIN or date of birth"), description=_l(
        "12 digits of the IIN, or the date of birth as 21.03.1985."),
        validators=[DataRequired(_l("Enter the applicant's IIN or date of birth.")),
                    Length(max=FACTOR_LENGTH), _factor])


def _query(form: Any, field: Any) -> None:
    value = (field.data or "").replace(" ", "")
    if value.isdigit():
        try:
            parse_iin(value)
        except InvalidIin:
            raise ValidationError(str(_l("This IIN cannot exist: check every digit."))) from None
    elif not normalise_number(value):
        raise ValidationError(str(_l("Enter an IIN (12 digits) or an application number.")))


class OperatorSearchForm(PortalForm):
    query = StringField(_l("IIN or application number"),
                        validators=[DataRequired(_l("Enter an IIN or an application number.")),
                                    Length(max=40), _query])
    reason = RadioField(_l("Why are you looking?"),
                        choices=[SelectChoice(k, v) for k, v in REASON_LABELS.items()],
                        validators=[DataRequired(_l("Choose why you are looking."))])
