"""PDFs of scans: what a file is, how many pages a PDF has, and a PDF made from a JPEG or PNG.

Image conversion keeps the pixels as they are: a JPEG is embedded as it is
(its EXIF orientation becomes the page's rotation), a plain PNG's compressed
data is embedded with the PNG predictor; other images are decoded with Pillow
and embedded losslessly. The output has no timestamps, so the same image
always makes the same PDF. The page count comes from a small parser of the
file's objects (object streams included), with no dependency on a PDF library.
Refusals are ``file.*`` problems (field ``file``) naming the file.
"""

from __future__ import annotations

import re
import struct
import warnings
import zlib
from io import BytesIO
from typing import Any

from desk.errors import InvalidInput

PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"

MAX_IMAGE_PIXELS = 100_000_000
"""Images larger than this (100 megapixels) are refused rather than decoded."""

A4_LONG_SIDE_PT = 841.89
"""An image without a believable resolution is scaled so that its long side is A4's."""


# --- what a file is -------------------------------------------------------------


def sniff(data: bytes) -> str | None:
    """``"pdf"``, ``"jpeg"``, ``"png"`` from the magic bytes, else None."""
    if data.startswith(JPEG_MAGIC):
        return "jpeg"
    if data.startswith(PNG_MAGIC):
        return "png"
    # readers accept the header anywhere in the first kilobyte
    if PDF_MAGIC in data[:1024]:
        return "pdf"
    return None


def seems_to_be(data: bytes) -> str:
    """What an unaccepted file seems to be, for the refusal: ``office`` (a ZIP archive, docx, xlsx),
    ``old_office``, ``tiff``, ``gif``, ``webp``, ``heic``, ``bmp``, or ``unknown``."""
    head = data[:16]
    if head.startswith(b"PK\x03\x04"):
        return "office"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "old_office"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head.startswith(b"GIF8"):
        return "gif"
    if head.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"hevc"):
        return "heic"
    if head.startswith(b"BM"):
        return "bmp"
    return "unknown"


# --- PDF pages --------------------------------------------------------------------

_OBJ = re.compile(rb"(?<![0-9])(\d{1,10})[ \t\r\n\f\x00]+(\d{1,5})[ \t\r\n\f\x00]+obj(?![A-Za-z])")
_STREAM = re.compile(rb"stream(?:\r\n|\n|\r)")
_ENDSTREAM = re.compile(rb"(?:\r\n|\n|\r)?endstream")
_ENDOBJ = b"endobj"
_NAME_END = rb"(?=[\s/<>\[\]()%{}]|$)"
_TYPE_PAGE = re.compile(rb"/Type\s*/Page" + _NAME_END)
_TYPE_PAGES = re.compile(rb"/Type\s*/Pages" + _NAME_END)
_TYPE_CATALOG = re.compile(rb"/Type\s*/Catalog" + _NAME_END)
_TYPE_OBJSTM = re.compile(rb"/Type\s*/ObjStm" + _NAME_END)
_PAGES_REF = re.compile(rb"/Pages\s+(\d+)\s+\d+\s+R")
_COUNT = re.compile(rb"/Count\s+(\d+)")
_PARENT = re.compile(rb"/Parent\s")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")
_N = re.compile(rb"/N\s+(\d+)")
_FIRST = re.compile(rb"/First\s+(\d+)")
_FLATE = re.compile(rb"/Filter\s*(?:\[\s*)?/FlateDecode\s*\]?")
_ANY_FILTER = re.compile(rb"/Filter")
_MAX_OBJSTM = 64 * 1024 * 1024
MAX_PAGES = 100_000


class _Seeker:
    """The next occurrence of a pattern at or after a position.

    Remembers its last answer, so that a hostile file (thousands of objects
    and no ``endobj``) cannot make the parser rescan the rest of it each time.
    """

    def __init__(self, data: bytes, pattern: bytes | re.Pattern[bytes]) -> None:
        self._data, self._pattern = data, pattern
        self._from: int | None = None
        self._found = -1

    def next(self, pos: int) -> int:
        if self._from is not None and self._from <= pos and (self._found == -1 or self._found >= pos):
            return self._found
        if isinstance(self._pattern, bytes):
            found = self._data.find(self._pattern, pos)
        else:
            m = self._pattern.search(self._data, pos)
            found = m.start() if m else -1
        self._from, self._found = pos, found
        return found


