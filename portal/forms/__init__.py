"""One WTForms class per screen; forms check shape, the domain checks the rest."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class PortalForm(FlaskForm):  # type: ignore[misc]
    """Strips surrounding whitespace from every text field (a pasted IIN often carries some)."""

    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            if unbound_field.field_class.__name__ != "PasswordField":
                own = unbound_field.kwargs.get("filters", ())
                options["filters"] = (_strip, *own)
            return unbound_field.bind(form=form, **options)
