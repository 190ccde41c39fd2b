"""What a request to the hub carries besides its body: the bearer token (checked against the digests in
``[hub] tokens``, constant time) and what a push declares beside its events for the board (``Desk-Clock``,
``Desk-Last-Seq``). ``desk.sync.hub_app`` answers the requests; ``desk hub token add`` makes the tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from desk.config import load_settings, update_settings
from desk.sync.push import DESK_CLOCK_HEADER, DESK_LAST_SEQ_HEADER

TOKEN_PREFIX = "sha256:"


def token_digest(token: str) -> str:
    return TOKEN_PREFIX + hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(presented: str, stored: tuple[str, ...]) -> bool:
    """Constant time in the presented token, whichever stored token (if any) it matches."""
    digest = token_digest(presented).encode()
    raw = presented.encode("utf-8")
    ok = False
    for entry in stored:
        if entry.startswith(TOKEN_PREFIX):
            ok |= hmac.compare_digest(digest, entry.encode())
        else:  # a token written into desk.toml by hand
            ok |= hmac.compare_digest(raw, entry.encode("utf-8"))
    return ok


def add_token(home) -> str:
    """Make a new hub token, store its digest in the home's settings, and return it (shown once)."""
    token = secrets.token_urlsafe(32)
    settings = load_settings(home)
    update_settings(home, hub_tokens=(*settings.hub_tokens, token_digest(token)))
    return token


def declared(headers: dict) -> tuple[datetime | None, int | None]:
    """What a push declares beside its events (``Desk-Clock``, ``Desk-Last-Seq``): the desk's clock and its
    highest seq, for the board; a value that does not parse is taken as not given."""
    desk_clock: datetime | None = None
    text = headers.get(DESK_CLOCK_HEADER.lower(), "").strip()[:40]
    if text:
        try:
            value = datetime.fromisoformat(text)
            if value.tzinfo is not None:
                value = value.astimezone().replace(tzinfo=None)
            desk_clock = value.replace(microsecond=0)
        except ValueError:
            pass
    seq: int | None = None
    text = headers.get(DESK_LAST_SEQ_HEADER.lower(), "").strip()[:20]
    if text.isdigit() and int(text) < 2**53:
        seq = int(text)
    return desk_clock, seq
