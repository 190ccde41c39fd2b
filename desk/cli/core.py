"""Core commands: init, clerk, key, catalog, intake, show, search, verify, demo, tui."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from desk.cli.base import add_command, emit_json, say, say_dossiers, warn
from desk.cli.base import fmt_dt as _fmt_dt
from desk.cli.base import home_from_args as _home
from desk.cli.base import open_from_args as _open
from desk.cli.seal import register_key_public
from desk.cli.wording import describe
from desk.errors import EXIT_OK, InvalidInput
from desk.rules.problems import fill

# --- init, settings, keys ---------------------------------------------------


def cmd_init(args) -> int:
    from desk.config import init_home
    from desk.text import LIMITS, sanitise

    home = _home(args)
    key = None
    if args.agency_key:
        try:
            key = bytes.fromhex(Path(args.agency_key).read_text(encoding="ascii").strip())
        except (OSError, ValueError) as exc:
            raise InvalidInput(
                "agency_key.unreadable", field="agency-key", path=args.agency_key, error=exc.__class__.__name__
            ) from exc
    settings = init_home(
        home,
        agency_code=args.agency_code,
        agency_name=sanitise(args.agency_name, field="agency-name", max_len=200, required=True),
        desk_no=args.desk_no,
        place=sanitise(args.place or "", field="place", max_len=LIMITS["address"]),
        clerk=sanitise(args.clerk or "", field="clerk", max_len=LIMITS["name"]),
        agency_key=key,
        unit_name=sanitise(args.unit_name or "", field="unit-name", max_len=200),
    )
    from db import open_db

    open_db(home.db).conn.close()
    os.chmod(home.db, 0o600)
    if args.json:
        emit_json({"home": str(home.root), "agency_code": settings.agency.code, "desk_no": settings.agency.desk_no})
    else:
        from desk import keys

        say(f"Desk {settings.agency.desk_no} of {settings.agency.name} ({settings.agency.code}) set up in {home.root}")
        if not keys.is_encrypted(home):
            say(f"Signing key fingerprint: {keys.fingerprint(keys.desk_public_key(home))}")
        say("Next: `desk catalog import FILE` (or the bundled sample: `desk catalog import --sample`).")
    return EXIT_OK


def cmd_clerk(args) -> int:
    from desk.config import load_settings, update_settings
    from desk.text import LIMITS, sanitise

    home = _home(args)
    if args.name is None:
        settings = load_settings(home)
    else:
        from desk.dossier.operators import require_supervisor

        require_supervisor(_open(args), "settings")  # on a desk with operator accounts
        name = sanitise(args.name, field="clerk", max_len=LIMITS["name"], required=True)
        settings = update_settings(home, clerk=name)
    if args.json:
        emit_json({"clerk": settings.clerk})
    else:
        say(settings.clerk or '(no clerk set: `desk clerk "Full Name"`)')
    return EXIT_OK


def cmd_key_export(args) -> int:
    from desk.config import read_agency_key
    from desk.fsio import atomic_write

    home = _home(args)
    home.require()
    key = read_agency_key(home)
    out = Path(args.out)
    if out.exists():
        raise InvalidInput("file.exists", field="out", path=str(out))
    try:
        atomic_write(out, key.hex().encode("ascii") + b"\n")
    except OSError as exc:
        raise InvalidInput("file.write_failed", field="out", path=str(out), detail=exc.strerror or str(exc)) from exc
    say(f"agency key written to {out} (owner-only). Give it to another desk with `desk init --agency-key {out}`,")
    say("then delete it from the USB stick.")
    return EXIT_OK


# --- catalogue ----------------------------------------------------------------


def cmd_catalog_import(args) -> int:
    from desk.catalog.formats import sample_catalog_path
    from desk.catalog.store import import_catalog

    if not args.file and not args.sample:
        raise InvalidInput("catalog.no_file", field="file")
    desk = _open(args)
    path = sample_catalog_path() if args.sample else Path(args.file)
    procedures = import_catalog(desk, path)
    if args.json:
        emit_json({"imported": len(procedures), "codes": [p.code for p in procedures]})
    else:
        say(fill("imported {n:# procedure|# procedures} from {name}", {"n": len(procedures), "name": path.name}))
    return EXIT_OK


def cmd_catalog_list(args) -> int:
    from desk.catalog.schema import procedure_to_dict
    from desk.catalog.store import list_procedures

    procedures = list_procedures(_open(args))
    if args.json:
        emit_json([procedure_to_dict(p) for p in procedures])
        return EXIT_OK
    if not procedures:
        say("the catalogue is empty: `desk catalog import FILE`")
    for p in procedures:
        say(f"{p.code:<24} {p.processing.label_vi():<18} {len(p.components):>2} tp  {p.name}")
    return EXIT_OK


# --- intake and reading ---------------------------------------------------------


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


def _print_dossier(desk, d, events, *, in_store: bool = False) -> None:
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

    for text in signature_lines(desk, d, with_results=not in_store):
        say(text)
    say("  events:")
    for e in events:
        say(f"   {e.seq:>6} {e.at:%Y-%m-%d %H:%M} {e.type:<22} {e.clerk}")
    from desk.cli.sync import print_portal

    print_portal(desk, d.code)


def cmd_show(args) -> int:
    from desk.dossier.query import get, is_overdue, timeline
    from desk.dossier.rows import dossier_json
    from desk.sync.hub_search import held_dossier
    from desk.sync.status import portal_timeline

    desk = _open(args)
    held = held_dossier(desk, args.code)  # at a PostgreSQL hub, the desks' dossiers are in its store
    if held is None:
        d = get(desk, args.code)
        events = timeline(desk, d.code)
    else:
        d, events = held
    if args.json:
        from desk.dossier.verification import files_json

        out = dossier_json(d)
        out["overdue"] = is_overdue(d)
        files_json(desk, d, out, with_results=held is None)
        out["portal"] = portal_timeline(desk, d.code)
        out["events"] = [
            {"seq": e.seq, "type": e.type, "at": e.at.isoformat(), "clerk": e.clerk, "synced": e.synced} for e in events
        ]
        emit_json(out)
    else:
        _print_dossier(desk, d, events, in_store=held is not None)
    return EXIT_OK


def cmd_search(args) -> int:
    from desk.dossier.query import search

    desk = _open(args)
    found = search(desk, args.text, limit=args.limit)
    say_dossiers(found, as_json=args.json)
    return EXIT_OK


def cmd_verify(args) -> int:
    from desk.ops.verify import verify

    report = verify(_open(args))
    if args.json:
        emit_json(
            {
                "ok": report.ok,
                "problems": [describe(p) for p in report.problems],
                "warnings": [describe(w) for w in report.warnings],
                "notes": [describe(n) for n in report.notes],
            }
        )
    else:
        for w in report.warnings:
            warn(describe(w))
        for n in report.notes:
            say(f"note: {describe(n)}")
        if report.ok:
            say("ok: database intact, event chain unbroken, every dossier has its events")
        for p in report.problems:
            say(f"problem: {describe(p)}")
    return EXIT_OK if report.ok else 5


def cmd_backup(args) -> int:
    from desk.ops.backup import backup_home

    result = backup_home(_open(args), Path(args.out))
    if args.json:
        emit_json({"path": str(result.path), "files": result.files, "bytes": result.bytes})
    else:
        say(
            fill(
                "backup written to {path} ({files:# file|# files}, {size:,} bytes); keep it safe: "
                "it holds personal data and the agency key",
                {"path": result.path, "files": result.files, "size": result.bytes},
            )
        )
    return EXIT_OK


def cmd_demo(args) -> int:
    from desk.ops.demo import make_demo_home

    home = _home(args)
    if home.exists():
        if not args.quiet:
            say(f"demo home {home.root} already exists")
        return EXIT_OK
    n = make_demo_home(home)
    say(fill("demo home created in {path} with {n:# sample dossier|# sample dossiers}", {"path": home.root, "n": n}))
    return EXIT_OK


def cmd_tui(args) -> int:
    from desk.config import load_settings

    home = _home(args)
    home.require()
    settings = load_settings(home)
    from screens.app import DeskApp  # textual is imported only here

    app = DeskApp(home=home.root, language=args.lang or settings.language)
    app.run()
    return EXIT_OK


# --- parser -------------------------------------------------------------------


def register(sub) -> None:
    sp = add_command(
        sub, "init", "create a desk home: desk.toml, the database, the agency key and the desk's signing key", cmd_init
    )
    sp.add_argument("--agency-code", required=True, help="agency electronic identifier, e.g. 000.00.12.H29")
    sp.add_argument("--agency-name", required=True, help="agency name as printed on receipts")
    sp.add_argument("--desk-no", type=int, default=0, help="0 for a single-desk agency, else 1–9 (code partition)")
    sp.add_argument(
        "--unit-name",
        help="the counter's unit printed under the agency name on every form "
        "(default: 'Trung tâm Phục vụ hành chính công')",
    )
    sp.add_argument(
        "--place", help="place name printed before the date, e.g. 'Minh Khai' (default: the commune of the agency name)"
    )
    sp.add_argument("--clerk", help="the clerk's full name (printed as NGƯỜI TIẾP NHẬN HỒ SƠ)")
    sp.add_argument("--agency-key", metavar="FILE", help="use the agency key exported from another desk")

    sp = add_command(
        sub,
        "clerk",
        "show or change the clerk on duty (on a desk with operator accounts, changing it is a supervisor's act)",
        cmd_clerk,
    )
    sp.add_argument("name", nargs="?", help="new name")

    key = sub.add_parser("key", help="the agency key that signs receipts, and its public half")
    key_sub = key.add_subparsers(dest="key_command", metavar="ACTION", required=True)
    sp = add_command(
        key_sub, "export", "write the agency key to FILE (owner-only) for another desk", cmd_key_export, json_flag=False
    )
    sp.add_argument("--out", required=True, metavar="FILE")
    register_key_public(key_sub)

    cat = sub.add_parser("catalog", help="the catalogue of procedures")
    cat_sub = cat.add_subparsers(dest="catalog_command", metavar="ACTION", required=True)
    sp = add_command(
        cat_sub, "import", "import procedures from a JSON or CSV file (all or nothing)", cmd_catalog_import
    )
    sp.add_argument("file", nargs="?", help="catalogue file (.json or .csv, see docs/catalogue.md)")
    sp.add_argument("--sample", action="store_true", help="import the bundled sample catalogue")
    add_command(cat_sub, "list", "list the procedures", cmd_catalog_list)

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

    add_command(
        sub, "verify", "check the database, the event chain, seq gaps and that every dossier has its events", cmd_verify
    )

    sp = add_command(
        sub, "backup", "write a consistent copy of the whole home (database, settings, key, scans) to a zip", cmd_backup
    )
    sp.add_argument("out", metavar="OUT", help="zip file to write, or a folder to put it in")

    sp = add_command(
        sub,
        "demo",
        "create a demo home: a demo agency, the sample catalogue and sample dossiers",
        cmd_demo,
        json_flag=False,
    )
    sp.add_argument("--quiet", action="store_true")

    add_command(sub, "tui", "open the terminal user interface (the default)", cmd_tui, json_flag=False)
