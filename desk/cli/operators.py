"""``desk operator add|list|remove|passwd|token`` and signing in with ``desk --operator NAME``.

A desk without operator accounts runs every command as before. Once one exists, a command
that opens the desk needs ``--operator NAME``: the password (or PIN) is asked on the
terminal, unless ``DESK_OPERATOR_TOKEN`` holds a token a supervisor issued to NAME
(``desk operator token NAME``), for scripts. A new password is asked twice, or taken from
``DESK_OPERATOR_PASSWORD`` (scripts and tests).
"""

from __future__ import annotations

import os

from desk.cli.base import add_command, ask_secret, emit_json, say
from desk.cli.base import open_from_args as _open
from desk.errors import EXIT_OK, InvalidInput

PASSWORD_ENV = "DESK_OPERATOR_PASSWORD"
TOKEN_ENV = "DESK_OPERATOR_TOKEN"


def ask(prompt: str) -> str:
    """A secret typed on the terminal, not echoed; without a terminal, the variables scripts use say so."""
    secret = ask_secret(prompt)
    if secret is None:
        raise InvalidInput("operator.secret_needed", field="password", variable=PASSWORD_ENV, token=TOKEN_ENV)
    return secret


def new_secret(name: str) -> str:
    """The new password or PIN of ``name``: ``DESK_OPERATOR_PASSWORD``, else asked twice."""
    given = os.environ.get(PASSWORD_ENV)
    if given is not None:
        return given
    first = ask(f"New password or PIN for {name}: ")
    if ask("Again: ") != first:
        raise InvalidInput("operator.secret_mismatch", field="password")
    return first


def sign_in_from_args(desk, args) -> None:
    """Sign in the operator the command names, when the desk has accounts (see the module's docstring)."""
    from db.operator_queries import operator_count

    name = getattr(args, "operator", None)
    if not operator_count(desk.db):
        if name:
            raise InvalidInput("operator.no_accounts", field="operator", name=name)
        return
    if not name:
        raise InvalidInput("operator.required", field="operator")
    from desk.dossier import operators

    token = os.environ.get(TOKEN_ENV)
    if token:
        operators.sign_in_with_token(desk, name, token)
    else:
        operators.sign_in(desk, name, ask(f"Password or PIN for {name}: "))


def cmd_add(args) -> int:
    from desk.dossier import operators

    desk = _open(args)
    operator = operators.add_operator(desk, args.name, args.role, new_secret(args.name))
    if args.json:
        emit_json({"name": operator.name, "login": operator.login, "role": operator.role.value})
    else:
        say(f"operator {operator.name} added ({operator.role.value})")
    return EXIT_OK


def cmd_list(args) -> int:
    from desk.dossier import operators

    accounts = operators.list_operators(_open(args))
    if args.json:
        emit_json(
            [
                {"name": o.name, "login": o.login, "role": o.role.value, "locked_until": until and until.isoformat()}
                for o, until in accounts
            ]
        )
        return EXIT_OK
    if not accounts:
        say("no operator accounts: the desk works without signing in (`desk operator add NAME --role supervisor`)")
    for o, until in accounts:
        locked = f"  locked until {until:%H:%M}" if until else ""
        say(f"{o.role.value:<11} {o.name}{locked}")
    return EXIT_OK


def cmd_remove(args) -> int:
    from desk.dossier import operators

    operator = operators.remove_operator(_open(args), args.name)
    say(f"operator {operator.name} removed")
    return EXIT_OK


def cmd_passwd(args) -> int:
    from desk.dossier import operators

    desk = _open(args)
    operator = operators.change_secret(desk, args.name, new_secret(args.name))
    say(f"password of {operator.name} changed")
    return EXIT_OK


def cmd_token(args) -> int:
    from desk.dossier import operators

    token, expires = operators.issue_token(_open(args), args.name, days=args.days)
    if args.json:
        emit_json({"token": token, "expires_at": expires.isoformat(timespec="seconds")})
    else:
        say(token)
        say(f"valid until {expires:%d/%m/%Y %H:%M}; shown once: give it to the script as {TOKEN_ENV}")
    return EXIT_OK


def register(sub) -> None:
    op = sub.add_parser(
        "operator",
        help="operator accounts: who is at the desk (with accounts, the TUI opens on a login)",
        description=__doc__,
    )
    op_sub = op.add_subparsers(dest="operator_command", metavar="ACTION", required=True)
    sp = add_command(
        op_sub,
        "add",
        "add an account (the first one must be a supervisor; later ones a supervisor adds). The password or PIN "
        f"is asked twice, or taken from ${PASSWORD_ENV}",
        cmd_add,
    )
    sp.add_argument("name", metavar="NAME", help="full name, printed on receipts (“Nguyễn Thị Lan”)")
    sp.add_argument("--role", required=True, choices=["clerk", "supervisor"])
    add_command(op_sub, "list", "list the accounts, their roles and locks", cmd_list)
    sp = add_command(op_sub, "remove", "remove an account (a supervisor's act)", cmd_remove, json_flag=False)
    sp.add_argument("name", metavar="NAME")
    sp = add_command(
        op_sub,
        "passwd",
        f"change a password or PIN (your own, or anyone's as a supervisor, which also unlocks it; ${PASSWORD_ENV})",
        cmd_passwd,
        json_flag=False,
    )
    sp.add_argument("name", metavar="NAME")
    sp = add_command(
        op_sub,
        "token",
        f"issue a token for scripts acting as NAME (a supervisor's act): `desk --operator NAME` with ${TOKEN_ENV}",
        cmd_token,
    )
    sp.add_argument("name", metavar="NAME")
    sp.add_argument("--days", type=int, help="days it stays valid (default: the setting operators.token_days)")
