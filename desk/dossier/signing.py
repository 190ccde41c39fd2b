"""PAdES signatures of scans and results (Thông tư 01/2023/TT-VPCP Điều 8), with pyHanko.

The one module that imports pyHanko (and python-pkcs11 through it); callers
import it only when they sign or check a file, so that a command that does
neither starts without it.

A clerk's signer is a PKCS#12 file copied into the home (encrypted by its
passphrase, which is never stored) or a key on a PKCS#11 token (a USB token:
the library, the token's label and the key's label). The passphrase or PIN is
asked at the first signature of a session and kept only in this process's
memory (:func:`unlock`); ``DESK_SIGNER_PIN`` gives it to scripts and tests.

Each signature is PAdES B-B (B-T when a timestamp server is set) and shows,
at the top-left of page 1, "Người số hoá: <name> · <dd/mm/yyyy hh:mm> · <code>".
:func:`check` reads every signature of a PDF back: who, when, and whether the
signed bytes are intact and nothing was changed after signing.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any, NoReturn, TypeVar

from desk.errors import DeskError, InvalidInput

T = TypeVar("T")

PIN_ENV = "DESK_SIGNER_PIN"
"""Environment variable holding the passphrase or PIN, for scripts and tests."""

PKCS12 = "pkcs12"
PKCS11 = "pkcs11"
KINDS = (PKCS12, PKCS11)

FIELD_PREFIX = "DeskSig"
STAMP_WIDTH = 340
STAMP_HEIGHT = 22
STAMP_MARGIN = 14
STAMP_FONT_SIZE = 7


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


@dataclass(frozen=True)
class SignatureCheck:
    """One signature of a PDF as read back."""

    signer: str
    """The signing certificate's common name (else its whole subject)."""
    subject: str
    issuer: str
    signed_at: datetime | None
    """The signing time the signature carries (a timestamp's when there is one)."""
    intact: bool
    """The signed bytes are unchanged and the cryptography holds."""
    altered: bool
    """Something was changed after signing (an edit appended to the file), or the bytes were."""
    timestamped: bool
    level: str
    """``"B-B"`` or ``"B-T"``."""

    @property
    def state(self) -> str:
        """``"intact"`` or ``"altered"``."""
        return "intact" if self.intact and not self.altered else "altered"


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
    return _info(signer.signing_cert)


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


def describe_pkcs12(path: str, passphrase: str) -> CertificateInfo:
    """The certificate of a PKCS#12 file, opened with its passphrase (the check of ``desk signer set``)."""
    return _info(_open_pkcs12(path, passphrase).signing_cert)


def describe(settings: SignerSettings, pin: str | None = None) -> CertificateInfo:
    """The signer's certificate (unlocking it if needed, like :func:`signer_for`)."""
    return _info(signer_for(settings, pin).signing_cert)


def common_name(signer) -> str:
    """The holder's name on an unlocked signer's certificate."""
    return _info(signer.signing_cert).common_name


def _info(cert) -> CertificateInfo:
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


# --- signing -----------------------------------------------------------------------


def stamp_text(name: str, at: datetime, code: str) -> str:
    """The line shown at the top-left of page 1 (TT 01/2023 Điều 8)."""
    return f"Người số hoá: {name} · {at:%d/%m/%Y %H:%M} · {code}"


