"""A push's files, the desk's side (docs/sync-protocol.md, "Files"): before a batch of events goes, the files
its events reference that the hub lacks are uploaded, a piece at a time from where the hub says it is.

The hub is asked which of the batch's files it lacks (``POST /v1/files/lacking``; its answer gives for each
how many bytes of an earlier, interrupted upload it already holds), then each is sent in pieces of
``piece`` bytes (``PUT /v1/files/<sha256>?offset=N&total=T``). A push stopped half-way through a large file
continues from the hub's offset the next time. The files of a batch the hub acknowledged are recorded in
``sent_files`` (``push:<events URL>``), so that an export does not carry them again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from db import file_queries
from desk.errors import DeskError, NotFound

FILES_PATH = "/v1/files"
LACKING_PATH = FILES_PATH + "/lacking"
PIECE = 4 * 1024**2
"""The bytes of a file one request carries (the hub takes at most 16 MiB per body)."""
MAX_HASHES = 5000
"""Hashes asked about at most in one request."""

Call = Callable[[str, str, bytes], dict]
"""``call(method, path and query, body)``: the hub's JSON answer (retried within the push's bounds)."""


@dataclass
class FilesSent:
    files: int = 0
    bytes: int = 0


def referenced(records: Iterable[dict]) -> dict[str, str]:
    """The stored files the events' snapshots name (components and results): sha256 → relative path."""
    found: dict[str, str] = {}
    for r in records:
        payload = r.get("payload")
        if not isinstance(payload, dict):
            continue
        for key in ("components", "results"):
            items = payload.get(key)
            for item in items if isinstance(items, list) else ():
                if isinstance(item, dict) and item.get("file_path") and item.get("file_sha256"):
                    found[str(item["file_sha256"])] = str(item["file_path"])
    return found


def send_files(desk, records: list[dict], call: Call, *, piece: int = PIECE, desk_id: str = "") -> list[tuple]:
    """Upload what the hub lacks of the files ``records`` reference; returns (sha256, bytes) of each of them
    (to be recorded as sent once the batch is acknowledged). Raises ``NotFound`` ``export.scan_missing`` for
    a file that is no longer in this home."""
    wanted = referenced(records)
    if not wanted:
        return []
    hashes = sorted(wanted)
    have: dict[str, int] = {}
    for i in range(0, len(hashes), MAX_HASHES):
        body = json.dumps({"hashes": hashes[i : i + MAX_HASHES]}).encode("ascii")
        answer = call("POST", LACKING_PATH, body)
        lacking = answer.get("lacking")
        if not isinstance(lacking, dict):
            raise DeskError("sync.answer_not_json")
        have.update({k: int(v) for k, v in lacking.items() if k in wanted and isinstance(v, int)})
    out = []
    for sha in hashes:
        path = desk.home.files / wanted[sha]
        try:
            size = path.stat().st_size
        except FileNotFoundError as exc:
            raise NotFound("export.scan_missing", component=sha[:12], code="", path=str(path)) from exc
        if sha in have:
            _upload(path, sha, size, have[sha], call, piece, desk_id)
        out.append((sha, size))
    return out


def _upload(path, sha: str, size: int, offset: int, call: Call, piece: int, desk_id: str) -> None:
    with open(path, "rb") as f:
        while offset < size:
            f.seek(offset)
            data = f.read(piece)
            answer = call("PUT", f"{FILES_PATH}/{sha}?offset={offset}&total={size}&desk_id={desk_id}", data)
            if answer.get("stored"):
                return
            received = answer.get("received")
            if not isinstance(received, int) or received == offset or not 0 <= received <= size:
                raise DeskError("sync.answer_not_json")
            offset = received


def mark_sent(desk, files: list[tuple], url: str, at: str) -> None:
    """Inside the transaction that marks the batch acknowledged."""
    file_queries.mark_sent(desk.db, files, f"push:{url}", at)
