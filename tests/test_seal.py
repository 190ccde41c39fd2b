"""Sealed bundles (issue 14, point 3): a bundle on a USB stick is encrypted to the hub's key; only that hub
opens it, the outside shows only its routing, and it imports like a plain one."""

from __future__ import annotations

import json
import os
import zipfile
from datetime import date

from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
from desk.errors import IntegrityFailure
from desk.sync.bundle_read import import_bundle
from desk.sync.bundle_write import export_bundle
from desk.sync.seal import ensure_hub_identity, pin_recipient
from tests.conftest import run_desk
from tests.problem_helpers import raises_problem

NAME = "Nguyễn Thị Bích Ngọc"
ID_NUMBER = "001190012345"
ADDRESS = "Số 12 ngõ 34 phố Hàng Bông"


def intake(desk, name=NAME, id_number=ID_NUMBER):
    d, _ = receive(
        desk,
        IntakeRequest(
            procedure_code="2.000815",
            applicant=ApplicantInput(name=name, id_number=id_number, phone="0912345678", address=ADDRESS),
        ),
    )
    return d


def sealed_pair(make_desk):
    """A desk whose exports are sealed to the hub's key, and the hub."""
    a, hub = make_desk("a", 1), make_desk("hub", 0)
    recipient = str(ensure_hub_identity(hub.home).to_public())
    pin_recipient(a.home, recipient)
    return a, hub, recipient


def test_sealed_bundle_round_trips_through_import(make_desk, out):
    a, hub, recipient = sealed_pair(make_desk)
    codes = [intake(a, f"{NAME} {i}").code for i in range(3)]
    result = export_bundle(a, out, seal_to=recipient)
    assert result.sealed and result.events == 3
    with zipfile.ZipFile(result.path) as zf:
        assert sorted(zf.namelist()) == ["bundle.age", "routing.json"]
        routing = json.loads(zf.read("routing.json"))
    assert routing["agency"] == "000.00.12.H29" and routing["desk_no"] == 1
    assert routing["seq"] == {"first": 1, "last": 3} and routing["hub_key"] == recipient
    imported = import_bundle(hub, result.path)
    assert (imported.imported_events, imported.desk_no) == (3, 1)
    assert [r[0] for r in hub.db.execute("SELECT code FROM dossiers ORDER BY code")] == sorted(codes)
    assert list((hub.home.root / "tmp").iterdir()) == []  # the decrypted copy is gone


def test_no_name_or_id_number_in_the_sealed_file(make_desk, out, tmp_path):
    a, _hub, recipient = sealed_pair(make_desk)
    intake(a)
    plain_dir = tmp_path / "plain"
    plain_dir.mkdir()
    plain = export_bundle(a, plain_dir).path  # the same events, plain: they are there to be found
    with zipfile.ZipFile(plain) as zf:
        assert NAME in zf.read("register.csv").decode("utf-8-sig")
    assert b"register.csv" in plain.read_bytes()
    path = export_bundle(a, out, day=date(2026, 11, 23), seal_to=recipient).path
    data = path.read_bytes()
    for needle in (NAME, ID_NUMBER, ADDRESS, "0912345678", "Ngọc", "register.csv", "events.jsonl"):
        for form in (needle.encode("utf-8"), needle.encode("utf-16-le")):
            assert form not in data
    with zipfile.ZipFile(path) as zf:  # and nothing readable inside but the routing
        routing = zf.read("routing.json").decode("utf-8")
        assert not any(needle in routing for needle in (NAME, ID_NUMBER, ADDRESS))
        assert zf.getinfo("bundle.age").compress_type == zipfile.ZIP_STORED
        assert zf.read("bundle.age").startswith(b"age-encryption.org/v1\n")
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert list((a.home.root / "tmp").iterdir()) == []  # the plain copy written before sealing is gone


