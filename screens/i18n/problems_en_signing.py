"""English words for signatures of scans and electronic results (the TUI's catalogue)."""

from __future__ import annotations

PROBLEMS: dict[str, str] = {
    "signer.none": "No signer yet: choose a PKCS#12 file or a USB token in Settings (or `desk signer set`).",
    "signer.locked": "The signer is locked: type its passphrase or PIN on the Settings screen (F7, then F9).",
    "signer.pin_wrong": "Wrong passphrase or PIN; the token locks itself after a few wrong tries.",
    "signer.pin_locked": "Token {token} is locked after too many wrong PINs; the IT officer can unlock it with the SO PIN.",
    "signer.pin_count_low": "Wrong PIN; token {token} says few tries are left before it locks itself.",
    "signer.pin_final_try": "Wrong PIN; one more wrong PIN locks token {token}: make sure of it before trying again.",
    "signer.pin_needed": "The signer's passphrase is needed.",
    "signer.token_missing": "Token {token} is not plugged in; plug it in and try again.",
    "signer.key_missing": "No key and certificate labelled {label} on the token ({detail}).",
    "signer.unreadable": "{path} cannot be used as a signer: {detail}.",
    "signer.library_unusable": "The PKCS#11 library {path} cannot be loaded ({detail}); choose the token maker's .so / .dll.",
    "signer.missing_option": "--{option} is needed.",
    "signer.both_kinds": "Choose a PKCS#12 file or a PKCS#11 token, not both.",
    "sign.failed": "The PDF cannot be signed ({detail}); scan it again or save it as a plain PDF.",
    "sign.timestamp_failed": "The timestamp server {url} did not answer; try again, or empty signer.timestamp_url.",
    "sign.font_unusable": "The stamp's font {path} cannot be used ({detail}).",
    "scan.pages_mismatch": "The paper has {paper:# page|# pages} but the scan has {pdf:# page|# pages}; scan every page, once.",
    "scan.pages_invalid": "Pages {pages}: type the number of pages of the paper (1 or more).",
    "scan.pages_without_file": "The page count goes with a scanned file (--file).",
    "result.closed": "Dossier {code} is “{status}”: it has no result to attach.",
    "result.needs_signer": "An electronic result must be signed: choose a signer, or attach the PDF the processing office signed.",
    "result.signature_broken": "The result's signature by {signer} does not hold: the file was changed after signing; ask for the original.",
    "result.busy": "Another window attached result {code} meanwhile; attach it again.",
}
"""Code -> English template (merged into problems_en.PROBLEMS)."""
