"""The hub's side of a push's files (docs/sync-protocol.md, "Files"): which ones it lacks, and their pieces.

``POST /v1/files/lacking`` with ``{"protocol", "desk_id", "hashes": [...]}`` answers ``{"lacking": {sha256:
bytes received so far}}`` — the files the hub's store does not hold, and where an interrupted upload
continues. ``PUT /v1/files/<sha256>?offset=N&total=T`` carries the bytes ``N…`` of the file (``T`` in all);
the last piece has the file checked (``desk.sync.hub_files.receive_piece``) and stored, or refused.

``HubApp`` routes these paths here (:func:`answer`); its token check and body limits apply.
"""

from __future__ import annotations

import json

from desk.errors import DeskError, IntegrityFailure, InvalidInput
from desk.sync.hub_files import SHA256, lacking, receive_piece
from desk.sync.push_files import FILES_PATH, LACKING_PATH, MAX_HASHES


def answer(desk, lock, method: str, path: str, query: dict, body: bytes) -> tuple[int, dict]:
    """(status, JSON answer) for a files request; raises DeskError (InvalidInput: 400, IntegrityFailure: 422)."""
    if path == LACKING_PATH and method == "POST":
        try:
            doc = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise InvalidInput("hub.files_request", field="body") from None
        hashes = doc.get("hashes") if isinstance(doc, dict) else None
        if not isinstance(hashes, list) or len(hashes) > MAX_HASHES:
            raise InvalidInput("hub.files_request", field="hashes")
        with lock:
            return 200, {"lacking": lacking(desk, hashes)}
    sha = path[len(FILES_PATH) + 1 :]
    if method == "PUT" and path.startswith(FILES_PATH + "/") and SHA256.match(sha):
        try:
            offset = int((query.get("offset") or [""])[0])
            total = int((query.get("total") or [""])[0])
        except ValueError:
            raise InvalidInput("hub.files_request", field="offset") from None
        source = f"push:{(query.get('desk_id') or [''])[0][:64]}"
        with lock:
            try:
                return 200, receive_piece(desk, sha, offset, total, body, source)
            except InvalidInput as exc:
                if exc.problem.code == "hub.file_offset":  # not where the client thought: it continues from here
                    received = exc.problem.params["received"]
                    return 200, {"sha256": sha, "received": received, "stored": False, "state": "offset"}
                raise
    raise InvalidInput("hub.files_request", field="path")


def status_of(error: DeskError) -> int:
    return 422 if isinstance(error, IntegrityFailure) else 400
