"""The dashboard's filter: a period and, for an administrator, the district (a GET form: nothing
personal in it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError
from wtforms.widgets import TextInput

from portal.forms import PortalForm

# Dates outside these years are typing mistakes (and would overflow the period's instants).
EARLIEST_YEAR = 2000
LATEST_YEAR = 2100
LONGEST_DAYS = 10 * 366


class _DayField(DateField):  # type: ignore[misc]
    """A date as people in Kazakhstan write it (dd.mm.yyyy), or ISO (the CSV links use it);
    one that cannot be read gets our message in the page's language."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(_l("Enter a date like 01.11.2026."))) from None


def _day(label: Any, name: str) -> DateField:
    return _DayField(label, name=name, description=_l("For example, 01.11.2026"),
                     format=["%d.%m.%Y", "%Y-%m-%d"], widget=TextInput(),
                     validators=[Optional()],
                     render_kw={"inputmode": "decimal", "class": "date-input"})


class DashboardFilterForm(PortalForm):
    """Read from the query string; the view fills the district's choices (administrators)."""

    class Meta:
        csrf = False

    start = _day(_l("First day of the period"), "from")
    end = _day(_l("Last day of the period"), "to")
    district = SelectField(_l("District"), validate_choice=True)

    def validate_start(self, field: DateField) -> None:
        _in_range(field.data)

    def validate_end(self, field: DateField) -> None:
        _in_range(field.data)
        start = self.start.data
        if field.data is not None and start is not None:
            if field.data < start:
                raise ValidationError(_l("The end of the period must not be before its start."))
            if (field.data - start).days > LONGEST_DAYS:
                raise ValidationError(_l("Choose a period of at most ten years."))


def _in_range(day: dt.date | None) -> None:
    if day is not None and not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise ValidationError(_l("Enter a date between the years 2000 and 2100."))
