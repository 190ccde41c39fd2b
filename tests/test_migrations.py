"""Schema migrations: a home made by an older version opens with its data intact."""

from __future__ import annotations

from db import open_db, queries, write_transaction
from db import sync_queries as sq
from db.migrations import MIGRATIONS, migrate


def _old_home(path):
    """A database as version 0.1 left it: sync state in the events' own ``synced`` column."""
    db = open_db(path, migrate=False)
    with write_transaction(db):
        MIGRATIONS.apply(db, stop_before="m004_sync_state_apart")
    rows = [
        # desk A: 1–3 went out in a bundle, 4 was acknowledged by a hub, 5–6 wait
        ("A", 1, "bundle:a.deskbundle"),
        ("A", 2, "bundle:a.deskbundle"),
        ("A", 3, "bundle:a.deskbundle"),
        ("A", 4, "hub:k1"),
        ("A", 5, ""),
        ("A", 6, ""),
        # desk B's events arrived here from a bundle (this home is B's hub)
        ("B", 1, "bundle:b.deskbundle"),
        ("B", 2, "bundle:b.deskbundle"),
    ]
    with write_transaction(db):
        db.conn.executemany(
            "INSERT INTO events(desk_id, seq, event_id, dossier_code, type, at, clerk, payload, prev_hash, hash, synced)"
            " VALUES (?, ?, ?, ?, 'dossier.received', '2026-11-20T08:00:00', 'x', '{}', '', '', ?)",
            [(d, s, f"{d}{s}", f"code-{d}{s}", mark) for d, s, mark in rows],
        )
    return db


def test_sync_state_moves_out_of_the_events(tmp_path):
    db = _old_home(tmp_path / "desk.sqlite3")
    migrate(db)
    assert "synced" not in {c.name for c in db["events"].columns}
    assert queries.count_unsynced(db, "A") == 2
    assert sq.first_pending_seq(db, "A") == 5
    assert [r["seq"] for r in sq.pending_event_rows(db, "A", 10)] == [5, 6]
    assert queries.sync_marks(db, "A") == {
        1: "bundle:a.deskbundle",
        2: "bundle:a.deskbundle",
        3: "bundle:a.deskbundle",
        4: "hub:k1",
        5: "",
        6: "",
    }
    assert queries.sync_marks(db, "B") == {1: "bundle:b.deskbundle", 2: "bundle:b.deskbundle"}
    assert queries.count_unsynced(db, "B") == 0


def test_a_hub_acknowledgement_outranks_a_bundle_and_stays_first(tmp_path):
    db = open_db(tmp_path / "desk.sqlite3")
    with write_transaction(db):
        for seq in (1, 2, 3):
            queries.insert_event(
                db,
                {
                    "desk_id": "A",
                    "seq": seq,
                    "event_id": f"e{seq}",
                    "dossier_code": "c",
                    "type": "t",
                    "at": "2026-11-20T08:00:00",
                    "clerk": "x",
                    "payload": "{}",
                    "prev_hash": "",
                    "hash": "",
                },
            )
    assert queries.sync_marks(db, "A") == {1: "", 2: "", 3: ""}
    with write_transaction(db):
        assert sq.mark_acknowledged(db, "A", ["e2"], "hub:k1", "2026-11-20T09:00:00") == 1
        assert sq.mark_range_exported(db, "A", 1, 3, "bundle:x", "2026-11-20T10:00:00") == 2
        sq.mark_acknowledged(db, "A", ["e2", "e3"], "hub:k2", "2026-11-20T11:00:00")
        # a later export of the same range finds nothing pending and records nothing
        assert sq.mark_range_exported(db, "A", 1, 3, "bundle:y", "2026-11-20T12:00:00") == 0
    assert queries.sync_marks(db, "A") == {1: "bundle:x", 2: "hub:k1", 3: "hub:k2"}
    assert queries.count_unsynced(db, "A") == 0 and sq.count_pending_dossiers(db, "A") == 0
