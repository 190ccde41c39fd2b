"""A STAND-IN for the provincial system / national portal, for the contract tests of the portal adapter.

This is NOT the portal and does not claim to behave as it does: no official specification of the
portal's interface is public. It implements the four calls with the shapes DOMAIN.md gives ("Sync
with the provincial system / national portal") and the assumptions ``desk.sync.portal_adapter``
states: one URL, a JSON object POSTed per call naming it in ``"service"``; ``DangNhap`` (username,
password → session); ``TraCuuHoSo``, ``DongBoHoSoMC`` (``isUpdating``), ``CapNhatTienDoHoSoMC``, each
carrying ``session`` and ``madonvi``; ``error_code`` "0" for success. Every reply says
``"stand_in": true`` in its body.

It records what it received (:attr:`PortalStandIn.calls`, passwords replaced by ``"***"``), holds the
dossiers inserted, and can be told to:

- reject a record (``reject[MaHoSo] = (error_code, message)``) at DongBoHoSoMC;
- fail transiently for the next N calls (``fail_next(n, status=503)`` or ``timeout_next(n)``: it answers
  nothing until the client's timeout);
- expire every session (``expire_sessions()``: the next call answers error_code "401").

A small threaded HTTP server on loopback, started and stopped by the test (``with PortalStandIn() as
portal``); bounded: every request is read with a size limit, nothing runs after ``close``.
"""

from __future__ import annotations

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STAND_IN = "STAND-IN for the national portal (no official spec is public)"
MAX_BODY = 2_000_000
STOP_POLL = 0.02
"""Seconds between two looks of the serving thread for a stop (``shutdown()`` waits for the next look)."""


class PortalStandIn:
    def __init__(self, *, username: str = "hub-user", password: str = "s3cret-Pass!", madonvi: str = "000.00.12.H29"):
        self.username, self.password, self.madonvi = username, password, madonvi
        self.calls: list[dict] = []
        self.records: dict[str, dict] = {}
        self.progress: dict[str, list[dict]] = {}
        self.reject: dict[str, tuple[str, str]] = {}
        self.sessions: set[str] = set()
        self._failures: list[tuple[str, int, str | None]] = []
        self._lock = threading.Lock()
        self._release = threading.Event()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(min(length, MAX_BODY))
                status, answer = stand_in.handle(body)
                if status == 0:  # a timeout: answer nothing until the test ends or the client gives up
                    stand_in._release.wait(10)
                    return
                data = json.dumps(answer, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api"
        # serve_forever looks for shutdown() every poll_interval (0.5 s by default): every test's teardown waited
        # that long for the stand-in to stop
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": STOP_POLL}, name="portal-stand-in", daemon=True
        )

    # --- controls -----------------------------------------------------------------------------

    def fail_next(self, n: int, status: int = 503, service: str | None = None) -> None:
        """The next ``n`` calls (of ``service`` only, when given) answer HTTP ``status``."""
        with self._lock:
            self._failures += [("status", status, service)] * n

    def timeout_next(self, n: int, service: str | None = None) -> None:
        """The next ``n`` calls (of ``service``) get no answer until the client gives up."""
        with self._lock:
            self._failures += [("timeout", 0, service)] * n

    def expire_sessions(self) -> None:
        with self._lock:
            self.sessions.clear()

    def services(self) -> list[str]:
        return [c.get("service", "") for c in self.calls]

    # --- the calls ----------------------------------------------------------------------------

    def _reply(self, code: str, message: str = "", **more) -> dict:
        return {"error_code": code, "message": message, "stand_in": True, "note": STAND_IN, **more}

    def handle(self, body: bytes) -> tuple[int, dict]:
        try:
            request = json.loads(body.decode("utf-8"))
        except ValueError:
            return 400, self._reply("400", "not JSON")
        with self._lock:
            shown = {**request, "password": "***"} if "password" in request else request
            self.calls.append(shown)
            service = request.get("service")
            if self._failures and self._failures[0][2] in (None, service):
                kind, status, _ = self._failures.pop(0)
                return (0, {}) if kind == "timeout" else (status, self._reply(str(status), "stand-in: failing"))
            if service == "DangNhap":
                if request.get("username") != self.username or request.get("password") != self.password:
                    return 200, self._reply("-1", "sai tên đăng nhập hoặc mật khẩu")
                session = secrets.token_hex(8)
                self.sessions.add(session)
                return 200, self._reply("0", "ok", session=session)
            if request.get("session") not in self.sessions:
                return 200, self._reply("401", "phiên làm việc đã hết hạn")
            if request.get("madonvi") != self.madonvi:
                return 200, self._reply("-3", "mã đơn vị không đúng")
            if service == "TraCuuHoSo":
                code = request.get("MaHoSo")
                found = [self.records[code]] if code in self.records else []
                return 200, self._reply("0", "ok", result=found)
            if service == "DongBoHoSoMC":
                (record,) = request["data"]
                code = record["MaHoSo"]
                if code in self.reject:
                    error, message = self.reject[code]
                    return 200, self._reply(error, message)
                if bool(request.get("isUpdating")) != (code in self.records):
                    return 200, self._reply("-2", "isUpdating không khớp với dữ liệu đã có")
                self.records[code] = record
                return 200, self._reply("0", "ok")
            if service == "CapNhatTienDoHoSoMC":
                lines = request["data"]
                for line in lines:
                    if line["MaHoSo"] not in self.records:
                        return 200, self._reply("-4", "hồ sơ chưa được đồng bộ")
                    self.progress.setdefault(line["MaHoSo"], []).append(line)
                return 200, self._reply("00", "ok")
            return 404, self._reply("404", f"unknown service {service!r}")

    # --- lifetime -----------------------------------------------------------------------------

    def __enter__(self) -> PortalStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(10)
