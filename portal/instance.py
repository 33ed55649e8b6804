"""Files the portal keeps on disk (instance/ secrets, the SQLite database): owner-only from birth."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PRIVATE = 0o600


def create_private(path: Path, content: bytes = b"") -> bool:
    """Create `path` readable by its owner only, atomically; False when it already exists.

    The mode is given to open(2) itself, so there is no moment at which another user could read
    the file (writing first and chmod-ing after leaves such a moment)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as file:
        file.write(content)
    return True


def tighten(path: Path) -> None:
    """Files made by older versions may be readable by others: take that away."""
    if path.exists() and path.stat().st_mode & 0o077:
        path.chmod(PRIVATE)


def instance_secret(instance_path: str, name: str = "secret_key") -> str:
    """A development secret generated once and kept in instance/, so it survives restarts."""
    path = Path(instance_path) / name
    # Two processes starting together: the loser of O_EXCL reads the winner's value.
    create_private(path, secrets.token_urlsafe(48).encode())
    tighten(path)
    return path.read_text().strip()


def prepare_sqlite_file(url: str) -> None:
    """Make the SQLite file owner-only before SQLite creates it with the process umask (0644)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url in {prefix, f"{prefix}:memory:"}:
        return
    path = Path(url[len(prefix):].split("?", 1)[0])
    if not create_private(path):
        tighten(path)
