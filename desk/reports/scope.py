"""What a home's reports count: at a hub on PostgreSQL, its own counter's dossiers only (for now).

The indicators (``desk.reports.indicators``, Quyết định 766) and the overdue list read the home's SQLite.
At a hub whose store is PostgreSQL (``[hub] database``, ``desk.sync.store``) the desks' dossiers are there,
not in the home, so those figures would be the hub's own counter's alone: :func:`home_only` is the warning
the day report, ``desk report day`` and the reports screen give with them, rather than figures silently
short. The desks' lines of the day report (events, last seq, missing ranges) are read from the store.
"""

from __future__ import annotations

from desk.rules.problems import Problem, problem


def home_only(desk) -> Problem | None:
    """The warning that this home's figures leave out the desks' dossiers in PostgreSQL, or None (the store is
    the home's SQLite: the figures count every desk). Reads the setting only: no connection is made."""
    url = desk.settings.hub_database
    if not url:
        return None
    from db.pg.connection import redact

    return problem("report.home_only", field="hub.database", store=redact(url))
