"""The provincial hub's PostgreSQL store: connection pool, versioned migrations, the hub's queries.

Like :mod:`db`, it imports nothing of the app. The SQL of the hub on
PostgreSQL lives here only; ``desk.sync.store`` chooses it or SQLite by the
``[hub] database`` setting and hands the rules one interface.
"""

from db.pg.connection import PgConn, PgPool, open_pool, redact

__all__ = ["PgConn", "PgPool", "open_pool", "redact"]
