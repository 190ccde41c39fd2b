"""``GET /tra-cuu``: the citizens' lookup page as the hub serves it (docs/lookup.md).

Public (no token), so every client address has a small token bucket (:class:`TokenBucket`, in memory,
one per server worker): 30 lookups at once, refilled at 30 a minute; past that a 429 page in Vietnamese
with ``Retry-After``. An IPv6 client counts by its /64 (one household's or one host's addresses). The
answer is HTML with a strict Content-Security-Policy and is never cached. The query string is neither
logged nor echoed: it holds the ID number the receipt signs.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from desk import __version__
from desk.sync.lookup_html import CSP, error_page, method_page, outcome_page, too_many_page
from desk.sync.lookup_page import LookupRecord, check, hub_keys, lookup

LOOKUP_PATH = "/tra-cuu"
PER_MINUTE = 30
"""Lookups a client may make at once, and per minute after that."""
MAX_CLIENTS = 10_000
"""Client addresses remembered; the longest idle is forgotten first (it gets a full bucket again)."""


class TokenBucket:
    """A token bucket per client: ``capacity`` requests at once, refilled at ``capacity`` per ``period``
    seconds. ``clock`` is a monotonic clock in seconds (a test gives its own)."""

    def __init__(
        self,
        capacity: int = PER_MINUTE,
        period: float = 60.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = MAX_CLIENTS,
    ):
        self.capacity = float(capacity)
        self.rate = capacity / period
        self.clock = clock
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """0 when ``client`` may go ahead (a token is taken), else the seconds until a token is back."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.pop(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + max(now - last, 0.0) * self.rate)
            wait = 0.0
            if tokens >= 1:
                tokens -= 1
            else:
                wait = (1 - tokens) / self.rate
            self._buckets[client] = (tokens, now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
        return wait


def client_key(scope) -> str:
    """Whom a request counts against: its address, an IPv6 address by its /64."""
    host = (scope.get("client") or ("-", 0))[0]
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return str(host)
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


class LookupRoute:
    """The page's ASGI handler; ``read(code)`` is the hub store's :func:`desk.sync.lookup_page.lookup`."""

    def __init__(
        self,
        desk,
        read: Callable[[str], LookupRecord | None] | None = None,
        *,
        db_lock: contextlib.AbstractContextManager | None = None,
        per_minute: int = PER_MINUTE,
        clock: Callable[[], float] = time.monotonic,
        log: Callable[[str], None] | None = None,
    ):
        self.desk = desk
        lock = db_lock or threading.Lock()

        def read_sqlite(code: str) -> LookupRecord | None:
            with lock:
                return lookup(desk.db, code)

        self.read = read or read_sqlite
        """The hub's store (``HubApp`` gives :func:`desk.sync.lookup_page.store_reader`); else the home's SQLite."""
        self.bucket = TokenBucket(per_minute, clock=clock)
        self.log = log or (lambda line: None)

    def answer(self, query: bytes) -> tuple[int, bytes]:
        """(status, page) for one lookup (in a worker thread: it reads keys and the store)."""
        text = "?" + query.decode("utf-8", "replace")
        return outcome_page(check(text, hub_keys(self.desk), self.read))

    async def __call__(self, scope, send) -> int:
        method = scope["method"]
        wait = self.bucket.take(client_key(scope))
        if wait > 0:
            retry = max(1, math.ceil(wait))
            return await _send_page(send, 429, too_many_page(retry), method, {"Retry-After": str(retry)})
        if method not in ("GET", "HEAD"):
            return await _send_page(send, 405, method_page(), "GET", {"Allow": "GET, HEAD"})
        try:
            status, page = await asyncio.get_running_loop().run_in_executor(
                None, self.answer, scope.get("query_string", b"")
            )
        except Exception as exc:
            self.log(f"lookup: internal error {exc.__class__.__name__}")
            status, page = 500, error_page()
        return await _send_page(send, status, page, method)


async def _send_page(send, status: int, page: bytes, method: str, headers: dict | None = None) -> int:
    head = [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"content-length", str(len(page)).encode()),
        (b"cache-control", b"no-store"),
        (b"content-security-policy", CSP.encode("ascii")),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
        (b"x-robots-tag", b"noindex"),
        (b"server", f"motcua-desk-hub/{__version__}".encode()),
    ]
    head += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": head})
    await send({"type": "http.response.body", "body": b"" if method == "HEAD" else page})
    return status
