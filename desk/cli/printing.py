"""Printing commands: ``desk print KIND CODE``, ``desk print register``, ``desk verify-receipt``."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from desk.cli.base import add_command, emit_json, open_from_args, say, warn
from desk.errors import (
    EXIT_INTEGRITY,
    EXIT_INVALID,
    EXIT_NOT_FOUND,
    EXIT_NOT_PRINTED,
    EXIT_OK,
    EXIT_UNEXPECTED,
    InvalidInput,
)

if TYPE_CHECKING:
    from desk.dossier.documents import PrintResult


def _date(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput("cli.date_format", field=what, value=text) from exc


def _finish(args: argparse.Namespace, result: PrintResult) -> int:
    if args.json:
        emit_json({"ok": result.ok, "path": str(result.path), "sent": result.sent, "message": result.message})
    elif result.ok:
        say(result.message)
    else:
        warn(result.message)
        say(f"the PDF is kept at {result.path}; print it from there or repeat the command")
    return print_exit_code(result.ok, result.not_printed)


def print_exit_code(ok: bool, not_printed: bool) -> int:
    """0 printed (or written to --out); 6 the PDF is kept and only the printing failed; 1 anything else."""
    if ok:
        return EXIT_OK
    return EXIT_NOT_PRINTED if not_printed else EXIT_UNEXPECTED


def _warn_without_lookup_url(desk) -> None:
    """Once per receipt printed (not per copy): a QR starting with the bare ``motcua:`` opens nothing on a phone."""
    from desk.cli.wording import describe
    from desk.rules.receipt_qr import lookup_problem

    problem = lookup_problem(desk.settings.lookup_url)
    if problem is not None:
        warn(describe(problem))


def cmd_print_dossier(args: argparse.Namespace) -> int:
    import printing
    from desk.dossier.documents import print_document
    from desk.dossier.lifecycle import propose_new_due
    from desk.dossier.query import get

    desk = open_from_args(args)
    new_due = None
    if args.kind == "apology":
        if args.days is None:
            raise InvalidInput("print.days_needed", field="days")
        new_due = propose_new_due(desk, get(desk, args.code), args.days)
    if args.kind == "receipt":
        _warn_without_lookup_url(desk)
    result = print_document(
        desk,
        args.kind,
        args.code,
        renderer=printing.RENDERER,
        sender=printing.send_to_printer,
        out=Path(args.out) if args.out else None,
        paper=args.paper,
        copies=args.copies,
        printer=args.printer,
        reason=args.reason or "",
        new_due=new_due,
        language="en",
    )
    return _finish(args, result)


def cmd_print_guidance(args: argparse.Namespace) -> int:
    import printing
    from desk.dossier.documents import print_guidance
    from desk.dossier.guidance import parse_missing

    desk = open_from_args(args)
    result = print_guidance(
        desk,
        args.procedure,
        parse_missing(args.missing or []),
        renderer=printing.RENDERER,
        sender=printing.send_to_printer,
        name=args.name or "",
        out=Path(args.out) if args.out else None,
        paper=args.paper,
        printer=args.printer,
        language="en",
    )
    return _finish(args, result)


def cmd_print_register(args: argparse.Namespace) -> int:
    import printing
    from desk import clock
    from desk.dossier.documents import print_register

    desk = open_from_args(args)
    first = _date(args.date, "date") if args.date else clock.now().date()
    last = _date(args.to, "to") if args.to else first
    if last < first:
        raise InvalidInput("print.range_reversed", field="to", first=first, last=last)
    result = print_register(
        desk,
        first,
        last,
        renderer=printing.RENDERER,
        sender=printing.send_to_printer,
        out=Path(args.out) if args.out else None,
        printer=args.printer,
        language="en",
    )
    return _finish(args, result)


def _verify_with_public_key(args) -> int:
    """``--public-key FILE``: the signature alone, on a machine with no home and no secret."""
    from desk.cli.wording import describe
    from desk.rules.receipt_qr import verify_public
    from desk.sync.receipt_keys import read_key_file

    genuine, verdict = verify_public(args.text, read_key_file(args.public_key))
    if args.json:
        emit_json({"genuine": genuine, "code": verdict.params.get("code"), "verdict": verdict.code})
    else:
        say(describe(verdict))
    if genuine:
        return EXIT_OK
    exits = {
        "receipt.not_receipt": EXIT_INVALID,
        "receipt.other_agency": EXIT_INVALID,
        "receipt.agency_only": EXIT_NOT_FOUND,
    }
    return exits.get(verdict.code, EXIT_INTEGRITY)  # forged: 5


def cmd_verify_receipt(args) -> int:
    from desk.config import read_agency_key
    from desk.dossier.query import find
    from desk.rules.receipt_qr import Verdict, verify_payload

    if args.public_key:
        return _verify_with_public_key(args)
    desk = open_from_args(args)
    verdict = verify_payload(args.text, read_agency_key(desk.home), lambda code: find(desk, code))
    if args.json:
        emit_json(
            {
                "genuine": verdict.genuine,
                "code": verdict.code or None,
                "verdict": verdict.verdict.value,
                "mismatched": list(verdict.mismatched),
            }
        )
    else:
        from desk.cli.wording import describe

        say(describe(verdict.problem))
    return {
        Verdict.GENUINE: EXIT_OK,
        Verdict.UNKNOWN: EXIT_NOT_FOUND,
        Verdict.NOT_RECEIPT: EXIT_INVALID,
    }.get(verdict.verdict, EXIT_INTEGRITY)


def register(sub) -> None:
    pr = sub.add_parser(
        "print",
        help="print a document (PDF to the printer, or --out FILE)",
        description="Print a document: the PDF is kept under the home's printed/ and sent to the printer, or only "
        "written to --out FILE. Exit codes: 0 printed or written; 6 nothing could be printed (no printer, the "
        "printer refused or did not answer): the PDF's path is printed, repeat the command or print it by hand; "
        "3 invalid input; 4 no such dossier.",
    )
    pr_sub = pr.add_subparsers(dest="print_kind", metavar="KIND", required=True)
    for kind, help in (
        ("receipt", "Mẫu 01: the receipt with the appointment and the signed QR code"),
        ("supplement", "Mẫu 02: the supplement request of the dossier's latest request"),
        ("refusal", "Mẫu 03: the refusal with its reason"),
        ("apology", "Mẫu 04: the apology letter with a new appointment; printing it moves the due date there"),
        ("stop", "Mẫu 05: the notice that processing stopped, with the stop's reason"),
        ("control", "Mẫu 06: the control slip that travels with a transferred dossier, its hand-overs so far"),
    ):
        sp = add_command(pr_sub, kind, help, cmd_print_dossier)
        sp.set_defaults(kind=kind)
        sp.add_argument("code", help="dossier code")
        sp.add_argument("--out", metavar="FILE", help="only write the PDF there; print nothing")
        sp.add_argument("--paper", choices=["a4", "a5", "80mm"], help="paper (default: the home's setting)")
        sp.add_argument("--copies", type=int, help="copies (liên) of a receipt; default from settings (2)")
        sp.add_argument("--printer", help="CUPS printer name (default: the home's setting, else the default)")
        if kind == "apology":
            sp.add_argument("--days", type=int, help="extension in working days")
            sp.add_argument("--reason", help="why the dossier is late")
        else:
            sp.set_defaults(days=None, reason="")
    sp = add_command(
        pr_sub,
        "guidance",
        "Mẫu 02 for a dossier NOT taken in (a required component missing): no receipt, no dossier code; "
        "recorded as a guidance event and counted in the day report",
        cmd_print_guidance,
    )
    sp.add_argument("--procedure", required=True, metavar="CODE", help="procedure code from the catalogue")
    sp.add_argument(
        "--missing",
        action="append",
        required=True,
        metavar="COMP[:REASON]",
        help="a component code (printed by its name) or other content to complete, with the reason; repeatable",
    )
    sp.add_argument("--name", help="the citizen's name (printed; optional)")
    sp.add_argument("--out", metavar="FILE", help="only write the PDF there; print nothing")
    sp.add_argument("--paper", choices=["a4", "a5", "80mm"], help="paper (default: the home's setting)")
    sp.add_argument("--printer", help="CUPS printer name (default: the home's setting, else the default)")
    sp = add_command(
        pr_sub,
        "register",
        "Mẫu 07: the register book (Sổ theo dõi hồ sơ) for a day or a range",
        cmd_print_register,
    )
    sp.add_argument("--date", metavar="YYYY-MM-DD", help="first day (default: today)")
    sp.add_argument("--to", metavar="YYYY-MM-DD", help="last day (default: the first day)")
    sp.add_argument("--out", metavar="FILE", help="only write the PDF there; print nothing")
    sp.add_argument("--printer")

    sp = add_command(
        sub, "verify-receipt", "check a scanned receipt QR: genuine, altered, forged or unknown", cmd_verify_receipt
    )
    sp.add_argument("text", help="the text the scanner read from the receipt's QR code")
    sp.add_argument(
        "--public-key",
        metavar="FILE",
        help="check the signature with the agency's public key alone (`desk key public --out`, or a hub's "
        "GET /v1/keys): genuine or forged, no home needed",
    )
