"""The problems of files on the move (a push's uploads, a hub's store) in English; merged into ``problems_en.PROBLEMS``."""

from __future__ import annotations

PROBLEMS: dict[str, str] = {
    "file.bad_hash": "'{sha256}' is not a file's SHA-256 (64 hexadecimal digits).",
    "file.hash_mismatch": "The bytes received for file {sha256} hash to {found}: not that file; refused.",
    "file.signature_altered": "{name}: a signature of this PDF no longer matches its content (altered after signing); refused.",
    "hub.file_offset": "File {sha256}: a piece at byte {offset}, but the hub holds {received:# byte|# bytes} of it; continue from there.",
    "hub.file_too_large": "File {sha256} is {size} bytes; a hub takes files of 1 to {limit} bytes.",
    "hub.files_request": "This is not a files request the hub understands ({field}).",
    "sync.file_missing": "Dossier {code}, {line}: file {sha256} has not arrived (a bundle without it, or a push not done yet).",
}
