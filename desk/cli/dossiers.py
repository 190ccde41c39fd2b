"""Taking in and reading dossiers: intake, show, search."""

from __future__ import annotations

from collections.abc import Sequence

from desk.cli.base import add_command, emit_json, say, say_dossiers, warn
from desk.cli.base import fmt_dt as _fmt_dt
from desk.cli.base import open_from_args as _open
from desk.cli.wording import describe
from desk.errors import EXIT_OK, InvalidInput
from desk.rules.problems import fill


def _parse_components(values: Sequence[str] | None) -> frozenset[str]:
    return frozenset(v.strip() for item in values or () for v in item.split(",") if v.strip())


def _parse_reused(values: Sequence[str] | None) -> dict[str, str]:
    """``COMPONENT=SOURCE`` items (a data store such as VNeID, or another dossier's code)."""
    out: dict[str, str] = {}
    for item in values or ():
        code, sep, source = item.partition("=")
        if not sep or not code.strip() or not source.strip():
            raise InvalidInput("intake.reused_format", field="reused", value=item)
        out[code.strip()] = source.strip()
    return out


def cmd_intake(args) -> int:
    from desk import clock
    from desk.dossier.intake import ApplicantInput, IntakeRequest, applicant_from_scan, receive
    from desk.dossier.rows import dossier_json
    from desk.models import ApplicantKind, Channel

    desk = _open(args)
    if args.scan and args.kind != ApplicantKind.CITIZEN:
        raise InvalidInput("intake.scan_not_citizen", field="kind", applicant_kind=args.kind)
    if args.scan:
        applicant = applicant_from_scan(args.scan)
        # explicit flags win over the scanned card (e.g. a phone number)
        for name in ("name", "id_number", "birth_date", "sex", "phone", "email", "address"):
            value = getattr(args, name)
            if value:
                setattr(applicant, name, value)
    else:
        applicant = ApplicantInput(
            name=args.name,
            id_number=args.id_number or "",
            birth_date=args.birth_date,
            sex=args.sex or "",
            phone=args.phone or "",
            email=args.email or "",
            address=args.address or "",
        )
    applicant.kind = ApplicantKind(args.kind)
    request = IntakeRequest(
        procedure_code=args.procedure,
        applicant=applicant,
        received_at=clock.parse_local(args.received_at, "received-at") if args.received_at else None,
        not_received=_parse_components(args.missing),
        received=_parse_components(args.received),
        presented=_parse_components(args.presented),
        reused=_parse_reused(args.reused),
        channel=Channel(args.channel),
        sets=args.sets,
        notes=args.note or "",
        catch_up=args.catch_up,
        catch_up_reason=args.reason or "",
        pages=args.pages,
        copies=args.copies,
    )
    if args.catch_up and not args.received_at:
        raise InvalidInput("catch_up.needs_received_at", field="received_at")
    if args.reason and not args.catch_up:
        raise InvalidInput("catch_up.reason_alone", field="reason")
    dossier, warnings = receive(desk, request)
    for w in warnings:
        warn(describe(w))
    if args.json:
        emit_json(dossier_json(dossier))
    else:
        say(f"{dossier.code}  received {_fmt_dt(dossier.received_at)}  due {_fmt_dt(dossier.due_at)}")
        if dossier.fee_due is not None:
            say(_fee_line(dossier.fee_due))
        from desk.catalog.store import get_procedure

        if get_procedure(desk, dossier.procedure_code).immediate_result:
            say("the result is handed over at once: no receipt (Mẫu 01) is needed")
    return EXIT_OK


def _fee_line(fee) -> str:
    """ "fee due: 24.000 đ (2 copies of 12 pages)"."""
    amount = f"{fee.amount:,}".replace(",", ".") + " đ"
    what = fill("{copies:# copy|# copies}", {"copies": fee.copies})
    if fee.pages:
        what = fill("{copies:# copy|# copies} of {pages:# page|# pages}", {"copies": fee.copies, "pages": fee.pages})
    return f"fee due: {amount} ({what}{', capped' if fee.capped else ''})"


def _print_dossier(desk, d, events, *, held_results=None) -> None:
    from datetime import datetime

    from desk.dossier.query import is_overdue
    from desk.models import ApplicantKind

    a = d.applicant
    say(f"{d.code}  [{d.status.value}]{'  OVERDUE' if is_overdue(d) else ''}")
    say(f"  procedure : {d.procedure_code} {d.procedure_name}")
    kind = "" if a.kind is ApplicantKind.CITIZEN else f"  ({a.kind.value})"
    say(f"  applicant : {a.name}{kind}  {a.id_number}  {a.phone}")
    if a.address:
        say(f"  address   : {a.address}")
    say(f"  received  : {_fmt_dt(d.received_at)} by {d.clerk or '—'}")
    extended = [e for e in events if e.type == "dossier.extended"]
    if extended:
        # the apology letter's promise (Mẫu 04) is the appointment now; the first one as received
        before = extended[0].payload["details"]["due_before"]
        first = datetime.fromisoformat(before) if before else None
        say(f"  due       : {_fmt_dt(d.due_at)}  (extended by Mẫu 04; first {_fmt_dt(first)})")
    else:
        say(f"  due       : {_fmt_dt(d.due_at)}")
    say(f"  register  : book {d.register_book}, line {d.register_line}")
    if d.fee_due is not None:
        say(f"  {_fee_line(d.fee_due)}")
    say("  components:")
    for c in d.components:
        mark = "x" if c.received else " "
        say(f"   [{mark}] {c.code:<8} {c.name} ({c.form.label_vi}, {c.quantity}) — {c.digitisation.value}")
    from desk.dossier.verification import signature_lines

    for text in signature_lines(desk, d, held_results=held_results):
        say(text)
    say("  events:")
    for e in events:
        say(f"   {e.seq:>6} {e.at:%Y-%m-%d %H:%M} {e.type:<22} {e.clerk}")
    from desk.cli.sync import print_portal

    print_portal(desk, d.code)


