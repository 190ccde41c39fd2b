"""Issue 12 point 5: memory bounded by the bundle, not by what it claims.

Before: 4 million central-directory entries took 2.9 GB before refusal (zipfile reads the whole directory);
a 9.9 MB bundle of ``{}`` lines took 3.4 GB and 54 s. Now the zip's end record is read first, and the events
are parsed a bounded number of lines at a time, never beyond the count the manifest declares. (Peak memory
itself is measured by ``make bench``: import_peak_rss_mb.)
"""

from __future__ import annotations

import json
import struct
import zipfile

import pytest

from desk.errors import IntegrityFailure
from desk.sync import bundle_events, bundle_open
from desk.sync.bundle_read import import_bundle
from desk.sync.bundle_write import export_bundle
from tests.test_bundle import hub_state, intake, members, rewrite


@pytest.fixture
def bundle(make_desk, out):
    a = make_desk("a", 1)
    for name in ("Nguyễn Văn An", "Trần Thị Bích"):
        intake(a, name)
    return export_bundle(a, out).path


@pytest.fixture
def hub(make_desk):
    return make_desk("hub", 0)


def refused(hub, path) -> str:
    before = hub_state(hub)
    with pytest.raises(IntegrityFailure) as exc:
        import_bundle(hub, path)
    assert hub_state(hub) == before
    return exc.value.problem.code


def test_a_zip_declaring_more_members_than_a_bundle_may_hold_is_refused_before_its_directory_is_read(
    bundle, hub, tmp_path, monkeypatch
):
    data = bytearray(bundle.read_bytes())
    end = len(data) - 22
    assert data[end : end + 4] == b"PK\x05\x06"
    many = bundle_open.MAX_MEMBERS + 1
    struct.pack_into("<HH", data, end + 8, many, many)
    path = tmp_path / "many.deskbundle"
    path.write_bytes(bytes(data))

    def never(*args, **kwargs):
        raise AssertionError("zipfile read the directory")

    monkeypatch.setattr(bundle_open.zipfile, "ZipFile", never)
    assert refused(hub, path) == "bundle.members_declared"


def test_a_zip_with_a_comment_or_a_zip64_record_is_not_a_bundle(bundle, hub, tmp_path):
    commented = tmp_path / "comment.deskbundle"
    with zipfile.ZipFile(commented, "w") as zf:
        for name, data in members(bundle).items():
            zf.writestr(name, data)
        zf.comment = b"hello"
    assert refused(hub, commented) == "bundle.not_a_desk_zip"
    data = bytearray(bundle.read_bytes())
    struct.pack_into("<HH", data, len(data) - 22 + 8, 0xFFFF, 0xFFFF)  # "see the ZIP64 record"
    zip64 = tmp_path / "zip64.deskbundle"
    zip64.write_bytes(bytes(data))
    assert refused(hub, zip64) == "bundle.not_a_desk_zip"


def empty_objects_bundle(bundle, tmp_path, lines: int, declared: int):
    manifest = json.loads(members(bundle)["manifest.json"])
    manifest["counts"]["events"] = declared
    manifest["seq"] = {"first": 1, "last": declared}
    return rewrite(
        bundle,
        tmp_path / f"empty-{declared}.deskbundle",
        change={"events.jsonl": b"{}\n" * lines, "manifest.json": json.dumps(manifest).encode()},
        fix_manifest=True,
    )


def test_lines_beyond_the_declared_count_are_refused_without_being_parsed(bundle, hub, tmp_path, monkeypatch):
    path = empty_objects_bundle(bundle, tmp_path, lines=300_000, declared=10)
    parsed = []
    real = bundle_events.read_event_line
    monkeypatch.setattr(bundle_events, "read_event_line", lambda line: parsed.append(line) or real(line))
    assert refused(hub, path) == "bundle.events_beyond_count"
    assert parsed == []


def test_lines_that_are_not_events_are_parsed_a_bounded_number_at_a_time(bundle, hub, tmp_path, monkeypatch):
    # as many lines as the manifest says, none an event: refused at the first lines looked at
    path = empty_objects_bundle(bundle, tmp_path, lines=300_000, declared=300_000)
    parsed = []
    real = bundle_events.read_event_line
    monkeypatch.setattr(bundle_events, "read_event_line", lambda line: parsed.append(line) or real(line))
    before = hub_state(hub)
    with pytest.raises(IntegrityFailure):
        import_bundle(hub, path)
    assert hub_state(hub) == before
    assert 0 < len(parsed) <= bundle_events.LINES_AT_ONCE
