"""The problems of sealed bundles and publicly verifiable receipts in English; merged into
``problems_en.PROBLEMS``."""

from __future__ import annotations

PROBLEMS: dict[str, str] = {
    "seal.key_readable_by_others": "The hub's sealing key {path} may be read by other users: make it owner-only (chmod 600 {path}).",
    "seal.key_unreadable": "The hub's sealing key {path} cannot be read ({detail}).",
    "seal.key_write_failed": "Cannot write the hub's sealing key {path}: {detail}.",
    "seal.key_file_invalid": "{path}: not a hub key file (one age public key, age1…).",
    "export.no_hub_key": "This bundle is NOT sealed: this desk has no hub key, so anyone who finds the file can read it. Ask the supervisor for the hub's key file.",
    "export.no_field_code": "{count:# record|# records} of dossiers.json {count:has|have} no MaLinhVuc: the catalogue gives no field code (field_code) for {count:its procedure|their procedures}; the portal requires it.",
    "export.plain": "This bundle is NOT sealed (--plain): anyone who finds the file can read it.",
    "bundle.sealed_malformed": "{bundle}: a sealed bundle whose outside is not as a desk writes it; refused.",
    "bundle.sealed_no_hub_key": "{bundle}: sealed to the hub key {sealed_for}, and this home has no hub key: import it at that hub.",
    "bundle.sealed_other_hub": "{bundle}: sealed to another hub's key ({sealed_for}), not to this hub's ({hub}); refused.",
    "bundle.sealed_corrupt": "{bundle}: the sealed content does not decrypt (damaged or altered); refused.",
    "bundle.sealed_routing": "{bundle}: the routing outside says other {keys:#|#} than the sealed manifest; refused.",
    "receipt.signed": "GENUINE receipt: dossier {code}, signed by the receipt key of {agency}.",
    "receipt.other_agency": "Receipt {code} names agency {agency}, but the public key given is {key_agency}'s.",
    "receipt.agency_only": "Receipt {code} was printed before receipts carried a public signature: only its agency can check it.",
    "receipt.key_file_invalid": "{path}: not a receipt public key file ({detail}).",
}
"""Code -> English template of the TUI."""
