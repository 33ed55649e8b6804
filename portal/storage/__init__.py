"""Where uploaded files live: one small interface, chosen by ``STORAGE_BACKEND``, never the database.

Built once in the app factory (like the gateway); services take a :class:`Storage` as an argument,
views get it from :func:`storage`. Keys are random and say nothing about the person or the file's
name, so a listing of the folder (or a bucket) discloses nothing. See docs/files.md.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Flask, current_app

from portal.storage.base import NotFound, Storage, new_key, valid_key
from portal.storage.local import LocalStorage
from portal.storage.scan import build_scanner

__all__ = ["BACKENDS", "LocalStorage", "NotFound", "Storage", "init_app", "new_key", "storage",
           "valid_key"]


def _local(app: Flask) -> Storage:
    path = app.config.get("STORAGE_PATH") or str(Path(app.instance_path) / "files")
    return LocalStorage(path)


BACKENDS: dict[str, Callable[[Flask], Storage]] = {"local": _local}


def init_app(app: Flask) -> Storage:
    name = app.config.get("STORAGE_BACKEND", "local")
    if name not in BACKENDS:
        raise RuntimeError(f"STORAGE_BACKEND must be one of {sorted(BACKENDS)}, not {name!r}")
    instance = BACKENDS[name](app)
    app.extensions["storage"] = instance
    app.extensions["scanner"] = build_scanner(app)
    from portal.services import uploads  # noqa: F401  (deleting a row deletes its objects)

    return instance


def storage(app: Flask | None = None) -> Storage:
    """The app's file storage (built by :func:`init_app` in the factory)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    instance: Storage = app.extensions["storage"]
    return instance
