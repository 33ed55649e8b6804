"""The staff back office: a blueprint for officials, a module per journey (queue, case)."""

from __future__ import annotations

from flask import Blueprint
from werkzeug.wrappers import Response as BaseResponse

from portal.views.account import first_password_gate
from portal.web.htmx import no_store

bp = Blueprint("staff", __name__)
bp.before_request(first_password_gate)  # ASVS 6.4.1: their own password first


@bp.after_request
def _personal(response: BaseResponse) -> BaseResponse:
    """Every back-office page holds citizens' data: never kept by a browser or a cache (the
    layout `layouts/staff.html` keeps it out of htmx's history too)."""
    return no_store(response)


from portal.views.staff import (  # noqa: E402,F401  (routes on bp)
    case,
    dashboard,
    forms,
    holiday,
    intake,
    queue,
)
