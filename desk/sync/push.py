"""Pushing a desk's pending events to a hub over HTTP(S) (docs/sync-protocol.md).

``push`` sends the desk's pending events (those in ``pending_events``) in batches to a
hub speaking ``docs/sync-protocol.md``, and marks an event ``hub:<ack>`` only
once the hub has acknowledged its id. Connection errors, timeouts and 5xx
(and 408/429) are retried with exponential backoff and jitter, bounded in
attempts and in total waiting; any other 4xx stops with the hub's message.
The idempotency key of a batch is derived from the desk and the batch's
events, so a rerun after a crash sends the same key for the same batch. One request and its answer
(certificate, redirects, refusals, the hub's signature) are ``desk.sync.hub_http``.
"""

from __future__ import annotations

import functools
import hashlib
import http.client
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
from desk.errors import DeskError, InvalidInput
from desk.rules.problems import Problem, problem
from desk.sync.hub_http import HubError, Retryable, check_signed_by, exchange, hub_refusal, opener_for
from desk.sync.ingest import Progress
from desk.sync.push_files import PIECE, mark_sent, send_files
from desk.sync.signing import HUB_SIGNATURE_HEADER, Signer

PROTOCOL = "motcua-desk-push/1"
EVENTS_PATH = "/v1/events"
HEALTH_PATH = "/v1/health"
HEAD_PATH = "/v1/head"
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
    portal_rejections: list[dict] | None = None
    """The desk's records the hub's forwarding set aside (the portal refused them), as its last reply said;
    None when no reply said (kept in ``sync.portal_rejections``: docs/forwarding.md)."""

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
            "portal_rejections": self.portal_rejections,
        }


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
        with opener_for(settings.sync_ca_file).open(req, timeout=timeout) as resp:
            data = resp.read()
            signature = resp.headers.get(HUB_SIGNATURE_HEADER) or ""
        if settings.sync_hub_key:  # a pinned hub (the backup keeps the pin) must have signed what it holds
            hub_key = keys.public_from_text(settings.sync_hub_key, field="sync.hub_key")
            check_signed_by(hub_key, challenge.encode("ascii"), data, signature, endpoint)
        answer = json.loads(data.decode("utf-8"))
    except urllib.error.HTTPError as exc:
        code, message = hub_refusal(exc.read())
        raise HubError("recover.hub_refused", field="endpoint", status=exc.code, code=code, message=message)
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


def _hello(url: str, timeout: float, opener: urllib.request.OpenerDirector, hub_key: bytes) -> dict:
    """Ask the hub to sign a fresh challenge (``GET /v1/health?challenge=…``) and check it with the pinned key."""
    challenge = secrets.token_hex(16)
    req = urllib.request.Request(
        f"{hub_url(url, HEALTH_PATH)}?challenge={challenge}", headers={"Accept": "application/json"}, method="GET"
    )
    data, signature = exchange(req, timeout, opener)
    check_signed_by(hub_key, challenge.encode("ascii"), data, signature, url)
    return {}


def _post(
    url: str, body: bytes, headers: dict, timeout: float, opener: urllib.request.OpenerDirector, hub_key: bytes
) -> dict:
    """One POST; returns the hub's JSON answer once its signature by ``hub_key`` checks, raises Retryable or
    HubError."""
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    data, signature = exchange(req, timeout, opener)
    check_signed_by(hub_key, body, data, signature, url)
    try:
        answer = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Retryable(problem("sync.answer_not_json")) from None
    if not isinstance(answer, dict) or not isinstance(answer.get("acknowledged"), list):
        raise Retryable(problem("sync.answer_no_acknowledged"))
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
    opener = opener_for(settings.sync_ca_file)
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
            except Retryable as exc:
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
            data, _ = exchange(req, timeout, opener)
            try:
                answer = json.loads(data.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                raise Retryable(problem("sync.answer_not_json")) from None
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
            if isinstance(answer.get("portal_rejections"), list):
                result.portal_rejections = portal_rejections(answer["portal_rejections"])
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


PORTAL_REJECTIONS = "sync.portal_rejections"
"""Meta key: the desk's records the portal refused, as the hub last said (a list of dicts)."""
_REJECTION_FIELDS = ("dossier_code", "state", "reason_code", "reason", "since")


def portal_rejections(items: list) -> list[dict]:
    """The hub's list of this desk's set-aside records, kept to known text fields (at most 100)."""
    out = []
    for item in items[:100]:
        if isinstance(item, dict) and isinstance(item.get("dossier_code"), str):
            out.append({k: str(item.get(k) or "")[:500] for k in _REJECTION_FIELDS})
    return out


def _record_push(desk, result: PushResult) -> None:
    try:
        with write_transaction(desk.db):
            if result.portal_rejections is not None:
                queries.set_meta(desk.db, PORTAL_REJECTIONS, json.dumps(result.portal_rejections, ensure_ascii=False))
            queries.set_meta(
                desk.db,
                "sync.last_push",
                json.dumps({"at": clock.now().isoformat(timespec="seconds"), **result.to_json()}, ensure_ascii=False),
            )
    except Exception:
        pass
