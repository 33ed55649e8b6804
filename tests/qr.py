"""The links that the QR codes of a PDF carry, read as a phone would read them: each page drawn as
a picture (pdftoppm, poppler-utils) and every QR code on it decoded (zbarimg, zbar-tools), both
from Debian and installed by `make test-tools`."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


def qr_links(pdf: bytes) -> list[str]:
    """Every QR code's text on every page of ``pdf``, in page order."""
    tools = {name: shutil.which(name) for name in ("pdftoppm", "zbarimg")}
    missing = [name for name, path in tools.items() if path is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: run `make test-tools`")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(pdf)
        subprocess.run([str(tools["pdftoppm"]), "-r", "150", "-png", str(source),
                        str(Path(folder) / "page")], check=True, timeout=60)
        found: list[str] = []
        for picture in sorted(Path(folder).glob("page*.png")):
            # zbarimg exits 4 when a page holds no code: that is an answer, not a failure.
            done = subprocess.run([str(tools["zbarimg"]), "--quiet", "--raw", "-Sdisable",
                                   "-Sqrcode.enable", str(picture)],
                                  capture_output=True, text=True, timeout=60)
            assert done.returncode in (0, 4), done.stderr
            found += [line for line in done.stdout.splitlines() if line.strip()]
        return found
