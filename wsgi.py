"""The WSGI entry point gunicorn serves (`gunicorn wsgi:app`); it refuses an unset PORTAL_ENV."""

from portal import create_app

app = create_app()
