"""Laid-out pages to PDF bytes, on a reportlab canvas with the fonts embedded as subsets."""

from __future__ import annotations

import io
import zlib
from collections.abc import Sequence
from functools import cache

from printing.ops import DrawingOp, LineOp, Page, QrOp, TextOp
from printing.qr import draw_qr
from printing.wording import nfc

# a PDF literal string, byte by byte: ( ) \ escaped, other printable ASCII as is, the rest in octal
_ESCAPES = {b: "\\" + chr(b) for b in (0x28, 0x29, 0x5C)} | {b: f"\\{b:03o}" for b in range(256) if not 32 <= b < 127}


def _pdf_string(data: bytes) -> str:
    """A PDF literal string for already-encoded glyph codes."""
    return data.decode("latin-1").translate(_ESCAPES)


def _page_stream(page: Page, doc, shown: dict[tuple[str, str, float], str]) -> str:
    """The content stream of one page.

    Written directly rather than through reportlab's text objects: its pure-Python
    number formatting costs more than the whole rest of a receipt. Text goes
    through the font's own subset encoding, the way reportlab's ttfonts module
    documents for dynamic fonts. ``shown`` keeps the operators of each run already
    written in this document: the copies of a receipt repeat every line.
    """
    from reportlab.pdfbase.pdfmetrics import getFont

    h = page.height
    out: list[str] = []
    line_width = None
    for op in page.ops:
        if isinstance(op, TextOp):
            out.append(f"BT 1 0 0 1 {op.x:.2f} {h - op.y:.2f} Tm")
            for text, fontname in op.runs:
                key = (text, fontname, op.size)
                ops = shown.get(key)
                if ops is None:
                    font = getFont(fontname)
                    ops = shown[key] = "\n".join(
                        f"{font.getSubsetInternalName(subset, doc)} {op.size:g} Tf ({_pdf_string(chunk)}) Tj"
                        for subset, chunk in font.splitString(text, doc)
                    )
                if ops:
                    out.append(ops)
            out.append("ET")
        elif isinstance(op, LineOp):
            if op.width != line_width:
                out.append(f"{op.width:g} w")
                line_width = op.width
            out.append(f"{op.x1:.2f} {h - op.y1:.2f} m {op.x2:.2f} {h - op.y2:.2f} l S")
    return "\n".join(out)


FLATE_LEVEL = 1
"""zlib's fastest level for every stream (pages, font subsets): half the time of its default (6), 10 % bigger."""


@cache
def _fast_flate():
    """reportlab's Flate filter at :data:`FLATE_LEVEL` (reportlab's own calls ``zlib.compress`` at the default)."""
    from reportlab.pdfbase.pdfdoc import PDFStreamFilterZCompress

    class FastFlate(PDFStreamFilterZCompress):
        def encode(self, text):
            return zlib.compress(text.encode("utf8") if isinstance(text, str) else text, FLATE_LEVEL)

    return FastFlate()


def to_pdf(pages: Sequence[Page], *, title: str = "", author: str = "", subject: str = "") -> bytes:
    """Draw laid-out pages on a reportlab canvas; fonts are embedded as subsets."""
    from reportlab import rl_config
    from reportlab.pdfbase import pdfdoc
    from reportlab.pdfgen.canvas import Canvas

    # binary (deflate-only) streams: ASCII85 on top costs ~3 ms a receipt and 25 % in size
    rl_config.useA85 = 0
    # the filter reportlab puts on page streams and font files (the only reportlab user in the process is printing)
    pdfdoc.PDFZCompress = _fast_flate()
    buf = io.BytesIO()
    first = pages[0]
    initial = next((op.runs[0][1] for p in pages for op in p.ops if isinstance(op, TextOp)), None)
    # the initial font is declared in the PDF: make it ours rather than an unembedded Helvetica
    c = Canvas(
        buf,
        pagesize=(first.width, first.height),
        invariant=1,
        pageCompression=1,
        lang="vi-VN",
        initialFontName=initial,
    )
    c.setTitle(nfc(title))
    c.setAuthor(nfc(author))
    c.setSubject(nfc(subject))
    c.setCreator("motcua-desk")
    doc = c._doc
    shown: dict[tuple[str, str, float], str] = {}
    for page in pages:
        c.setPageSize((page.width, page.height))
        c.setStrokeColorRGB(0, 0, 0)
        c.addLiteral(_page_stream(page, doc, shown))
        for op in page.ops:
            if isinstance(op, QrOp):
                draw_qr(c, op.matrix, op.x, page.height - op.y - op.size, op.size)
            elif isinstance(op, DrawingOp):
                from reportlab.graphics import renderPDF  # only the day report draws charts

                renderPDF.draw(op.drawing, c, op.x, page.height - op.y - op.height)
        c.showPage()
    c.save()
    return buf.getvalue()
