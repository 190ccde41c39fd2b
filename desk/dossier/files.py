"""The home's file store: scans kept under content-addressed names in ``files/``.

A file handed to :func:`store_file` is read (never modified, moved or
deleted), checked by its magic bytes (not its name), converted to PDF when it
is a JPEG or PNG image, and written to ``files/<aa>/<sha256>.pdf`` where
``<sha256>`` is the hash of the stored PDF and ``<aa>`` its first two hex
digits. Storing the same content twice keeps one copy. Stored names are made
here from the hash alone, so nothing in a source file's name can reach
outside ``files/``.

Image conversion keeps the pixels as they are: a JPEG is embedded as it is
(its EXIF orientation becomes the page's rotation), a plain PNG's compressed
data is embedded with the PNG predictor; other images are decoded with Pillow
(imported lazily) and embedded losslessly. The output has no timestamps, so
the same image always makes the same PDF. The PDF page count comes from a
small parser of the file's objects (object streams included), with no
dependency on a PDF library.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import struct
import uuid
import zlib
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from desk.config import Home
from desk.errors import DeskError, InvalidInput, NotFound
from desk.text import clean

PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"

MAX_IMAGE_PIXELS = 100_000_000
"""Images larger than this (100 megapixels) are refused rather than decoded."""

A4_LONG_SIDE_PT = 841.89
"""An image without a believable resolution is scaled so that its long side is A4's."""

_STORED_NAME = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{64}\.pdf$")

# files a scanner, a file manager or a browser leave beside the real ones
_JUNK_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}
_JUNK_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", ".download", "~")


@dataclass(frozen=True)
class StoredFile:
    """A file kept in the home's ``files/`` store."""

    path: str
    """Where it is, relative to ``files/`` (``"ab/ab12….pdf"``); see :func:`resolve`."""
    sha256: str
    """SHA-256 of the stored PDF (also its name)."""
    bytes: int
    """Size of the stored PDF."""
    pages: int
    """Number of pages of the stored PDF."""
    source_kind: str
    """What was handed in: ``"pdf"``, ``"jpeg"`` or ``"png"``."""
    source_name: str
    """The original file's name (cleaned), for the record; never used as a path."""
    source_sha256: str
    """SHA-256 of the original file (equal to ``sha256`` for a PDF)."""
    deduplicated: bool = False
    """True when the store already held this content."""


# --- the store ----------------------------------------------------------------


def _root(home) -> Path:
    """The root of a Home, a Desk or a home path."""
    if isinstance(home, (str, os.PathLike)):
        return Path(home)
    if isinstance(home, Home):
        return home.root
    return home.home.root  # a Desk


def _files_dir(home) -> Path:
    """``files/`` of a Home, a Desk or a home path."""
    return _root(home) / "files"


def resolve(home, stored_path: str) -> Path:
    """The absolute path of a stored file from its recorded name; refuses any other name."""
    if not isinstance(stored_path, str) or not _STORED_NAME.match(stored_path):
        raise InvalidInput(f"{stored_path!r} is not the name of a file in the store", field="file")
    return _files_dir(home) / stored_path


def store_file(home, source: str | os.PathLike, *, max_mb: int = 50) -> StoredFile:
    """Copy a PDF (or a JPEG/PNG image, converted to PDF) into the store.

    ``home`` is a Home, a Desk or the home's path. Refuses (InvalidInput, or
    NotFound for a missing file) a file that cannot be read, is empty, is
    larger than ``max_mb`` megabytes, is not a PDF/JPEG/PNG, or is damaged.
    The source file is only ever read.
    """
    src = Path(source)
    data = read_source(src, max_bytes=int(max_mb) * 1024 * 1024)
    kind = sniff(data)
    name = clean(src.name)[:200]
    if kind is None:
        raise InvalidInput(
            f"{name}: {describe_unknown(data)}; only PDF, JPEG and PNG files can be attached "
            "(save the scan as PDF or JPEG and try again)",
            field="file",
        )
    source_sha = hashlib.sha256(data).hexdigest()
    if kind == "pdf":
        pdf = data
        pages = pdf_page_count(pdf, name=name)
    else:
        pdf = image_to_pdf(data, kind, name=name)
        pages = 1
    sha = hashlib.sha256(pdf).hexdigest()
    rel, existed = _put(_files_dir(home), pdf, sha)
    return StoredFile(
        path=rel,
        sha256=sha,
        bytes=len(pdf),
        pages=pages,
        source_kind=kind,
        source_name=name,
        source_sha256=source_sha,
        deduplicated=existed,
    )


