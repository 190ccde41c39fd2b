"""The events of a bundle, read and checked a block at a time, here or in a second process.

One reader (:class:`EventsReader`): each line of ``events.jsonl`` by the one
codec (:func:`desk.rules.canonical.read_event_line`), each block of events
through the records check (``desk.sync.records``), the whole member against
its checksum and the manifest's counts and hashes. It yields the checked events
block by block (:func:`checked_blocks`), so that the hub writes a block while
the next one is read, and stops yielding at the first problem; the problem is
raised only at the end, once the whole member is read, so that a member whose
checksum does not match is reported as such.

For a large member (a day of a busy desk is small; a 20,000-event bundle is
about 40 MB) the same reader runs in a second Python process
(:class:`EventsSource`), which reads and checks while this one writes: on two cores this keeps an
import of 20,000 events into a hub of a million dossiers within its budget
(SPEC §10; figures in docs/bundle-format.md). The second process opens the
bundle by its path and checks the member against the manifest this process
read; nothing it sends is written unless it ends by saying the whole member
was good.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any

from desk.errors import DeskError, IntegrityFailure
from desk.rules.canonical import EventLine, NotCanonical, read_event_line
from desk.sync.checked_run import Run
from desk.sync.records import RunCheck

EVENTS_BLOCK = 2 * 1024**2
"""Bytes of events.jsonl decoded and parsed at a time (about 700 events of a desk): what a block holds parsed,
in the reader and in the importer, is most of their memory (4 MB blocks: 30 MB more in each)."""
LINES_AT_ONCE = 32
"""Lines parsed, then checked, at a time (a block holds about 700 events of a desk): few enough that the records
check finds them still in the processor's cache, and that a block of short hostile lines is refused early."""
SECOND_PROCESS_FROM = 12 * 1024**2
"""An events member this large (uncompressed) is read by a second process (starting one costs about 0.2 s)."""


def _line_blocks(zf: zipfile.ZipFile, zi: zipfile.ZipInfo, where: str, digest, block: int) -> Iterator[bytes]:
    """A member in blocks of about ``block`` bytes that end with a newline (the last one may not), each
    added to ``digest`` as it is read. Never more than the member declares is read."""
    held = b""  # the start of a line that goes on in the next chunk
    n = 0
    try:
        with zf.open(zi) as f:
            while chunk := f.read(block):
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


class EventsReader:
    """Reads events.jsonl block by block (blocks of whole lines): each line by the codec, each block through
    the records check; :meth:`feed` returns the block's events that passed, as a :class:`Run`, and nothing
    once a problem was found; :meth:`finish` raises the first problem."""

    def __init__(self, where: str, manifest: dict, *, states: bool = False):
        self.where = where
        self.states = states  # make each block's states (Run.make_states): for a PostgreSQL hub's rebuild
        self.check = RunCheck(desk_id=manifest["desk_id"], where=f"{where} events.jsonl")
        self.declared = manifest["counts"]["events"]
        self._first, self._last = manifest["seq"]["first"], manifest["seq"]["last"]
        self.seqs: list = []  # of every line, as read
        self.last_hash: object = None
        self.first_prev_hash: object = None
        self._problem: IntegrityFailure | None = None

    @property
    def failed(self) -> bool:
        return self._problem is not None or bool(self.check.problems)

    def feed(self, block: bytes) -> Run | None:
        if self.failed:
            return None
        lines = block.split(b"\n")
        if lines[-1] == b"":
            lines.pop()  # the block ends with a newline
        if len(self.seqs) + len(lines) > self.declared:  # more lines than the manifest says: nothing to parse
            self._problem = IntegrityFailure(
                "bundle.events_beyond_count", field="bundle", bundle=self.where, declared=self.declared
            )
            return None
        run = Run()
        # at most LINES_AT_ONCE parsed events are held at a time, however short the lines
        for i in range(0, len(lines), LINES_AT_ONCE):
            part = lines[i : i + LINES_AT_ONCE]
            events = self._read(part)
            if events is None:
                return None
            for event in self.check.add(events, block if len(part) == len(lines) else b"\n".join(part)):
                run.add(event)
            if self.failed:
                return None
            if not self.states:
                run.forget_parsed()  # the part's parsed events let go of while still in the cache
        if self.states:
            run.make_states()  # here: in a second process, on the other core, while the hub writes the block before
        # else a SQLite hub's stage makes them, in the importing process, which waits for this one: each part's
        # parsed payloads were let go of already
        return run

    def _read(self, lines: list[bytes]) -> list[EventLine] | None:
        seqs, events = self.seqs, []
        for line in lines:
            try:
                event = read_event_line(line)
            except NotCanonical as exc:
                self._problem = IntegrityFailure(
                    "bundle.line_not_canonical",
                    field="bundle",
                    bundle=self.where,
                    line=len(seqs) + 1,
                    reason=exc.reason,
                )
                return None
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
        return events

    def _count_problem(self, count: int) -> IntegrityFailure:
        return IntegrityFailure(
            "bundle.events_count",
            field="bundle",
            bundle=self.where,
            count=count,
            declared=self.declared,
            first=self._first,
            last=self._last,
        )

    def finish(self, manifest: dict) -> None:
        """Raise IntegrityFailure for the first problem found, if any."""
        where, seqs = self.where, self.seqs
        if self._problem is not None:
            raise self._problem
        first, last = manifest["seq"]["first"], manifest["seq"]["last"]
        if len(seqs) != self.declared or len(seqs) != last - first + 1:
            raise self._count_problem(len(seqs))
        if seqs != list(range(first, last + 1)):
            raise IntegrityFailure("bundle.events_not_contiguous", field="bundle", bundle=where, first=first, last=last)
        if seqs and self.last_hash != manifest["last_hash"]:
            raise IntegrityFailure("bundle.last_hash", field="bundle", bundle=where)
        self.check.finish()
        first_prev = manifest.get("first_prev_hash")
        if seqs and first_prev and self.first_prev_hash != first_prev:
            raise IntegrityFailure("bundle.first_prev_hash", field="bundle", bundle=where)


