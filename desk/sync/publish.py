"""A bundle's import in two steps: staged (checked whole, nothing visible), then published in short transactions.

A clerk's intake on a hub must never wait behind a large import (a 112,000-event
bundle held the write lock for tens of seconds in one transaction). So
:func:`stage_and_publish`:

1. **stages**: the events, as the one reader checks them (``desk.sync.bundle_events``),
   are checked against this home (``desk.sync.ingest.RunChecks``, in one read
   snapshot, no lock) and the new ones written to a staging file
   (``staging/<random>.sqlite3`` in the home, owner-only, made durable at the
   end), the states of their dossiers to a file beside it (:class:`Stage`). Any
   refusal happens here: nothing was published.
2. **publishes**: one write transaction checks that no other import or pushed
   batch came in meanwhile (else the checks are run again, there) and records
   the publication (``sync_publishing``); then the staged events go into the
   tables part by part (the first :data:`PUBLISH_ROWS`, each next one as many as
   fit in :data:`PART_S` at the last one's pace), each part with its dossiers rebuilt
   and the publication's progress, in a transaction of its own; the last one
   records the import and deletes the publication. Between two parts a clerk
   waiting for the lock goes first (``db.connection.writer_waiting``).

Seen from outside an import is still all or nothing: a bundle is refused
whole before anything is published, and a publication once begun is always
completed. The importer keeps its staging file locked (SQLite's exclusive
locking mode) while it works; a publication whose file is not locked any more
(the importer was killed) is completed by :func:`resume`: at the next import,
``desk verify``, a pushed batch, or ``desk hub serve``. While a publication is
under way at a home, pushed batches wait (:class:`desk.sync.ingest.Busy`).

All of this is for SQLite, which has one writer. A hub on PostgreSQL
(``desk.sync.store``) takes a bundle in ONE transaction (:func:`publish_at_once`):
readers and other desks' writers are not blocked by it (MVCC, row locks, the
desk's advisory lock), and all or nothing is what the transaction gives; its
blocks are written by a thread of their own while the next ones are checked.
"""

from __future__ import annotations

import json
import queue
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from db import queries, staged_states, write_transaction
from db import sync_queries as sq
from db.connection import waiting_marker, writer_waiting
from desk import clock
from desk.errors import IntegrityFailure
from desk.sync.bundle_zip import collector_paused
from desk.sync.checked_run import Run, Staged, decoded_state
from desk.sync.ingest import (
    Busy,
    Progress,
    RunChecks,
    desk_gaps,
    record_run,
    refuse_own_desk,
    write_rows,
)
from desk.sync.stage import Stage
from desk.sync.store import HubStore

PUBLISH_ROWS = 1000
"""Staged events published in the first transaction: about 0.15 s at a hub of a million dossiers. The next
parts are sized from how long the last one held the lock (:func:`_next_size`)."""
PUBLISH_MIN_ROWS = 250
"""The smallest part (a machine so busy that 250 events hold the lock longer than :data:`PART_S`)."""
PUBLISH_MAX_ROWS = 4000
"""The largest part (a quiet machine: fewer parts, less of each part's own work: its commit, its queries)."""
PART_S = 0.3
"""How long a part may hold the write lock, as aimed at: a clerk waits at most about that (issue 12: 1 s)."""
STAGING = "staging"
"""The folder of the home that holds staging files."""
ORPHAN_AFTER_S = 600
"""A staging file no publication names, unlocked and this old, is left from a killed import: removed."""
WRITER_AHEAD = 2
"""Checked blocks of a bundle (about 700 events each) that may wait for the writer (PostgreSQL)."""
LET_IN_MAX_S = 5.0
"""The longest the publisher waits, between two parts, for waiting writers to get the lock."""

ChunkHook = Callable[[int, int], None]
"""``on_chunk(published, staged)`` after each part is committed (tests use it to act between parts)."""


@dataclass
class Published:
    """What a publication brought (``sync.last_import``'s fields)."""

    imported: int
    skipped: int
    dossiers: int
    files: int


