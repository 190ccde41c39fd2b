"""The CLI's English for signatures of scans and results (desk.dossier.signing, signer, results)."""

from __future__ import annotations

ENGLISH: dict[str, str] = {
    "signer.none": "no signer is set: `desk signer set --pkcs12 FILE` or `desk signer set --pkcs11-lib LIB --token LABEL --key-label LABEL`",
    "signer.locked": "the signer is locked: type its passphrase or PIN at the prompt, or give it in DESK_SIGNER_PIN",
    "signer.pin_wrong": "wrong passphrase or PIN; the token locks itself after a few wrong tries",
    "signer.pin_locked": "the token {token} is locked after too many wrong PINs; have it unlocked with its SO PIN (the IT officer)",
    "signer.pin_count_low": "wrong PIN; the token {token} says few tries are left before it locks itself",
    "signer.pin_final_try": "wrong PIN; one more wrong PIN locks the token {token}: make sure of it before trying again",
    "signer.pin_needed": "the passphrase is needed: type it at the prompt, or give it in DESK_SIGNER_PIN",
    "signer.token_missing": "no token labelled {token} is plugged in; plug it in and try again",
    "signer.key_missing": "no key and certificate labelled {label} on the token ({detail})",
    "signer.unreadable": "{path} cannot be used as a signer: {detail}",
    "signer.library_unusable": "the PKCS#11 library {path} cannot be loaded ({detail}); give the token maker's .so / .dll",
    "signer.missing_option": "--{option} is needed",
    "signer.both_kinds": "give either --pkcs12 or the token's --pkcs11-lib/--token/--key-label, not both",
    "sign.failed": "the PDF cannot be signed ({detail}); scan it again or save it as a plain PDF",
    "sign.timestamp_failed": "the timestamp server {url} did not answer; try again, or empty signer.timestamp_url in desk.toml",
    "sign.font_unusable": "the stamp's font {path} cannot be used ({detail}); fix printing.font_regular in desk.toml",
    "scan.pages_mismatch": "the paper has {paper:# page|# pages} but the scan has {pdf:# page|# pages}; scan every page, once",
    "scan.pages_invalid": "--pages {pages}: give the number of pages of the paper (1 or more)",
    "scan.pages_without_file": "--pages goes with --file (the pages of the scanned paper)",
    "result.closed": "dossier {code} is {status}: it has no result to attach",
    "result.needs_signer": "an electronic result must be signed: set a signer (`desk signer set`) or attach the PDF the processing office signed",
    "result.signature_broken": "the result's signature by {signer} does not hold: the PDF was changed after it was signed; ask the office for the original",
    "result.busy": "another window attached a result as {code} meanwhile; attach it again",
}
"""Code -> English template (merged into desk.cli.wording.ENGLISH)."""
