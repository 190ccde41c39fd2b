"""The hub's store: the home's SQLite (a commune) or PostgreSQL (a province), one interface to the rules.

Every hub operation — a bundle's import, a pushed batch, the registry of
desks, gaps, ``desk verify``, ``desk hub status``, search over many desks,
the board of desks, the files received and the dossiers' results —
is written once in ``desk.sync`` against :class:`HubStore`; only the SQL differs:

- :class:`SqliteStore`: the home's own database (``db.sync_queries``,
  ``db.hub_checks``, ``db.key_queries``), exactly the code path of before.
  A bundle is still staged then published in short parts (``desk.sync.publish``),
  because SQLite has one writer and a clerk must not wait behind it.
- :class:`PgStore`: the ``[hub] database`` URL, through a psycopg 3 pool
  (``db.pg``); its SQL is in the modules ``db/pg/hub_queries.py`` gathers, its schema in
  ``db/pg/migrations.py`` (applied when the store is first opened). A bundle or
  a batch is ONE transaction, after the per-desk advisory lock: two batches of
  one desk wait for each other, different desks run side by side, and a worker
  killed mid-way leaves nothing (the desk sends again; event ids make it exactly once).

:func:`hub_store` chooses by the setting. The rules get ``store.q`` (a
:class:`HubQueries`: functions taking the connection handle first) and the
handle from ``store.reading()`` / ``store.writing(desk_id)``.

**Adding a read query** (the board, a report over many desks): write it twice
with the same name, arguments and answer (plain dicts and tuples) — the
SQLite one in a ``db`` module, the PostgreSQL one in a ``db.pg`` module that
``db/pg/hub_queries.py`` gathers — add its signature to :class:`HubQueries`, a line to :class:`SqliteQueries`
naming the SQLite function, and call it as ``store.q.name(handle, ...)`` inside
``with store.reading() as handle``. A module of functions satisfies the
protocol as it is (``PgStore.q`` is ``db.pg.hub_queries``); a separate module
of read queries can be chosen the same way (``queries_for(store, sqlite=...,
pg=...)``). mypy checks that ``db.pg.hub_queries`` has every function of
:class:`HubQueries` (``PgStore.q``'s annotation). Tests take the ``hub_store``
fixture ("" or a fresh PostgreSQL URL: ``tests/pg_helpers.py``) and set it as
``[hub] database`` of their hub; ``tests/test_hub_store.py`` runs both stores.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from db import board_queries as bq
from db import file_queries as fq
from db import hub_checks, indicator_sums, queries, result_queries, write_transaction
from db import key_queries as kq
from db import sync_queries as sq
from desk.errors import InvalidInput, NotFound

SQLITE, POSTGRESQL = "sqlite", "postgresql"


class HubQueries(Protocol):
    """The queries the hub's rules run; ``db`` is the handle of ``HubStore.reading()``/``writing()``."""

    # events
    def insert_event_rows(self, db: Any, rows: list[tuple], snapshots: Any = None) -> int: ...
    def event_rows_between(self, db: Any, desk_id: str, first: int, last: int) -> dict[int, dict]: ...
    def event_ids_present(self, db: Any, event_ids: list[str]) -> dict[str, dict]: ...
    def event_payloads(self, db: Any, keys: list[tuple[str, int]]) -> dict[tuple[str, int], Any]: ...
    def latest_events_per_desk(self, db: Any, codes: list[str]) -> list[dict]: ...
    def latest_snapshot_events_per_desk(self, db: Any, codes: list[str]) -> list[dict]: ...
    def latest_event_differences(self, db: Any, limit: int = ...) -> list[dict]: ...
    def event_head(self, db: Any, desk_id: str, seq: int | None = None) -> dict | None: ...
    def event_codes(self, db: Any, desk_id: str) -> list[str]: ...
    def desk_ids(self, db: Any) -> list[str]: ...
    def event_rows(self, db: Any, desk_id: str, *, after_seq: int = 0, limit: int = 1000) -> list[dict]: ...
    # dossiers
    def lock_dossiers(self, db: Any, codes: list[str]) -> None: ...
    def dossier_ids_by_code(self, db: Any, codes: list[str]) -> dict[str, str]: ...
    def existing_dossier_ids(self, db: Any, ids: list[str]) -> set[str]: ...
    def insert_dossiers(self, db: Any, rows: list[tuple], lines: list[tuple]) -> None: ...
    def replace_dossier(self, db: Any, row: dict, lines: list[dict]) -> None: ...
    def replace_dossiers(self, db: Any, rows: list[tuple], lines: list[tuple]) -> None: ...
    def dossier_row(self, db: Any, code: str) -> dict | None: ...
    def dossier_lines(self, db: Any, dossier_id: str) -> list[dict]: ...
    def events_for_dossier(self, db: Any, code: str) -> list[dict]: ...
    # checks
    def identity_conflicts(self, db: Any, identities: list[tuple[str, str, str]]) -> list[dict]: ...
    def chain_complete_below(self, db: Any, desk_id: str, seq: int) -> bool: ...
    def status_mismatches(self, db: Any, desk_id: str, entries: list[tuple[str, str]]) -> list[dict]: ...
    def events_without_dossier(self, db: Any, limit: int = ...) -> list[dict]: ...
    def events_of_another_dossier(self, db: Any, limit: int = ...) -> list[dict]: ...
    def dossiers_without_their_desk(self, db: Any, limit: int = ...) -> list[dict]: ...
    def dossier_codes_without_events(self, db: Any, limit: int = ...) -> list[str]: ...
    def lines_without_dossier(self, db: Any, limit: int = ...) -> list[dict]: ...
    # what arrived
    def add_mark(self, db: Any, desk_id: str, first: int, last: int, mark: str, at: str) -> None: ...
    def upsert_desk(self, db: Any, desk_id: str, agency_code: str, desk_no: int, at: str) -> None: ...
    def hub_desk_rows(self, db: Any) -> list[dict]: ...
    def keep_event_counts(self, db: Any, desk_id: str, events: int, last_seq: int) -> None: ...
    def recount_events(self, db: Any) -> list[dict]: ...
    def sync_desk_rows(self, db: Any, desk_ids: list[str]) -> dict[str, dict]: ...
    def seq_gaps(
        self, db: Any, desk_id: str, around: tuple[int, int] | None = None
    ) -> tuple[list[tuple[int, int]], int, int]: ...
    def open_gaps(self, db: Any, desk_id: str | None = None) -> list[dict]: ...
    def open_gap(self, db: Any, desk_id: str, first: int, last: int, at: str, by: str) -> None: ...
    def close_gap(self, db: Any, gap_id: int, at: str, by: str) -> None: ...
    def record_import(self, db: Any, row: dict) -> int: ...
    def recent_imports(self, db: Any, limit: int = 20) -> list[dict]: ...
    def stored_request(self, db: Any, key: str) -> dict | None: ...
    def store_request(self, db: Any, key: str, body_sha256: str, response: str, at: str) -> None: ...
    def generation(self, db: Any) -> tuple[int, int]: ...
    def get_meta(self, db: Any, key: str) -> str | None: ...
    def set_meta(self, db: Any, key: str, value: str) -> None: ...
    # the registry
    def enrolled_desk(self, db: Any, desk_id: str) -> dict | None: ...
    def active_desk_by_number(self, db: Any, agency_code: str, desk_no: int) -> dict | None: ...
    def enrolled_desks(self, db: Any) -> list[dict]: ...
    def desk_keys(self, db: Any, desk_id: str) -> list[dict]: ...
    def key_row(self, db: Any, public_key: str) -> dict | None: ...
    def enrol_desk(
        self,
        db: Any,
        desk_id: str,
        agency_code: str,
        desk_no: int,
        agency_name: str,
        public_key: str,
        fingerprint: str,
        at: str,
    ) -> None: ...
    def add_key(self, db: Any, desk_id: str, public_key: str, fingerprint: str, from_seq: int, at: str) -> None: ...
    def retire_key(self, db: Any, public_key: str, until_seq: int) -> None: ...
    def revoke_desk(self, db: Any, desk_id: str, at: str) -> None: ...
    # the QĐ 766 running sums (db.indicator_sums), in the import's transaction
    def refresh_indicator_sums(self, db: Any, codes: list[str]) -> None: ...
    def indicator_recount_differences(self, db: Any, limit: int = 20) -> list[dict]: ...
    # the board of desks (db.board_queries)
    def record_contact(
        self,
        db: Any,
        desk_id: str,
        at: str,
        desk_clock: str | None,
        skew_seconds: int | None,
        declared_seq: int | None,
    ) -> None: ...
    def record_refusal(self, db: Any, desk_id: str, at: str, code: str, events: int) -> None: ...
    def desk_position(self, db: Any, desk_id: str) -> tuple[str, int, str] | None: ...
    def count_desks(self, db: Any) -> int: ...
    def desk_page(self, db: Any, after: tuple[str, int, str], limit: int) -> list[dict]: ...
    def flag_duplicates(self, db: Any, codes: list[str]) -> None: ...
    def duplicate_counts(self, db: Any, desk_ids: list[str], since: str) -> dict[str, int]: ...
    def duplicate_pairs(self, db: Any, desk_ids: list[str], since: str, limit: int) -> list[dict]: ...
    def files_missing(self, db: Any, desk_ids: list[str]) -> dict[str, int]: ...
    # the files received, the dossiers' results (db.file_queries)
    def record_hub_file(self, db: Any, row: dict) -> None: ...
    def note_missing_files(self, db: Any, codes: list[str]) -> None: ...
    def files_of_other_desks(self, db: Any, own_desk_id: str) -> list[tuple[str, str, str, str]]: ...
    def payloads_with_results(self, db: Any, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]: ...
    def replace_results(self, db: Any, dossier_id: str, rows: list[dict]) -> None: ...
    def result_rows(self, db: Any, dossier_id: str) -> list[dict]: ...