def stage_and_publish(
    desk,
    runs: Iterable[Run],
    *,
    name: str,
    desk_id: str,
    agency_code: str,
    desk_no: int,
    where: str,
    total: int,
    store_files: Callable[[], int],
    discard_files: Callable[[], None],
    progress: Progress | None = None,
    on_chunk: ChunkHook | None = None,
) -> Published:
    """Stage the checked ``runs`` of a bundle, then publish them; see the module docstring.

    ``store_files`` is called once every event is checked and staged, before anything is published (it
    checks and stores the bundle's scans; returns how many it wrote); ``discard_files`` removes them when
    the import fails before it publishes. Raises like ``desk.sync.ingest``:
    ChainConflict, IntegrityFailure from ``runs``, :class:`Busy` while another bundle is being published.
    """
    db = desk.db
    refuse_own_desk(desk, desk_id, where)
    resume(desk)
    stage = Stage(desk.home.root / STAGING / f"{uuid.uuid4().hex}.sqlite3", create=True)
    try:
        checks = RunChecks(db, desk_id=desk_id, desk_no=desk_no, where=where)
        db.execute("BEGIN")  # one snapshot of this home for every check: no lock, writers go on
        try:
            seen = sq.generation(db)
            if seen[1]:
                raise Busy("sync.hub_publishing", field="bundle", where=where)
            for run in runs:
                stage.add(checks.part(run))
                stage.add_states(run)
                if progress:
                    progress(checks.skipped + checks.new, total)
        finally:
            db.execute("COMMIT")
        files = store_files()
        stage.seal()
        if not checks.new:
            return Published(0, checks.skipped, 0, files)
        pub_id = _begin(desk, stage, checks, seen, name=name, agency_code=agency_code, files=files)
    except BaseException:
        stage.remove()
        discard_files()
        raise
    try:
        done = _publish(desk, stage, pub_id, on_chunk)
    finally:
        stage.close()
    stage.remove()
    if progress:
        progress(total, total)
    return done


def _begin(desk, stage: Stage, checks: RunChecks, seen: tuple, *, name: str, agency_code: str, files: int) -> int:
    """Record the publication, in one transaction with checks made again if the home changed since."""
    db = desk.db
    with write_transaction(db):
        now = sq.generation(db)
        if now[1]:
            raise Busy("sync.hub_publishing", field="bundle", where=checks.where)
        if now != seen:  # another import or a pushed batch came in meanwhile (rare): check against it
            checks = _check_again(db, stage, checks)
            if not checks.new:
                raise Busy("sync.hub_publishing", field="bundle", where=checks.where)  # pragma: no cover
        return sq.start_publishing(
            db,
            {
                "stage": stage.path.name,
                "source": "bundle",
                "name": name,
                "desk_id": checks.desk_id,
                "agency_code": agency_code,
                "desk_no": checks.desk_no,
                "first_seq": checks.lo,
                "last_seq": checks.hi,
                "last_hash": checks.last_hash,
                "staged": checks.new,
                "skipped": checks.skipped,
                "files": files,
                "at": clock.now().isoformat(timespec="seconds"),
            },
        )


def _check_again(db, stage: Stage, before: RunChecks) -> RunChecks:
    """The staged events checked again against the home as it is now; those it meanwhile received are
    dropped from the stage (counted as skipped)."""
    checks = RunChecks(db, desk_id=before.desk_id, desk_no=before.desk_no, where=before.where)
    after, gone = 0, []
    while rows := stage.rows(after, PUBLISH_ROWS):
        after = rows[-1][0]
        new = {row[2] for row in checks.part(Run.of_rows([row[1:] for row in rows]))}
        gone += [row[0] for row in rows if row[3] not in new]
    if gone:
        stage.drop(gone)
    checks.skipped += before.skipped
    checks.lo, checks.hi, checks.last_hash = before.lo, before.hi, before.last_hash
    return checks


def _publish(desk, stage: Stage, pub_id: int, on_chunk: ChunkHook | None) -> Published:
    """Publish the staged events after the publication's progress, a part per transaction.

    The parts are committed without waiting for the disk (``synchronous=NORMAL``: in WAL mode a power cut
    may lose the last of them, never mix them up); losing them loses nothing, as the publication's progress
    goes with them and the next :func:`resume` publishes them again. The last transaction, which records
    the import, is committed with ``synchronous=FULL``, which puts every part on the disk with it: only then
    is the import done.
    """
    db = desk.db
    marker = waiting_marker(db.conn)
    pub = next(p for p in sq.publishing_rows(db) if p["id"] == pub_id)
    last_n, first_seq, last_seq = stage.span()
    after = pub["published"]
    size = PUBLISH_ROWS
    (before,) = db.execute("PRAGMA synchronous").fetchone()
    states = stage.stored_states(db, pub["desk_id"])
    try:
        with sq.bulk_cache(db, PUBLISH_ROWS * 2):
            while True:
                rows = stage.rows(after, size)
                finished = not rows  # the last transaction only records the import: short, like each part
                db.execute(f"PRAGMA synchronous={'FULL' if finished else 'NORMAL'}")
                began = time.perf_counter()
                with write_transaction(db):
                    if rows:
                        dossiers = write_rows(db, pub["desk_id"], [row[1:] for row in rows], states)
                        sq.advance_publishing(db, pub_id, rows[-1][0], len(rows), dossiers)
                        after = rows[-1][0]
                    if finished:
                        result = _finish(db, pub_id, first_seq, last_seq)
                if finished:
                    return result
                size = _next_size(len(rows), time.perf_counter() - began)
                if on_chunk:
                    on_chunk(after, last_n)
                _let_in(marker)
    finally:
        db.execute(f"PRAGMA synchronous={int(before)}")
        if states is not None:
            staged_states.detach(db)


