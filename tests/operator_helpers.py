"""Operator accounts in tests: the two people of every staffed desk, a cheaper password hash, the prompts
answered in order, and a desk staffed through the CLI."""

from __future__ import annotations

import pytest

from desk.dossier import operators
from tests.desk_helpers import run_desk

SUPERVISOR = "Trần Văn Bình"
CLERK = "Phạm Thị Mai"


@pytest.fixture
def quick_kdf(monkeypatch):
    """A cheaper scrypt for the tests (each hash records its own cost; one test checks the real one)."""
    monkeypatch.setattr(operators, "SCRYPT_N", 2**10)


@pytest.fixture
def typed(monkeypatch):
    """What the person types at the password prompts, in order."""
    answers: list[str] = []
    monkeypatch.setattr("desk.cli.operators.ask", lambda prompt: answers.pop(0))
    return answers


def add_operator(home, name, role, secret, *, as_=None):
    """``desk [--operator AS_] operator add NAME --role ROLE`` with the new account's password ``secret``."""
    args = ["--operator", as_] if as_ else []
    return run_desk(*args, "operator", "add", name, "--role", role, home=home, env={"DESK_OPERATOR_PASSWORD": secret})


def staff(home, typed):
    """A supervisor (PIN 9999) and a clerk (PIN 1234), added through the CLI; ``home`` returned."""
    assert add_operator(home, SUPERVISOR, "supervisor", "9999").returncode == 0
    typed.append("9999")
    r = add_operator(home, CLERK, "clerk", "1234", as_=SUPERVISOR)
    assert r.returncode == 0, r.stderr
    return home
