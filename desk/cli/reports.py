"""Report commands: ``desk report day`` (PDF or CSV), ``desk report indicators`` (QĐ 766, or the desk view)
and ``desk report register`` (Mẫu 07)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from desk.cli.base import add_command, emit_json, open_from_args, say, warn
from desk.cli.printing import print_exit_code
from desk.cli.wording import describe
from desk.errors import InvalidInput

FORMATS = (".pdf", ".csv")


def _day(text: str | None, what: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput("cli.date_format", field=what, value=text) from None


def _summary(report) -> list[str]:
    from desk.reports.indicators import percent

    f = report.indicators.overall
    hours = f.avg_processing_hours
    lines = [
        f"received {f.received}, refused {f.refused}, withdrawn {f.withdrawn}, stopped {f.stopped}; "
        f"results {f.finished} ({f.finished_on_time} on time), returned {f.returned}; "
        f"in progress {f.in_progress}, overdue {f.overdue}, awaiting return {f.awaiting_return}; "
        f"not taken in, guided (Mẫu 02) {report.guidance}",
        f"on time {percent(f.on_time_rate)} · processing {'—' if hours is None else f'{hours:.1f} h'} · "
        f"digitised {percent(f.digitisation_rate)} · reused {percent(f.reuse_rate)} · "
        f"synced {percent(f.sync_rate)} · satisfaction {percent(f.satisfaction_rate)}",
    ]
    for d in report.desks:
        s = d.sync
        if s is not None:
            missing = f", missing {s.missing_ranges()}" if s.gaps else ""
            lines.append(f"{d.label}: {s.events} events up to seq {s.last_seq}{missing}")
    return lines


def cmd_report_day(args) -> int:
    from desk.reports.day import day_report, report_csv

    out = Path(args.out).expanduser() if args.out else None
    suffix = out.suffix.lower() if out else ".pdf"
    if suffix not in FORMATS:
        raise InvalidInput("report.out_suffix", field="out", path=args.out)
    first = _day(args.date, "date")
    last = _day(args.to, "to")
    if last is not None and first is None:
        raise InvalidInput("report.to_needs_date", field="to")
    desk = open_from_args(args)
    report = day_report(desk, first, last)  # checks the order of the dates
    if out is not None and suffix == ".csv":
        from desk.dossier.documents import write_document

        write_document(out, report_csv(report))  # atomic and owner-only, whatever the content
        ok, sent, message, path, not_printed = True, False, f"written to {out}", out, False
    else:
        import printing
        from desk.dossier.documents import print_report

        result = print_report(
            desk,
            report,
            renderer=printing.RENDERER,
            sender=printing.send_to_printer,
            out=out,
            printer=args.printer,
            language="en",
        )
        ok, sent, message, path, not_printed = result.ok, result.sent, result.message, result.path, result.not_printed
    if args.json:
        figures = report.to_json()
        for gap, entry in zip(report.gaps, figures["gaps"], strict=True):
            entry["text"] = describe(gap.problem())
        for problem, entry in zip(report.warnings, figures["warnings"], strict=True):
            entry["text"] = describe(problem)
        emit_json(
            {
                "ok": ok,
                "path": str(path),
                "format": suffix[1:],
                "sent": sent,
                "message": message,
                "report": figures,
            }
        )
    else:
        for line in _summary(report):
            say(line)
        (say if ok else warn)(message)
        if not ok:
            say(f"the PDF is kept at {path}; print it from there or repeat the command")
    if not args.json:
        for g in report.gaps:
            warn(describe(g.problem()))
        for problem in report.warnings:  # a PostgreSQL hub: the figures are this home's only
            warn(describe(problem))
    return print_exit_code(ok, not_printed)


def _desk_filter(text: str | None) -> tuple[str, int | None]:
    """``--desk``: "2", or "AGENCY/2" at a hub of several agencies."""
    if text is None:
        return "", None
    agency, _, number = text.strip().rpartition("/")
    if not number.isdigit() or int(number) > 9:
        raise InvalidInput("report.filter_desk", field="desk", value=text)
    return agency.strip(), int(number)


def cmd_report_indicators(args) -> int:
    """The QĐ 766 table as the portal computes it (default), or the desk view (``--view desk``)."""
    from desk.reports import indicators, qd766

    first = _day(args.date_from, "from")
    last = _day(args.to, "to")
    if last is not None and first is None:
        raise InvalidInput("report.to_needs_date", field="to")
    agency, desk_no = _desk_filter(args.desk)
    desk = open_from_args(args)
    first = first or desk_today()
    if args.view == "desk":
        from desk.reports.scope import home_only

        ind = indicators.compute(desk, first, last)  # checks the order of the dates
        scope = home_only(desk)  # a PostgreSQL hub: the desk view still counts the home's dossiers only
        if args.json:
            warnings = [] if scope is None else [{**scope.as_json(), "text": describe(scope)}]
            emit_json({"view": "desk", **ind.to_json(), "warnings": warnings})
        else:
            say(f"desk view (the desk's own formulas, docs/indicators.md), {ind.date_from} to {ind.date_to}")
            f = ind.overall
            say(
                f"on time {indicators.percent(f.on_time_rate)} · digitised {indicators.percent(f.digitisation_rate)}"
                f" · reused {indicators.percent(f.reuse_rate)} · synced {indicators.percent(f.sync_rate)}"
                f" · satisfaction {indicators.percent(f.satisfaction_rate)}"
            )
            if scope is not None:
                warn(describe(scope))
        return 0
    report = qd766.compute(
        desk, first, last, desk_no=desk_no, agency=agency, clerk=args.clerk, procedure=args.procedure
    )
    if args.json:
        emit_json(report.to_json())
        return 0
    for line in table_766(report):
        say(line)
    return 0


def cmd_report_766(args) -> int:
    """The supervisor's QĐ 766 report per desk: a table on the terminal, PDF or CSV (``--out``), the late
    dossiers and why (``--late``, ``--late-out FILE.csv``)."""
    from desk.dossier.documents import write_document
    from desk.reports import report766

    out = Path(args.out).expanduser() if args.out else None
    if out is not None and out.suffix.lower() not in FORMATS:
        raise InvalidInput("report.out_suffix", field="out", path=args.out)
    late_out = Path(args.late_out).expanduser() if args.late_out else None
    if late_out is not None and late_out.suffix.lower() != ".csv":
        raise InvalidInput("report.out_suffix", field="late-out", path=args.late_out)
    first = _day(args.date_from, "from")
    last = _day(args.to, "to")
    if last is not None and first is None:
        raise InvalidInput("report.to_needs_date", field="to")
    agency, desk_no = _desk_filter(args.desk)
    desk = open_from_args(args)
    report = report766.supervisor_report(
        desk,
        first or desk_today(),
        last,
        desk_no=desk_no,
        agency=agency,
        all_late=bool(args.late or late_out or args.json),
    )
    written: list[str] = []
    if out is not None:
        if out.suffix.lower() == ".csv":
            data = report766.desks_csv(report)
        else:
            import printing
            from desk.dossier.documents import qd766_report_pdf

            data = qd766_report_pdf(desk, report, renderer=printing.RENDERER)
        write_document(out, data)
        written.append(str(out))
    if late_out is not None:
        write_document(late_out, report766.late_csv(report))
        written.append(str(late_out))
    if args.json:
        emit_json({**report.to_json(), "written": written})
        return 0
    for line in desks_table(report):
        say(line)
    if args.late:
        for x in report.late:
            state = f"finished {x.finished_at:%Y-%m-%d %H:%M}" if x.finished_at else "in progress"
            due = f"{x.due_at:%Y-%m-%d %H:%M}" if x.due_at else "—"
            say(f"  {x.code}  {x.desk}  {x.procedure_code} {x.procedure_name}  due {due}  {state}: {x.reasons_en()}")
    for path in written:
        say(f"written to {path}")
    return 0


def desks_table(report) -> list[str]:
    """The per-desk table as the CLI prints it: each desk's population, late, 2.1, 4.2, 5.4, 1.4, unsynced, gaps."""
    from desk.reports import qd766

    f = report.figures
    lines = [
        f"QĐ 766 per desk, {f.date_from} to {f.date_to} (as of {f.as_of:%Y-%m-%d %H:%M}); 1.4 = {report.names['1.4']}",
        f"{'desk':<12} {'received':>8} {'late':>5} {'2.1':>9} {'4.2':>9} {'5.4':>9} {'1.4':>9} {'unsynced':>8}  missing events",
    ]

    def pct(counts, i: str) -> str:
        v = counts.rate(i)
        return "—" if v is None else f"{v * 100:.2f} %"

    for d in [*report.desks, None]:
        counts = f.overall if d is None else d.counts
        label = "all" if d is None else d.label
        s = None if d is None else d.sync
        missing = "" if s is None else (s.missing_ranges() or "none")
        lines.append(
            f"{label:<12} {counts.accepted:>8} {counts.late:>5} {pct(counts, '2.1'):>9} {pct(counts, '4.2'):>9}"
            f" {pct(counts, '5.4'):>9} {pct(counts, '1.4'):>9} {counts.unsynced:>8}  {missing}".rstrip()
        )
    below = [i for i in qd766.INDICATORS if report.figures.meets(i) is False]
    if below:
        lines.append("below target: " + ", ".join(f"{i} {report.names[i]}" for i in below))
    n = report.late_total
    lines.append(f"{n} dossier{'' if n == 1 else 's'} counted late by 2.1" + (" (--late lists them)" if n else ""))
    return lines


