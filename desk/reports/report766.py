"""The supervisor's QĐ 766 report (issue 18 point 5): the portal's figures per desk, with each desk's gaps and
unsynced dossiers, and the dossiers 2.1 counts late and why.

:func:`supervisor_report` gathers it: the figures of ``desk.reports.qd766`` per desk (every desk the hub
holds: those with dossiers in the period and those whose events arrived here), each desk's reconciliation
(events arrived, missing seq ranges: ``desk.reports.day.reconciliation``), and the late list
(``db.indicator_late``, or ``db.pg.indicator_sums`` at a hub on PostgreSQL). The PDF is drawn by
``printing.report766`` through the renderer; the CSVs by :func:`desks_csv` and :func:`late_csv` (UTF-8 with
a BOM, so that Excel shows the Vietnamese). The late list holds exactly the dossiers 2.1 counts late:
its length is ``figures.overall.late``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from db import indicator_late, indicator_sums
from desk import clock
from desk.models import Agency
from desk.reports import qd766
from desk.reports.day import DeskSync, reconciliation
from desk.reports.indicators import desk_label
from desk.rules.spreadsheet import safe_row

REASONS_VI = {"past_due": "quá hạn", "supplements": "yêu cầu bổ sung quá 1 lần"}
"""Why 2.1 counts a dossier late (the rules of DOMAIN.md), in the PDF and the CSV."""
REASONS_EN = {"past_due": "past due", "supplements": "more than one supplement request"}
LATE_FETCHED = 200
"""At most this many late dossiers are gathered for the PDF and the CLI (the CSV lists them all)."""
CHART_INDICATORS = ("2.1", "4.2")
"""The bars of the PDF's chart per desk, each against its target."""


@dataclass(frozen=True)
class LateDossier:
    """A dossier 2.1 counts late, and the rule (or rules) that made it late."""

    code: str
    agency_code: str
    desk_no: int
    desk: str
    """The desk's label ("Quầy 2")."""
    procedure_code: str
    procedure_name: str
    received_at: datetime
    due_at: datetime | None
    finished_at: datetime | None
    """Its finish time (the portal's), None when still in progress at the report's moment."""
    supplements: int
    reasons: tuple[str, ...]
    """``past_due``, ``supplements`` (keys of :data:`REASONS_VI`)."""

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    def reasons_vi(self) -> str:
        return "; ".join(
            f"{REASONS_VI[r]} ({self.supplements} lần)" if r == "supplements" else REASONS_VI[r] for r in self.reasons
        )

    def reasons_en(self) -> str:
        return "; ".join(
            f"{REASONS_EN[r]} ({self.supplements})" if r == "supplements" else REASONS_EN[r] for r in self.reasons
        )

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "desk": self.desk,
            "agency_code": self.agency_code,
            "desk_no": self.desk_no,
            "procedure_code": self.procedure_code,
            "procedure_name": self.procedure_name,
            "received_at": clock.iso(self.received_at),
            "due_at": clock.iso(self.due_at) if self.due_at else None,
            "finished_at": clock.iso(self.finished_at) if self.finished_at else None,
            "state": "finished" if self.finished else "in_progress",
            "supplement_requests": self.supplements,
            "reasons": list(self.reasons),
        }


@dataclass
class DeskRow:
    """One desk: its 766 figures, its unsynced dossiers (``counts.unsynced``) and what arrived of it."""

    key: str
    label: str
    agency_code: str
    desk_no: int | None
    counts: qd766.Counts
    sync: DeskSync | None = None


