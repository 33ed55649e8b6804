"""Forms of the administrator's pages: a new staff member, a change of role or desk."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp

from portal.forms import PortalForm

ROLE_LABELS = {
    "intake": _l("Intake (accepts applications at a desk)"),
    "precinct": _l("Precinct commission"),
    "specialist": _l("Social assistance specialist"),
    "commission": _l("Special commission secretary"),
    "head": _l("Head of department"),
    "operator": _l("1414 operator (reads only)"),
    "admin": _l("Administrator"),
}


def _optional_int(value: object) -> int | None:
    try:
        return int(str(value)) if value not in (None, "", "None") else None
    except ValueError:
        return None


class NamePositionForm(PortalForm):
    """A person's name and position: staff members and commission members."""

    full_name = StringField(_l("Full name"),
                            validators=[DataRequired(_l("Enter the full name.")),
                                        Length(max=200, message=_l("At most 200 characters."))])
    position = StringField(_l("Position"),
                           validators=[DataRequired(_l("Enter the position.")),
                                       Length(max=200, message=_l("At most 200 characters."))])


class RoleDeskForm(PortalForm):
    role = SelectField(_l("Role"), choices=[SelectChoice(v, str(label)) for v, label in ROLE_LABELS.items()],
                       validators=[DataRequired(_l("Choose a role."))])
    desk = SelectField(_l("Desk"), description=_l("Intake staff only: where they accept "
                                                  "applications"),
                       coerce=_optional_int, validate_choice=False)


class NewStaffForm(RoleDeskForm, NamePositionForm):
    login = StringField(_l("Login"), description=_l("Latin letters, digits, dots, dashes"),
                        validators=[DataRequired(_l("Enter a login.")),
                                    Length(3, 60, _l("A login has 3 to 60 characters.")),
                                    Regexp(r"^[A-Za-z0-9._-]+$",
                                           message=_l("Use Latin letters, digits, dots and "
                                                      "dashes only."))])
