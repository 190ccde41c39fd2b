"""Pushing a desk's pending events to a hub over HTTP(S) (docs/sync-protocol.md).

``push`` sends the desk's pending events (those in ``pending_events``) in batches to a
hub speaking ``docs/sync-protocol.md``, and marks an event ``hub:<ack>`` only
once the hub has acknowledged its id. Connection errors, timeouts and 5xx
(and 408/429) are retried with exponential backoff and jitter, bounded in
attempts and in total waiting; any other 4xx stops with the hub's message.
The idempotency key of a batch is derived from the desk and the batch's
events, so a rerun after a crash sends the same key for the same batch.
"""

from __future__ import annotations

import functools
import hashlib
import http.client
import ipaddress
import json
import random
import secrets
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from db import queries, write_transaction
from db import sync_queries as sq
from desk import __version__, clock, keys
from desk.dossier.events import row_to_record
from desk.errors import DeskError, IntegrityFailure, InvalidInput
from desk.rules.problems import Problem, problem
from desk.sync.ingest import Progress
from desk.sync.push_files import PIECE, mark_sent, send_files
from desk.sync.signing import HUB_SIGNATURE_HEADER, Signer, reply_genuine

PROTOCOL = "motcua-desk-push/1"
EVENTS_PATH = "/v1/events"
HEALTH_PATH = "/v1/health"
HEAD_PATH = "/v1/head"
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
MAX_BATCH = 1000
NO_PROGRESS_ROUNDS = 3
# what a desk declares with each batch, for the hub's board (desk.reports.board): its clock now (the skew the
# hub sees) and the highest seq it holds (what has not arrived yet); not signed, and never checked against
# anything: the board only shows them
DESK_CLOCK_HEADER = "Desk-Clock"
DESK_LAST_SEQ_HEADER = "Desk-Last-Seq"


@dataclass
class PushResult:
    """What a push did."""

    pushed: int = 0
    """Events the hub acknowledged during this push."""
    batches: int = 0
    retries: int = 0
    files: int = 0
    """Files of the acknowledged batches, uploaded or found at the hub already."""
    pending: int = 0
    """Events still pending afterwards (new ones may have arrived meanwhile)."""
    endpoint: str = ""
    gaps: list[dict] = field(default_factory=list)
    """Gaps the hub reported for this desk (a bundle not yet imported there)."""
    error: Problem | None = None
    """Why the push stopped early, when it did (recorded for the sync screen, which words it)."""

    def to_json(self) -> dict:
        return {
            "error": self.error.as_json() if self.error else None,
            "pushed": self.pushed,
            "batches": self.batches,
            "files": self.files,
            "retries": self.retries,
            "pending": self.pending,
            "endpoint": self.endpoint,
            "gaps": self.gaps,
        }


class HubError(DeskError):
    """The hub refused a batch (4xx); the message is the hub's."""


class _Retryable(Exception):
    """A failure worth another attempt (network, timeout, 5xx)."""

    def __init__(self, reason: Problem, retry_after: float | None = None):
        super().__init__(str(reason))
        self.reason = reason
        self.retry_after = retry_after


def events_url(endpoint: str) -> str:
    """The events URL of a hub: the endpoint as configured, with ``/v1/events`` added unless present."""
    endpoint = endpoint.strip()
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidInput("sync.endpoint_not_url", field="endpoint", endpoint=endpoint)
    path = parts.path.rstrip("/")
    if not path.endswith(EVENTS_PATH):
        path += EVENTS_PATH
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def hub_url(endpoint: str, path: str) -> str:
    """The URL of ``path`` (``/v1/head``) at the hub whose events URL ``endpoint`` gives."""
    events = events_url(endpoint)
    return events[: -len(EVENTS_PATH)] + path


