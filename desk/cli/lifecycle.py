"""Lifecycle commands: checklist, digitise, advance."""

from __future__ import annotations

from desk.cli.base import add_command, emit_json, fmt_dt, open_from_args, say
from desk.errors import EXIT_OK, InvalidInput

_MARKS = {
    "pending": " ",
    "digitised": "x",
    "digitised_unsigned": "u",
    "reused_store": "r",
    "reused_dossier": "r",
    "not_required": "-",
}


def _print_checklist(d) -> None:
    from desk.dossier.checklist import counts_towards, progress

    done, total = progress(d)
    say(f"{d.code}  [{d.status.value}]  {done} of {total} digitised{'  complete' if done == total else ''}")
    for i, c in enumerate(d.components, 1):
        star = "*" if counts_towards(c) else " "
        extra = ""
        if c.file_path:
            extra = f"  {c.file_path} ({c.file_pages} p, {c.file_bytes} B)"
            if c.digitisation.value == "digitised_unsigned":
                extra += "  NOT SIGNED: no legal value"
        elif c.reuse_source:
            extra = f"  from {c.reuse_source}"
        received = "" if c.received else "  (not handed in)"
        say(f" {i:>2} [{_MARKS[c.digitisation.value]}]{star} {c.code:<28} {c.digitisation.value:<14}{extra}{received}")
    say(" * must be digitised;  x digitised (signed), u scanned but not signed, r reused, - not required")
    if any(c.digitisation.value == "digitised_unsigned" for c in d.components):
        say(" an unsigned scan is no electronic copy (TT 01/2023 Điều 8): `desk signer set`, then digitise it again")


def cmd_checklist(args) -> int:
    from desk.dossier.checklist import checklist_json
    from desk.dossier.query import get

    d = get(open_from_args(args), args.code)
    if args.json:
        emit_json(checklist_json(d))
    else:
        _print_checklist(d)
    return EXIT_OK


def cmd_digitise(args) -> int:
    from desk.dossier import checklist

    desk = open_from_args(args)
    note = args.note or ""
    if args.pages is not None and not args.file:
        raise InvalidInput("scan.pages_without_file", field="pages")
    if args.file:
        from desk.cli.signer import with_pin

        d = with_pin(
            desk.home,
            lambda: checklist.attach_file(
                desk, args.code, args.component, args.file, note=note, same_scan_ok=args.same_scan, pages=args.pages
            ),
        )
    elif args.reused:
        d = checklist.mark_reused(desk, args.code, args.component, args.reused, note=note)
    elif args.not_required:
        d = checklist.mark_not_required(desk, args.code, args.component, note=note)
    else:
        d = checklist.undo(desk, args.code, args.component, note=note)
    line = checklist.find_line(d, args.component)
    if args.json:
        out = checklist.checklist_json(d)
        out["component"] = line.code
        emit_json(out)
    else:
        done, total = checklist.progress(d)
        what = line.digitisation.value
        if line.file_path:
            what += f" → files/{line.file_path} ({line.file_pages} page{'s' if line.file_pages != 1 else ''})"
            if line.digitisation.value == "digitised":
                from desk.rules.digitisation import scan_code

                what += f", signed, code {scan_code(d.code, d.components.index(line) + 1)}"
            else:
                what += ", NOT SIGNED (no signer: `desk signer set`)"
        elif line.reuse_source:
            what += f" from {line.reuse_source}"
        say(f"{d.code} {line.code}: {what}  ({done} of {total} digitised)")
    return EXIT_OK


def _parse_missing(values) -> list[tuple[str, str]]:
    out = []
    for item in values or ():
        component, sep, reason = item.partition(":")
        if not component.strip():
            raise InvalidInput("missing.format", field="missing", value=item)
        out.append((component.strip(), reason.strip()))
    return out


