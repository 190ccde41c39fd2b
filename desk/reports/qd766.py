"""QĐ 766 as the national portal computes it: the one module of its formulas (DOMAIN.md, docs/indicators.md).

For the period [date_from 00:00, date_to + 1 day 00:00) and its moment ``as_of``
(the period's end, or now if earlier), per desk, receiving clerk and procedure:

- population of 2.1 and 5.4 ("received or processed in the period") = dossiers
  finished in the period + dossiers still in progress at ``as_of``. A dossier
  refused at the counter was never received (TrangThaiHoSo 3) and is not counted.
- **2.1 on time** = (finished on time + in progress within their time) ÷ population.
  Finish time: the result recorded, else returned, else withdrawn or stopped;
  on time when it is by the due time (already moved by every supplement pause),
  and at most one supplement request was made. In progress within time: at
  most one request, and the due time not passed at ``as_of`` (a dossier waiting
  on its request counts at the request time).
- **5.4 satisfaction** = 100 % − (late rate + "Không hài lòng" ÷ population),
  late rate = 100 % − 2.1.
- **4.2 digitisation** = accepted dossiers with a signed scan of a component
  and, for a procedure with a paper result, an electronic result ÷ accepted.
- **4.3 reuse**, **4.4 data store**, **4.5 population data** = accepted
  dossiers with a component reused (from a data store or another dossier's
  result) / reused from a data store / reused from the population database or
  received through VNeID ÷ accepted.
- **4.1 electronic results** = results recorded with an electronic result ÷ results recorded.
- **1.4 sync** = accepted dossiers synced ÷ accepted. At a hub, synced = acknowledged by the portal
  (``db.indicator_sums.SYNCED_MEANS``, a running sum); at a desk, which cannot know the portal, synced =
  sent to the hub (``DESK_SYNCED_MEANS``: no event waiting to be exported or pushed).
- **3.6 online payment** = fee-bearing accepted dossiers paid online ÷ fee-bearing ones.

Received and finished counts come from running sums per day (``db.indicator_sums``; at a hub on
PostgreSQL ``db.pg.indicator_sums``, the same sums in its database), the in-progress ones (and a
desk's unsynced ones) through indexes: a year of a million dossiers is a few thousand rows. Rates are fractions or None when their denominator is 0.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from typing import Any

from db import indicator_sums as sums
from desk import clock
from desk.catalog.store import list_procedures
from desk.reports.indicators import UNKNOWN_CLERK, bounds, desk_label

INDICATORS = ("1.4", "2.1", "3.6", "4.1", "4.2", "4.3", "4.4", "4.5", "5.4")
NAMES = {
    "1.4": "synced (portal acknowledged)",
    "2.1": "on time",
    "3.6": "paid online",
    "4.1": "electronic results",
    "4.2": "digitised",
    "4.3": "reused",
    "4.4": "from the data store",
    "4.5": "population data / VNeID",
    "5.4": "satisfaction",
}
"""English names of the indicators (the CLI); 1.4 says what "synced" means at a hub (see :func:`name`)."""
DESK_SYNC_NAME = "synced (sent to the hub)"
"""1.4 at a desk: the desk cannot know the portal; it counts what it has sent to its hub."""


def name(indicator: str, synced_means: str = sums.SYNCED_MEANS) -> str:
    """The indicator's English name; 1.4's says what synced means where the report was made."""
    if indicator == "1.4" and synced_means != sums.SYNCED_MEANS:
        return DESK_SYNC_NAME
    return NAMES[indicator]


TARGET_SETTINGS = {
    "2.1": "target_on_time",
    "5.4": "target_satisfaction",
    "4.2": "target_digitisation",
    "4.1": "target_results",
    "4.3": "target_reuse",
    "3.6": "target_online_payment",
}
"""Which setting (``targets.*`` of desk.toml) holds an indicator's target, in percent."""
STRICT = frozenset({"2.1"})
"""Targets a figure must be above (on time "above 96 %"); the others are met at the target."""


