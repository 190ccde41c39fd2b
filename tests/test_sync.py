"""Push to a hub: a flaky proxy in front of it, kill -9 of a desk mid-batch, a real `desk hub serve` process.

The push protocol's tests talk to the hub's receiver served from this process (``hub``: the server `desk hub
serve` runs, made the same way, without a new interpreter's start); the command line's push and the kill -9
talk to a real `desk hub serve` process (``hub_proc``). Everything runs on loopback with bounded loops and
short timeouts.
"""

from __future__ import annotations

import http.client
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from db import queries
from desk.cli.wording import describe
from desk.config import Home, update_settings
from desk.context import open_desk
from desk.dossier.events import row_to_record
from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
from desk.errors import DeskError, IntegrityFailure
from desk.ops.verify import verify
from desk.rules.canonical import dumps, event_hash
from desk.rules.problems import Problem
from desk.sync import hub as hubmod
from desk.sync.bundle_write import export_bundle
from desk.sync.hub_http import HubError
from desk.sync.push import PROTOCOL, idempotency_key, push
from desk.sync.status import sync_status
from desk.sync.store import hub_store as hub_store_of
from tests.conftest import DEFAULT_NOW, ROOT, new_home, run_desk
from tests.desk_helpers import PATIENCE, enrol_homes, push_signature

AGENCY = "000.00.12.H29"


def make_home(root: Path, desk_no: int) -> Home:
    return new_home(root, agency_code=AGENCY, desk_no=desk_no, clerk="Nguyễn Thị Lan")


def fill(desk, n: int) -> None:
    for i in range(n):
        receive(
            desk,
            IntakeRequest(
                procedure_code="2.000815", applicant=ApplicantInput(name=f"Nguyễn Văn Số {i}", phone="0912345678")
            ),
        )


class HubProcess:
    """``desk hub serve --port 0`` in a subprocess; its URL read from its first line."""

    def __init__(self, home: Home, log: Path):
        env = {**os.environ, "DESK_NOW": DEFAULT_NOW}
        self.log = open(log, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "desk", "--home", str(home.root), "hub", "serve", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=self.log,
            cwd=ROOT,
            env=env,
        )
        ready, _, _ = select.select([self.proc.stdout], [], [], PATIENCE)
        assert ready, "the hub did not start"
        line = self.proc.stdout.readline().decode()
        assert "listening on" in line, line
        self.url = line.split("listening on ", 1)[1].split()[0]

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        self.proc.stdout.close()
        self.log.close()


