"""Operator accounts: who is at the desk, and what a supervisor alone may do.

A desk without accounts works as before (the clerk on duty of ``desk.toml``). Once the
first account exists (a supervisor), the TUI opens on a login and the CLI asks who is
acting (``desk --operator NAME``); every event records the operator and receipts print
their name. A password or PIN is kept only as a memory-hard hash: scrypt from
``cryptography`` (RFC 7914; N = 2**17, r = 8, p = 1, the parameters stored with each
hash). Wrong passwords in a row (``operators.max_failures``) lock the account for
``operators.lockout_minutes``. A supervisor issues scripts a token (``desk operator
token``): random, shown once, stored as its SHA-256 digest, valid ``operators.token_days``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from db import operator_queries as oq
from db import write_transaction
from desk import clock
from desk.errors import InvalidInput, NotFound
from desk.models import Operator, Role
from desk.text import LIMITS, fold, sanitise

SCRYPT_N = 2**17
"""scrypt's cost (128 MiB with r = 8): the hash of a new secret; a stored hash carries its own."""
SCRYPT_R = 8
SCRYPT_P = 1
SECRET_MIN = 4
"""A PIN of 4 digits at least; the lockout, not the length, stops guessing at the desk."""
SECRET_MAX = 128

SUPERVISOR_ACTIONS = (
    "refuse",
    "stop",
    "withdraw",
    "catch_up",
    "settings",
    "operators",
    "hub_token",
    "recover",
    "hub_key",
    "signer",
    "hub_migrate",
    "hub_desks",
)
"""What only a supervisor may do (the ``action`` of ``operator.supervisor_only``)."""


# --- secrets -------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_secret(secret: str) -> str:
    """``scrypt$N$r$p$salt$hash`` (base64) of a password or PIN."""
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt  # only signing in needs it

    salt = secrets.token_bytes(16)
    key = Scrypt(salt=salt, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P).derive(secret.encode("utf-8"))
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"


def secret_matches(secret: str, stored: str) -> bool:
    """Whether ``secret`` is the one ``stored`` was made from (constant time, by the library)."""
    from cryptography.exceptions import InvalidKey
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    try:
        kind, n, r, p, salt, key = stored.split("$")
        if kind != "scrypt":
            return False
        kdf = Scrypt(salt=base64.b64decode(salt), length=32, n=int(n), r=int(r), p=int(p))
        kdf.verify(secret.encode("utf-8"), base64.b64decode(key))
    except (InvalidKey, ValueError):
        return False
    return True


def check_secret(secret: str) -> str:
    """A new password or PIN: 4 to 128 characters, not only spaces (``operator.secret_length``)."""
    if not SECRET_MIN <= len(secret) <= SECRET_MAX or not secret.strip():
        raise InvalidInput("operator.secret_length", field="password", minimum=SECRET_MIN, maximum=SECRET_MAX)
    return secret


