"""Desks, hubs and forged bundles for the hostile-bundle tests (issue 12)."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

from desk.config import update_settings
from desk.context import open_desk
from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
from desk.sync.bundle_write import export_bundle
from tests.conftest import new_home
from tests.desk_helpers import know_each_other, sign_as_its_desk

AGENCY = "000.00.12.H29"


class Homes:
    """Desk homes under one temporary folder, opened and closed together."""

    def __init__(self, root: Path, hub_database: str = ""):
        self.root = root
        self.opened: list = []
        self.hub_database = hub_database
        """The ``[hub] database`` of the hubs (desk 0) made here: "" for their SQLite, or a PostgreSQL URL."""

    def desk(self, name: str, desk_no: int, *, desk_id: str | None = None, enrol: bool = True):
        """A new desk; with ``enrol``, enrolled at the desks made before (and they at it)."""
        home = new_home(self.root / name, agency_code=AGENCY, desk_no=desk_no, clerk=f"Clerk {name}")
        if desk_id is not None:
            config = home.root / "desk.toml"
            text = config.read_text(encoding="utf-8")
            old = next(line for line in text.splitlines() if line.startswith("desk_id"))
            config.write_text(text.replace(old, f'desk_id = "{desk_id}"'), encoding="utf-8")
        if desk_no == 0 and self.hub_database:
            update_settings(home, hub_database=self.hub_database)
        d = open_desk(home)
        know_each_other(d, self.opened if enrol else [])  # enrolled at each other (any may act as the hub)
        self.opened.append(d)
        return d

    def export(self, desk, name: str) -> Path:
        out = self.root / f"out-{name}"
        out.mkdir()
        return export_bundle(desk, out).path

    def close(self) -> None:
        for d in self.opened:
            d.close()


def intake(desk, name: str, procedure: str = "2.000815"):
    d, _ = receive(
        desk, IntakeRequest(procedure_code=procedure, applicant=ApplicantInput(name=name, phone="0912345678"))
    )
    return d


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def reference_json(value) -> bytes:
    """Canonical JSON as docs/bundle-format.md defines it (as a forger writes it)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def events_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in members(path)["events.jsonl"].decode().splitlines()]


def write_bundle(dst: Path, content: dict[str, bytes], *, manifest_tail: bytes = b"") -> Path:
    """A bundle of ``content`` with its manifest's member list made to match (sizes and checksums), signed
    again by its desk's key (``sign_as_its_desk``); ``manifest_tail`` is put in the manifest's object as it
    is (``, "x": …``)."""
    content = dict(content)
    m = json.loads(content["manifest.json"])
    m["members"] = [
        {"name": n, "sha256": hashlib.sha256(d).hexdigest(), "size": len(d)}
        for n, d in sorted(content.items())
        if n not in ("manifest.json", "signature.json")
    ]
    content["manifest.json"] = json.dumps(m).encode()[:-1] + manifest_tail + b"}"
    content = sign_as_its_desk(content)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, d in content.items():
            zf.writestr(n, d)
    return dst


def forged(
    src: Path, dst: Path, records: list[dict], *, add: dict[str, bytes] | None = None, keep_files: bool = True
) -> Path:
    """``src`` with its events replaced by ``records``, hashes and chain recomputed as a forger would; ``add``
    members added (without ``keep_files``, instead of the scans ``src`` carries)."""
    prev = records[0]["prev_hash"]
    for r in records:
        r["prev_hash"] = prev
        r["hash"] = prev = hashlib.sha256(reference_json({k: v for k, v in r.items() if k != "hash"})).hexdigest()
    content = {n: d for n, d in members(src).items() if keep_files or not n.startswith("files/")}
    manifest = json.loads(content["manifest.json"])
    manifest["last_hash"] = records[-1]["hash"]
    manifest["counts"]["events"] = len(records)
    manifest["seq"]["last"] = manifest["seq"]["first"] + len(records) - 1
    content["manifest.json"] = json.dumps(manifest).encode()
    content["events.jsonl"] = b"".join(reference_json(r) + b"\n" for r in records)
    content.update(add or {})
    return write_bundle(dst, content)
