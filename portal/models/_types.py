"""Column helpers shared by the models: enums stored by value, each with its CHECK constraint."""

from __future__ import annotations

import re
from enum import Enum as PyEnum

from sqlalchemy import Enum


def enum_column(enum_cls: type[PyEnum], length: int = 40, name: str | None = None) -> Enum:
    """Store an enum by its value as VARCHAR with a named CHECK constraint on both databases.

    VARCHAR rather than a native type keeps SQLite and PostgreSQL alike; the CHECK makes the
    database refuse a value the code does not know (a new member then needs a migration that
    widens the constraint — on purpose). ``name`` tells two columns of one enum in one table
    apart; by default it is the enum's name in snake case.
    """
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        name=name or re.sub(r"(?<!^)(?=[A-Z])", "_", enum_cls.__name__).lower(),
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
