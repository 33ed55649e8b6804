"""Where the PDF font comes from: DejaVu Sans of the Debian package fonts-dejavu-core (never
committed here). It has every letter of the Kazakh alphabet (ә ғ қ ң ө ұ ү һ і)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, has_app_context

DEFAULT_DIR = "/usr/share/fonts/truetype/dejavu"
FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}


class FontMissing(RuntimeError):
    """The font files are not installed: PDFs with Kazakh text cannot be made."""


def font_paths(directory: str | None = None) -> dict[str, Path]:
    """Style ("" regular, "B" bold) → font file; :class:`FontMissing` names the package."""
    if directory is None:
        directory = current_app.config.get("PDF_FONT_DIR") if has_app_context() else None
    folder = Path(directory or DEFAULT_DIR)
    paths = {style: folder / name for style, name in FILES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise FontMissing(
            f"PDF font not found: {', '.join(missing)}. Install the Debian package "
            "fonts-dejavu-core (apt-get install fonts-dejavu-core, done by `make setup`) or set "
            "PDF_FONT_DIR to a folder with DejaVuSans.ttf and DejaVuSans-Bold.ttf."
        )
    return paths
