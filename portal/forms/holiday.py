"""L10.2: the form assigning holiday assistance to a list of people (staff)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms import DateField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError
from wtforms.widgets import TextInput

from portal.forms import PortalForm
from portal.services.holiday import Category

__all__ = ["CATEGORY_LABELS", "HolidayForm"]

_TENGE = re.compile(r"\d{1,9}(\.\d{1,2})?")

CATEGORY_LABELS = {
    Category.DISABILITY_ANY: _l("Persons with disabilities (every group)"),
    Category.DISABILITY_1: _l("Persons with disabilities of group 1"),
    Category.DISABILITY_2: _l("Persons with disabilities of group 2"),
    Category.DISABILITY_3: _l("Persons with disabilities of group 3"),
    Category.DISABILITY_CHILD: _l("Children with disabilities"),
}


class HolidayForm(PortalForm):
    occasion = StringField(
        _l("Holiday or memorable date"), description=_l("E.g. Victory Day, Day of the Elderly"),
        validators=[DataRequired(_l("Name the holiday or memorable date.")),
                    Length(max=200, message=_l("At most 200 characters."))])
    occasion_on = DateField(
        _l("Date of the holiday"), description=_l("For example, 09.05.2027"),
        format=["%d.%m.%Y", "%Y-%m-%d"], widget=TextInput(),
        validators=[InputRequired(_l("Enter the date, e.g. 09.05.2027."))])
    assistance_type = StringField(
        _l("Category of assistance"),
        description=_l("As the maslikhat's decision names it, e.g. one-off assistance to "
                       "persons with disabilities of group 1"),
        validators=[DataRequired(_l("Name the category of assistance.")),
                    Length(max=300, message=_l("At most 300 characters."))])
    amount = StringField(
        _l("Amount, tenge"), description=_l("The same for every person, e.g. 50000"),
        filters=[lambda v: v.replace(" ", "").replace("\u00a0", "").replace(",", ".")
                 if isinstance(v, str) else v],
        validators=[DataRequired(_l("Enter the amount in tenge."))])
    source = RadioField(
        _l("Who receives it"),
        choices=[SelectChoice("register", _l("A category from the registers")),
                 SelectChoice("csv", _l("A list of IINs (CSV file)"))],
        default="register", validators=[DataRequired(_l("Choose where the list comes from."))])
    category = SelectField(
        _l("Category from the registers"),
        choices=[SelectChoice(c.value, label) for c, label in CATEGORY_LABELS.items()])
    file = FileField(_l("CSV file of IINs"), description=_l(
        "One IIN per line in the first column; a header line is allowed. Lines with mistakes "
        "are listed after assigning, the others are assigned."))

    def validate_amount(self, field: StringField) -> None:
        if not _TENGE.fullmatch(field.data or "") or Decimal(field.data) <= 0:
            raise ValidationError(_l("Enter the amount in tenge as digits, e.g. 50000 or "
                                     "50000.50."))

    def validate_file(self, field: Any) -> None:
        if self.source.data == "csv" and not self.upload():
            raise ValidationError(_l("Choose the CSV file with the IINs."))

    def upload(self) -> FileStorage | None:
        data = self.file.data
        return data if isinstance(data, FileStorage) and data.filename else None

    def amount_tiyn(self) -> int:
        return int(Decimal(self.amount.data) * 100)