def sign_pdf(
    pdf: bytes,
    settings: SignerSettings,
    *,
    code: str,
    at: datetime,
    font_path: str,
    name: str = "",
    pin: str | None = None,
) -> bytes:
    """``pdf`` signed PAdES (B-T with a timestamp server) with the stamp at the top-left of page 1.

    ``name`` is shown as the person who digitised (default: the certificate's
    common name); ``at`` is the time shown. Refusals: ``signer.*`` (see
    :func:`signer_for`), ``sign.failed`` (the PDF cannot be signed: damaged,
    or encrypted), ``sign.timestamp_failed``.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    signer = signer_for(settings, pin)
    shown = name or _info(signer.signing_cert).common_name
    text = stamp_text(shown, at, code)
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
        box = _top_left_box(writer)
        taken = {name for name, _value, _ref in fields.enumerate_sig_fields(writer)}
    except Exception as exc:
        raise InvalidInput("sign.failed", field="file", detail=_short(exc)) from exc
    field_name = next(f"{FIELD_PREFIX}{i}" for i in range(1, len(taken) + 2) if f"{FIELD_PREFIX}{i}" not in taken)
    timestamper = None
    if settings.timestamp_url:
        from pyhanko.sign.timestamps import HTTPTimeStamper

        timestamper = HTTPTimeStamper(settings.timestamp_url)
    style = TextStampStyle(
        stamp_text="%(line)s",
        text_box_style=TextBoxStyle(font=_font_factory(font_path), font_size=STAMP_FONT_SIZE),
        border_width=0,
        background=None,
    )
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=shown,
        reason=f"Số hoá {code}",
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        timestamper=timestamper,
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(field_name, on_page=0, box=box),
    )
    try:
        out = _outside_event_loop(
            lambda: pdf_signer.sign_pdf(
                writer, appearance_text_params={"line": text}, bytes_reserved=_reserve(signer, timestamper is not None)
            )
        )
    except DeskError:
        raise
    except Exception as exc:
        from pyhanko.sign.timestamps.common_utils import TimestampRequestError

        if isinstance(exc, TimestampRequestError):
            raise InvalidInput("sign.timestamp_failed", field="timestamp", url=settings.timestamp_url) from exc
        _raise_token_error(exc, settings)
        raise InvalidInput("sign.failed", field="file", detail=_short(exc)) from exc
    return out.getvalue()


def _outside_event_loop(call: Callable[[], T]) -> T:
    """``call()``, in a thread of its own when this one runs an event loop (pyHanko's synchronous
    API starts one with ``asyncio.run``, which a running loop, a TUI's, refuses)."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def _reserve(signer, timestamped: bool) -> int:
    """Room for the signature: its certificates, the signature and a timestamp token (no trial signature)."""
    certs = sum(len(c.dump()) for c in (signer.signing_cert, *signer.cert_registry))
    return 2 * (certs + 2048 + (8192 if timestamped else 0))


_FONT_TEXT = (
    "".join(chr(c) for c in range(0x20, 0x7F))
    + "·–—…“”‘’°ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯưẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏ"
    "ỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ\u0300\u0301\u0303\u0309\u0323"
)
_fonts: dict[str, bytes] = {}


def _font_factory(path: str):
    """A font engine for the stamp from the TTF cut down to Latin and Vietnamese once per process.

    pyHanko subsets the font it is given at every signature; a small font makes that quick.
    """
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory

    data = _fonts.get(path)
    if data is None:
        from fontTools import subset
        from fontTools.ttLib import TTFont

        try:
            font = TTFont(path)
            options = subset.Options()
            # the stamp's text is NFC (precomposed letters): no shaping tables, no hinting
            options.layout_features = []
            options.drop_tables += ["GSUB", "GPOS", "GDEF"]
            options.hinting = False
            subsetter = subset.Subsetter(options)
            subsetter.populate(text=_FONT_TEXT)
            subsetter.subset(font)
            out = BytesIO()
            font.save(out)
        except Exception as exc:
            raise InvalidInput("sign.font_unusable", field="font", path=path, detail=_short(exc)) from exc
        data = _fonts[path] = out.getvalue()
    font_bytes: bytes = data

    class _Factory(GlyphAccumulatorFactory):
        def create_font_engine(self, writer, obj_stream=None):
            if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
                obj_stream = writer.prepare_object_stream()
            return GlyphAccumulator(
                writer=writer, font_handle=BytesIO(font_bytes), font_size=self.font_size, obj_stream=obj_stream
            )

    return _Factory(path, font_size=STAMP_FONT_SIZE)


def _raise_token_error(exc: Exception, settings: SignerSettings) -> None:
    """A token that went away mid-session: forget it, so that the next signature asks again."""
    try:
        from pkcs11 import exceptions as p11
    except ImportError:  # pragma: no cover - installed with pyHanko[pkcs11]
        return
    if isinstance(exc, (p11.DeviceRemoved, p11.TokenNotPresent, p11.SessionClosed, p11.UserNotLoggedIn)):
        _unlocked.pop(_key(settings), None)
        _sessions.pop(_key(settings), None)
        raise InvalidInput("signer.token_missing", field="token", token=settings.token) from exc


def _top_left_box(writer) -> tuple[int, int, int, int]:
    """Where the stamp goes on page 1: its top-left corner as the page is shown."""
    page = writer.root["/Pages"]
    while "/Kids" in page:
        page = page["/Kids"][0].get_object()
    x0, y0, x1, y1 = (float(v) for v in page.get("/CropBox", page["/MediaBox"]))
    width = min(STAMP_WIDTH, max(x1 - x0 - 2 * STAMP_MARGIN, 60.0))
    rotate = int(page.get("/Rotate", 0)) % 360
    m, h = STAMP_MARGIN, STAMP_HEIGHT
    # the box is in unrotated page space; pick the corner that shows as top-left
    if rotate == 90:
        box = (x0 + m, y0 + m, x0 + m + h, y0 + m + width)
    elif rotate == 180:
        box = (x1 - m - width, y0 + m, x1 - m, y0 + m + h)
    elif rotate == 270:
        box = (x1 - m - h, y1 - m - width, x1 - m, y1 - m)
    else:
        box = (x0 + m, y1 - m - h, x0 + m + width, y1 - m)
    # pyHanko's layout works in whole points
    return (round(box[0]), round(box[1]), round(box[2]), round(box[3]))


def _short(exc: Exception) -> str:
    return (str(exc) or type(exc).__name__)[:200]


# --- reading signatures back ---------------------------------------------------------


def check(pdf: bytes) -> list[SignatureCheck]:
    """Every signature of ``pdf``, oldest first; empty when it has none.

    Intact means the bytes the signature covers hash to what was signed and
    the signature verifies with the certificate's key; altered means that, or
    anything appended after it other than signatures and validation data.
    Trust in the certificate's issuer is not judged here (the desk holds no
    list of trusted CAs).
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature

    _quiet_pyhanko()
    from pyhanko.sign.validation.status import ModificationLevel, SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_regular_signatures)
    except Exception:
        return []
    out = []
    for sig in embedded:
        try:
            cert = sig.signer_cert
            vc = ValidationContext(trust_roots=[cert], allow_fetching=False, revocation_mode="soft-fail")
            status = _outside_event_loop(functools.partial(validate_pdf_signature, sig, vc))
        except Exception:
            out.append(SignatureCheck("", "", "", None, intact=False, altered=True, timestamped=False, level="B-B"))
            continue
        level = status.modification_level
        appended_ok = status.coverage == SignatureCoverageLevel.ENTIRE_FILE or level in (
            ModificationLevel.NONE,
            ModificationLevel.LTA_UPDATES,
        )
        altered = not appended_ok or (
            level is not None and level not in (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)
        )
        # further signatures of the desk (a result signed twice) are form filling, not an alteration
        if level == ModificationLevel.FORM_FILLING and _later_changes_are_signatures(reader, sig):
            altered = False
        info = _info(cert)
        ts = status.timestamp_validity
        when = ts.timestamp if ts is not None else status.signer_reported_dt
        out.append(
            SignatureCheck(
                signer=info.common_name,
                subject=info.subject,
                issuer=info.issuer,
                signed_at=when.astimezone().replace(tzinfo=None) if when is not None else None,
                intact=bool(status.intact and status.valid),
                altered=altered,
                timestamped=ts is not None,
                level="B-T" if ts is not None else "B-B",
            )
        )
    return out


def _quiet_pyhanko() -> None:
    """pyHanko logs an edit it finds after a signature with a traceback; the desk reports it as ``altered``."""
    import logging

    log = logging.getLogger("pyhanko")
    if not log.handlers:
        log.addHandler(logging.NullHandler())
        log.propagate = False


def _later_changes_are_signatures(reader, sig) -> bool:
    """True when every revision after ``sig``'s only added signatures."""
    later = [s for s in reader.embedded_regular_signatures if s.signed_revision > sig.signed_revision]
    return len(later) == reader.xrefs.total_revisions - 1 - sig.signed_revision


def check_file(path: str | os.PathLike[str]) -> list[SignatureCheck]:
    """:func:`check` of a file; a file that cannot be read has no signature to show."""
    try:
        with open(path, "rb") as f:
            return check(f.read())
    except OSError:
        return []
