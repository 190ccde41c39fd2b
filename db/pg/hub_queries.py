"""The hub's queries on PostgreSQL: the same functions, arguments and answers as their SQLite twins
(``db.sync_queries``, ``db.hub_checks``, ``db.key_queries``, ``db.board_queries``, ``db.file_queries``, a few
of ``db.queries``), so that the rules of ``desk.sync`` run unchanged on either store
(``desk.sync.store.HubQueries`` lists them; ``PgStore.q`` is this module).

Each takes a :class:`db.pg.connection.PgConn`. They live in modules by what they are about, gathered here
under one name:

- :mod:`db.pg.event_queries`: the events (month partitions made on demand; the global keys in ``event_ids``);
- :mod:`db.pg.dossier_queries`: the dossiers' current state, and the checks over dossiers and events;
- :mod:`db.pg.arrival_queries`: what arrived (marks, desks, gaps, imports, push idempotency, ``meta``);
- :mod:`db.pg.registry_queries`: the enrolled desks and their keys;
- :mod:`db.pg.board_queries`: the board of desks (contacts, duplicates across desks, files missing);
- :mod:`db.pg.file_queries`: the files the hub received (``hub_files``) and the dossiers' results.
"""

from __future__ import annotations

from db.pg.arrival_queries import *  # noqa: F403
from db.pg.board_queries import *  # noqa: F403
from db.pg.common import *  # noqa: F403
from db.pg.dossier_queries import *  # noqa: F403
from db.pg.event_queries import *  # noqa: F403
from db.pg.file_queries import *  # noqa: F403
from db.pg.indicator_sums import recount_differences as indicator_recount_differences  # noqa: F401  (desk verify)
from db.pg.indicator_sums import refresh as refresh_indicator_sums  # noqa: F401  (QĐ 766 sums, the store's interface)
from db.pg.registry_queries import *  # noqa: F403
