"""Point 7: the hub server under slow clients, redirects, TLS and plain HTTP.

Loopback only, a bounded number of sockets, short deadlines injected; the tests wait for
events (an answer, a closed socket), they never time anything.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from desk.config import update_settings
from desk.context import open_desk
from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
from desk.errors import InvalidInput
from desk.sync import hub as hubmod
from desk.sync.hub_http import HubError
from desk.sync.push import push
from desk.sync.status import sync_status
from tests.conftest import new_home, run_desk
from tests.desk_helpers import enrol_homes
from tests.reliability.tls_certs import make_certs

SLOW_CLIENTS = 20


@pytest.fixture
def homes(tmp_path, now):
    desk_home = new_home(tmp_path / "desk", desk_no=1)
    hub_home = new_home(tmp_path / "hub", desk_no=0)
    token = hubmod.add_token(hub_home)
    update_settings(desk_home, sync_token=token)
    enrol_homes(desk_home, hub_home)
    return desk_home, hub_home, token


@pytest.fixture
def desk(homes):
    d = open_desk(homes[0])
    receive(d, IntakeRequest(procedure_code="2.000815", applicant=ApplicantInput(name="Nguyễn Văn An")))
    yield d
    d.close()


@pytest.fixture
def hub_desk(homes):
    h = open_desk(homes[1])
    yield h
    h.close()


def closed_by_server(sock: socket.socket) -> bool:
    """Wait (bounded) until the server closes the connection."""
    sock.settimeout(20)
    try:
        while True:
            data = sock.recv(4096)
            if not data:
                return True
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_slow_header_clients_do_not_block_health_and_are_cut_off(hub_desk):
    server = hubmod.make_server(hub_desk, port=0, header_timeout=0.3).start()
    slow: list[socket.socket] = []
    try:
        for _ in range(SLOW_CLIENTS):
            s = socket.create_connection(server.server_address, timeout=5)
            s.sendall(b"P")  # one byte of a request head, and then nothing
            slow.append(s)
        conn = http.client.HTTPConnection(*server.server_address, timeout=10)
        conn.request("GET", "/v1/health")
        resp = conn.getresponse()
        assert resp.status == 200 and json.loads(resp.read())["status"] == "ok"
        conn.close()
        assert all(closed_by_server(s) for s in slow), "a slow client kept its connection past the header deadline"
    finally:
        for s in slow:
            s.close()
        server.shutdown()


def test_a_slow_body_gets_408_and_the_connection_closed(homes, hub_desk):
    server = hubmod.make_server(hub_desk, port=0, request_timeout=0.3).start()
    try:
        s = socket.create_connection(server.server_address, timeout=5)
        s.sendall(
            b"POST /v1/events HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer "
            + homes[2].encode()
            + b'\r\nIdempotency-Key: k1\r\nContent-Length: 1000\r\n\r\n{"protocol"'
        )
        s.settimeout(20)
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 408"), answer[:80]
        assert b'"code":"hub.body_too_slow"' in answer.replace(b" ", b"")
        assert closed_by_server(s)
        s.close()
    finally:
        server.shutdown()


def test_push_over_https_checks_the_certificate(homes, hub_desk, desk, tmp_path):
    certs = make_certs(tmp_path / "tls")
    server = hubmod.make_server(hub_desk, port=0, tls_cert=certs.cert, tls_key=certs.key).start()
    try:
        assert server.url.startswith("https://127.0.0.1:")
        # a hub whose certificate the desk cannot check: refused at once, not retried, nothing marked
        with pytest.raises(HubError) as refused:
            push(desk, server.url, sleep=lambda s: pytest.fail("a certificate failure must not be retried"))
        assert refused.value.problem.code == "sync.certificate_refused"
        assert sync_status(desk).pending_events == 1
        # with the CA that signed it: pushed
        update_settings(desk.home, sync_ca_file=str(certs.ca))
        desk.settings = open_desk(desk.home).settings
        result = push(desk, server.url, sleep=lambda s: None)
        assert result.pushed == 1 and sync_status(desk).pending_events == 0
    finally:
        server.shutdown()


def test_tls_needs_both_files(hub_desk, tmp_path):
    certs = make_certs(tmp_path / "tls")
    with pytest.raises(InvalidInput) as e:
        hubmod.make_server(hub_desk, port=0, tls_cert=certs.cert)
    assert e.value.problem.code == "hub.tls_pair"


class _Recorder(ThreadingHTTPServer):
    """A loopback HTTP server answering every request with ``status`` and ``location``; records the requests."""

    daemon_threads = True

    def __init__(self, status: int = 200, location: str = ""):
        self.seen: list[dict] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _any(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                recorder.seen.append({"method": self.command, "authorization": self.headers.get("Authorization")})
                body = b'{"acknowledged": []}'
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _any

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self):
        self.shutdown()
        self.server_close()


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_to_another_host_is_refused_and_never_gets_the_token(homes, desk, status):
    elsewhere = _Recorder()
    # "localhost" is another host name than the endpoint's 127.0.0.1: the token must not go there
    redirecting = _Recorder(status, f"http://localhost:{elsewhere.server_address[1]}/v1/events")
    try:
        with pytest.raises(HubError) as refused:
            push(desk, f"http://127.0.0.1:{redirecting.server_address[1]}", sleep=lambda s: None, max_attempts=2)
        assert refused.value.problem.code == "sync.redirect_refused"
        assert refused.value.problem.params["status"] == status
    finally:
        elsewhere.stop()
        redirecting.stop()
    assert elsewhere.seen == []
    assert sync_status(desk).pending_events == 1


def test_plain_http_to_another_machine_warns(homes):
    from desk.sync.hub_http import is_plain_remote

    assert is_plain_remote("http://hub.example.gov.vn/motcua")
    assert is_plain_remote("http://10.0.0.5:8765")
    assert not is_plain_remote("http://127.0.0.1:8765")
    assert not is_plain_remote("http://localhost:8765")
    assert not is_plain_remote("http://[::1]:8765")
    assert not is_plain_remote("https://hub.example.gov.vn")
    # no pending event: nothing is sent anywhere, but the warning comes first
    r = run_desk("sync", "--endpoint", "http://hub.example.gov.vn:8765", home=homes[0].root)
    assert r.returncode == 0, r.stderr
    assert "plain HTTP to another machine" in r.stderr
    r = run_desk("sync", "--endpoint", "http://127.0.0.1:9", home=homes[0].root)
    assert "plain HTTP" not in r.stderr


def test_the_sync_screen_warns_before_pushing_in_plain_http_to_another_machine(homes, monkeypatch):
    import screens.sync
    from desk.sync.push import PushResult
    from screens.app import DeskApp
    from tests.tui_helpers import SIZE, pilot_test, until, visible_text

    update_settings(homes[0], sync_endpoint="http://hub.example.gov.vn:8765")
    monkeypatch.setattr(screens.sync, "push", lambda desk, **kw: PushResult(endpoint="http://hub.example.gov.vn:8765"))

    @pilot_test
    async def scenario():
        app = DeskApp(homes[0].root, "vi")
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await pilot.press("f5")
            await pilot.pause()
            await pilot.press("g")
            await until(pilot, lambda: "HTTP không mã hoá" in visible_text(app))
            assert "HTTP không mã hoá" in visible_text(app)

    scenario()