def _no_lock(db: Any, codes: list[str]) -> None:
    """SQLite: the write transaction is the only writer already."""


def _nothing_kept(db: Any, limit: int = 0) -> list[dict]:
    """SQLite keeps no table of the latest events (its rebuild reads them from ``events`` by index)."""
    return []


def _kept_by_foreign_key(db: Any, limit: int = 0) -> list[dict]:
    """SQLite's component lines keep their foreign key (``desk verify``: ``PRAGMA foreign_key_check``)."""
    return []


def _counted_insert(db: Any, rows: list[tuple], snapshots: Any = None) -> int:
    sq.insert_event_rows(db, rows)  # a known event id fails the whole transaction (UNIQUE), never skipped
    return len(rows)


def _replace_dossiers(db: Any, rows: list[tuple], lines: list[tuple]) -> None:
    """SQLite: :func:`db.queries.replace_dossier` for each (the shapes of ``insert_dossiers``)."""
    columns = (*sq.SNAPSHOT_DOSSIER_COLUMNS, "applicant_folded")
    by_id: dict[str, list[dict]] = {}
    for line in lines:
        by_id.setdefault(line[-1], []).append(dict(zip(sq.SNAPSHOT_LINE_COLUMNS, line)))
    for row in rows:
        queries.replace_dossier(db, dict(zip(columns, row)), by_id.get(row[0], []))


