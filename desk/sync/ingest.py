"""The hub's side of sync, shared by bundle import and the HTTP receiver: one transaction per run.

:func:`ingest` takes a run of one desk's events that passed the records
check (``desk.sync.records``) and, in one transaction, checks continuity
with that desk's events already at this home, skips known event ids, inserts
the new events, rebuilds the dossiers they touch from their snapshots, and
records the import and any seq gap. Bundles (``desk.sync.bundle_read``) and
pushed batches (``desk.sync.hub``) both go through here, so the two paths
cannot drift apart. The hub's store (``desk.sync.store``: the home's SQLite or
PostgreSQL) only lends its queries (``q``) and its transaction: the checks and
the rebuild here are the same on both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from desk import clock
from desk.dossier.rows import fold_name
from desk.errors import EXIT_UNEXPECTED, DeskError, IntegrityFailure
from desk.rules.problems import Problem, problem
from desk.sync.checked_run import APPLICANT_NAME, ID, Run, Staged, State, StoredStates, state_of
from desk.sync.hub_files import rebuild_results
from desk.sync.identity import RunIdentities, identity_problem
from desk.sync.outbox import outbox_of
from desk.sync.records import hidden, shown
from desk.sync.schema import entry_problem
from desk.sync.store import SQLITE_QUERIES, HubQueries, HubStore, hub_store

Progress = Callable[[int, int], None]
"""``progress(done, total)``; it may raise (for example :class:`Cancelled`) to stop the work."""


class Cancelled(DeskError):
    """The person stopped the work; nothing was changed."""

    exit_code = 130


def cancelled() -> Cancelled:
    """What a progress callback raises when the person stops the work (the sync screen's Esc)."""
    return Cancelled("sync.cancelled")


class ChainConflict(IntegrityFailure):
    """The events disagree with those of the same desk already at this home (fork or tampering)."""


@dataclass(frozen=True)
class Gap:
    """A run of a desk's events this home has not received (a bundle or batch in between is missing)."""

    desk_id: str
    desk_no: int | None
    agency_code: str
    first_seq: int
    last_seq: int

    def to_json(self) -> dict:
        return {
            "desk_id": self.desk_id,
            "desk_no": self.desk_no,
            "agency_code": self.agency_code,
            "first_seq": self.first_seq,
            "last_seq": self.last_seq,
        }

    def problem(self) -> Problem:
        """The gap as a problem, for the CLI's and the TUI's words."""
        desk, agency = (self.desk_no, self.agency_code) if self.desk_no is not None else (self.desk_id, "")
        if self.first_seq == self.last_seq:
            return problem("sync.missing_event", desk=desk, agency_code=agency, seq=self.first_seq)
        return problem("sync.missing_events", desk=desk, agency_code=agency, first=self.first_seq, last=self.last_seq)


@dataclass
class IngestResult:
    imported: int
    skipped: int
    acknowledged: list[str] = field(default_factory=list)
    """Every event id of the run this home now holds (new and already known)."""
    gaps: list[Gap] = field(default_factory=list)
    """Open gaps of the desk after the import."""
    dossiers: int = 0
    """Dossiers rebuilt."""


def _rebuild(
    db, codes: list[str], fresh: dict[tuple[str, int], bytes], staged: Staged | StoredStates | None, q: HubQueries
) -> int:
    """Write the current state of each dossier touched, from its latest snapshot only.

    Per desk the latest snapshot by seq wins (a desk's own order, whatever its
    clock said); between desks, the latest by (at, seq, desk_id). ``fresh``
    holds the payloads (JSON) of the events just received, so they are not read
    back; ``staged`` gives the states already made of some events (:class:`StoredStates`: stored where the
    database inserts them from).
    """
    if not codes:
        return 0
    q.lock_dossiers(db, codes)  # PostgreSQL: another desk's batch about one of them waits (SQLite: one writer)
    candidates = q.latest_events_per_desk(db, codes)
    keys = [(c["desk_id"], c["seq"]) for c in candidates]
    stored = staged if isinstance(staged, StoredStates) else None
    ahead = stored.ids(keys) if stored else {}  # made and stored: only their dossier ids are read here
    made = staged(keys) if staged is not None and not isinstance(staged, StoredStates) else {}
    states: dict[tuple[str, int], State] = {k: v[:2] for k, v in made.items()}
    folds = {k: v[2] for k, v in made.items()}  # the applicant's folded name, made with the state
    need = [k for k in keys if k not in made and k not in ahead]
    payloads = q.event_payloads(db, [k for k in need if k not in fresh])
    states.update({k: state_of(orjson.loads(fresh[k] if k in fresh else payloads[k])) for k in need})
    lacking = {
        (c["dossier_code"], c["desk_id"])
        for c in candidates
        if (c["desk_id"], c["seq"]) not in ahead and states[(c["desk_id"], c["seq"])] is None
    }
    if lacking:
        # a desk's latest event about these dossiers carries no snapshot (a print, say): take its latest that does
        older = {
            (c["dossier_code"], c["desk_id"]): c
            for c in q.latest_snapshot_events_per_desk(db, sorted({code for code, _ in lacking}))
        }
        chosen_or_none = [
            older.get(key) if key in lacking else c for c in candidates for key in [(c["dossier_code"], c["desk_id"])]
        ]
        candidates = [c for c in chosen_or_none if c is not None]
        more = [
            (c["desk_id"], c["seq"])
            for c in candidates
            if (c["desk_id"], c["seq"]) not in ahead and states.get((c["desk_id"], c["seq"])) is None
        ]
        states.update({k: state_of(orjson.loads(v)) for k, v in q.event_payloads(db, more).items()})
    best: dict[str, dict] = {}
    for c in candidates:
        cur = best.get(c["dossier_code"])
        if cur is None or (c["at"], c["seq"], c["desk_id"]) > (cur["at"], cur["seq"], cur["desk_id"]):
            best[c["dossier_code"]] = c
    chosen: dict[str, tuple[Sequence, Sequence[Sequence]]] = {}
    folded_of: dict[str, str] = {}
    stored_of: dict[str, tuple[str, int]] = {}  # code → key of a stored state
    id_of: dict[str, str] = {}
    for code, c in best.items():
        key = (c["desk_id"], c["seq"])
        if key in ahead:
            stored_of[code] = key
            id_of[code] = ahead[key]
            continue
        state = states[key]
        if state is not None:
            chosen[code] = state
            id_of[code] = state[0][ID]
            if key in folds:
                folded_of[code] = folds[key]
    ids_by_code = q.dossier_ids_by_code(db, list(id_of))
    clashes = [
        problem("records.code_taken", code=code)
        for code, dossier_id in id_of.items()
        if code in ids_by_code and ids_by_code[code] != dossier_id
    ]
    if clashes:
        raise ChainConflict("records.codes_collide", findings=shown(clashes), more=hidden(clashes))
    present = q.existing_dossier_ids(db, list(id_of.values()))
    inserted_ahead = [key for code, key in stored_of.items() if id_of[code] not in present]
    replaced = [key for code, key in stored_of.items() if id_of[code] in present]
    if stored and replaced:  # dossiers already here: replaced from their full states, as any other
        full = stored.states(replaced)
        for code, key in stored_of.items():
            if key in full:
                chosen[code] = full[key][:2]
                folded_of[code] = full[key][2]
    new_rows: list[tuple] = []
    new_lines: list[tuple] = []
    old_rows: list[tuple] = []
    old_lines: list[tuple] = []
    for code, (row, lines) in chosen.items():
        folded = folded_of[code] if code in folded_of else fold_name(row[APPLICANT_NAME])
        dossier_id = row[ID]
        if dossier_id in present:
            old_rows.append((*row, folded))
            old_lines += [(*line, dossier_id) for line in lines]
        else:
            new_rows.append((*row, folded))
            new_lines += [(*line, dossier_id) for line in lines]
    q.replace_dossiers(db, old_rows, old_lines)  # those stored already: in one statement per table (PostgreSQL)
    q.insert_dossiers(db, new_rows, new_lines)
    if stored and inserted_ahead:
        stored.insert(db, inserted_ahead)
    # the hub's result_files, from the snapshots the dossiers were rebuilt from
    rebuild_results(
        db,
        q,
        {code: (best[code]["desk_id"], best[code]["seq"], dossier_id) for code, dossier_id in id_of.items()},
        fresh,
    )
    return len(id_of)


def _refresh_gaps(db, q: HubQueries, desk_id: str, lo: int, hi: int, at: str, by: str) -> None:
    """Close the recorded gaps that events ``lo…hi`` filled, record the ones they reveal."""
    gaps, first, last = q.seq_gaps(db, desk_id, (lo, hi))
    current = set(gaps)
    recorded = {
        (g["first_seq"], g["last_seq"]): g
        for g in q.open_gaps(db, desk_id)
        if g["first_seq"] >= first and g["last_seq"] <= last
    }
    for span, g in recorded.items():
        if span not in current:
            q.close_gap(db, g["id"], at, by)
    for first_seq, last_seq in sorted(current - set(recorded)):
        q.open_gap(db, desk_id, first_seq, last_seq, at, by)


def desk_gaps(db, desk_id: str | None = None, q: HubQueries = SQLITE_QUERIES) -> list[Gap]:
    """Open gaps recorded at this hub (for one desk, or all); ``db`` a handle of the store of ``q``. Reads the
    gaps and the rows of their desks only (each pushed batch asks: nothing here may grow with the hub)."""
    gaps = q.open_gaps(db, desk_id)
    desks = q.sync_desk_rows(db, sorted({g["desk_id"] for g in gaps}))
    out = []
    for g in gaps:
        d = desks.get(g["desk_id"], {})
        out.append(Gap(g["desk_id"], d.get("desk_no"), d.get("agency_code", ""), g["first_seq"], g["last_seq"]))
    return out


class Busy(DeskError):
    """This home is publishing a bundle: try again in a moment (the hub answers 503)."""

    exit_code = EXIT_UNEXPECTED  # not the bundle's fault nor the person's: SPEC §9 has no code of its own for it


class RunChecks:
    """The checks of a run of one desk's events against this home, part by part, writing nothing.

    :meth:`part` returns the part's events this home does not hold yet (those it
    holds are counted as skipped) or raises ChainConflict: they must continue
    the desk's events already here, their ids be new, their dossiers' identities
    agree with the register and among themselves, their first status be the one
    the desk's chain left. The run's earlier parts are taken into account
    whether they were written meanwhile (a pushed batch, one transaction) or not
    (a bundle, staged first: ``desk.sync.publish``).
    """

    def __init__(self, db, *, desk_id: str, desk_no: int, where: str, q: HubQueries = SQLITE_QUERIES):
        self.db, self.desk_id, self.desk_no, self.where, self.q = db, desk_id, desk_no, where, q
        self.skipped = 0
        self.acknowledged: list[str] = []
        self.lo = self.hi = self.new = self.first_new = self.last_new = 0
        self.last_hash = ""
        self._ids: set[str] = set()  # the event ids of the run's new events
        self._identities = RunIdentities()
        self._codes: set[str] = set()  # the dossiers the run's earlier parts are about
        self._chain_below: bool | None = None

    def part(self, run: Run) -> list[tuple]:
        rows = run.rows
        if not rows:
            return []
        if not self.lo:
            self.lo = rows[0][1]
        self.hi, self.last_hash = rows[-1][1], rows[-1][9]
        new = self._new_rows(rows)
        clash = identity_problem(self.db, run.identities, where=self.where, run=self._identities, q=self.q)
        if clash is None:
            entries = {code: status for code, status in run.entries.items() if code not in self._codes}
            self._codes.update(run.entries)
            if any(status is not None for status in entries.values()):
                clash = entry_problem(self.db, self.desk_id, self.lo, entries, where=self.where, q=self.q)
        if clash is not None:
            raise ChainConflict(clash)
        if new:
            self.new += len(new)
            self.first_new = self.first_new or new[0][1]
            self.last_new = new[-1][1]
        return new

    def _new_rows(self, rows: list[tuple]) -> list[tuple]:
        # a row: desk_id, seq, event_id, dossier_code, type, at, clerk, payload, prev_hash, hash
        db, desk_id, q = self.db, self.desk_id, self.q
        seqs = {row[1] for row in rows}
        around = q.event_rows_between(db, desk_id, rows[0][1] - 1, rows[-1][1] + 1)
        elsewhere = q.event_ids_present(db, [row[2] for row in rows])
        ids = self._ids
        problems: list[Problem] = []
        new: list[tuple] = []
        for row in rows:
            seq, event_id, prev_hash, hash_ = row[1], row[2], row[8], row[9]
            have = around.get(seq)
            if have is not None:
                if have["event_id"] == event_id and have["hash"] == hash_:
                    self.skipped += 1
                    self.acknowledged.append(event_id)
                else:
                    problems.append(problem("records.differs", seq=seq))
                continue
            if event_id in elsewhere or event_id in ids:
                problems.append(problem("records.id_taken", seq=seq, event_id=event_id))
                continue
            if seq - 1 not in seqs and seq - 1 in around and around[seq - 1]["hash"] != prev_hash:
                problems.append(problem("records.follows_not", seq=seq, previous=seq - 1))
            if seq + 1 not in seqs and seq + 1 in around and around[seq + 1]["prev_hash"] != hash_:
                problems.append(problem("records.followed_not", seq=seq + 1, previous=seq))
            ids.add(event_id)
            new.append(row)
        if problems:
            raise ChainConflict(
                "records.conflict",
                where=self.where,
                desk_no=self.desk_no,
                desk_id=desk_id,
                findings=shown(problems),
                more=hidden(problems),
            )
        return new


def write_rows(
    db,
    desk_id: str,
    rows: list[tuple],
    staged: Staged | StoredStates | None = None,
    q: HubQueries = SQLITE_QUERIES,
    snapshots: dict[int, tuple] | None = None,
) -> int:
    """Insert checked new events (rows of EVENT_COLUMNS, in seq order) and rebuild the dossiers they touch;
    returns how many were rebuilt. Inside a write transaction. ``snapshots``: their run's
    (:attr:`Run.snapshots`), for a store that keeps them beside the events."""
    if not rows:
        return 0
    if q.insert_event_rows(db, rows, snapshots) != len(rows):
        # another desk's batch brought one of these event ids after the checks (PostgreSQL: desks run side
        # by side): nothing of this run is kept; sent again, the checks see it
        raise Busy("sync.events_raced", field="bundle", desk_id=desk_id)
    q.keep_event_counts(db, desk_id, len(rows), rows[-1][1])  # desk hub status's figures, kept in this transaction
    latest = {row[3]: row for row in rows if row[3]}  # per dossier code, its latest event here
    fresh = {(desk_id, row[1]): row[7] for row in latest.values()}
    rebuilt = _rebuild(db, sorted(latest), fresh, staged, q)
    codes = sorted(latest)
    # the board's duplicates across desks, and the files the dossiers reference that have not arrived
    # (db.board_queries, db.file_queries; on either store)
    q.flag_duplicates(db, codes)
    q.note_missing_files(db, codes)

    # the QĐ 766 running sums of the dossiers rebuilt (db.indicator_sums, db.pg.indicator_sums)
    q.refresh_indicator_sums(db, codes)

    # forwarding to the portal (docs/forwarding.md): asked for in this transaction, with the events (either store)
    outbox_of(q).enqueue(db, desk_id, codes, clock.now().isoformat(timespec="seconds"))

    return rebuilt


def record_run(db, checks: RunChecks, *, source: str, name: str, agency_code: str, imported: int, now: str) -> None:
    """What the run brought: its mark, its desk, the gaps it filled or revealed, the import. Inside the write
    transaction of its last new events."""
    desk_id, q = checks.desk_id, checks.q
    q.add_mark(db, desk_id, checks.first_new, checks.last_new, f"{source}:{name}", now)
    q.upsert_desk(db, desk_id, agency_code, checks.desk_no, now)
    _refresh_gaps(db, q, desk_id, checks.lo, checks.hi, now, f"{source} {name}")
    q.record_import(
        db,
        {
            "source": source,
            "name": name,
            "desk_id": desk_id,
            "agency_code": agency_code,
            "desk_no": checks.desk_no,
            "first_seq": checks.lo,
            "last_seq": checks.hi,
            "imported_events": imported,
            "skipped_events": checks.skipped,
            "last_hash": checks.last_hash,
            "at": now,
        },
    )


def ingest(
    desk,
    runs: Iterable[Run],
    *,
    source: str,
    name: str,
    desk_id: str,
    agency_code: str,
    desk_no: int,
    where: str,
    total: int,
    progress: Progress | None = None,
    before_commit: Callable[[IngestResult, Any], None] | None = None,
    store: HubStore | None = None,
) -> IngestResult:
    """Store a checked run of one desk's events in one transaction; see the module docstring.

    ``runs``: the run in seq order, in one or more parts; ``total``: how many
    events they hold, for ``progress``. ``before_commit(result, db)`` runs inside the
    transaction (``db``: its handle) (the hub stores its idempotent response there); if it raises,
    nothing is imported. Known events are skipped, so ingesting twice changes
    nothing. While a bundle is being published (``desk.sync.publish``) nothing
    is ingested: raises :class:`Busy`. ``store``: the hub's (:func:`desk.sync.store.hub_store` of ``desk``
    when not given); on PostgreSQL the transaction first takes the desk's advisory lock.
    """
    store = store or hub_store(desk)
    q = store.q
    refuse_own_desk(desk, desk_id, where)
    now = clock.now().isoformat(timespec="seconds")
    with store.writing(desk_id, total) as db:
        if q.generation(db)[1]:
            raise Busy("sync.hub_publishing", field="bundle", where=where)
        result = IngestResult(imported=0, skipped=0)
        checks = RunChecks(db, desk_id=desk_id, desk_no=desk_no, where=where, q=q)
        for run in runs:
            new = checks.part(run)
            result.skipped = checks.skipped
            if new:
                staged = run.staged if run.states else None
                result.dossiers += write_rows(db, desk_id, new, staged, q=q, snapshots=run.snapshots)
                result.imported += len(new)
                result.acknowledged.extend(row[2] for row in new)
            if progress:
                progress(result.skipped + result.imported, total)
        result.acknowledged[:0] = checks.acknowledged
        if checks.first_new:
            record_run(db, checks, source=source, name=name, agency_code=agency_code, imported=result.imported, now=now)
        if checks.lo:
            result.gaps = desk_gaps(db, desk_id, q)
            if progress:
                progress(total, total)
        if before_commit:
            before_commit(result, db)
    return result


def refuse_own_desk(desk, desk_id: str, where: str) -> None:
    if desk_id == desk.desk_id:
        # another home's events under this home's desk id: the next intake here would chain onto them
        raise ChainConflict("sync.own_desk_id", field="bundle", where=where, desk_id=desk_id)
