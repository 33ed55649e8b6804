"""The queries of form F1-2 to the state information systems, and what an answer can be."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

__all__ = ["QUERY_SOURCE", "GatewayOutcome", "GatewayQuery", "Requester", "SourceSystem"]


class SourceSystem(enum.StrEnum):
    GBD_FL = "gbd_fl"  # State database "Individuals" (ЖТ МДҚ)
    PAYING_ORGANISATION = "paying_organisation"  # organisation that pays social assistance
    REAL_ESTATE_CADASTRE = "real_estate_cadastre"  # ЖМБМК
    CIVIL_REGISTRY = "civil_registry"  # АХАЖ
    EDUCATION_DATABASE = "education_database"  # ҰББДҚ
    DISPENSARY_REGISTER = "dispensary_register"  # ДНЭТ
    DISABILITY_DATABASE = "disability_database"  # L8, line 369: disability data
    SECOND_TIER_BANKS = "second_tier_banks"  # ЕДБ АЖ (line 318)


class GatewayQuery(enum.StrEnum):
    """F1-2 items 1)–9) (lines 308–316), plus the disability look-up of L8 (line 369)."""

    IDENTITY = "identity"
    RESIDENCE = "residence"
    BANK_DETAILS = "bank_details"
    REAL_ESTATE = "real_estate"
    BIRTH_RECORDS = "birth_records"
    MARRIAGE = "marriage"
    GUARDIANSHIP = "guardianship"
    WARD_RESIDENCE = "ward_residence"
    DISPENSARY = "dispensary"
    DISABILITY = "disability"

    @property
    def f1_2_item(self) -> int | None:
        """The item's number on F1-2, or None for the L8 disability look-up."""
        order = list(GatewayQuery)
        position = order.index(self) + 1
        return position if position <= 9 else None


QUERY_SOURCE: Final[Mapping[GatewayQuery, SourceSystem]] = MappingProxyType(
    {
        GatewayQuery.IDENTITY: SourceSystem.GBD_FL,
        GatewayQuery.RESIDENCE: SourceSystem.GBD_FL,
        GatewayQuery.BANK_DETAILS: SourceSystem.PAYING_ORGANISATION,
        GatewayQuery.REAL_ESTATE: SourceSystem.REAL_ESTATE_CADASTRE,
        GatewayQuery.BIRTH_RECORDS: SourceSystem.CIVIL_REGISTRY,
        GatewayQuery.MARRIAGE: SourceSystem.CIVIL_REGISTRY,
        GatewayQuery.GUARDIANSHIP: SourceSystem.EDUCATION_DATABASE,
        GatewayQuery.WARD_RESIDENCE: SourceSystem.GBD_FL,
        GatewayQuery.DISPENSARY: SourceSystem.DISPENSARY_REGISTER,
        GatewayQuery.DISABILITY: SourceSystem.DISABILITY_DATABASE,
    }
)


class GatewayOutcome(enum.StrEnum):
    FOUND = "found"
    NO_DATA = "no_data"  # R3.4: documents of L8 instead
    MISMATCH = "mismatch"  # R3.4
    TIMEOUT = "timeout"
    UNAVAILABLE = "unavailable"


class Requester(enum.StrEnum):
    """Line 318: who made the request and signs it besides the answering body."""

    STATE_CORP_EMPLOYEE = "state_corp_employee"
    PROVIDER_EMPLOYEE = "provider_employee"  # R3.3: the accepting specialist
    APPLICANT = "applicant"  # R6.3: on the portal the applicant asks
