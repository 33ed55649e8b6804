"""The dashboard's filter: a period and, for an administrator, the district (a GET form: nothing
personal in it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, Field
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

    def __init__(self, *args: Any, unreadable: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unreadable = unreadable  # names the field: two alike in the summary would not

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(self.unreadable)) from None


def _day(label: Any, name: str, example: Any, unreadable: Any) -> DateField:
    return _DayField(label, name=name, description=example, unreadable=unreadable,
                     format=["%d.%m.%Y", "%Y-%m-%d"], widget=TextInput(),
                     validators=[Optional()],
                     render_kw={"inputmode": "decimal", "class": "date-input"})


class DistrictField(Field):  # type: ignore[misc]
    """A district's id, one of ``allowed`` (the view fills it: every district for an
    administrator, whose page writes the options itself — components/forms.html ``field`` with
    ``options`` — and the head's own one). Anything else, a word or an unknown id, is an error
    on the field."""

    allowed: frozenset[int] = frozenset()

    def process_formdata(self, valuelist: list[Any]) -> None:
        raw = valuelist[0].strip() if valuelist else ""
        self.data = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
        self.raw_data = valuelist

    def pre_validate(self, form: Any) -> None:
        if self.data not in self.allowed:
            raise ValidationError(_l("Choose a district from the list."))


class DashboardFilterForm(PortalForm):
    """Read from the query string; the view says which districts may be chosen."""

    class Meta:
        csrf = False

    start = _day(_l("First day of the period"), "from", _l("For example, 01.11.2026"),
                 _l("Enter the first day of the period as a date like 01.11.2026."))
    end = _day(_l("Last day of the period"), "to", _l("For example, 30.11.2026"),
               _l("Enter the last day of the period as a date like 30.11.2026."))
    district = DistrictField(_l("District"))

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
