"""Bytes a phone downloads, compressed, for a first and a repeat visit of a page. Not a test.

Usage: python bench/weight.py [PATH ...]   (default: /, /operator/)
First visit: the HTML and every stylesheet, script and icon it links. Repeat visit: the static
files are cached (immutable, content-hashed URLs), so only the HTML travels again.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This folder holds a file named http.py: keep it off the import path so the standard library's
# http package is the one imported.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import re
import tempfile

sys.path.insert(0, str(_HERE.parent))

from portal import create_app, db, migrate
from portal.config import TestConfig

ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def main() -> None:
    pages = sys.argv[1:] or ["/", "/operator/"]
    config = TestConfig()
    config.DATABASE_URL = f"sqlite:///{tempfile.mkdtemp()}/weight.db"
    app = create_app(config)
    migrate.upgrade(db.engine_of(app))
    client = app.test_client()
    headers = {"Accept-Encoding": "br, gzip"}
    print(f"{'page':<14} {'kind':<6} {'raw B':>8} {'sent B':>8}  encoding")
    for path in pages:
        first = repeat = 0
        response = client.get(path, headers=headers)
        html_sent = len(response.data)
        raw = len(client.get(path).data)
        print(f"{path:<14} {'html':<6} {raw:>8} {html_sent:>8}  {response.headers.get('Content-Encoding')}")
        first += html_sent
        repeat += html_sent
        for asset in sorted(set(ASSET.findall(client.get(path).get_data(as_text=True)))):
            with client.get(asset, headers=headers) as r:
                sent = len(r.data)
                encoding = r.headers.get("Content-Encoding")
            with client.get(asset) as r:
                raw = len(r.data)
            kind = asset.rsplit(".", 1)[-1].split("?")[0]
            print(f"{'':<14} {kind:<6} {raw:>8} {sent:>8}  {encoding}")
            first += sent
        print(f"{path:<14} first visit {first} B ({first / 1024:.1f} KiB), repeat visit {repeat} B")


if __name__ == "__main__":
    main()
