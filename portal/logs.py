"""Structured logs with a request id that follows the work from the web request into its jobs.

Every request gets an id: the load balancer's ``X-Request-Id`` when it is a plain token, a new
random one otherwise. It is answered in the response's ``X-Request-Id``, stamped on every log
record of that request, and travels with each Celery job the request queues (a message header
read back by the job), so one id ties a submission to the SMS it sent.

``LOG_FORMAT=json`` (production's default) writes one JSON object a line to standard error:
time (UTC), level, logger, message, request id and, for an error, the exception's type only —
exception messages may hold personal data. Nothing here logs a URL, a form or an address.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import secrets
import sys
from contextvars import ContextVar
from typing import Any, Final

from celery.signals import before_task_publish
from flask import Flask, g, request
from werkzeug.wrappers import Response as BaseResponse

REQUEST_ID: ContextVar[str | None] = ContextVar("portal_request_id", default=None)
HEADER: Final = "X-Request-Id"
TASK_HEADER: Final = "portal_request_id"
# A plain token only: anything else (spaces, quotes, control characters, 200 characters of it)
# could forge log lines or fill the logs, so it is replaced by our own id.
_TOKEN: Final = re.compile(r"[A-Za-z0-9._-]{8,64}")
_HANDLER_MARK: Final = "_portal_json"


def new_request_id() -> str:
    return secrets.token_hex(16)


def accepted(value: str | None) -> str | None:
    """The incoming id if it is a plain token, else None."""
    return value if value and _TOKEN.fullmatch(value) else None


class RequestIdFilter(logging.Filter):
    """Stamps each record with the current request id (``-`` outside any request or job)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or REQUEST_ID.get() or "-",
        }
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = record.exc_info[0].__name__  # the type, never the message
        return json.dumps(entry, ensure_ascii=False)


def configure(log_format: str, level: str = "INFO") -> None:
    """Install the JSON handler on the root logger once per process (``text`` leaves logging
    as the server configured it, with the request id filter added)."""
    root = logging.getLogger()
    if log_format == "json":
        if not any(getattr(h, _HANDLER_MARK, False) for h in root.handlers):
            stream = logging.StreamHandler(sys.stderr)
            stream.setFormatter(JsonFormatter())
            stream.addFilter(RequestIdFilter())
            setattr(stream, _HANDLER_MARK, True)
            root.addHandler(stream)
        root.setLevel(level)
    for handler in root.handlers:
        if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
            handler.addFilter(RequestIdFilter())


def init_app(app: Flask) -> None:
    configure(app.config.get("LOG_FORMAT", "text"), app.config.get("LOG_LEVEL", "INFO"))

    @app.before_request
    def _assign_request_id() -> None:
        g.request_id = accepted(request.headers.get(HEADER)) or new_request_id()
        REQUEST_ID.set(g.request_id)

    @app.after_request
    def _answer_request_id(response: BaseResponse) -> BaseResponse:
        rid = g.get("request_id")
        if rid:
            response.headers[HEADER] = rid
        return response

    @app.teardown_request
    def _forget_request_id(_exc: BaseException | None) -> None:
        REQUEST_ID.set(None)


@before_task_publish.connect  # type: ignore[untyped-decorator,unused-ignore]
def _carry_request_id(headers: dict[str, Any] | None = None, **_: Any) -> None:
    """A job queued during a request carries the request's id (read back by FlaskTask)."""
    rid = REQUEST_ID.get()
    if rid and headers is not None:
        headers[TASK_HEADER] = rid