def cmd_advance(args) -> int:
    from desk.dossier.lifecycle import advance, available_actions
    from desk.dossier.query import is_overdue, timeline
    from desk.dossier.rows import dossier_json

    desk = open_from_args(args)
    d = advance(
        desk,
        args.code,
        args.action,
        note=args.note or "",
        reason=args.reason,
        missing=_parse_missing(args.missing),
        collected_by=args.collected_by,
        satisfaction=args.satisfaction,
    )
    # this desk's newest event on the dossier (the one just written)
    last = max(timeline(desk, d.code), key=lambda e: (e.desk_id == desk.desk_id, e.seq))
    if args.json:
        out = dossier_json(d)
        out.update(
            overdue=is_overdue(d),
            paused_at=d.paused_at.isoformat() if d.paused_at else None,
            finished_at=d.finished_at.isoformat() if d.finished_at else None,
            returned_at=d.returned_at.isoformat() if d.returned_at else None,
            collected_by=d.collected_by,
            satisfaction=d.satisfaction,
            allowed_actions=available_actions(desk, d),
            event={"seq": last.seq, "type": last.type, "at": last.at.isoformat(), "clerk": last.clerk},
        )
        emit_json(out)
    else:
        nxt = ", ".join(available_actions(desk, d)) or "none"
        say(f"{d.code}  now {d.status.value}  due {fmt_dt(d.due_at)}  (event {last.seq} {last.type}; next: {nxt})")
    return EXIT_OK


def register(sub) -> None:
    from desk.rules.status import ACTIONS
    from desk.rules.vocabulary import REUSE_SOURCES, SATISFACTION

    sp = add_command(sub, "checklist", "show a dossier's digitisation checklist ('n of m digitised')", cmd_checklist)
    sp.add_argument("code", help="dossier code")

    sp = add_command(
        sub,
        "digitise",
        "record how one component was digitised: a scanned file (signed by the clerk's signer, "
        "`desk signer set`), reuse, or not required",
        cmd_digitise,
    )
    sp.add_argument("code", help="dossier code")
    sp.add_argument("component", help="component code (or its number in `desk checklist`)")
    how = sp.add_mutually_exclusive_group(required=True)
    how.add_argument("--file", metavar="PATH", help="a PDF, JPEG or PNG scan (copied into the store, never moved)")
    how.add_argument(
        "--reused",
        metavar="SOURCE",
        help=f"reused from a data store ({', '.join(REUSE_SOURCES)}) or from another dossier (its code)",
    )
    how.add_argument(
        "--not-required", action="store_true", help="no digitisation needed (give --note for a must-digitise component)"
    )
    how.add_argument("--undo", action="store_true", help="back to pending")
    sp.add_argument("--note", help="a note kept on the line and in the event")
    sp.add_argument(
        "--pages",
        type=int,
        metavar="N",
        help="with --file: pages of the paper; must equal the PDF's (default: the PDF's, taken as confirmed)",
    )
    sp.add_argument(
        "--same-scan",
        action="store_true",
        help="with --file: attach it even if another paper of the dossier already holds this scan",
    )

    sp = add_command(
        sub,
        "advance",
        f"move a dossier on: {', '.join(ACTIONS)} (illegal moves are refused; on a desk with operator accounts "
        "refuse, withdraw and stop are a supervisor's)",
        cmd_advance,
    )
    sp.add_argument("code", help="dossier code")
    sp.add_argument("action", metavar="ACTION", help=f"one of {', '.join(ACTIONS)}")
    sp.add_argument("--note", help="what the clerk wants on record")
    sp.add_argument("--reason", help="why (refuse, stop): printed on Mẫu 03 / Mẫu 05 (`desk print refusal|stop CODE`)")
    sp.add_argument(
        "--missing",
        action="append",
        metavar="COMP:REASON",
        help="supplement: a missing component (code or text) and why; repeat for more",
    )
    sp.add_argument("--collected-by", metavar="NAME", help="return: who collected the result (default: the applicant)")
    sp.add_argument("--satisfaction", help=f"return: {' / '.join(SATISFACTION)} (accents optional)")
