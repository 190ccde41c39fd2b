"""Issue 14, points 1, 2, 4 and 6: desk keys, enrolment at the hub, signed bundles and pushes, the hub's
pinned key, rotation and revocation (docs/keys.md)."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from db import queries
from desk import keys
from desk.config import load_settings, update_settings
from desk.context import open_desk
from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
from desk.errors import HomeError, IntegrityFailure, InvalidInput
from desk.sync import hub as hubmod
from desk.sync.bundle_read import import_bundle
from desk.sync.bundle_write import export_bundle
from desk.sync.hub_http import HubError
from desk.sync.push import push
from desk.sync.signing import SIGNATURE_FORMAT
from desk.sync.store import hub_store as hub_store_of
from tests.conftest import new_home, run_desk
from tests.desk_helpers import enrol_at, know_each_other, pin_hub
from tests.problem_helpers import raises_problem

AGENCY = "000.00.12.H29"


def intake(desk, name="Nguyễn Văn An"):
    d, _ = receive(desk, IntakeRequest(procedure_code="2.000815", applicant=ApplicantInput(name=name)))
    return d


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def rezip(dst: Path, content: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, d in content.items():
            zf.writestr(n, d)
    return dst


def signature_member(desk_id: str, key: Ed25519PrivateKey, manifest: bytes, rotations=()) -> bytes:
    """``signature.json`` as a forger writes it with a key of its choosing."""
    return json.dumps(
        {
            "format": SIGNATURE_FORMAT,
            "algorithm": "ed25519",
            "desk_id": desk_id,
            "key": keys.public_text(keys.public_bytes(key)),
            "signature": keys.b64(key.sign(manifest)),
            "rotations": list(rotations),
        }
    ).encode()


def export(desk, folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    return export_bundle(desk, folder).path


def dossiers(desk) -> list[str]:
    """The applicants of the dossiers a desk holds (at a hub: in its store, SQLite or PostgreSQL)."""
    store = hub_store_of(desk)
    with store.reading() as db:
        return [r[0] for r in db.execute("SELECT applicant_name FROM dossiers ORDER BY code").fetchall()]


@pytest.fixture
def make_desk(tmp_path, now, hub_store):
    """As conftest's ``make_desk``, a hub (desk 0) keeping what desks send in its SQLite or in PostgreSQL
    (``hub_store``): every hub test here runs on both stores."""
    opened = []

    def make(name: str, desk_no: int):
        home = new_home(tmp_path / name, agency_code=AGENCY, desk_no=desk_no, clerk=f"Clerk {name}")
        if desk_no == 0 and hub_store:
            update_settings(home, hub_database=hub_store)
        d = open_desk(home)
        know_each_other(d, opened)
        opened.append(d)
        return d

    yield make
    for d in opened:
        d.close()


# --- the key in the home ---------------------------------------------------------------------------


def test_desk_init_makes_an_owner_only_key_and_says_its_fingerprint(tmp_path):
    home = tmp_path / "home"
    r = run_desk("init", "--agency-code", AGENCY, "--agency-name", "UBND xã Minh Khai", "--desk-no", "1", home=home)
    assert r.returncode == 0, r.stderr
    path = home / "desk-key.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert b"PRIVATE KEY" in path.read_bytes() and b"ENCRYPTED" not in path.read_bytes()
    shown = run_desk("keys", "show", "--json", home=home)
    answer = json.loads(shown.stdout)
    assert f"Signing key fingerprint: {answer['fingerprint']}" in r.stdout
    assert len(answer["fingerprint"]) == 29 and answer["fingerprint"].count("-") == 5
    # never replaced by `keys init`; a home made before keys gets one
    again = run_desk("keys", "init", home=home)
    assert again.returncode == 3 and "desk keys rotate" in again.stderr
    path.unlink()
    r = run_desk("enrol", "--out", str(tmp_path / "request.json"), home=home)
    assert r.returncode == 3 and "run `desk keys init`" in r.stderr  # no key: nothing signed
    made = run_desk("keys", "init", "--json", home=home)
    assert made.returncode == 0 and json.loads(made.stdout)["fingerprint"] != answer["fingerprint"]


def test_a_key_readable_by_others_is_refused(home):
    os.chmod(keys.key_path(home), 0o644)
    with raises_problem(HomeError, "keys.readable_by_others", "chmod 600"):
        keys.load_desk_key(home)


def test_a_passphrase_protects_the_key_file(tmp_path, out):
    env = {"DESK_KEY_PASSPHRASE": "một câu dài khó đoán"}
    home = tmp_path / "home"
    r = run_desk(
        "init", "--agency-code", AGENCY, "--agency-name", "UBND xã Minh Khai", "--desk-no", "1", home=home, env=env
    )
    assert r.returncode == 0, r.stderr
    assert b"ENCRYPTED PRIVATE KEY" in (home / "desk-key.pem").read_bytes()
    run_desk("catalog", "import", "--sample", home=home)
    assert run_desk("intake", "--procedure", "2.000815", "--name", "Lê Văn Ba", home=home).returncode == 0
    r = run_desk("export", "--out", str(out), home=home)
    assert r.returncode == 3 and "DESK_KEY_PASSPHRASE" in r.stderr and list(out.iterdir()) == []
    r = run_desk("export", "--out", str(out), home=home, env={"DESK_KEY_PASSPHRASE": "sai"})
    assert r.returncode == 3 and "wrong passphrase" in r.stderr
    assert run_desk("export", "--out", str(out), home=home, env=env).returncode == 0


# --- signed bundles at an enrolled hub ------------------------------------------------------------------


@pytest.fixture
def pair(make_desk):
    """Desk 1 and the hub, enrolled at each other (the make_desk fixture), and desk 2 too."""
    return make_desk("a", 1), make_desk("hub", 0), make_desk("b", 2)


def test_a_genuine_bundle_imports_and_a_replay_imports_nothing_new(pair, tmp_path):
    a, hub, _ = pair
    intake(a, "Trần Thị Bích")
    path = export(a, tmp_path / "usb")
    first = import_bundle(hub, path)
    assert first.imported_events == 1
    again = import_bundle(hub, path)
    assert (again.imported_events, again.skipped_events) == (0, 1)
    assert dossiers(hub) == ["Trần Thị Bích"]


def test_a_forged_bundle_without_a_signature_is_refused(pair, tmp_path):
    a, hub, _ = pair
    intake(a, "Trần Thị Bích")
    content = members(export(a, tmp_path / "usb"))
    del content["signature.json"]
    path = rezip(tmp_path / "unsigned.deskbundle", content)
    r = run_desk("import", str(path), home=hub.home.root)
    assert r.returncode == 5 and "not signed by a desk key" in r.stderr
    assert dossiers(hub) == []


def test_a_forged_bundle_signed_by_another_key_is_refused(pair, tmp_path):
    a, hub, _ = pair
    intake(a, "Trần Thị Bích")
    path = export(a, tmp_path / "usb")
    content = members(path)
    manifest = json.loads(content["manifest.json"])
    manifest["counts"]["dossiers"] = 2  # anything: the forger signs what it wrote with its own key
    content["manifest.json"] = json.dumps(manifest).encode()
    content["signature.json"] = signature_member(a.desk_id, Ed25519PrivateKey.generate(), content["manifest.json"])
    r = run_desk("import", str(rezip(tmp_path / "forged.deskbundle", content)), home=hub.home.root)
    assert r.returncode == 5, r.stderr
    assert f"does not match the key enrolled for desk 1 of {AGENCY} ({a.desk_id})" in r.stderr
    # the genuine signature over a changed manifest fails as well
    genuine = members(path)
    genuine["manifest.json"] = genuine["manifest.json"].replace(b'"dossiers": 1', b'"dossiers": 3')
    with raises_problem(IntegrityFailure, "keys.bad_signature"):
        import_bundle(hub, rezip(tmp_path / "altered.deskbundle", genuine))
    assert dossiers(hub) == []


def test_another_desks_key_cannot_sign_for_a_desk(pair, tmp_path):
    a, hub, b = pair
    intake(a, "Trần Thị Bích")
    content = members(export(a, tmp_path / "usb"))
    # desk 2 (enrolled, with its own genuine key) signs desk 1's bundle
    content["signature.json"] = signature_member(a.desk_id, keys.load_desk_key(b.home), content["manifest.json"])
    with raises_problem(IntegrityFailure, "keys.bad_signature", "desk 1 of"):
        import_bundle(hub, rezip(tmp_path / "borrowed.deskbundle", content))
    assert dossiers(hub) == []


def test_a_hub_refuses_an_unknown_desk_and_another_agency(tmp_path, now, hub_store):
    hub_home = new_home(tmp_path / "hub", agency_code=AGENCY, desk_no=0)
    update_settings(hub_home, hub_database=hub_store)
    hub = open_desk(hub_home)
    stranger = open_desk(new_home(tmp_path / "s", agency_code=AGENCY, desk_no=4))
    other = open_desk(new_home(tmp_path / "o", agency_code="000.00.12.H30", desk_no=1))
    try:
        intake(stranger)
        intake(other)
        from_stranger, from_other = export(stranger, tmp_path / "u1"), export(other, tmp_path / "u2")
        # an empty registry refuses everyone
        r = run_desk("import", str(from_stranger), home=hub.home.root)
        assert r.returncode == 5 and f"desk 4 of {AGENCY} ({stranger.desk_id}) is not enrolled at this hub" in r.stderr
        with raises_problem(IntegrityFailure, "keys.other_agency", "agency 000.00.12.H30 is not served"):
            import_bundle(hub, from_other)
        with raises_problem(IntegrityFailure, "keys.other_agency"):
            enrol_at(hub, other)
        # a provincial hub lists its agencies; the desk still has to be enrolled
        update_settings(hub.home, hub_agencies=(AGENCY, "000.00.12.H30"))
        hub.reload_settings()
        with raises_problem(IntegrityFailure, "keys.unknown_desk"):
            import_bundle(hub, from_other)
        enrol_at(hub, other)
        assert import_bundle(hub, from_other).imported_events == 1
        # the transition setting takes a desk not enrolled, unchecked; an enrolled one is still checked
        update_settings(hub.home, hub_accept_unenrolled=True)
        hub.reload_settings()
        assert import_bundle(hub, from_stranger).imported_events == 1
    finally:
        for d in (hub, stranger, other):
            d.close()


def test_enrolment_by_request_file_with_the_fingerprint_confirmed(tmp_path, now):
    desk_home = new_home(tmp_path / "desk", agency_code=AGENCY, desk_no=3)
    hub_home = new_home(tmp_path / "hub", agency_code=AGENCY, desk_no=0)
    twin_home = new_home(tmp_path / "twin", agency_code=AGENCY, desk_no=3)
    request, twin_request = tmp_path / "request.json", tmp_path / "twin.json"
    r = run_desk("enrol", "--out", str(request), home=desk_home.root)
    assert r.returncode == 0, r.stderr
    fingerprint = json.loads(request.read_text())["fingerprint"]
    assert fingerprint in r.stdout
    # no terminal and no --yes: nothing enrolled
    r = run_desk("hub", "enrol", str(request), home=hub_home.root)
    assert r.returncode == 3 and "fingerprint was not confirmed" in r.stderr and fingerprint in r.stdout
    assert "no desk enrolled" in run_desk("hub", "desks", home=hub_home.root).stdout
    reply = tmp_path / "hub-key.json"
    r = run_desk("hub", "enrol", str(request), "--yes", "--reply", str(reply), home=hub_home.root)
    assert r.returncode == 0 and "enrolled: desk 3" in r.stdout, r.stderr
    listed = run_desk("hub", "desks", home=hub_home.root).stdout
    assert f"desk 3 of {AGENCY}" in listed and fingerprint in listed and "active" in listed
    # a second desk under number 3 is refused; a request whose signature does not match its key too
    assert run_desk("enrol", "--out", str(twin_request), home=twin_home.root).returncode == 0
    r = run_desk("hub", "enrol", str(twin_request), "--yes", home=hub_home.root)
    assert r.returncode == 5 and "desk 3 of 000.00.12.H29 is enrolled under another desk" in r.stderr
    forged = json.loads(twin_request.read_text())
    forged["desk_no"] = 5
    twin_request.write_text(json.dumps(forged))
    r = run_desk("hub", "enrol", str(twin_request), "--yes", home=hub_home.root)
    assert r.returncode == 3 and "its signature does not match its key" in r.stderr
    # the desk pins the hub's key from the reply
    r = run_desk("hub-key", "set", str(reply), "--yes", home=desk_home.root)
    assert r.returncode == 0, r.stderr
    hub_print = json.loads(run_desk("hub", "key", "--json", home=hub_home.root).stdout)["fingerprint"]
    assert hub_print in run_desk("hub-key", "show", home=desk_home.root).stdout


def test_the_enrolment_reply_also_pins_the_sealing_key(tmp_path, now):
    """One file from the hub: after `desk hub-key set` the desk's bundles are sealed to that hub and it opens them."""
    desk_home = new_home(tmp_path / "desk", agency_code=AGENCY, desk_no=3)
    hub_home = new_home(tmp_path / "hub", agency_code=AGENCY, desk_no=0)
    request, reply, out = tmp_path / "request.json", tmp_path / "hub-key.json", tmp_path / "usb"
    out.mkdir()
    assert run_desk("enrol", "--out", str(request), home=desk_home.root).returncode == 0
    r = run_desk("hub", "enrol", str(request), "--yes", "--reply", str(reply), home=hub_home.root)
    assert r.returncode == 0, r.stderr
    seal_key = json.loads(reply.read_text())["seal_key"]
    r = run_desk("hub-key", "set", str(reply), "--yes", home=desk_home.root)
    assert r.returncode == 0 and f"sealed to {seal_key}" in r.stdout, r.stderr
    assert seal_key in run_desk("seal-key", "show", home=desk_home.root).stdout
    r = run_desk(
        "intake", "--procedure", "1.001776", "--name", "Lê Văn Sáu", "--id-number", "001099012345", home=desk_home.root
    )
    assert r.returncode == 0, r.stderr
    r = run_desk("export", "--out", str(out), home=desk_home.root)
    assert r.returncode == 0 and "NOT sealed" not in r.stderr, r.stderr
    bundle = next(out.glob("*.deskbundle"))
    assert b"001099012345" not in bundle.read_bytes()
    r = run_desk("import", str(bundle), home=hub_home.root)
    assert r.returncode == 0, r.stderr
    assert run_desk("search", "001099012345", home=hub_home.root).stdout.count("Lê Văn Sáu") == 1


