"""The agency's receipt key (Ed25519): receipts anyone can verify with the agency's public key alone.

The private key is derived from the agency key every desk of the agency already
holds (``agency.key``; shared with ``desk key export`` / ``desk init --agency-key``):
HKDF-SHA256 (RFC 5869, ``cryptography``) with the info ``motcua-desk/receipt-ed25519/1``
gives the 32-byte Ed25519 seed. So every desk of an agency signs with the same
key, nothing new is to be handed around or backed up, and the HMAC of receipts
printed before stays verifiable with the same agency key.

The public key is written as base64url without padding (43 characters), in a
small JSON document (``desk key public --out FILE``)::

    {"format": "motcua-desk-receipt-key/1", "agency": "000.00.12.H29",
     "agency_name": "UBND xã Minh Khai", "public_key": "…43 characters…"}

and a hub publishes its agencies' keys as ``{"format": "motcua-desk-receipt-keys/1",
"keys": [<the same objects>]}`` (``GET /v1/keys``). A signature is 64 bytes, written in
the receipt's QR as base32 without padding (103 characters of ``A-Z2-7``), like the
HMAC before it: a scanner typing with caps lock on, or in lower case, does not break
it (base64url would be 86 characters, but case-sensitive; the QR's version is the
same for a usual receipt).
"""

from __future__ import annotations

import base64
import binascii
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

# ``cryptography`` is imported by the functions that sign or verify, not with this module: the TUI and
# the CLI load receipt_qr when they start, and a receipt is printed or scanned only later (SPEC §10)

DERIVATION_INFO = b"motcua-desk/receipt-ed25519/1"
KEY_FORMAT = "motcua-desk-receipt-key/1"
KEYS_FORMAT = "motcua-desk-receipt-keys/1"
PUBLIC_BYTES = 32
SIGNATURE_BYTES = 64
SIGNATURE_CHARS = 103
MAX_KEYS_FILE = 1024**2


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def unb64u(text: str, size: int) -> bytes | None:
    """The bytes of unpadded base64url text of exactly ``size`` bytes, or None."""
    if not isinstance(text, str) or len(text) != (size * 4 + 2) // 3:
        return None
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None
    # one spelling only: the padding bits of the last character must be zero
    return data if len(data) == size and b64u(data) == text else None


@lru_cache(maxsize=8)
def signing_key(agency_key: bytes) -> Ed25519PrivateKey:
    """The agency's receipt signing key, derived from its agency key."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    if not agency_key:
        raise ValueError("the agency key is empty: receipts cannot be signed or verified")
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=DERIVATION_INFO).derive(agency_key)
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key(agency_key: bytes) -> bytes:
    """The raw 32 bytes of the agency's receipt public key."""
    from cryptography.hazmat.primitives import serialization

    return signing_key(agency_key).public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def sign(agency_key: bytes, message: bytes) -> str:
    """The Ed25519 signature of ``message`` by the agency's receipt key, base32 without padding (103
    characters)."""
    return base64.b32encode(signing_key(agency_key).sign(message)).decode("ascii").rstrip("=")


def verify(public: bytes, signature: str, message: bytes) -> bool:
    """Whether ``signature`` (base32, either case) is the agency's signature of ``message``."""
    if len(signature) != SIGNATURE_CHARS or len(public) != PUBLIC_BYTES:
        return False
    try:
        raw = base64.b32decode(signature.upper() + "=" * 1, casefold=False)
    except (binascii.Error, ValueError):
        return False
    if len(raw) != SIGNATURE_BYTES:
        return False
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(public).verify(raw, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def key_document(agency_code: str, agency_name: str, public: bytes) -> dict:
    return {"format": KEY_FORMAT, "agency": agency_code, "agency_name": agency_name, "public_key": b64u(public)}


def keys_document(documents: list[dict]) -> dict:
    return {"format": KEYS_FORMAT, "keys": sorted(documents, key=lambda d: d["agency"])}
