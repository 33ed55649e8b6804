"""Bearer tokens of the status API as JWTs: the one portal module that imports python-jose.

Every check is explicit: one algorithm (HS256) named by us, never taken from the token's header;
expiry, not-before, issued-at, issuer, audience, subject and token id all required.

Keys rotate without downtime: each token names its key in the header (``kid``, a digest of the
key, not the key), and the checker accepts the current key and the previous ones still listed
(API_TOKEN_PREVIOUS_KEYS); a token whose key is no longer listed is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

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


def key_id(key: str) -> str:
    """The ``kid`` of tokens signed with ``key``: 16 hex digits of an HMAC of a fixed label,
    enough to tell a handful of keys apart and nothing about the key."""
    return hmac.new(key.encode(), b"portal status-api key id", hashlib.sha256).hexdigest()[:16]


def encode(*, key: str, issuer: str, system: str, token_id: str, issued_at: dt.datetime,
           expires_at: dt.datetime, not_before: dt.datetime | None = None) -> str:
    claims = {
        "iss": issuer, "aud": AUDIENCE, "sub": system, "jti": token_id,
        "iat": int(issued_at.timestamp()), "nbf": int((not_before or issued_at).timestamp()),
        "exp": int(expires_at.timestamp()),
    }
    token: str = jwt.encode(claims, key, algorithm=ALGORITHM, headers={"kid": key_id(key)})
    return token


def _key_for(header: dict[str, object], keys: Sequence[str]) -> str | None:
    """The listed key the header names; a token from before key ids had none and was signed
    with the key of its time, so each listed key is tried in turn (in order, newest first)."""
    kid = header.get("kid")
    if kid is None:
        return None
    for key in keys:
        if isinstance(kid, str) and hmac.compare_digest(kid, key_id(key)):
            return key
    raise TokenRefused("key")  # a key no longer listed, or never ours


def decode(token: str, *, key: str, issuer: str, previous: Sequence[str] = ()) -> Claims:
    """The token's claims, or TokenRefused: malformed, algorithm, key, signature, expired,
    claims. ``key`` is the current key, ``previous`` those still honoured."""
    try:
        header = jwt.get_unverified_header(token)
    except JWTError:
        raise TokenRefused("malformed") from None
    if header.get("alg") != ALGORITHM:  # "none", RS/HS confusion: refused before any check
        raise TokenRefused("algorithm")
    keys = [key, *previous]
    chosen = _key_for(header, keys)
    claims = (_checked_by_any(token, keys, issuer) if chosen is None
              else _checked(token, chosen, issuer))
    system, token_id = claims.get("sub"), claims.get("jti")
    if not isinstance(system, str) or not isinstance(token_id, str) or not system or not token_id:
        raise TokenRefused("claims")
    return Claims(system, token_id, dt.datetime.fromtimestamp(int(claims["exp"]), dt.UTC))


def _checked(token: str, key: str, issuer: str) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(
            token, key, algorithms=ALGORITHMS, audience=AUDIENCE, issuer=issuer,
            options={**_REQUIRED, "leeway": 0})
    except ExpiredSignatureError:
        raise TokenRefused("expired") from None
    except JWTClaimsError:
        raise TokenRefused("claims") from None
    except JWTError:
        raise TokenRefused("signature") from None
    return claims


def _checked_by_any(token: str, keys: Sequence[str], issuer: str) -> dict[str, Any]:
    """A token without a key id: the first listed key whose signature matches decides."""
    for key in keys:
        try:
            return _checked(token, key, issuer)
        except TokenRefused as refused:
            if refused.reason != "signature":
                raise
    raise TokenRefused("signature")
