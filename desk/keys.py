"""The desk's signing key (Ed25519, ``cryptography``): made once in the home, never exported (docs/keys.md).

``desk init`` (or ``desk keys init`` in a home made before keys existed) writes
``desk-key.pem``: the private key as PKCS#8 PEM, owner-only (0600), optionally
encrypted with a passphrase (``BestAvailableEncryption``). The passphrase comes
from the caller or from ``$DESK_KEY_PASSPHRASE`` (scripts, the TUI).

The desk signs each bundle's manifest and each pushed batch with it; the hub
knows the desk's public key from its enrolment. Nothing here is home-made
crypto: keys, signatures and PEM are ``cryptography``'s; this module only
decides where the key lives and how its public half is written and read aloud.

Rotation (``desk keys rotate``): a new key replaces the old one, and a
statement signed by the old key ("this desk's key from seq N on is K") is kept
in ``desk-key-rotations.json`` so that each bundle and push can carry it to the
hub, which then accepts the new key (``desk.sync.enrolment``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from desk.errors import HomeError, IntegrityFailure, InvalidInput
from desk.fsio import atomic_write

KEY_FILE = "desk-key.pem"
ROTATIONS_FILE = "desk-key-rotations.json"
PASSPHRASE_ENV = "DESK_KEY_PASSPHRASE"
ALGORITHM = "ed25519"
ROTATION_FORMAT = "motcua-desk-key-rotation/1"
PUBLIC_KEY_BYTES = 32
SIGNATURE_BYTES = 64


def key_path(home) -> Path:
    """Where the home keeps the desk's private key (``home``: a :class:`desk.config.Home`)."""
    return Path(home.root) / KEY_FILE


def rotations_path(home) -> Path:
    return Path(home.root) / ROTATIONS_FILE


def has_desk_key(home) -> bool:
    return key_path(home).is_file()


# --- text forms ------------------------------------------------------------------------------


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: object, *, size: int | None = None) -> bytes | None:
    """The bytes of strict base64 text (of ``size`` bytes when given), or None."""
    if not isinstance(text, str) or len(text) > 4096:
        return None
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None
    if size is not None and len(data) != size:
        return None
    return data


