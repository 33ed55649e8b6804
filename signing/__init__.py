"""Pluggable EDS signing for the portal: TEST CA, simulated signers, JWS envelopes, verification.

Imports nothing from ``portal`` or Flask; the portal passes storage and a clock in.
"""

from signing.base import (
    Action,
    CertificateInfo,
    Challenge,
    Check,
    Clock,
    FailureMode,
    RevocationChecker,
    RevocationStatus,
    Role,
    SignedEnvelope,
    Signer,
    SigningError,
    SignRequest,
    VerificationResult,
    canonical_json,
    digest,
    system_clock,
)
from signing.ca import CrlRevocationChecker, KeyType, TestCA, Usage
from signing.names import Holder, Policy
from signing.registry import DEFAULT_SIGNERS, build_signers
from signing.simulated import KeyFileSigner, MobilePrompt, MobileSigner
from signing.sms import SmsSigner
from signing.storage import DirectoryStorage, MemoryStorage, Storage
from signing.verify import verify

__all__ = [
    "DEFAULT_SIGNERS",
    "Action",
    "CertificateInfo",
    "Challenge",
    "Check",
    "Clock",
    "CrlRevocationChecker",
    "DirectoryStorage",
    "FailureMode",
    "Holder",
    "KeyFileSigner",
    "KeyType",
    "MemoryStorage",
    "MobilePrompt",
    "MobileSigner",
    "Policy",
    "RevocationChecker",
    "RevocationStatus",
    "Role",
    "SignRequest",
    "SignedEnvelope",
    "Signer",
    "SigningError",
    "SmsSigner",
    "Storage",
    "TestCA",
    "Usage",
    "VerificationResult",
    "build_signers",
    "canonical_json",
    "digest",
    "system_clock",
    "verify",
]
