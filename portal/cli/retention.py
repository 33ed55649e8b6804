"""`flask retention`: what is past its retention period (docs/operations.md, Retention)."""

from __future__ import annotations

import click
from flask import Flask, current_app

from portal import db
from portal.db import utcnow


def register_retention_cli(app: Flask) -> None:
    @app.cli.group("retention")
    def group() -> None:
        """Retention periods of personal data."""

    @group.command("purge")
    @click.option("--dry-run", is_flag=True, help="List what is past its period; delete nothing.")
    def purge(dry_run: bool) -> None:
        """List (with --dry-run) the records past their retention period. Deleting them is not
        built yet: the periods are for the records officer to fix first."""
        if not dry_run:
            raise click.UsageError(
                "only --dry-run is available: deletion is not built yet (docs/operations.md, Retention)"
            )
        from portal.services.retention import overdue

        for row in overdue(db.session(), current_app.config, now=utcnow()):
            oldest = row.oldest.date().isoformat() if row.oldest else "-"
            files = f", {row.files} uploaded files" if row.files else ""
            click.echo(f"{row.kind}: {row.count} past {row.period} ({row.setting}); oldest {oldest}{files}")
        click.echo(
            "not covered: audit events (append-only, archived with the case files); "
            "rejected signing markers portal-rejected/<id> (not purged yet)"
        )
