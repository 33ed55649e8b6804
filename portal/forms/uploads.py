"""Adding files to a document item (R3.4, L8): the shape only; services/uploads checks content."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from werkzeug.datastructures import FileStorage
from wtforms import HiddenField
from wtforms.validators import ValidationError

from portal.forms import PortalForm

__all__ = ["DocumentUploadForm", "FileRemoveForm"]


class DocumentUploadForm(PortalForm):
    """One or more photos or PDFs of one document item. ``camera`` and ``files`` are two inputs
    for one list: a phone opens the camera for the first, the gallery or files for the second."""

    camera = MultipleFileField(_l("Take a photo"))
    files = MultipleFileField(_l("Choose photos or files"))
    next = HiddenField()

    def validate_files(self, _field: Any) -> None:
        if not self.uploads():
            raise ValidationError(_l("Choose a photo or a file to add"))

    def uploads(self) -> list[FileStorage]:
        """The files from both inputs, in the order chosen (empty inputs left out)."""
        chosen = list(self.camera.data or []) + list(self.files.data or [])
        return [f for f in chosen if isinstance(f, FileStorage) and f.filename]


class FileRemoveForm(PortalForm):
    """The "Remove" button of one file: only the CSRF token and where to go back to."""

    next = HiddenField()
