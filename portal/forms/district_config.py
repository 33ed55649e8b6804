"""Forms of the district configuration pages: a ground, the threshold, a commission member, a
calendar day."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError
from wtforms.widgets import TextInput

from portal.domain.forms import Frequency
from portal.domain.grounds import GroundCategory
from portal.forms import PortalForm
from portal.forms.staff_admin import NamePositionForm
from portal.models import Commission, CommissionRole, DayKind
from portal.web.labels import FREQUENCY_LABELS, GROUND_LABELS

_TENGE = re.compile(r"^\d{1,9}([.,]\d{1,2})?$")

# A rule override: empty = the Model Rules' default for the ground (domain.grounds).
RULE_CHOICES = [SelectChoice("", _l("As the Model Rules say")), SelectChoice("yes", _l("Yes")),
                SelectChoice("no", _l("No"))]

COMMISSION_LABELS = {
    Commission.PRECINCT: _l("Precinct commission"),
    Commission.SPECIAL: _l("Special commission"),
}
MEMBER_ROLE_LABELS = {
    CommissionRole.CHAIR: _l("Chair"),
    CommissionRole.MEMBER: _l("Member"),
    CommissionRole.SECRETARY: _l("Secretary"),
}
DAY_KIND_LABELS = {
    DayKind.DAY_OFF: _l("A day off (a working day moved to rest)"),
    DayKind.WORKING_DAY: _l("A working day (a weekend day worked)"),
}


def tiyn_of(text: str) -> int:
    """Tenge as typed ("39 320", "39320,50") to whole tiyn; no floats."""
    whole, _, cents = text.replace(",", ".").partition(".")
    return int(whole) * 100 + int((cents + "00")[:2])


def rule_value(choice: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(choice or "")


def rule_choice(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


class GroundForm(PortalForm):
    frequency = SelectField(
        _l("Frequency"),
        choices=[SelectChoice(f.value, FREQUENCY_LABELS[f]) for f in Frequency],
        validators=[DataRequired(_l("Choose how often it is paid."))])
    amount = StringField(
        _l("Amount, tenge"), description=_l("As the maslikhat's decision says, e.g. 196600"),
        filters=[lambda v: v.replace(" ", "").replace("\u00a0", "") if isinstance(v, str) else v],
        validators=[DataRequired(_l("Enter the amount in tenge."))])
    enabled = BooleanField(_l("Offered to applicants"))
    needs_precinct_inspection = SelectField(
        _l("Goes to the precinct commission for an inspection (R7.2)"), choices=RULE_CHOICES)
    needs_income = SelectField(
        _l("Needs the family's income (L8.2, R11.2)"), choices=RULE_CHOICES)
    needs_special_commission = SelectField(
        _l("Goes to the special commission (F5)"), choices=RULE_CHOICES)

    def validate_amount(self, field: StringField) -> None:
        if not _TENGE.fullmatch(field.data or ""):
            raise ValidationError(_l("Enter the amount in tenge as digits, e.g. 196600 or "
                                     "196600.50."))


class NewGroundForm(GroundForm):
    category = SelectField(
        _l("Category"),
        choices=[SelectChoice(c.value, GROUND_LABELS[c]) for c in GroundCategory],
        validators=[DataRequired(_l("Choose a category."))])


class ThresholdForm(PortalForm):
    numerator = IntegerField(
        _l("Numerator"), validators=[InputRequired(_l("Enter the numerator, e.g. 7.")),
                                     NumberRange(0, 1000, _l("Enter a number from 0 to 1000."))])
    denominator = IntegerField(
        _l("Denominator"), validators=[InputRequired(_l("Enter the denominator, e.g. 10.")),
                                       NumberRange(1, 1000, _l("Enter a number from 1 to 1000."))])


class MemberForm(NamePositionForm):
    commission = SelectField(
        _l("Commission"),
        choices=[SelectChoice(c.value, label) for c, label in COMMISSION_LABELS.items()],
        validators=[DataRequired(_l("Choose the commission."))])
    role = SelectField(
        _l("Role in the commission"),
        choices=[SelectChoice(r.value, label) for r, label in MEMBER_ROLE_LABELS.items()],
        validators=[DataRequired(_l("Choose the role in the commission."))])
    active = BooleanField(_l("Active (takes part in acts and conclusions)"), default=True)


class CalendarDayForm(PortalForm):
    day = DateField(_l("Date"), description=_l("For example, 04.01.2027"),
                    format=["%d.%m.%Y", "%Y-%m-%d"], widget=TextInput(),
                    validators=[InputRequired(_l("Enter the date, e.g. 04.01.2027."))])
    kind = SelectField(
        _l("What the decree made of it"),
        choices=[SelectChoice(k.value, label) for k, label in DAY_KIND_LABELS.items()],
        validators=[DataRequired(_l("Choose a day off or a working day."))])
    act = StringField(_l("The decree"), description=_l("Its name, number and date"),
                      validators=[DataRequired(_l("Name the decree that moved this day.")),
                                  Length(max=300, message=_l("At most 300 characters."))])

