"""Helpers of the TUI tests: running Pilot scenarios, reading the screen, simulating a scanner."""

from __future__ import annotations

import asyncio
import functools
import re

SCAN = "001099012345|123456789|Nguyễn Văn An|01011999|Nam|Số 1 Phố Huế, Hai Bà Trưng, Hà Nội|15082021"
"""What a scanner reads from the demo applicant's chip ID card."""

SIZE = (120, 36)


def pilot_test(scenario):
    """Run an async Pilot scenario as a plain test (no async plugin needed)."""

    @functools.wraps(scenario)
    def test(*args, **kwargs):
        asyncio.run(scenario(*args, **kwargs))

    return test


def visible_text(app) -> str:
    """The screen as plain text (from the SVG export: text runs joined per line)."""
    svg = app.export_screenshot()
    rows: dict[float, list[tuple[float, str]]] = {}
    for x, y, text in re.findall(r'<text [^>]*x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        rows.setdefault(float(y), []).append((float(x), text))
    lines = ["".join(t for _, t in sorted(runs)) for _, runs in sorted(rows.items())]
    text = "\n".join(lines)
    for entity, char in (("&#160;", " "), ("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#x27;", "'")):
        text = text.replace(entity, char)
    return text


async def scan_into(pilot, field, line: str, *, typed: int = 4) -> None:
    """What a keyboard-wedge scanner does: types the line after what the field holds, then Enter
    (the last characters really pressed)."""
    field.value = field.value + line[:-typed]
    field.cursor_position = len(field.value)
    await pilot.press(*line[-typed:], "enter")
    await pilot.pause()


async def settle(pilot, until=None, *, timeout: float = 10.0) -> None:
    """Let workers finish and their messages arrive; with ``until``, keep going until it holds.

    A worker's result reaches the screen as a message posted from its thread, so
    on a busy machine one pause after the worker ends is not always enough.
    """
    import asyncio
    import time

    deadline = time.monotonic() + timeout
    while True:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if until is None or until() or time.monotonic() > deadline:
            return
        await asyncio.sleep(0.05)