def _pdf_objects(data: bytes) -> dict[int, bytes]:
    """Object number → the text of its dictionary (the latest definition wins).

    Streams are stepped over by their /Length (or the next ``endstream``) so
    that binary image data cannot be mistaken for objects; objects inside
    FlateDecode object streams are read too.
    """
    objects: dict[int, bytes] = {}
    endobj, stream, endstream = _Seeker(data, _ENDOBJ), _Seeker(data, _STREAM), _Seeker(data, b"endstream")
    pos = 0
    n = len(data)
    while pos < n:
        m = _OBJ.search(data, pos)
        if not m:
            break
        num = int(m.group(1))
        start = m.end()
        end_obj = endobj.next(start)
        stop = end_obj if end_obj != -1 else n
        s_at = stream.next(start)
        if s_at == -1 or s_at >= stop:
            objects[num] = data[start:stop]
            pos = stop + len(_ENDOBJ)
            continue
        head = data[start:s_at]
        objects[num] = head
        opening = _STREAM.match(data, s_at)  # found there by the seeker, so never None
        body_start = opening.end() if opening else s_at
        body_end = -1
        length = _LENGTH.search(head)
        if length:
            cand = body_start + int(length.group(1))
            if _ENDSTREAM.match(data, cand) or data.startswith(b"endstream", cand):
                body_end = cand
        if body_end == -1:
            e = endstream.next(body_start)
            body_end = e if e != -1 else n
        if _TYPE_OBJSTM.search(head):
            for inner_num, inner in _objstm_objects(head, data[body_start:body_end]):
                objects[inner_num] = inner
        after = endobj.next(body_end)
        pos = after + len(_ENDOBJ) if after != -1 else body_end + 1
    return objects


def _objstm_objects(head: bytes, raw: bytes) -> list[tuple[int, bytes]]:
    """The objects packed into one object stream (FlateDecode only; others are skipped)."""
    if _ANY_FILTER.search(head):
        if not _FLATE.search(head) or b"/DecodeParms" in head:
            return []
        try:
            inflater = zlib.decompressobj()
            raw = inflater.decompress(raw.rstrip(b"\r\n"), _MAX_OBJSTM)
        except zlib.error:
            return []
    n_match, first_match = _N.search(head), _FIRST.search(head)
    if not n_match or not first_match:
        return []
    count, first = int(n_match.group(1)), int(first_match.group(1))
    numbers = raw[:first].split()
    if len(numbers) < 2 * count:
        return []
    try:
        pairs = [(int(numbers[2 * i]), int(numbers[2 * i + 1])) for i in range(count)]
    except ValueError:
        return []
    out = []
    for i, (num, off) in enumerate(pairs):
        stop = first + pairs[i + 1][1] if i + 1 < count else len(raw)
        out.append((num, raw[first + off : stop]))
    return out


def pdf_page_count(data: bytes, *, name: str = "") -> int:
    """Pages of a PDF: the /Count of the catalogue's page tree, else the page objects found.

    Refuses (InvalidInput) a PDF that was cut short (``file.cut_short``: no
    ``%%EOF``) or in which no page can be found (``file.no_pages``: damaged, or
    encrypted throughout). ``name`` (the file's, for the problem) may be empty.
    """
    if PDF_MAGIC not in data[:1024]:
        raise InvalidInput("file.not_pdf", field="file", name=name)
    if b"%%EOF" not in data:
        raise InvalidInput("file.cut_short", field="file", name=name)
    objects = _pdf_objects(data)
    count = 0
    for body in objects.values():
        if _TYPE_CATALOG.search(body):
            ref = _PAGES_REF.search(body)
            tree = objects.get(int(ref.group(1))) if ref else None
            c = _COUNT.search(tree) if tree is not None and _TYPE_PAGES.search(tree) else None
            if c:
                count = int(c.group(1))
    if count <= 0:
        roots = [
            int(c.group(1))
            for body in objects.values()
            if _TYPE_PAGES.search(body) and not _PARENT.search(body) and (c := _COUNT.search(body))
        ]
        count = max(roots, default=0)
    if count <= 0:
        count = sum(1 for body in objects.values() if _TYPE_PAGE.search(body))
    if count <= 0:
        raise InvalidInput("file.no_pages", field="file", name=name)
    if count > MAX_PAGES:
        raise InvalidInput("file.too_many_pages", field="file", name=name, pages=count)
    return count


# --- images to PDF ------------------------------------------------------------------