def read_source(src: Path, *, max_bytes: int) -> bytes:
    """The bytes of a file to attach, with the refusals of :func:`store_file`."""
    name = clean(src.name)[:200] or str(src)
    try:
        st = os.stat(src)
    except FileNotFoundError as exc:
        raise NotFound(f"{src}: no such file", field="file") from exc
    except OSError as exc:
        raise InvalidInput(f"{src}: cannot be read ({exc.strerror or exc})", field="file") from exc
    if stat.S_ISDIR(st.st_mode):
        raise InvalidInput(f"{src} is a folder, not a file; choose one scanned file", field="file")
    if not stat.S_ISREG(st.st_mode):
        raise InvalidInput(f"{src} is not a regular file (a device or a pipe?)", field="file")
    if st.st_size == 0:
        raise InvalidInput(f"{name} is empty (0 bytes); scan it again", field="file")
    if st.st_size > max_bytes:
        raise InvalidInput(
            f"{name} is {st.st_size / 1048576:.1f} MB, more than the {max_bytes // 1048576} MB allowed "
            "(files.max_file_mb in desk.toml); scan it at a lower resolution or in black and white",
            field="file",
        )
    try:
        with open(src, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as exc:
        raise InvalidInput(f"{name} cannot be read ({exc.strerror or exc}); check its permissions", field="file") from exc
    if not data:
        raise InvalidInput(f"{name} is empty (0 bytes); scan it again", field="file")
    if len(data) > max_bytes:
        raise InvalidInput(f"{name} grew past {max_bytes // 1048576} MB while being read; try again", field="file")
    return data


def _put(files_dir: Path, data: bytes, sha: str) -> tuple[str, bool]:
    """Write ``data`` under its hash (atomically, owner-only); True if it was already there."""
    rel = f"{sha[:2]}/{sha}.pdf"
    shard = files_dir / sha[:2]
    target = shard / f"{sha}.pdf"
    try:
        if target.is_file() and not target.is_symlink() and _file_sha256(target) == sha:
            return rel, True
        files_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        shard.mkdir(mode=0o700, exist_ok=True)
        tmp = shard / f".{sha}.{uuid.uuid4().hex}.tmp"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(tmp, flags, 0o600)
        try:
            try:
                view = memoryview(data)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        _fsync_dir(shard)
    except OSError as exc:
        raise DeskError(
            f"the scan could not be saved in {files_dir} ({exc.strerror or exc}); "
            "if the disk is full, free some space and try again"
        ) from exc
    return rel, False


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def newest_in_inbox(home) -> Path | None:
    """The newest file in the home's ``inbox/`` (by modification time), or None.

    Hidden files, partial downloads and the files a file manager leaves
    (Thumbs.db, desktop.ini) are skipped; so are empty files, which a scanner
    may have only begun to write.
    """
    inbox = _root(home) / "inbox"
    best: tuple[float, str] | None = None
    best_path = None
    try:
        entries = list(os.scandir(inbox))
    except OSError:
        return None
    for entry in entries:
        name = entry.name
        low = name.lower()
        if name.startswith((".", "~$")) or low in _JUNK_NAMES or low.endswith(_JUNK_SUFFIXES):
            continue
        try:
            if not entry.is_file():
                continue
            st = entry.stat()
        except OSError:
            continue
        if st.st_size == 0:
            continue
        key = (st.st_mtime, name)
        if best is None or key > best:
            best, best_path = key, Path(entry.path)
    return best_path


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


def describe_unknown(data: bytes) -> str:
    """A few words on what an unaccepted file seems to be."""
    head = data[:16]
    if head.startswith(b"PK\x03\x04"):
        return "it is a ZIP archive or an Office document (docx/xlsx)"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "it is an old Office document (doc/xls)"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "it is a TIFF image"
    if head.startswith(b"GIF8"):
        return "it is a GIF image"
    if head.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "it is a WebP image"
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"hevc"):
        return "it is a HEIC photo (set the phone camera to 'Most compatible' to get JPEG)"
    if head.startswith(b"BM"):
        return "it is a BMP image"
    return "it is not a PDF, JPEG or PNG file (whatever its name says)"


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

    def __init__(self, data: bytes, pattern: bytes | re.Pattern) -> None:
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
        body_start = _STREAM.match(data, s_at).end()
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
        out.append((num, raw[first + off:stop]))
    return out


