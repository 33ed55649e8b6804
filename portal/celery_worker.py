"""Entry point for Celery workers: `celery -A portal.celery_worker:celery_app worker -B`."""

from portal import create_app

flask_app = create_app()  # refuses to start without PORTAL_ENV, like the web entry point
celery_app = flask_app.extensions["celery"]
