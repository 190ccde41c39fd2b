"""Receipts anyone can verify (issue 14, point 5): the QR carries an Ed25519 signature by the agency's receipt
key; `desk verify-receipt --public-key FILE` says genuine or forged on a machine with no home and no secret;
the hub publishes the keys; receipts printed with the HMAC still verify at their agency."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from desk.config import Home, read_agency_key, update_settings
from desk.rules.receipt_qr import FIELDS, dossier_fields, sign_fields
from tests.conftest import new_cli_home, run_desk

LOOKUP = "https://dichvucong.quangninh.gov.vn/p/home/dvc-tra-cuu-ho-so.html"


@pytest.fixture
def agency(tmp_path):
    """A desk that took in one dossier and printed its receipt on the 80 mm roll: (home, receipt PDF)."""
    home = new_cli_home(tmp_path / "desk", desk_no=2)
    update_settings(Home(home), lookup_url=LOOKUP)
    r = run_desk(
        "intake",
        "--procedure",
        "2.000815",
        "--name",
        "Nguyễn Văn Đức",
        "--id-number",
        "001099012345",
        "--json",
        home=home,
    )
    assert r.returncode == 0, r.stderr
    code = json.loads(r.stdout)["code"]
    pdf = tmp_path / "receipt.pdf"
    r = run_desk("print", "receipt", code, "--paper", "80mm", "--out", str(pdf), home=home)
    assert r.returncode == 0, r.stderr
    return home, pdf


def scanned(pdf: Path, tmp_path: Path) -> str:
    """The receipt's QR as a phone would read it: the first page rendered at 200 dpi by pdftoppm, zxing-cpp."""
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    if not shutil.which("pdftoppm"):
        pytest.fail("pdftoppm (poppler-utils) is needed")
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True
    )
    (png,) = tmp_path.glob("page*.png")
    found = [r.text for r in zxingcpp.read_barcodes(Image.open(png)) if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(found) == 1, found
    return found[0]


def public_key_file(home: Path, tmp_path: Path) -> Path:
    out = tmp_path / "agency-receipt-key.json"
    r = run_desk("key", "public", "--out", str(out), home=home)
    assert r.returncode == 0, r.stderr
    return out


def verify_anywhere(text: str, key: Path, tmp_path: Path):
    """verify-receipt with the public key alone: --home names a folder that holds no desk and no secret."""
    nowhere = tmp_path / "no-home"
    nowhere.mkdir(exist_ok=True)
    return run_desk("verify-receipt", "--public-key", str(key), text, home=nowhere)


def test_the_printed_receipt_verifies_with_the_public_key_alone(agency, tmp_path):
    home, pdf = agency
    text = scanned(pdf, tmp_path)
    assert text.startswith(LOOKUP + "?mhs=000.00.12.H29-")
    assert re.search(r"&sig=[A-Z2-7]{103}$", text)
    key = public_key_file(home, tmp_path)
    document = json.loads(key.read_text())
    assert document["format"] == "motcua-desk-receipt-key/1" and document["agency"] == "000.00.12.H29"
    assert read_agency_key(Home(home)).hex() not in key.read_text()
    r = verify_anywhere(text, key, tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Genuine receipt" in r.stdout and "signed by the receipt key of" in r.stdout
    assert list((tmp_path / "no-home").iterdir()) == []  # nothing was made there
    r = run_desk("verify-receipt", text, home=home)  # and at the agency, against its database
    assert r.returncode == 0 and "Genuine receipt" in r.stdout


@pytest.mark.parametrize("field", [*FIELDS, "ten", "sig"])
def test_any_field_changed_is_forged(agency, tmp_path, field):
    home, pdf = agency
    text = scanned(pdf, tmp_path)
    key = public_key_file(home, tmp_path)
    value = re.search(rf"[?&]{field}=([^&]*)", text).group(1)
    changed = {
        "mhs": lambda v: v[:-1] + ("2" if v[-1] != "2" else "3"),
        "tthc": lambda v: v + "1",
        "dd": lambda v: v[:-1] + ("8" if v[-1] != "8" else "9"),
        "gt": lambda v: "02",
        "hen": lambda v: v.replace("2026", "2027"),
        "ten": lambda v: "Gi%E1%BA%A5y%20kh%C3%A1c",
        "sig": lambda v: v[:10] + ("A" if v[10] != "A" else "B") + v[11:],
    }[field](value)
    forged = text.replace(f"{field}={value}", f"{field}={changed}")
    assert forged != text
    r = verify_anywhere(forged, key, tmp_path)
    assert r.returncode == 5, r.stdout + r.stderr
    assert "forged" in r.stdout


def test_another_agencys_key_does_not_vouch_for_it(agency, tmp_path):
    home, pdf = agency
    text = scanned(pdf, tmp_path)
    other = new_cli_home(tmp_path / "other", agency_code="000.00.13.H29")
    (tmp_path / "o").mkdir()
    other_key = public_key_file(other, tmp_path / "o")
    r = verify_anywhere(text, other_key, tmp_path)
    assert r.returncode == 3 and "the public key given is 000.00.13.H29's" in r.stdout
    # the other agency's key passed off as this agency's: the signature does not match it
    claimed = json.loads(public_key_file(home, tmp_path).read_text())
    claimed["public_key"] = json.loads(other_key.read_text())["public_key"]
    swapped = tmp_path / "swapped.json"
    swapped.write_text(json.dumps(claimed))
    assert verify_anywhere(text, swapped, tmp_path).returncode == 5


def test_old_hmac_receipts_still_verify_at_their_agency(agency, tmp_path):
    home, _pdf = agency
    r = run_desk("search", "Nguyễn Văn Đức", "--json", home=home)
    code = json.loads(r.stdout)[0]["code"]
    from desk.context import open_desk
    from desk.dossier.query import get

    desk = open_desk(home)
    try:
        fields = dossier_fields(get(desk, code))
    finally:
        desk.close()
    old = "motcua:?" + "&".join(f"{n}={v}" for n, v in zip(FIELDS, fields)) + "&sig="
    old += sign_fields(fields, read_agency_key(Home(home)))
    r = run_desk("verify-receipt", old, home=home)
    assert r.returncode == 0 and "Genuine receipt" in r.stdout
    r = run_desk("verify-receipt", old.replace("&hen=", "&hen=1"), home=home)
    assert r.returncode == 5
    # a public key cannot check them: it says so, it does not call them forged
    r = verify_anywhere(old, public_key_file(home, tmp_path), tmp_path)
    assert r.returncode == 4 and "only its agency can check it" in r.stdout


def test_the_hub_publishes_its_agencies_keys(agency, tmp_path):
    from desk.context import open_desk

    home, pdf = agency
    hub_home = new_cli_home(tmp_path / "hub", desk_no=0)
    shutil.copy(home / "agency.key", hub_home / "agency.key")  # one agency: one key (desk key export / init)
    other = new_cli_home(tmp_path / "other", agency_code="000.00.13.H29")
    other_key = tmp_path / "other-key.json"
    assert run_desk("key", "public", "--out", str(other_key), home=other).returncode == 0
    r = run_desk("hub", "receipt-keys", "--add", str(other_key), "--json", home=hub_home)
    assert r.returncode == 0, r.stderr
    listed = json.loads(r.stdout)
    assert [k["agency"] for k in listed["keys"]] == ["000.00.12.H29", "000.00.13.H29"]
    hub = open_desk(hub_home)
    try:
        document = served_keys(hub)
    finally:
        hub.close()
    assert document == listed
    saved = tmp_path / "keys.json"
    saved.write_text(json.dumps(document))
    r = verify_anywhere(scanned(pdf, tmp_path), saved, tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr


def served_keys(hub) -> dict:
    """GET /v1/keys from the hub's receiver (its ASGI application, in process), without a token."""
    from desk.sync.hub_app import HubApp

    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/v1/keys", "headers": [], "query_string": b""}
    asyncio.run(HubApp(hub)(scope, receive, send))
    assert sent[0]["status"] == 200
    return json.loads(b"".join(m.get("body", b"") for m in sent[1:]))