def cmd_show(args) -> int:
    from desk.dossier.query import get, is_overdue, timeline
    from desk.dossier.rows import dossier_json
    from desk.sync.hub_search import held_dossier, held_results
    from desk.sync.status import portal_timeline

    desk = _open(args)
    held = held_dossier(desk, args.code)  # at a PostgreSQL hub, the desks' dossiers are in its store
    results = None  # from the home
    if held is None:
        d = get(desk, args.code)
        events = timeline(desk, d.code)
    else:
        d, events = held
        results = held_results(desk, d.id)  # and their results too
    if args.json:
        from desk.dossier.verification import files_json

        out = dossier_json(d)
        out["overdue"] = is_overdue(d)
        files_json(desk, d, out, held_results=results)
        out["portal"] = portal_timeline(desk, d.code)
        out["events"] = [
            {"seq": e.seq, "type": e.type, "at": e.at.isoformat(), "clerk": e.clerk, "synced": e.synced} for e in events
        ]
        emit_json(out)
    else:
        _print_dossier(desk, d, events, held_results=results)
    return EXIT_OK


def cmd_search(args) -> int:
    from desk.dossier.query import search

    desk = _open(args)
    found = search(desk, args.text, limit=args.limit)
    say_dossiers(found, as_json=args.json)
    return EXIT_OK


# --- parser -------------------------------------------------------------------


def register(sub) -> None:
    sp = add_command(
        sub,
        "intake",
        "receive a complete dossier: code, component lines and event in one transaction. A dossier lacking a "
        "required component is refused (exit 3, naming each): guide the citizen with `desk print guidance`",
        cmd_intake,
    )
    sp.add_argument("--procedure", required=True, metavar="CODE", help="procedure code from the catalogue")
    who = sp.add_mutually_exclusive_group(required=True)
    who.add_argument("--name", help="applicant's full name")
    who.add_argument("--scan", metavar="LINE", help="the line a scanner reads from a chip ID card's QR code")
    sp.add_argument(
        "--id-number",
        help="by --kind: a citizen's 12-digit personal ID (9-digit old ID, or a passport); an organisation's tax "
        "code (10 digits, or 10-3 for a branch; its check digit is checked); a foreigner's passport number",
    )
    sp.add_argument("--birth-date", metavar="YYYY-MM-DD")
    sp.add_argument("--sex", help="Nam or Nữ")
    sp.add_argument("--phone")
    sp.add_argument("--email")
    sp.add_argument("--address")
    sp.add_argument(
        "--kind",
        default="citizen",
        choices=["citizen", "business", "state_agency", "other_org", "foreigner"],
        help="who hands the dossier in (default citizen, công dân): business (tổ chức, doanh nghiệp), state_agency "
        "or other_org take a tax code and no --birth-date or --sex; foreigner (người nước ngoài) takes a passport; "
        "--scan reads a citizen's chip ID card",
    )
    sp.add_argument(
        "--received-at",
        metavar="ISO",
        help="when it was received (default: now); earlier than the start of today's working day only with --catch-up",
    )
    sp.add_argument(
        "--catch-up",
        action="store_true",
        help="enter a dossier received earlier (the PC was down): both times are kept and it is marked on the "
        "register, the day report and `desk verify` (needs --received-at and --reason; a supervisor's act on a "
        "desk with operator accounts)",
    )
    sp.add_argument("--reason", metavar="TEXT", help="why a catch-up is entered late (with --catch-up)")
    sp.add_argument(
        "--missing",
        action="append",
        metavar="CODES",
        help="required component codes NOT handed in (comma-separated); any makes the intake refuse",
    )
    sp.add_argument(
        "--received",
        action="append",
        metavar="CODES",
        help="optional component codes handed in (comma-separated); optional ones are not received by default",
    )
    sp.add_argument(
        "--presented",
        action="append",
        metavar="CODES",
        help="components only shown (xuất trình, e.g. the ID card): checked, not kept, never digitised",
    )
    sp.add_argument(
        "--reused",
        action="append",
        metavar="COMPONENT=SOURCE",
        help=(
            "a component not handed in but reused from a data store (VNeID, CSDLQG dân cư, …) "
            "or from a dossier this home holds (its code)"
        ),
    )
    sp.add_argument(
        "--channel",
        choices=("counter", "vneid", "online", "post"),
        default="counter",
        help="how the dossier came in: at the counter (default), through the VNeID application (NĐ 367/2025), "
        "online or by public post",
    )
    sp.add_argument("--sets", type=int, default=1, help="number of sets (bộ) handed in")
    sp.add_argument(
        "--pages",
        type=int,
        metavar="N",
        help="pages of each copy, for a procedure whose fee is counted per page (the receipt prints the amount due)",
    )
    sp.add_argument(
        "--copies",
        type=int,
        metavar="N",
        help="copies asked for, for a procedure whose fee is counted per page or per copy (default 1)",
    )
    sp.add_argument("--note")

    sp = add_command(sub, "show", "show one dossier with its components and events", cmd_show)
    sp.add_argument("code")

    sp = add_command(sub, "search", "find dossiers by code, name (accents optional), ID number or phone", cmd_search)
    sp.add_argument("text")
    sp.add_argument("--limit", type=int, default=50)
