"""Bearer tokens of the status API as JWTs: the one portal module that imports python-jose.

Every check is explicit: one algorithm (HS256) named by us, never taken from the token's header;
expiry, not-before, issued-at, issuer, audience, subject and token id all required.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from jose import jwt
from jose.exceptions import ExpiredSignatureError, JWTClaimsError, JWTError

ALGORITHM: Final = "HS256"
ALGORITHMS: Final = [ALGORITHM]
AUDIENCE: Final = "status-api"
_REQUIRED: Final = {f"require_{claim}": True
                    for claim in ("exp", "nbf", "iat", "iss", "aud", "sub", "jti")}


class TokenRefused(Exception):
    """The token is not honoured; ``reason`` names why (for the log, never for the caller)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Claims:
    system: str
    token_id: str
    expires_at: dt.datetime


def encode(*, key: str, issuer: str, system: str, token_id: str, issued_at: dt.datetime,
           expires_at: dt.datetime, not_before: dt.datetime | None = None) -> str:
    claims = {
        "iss": issuer, "aud": AUDIENCE, "sub": system, "jti": token_id,
        "iat": int(issued_at.timestamp()), "nbf": int((not_before or issued_at).timestamp()),
        "exp": int(expires_at.timestamp()),
    }
    token: str = jwt.encode(claims, key, algorithm=ALGORITHM)
    return token


def decode(token: str, *, key: str, issuer: str) -> Claims:
    """The token's claims, or TokenRefused: malformed, algorithm, signature, expired, claims."""
    try:
        header = jwt.get_unverified_header(token)
    except JWTError:
        raise TokenRefused("malformed") from None
    if header.get("alg") != ALGORITHM:  # "none", RS/HS confusion: refused before any check
        raise TokenRefused("algorithm")
    try:
        claims = jwt.decode(token, key, algorithms=ALGORITHMS, audience=AUDIENCE, issuer=issuer,
                            options={**_REQUIRED, "leeway": 0})
    except ExpiredSignatureError:
        raise TokenRefused("expired") from None
    except JWTClaimsError:
        raise TokenRefused("claims") from None
    except JWTError:
        raise TokenRefused("signature") from None
    system, token_id = claims.get("sub"), claims.get("jti")
    if not isinstance(system, str) or not isinstance(token_id, str) or not system or not token_id:
        raise TokenRefused("claims")
    return Claims(system, token_id, dt.datetime.fromtimestamp(int(claims["exp"]), dt.UTC))
