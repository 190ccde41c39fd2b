"""An open desk: its home, settings, database and calendar, resolved once."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from db import Database, open_db
from desk.config import Home, load_settings, resolve_home
from desk.models import Operator
from desk.official_calendar import official_calendar
from desk.rules.calendar import WorkCalendar
from desk.settings import Settings


@dataclass
class Desk:
    """Everything a service function needs; made by :func:`open_desk`."""

    home: Home
    """The home's paths (database, settings, scans, inbox, outbox, printed PDFs)."""
    settings: Settings
    """``desk.toml`` as read when the desk was opened (see :meth:`reload_settings`)."""
    db: Database = field(repr=False)
    """The open database."""
    operator: Operator | None = None
    """Who is signed in (``desk.dossier.operators``); None on a desk without accounts."""

    @cached_property
    def calendar(self) -> WorkCalendar:
        """The working calendar of these settings (office hours, local days off and working days) over the
        official calendar: the shipped one with the notices imported into this home."""
        return WorkCalendar.from_settings(self.settings, official_calendar(self.home.root))

    @property
    def desk_id(self) -> str:
        """This desk's identity in the event log."""
        return self.settings.agency.desk_id

    @property
    def clerk(self) -> str:
        """The clerk recorded on new events: the operator signed in, else the clerk on duty of the settings."""
        return self.operator.name if self.operator is not None else self.settings.clerk

    @property
    def operator_login(self) -> str:
        """The login recorded on new events (the payload's ``operator``), "" without one."""
        return self.operator.login if self.operator is not None else ""

    def reload_settings(self) -> None:
        """Read ``desk.toml`` again (after ``desk clerk`` or an edit) and forget the old calendar."""
        self.settings = load_settings(self.home)
        self.__dict__.pop("calendar", None)

    def close(self) -> None:
        self.db.conn.close()


def open_desk(home: str | Path | Home | None = None) -> Desk:
    """Open an initialised home (raises HomeError when there is none)."""
    h = home if isinstance(home, Home) else Home(resolve_home(home))
    settings = load_settings(h)
    return Desk(home=h, settings=settings, db=open_db(h.db))