def desk_today():
    from desk import clock

    return clock.now().date()


def _mark(meets: bool | None) -> str:
    return {True: "meets", False: "BELOW", None: ""}[meets]


def table_766(report) -> list[str]:
    """The 766 table as the CLI prints it: each indicator, its figure, its target and whether it is met."""
    from desk.reports import qd766

    c = report.overall
    only = ", ".join(f"{k} {v}" for k, v in report.filters.items())
    lines = [
        f"QĐ 766 as the portal computes it, {report.date_from} to {report.date_to} (as of {report.as_of:%Y-%m-%d %H:%M})"
        + (f"; only {only}" if only else ""),
        f"received {c.accepted}; finished {c.finished}, in progress {c.open} ({c.open_within} within their time);"
        f" late {c.late}; not synced {c.unsynced}",
    ]
    for i in qd766.INDICATORS:
        value = c.rate(i)
        target = report.targets.get(i)
        shown = "—" if value is None else f"{value * 100:.2f} %"
        goal = "" if target is None else f"{'>' if i in qd766.STRICT else '≥'} {target * 100:.0f} %"
        lines.append(
            f"  {i}  {qd766.name(i, report.synced_means):<28} {shown:>9}  {goal:<7} {_mark(report.meets(i))}".rstrip()
        )
    for title, groups in (("desk", report.by_desk), ("clerk", report.by_clerk), ("procedure", report.by_procedure)):
        if len(groups) < 2 and not report.filters:
            continue
        lines.append(f"by {title}: " + "; ".join(_group_line(report, g) for g in groups))
    return lines