def test_a_hub_key_file_with_a_bad_sealing_key_pins_nothing(tmp_path, now):
    desk_home = new_home(tmp_path / "desk", agency_code=AGENCY, desk_no=3)
    hub_home = new_home(tmp_path / "hub", agency_code=AGENCY, desk_no=0)
    reply = tmp_path / "hub-key.json"
    assert run_desk("hub", "key", "--out", str(reply), home=hub_home.root).returncode == 0
    doc = json.loads(reply.read_text())
    reply.write_text(json.dumps({**doc, "seal_key": "age1notakey"}))
    r = run_desk("hub-key", "set", str(reply), "--yes", home=desk_home.root)
    assert r.returncode == 3, r.stderr
    assert "no hub key" in run_desk("seal-key", "show", home=desk_home.root).stdout
    assert load_settings(desk_home).sync_hub_key == ""  # nothing pinned from a file with a bad part


# --- pushes ---------------------------------------------------------------------------------------------


@pytest.fixture
def served(make_desk):
    """A hub serving on loopback, desk 1 enrolled there with the hub's key pinned."""
    a, hub = make_desk("a", 1), make_desk("hub", 0)
    token = hubmod.add_token(hub.home)
    update_settings(a.home, sync_token=token)
    a.reload_settings()
    server = hubmod.make_server(hub, port=0).start()
    yield a, hub, server, token
    server.shutdown()


