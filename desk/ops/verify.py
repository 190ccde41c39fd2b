"""``desk verify``: SQLite integrity, the hash chain of every desk, seq gaps, dossiers without events, and
that every event has its dossier and every dossier its desk (what a hub's imports must keep).

At a hub on PostgreSQL (``[hub] database``) the same checks run over its store too
(``desk.sync.store``: the same code, the store's queries), and the QĐ 766 running sums are recounted there as
they are in the home (``indicators.sums_differ``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from db import indicator_sums, queries
from desk.dossier import events
from desk.rules.problems import Problem, problem
from desk.sync.hub_files import missing_files
from desk.sync.ingest import Busy
from desk.sync.publish import resume
from desk.sync.store import POSTGRESQL, SQLITE_QUERIES, HubQueries, hub_store

CHUNK = 5000


@dataclass
class VerifyReport:
    problems: list[Problem] = field(default_factory=list)
    """What is wrong: the home is not sound (``sqlite.*``, ``chain.*``, ``dossier.no_events``,
    ``dossier.no_desk_events``, ``event.no_dossier``, ``event.other_dossier``)."""
    warnings: list[Problem] = field(default_factory=list)
    """What is worth a look (``clock.went_backwards``), and at a hub the events of other desks that
    have not arrived yet (``sync.gap_expected``: a gap the imports recorded, not a fault), and the files
    their dossiers reference that have not arrived (``sync.file_missing``)."""
    notes: list[Problem] = field(default_factory=list)
    """What a reader of the figures should know: dossiers entered after they were received
    (``dossier.caught_up``: both times and the reason)."""

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(desk, progress: Callable[[int], None] | None = None) -> VerifyReport:
    """Problems found (none means the home is sound) and warnings worth a look."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    completed: list[str] = []
    try:
        completed = resume(desk)  # a bundle's publication left half-way by a killed import is completed first
    except Busy as exc:  # another process is publishing one now: what it published so far is checked
        warnings.append(exc.problem)
    result = [r[0] for r in desk.db.execute("PRAGMA integrity_check").fetchall()]
    if result != ["ok"]:
        problems += [problem("sqlite.integrity", detail=r) for r in result[:20]]
    if desk.db.execute("PRAGMA foreign_key_check").fetchone() is not None:
        problems.append(problem("sqlite.foreign_keys"))
    done = _chains_and_register(desk, desk.db, SQLITE_QUERIES, problems, warnings, progress)
    store = hub_store(desk)
    differences = indicator_sums.recount_differences(desk.db)
    if store.kind == POSTGRESQL:
        with store.reading() as db:
            _chains_and_register(desk, db, store.q, problems, warnings, progress, done)
            # the QĐ 766 sums of the desks' dossiers the store holds, recounted as the home's are
            differences += store.q.indicator_recount_differences(db)
    problems += [
        problem(
            "indicators.sums_differ",
            day=r["day"],
            desk_no=r["desk_no"],
            clerk=r["clerk"],
            procedure=r["procedure_code"],
            side=r["side"],
        )
        for r in differences
    ]
    # at a hub, the files other desks' dossiers reference that have not arrived (yet)
    warnings += [
        problem("sync.file_missing", code=code, line=line, sha256=sha) for code, line, sha in missing_files(desk)
    ]
    clock_note = queries.get_meta(desk.db, "clock_backwards")
    if clock_note:
        warnings.append(problem("clock.went_backwards", detail=clock_note))
    notes = [
        problem(
            "dossier.caught_up",
            code=r["code"],
            claimed_at=r["claimed_at"],
            entered_at=r["entered_at"],
            reason=r["reason"],
        )
        for r in queries.catch_ups(desk.db, limit=None)  # every one: an audit leaves none out
    ]
    notes += [problem("sync.publication_completed", bundle=name) for name in completed]
    return VerifyReport(problems, warnings, notes)


