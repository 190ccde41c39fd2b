"""Sealed bundles (docs/bundle-format.md, "Sealed bundles"): a bundle encrypted to the hub's key.

A sealed ``.deskbundle`` is a zip of two members: ``routing.json`` in clear (what a
supervisor needs to route it: agency, desk, seq range, date, the hub key it is
sealed to) and ``bundle.age``, the plain bundle encrypted with age (X25519,
``pyrage``: https://age-encryption.org/v1) to the hub's public key. Nothing of
an applicant is outside the encryption.

The hub's key pair is made at first need (``desk hub seal-key``) and kept
owner-only in the hub's home as an age identity file (``hub-seal.key``); its
public half is an age recipients file that a desk pins (``desk seal-key set
FILE``: ``hub-seal.pub`` in the desk's home). Both files also work with the
``age`` command line tool.

Export writes the plain bundle into the home's ``tmp/`` folder, then seals it
into the destination (a plain copy never touches the USB stick); import opens a
sealed bundle into ``tmp/`` (owner-only, removed on any exit) and hands that to
the one reader. age encrypts and decrypts as a stream (64 KiB chunks): a bundle
is never whole in memory.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import struct
import time
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pyrage
from pyrage import x25519

from desk.errors import HomeError, IntegrityFailure, InvalidInput
from desk.fsio import atomic_write, fsync_dir, owner_only, process_gone
from desk.sync.bundle_zip import zinfo

SEALED_FORMAT = "motcua-desk-sealed/1"
MEMBER_ROUTING = "routing.json"
MEMBER_SEALED = "bundle.age"
HUB_KEY_FILE = "hub-seal.key"
PINNED_FILE = "hub-seal.pub"
TEMP_DIR = "tmp"
MAX_ROUTING_BYTES = 64 * 1024
MAX_SEALED_BYTES = 2 * 1024**3 + 1024**2  # a plain bundle's limit, and age's overhead (16 bytes per 64 KiB)
STALE_SECONDS = 3600
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # APPNOTE 4.3.7: signature … file name length, extra field length
_END_RECORD = struct.Struct("<4s4H2LH")


# --- the hub's key pair -----------------------------------------------------------------------


def hub_key_path(home) -> Path:
    return Path(home.root) / HUB_KEY_FILE


def pinned_path(home) -> Path:
    return Path(home.root) / PINNED_FILE


def hub_identity(home) -> x25519.Identity | None:
    """The hub's sealing identity, or None when this home has none (``seal.key_*`` when it is unusable)."""
    path = hub_key_path(home)
    try:
        if os.name == "posix" and path.stat().st_mode & 0o077:
            raise HomeError("seal.key_readable_by_others", field="seal-key", path=str(path))
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise HomeError("seal.key_unreadable", field="seal-key", path=str(path), detail=str(exc)[:200]) from None
    secrets = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    try:
        if len(secrets) != 1:
            raise ValueError("not one key")
        return x25519.Identity.from_str(secrets[0])
    except (ValueError, pyrage.IdentityError):
        raise HomeError("seal.key_unreadable", field="seal-key", path=str(path), detail="not an age identity") from None


def ensure_hub_identity(home) -> x25519.Identity:
    """The hub's sealing identity, made (owner-only, 0600) when the home has none yet."""
    identity = hub_identity(home)
    if identity is not None:
        return identity
    identity = x25519.Identity.generate()
    text = (
        "# motcua-desk: the hub's sealing key (age X25519). Secret: keep it owner-only, back it up with the home.\n"
        f"# public key: {identity.to_public()}\n{identity}\n"
    )
    path = hub_key_path(home)
    try:
        atomic_write(path, text.encode("ascii"), mode=0o600)
    except OSError as exc:
        raise HomeError(
            "seal.key_write_failed", field="seal-key", path=str(path), detail=exc.strerror or str(exc)
        ) from exc
    return identity


def recipient_file_text(recipient: str, agency_code: str, agency_name: str) -> str:
    """The hub's public key as an age recipients file, to hand to each desk."""
    return (
        f"# motcua-desk: the sealing key of the hub of {agency_code} ({agency_name}); public, not a secret.\n"
        "# At each desk: desk seal-key set FILE\n"
        f"{recipient}\n"
    )


def parse_recipient(text: str, *, path: str = "") -> str:
    """The one age X25519 recipient of a recipients file's text (``seal.key_file_invalid`` otherwise)."""
    keys = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    try:
        if len(keys) != 1:
            raise ValueError
        return str(x25519.Recipient.from_str(keys[0]))
    except (ValueError, pyrage.RecipientError):
        raise InvalidInput("seal.key_file_invalid", field="seal-key", path=path) from None