@dataclass
class Counts:
    accepted: int = 0
    digitised: int = 0
    reused: int = 0
    data_store: int = 0
    vneid: int = 0
    fee_bearing: int = 0
    paid_online: int = 0
    finished: int = 0
    on_time: int = 0
    dissatisfied: int = 0
    results: int = 0
    e_results: int = 0
    open: int = 0
    """In progress at the report's moment."""
    open_within: int = 0
    """Of those, within their time."""
    unsynced: int = 0

    def add(self, row: dict) -> None:
        for f in fields(self):
            if f.name in row:
                setattr(self, f.name, getattr(self, f.name) + int(row[f.name] or 0))

    @property
    def population(self) -> int:
        """Dossiers received or processed in the period: finished in it, or in progress at its moment."""
        return self.finished + self.open

    @property
    def late(self) -> int:
        return self.population - self.on_time - self.open_within

    def rate(self, indicator: str) -> float | None:
        """The indicator's value as a fraction, None when its denominator is 0."""
        if indicator == "2.1":
            return _ratio(self.on_time + self.open_within, self.population)
        if indicator == "5.4":
            if not self.population:
                return None
            return max(0.0, 1.0 - (self.late + self.dissatisfied) / self.population)
        part, whole = {
            "1.4": (self.accepted - self.unsynced, self.accepted),
            "3.6": (self.paid_online, self.fee_bearing),
            "4.1": (self.e_results, self.results),
            "4.2": (self.digitised, self.accepted),
            "4.3": (self.reused, self.accepted),
            "4.4": (self.data_store, self.accepted),
            "4.5": (self.vneid, self.accepted),
        }[indicator]
        return _ratio(part, whole)

    def to_json(self) -> dict:
        out: dict = {f.name: getattr(self, f.name) for f in fields(self)}
        out["population"] = self.population
        out["late"] = self.late
        return out


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Group766:
    key: str
    label: str
    counts: Counts = field(default_factory=Counts)


@dataclass
class Report766:
    """The 766 figures of a period, overall and per desk, clerk and procedure, with the targets."""

    date_from: date
    date_to: date
    as_of: datetime
    targets: dict[str, float]
    """Indicator → target as a fraction."""
    overall: Counts
    by_desk: list[Group766]
    by_clerk: list[Group766]
    by_procedure: list[Group766]
    filters: dict[str, str] = field(default_factory=dict)
    synced_means: str = sums.SYNCED_MEANS
    """``sums.SYNCED_MEANS`` ("portal") at a hub, ``sums.DESK_SYNCED_MEANS`` ("hub") at a desk."""

    def meets(self, indicator: str, counts: Counts | None = None) -> bool | None:
        """Whether the figure meets its target (compared in hundredths of a percent, as printed)."""
        target = self.targets.get(indicator)
        value = (counts or self.overall).rate(indicator)
        if target is None or value is None:
            return None
        shown, goal = round(value * 10000), round(target * 10000)
        return shown > goal if indicator in STRICT else shown >= goal

    def to_json(self) -> dict:
        def figures(c: Counts) -> dict:
            return {
                "counts": c.to_json(),
                "rates": {i: c.rate(i) for i in INDICATORS},
                "meets": {i: self.meets(i, c) for i in INDICATORS},
            }

        def groups(gs: list[Group766]) -> list[dict]:
            return [{"key": g.key, "label": g.label, **figures(g.counts)} for g in gs]

        return {
            "view": "766",
            "date_from": self.date_from.isoformat(),
            "date_to": self.date_to.isoformat(),
            "as_of": clock.iso(self.as_of),
            "synced_means": self.synced_means,
            "filters": self.filters,
            "targets": self.targets,
            "overall": figures(self.overall),
            "by_desk": groups(self.by_desk),
            "by_clerk": groups(self.by_clerk),
            "by_procedure": groups(self.by_procedure),
        }


def targets(settings) -> dict[str, float]:
    """The province's targets (desk.toml ``targets.*``) as fractions."""
    return {i: getattr(settings, name) / 100 for i, name in TARGET_SETTINGS.items()}


def compute(
    desk,
    date_from: date,
    date_to: date | None = None,
    *,
    desk_no: int | None = None,
    agency: str = "",
    clerk: str | None = None,
    procedure: str | None = None,
    now: datetime | None = None,
) -> Report766:
    """The 766 figures of the days ``date_from`` to ``date_to`` (inclusive), optionally of one desk
    (``desk_no``, and ``agency`` at a hub of several agencies), clerk or procedure."""
    start, end, as_of = bounds(date_from, date_to, now=now)
    date_to = date_to or date_from
    where = {
        "desk": None if desk_no is None else (agency, desk_no),
        "clerk": clerk,
        "procedure": procedure,
    }
    hub = at_hub(desk)
    col = _Collector(_catalogue(desk), portal=hub)
    first_day, end_day = date_from.isoformat(), (date_to + timedelta(days=1)).isoformat()
    with sums_sources(desk) as sources:
        for q, db in sources:
            col.add(q.sum_groups(db, first_day, end_day, **where))
            if as_of > start:
                col.add(q.open_groups(db, _iso(as_of), **where))
            if not hub:
                col.add(q.unsynced_groups(db, _iso(start), _iso(end), **where))
    filters = {
        k: v for k, v in {"desk": desk_no, "agency": agency, "clerk": clerk, "procedure": procedure}.items() if v
    }
    return Report766(
        date_from,
        date_to,
        as_of,
        targets(desk.settings),
        col.overall,
        *col.result(),
        filters={k: str(v) for k, v in filters.items()},
        synced_means=sums.SYNCED_MEANS if hub else sums.DESK_SYNCED_MEANS,
    )