def test_a_push_from_an_unknown_desk_gets_403_and_nothing_is_stored(served, tmp_path):
    a, hub, server, token = served
    stranger = open_desk(new_home(tmp_path / "s", agency_code=AGENCY, desk_no=4))
    try:
        update_settings(stranger.home, sync_token=token)
        pin_hub(stranger, hub)
        intake(stranger)
        with raises_problem(IntegrityFailure, "sync.events_refused", "403.*keys.unknown_desk"):
            push(stranger, server.url, sleep=lambda s: None)
        assert queries.count_unsynced(stranger.db, stranger.desk_id) == 1  # nothing marked sent
    finally:
        stranger.close()
    assert dossiers(hub) == []


def test_a_push_signed_by_another_key_gets_403(served, tmp_path, monkeypatch):
    a, hub, server, _ = served
    intake(a)
    keys.key_path(a.home).unlink()
    keys.generate_desk_key(a.home)  # a thief's key under desk 1's id
    with raises_problem(IntegrityFailure, "sync.events_refused", "403.*keys.bad_signature"):
        push(a, server.url, sleep=lambda s: None)
    assert dossiers(hub) == []


def test_a_push_never_goes_to_a_hub_whose_key_is_not_the_pinned_one(served, tmp_path):
    a, hub, server, _ = served
    intake(a)
    update_settings(a.home, sync_hub_key="")
    a.reload_settings()
    with raises_problem(InvalidInput, "keys.hub_key_missing"):
        push(a, server.url, sleep=lambda s: None)
    update_settings(a.home, sync_hub_key=keys.public_text(keys.public_bytes(Ed25519PrivateKey.generate())))
    a.reload_settings()
    with raises_problem(HubError, "keys.hub_key_mismatch"):
        push(a, server.url, sleep=lambda s: pytest.fail("a stranger is not retried"))
    assert dossiers(hub) == []  # the challenge failed before any event left
    pin_hub(a, hub)
    assert push(a, server.url, sleep=lambda s: None).pushed == 1


