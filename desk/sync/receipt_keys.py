"""The receipt public keys a hub publishes (``GET /v1/keys``, ``desk hub receipt-keys``): its own agency's,
derived from its agency key, and those of the agencies it serves, registered from the files their desks
write (``desk key public --out FILE``) into ``receipt-keys.json`` in the hub's home. Public keys only:
nothing here is a secret (``desk.rules.receipt_key``)."""

from __future__ import annotations

import json
from pathlib import Path

from desk.config import read_agency_key
from desk.errors import DeskError, InvalidInput
from desk.fsio import atomic_write
from desk.rules.receipt_key import (
    KEY_FORMAT,
    KEYS_FORMAT,
    MAX_KEYS_FILE,
    PUBLIC_BYTES,
    key_document,
    keys_document,
    public_key,
    unb64u,
)

REGISTRY_FILE = "receipt-keys.json"


def registry_path(home) -> Path:
    return Path(home.root) / REGISTRY_FILE


def own_key(desk) -> dict:
    """This home's agency's receipt key document."""
    agency = desk.settings.agency
    return key_document(agency.code, agency.name, public_key(read_agency_key(desk.home)))


def registered(home) -> dict[str, tuple[str, bytes]]:
    path = registry_path(home)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            "receipt.key_file_invalid", field="public-key", path=str(path), detail=str(exc)[:200]
        ) from None
    return parse_public_keys(text, str(path))


def read_key_file(path: str | Path) -> dict[str, tuple[str, bytes]]:
    p = Path(path)
    try:
        if p.stat().st_size > MAX_KEYS_FILE:
            raise InvalidInput("receipt.key_file_invalid", field="public-key", path=str(p), detail="too large")
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput("receipt.key_file_invalid", field="public-key", path=str(p), detail=str(exc)[:200]) from None
    return parse_public_keys(text, str(p))


def register(home, path: str | Path) -> list[str]:
    """Add (or replace) the agencies' keys of a key file to the hub's registry; returns their codes."""
    keys = {**registered(home), **read_key_file(path)}
    documents = [key_document(code, name, public) for code, (name, public) in keys.items()]
    atomic_write(registry_path(home), json.dumps(keys_document(documents), ensure_ascii=False, indent=2).encode())
    return sorted(read_key_file(path))


def published(desk) -> dict:
    """The keys document the hub publishes: the registered agencies' keys and its own agency's."""
    documents = {code: key_document(code, name, public) for code, (name, public) in registered(desk.home).items()}
    try:
        mine = own_key(desk)
        documents[mine["agency"]] = mine
    except DeskError:
        pass  # a hub home without an agency key publishes the registered keys only
    return keys_document(list(documents.values()))


def _entry(value: object, path: str) -> tuple[str, str, bytes]:
    if not isinstance(value, dict) or value.get("format", KEY_FORMAT) != KEY_FORMAT:
        raise InvalidInput("receipt.key_file_invalid", field="public-key", path=path, detail="not a receipt key")
    agency, name = value.get("agency"), value.get("agency_name", "")
    public = unb64u(value.get("public_key", ""), PUBLIC_BYTES)
    if not isinstance(agency, str) or not agency or not isinstance(name, str) or public is None:
        raise InvalidInput("receipt.key_file_invalid", field="public-key", path=path, detail="agency or key missing")
    return agency, name, public


def parse_public_keys(text: str, path: str = "") -> dict[str, tuple[str, bytes]]:
    """Agency code -> (agency name, raw public key), from one agency's key document or a hub's list."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise InvalidInput("receipt.key_file_invalid", field="public-key", path=path, detail="not JSON") from None
    if isinstance(value, dict) and value.get("format") == KEYS_FORMAT:
        entries = value.get("keys")
        if not isinstance(entries, list) or not entries:
            raise InvalidInput("receipt.key_file_invalid", field="public-key", path=path, detail="no keys")
    else:
        entries = [value]
    keys: dict[str, tuple[str, bytes]] = {}
    for entry in entries:
        agency, name, public = _entry(entry, path)
        keys[agency] = (name, public)
    return keys
