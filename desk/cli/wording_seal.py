"""The CLI's English for sealed bundles and publicly verifiable receipts (``desk.sync.seal``,
``desk.rules.receipt_key``); merged into ``desk.cli.wording.ENGLISH``."""

from __future__ import annotations

ENGLISH: dict[str, str] = {
    # the hub's sealing key and the desk's copy of its public half (desk.sync.seal)
    "seal.key_readable_by_others": "the hub's sealing key {path} may be read by other users: make it owner-only (chmod 600 {path})",
    "seal.key_unreadable": "the hub's sealing key {path} cannot be read ({detail})",
    "seal.key_write_failed": "cannot write the hub's sealing key {path}: {detail}",
    "seal.key_file_invalid": "{path}: not a hub key file (one age public key, age1…, as `desk hub seal-key --out` writes it)",
    # export
    "export.no_hub_key": "this bundle is NOT sealed: this desk has no hub key, so anyone who finds the file can read it; get the hub's key file (`desk hub seal-key --out FILE` at the hub) and run `desk seal-key set FILE`",
    "export.no_field_code": "{count:# record|# records} of dossiers.json {count:has|have} no MaLinhVuc: the catalogue gives no field code (field_code) for {count:its procedure|their procedures}; the portal requires it",
    "export.plain": "this bundle is NOT sealed (--plain): anyone who finds the file can read it",
    # opening a sealed bundle
    "bundle.sealed_malformed": "{bundle}: a sealed bundle whose outside is not as a desk writes it; refused",
    "bundle.sealed_no_hub_key": "{bundle}: sealed to the hub key {sealed_for}, and this home has no hub key: import it at that hub; refused",
    "bundle.sealed_other_hub": "{bundle}: sealed to another hub's key ({sealed_for}), not to this hub's ({hub}): only that hub can open it; refused",
    "bundle.sealed_corrupt": "{bundle}: the sealed content does not decrypt (damaged or altered); refused",
    "bundle.sealed_routing": "{bundle}: the routing outside says other {keys:#|#} than the sealed manifest; refused",
    # receipts verified with a public key (desk.rules.receipt_key)
    "receipt.signed": "Genuine receipt for dossier {code}: signed by the receipt key of {agency}.",
    "receipt.other_agency": "Receipt {code} names agency {agency}, but the public key given is {key_agency}'s: give {agency}'s key.",
    "receipt.agency_only": "Receipt {code} was printed before receipts carried a public signature: only its agency can check it (`desk verify-receipt` at a desk of the agency).",
    "receipt.key_file_invalid": "{path}: not a receipt public key file ({detail})",
}
"""Code -> English template."""
