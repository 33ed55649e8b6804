"""A signed document as a person reads it: a template per purpose, labels in their language.

The phone page of a signing (and any page that shows what is being signed) calls
``render_document(purpose, document)`` with the exact signed bytes (canonical JSON). A purpose is
matched by its prefix (``application.submit`` → ``application``); a document no template knows,
or one whose shape a template does not expect, is shown as a plain list of its fields. Personal
fields are masked: the phone link works without signing in.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from jinja2 import TemplateError
from markupsafe import Markup

from portal.web.i18n import local_date, local_datetime, tenge
from portal.web.labels import ID_DOCUMENT_LABELS

TEMPLATES: dict[str, str] = {
    "application": "sign/documents/application.html",
}

HIDDEN = "•••"
_IIN_RUN = re.compile(r"(?<!\d)\d{7}(\d{5})(?!\d)")

LABELS: dict[str, dict[str, LazyString]] = {
    "ground": {
        "natural_disaster": _l("Damage from a natural disaster"),
        "fire": _l("Damage from a fire"),
        "socially_significant_disease": _l("A socially significant disease"),
        "low_income": _l("Low income"),
        "orphan": _l("Orphan or child left without parental care"),
        "old_age_self_care": _l("Old age, unable to look after oneself"),
        "released_from_prison": _l("Released from prison or on probation"),
    },
    "frequency": {
        "one_off": _l("Once"),
        "monthly": _l("Monthly"),
        "quarterly": _l("Quarterly"),
        "yearly": _l("Yearly"),
    },
    "capacity": {
        "self": _l("For myself"),
        "family": _l("For a member of my family"),
        "legal_representative": _l("As a legal representative"),
        "attorney": _l("By power of attorney"),
    },
    "relation": {
        "spouse": _l("Spouse"),
        "child": _l("Child"),
        "parent": _l("Parent"),
        "ward": _l("Ward"),
        "sibling": _l("Brother or sister"),
        "other": _l("Other relative"),
    },
    "sex": {"male": _l("Male"), "female": _l("Female")},
    "id_document": ID_DOCUMENT_LABELS,
    "income_kind": {
        "wages": _l("Wages"),
        "pension": _l("Pension"),
        "benefit": _l("Benefit"),
        "farm": _l("Income from a farm or plot"),
        "other": _l("Other income"),
    },
    "income_source": {"register": _l("From the registers"), "declared": _l("Declared by the applicant")},
    "document_kind": {
        "identity": _l("Identity document"),
        "income": _l("Proof of income"),
        "ground_proof": _l("Proof of the ground"),
        "power_of_attorney": _l("Power of attorney"),
        "other": _l("Other document"),
    },
    "consent": {
        "personal_data": _l("Collection and processing of personal data"),
        "bank_information": _l("Information about my bank account"),
        "report_changes": _l("To report changes within 10 working days"),
        "separate_account": _l("Informed about a separate bank account"),
    },
    "query": {
        "identity": _l("Identity"),
        "residence": _l("Registered address"),
        "bank_details": _l("Bank details"),
        "real_estate": _l("Real estate"),
        "birth_records": _l("Birth records"),
        "marriage": _l("Marriage"),
        "guardianship": _l("Guardianship"),
        "ward_residence": _l("Address of the ward"),
        "dispensary": _l("Dispensary register"),
        "disability": _l("Disability"),
        "income": _l("Income"),
    },
    "source_system": {
        "gbd_fl": _l("State database of individuals"),
        "paying_organisation": _l("Organisation paying social assistance"),
        "real_estate_cadastre": _l("Real estate register"),
        "civil_registry": _l("Civil registry"),
        "education_database": _l("Education database"),
        "dispensary_register": _l("Dispensary register"),
        "disability_database": _l("Disability database"),
        "second_tier_banks": _l("Banks"),
    },
    "outcome": {
        "found": _l("Found"),
        "no_data": _l("No data"),
        "mismatch": _l("Data do not match"),
        "timeout": _l("No answer in time"),
        "unavailable": _l("Register unavailable"),
    },
}


def label(group: str, code: object) -> str:
    """A code in words; an unknown code is shown as it is rather than hidden."""
    if code is None or code == "":
        return "—"
    text = LABELS.get(group, {}).get(str(code))
    return str(text) if text is not None else str(code)


def masked(value: object) -> str:
    """First letter of each word of a name or address: enough to recognise, not to identify."""
    if value is None or value == "":
        return "—"
    text = str(value)
    if text.isdigit():
        return masked_iin(text)
    return " ".join(word[0] + HIDDEN for word in text.split())


def masked_iin(value: object) -> str:
    text = "" if value is None else str(value)
    return f"•••••••{text[-5:]}" if len(text) >= 5 else HIDDEN


def masked_tail(value: object, keep: int = 4) -> str:
    """``KZ86125KZT5004100100`` → ``•••• 0100``; phone and account numbers."""
    text = "" if value is None else str(value)
    return f"{HIDDEN} {text[-keep:]}" if len(text) > keep else HIDDEN


def iso_date(value: object) -> str:
    if not value:
        return "—"
    try:
        return local_date(dt.date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def iso_datetime(value: object) -> str:
    if not value:
        return "—"
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return local_datetime(moment, "short")


def quarter(value: object) -> str:
    """``2026-07-01/2026-09-30`` → ``01.07.2026 – 30.09.2026``."""
    start, _, end = str(value or "").partition("/")
    return f"{iso_date(start)} – {iso_date(end)}" if end else iso_date(start)


def money(value: object) -> str:
    """A decimal string in tenge, shown with the locale's grouping."""
    if value is None or value == "":
        return "—"
    try:
        tiyn = int((Decimal(str(value)) * 100).to_integral_value())
    except (InvalidOperation, ValueError):
        return str(value)
    return tenge(tiyn)


