"""Sign-in, registration, password reset and sign-out: citizens (`citizen.py`), staff (`staff.py`),
EDS for both (`eds.py`)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("auth", __name__)

from portal.views.auth import citizen, eds, staff  # noqa: E402,F401  (routes register on import)
