"""Cache-busted static files: every static URL carries a content hash and is cached for a year."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from flask import Flask, Response, request

_hashes: dict[str, str] = {}


def _file_hash(static_folder: str, filename: str) -> str:
    key = f"{static_folder}/{filename}"
    if key not in _hashes:
        path = Path(static_folder) / filename
        try:
            _hashes[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        except OSError:
            return "missing"
    return _hashes[key]


def init_app(app: Flask) -> None:
    @app.url_defaults
    def add_version(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            assert app.static_folder is not None
            values["v"] = _file_hash(app.static_folder, values["filename"])

    @app.after_request
    def long_cache(response: Response) -> Response:
        if request.endpoint != "static":
            return response
        if response.direct_passthrough:
            # Read the (small) file and close it here: compression would otherwise replace the
            # body and leave the open file to the garbage collector.
            wrapper = response.response
            body = b"".join(c if isinstance(c, bytes) else c.encode() for c in wrapper)
            close = getattr(wrapper, "close", None)
            if close is not None:
                close()
            response.direct_passthrough = False
            response.set_data(body)
        if response.status_code in {200, 304}:
            assert app.static_folder is not None
            if response.status_code == 200:
                served = hashlib.sha256(response.get_data()).hexdigest()[:12]
            else:
                served = _file_hash(app.static_folder, (request.view_args or {}).get("filename", ""))
            # Immutable only when the URL names the very bytes served: a file replaced in place,
            # or an old worker during a rolling deploy, must not be pinned for a year.
            if request.args.get("v") == served:
                response.cache_control.no_cache = None
                response.cache_control.public = True
                response.cache_control.max_age = app.config["STATIC_MAX_AGE"]
                response.cache_control.immutable = True
        return response
