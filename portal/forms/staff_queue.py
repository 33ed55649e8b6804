"""Forms of the staff queue: the filters (a GET form) and the search (a POST form, so that an
IIN never travels in a URL)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Regexp

from portal.forms import PortalForm


class QueueFilterForm(PortalForm):
    """Read from the query string; the view fills the choices in the page's language."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validate_choice=True)
    ground = SelectField(_l("Ground"), validate_choice=True)
    channel = SelectField(_l("Channel"), validate_choice=True)
    assignee = SelectField(_l("Assigned to"), validate_choice=True)
    overdue = BooleanField(_l("Overdue only"))

    def value(self, name: str) -> Any:
        """A filter's value when it is one of its choices, else None (no filter)."""
        f = self[name]
        valid = {str(v) for v, _label in f.choices}
        return f.data if f.data and str(f.data) in valid else None


class QueueSearchForm(PortalForm):
    q = StringField(
        _l("Application number or IIN"),
        description=_l("For example SA-2026-AB12-CD34, or the applicant's 12-digit IIN"),
        validators=[DataRequired(_l("Enter an application number or an IIN.")),
                    Regexp(r"^(\d{12}|[A-Za-z]{2}-[A-Za-z0-9-]{1,17})$",
                           message=_l("Enter an application number (like SA-2026-AB12-CD34) "
                                      "or an IIN of 12 digits."))])
    after = HiddenField()
