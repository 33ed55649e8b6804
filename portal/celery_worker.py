"""Entry point for Celery workers: `celery -A portal.celery_worker:celery_app worker -B`."""

from portal import create_app
from portal.config import require_explicit_environment

require_explicit_environment()  # a worker with no PORTAL_ENV must not mean development
flask_app = create_app()
celery_app = flask_app.extensions["celery"]
