"""The citizens' lookup page (issue 18, point 4): ``GET /tra-cuu?mhs=…&sig=…`` at a running hub says whether
the receipt is genuine, the dossier's status, due date and missing papers, in Vietnamese HTML, and never the
ID number, address or phone; forged and unknown receipts look alike; rate-limited per client; escaped. The
hub's tests run on both of its stores (its home's SQLite, PostgreSQL: ``tests/pg_helpers.py``)."""

from __future__ import annotations

import asyncio
import http.client
import os
import shutil
import signal
import subprocess
import unicodedata
import urllib.parse

import pytest

from desk.config import read_agency_key, update_settings
from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
from desk.dossier.lifecycle import request_supplement, resume, transfer
from desk.rules import receipt_key
from desk.rules.receipt_qr import FIELDS, build_payload, dossier_fields, sign_fields, signed_message
from desk.sync import hub as hubmod
from desk.sync.lookup_html import STATUS_WORDS
from desk.sync.lookup_page import initials
from desk.sync.lookup_route import TokenBucket, client_key
from desk.sync.push import push
from tests.conftest import new_home
from tests.desk_helpers import enrol_at

ID_NUMBER = "001099012345"
PHONE = "0912345678"
ADDRESS = "Số 12 ngõ 34 phố Hàng Bạc"
NAME = "Nguyễn Văn Đức"
EMAIL = "duc.nguyen@example.vn"


class Clock:
    """The rate limiter's clock, moved by the test (no sleeps)."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def hub_site(make_desk, hub_store):
    """A hub serving on loopback with desk 1's dossier pushed there; the receipt's QR points at the hub.
    The hub keeps what desks send in its home's SQLite or in PostgreSQL (``hub_store``)."""
    a, hub = make_desk("a", 1), make_desk("hub", 0)
    if hub_store:  # a province's hub: its registry and the desks' dossiers in PostgreSQL
        update_settings(hub.home, hub_database=hub_store)
        hub.reload_settings()
        enrol_at(hub, a)
    shutil.copy(a.home.root / "agency.key", hub.home.root / "agency.key")  # one agency: one agency key
    token = hubmod.add_token(hub.home)
    clock = Clock()
    server = hubmod.make_server(hub, port=0, lookup_clock=clock).start()
    update_settings(a.home, sync_token=token, sync_endpoint=server.url, lookup_url=server.url + "/tra-cuu")
    a.reload_settings()
    d, _ = receive(
        a,
        IntakeRequest(
            procedure_code="2.000815",
            applicant=ApplicantInput(name=NAME, id_number=ID_NUMBER, phone=PHONE, address=ADDRESS, email=EMAIL),
        ),
    )
    push(a, sleep=lambda s: None)
    yield a, hub, server, d, clock
    server.shutdown()


def qr_of(desk, dossier) -> str:
    """The receipt's QR text, as printing/receipt.py builds it from the desk's settings."""
    from desk.dossier.query import get

    return build_payload(get(desk, dossier.code), read_agency_key(desk.home), desk.settings.lookup_url)


