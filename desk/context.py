"""An open desk: its home, settings, database and calendar, resolved once."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import sqlite_utils

from db import open_db
from desk.config import Home, Settings, load_settings, resolve_home


@dataclass
class Desk:
    """Everything a service function needs; made by :func:`open_desk`."""

    home: Home
    settings: Settings
    db: sqlite_utils.Database = field(repr=False)

    @cached_property
    def calendar(self):
        from desk.rules.calendar import WorkCalendar

        return WorkCalendar.from_settings(self.settings)

    @property
    def desk_id(self) -> str:
        return self.settings.agency.desk_id

    @property
    def clerk(self) -> str:
        return self.settings.clerk

    def reload_settings(self) -> None:
        self.settings = load_settings(self.home)
        self.__dict__.pop("calendar", None)

    def close(self) -> None:
        self.db.conn.close()


def open_desk(home: str | Path | Home | None = None) -> Desk:
    """Open an initialised home (raises HomeError when there is none)."""
    h = home if isinstance(home, Home) else Home(resolve_home(home))
    settings = load_settings(h)
    return Desk(home=h, settings=settings, db=open_db(h.db))