def fetch_head(desk, endpoint: str | None = None, token: str | None = None, *, timeout: float = 30.0) -> dict:
    """Ask the hub what it holds of this desk (``GET /v1/head``): last seq and hash, the hash at the
    desk's own last seq, and the highest code of each day (for ``desk recover``)."""
    settings = desk.settings
    endpoint = (endpoint or settings.sync_endpoint or "").strip()
    token = (token or settings.sync_token or "").strip()
    if not endpoint or not token:
        raise InvalidInput("recover.no_hub", field="endpoint")
    mine = queries.last_event(desk.db, desk.desk_id)
    challenge = secrets.token_hex(16)
    query = urllib.parse.urlencode({"desk_id": desk.desk_id, "seq": mine["seq"] if mine else 0, "challenge": challenge})
    req = urllib.request.Request(
        f"{hub_url(endpoint, HEAD_PATH)}?{query}",
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        method="GET",
    )
    try:
        with _opener(settings.sync_ca_file).open(req, timeout=timeout) as resp:
            data = resp.read()
            signature = resp.headers.get(HUB_SIGNATURE_HEADER) or ""
        if settings.sync_hub_key:  # a pinned hub (the backup keeps the pin) must have signed what it holds
            hub_key = keys.public_from_text(settings.sync_hub_key, field="sync.hub_key")
            _check_signed_by(hub_key, challenge.encode("ascii"), data, signature, endpoint)
        answer = json.loads(data.decode("utf-8"))
    except urllib.error.HTTPError as exc:
        body = exc.read()
        raise HubError(
            "recover.hub_refused",
            field="endpoint",
            status=exc.code,
            code=_hub_code(body),
            message=_hub_message(body),
        )
    except (urllib.error.URLError, http.client.HTTPException, OSError, UnicodeDecodeError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        if isinstance(reason, ssl.SSLCertVerificationError):
            raise HubError("sync.certificate_refused", field="endpoint", reason=str(reason.verify_message)[:200])
        raise HubError(
            "recover.hub_unreachable", field="endpoint", reason=f"{reason.__class__.__name__}: {reason}"[:200]
        )
    if not isinstance(answer, dict) or type(answer.get("last_seq")) is not int:
        raise HubError("recover.not_a_head", field="endpoint")
    return answer


def idempotency_key(desk_id: str, records: list[dict]) -> str:
    """Deterministic from the desk and the batch: a rerun sends the same key for the same events."""
    digest = hashlib.sha256("\n".join(r["event_id"] for r in records).encode("ascii")).hexdigest()[:16]
    return f"{desk_id}:{records[0]['seq']}-{records[-1]['seq']}:{digest}"


def _hub_code(body: bytes) -> str:
    """The stable code of a hub's refusal (``{"error": …, "code": …}``), or "" when it gave none."""
    try:
        value = json.loads(body.decode("utf-8"))
        if isinstance(value, dict) and isinstance(value.get("code"), str):
            return value["code"][:100]
    except (UnicodeDecodeError, ValueError):
        pass
    return ""


def _hub_message(body: bytes) -> str:
    try:
        value = json.loads(body.decode("utf-8"))
        if isinstance(value, dict) and isinstance(value.get("error"), str):
            return value["error"][:500]
    except (UnicodeDecodeError, ValueError):
        pass
    return body.decode("utf-8", "replace").strip()[:500] or "(no message)"


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def is_plain_remote(url: str) -> bool:
    """Whether ``url`` is plain ``http://`` to a host other than this machine (token and data readable on the way)."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme != "http":
        return False
    host = (parts.hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a 307/308 to the same scheme, host and port (body and token sent again); refuse any other.

    The token never leaves for another host, and a POST is never turned into a GET.
    """

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        old, new = urllib.parse.urlsplit(req.full_url), urllib.parse.urlsplit(newurl)
        if code in (307, 308) and (old.scheme, old.netloc) == (new.scheme, new.netloc):
            return urllib.request.Request(newurl, data=req.data, headers=dict(req.header_items()), method="POST")
        fp.close()
        raise HubError("sync.redirect_refused", field="endpoint", status=code, location=newurl[:200])


def _opener(ca_file: str) -> urllib.request.OpenerDirector:
    """HTTP(S) with the certificate checked (against ``ca_file`` when given) and only same-origin redirects."""
    try:
        context = ssl.create_default_context(cafile=ca_file or None)
    except (OSError, ssl.SSLError):
        raise InvalidInput("sync.ca_file_unreadable", field="ca_file", path=ca_file) from None
    return urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), _SameOriginRedirects())


def _exchange(req: urllib.request.Request, timeout: float, opener: urllib.request.OpenerDirector) -> tuple[bytes, str]:
    """One request; returns the answer's body and its ``Hub-Signature``, raises _Retryable or HubError."""
    try:
        with opener.open(req, timeout=timeout) as resp:
            data = resp.read()
            signature = resp.headers.get(HUB_SIGNATURE_HEADER)
    except urllib.error.HTTPError as exc:
        data = exc.read() if exc.fp else b""
        status = exc.code
        code, message = _hub_code(data), _hub_message(data)
        if status in RETRY_STATUSES:
            raise _Retryable(
                problem("sync.hub_answered", status=status, code=code, message=message),
                _retry_after(exc.headers.get("Retry-After")),
            )
        if status == 401:
            raise HubError("sync.token_refused", field="token", status=status, code=code, message=message) from None
        if status in (403, 409, 422):
            raise IntegrityFailure("sync.events_refused", status=status, code=code, message=message) from None
        raise HubError("sync.batch_refused", status=status, code=code, message=message) from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        if isinstance(reason, ssl.SSLCertVerificationError):
            # not a passing fault: retrying would only send the token to the same wrong server again
            raise HubError(
                "sync.certificate_refused", field="endpoint", reason=str(reason.verify_message or reason)[:200]
            ) from None
        raise _Retryable(problem("sync.hub_unreachable", detail=f"{reason.__class__.__name__}: {reason}")) from None
    return data, signature or ""