def checked_blocks(
    zf: zipfile.ZipFile,
    zi: zipfile.ZipInfo,
    where: str,
    manifest: dict,
    sha256: str,
    block: int = EVENTS_BLOCK,
    *,
    states: bool = False,
) -> Iterator[Run]:
    """The events of member ``zi`` (events.jsonl), checked, a block at a time; raises IntegrityFailure at the
    end when anything was wrong (then the blocks already yielded must not be kept). ``states``: each block's
    :attr:`Run.states` made too."""
    reader = EventsReader(where, manifest, states=states)
    digest = hashlib.sha256()
    with contextlib.closing(_line_blocks(zf, zi, where, digest, block)) as parts:  # type: ignore[type-var]
        for part in parts:
            run = reader.feed(part)
            if run is not None and run.rows:
                yield run
    if digest.hexdigest() != sha256:
        raise IntegrityFailure("bundle.member_checksum", field="bundle", bundle=where, member=zi.filename)
    reader.finish(manifest)


# --- the second process ------------------------------------------------------------------------------
#
# A plain ``python -c`` child (not multiprocessing, whose "spawn" runs the parent's main script again in the
# child when it lacks an ``if __name__ == "__main__"`` guard): it gets its arguments pickled on stdin and
# answers with pickled messages on stdout, ("events", run) per block, then ("done", None) or ("problem",
# (class, code, field, params)). Both ends are this module: the pickles are of our own making.

_CHILD = (
    "import pickle, sys; args = pickle.load(sys.stdin.buffer); sys.path[:0] = args.pop('path'); "
    "from desk.sync.bundle_events import read_for_parent; read_for_parent(sys.stdout.buffer, **args)"
)


def read_for_parent(
    out, *, bundle: str, member: str, where: str, manifest: dict, sha256: str, size: int, block: int, states: bool
) -> None:
    """The second process: read and check the member, answering on ``out``."""

    def send(kind: str, value: Any) -> None:
        pickle.dump((kind, value), out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    try:
        with zipfile.ZipFile(bundle) as zf:
            zi = zf.getinfo(member)
            if zi.file_size != size:  # the file changed since the first process read it
                raise IntegrityFailure("bundle.member_size", field="bundle", bundle=where, member=member)
            for run in checked_blocks(zf, zi, where, manifest, sha256, block, states=states):
                send("events", run)
        send("done", None)
    except DeskError as exc:
        p = exc.problem
        send("problem", (type(exc), p.code, p.field, dict(p.params)))
    except (OSError, KeyError, zipfile.BadZipFile):  # the file went away or changed under us
        send("problem", (IntegrityFailure, "bundle.member_corrupt", "bundle", {"bundle": where, "member": member}))


class EventsSource:
    """The checked events of a bundle's events.jsonl, a :class:`Run` per block, read here or by a second
    process; iterating raises the reader's problem once the member is read.

    A caller that stops early because of a problem of its own calls :meth:`finish` first (it reads the
    rest and raises the reader's problem, which comes first), and :meth:`close` in any case.
    """

    def __init__(
        self,
        path: str,
        zf: zipfile.ZipFile,
        zi: zipfile.ZipInfo,
        sha256: str,
        *,
        where: str,
        manifest: dict,
        states: bool = False,
    ):
        self._where, self._member = where, zi.filename
        self._blocks: Iterator[Run] | None = None
        self._child: subprocess.Popen | None = None
        self._done = False
        if zi.file_size < SECOND_PROCESS_FROM:
            self._blocks = checked_blocks(zf, zi, where, manifest, sha256, EVENTS_BLOCK, states=states)
            return
        # its stderr goes nowhere: under the TUI it would write over the screen (it says all it has to say
        # on stdout, and a crash shows as its end without a word)
        self._child = subprocess.Popen(
            [sys.executable, "-c", _CHILD],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            close_fds=True,
        )
        args = {"path": sys.path, "bundle": path, "member": zi.filename, "where": where, "manifest": manifest,
                "sha256": sha256, "size": zi.file_size, "block": EVENTS_BLOCK, "states": states}  # fmt: skip
        assert self._child.stdin is not None
        with self._child.stdin as stdin:
            pickle.dump(args, stdin, protocol=pickle.HIGHEST_PROTOCOL)

    def __iter__(self) -> EventsSource:
        return self

    def __next__(self) -> Run:
        if self._done:
            raise StopIteration
        try:
            return self._next()
        except BaseException:
            self._done = True  # the end, or the reader's problem (raised once)
            raise

    def _next(self) -> Run:
        if self._blocks is not None:
            return next(self._blocks)
        assert self._child is not None and self._child.stdout is not None
        try:
            kind, value = pickle.load(self._child.stdout)
        except (EOFError, pickle.UnpicklingError):  # the second process ended without a word (killed, out of memory)
            raise DeskError("bundle.reader_stopped", field="bundle", bundle=self._where) from None
        if kind == "events":
            return value
        if kind == "problem":
            cls, code, field, params = value
            raise cls(code, field=field, **params)
        raise StopIteration

    def finish(self) -> None:
        """Read the rest of the member; raises the reader's problem, if any."""
        for _ in self:
            pass

    def close(self) -> None:
        """Stop the second process, if it still runs."""
        if self._child is not None:
            if self._child.poll() is None:
                self._child.kill()
            self._child.wait()
            if self._child.stdout:
                self._child.stdout.close()
            self._child = None
