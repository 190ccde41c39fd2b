"""The hub's store (PostgreSQL), in English for the TUI."""

from __future__ import annotations

PROBLEMS: dict[str, str] = {
    "hub.database_url": (
        "hub.database “{url}” is not a PostgreSQL URL: write postgresql://user@host/database, "
        "or leave it empty for this home's SQLite."
    ),
    "hub.database_unreachable": (
        "Cannot use the hub's PostgreSQL at {url}: {detail}. Check that the server runs, its address, the user "
        "and password, and that the database exists."
    ),
    "hub.postgresql_missing": (
        "hub.database names PostgreSQL, but its driver is not installed: install motcua-desk with its hub-pg extra (docs/hub.md)."
    ),
    "hub.workers_need_postgresql": (
        "--workers {workers}: more than one worker needs the hub on PostgreSQL; this home's SQLite has one "
        "writer: serve with one worker."
    ),
    "hub.migrate_not_empty": (
        "{url} already holds events that did not come from this hub: move a hub into an empty database."
    ),
    "sync.events_raced": (
        "Desk {desk_id}: another batch brought some of these events meanwhile; nothing was imported; send them again."
    ),
    "cli.workers_range": "--{field} {value}: give 1 or more.",
    "report.home_only": (
        "This hub keeps the desks' dossiers in PostgreSQL ({store}): the indicators and overdue dossiers here count "
        "this home's own dossiers only (reports over the desks on PostgreSQL are not there yet)."
    ),
}