@dataclass
class SupervisorReport:
    agency: Agency
    clerk: str
    made_at: datetime
    figures: qd766.Report766
    desks: list[DeskRow]
    late: list[LateDossier]
    """The late dossiers, by desk then due time; all of them when asked, else at most :data:`LATE_FETCHED`."""
    hub: bool = False
    names: dict[str, str] = field(default_factory=dict)
    """Indicator → English name (1.4's says what synced means here)."""

    @property
    def late_total(self) -> int:
        return self.figures.overall.late

    @property
    def late_not_listed(self) -> int:
        return max(0, self.late_total - len(self.late))

    def to_json(self) -> dict:
        figures = self.figures.to_json()
        by_desk = {g["key"]: g for g in figures["by_desk"]}
        return {
            "view": "766-desks",
            "agency": {"code": self.agency.code, "name": self.agency.name},
            "made_at": clock.iso(self.made_at),
            "hub": self.hub,
            "date_from": figures["date_from"],
            "date_to": figures["date_to"],
            "as_of": figures["as_of"],
            "synced_means": figures["synced_means"],
            "targets": figures["targets"],
            "overall": figures["overall"],
            "desks": [
                {
                    "key": d.key,
                    "label": d.label,
                    **{k: v for k, v in by_desk.get(d.key, _empty(self.figures)).items() if k not in ("key", "label")},
                    "sync": d.sync.to_json() if d.sync else None,
                }
                for d in self.desks
            ],
            "late_total": self.late_total,
            "late": [x.to_json() for x in self.late],
        }


def _empty(report: qd766.Report766) -> dict:
    c = qd766.Counts()
    return {
        "counts": c.to_json(),
        "rates": {i: None for i in qd766.INDICATORS},
        "meets": {i: report.meets(i, c) for i in qd766.INDICATORS},
    }


def supervisor_report(
    desk,
    date_from: date,
    date_to: date | None = None,
    *,
    desk_no: int | None = None,
    agency: str = "",
    all_late: bool = False,
    now: datetime | None = None,
) -> SupervisorReport:
    """The report of the days ``date_from`` to ``date_to`` (inclusive), of every desk or of one."""
    now = now or clock.now()
    figures = qd766.compute(desk, date_from, date_to, desk_no=desk_no, agency=agency, now=now)
    syncs = [s for s in reconciliation(desk) if desk_no is None or (s.desk_no, s.agency_code) == (desk_no, agency)]
    hub = qd766.at_hub(desk)
    desks = _desk_rows(figures, syncs)
    labels = {(d.agency_code, d.desk_no): d.label for d in desks}
    late = late_dossiers(
        desk, figures, labels, desk_no=desk_no, agency=agency, limit=None if all_late else LATE_FETCHED
    )
    return SupervisorReport(
        desk.settings.agency,
        desk.clerk,
        now,
        figures,
        desks,
        late,
        hub=hub,
        names={i: qd766.name(i, figures.synced_means) for i in qd766.INDICATORS},
    )


def _desk_rows(figures: qd766.Report766, syncs: list[DeskSync]) -> list[DeskRow]:
    rows: dict[tuple[str, int | None], DeskRow] = {}
    several = len({g.key.rpartition("/")[0] for g in figures.by_desk} | {s.agency_code for s in syncs}) > 1
    for g in figures.by_desk:
        agency, _, number = g.key.rpartition("/")
        n = int(number)
        rows[(agency, n)] = DeskRow(g.key, desk_label(n, agency, with_agency=several), agency, n, g.counts)
    for s in syncs:
        row = rows.get((s.agency_code, s.desk_no))
        if row is None:
            label = desk_label(s.desk_no, s.agency_code, with_agency=several) if s.desk_no is not None else s.desk_id
            key = f"{s.agency_code}/{s.desk_no}" if s.desk_no is not None else s.desk_id
            row = rows[(s.agency_code, s.desk_no)] = DeskRow(key, label, s.agency_code, s.desk_no, qd766.Counts())
        row.sync = s
    return sorted(rows.values(), key=lambda d: (d.agency_code, d.desk_no if d.desk_no is not None else -1))


