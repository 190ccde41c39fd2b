"""The clerk's signer for PAdES signatures (Thông tư 01/2023/TT-VPCP Điều 8), with pyHanko.

With :mod:`desk.dossier.pades` (signing and checking PDFs), the only modules
that import pyHanko (and python-pkcs11 through it); callers import them only
when they sign or check a file, so that a command that does neither starts
without them.

A clerk's signer is a PKCS#12 file copied into the home (encrypted by its
passphrase, which is never stored) or a key on a PKCS#11 token (a USB token:
the library, the token's label and the key's label). The passphrase or PIN is
asked at the first signature of a session and kept only in this process's
memory (:func:`unlock`); ``DESK_SIGNER_PIN`` gives it to scripts and tests.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn

from desk.errors import InvalidInput

PIN_ENV = "DESK_SIGNER_PIN"
"""Environment variable holding the passphrase or PIN, for scripts and tests."""

PKCS12 = "pkcs12"
PKCS11 = "pkcs11"
KINDS = (PKCS12, PKCS11)


@dataclass(frozen=True)
class SignerSettings:
    """Where the clerk's key is (from ``desk.toml``'s ``[signer]``)."""

    kind: str = ""
    """``"pkcs12"``, ``"pkcs11"``, or empty when the clerk has no signer."""
    pkcs12_path: str = ""
    """The PKCS#12 file (inside the home) for ``pkcs12``."""
    pkcs11_lib: str = ""
    """The token's PKCS#11 library for ``pkcs11``."""
    token: str = ""
    """The token's label."""
    key_label: str = ""
    """The label of the key (and of its certificate) on the token."""
    timestamp_url: str = ""
    """An RFC 3161 timestamp server: signatures become PAdES B-T; empty = B-B."""

    @property
    def configured(self) -> bool:
        return self.kind in KINDS


@dataclass(frozen=True)
class CertificateInfo:
    """What a person checks of a certificate."""

    subject: str
    issuer: str
    common_name: str
    not_before: datetime
    not_after: datetime
    serial: str


# --- the session's unlocked signer -------------------------------------------------

_unlocked: dict[tuple, Any] = {}
"""Signers unlocked in this process, by the settings that name them; never written anywhere."""
_sessions: dict[tuple, Any] = {}
"""The token sessions those signers hold (closed by :func:`forget`)."""


def _key(settings: SignerSettings) -> tuple:
    return (settings.kind, settings.pkcs12_path, settings.pkcs11_lib, settings.token, settings.key_label)


def is_unlocked(settings: SignerSettings) -> bool:
    return _key(settings) in _unlocked


def forget() -> None:
    """Lock every signer again (the PIN is asked at the next signature)."""
    for session in _sessions.values():
        try:
            session.close()
        except Exception:  # a token pulled out: nothing left to close
            pass
    _sessions.clear()
    _unlocked.clear()


def unlock(settings: SignerSettings, pin: str) -> CertificateInfo:
    """Open the signer with its passphrase or PIN and keep it for this session.

    Refuses ``signer.none``, ``signer.pin_wrong``, ``signer.pin_locked``,
    ``signer.token_missing``, ``signer.key_missing``, ``signer.unreadable``.
    """
    signer, session = _open(settings, pin)
    _unlocked[_key(settings)] = signer
    if session is not None:
        _sessions[_key(settings)] = session
    return info_of(signer.signing_cert)


def signer_for(settings: SignerSettings, pin: str | None = None):
    """The unlocked signer: from this session, else opened with ``pin``, else with ``DESK_SIGNER_PIN``.

    ``signer.locked`` when none of them is at hand: the caller asks the clerk
    and calls :func:`unlock`.
    """
    if not settings.configured:
        raise InvalidInput("signer.none", field="signer")
    found = _unlocked.get(_key(settings))
    if found is not None:
        return found
    if pin is None:
        pin = os.environ.get(PIN_ENV)
    if pin is None:
        raise InvalidInput("signer.locked", field="pin")
    unlock(settings, pin)
    return _unlocked[_key(settings)]


def _open(settings: SignerSettings, pin: str) -> tuple[Any, Any]:
    """The signer and the token session it holds (None for a PKCS#12 file)."""
    if settings.kind == PKCS12:
        return _open_pkcs12(settings.pkcs12_path, pin), None
    if settings.kind == PKCS11:
        return _open_pkcs11(settings, pin)
    raise InvalidInput("signer.none", field="signer")


def _open_pkcs12(path: str, passphrase: str):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise InvalidInput("signer.unreadable", field="pkcs12", path=path, detail=exc.strerror or str(exc)) from exc
    try:
        loaded = _soft_signer().load_pkcs12_data(data, other_certs=(), passphrase=passphrase.encode("utf-8"))
    except ValueError as exc:
        # a wrong passphrase and a file that is no PKCS#12 look alike to the reader
        if _is_pkcs12(data):
            raise InvalidInput("signer.pin_wrong", field="pin") from exc
        raise InvalidInput("signer.unreadable", field="pkcs12", path=path, detail="not a PKCS#12 file") from exc
    # the loader makes a plain SimpleSigner whatever class it is called on
    return _soft_signer()(
        signing_key=loaded.signing_key, signing_cert=loaded.signing_cert, cert_registry=loaded.cert_registry
    )