def read_recipient_file(path: str | os.PathLike) -> str:
    p = Path(path)
    try:
        if p.stat().st_size > MAX_ROUTING_BYTES:
            raise InvalidInput("seal.key_file_invalid", field="seal-key", path=str(p))
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise InvalidInput("seal.key_file_invalid", field="seal-key", path=str(p)) from None
    return parse_recipient(text, path=str(p))


def pin_recipient(home, recipient: str, agency_code: str = "", agency_name: str = "") -> Path:
    """Keep the hub's public key in the desk's home: every export is sealed to it from now on."""
    path = pinned_path(home)
    atomic_write(path, recipient_file_text(parse_recipient(recipient), agency_code, agency_name).encode("utf-8"))
    return path


def pinned_recipient(home) -> str | None:
    """The hub key this desk seals its bundles to, or None (then ``desk export`` needs ``--plain``)."""
    path = pinned_path(home)
    if not path.exists():
        return None
    return read_recipient_file(path)


def short(recipient: str) -> str:
    """A recipient as a message shows it: ``age1et7aa45v…qamc4``."""
    return f"{recipient[:12]}…{recipient[-5:]}" if len(recipient) > 20 else recipient


# --- the home's private temporary folder ------------------------------------------------------------


@contextlib.contextmanager
def private_folder(home, purpose: str) -> Iterator[Path]:
    """A fresh owner-only folder in the home's ``tmp/``, removed with its content on any exit; folders a
    killed process left there are removed first."""
    root = Path(home.root) / TEMP_DIR
    root.mkdir(mode=0o700, exist_ok=True)
    for old in root.glob("*.pid*.*"):
        pid = next((int(p[3:]) for p in old.name.split(".") if p.startswith("pid") and p[3:].isdigit()), None)
        with contextlib.suppress(OSError):
            if (pid is not None and process_gone(pid)) or time.time() - old.stat().st_mtime > STALE_SECONDS:
                shutil.rmtree(old, ignore_errors=True)
    folder = root / f"{purpose}.pid{os.getpid()}.{uuid.uuid4().hex[:8]}"
    folder.mkdir(mode=0o700)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- sealing ------------------------------------------------------------------------------------


@contextlib.contextmanager
def sealing(home, target: Path, recipient: str, routing: dict) -> Iterator[Path]:
    """``with sealing(home, part, recipient, routing) as plain: write the plain bundle to plain``; on a
    clean exit the plain bundle is sealed into ``target`` (fsynced), and it is removed on any exit."""
    hub = x25519.Recipient.from_str(recipient)
    with private_folder(home, "export") as folder:
        plain = folder / target.name
        yield plain
        with open(plain, "rb") as src, open(target, "wb", opener=owner_only) as fh:
            with zipfile.ZipFile(fh, "w") as zf:
                outside = {**routing, "format": SEALED_FORMAT, "hub_key": recipient, "sealed": MEMBER_SEALED}
                zf.writestr(
                    zinfo(MEMBER_ROUTING),
                    json.dumps(outside, ensure_ascii=False, indent=2, sort_keys=True),
                )
                with zf.open(zinfo(MEMBER_SEALED, stored=True), "w") as w:
                    pyrage.encrypt_io(src, cast(io.BufferedIOBase, w), [hub])
            fh.flush()
            os.fsync(fh.fileno())


# --- opening -----------------------------------------------------------------------------------


def sealed_routing(path: Path) -> dict | None:
    """The clear routing of a sealed bundle, or None when ``path`` is not one (then it is read as a plain
    bundle, with all the plain reader's checks). Raises IntegrityFailure for a sealed bundle that is
    malformed."""
    where = path.name
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            head = f.read(_LOCAL_HEADER.size + len(MEMBER_ROUTING))
            f.seek(max(size - _END_RECORD.size, 0))
            tail = f.read()
    except OSError:
        return None  # the plain reader says what is wrong with the file
    if len(head) < _LOCAL_HEADER.size or head[:4] != b"PK\x03\x04":
        return None
    name_length = _LOCAL_HEADER.unpack(head[: _LOCAL_HEADER.size])[9]
    if name_length != len(MEMBER_ROUTING) or head[_LOCAL_HEADER.size :] != MEMBER_ROUTING.encode():
        return None
    # a sealed bundle: two members, no comment, within the plain bundle's size limit
    if size > MAX_SEALED_BYTES or len(tail) != _END_RECORD.size or not tail.startswith(b"PK\x05\x06"):
        raise IntegrityFailure("bundle.sealed_malformed", field="bundle", bundle=where)
    if _END_RECORD.unpack(tail)[4] != 2:
        raise IntegrityFailure("bundle.sealed_malformed", field="bundle", bundle=where)
    try:
        with zipfile.ZipFile(path) as zf:
            names = [zi.filename for zi in zf.infolist()]
            zi = zf.getinfo(MEMBER_ROUTING)
            if sorted(names) != sorted([MEMBER_ROUTING, MEMBER_SEALED]) or zi.file_size > MAX_ROUTING_BYTES:
                raise IntegrityFailure("bundle.sealed_malformed", field="bundle", bundle=where)
            with zf.open(zi) as f:
                routing = json.loads(f.read(MAX_ROUTING_BYTES + 1).decode("utf-8"))
    except (zipfile.BadZipFile, OSError, ValueError, RecursionError):
        raise IntegrityFailure("bundle.sealed_malformed", field="bundle", bundle=where) from None
    if (
        not isinstance(routing, dict)
        or routing.get("format") != SEALED_FORMAT
        or not isinstance(routing.get("hub_key"), str)
        or not isinstance(routing.get("seq"), dict)
    ):
        raise IntegrityFailure("bundle.sealed_malformed", field="bundle", bundle=where)
    return routing


