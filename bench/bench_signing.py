"""Signing one scan (SPEC §10: ≤ 150 ms with a soft key; a PKCS#11 token reported apart).

A one-page A4 scan (a 150 dpi JPEG of noise, about the size of a real
colour scan, converted as ``desk digitise`` converts it) is signed PAdES B-B
with the visible stamp, as at digitisation: the first signature of the
process (pyHanko imported, the stamp's font cut down, the key opened) and the
median of the steady ones. The soft key is a PKCS#12 file of a CA made for
the run; the token is SoftHSM2 when installed (``pkcs11`` figures are None
otherwise).
"""

from __future__ import annotations

import io
import os
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path


def _scan_pdf() -> bytes:
    from PIL import Image

    from desk.dossier.pdf import image_to_pdf

    noise = Image.frombytes("RGB", (1240, 1754), os.urandom(1240 * 1754 * 3))
    buf = io.BytesIO()
    noise.save(buf, "JPEG", quality=35, dpi=(150, 150))
    return image_to_pdf(buf.getvalue(), "jpeg")


def _time(config, pdf: bytes, font: str, runs: int, pin: str) -> tuple[float, float]:
    from desk.dossier import pades, signing

    t = time.perf_counter()
    signing.unlock(config, pin)
    pades.sign_pdf(pdf, config, code="000.00.12.H29-261122-1001-SH1", at=datetime(2026, 11, 22, 9), font_path=font)
    first = (time.perf_counter() - t) * 1000
    steady = []
    for i in range(runs):
        t = time.perf_counter()
        pades.sign_pdf(pdf, config, code=f"000.00.12.H29-261122-{1001 + i}-SH1", at=datetime.now(), font_path=font)
        steady.append((time.perf_counter() - t) * 1000)
    return first, statistics.median(steady)


def bench(*, runs: int = 30) -> dict:
    """The first and the steady (median of ``runs``) signature of a scan, with a soft key and on a token."""
    from desk.dossier import signing
    from desk.dossier.signer import stamp_font
    from tests.signing_helpers import (
        PASSPHRASE,
        TOKEN_PIN,
        init_softhsm,
        make_ca,
        make_pkcs12,
        put_clerk_on_token,
        softhsm_lib,
    )

    class _Fonts:
        font_regular = ""

    pdf = _scan_pdf()
    font = stamp_font(_Fonts)
    out: dict = {"sign_scan_bytes": len(pdf)}
    with tempfile.TemporaryDirectory() as tmp:
        ca = make_ca()
        p12 = make_pkcs12(Path(tmp) / "clerk.p12", ca)
        soft = signing.SignerSettings(kind="pkcs12", pkcs12_path=str(p12))
        first, steady = _time(soft, pdf, font, runs, PASSPHRASE)
        out.update(sign_scan_first_ms=round(first, 1), sign_scan_soft_ms=round(steady, 1))
        lib = softhsm_lib()
        out.update(sign_scan_pkcs11_first_ms=None, sign_scan_pkcs11_ms=None)
        if lib is not None and "SOFTHSM2_CONF" not in os.environ:
            os.environ["SOFTHSM2_CONF"] = str(init_softhsm(Path(tmp) / "softhsm", ("bench",)))
            try:
                put_clerk_on_token(lib, "bench", "clerk", ca, "Trần Văn Token")
                token = signing.SignerSettings(kind="pkcs11", pkcs11_lib=lib, token="bench", key_label="clerk")
                first, steady = _time(token, pdf, font, runs, TOKEN_PIN)
                out.update(sign_scan_pkcs11_first_ms=round(first, 1), sign_scan_pkcs11_ms=round(steady, 1))
            finally:
                signing.forget()
                del os.environ["SOFTHSM2_CONF"]
        signing.forget()
    return out


if __name__ == "__main__":
    import json

    print(json.dumps(bench(), indent=2))
