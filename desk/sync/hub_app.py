"""The hub's receiver as an ASGI application: ``POST /v1/events``, ``GET /v1/head``, ``GET /v1/health``,
``GET /v1/keys`` (the receipt public keys of its agencies, for anyone: no token), and the citizens'
lookup page ``GET /tra-cuu`` (:mod:`desk.sync.lookup_route`; docs/lookup.md).

``POST /v1/events`` takes one batch of one desk's events and runs exactly the
checks and the transaction of bundle import (``desk.sync.ingest``);
``GET /v1/head`` tells a restored desk what the hub holds of it
(docs/recovery.md); ``GET /v1/health`` says it is alive. Tokens are the home's
``[hub] tokens`` (stored as SHA-256 digests by ``desk hub token add``),
compared in constant time. A body must arrive within ``request_timeout``
(else 408) and bodies are size-limited. On the home's SQLite every database
access goes through one lock (one writer); on PostgreSQL (``[hub] database``,
``desk.sync.store``) requests run side by side, batches of one desk taking
turns on its advisory lock, and any number of worker processes may serve one
database. :mod:`desk.sync.hub` serves it with Granian.

Every error answer is ``{"error": <message for a person>, "code": <stable
code>}``. A refusal of the core (the records check, a fork) carries its
problem's code, and its words come from ``describe`` when the caller gives
one (the CLI passes its English formatter: the hub cannot import the CLI);
the hub's own refusals of a request (a missing token, a body too large) have
codes of their own, ``hub.*``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable
from datetime import datetime

import orjson

from desk import __version__, clock, keys
from desk.config import load_settings
from desk.errors import DeskError, IntegrityFailure, InvalidInput
from desk.rules.problems import Problem, is_code
from desk.sync import hub_uploads
from desk.sync.checked_run import Run
from desk.sync.hub_request import declared, token_matches
from desk.sync.ingest import Busy, ChainConflict, ingest
from desk.sync.lookup_page import store_reader
from desk.sync.lookup_route import LOOKUP_PATH, PER_MINUTE, LookupRoute
from desk.sync.outbox import outbox_of
from desk.sync.publish import resume
from desk.sync.push import (
    EVENTS_PATH,
    HEAD_PATH,
    HEALTH_PATH,
    MAX_BATCH,
    PROTOCOL,
)
from desk.sync.push_files import FILES_PATH
from desk.sync.receipt_keys import published
from desk.sync.records import check_records, received_events
from desk.sync.signing import HUB_SIGNATURE_HEADER, check_source, reply_bytes, reply_bytes_of, signed_from_headers
from desk.sync.store import SQLITE, HubStore, hub_store

MAX_BODY = 16 * 1024**2
REQUEST_TIMEOUT = 30.0
MAX_KEY_LENGTH = 200
KEYS_PATH = "/v1/keys"


# the code of a refusal whose problem is still prose (no dotted code yet), by HTTP status
_FALLBACK_CODES = {
    400: "sync.invalid",
    403: "keys.refused",
    409: "sync.chain_conflict",
    422: "sync.integrity",
    503: "sync.busy",
}


class _Reply(Exception):
    """An HTTP answer other than 200: the status, a stable code and the message for the desk."""

    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def _describe_plainly(problem: Problem) -> str:
    """Without a formatter: prose as it is, a coded problem as its code and parameters."""
    return str(problem) if is_code(problem.code) else problem.code


_JSON = (b"content-type", b"application/json; charset=utf-8")
# the head of a request arrives within header_timeout (Granian's HTTP/1 header deadline), its body
# within request_timeout (checked here); a slow client loses its connection and blocks no one else
_CLOSE = {408, 411, 413}


class HubApp:
    """The receiver as an ASGI application (what Granian serves; also usable by any ASGI server)."""

    def __init__(
        self,
        desk,
        *,
        max_body: int = MAX_BODY,
        request_timeout: float = REQUEST_TIMEOUT,
        max_events: int = MAX_BATCH,
        log: Callable[[str], None] | None = None,
        describe: Callable[[Problem], str] | None = None,
        lookup_per_minute: int = PER_MINUTE,
        lookup_clock: Callable[[], float] = time.monotonic,
    ):
        self.desk = desk
        self.describe = describe or _describe_plainly
        self.store: HubStore = hub_store(desk)
        self.db_lock: contextlib.AbstractContextManager = (
            threading.Lock() if self.store.serialised else contextlib.nullcontext()
        )
        self.max_body = max_body
        self.request_timeout = request_timeout
        self.max_events = max_events
        self.log = log or (lambda line: None)
        self._tokens: tuple[str, ...] = ()
        self._settings_mtime: float | None = None
        self.hub_id = desk.desk_id.split("-")[0]
        self.key = keys.load_desk_key(desk.home)
        """The hub's own key (its home's desk key): it signs every answer to a batch (docs/keys.md)."""
        # at a PostgreSQL hub requests run side by side, but the home's SQLite connection still takes turns
        self.home_lock: contextlib.AbstractContextManager = self.db_lock if self.store.serialised else threading.Lock()
        """The home's SQLite connection (the hub's own counter's dossiers for the lookup page): one thread at a
        time; on SQLite it is ``db_lock`` itself. The board's tables, the file records and the outbox are in
        the store."""
        self.lookup = LookupRoute(
            desk,
            read=store_reader(desk, self.store, self.home_lock),
            per_minute=lookup_per_minute,
            clock=lookup_clock,
            log=self.log,
        )
        """The citizens' lookup page (docs/lookup.md), reading the hub's store."""

    def tokens(self) -> tuple[str, ...]:
        """The home's hub tokens, re-read when desk.toml changes (a token added while serving counts)."""
        path = self.desk.home.config
        try:
            mtime = path.stat().st_mtime
        except OSError:
            return self._tokens
        if mtime != self._settings_mtime:
            try:
                self._tokens = load_settings(self.desk.home).hub_tokens
                self._settings_mtime = mtime
            except DeskError:
                pass  # a half-edited desk.toml: keep the tokens we had
        return self._tokens

    def refusal(self, status: int, error: DeskError) -> _Reply:
        """The answer for an error of the core: its problem's code, and words from ``describe``."""
        problem = error.problem
        code = problem.code if is_code(problem.code) else _FALLBACK_CODES[status]
        return _Reply(status, code, self.describe(problem), {"Retry-After": "5"} if status == 503 else None)

    # --- ASGI ------------------------------------------------------------------

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        method, path = scope["method"], scope["path"]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if path == LOOKUP_PATH:  # public HTML for citizens; its query (the receipt's fields) is not parsed here
            status = await self.lookup(scope, send)
        else:
            query = urllib.parse.parse_qs(scope.get("query_string", b"").decode("latin-1"))
            status = await self._answer(method, path, query, headers, receive, send)
        # the request line holds only the path; no personal data is logged
        client = scope.get("client") or ("-", 0)
        self.log(f"{client[0]} {method} {path} {status}")

    async def _answer(self, method: str, path: str, query: dict, headers: dict, receive, send) -> int:
        try:
            if path == HEALTH_PATH and method in ("GET", "HEAD"):
                # a desk's challenge, signed: the desk checks this hub holds the key it pinned before it pushes
                data = json.dumps(
                    {"status": "ok", "protocol": PROTOCOL, "software": f"motcua-desk {__version__}"}
                ).encode("utf-8")
                return await self._send_signed(send, data, query)
            if path == HEAD_PATH and method == "GET":
                self._authorise(headers)
                head = await asyncio.get_running_loop().run_in_executor(None, self._head, query)
                return await self._send_signed(send, json.dumps(head, ensure_ascii=False).encode("utf-8"), query)
            if path == KEYS_PATH and method in ("GET", "HEAD"):  # public keys: no token
                return await _send(send, 200, await asyncio.get_running_loop().run_in_executor(None, self._keys))
            if path.startswith(FILES_PATH + "/") and method in ("POST", "PUT"):  # a push's files (hub_uploads)
                self._authorise(headers)
                body = await self._read_body(headers, receive)
                try:
                    status, answer = await asyncio.get_running_loop().run_in_executor(
                        None, hub_uploads.answer, self.desk, self.db_lock, method, path, query, body
                    )
                except DeskError as exc:
                    raise self.refusal(hub_uploads.status_of(exc), exc) from None
                return await _send(send, status, answer)
            if method not in ("GET", "HEAD", "POST"):
                raise _Reply(405, "hub.method_not_allowed", f"use POST {EVENTS_PATH}", {"Allow": "GET, POST"})
            if method != "POST" or path != EVENTS_PATH:
                raise _Reply(404, "hub.not_found", f"no such resource; POST {EVENTS_PATH} or GET {HEALTH_PATH}")
            self._authorise(headers)
            key = self._idempotency_key(headers)
            body = await self._read_body(headers, receive)
            status, data, signature = await asyncio.get_running_loop().run_in_executor(
                None, self._receive_signed, key, body, signed_from_headers(headers), declared(headers)
            )
            return await _send_raw(send, status, data, {HUB_SIGNATURE_HEADER: signature})
        except _Reply as reply:
            extra = dict(reply.headers)
            if reply.status in _CLOSE:
                extra["Connection"] = "close"
            return await _send(send, reply.status, {"error": reply.message, "code": reply.code}, extra)
        except Exception as exc:
            self.log(f"internal error {exc.__class__.__name__}")
            return await _send(
                send,
                500,
                {"error": f"internal error ({exc.__class__.__name__}); try again later", "code": "hub.internal_error"},
            )

    async def _send_signed(self, send, data: bytes, query: dict) -> int:
        """A 200 answer signed with the hub's key over the desk's ``challenge`` (docs/keys.md)."""
        challenge = (query.get("challenge") or [""])[0][:64].encode("ascii", "replace")
        signature = keys.b64(keys.sign(self.key, reply_bytes(challenge, data)))
        return await _send_raw(send, 200, data, {HUB_SIGNATURE_HEADER: signature})

    # --- the steps -------------------------------------------------------------

    def _authorise(self, headers: dict) -> None:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip() or not token_matches(token.strip(), self.tokens()):
            raise _Reply(
                401,
                "hub.token_refused",
                "unknown or missing bearer token",
                {"WWW-Authenticate": 'Bearer realm="motcua-desk"'},
            )

    def _idempotency_key(self, headers: dict) -> str:
        key = headers.get("idempotency-key", "").strip()
        if not key or len(key) > MAX_KEY_LENGTH or not all(33 <= ord(ch) < 127 for ch in key):
            raise _Reply(
                400,
                "hub.idempotency_key_missing",
                f"an Idempotency-Key header (1–{MAX_KEY_LENGTH} printable ASCII characters) is required",
            )
        return key

    async def _read_body(self, headers: dict, receive) -> bytes:
        if headers.get("transfer-encoding"):
            raise _Reply(411, "hub.length_required", "send the body with a Content-Length, not chunked")
        try:
            length = int(headers.get("content-length", ""))
        except ValueError:
            raise _Reply(411, "hub.length_required", "Content-Length is required") from None
        if length < 0:
            raise _Reply(400, "hub.length_negative", "Content-Length is negative")
        if length > self.max_body:
            raise _Reply(
                413,
                "hub.body_too_large",
                f"the body is {length} bytes; this hub takes at most {self.max_body} per batch (send smaller batches)",
            )
        chunks, got = [], 0
        try:
            async with asyncio.timeout(self.request_timeout):
                more = True
                while more:
                    message = await receive()
                    if message["type"] != "http.request":
                        break  # the desk went away
                    chunk = message.get("body", b"")
                    got += len(chunk)
                    if got > length:
                        raise _Reply(400, "hub.body_ended_early", "the body is longer than its Content-Length")
                    chunks.append(chunk)
                    more = bool(message.get("more_body"))
        except TimeoutError:
            raise _Reply(408, "hub.body_too_slow", "the body took too long to arrive") from None
        if got < length:
            raise _Reply(400, "hub.body_ended_early", "the body ended early")
        return b"".join(chunks)

    def _keys(self) -> dict:
        """The receipt public keys of the agencies this hub serves (``desk.sync.receipt_keys``)."""
        return published(self.desk)

    def _head(self, query: dict) -> dict:
        """What this hub holds of one desk, for a restored desk's ``desk recover`` (docs/recovery.md)."""
        desk_id = (query.get("desk_id") or [""])[0]
        try:
            seq = int((query.get("seq") or ["0"])[0])
        except ValueError:
            seq = 0
        if not 0 < len(desk_id) <= 64:
            raise _Reply(400, "hub.fields_missing", "desk_id is required")
        q = self.store.q
        with self.db_lock, self.store.reading() as db:
            head = q.event_head(db, desk_id)
            at_seq = q.event_head(db, desk_id, seq) if seq > 0 else None
            codes = q.event_codes(db, desk_id)
        return {
            "protocol": PROTOCOL,
            "desk_id": desk_id,
            "last_seq": head["seq"] if head else 0,
            "last_hash": head["hash"] if head else "",
            "last_at": head["at"] if head else "",
            "seq": seq,
            "hash_at_seq": at_seq["hash"] if at_seq else "",
            "codes": codes,
        }

    def _contact(self, desk_id: str, said: tuple[datetime | None, int | None], db=None) -> None:
        """Record the push's contact for the board (in the store): inside the batch's transaction ``db`` when
        given, else in a transaction of its own."""
        now = clock.now()
        desk_clock, seq = said
        skew = round((desk_clock - now).total_seconds()) if desk_clock is not None else None
        at = now.isoformat(timespec="seconds")
        said_at = desk_clock.isoformat() if desk_clock else None
        with contextlib.nullcontext(db) if db is not None else self.store.writing() as handle:
            self.store.q.record_contact(handle, desk_id, at, said_at, skew, seq)

    def _home(self) -> contextlib.AbstractContextManager:
        """Take the home's connection: on SQLite the caller holds it already (``db_lock``)."""
        return contextlib.nullcontext() if self.store.serialised else self.home_lock

    def _rejections(self, db, desk_id: str) -> list[dict]:
        """The desk's records the portal refused: from the outbox in the hub's store (``db``: the batch's handle)."""
        return outbox_of(self.store.q).forwarding_problems(db, desk_id)

    def _refused(self, desk_id: str, reply: _Reply, events: int) -> _Reply:
        """Record, for the board, that a batch of a desk whose signature checked was refused; returns ``reply``.
        Called holding ``db_lock``; a failure to record never hides the refusal itself."""
        with contextlib.suppress(Exception), self.store.writing() as db:
            at = clock.now().isoformat(timespec="seconds")
            self.store.q.record_refusal(db, desk_id, at, reply.code, events)
        return reply

    def _receive_signed(
        self, key: str, body: bytes, signed, said: tuple[datetime | None, int | None]
    ) -> tuple[int, bytes, str]:
        """:meth:`_receive`, and the answer's signature (bound to the body: ``reply_bytes``)."""
        body_sha = hashlib.sha256(body).hexdigest()
        status, data = self._receive(key, body, signed, said, body_sha)
        return status, data, keys.b64(keys.sign(self.key, reply_bytes_of(body_sha, data)))

    def _receive(
        self,
        key: str,
        body: bytes,
        signed,
        said: tuple[datetime | None, int | None] = (None, None),
        body_sha: str | None = None,
    ) -> tuple[int, bytes]:
        """Check and store one batch (in a worker thread; the database behind one lock); ``said``: what the
        desk declared beside it (:func:`declared`); ``body_sha``: the body's SHA-256 (hex), if computed."""
        doc = _parsed(body)
        if not isinstance(doc, dict):
            raise _Reply(400, "hub.body_not_object", "the body is not a JSON object")
        if doc.get("protocol") != PROTOCOL:
            raise _Reply(400, "hub.protocol_unknown", f"protocol {str(doc.get('protocol'))[:60]!r} is not {PROTOCOL!r}")
        desk_id, agency, desk_no, events = doc.get("desk_id"), doc.get("agency"), doc.get("desk_no"), doc.get("events")
        if not (
            isinstance(desk_id, str)
            and 0 < len(desk_id) <= 64
            and isinstance(agency, str)
            and len(agency) <= 35
            and type(desk_no) is int
            and 0 <= desk_no <= 9
            and isinstance(events, list)
        ):
            raise _Reply(400, "hub.fields_missing", "desk_id, agency, desk_no (0–9) and events (a list) are required")
        if len(events) > self.max_events:
            raise _Reply(
                413,
                "hub.batch_too_large",
                f"{len(events)} events in one batch; this hub takes at most {self.max_events}",
            )
        body_sha = body_sha or hashlib.sha256(body).hexdigest()
        where = f"batch {key}"
        seqs = [e.get("seq") for e in events if isinstance(e, dict)]
        last_seq = max((s for s in seqs if type(s) is int), default=0)
        with self.db_lock:  # who wrote it (the desk's signature of the body), before any event is read
            try:
                check_source(
                    self.desk,
                    desk_id=desk_id,
                    agency=agency,
                    desk_no=desk_no,
                    last_seq=last_seq,
                    signed=signed,
                    data=body,
                    where=where,
                    store=self.store,
                )
            except IntegrityFailure as exc:
                raise self.refusal(403, exc) from None
        try:
            checked = check_records(received_events(events), desk_id=desk_id, where=where)
        except IntegrityFailure as exc:
            with self.db_lock:
                raise self._refused(desk_id, self.refusal(422, exc), len(events)) from None
        desk, store = self.desk, self.store
        with self.db_lock:
            with store.reading() as db:
                stored = store.q.stored_request(db, key)
            if stored is not None:
                if stored["body_sha256"] != body_sha:
                    raise _Reply(
                        422, "hub.idempotency_key_reused", "this Idempotency-Key was used for a different batch"
                    )
                self._contact(desk_id, said)  # a desk sending a batch again is in contact
                return 200, stored["response"].encode("utf-8")
            ack = f"{self.hub_id}-{uuid.uuid4().hex[:12]}"
            answered: list[str] = []  # the answer's JSON, as stored for the key and sent (encoded once)

            def remember(result, db) -> None:
                answer = {
                    "protocol": PROTOCOL,
                    "ack": ack,
                    "acknowledged": result.acknowledged,
                    "imported": result.imported,
                    "skipped": result.skipped,
                    "gaps": [g.to_json() for g in result.gaps],
                    # the desk's records the portal refused (docs/forwarding.md): it hears them at each push
                    "portal_rejections": self._rejections(db, desk_id),
                }
                answered[:] = [json.dumps(answer, ensure_ascii=False)]
                store.q.store_request(db, key, body_sha, answered[0], clock.now().isoformat(timespec="seconds"))
                self._contact(desk_id, said, db)

            try:
                if store.kind == SQLITE:
                    resume(desk)  # a bundle's publication left by a killed import comes first
                ingest(
                    desk,
                    [Run.of(checked)],
                    source="push",
                    name=key,
                    desk_id=desk_id,
                    agency_code=agency,
                    desk_no=desk_no,
                    where=where,
                    total=len(checked),
                    before_commit=remember,
                    store=store,
                )
            except Busy as exc:  # a bundle is being published here: the desk tries again
                raise self.refusal(503, exc) from None
            except ChainConflict as exc:
                raise self._refused(desk_id, self.refusal(409, exc), len(events)) from None
            except IntegrityFailure as exc:
                raise self._refused(desk_id, self.refusal(422, exc), len(events)) from None
            except InvalidInput as exc:
                raise self.refusal(400, exc) from None
        return 200, answered[0].encode("utf-8")


def _parsed(body: bytes):
    """The JSON value of a batch's body. orjson reads it (at C speed, into the same values as ``json``, but for
    an integer beyond 64 bits, which it reads as a float: the records check refuses either); what orjson does
    not take is read by ``json``, which says why (or takes it, a NaN say, for the records check to refuse)."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(body.decode("utf-8"))
    except RecursionError:
        raise _Reply(400, "hub.body_too_deep", "the body nests arrays or objects deeper than any batch") from None
    except (UnicodeDecodeError, ValueError):
        raise _Reply(400, "hub.body_not_json", "the body is not JSON") from None


async def _send(send, status: int, body: dict, headers: dict | None = None) -> int:
    return await _send_raw(send, status, json.dumps(body, ensure_ascii=False).encode("utf-8"), headers)


async def _send_raw(send, status: int, data: bytes, headers: dict | None = None) -> int:
    head = [
        _JSON,
        (b"content-length", str(len(data)).encode()),
        (b"cache-control", b"no-store"),
        (b"server", f"motcua-desk-hub/{__version__}".encode()),
    ]
    head += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": head})
    await send({"type": "http.response.body", "body": data})
    return status
