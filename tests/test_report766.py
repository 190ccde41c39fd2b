"""Numbers the supervisor can trust (issue 18 point 5): 1.4 as the portal means it, the per-desk QĐ 766 report
of a hub (PDF, CSV, the late list), and the running sums on PostgreSQL."""

from __future__ import annotations

from db import indicator_sums
from desk import clock
from desk.context import open_desk
from desk.reports import qd766
from tests.test_forward import forwarder, homes, intake, portal, to_hub  # noqa: F401  (fixtures)


def test_1_4_at_a_hub_counts_what_the_portal_acknowledged(homes, portal, tmp_path):  # noqa: F811
    desk_home, hub_home = homes
    d = open_desk(desk_home)
    try:
        intake(d, "Nguyễn Văn Một")
        intake(d, "Trần Thị Hai")
        at_desk = qd766.compute(d, clock.now().date())
    finally:
        d.close()
    # a desk cannot know the portal: its 1.4 is "sent to the hub", and nothing was sent yet
    assert at_desk.synced_means == "hub" and at_desk.overall.unsynced == 2
    assert qd766.name("1.4", at_desk.synced_means) == "synced (sent to the hub)"
    to_hub(desk_home, hub_home, tmp_path / "out")
    hub = open_desk(hub_home)
    try:
        before = qd766.compute(hub, clock.now().date())
        assert before.synced_means == "portal" and before.overall.accepted == 2
        assert (before.overall.unsynced, before.overall.rate("1.4")) == (2, 0.0)  # arrived, not forwarded
        result = forwarder(hub).pass_once()
        assert result.acknowledged == 2
        after = qd766.compute(hub, clock.now().date())
        assert (after.overall.unsynced, after.overall.rate("1.4")) == (0, 1.0)
        assert after.to_json()["synced_means"] == "portal"
        assert indicator_sums.recount_differences(hub.db) == []  # the running sum equals a recount
    finally:
        hub.close()


def test_the_migration_fills_1_4_from_the_outbox(homes, portal, tmp_path):  # noqa: F811
    """A hub whose sums were made before the ``synced`` column: m016 adds it and counts the acknowledged."""
    desk_home, hub_home = homes
    d = open_desk(desk_home)
    try:
        intake(d, "Lê Văn Ba")
    finally:
        d.close()
    to_hub(desk_home, hub_home, tmp_path / "out")
    hub = open_desk(hub_home)
    try:
        forwarder(hub).pass_once()
        with hub.db.conn:
            hub.db.execute("UPDATE indicator_facts SET synced = 0")
            hub.db.execute("UPDATE indicator_sums SET synced = 0")
            indicator_sums.add_synced_column(hub.db)
        assert indicator_sums.recount_differences(hub.db) == []
        assert qd766.compute(hub, clock.now().date()).overall.unsynced == 0
    finally:
        hub.close()