def fetch(url: str, method: str = "GET", *, address: str | None = None):
    """(status, headers, body bytes) of one request to the running hub."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(method, target, headers={"Content-Length": "0"} if method in ("POST", "PUT") else {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def text_of(body: bytes) -> str:
    page = body.decode("utf-8")
    assert unicodedata.is_normalized("NFC", page)
    return page


def assert_private(body: bytes) -> None:
    """Nothing that identifies the applicant, in any spelling the page could use."""
    for secret in (ID_NUMBER, ID_NUMBER[4:10], PHONE, PHONE[1:], ADDRESS, "Hàng Bạc", NAME, "Đức", EMAIL):
        assert secret.encode("utf-8") not in body, secret


def test_a_genuine_receipt_shows_the_status_and_due_date_and_nothing_private(hub_site):
    a, _hub, server, d, _clock = hub_site
    qr = qr_of(a, d)
    assert qr.startswith(server.url + "/tra-cuu?mhs=") and f"dd={ID_NUMBER}" in qr
    status, headers, body = fetch(qr)
    assert status == 200
    page = text_of(body)
    assert "Giấy tiếp nhận hợp lệ" in page and "Không xác thực" not in page
    assert f"<dd>{d.code}</dd>" in page
    assert "<dd>Đã tiếp nhận</dd>" in page
    assert d.due_at is not None and d.due_at.strftime("%d/%m/%Y") in page
    assert "<dd>N. V. Đ.</dd>" in page  # the initials, never the name
    assert "Không còn thiếu giấy tờ nào." in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert '<html lang="vi">' in page and "<script" not in page.lower()
    assert_private(body)
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert headers["content-security-policy"].startswith("default-src 'none'; style-src 'sha256-")
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-store"
    assert int(headers["content-length"]) == len(body) < 4096  # a cheap phone on a slow line


def test_the_status_words_are_the_tuis():
    from screens.i18n.vi import STRINGS

    assert {s.value: w for s, w in STATUS_WORDS.items()} == {
        key.removeprefix("status."): words for key, words in STRINGS.items() if key.startswith("status.")
    }


def test_initials_only():
    assert initials("Nguyễn Văn Đức") == "N. V. Đ."
    assert initials("  lê   thị\u00a0bích ") == "L. T. B."
    assert initials("") == ""


def replaced(qr: str, name: str, value: str) -> str:
    old = urllib.parse.parse_qs(urllib.parse.urlsplit(qr).query)[name][0]
    return qr.replace(f"{name}={urllib.parse.quote(old, safe='-._~')}", f"{name}={urllib.parse.quote(value)}")


def test_a_forged_receipt_says_so_and_looks_like_an_unknown_code(hub_site):
    a, _hub, server, d, _clock = hub_site
    qr = qr_of(a, d)
    sig = urllib.parse.parse_qs(urllib.parse.urlsplit(qr).query)["sig"][0]
    forged = replaced(qr, "sig", sig[:10] + ("A" if sig[10] != "A" else "B") + sig[11:])
    status, _, body = fetch(forged)
    page = text_of(body)
    assert status == 200
    assert "Không xác thực được giấy tiếp nhận" in page and "Giấy tiếp nhận hợp lệ" not in page
    assert d.code not in page and STATUS_WORDS[d.status] not in page  # nothing of the dossier
    assert_private(body)
    moved = replaced(qr, "hen", "203001011200")  # a due date edited on a genuine QR
    assert fetch(moved)[2] == body
    # a code that does not exist, with or without a signature: the very same answer, byte for byte
    code = d.code[:-4] + "9999"
    assert fetch(replaced(qr, "mhs", code))[2] == body
    assert fetch(f"{server.url}/tra-cuu?mhs={code}")[2] == body
    assert fetch(f"{server.url}/tra-cuu?mhs={d.code}")[2] == body


def signed_qr(desk, url: str, code: str, due: str = "202612011630") -> str:
    """A QR the agency's key really signed, for a dossier the hub does not hold."""
    fields = (code, "2.000815", ID_NUMBER, "01", due)
    query = "&".join(f"{n}={urllib.parse.quote(v, safe='')}" for n, v in zip(FIELDS, fields))
    return f"{url}/tra-cuu?{query}&sig={receipt_key.sign(read_agency_key(desk.home), signed_message(fields))}"


def test_a_genuine_receipt_of_a_dossier_not_here_yet(hub_site):
    a, _hub, server, d, _clock = hub_site
    status, _, body = fetch(signed_qr(a, server.url, d.code[:-4] + "9999"))
    page = text_of(body)
    assert status == 200 and "Giấy tiếp nhận hợp lệ" in page and "chưa có trên hệ thống tra cứu này" in page
    assert "01/12/2026, 16:30" in page and f"<dd>{d.code[:-4]}9999</dd>" in page
    assert_private(body)


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>&amp;\'"'