def _finish(db, pub_id: int, first_new: int, last_new: int) -> Published:
    """Record the import (its mark, desk, gaps, ``sync.last_import``) and end the publication."""
    pub = next(p for p in sq.publishing_rows(db) if p["id"] == pub_id)
    now = clock.now().isoformat(timespec="seconds")
    checks = RunChecks(db, desk_id=pub["desk_id"], desk_no=pub["desk_no"], where=pub["name"])
    checks.lo, checks.hi, checks.last_hash, checks.skipped = (
        pub["first_seq"],
        pub["last_seq"],
        pub["last_hash"],
        pub["skipped"],
    )
    checks.first_new, checks.last_new = first_new, last_new
    record_run(
        db,
        checks,
        source=pub["source"],
        name=pub["name"],
        agency_code=pub["agency_code"],
        imported=pub["imported"],
        now=now,
    )
    done = Published(pub["imported"], pub["skipped"], pub["dossiers"], pub["files"])
    record = {
        "at": now,
        "bundle": pub["name"],
        "imported_events": done.imported,
        "skipped_events": done.skipped,
        "gaps": [g.to_json() for g in desk_gaps(db, pub["desk_id"])],
        "dossiers": done.dossiers,
        "desk_id": pub["desk_id"],
        "desk_no": pub["desk_no"],
        "agency_code": pub["agency_code"],
        "first_seq": pub["first_seq"],
        "last_seq": pub["last_seq"],
        "files": done.files,
    }
    queries.set_meta(db, "sync.last_import", json.dumps(record, ensure_ascii=False))
    sq.end_publishing(db, pub_id)
    return done


def _next_size(rows: int, held_s: float) -> int:
    """How many events the next part takes: as many as :data:`PART_S` holds at the pace of the last part
    (``rows`` in ``held_s``, its whole transaction), between :data:`PUBLISH_MIN_ROWS` and :data:`PUBLISH_MAX_ROWS`
    (and never under :data:`PUBLISH_ROWS` where that is smaller)."""
    paced = int(rows * PART_S / held_s) if held_s > 0 else PUBLISH_MAX_ROWS
    return max(min(PUBLISH_MIN_ROWS, PUBLISH_ROWS), min(PUBLISH_MAX_ROWS, paced))


def _let_in(marker: str) -> None:
    """Wait while a writer says it waits for the lock (it takes it at its next try), at most LET_IN_MAX_S."""
    deadline = time.monotonic() + LET_IN_MAX_S
    while writer_waiting(marker) and time.monotonic() < deadline:
        time.sleep(0.005)


def resume(desk, on_chunk: ChunkHook | None = None) -> list[str]:
    """Complete the publications whose importer is gone (killed mid-way); returns their bundles' names.

    Raises :class:`Busy` when another process is publishing right now. Staging files left by an import
    killed before it published anything are removed.
    """
    folder = desk.home.root / STAGING
    pubs = sq.publishing_rows(desk.db)
    done: list[str] = []
    for pub in pubs:
        if not (folder / pub["stage"]).is_file():
            # gone (a home restored from a backup taken mid-way): what was published stays; the bundle,
            # imported again, brings the rest (known events are skipped)
            with write_transaction(desk.db):
                sq.end_publishing(desk.db, pub["id"])
            raise IntegrityFailure("sync.publication_lost", field="bundle", bundle=pub["name"])
        stage = Stage.open_unless_locked(folder / pub["stage"])
        if stage is None:
            raise Busy("sync.hub_publishing", field="bundle", where=pub["name"])
        try:
            _publish(desk, stage, pub["id"], on_chunk)
        finally:
            stage.close()
        stage.remove()
        done.append(pub["name"])
    if folder.is_dir():
        named = {p["stage"] for p in pubs}
        for path in folder.glob("*.sqlite3"):
            if path.name not in named and time.time() - path.stat().st_mtime > ORPHAN_AFTER_S:
                stage = Stage.open_unless_locked(path)
                if stage is not None:
                    stage.remove()
    return done


def publications(desk) -> list[dict]:
    """The publications under way at this home (``desk verify`` names them)."""
    return sq.publishing_rows(desk.db)


