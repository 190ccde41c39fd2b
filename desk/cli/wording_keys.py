"""The CLI's English for the problems of desk keys, enrolment at the hub and the hub's pinned key
(``desk.keys``, ``desk.sync.enrolment``); merged into ``desk.cli.wording.ENGLISH``."""

from __future__ import annotations

ENGLISH: dict[str, str] = {
    # the desk's key file (desk.keys)
    "keys.exists": "{path} already holds this desk's key; to replace it, use `desk keys rotate`",
    "keys.write_failed": "cannot write the key file {path}: {detail}",
    "keys.missing": "this desk has no signing key ({path}): run `desk keys init`",
    "keys.readable_by_others": "the key file {path} may be read by other users: make it owner-only (chmod 600 {path})",
    "keys.unreadable": "the key file {path} cannot be read ({detail})",
    "keys.passphrase_needed": "the key file {path} is protected by a passphrase: set {env} or type it when asked",
    "keys.passphrase_wrong": "wrong passphrase for the key file {path}",
    "keys.public_invalid": "{field}: not an Ed25519 public key (base64 of 32 bytes)",
    "keys.rotation_invalid": "a key rotation statement is malformed",
    # enrolment requests and the hub's registry (desk.sync.enrolment)
    "keys.request_unreadable": "{path}: cannot be read as an enrolment request ({detail})",
    "keys.request_invalid": "{path}: not a motcua-desk enrolment request ({detail})",
    "keys.not_confirmed": "enrolment cancelled: the fingerprint was not confirmed",
    "keys.not_enrolled": "no desk {desk} in this hub's registry (see `desk hub desks`)",
    "keys.desk_ambiguous": "{desk} names more than one enrolled desk; give its desk id",
    "keys.already_revoked": "desk {desk_no} of {agency} ({desk_id}) was already revoked at {at}",
    "keys.hub_key_file_invalid": "{path}: not a hub key file ({detail})",
    # what a hub refuses (bundles and pushes)
    "keys.unknown_desk": "{where}: desk {desk_no} of {agency} ({desk_id}) is not enrolled at this hub: enrol it first (`desk enrol` at the desk, `desk hub enrol` here)",
    "keys.unsigned": "{where}: not signed by a desk key; refused",
    "keys.bad_signature": "{where}: the signature does not match the key enrolled for desk {desk_no} of {agency} ({desk_id}); refused",
    "keys.other_agency": "{where}: agency {agency} is not served by this hub (it serves {agencies}); refused",
    "keys.number_taken": "{where}: desk {desk_no} of {agency} is enrolled under another desk ({other_desk_id}); refused",
    "keys.revoked": "{where}: desk {desk_no} of {agency} ({desk_id}) was revoked at {at}; refused",
    "keys.rotation_refused": "{where}: a key rotation of desk {desk_id} is not signed by its enrolled key; refused",
    "keys.key_retired": "{where}: signed by a key desk {desk_id} replaced from seq {from_seq} on, but it holds seq {last_seq}; refused",
    "keys.key_in_use": "{where}: this key (fingerprint {fingerprint}) is already enrolled for another desk; each desk makes its own",
    # the hub's key as pinned at the desk
    "keys.hub_key_missing": "no hub key pinned: get the hub's key file from its supervisor and run `desk hub-key set FILE`",
    "keys.hub_unsigned": "the hub at {url} did not sign its answer; nothing was marked sent",
    "keys.hub_key_mismatch": "the hub at {url} signed with another key than the one pinned ({fingerprint}); nothing was marked sent",
}
"""Code -> English template."""
