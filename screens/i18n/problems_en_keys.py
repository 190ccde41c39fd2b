"""The problems of desk keys, enrolment and the hub's pinned key in the English TUI; merged into
``problems_en.PROBLEMS``."""

from __future__ import annotations

PROBLEMS: dict[str, str] = {
    "keys.exists": "{path} already holds this desk's key; to replace it, rotate it (`desk keys rotate`).",
    "keys.write_failed": "Cannot write the key file {path}: {detail}.",
    "keys.missing": "This desk has no signing key ({path}): run `desk keys init`.",
    "keys.readable_by_others": "The key file {path} may be read by other users: make it owner-only.",
    "keys.unreadable": "The key file {path} cannot be read ({detail}).",
    "keys.passphrase_needed": "The key file {path} is protected by a passphrase: set {env} before starting the desk.",
    "keys.passphrase_wrong": "Wrong passphrase for the key file {path}.",
    "keys.public_invalid": "{field}: not an Ed25519 public key.",
    "keys.rotation_invalid": "A key rotation statement is malformed.",
    "keys.request_unreadable": "{path}: cannot be read as an enrolment request ({detail}).",
    "keys.request_invalid": "{path}: not an enrolment request ({detail}).",
    "keys.not_confirmed": "Enrolment cancelled: the fingerprint was not confirmed.",
    "keys.not_enrolled": "No desk {desk} in this hub's registry.",
    "keys.desk_ambiguous": "{desk} names more than one enrolled desk; give its desk id.",
    "keys.already_revoked": "Desk {desk_no} of {agency} ({desk_id}) was already revoked at {at}.",
    "keys.hub_key_file_invalid": "{path}: not a hub key file ({detail}).",
    "keys.unknown_desk": "{where}: desk {desk_no} of {agency} is not enrolled at this hub; enrol it first.",
    "keys.unsigned": "{where}: not signed by a desk key; refused.",
    "keys.bad_signature": "{where}: the signature does not match the key enrolled for desk {desk_no} of {agency} ({desk_id}); refused.",
    "keys.other_agency": "{where}: agency {agency} is not served by this hub (it serves {agencies}); refused.",
    "keys.number_taken": "{where}: desk {desk_no} of {agency} is enrolled under another desk ({other_desk_id}); refused.",
    "keys.revoked": "{where}: desk {desk_no} of {agency} ({desk_id}) was revoked at {at}; refused.",
    "keys.rotation_refused": "{where}: a key rotation of desk {desk_id} is not signed by its enrolled key; refused.",
    "keys.key_retired": "{where}: signed by a key desk {desk_id} replaced from seq {from_seq} on, but it holds seq {last_seq}; refused.",
    "keys.key_in_use": "{where}: this key (fingerprint {fingerprint}) is already enrolled for another desk.",
    "keys.hub_key_missing": "No hub key pinned: ask the hub's supervisor for its key file and set it (`desk hub-key set FILE`).",
    "keys.hub_unsigned": "The hub at {url} did not sign its answer; nothing was marked sent.",
    "keys.hub_key_mismatch": "The hub at {url} signed with another key than the one pinned ({fingerprint}); nothing was marked sent.",
}
