"""The file store: content-addressed names, dedupe, image → PDF, page counts, refusals, traversal."""

import hashlib
import io
import os
import re
import subprocess
import sys
import zlib
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from desk.config import Home
from desk.dossier import files as filestore
from desk.dossier import pdf as scan_pdf
from desk.errors import DeskError, InvalidInput, NotFound
from desk.fsio import atomic_write, atomic_writer

# the words of file.* problems: the English the messages had before they became problems
SEEMS = {
    "office": "it is a ZIP archive or an Office document (docx/xlsx)",
    "old_office": "it is an old Office document (doc/xls)",
    "tiff": "it is a TIFF image",
    "gif": "it is a GIF image",
    "webp": "it is a WebP image",
    "heic": "it is a HEIC photo (set the phone camera to 'Most compatible' to get JPEG)",
    "bmp": "it is a BMP image",
    "unknown": "it is not a PDF, JPEG or PNG file (whatever its name says)",
}
WORDS = {
    "file.not_stored": lambda p: f"{p['value']!r} is not the name of a file in the store",
    "file.unsupported": lambda p: (
        f"{p['name']}: {SEEMS[p['seems']]}; only PDF, JPEG and PNG files can be attached "
        "(save the scan as PDF or JPEG and try again)"
    ),
    "file.not_found": lambda p: f"{p['path']}: no such file",
    "file.unreadable": lambda p: f"{p['name']} cannot be read ({p['detail']}); check its permissions",
    "file.is_folder": lambda p: f"{p['path']} is a folder, not a file; choose one scanned file",
    "file.not_regular": lambda p: f"{p['path']} is not a regular file (a device or a pipe?)",
    "file.empty": lambda p: f"{p['name']} is empty (0 bytes); scan it again",
    "file.too_large": lambda p: (
        f"{p['name']} is {p['size_mb']:.1f} MB, more than the {p['max_mb']} MB allowed "
        "(files.max_file_mb in desk.toml); scan it at a lower resolution or in black and white"
    ),
    "file.grew": lambda p: f"{p['name']} grew past {p['max_mb']} MB while being read; try again",
    "file.save_failed": lambda p: (
        f"the scan could not be saved in {p['folder']} ({p['detail']}); "
        "if the disk is full, free some space and try again"
    ),
    "file.not_pdf": lambda p: f"{p['name'] or 'the PDF'} is not a PDF file",
    "file.cut_short": lambda p: (
        f"{p['name'] or 'the PDF'} is cut short (the PDF has no end); wait until the scanner has finished and try again"
    ),
    "file.no_pages": lambda p: (
        f"{p['name'] or 'the PDF'}: no page could be found in this PDF; it may be damaged or "
        "protected by a password. Scan it again, or save it again without a password"
    ),
    "file.too_many_pages": lambda p: f"{p['name'] or 'the PDF'} claims {p['pages']} pages; it is probably damaged",
    "file.image_too_large": lambda p: (
        f"{p['name'] or 'the image'} is {p['width']}×{p['height']} pixels, "
        "too large to attach; scan it at a lower resolution"
    ),
    "file.image_damaged": lambda p: (
        f"{p['name'] or 'the image'} cannot be read as a {p['kind'].upper()} image "
        f"({p['detail']}); it may be damaged or cut short. Scan or copy it again"
    ),
}


def words(error: DeskError) -> str:
    assert error.field == "file"
    return WORDS[error.problem.code](error.problem.params)


@contextmanager
def refused(kind=InvalidInput, match: str = ""):
    """Like pytest.raises(kind, match=…), matched against the problem's English words."""
    with pytest.raises(kind) as info:
        yield info
    assert re.search(match, words(info.value)), words(info.value)


@pytest.fixture
def store_home(tmp_path):
    h = Home(tmp_path / "home")
    h.ensure_dirs()
    return h


