"""Issue 17's last correctness items at a hub, on either store (``hub_store``: SQLite, PostgreSQL): `desk verify`
recounts the QĐ 766 sums of the store; `desk hub status` reads kept per-desk figures that stay exact; the
duplicates' second pass on PostgreSQL survives a worker dying after its commit; the file records an older
PostgreSQL hub kept in its home are copied into the store once."""

from __future__ import annotations

import json

from desk.sync.store import POSTGRESQL
from desk.sync.store import hub_store as hub_store_of
from tests.conftest import run_desk
from tests.test_hub_store import export, intake, make_desk, make_hub


def at_hub(hub, sql: str, *params, write: bool = False) -> list[tuple]:
    """Rows of ``sql`` (``?`` for its parameters) in the hub's store, SQLite or PostgreSQL."""
    from desk.context import open_desk

    d = open_desk(hub)
    try:
        store = hub_store_of(d)
        if store.kind == POSTGRESQL:
            sql = sql.replace("?", "%s")
        with store.writing() if write else store.reading() as db:
            cur = db.execute(sql, params)
            return [tuple(r) for r in cur.fetchall()] if cur.description else []
    finally:
        d.close()


def test_verify_recounts_the_qd766_sums_of_the_store(tmp_path, now, hub_store):
    hub = make_hub(tmp_path / "hub", hub_store)
    desk = make_desk(tmp_path / "desk", 1, hub)
    intake(desk, 3)
    assert run_desk("import", str(export(desk, tmp_path / "u")), home=hub.root).returncode == 0
    r = run_desk("verify", home=hub.root)
    assert r.returncode == 0, r.stdout + r.stderr
    assert at_hub(hub, "SELECT count(*) FROM indicator_sums WHERE accepted > 0") != [(0,)]
    at_hub(hub, "UPDATE indicator_sums SET accepted = accepted + 1 WHERE accepted > 0", write=True)
    r = run_desk("verify", "--json", home=hub.root)
    assert r.returncode == 5, r.stdout + r.stderr
    found = [p for p in json.loads(r.stdout)["problems"] if "QĐ 766 running sums" in p]
    assert found and all("of 2026-11-23 (desk 1, clerk Nguyễn Thị Lan, procedure 2.000815)" in p for p in found), found
    assert {p.split("(")[-1] for p in found} == {
        "stored side): run `desk verify` again after the next change, or report it",
        "recount side): run `desk verify` again after the next change, or report it",
    }
