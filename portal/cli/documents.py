"""`flask documents`: the kept PDFs of the forms (portal/documents/cache.py)."""

from __future__ import annotations

import click
from flask import Flask


def register_documents_cli(app: Flask) -> None:
    @app.cli.group("documents")
    def group() -> None:
        """The forms' PDFs kept by content."""

    @group.command("sweep-pdfs")
    @click.option("--days", type=click.IntRange(min=0), default=None,
                  help="Delete the PDFs not read for this many days (default PDF_CACHE_DAYS).")
    def sweep_pdfs(days: int | None) -> None:
        """Delete the kept PDFs not read for a while; they are made again when asked for."""
        from portal.documents.cache import sweep_unread

        deleted, kept = sweep_unread(days)
        click.echo(f"{deleted} PDFs not read for {kept} days deleted")
