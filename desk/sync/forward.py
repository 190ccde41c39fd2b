"""Forwarding each dossier's record and progress from the hub to the provincial system / national portal.

Every import of events at the hub (a bundle's or a pushed batch's, ``desk.sync.ingest``) asks, in
its own transaction, for the dossiers it touched to be forwarded: a row of the outbox in the hub's store
(``db.outbox_queries`` on SQLite, ``db.pg.outbox_queries`` on PostgreSQL: ``desk.sync.outbox``); the hub's own
counter asks for its dossiers in their events' transactions (``desk.dossier.events``). Workers (``desk hub forward``, or one beside ``desk hub serve --forward``)
take due rows under a lease and, for each dossier, through the portal adapter
(``desk.sync.portal_adapter``, the one module a province replaces):

1. sign in once for a session (again when the portal says it expired);
2. ``TraCuuHoSo``: does the portal hold the dossier already?
3. ``DongBoHoSoMC``: its record (the one encoder, ``desk.rules.portal``), an insert, or an update
   (``isUpdating``) when the look-up found it;
4. ``CapNhatTienDoHoSoMC``: the dossier's events not yet sent, as progress lines, :data:`PROGRESS_CHUNK`
   per call.

Every reply is stored on the dossier's forwarding timeline (``desk show CODE`` at the hub). No answer
(network, timeout, 5xx) is tried again later with exponential backoff and jitter, at most
``[portal] max_attempts`` times, then the record is set aside as ``failed``. A record the portal
refuses is set aside as ``rejected`` with the portal's reason, and the others go on: its desk hears
the reason at its next push (``portal_rejections`` in the push reply) and the hub's board lists it
(:func:`db.outbox_queries.forwarding_problems`). A set-aside record is tried again when its desk
changes the dossier. The clock and the jitter are injected (tests never sleep).
"""

from __future__ import annotations

import os
import random
import stat
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from desk import clock
from desk.catalog.store import get_procedure
from desk.errors import DeskError, InvalidInput, NotFound
from desk.models import Procedure
from desk.rules import portal as encoder
from desk.rules.problems import Problem
from desk.sync.outbox import OutboxQueries, ask_for_own, outbox_of, outboxes
from desk.sync.portal_adapter import (
    LoginRefused,
    Portal,
    PortalSettings,
    Reply,
    SessionExpired,
    Transient,
    make_portal,
)
from desk.sync.store import HubStore

PROGRESS_CHUNK = 10
"""Progress lines per CapNhatTienDoHoSoMC call (DOMAIN.md: "in chunks of ~10")."""
PASSWORD_ENV = "DESK_PORTAL_PASSWORD"
"""The variable holding the portal password when ``[portal] password_file`` is empty."""
CLAIM_BATCH = 20
"""Rows a worker takes at once."""
MAX_PASS_ROWS = 100_000
"""A ``--once`` pass handles at most this many rows (bounded, whatever keeps arriving)."""
MAX_WORKERS = 16


class ForwardingError(DeskError):
    """Forwarding cannot go on (the portal refused the sign-in): nothing was set aside for it."""


def _now_text() -> str:
    return clock.now().isoformat(timespec="seconds")


def read_password(settings) -> str:
    """The portal password: from ``[portal] password_file`` (which must not be readable by others), else
    ``$DESK_PORTAL_PASSWORD``. Never printed, logged or stored."""
    path = settings.portal_password_file
    if path:
        p = Path(path).expanduser()
        try:
            mode = p.stat().st_mode
            text = p.read_text(encoding="utf-8").strip()
        except OSError:
            raise InvalidInput("portal.password_unreadable", field="portal.password_file", path=str(p)) from None
        if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise InvalidInput("portal.password_file_open", field="portal.password_file", path=str(p))
        if text:
            return text
    text = os.environ.get(PASSWORD_ENV, "")
    if not text:
        raise InvalidInput("portal.no_password", field="portal.password_file", variable=PASSWORD_ENV)
    return text


def portal_settings(desk) -> PortalSettings:
    """How to reach the portal, from ``[portal]``; refuses when forwarding is not configured."""
    s = desk.settings
    if not s.portal_url.strip():
        raise InvalidInput("portal.not_configured", field="portal.url")
    if not s.portal_username.strip():
        raise InvalidInput("portal.no_username", field="portal.username")
    return PortalSettings(
        url=s.portal_url.strip(),
        username=s.portal_username.strip(),
        password=read_password(s),
        madonvi=(s.portal_madonvi or s.agency.code).strip(),
        timeout_s=float(s.portal_timeout_s),
        ca_file=s.portal_ca_file,
    )


