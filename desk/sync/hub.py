"""``desk hub serve``: the reference receiver of pushed events (``docs/sync-protocol.md``).

A ThreadingHTTPServer on a hub home (any initialised home; usually the
supervisor's PC). ``POST /v1/events`` takes one batch of one desk's events and
runs exactly the checks and the transaction of bundle import
(``desk.sync.ingest``); ``GET /v1/health`` says it is alive. Tokens are the
home's ``[hub] tokens`` (stored as SHA-256 digests by ``desk hub token add``),
compared in constant time. Bodies are size-limited, sockets time out, the
number of requests handled at once is bounded, and every database write goes
through one lock.

It speaks plain HTTP: bind it to 127.0.0.1 (the default) or a trusted LAN,
or put a TLS-terminating reverse proxy in front of it for anything wider.

Every error answer is ``{"error": <message for a person>, "code": <stable
code>}``. A refusal of the core (the records check, a fork) carries its
problem's code, and its words come from ``describe`` when the caller gives
one (the CLI passes its English formatter: the hub cannot import the CLI);
the hub's own refusals of a request (a missing token, a body too large) have
codes of their own, ``hub.*``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import signal
import sys
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from db import sync_queries as sq
from desk import __version__, clock
from desk.config import load_settings, update_settings
from desk.errors import DeskError, IntegrityFailure, InvalidInput
from desk.rules.problems import Problem, is_code
from desk.sync.ingest import ChainConflict, Run, ingest
from desk.sync.push import EVENTS_PATH, HEALTH_PATH, MAX_BATCH, PROTOCOL
from desk.sync.records import check_records, received_events

DEFAULT_PORT = 8765
MAX_BODY = 16 * 1024**2
REQUEST_TIMEOUT = 30.0
MAX_CONCURRENT = 16
TOKEN_PREFIX = "sha256:"
MAX_KEY_LENGTH = 200


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


# the code of a refusal whose problem is still prose (no dotted code yet), by HTTP status
_FALLBACK_CODES = {400: "sync.invalid", 409: "sync.chain_conflict", 422: "sync.integrity"}


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


class HubServer(ThreadingHTTPServer):
    """The receiver; ``serve_forever()`` it, ``shutdown()`` it from another thread."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(
        self,
        desk,
        address: tuple[str, int],
        *,
        max_body: int = MAX_BODY,
        request_timeout: float = REQUEST_TIMEOUT,
        max_events: int = MAX_BATCH,
        max_concurrent: int = MAX_CONCURRENT,
        log: Callable[[str], None] | None = None,
        describe: Callable[[Problem], str] | None = None,
    ):
        self.desk = desk
        self.describe = describe or _describe_plainly
        self.db_lock = threading.Lock()
        self.max_body = max_body
        self.request_timeout = request_timeout
        self.max_events = max_events
        self.slots = threading.BoundedSemaphore(max_concurrent)
        self.log = log or (lambda line: None)
        self._tokens: tuple[str, ...] = ()
        self._settings_mtime: float | None = None
        self.hub_id = desk.desk_id.split("-")[0]
        super().__init__(address, HubHandler)

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

    def process_request(self, request, client_address):
        # bound the threads: a flood of connections is turned away, the client retries later
        if not self.slots.acquire(blocking=False):
            try:
                request.sendall(b"HTTP/1.0 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def refusal(self, status: int, error: DeskError) -> _Reply:
        """The answer for an error of the core: its problem's code, and words from ``describe``."""
        problem = error.problem
        code = problem.code if is_code(problem.code) else _FALLBACK_CODES[status]
        return _Reply(status, code, self.describe(problem))

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else host
        return f"http://{name}:{port}"


class HubHandler(BaseHTTPRequestHandler):
    server: HubServer
    server_version = f"motcua-desk-hub/{__version__}"
    sys_version = ""

    def setup(self) -> None:
        self.timeout = self.server.request_timeout  # type: ignore[misc]  # per connection, as socketserver reads it
        super().setup()

    def log_message(self, format: str, *args) -> None:
        # the request line holds only the path; no personal data is logged
        self.server.log(f"{self.address_string()} {format % args}")

    # --- answers -------------------------------------------------------------

    def _send(self, status: int, body: dict, headers: dict | None = None) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(data)
        except OSError:
            pass  # the desk went away; it will retry with the same idempotency key

    def _send_raw(self, status: int, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except OSError:
            pass

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] == HEALTH_PATH:
            self._send(200, {"status": "ok", "protocol": PROTOCOL, "software": f"motcua-desk {__version__}"})
        else:
            self._send(
                404, {"error": f"no such resource; POST {EVENTS_PATH} or GET {HEALTH_PATH}", "code": "hub.not_found"}
            )

    def do_PUT(self) -> None:
        self._send(405, {"error": f"use POST {EVENTS_PATH}", "code": "hub.method_not_allowed"}, {"Allow": "GET, POST"})

    do_DELETE = do_PATCH = do_PUT

    def do_POST(self) -> None:
        try:
            if self.path.split("?", 1)[0] != EVENTS_PATH:
                raise _Reply(404, "hub.not_found", f"no such resource; POST {EVENTS_PATH}")
            self._authorise()
            key = self._idempotency_key()
            body = self._read_body()
            status, data = self._receive(key, body)
            self._send_raw(status, data)
        except _Reply as reply:
            if reply.status in (408, 413, 411):
                self.close_connection = True
            self._send(reply.status, {"error": reply.message, "code": reply.code}, reply.headers)
        except Exception as exc:
            self.server.log(f"internal error {exc.__class__.__name__}")
            self._send(
                500,
                {"error": f"internal error ({exc.__class__.__name__}); try again later", "code": "hub.internal_error"},
            )

    # --- the steps -------------------------------------------------------------

    def _authorise(self) -> None:
        header = self.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        tokens = self.server.tokens()
        if scheme.lower() != "bearer" or not token.strip() or not token_matches(token.strip(), tokens):
            raise _Reply(
                401,
                "hub.token_refused",
                "unknown or missing bearer token",
                {"WWW-Authenticate": 'Bearer realm="motcua-desk"'},
            )

    def _idempotency_key(self) -> str:
        key = self.headers.get("Idempotency-Key", "").strip()
        if not key or len(key) > MAX_KEY_LENGTH or not all(33 <= ord(ch) < 127 for ch in key):
            raise _Reply(
                400,
                "hub.idempotency_key_missing",
                f"an Idempotency-Key header (1–{MAX_KEY_LENGTH} printable ASCII characters) is required",
            )
        return key

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding"):
            raise _Reply(411, "hub.length_required", "send the body with a Content-Length, not chunked")
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            raise _Reply(411, "hub.length_required", "Content-Length is required") from None
        if length < 0:
            raise _Reply(400, "hub.length_negative", "Content-Length is negative")
        if length > self.server.max_body:
            raise _Reply(
                413,
                "hub.body_too_large",
                f"the body is {length} bytes; this hub takes at most {self.server.max_body} per batch "
                "(send smaller batches)",
            )
        deadline = time.monotonic() + self.server.request_timeout
        chunks, got = [], 0
        try:
            while got < length:
                chunk = self.rfile.read(min(65536, length - got))
                if not chunk:
                    raise _Reply(400, "hub.body_ended_early", "the body ended early")
                chunks.append(chunk)
                got += len(chunk)
                if time.monotonic() > deadline:
                    raise _Reply(408, "hub.body_too_slow", "the body took too long to arrive")
        except TimeoutError:
            raise _Reply(408, "hub.body_too_slow", "the body took too long to arrive") from None
        return b"".join(chunks)

    def _receive(self, key: str, body: bytes) -> tuple[int, bytes]:
        try:
            doc = json.loads(body.decode("utf-8"))
        except RecursionError:
            raise _Reply(400, "hub.body_too_deep", "the body nests arrays or objects deeper than any batch") from None
        except (UnicodeDecodeError, ValueError):
            raise _Reply(400, "hub.body_not_json", "the body is not JSON") from None
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
        if len(events) > self.server.max_events:
            raise _Reply(
                413,
                "hub.batch_too_large",
                f"{len(events)} events in one batch; this hub takes at most {self.server.max_events}",
            )
        body_sha = hashlib.sha256(body).hexdigest()
        where = f"batch {key}"
        try:
            checked = check_records(received_events(events), desk_id=desk_id, where=where)
        except IntegrityFailure as exc:
            raise self.server.refusal(422, exc) from None
        desk = self.server.desk
        with self.server.db_lock:
            stored = sq.stored_request(desk.db, key)
            if stored is not None:
                if stored["body_sha256"] != body_sha:
                    raise _Reply(
                        422, "hub.idempotency_key_reused", "this Idempotency-Key was used for a different batch"
                    )
                return 200, stored["response"].encode("utf-8")
            ack = f"{self.server.hub_id}-{uuid.uuid4().hex[:12]}"
            answer: dict = {}

            def remember(result) -> None:
                answer.update(
                    protocol=PROTOCOL,
                    ack=ack,
                    acknowledged=result.acknowledged,
                    imported=result.imported,
                    skipped=result.skipped,
                    gaps=[g.to_json() for g in result.gaps],
                )
                sq.store_request(
                    desk.db,
                    key,
                    body_sha,
                    json.dumps(answer, ensure_ascii=False),
                    clock.now().isoformat(timespec="seconds"),
                )

            try:
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
                )
            except ChainConflict as exc:
                raise self.server.refusal(409, exc) from None
            except IntegrityFailure as exc:
                raise self.server.refusal(422, exc) from None
            except InvalidInput as exc:
                raise self.server.refusal(400, exc) from None
        return 200, json.dumps(answer, ensure_ascii=False).encode("utf-8")


def make_server(desk, host: str = "127.0.0.1", port: int = DEFAULT_PORT, **options) -> HubServer:
    """A bound, not yet serving, receiver (port 0 picks a free port: see ``server.url``)."""
    if not load_settings(desk.home).hub_tokens:
        raise InvalidInput(
            "this hub has no tokens yet: run `desk hub token add` and give the token to each desk", field="token"
        )
    try:
        return HubServer(desk, (host, port), **options)
    except OSError as exc:
        raise DeskError(f"cannot listen on {host}:{port} ({exc.strerror or exc})", field="port") from None


def serve(
    desk,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    *,
    ready: Callable[[HubServer], None] | None = None,
    **options,
) -> None:
    """Serve until interrupted (Ctrl+C or SIGTERM); ``ready(server)`` is called once listening."""
    server = make_server(desk, host, port, **options)

    def stop(signum, frame):
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)
    try:
        if ready:
            ready(server)
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def stderr_log(line: str) -> None:
    sys.stderr.write(f"hub: {line}\n")
    sys.stderr.flush()
