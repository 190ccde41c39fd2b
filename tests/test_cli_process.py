"""Smoke tests of the real ``python -m desk`` process: start-up, stdout/stderr, exit status, imports.

Every other CLI test runs ``desk.cli.main`` in-process (tests/desk_helpers.py);
these few check what only a real process shows.
"""

import json
import re

import pytest

from tests.conftest import new_cli_home, run_desk_process
from tests.tui_helpers import SCAN

pytestmark = pytest.mark.e2e


@pytest.fixture
def cli_home(tmp_path):
    return new_cli_home(tmp_path / "h", desk_no=2)


def test_help_and_version():
    r = run_desk_process("--help")
    assert r.returncode == 0 and r.stderr == ""
    assert "usage: desk" in r.stdout and "intake" in r.stdout and "verify" in r.stdout
    r = run_desk_process("intake", "--help")
    assert r.returncode == 0 and "--procedure" in r.stdout
    r = run_desk_process("--version")
    assert r.returncode == 0 and r.stdout.startswith("motcua-desk ")


def test_intake_with_json_then_show(cli_home):
    r = run_desk_process("intake", "--procedure", "1.001193", "--scan", SCAN, "--json", home=cli_home)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["code"] == "000.00.12.H29-261123-2001" and d["applicant"]["name"] == "Nguyễn Văn An"
    r = run_desk_process("show", d["code"], home=cli_home)
    assert r.returncode == 0 and "Nguyễn Văn An" in r.stdout and "dossier.received" in r.stdout


@pytest.mark.parametrize(
    "args, code, text",
    [
        (["intake", "--procedure", "1.001193", "--name", "An", "--phone", "12"], 3, "phone"),
        (["show", "000.00.12.H29-261123-9999"], 4, "no dossier"),
        (["frobnicate"], 2, "invalid choice"),
    ],
)
def test_exit_status_and_message(cli_home, args, code, text):
    r = run_desk_process(*args, home=cli_home)
    assert r.returncode == code, (r.returncode, r.stderr)
    assert text in r.stderr and "Traceback" not in r.stderr and r.stdout == ""


def test_desk_home_from_the_environment(cli_home, tmp_path):
    r = run_desk_process("catalog", "list", env={"DESK_HOME": str(cli_home)})
    assert r.returncode == 0 and "1.001193" in r.stdout
    r = run_desk_process("catalog", "list", env={"DESK_HOME": str(tmp_path / "nothing")})
    assert r.returncode == 3 and "desk init" in r.stderr


def test_a_command_without_a_screen_imports_no_tui_or_pdf_library(cli_home):
    for args in (
        ["intake", "--procedure", "2.000815", "--name", "Lê Văn Tám", "--json"],
        ["search", "tam"],
        ["verify", "--json"],
    ):
        r = run_desk_process(*args, home=cli_home, python_options=["-X", "importtime"])
        assert r.returncode == 0, r.stderr
        imported = {
            m.group(1).strip().split(".")[0] for m in re.finditer(r"^import time:.*\|(.*)$", r.stderr, re.MULTILINE)
        }
        assert "desk" in imported
        assert not imported & {"textual", "rich", "reportlab", "screens", "printing"}, args