def late_dossiers(
    desk,
    figures: qd766.Report766,
    labels: dict[tuple[str, int | None], str],
    *,
    desk_no: int | None = None,
    agency: str = "",
    limit: int | None = None,
) -> list[LateDossier]:
    """The dossiers 2.1 counts late in the report's period (``figures``), each with why."""
    start = datetime.combine(figures.date_from, datetime.min.time())
    first_day, end_day = figures.date_from.isoformat(), (figures.date_to + timedelta(days=1)).isoformat()
    as_of = figures.as_of.isoformat(timespec="seconds") if figures.as_of > start else None
    where = None if desk_no is None else (agency, desk_no)
    rows: list[dict] = []
    with qd766.sums_sources(desk) as sources:
        for q, db in sources:  # at a PostgreSQL hub: the hub's own counter's (home), then the desks' (store)
            find = indicator_late.late_dossiers if q is indicator_sums else q.late_dossiers
            rows += find(db, first_day, end_day, as_of, desk=where, limit=limit)
    if len(sources) > 1:
        rows.sort(key=lambda r: (r["agency"], r["desk_no"], r["due_at"] or "", r["code"]))
        rows = rows[:limit] if limit is not None else rows
    return [_late(r, labels) for r in rows]


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _late(r: dict, labels: dict[tuple[str, int | None], str]) -> LateDossier:
    reasons = tuple(
        name for name, on in (("past_due", bool(r["past_due"])), ("supplements", int(r["supplements"]) > 1)) if on
    )
    received = _time(r["received_at"])
    assert received is not None
    return LateDossier(
        r["code"],
        r["agency"],
        r["desk_no"],
        labels.get((r["agency"], r["desk_no"]), desk_label(r["desk_no"])),
        r["procedure_code"],
        r["procedure_name"],
        received,
        _time(r["due_at"]),
        _time(r["finished_at"]),
        int(r["supplements"]),
        reasons,
    )


# --- CSV -------------------------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.2f}"


def _rate_of(indicator: str) -> Callable[[qd766.Counts, DeskSync | None], object]:
    return lambda c, s: _pct(c.rate(indicator))


DESK_COLUMNS: tuple[tuple[str, Callable[[qd766.Counts, DeskSync | None], object]], ...] = (
    ("Tiếp nhận", lambda c, s: c.accepted),
    ("Đã xử lý xong", lambda c, s: c.finished),
    ("Đang giải quyết", lambda c, s: c.open),
    ("Trong hạn", lambda c, s: c.open_within),
    ("Trễ hạn", lambda c, s: c.late),
    *((f"{i} (%)", _rate_of(i)) for i in qd766.INDICATORS),
    ("Chưa đồng bộ", lambda c, s: c.unsynced),
    ("Sự kiện đã nhận", lambda c, s: "" if s is None else s.events),
    ("Seq cao nhất", lambda c, s: "" if s is None or s.last_seq is None else s.last_seq),
    ("Seq còn thiếu", lambda c, s: "" if s is None else s.missing_ranges()),
)
DESK_HEADER = ("Phạm vi", "Mã", "Quầy", "Từ ngày", "Đến ngày", *(h for h, _ in DESK_COLUMNS))
"""Columns of the desks' CSV; "Chưa đồng bộ" counts the accepted dossiers not synced (1.4: at a hub, not
acknowledged by the portal), "Seq còn thiếu" the desk's events that have not arrived."""


def _csv(header: tuple[str, ...], rows: Sequence[Sequence[object]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for row in rows:
        w.writerow(safe_row(row))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def desks_csv(report: SupervisorReport) -> bytes:
    """One row per desk, then the total ("Tổng hợp"): the 766 figures in percent, decimal points."""
    f = report.figures
    period = [f.date_from.isoformat(), f.date_to.isoformat()]
    rows = [
        ["Quầy", d.key, d.label, *period, *(get(d.counts, d.sync) for _, get in DESK_COLUMNS)] for d in report.desks
    ]
    rows.append(["Tổng hợp", "", report.agency.name, *period, *(get(f.overall, None) for _, get in DESK_COLUMNS)])
    return _csv(DESK_HEADER, rows)


LATE_HEADER = (
    "Mã hồ sơ",
    "Quầy",
    "Mã thủ tục",
    "Thủ tục",
    "Ngày tiếp nhận",
    "Hạn trả",
    "Tình trạng",
    "Ngày xử lý xong",
    "Số lần yêu cầu bổ sung",
    "Lý do trễ hạn",
)


def late_csv(report: SupervisorReport) -> bytes:
    """The late dossiers, one a row, with the rule that made each late."""
    rows = [
        [
            x.code,
            x.desk,
            x.procedure_code,
            x.procedure_name,
            clock.iso(x.received_at),
            clock.iso(x.due_at) if x.due_at else "",
            "Đã xử lý xong" if x.finished else "Đang giải quyết",
            clock.iso(x.finished_at) if x.finished_at else "",
            x.supplements,
            x.reasons_vi(),
        ]
        for x in report.late
    ]
    return _csv(LATE_HEADER, rows)