def blank_pdf(pages: int) -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    for _ in range(pages):
        w.add_blank_page(595, 842)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def image_bytes(fmt: str, mode: str = "RGB", size=(120, 80), **save) -> bytes:
    img = Image.new(mode, size, "white" if mode != "1" else 1)
    for x in range(0, size[0], 7):  # some content, so that pixels can be compared
        for y in range(size[1]):
            img.putpixel(
                (x, y),
                0
                if mode in ("1", "L")
                else (200, 30, 30)
                if mode == "RGB"
                else (200, 30, 30, 128)
                if mode == "RGBA"
                else 0,
            )
    buf = io.BytesIO()
    img.save(buf, fmt, **save)
    return buf.getvalue()


def write(path, data: bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def all_files(home):
    return sorted(p for p in home.files.rglob("*") if p.is_file())


# --- storing ------------------------------------------------------------------------


def test_pdf_is_stored_under_its_hash_with_size_and_pages(store_home, tmp_path):
    data = blank_pdf(3)
    src = write(tmp_path / "scan.pdf", data)
    f = filestore.store_file(store_home, src)
    sha = hashlib.sha256(data).hexdigest()
    assert (f.sha256, f.bytes, f.pages, f.source_kind, f.source_name) == (sha, len(data), 3, "pdf", "scan.pdf")
    assert f.path == f"{sha[:2]}/{sha}.pdf" and f.source_sha256 == sha and not f.deduplicated
    stored = filestore.resolve(store_home, f.path)
    assert stored.read_bytes() == data
    assert oct(stored.stat().st_mode & 0o777) == "0o600"
    assert all_files(store_home) == [stored]  # no temporary file left behind


def test_same_content_twice_is_stored_once(store_home, tmp_path):
    data = blank_pdf(2)
    a = filestore.store_file(store_home, write(tmp_path / "a.pdf", data))
    b = filestore.store_file(store_home, write(tmp_path / "other name.pdf", data))
    assert a.path == b.path and b.deduplicated and not a.deduplicated
    assert len(all_files(store_home)) == 1
    c = filestore.store_file(store_home, write(tmp_path / "c.pdf", blank_pdf(4)))
    assert c.path != a.path and len(all_files(store_home)) == 2


def test_a_damaged_copy_in_the_store_is_replaced(store_home, tmp_path):
    data = blank_pdf(1)
    f = filestore.store_file(store_home, write(tmp_path / "a.pdf", data))
    filestore.resolve(store_home, f.path).write_bytes(b"garbage")
    again = filestore.store_file(store_home, tmp_path / "a.pdf")
    assert not again.deduplicated and filestore.resolve(store_home, f.path).read_bytes() == data


def test_the_original_is_never_touched(store_home, tmp_path):
    src = write(tmp_path / "inbox" / "scan.jpg", image_bytes("JPEG"))
    before = (src.read_bytes(), src.stat().st_mtime_ns, src.stat().st_mode)
    filestore.store_file(store_home, src)
    filestore.store_file(store_home, src)
    assert src.exists()
    assert (src.read_bytes(), src.stat().st_mtime_ns, src.stat().st_mode) == before


def test_store_accepts_a_desk_or_a_path(desk, tmp_path):
    src = write(tmp_path / "a.pdf", blank_pdf(1))
    f = filestore.store_file(desk, src)
    assert filestore.resolve(desk, f.path).is_file()
    assert filestore.resolve(str(desk.home.root), f.path) == desk.home.files / f.path


# --- images ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fmt,mode",
    [
        ("JPEG", "RGB"),
        ("JPEG", "L"),
        ("JPEG", "CMYK"),
        ("PNG", "RGB"),
        ("PNG", "RGBA"),
        ("PNG", "L"),
        ("PNG", "1"),
        ("PNG", "P"),
    ],
)
def test_images_become_one_page_pdfs(store_home, tmp_path, fmt, mode):
    from pypdf import PdfReader

    data = image_bytes(fmt, mode)
    f = filestore.store_file(store_home, write(tmp_path / f"photo.{fmt.lower()}", data))
    assert f.source_kind == fmt.lower() and f.pages == 1
    assert f.source_sha256 == hashlib.sha256(data).hexdigest() != f.sha256
    pdf = filestore.resolve(store_home, f.path).read_bytes()
    assert pdf.startswith(b"%PDF-") and hashlib.sha256(pdf).hexdigest() == f.sha256
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert reader.pages[0].images[0].image.size == (120, 80)


