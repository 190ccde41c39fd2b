"""The clerk's signer: choosing it, showing it, and signing a desk's PDFs with it.

The settings live in ``desk.toml``'s ``[signer]``; a PKCS#12 file is copied
into the home (owner-only) and opened with its passphrase, a token is named by
its PKCS#11 library, its label and the key's label. Neither a passphrase nor a
PIN is ever written: :mod:`desk.dossier.signing` keeps the opened signer in
memory for the session. pyHanko is imported only when a signature is made or
read.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from desk.config import Home, load_settings, update_settings
from desk.errors import InvalidInput, NotFound
from desk.settings import Settings

if TYPE_CHECKING:
    from desk.dossier.pades import SignatureCheck
    from desk.dossier.signing import CertificateInfo, SignerSettings

PKCS12_NAME = "signer.p12"
"""The clerk's PKCS#12 file inside the home."""


@dataclass(frozen=True)
class Signed:
    """What a signature made at the desk shows."""

    pdf: bytes
    code: str
    """The digitisation-result code (``…-SH1``) or the result's code (``…-KQ1``)."""
    name: str
    """Who is shown as having digitised it (the certificate's holder)."""
    at: datetime


def signer_settings(home: Home, settings: Settings) -> SignerSettings:
    """The signer named by the settings (the PKCS#12 path made absolute inside the home)."""
    from desk.dossier.signing import SignerSettings

    p12 = settings.signer_pkcs12
    return SignerSettings(
        kind=settings.signer_kind,
        pkcs12_path=str(home.root / p12) if p12 and not os.path.isabs(p12) else p12,
        pkcs11_lib=settings.signer_pkcs11_lib,
        token=settings.signer_token,
        key_label=settings.signer_key_label,
        timestamp_url=settings.timestamp_url,
    )


def has_signer(settings: Settings) -> bool:
    return settings.signer_kind in ("pkcs12", "pkcs11")


def set_pkcs12(home: Home, source: str | os.PathLike[str], passphrase: str) -> CertificateInfo:
    """Check a PKCS#12 file with its passphrase, copy it into the home and make it the signer."""
    from desk.dossier import signing

    src = Path(source)
    if not src.is_file():
        raise NotFound("file.not_found", field="pkcs12", path=str(src))
    info = signing.describe_pkcs12(str(src), passphrase)
    target = home.root / PKCS12_NAME
    tmp = target.with_suffix(".tmp")
    try:
        shutil.copyfile(src, tmp)
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except OSError as exc:
        raise InvalidInput(
            "file.write_failed", field="pkcs12", path=str(target), detail=exc.strerror or str(exc)
        ) from exc
    signing.forget()
    update_settings(
        home,
        signer_kind="pkcs12",
        signer_pkcs12=PKCS12_NAME,
        signer_pkcs11_lib="",
        signer_token="",
        signer_key_label="",
    )
    return info


def set_pkcs11(home: Home, lib: str, token: str, key_label: str, pin: str | None) -> CertificateInfo | None:
    """Make a token's key the signer; with ``pin`` the token is opened now (wrong labels show at once)."""
    from desk.dossier import signing

    for name, value in (("pkcs11-lib", lib), ("token", token), ("key-label", key_label)):
        if not value.strip():
            raise InvalidInput("signer.missing_option", field=name, option=name)
    if not Path(lib).is_file():
        raise NotFound("file.not_found", field="pkcs11-lib", path=lib)
    signing.forget()
    info = None
    if pin is not None:
        info = signing.unlock(
            signing.SignerSettings(kind="pkcs11", pkcs11_lib=lib, token=token, key_label=key_label), pin
        )
    update_settings(
        home,
        signer_kind="pkcs11",
        signer_pkcs12="",
        signer_pkcs11_lib=lib,
        signer_token=token,
        signer_key_label=key_label,
    )
    return info


def clear(home: Home) -> None:
    """No signer any more (the copied PKCS#12 file is deleted)."""
    from desk.dossier import signing

    signing.forget()
    update_settings(home, signer_kind="", signer_pkcs12="", signer_pkcs11_lib="", signer_token="", signer_key_label="")
    try:
        (home.root / PKCS12_NAME).unlink()
    except FileNotFoundError:
        pass


def describe(home: Home, pin: str | None = None) -> CertificateInfo:
    """The signer's certificate (``signer.none``; ``signer.locked`` until the PIN is given)."""
    from desk.dossier import signing

    settings = load_settings(home)
    if not has_signer(settings):
        raise InvalidInput("signer.none", field="signer")
    return signing.describe(signer_settings(home, settings), pin)


def unlock(home: Home, pin: str) -> CertificateInfo:
    """Open the signer with its passphrase or PIN for the rest of this session."""
    from desk.dossier import signing

    return signing.unlock(signer_settings(home, load_settings(home)), pin)


def is_unlocked(home: Home, settings: Settings) -> bool:
    from desk.dossier import signing

    return has_signer(settings) and signing.is_unlocked(signer_settings(home, settings))


def stamp_font(settings: Settings) -> str:
    """The TTF of the stamp: the desk's regular font if set, else Be Vietnam Pro."""
    if settings.font_regular:
        return settings.font_regular
    import fontpkg_be_vietnam_pro as package

    meta = json.loads((package.ROOT / "metadata.json").read_text(encoding="utf-8"))
    for f in meta["files"]:
        if int(f["weight"]) == 400 and f["style"] == "normal":
            return str(package.ROOT / f["path"])
    raise InvalidInput("sign.font_unusable", field="font", path=str(package.ROOT), detail="no regular face")


def sign(desk, pdf: bytes, code: str, at: datetime) -> Signed | None:
    """``pdf`` signed by the desk's signer with the stamp for ``code``, or None when the clerk has no signer."""
    from desk.dossier import pades, signing

    settings = desk.settings
    if not has_signer(settings):
        return None
    config = signer_settings(desk.home, settings)
    signer = signing.signer_for(config)
    name = signing.common_name(signer)
    out = pades.sign_pdf(pdf, config, code=code, at=at, font_path=stamp_font(settings), name=name)
    return Signed(pdf=out, code=code, name=name, at=at)


def check(path: str | os.PathLike[str]) -> list[SignatureCheck]:
    """The signatures of a stored PDF (see :func:`desk.dossier.pades.check`)."""
    from desk.dossier import pades

    return pades.check_file(path)


def check_json(checks: list[SignatureCheck]) -> list[dict]:
    """Signatures as ``desk show --json`` prints them."""
    return [
        {
            "signer": c.signer,
            "subject": c.subject,
            "issuer": c.issuer,
            "signed_at": c.signed_at.isoformat(timespec="seconds") if c.signed_at else None,
            "state": c.state,
            "intact": c.intact and not c.altered,
            "level": c.level,
        }
        for c in checks
    ]