def at_hub(desk) -> bool:
    """Whether this home is a hub, which forwards to the portal: ``[hub] database`` set, push tokens, or
    events of another desk imported here. (A desk's registry holds its hub's key: not a sign.)"""
    s = desk.settings
    return bool(s.hub_database or s.hub_tokens) or sums.heard_from_others(desk.db, desk.desk_id)


@contextmanager
def sums_sources(desk) -> Iterator[list[tuple[Any, Any]]]:
    """Where the sums are: (module of the sums' queries, its handle) for the home's SQLite, and at a hub on
    PostgreSQL for its store too: the desks' dossiers are there, the hub's own counter's in the home
    (docs/hub.md); the two hold different dossiers, so their rows add up."""
    if not desk.settings.hub_database:
        yield [(sums, desk.db)]
        return
    from db.pg import indicator_sums as pg_sums
    from desk.sync.store import hub_store

    store = hub_store(desk)
    with store.reading() as handle:
        yield [(sums, desk.db), (pg_sums, handle)]


def _iso(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


@dataclass(frozen=True)
class _ProcedureFacts:
    name: str
    paper_result: bool
    fee: bool


def _catalogue(desk) -> dict[str, _ProcedureFacts]:
    """What the catalogue says of each procedure, applied to its sums when reporting.

    **Assumption** (DOMAIN.md names no catalogue field for it): a procedure "has a paper result" when the
    catalogue names its result (``result_name``); a procedure the catalogue does not know has one. A
    procedure is fee-bearing when the catalogue gives it a fee above 0 or a tariff; of one that is not,
    a dossier is fee-bearing when a fee above 0 was counted at intake.
    """
    return {
        p.code: _ProcedureFacts(p.name, bool(p.result_name), p.tariff is not None or any(f.amount > 0 for f in p.fees))
        for p in list_procedures(desk)
    }


def _apply_catalogue(row: dict, facts: _ProcedureFacts | None) -> dict:
    """A sums row with 4.2's digitised and 3.6's fee-bearing counts made by the procedure's catalogue facts."""
    if "scanned" not in row:
        return row
    paper = facts is None or facts.paper_result
    fee = facts is not None and facts.fee
    return {
        **row,
        "digitised": row["scanned_e"] if paper else row["scanned"],
        "fee_bearing": row["accepted"] if fee else row["counted_fee"],
    }


class _Collector:
    def __init__(self, catalogue: dict[str, _ProcedureFacts], *, portal: bool = False) -> None:
        self.catalogue = catalogue
        self.portal = portal
        """1.4 from the sums (acknowledged by the portal): unsynced = accepted − synced."""
        self.overall = Counts()
        self.desks: dict[tuple[str, int], Group766] = {}
        self.clerks: dict[str, Group766] = {}
        self.procedures: dict[str, Group766] = {}

    def add(self, rows: list[dict]) -> None:
        for r in rows:
            agency, desk_no, clerk, code = r["agency"], r["desk_no"], r["clerk"], r["procedure_code"]
            d = self.desks.get((agency, desk_no))
            if d is None:
                d = self.desks[(agency, desk_no)] = Group766(f"{agency}/{desk_no}", desk_label(desk_no))
            c = self.clerks.get(clerk)
            if c is None:
                c = self.clerks[clerk] = Group766(clerk, clerk or UNKNOWN_CLERK)
            p = self.procedures.get(code)
            facts = self.catalogue.get(code)
            if p is None:
                p = self.procedures[code] = Group766(code, facts.name if facts else code)
            r = _apply_catalogue(r, facts)
            if self.portal and "synced" in r:
                r = {**r, "unsynced": int(r["accepted"] or 0) - int(r["synced"] or 0)}
            for counts in (self.overall, d.counts, c.counts, p.counts):
                counts.add(r)

    def result(self) -> tuple[list[Group766], list[Group766], list[Group766]]:
        agencies = {a for a, _ in self.desks}
        if len(agencies) > 1:
            for (a, n), g in self.desks.items():
                g.label = desk_label(n, a, with_agency=True)
        by_size = lambda g: (-g.counts.population - g.counts.accepted, g.label)  # noqa: E731
        desks = [self.desks[k] for k in sorted(self.desks)]
        return desks, sorted(self.clerks.values(), key=by_size), sorted(self.procedures.values(), key=by_size)
