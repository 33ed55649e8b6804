"""The form of the signed-in person's own account: a new password in place of the current one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField
from wtforms.validators import DataRequired

from portal.forms import PortalForm
from portal.forms.auth import RegisterDetailsForm


class PasswordChangeForm(PortalForm):
    current = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )
    password = PasswordField(
        _l("New password"),
        description=RegisterDetailsForm.password.kwargs["description"],
        validators=[DataRequired(_l("Choose a new password."))],
    )
    password_again = RegisterDetailsForm.password_again
    validate_password_again = RegisterDetailsForm.validate_password_again
