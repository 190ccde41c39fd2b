"""Dossier and event ids: version 7 UUIDs that grow with time."""

from __future__ import annotations

import time
import uuid

from desk.ids import new_id, time_ordered_uuid


def test_ids_are_version_7_uuids_that_grow_with_time():
    first = new_id()
    time.sleep(0.002)
    later = [new_id() for _ in range(1000)]
    parsed = uuid.UUID(first)
    assert (parsed.version, parsed.variant) == (7, uuid.RFC_4122) and str(parsed) == first
    assert len(set(later)) == 1000
    assert all(first < i for i in later)  # as text too: a text index keeps them together at its end
    ms = int(first.replace("-", "")[:12], 16)
    assert abs(ms / 1000 - time.time()) < 5


def test_time_ordered_uuid_keeps_time_and_randomness():
    a = time_ordered_uuid(1_780_000_000_000, 0)
    b = time_ordered_uuid(1_780_000_000_001, (1 << 80) - 1)
    assert a < b and a.version == b.version == 7
    assert int(a.hex[:12], 16) == 1_780_000_000_000
    assert time_ordered_uuid(1, 5) != time_ordered_uuid(1, 6)


def test_intake_gives_time_ordered_ids(tmp_path):
    from desk.catalog.formats import sample_catalog_path
    from desk.catalog.store import import_catalog
    from desk.config import Home, init_home
    from desk.context import open_desk
    from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
    from desk.dossier.query import timeline

    home = Home(tmp_path / "h")
    init_home(home, agency_code="000.00.12.H29", agency_name="UBND xã Thử", desk_no=1, clerk="Thử")
    desk = open_desk(home)
    try:
        import_catalog(desk, sample_catalog_path())
        d, _ = receive(desk, IntakeRequest(procedure_code="2.000815", applicant=ApplicantInput(name="Lê Văn Tám")))
        assert uuid.UUID(d.id).version == 7
        assert all(uuid.UUID(e.event_id).version == 7 for e in timeline(desk, d.code))
    finally:
        desk.close()
