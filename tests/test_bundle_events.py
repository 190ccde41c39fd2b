"""The events of a bundle read a block at a time, here or by a second process, and written as they come.

A large events.jsonl is read and checked by a second Python process while the hub writes the blocks
already checked (desk.sync.bundle_events); the import must be the same as when read here, and a problem
found late must still leave nothing imported. Small blocks make a small bundle take the same path.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from desk.errors import DeskError, IntegrityFailure
from desk.ops.verify import verify
from desk.sync import bundle_events
from desk.sync.bundle_read import import_bundle
from desk.sync.bundle_write import export_bundle
from desk.sync.ingest import Cancelled
from tests.problem_helpers import raises_problem
from tests.test_bundle import forged_hash, hub_state, intake, jsonl, members, rewrite

NAMES = ["Nguyễn Văn An", "Trần Thị Bích", "Lê Hoàng Đức", "Phạm Thị Ánh", "Đặng Văn Ơn", "Võ Thị Ứng"]


@pytest.fixture(params=["here", "second process"])
def reading(request, monkeypatch):
    """Blocks of about 2 kB (a few events each), read here or by a second process."""
    monkeypatch.setattr(bundle_events, "EVENTS_BLOCK", 2048)
    monkeypatch.setattr(bundle_events, "SECOND_PROCESS_FROM", 0 if request.param == "second process" else 10**12)
    return request.param


@pytest.fixture
def bundle(make_desk, out):
    a = make_desk("a", 1)
    for i in range(24):
        intake(a, NAMES[i % len(NAMES)])
    path = export_bundle(a, out).path
    assert len(members(path)["events.jsonl"]) > 10 * 2048  # many blocks
    return path


def test_a_bundle_read_in_blocks_imports_what_it_holds(reading, bundle, make_desk):
    hub = make_desk("hub", 0)
    seen = []
    result = import_bundle(hub, bundle, progress=lambda done, total: seen.append((done, total)))
    assert (result.imported_events, result.dossiers) == (24, 24)
    assert seen[-1] == (24, 24) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    names = {r[0] for r in hub.db.execute("SELECT applicant_name FROM dossiers")}
    assert names == set(NAMES)
    assert verify(hub).ok
    assert import_bundle(hub, bundle).imported_events == 0  # again: nothing new


def test_both_ways_of_reading_give_the_same_hub(bundle, make_desk, monkeypatch):
    monkeypatch.setattr(bundle_events, "EVENTS_BLOCK", 2048)
    hubs = []
    for name, threshold in (("here", 10**12), ("there", 0)):
        monkeypatch.setattr(bundle_events, "SECOND_PROCESS_FROM", threshold)
        hub = make_desk(f"hub-{name}", 0)
        import_bundle(hub, bundle)
        state = hub_state(hub)
        state["imports"] = [row[1:] for row in state["imports"]]  # not the row ids
        hubs.append(state)
    assert hubs[0]["events"] and hubs[0] == hubs[1]


def test_an_event_altered_in_the_last_block_leaves_nothing_imported(reading, bundle, make_desk, tmp_path):
    records = [json.loads(line) for line in members(bundle)["events.jsonl"].splitlines()]
    records[-1]["clerk"] = "Kẻ giả mạo"  # its hash left as it was; the blocks before it are good and written
    path = rewrite(bundle, tmp_path / "late.deskbundle", change={"events.jsonl": jsonl(records)}, fix_manifest=True)
    hub = make_desk("hub", 0)
    before = hub_state(hub)
    with raises_problem(IntegrityFailure, "records.refused", says="altered"):
        import_bundle(hub, path)
    assert hub_state(hub) == before


def test_events_that_do_not_match_their_checksum_are_refused_as_such(reading, bundle, make_desk, tmp_path):
    data = members(bundle)["events.jsonl"]
    changed = data.replace("Bích".encode(), "Bính".encode(), 1)  # the same size: only the checksum tells
    assert len(changed) == len(data) and changed != data
    path = rewrite(bundle, tmp_path / "x.deskbundle", change={"events.jsonl": changed})
    hub = make_desk("hub", 0)
    before = hub_state(hub)
    with pytest.raises(IntegrityFailure) as exc:
        import_bundle(hub, path)
    assert exc.value.problem.code == "bundle.member_checksum" and exc.value.problem.params["member"] == "events.jsonl"
    assert hub_state(hub) == before


def test_a_problem_of_the_events_comes_before_a_conflict_with_the_hub(reading, make_desk, out, tmp_path):
    # the first events clash with those already at the hub (a fork), a later one is altered: the bundle is
    # refused for the altered event, the reader's finding, as when it was read whole before writing
    a, hub = make_desk("a", 1), make_desk("hub", 0)
    intake(a, "Một")
    import_bundle(hub, export_bundle(a, out).path)
    for name in NAMES * 3:
        intake(a, name)
    later = tmp_path / "later"
    later.mkdir()
    src = export_bundle(a, later, day=date(2026, 11, 23)).path  # every event of the day, from seq 1
    records = [json.loads(line) for line in members(src)["events.jsonl"].splitlines()]
    records[0]["clerk"] = "Someone else"
    prev = "0" * 64
    for r in records:  # a chain of its own, good as such
        r["prev_hash"] = prev
        r["hash"] = prev = forged_hash(r)
    records[-1]["clerk"] = "Kẻ giả mạo"  # and its last event altered
    manifest = json.loads(members(src)["manifest.json"])
    manifest["last_hash"] = records[-1]["hash"]
    path = rewrite(
        src,
        tmp_path / "fork.deskbundle",
        change={"events.jsonl": jsonl(records), "manifest.json": json.dumps(manifest).encode()},
        fix_manifest=True,
    )
    before = hub_state(hub)
    with raises_problem(IntegrityFailure, "records.refused", says="altered"):
        import_bundle(hub, path)
    assert hub_state(hub) == before
    # the same fork without the altered event: refused for the clash with the hub
    records[-1]["clerk"] = a.settings.clerk
    manifest["last_hash"] = records[-1]["hash"] = forged_hash(records[-1])
    path = rewrite(
        src,
        tmp_path / "fork2.deskbundle",
        change={"events.jsonl": jsonl(records), "manifest.json": json.dumps(manifest).encode()},
        fix_manifest=True,
    )
    with raises_problem(IntegrityFailure, "records.conflict", says="differs from the event this home already has"):
        import_bundle(hub, path)
    assert hub_state(hub) == before


def test_a_second_process_that_stops_leaves_nothing_imported(bundle, make_desk, monkeypatch):
    monkeypatch.setattr(bundle_events, "SECOND_PROCESS_FROM", 0)
    monkeypatch.setattr(bundle_events, "_CHILD", "import os; os._exit(9)")  # killed before a word
    hub = make_desk("hub", 0)
    before = hub_state(hub)
    with pytest.raises(DeskError) as exc:
        import_bundle(hub, bundle)
    assert exc.value.problem.code == "bundle.reader_stopped"
    assert hub_state(hub) == before


def test_cancelling_stops_the_second_process_and_imports_nothing(bundle, make_desk, monkeypatch):
    monkeypatch.setattr(bundle_events, "EVENTS_BLOCK", 2048)
    monkeypatch.setattr(bundle_events, "SECOND_PROCESS_FROM", 0)
    started = []
    real = bundle_events.EventsSource.__init__

    def remember(self, *args, **kwargs):
        real(self, *args, **kwargs)
        started.append(self)

    monkeypatch.setattr(bundle_events.EventsSource, "__init__", remember)
    hub = make_desk("hub", 0)
    before = hub_state(hub)

    def cancel(done, total):
        if done:
            raise Cancelled("sync.cancelled")

    with pytest.raises(Cancelled):
        import_bundle(hub, bundle, progress=cancel)
    assert hub_state(hub) == before
    assert started and started[0]._child is None  # stopped and waited for