def test_the_same_image_makes_the_same_pdf(store_home, tmp_path):
    data = image_bytes("PNG")
    a = filestore.store_file(store_home, write(tmp_path / "1.png", data))
    b = filestore.store_file(store_home, write(tmp_path / "2.png", data))
    assert a.sha256 == b.sha256 and b.deduplicated


def test_jpeg_is_embedded_unchanged_and_png_pixels_survive(tmp_path):
    import pypdfium2 as pdfium
    from PIL import ImageChops

    jpeg = image_bytes("JPEG")
    assert jpeg in scan_pdf.image_to_pdf(jpeg, "jpeg")  # no recompression
    png = image_bytes("PNG", "RGB", dpi=(144, 144))  # 144 dpi: two pixels per point
    pdf = scan_pdf.image_to_pdf(png, "png")
    page = pdfium.PdfDocument(pdf)[0]
    assert page.get_size() == (60, 40)
    rendered = page.render(scale=2).to_pil().convert("RGB")
    assert ImageChops.difference(rendered, Image.open(io.BytesIO(png)).convert("RGB")).getbbox() is None


def test_image_size_follows_its_resolution_or_fits_a4():
    import pypdfium2 as pdfium

    scanned = scan_pdf.image_to_pdf(image_bytes("PNG", size=(2480, 100), dpi=(300, 300)), "png")
    w, h = pdfium.PdfDocument(scanned)[0].get_size()
    assert round(w, 1) == round(2480 * 72 / 300, 1)  # an A4-wide scan is A4 wide
    photo = scan_pdf.image_to_pdf(image_bytes("JPEG", size=(400, 300)), "jpeg")  # no believable dpi
    w, h = pdfium.PdfDocument(photo)[0].get_size()
    assert round(w, 1) == 841.9 and round(h, 1) == round(841.89 * 300 / 400, 1)


def test_exif_rotation_becomes_the_page_rotation():
    import pypdfium2 as pdfium

    img = Image.new("RGB", (200, 100), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # the phone was turned: rotate 90° clockwise to view
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif.tobytes())
    page = pdfium.PdfDocument(scan_pdf.image_to_pdf(buf.getvalue(), "jpeg"))[0]
    assert page.get_rotation() == 90
    w, h = page.get_size()
    assert h > w


# --- PDF page counts -------------------------------------------------------------------------


@pytest.mark.parametrize("pages", [1, 2, 9])
def test_page_count_of_pypdf_files(pages):
    assert scan_pdf.pdf_page_count(blank_pdf(pages)) == pages


def test_page_count_of_a_reportlab_file():
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for i in range(4):
        c.drawString(72, 72, f"Trang {i}")
        c.showPage()
    c.save()
    assert scan_pdf.pdf_page_count(buf.getvalue()) == 4


