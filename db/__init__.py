"""SQLite storage of the desk: connection, migrations, queries. Imports nothing of the app."""

from typing import Any

from db.connection import Database, open_db, write_transaction
from db.migrations import migrate

__all__ = ["Database", "open_db", "write_transaction", "migrate", "MIGRATIONS"]


def __getattr__(name: str) -> Any:
    if name == "MIGRATIONS":  # sqlite_utils's runner, imported only when asked for
        from db import migrations

        return migrations.MIGRATIONS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