class FlakyProxy:
    """A proxy in front of the hub that misbehaves on cue: one fault per request, in order, then passes through.

    Faults: ``drop`` (close without an answer, nothing forwarded), ``500``, ``lost`` (forwarded, then the
    connection dropped), ``slow`` (forwarded, answered after the client gave up), ``partial`` (forwarded,
    only half of the acknowledgement passed back), ``400`` (a refusal with a message).
    """

    def __init__(self, upstream: str, faults=(), *, slow_for: float = 2.0, hub_home: Home | None = None):
        self.upstream = upstream.removeprefix("http://")
        self.hub_home = hub_home  # a partial answer is signed with the hub's key, as a hub answering so would
        self.faults = list(faults)
        self.slow_for = slow_for
        self.delay = 0.0
        self.seen: list[tuple[str, str]] = []  # (fault, idempotency key)
        self.forwarded = 0
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                # the desk's challenge (GET /v1/health) goes to the hub untouched
                conn = http.client.HTTPConnection(proxy.upstream, timeout=15)
                try:
                    conn.request("GET", self.path)
                    resp = conn.getresponse()
                    self._answer(resp.status, resp.read(), resp.getheader("Hub-Signature"))
                finally:
                    conn.close()

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with proxy.lock:
                    fault = proxy.faults.pop(0) if proxy.faults else "ok"
                    proxy.seen.append((fault, self.headers.get("Idempotency-Key", "")))
                if fault == "drop":
                    self.close_connection = True
                    return
                if fault in ("500", "400"):
                    return self._answer(
                        int(fault), json.dumps({"error": f"proxy says {fault}: desk not welcome"}).encode()
                    )
                status, data, signature = proxy.forward(self.path, body, self.headers)
                if fault == "lost":
                    self.close_connection = True
                    return
                if fault == "slow":
                    time.sleep(proxy.slow_for)
                if fault == "partial" and status == 200:
                    answer = json.loads(data)
                    answer["acknowledged"] = answer["acknowledged"][: len(answer["acknowledged"]) // 2]
                    data = json.dumps(answer).encode()
                    signature = proxy.sign_as_hub(body, data)
                if proxy.delay:
                    time.sleep(proxy.delay)
                self._answer(status, data, signature)

            def _answer(self, status, data, signature=None):
                try:
                    self.send_response(status)
                    if signature:
                        self.send_header("Hub-Signature", signature)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def forward(self, path, body, headers):
        conn = http.client.HTTPConnection(self.upstream, timeout=15)
        try:
            conn.request(
                "POST",
                path,
                body,
                {k: v for k, v in headers.items() if k.lower() != "host"},
            )
            resp = conn.getresponse()
            data = resp.read()
            with self.lock:
                self.forwarded += 1
            return resp.status, data, resp.getheader("Hub-Signature")
        finally:
            conn.close()

    def sign_as_hub(self, body: bytes, data: bytes) -> str | None:
        from desk import keys
        from desk.sync.signing import reply_bytes

        if self.hub_home is None:
            return None
        return keys.b64(keys.sign(keys.load_desk_key(self.hub_home), reply_bytes(body, data)))

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def homes(tmp_path, now, hub_store):
    """A desk and its hub, the hub keeping what arrives in its SQLite or in PostgreSQL (``hub_store``)."""
    desk_home = make_home(tmp_path / "desk", 1)
    hub_home = make_home(tmp_path / "hub", 0)
    if hub_store:
        update_settings(hub_home, hub_database=hub_store)
    token = hubmod.add_token(hub_home)
    update_settings(desk_home, sync_token=token)
    enrol_homes(desk_home, hub_home)  # the desk enrolled at the hub, the hub's key pinned at the desk
    return desk_home, hub_home, token


@pytest.fixture
def hub_proc(homes, tmp_path):
    p = HubProcess(homes[1], tmp_path / "hub.log")
    yield p
    p.stop()


@pytest.fixture
def hub(homes):
    """The hub's receiver served from this process, as `desk hub serve` serves it (its refusals worded alike)."""
    h = open_desk(homes[1])
    srv = hubmod.make_server(h, port=0, describe=describe).start()
    yield srv
    srv.shutdown()
    srv.server_close()
    h.close()


@pytest.fixture
def desk(homes):
    d = open_desk(homes[0])
    yield d
    d.close()


def hub_events(hub_home: Home, desk_id: str) -> list[str]:
    """The event ids of a desk at the hub, in seq order, from the hub's store."""
    h = open_desk(hub_home)
    try:
        store = hub_store_of(h)
        with store.reading() as db:
            return [r["event_id"] for r in store.q.event_rows(db, desk_id, limit=100_000)]
    finally:
        h.close()


def desk_events(desk) -> list[str]:
    return [
        r[0] for r in desk.db.execute("SELECT event_id FROM events WHERE desk_id = ? ORDER BY seq", (desk.desk_id,))
    ]


def pending(desk) -> int:
    return sync_status(desk).pending_events


def test_a_flaky_hub_gets_every_event_exactly_once(homes, hub, desk):
    fill(desk, 24)
    proxy = FlakyProxy(
        hub.url,
        ["drop", "500", "slow", "partial", "lost", "ok", "partial", "500"],
        slow_for=2.0,
        hub_home=homes[1],
    )
    sleeps: list[float] = []
    try:
        result = push(desk, proxy.url, batch_size=6, timeout=1.0, sleep=sleeps.append, max_attempts=6)
    finally:
        proxy.close()
    faults = [f for f, _ in proxy.seen]
    assert faults[:8] == ["drop", "500", "slow", "partial", "lost", "ok", "partial", "500"]
    # the batch the client gave up on (slow) and the one whose answer was lost were re-sent under their keys
    keys = [k for _, k in proxy.seen]
    assert keys[3] == keys[2] and keys[5] == keys[4]
    assert pending(desk) == 0 and result.pending == 0
    assert result.pushed == 24 and result.retries >= 4
    at_hub = hub_events(homes[1], desk.desk_id)
    assert at_hub == desk_events(desk)  # every event, in order, exactly once (event_id is unique there too)
    assert len(set(at_hub)) == 24
    # backoff grows and never sleeps zero
    assert sleeps and all(s > 0 for s in sleeps)
    assert sleeps[1] > sleeps[0] * 1.0 or len(sleeps) < 2
    marks = {m.split(":", 1)[0] for m in queries.sync_marks(desk.db, desk.desk_id).values()}
    assert marks == {"hub"}
    h = open_desk(homes[1])
    try:
        assert verify(h).ok
    finally:
        h.close()


def test_backoff_is_bounded_and_nothing_is_marked(homes, hub, desk):
    fill(desk, 3)
    proxy = FlakyProxy(hub.url, ["500"] * 20)
    sleeps: list[float] = []
    try:
        with pytest.raises(DeskError) as exc:
            push(desk, proxy.url, sleep=sleeps.append, max_attempts=5, backoff=0.5, rng=lambda: 1.0)
    finally:
        proxy.close()
    assert sleeps == [0.5, 1.0, 2.0, 4.0]  # exponential; rng=1 gives the top of the jitter range
    assert pending(desk) == 3
    status = sync_status(desk)
    assert "after 5 attempts (the hub answered 500: " in describe(exc.value.problem)
    assert "0 events were pushed, the rest stay pending" in describe(exc.value.problem)
    assert Problem.from_json(status.last_push["error"]) == exc.value.problem
    assert "after 5 attempts" in describe(Problem.from_json(status.last_push["error"]))


def test_total_retry_time_is_bounded(homes, hub, desk):
    fill(desk, 1)
    proxy = FlakyProxy(hub.url, ["500"] * 50)
    sleeps: list[float] = []
    try:
        with pytest.raises(DeskError) as exc:
            push(desk, proxy.url, sleep=sleeps.append, max_attempts=50, max_wait=10.0, rng=lambda: 0.5)
    finally:
        proxy.close()
    assert "is still failing after" in describe(exc.value.problem)
    assert sum(sleeps) <= 10.0


def test_a_4xx_stops_at_once_with_the_hubs_message(homes, hub, desk):
    fill(desk, 3)
    proxy = FlakyProxy(hub.url, ["400"])
    try:
        with pytest.raises(HubError) as exc:
            push(desk, proxy.url, sleep=lambda s: pytest.fail("a 4xx must not be retried"))
    finally:
        proxy.close()
    assert describe(exc.value.problem) == "the hub refused the batch (400: proxy says 400: desk not welcome)"
    assert len(proxy.seen) == 1 and pending(desk) == 3


def test_unknown_token_is_refused(homes, hub):
    desk_home = homes[0]
    d = open_desk(desk_home)
    fill(d, 2)
    d.close()
    update_settings(desk_home, sync_token="not-a-token-of-this-hub")
    r = run_desk("sync", "--endpoint", hub.url, home=desk_home.root)
    assert r.returncode == 1 and "refused the token (401" in r.stderr and "Traceback" not in r.stderr
    assert hub_events(homes[1], open_desk(desk_home).desk_id) == []


def test_sync_cli_pushes_and_reports_json(homes, hub_proc):
    desk_home = homes[0]
    d = open_desk(desk_home)
    fill(d, 5)
    update_settings(desk_home, sync_endpoint=hub_proc.url)
    r = run_desk("sync", "--batch-size", "2", "--json", home=desk_home.root)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert (out["pushed"], out["batches"], out["pending"]) == (5, 3, 0)
    assert hub_events(homes[1], d.desk_id) == desk_events(d)
    r = run_desk("sync", "--json", home=desk_home.root)
    assert json.loads(r.stdout)["batches"] == 0
    d.close()


def test_kill_9_mid_batch_then_rerun_leaves_no_duplicates(homes, hub_proc, tmp_path):
    desk_home = homes[0]
    d = open_desk(desk_home)
    fill(d, 40)
    desk_id = d.desk_id
    d.close()
    proxy = FlakyProxy(hub_proc.url)
    proxy.delay = 30.0  # the hub commits each batch, but the desk never hears back in time
    env = {**os.environ, "DESK_NOW": DEFAULT_NOW}
    try:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "desk",
                "--home",
                str(desk_home.root),
                "sync",
                "--endpoint",
                proxy.url,
                "--batch-size",
                "10",
                "--timeout",
                "60",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + PATIENCE  # a guard against a hang: a busy machine starts `desk` slowly
        while proxy.forwarded < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proxy.forwarded == 1, "the first batch never reached the hub"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        killed_key = proxy.seen[-1][1]
        # the hub has the first batch; the desk never marked it
        assert len(hub_events(homes[1], desk_id)) == 10
        d = open_desk(desk_home)
        assert pending(d) == 40
        d.close()
        proxy.delay = 0.0
        r = run_desk("sync", "--endpoint", proxy.url, "--batch-size", "10", "--json", home=desk_home.root)
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["pending"] == 0
    finally:
        proxy.close()
    rerun_keys = [k for _, k in proxy.seen[1:]]
    assert rerun_keys[0] == killed_key  # the same batch was sent again under the same idempotency key
    d = open_desk(desk_home)
    try:
        assert hub_events(homes[1], desk_id) == desk_events(d)
        assert pending(d) == 0
    finally:
        d.close()


def test_the_hub_reports_a_gap_when_a_bundle_went_elsewhere(homes, hub, desk, tmp_path):
    fill(desk, 3)
    export_bundle(desk, tmp_path)  # events 1–3 leave on a USB stick that has not reached this hub
    fill(desk, 2)
    result = push(desk, hub.url, sleep=lambda s: None)
    assert result.pushed == 2
    assert [(g["first_seq"], g["last_seq"]) for g in result.gaps] == [(1, 3)]


# --- the receiver's own checks (in-process server, raw HTTP) ------------------------------


@pytest.fixture
def server(homes):
    h = open_desk(homes[1])
    # worded as `desk hub serve` words its refusals
    srv = hubmod.make_server(h, port=0, max_body=200_000, request_timeout=2.0, describe=describe).start()
    yield srv
    srv.shutdown()
    srv.server_close()
    h.close()


def raw_post(srv, body: bytes, headers: dict, *, sign: bool = True) -> tuple[int, dict]:
    """POST a batch, signed by the desk it names (as a desk sends it) unless ``sign`` is False."""
    conn = http.client.HTTPConnection("127.0.0.1", srv.server_address[1], timeout=10)
    try:
        conn.request("POST", "/v1/events", body, {**(push_signature(body) if sign else {}), **headers})
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read() or b"{}")
    finally:
        conn.close()


