"""The end-of-day report: the indicators of a period, the overdue dossiers and, at a hub, the desks.

:func:`day_report` gathers everything the report shows (the PDF is drawn by
``printing.report``, the CSV by :func:`report_csv`, the JSON by
:meth:`DayReport.to_json`). A home holding other desks' events is a hub: its
report adds one line per desk and the reconciliation of what each desk issued
(its event seq numbers) against what arrived, naming the missing seq ranges.
At a hub on PostgreSQL the figures are still the home's own (``report.home_only``,
:mod:`desk.reports.scope`), and the report says so.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from db import queries
from db.indicator_queries import guidance_count
from desk import clock
from desk.models import Agency
from desk.reports.indicators import (
    TARGETS,
    Figures,
    Group,
    Indicators,
    OverdueDossier,
    compute,
    desk_label,
    overdue_dossiers,
)
from desk.reports.scope import home_only
from desk.rules.problems import Problem
from desk.rules.spreadsheet import safe_row
from desk.sync.ingest import Gap
from desk.sync.status import hub_status

OVERDUE_FETCHED = 60
"""At most this many overdue dossiers are listed (a page holds fewer; the rest are counted)."""


@dataclass(frozen=True)
class DeskSync:
    """What one desk issued and what arrived at this home (the hub's reconciliation)."""

    desk_id: str
    agency_code: str
    desk_no: int | None
    events: int
    """Events of the desk at this home."""
    last_seq: int | None
    """The highest seq arrived: the desk issued 1…last_seq as far as this home can tell."""
    gaps: tuple[Gap, ...] = ()
    """Seq ranges below ``last_seq`` that have not arrived."""
    last_seen: str = ""

    @property
    def missing(self) -> int:
        return sum(g.last_seq - g.first_seq + 1 for g in self.gaps)

    @property
    def complete(self) -> bool:
        return not self.gaps

    def missing_ranges(self) -> str:
        """ "3–4, 9" (empty when nothing is missing)."""
        return ", ".join(
            str(g.first_seq) if g.first_seq == g.last_seq else f"{g.first_seq}–{g.last_seq}" for g in self.gaps
        )

    def to_json(self) -> dict:
        return {
            "desk_id": self.desk_id,
            "agency_code": self.agency_code,
            "desk_no": self.desk_no,
            "events": self.events,
            "last_seq": self.last_seq,
            "missing_events": self.missing,
            "missing_ranges": [[g.first_seq, g.last_seq] for g in self.gaps],
            "last_seen": self.last_seen,
        }


@dataclass
class DeskLine:
    """One desk of a hub report: its figures and its reconciliation."""

    label: str
    agency_code: str
    desk_no: int | None
    figures: Figures
    sync: DeskSync | None = None


@dataclass(frozen=True)
class CatchUp:
    """A dossier entered after it was received: both times and why (``desk intake --catch-up``)."""

    code: str
    claimed_at: datetime
    entered_at: datetime
    reason: str

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "claimed_at": clock.iso(self.claimed_at),
            "entered_at": clock.iso(self.entered_at),
            "reason": self.reason,
        }


