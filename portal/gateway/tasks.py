"""The gateway's Celery task: a register call the page does not wait for (eager when embedded)."""

from __future__ import annotations

from portal.jobs import celery_app


@celery_app.task(name="portal.gateway_ask")  # type: ignore[untyped-decorator,unused-ignore]
def gateway_ask(request_id: str) -> None:
    """Answer a submitted gateway request; the outcome lands in ``gateway_requests``."""
    from portal.gateway import gateway

    gateway().run_queued(request_id)


def enqueue(request_id: str) -> None:
    gateway_ask.delay(request_id)