def batch(desk, records=None) -> bytes:
    if records is None:
        records = [
            row_to_record(r)
            for r in (
                dict(zip([c[0] for c in cur.description], row))
                for cur in [desk.db.execute("SELECT * FROM events ORDER BY seq")]
                for row in cur.fetchall()
            )
        ]
    return json.dumps(
        {"protocol": PROTOCOL, "agency": AGENCY, "desk_no": 1, "desk_id": desk.desk_id, "events": records}
    ).encode()


def records_of(desk) -> list[dict]:
    cur = desk.db.execute("SELECT * FROM events ORDER BY seq")
    cols = [c[0] for c in cur.description]
    return [row_to_record(dict(zip(cols, row))) for row in cur.fetchall()]


def test_receiver_checks(homes, server, desk):
    token = homes[2]
    fill(desk, 3)
    records = records_of(desk)
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    key = idempotency_key(desk.desk_id, records)
    body = batch(desk, records)
    # health needs no token
    conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=5)
    conn.request("GET", "/v1/health")
    resp = conn.getresponse()
    assert resp.status == 200 and json.loads(resp.read())["protocol"] == PROTOCOL
    conn.close()
    assert raw_post(server, body, {"Idempotency-Key": key}) == (
        401,
        {"error": "unknown or missing bearer token", "code": "hub.token_refused"},
    )
    assert raw_post(server, body, {"Authorization": "Bearer nope", "Idempotency-Key": key})[0] == 401
    status, answer = raw_post(server, body, auth)
    assert status == 400 and "Idempotency-Key" in answer["error"] and answer["code"] == "hub.idempotency_key_missing"
    assert raw_post(server, b"{not json", {**auth, "Idempotency-Key": "k1"})[1]["code"] == "hub.body_not_json"
    status, answer = raw_post(server, b"x" * 200_001, {**auth, "Idempotency-Key": "k2"})
    assert status == 413 and answer["code"] == "hub.body_too_large"
    # a broken chain inside the batch: 422, nothing stored
    bad = [dict(r) for r in records]
    bad[1]["prev_hash"] = "0" * 64
    bad[1]["hash"] = event_hash({k: v for k, v in bad[1].items() if k != "hash"})
    status, answer = raw_post(server, batch(desk, bad), {**auth, "Idempotency-Key": "k3"})
    assert status == 422 and "chain broken" in answer["error"] and answer["code"] == "records.refused"
    # the real batch, twice under one key: the same answer; another body under that key is refused
    status, first = raw_post(server, body, {**auth, "Idempotency-Key": key})
    assert status == 200 and first["imported"] == 3 and first["acknowledged"] == [r["event_id"] for r in records]
    status, again = raw_post(server, body, {**auth, "Idempotency-Key": key})
    assert (status, again) == (200, first)
    status, answer = raw_post(server, batch(desk, records[:1]), {**auth, "Idempotency-Key": key})
    assert status == 422 and "different batch" in answer["error"] and answer["code"] == "hub.idempotency_key_reused"
    # the same events under a new key are acknowledged again, not stored twice
    status, answer = raw_post(server, body, {**auth, "Idempotency-Key": "k4"})
    assert status == 200 and answer["imported"] == 0 and answer["skipped"] == 3
    # a fork (an event of a known seq with other content): 409
    fork = [dict(records[0], clerk="Someone else")]
    fork[0]["hash"] = event_hash({k: v for k, v in fork[0].items() if k != "hash"})
    status, answer = raw_post(server, batch(desk, fork), {**auth, "Idempotency-Key": "k5"})
    assert status == 409 and "differs" in answer["error"] and answer["code"] == "records.conflict"
    assert len(hub_events(homes[1], desk.desk_id)) == 3
    # a value no desk writes (a float) is refused, never hashed as something else
    odd = [dict(records[0], seq=4, event_id="odd-1", prev_hash=records[-1]["hash"])]
    odd[0]["payload"] = dict(odd[0]["payload"], note=0.00001)
    odd[0]["hash"] = "0" * 64
    status, answer = raw_post(server, batch(desk, odd), {**auth, "Idempotency-Key": "k6"})
    assert status == 422 and "holds a value no desk writes" in answer["error"]
    assert len(hub_events(homes[1], desk.desk_id)) == 3