class SqliteQueries:
    """The SQLite functions under the names of :class:`HubQueries` (the functions themselves: no wrapper
    on the paths a bundle of 20,000 events takes)."""

    insert_event_rows = staticmethod(_counted_insert)
    event_rows_between = staticmethod(sq.event_rows_between)
    event_ids_present = staticmethod(sq.event_ids_present)
    event_payloads = staticmethod(sq.event_payloads)
    latest_events_per_desk = staticmethod(sq.latest_events_per_desk)
    latest_snapshot_events_per_desk = staticmethod(sq.latest_snapshot_events_per_desk)
    latest_event_differences = staticmethod(_nothing_kept)
    event_head = staticmethod(queries.event_head)
    event_codes = staticmethod(queries.event_codes)
    desk_ids = staticmethod(queries.desk_ids)
    event_rows = staticmethod(queries.event_rows)
    lock_dossiers = staticmethod(_no_lock)
    dossier_ids_by_code = staticmethod(sq.dossier_ids_by_code)
    existing_dossier_ids = staticmethod(sq.existing_dossier_ids)
    insert_dossiers = staticmethod(sq.insert_dossiers)
    replace_dossier = staticmethod(queries.replace_dossier)
    replace_dossiers = staticmethod(_replace_dossiers)
    dossier_row = staticmethod(queries.dossier_row)
    dossier_lines = staticmethod(queries.line_rows)
    events_for_dossier = staticmethod(queries.events_for_dossier)
    identity_conflicts = staticmethod(hub_checks.identity_conflicts)
    chain_complete_below = staticmethod(hub_checks.chain_complete_below)
    status_mismatches = staticmethod(hub_checks.status_mismatches)
    events_without_dossier = staticmethod(hub_checks.events_without_dossier)
    events_of_another_dossier = staticmethod(hub_checks.events_of_another_dossier)
    dossiers_without_their_desk = staticmethod(hub_checks.dossiers_without_their_desk)
    dossier_codes_without_events = staticmethod(queries.dossier_codes_without_events)
    lines_without_dossier = staticmethod(_kept_by_foreign_key)
    add_mark = staticmethod(sq.add_mark)
    upsert_desk = staticmethod(sq.upsert_desk)
    hub_desk_rows = staticmethod(sq.hub_desk_rows)
    keep_event_counts = staticmethod(sq.keep_event_counts)
    recount_events = staticmethod(sq.recount_events)
    sync_desk_rows = staticmethod(sq.sync_desk_rows)
    seq_gaps = staticmethod(sq.seq_gaps)
    open_gaps = staticmethod(sq.open_gaps)
    open_gap = staticmethod(sq.open_gap)
    close_gap = staticmethod(sq.close_gap)
    record_import = staticmethod(sq.record_import)
    recent_imports = staticmethod(sq.recent_imports)
    stored_request = staticmethod(sq.stored_request)
    store_request = staticmethod(sq.store_request)
    generation = staticmethod(sq.generation)
    get_meta = staticmethod(queries.get_meta)
    set_meta = staticmethod(queries.set_meta)
    enrolled_desk = staticmethod(kq.enrolled_desk)
    active_desk_by_number = staticmethod(kq.active_desk_by_number)
    enrolled_desks = staticmethod(kq.enrolled_desks)
    desk_keys = staticmethod(kq.desk_keys)
    key_row = staticmethod(kq.key_row)
    enrol_desk = staticmethod(kq.enrol_desk)
    add_key = staticmethod(kq.add_key)
    retire_key = staticmethod(kq.retire_key)
    revoke_desk = staticmethod(kq.revoke_desk)
    refresh_indicator_sums = staticmethod(indicator_sums.refresh)
    indicator_recount_differences = staticmethod(indicator_sums.recount_differences)
    record_contact = staticmethod(bq.record_contact)
    record_refusal = staticmethod(bq.record_refusal)
    desk_position = staticmethod(bq.desk_position)
    count_desks = staticmethod(bq.count_desks)
    desk_page = staticmethod(bq.desk_page)
    flag_duplicates = staticmethod(bq.flag_duplicates)
    duplicate_counts = staticmethod(bq.duplicate_counts)
    duplicate_pairs = staticmethod(bq.duplicate_pairs)
    files_missing = staticmethod(bq.files_missing)
    record_hub_file = staticmethod(fq.record_hub_file)
    note_missing_files = staticmethod(fq.note_missing_files)
    files_of_other_desks = staticmethod(fq.files_of_other_desks)
    payloads_with_results = staticmethod(fq.payloads_with_results)
    replace_results = staticmethod(fq.replace_results)
    result_rows = staticmethod(result_queries.result_rows)


