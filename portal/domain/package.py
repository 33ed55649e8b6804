"""What a package of documents lacks for its ground (L8, R3.4, R6.2): the content of form F2-1."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from portal.domain.grounds import GroundCategory, GroundRule

__all__ = ["DocumentKind", "PackageDocument", "PackageGaps", "RefusalToAccept", "package_gaps"]


class DocumentKind(enum.StrEnum):
    IDENTITY = "identity"  # L8.1: identity document or the digital documents service
    INCOME = "income"  # L8.2: income of the person (family members)
    GROUND_PROOF = "ground_proof"  # L8.3: ONE document proving the ground
    POWER_OF_ATTORNEY = "power_of_attorney"  # R3.1
    OTHER = "other"


class RefusalToAccept(enum.StrEnum):
    """F2-1 (line 399): which limb applies — both may."""

    INCOMPLETE = "incomplete"
    EXPIRED = "expired"


@dataclass(frozen=True)
class PackageDocument:
    kind: DocumentKind
    valid_until: date | None = None  # None: does not expire
    proves: GroundCategory | None = None  # for GROUND_PROOF: which ground it proves

    def expired_on(self, day: date) -> bool:
        return self.valid_until is not None and self.valid_until < day


@dataclass(frozen=True)
class PackageGaps:
    """What is missing or expired; ``extra_ground_proofs`` is a note, not a reason to refuse."""

    missing: tuple[DocumentKind, ...] = ()
    expired: tuple[DocumentKind, ...] = ()
    extra_ground_proofs: int = 0

    @property
    def complete(self) -> bool:
        return not self.missing and not self.expired

    @property
    def reasons(self) -> frozenset[RefusalToAccept]:
        found: set[RefusalToAccept] = set()
        if self.missing:
            found.add(RefusalToAccept.INCOMPLETE)
        if self.expired:
            found.add(RefusalToAccept.EXPIRED)
        return frozenset(found)


def package_gaps(
    rule: GroundRule,
    documents: Iterable[PackageDocument],
    on: date,
    *,
    identity_from_registers: bool = False,
    representative: bool = False,
) -> PackageGaps:
    """R6.2: what the package lacks on ``on`` for the ground of ``rule``.

    Identity is always needed (from the registers on the portal, L8), income papers only where
    the ground needs income (L8.2), exactly one proof of this ground (L8.3; none for low income,
    whose income papers prove it), a power of attorney
    when a representative applies (R3.1); none of these may have expired. Only documents of the
    list count: an expired paper the ground does not ask for is no reason to refuse. Income
    papers come one per family member, so each must be valid; of the other kinds one valid
    document is enough (an old passport beside a valid ID card is no gap).
    """
    docs = list(documents)
    needed: list[DocumentKind] = []
    if not identity_from_registers:
        needed.append(DocumentKind.IDENTITY)
    if rule.needs_income:
        needed.append(DocumentKind.INCOME)
    if representative:
        needed.append(DocumentKind.POWER_OF_ATTORNEY)
    proofs = [d for d in docs if d.kind is DocumentKind.GROUND_PROOF and d.proves is rule.category]
    missing = [kind for kind in needed if not any(d.kind is kind for d in docs)]
    # L8.3 names no document for the low-income ground: its income papers are the proof (the
    # portal asks the same — domain.apply.documents_needed).
    if not proofs and rule.category is not GroundCategory.LOW_INCOME:
        missing.append(DocumentKind.GROUND_PROOF)
    relevant = [d for d in docs if d.kind in needed or d in proofs]
    lapsed = {d.kind for d in relevant if d.expired_on(on)}
    still_valid = {d.kind for d in relevant if not d.expired_on(on)} - {DocumentKind.INCOME}
    expired = sorted(lapsed - still_valid, key=list(DocumentKind).index)
    return PackageGaps(tuple(missing), tuple(expired), max(len(proofs) - 1, 0))
