"""``desk recover``: a home restored from a backup learns what its desk did after the backup.

A backup's database copy carries the meta key ``restore.backup`` (the chain
head at backup time; ``desk.ops.backup``); a home unzipped from it refuses
every new event (``desk.restored``), since the hub may already hold later
events of this desk and a new one would fork the chain. ``desk recover``
clears it in one of two ways (docs/recovery.md):

- :func:`adopt_head`: the desk's later chain head and last codes, read from
  the hub (``GET /v1/head``) or from the desk's own newest bundle. The next
  event follows that head (seq and hash), and the code counters continue
  after the highest code of each day. When the source knows nothing newer,
  the backup was the latest and the desk simply goes on.
- :func:`new_identity`: the supervisor confirms a new desk identity: a new
  desk id under the same desk number, a new chain from seq 1, its codes
  continuing after the highest code known (this home's, and the hub's or the
  bundle's when given).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from db import queries, write_transaction
from db import sync_queries as sq
from desk import clock
from desk.config import update_settings
from desk.dossier.events import RECOVERED_KEY, RESTORED_KEY
from desk.errors import IntegrityFailure, InvalidInput
from desk.ids import new_id
from desk.rules.codes import parse_code, partition
from desk.sync.bundle_read import read_bundle


@dataclass(frozen=True)
class Head:
    """What a source (the hub, a bundle) holds of one desk's chain."""

    desk_id: str
    last_seq: int
    last_hash: str
    last_at: str = ""
    hash_at: dict[int, str] = field(default_factory=dict)
    """Hashes the source holds at other seqs (to check it continues this home's chain)."""
    codes: tuple[str, ...] = ()
    """The highest dossier code of each day among the desk's events there."""
    source: str = ""


@dataclass
class RecoverResult:
    action: str
    """``not_restored``, ``latest`` (nothing newer anywhere), ``adopted`` (a newer head) or ``new_identity``."""
    desk_id: str
    backup: dict | None
    last_seq: int = 0
    """The seq the desk's next event follows."""
    next_codes: dict[str, int] = field(default_factory=dict)
    """Per day (ISO date) the counter the next code follows."""


def restored_from(desk) -> dict | None:
    """What the backup this home was restored from recorded, or None for a home never restored."""
    value = queries.get_meta(desk.db, RESTORED_KEY)
    return json.loads(value) if value else None


def head_from_hub(answer: dict) -> Head:
    """The hub's ``GET /v1/head`` answer as a :class:`Head`."""
    hash_at = {}
    if type(answer.get("seq")) is int and answer.get("hash_at_seq"):
        hash_at[answer["seq"]] = str(answer["hash_at_seq"])
    codes = tuple(c for c in answer.get("codes") or () if isinstance(c, str))
    return Head(
        str(answer.get("desk_id", "")),
        answer["last_seq"],
        str(answer.get("last_hash", "")),
        str(answer.get("last_at", "")),
        hash_at,
        codes,
        "hub",
    )


def head_from_bundle(path: Path) -> Head:
    """The chain head and codes of one of this desk's bundles, checked whole by the bundle reader."""
    # rows: desk_id, seq, event_id, dossier_code, type, at, clerk, payload, prev_hash, hash
    manifest, rows = read_bundle(Path(path))
    hash_at = {row[1]: row[9] for row in rows}
    if rows:
        hash_at[rows[0][1] - 1] = rows[0][8]  # the first event names the hash before it
    best: dict[str, str] = {}
    for row in rows:
        code = row[3]
        if code:
            key = code[:-5]
            best[key] = max(best.get(key, ""), code)
    last = rows[-1] if rows else None
    return Head(
        str(manifest["desk_id"]),
        manifest["seq"]["last"],
        str(manifest["last_hash"]),
        last[5] if last else "",
        hash_at,
        tuple(sorted(best.values())),
        f"bundle {Path(path).name}",
    )


