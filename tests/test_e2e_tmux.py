"""End to end: the real ``desk`` TUI in a tmux terminal, driven by keys as a clerk would.

A birth registration with a scanned chip ID card (the scanner's line is typed
into the terminal), checked through the CLI afterwards; then a search by name, a
second F3 that replaces the last query, and a coloured bracketed paste; and the intake
of an organisation with its tax code, typed as fast as tmux sends keys.
Skipped only when tmux is missing (``.ci/run`` installs it).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import DEFAULT_NOW, ROOT, new_cli_home, run_desk
from tests.desk_helpers import PATIENCE
from tests.tui_helpers import SCAN

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

WIDTH, HEIGHT = 120, 36


class Terminal:
    """One tmux session on a private server socket, so a clerk's own tmux is never touched."""

    def __init__(self, socket: str, command: list[str], env: dict[str, str]) -> None:
        self.base = ["tmux", "-L", socket]
        exports = " ".join(f"{k}={subprocess.list2cmdline([v])}" for k, v in env.items())
        shell = f"cd {subprocess.list2cmdline([str(ROOT)])} && env {exports} {subprocess.list2cmdline(command)}"
        subprocess.run(
            [
                *self.base,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                "desk",
                "-x",
                str(WIDTH),
                "-y",
                str(HEIGHT),
                shell,
            ],
            check=True,
        )
        self.socket_path = subprocess.run(
            [*self.base, "display", "-p", "#{socket_path}"], capture_output=True, text=True
        ).stdout.strip()

    def keys(self, *keys: str, literal: bool = False) -> None:
        """Type into the terminal; the test then waits for what the keys show, not for a while."""
        subprocess.run([*self.base, "send-keys", "-t", "desk", *(["-l"] if literal else []), *keys], check=True)

    def screen(self) -> str:
        done = subprocess.run([*self.base, "capture-pane", "-t", "desk", "-p"], capture_output=True, text=True)
        return done.stdout

    def wait_for(self, text: str, timeout: float = PATIENCE) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.2)
        size = subprocess.run(
            [*self.base, "display", "-p", "-t", "desk", "#{window_width}x#{window_height}"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        raise AssertionError(f"{text!r} never appeared on the {size} screen:\n{self.screen()}")

    def alive(self) -> bool:
        return subprocess.run([*self.base, "has-session", "-t", "desk"], capture_output=True).returncode == 0

    def close(self) -> None:
        subprocess.run([*self.base, "kill-server"], capture_output=True)
        if self.socket_path:  # the server leaves its socket file behind
            Path(self.socket_path).unlink(missing_ok=True)


@pytest.fixture
def cli_home(tmp_path):
    # as `desk init --desk-no 1 …` and `desk catalog import --sample` make it
    return new_cli_home(tmp_path / "h", desk_no=1)


@pytest.fixture
def terminal(cli_home):
    env = {"DESK_NOW": DEFAULT_NOW, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "xterm-256color"}
    if "PATH" in os.environ:
        env["PATH"] = os.environ["PATH"]
    term = Terminal(f"motcua-test-{os.getpid()}", [sys.executable, "-m", "desk", "--home", str(cli_home)], env)
    yield term
    term.close()


def test_intake_with_a_scanned_card_then_search(terminal, cli_home):
    terminal.wait_for("Hôm nay, thứ Hai 23/11/2026")
    # F2, 1193, Enter: the birth registration is picked
    terminal.keys("F2")
    terminal.wait_for("Chưa chọn thủ tục")
    terminal.keys("1193", literal=True)
    terminal.keys("Enter")
    terminal.wait_for("✓ 1.001193")
    # the scanner types the chip card's line and Enter, in one go as a scanner does
    terminal.keys(SCAN + "\r", literal=True)
    terminal.wait_for("Đã đọc thẻ căn cước của Nguyễn Văn An")
    # the marriage certificate (4th line) was handed in too; save
    terminal.keys("Down", "Down", "Down", "Space")
    terminal.keys("C-s")
    shown = terminal.wait_for("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    assert "000.00.12.H29-261123-1001" in shown
    terminal.keys("Escape")  # no printer here: skip printing
    terminal.wait_for("Chưa chọn thủ tục")

    terminal.keys("F3")
    terminal.wait_for("Tra cứu hồ sơ")
    terminal.keys("nguyen van an", literal=True)
    terminal.keys("Enter")
    # the hint of a search that found something (the code alone may still be in the intake's notice)
    terminal.wait_for("Enter hoặc ↓ để chọn hồ sơ")
    terminal.keys("Enter")
    # the dossier view (its timeline may sit below the fold: the events are checked through the CLI)
    shown = terminal.wait_for("Thành phần hồ sơ")
    assert "000.00.12.H29-261123-1001" in shown and "Nguyễn Văn An" in shown

    # F3 again: the last query is selected, so digits from the middle of the ID number replace it
    terminal.keys("Escape", "F4")
    terminal.wait_for("Hôm nay, thứ Hai 23/11/2026")
    terminal.keys("F3")
    terminal.wait_for("Tra cứu hồ sơ")
    terminal.keys("9901234", literal=True)
    shown = terminal.wait_for("9901234")
    assert "nguyen van an9901234" not in shown
    # a coloured paste (bracketed, as a terminal sends it) arrives clean
    # F4 first and its screen waited for: the search screen behind still says "Tra cứu hồ sơ",
    # and a paste sent while Today is on screen goes nowhere
    terminal.keys("F4")
    terminal.wait_for("Hôm nay, thứ Hai 23/11/2026")
    terminal.keys("F3")
    terminal.wait_for("Tra cứu hồ sơ")
    subprocess.run([*terminal.base, "set-buffer", "\x1b[31mnguyen\x1b[0m van an"], check=True)
    subprocess.run([*terminal.base, "paste-buffer", "-p", "-t", "desk"], check=True)
    shown = terminal.wait_for("nguyen van an")
    assert "[31m" not in shown and "[0m" not in shown
    terminal.keys("C-q")
    deadline = time.monotonic() + 60
    while terminal.alive() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not terminal.alive(), "Ctrl+Q did not quit"

    r = run_desk("show", "000.00.12.H29-261123-1001", "--json", home=cli_home)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["procedure_code"] == "1.001193"
    assert d["applicant"]["name"] == "Nguyễn Văn An"
    assert d["applicant"]["birth_date"] == "1999-01-01"
    assert {c["code"]: c["received"] for c in d["components"]}["giay_chung_nhan_ket_hon"] is True
    assert {c["code"]: c["received"] for c in d["components"]}["van_ban_uy_quyen"] is False
    assert [e["type"] for e in d["events"]] == ["dossier.received"]


def test_intake_of_an_organisation_with_its_tax_code(terminal, cli_home):
    terminal.wait_for("Hôm nay, thứ Hai 23/11/2026")
    terminal.keys("F2")
    terminal.wait_for("Chưa chọn thủ tục")
    terminal.keys("2.000815", literal=True)
    terminal.keys("Enter")
    terminal.wait_for("✓ 2.000815")
    # from the scan box, Tab to "Người nộp là", open its list, one down: an organisation
    terminal.keys("Tab")
    terminal.keys("Enter")
    terminal.wait_for("Người nước ngoài")
    terminal.keys("Down", "Enter")
    shown = terminal.wait_for("Tên tổ chức")
    assert "Mã số thuế" in shown and "Ngày sinh" not in shown and "Giới tính" not in shown
    # typed as fast as tmux sends it: each Tab moves the focus before the next keys arrive
    terminal.keys("Tab")
    terminal.keys("Công ty TNHH Minh Khai", literal=True)
    terminal.keys("Tab")
    terminal.keys("0100109106", literal=True)
    terminal.keys("C-s")
    shown = terminal.wait_for("Mã số thuế: 0100109106")
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in shown, shown
    assert "Người nộp là: Tổ chức, doanh nghiệp" in shown, shown
    terminal.keys("Escape")  # no printer here: skip printing
    terminal.wait_for("Chưa chọn thủ tục")
    terminal.keys("C-q")
    deadline = time.monotonic() + 60
    while terminal.alive() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not terminal.alive(), "Ctrl+Q did not quit"

    r = run_desk("show", "000.00.12.H29-261123-1001", "--json", home=cli_home)
    assert r.returncode == 0, r.stderr
    a = json.loads(r.stdout)["applicant"]
    assert (a["kind"], a["name"], a["id_number"], a["id_kind"]) == (
        "business",
        "Công ty TNHH Minh Khai",
        "0100109106",
        "mst",
    )