def test_hostile_input_is_escaped(hub_site):
    a, _hub, server, d, _clock = hub_site
    # signed by the agency's key (only such a code is ever shown): escaped
    status, _, body = fetch(signed_qr(a, server.url, "000.00.12.H29-261123-" + HOSTILE))
    page = text_of(body)
    assert status == 200 and "Giấy tiếp nhận hợp lệ" in page
    assert "000.00.12.H29-261123-&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x" in page
    assert "onerror=alert(1)&gt;&amp;amp;&#x27;&quot;</dd>" in page
    assert "<script" not in page and "<img" not in page and "onerror=alert(1)>" not in page
    # unsigned: not echoed at all (an agency this hub has no key of cannot be checked here; its own is forged)
    for query, verdict in (
        (f"mhs={urllib.parse.quote(HOSTILE)}&sig=X", "Không kiểm tra được"),
        ("mhs=%3Cscript%3E", "Không kiểm tra được"),
        (f"mhs=000.00.12.H29-261123-{urllib.parse.quote(HOSTILE)}&sig=X", "Không xác thực được"),
        ("mhs=000.00.12.H29-%ff%fe%00-1&dd=%3Cb%3E", "Không xác thực được"),
    ):
        status, _, body = fetch(f"{server.url}/tra-cuu?{query}")
        page = text_of(body)
        assert status == 200 and verdict in page and "hợp lệ" not in page
        assert "<script" not in page and "<b>" not in page and "alert" not in page
    status, _, body = fetch(f"{server.url}/tra-cuu?x=%3Cscript%3E")
    assert status == 400 and "Đường dẫn không có mã hồ sơ" in text_of(body) and b"<script" not in body


def test_missing_papers_and_a_moved_due_date(hub_site, now):
    a, _hub, server, d, _clock = hub_site
    transfer(a, d.code)
    request_supplement(
        a, d.code, [("Bản sao giấy khai sinh", "chứng thực <b>bản gốc</b>"), (HOSTILE, "")], note="thiếu giấy tờ"
    )
    push(a, sleep=lambda s: None)
    qr = qr_of(a, d)
    status, _, body = fetch(qr)
    page = text_of(body)
    assert status == 200 and "Giấy tiếp nhận hợp lệ" in page
    assert "<dd>Chờ bổ sung</dd>" in page and "tạm dừng" in page
    assert "<li>Bản sao giấy khai sinh: chứng thực &lt;b&gt;bản gốc&lt;/b&gt;</li>" in page
    assert "<script" not in page and "<b>" not in page
    assert_private(body)
    now("2026-11-25T09:00:00")  # the supplement comes back two days later: the due date moves
    resume(a, d.code)
    push(a, sleep=lambda s: None)
    status, _, body = fetch(qr)  # the receipt printed first
    page = text_of(body)
    assert status == 200 and "Giấy tiếp nhận hợp lệ nhưng đã có thay đổi" in page
    moved = a.db.execute("SELECT due_at FROM dossiers WHERE code = ?", (d.code,)).fetchone()[0]
    assert moved[8:10] + "/" + moved[5:7] + "/" + moved[:4] in page
    assert "<dd>Đang xử lý</dd>" in page and "Không còn thiếu giấy tờ nào." in page
    assert_private(body)


def test_rate_limited_per_client_with_a_vietnamese_429(hub_site):
    a, _hub, server, d, clock = hub_site
    url = qr_of(a, d)
    for _ in range(30):
        assert fetch(url, "HEAD")[0] == 200
    status, headers, body = fetch(url)
    assert status == 429 and headers["retry-after"] == "2"  # one lookup every 2 s once the 30 are used
    page = text_of(body)
    assert "Quá nhiều lượt tra cứu" in page and "thử lại sau 2 giây" in page and d.code not in page
    assert headers["content-security-policy"].startswith("default-src 'none'")
    clock.t += 1.9
    assert fetch(url)[0] == 429
    clock.t += 0.1
    assert fetch(url)[0] == 200
    assert fetch(url)[0] == 429
    clock.t += 60
    assert all(fetch(url, "HEAD")[0] == 200 for _ in range(30))