# --- rotation and revocation -------------------------------------------------------------------------------


def test_a_rotated_key_is_accepted_by_the_next_bundle_and_push(served, tmp_path):
    a, hub, server, _ = served
    intake(a, "Một")
    before = export(a, tmp_path / "u1")  # seq 1, old key, still on the stick
    old = keys.load_desk_key(a.home)
    r = run_desk("keys", "rotate", "--json", home=a.home.root)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["from_seq"] == 2
    intake(a, "Hai")
    after = export(a, tmp_path / "u2")  # seq 2, new key, carries the rotation
    assert import_bundle(hub, after).imported_events == 1
    assert import_bundle(hub, before).imported_events == 1  # signed by the old key before the rotation: kept
    listed = run_desk("hub", "desks", home=hub.home.root).stdout
    assert "1 rotation" in listed and keys.fingerprint(keys.desk_public_key(a.home)) in listed
    # the old key cannot sign events past the rotation any more
    intake(a, "Ba")
    third = export(a, tmp_path / "u3")
    content = members(third)
    content["signature.json"] = signature_member(a.desk_id, old, content["manifest.json"])
    with raises_problem(IntegrityFailure, "keys.key_retired", "from seq 2 on"):
        import_bundle(hub, rezip(tmp_path / "old-key.deskbundle", content))
    assert import_bundle(hub, third).imported_events == 1  # as the desk signed it, with its new key
    intake(a, "Bốn")
    assert push(a, server.url, sleep=lambda s: None).pushed == 1  # pushes are signed by the new key
    assert sorted(dossiers(hub)) == sorted(["Một", "Hai", "Ba", "Bốn"])