def test_cli_seals_once_the_hub_key_is_set_and_the_hub_imports_it(make_desk, out, tmp_path):
    a, hub = make_desk("a", 1), make_desk("hub", 0)
    intake(a)
    key_file = tmp_path / "hub.pub"
    r = run_desk("hub", "seal-key", "--out", str(key_file), home=hub.home.root)
    assert r.returncode == 0, r.stderr
    assert os.stat(hub.home.root / "hub-seal.key").st_mode & 0o777 == 0o600
    assert key_file.read_text().count("age1") == 1
    r = run_desk("seal-key", "set", str(key_file), home=a.home.root)
    assert r.returncode == 0, r.stderr
    r = run_desk("export", "--out", str(out), home=a.home.root)
    assert r.returncode == 0, r.stderr
    assert "sealed to the hub's key" in r.stdout and "NOT sealed" not in r.stderr
    (bundle,) = out.iterdir()
    r = run_desk("import", str(bundle), home=hub.home.root)
    assert r.returncode == 0, r.stderr
    assert "imported 1 events" in r.stdout


def test_a_bundle_sealed_to_another_hub_is_refused(make_desk, out):
    a, hub, recipient = sealed_pair(make_desk)
    other = make_desk("other", 0)
    ensure_hub_identity(other.home)
    intake(a)
    path = export_bundle(a, out, seal_to=recipient).path
    r = run_desk("import", str(path), home=other.home.root)
    assert r.returncode == 5
    assert "sealed to another hub's key" in r.stderr and "only that hub can open it" in r.stderr
    assert other.db.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    with raises_problem(IntegrityFailure, "bundle.sealed_other_hub"):
        import_bundle(other, path)
    nokey = make_desk("nokey", 0)  # a home with no sealing key at all
    r = run_desk("import", str(path), home=nokey.home.root)
    assert r.returncode == 5 and "this home has no hub key" in r.stderr
    # the routing rewritten to name the other hub does not open it either
    forged = out / "forged.deskbundle"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(forged, "w") as dst:
        routing = json.loads(src.read("routing.json"))
        routing["hub_key"] = str(ensure_hub_identity(other.home).to_public())
        dst.writestr("routing.json", json.dumps(routing))
        dst.writestr("bundle.age", src.read("bundle.age"))
    with raises_problem(IntegrityFailure, "bundle.sealed_other_hub"):
        import_bundle(other, forged)
    assert list((other.home.root / "tmp").iterdir()) == []