def test_the_bucket_and_who_counts():
    clock = Clock()
    bucket = TokenBucket(3, 60.0, clock=clock, max_clients=2)
    assert [bucket.take("a") for _ in range(3)] == [0, 0, 0]
    assert bucket.take("a") == pytest.approx(20.0)
    assert bucket.take("b") == 0  # another address has its own bucket
    clock.t += 20
    assert bucket.take("a") == 0
    bucket.take("c")  # a third address: the longest idle ("b") is forgotten, memory stays bounded
    assert len(bucket._buckets) == 2
    assert client_key({"client": ("2001:db8:1:2:aaaa::1", 5)}) == client_key({"client": ("2001:db8:1:2::9", 6)})
    assert client_key({"client": ("2001:db8:1:3::1", 5)}) == "2001:db8:1:3::/64"
    assert client_key({"client": ("::ffff:192.0.2.7", 5)}) == "192.0.2.7"
    assert client_key({"client": ("192.0.2.7", 5)}) == "192.0.2.7"


def test_head_and_other_methods(hub_site):
    a, _hub, server, d, _clock = hub_site
    url = qr_of(a, d)
    status, headers, body = fetch(url, "HEAD")
    _, get_headers, get_body = fetch(url)
    assert status == 200 and body == b"" and int(headers["content-length"]) == len(get_body)
    assert headers["content-security-policy"] == get_headers["content-security-policy"]
    for method in ("POST", "PUT", "DELETE"):
        status, headers, body = fetch(url, method)
        assert status == 405 and headers["allow"] == "GET, HEAD"
        assert "Yêu cầu không được hỗ trợ" in text_of(body) and d.code not in body.decode()
    assert fetch(server.url + "/v1/health")[0] == 200  # the hub's own routes are as they were


def call(hub, query: str) -> tuple[int, str]:
    """GET /tra-cuu from a hub's ASGI application in process."""
    from desk.sync.hub_app import HubApp

    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/tra-cuu",
        "headers": [],
        "query_string": query.encode("ascii"),
        "client": ("127.0.0.1", 1),
    }
    asyncio.run(HubApp(hub)(scope, receive, send))
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:]).decode("utf-8")


def test_old_hmac_receipts_are_genuine_only_where_the_agency_key_is(hub_site, tmp_path):
    from desk.context import open_desk
    from desk.dossier.query import get
    from desk.sync.receipt_keys import register

    a, hub, _server, d, _clock = hub_site
    fields = dossier_fields(get(a, d.code))
    old = "&".join(f"{n}={urllib.parse.quote(v, safe='')}" for n, v in zip(FIELDS, fields))
    old += "&sig=" + sign_fields(fields, read_agency_key(a.home))
    status, page = call(hub, old)  # this agency's hub holds its agency key
    assert status == 200 and "Giấy tiếp nhận hợp lệ" in page and "<dd>Đã tiếp nhận</dd>" in page
    status, page = call(hub, old.replace("&hen=", "&hen=1"))
    assert "Không xác thực được" in page
    # a hub of another agency that holds only this agency's public key cannot check an HMAC receipt
    other = open_desk(new_home(tmp_path / "other", agency_code="000.00.13.H29", desk_no=0))
    try:
        key_file = tmp_path / "a-key.json"
        key_file.write_text(_public_key_json(a))
        register(other.home, key_file)
        status, page = call(other, old)
        assert status == 200 and "Không kiểm tra được giấy tiếp nhận tại đây" in page and d.code not in page
        status, page = call(other, urllib.parse.urlsplit(qr_of(a, d)).query)
        assert "Giấy tiếp nhận hợp lệ" in page and "chưa có trên hệ thống tra cứu này" in page
    finally:
        other.close()
    # and a receipt of an agency whose key this hub does not hold at all
    stranger = open_desk(new_home(tmp_path / "stranger", agency_code="000.00.14.H29", desk_no=1))
    try:
        qr = signed_qr(stranger, "", "000.00.14.H29-261123-0001").removeprefix("/tra-cuu?")
        status, page = call(hub, qr)
        assert "Không kiểm tra được giấy tiếp nhận tại đây" in page
    finally:
        stranger.close()