def _group_line(report, g) -> str:
    def pct(i: str) -> str:
        v = g.counts.rate(i)
        return "—" if v is None else f"{v * 100:.2f} %"

    return f"{g.label}: 2.1 {pct('2.1')}, 4.2 {pct('4.2')}, 5.4 {pct('5.4')}"


def register(sub) -> None:
    from desk.cli.printing import cmd_print_register

    rp = sub.add_parser("report", help="end-of-day report and register book")
    rp_sub = rp.add_subparsers(dest="report_kind", metavar="KIND", required=True)
    sp = add_command(
        rp_sub,
        "day",
        "end-of-day report: indicators (QĐ 766/QĐ-TTg), charts, overdue dossiers; at a hub, every desk and "
        "the missing seq ranges. PDF (one A4 page) or CSV (UTF-8 with BOM), chosen by --out's suffix",
        cmd_report_day,
    )
    sp.add_argument("--date", metavar="YYYY-MM-DD", help="first day (default: today)")
    sp.add_argument("--to", metavar="YYYY-MM-DD", help="last day of a range (default: the first day)")
    sp.add_argument("--out", metavar="FILE", help="write FILE.pdf or FILE.csv; without it the PDF is printed")
    sp.add_argument("--printer", help="CUPS printer name (default: the home's setting)")
    sp = add_command(
        rp_sub,
        "indicators",
        "QĐ 766 indicators as the national portal computes them (1.4, 2.1, 3.6, 4.1–4.5, 5.4), each against "
        "the province's target (desk.toml [targets]); --view desk: the desk's own figures (docs/indicators.md)",
        cmd_report_indicators,
    )
    sp.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="first day (default: today)")
    sp.add_argument("--to", metavar="YYYY-MM-DD", help="last day (default: the first day)")
    sp.add_argument("--desk", metavar="N|AGENCY/N", help="only this desk")
    sp.add_argument("--clerk", metavar="NAME", help="only the dossiers this clerk received")
    sp.add_argument("--procedure", metavar="CODE", help="only this procedure")
    sp.add_argument("--view", choices=("766", "desk"), default="766", help="766 (default) or the desk view")
    sp = add_command(
        rp_sub,
        "766",
        "QĐ 766 per desk for the supervisor (at a hub: every desk it holds), with each desk's unsynced dossiers "
        "and missing events, and the dossiers 2.1 counts late and why. PDF (one A4 page, charts) or CSV "
        "(UTF-8 with BOM, one row per desk), chosen by --out's suffix; without --out a table",
        cmd_report_766,
    )
    sp.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="first day (default: today)")
    sp.add_argument("--to", metavar="YYYY-MM-DD", help="last day (default: the first day)")
    sp.add_argument("--desk", metavar="N|AGENCY/N", help="only this desk")
    sp.add_argument("--out", metavar="FILE", help="write FILE.pdf (one A4 page) or FILE.csv (one row per desk)")
    sp.add_argument("--late", action="store_true", help="list the dossiers counted late, with the rule of each")
    sp.add_argument("--late-out", metavar="FILE.csv", help="write the dossiers counted late as CSV")
    sp = add_command(
        rp_sub,
        "register",
        "Mẫu 07: the register book (Sổ theo dõi hồ sơ) for a day or a range",
        cmd_print_register,
    )
    sp.add_argument("--date", metavar="YYYY-MM-DD", help="first day (default: today)")
    sp.add_argument("--to", metavar="YYYY-MM-DD", help="last day (default: the first day)")
    sp.add_argument("--out", metavar="FILE", help="only write the PDF there; print nothing")
    sp.add_argument("--printer")


__all__ = ["cmd_report_766", "cmd_report_day", "cmd_report_indicators", "desks_table", "register", "table_766"]
