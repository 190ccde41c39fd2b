"""The hub's side of sync, shared by bundle import and the HTTP receiver: one transaction per run.

:func:`ingest` takes a run of one desk's events that passed the records
check (``desk.sync.records``) and, in one transaction, checks continuity
with that desk's events already at this home, skips known event ids, inserts
the new events, rebuilds the dossiers they touch from their snapshots, and
records the import and any seq gap. Bundles (``desk.sync.bundle_read``) and
pushed batches (``desk.sync.hub``) both go through here, so the two paths
cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import orjson

from db import queries, write_transaction
from db import sync_queries as sq
from desk import clock
from desk.dossier.rows import from_snapshot
from desk.errors import DeskError, IntegrityFailure
from desk.rules.canonical import EventLine
from desk.sync.records import fail, is_snapshot

Progress = Callable[[int, int], None]
"""``progress(done, total)``; it may raise (for example :class:`Cancelled`) to stop the work."""


class Cancelled(DeskError):
    """The person stopped the work; nothing was changed."""

    exit_code = 130


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

    def describe(self) -> str:
        who = f"desk {self.desk_no} of {self.agency_code}" if self.desk_no is not None else f"desk {self.desk_id}"
        span = f"event {self.first_seq}" if self.first_seq == self.last_seq else f"events {self.first_seq}–{self.last_seq}"
        return f"{who}: {span} have not arrived (a bundle or batch is missing)"


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



def _rebuild(db, codes: list[str], fresh: dict[tuple[str, int], dict]) -> int:
    """Write the current state of each dossier touched.

    Per desk the latest snapshot by seq wins (a desk's own order, whatever its
    clock said); between desks, the latest by (at, seq, desk_id). ``fresh``
    holds the parsed payloads just received, so they are not read back.
    """
    if not codes:
        return 0
    candidates = sq.latest_events_per_desk(db, codes)
    keys = [(c["desk_id"], c["seq"]) for c in candidates]
    stored = sq.event_payloads(db, [k for k in keys if k not in fresh])
    payloads = {k: fresh[k] if k in fresh else orjson.loads(stored[k]) for k in keys}
    lacking = {(c["dossier_code"], c["desk_id"]) for c in candidates
               if not is_snapshot(payloads[(c["desk_id"], c["seq"])])}
    if lacking:
        # a desk's latest event about these dossiers carries no snapshot (a print, say): take its latest that does
        older = {(c["dossier_code"], c["desk_id"]): c
                 for c in sq.latest_snapshot_events_per_desk(db, sorted({code for code, _ in lacking}))}
        candidates = [older.get(key) if key in lacking else c
                      for c in candidates for key in [(c["dossier_code"], c["desk_id"])]]
        candidates = [c for c in candidates if c is not None]
        more = [(c["desk_id"], c["seq"]) for c in candidates if (c["desk_id"], c["seq"]) not in payloads]
        payloads.update({k: orjson.loads(v) for k, v in sq.event_payloads(db, more).items()})
    best: dict[str, dict] = {}
    for c in candidates:
        cur = best.get(c["dossier_code"])
        if cur is None or (c["at"], c["seq"], c["desk_id"]) > (cur["at"], cur["seq"], cur["desk_id"]):
            best[c["dossier_code"]] = c
    states = {code: from_snapshot(payloads[(c["desk_id"], c["seq"])]) for code, c in best.items()}
    ids_by_code = sq.dossier_ids_by_code(db, list(states))
    clashes = [
        f"dossier code {code} already belongs to another dossier at this home"
        for code, (row, _) in states.items()
        if code in ids_by_code and ids_by_code[code] != row["id"]
    ]
    if clashes:
        raise fail(
            "dossier codes collide (two desks of the agency may share one desk number)", clashes, ChainConflict
        )
    present = sq.existing_dossier_ids(db, [row["id"] for row, _ in states.values()])
    new_rows, new_lines = [], []
    for row, lines in states.values():
        if row["id"] in present:
            queries.replace_dossier(db, row, lines)
        else:
            new_rows.append(row)
            dossier_id = row["id"]
            for line in lines:  # from_snapshot's own copies
                line["dossier_id"] = dossier_id
            new_lines += lines
    sq.insert_dossiers(db, new_rows, new_lines)
    return len(states)


def _refresh_gaps(db, desk_id: str, lo: int, hi: int, at: str, by: str) -> None:
    """Close the recorded gaps that events ``lo…hi`` filled, record the ones they reveal."""
    current, first, last = sq.seq_gaps(db, desk_id, (lo, hi))
    current = set(current)
    recorded = {
        (g["first_seq"], g["last_seq"]): g
        for g in sq.open_gaps(db, desk_id)
        if g["first_seq"] >= first and g["last_seq"] <= last
    }
    for span, g in recorded.items():
        if span not in current:
            sq.close_gap(db, g["id"], at, by)
    for first_seq, last_seq in sorted(current - set(recorded)):
        sq.open_gap(db, desk_id, first_seq, last_seq, at, by)


def desk_gaps(db, desk_id: str | None = None) -> list[Gap]:
    """Open gaps recorded at this home (for one desk, or all)."""
    desks = {d["desk_id"]: d for d in sq.hub_desk_rows(db)}
    out = []
    for g in sq.open_gaps(db, desk_id):
        d = desks.get(g["desk_id"], {})
        out.append(Gap(g["desk_id"], d.get("desk_no"), d.get("agency_code", ""), g["first_seq"], g["last_seq"]))
    return out


def ingest(
    desk,
    checked: list[EventLine],
    *,
    source: str,
    name: str,
    desk_id: str,
    agency_code: str,
    desk_no: int,
    where: str,
    progress: Progress | None = None,
    before_commit: Callable[[IngestResult], None] | None = None,
) -> IngestResult:
    """Store a checked run of one desk's events in one transaction; see the module docstring.

    ``before_commit`` runs inside the transaction (the hub stores its
    idempotent response there; bundle import writes scans); if it raises,
    nothing is imported. Known events are skipped, so ingesting twice changes
    nothing.
    """
    db = desk.db
    total = len(checked)
    now = clock.now().isoformat(timespec="seconds")
    mark = f"{source}:{name}"
    with sq.bulk_cache(db, total), write_transaction(db):
        result = IngestResult(imported=0, skipped=0)
        if not checked:
            if before_commit:
                before_commit(result)
            return result
        seqs = {c.record["seq"] for c in checked}
        lo, hi = checked[0].record["seq"], checked[-1].record["seq"]
        around = sq.event_rows_between(db, desk_id, lo - 1, hi + 1)
        elsewhere = sq.event_ids_present(db, [c.record["event_id"] for c in checked])
        problems: list[str] = []
        new: list[EventLine] = []
        for c in checked:
            r = c.record
            seq = r["seq"]
            have = around.get(seq)
            if have is not None:
                if have["event_id"] == r["event_id"] and have["hash"] == r["hash"]:
                    result.skipped += 1
                    result.acknowledged.append(r["event_id"])
                else:
                    problems.append(f"seq {seq} differs from the event this home already has for that desk")
                continue
            if r["event_id"] in elsewhere:
                problems.append(f"seq {seq}: event id {r['event_id']} is already stored as another event")
                continue
            if seq - 1 not in seqs and seq - 1 in around and around[seq - 1]["hash"] != r["prev_hash"]:
                problems.append(f"seq {seq} does not follow seq {seq - 1} already at this home (chain broken)")
            if seq + 1 not in seqs and seq + 1 in around and around[seq + 1]["prev_hash"] != r["hash"]:
                problems.append(f"seq {seq + 1} already at this home does not follow seq {seq} (chain broken)")
            new.append(c)
        if problems:
            raise fail(f"{where} (desk {desk_no}, {desk_id})", problems, ChainConflict)
        step = 2000
        for i in range(0, len(new), step):
            part = new[i : i + step]
            sq.insert_event_rows(
                db,
                [
                    (desk_id, r["seq"], r["event_id"], r["dossier_code"], r["type"], r["at"], r["clerk"],
                     c.payload_json, r["prev_hash"], r["hash"])
                    for c in part
                    for r in (c.record,)
                ],
            )
            result.imported += len(part)
            result.acknowledged.extend(c.record["event_id"] for c in part)
            if progress:
                progress(result.skipped + result.imported, total)
        if new:
            codes = sorted({c.record["dossier_code"] for c in new if c.record["dossier_code"]})
            fresh = {(desk_id, c.record["seq"]): c.record["payload"] for c in new}
            result.dossiers = _rebuild(db, codes, fresh)
            sq.add_mark(db, desk_id, new[0].record["seq"], new[-1].record["seq"], mark, now)
            sq.upsert_desk(db, desk_id, agency_code, desk_no, now)
            _refresh_gaps(db, desk_id, lo, hi, now, f"{source} {name}")
            sq.record_import(
                db,
                {
                    "source": source,
                    "name": name,
                    "desk_id": desk_id,
                    "agency_code": agency_code,
                    "desk_no": desk_no,
                    "first_seq": lo,
                    "last_seq": hi,
                    "imported_events": result.imported,
                    "skipped_events": result.skipped,
                    "last_hash": checked[-1].record["hash"],
                    "at": now,
                },
            )
        result.gaps = desk_gaps(db, desk_id)
        if progress:
            progress(total, total)
        if before_commit:
            before_commit(result)
    return result