def _objstm_pdf(pages: int) -> bytes:
    """A PDF 1.5 whose catalogue, page tree and pages all sit in a compressed object stream."""
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
    objects = [(1, b"<</Type /Catalog /Pages 2 0 R>>"), (2, f"<</Type /Pages /Kids [{kids}] /Count {pages}>>".encode())]
    objects += [(3 + i, b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>") for i in range(pages)]
    body, header, offset = b"", [], 0
    for num, text in objects:
        header.append(f"{num} {offset}")
        body += text + b"\n"
        offset = len(body)
    head = (" ".join(header) + "\n").encode()
    raw = zlib.compress(head + body)
    n = 3 + pages
    return (
        b"%PDF-1.5\n"
        + f"{n} 0 obj\n<</Type /ObjStm /N {len(objects)} /First {len(head)} /Filter /FlateDecode /Length {len(raw)}>>\nstream\n".encode()
        + raw
        + b"\nendstream\nendobj\n"
        # page-looking bytes inside binary data of another stream must not count
        + b"99 0 obj\n<</Length 40>>\nstream\n12 0 obj <</Type /Page>> endobj      \nendstream\nendobj\n"
        + b"trailer\n<</Root 1 0 R>>\n%%EOF\n"
    )


def test_page_count_inside_compressed_object_streams():
    assert scan_pdf.pdf_page_count(_objstm_pdf(6)) == 6


def test_page_count_after_an_incremental_update_uses_the_newest_tree():
    data = blank_pdf(3)
    # an appended revision that redefines the catalogue's page tree with 1 page
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"].get_object()
    pages_num = root.raw_get("/Pages").idnum
    data += f"\n{pages_num} 0 obj\n<</Type /Pages /Kids [] /Count 1>>\nendobj\n%%EOF\n".encode()
    assert scan_pdf.pdf_page_count(data) == 1


# --- refusals ------------------------------------------------------------------------------


def test_missing_file_is_not_found(store_home, tmp_path):
    with refused(NotFound, match="no such file"):
        filestore.store_file(store_home, tmp_path / "nope.pdf")


def test_empty_file_is_refused(store_home, tmp_path):
    with refused(InvalidInput, match="empty"):
        filestore.store_file(store_home, write(tmp_path / "empty.pdf", b""))


def test_huge_file_is_refused_before_reading(store_home, tmp_path, monkeypatch):
    big = tmp_path / "big.pdf"
    with open(big, "wb") as f:
        f.write(b"%PDF-1.4\n")
        f.truncate(2 * 1024 * 1024 + 1)  # sparse: 2 MB without writing it
    opened = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda *a, **k: opened.append(a[0]) or real_open(*a, **k))
    with refused(InvalidInput, match=r"more than the 2 MB allowed.*max_file_mb"):
        filestore.store_file(store_home, big, max_mb=2)
    assert str(big) not in map(str, opened)
    assert all_files(store_home) == []


@pytest.mark.parametrize(
    "content,seems",
    [
        (b"PK\x03\x04" + b"\x00" * 40, "Office document"),
        (b"II*\x00" + b"\x00" * 40, "TIFF"),
        (b"GIF89a" + b"\x00" * 40, "GIF"),
        (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 40, "HEIC"),
        ("Họ và tên: Nguyễn Văn An\n".encode(), "not a PDF, JPEG or PNG"),
    ],
)
def test_other_kinds_are_refused_whatever_their_name(store_home, tmp_path, content, seems):
    with refused(InvalidInput, match=seems) as err:
        filestore.store_file(store_home, write(tmp_path / "looks-like.pdf", content))
    assert "only PDF, JPEG and PNG" in words(err.value)
    assert all_files(store_home) == []


def test_a_pdf_named_jpg_is_taken_as_a_pdf(store_home, tmp_path):
    f = filestore.store_file(store_home, write(tmp_path / "scan.jpg", blank_pdf(2)))
    assert f.source_kind == "pdf" and f.pages == 2


def test_truncated_pdf_is_refused(store_home, tmp_path):
    data = blank_pdf(2)
    with refused(InvalidInput, match="cut short"):
        filestore.store_file(store_home, write(tmp_path / "half.pdf", data[: len(data) // 2]))


def test_pdf_without_pages_is_refused(store_home, tmp_path):
    with refused(InvalidInput, match="no page"):
        filestore.store_file(store_home, write(tmp_path / "x.pdf", b"%PDF-1.4\nhello\n%%EOF\n"))


def test_damaged_images_are_refused(store_home, tmp_path):
    jpeg = image_bytes("JPEG", size=(400, 300))
    with refused(InvalidInput, match="cannot be read as a JPEG"):
        filestore.store_file(store_home, write(tmp_path / "cut.jpg", jpeg[: len(jpeg) // 2]))
    png = image_bytes("PNG", size=(400, 300))
    with refused(InvalidInput, match="cannot be read as a PNG"):
        filestore.store_file(store_home, write(tmp_path / "cut.png", png[:60]))
    assert all_files(store_home) == []


def test_enormous_images_are_refused(store_home, tmp_path, monkeypatch):
    monkeypatch.setattr(scan_pdf, "MAX_IMAGE_PIXELS", 1000)
    with refused(InvalidInput, match="pixels, too large"):
        filestore.store_file(store_home, write(tmp_path / "big.png", image_bytes("PNG", size=(50, 50))))


def test_a_folder_is_refused(store_home, tmp_path):
    (tmp_path / "dir.pdf").mkdir()
    with refused(InvalidInput, match="folder"):
        filestore.store_file(store_home, tmp_path / "dir.pdf")


@pytest.mark.skipif(os.name != "posix", reason="FIFOs are POSIX")
def test_a_pipe_is_refused_without_blocking(store_home, tmp_path):
    os.mkfifo(tmp_path / "pipe.pdf")
    with refused(InvalidInput, match="not a regular file"):
        filestore.store_file(store_home, tmp_path / "pipe.pdf")


def test_unreadable_file_is_refused(store_home, tmp_path, monkeypatch):
    src = write(tmp_path / "locked.pdf", blank_pdf(1))
    if os.name == "posix" and os.geteuid() != 0:
        src.chmod(0)
    else:  # root reads anything: make open fail the way a locked file does
        real_open = open

        def deny(path, *a, **k):
            if str(path) == str(src):
                raise PermissionError(13, "Permission denied")
            return real_open(path, *a, **k)

        monkeypatch.setattr("builtins.open", deny)
    with refused(InvalidInput, match="cannot be read.*Permission denied"):
        filestore.store_file(store_home, src)


def test_disk_trouble_is_a_clear_error_and_leaves_nothing(store_home, tmp_path, monkeypatch):
    def full(fd, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(filestore.os, "write", full)
    with refused(DeskError, match="No space left.*free some space"):
        filestore.store_file(store_home, write(tmp_path / "a.pdf", blank_pdf(1)))
    monkeypatch.undo()
    assert all_files(store_home) == []


# --- names never escape files/ ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd.pdf", "..%2f..%2fx.pdf", "/abs/olute.pdf", "a\\..\\b.pdf", "tên có dấu và khoảng trắng.pdf"],
)
def test_source_names_never_reach_the_store(store_home, tmp_path, name):
    # the source lives at a path with dots and odd characters; the stored name is the hash alone
    nested = tmp_path / "deep" / "deeper"
    nested.mkdir(parents=True)
    src = nested / ".." / name.replace("/", "_").lstrip("_")
    write(src, blank_pdf(1))
    f = filestore.store_file(store_home, src)
    stored = filestore.resolve(store_home, f.path)
    assert stored.resolve().parent.parent == store_home.files.resolve()
    assert stored.name == f"{f.sha256}.pdf"
    outside = {p for p in tmp_path.rglob("*") if p.is_file() and store_home.root not in p.parents}
    assert outside == {src.resolve()}


@pytest.mark.parametrize(
    "bad",
    [
        "../desk.sqlite3",
        "/etc/passwd",
        "ab/../../desk.toml",
        "ab/x.pdf",
        f"{'a' * 2}/{'a' * 64}.pdf/../../x",
        f"{'A' * 2}/{'A' * 64}.pdf",
        "",
    ],
)
def test_resolve_accepts_only_our_names(store_home, bad):
    with pytest.raises(InvalidInput):
        filestore.resolve(store_home, bad)


# --- the inbox ------------------------------------------------------------------------------------


def test_newest_in_inbox(store_home):
    assert filestore.newest_in_inbox(store_home) is None
    inbox = store_home.inbox
    old = write(inbox / "old.pdf", b"%PDF-1")
    new = write(inbox / "new.jpg", b"\xff\xd8\xff")
    os.utime(old, (1_000_000, 1_000_000))
    os.utime(new, (2_000_000, 2_000_000))
    for junk in (".hidden.pdf", "Thumbs.db", "scan.pdf.part", "~$doc.pdf", "scan.tmp"):
        p = write(inbox / junk, b"x")
        os.utime(p, (3_000_000, 3_000_000))
    write(inbox / "being-written.pdf", b"")  # empty: the scanner has not finished
    (inbox / "folder").mkdir()
    assert filestore.newest_in_inbox(store_home) == new
    assert filestore.newest_in_inbox(store_home.root) == new


def test_newest_in_inbox_without_an_inbox(tmp_path):
    assert filestore.newest_in_inbox(tmp_path / "nowhere") is None


# --- hostile input ---------------------------------------------------------------------------------

_PDF_TOKENS = [
    b"%PDF-1.5\n",
    b"1 0 obj",
    b"2 0 obj",
    b"endobj",
    b"stream\n",
    b"endstream",
    b"<<",
    b">>",
    b"/Type /Page",
    b"/Type /Pages",
    b"/Type /Catalog",
    b"/Type /ObjStm",
    b"/Count 3",
    b"/Pages 2 0 R",
    b"/Length 4",
    b"/N 2",
    b"/First 9",
    b"/Filter /FlateDecode",
    b"/Parent 2 0 R",
    b" ",
    b"\n",
    b"%%EOF",
    b"\x00\xff",
    b"9999999999 0 obj",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(_PDF_TOKENS), st.binary(max_size=8)), max_size=60))
def test_page_count_never_fails_unexpectedly(parts):
    data = b"%PDF-1.4\n" + b"".join(parts)
    try:
        n = scan_pdf.pdf_page_count(data)
    except InvalidInput:
        return
    assert 1 <= n <= scan_pdf.MAX_PAGES


@settings(max_examples=100, deadline=None)
@given(st.binary(min_size=1, max_size=300), st.sampled_from(["jpeg", "png"]))
def test_damaged_image_bytes_are_refused_cleanly(tail, kind):
    head = scan_pdf.JPEG_MAGIC if kind == "jpeg" else scan_pdf.PNG_MAGIC
    try:
        pdf = scan_pdf.image_to_pdf(head + tail, kind)
    except InvalidInput:
        return
    assert scan_pdf.pdf_page_count(pdf) == 1


def test_the_store_imports_no_imaging_until_an_image_comes():
    code = "import sys, desk.dossier.files, desk.dossier.pdf; print('PIL' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"


# --- the one durable writer ------------------------------------------------------------------


def test_atomic_write_replaces_the_file_owner_only_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "desk.toml"
    target.write_bytes(b"old")
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new" and target.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["desk.toml"]


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing(tmp_path, monkeypatch):
    target = tmp_path / "desk.toml"
    target.write_bytes(b"old")

    def full(fd, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(OSError):
        atomic_write(target, b"new")
    monkeypatch.undo()
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["desk.toml"]


def test_a_streamed_write_is_all_or_nothing(tmp_path):
    target = tmp_path / "backup.zip"
    with pytest.raises(RuntimeError), atomic_writer(target) as stream:
        stream.write(b"half a zip")
        raise RuntimeError("the disk went away")
    assert list(tmp_path.iterdir()) == []
    with atomic_writer(target) as stream:
        stream.write(b"a whole zip")
    assert target.read_bytes() == b"a whole zip" and target.stat().st_mode & 0o777 == 0o600
