"""The clerk's signer (`desk signer set|show|clear`) and electronic results (`desk result attach|list`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from desk.cli.base import add_command, ask_secret, emit_json, fmt_dt, home_from_args, open_from_args, say
from desk.errors import EXIT_OK, InvalidInput

if TYPE_CHECKING:
    from desk.dossier.signing import CertificateInfo

T = TypeVar("T")


def _pin(prompt: str) -> str | None:
    env = os.environ.get("DESK_SIGNER_PIN")
    return env if env is not None else ask_secret(prompt)


def with_pin(home, action: Callable[[], T]) -> T:
    """Run ``action``; when the signer is locked, ask its PIN at the terminal once and run it again."""
    from desk.dossier import signer

    try:
        return action()
    except InvalidInput as exc:
        if exc.problem.code != "signer.locked":
            raise
        pin = ask_secret("signer passphrase / PIN: ")
        if pin is None:
            raise
        signer.unlock(home, pin)
        return action()


def _cert_json(info) -> dict:
    return {
        "subject": info.subject,
        "issuer": info.issuer,
        "common_name": info.common_name,
        "not_before": info.not_before.isoformat(timespec="seconds"),
        "not_after": info.not_after.isoformat(timespec="seconds"),
        "serial": info.serial,
    }


def _print_cert(info) -> None:
    say(f"subject : {info.subject}")
    say(f"issuer  : {info.issuer}")
    say(f"valid   : {fmt_dt(info.not_before)} to {fmt_dt(info.not_after)}")
    say(f"serial  : {info.serial}")


def cmd_signer_set(args) -> int:
    from desk.dossier import signer
    from desk.dossier.operators import require_supervisor

    home = home_from_args(args)
    home.require()
    require_supervisor(open_from_args(args), "signer")  # on a home with operator accounts
    info: CertificateInfo | None
    if args.pkcs12:
        if args.pkcs11_lib or args.token or args.key_label:
            raise InvalidInput("signer.both_kinds", field="pkcs12")
        passphrase = _pin("passphrase of the PKCS#12 file: ")
        if passphrase is None:
            raise InvalidInput("signer.pin_needed", field="pin")
        info = signer.set_pkcs12(home, args.pkcs12, passphrase)
    elif args.pkcs11_lib or args.token or args.key_label:
        pin = _pin("token PIN (to check the token now; Enter to skip): ") or None
        info = signer.set_pkcs11(home, args.pkcs11_lib or "", args.token or "", args.key_label or "", pin)
    else:
        raise InvalidInput("signer.missing_option", field="pkcs12", option="pkcs12")
    if args.json:
        emit_json({"kind": "pkcs12" if args.pkcs12 else "pkcs11", "certificate": _cert_json(info) if info else None})
    else:
        say("signer set: scans and results are signed with it from now on")
        if info is not None:
            _print_cert(info)
        else:
            say("the PIN is asked at the first signature")
    return EXIT_OK


def cmd_signer_show(args) -> int:
    from desk.config import load_settings
    from desk.dossier import signer

    home = home_from_args(args)
    settings = load_settings(home)
    if not signer.has_signer(settings):
        if args.json:
            emit_json({"kind": None})
        else:
            say("no signer: scans are kept unsigned (`desk signer set --pkcs12 FILE` or `--pkcs11-lib …`)")
        return EXIT_OK
    info = with_pin(home, lambda: signer.describe(home))
    if args.json:
        emit_json({"kind": settings.signer_kind, "certificate": _cert_json(info)})
    else:
        where = (
            f"PKCS#12 file {settings.signer_pkcs12}"
            if settings.signer_kind == "pkcs12"
            else f"token '{settings.signer_token}', key '{settings.signer_key_label}' ({settings.signer_pkcs11_lib})"
        )
        say(f"signer  : {where}")
        _print_cert(info)
        if settings.timestamp_url:
            say(f"timestamps: {settings.timestamp_url} (PAdES B-T)")
    return EXIT_OK


def cmd_signer_clear(args) -> int:
    from desk.dossier import signer
    from desk.dossier.operators import require_supervisor

    home = home_from_args(args)
    home.require()
    require_supervisor(open_from_args(args), "signer")  # on a home with operator accounts
    signer.clear(home)
    say("no signer any more: new scans are kept unsigned")
    return EXIT_OK


def cmd_result_attach(args) -> int:
    from desk.dossier import results

    desk = open_from_args(args)
    result = with_pin(desk.home, lambda: results.attach(desk, args.code, args.file, name=args.name))
    if args.json:
        emit_json(results.result_json(desk, result))
    else:
        how = "signed by the office" if result.origin == "office" else f"signed by {result.signer}"
        say(f"{result.code}  {result.name}  ({result.pages} page{'s' if result.pages != 1 else ''}, {how})")
    return EXIT_OK


def cmd_result_list(args) -> int:
    from desk.dossier import results
    from desk.dossier.query import get

    desk = open_from_args(args)
    d = get(desk, args.code)
    found = results.for_dossier(desk, d.code)
    if args.json:
        emit_json([results.result_json(desk, r) for r in found])
        return EXIT_OK
    if not found:
        say(f"{d.code}: no electronic result yet (`desk result attach {d.code} --file F`)")
    for r in found:
        say(results.result_line(desk, r))
    return EXIT_OK


def register(sub) -> None:
    grp = sub.add_parser("signer", help="the clerk's digital signature for scans and results")
    grp_sub = grp.add_subparsers(dest="signer_command", metavar="ACTION", required=True)
    sp = add_command(
        grp_sub,
        "set",
        "choose the signer: a PKCS#12 file (its passphrase is asked, or DESK_SIGNER_PIN; never stored) "
        "or a key on a USB token (PKCS#11; the PIN is asked at the first signature of a session); a supervisor's "
        "act on a home with operator accounts",
        cmd_signer_set,
    )
    sp.add_argument("--pkcs12", metavar="FILE", help="a .p12/.pfx file (copied into the home, owner-only)")
    sp.add_argument("--pkcs11-lib", metavar="LIB", help="the token's PKCS#11 library (.so / .dll)")
    sp.add_argument("--token", metavar="LABEL", help="the token's label")
    sp.add_argument("--key-label", metavar="LABEL", help="the label of the key and its certificate on the token")
    add_command(grp_sub, "show", "print the signer's certificate: subject, issuer, validity", cmd_signer_show)
    add_command(
        grp_sub,
        "clear",
        "remove the signer (new scans are kept unsigned; a supervisor's act on a home with operator accounts)",
        cmd_signer_clear,
        json_flag=False,
    )

    grp = sub.add_parser("result", help="electronic results of a dossier (<MaHoSo>-KQ<n>)")
    grp_sub = grp.add_subparsers(dest="result_command", metavar="ACTION", required=True)
    sp = add_command(
        grp_sub,
        "attach",
        "store a result PDF with the code <MaHoSo>-KQ<n>: signed by the clerk's signer, or, when it arrives "
        "signed by the processing office, its signature checked and kept",
        cmd_result_attach,
    )
    sp.add_argument("code", help="dossier code")
    sp.add_argument("--file", required=True, metavar="PATH", help="the result as a PDF (or a JPEG/PNG scan)")
    sp.add_argument("--name", help="the paper's name (default: the procedure's result, e.g. Giấy khai sinh)")
    sp = add_command(grp_sub, "list", "list a dossier's electronic results and their signatures", cmd_result_list)
    sp.add_argument("code", help="dossier code")