@contextlib.contextmanager
def opened(home, path: Path) -> Iterator[tuple[Path, dict | None]]:
    """``with opened(home, path) as (plain, routing)``: a plain bundle as it is (routing None), a sealed one
    decrypted with this home's hub key into an owner-only temporary file, removed on any exit.

    A sealed bundle this home cannot open is refused (exit 5): ``bundle.sealed_no_hub_key`` (this home has
    no sealing key), ``bundle.sealed_other_hub`` (sealed to another hub's key), ``bundle.sealed_corrupt``
    (the encrypted part does not decrypt: damaged or altered)."""
    routing = sealed_routing(path)
    if routing is None:
        yield path, None
        return
    where = path.name
    identity = hub_identity(home) if home is not None else None
    if identity is None:
        raise IntegrityFailure(
            "bundle.sealed_no_hub_key", field="bundle", bundle=where, sealed_for=short(routing["hub_key"])
        )
    mine = str(identity.to_public())
    if routing["hub_key"] != mine:
        raise IntegrityFailure(
            "bundle.sealed_other_hub",
            field="bundle",
            bundle=where,
            sealed_for=short(routing["hub_key"]),
            hub=short(mine),
        )
    with private_folder(home, "import") as folder:
        plain = folder / where
        try:
            with zipfile.ZipFile(path) as zf, zf.open(MEMBER_SEALED) as src:
                with open(plain, "wb", opener=owner_only) as dst:
                    pyrage.decrypt_io(cast(io.BufferedIOBase, src), dst, [identity])
        except pyrage.DecryptError as exc:
            if "no matching keys" in str(exc).lower():  # the routing named this hub; the sealing did not
                raise IntegrityFailure(
                    "bundle.sealed_other_hub", field="bundle", bundle=where, sealed_for="?", hub=short(mine)
                ) from None
            raise IntegrityFailure("bundle.sealed_corrupt", field="bundle", bundle=where) from None
        except (zipfile.BadZipFile, OSError, ValueError):
            raise IntegrityFailure("bundle.sealed_corrupt", field="bundle", bundle=where) from None
        yield plain, routing


def check_routing(routing: dict | None, manifest: dict, where: str) -> None:
    """The clear routing of a sealed bundle must say what its sealed manifest says (``bundle.sealed_routing``)."""
    if routing is None:
        return
    differ = [
        key
        for key, inside in (
            ("agency", manifest.get("agency")),
            ("desk_no", manifest.get("desk_no")),
            ("seq", manifest.get("seq")),
        )
        if routing.get(key) != inside
    ]
    if differ:
        raise IntegrityFailure("bundle.sealed_routing", field="bundle", bundle=where, keys=tuple(differ))


def unseal(home, path: Path, out: Path) -> Path:
    """A plain copy of a sealed bundle (``desk hub unseal``: its register for people, a desk's recovery),
    owner-only, into the file or folder ``out``; never overwrites a file."""
    target = out / path.name if out.is_dir() else out
    with opened(home, path) as (plain, _routing):
        try:
            with open(plain, "rb") as src, open(target, "wb", opener=owner_only) as dst:
                shutil.copyfileobj(src, dst, 1024**2)
                dst.flush()
                os.fsync(dst.fileno())
        except FileExistsError:
            raise InvalidInput("file.exists", field="out", path=str(target)) from None
        except OSError as exc:
            raise InvalidInput(
                "file.write_failed", field="out", path=str(target), detail=exc.strerror or str(exc)
            ) from exc
    fsync_dir(target.parent)
    return target
