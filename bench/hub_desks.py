"""Simulated desks for ``make bench-hub``: each with its own key, enrolled at the hub, pushing a day at once.

A :class:`SimDesk` makes a day of ``dossiers`` dossiers, each taken in (``dossier.received``, with its
snapshot) and printed ``per_dossier - 1`` times (``document.printed``, with its snapshot, as a desk writes
them), as the records check at the hub wants them: a valid hash chain, one desk's seqs. It pushes them in
batches exactly as ``desk sync`` does (``docs/sync-protocol.md``: bearer token, Idempotency-Key, the
desk's Ed25519 signature of the body, Desk-Clock and Desk-Last-Seq), over plain HTTP/1.1 on loopback from
an asyncio client, retrying 5xx and connection errors a bounded number of times.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.common import bench_dossier
from bench.generate import FAMILY, GIVEN, MIDDLE
from desk import keys
from desk.dossier.rows import snapshot
from desk.ids import time_ordered_uuid
from desk.rules.canonical import GENESIS, event_hash
from desk.sync.push import DESK_CLOCK_HEADER, DESK_LAST_SEQ_HEADER, EVENTS_PATH, PROTOCOL, idempotency_key
from desk.sync.signing import DESK_KEY_HEADER, DESK_SIGNATURE_HEADER

MAX_ATTEMPTS = 20
RETRY_STATUSES = {408, 429, 500, 502, 503, 504}
PRINT = {"kind": "receipt", "copies": 2, "paper": "a4", "ok": True, "message": "", "details": {}}


def sim_agency(i: int) -> str:
    """The agency of the ``i``-th simulated desk (ten desks an agency; apart from the generated ones)."""
    return f"000.{i // 1000:02d}.{(i // 10) % 100:02d}.H32"


@dataclass
class SimDesk:
    number: int
    agency: str
    desk_no: int
    desk_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    records: list[dict] = field(default_factory=list)
    acknowledged: set[str] = field(default_factory=set)
    latencies: list[float] = field(default_factory=list)
    retries: int = 0
    error: str = ""

    @property
    def public(self) -> bytes:
        return keys.public_bytes(self.key)

    def make_day(self, procedures: list, dossiers: int, per_dossier: int, day: datetime, seed: int) -> None:
        """The day's events, in seq order (``procedures``: the catalogue's, as ``list_procedures`` gives them)."""
        rng = random.Random(seed)
        prev = GENESIS
        seq = 0
        for j in range(dossiers):
            received = day + timedelta(minutes=j * 4)
            p = procedures[(self.number + j) % len(procedures)]
            stamp = int(received.timestamp() * 1000) + j
            d = bench_dossier(
                p,
                id=str(time_ordered_uuid(stamp, rng.getrandbits(80))),
                code=f"{self.agency}-{received:%y%m%d}-{self.desk_no * 1000 + j + 1:04d}",
                name=f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                id_number=f"0010990{rng.randrange(10**5):05d}",
                phone=f"09{rng.randrange(10**8):08d}",
                received=received,
                line=j + 1,
                desk_no=self.desk_no,
            )
            state = snapshot(d, self.desk_id)
            for k in range(per_dossier):
                seq += 1
                record = {
                    "seq": seq,
                    "event_id": str(time_ordered_uuid(stamp + k, rng.getrandbits(80))),
                    "desk_id": self.desk_id,
                    "dossier_code": d.code,
                    "type": "dossier.received" if k == 0 else "document.printed",
                    "at": (received + timedelta(seconds=k)).isoformat(timespec="seconds"),
                    "clerk": "Bench Clerk",
                    "payload": state if k == 0 else {**state, "print": PRINT},
                    "prev_hash": prev,
                }
                record["hash"] = prev = event_hash(record)
                self.records.append(record)

    def batches(self, size: int, token: str, now: str) -> list[tuple[bytes, dict]]:
        """The day as signed batches of ``size`` events: (body, headers)."""
        out = []
        last_seq = self.records[-1]["seq"] if self.records else 0
        for i in range(0, len(self.records), size):
            part = self.records[i : i + size]
            body = json.dumps(
                {
                    "protocol": PROTOCOL,
                    "agency": self.agency,
                    "desk_no": self.desk_no,
                    "desk_id": self.desk_id,
                    "events": part,
                },
                ensure_ascii=False,
                separators=(",", ":"),
            ).encode("utf-8")
            headers = {
                "Authorization": f"Bearer {token}",
                "Idempotency-Key": idempotency_key(self.desk_id, part),
                "Content-Type": "application/json; charset=utf-8",
                DESK_CLOCK_HEADER: now,
                DESK_LAST_SEQ_HEADER: str(last_seq),
                DESK_KEY_HEADER: keys.public_text(self.public),
                DESK_SIGNATURE_HEADER: keys.b64(keys.sign(self.key, body)),
            }
            out.append((body, headers))
        return out


async def post(host: str, port: int, body: bytes, headers: dict, timeout: float) -> tuple[int, bytes]:
    """One ``POST /v1/events`` over a fresh HTTP/1.1 connection; (status, body)."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    try:
        head = [f"POST {EVENTS_PATH} HTTP/1.1", f"Host: {host}:{port}", f"Content-Length: {len(body)}"]
        head += [f"{k}: {v}" for k, v in headers.items()] + ["Connection: close", "", ""]
        writer.write("\r\n".join(head).encode("latin-1") + body)
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), timeout)
        status = int(status_line.split()[1])
        length = 0
        while True:
            line = await asyncio.wait_for(reader.readline(), timeout)
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        data = await asyncio.wait_for(reader.readexactly(length), timeout) if length else b""
        return status, data
    finally:
        writer.close()


async def push_day(desk: SimDesk, host: str, port: int, batches: list[tuple[bytes, dict]], timeout: float) -> None:
    """Send the desk's batches one after the other (as ``desk sync`` does); latency per accepted batch."""
    for body, headers in batches:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            t = time.perf_counter()
            try:
                status, data = await post(host, port, body, headers, timeout)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                status, data = 0, b""
            if status == 200:
                desk.latencies.append(time.perf_counter() - t)
                desk.acknowledged.update(json.loads(data)["acknowledged"])
                break
            if status and status not in RETRY_STATUSES:
                desk.error = f"{status} {data[:200].decode('utf-8', 'replace')}"
                return
            desk.retries += 1
            await asyncio.sleep(min(2.0, 0.05 * 2**attempt) * (0.5 + random.random() / 2))
        else:
            desk.error = f"gave up after {MAX_ATTEMPTS} attempts"
            return


async def push_all(desks: list[SimDesk], batches: list[list[tuple[bytes, dict]]], host: str, port: int, limit: float):
    """Every desk pushes its day (its ``batches``, made beforehand) at once; bounded by ``limit`` seconds in all."""
    work = [push_day(d, host, port, b, timeout=min(120.0, limit)) for d, b in zip(desks, batches, strict=True)]
    await asyncio.wait_for(asyncio.gather(*work), limit)