def publish_at_once(
    desk,
    store: HubStore,
    runs: Iterable[Run],
    m: dict,
    where: str,
    *,
    store_files: Callable[[Any], int],
    discard_files: Callable[[], None],
    progress: Progress | None,
) -> Published:
    """A bundle into a PostgreSQL hub, in ONE transaction: nothing of it is seen by anyone before it commits,
    which it does once every event was checked and the scans stored (their records in it: ``store_files(db)``);
    nothing is kept when anything fails.

    The checks (``RunChecks``: read-only queries) run in this thread on a second connection of the pool,
    opened once the transaction holds the desk's advisory lock (so they see every earlier batch of the
    desk, as the transaction does); the checked blocks are written (``write_rows``) by a thread of their
    own on the transaction's connection (:class:`_Writer`), while the next block is read and checked: the
    server writes one block while this process checks the next (on two cores, the two go side by side).
    As on SQLite's staging, a block is checked without the run's earlier blocks being in the tables yet
    (``RunChecks`` counts them itself)."""
    desk_id, desk_no, total = m["desk_id"], m["desk_no"], m["counts"]["events"]
    q = store.q
    refuse_own_desk(desk, desk_id, where)
    now = clock.now().isoformat(timespec="seconds")
    try:
        # no cyclic garbage collection meanwhile: the blocks' rows, states and parameters are tens of thousands
        # of acyclic tuples and lists, freed by their counts, that each full collection walked again (issue 11
        # point 3: a 20,000-event bundle's importing process took 2.34-2.69 CPU-s with it and 1.75-2.30 without,
        # three alternating pairs at load 12.8-14.1; docs/hub.md)
        with collector_paused(), store.writing(desk_id, total) as db:
            if q.generation(db)[1]:
                raise Busy("sync.hub_publishing", field="bundle", where=where)
            with store.reading() as reading:
                checks = RunChecks(reading, desk_id=desk_id, desk_no=desk_no, where=where, q=q)
                with _Writer(db, desk_id, q) as writer:
                    for run in runs:
                        new = checks.part(run)
                        if new:
                            writer.put(new, run)
                        if progress:
                            progress(checks.skipped + checks.new, total)
                    imported, dossiers = writer.finish()
            if checks.first_new:
                record_run(db, checks, source="bundle", name=where, agency_code=m["agency"], imported=imported, now=now)
            files = store_files(db)
    except BaseException:
        discard_files()
        raise
    if progress:
        progress(total, total)
    return Published(imported, checks.skipped, dossiers, files)


class _Writer:
    """Writes checked blocks of one run (``write_rows``) on ``db``, in a thread of its own, in the order given;
    at most :data:`WRITER_AHEAD` blocks wait. Its first failure is raised by the next :meth:`put` or by
    :meth:`finish`; leaving the ``with`` block stops the thread (the blocks still waiting are not written)."""

    def __init__(self, db, desk_id: str, q) -> None:
        self.db, self.desk_id, self.q = db, desk_id, q
        self.imported = self.dossiers = 0
        self.error: BaseException | None = None
        self._queue: queue.Queue = queue.Queue(maxsize=WRITER_AHEAD)
        self._stop = False
        # named as the thread it writes for (the import's, e.g. a hub's request or a test's "desk-1"): what it
        # does is that thread's work, and is told apart by the same name
        self._thread = threading.Thread(target=self._work, name=threading.current_thread().name, daemon=True)

    def __enter__(self) -> _Writer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop = True
        self._end()

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            if self.error is not None or self._stop:
                continue  # a failure or a stop: the rest is only taken off the queue
            new, run, states = item
            try:
                staged = _ready(states) if states else None
                self.dossiers += write_rows(self.db, self.desk_id, new, staged, q=self.q, snapshots=run.snapshots)
                self.imported += len(new)
            except BaseException as exc:  # raised in the caller's thread
                self.error = exc

    def _end(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def put(self, new: list[tuple], run: Run) -> None:
        """Queue a checked block; its dossiers' states are decoded here, in the caller's thread, which otherwise
        waits for the reader: the writer's thread, which the server's work waits on, does less."""
        if self.error is not None:
            raise self.error
        self._queue.put((new, run, {k: decoded_state(*v) for k, v in run.states.items()}))

    def finish(self) -> tuple[int, int]:
        """Wait for every block to be written: (events imported, dossiers rebuilt)."""
        self._end()
        if self.error is not None:
            raise self.error
        return self.imported, self.dossiers


def _ready(states: dict[tuple[str, int], tuple[list, list, str]]) -> Staged:
    """The states of a block decoded already, as a rebuild asks them (``desk.sync.checked_run.Staged``)."""
    return lambda keys: {k: states[k] for k in keys if k in states}