SQLITE_QUERIES: HubQueries = SqliteQueries()


class HubStore(Protocol):
    """Where a hub keeps what desks send (see the module docstring)."""

    kind: str
    """:data:`SQLITE` or :data:`POSTGRESQL`."""
    q: HubQueries
    shown: str
    """Where it is, for messages (a URL without its password)."""
    serialised: bool
    """Whether requests must take turns (SQLite: one writer; the receiver holds one lock)."""

    def reading(self) -> contextlib.AbstractContextManager[Any]: ...
    def writing(self, desk_id: str | None = None, events: int = 0) -> contextlib.AbstractContextManager[Any]: ...


class SqliteStore:
    """The home's own SQLite database."""

    kind = SQLITE
    q = SQLITE_QUERIES
    serialised = True

    def __init__(self, db):
        self.db = db
        self.shown = "SQLite"

    @contextlib.contextmanager
    def reading(self) -> Iterator[Any]:
        yield self.db

    @contextlib.contextmanager
    def writing(self, desk_id: str | None = None, events: int = 0) -> Iterator[Any]:
        with sq.bulk_cache(self.db, events), write_transaction(self.db):
            yield self.db


class PgStore:
    """A hub's PostgreSQL database (one pool per process and URL: :func:`pg_store`)."""

    kind = POSTGRESQL
    serialised = False

    def __init__(self, pool):
        from db.pg import hub_queries

        self.pool = pool
        self.q: HubQueries = hub_queries  # a module of the same functions
        self.shown = pool.shown

    def reading(self) -> contextlib.AbstractContextManager[Any]:
        return self.pool.reading()

    def writing(self, desk_id: str | None = None, events: int = 0) -> contextlib.AbstractContextManager[Any]:
        return self.pool.writing(desk_id)

    def close(self) -> None:
        self.pool.close()


