"""Regenerate the TUI screenshots of the README: ``python docs/images/capture.py``.

SVGs (120×36) come from Pilot; the ``.txt`` files are what tmux shows at 80×24
and 120×36 (skipped without tmux). Both use a demo home at a fixed clock.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
NOW = "2026-11-23T09:40:00"
SCAN = "001099012345|123456789|Nguyễn Văn An|01011999|Nam|Số 1 Phố Huế, Hai Bà Trưng, Hà Nội|15082021"
SCAN_2 = "036186001122||Phạm Thị Hương|02111986|Nữ|Xóm 3, xã Minh Khai|01012022"

# (name, keys before the shot); "SCAN" types a chip card line, "RECEIPT" a receipt's QR
SHOTS = [
    ("today", []),
    ("intake", ["F2", "1193", "Enter", "SCAN_2", "Down", "Down", "Down", "Space"]),
    ("receipt", ["F2", "1193", "Enter", "SCAN_2", "C-s"]),
    ("search", ["F3", "nguyen"]),
    ("dossier", ["F3", "RECEIPT"]),
    ("checklist", ["F3", "RECEIPT", "d", "Down"]),
    ("supplement", ["F3", "RECEIPT", "b", "Down", "Space"]),
    ("sync", ["F5"]),
    ("reports", ["F6"]),
]
KEY_NAMES = ("F2", "F3", "F5", "F6", "Enter", "Down", "Space", "C-s", "Escape")
"""Keys sent by name (the rest is typed as text)."""


def make_home(root: Path) -> tuple[Path, str]:
    sys.path.insert(0, str(ROOT))
    os.environ["DESK_NOW"] = NOW
    from desk.config import Home, read_agency_key
    from desk.context import open_desk
    from desk.dossier import query as dossiers
    from desk.ops.demo import make_demo_home
    from desk.rules.receipt_qr import build_payload

    home = Home(root)
    make_demo_home(home)
    put_scan(home.inbox / "scan_0001.pdf")
    desk = open_desk(home)
    first = dossiers.received_on(desk, desk_now().date(), limit=10)[-1]
    payload = build_payload(first, read_agency_key(home))
    desk.close()
    return root, payload


def put_scan(path: Path) -> None:
    """A one-page "scan" in the inbox, five minutes old by the demo's clock."""
    from datetime import datetime, timedelta
    from io import BytesIO

    from reportlab.pdfgen import canvas

    buf = BytesIO()
    page = canvas.Canvas(buf, invariant=1)
    page.drawString(72, 760, "Giay chung sinh (scan)")
    page.save()
    path.write_bytes(buf.getvalue())
    at = (datetime.fromisoformat(NOW) - timedelta(minutes=5)).timestamp()
    os.utime(path, (at, at))


def desk_now():
    from desk import clock

    return clock.now()


async def svg(home: Path, payload: str, name: str, keys: list[str]) -> None:
    from screens.app import DeskApp

    app = DeskApp(home, "vi")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        for key in keys:
            if key in ("SCAN", "SCAN_2", "RECEIPT"):
                text = {"SCAN": SCAN, "SCAN_2": SCAN_2, "RECEIPT": payload}[key]
                app.focused.value = text
                await pilot.press("enter")
            elif len(key) > 1 and not key[0].isupper() and key not in ("enter",):
                await pilot.press(*key)
            else:
                await pilot.press(
                    {"C-s": "ctrl+s", "Enter": "enter", "Down": "down", "Space": "space", "Escape": "escape"}.get(
                        key, key.lower()
                    )
                )
            await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        app.save_screenshot(str(HERE / f"{name}.svg"))


def tmux_text(home: Path, payload: str, name: str, keys: list[str], width: int, height: int) -> None:
    socket = f"motcua-capture-{os.getpid()}-{name}-{width}"
    base = ["tmux", "-L", socket]
    cmd = f"cd {ROOT} && env DESK_NOW={NOW} LANG=C.UTF-8 {sys.executable} -m desk --home {home}"
    subprocess.run(
        [*base, "-f", "/dev/null", "new-session", "-d", "-s", "c", "-x", str(width), "-y", str(height), cmd], check=True
    )
    try:
        time.sleep(2.5)
        for key in keys:
            if key in ("SCAN", "SCAN_2", "RECEIPT"):
                text = {"SCAN": SCAN, "SCAN_2": SCAN_2, "RECEIPT": payload}[key]
                subprocess.run([*base, "send-keys", "-t", "c", "-l", text], check=True)
                subprocess.run([*base, "send-keys", "-t", "c", "Enter"], check=True)
            elif key in KEY_NAMES:
                subprocess.run([*base, "send-keys", "-t", "c", key], check=True)
            else:
                subprocess.run([*base, "send-keys", "-t", "c", "-l", key], check=True)
            time.sleep(0.6)
        time.sleep(1.5)
        shown = subprocess.run([*base, "capture-pane", "-t", "c", "-p"], capture_output=True, text=True).stdout
        (HERE / f"{name}-{width}x{height}.txt").write_text(shown, encoding="utf-8")
    finally:
        subprocess.run([*base, "kill-server"], capture_output=True)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home, payload = make_home(Path(tmp) / "home")
        for name, keys in SHOTS:
            asyncio.run(svg(home, payload, name, keys))
        if shutil.which("tmux"):
            for name, keys in SHOTS:
                for width, height in ((80, 24), (120, 36)):
                    tmux_text(home, payload, name, keys, width, height)
    print(f"screenshots written to {HERE}")


if __name__ == "__main__":
    main()