def test_a_damaged_or_rerouted_sealed_bundle_is_refused(make_desk, out):
    a, hub, recipient = sealed_pair(make_desk)
    intake(a)
    path = export_bundle(a, out, seal_to=recipient).path
    with zipfile.ZipFile(path) as src:
        routing, sealed = json.loads(src.read("routing.json")), src.read("bundle.age")

    def rebuilt(name, routing, sealed):
        p = out / name
        with zipfile.ZipFile(p, "w") as dst:
            dst.writestr("routing.json", json.dumps(routing))
            dst.writestr("bundle.age", sealed)
        return p

    flipped = bytearray(sealed)
    flipped[-200] ^= 1
    with raises_problem(IntegrityFailure, "bundle.sealed_corrupt"):
        import_bundle(hub, rebuilt("flipped.deskbundle", routing, bytes(flipped)))
    with raises_problem(IntegrityFailure, "bundle.sealed_corrupt"):
        import_bundle(hub, rebuilt("cut.deskbundle", routing, sealed[: len(sealed) // 2]))
    with raises_problem(IntegrityFailure, "bundle.sealed_routing"):
        import_bundle(hub, rebuilt("moved.deskbundle", {**routing, "desk_no": 2}, sealed))
    assert hub.db.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    assert list((hub.home.root / "tmp").iterdir()) == []
    assert import_bundle(hub, path).imported_events == 1


def test_plain_export_says_so(make_desk, out, tmp_path):
    a, _hub, _recipient = sealed_pair(make_desk)
    intake(a)
    r = run_desk("export", "--plain", "--out", str(out), home=a.home.root)
    assert r.returncode == 0, r.stderr
    assert "NOT sealed (--plain)" in r.stderr
    (bundle,) = out.iterdir()
    with zipfile.ZipFile(bundle) as zf:
        assert "events.jsonl" in zf.namelist()


def test_a_desk_with_no_hub_key_exports_plain_with_a_warning(make_desk, out):
    a = make_desk("a", 1)
    intake(a)
    r = run_desk("seal-key", "show", home=a.home.root)
    assert r.returncode == 0 and "no hub key" in r.stdout
    r = run_desk("export", "--out", str(out), home=a.home.root)
    assert r.returncode == 0, r.stderr
    assert "NOT sealed: this desk has no hub key" in r.stderr and "desk seal-key set FILE" in r.stderr


def test_a_file_that_is_not_a_hub_key_is_refused(make_desk, tmp_path):
    a = make_desk("a", 1)
    bad = tmp_path / "bad.pub"
    bad.write_text("age1notakey\n")
    r = run_desk("seal-key", "set", str(bad), home=a.home.root)
    assert r.returncode == 3 and "not a hub key file" in r.stderr
    assert not (a.home.root / "hub-seal.pub").exists()


def test_the_hub_writes_a_plain_copy_for_its_register(make_desk, out, tmp_path):
    a, hub, recipient = sealed_pair(make_desk)
    intake(a)
    path = export_bundle(a, out, seal_to=recipient).path
    r = run_desk("hub", "unseal", str(path), "--out", str(tmp_path), home=hub.home.root)
    assert r.returncode == 0, r.stderr
    copy = tmp_path / path.name
    assert os.stat(copy).st_mode & 0o777 == 0o600
    with zipfile.ZipFile(copy) as zf:
        assert NAME in zf.read("register.csv").decode("utf-8-sig")
    r = run_desk("hub", "unseal", str(path), "--out", str(copy), home=hub.home.root)
    assert r.returncode == 3  # never over a file


def test_sealing_streams(make_desk, tmp_path):
    """A big bundle (scans) is sealed and opened a chunk at a time: memory grows by far less than its size."""
    import resource

    from desk.sync.seal import opened, sealing

    hub = make_desk("hub", 0)
    recipient = str(ensure_hub_identity(hub.home).to_public())
    target = tmp_path / "big.deskbundle"
    routing = {"agency": "000.00.12.H29", "desk_no": 1, "seq": {"first": 1, "last": 1}}
    chunk = os.urandom(1024**2)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with sealing(hub.home, target, recipient, routing) as plain:
        with open(plain, "wb") as f:
            for _ in range(128):
                f.write(chunk)
    with opened(hub.home, target) as (opened_plain, routing_read):
        assert opened_plain.stat().st_size == 128 * 1024**2
        assert routing_read["seq"] == routing["seq"]
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 48 * 1024, grown_kib
    assert 128 * 1024**2 < target.stat().st_size < 129 * 1024**2


def test_the_backup_keeps_the_hubs_sealing_key(make_desk, out, tmp_path):
    """A hub restored from its backup still opens the bundles sealed to it on their way."""
    from desk.ops.backup import backup_home

    a, hub, recipient = sealed_pair(make_desk)
    intake(a)
    path = export_bundle(a, out, seal_to=recipient).path
    for desk, name in ((hub, "hub-seal.key"), (a, "hub-seal.pub")):
        result = backup_home(desk, tmp_path / f"{name}.zip")
        with zipfile.ZipFile(result.path) as zf:
            assert name in zf.namelist()
            assert zf.getinfo(name).external_attr >> 16 & 0o777 == 0o600
            kept = zf.read(name)
        assert kept == (desk.home.root / name).read_bytes()
    restored = make_desk("restored", 0)
    (restored.home.root / "hub-seal.key").write_bytes((hub.home.root / "hub-seal.key").read_bytes())
    os.chmod(restored.home.root / "hub-seal.key", 0o600)
    assert import_bundle(restored, path).imported_events == 1