def _iso(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- accounts ------------------------------------------------------------------------------


def login_of(name: str) -> str:
    """The account key of a name: folded, so ``--operator "nguyen thi lan"`` finds Nguyễn Thị Lan."""
    return " ".join(fold(name).split())


def _operator(row: dict) -> Operator:
    return Operator(login=row["login"], name=row["name"], role=Role(row["role"]))


def has_operators(desk) -> bool:
    """Whether this desk has accounts (then someone must sign in)."""
    return oq.operator_count(desk.db) > 0


def list_operators(desk) -> list[tuple[Operator, datetime | None]]:
    """Every account, supervisors first, with the time its lockout ends (None when it is not locked)."""
    now = clock.now()
    out = []
    for row in oq.operator_rows(desk.db):
        until = datetime.fromisoformat(row["locked_until"]) if row["locked_until"] else None
        out.append((_operator(row), until if until is not None and until > now else None))
    return out


def _row(desk, name: str) -> dict:
    row = oq.operator_row(desk.db, login_of(name))
    if row is None:
        raise NotFound("operator.unknown", field="operator", name=name)
    return row


def may_supervise(desk) -> bool:
    """Whether the actions of SUPERVISOR_ACTIONS are open: a supervisor is signed in, or the desk has no accounts
    (then everything is allowed, as before accounts existed). What a screen offers follows it."""
    operator = desk.operator
    if operator is not None:
        return operator.is_supervisor
    return not has_operators(desk)


def require_supervisor(desk, action: str) -> None:
    """Refuse (``operator.supervisor_only``) an action of SUPERVISOR_ACTIONS unless :func:`may_supervise`."""
    if may_supervise(desk):
        return
    operator = desk.operator
    raise InvalidInput(
        "operator.supervisor_only", field="operator", action=action, name=operator.name if operator else ""
    )


def add_operator(desk, name: str, role: Role | str, secret: str) -> Operator:
    """A new account. The first one must be a supervisor (``operator.first_supervisor``); later ones only a
    supervisor adds. A name that folds like an existing one is refused (``operator.exists``)."""
    role = Role(role)
    name = sanitise(name, field="name", max_len=LIMITS["name"], required=True)
    secret = check_secret(secret)
    login = login_of(name)
    if not login:
        raise InvalidInput("text.required", field="name")
    stored = hash_secret(secret)  # slow on purpose: outside the write lock
    with write_transaction(desk.db):
        if has_operators(desk):
            require_supervisor(desk, "operators")
        elif role is not Role.SUPERVISOR:
            raise InvalidInput("operator.first_supervisor", field="role", name=name)
        existing = oq.operator_row(desk.db, login)
        if existing is not None:
            raise InvalidInput("operator.exists", field="name", name=name, existing=existing["name"])
        at = _iso(clock.now())
        oq.insert_operator(
            desk.db,
            {
                "login": login,
                "name": name,
                "role": role.value,
                "secret": stored,
                "failures": 0,
                "locked_until": None,
                "created_at": at,
                "updated_at": at,
            },
        )
    return Operator(login=login, name=name, role=role)


def remove_operator(desk, name: str) -> Operator:
    """Remove an account (a supervisor's act); the last supervisor stays (``operator.last_supervisor``)."""
    with write_transaction(desk.db):
        require_supervisor(desk, "operators")
        operator = _operator(_row(desk, name))
        supervisors = [o for o, _ in list_operators(desk) if o.is_supervisor]
        if operator.is_supervisor and len(supervisors) == 1:
            raise InvalidInput("operator.last_supervisor", field="operator", name=operator.name)
        oq.delete_operator(desk.db, operator.login)
    return operator


def change_secret(desk, name: str, secret: str) -> Operator:
    """A new password or PIN for an account: by its own operator, or a supervisor (who also unlocks it)."""
    operator = _operator(_row(desk, name))
    me = desk.operator
    if me is None or (me.login != operator.login and not me.is_supervisor):
        require_supervisor(desk, "operators")
    stored = hash_secret(check_secret(secret))
    with write_transaction(desk.db):
        oq.update_operator(
            desk.db,
            operator.login,
            {"secret": stored, "failures": 0, "locked_until": None, "updated_at": _iso(clock.now())},
        )
    return operator


# --- signing in ---------------------------------------------------------------------------------


def sign_in(desk, name: str, secret: str) -> Operator:
    """The operator whose password or PIN this is, now signed in on ``desk``.

    Refuses ``operator.login_failed`` (unknown name or wrong secret: the same words, with the tries
    left), ``operator.locked`` (until when). The failure that reaches ``operators.max_failures``
    locks the account for ``operators.lockout_minutes``.
    """
    settings = desk.settings
    row = oq.operator_row(desk.db, login_of(name))
    now = clock.now()
    if row is None:
        hash_secret(secret)  # the time a wrong secret takes: names are not probed by timing
        raise InvalidInput("operator.login_failed", field="password", left=settings.max_failures)
    if row["locked_until"] and datetime.fromisoformat(row["locked_until"]) > now:
        raise InvalidInput("operator.locked", field="operator", name=row["name"], until=row["locked_until"][11:16])
    if secret_matches(secret, row["secret"]):
        with write_transaction(desk.db):
            oq.update_operator(desk.db, row["login"], {"failures": 0, "locked_until": None})
        desk.operator = _operator(row)
        return desk.operator
    failures = row["failures"] + 1
    with write_transaction(desk.db):
        if failures >= settings.max_failures:
            until = now + timedelta(minutes=settings.lockout_minutes)
            oq.update_operator(desk.db, row["login"], {"failures": 0, "locked_until": _iso(until)})
        else:
            oq.update_operator(desk.db, row["login"], {"failures": failures})
    if failures >= settings.max_failures:
        raise InvalidInput("operator.locked", field="operator", name=row["name"], until=_iso(until)[11:16])
    raise InvalidInput("operator.login_failed", field="password", left=settings.max_failures - failures)


def sign_out(desk) -> None:
    """Nobody at the desk (shift handover: the next operator signs in)."""
    desk.operator = None


def issue_token(desk, name: str, *, days: int | None = None) -> tuple[str, datetime]:
    """A token for scripts acting as ``name`` (a supervisor issues it): returned once, stored as its digest."""
    require_supervisor(desk, "operators")
    operator = _operator(_row(desk, name))
    days = days if days is not None else desk.settings.token_days
    if not 1 <= days <= 365:
        raise InvalidInput("operator.token_days", field="days", days=days)
    token = secrets.token_urlsafe(32)
    now = clock.now()
    expires = now + timedelta(days=days)
    assert desk.operator is not None  # require_supervisor: accounts exist, so a supervisor is signed in
    with write_transaction(desk.db):
        oq.insert_token(desk.db, _token_digest(token), operator.login, desk.operator.login, _iso(now), _iso(expires))
    return token, expires


def sign_in_with_token(desk, name: str, token: str) -> Operator:
    """The operator a supervisor issued ``token`` to, signed in (``operator.token_invalid`` /
    ``operator.token_expired``)."""
    row = oq.token_row(desk.db, _token_digest(token.strip()))
    account = oq.operator_row(desk.db, login_of(name))
    if row is None or account is None or not hmac.compare_digest(row["login"], account["login"]):
        raise InvalidInput("operator.token_invalid", field="token", name=name)
    if datetime.fromisoformat(row["expires_at"]) <= clock.now():
        raise InvalidInput("operator.token_expired", field="token", name=account["name"], at=row["expires_at"][:10])
    desk.operator = _operator(account)
    return desk.operator
