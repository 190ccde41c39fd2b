"""English words of the hub's store (``desk.sync.store``, ``desk hub migrate``, ``desk hub serve --workers``)."""

from __future__ import annotations

ENGLISH: dict[str, str] = {
    "hub.database_url": (
        "[hub] database {url!r} is not a PostgreSQL URL: write postgresql://user@host/database, "
        "or leave it empty for this home's SQLite"
    ),
    "hub.database_unreachable": (
        "cannot use the hub's PostgreSQL at {url}: {detail}; check that the server runs, its address, the user and "
        "password (PGPASSWORD or ~/.pgpass) and that the database exists"
    ),
    "hub.postgresql_missing": (
        "[hub] database names PostgreSQL, but its driver is not installed: pip install 'motcua-desk[hub-pg]'"
    ),
    "hub.workers_need_postgresql": (
        "--workers {workers}: more than one worker needs the hub on PostgreSQL ([hub] database = "
        '"postgresql://…", docs/hub.md); this home\'s SQLite has one writer: serve with one worker'
    ),
    "hub.migrate_not_empty": (
        "{url} already holds events that did not come from this hub: move a hub into an empty database "
        "(or one this hub was moved into before)"
    ),
    "sync.events_raced": (
        "desk {desk_id}: another batch brought some of these events meanwhile; nothing was imported; send them again"
    ),
    "cli.workers_range": "--{field} {value}: give 1 or more",
    "report.home_only": (
        "this hub keeps the desks' dossiers in PostgreSQL ({store}): the indicators and overdue dossiers here "
        "count this home's own dossiers only (reports over the desks on PostgreSQL are not there yet); the desks' "
        "events and missing seq ranges are the database's"
    ),
}
