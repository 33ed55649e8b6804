"""The OpenAPI 3.1 document of the status API: every answer, errors included (RFC 9457)."""

from __future__ import annotations

from typing import Any

from portal.domain.workflow import Status

NUMBER_PATTERN = r"^[A-Za-z0-9-]{1,20}$"
FACTOR_PATTERN = r"^([0-9]{12}|[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}\.[0-9]{2}\.[0-9]{4})$"
_PROBLEM = {"$ref": "#/components/schemas/Problem"}


def _problem(description: str, *, retry_after: bool = False,
             authenticate: bool = False) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": description,
                              "content": {"application/problem+json": {"schema": _PROBLEM}}}
    headers: dict[str, Any] = {}
    if retry_after:
        headers["Retry-After"] = {"description": "Seconds until the next request may succeed.",
                                  "schema": {"type": "integer", "minimum": 1}}
    if authenticate:
        headers["WWW-Authenticate"] = {"schema": {"type": "string"}}
    if headers:
        answer["headers"] = headers
    return answer


def document(base_url: str) -> dict[str, Any]:
    date = {"type": ["string", "null"], "format": "date"}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Social assistance: application status (L10.1)",
            "version": "1.0.0",
            "description": (
                "For the 1414 contact centre and partner systems. An application's stage and "
                "dates by its number and the applicant's IIN or date of birth; nothing personal. "
                "An unknown number and a wrong second factor give the same 404. Bearer tokens "
                "(JWT) are issued by the portal's administrators: see docs/api.md."),
        },
        "servers": [{"url": base_url}],
        "security": [{"bearer": []}],
        "paths": {
            "/api/v1/applications/{number}/status": {
                "get": {
                    "operationId": "getApplicationStatus",
                    "summary": "The stage and the dates of one application",
                    "parameters": [
                        {"name": "number", "in": "path", "required": True,
                         "description": "The application number, e.g. SA-2026-7GEY-1EDR.",
                         "schema": {"type": "string", "pattern": NUMBER_PATTERN}},
                        {"name": "X-Applicant-Factor", "in": "header", "required": True,
                         "description": "The applicant's IIN (12 digits) or date of birth "
                                        "(YYYY-MM-DD or DD.MM.YYYY).",
                         "schema": {"type": "string", "pattern": FACTOR_PATTERN}},
                        {"name": "Accept-Language", "in": "header", "required": False,
                         "description": "The language of the labels: kk (the default), ru "
                                        "or en (RFC 9110 Accept-Language).",
                         "schema": {"type": "string"}},
                    ],
                    "responses": {
                        "200": {"description": "The application's status.",
                                "content": {"application/json": {
                                    "schema": {"$ref": "#/components/schemas/Status"}}}},
                        "400": _problem("The number or the second factor is not well formed."),
                        "401": _problem("No valid bearer token.", authenticate=True),
                        "404": _problem("No application with this number and this factor."),
                        "405": _problem("Only GET is allowed here."),
                        "429": _problem("The system's rate limit was reached.",
                                        retry_after=True),
                        "500": _problem("An error on the portal's side."),
                        "503": _problem("The portal's database is briefly unavailable; try "
                                        "again after Retry-After seconds.", retry_after=True),
                    },
                },
            },
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "bearerFormat": "JWT"}},
            "schemas": {
                "Status": {
                    "type": "object", "additionalProperties": False,
                    "required": ["number", "stage", "registered_on", "next_step",
                                 "result_due_on", "decided", "notification"],
                    "properties": {
                        "number": {"type": "string"},
                        "stage": {"type": "object", "additionalProperties": False,
                                  "required": ["code", "label"],
                                  "properties": {
                                      "code": {"type": "string",
                                               "enum": [s.value for s in Status]},
                                      "label": {"type": "string"}}},
                        "registered_on": date,
                        "next_step": {"oneOf": [{"type": "null"}, {
                            "type": "object", "additionalProperties": False,
                            "required": ["rule", "label", "due"],
                            "properties": {"rule": {"type": "string"},
                                           "label": {"type": "string"},
                                           "due": {"type": "string", "format": "date"}}}]},
                        "result_due_on": date,
                        "decided": {"type": "boolean"},
                        "notification": {"oneOf": [{"type": "null"}, {
                            "type": "object", "additionalProperties": False,
                            "required": ["issued_on", "where"],
                            "properties": {"issued_on": {"type": "string", "format": "date"},
                                           "where": {"type": "string",
                                                     "enum": ["cabinet", "handed"]}}}]},
                    },
                },
                "Problem": {
                    "type": "object", "required": ["type", "title", "status"],
                    "properties": {
                        "type": {"type": "string", "format": "uri"},
                        "title": {"type": "string"},
                        "status": {"type": "integer", "minimum": 400, "maximum": 599},
                        "detail": {"type": "string"},
                        "instance": {"type": "string"},
                        "retry_after": {"type": "integer"},
                    },
                },
            },
        },
    }
