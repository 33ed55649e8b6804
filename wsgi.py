"""The WSGI entry point gunicorn serves (`gunicorn wsgi:app`); it refuses an unset PORTAL_ENV."""

from portal import create_app
from portal.domain.calendar import preload

app = create_app()
preload()  # the holidays package's calendar before the first request, not in it