def image_to_pdf(data: bytes, kind: str, *, name: str = "") -> bytes:
    """A one-page PDF showing a JPEG or PNG image, the same bytes for the same image.

    Refuses ``file.image_too_large`` and ``file.image_damaged``; ``name`` may be empty.
    """
    from PIL import Image, ImageOps  # ~30 ms to import, and only attaching an image needs it

    try:
        with warnings.catch_warnings():
            # our own pixel limit replaces Pillow's decompression-bomb warning
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as probe:
                width, height = probe.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise InvalidInput("file.image_too_large", field="file", name=name, width=width, height=height)
                probe.verify()
            img: Image.Image = Image.open(BytesIO(data))
            img.load()  # decodes everything: a truncated or corrupt image fails here
    except InvalidInput:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, struct.error) as exc:
        raise InvalidInput("file.image_damaged", field="file", name=name, kind=kind, detail=str(exc)) from exc
    dpi = _believable_dpi(img.info.get("dpi"))
    try:
        orientation = int(img.getexif().get(0x0112, 1) or 1)
    except Exception:  # a broken EXIF block must not stop the scan
        orientation = 1
    if kind == "jpeg" and img.mode in ("RGB", "L") and orientation in (1, 3, 6, 8):
        space = "/DeviceRGB" if img.mode == "RGB" else "/DeviceGray"
        rotate = {1: 0, 3: 180, 6: 90, 8: 270}[orientation]
        xobject = _image_dict(img.size, space, 8, "/DCTDecode")
        return _one_page_pdf(img.size, dpi, xobject, data, rotate)
    if kind == "png" and orientation == 1:
        passthrough = _png_passthrough(data)
        if passthrough is not None:
            (w, h), space, bits, idat = passthrough
            extra = (
                f"/DecodeParms <</Predictor 15 /Colors {3 if space == '/DeviceRGB' else 1} "
                f"/BitsPerComponent {bits} /Columns {w}>>"
            )
            xobject = _image_dict((w, h), space, bits, "/FlateDecode", extra)
            return _one_page_pdf((w, h), dpi, xobject, idat, 0)
    # anything else: decode, turn upright, flatten transparency onto white, embed losslessly
    img = ImageOps.exif_transpose(img)
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, rgba).convert("RGB")
    if img.mode == "1":
        space, bits = "/DeviceGray", 1
    elif img.mode == "L":
        space, bits = "/DeviceGray", 8
    else:
        img = img.convert("RGB")
        space, bits = "/DeviceRGB", 8
    raw = zlib.compress(img.tobytes(), 6)
    xobject = _image_dict(img.size, space, bits, "/FlateDecode")
    return _one_page_pdf(img.size, dpi, xobject, raw, 0)


def _believable_dpi(value: Any) -> float | None:
    try:
        x, y = (float(v) for v in value)
    except (TypeError, ValueError):
        return None
    if 100 <= x <= 1200 and abs(x - y) < 1:
        return x
    return None


def _png_passthrough(data: bytes) -> tuple[tuple[int, int], str, int, bytes] | None:
    """Size, colour space, bit depth and IDAT data of a PNG a PDF can take as it is, else None.

    That is a non-interlaced greyscale or RGB PNG of 1–8 bits without
    transparency; its zlib data with the PNG predictor is a valid PDF image.
    """
    pos = len(PNG_MAGIC)
    ihdr = None
    idat = []
    while pos + 8 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        if ctype == b"IHDR":
            ihdr = chunk
        elif ctype == b"IDAT":
            idat.append(chunk)
        elif ctype in (b"tRNS", b"PLTE"):
            return None
        elif ctype == b"IEND":
            break
        pos += 12 + length
    if ihdr is None or len(ihdr) != 13 or not idat:
        return None
    w, h, bits, colour, _compression, _filter, interlace = struct.unpack(">IIBBBBB", ihdr)
    if interlace or bits not in (1, 2, 4, 8) or colour not in (0, 2) or (colour == 2 and bits != 8):
        return None
    return (w, h), ("/DeviceRGB" if colour == 2 else "/DeviceGray"), bits, b"".join(idat)


def _image_dict(size: tuple[int, int], space: str, bits: int, filter_: str, extra: str = "") -> str:
    w, h = size
    return (
        f"<</Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace {space} "
        f"/BitsPerComponent {bits} /Filter {filter_}{' ' + extra if extra else ''}"
    )


def _num(v: float) -> str:
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def _one_page_pdf(size: tuple[int, int], dpi: float | None, image_dict: str, image_data: bytes, rotate: int) -> bytes:
    """A minimal PDF 1.4: one page, the image filling it. No dates, no IDs: deterministic."""
    w, h = size
    if dpi:
        pw, ph = w * 72 / dpi, h * 72 / dpi
    else:
        scale = A4_LONG_SIDE_PT / max(w, h)
        pw, ph = w * scale, h * scale
    pw, ph = max(pw, 1.0), max(ph, 1.0)
    content = f"q {_num(pw)} 0 0 {_num(ph)} 0 0 cm /Im0 Do Q\n".encode("ascii")
    objs = [
        b"<</Type /Catalog /Pages 2 0 R>>",
        b"<</Type /Pages /Kids [3 0 R] /Count 1>>",
        (
            f"<</Type /Page /Parent 2 0 R /MediaBox [0 0 {_num(pw)} {_num(ph)}]"
            f"{f' /Rotate {rotate}' if rotate else ''} "
            "/Resources <</XObject <</Im0 4 0 R>> /ProcSet [/PDF /ImageB /ImageC]>> /Contents 5 0 R>>"
        ).encode("ascii"),
        f"{image_dict} /Length {len(image_data)}>>\nstream\n".encode("ascii") + image_data + b"\nendstream",
        f"<</Length {len(content)}>>\nstream\n".encode("ascii") + content + b"endstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode("ascii") + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode("ascii")
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode("ascii")
    out += f"trailer\n<</Size {len(objs) + 1} /Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n".encode("ascii")
    return bytes(out)
