"""The gaps a pushed batch is answered with are read from the gaps and their desks only (issue 17, point 5):
before, every batch counted the events of every desk of the hub (``hub_desk_rows``), which on a hub of
10,000,000 events made each batch a scan of them all (290 events/s with 4 workers at 300 desks)."""

import types

from desk.config import Home, init_home
from desk.context import open_desk
from desk.sync.ingest import desk_gaps
from desk.sync.store import SQLITE_QUERIES

GAPPED, OTHER = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"


def _no_counting(*_args, **_kwargs):
    raise AssertionError("desk_gaps read every desk's events (hub_desk_rows)")


def test_desk_gaps_names_each_gaps_desk_without_reading_every_desk(tmp_path):
    home = Home(tmp_path / "hub")
    init_home(home, agency_code="000.00.12.H29", agency_name="Hub", desk_no=0, clerk="Hub Clerk")
    hub = open_desk(home)
    try:
        db = hub.db
        db.execute("BEGIN")
        for desk_id, agency, no in ((GAPPED, "000.00.01.H31", 3), (OTHER, "000.00.02.H31", 4)):
            db.execute(
                "INSERT INTO sync_desks(desk_id, agency_code, desk_no, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)",
                (desk_id, agency, no, "2026-11-01T08:00:00", "2026-11-20T17:00:00"),
            )
        db.execute(
            "INSERT INTO sync_gaps(desk_id, first_seq, last_seq, found_at, found_by) VALUES (?, 11, 15, ?, 'test')",
            (GAPPED, "2026-11-20T17:00:00"),
        )
        db.execute("COMMIT")
        queries = types.SimpleNamespace(
            open_gaps=SQLITE_QUERIES.open_gaps,
            sync_desk_rows=SQLITE_QUERIES.sync_desk_rows,
            hub_desk_rows=_no_counting,
        )
        for asked in (None, GAPPED):
            gaps = desk_gaps(db, asked, queries)
            assert [(g.desk_id, g.agency_code, g.desk_no, g.first_seq, g.last_seq) for g in gaps] == [
                (GAPPED, "000.00.01.H31", 3, 11, 15)
            ]
        assert desk_gaps(db, OTHER, queries) == []
    finally:
        hub.close()
