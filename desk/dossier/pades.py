"""PAdES signatures of PDFs and their check, with pyHanko (Thông tư 01/2023/TT-VPCP Điều 8).

With :mod:`desk.dossier.signing` (the clerk's signer: a PKCS#12 file or a
token), the only modules that import pyHanko; callers import them only when
they sign or check a file, so that a command that does neither starts
without it.

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
from typing import TypeVar

from desk.dossier.signing import SignerSettings, common_name, drop, info_of, signer_for
from desk.errors import DeskError, InvalidInput

T = TypeVar("T")

FIELD_PREFIX = "DeskSig"
STAMP_WIDTH = 340
STAMP_HEIGHT = 22
STAMP_MARGIN = 14
STAMP_FONT_SIZE = 7


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
    shown = name or common_name(signer)
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
        drop(settings)
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
        info = info_of(cert)
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
