"""Column helpers shared by the models: enums stored by value, short strings."""

from __future__ import annotations

from enum import Enum as PyEnum

from sqlalchemy import Enum


def enum_column(enum_cls: type[PyEnum], length: int = 40) -> Enum:
    """Store an enum by its value as VARCHAR, so adding a member needs no database type change."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