@dataclass
class DayReport:
    """Everything the end-of-day report shows."""

    agency: Agency
    clerk: str
    """Who makes the report (the desk's clerk)."""
    made_at: datetime
    indicators: Indicators
    overdue: list[OverdueDossier]
    """The longest overdue first, at most :data:`OVERDUE_FETCHED`; ``indicators.overall.overdue`` counts them all."""
    hub: bool = False
    desks: list[DeskLine] = field(default_factory=list)
    """Hub only: one line per desk (those with dossiers in the period or events at this home)."""
    targets: dict[str, float] = field(default_factory=lambda: dict(TARGETS))
    catch_ups: list[CatchUp] = field(default_factory=list)
    """Dossiers received or entered in the period that were entered after they were received (catch-ups)."""
    guidance: int = 0
    """Dossiers not taken in for lack of a required component: the guidance (Mẫu 02) given in the period."""
    warnings: list[Problem] = field(default_factory=list)
    """What the reader must know of the figures (``report.home_only``: a PostgreSQL hub, :mod:`desk.reports.scope`)."""

    @property
    def gaps(self) -> list[Gap]:
        return [g for d in self.desks if d.sync for g in d.sync.gaps]

    @property
    def overdue_not_listed(self) -> int:
        return max(0, self.indicators.overall.overdue - len(self.overdue))

    def to_json(self) -> dict:
        return {
            "agency": {"code": self.agency.code, "name": self.agency.name, "desk_no": self.agency.desk_no},
            "clerk": self.clerk,
            "made_at": clock.iso(self.made_at),
            "hub": self.hub,
            "indicators": self.indicators.to_json(),
            "overdue": [
                {
                    "code": o.code,
                    "procedure_code": o.procedure_code,
                    "procedure_name": o.procedure_name,
                    "applicant": o.applicant,
                    "desk_no": o.desk_no,
                    "received_at": clock.iso(o.received_at),
                    "due_at": clock.iso(o.due_at),
                    "overdue_minutes": o.overdue_minutes,
                }
                for o in self.overdue
            ],
            "overdue_total": self.indicators.overall.overdue,
            "guidance_issued": self.guidance,
            "desks": [
                {
                    "label": d.label,
                    "agency_code": d.agency_code,
                    "desk_no": d.desk_no,
                    "figures": d.figures.to_json(),
                    "sync": d.sync.to_json() if d.sync else None,
                }
                for d in self.desks
            ],
            "gaps": [g.to_json() | {"problem": g.problem().as_json()} for g in self.gaps],
            "catch_ups": [c.to_json() for c in self.catch_ups],
            "warnings": [w.as_json() for w in self.warnings],
        }


def reconciliation(desk) -> list[DeskSync]:
    """Every other desk whose events reached this home: what it issued, what arrived, what is missing."""
    status = hub_status(desk)
    gaps: dict[str, list[Gap]] = {}
    for g in status.gaps:
        gaps.setdefault(g.desk_id, []).append(g)
    return [
        DeskSync(
            d.desk_id,
            d.agency_code,
            d.desk_no,
            d.events,
            d.last_seq,
            tuple(sorted(gaps.get(d.desk_id, ()), key=lambda g: g.first_seq)),
            d.last_seen,
        )
        for d in status.desks
        if d.desk_id != desk.desk_id
    ]


def day_report(
    desk, date_from: date | None = None, date_to: date | None = None, *, now: datetime | None = None
) -> DayReport:
    """The report of ``date_from``…``date_to`` (default: today), as of now."""
    now = now or clock.now()
    date_from = date_from or now.date()
    indicators = compute(desk, date_from, date_to, now=now)
    overdue = overdue_dossiers(desk, indicators.as_of, limit=OVERDUE_FETCHED)
    syncs = reconciliation(desk)
    report = DayReport(desk.settings.agency, desk.clerk, now, indicators, overdue, hub=bool(syncs))
    scope = home_only(desk)
    if scope is not None:
        report.warnings.append(scope)
    report.catch_ups = catch_ups_in(desk, indicators.date_from, indicators.date_to)
    start, end = (t.isoformat(timespec="seconds") for t in (indicators.start, indicators.end))
    report.guidance = guidance_count(desk.db, start, end)
    if report.hub:
        report.desks = _desk_lines(desk, indicators.by_desk, syncs)
    return report


def catch_ups_in(desk, date_from: date, date_to: date) -> list[CatchUp]:
    """The catch-ups claimed or entered from ``date_from`` to ``date_to`` (inclusive), oldest claim first."""
    found = [
        CatchUp(
            r["code"], datetime.fromisoformat(r["claimed_at"]), datetime.fromisoformat(r["entered_at"]), r["reason"]
        )
        for r in queries.catch_ups(desk.db, between=(date_from.isoformat(), date_to.isoformat()))
    ]
    return sorted(found, key=lambda c: (c.claimed_at, c.code))


def _desk_lines(desk, groups: list[Group], syncs: list[DeskSync]) -> list[DeskLine]:
    by_key: dict[tuple[str, int | None], DeskLine] = {}
    agencies = {g.agency_code for g in groups} | {s.agency_code for s in syncs}
    several = len(agencies) > 1
    for g in groups:
        by_key[(g.agency_code, g.desk_no)] = DeskLine(g.label, g.agency_code, g.desk_no, g.figures)
    for s in syncs:
        line = by_key.get((s.agency_code, s.desk_no))
        if line is None:
            label = desk_label(s.desk_no, s.agency_code, with_agency=several) if s.desk_no is not None else s.desk_id
            line = by_key[(s.agency_code, s.desk_no)] = DeskLine(label, s.agency_code, s.desk_no, Figures())
        line.sync = s
    return sorted(by_key.values(), key=lambda d: (d.agency_code, d.desk_no if d.desk_no is not None else -1))