def _raise_counters(desk, codes) -> dict[str, int]:
    """Make each day's code counter of this desk number continue after the highest of ``codes``."""
    agency = desk.settings.agency
    first, last = partition(agency.desk_no)
    raised: dict[str, int] = {}
    for code in codes:
        parsed = parse_code(code)
        if parsed is None or parsed.agency != agency.code or not first <= parsed.seq <= last:
            continue  # another agency's or another desk number's code
        day, n = parsed.day.isoformat(), parsed.seq - first + 1
        queries.raise_counter(desk.db, agency.code, day, agency.desk_no, n)
        raised[day] = max(raised.get(day, 0), parsed.seq)
    return raised


def adopt_head(desk, head: Head) -> RecoverResult:
    """Continue this desk's chain after ``head`` (from the hub or a bundle); see the module docstring."""
    backup = restored_from(desk)
    if backup is None:
        return RecoverResult("not_restored", desk.desk_id, None)
    if head.desk_id != desk.desk_id:
        raise InvalidInput("recover.other_desk", field="source", source=head.source, desk=head.desk_id)
    mine = queries.event_head(desk.db, desk.desk_id) or {"seq": 0, "hash": "", "at": ""}
    # the source must hold this home's chain as it is: else the two already differ (a fork)
    if head.last_seq >= mine["seq"] > 0:
        known = head.last_hash if head.last_seq == mine["seq"] else head.hash_at.get(mine["seq"])
        if known is not None and known != mine["hash"]:
            raise IntegrityFailure("recover.fork", source=head.source, seq=mine["seq"])
    elif head.last_seq > 0:
        here = queries.event_head(desk.db, desk.desk_id, head.last_seq)
        if here is None or here["hash"] != head.last_hash:
            raise IntegrityFailure("recover.fork", source=head.source, seq=head.last_seq)
    with write_transaction(desk.db):
        if head.last_seq > mine["seq"]:
            adopted = {
                "desk_id": desk.desk_id,
                "seq": head.last_seq,
                "hash": head.last_hash,
                "at": head.last_at,
                "after": mine["seq"],
                "source": head.source,
                "backup_id": backup.get("backup_id", ""),
                "recovered_at": clock.now().isoformat(timespec="seconds"),
            }
            queries.set_meta(desk.db, RECOVERED_KEY, json.dumps(adopted, ensure_ascii=False))
        raised = _raise_counters(desk, head.codes)
        # what the source holds of this home's events left the desk before it broke: not pending here
        sent = min(head.last_seq, mine["seq"])
        if sent > 0:
            at = clock.now().isoformat(timespec="seconds")
            sq.mark_range_exported(desk.db, desk.desk_id, 1, sent, f"recovered:{head.source}"[:100], at)
        queries.delete_meta(desk.db, RESTORED_KEY)
    action = "adopted" if head.last_seq > mine["seq"] else "latest"
    return RecoverResult(action, desk.desk_id, backup, max(head.last_seq, mine["seq"]), raised)


def new_identity(desk, head: Head | None = None) -> RecoverResult:
    """The supervisor's choice: a new desk id under the same number, codes after the highest known."""
    backup = restored_from(desk)
    if backup is None:
        return RecoverResult("not_restored", desk.desk_id, None)
    codes = list(queries.event_codes(desk.db, desk.desk_id)) + list(head.codes if head else ())
    desk_id = new_id()
    with write_transaction(desk.db):
        raised = _raise_counters(desk, codes)
        queries.delete_meta(desk.db, RECOVERED_KEY)
    # the settings name the desk: written before the mark goes, so a crash here leaves the home restored
    desk.settings = update_settings(desk.home, agency=replace(desk.settings.agency, desk_id=desk_id))
    with write_transaction(desk.db):
        queries.delete_meta(desk.db, RESTORED_KEY)
    return RecoverResult("new_identity", desk_id, backup, 0, raised)