def test_a_rotation_the_old_key_did_not_sign_is_refused(pair, tmp_path):
    a, hub, _ = pair
    intake(a)
    thief = Ed25519PrivateKey.generate()
    statement = keys.Rotation(
        a.desk_id, keys.public_bytes(thief), keys.public_bytes(thief), 1, "2026-11-23T09:00:00", b"\0" * 64
    ).to_json()
    content = members(export(a, tmp_path / "u"))
    content["signature.json"] = signature_member(a.desk_id, thief, content["manifest.json"], [statement])
    with raises_problem(IntegrityFailure, "keys.rotation_refused"):
        import_bundle(hub, rezip(tmp_path / "rot.deskbundle", content))


def test_a_revoked_desk_is_refused_after_the_revocation_and_its_earlier_events_kept(served, tmp_path, now):
    a, hub, server, _ = served
    intake(a, "Trước")
    assert import_bundle(hub, export(a, tmp_path / "u1")).imported_events == 1
    intake(a, "Sau")
    later = export(a, tmp_path / "u2")
    now("2026-11-23T15:00:00")
    r = run_desk("hub", "revoke", "1", "--yes", home=hub.home.root)
    assert r.returncode == 0 and "revoked at 15:00 23/11/2026" in r.stdout, r.stderr
    r = run_desk("import", str(later), home=hub.home.root)
    assert r.returncode == 5 and f"desk 1 of {AGENCY} ({a.desk_id}) was revoked at 2026-11-23T15:00:00" in r.stderr
    intake(a, "Đẩy")
    with raises_problem(IntegrityFailure, "sync.events_refused", "403.*keys.revoked"):
        push(a, server.url, sleep=lambda s: None)
    assert dossiers(hub) == ["Trước"]  # what came before the revocation stays
    assert "revoked 15:00 23/11/2026" in run_desk("hub", "desks", home=hub.home.root).stdout
    assert run_desk("hub", "revoke", a.desk_id, "--yes", home=hub.home.root).returncode == 3  # already


def test_a_push_carries_the_rotation_to_the_hub(served):
    a, hub, server, _ = served
    intake(a, "Một")
    assert push(a, server.url, sleep=lambda s: None).pushed == 1
    assert run_desk("keys", "rotate", home=a.home.root).returncode == 0
    intake(a, "Hai")
    assert push(a, server.url, sleep=lambda s: None).pushed == 1  # signed by the new key, the old key's word with it
    assert "1 rotation" in run_desk("hub", "desks", home=hub.home.root).stdout
    assert sorted(dossiers(hub)) == ["Hai", "Một"]


def test_recover_believes_only_the_pinned_hub(served):
    from desk.sync.push import fetch_head

    a, hub, server, token = served
    intake(a)
    push(a, server.url, sleep=lambda s: None)
    assert fetch_head(a, server.url, token)["last_seq"] == 1
    update_settings(a.home, sync_hub_key=keys.public_text(keys.public_bytes(Ed25519PrivateKey.generate())))
    a.reload_settings()
    with raises_problem(HubError, "keys.hub_key_mismatch"):
        fetch_head(a, server.url, token)