def _check_signed_by(hub_key: bytes, request: bytes, data: bytes, signature: str, url: str) -> None:
    """The answer is the pinned hub's (``keys.hub_unsigned`` / ``keys.hub_key_mismatch`` otherwise)."""
    if not signature:
        raise HubError("keys.hub_unsigned", field="endpoint", url=url)
    if not reply_genuine(hub_key, request, data, signature):
        raise HubError("keys.hub_key_mismatch", field="endpoint", url=url, fingerprint=keys.fingerprint(hub_key))


def _hello(url: str, timeout: float, opener: urllib.request.OpenerDirector, hub_key: bytes) -> dict:
    """Ask the hub to sign a fresh challenge (``GET /v1/health?challenge=…``) and check it with the pinned key."""
    challenge = secrets.token_hex(16)
    req = urllib.request.Request(
        f"{hub_url(url, HEALTH_PATH)}?challenge={challenge}", headers={"Accept": "application/json"}, method="GET"
    )
    data, signature = _exchange(req, timeout, opener)
    _check_signed_by(hub_key, challenge.encode("ascii"), data, signature, url)
    return {}


def _post(
    url: str, body: bytes, headers: dict, timeout: float, opener: urllib.request.OpenerDirector, hub_key: bytes
) -> dict:
    """One POST; returns the hub's JSON answer once its signature by ``hub_key`` checks, raises _Retryable or
    HubError."""
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    data, signature = _exchange(req, timeout, opener)
    _check_signed_by(hub_key, body, data, signature, url)
    try:
        answer = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _Retryable(problem("sync.answer_not_json")) from None
    if not isinstance(answer, dict) or not isinstance(answer.get("acknowledged"), list):
        raise _Retryable(problem("sync.answer_no_acknowledged"))
    return answer


