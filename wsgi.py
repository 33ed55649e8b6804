"""The WSGI entry point gunicorn serves (`gunicorn wsgi:app`); `flask run` loads it too."""

from portal import create_app
from portal.config import require_explicit_environment

require_explicit_environment()  # gunicorn with no PORTAL_ENV must not mean development
app = create_app()