# --- CSV -------------------------------------------------------------------------------------

SCOPES = {"overall": "Tổng hợp", "desk": "Quầy", "clerk": "Cán bộ", "procedure": "Thủ tục"}


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}"


def _hours(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


# (header, value of (figures, sync)); the meaning of every column is in docs/indicators.md
CSV_COLUMNS: tuple[tuple[str, Callable[[Figures, DeskSync | None], object]], ...] = (
    ("Tiếp nhận", lambda f, s: f.received),
    ("Từ chối", lambda f, s: f.refused),
    ("Rút hồ sơ", lambda f, s: f.withdrawn),
    ("Dừng xử lý", lambda f, s: f.stopped),
    ("Có kết quả", lambda f, s: f.finished),
    ("Đúng hạn", lambda f, s: f.finished_on_time),
    ("Trễ hạn", lambda f, s: f.finished_late),
    ("Tỷ lệ đúng hạn (%)", lambda f, s: _pct(f.on_time_rate)),
    ("Thời gian xử lý TB (giờ làm việc)", lambda f, s: _hours(f.avg_processing_hours)),
    ("Đã trả kết quả", lambda f, s: f.returned),
    ("Rất hài lòng", lambda f, s: f.very_satisfied),
    ("Hài lòng", lambda f, s: f.satisfied),
    ("Không hài lòng", lambda f, s: f.dissatisfied),
    ("Tỷ lệ phản ánh (%)", lambda f, s: _pct(f.complaint_rate)),
    ("Mức độ hài lòng (%)", lambda f, s: _pct(f.satisfaction_rate)),
    ("Có số hóa", lambda f, s: f.digitised),
    ("Tỷ lệ số hóa (%)", lambda f, s: _pct(f.digitisation_rate)),
    ("Có tái sử dụng", lambda f, s: f.reused),
    ("Tỷ lệ tái sử dụng (%)", lambda f, s: _pct(f.reuse_rate)),
    ("Đã đồng bộ", lambda f, s: f.synced),
    ("Tỷ lệ đồng bộ (%)", lambda f, s: _pct(f.sync_rate)),
    ("Đang giải quyết", lambda f, s: f.in_progress),
    ("Quá hạn", lambda f, s: f.overdue),
    ("Chờ trả kết quả", lambda f, s: f.awaiting_return),
    ("Sự kiện đã nhận", lambda f, s: "" if s is None else s.events),
    ("Seq cao nhất", lambda f, s: "" if s is None or s.last_seq is None else s.last_seq),
    ("Seq còn thiếu", lambda f, s: "" if s is None else s.missing_ranges()),
)
CSV_HEADER = ("Phạm vi", "Mã", "Tên", "Từ ngày", "Đến ngày", *(h for h, _ in CSV_COLUMNS))


def report_csv(report: DayReport) -> bytes:
    """The report's figures as CSV: UTF-8 with a BOM (Excel), one row per scope, decimal points.

    Rows: the overall figures, then one per desk (with the reconciliation at a
    hub), per clerk and per procedure.
    """
    ind = report.indicators
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_HEADER)
    period = (ind.date_from.isoformat(), ind.date_to.isoformat())

    def row(scope: str, key: str, label: str, figures: Figures, sync: DeskSync | None = None) -> None:
        w.writerow(safe_row([SCOPES[scope], key, label, *period, *(get(figures, sync) for _, get in CSV_COLUMNS)]))

    row("overall", "", report.agency.name, ind.overall)
    if report.hub:
        for d in report.desks:
            key = f"{d.agency_code}/{d.desk_no}" if d.desk_no is not None else (d.sync.desk_id if d.sync else "")
            row("desk", key, d.label, d.figures, d.sync)
    else:
        for g in ind.by_desk:
            row("desk", g.key, g.label, g.figures)
    for g in ind.by_clerk:
        row("clerk", g.key, g.label, g.figures)
    for g in ind.by_procedure:
        row("procedure", g.key, g.label, g.figures)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
