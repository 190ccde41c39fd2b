"""Service-quality indicators (Quyết định 766/QĐ-TTg) for any period: overall, per desk, clerk, procedure.

Every formula, its source and which parts are our reading are in
``docs/indicators.md``. In short, for the period [date_from 00:00, date_to + 1
day 00:00) and the moment ``as_of`` (the period's end, or now if earlier):

- received: dossiers received in the period; refused: those of them refused at
  the counter; withdrawn / stopped: dossiers withdrawn / stopped in the period.
- finished: results recorded in the period (``finished_at``); on time when
  ``finished_at <= due_at`` (the due date already moved by supplement pauses).
  On-time rate = on time ÷ finished.
- average processing time: working hours from receipt to result, less the
  working time the clock stood still for supplements (from the resume events).
- digitisation / reuse rate: of the dossiers received and accepted (not
  refused), those with at least one component digitised or reused / reused.
- sync rate: of the dossiers received, those with no event pending sync here.
- satisfaction = 100 % − (late rate + complaint rate), the complaint rate being
  "Không hài lòng" answers ÷ results returned in the period.
- in progress / overdue / awaiting return: as of ``as_of``.

Rates are fractions (0.0–1.0) or None when their denominator is zero: an empty
day has no on-time rate, it does not have a 0 % one. Counts come from SQL
aggregates (``db.indicator_queries``); only the finished dossiers are read one
by one, for their working time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta

from db import indicator_queries as iq
from desk import clock
from desk.errors import InvalidInput

TARGETS: dict[str, float] = {
    "on_time_rate": 0.96,
    "digitisation_rate": 0.80,
    "reuse_rate": 0.80,
    "satisfaction_rate": 0.90,
}
"""Provincial targets (DOMAIN.md): a rate meets its target when it is at least this."""

PERIODS = ("day", "week", "month")

UNKNOWN_CLERK = "(không ghi)"


@dataclass
class Figures:
    """The counts of one group (everything, one desk, one clerk or one procedure) and the rates made of them."""

    received: int = 0
    """Dossiers received in the period (every outcome, refused ones included)."""
    refused: int = 0
    """Of those, refused at the counter (Mẫu 03)."""
    withdrawn: int = 0
    """Dossiers withdrawn by the citizen in the period."""
    stopped: int = 0
    """Dossiers whose processing was stopped in the period (Mẫu 05)."""
    digitised: int = 0
    """Accepted dossiers received in the period with at least one component digitised or reused."""
    reused: int = 0
    """Accepted dossiers received in the period with at least one component reused (data store or another dossier)."""
    synced: int = 0
    """Dossiers received in the period with no event waiting to be exported or pushed at this home."""
    finished: int = 0
    """Results recorded in the period (đã giải quyết)."""
    finished_on_time: int = 0
    """Of those, recorded by their due time."""
    processing_minutes: int = 0
    """Working minutes from receipt to result of the finished dossiers, supplement pauses left out."""
    returned: int = 0
    """Results handed to the citizen in the period."""
    answered: int = 0
    """Of those, how many citizens answered the satisfaction question."""
    very_satisfied: int = 0
    satisfied: int = 0
    dissatisfied: int = 0
    """"Không hài lòng" answers: the complaints of the satisfaction formula."""
    in_progress: int = 0
    """Dossiers being processed at the report's moment (received, transferred or waiting for a supplement)."""
    overdue: int = 0
    """Of those, past their due time with the clock running."""
    awaiting_return: int = 0
    """Results ready at the report's moment and not yet collected."""

    def add(self, other: Figures) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    # -- derived counts ------------------------------------------------------

    @property
    def accepted(self) -> int:
        """Dossiers received and not refused: the base of the digitisation and reuse rates."""
        return self.received - self.refused

    @property
    def finished_late(self) -> int:
        return self.finished - self.finished_on_time

    # -- rates (fractions, None when undefined) -------------------------------

    @property
    def on_time_rate(self) -> float | None:
        """Results recorded by their due time ÷ results recorded in the period."""
        return _ratio(self.finished_on_time, self.finished)

    @property
    def late_rate(self) -> float | None:
        return _ratio(self.finished_late, self.finished)

    @property
    def avg_processing_hours(self) -> float | None:
        """Average working hours from receipt to result (supplement pauses excluded)."""
        if not self.finished:
            return None
        return self.processing_minutes / self.finished / 60.0

    @property
    def digitisation_rate(self) -> float | None:
        return _ratio(self.digitised, self.accepted)

    @property
    def reuse_rate(self) -> float | None:
        return _ratio(self.reused, self.accepted)

    @property
    def sync_rate(self) -> float | None:
        return _ratio(self.synced, self.received)

    @property
    def complaint_rate(self) -> float | None:
        """ "Không hài lòng" answers ÷ results returned in the period."""
        return _ratio(self.dissatisfied, self.returned)

    @property
    def satisfaction_rate(self) -> float | None:
        """100 % − (late rate + complaint rate), never below 0; a term that is undefined counts 0.

        None when both are undefined (nothing finished and nothing returned).
        """
        late, complaint = self.late_rate, self.complaint_rate
        if late is None and complaint is None:
            return None
        return max(0.0, 1.0 - ((late or 0.0) + (complaint or 0.0)))

    def rate(self, name: str) -> float | None:
        """A rate by name (``on_time_rate``, ``digitisation_rate``, ...)."""
        if name not in RATE_NAMES:
            raise InvalidInput("indicator.unknown", field="indicator", name=name, names=RATE_NAMES)
        return getattr(self, name)

    def meets(self, name: str) -> bool | None:
        """Whether a rate meets its target: None when it has no target or no value."""
        target = TARGETS.get(name)
        value = self.rate(name)
        if target is None or value is None:
            return None
        # compare in whole tenths of a percent, as printed: 95.96 % shows (and counts) as 96.0 %
        return round(value * 1000) >= round(target * 1000)

    def to_json(self) -> dict:
        out: dict = {f.name: getattr(self, f.name) for f in fields(self)}
        out["accepted"] = self.accepted
        out["finished_late"] = self.finished_late
        for name in RATE_NAMES:
            out[name] = getattr(self, name)
        out["avg_processing_hours"] = self.avg_processing_hours
        return out


