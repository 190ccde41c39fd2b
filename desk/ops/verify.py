"""``desk verify``: SQLite integrity, the hash chain of every desk, seq gaps, dossiers without events, and
that every event has its dossier and every dossier its desk (what a hub's imports must keep)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from db import hub_checks, queries
from desk.dossier import events
from desk.rules.problems import Problem, problem

CHUNK = 5000


@dataclass
class VerifyReport:
    problems: list[Problem] = field(default_factory=list)
    """What is wrong: the home is not sound (``sqlite.*``, ``chain.*``, ``dossier.no_events``,
    ``dossier.no_desk_events``, ``event.no_dossier``, ``event.other_dossier``)."""
    warnings: list[Problem] = field(default_factory=list)
    """What is worth a look (``clock.went_backwards``)."""

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(desk, progress: Callable[[int], None] | None = None) -> VerifyReport:
    """Problems found (none means the home is sound) and warnings worth a look."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    result = [r[0] for r in desk.db.execute("PRAGMA integrity_check").fetchall()]
    if result != ["ok"]:
        problems += [problem("sqlite.integrity", detail=r) for r in result[:20]]
    if desk.db.execute("PRAGMA foreign_key_check").fetchone() is not None:
        problems.append(problem("sqlite.foreign_keys"))
    done = 0
    for desk_id in queries.desk_ids(desk.db):
        expect, prev = 1, events.GENESIS
        after = 0
        while True:
            rows = queries.event_rows(desk.db, desk_id, after_seq=after, limit=CHUNK)
            if not rows:
                break
            records = [events.row_to_record(r) for r in rows]
            problems += events.chain_problems(records, expect_seq=expect, prev_hash=prev)
            expect, prev, after = records[-1]["seq"] + 1, records[-1]["hash"], records[-1]["seq"]
            done += len(rows)
            if progress:
                progress(done)
    missing = queries.dossier_codes_without_events(desk.db)
    problems += [problem("dossier.no_events", code=code) for code in missing]
    problems += [
        problem("event.no_dossier", desk=r["desk_id"], seq=r["seq"], code=r["dossier_code"])
        for r in hub_checks.events_without_dossier(desk.db)
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
        for r in hub_checks.events_of_another_dossier(desk.db)
    ]
    problems += [
        problem("dossier.no_desk_events", code=r["code"], desk=r["desk_id"])
        for r in hub_checks.dossiers_without_their_desk(desk.db)
    ]
    clock_note = queries.get_meta(desk.db, "clock_backwards")
    if clock_note:
        warnings.append(problem("clock.went_backwards", detail=clock_note))
    return VerifyReport(problems, warnings)
