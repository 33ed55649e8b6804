"""The default backend: one folder on local disk (under the instance folder unless configured).

Objects are spread over 256 sub-folders by the key's first two characters, written to a temporary
name and renamed (a reader never sees half a file), readable and writable by the owner only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from portal.storage.base import NotFound, new_key, valid_key


class LocalStorage:
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not valid_key(key):
            raise NotFound(key)  # also keeps "../" and absolute paths out
        return self.root / key[:2] / key

    def put(self, data: bytes, content_type: str, *, key: str | None = None) -> str:
        key = key or new_key()
        path = self._path(key)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")  # created 0600
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        return key

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise NotFound(key) from None

    def exists(self, key: str) -> bool:
        try:
            return self._path(key).is_file()
        except NotFound:
            return False

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError, NotFound):
            self._path(key).unlink()

    def touch(self, key: str) -> None:
        """The file's modification time is its last use (put sets it, a read that counts as a
        use moves it on)."""
        with contextlib.suppress(FileNotFoundError, NotFound):
            os.utime(self._path(key))

    def unused_since(self, suffix: str, before: dt.datetime) -> Iterator[str]:
        ending, limit = f"-{suffix}", before.timestamp()
        if not self.root.is_dir():
            return
        for folder in os.scandir(self.root):
            if not folder.is_dir() or len(folder.name) != 2:
                continue
            for entry in os.scandir(folder.path):
                if not (entry.name.endswith(ending) and valid_key(entry.name)):
                    continue
                try:
                    used = entry.stat().st_mtime
                except FileNotFoundError:  # deleted meanwhile
                    continue
                if used < limit:
                    yield entry.name