def pdf_page_count(data: bytes, *, name: str = "the PDF") -> int:
    """Pages of a PDF: the /Count of the catalogue's page tree, else the page objects found.

    Refuses (InvalidInput) a PDF that was cut short (no ``%%EOF``) or in which
    no page can be found (damaged, or encrypted throughout).
    """
    if PDF_MAGIC not in data[:1024]:
        raise InvalidInput(f"{name} is not a PDF file", field="file")
    if b"%%EOF" not in data:
        raise InvalidInput(
            f"{name} is cut short (the PDF has no end); wait until the scanner has finished and try again",
            field="file",
        )
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
        raise InvalidInput(
            f"{name}: no page could be found in this PDF; it may be damaged or protected by a password. "
            "Scan it again, or save it again without a password",
            field="file",
        )
    if count > MAX_PAGES:
        raise InvalidInput(f"{name} claims {count} pages; it is probably damaged", field="file")
    return count


# --- images to PDF ------------------------------------------------------------------


def image_to_pdf(data: bytes, kind: str, *, name: str = "the image") -> bytes:
    """A one-page PDF showing a JPEG or PNG image, the same bytes for the same image."""
    import warnings

    from PIL import Image, ImageOps  # lazily: only attaching an image needs it

    try:
        with warnings.catch_warnings():
            # our own pixel limit replaces Pillow's decompression-bomb warning
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as probe:
                width, height = probe.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise InvalidInput(
                        f"{name} is {width}×{height} pixels, too large to attach; scan it at a lower resolution",
                        field="file",
                    )
                probe.verify()
            img = Image.open(BytesIO(data))
            img.load()  # decodes everything: a truncated or corrupt image fails here
    except InvalidInput:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, struct.error) as exc:
        raise InvalidInput(
            f"{name} cannot be read as a {kind.upper()} image ({exc}); it may be damaged or cut short. "
            "Scan or copy it again",
            field="file",
        ) from exc
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
            extra = f"/DecodeParms <</Predictor 15 /Colors {3 if space == '/DeviceRGB' else 1} " \
                    f"/BitsPerComponent {bits} /Columns {w}>>"
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


def _believable_dpi(value) -> float | None:
    try:
        x, y = (float(v) for v in value)
    except (TypeError, ValueError):
        return None
    if 100 <= x <= 1200 and abs(x - y) < 1:
        return x
    return None


def _png_passthrough(data: bytes):
    """Size, colour space, bit depth and IDAT data of a PNG a PDF can take as it is, else None.

    That is a non-interlaced greyscale or RGB PNG of 1–8 bits without
    transparency; its zlib data with the PNG predictor is a valid PDF image.
    """
    pos = len(PNG_MAGIC)
    ihdr = None
    idat = []
    while pos + 8 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
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


def _image_dict(size, space: str, bits: int, filter_: str, extra: str = "") -> str:
    w, h = size
    return (
        f"<</Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace {space} "
        f"/BitsPerComponent {bits} /Filter {filter_}{' ' + extra if extra else ''}"
    )


def _num(v: float) -> str:
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def _one_page_pdf(size, dpi: float | None, image_dict: str, image_data: bytes, rotate: int) -> bytes:
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