def _soft_signer():
    """pyHanko's SimpleSigner, keeping the key it decoded once (it decodes it again at every signature)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from pyhanko.sign.general import get_pyca_cryptography_hash
    from pyhanko.sign.signers import SimpleSigner

    class KeptKeySigner(SimpleSigner):
        _pyca_key: Any = None

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
            if mechanism not in ("rsassa_pkcs1v15", "ecdsa"):
                return super().sign_raw(data, digest_algorithm)
            if self._pyca_key is None:
                self._pyca_key = serialization.load_der_private_key(self.signing_key.dump(), password=None)
            key, hash_algo = self._pyca_key, get_pyca_cryptography_hash(digest_algorithm)
            if isinstance(key, rsa.RSAPrivateKey) and mechanism == "rsassa_pkcs1v15":
                return key.sign(data, padding.PKCS1v15(), hash_algo)
            if isinstance(key, ec.EllipticCurvePrivateKey) and mechanism == "ecdsa":
                return key.sign(data, ec.ECDSA(hash_algo))
            return super().sign_raw(data, digest_algorithm)

    return KeptKeySigner


def _is_pkcs12(data: bytes) -> bool:
    from asn1crypto import pkcs12

    try:
        pkcs12.Pfx.load(data).native  # noqa: B018 - parsing is the check
    except Exception:
        return False
    return True


def _open_pkcs11(settings: SignerSettings, pin: str):
    import pkcs11
    from pkcs11 import exceptions as p11
    from pyhanko.sign import pkcs11 as hp11

    try:
        lib = pkcs11.lib(settings.pkcs11_lib)
    except (RuntimeError, OSError, p11.PKCS11Error) as exc:
        raise InvalidInput(
            "signer.library_unusable", field="pkcs11-lib", path=settings.pkcs11_lib, detail=str(exc)
        ) from exc
    try:
        token = lib.get_token(token_label=settings.token)
    except (p11.NoSuchToken, p11.MultipleTokensReturned) as exc:
        raise InvalidInput("signer.token_missing", field="token", token=settings.token) from exc
    # the token counts wrong PINs and locks itself (real tokens after 3–10 tries): the desk never
    # tries a PIN twice on its own, and says what the token says of its count
    if token.flags & pkcs11.TokenFlag.USER_PIN_LOCKED:
        raise InvalidInput("signer.pin_locked", field="pin", token=settings.token)
    try:
        session = token.open(user_pin=pin)
    except p11.PinLocked as exc:
        raise InvalidInput("signer.pin_locked", field="pin", token=settings.token) from exc
    except (p11.PinIncorrect, p11.PinLenRange, p11.PinInvalid) as exc:
        _refuse_wrong_pin(lib, settings.token, exc)
    try:
        signer = hp11.PKCS11Signer(session, key_label=settings.key_label, cert_label=settings.key_label)
        signer.signing_cert  # noqa: B018 - reads the certificate now: a wrong label fails here, not mid-signature
    except Exception as exc:
        session.close()
        raise InvalidInput("signer.key_missing", field="key-label", label=settings.key_label, detail=str(exc)) from exc
    return signer, session


def _refuse_wrong_pin(lib, label: str, exc: Exception) -> NoReturn:
    """``signer.pin_wrong``, or what the token now says of its count: few tries left, last try, or locked."""
    import pkcs11

    try:
        flags = lib.get_token(token_label=label).flags
    except Exception:  # pulled out meanwhile
        flags = 0
    if flags & pkcs11.TokenFlag.USER_PIN_LOCKED:
        raise InvalidInput("signer.pin_locked", field="pin", token=label) from exc
    if flags & pkcs11.TokenFlag.USER_PIN_FINAL_TRY:
        raise InvalidInput("signer.pin_final_try", field="pin", token=label) from exc
    if flags & pkcs11.TokenFlag.USER_PIN_COUNT_LOW:
        raise InvalidInput("signer.pin_count_low", field="pin", token=label) from exc
    raise InvalidInput("signer.pin_wrong", field="pin") from exc


def drop(settings: SignerSettings) -> None:
    """Forget one signer (its token went away): the next signature asks for the PIN again."""
    _unlocked.pop(_key(settings), None)
    session = _sessions.pop(_key(settings), None)
    if session is not None:
        try:
            session.close()
        except Exception:  # pulled out: nothing left to close
            pass


def describe_pkcs12(path: str, passphrase: str) -> CertificateInfo:
    """The certificate of a PKCS#12 file, opened with its passphrase (the check of ``desk signer set``)."""
    return info_of(_open_pkcs12(path, passphrase).signing_cert)


def describe(settings: SignerSettings, pin: str | None = None) -> CertificateInfo:
    """The signer's certificate (unlocking it if needed, like :func:`signer_for`)."""
    return info_of(signer_for(settings, pin).signing_cert)


def common_name(signer) -> str:
    """The holder's name on an unlocked signer's certificate."""
    return info_of(signer.signing_cert).common_name


def info_of(cert) -> CertificateInfo:
    subject = cert.subject.human_friendly
    cn = cert.subject.native.get("common_name") or subject
    return CertificateInfo(
        subject=subject,
        issuer=cert.issuer.human_friendly,
        common_name=cn,
        not_before=cert.not_valid_before.replace(tzinfo=None),
        not_after=cert.not_valid_after.replace(tzinfo=None),
        serial=format(cert.serial_number, "X"),
    )
