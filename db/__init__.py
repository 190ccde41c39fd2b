"""SQLite storage of the desk: connection, migrations, queries. Imports nothing of the app."""

from db.connection import open_db, write_transaction
from db.migrations import MIGRATIONS, migrate

__all__ = ["open_db", "write_transaction", "migrate", "MIGRATIONS"]
