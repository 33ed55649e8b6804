"""Entry point for Celery workers: `celery -A portal.celery_worker:celery_app worker`."""

from portal import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