RATE_NAMES = (
    "on_time_rate",
    "late_rate",
    "digitisation_rate",
    "reuse_rate",
    "sync_rate",
    "complaint_rate",
    "satisfaction_rate",
)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Group:
    """The figures of one desk, clerk or procedure."""

    key: str
    """Desk: "<agency>/<desk no>"; clerk: the clerk's name; procedure: its code."""
    label: str
    """What a person reads: "Quầy 1", the clerk's name, the procedure's name."""
    figures: Figures = field(default_factory=Figures)
    desk_no: int | None = None
    agency_code: str = ""


@dataclass
class Indicators:
    """Every indicator of a period, overall and per desk, clerk and procedure (largest first)."""

    date_from: date
    date_to: date
    start: datetime
    """The period is [start, end)."""
    end: datetime
    as_of: datetime
    """The moment of the in-progress, overdue and awaiting-return counts: ``end``, or now if earlier."""
    overall: Figures
    by_desk: list[Group]
    by_clerk: list[Group]
    by_procedure: list[Group]

    @property
    def single_day(self) -> bool:
        return self.date_from == self.date_to

    def to_json(self) -> dict:
        def groups(gs: list[Group]) -> list[dict]:
            return [
                {
                    "key": g.key,
                    "label": g.label,
                    **({"desk_no": g.desk_no, "agency_code": g.agency_code} if g.desk_no is not None else {}),
                    "figures": g.figures.to_json(),
                }
                for g in gs
            ]

        return {
            "date_from": self.date_from.isoformat(),
            "date_to": self.date_to.isoformat(),
            "as_of": clock.iso(self.as_of),
            "targets": dict(TARGETS),
            "overall": self.overall.to_json(),
            "by_desk": groups(self.by_desk),
            "by_clerk": groups(self.by_clerk),
            "by_procedure": groups(self.by_procedure),
        }


@dataclass(frozen=True)
class OverdueDossier:
    """A dossier past its due time at the report's moment."""

    code: str
    procedure_code: str
    procedure_name: str
    applicant: str
    clerk: str
    desk_no: int
    received_at: datetime
    due_at: datetime
    overdue_minutes: int
    """Working minutes past the due time."""


# --- periods ------------------------------------------------------------------------------


def period(kind: str, today: date | None = None) -> tuple[date, date]:
    """(first day, last day) of the day, the week (Monday–Sunday) or the month holding ``today``."""
    today = today or clock.now().date()
    if kind == "day":
        return today, today
    if kind == "week":
        first = today - timedelta(days=today.weekday())
        return first, first + timedelta(days=6)
    if kind == "month":
        first = today.replace(day=1)
        nxt = (first + timedelta(days=32)).replace(day=1)
        return first, nxt - timedelta(days=1)
    raise InvalidInput("period.unknown", field="period", value=kind, periods=PERIODS)


def bounds(date_from: date, date_to: date | None = None, *, now: datetime | None = None):
    """(start, end, as_of) of a period of whole days; checks the order of the dates."""
    date_to = date_to or date_from
    if isinstance(date_from, datetime) or isinstance(date_to, datetime):
        raise InvalidInput("period.not_dates", field="date")
    if date_to < date_from:
        raise InvalidInput("period.reversed", field="to", start=date_from, end=date_to)
    start = datetime.combine(date_from, time())
    end = datetime.combine(date_to + timedelta(days=1), time())
    now = now or clock.now()
    return start, end, min(end, now)