@dataclass
class ForwardResult:
    """What a pass of a worker (or of several) did."""

    acknowledged: int = 0
    """Records the portal took."""
    progress_lines: int = 0
    rejected: int = 0
    failed: int = 0
    retrying: int = 0
    """Records that got no answer and wait for their next attempt."""
    logins: int = 0
    lost: int = 0
    """Records whose lease ran out while a worker held them (another worker took them)."""
    errors: list[Problem] = field(default_factory=list)

    def add(self, other: ForwardResult) -> None:
        for name in ("acknowledged", "progress_lines", "rejected", "failed", "retrying", "logins", "lost"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors += other.errors

    @property
    def busy(self) -> bool:
        return bool(self.acknowledged or self.rejected or self.failed or self.retrying or self.lost)

    def to_json(self) -> dict:
        return {
            "acknowledged": self.acknowledged,
            "progress_lines": self.progress_lines,
            "rejected": self.rejected,
            "failed": self.failed,
            "retrying": self.retrying,
            "logins": self.logins,
            "lost": self.lost,
            "errors": [p.as_json() for p in self.errors],
        }


def backoff_delay(attempts: int, base_s: float, max_s: float, rand: Callable[[], float]) -> float:
    """The wait after the ``attempts``-th failure: doubling from ``base_s`` up to ``max_s``, with "equal
    jitter" (half fixed, half random: never zero, never in lockstep with other hubs)."""
    ceiling = min(max_s, base_s * 2 ** max(attempts - 1, 0))
    return ceiling / 2 + rand() * ceiling / 2


def _progress_record(event: dict, due_at: str | None) -> dict:
    """One CapNhatTienDoHoSoMC line, by the one encoder (``desk.rules.portal.progress_record``)."""
    return encoder.progress_record(event, due_at=due_at)


LAST_SEQ = 2**62
"""Every event of a desk (``supplement_steps`` stops at a seq: an export's last)."""


class Forwarder:
    """One worker: takes due rows of the outbox and forwards them (see the module docstring).

    ``stores``: the outboxes it goes through, in turn (:func:`desk.sync.outbox.outboxes` of ``desk`` when not
    given: the hub's store, and at a PostgreSQL hub the home's SQLite too). ``now`` (epoch seconds) and ``rand``
    are injectable: backoff and leases are decided by them, and a test moves ``now`` instead of sleeping.
    ``log`` gets one line per set-aside record (never a secret).
    """

    def __init__(
        self,
        desk,
        portal: Portal,
        *,
        stores: list[HubStore] | None = None,
        worker: str | None = None,
        now: Callable[[], float] = time.time,
        rand: Callable[[], float] = random.random,
        log: Callable[[str], None] | None = None,
    ):
        s = desk.settings
        self.desk, self.portal = desk, portal
        self.stores = stores if stores is not None else outboxes(desk)
        self.store: HubStore = self.stores[0]
        """The store of the rows in hand (the pass goes through :attr:`stores` in turn)."""
        self.oq: OutboxQueries = outbox_of(self.store.q)
        self.worker = worker or f"forward-{uuid.uuid4().hex[:8]}"
        self.now, self.rand, self.log = now, rand, log
        self.lease_s = float(s.portal_lease_s)
        self.max_attempts = s.portal_max_attempts
        self.base_s, self.max_s = float(s.portal_retry_base_s), float(s.portal_retry_max_s)
        self.session: str | None = None
        self._procedures: dict[str, Procedure | None] = {}

    # --- a pass -------------------------------------------------------------------------------

    def pass_once(self, max_rows: int = MAX_PASS_ROWS) -> ForwardResult:
        """Forward every row due now in each outbox, a batch at a time, then return (``desk hub forward --once``)."""
        result = ForwardResult()
        done = 0
        for store in self.stores:
            self.store, self.oq = store, outbox_of(store.q)
            done += self._pass(result, max_rows - done)
        return result

    def _pass(self, result: ForwardResult, max_rows: int) -> int:
        done = 0
        while done < max_rows:
            with self.store.writing() as db:
                rows = self.oq.claim(db, self.worker, self.now(), self.lease_s, min(CLAIM_BATCH, max_rows - done))
            if not rows:
                break
            for i, row in enumerate(rows):
                try:
                    self.forward(row, result)
                except BaseException:
                    self._release([r["dossier_code"] for r in rows[i:]])
                    raise
            done += len(rows)
        return done

    def run(self, stop: threading.Event, idle_s: float = 5.0) -> ForwardResult:
        """Passes until ``stop`` is set, waiting ``idle_s`` when a pass found nothing to do."""
        total = ForwardResult()
        while not stop.is_set():
            try:
                r = self.pass_once()
            except ForwardingError as exc:
                total.errors.append(exc.problem)
                if self.log:
                    self.log(f"forward: stopped: {exc.problem.code}")
                stop.wait(max(idle_s, self.base_s))
                continue
            total.add(r)
            if not r.busy:
                stop.wait(idle_s)
        return total

    def _release(self, codes: list[str]) -> None:
        """Give back rows taken but not handled (the worker stops): due again at once."""
        with self.store.writing() as db:
            for code in codes:
                self.oq.retry_later(db, code, self.worker, 0, "", "")

    # --- one dossier ----------------------------------------------------------------------------

    def forward(self, row: dict, result: ForwardResult) -> None:
        code = row["dossier_code"]
        try:
            built = self._build(code, row["desk_id"])
        except (KeyError, TypeError, ValueError) as exc:  # a snapshot the encoder cannot read: set aside, go on
            self._set_aside(row, "failed", "no_record", f"the record cannot be made: {exc!r}"[:300], result)
            return
        if built is None:
            self._set_aside(row, "failed", "no_record", "no snapshot of the dossier at the hub", result)
            return
        record, events = built
        for _ in range(2):  # a session that expired is renewed once per record
            try:
                if self.session is None:
                    self.session = self.portal.login()
                    result.logins += 1
                self._send(self.session, row, record, events, result)
                return
            except SessionExpired:
                self.session = None
            except LoginRefused as exc:
                self._release([code])
                raise ForwardingError(
                    "portal.login_refused", field="portal.username", code=exc.code, message=exc.message
                ) from None
            except Transient as exc:
                self._reply(code, Reply(exc.call, False, "transient", exc.detail, ""))
                self._failed_attempt(row, exc.detail, result)
                return
        self._failed_attempt(row, "the session expired twice", result)

    def _send(self, session: str, row: dict, record: dict, events: list[dict], result: ForwardResult) -> None:
        code = row["dossier_code"]
        found = self.portal.lookup(session, code)
        if not self._reply(code, found) or not found.ok:
            self._rejected(row, found, result)
            return
        synced = self.portal.sync_record(session, record, updating=found.found)
        if not self._reply(code, synced) or not synced.ok:
            self._rejected(row, synced, result)
            return
        for i in range(0, len(events), PROGRESS_CHUNK):
            part = events[i : i + PROGRESS_CHUNK]
            sent = self.portal.send_progress(session, [e["line"] for e in part])
            if not self._reply(code, sent) or not sent.ok:
                self._rejected(row, sent, result)
                return
            with self.store.writing() as db:
                self.oq.progress_sent(db, code, [e["event_id"] for e in part], _now_text())
            result.progress_lines += len(part)
        with self.store.writing() as db:
            held = self.oq.acknowledged(db, code, self.worker, row["generation"], _now_text())
            if held:  # QĐ 766's 1.4 counts it synced from now: its running sums, in this transaction
                self.store.q.refresh_indicator_sums(db, [code])
        if held:
            result.acknowledged += 1
        else:
            result.lost += 1

    def _reply(self, code: str, reply: Reply) -> bool:
        """Store the reply on the dossier's timeline and renew the lease; False when the lease was lost."""
        with self.store.writing() as db:
            self.oq.add_reply(
                db,
                code,
                at=_now_text(),
                call=reply.call,
                ok=reply.ok,
                reply_code=reply.code,
                message=reply.message,
                body=reply.body,
                worker=self.worker,
            )
            return self.oq.renew(db, code, self.worker, self.now() + self.lease_s)

    def _rejected(self, row: dict, reply: Reply, result: ForwardResult) -> None:
        if reply.ok:  # the lease was lost, not the record refused
            result.lost += 1
            return
        self._set_aside(row, "rejected", reply.code, reply.message, result)

    def _set_aside(self, row: dict, state: str, reason_code: str, reason: str, result: ForwardResult) -> None:
        with self.store.writing() as db:
            held = self.oq.set_aside(db, row["dossier_code"], self.worker, state, reason_code, reason, _now_text())
        if not held:
            result.lost += 1
            return
        if state == "rejected":
            result.rejected += 1
        else:
            result.failed += 1
        if self.log:
            self.log(f"forward: {row['dossier_code']} {state}: {reason_code} {reason}".rstrip())

    def _failed_attempt(self, row: dict, detail: str, result: ForwardResult) -> None:
        if row["attempts"] >= self.max_attempts:
            self._set_aside(row, "failed", "transient", detail, result)
            return
        delay = backoff_delay(row["attempts"], self.base_s, self.max_s, self.rand)
        with self.store.writing() as db:
            held = self.oq.retry_later(db, row["dossier_code"], self.worker, self.now() + delay, "transient", detail)
        if held:
            result.retrying += 1
        else:
            result.lost += 1

    # --- what is sent ---------------------------------------------------------------------------

    def _procedure(self, code: str) -> Procedure | None:
        if code not in self._procedures:
            try:
                self._procedures[code] = get_procedure(self.desk, code)
            except (NotFound, InvalidInput):
                self._procedures[code] = None
        return self._procedures[code]

    def _build(self, code: str, desk_id: str) -> tuple[dict, list[dict]] | None:
        """The dossier's record (as its latest snapshot at the hub gives it) and its events not yet sent,
        each with its progress line."""
        with self.store.reading() as db:
            return self._build_from(db, code, desk_id)

    def _build_from(self, db, code: str, desk_id: str) -> tuple[dict, list[dict]] | None:
        raw = self.oq.latest_snapshot(db, code)
        if raw is None:
            return None
        state = orjson.loads(raw)
        dossier, components = state["dossier"], state["components"]
        agency = self.desk.settings.agency
        agency_code = self.oq.desk_agency(db, desk_id) or agency.code
        record = encoder.record_from_row(
            dossier,
            components,
            procedure=self._procedure(dossier["procedure_code"]),
            agency_name=agency.name if agency_code == agency.code else "",
            agency_code=agency_code,
            results=state.get("results") or (),
            # the supplement history (DanhSachHoSoBoSung), as an export writes it: every step of that desk
            supplements=self.oq.supplement_steps(db, desk_id, [code], LAST_SEQ).get(code, ()),
        )
        events = []
        for e in self.oq.unsent_progress(db, code):
            payload = orjson.loads(e["payload"])
            snapshot = payload.get("dossier") if isinstance(payload.get("dossier"), dict) else None
            event = {
                "dossier_code": code,
                "type": e["type"],
                "at": e["at"],
                "clerk": e["clerk"],
                "status": snapshot["status"] if snapshot else None,
            }
            due_at = snapshot["due_at"] if snapshot else dossier["due_at"]
            events.append({"event_id": e["event_id"], "line": _progress_record(event, due_at)})
        return record, events


def forward_once(
    desk,
    *,
    workers: int = 1,
    portal_factory: Callable[[PortalSettings], Portal] = make_portal,
    now: Callable[[], float] = time.time,
    rand: Callable[[], float] = random.random,
    log: Callable[[str], None] | None = None,
) -> ForwardResult:
    """One bounded pass of ``workers`` workers (threads, each its own connection and session) over the
    rows due now: ``desk hub forward --once``."""
    from desk.context import open_desk

    if not 1 <= workers <= MAX_WORKERS:
        raise InvalidInput("portal.workers", field="workers", value=workers, maximum=MAX_WORKERS)
    settings = portal_settings(desk)
    ask_for_own(desk)
    if workers == 1:
        return Forwarder(desk, portal_factory(settings), now=now, rand=rand, log=log).pass_once()
    total = ForwardResult()
    failures: list[BaseException] = []
    lock = threading.Lock()

    def work() -> None:
        own = open_desk(desk.home)
        try:
            r = Forwarder(own, portal_factory(settings), now=now, rand=rand, log=log).pass_once()
            with lock:
                total.add(r)
        except BaseException as exc:  # handed to the caller below
            with lock:
                failures.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=work, name=f"forward-{i}") for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise failures[0]
    return total


def start_background(
    desk, log: Callable[[str], None] | None = None, idle_s: float = 5.0, workers: int = 1
) -> Callable[[], None]:
    """``workers`` workers in threads (each its own connection) until stopped: ``desk hub forward`` and
    ``desk hub serve --forward``; returns the function that stops them (each finishes its record)."""
    from desk.context import open_desk

    if not 1 <= workers <= MAX_WORKERS:
        raise InvalidInput("portal.workers", field="workers", value=workers, maximum=MAX_WORKERS)
    settings = portal_settings(desk)  # refused now, not later in a thread
    ask_for_own(desk)
    stop = threading.Event()

    def work() -> None:
        own = open_desk(desk.home)
        try:
            Forwarder(own, make_portal(settings), log=log).run(stop, idle_s)
        finally:
            own.close()

    threads = [threading.Thread(target=work, name=f"forward-{i}", daemon=True) for i in range(workers)]
    for t in threads:
        t.start()

    def stop_them() -> None:
        stop.set()
        for t in threads:
            t.join(60)

    return stop_them
