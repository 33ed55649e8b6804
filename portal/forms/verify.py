"""Forms of the public verification page (#12): a code, a file, or both."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms import StringField
from wtforms.validators import Length, ValidationError

from portal.forms import PortalForm

__all__ = ["VerifyForm", "VerifyUploadForm"]


def _chosen(value: object) -> bool:
    return isinstance(value, FileStorage) and bool(value.filename)


class VerifyUploadForm(PortalForm):
    """On a document's page: the downloaded PDF or signature file to compare with it."""

    file = FileField(_l("PDF or signature file"), description=_l(
        "The PDF you downloaded or received, or a signature file (.json or .jws). Up to 10 MB."))

    def validate_file(self, field: Any) -> None:
        if not _chosen(field.data):
            raise ValidationError(_l("Choose the PDF or the signature file to check."))

    def upload(self) -> FileStorage | None:
        return self.file.data if _chosen(self.file.data) else None


class VerifyForm(VerifyUploadForm):
    """At /verify: the code printed under the QR code, or a file, or both."""

    code = StringField(_l("Verification code"), description=_l(
        "12 letters and digits printed under the QR code, e.g. K4PQ-9TXM-HB2C."),
        validators=[Length(max=40, message=_l("The code has 12 letters and digits."))])

    def validate_file(self, field: Any) -> None:
        if not _chosen(field.data) and not self.code.data:
            raise ValidationError(_l("Enter the verification code, or choose a file to check."))
