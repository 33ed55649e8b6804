"""Use cases: each owns one transaction and writes its audit event."""