_pools: dict[str, PgStore] = {}
_pools_lock = threading.Lock()


def check_url(url: str) -> str:
    url = url.strip()
    if not url.startswith(("postgresql://", "postgres://")):
        from db.pg.connection import redact

        raise InvalidInput("hub.database_url", field="hub.database", url=redact(url))
    return url


def pg_store(url: str, *, max_size: int = 8) -> PgStore:
    """The store of a PostgreSQL URL: its pool opened (and the schema migrated) on first use in this process.

    Raises ``hub.database_unreachable`` (exit 4) naming the URL without its password and what failed.
    """
    url = check_url(url)
    with _pools_lock:
        store = _pools.get(url)
        if store is not None:
            return store
        try:
            import psycopg
            import psycopg_pool
        except ImportError:
            raise InvalidInput("hub.postgresql_missing", field="hub.database") from None

        from db.pg import migrations
        from db.pg.connection import PgPool, redact

        pool = PgPool(url, max_size=max_size)
        try:
            pool.open()
            with pool.pool.connection() as conn:
                migrations.migrate(conn)
            finish_rechecks(pool)  # the duplicates' second passes a worker that died left (db.pg.board_queries)
        except (psycopg.Error, psycopg_pool.PoolTimeout) as exc:
            pool.close()
            detail = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else exc.__class__.__name__
            raise NotFound(
                "hub.database_unreachable", field="hub.database", url=redact(url), detail=_no_secret(detail, url)
            ) from None
        store = _pools[url] = PgStore(pool)
        return store


def finish_rechecks(pool) -> None:
    """Every second duplicates pass left undone (``db.pg.board_queries.finish_rechecks``), a chunk per
    transaction."""
    from db.pg.board_queries import finish_rechecks as finish

    while True:
        with pool.writing() as db:
            if not finish(db):
                return


def _no_secret(text: str, url: str) -> str:
    """A driver's message with the URL's password taken out, should it quote it."""
    import urllib.parse

    try:
        password = urllib.parse.urlsplit(url).password
    except ValueError:
        password = None
    return text.replace(password, "***") if password else text


def close_pools() -> None:
    """Close every pool of this process (tests; a server stopping)."""
    with _pools_lock:
        for store in _pools.values():
            store.close()
        _pools.clear()
        _adopted.clear()


_adopted: set[tuple[str, str]] = set()
"""(home, store) pairs whose home's file records this process saw copied (``desk.sync.hub_migrate``)."""
_adopting = threading.Lock()


def hub_store(desk) -> HubStore:
    """The store of this hub: ``[hub] database``, else the home's SQLite. A PostgreSQL store, the first time
    a process opens it for a home, takes the file records the home kept from before they moved into the store
    (``desk.sync.hub_migrate.adopt_home_files``: once per home and database)."""
    url = desk.settings.hub_database
    if not url:
        return SqliteStore(desk.db)
    store = pg_store(url)
    key = (str(desk.home.root), store.shown)
    if key not in _adopted:
        from desk.sync.hub_migrate import adopt_home_files

        with _adopting:
            if key not in _adopted:
                adopt_home_files(desk, store)
                _adopted.add(key)
    return store


def queries_for(store: HubStore, *, sqlite: Any, pg: Any) -> Any:
    """The module (or object) of queries of this store's kind: ``sqlite`` or ``pg`` (a module of further read
    queries kept apart, e.g. the board's)."""
    return pg if store.kind == POSTGRESQL else sqlite
