"""Uploaded files on an origin of their own (FILES_ORIGIN): short-lived signed links, and the
guard that keeps the files host and the portal's host apart.

The portal checks who may see a file (views/files.py::load_file), then redirects to
``<FILES_ORIGIN>/files/f/<file id>?v=<variant>&a=<account>&e=<expiry>&t=<mac>``: an HMAC-SHA256 over the
file, the variant, the account and the expiry, under a key derived from SECRET_KEY for this one
purpose. The files host needs no cookie (the portal's are host-only and never reach it); it
checks the token, then checks again that the account named in it may still see the file. Any
other path on the files host is a 404, and the files path is a 404 on the portal's host, so a
file is never a page of the portal's origin. See docs/files.md.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, request, url_for

__all__ = ["FILES_ENDPOINT", "Grant", "files_host", "init_app", "read_token", "signed_url"]

FILES_ENDPOINT: Final = "files.show_signed_file"
VARIANTS: Final = frozenset({"full", "thumb"})
_KINDS: Final = {"citizen": "c", "staff": "s"}
_PURPOSE: Final = b"portal files-origin link v1"


@dataclass(frozen=True)
class Grant:
    """What a valid token allows: this variant of this file, to this account, until then."""

    file_id: int
    variant: str
    kind: str  # citizen | staff
    account_id: int
    expires: int  # Unix seconds


def files_host(app: Flask | None = None) -> str | None:
    origin = (app or current_app).config.get("FILES_ORIGIN") or ""
    return urlsplit(origin).hostname if origin else None


def _key() -> bytes:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, _PURPOSE, hashlib.sha256).digest()


def _mac(file_id: int, variant: str, account: str, expires: int) -> str:
    message = f"{file_id}|{variant}|{account}|{expires}".encode()
    digest = hmac.new(_key(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def signed_url(file_id: int, variant: str, kind: str, account_id: int, *, now: dt.datetime) -> str:
    """The link to a file on the files origin, for an account that was just checked."""
    if variant not in VARIANTS or kind not in _KINDS:
        raise ValueError("unknown variant or account kind")
    minutes = int(current_app.config.get("FILES_TOKEN_MINUTES", 5))
    expires = int(now.timestamp()) + minutes * 60
    account = f"{_KINDS[kind]}{account_id}"
    path = url_for(
        FILES_ENDPOINT,
        file_id=file_id,
        v=variant,
        a=account,
        e=expires,
        t=_mac(file_id, variant, account, expires),
    )
    return f"{current_app.config['FILES_ORIGIN']}{path}"


def read_token(file_id: int, args: Any, *, now: dt.datetime) -> Grant | None:
    """The grant of a request's token, or ``None`` when it is missing, changed, meant for
    another file or variant, or expired."""
    variant = str(args.get("v", ""))
    account = str(args.get("a", ""))
    expires_raw = str(args.get("e", ""))
    mac = str(args.get("t", ""))
    if (
        variant not in VARIANTS
        or not expires_raw.isdigit()
        or len(expires_raw) > 12
        or len(account) < 2
        or not account[1:].isdigit()
        or len(account) > 20
    ):
        return None
    expires = int(expires_raw)
    if not hmac.compare_digest(mac.encode(), _mac(file_id, variant, account, expires).encode()):
        return None
    if now.timestamp() >= expires:
        return None
    kind = {v: k for k, v in _KINDS.items()}.get(account[0])
    if kind is None:
        return None
    return Grant(file_id, variant, kind, int(account[1:]), expires)


def init_app(app: Flask) -> None:
    """Keep the two hosts apart: on the files host only files, elsewhere no signed files."""

    def separate_hosts() -> None:
        host = files_host(app)
        on_files_host = host is not None and request.host.split(":")[0].lower() == host
        if on_files_host != (request.endpoint == FILES_ENDPOINT):
            abort(404)

    # Registered right after the host check (portal/web/hosts.py), before limits or CSRF.
    app.before_request(separate_hosts)