HELPERS = {
    "label": label, "masked": masked, "masked_iin": masked_iin, "masked_tail": masked_tail,
    "iso_date": iso_date, "iso_datetime": iso_datetime, "quarter": quarter, "money": money,
}


def template_for(purpose: str) -> str | None:
    return TEMPLATES.get(purpose) or TEMPLATES.get(purpose.split(".", 1)[0])


def _fields(value: Any, path: str = "") -> list[tuple[str, str]]:
    """Nested JSON as ``(field path, text)`` rows, personal-looking values masked."""
    if isinstance(value, dict):
        rows: list[tuple[str, str]] = []
        for key in sorted(value):
            rows += _fields(value[key], f"{path} › {key}" if path else str(key))
        return rows
    if isinstance(value, list):
        rows = []
        for index, item in enumerate(value, start=1):
            rows += _fields(item, f"{path} {index}")
        return rows
    if value is None:
        return [(path, "—")]
    text = str(value)
    return [(path.replace("_", " "), _IIN_RUN.sub(r"•••••••\1", text))]


def render_document(purpose: str, document: bytes) -> Markup:
    """The signed bytes as the person's own document, in their language."""
    try:
        content = json.loads(document)
    except ValueError:
        text = document.decode("utf-8", errors="replace")
        return Markup(render_template("sign/documents/_text.html",  # noqa: S704 - autoescaped
                                      text=_IIN_RUN.sub(r"•••••••\1", text)))
    template = template_for(purpose)
    if template is not None and isinstance(content, dict):
        try:
            # render_template autoescapes: what comes back is safe HTML.
            return Markup(render_template(template, doc=content, **HELPERS))  # noqa: S704
        except (KeyError, TypeError, AttributeError, ValueError, TemplateError):
            pass  # another shape than the template knows: the plain list below still shows it
    rows = _fields(_masked(content))
    return Markup(render_template("sign/documents/_fields.html", rows=rows))  # noqa: S704


_PERSONAL_KEYS = frozenset({
    "iin", "name", "surname", "given_name", "first_name", "last_name", "patronymic", "full_name",
    "fio", "birth_date", "date_of_birth", "phone", "email", "address", "document_number",
    "passport", "account", "iban", "card", "street", "house", "flat", "number",
})


def _masked(value: Any, personal: bool = False) -> Any:
    if isinstance(value, dict):
        return {k: _masked(v, personal or k.lower() in _PERSONAL_KEYS) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v, personal) for v in value]
    if personal and value not in (None, "", True, False):
        return masked(value)
    return value
