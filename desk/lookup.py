"""Small read-only facts the screens show that belong to no other core module."""

from __future__ import annotations

from db import queries


def clock_backwards_note(desk) -> str | None:
    """Set when an event was stamped earlier than the one before it (this PC's clock went back)."""
    return queries.get_meta(desk.db, "clock_backwards")