def push(
    desk,
    endpoint: str | None = None,
    token: str | None = None,
    *,
    batch_size: int = 200,
    progress: Progress | None = None,
    sleep: Callable[[float], None] = time.sleep,
    timeout: float = 30.0,
    max_attempts: int = 8,
    max_wait: float = 300.0,
    backoff: float = 0.5,
    backoff_cap: float = 30.0,
    rng: Callable[[], float] = random.random,
    file_piece: int = PIECE,
) -> PushResult:
    """Send every pending event to the hub in batches; see the module docstring.

    ``progress(done, total)`` is called after each acknowledged batch; it may
    raise (e.g. :class:`Cancelled`) to stop between batches: what the hub
    acknowledged stays marked. ``sleep`` and ``rng`` are injectable (tests; a
    TUI worker passes a ``sleep`` that raises Cancelled when the person stops it).
    Each batch gets at most ``max_attempts`` tries, and the push waits at most
    ``max_wait`` seconds in total between tries. Before each batch, the files its events reference that the
    hub lacks are uploaded in pieces of ``file_piece`` bytes (``desk.sync.push_files``).
    """
    settings = desk.settings
    endpoint = (endpoint or settings.sync_endpoint or "").strip()
    token = (token or settings.sync_token or "").strip()
    if not endpoint:
        raise InvalidInput("sync.no_endpoint", field="endpoint")
    if not token:
        raise InvalidInput("sync.no_token", field="token")
    if not 1 <= batch_size <= MAX_BATCH:
        raise InvalidInput("sync.batch_size", field="batch-size", value=batch_size, maximum=MAX_BATCH)
    if not settings.sync_hub_key:
        raise InvalidInput("keys.hub_key_missing", field="sync.hub_key")
    hub_key = keys.public_from_text(settings.sync_hub_key, field="sync.hub_key")
    signer = Signer(desk.home)  # the desk's key, read once (its passphrase asked once)
    url = events_url(endpoint)
    opener = _opener(settings.sync_ca_file)
    agency = settings.agency
    result = PushResult(endpoint=url)
    total = queries.count_unsynced(desk.db, desk.desk_id)
    waited = 0.0
    stalled = 0

    def retried(call: Callable[[], dict]) -> dict:
        """``call()`` until it answers, retrying what is worth it within the bounds (attempts, waiting)."""
        nonlocal waited
        attempt = 0
        while True:
            attempt += 1
            try:
                return call()
            except _Retryable as exc:
                if attempt >= max_attempts:
                    raise DeskError(
                        "sync.gave_up", url=url, attempts=attempt, reason=exc.reason, pushed=result.pushed
                    ) from None
                delay = min(backoff_cap, backoff * 2 ** (attempt - 1))
                delay = delay / 2 + rng() * delay / 2  # "equal jitter": never zero, never in lockstep
                if exc.retry_after is not None:
                    delay = max(delay, min(exc.retry_after, backoff_cap))
                if waited + delay > max_wait:
                    raise DeskError(
                        "sync.still_failing", url=url, waited=round(waited), reason=exc.reason, pushed=result.pushed
                    ) from None
                result.retries += 1
                waited += delay
                sleep(delay)

    def call_files(method: str, target: str, body: bytes) -> dict:
        req = urllib.request.Request(
            hub_url(url, target),
            data=body,
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/octet-stream" if method == "PUT" else "application/json",
                "Accept": "application/json",
                "User-Agent": f"motcua-desk/{__version__}",
            },
            method=method,
        )

        def once() -> dict:
            data, _ = _exchange(req, timeout, opener)
            try:
                answer = json.loads(data.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                raise _Retryable(problem("sync.answer_not_json")) from None
            return answer if isinstance(answer, dict) else {}

        return retried(once)

    try:
        if total:
            # the hub proves it holds the pinned key before any event leaves: a push never goes to a stranger
            retried(functools.partial(_hello, url, timeout, opener, hub_key))
        while True:
            rows = sq.pending_event_rows(desk.db, desk.desk_id, batch_size)
            if not rows:
                break
            records = [row_to_record(r) for r in rows]
            key = idempotency_key(desk.desk_id, records)
            body = json.dumps(
                {
                    "protocol": PROTOCOL,
                    "agency": agency.code,
                    "desk_no": agency.desk_no,
                    "desk_id": desk.desk_id,
                    "events": records,
                },
                ensure_ascii=False,
                separators=(",", ":"),
            ).encode("utf-8")
            headers = {
                "Authorization": f"Bearer {token}",
                "Idempotency-Key": key,
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "application/json",
                "User-Agent": f"motcua-desk/{__version__}",
                DESK_CLOCK_HEADER: clock.now().isoformat(timespec="seconds"),
                DESK_LAST_SEQ_HEADER: str(sq.max_seq(desk.db, desk.desk_id)),
                **signer.push_headers(body),
            }
            # the files these events reference go first: an event never reaches the hub before its scans
            files = send_files(desk, records, call_files, piece=file_piece, desk_id=desk.desk_id)
            answer = retried(functools.partial(_post, url, body, headers, timeout, opener, hub_key))
            sent = {r["event_id"] for r in records}
            acked = [i for i in answer["acknowledged"] if isinstance(i, str) and i in sent]
            ack = str(answer.get("ack") or key)[:100]
            if acked:
                with write_transaction(desk.db):
                    now = clock.now().isoformat(timespec="seconds")
                    sq.mark_acknowledged(desk.db, desk.desk_id, acked, f"hub:{ack}", now)
                    mark_sent(desk, files, url, now)
                result.files += len(files)
                stalled = 0
            else:
                stalled += 1
                if stalled >= NO_PROGRESS_ROUNDS:
                    raise DeskError(
                        "sync.no_progress", url=url, first=records[0]["seq"], last=records[-1]["seq"], times=stalled
                    )
            result.pushed += len(acked)
            result.batches += 1
            if isinstance(answer.get("gaps"), list):
                result.gaps = [g for g in answer["gaps"] if isinstance(g, dict)]
            if progress:
                progress(result.pushed, max(total, result.pushed))
    except DeskError as exc:
        result.error = exc.problem
        raise
    except BaseException as exc:
        result.error = problem("sync.stopped", kind=exc.__class__.__name__)
        raise
    finally:
        result.pending = queries.count_unsynced(desk.db, desk.desk_id)
        _record_push(desk, result)
    return result


def _record_push(desk, result: PushResult) -> None:
    try:
        with write_transaction(desk.db):
            queries.set_meta(
                desk.db,
                "sync.last_push",
                json.dumps({"at": clock.now().isoformat(timespec="seconds"), **result.to_json()}, ensure_ascii=False),
            )
    except Exception:
        pass