def _chains_and_register(
    desk,
    db,
    q: HubQueries,
    problems: list[Problem],
    warnings: list[Problem],
    progress: Callable[[int], None] | None,
    done: int = 0,
) -> int:
    """The chain of every desk in ``db`` (its gaps recorded by imports are warnings), dossiers without events,
    events without their dossier or of another one, dossiers without their desk's events; returns the events
    read so far (``done`` before)."""
    for desk_id in q.desk_ids(db):
        # another desk's events that never reached this hub leave a gap its imports recorded; this
        # desk's own, the events between a restored backup and the head `desk recover` adopted
        if desk_id == desk.desk_id:
            expected = _recovered(desk)
        else:
            expected = [(g["first_seq"], g["last_seq"]) for g in q.open_gaps(db, desk_id)]
        expect, prev = 1, events.GENESIS
        after = 0
        while True:
            rows = q.event_rows(db, desk_id, after_seq=after, limit=CHUNK)
            if not rows:
                break
            records = [events.row_to_record(r) for r in rows]
            for found in events.chain_problems(records, expect_seq=expect, prev_hash=prev):
                if found.code == "chain.missing" and _recorded(found, expected):
                    first, last = found.params["first"], found.params["last"]
                    if desk_id == desk.desk_id:
                        warnings.append(problem("chain.recovered_gap", desk=desk_id, first=first, last=last))
                    else:
                        warnings.append(problem("sync.gap_expected", desk=desk_id, first=first, last=last))
                else:
                    problems.append(found)
            expect, prev, after = records[-1]["seq"] + 1, records[-1]["hash"], records[-1]["seq"]
            done += len(rows)
            if progress:
                progress(done)
    problems += [problem("dossier.no_events", code=code) for code in q.dossier_codes_without_events(db)]
    problems += [
        problem("event.no_dossier", desk=r["desk_id"], seq=r["seq"], code=r["dossier_code"])
        for r in q.events_without_dossier(db)
    ]
    problems += [
        problem(
            "event.other_dossier",
            desk=r["desk_id"],
            seq=r["seq"],
            code=r["dossier_code"],
            snapshot_id=r["snapshot_id"],
            dossier_id=r["dossier_id"],
        )
        for r in q.events_of_another_dossier(db)
    ]
    problems += [
        problem("dossier.no_desk_events", code=r["code"], desk=r["desk_id"]) for r in q.dossiers_without_their_desk(db)
    ]
    problems += [
        problem("hub.lines_without_dossier", dossier_id=r["dossier_id"], lines=r["lines"])
        for r in q.lines_without_dossier(db)
    ]
    problems += _kept_counts(db, q)
    problems += [
        problem(
            "sync.latest_events_differ",
            code=r["dossier_code"],
            desk=r["desk_id"],
            kept=r["kept_seq"] or 0,
            kept_snapshot=r["kept_snapshot_seq"] or 0,
            counted=r["counted_seq"] or 0,
            counted_snapshot=r["counted_snapshot_seq"] or 0,
        )
        for r in q.latest_event_differences(db)
    ]
    return done


def _kept_counts(db, q: HubQueries) -> list[Problem]:
    """The per-desk figures ``desk hub status`` reads (kept as events arrive), against a recount."""
    counted = {r["desk_id"]: (r["events"], r["last_seq"]) for r in q.recount_events(db)}
    out = []
    for r in q.hub_desk_rows(db):
        kept, now = (r["events"], r["last_seq"]), counted.get(r["desk_id"], (0, None))
        if kept != now:
            out.append(
                problem(
                    "sync.event_counts_differ",
                    desk=r["desk_id"],
                    kept=kept[0],
                    kept_seq=kept[1] or 0,
                    counted=now[0],
                    counted_seq=now[1] or 0,
                )
            )
    return out


def _recorded(missing: Problem, gaps: list[tuple[int, int]]) -> bool:
    """Whether a missing run of seqs lies inside a gap recorded by an import (events on their way)."""
    first, last = missing.params["first"], missing.params["last"]
    return any(lo <= first and last <= hi for lo, hi in gaps)


def _recovered(desk) -> list[tuple[int, int]]:
    value = queries.get_meta(desk.db, events.RECOVERED_KEY)
    if not value:
        return []
    head = json.loads(value)
    if head.get("desk_id") != desk.desk_id:
        return []
    return [(head["after"] + 1, head["seq"])]
