"""A large home for the benchmarks: N dossiers with lines and a valid event chain, written in bulk."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import datetime, timedelta
from pathlib import Path

from db import open_db
from desk.catalog.formats import sample_catalog_path
from desk.catalog.store import import_catalog, list_procedures
from desk.config import Home, init_home
from desk.context import open_desk
from desk.ids import time_ordered_uuid
from desk.rules.canonical import GENESIS, dumps
from desk.text import fold

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quang", "Thu", "Xuân"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đức",
    "Giang",
    "Hà",
    "Hải",
    "Hoa",
    "Hùng",
    "Lan",
    "Linh",
    "Mai",
    "Nam",
    "Phương",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Việt",
    "Yến",
]
BATCH = 20_000
GENERATION = "ids-v7"  # what the generated home holds; a home of another generation is made again


def bench_home(root: Path, size: int, *, seed: int = 7, end: datetime = datetime(2026, 11, 20, 17, 0)) -> Home:
    """Create (once; reused when the marker says it has ``size`` dossiers) a home with ``size`` dossiers."""
    home = Home(root)
    marker = root / ".bench-size"
    if marker.exists() and marker.read_text() == f"{size} {GENERATION}":
        return home
    if root.exists():
        import shutil

        shutil.rmtree(root)
    init_home(home, agency_code="000.00.12.H29", agency_name="UBND xã Bench", desk_no=1, clerk="Bench Clerk")
    desk = open_desk(home)
    import_catalog(desk, sample_catalog_path())
    procedures = list_procedures(desk)
    desk.close()
    db = open_db(home.db)
    rng = random.Random(seed)
    desk_id = desk.desk_id
    prev = GENESIS
    # spread over past days, up to 900 a day so that the code partition (1001…1999) holds
    per_day = 900
    days = (size + per_day - 1) // per_day
    start = (end - timedelta(days=days)).replace(hour=7, minute=0, second=0)
    n = 0
    conn = db.conn
    while n < size:
        dossiers, lines, events = [], [], []
        for _ in range(min(BATCH, size - n)):
            n += 1
            day_index, k = divmod(n - 1, per_day)
            received = start + timedelta(days=day_index, minutes=k % 480)
            p = procedures[n % len(procedures)]
            code = f"000.00.12.H29-{received:%y%m%d}-{1001 + k:04d}"
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            stamp = int(received.timestamp() * 1000) + k  # ids as the desk makes them: growing with time
            did = str(time_ordered_uuid(stamp, rng.getrandbits(80)))
            phone = f"09{rng.randrange(10**8):08d}"
            idn = f"001{rng.randrange(4)}{rng.randrange(100):02d}{rng.randrange(10**6):06d}"
            at = received.isoformat(timespec="seconds")
            due = (received + timedelta(days=3)).isoformat(timespec="seconds")
            status = "returned" if received < end - timedelta(days=30) else "received"
            dossiers.append(
                (
                    did,
                    code,
                    desk_id,
                    1,
                    p.code,
                    p.name,
                    "citizen",
                    name,
                    fold(name),
                    idn,
                    "cccd",
                    None,
                    "",
                    phone,
                    "",
                    "Xã Bench",
                    "counter",
                    "counter",
                    1,
                    at,
                    due,
                    status,
                    "01",
                    n,
                    "Bench Clerk",
                    "",
                    None,
                    None,
                    None,
                    "",
                    "",
                    at,
                )
            )
            for i, c in enumerate(p.components, 1):
                lines.append(
                    (
                        did,
                        i,
                        c.code,
                        c.name,
                        c.form.value,
                        c.quantity,
                        1,
                        int(c.required),
                        int(c.must_digitise),
                        "pending",
                        "",
                        "",
                        "",
                        0,
                        0,
                        "",
                    )
                )
            record = {
                "seq": n,
                "event_id": str(time_ordered_uuid(stamp, rng.getrandbits(80))),
                "desk_id": desk_id,
                "dossier_code": code,
                "type": "dossier.received",
                "at": at,
                "clerk": "Bench Clerk",
                "payload": {"bench": True},
                "prev_hash": prev,
            }
            h = hashlib.sha256(dumps(record)).hexdigest()
            events.append(
                (
                    desk_id,
                    n,
                    record["event_id"],
                    code,
                    record["type"],
                    at,
                    "Bench Clerk",
                    json.dumps(record["payload"]),
                    prev,
                    h,
                )
            )
            prev = h
        conn.execute("BEGIN")
        conn.executemany(f"INSERT INTO dossiers VALUES ({','.join('?' * 32)})", dossiers)
        conn.executemany(
            "INSERT INTO component_lines(dossier_id, position, code, name, form, quantity, received, required, "
            "must_digitise, digitisation, reuse_source, file_path, file_sha256, file_bytes, file_pages, note) "
            f"VALUES ({','.join('?' * 16)})",
            lines,
        )
        conn.executemany(f"INSERT INTO events VALUES ({','.join('?' * 10)})", events)
        conn.execute("COMMIT")
    # every generated event counts as exported long ago
    conn.execute(
        "INSERT INTO event_marks(desk_id, first_seq, last_seq, mark) VALUES (?, 1, ?, 'bundle:bench')", (desk_id, size)
    )
    conn.execute(
        "INSERT INTO code_counters(agency_code, day, desk_no, last) "
        "SELECT '000.00.12.H29', substr(received_at, 1, 10), 1, count(*) FROM dossiers GROUP BY 2"
    )
    conn.execute("INSERT INTO register_counters(book, year, last) VALUES ('01/1', 2026, ?)", (size,))
    conn.execute("PRAGMA optimize")
    conn.close()
    marker.write_text(f"{size} {GENERATION}")
    return home
