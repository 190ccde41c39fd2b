"""Reading a bundle's events.jsonl: the one reader, in one process or, for a large member, in two.

Each line is read by the codec (:func:`desk.rules.canonical.read_event_line`:
exactly the canonical JSON of its event, or refused), and each block of lines
goes through the records check (``desk.sync.records``) as it comes; what
passed is kept as the run ``desk.sync.ingest`` stores.

A member of SPLIT_FROM_BYTES or more, on a machine with two cores, is read in
two parts at once: ``python -m desk.sync.bundle_events BUNDLE DESK_ID WHERE``
reads the part from the first line that begins past the member's middle
(:func:`read_second_part`) while the importing process reads the first; the
importing process then takes over the other's state (its run, its records
check, and the SHA-256 of the member it read, which must be the one this
process checked against the manifest). Both parts are read by the same code,
and nothing is written before both are read and checked; if the second
process fails, this process reads the second part itself, the same way. The
second process exists for the import's time budget only (SPEC §10; the
figures are in the note of the change that added it).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Generator
from pathlib import Path

import desk
from desk.errors import IntegrityFailure
from desk.rules.canonical import NotCanonical, read_event_line
from desk.sync.ingest import Run
from desk.sync.records import RunCheck

MEMBER_EVENTS = "events.jsonl"
EVENTS_BLOCK = 4 * 1024**2  # bytes of events.jsonl read and checked at a time
SPLIT_FROM_BYTES = 8 * 1024**2  # an events member this large is read in two parts at once
PART_TIMEOUT_S = 600


def line_blocks(zf: zipfile.ZipFile, zi: zipfile.ZipInfo, where: str, digest) -> Generator[bytes, None, None]:
    """A member in blocks of about EVENTS_BLOCK bytes that end with a newline (the last one may not), each
    added to ``digest`` as it is read. Never more than the member declares is read."""
    held = b""  # the start of a line that goes on in the next chunk
    n = 0
    try:
        with zf.open(zi) as f:
            while chunk := f.read(EVENTS_BLOCK):
                n += len(chunk)
                if n > zi.file_size:
                    break
                digest.update(chunk)
                end = chunk.rfind(b"\n") + 1
                if end:
                    yield held + chunk[:end] if held else chunk[:end]
                    held = chunk[end:]
                else:
                    held += chunk
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise IntegrityFailure("bundle.member_corrupt", field="bundle", bundle=where, member=zi.filename) from exc
    if n != zi.file_size:
        raise IntegrityFailure("bundle.member_size", field="bundle", bundle=where, member=zi.filename)
    if held:
        yield held


def second_part_start(size: int) -> int:
    """The byte of a member of ``size`` bytes from which its lines are the second part: a little past the
    middle, since the other process starts later (a new interpreter) and reads the first part to skip it."""
    return size * 11 // 20


def second_part_at(block: bytes, offset: int, middle: int) -> int | None:
    """Where in ``block`` (which begins at ``offset`` of the member) the second part begins: at the first line
    that begins at or after byte ``middle``; None when that is not in this block."""
    if offset >= middle:
        return 0
    newline = block.find(b"\n", middle - offset - 1)
    return None if newline < 0 else newline + 1


class EventsReader:
    """Reads events.jsonl block by block (blocks of whole lines): each line by the codec, each block through
    the records check; the first problem of a line is kept (see ``problem``), so that a member whose
    checksum does not match is reported as such."""

    def __init__(self, where: str, desk_id: str, *, lines_before: int = 0):
        """``lines_before``: lines of the member before the first one fed (the second part's reader)."""
        self.where = where
        self.check = RunCheck(desk_id=desk_id, where=f"{where} events.jsonl", counted=lines_before)
        self.run = Run()
        self.lines_before = lines_before
        self.seqs: list = []  # of every line, as read
        self.last_hash: object = None
        self.first_prev_hash: object = None
        self.problem: tuple[int, str] | None = None
        """The first line that is not canonical JSON (its number in the member) and why."""

    def feed(self, block: bytes) -> None:
        if self.problem is not None:
            return
        lines = block.split(b"\n")
        if lines[-1] == b"":
            lines.pop()  # the block ends with a newline
        seqs, events = self.seqs, []
        for line in lines:
            try:
                event = read_event_line(line)
            except NotCanonical as exc:
                self.problem = (self.lines_before + len(seqs) + 1, exc.reason)
                return
            record = event.record
            if type(record) is dict:
                seqs.append(record.get("seq"))
                self.last_hash = record.get("hash")
                if len(seqs) == 1:
                    self.first_prev_hash = record.get("prev_hash")
            else:
                seqs.append(None)
                self.last_hash = None
            events.append(event)
        for event in self.check.add(events, block):
            self.run.add(event)

    def state(self) -> dict:
        """What :meth:`absorb` needs of this reader (plain values: it crosses from another process)."""
        return {
            "problem": self.problem,
            "seqs": self.seqs,
            "first_prev_hash": self.first_prev_hash,
            "last_hash": self.last_hash,
            "check": self.check.state(),
            "rows": self.run.rows,
            "latest": self.run.latest,
        }

    def absorb(self, state: dict) -> None:
        """Continue with the reading of the lines that follow these, made apart (:func:`read_second_part`)."""
        if self.problem is None:
            self.problem = state["problem"]
        if self.problem is not None:
            return
        if state["seqs"]:
            if not self.seqs:
                self.first_prev_hash = state["first_prev_hash"]
            self.last_hash = state["last_hash"]
        self.seqs += state["seqs"]
        self.check.absorb(state["check"])
        self.run.rows += state["rows"]
        self.run.latest.update(state["latest"])


def read_second_part(path: Path, desk_id: str, where: str) -> dict:
    """Read the second part of a bundle's events (see the module docstring): the reader's state, the number of
    lines before the part, and the SHA-256 of the whole member as read here."""
    with zipfile.ZipFile(path) as zf:
        zi = zf.getinfo(MEMBER_EVENTS)
        middle = second_part_start(zi.file_size)
        digest = hashlib.sha256()
        reader: EventsReader | None = None
        before = offset = 0
        for block in line_blocks(zf, zi, where, digest):
            if reader is None:
                cut = second_part_at(block, offset, middle)
                if cut is None:
                    before += block.count(b"\n")
                else:
                    before += block.count(b"\n", 0, cut)
                    reader = EventsReader(where, desk_id, lines_before=before)
                    reader.feed(block[cut:])
            else:
                reader.feed(block)
            offset += len(block)
    state = reader.state() if reader is not None else EventsReader(where, desk_id, lines_before=before).state()
    return {"sha256": digest.hexdigest(), "lines_before": before, "reader": state}


class SecondPart:
    """``python -m desk.sync.bundle_events``, started to read the second part of a bundle's events."""

    def __init__(self, path: Path, desk_id: str, where: str):
        self.path, self.desk_id, self.where = path, desk_id, where
        source = str(Path(desk.__file__).resolve().parent.parent)  # this code: first on the other's path
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (source, os.environ.get("PYTHONPATH")) if p)}
        try:
            self._proc: subprocess.Popen | None = subprocess.Popen(
                self.command(path, desk_id, where),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
            )
        except OSError:
            self._proc = None  # this process reads the part itself

    @staticmethod
    def command(path: Path, desk_id: str, where: str) -> list[str]:
        # -P: the module comes from PYTHONPATH (this process' code), not from whatever folder we are in
        return [sys.executable, "-P", "-m", "desk.sync.bundle_events", str(path.resolve()), desk_id, where]

    @staticmethod
    def usable() -> bool:
        """Whether a second process helps and can be started (two cores; Python, not a frozen build)."""
        return (os.cpu_count() or 1) > 1 and bool(sys.executable) and not getattr(sys, "frozen", False)

    def result(self) -> dict:
        """The part as the other process read it, or as this one reads it when the other gave nothing usable."""
        found = None
        try:
            if self._proc is not None:
                out, _ = self._proc.communicate(timeout=PART_TIMEOUT_S)
                if self._proc.returncode == 0:
                    found = pickle.loads(out)
        except (subprocess.TimeoutExpired, pickle.UnpicklingError, EOFError, ValueError, TypeError):
            self.stop()
        if not isinstance(found, dict) or set(found) != {"sha256", "lines_before", "reader"}:
            found = read_second_part(self.path, self.desk_id, self.where)
        return found

    def stop(self) -> None:
        """End the other process if it still runs (the import stopped early)."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.communicate()


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        sys.stderr.write("usage: python -m desk.sync.bundle_events BUNDLE DESK_ID WHERE (started by desk import)\n")
        return 2
    try:
        found = read_second_part(Path(argv[0]), argv[1], argv[2])
    except Exception:
        return 1
    sys.stdout.buffer.write(pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