def public_bytes(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    """The raw 32 bytes of a public key (of a private key's public half)."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_text(public: bytes) -> str:
    """A public key as written in requests, registries and manifests: base64 of its 32 raw bytes."""
    return b64(public)


def public_from_text(text: object, *, field: str = "public_key") -> bytes:
    """The raw public key of its base64 text; ``keys.public_invalid`` otherwise."""
    raw = unb64(text, size=PUBLIC_KEY_BYTES)
    if raw is None:
        raise InvalidInput("keys.public_invalid", field=field)
    try:
        Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        raise InvalidInput("keys.public_invalid", field=field) from None
    return raw


def fingerprint(public: bytes) -> str:
    """What a person reads aloud to check a key: SHA-256 of the raw public key, its first 15 bytes in
    base32 (letters A–Z and digits 2–7, no look-alikes 0/1/8), six groups of four: ``MZXW-6YTB-…``."""
    text = base64.b32encode(hashlib.sha256(public).digest()[:15]).decode("ascii")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


# --- signatures ------------------------------------------------------------------------------


def sign(key: Ed25519PrivateKey, data: bytes) -> bytes:
    return key.sign(data)


def verify(public: bytes, signature: bytes | None, data: bytes) -> bool:
    """Whether ``signature`` is the Ed25519 signature of ``data`` by ``public`` (raw bytes)."""
    if not signature or len(signature) != SIGNATURE_BYTES or len(public) != PUBLIC_KEY_BYTES:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


# --- the key file ------------------------------------------------------------------------------


def _passphrase(passphrase: str | bytes | None) -> bytes | None:
    if passphrase is None:
        passphrase = os.environ.get(PASSPHRASE_ENV) or None
    if isinstance(passphrase, str):
        passphrase = passphrase.encode("utf-8")
    return passphrase or None


def _pem(key: Ed25519PrivateKey, passphrase: bytes | None) -> bytes:
    encryption = serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def generate_desk_key(home, passphrase: str | bytes | None = None) -> Ed25519PrivateKey:
    """Make the desk's key and write it owner-only; refuses (``keys.exists``) a home that has one."""
    path = key_path(home)
    if path.exists():
        raise HomeError("keys.exists", field="key", path=str(path))
    key = Ed25519PrivateKey.generate()
    _write_key(path, key, _passphrase(passphrase))
    return key


def _write_key(path: Path, key: Ed25519PrivateKey, passphrase: bytes | None) -> None:
    try:
        atomic_write(path, _pem(key, passphrase), mode=0o600)
    except OSError as exc:
        raise HomeError("keys.write_failed", field="key", path=str(path), detail=exc.strerror or str(exc)) from exc


def is_encrypted(home) -> bool:
    """Whether the key file is protected by a passphrase."""
    try:
        return b"ENCRYPTED" in key_path(home).read_bytes()[:64]
    except OSError:
        return False


def load_desk_key(home, passphrase: str | bytes | None = None) -> Ed25519PrivateKey:
    """The desk's private key; ``keys.missing``, ``keys.readable_by_others``, ``keys.passphrase_needed``,
    ``keys.passphrase_wrong`` or ``keys.unreadable`` otherwise."""
    path = key_path(home)
    try:
        if os.name == "posix" and path.stat().st_mode & 0o077:
            raise HomeError("keys.readable_by_others", field="key", path=str(path))
        data = path.read_bytes()
    except FileNotFoundError:
        raise HomeError("keys.missing", field="key", path=str(path)) from None
    except OSError as exc:
        raise HomeError("keys.unreadable", field="key", path=str(path), detail=exc.strerror or str(exc)) from None
    secret = _passphrase(passphrase)
    encrypted = b"ENCRYPTED" in data[:64]
    if encrypted and secret is None:
        raise HomeError("keys.passphrase_needed", field="key", path=str(path), env=PASSPHRASE_ENV)
    try:
        key = serialization.load_pem_private_key(data, password=secret if encrypted else None)
    except ValueError:
        if encrypted:
            raise InvalidInput("keys.passphrase_wrong", field="key", path=str(path)) from None
        raise HomeError("keys.unreadable", field="key", path=str(path), detail="not a PEM private key") from None
    except TypeError:
        raise HomeError("keys.unreadable", field="key", path=str(path), detail="not a PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise HomeError("keys.unreadable", field="key", path=str(path), detail="not an Ed25519 key")
    return key


def desk_public_key(home) -> bytes:
    """The desk's public key (raw bytes); the passphrase is needed to read an encrypted key file."""
    return public_bytes(load_desk_key(home))


# --- rotation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rotation:
    """ "From seq ``from_seq`` on, desk ``desk_id`` signs with ``new``", signed by the key it replaces."""

    desk_id: str
    old: bytes
    new: bytes
    from_seq: int
    at: str
    signature: bytes

    def signed_bytes(self) -> bytes:
        return rotation_bytes(self.desk_id, self.old, self.new, self.from_seq, self.at)

    def to_json(self) -> dict:
        return {
            "format": ROTATION_FORMAT,
            "desk_id": self.desk_id,
            "old_key": public_text(self.old),
            "new_key": public_text(self.new),
            "from_seq": self.from_seq,
            "at": self.at,
            "signature": b64(self.signature),
        }

    @classmethod
    def from_json(cls, value: object) -> Rotation:
        """A rotation statement as written in a bundle, a push or the home (``keys.rotation_invalid``);
        its signature is checked by :meth:`genuine`, not here."""
        if not isinstance(value, dict) or value.get("format") != ROTATION_FORMAT:
            raise IntegrityFailure("keys.rotation_invalid", field="key")
        old = unb64(value.get("old_key"), size=PUBLIC_KEY_BYTES)
        new = unb64(value.get("new_key"), size=PUBLIC_KEY_BYTES)
        signature = unb64(value.get("signature"), size=SIGNATURE_BYTES)
        desk_id, from_seq, at = value.get("desk_id"), value.get("from_seq"), value.get("at")
        if (
            old is None
            or new is None
            or signature is None
            or not isinstance(desk_id, str)
            or not 0 < len(desk_id) <= 64
            or type(from_seq) is not int
            or from_seq < 1
            or not isinstance(at, str)
            or len(at) > 40
        ):
            raise IntegrityFailure("keys.rotation_invalid", field="key")
        return cls(desk_id, old, new, from_seq, at, signature)

    def genuine(self) -> bool:
        """Whether the key it replaces signed it."""
        return verify(self.old, self.signature, self.signed_bytes())


def rotation_bytes(desk_id: str, old: bytes, new: bytes, from_seq: int, at: str) -> bytes:
    """What the old key signs: a fixed, unambiguous text (no JSON to canonicalise)."""
    return "\n".join([ROTATION_FORMAT, desk_id, public_text(old), public_text(new), str(from_seq), at]).encode(
        "ascii", "replace"
    )


def rotations(home) -> list[Rotation]:
    """The home's rotation statements, oldest first (none for a key never rotated)."""
    path = rotations_path(home)
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise HomeError("keys.unreadable", field="key", path=str(path), detail=str(exc)[:200]) from None
    if not isinstance(values, list):
        raise HomeError("keys.unreadable", field="key", path=str(path), detail="not a list")
    return [Rotation.from_json(v) for v in values]


def rotate_desk_key(
    home, desk_id: str, from_seq: int, at: str, passphrase: str | bytes | None = None
) -> tuple[Rotation, Ed25519PrivateKey]:
    """Replace the desk's key by a new one, and keep the old key's signed statement of the change.

    The statement is written first, then the key: a crash between the two leaves the old key with a
    statement the hub accepts only once the new key signs something (nothing lost: rotate again).
    """
    old = load_desk_key(home, passphrase)
    new = Ed25519PrivateKey.generate()
    old_pub, new_pub = public_bytes(old), public_bytes(new)
    signature = sign(old, rotation_bytes(desk_id, old_pub, new_pub, from_seq, at))
    rotation = Rotation(desk_id, old_pub, new_pub, from_seq, at, signature)
    kept = [r.to_json() for r in rotations(home)] + [rotation.to_json()]
    path = rotations_path(home)
    try:
        atomic_write(path, json.dumps(kept, indent=2).encode("utf-8") + b"\n", mode=0o600)
    except OSError as exc:
        raise HomeError("keys.write_failed", field="key", path=str(path), detail=exc.strerror or str(exc)) from exc
    _write_key(key_path(home), new, _passphrase(passphrase) if is_encrypted(home) or passphrase else None)
    return rotation, new


def change_passphrase(home, old: str | bytes | None, new: str | bytes | None) -> None:
    """Write the same key again, under ``new`` (or none)."""
    key = load_desk_key(home, old)
    _write_key(key_path(home), key, _passphrase(new) if new is not None else None)