def test_a_body_read_past_orjson_is_judged_as_json_reads_it(homes, server, desk):
    # orjson reads a body first; what it refuses (NaN, a lone surrogate, a byte-order mark) json reads and says
    # why, and an integer beyond 64 bits (a float to orjson) is refused as a value no desk writes either way
    auth = {"Authorization": f"Bearer {homes[2]}", "Content-Type": "application/json"}
    fill(desk, 1)
    records = records_of(desk)
    for n, odd in enumerate((float("nan"), 10**30, "\ud800")):
        event = dict(records[0], payload=dict(records[0]["payload"], note=odd))
        body = batch(desk, [event])
        status, answer = raw_post(server, body, {**auth, "Idempotency-Key": f"odd-{n}"})
        assert (status, answer["code"]) == (422, "records.refused"), odd
    assert (
        raw_post(server, b"\xef\xbb\xbf" + batch(desk, records), {**auth, "Idempotency-Key": "bom"})[1]["code"]
        == "hub.body_not_json"
    )
    assert hub_events(homes[1], desk.desk_id) == []
    status, answer = raw_post(server, batch(desk, records), {**auth, "Idempotency-Key": "fine"})
    assert status == 200 and answer["imported"] == 1


def test_the_hub_words_a_refusal_with_the_formatter_it_is_given(homes, desk):

    said: list[Problem] = []

    def describe(problem: Problem) -> str:
        said.append(problem)
        return "in words: " + problem.code[:40]

    h = open_desk(homes[1])
    srv = hubmod.make_server(h, port=0, describe=describe).start()
    try:
        fill(desk, 2)
        records = records_of(desk)
        records[1]["clerk"] = "Kẻ giả mạo"  # altered, its hash left as it was
        auth = {"Authorization": f"Bearer {homes[2]}", "Idempotency-Key": "k1"}
        status, answer = raw_post(srv, batch(desk, records), auth)
    finally:
        srv.shutdown()
        srv.server_close()
        h.close()
    assert status == 422 and answer == {"error": "in words: " + said[0].code[:40], "code": "records.refused"}
    (finding,) = said[0].params["findings"]
    assert finding.code == "records.event" and finding.params["finding"].code == "records.altered"