def _public_key_json(desk) -> str:
    import json

    from desk.sync.receipt_keys import own_key

    return json.dumps(own_key(desk), ensure_ascii=False)


# --- a real browser: headless Chromium at a phone's width ------------------------------------------------


def chromium(*args: str, profile) -> subprocess.CompletedProcess:
    """Headless Chromium from Debian (tests run as root: no sandbox), its own profile, bounded in time."""
    binary = shutil.which("chromium")
    if binary is None:
        pytest.fail("chromium (the Debian package) is needed: apt-get install chromium (.ci/run installs it)")
    command = [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        *args,
    ]
    # its own session: on a timeout the whole process group goes (zygote and renderers too), none is left behind
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    ) as process:
        try:
            out, err = process.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            pytest.fail(f"chromium did not finish within 120 s: {' '.join(args)}")
    return subprocess.CompletedProcess(command, process.returncode, out, err)


@pytest.mark.parametrize("hub_store", [""])  # what the browser draws does not depend on the store
def test_a_phone_browser_shows_the_status(hub_site, tmp_path):
    from PIL import Image, ImageStat

    a, _hub, _server, d, _clock = hub_site
    url = qr_of(a, d)
    shot = tmp_path / "lookup.png"
    # one start of the browser: the page drawn at a phone's width and its DOM after the page's own code ran
    r = chromium(f"--screenshot={shot}", "--window-size=390,844", "--dump-dom", url, profile=tmp_path / "profile")
    assert r.returncode == 0, r.stderr[-2000:]
    assert shot.is_file(), r.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(shot) as image:
        assert image.size == (390, 844)
        rgb = image.convert("RGB")
        assert max(ImageStat.Stat(rgb).stddev) > 10  # text drawn, not a blank page
        colours = {colour for _count, colour in rgb.getcolors(390 * 844) or []}
    assert (0xD8, 0xF0, 0xDE) in colours  # the genuine banner's green: the inline style passed the CSP
    dom = r.stdout
    assert "Giấy tiếp nhận hợp lệ" in dom and "<dd>Đã tiếp nhận</dd>" in dom
    assert d.due_at is not None and d.due_at.strftime("%d/%m/%Y") in dom
    assert ID_NUMBER not in dom and ADDRESS not in dom and PHONE not in dom


def test_the_hubs_own_counter_and_the_desks_dossiers_both_answer(hub_site):
    """At a PostgreSQL hub the desks' dossiers are in the store and the hub's own counter's in its home: the
    page finds both (on SQLite both are in the home)."""
    a, hub, _server, d, _clock = hub_site
    own, _ = receive(
        hub, IntakeRequest(procedure_code="2.000815", applicant=ApplicantInput(name="Lê Thị Bích", id_number=ID_NUMBER))
    )
    for desk, dossier, initials_shown in ((hub, own, "L. T. B."), (a, d, "N. V. Đ.")):
        status, page = call(hub, urllib.parse.urlsplit(qr_of(desk, dossier)).query)
        assert status == 200 and "Giấy tiếp nhận hợp lệ" in page and "chưa có trên hệ thống" not in page
        assert f"<dd>{dossier.code}</dd>" in page and f"<dd>{initials_shown}</dd>" in page