def _iso(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


# --- computing ----------------------------------------------------------------------------


def desk_label(desk_no: int | None, agency_code: str = "", *, with_agency: bool = False) -> str:
    """ "Quầy 1" (with the agency code when a hub holds several agencies)."""
    label = f"Quầy {desk_no}"
    return f"{label} ({agency_code})" if with_agency and agency_code else label


class _Collector:
    """Adds the rows of every query up into the four groupings."""

    def __init__(self) -> None:
        self.overall = Figures()
        self.desks: dict[tuple[str, int], Group] = {}
        self.clerks: dict[str, Group] = {}
        self.procedures: dict[str, Group] = {}

    def figures_for(self, agency: str, desk_no: int, clerk: str, code: str, name: str) -> list[Figures]:
        d = self.desks.get((agency, desk_no))
        if d is None:
            d = self.desks[(agency, desk_no)] = Group(
                f"{agency}/{desk_no}", desk_label(desk_no), desk_no=desk_no, agency_code=agency
            )
        c = self.clerks.get(clerk)
        if c is None:
            c = self.clerks[clerk] = Group(clerk, clerk or UNKNOWN_CLERK)
        p = self.procedures.get(code)
        if p is None:
            p = self.procedures[code] = Group(code, name or code)
        return [self.overall, d.figures, c.figures, p.figures]

    def add_rows(self, rows: Iterable[dict], names: tuple[str, ...]) -> None:
        for r in rows:
            part = Figures(**{n: r[n] or 0 for n in names})
            for f in self.figures_for(r["agency"], r["desk_no"], r["clerk"], r["procedure_code"], r["procedure_name"]):
                f.add(part)

    def result(self) -> tuple[list[Group], list[Group], list[Group]]:
        agencies = {a for a, _ in self.desks}
        if len(agencies) > 1:
            for g in self.desks.values():
                g.label = desk_label(g.desk_no, g.agency_code, with_agency=True)
        desks = sorted(self.desks.values(), key=lambda g: (g.agency_code, g.desk_no))
        by_size = lambda g: (-g.figures.received, -g.figures.finished, g.label)  # noqa: E731
        return desks, sorted(self.clerks.values(), key=by_size), sorted(self.procedures.values(), key=by_size)


def compute(desk, date_from: date, date_to: date | None = None, *, now: datetime | None = None) -> Indicators:
    """Every indicator of the days ``date_from`` to ``date_to`` (inclusive; one day if omitted).

    A handful of indexed aggregate queries: fast enough for the reports screen
    to call on every refresh, even with a million dossiers in the home.
    """
    start, end, as_of = bounds(date_from, date_to, now=now)
    date_to = date_to or date_from
    db = desk.db
    s, e, t = _iso(start), _iso(end), _iso(as_of)
    col = _Collector()
    col.add_rows(iq.received_groups(db, s, e), ("received", "refused", "digitised", "reused", "synced"))
    col.add_rows(iq.returned_groups(db, s, e), ("returned", "answered", "very_satisfied", "satisfied", "dissatisfied"))
    col.add_rows(iq.closed_groups(db, s, e), ("withdrawn", "stopped"))
    if as_of > start:  # a period wholly in the future has nothing in progress yet
        col.add_rows(iq.in_progress_groups(db, t), ("in_progress", "overdue"))
        col.add_rows(iq.awaiting_return_groups(db, t), ("awaiting_return",))
    _add_finished(desk, col, iq.finished_rows(db, s, e))
    by_desk, by_clerk, by_procedure = col.result()
    return Indicators(date_from, date_to, start, end, as_of, col.overall, by_desk, by_clerk, by_procedure)


def _add_finished(desk, col: _Collector, rows: list[tuple]) -> None:
    minutes_between = desk.calendar.working_minutes_between
    parse = datetime.fromisoformat
    cache: dict[tuple, list[Figures]] = {}
    for agency, desk_no, clerk, code, name, received_at, finished_at, due_at, paused in rows:
        key = (agency, desk_no, clerk, code)
        targets = cache.get(key)
        if targets is None:
            targets = cache[key] = col.figures_for(agency, desk_no, clerk, code, name)
        on_time = due_at is None or finished_at <= due_at  # ISO text compares as the moments do
        worked = minutes_between(parse(received_at), parse(finished_at)) - int(paused or 0)
        worked = max(0, worked)
        for f in targets:
            f.finished += 1
            f.finished_on_time += on_time
            f.processing_minutes += worked


def overdue_dossiers(desk, as_of: datetime | None = None, *, limit: int = 20) -> list[OverdueDossier]:
    """The dossiers overdue at ``as_of`` (default now), longest overdue first, at most ``limit``.

    The number of them all is ``compute(...).overall.overdue`` for the same moment.
    """
    as_of = as_of or clock.now()
    minutes_between = desk.calendar.working_minutes_between
    out = []
    for r in iq.overdue_rows(desk.db, _iso(as_of), limit):
        due = datetime.fromisoformat(r["due_at"])
        out.append(
            OverdueDossier(
                code=r["code"],
                procedure_code=r["procedure_code"],
                procedure_name=r["procedure_name"],
                applicant=r["applicant_name"],
                clerk=r["clerk"],
                desk_no=r["desk_no"],
                received_at=datetime.fromisoformat(r["received_at"]),
                due_at=due,
                overdue_minutes=minutes_between(due, as_of),
            )
        )
    return out


def percent(value: float | None, *, digits: int = 1, none: str = "—") -> str:
    """ "96,5 %" (Vietnamese decimal comma), or ``none`` for an undefined rate."""
    if value is None:
        return none
    return f"{value * 100:.{digits}f}".replace(".", ",") + " %"