def test_push_refuses_a_hub_conflict_as_an_integrity_failure(homes, server, desk):
    fill(desk, 2)
    push(desk, server.url, sleep=lambda s: None)
    # rewrite the desk's history (a restored backup re-issuing seq 3 differently is the real-life case)
    fill(desk, 1)
    h = open_desk(homes[1])
    try:
        other = records_of(desk)[2]
        forged = dict(other, event_id="00000000-0000-4000-8000-000000000000")
        forged["hash"] = event_hash({k: v for k, v in forged.items() if k != "hash"})
        from db.queries import EVENT_COLUMNS

        store = hub_store_of(h)
        with store.writing(desk.desk_id) as db:
            row = {**forged, "desk_id": desk.desk_id, "payload": dumps(forged["payload"]).decode()}
            store.q.insert_event_rows(db, [tuple(row[c] for c in EVENT_COLUMNS)])
    finally:
        h.close()
    with pytest.raises(IntegrityFailure) as exc:
        push(desk, server.url, sleep=lambda s: pytest.fail("a conflict must not be retried"))
    assert describe(exc.value.problem).startswith("the hub refused the events (409: ")
    assert pending(desk) == 1


def test_token_add_prints_once_and_stores_a_digest(tmp_path):
    home = make_home(tmp_path / "hub", 0)
    r = run_desk("hub", "token", "add", "--json", home=home.root)
    assert r.returncode == 0, r.stderr
    token = json.loads(r.stdout)["token"]
    text = home.config.read_text(encoding="utf-8")
    assert token not in text and hubmod.token_digest(token) in text
    assert hubmod.token_matches(token, (hubmod.token_digest(token),))
    assert not hubmod.token_matches(token + "x", (hubmod.token_digest(token),))


def test_sync_modules_import_no_ui_or_pdf():
    code = (
        "import sys, desk.rules.portal, desk.rules.canonical, desk.sync.records, desk.sync.ingest, desk.sync.bundle_write,"
        " desk.sync.bundle_read, desk.sync.push, desk.sync.status, desk.sync.hub, desk.cli.sync, db.sync_queries\n"
        "print(','.join(sorted(m for m in ('textual', 'rich', 'reportlab') if m in sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out.strip() == ""
