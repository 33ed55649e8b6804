"""The rules of spec/SERVICE.md as plain Python: no Flask, no SQLAlchemy, no clock."""
