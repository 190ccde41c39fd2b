"""Identifiers of dossiers and events: UUIDs whose first bits are the time they were made (RFC 9562, version 7).

Random (version 4) ids scatter every new dossier and event across the
indexes keyed by them, so a hub importing a day of a desk into a register
of a million dossiers rewrites pages all over its indexes. Ids that grow
with time land together at the end. 74 random bits keep them unique between
desks; nothing reads the time back out of an id (older homes hold version 4
ids, and both kinds live side by side).
"""

from __future__ import annotations

import os
import time
import uuid

_VERSION = 0x7 << 76
_VARIANT = 0x2 << 62
_MASK = ~((0xF << 76) | (0x3 << 62))


def time_ordered_uuid(ms: int, random_bits: int) -> uuid.UUID:
    """The version 7 UUID of Unix time ``ms`` (milliseconds) and 80 ``random_bits`` (6 of them replaced)."""
    value = (ms & ((1 << 48) - 1)) << 80 | (random_bits & ((1 << 80) - 1))
    return uuid.UUID(int=(value & _MASK) | _VERSION | _VARIANT)


def new_id() -> str:
    """A new identifier: a version 7 UUID of the current time."""
    return str(time_ordered_uuid(time.time_ns() // 1_000_000, int.from_bytes(os.urandom(10), "big")))
