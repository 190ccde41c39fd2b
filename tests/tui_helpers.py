"""Helpers of the TUI tests: running Pilot scenarios, reading the screen, simulating a scanner."""

from __future__ import annotations

import asyncio
import functools
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

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
    """The screen as plain text: the text that ``app.export_screenshot()`` shows, line by line, as read from it.

    The same frame as the screenshot (the whole screen, the screens beneath a dialog included), printed to a
    recording console the same way; then what the SVG would hold as text: per line the runs that are not only
    spaces (a line's end is no text), joined, a line without any left out, and the SVG's title (the app's)
    after the first line, where it was read from. The SVG itself (a style per run, a checksum of every segment),
    which only that text was read from, is not made (:func:`_visible_text_from_svg` reads it).
    """
    import io

    from rich.console import Console
    from rich.segment import Segment

    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    segments = list(Segment.filter_control(console._record_buffer))
    rows = [
        "".join(text for text, _style, _control in line if text != " " * len(text) and "\n" not in text)
        for line in Segment.split_and_crop_lines(segments, length=width)
    ]
    lines = [row for row in rows if row]
    if app.title:  # the SVG's title sits between its first line of text and its second
        lines.insert(1 if rows and rows[0] else 0, app.title)
    return "\n".join(lines)


def _visible_text_from_svg(app) -> str:
    """The screen as plain text read from the SVG export (what :func:`visible_text` gives without the SVG)."""
    svg = app.export_screenshot()
    rows: dict[float, list[tuple[float, str]]] = {}
    for x, y, text in re.findall(r'<text [^>]*x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        rows.setdefault(float(y), []).append((float(x), text))
    lines = ["".join(t for _, t in sorted(runs)) for _, runs in sorted(rows.items())]
    text = "\n".join(lines)
    for entity, char in (
        ("&#160;", " "),
        ("&amp;", "&"),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", '"'),
        ("&#x27;", "'"),
    ):
        text = text.replace(entity, char)
    return text


@contextmanager
def scanner_speed() -> Iterator[None]:
    """While Pilot types a scanned line, the "typing stopped" timers do not run out.

    A scanner types a whole line in a few milliseconds; Pilot presses key after key,
    and on a busy machine a pause between two of them can outlast the screens'
    settle times (``SCAN_SETTLE``, ``TYPE_SETTLE``), which would take half a line.
    Held off meanwhile, only the Enter ends the line, as with a real scanner.
    """
    import screens.intake
    import screens.search

    saved = screens.intake.SCAN_SETTLE, screens.search.TYPE_SETTLE
    screens.intake.SCAN_SETTLE = screens.search.TYPE_SETTLE = HELD_OFF
    try:
        yield
    finally:
        screens.intake.SCAN_SETTLE, screens.search.TYPE_SETTLE = saved


HELD_OFF = 3600.0
"""Seconds: longer than any test."""


async def scan_into(pilot, field, line: str, *, typed: int = 4) -> None:
    """What a keyboard-wedge scanner does: types the line after what the field holds, then Enter
    (the last characters really pressed)."""
    with scanner_speed():
        field.value = field.value + line[:-typed]
        field.cursor_position = len(field.value)
        await pilot.press(*line[-typed:], "enter")
        await pilot.pause()


class Patience:
    """When a wait gives up: after ``timeout`` seconds AND ``turns`` turns of the app's loop, not either alone.

    Seconds alone decided a test on a busy machine, where the app may get a tenth of a core: 30 seconds
    were then too few turns for a chain of messages and workers that takes a few on an idle one. Turns
    alone would give a timer (a settle time, the idle lock) no time to run out. Either way a wait that
    gives up decides nothing by itself: the assertion after it says what is missing.
    """

    def __init__(self, timeout: float, turns: int = 300) -> None:
        self.deadline = time.monotonic() + timeout
        self.turns = turns

    def exhausted(self) -> bool:
        self.turns -= 1
        return self.turns <= 0 and time.monotonic() > self.deadline


async def until(pilot, condition: Callable[[], object], *, timeout: float = 30.0) -> bool:
    """Let the app run until ``condition()`` holds: a timer fired, a message arrived, a screen changed.

    Gives up after ``timeout`` seconds and a few hundred turns of the app's loop (:class:`Patience`; then
    the assertion that follows says what is missing); it never decides a test by itself. Workers are not
    waited for.
    """
    patience = Patience(timeout)
    while True:
        await pilot.pause()
        if condition():
            return True
        if patience.exhausted():
            return False
        if _messages_done(pilot.app) and not _working(pilot.app):
            await asyncio.sleep(TIMER_WAIT)  # only a timer can change something now: let it run out


def _quiet(app) -> bool:
    """No worker running, no message waiting in the app, its screens or their widgets, and nothing the current
    screen holds for its next refresh (:func:`_refreshed`)."""
    return not _working(app) and _messages_done(app) and _refreshed(app.screen)


def _refreshed(screen) -> bool:
    """The screen has no layout, repaint or recompose waiting for its next refresh, and no callback waiting for
    that refresh (``call_after_refresh``: the footer rebuilds its keys that way once the screen's bindings
    changed, after the worker that changed them had finished and every queue was empty). Textual's private
    state, read only: a test that read the screen in between saw a footer without keys."""
    return not (
        screen._callbacks
        or screen._next_callbacks
        or screen._layout_required
        or screen._scroll_required
        or screen._repaint_required
        or screen._recompose_required
        or screen._dirty_widgets
    )


async def settle(pilot, until=None, *, timeout: float = 30.0) -> None:
    """Let workers finish and their messages arrive; with ``until``, keep going until it holds.

    A worker's result reaches the screen as a message posted from its thread, and
    what that message does (close a dialog, start the next worker) takes further
    turns of the event loop; so without ``until`` this goes on until the app has
    been quiet twice in a row. Gives up after ``timeout`` seconds and enough turns: the assertion
    that follows says what is missing (see :class:`Patience`).
    """
    from textual.worker import WorkerFailed

    patience = Patience(timeout)
    quiet = 0
    while True:
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerFailed:
            pass  # the screen shows the failure (an error dialog), which is what the test then looks at
        await pilot.pause()
        if until is not None:
            if until():
                return
        elif _quiet(pilot.app):
            quiet += 1
            if quiet == 2:
                return
        else:
            quiet = 0
        if patience.exhausted():
            return


@contextmanager
def css_parsed_once() -> Iterator[None]:
    """Meanwhile the CSS rules a Textual app parses are kept for every app that follows, not for one.

    Each app a test starts parses the same sources (``screens/app.tcss``, every widget's
    ``DEFAULT_CSS``) with the same theme variables; Textual keeps the parsed rules per
    stylesheet, 64 at most, and each ``refresh_css`` starts from an empty one, so every test
    paid the parse again (a tenth of a TUI test's CPU). Kept here by everything the parse
    reads, the theme's variables included: the rules are the ones the app would parse, and
    they are not changed once parsed (Textual reuses them the same way within one app).
    A source that fails to parse raises each time, as before.
    """
    from textual.css.stylesheet import Stylesheet

    parse_rules = Stylesheet._parse_rules
    parsed: dict[tuple, list] = {}

    def kept(self, css, read_from, is_default_rules=False, tie_breaker=0, scope=""):
        key = (css, read_from, is_default_rules, tie_breaker, scope, tuple(sorted(self._variables.items())))
        rules = parsed.get(key)
        if rules is None:
            rules = parsed[key] = parse_rules(self, css, read_from, is_default_rules, tie_breaker, scope)
        return rules

    Stylesheet._parse_rules = kept  # type: ignore[method-assign]
    try:
        yield
    finally:
        Stylesheet._parse_rules = parse_rules  # type: ignore[method-assign]


PAUSE_TURNS = 20
"""At most this many more turns a pause takes while messages still wait in the app (see :func:`patient_pilot`)."""


@contextmanager
def patient_pilot(patience: float) -> Iterator[None]:
    """Meanwhile Pilot waits for the app by what is left to do in it, not by how busy the process looks.

    ``pilot.pause()`` and each key of ``pilot.press()`` waited until the process seemed idle, judged by its
    CPU time against the wall clock (20 ms of sleep at least); on a busy machine the process is not running
    much anyway, so a pause could return with the messages that the keys set off still waiting (the next
    screen not composed, a dialog not yet closed). Here they wait for the app itself (:func:`_until_done`),
    and a pause goes on, a few turns at most, until no message waits in the app, its screens or their
    widgets (timers are not waited for, as before). And Pilot's own wait for a screen to take its
    messages gets ``patience`` seconds instead of 30, which ran out on such a machine with nothing wrong.
    """
    import textual.app
    import textual.pilot
    from textual.app import App
    from textual.pilot import Pilot

    pause, wait_for_screen, press_keys = Pilot.pause, Pilot._wait_for_screen, App._press_keys
    idle = textual.pilot.wait_for_idle, textual.app.wait_for_idle

    async def patient_pause(self, delay: float | None = None) -> None:
        token = _waiting_app.set(self.app)
        try:
            await pause(self, delay)
            if delay is None:
                for _ in range(PAUSE_TURNS):
                    if _messages_done(self.app):
                        break
                    await pause(self)
        finally:
            _waiting_app.reset(token)

    async def patient_wait_for_screen(self, timeout: float = patience) -> bool:
        return await wait_for_screen(self, timeout)

    async def pressed_until_done(self, keys) -> None:
        token = _waiting_app.set(self)
        try:
            await press_keys(self, keys)
        finally:
            _waiting_app.reset(token)

    Pilot.pause = patient_pause  # type: ignore[method-assign]
    Pilot._wait_for_screen = patient_wait_for_screen  # type: ignore[method-assign]
    App._press_keys = pressed_until_done  # type: ignore[method-assign]
    textual.pilot.wait_for_idle = textual.app.wait_for_idle = _until_done  # type: ignore[assignment]
    try:
        yield
    finally:
        Pilot.pause, Pilot._wait_for_screen = pause, wait_for_screen  # type: ignore[method-assign]
        App._press_keys = press_keys  # type: ignore[method-assign]
        textual.pilot.wait_for_idle, textual.app.wait_for_idle = idle  # type: ignore[assignment]


_waiting_app: ContextVar = ContextVar("_waiting_app", default=None)
"""The app a pause or a key press of Pilot waits for (see :func:`_until_done`)."""

TIMER_WAIT = 0.005
"""Seconds :func:`until` sleeps when nothing but a timer is left to happen (rather than turn the loop meanwhile)."""

LOOK_AGAIN = 0.002
"""Seconds between two looks at the app still busy (every widget's queue is looked at each time)."""


async def _until_done(min_sleep: float = 0.0, max_sleep: float = 1.0) -> None:
    """What Pilot waits for after a key and in a pause: the app done with its messages and workers.

    Textual's ``wait_for_idle`` sleeps 20 ms at least, and on until the process's CPU time stops
    advancing (up to ``max_sleep``): 40 ms a key at least, most of a TUI test's wall spent asleep,
    and a guess on a loaded machine. Here it looks every :data:`LOOK_AGAIN` seconds until no message
    waits in the app, its screens or their widgets and no worker of the app runs, or ``max_sleep`` seconds have passed
    (as before, the wait decides nothing: the assertion after it says what is missing). Timers
    are not waited for: a test that needs one to run out waits for what it does (:func:`until`).
    """
    app = _waiting_app.get()
    if app is None:  # not a pause nor a key (``pilot.exit``): Textual's wait
        from textual._wait import wait_for_idle

        return await wait_for_idle(min_sleep, max_sleep)
    deadline = time.monotonic() + max_sleep
    await asyncio.sleep(0)
    while True:
        running = _working(app)
        if not running and _messages_done(app):
            return
        if time.monotonic() > deadline:
            return
        await asyncio.sleep(LOOK_AGAIN)  # the app's tasks take their messages meanwhile (a turn at a time cost more)


def _working(app) -> bool:
    """A worker of the app has not finished (a closed app has none)."""
    try:
        return any(not worker.is_finished for worker in app.workers)
    except Exception:
        return False


def _messages_done(app) -> bool:
    """No message waits in the app, its screens or their widgets (a running app: a closed one has none)."""
    try:
        if app.message_queue_size:
            return False
        return not any(
            node.message_queue_size for screen in app.screen_stack for node in screen.walk_children(with_self=True)
        )
    except Exception:  # the app is gone or has no screen yet: nothing to wait for here
        return True


_drawing = False


def _draw(app) -> None:
    """Render what changed on the app's screen since the last pause (see :func:`frames_on_pause`)."""
    global _drawing
    try:
        screen = app.screen
    except Exception:  # the app is gone or has no screen yet: nothing to draw
        return
    _drawing = True
    try:
        screen._on_timer_update()  # what Textual's refresh does: a layout first if one is due, then the frame
        if screen.is_current and not app._batch_count and screen._compositor._dirty_regions:
            screen._compositor.render_update(screen_stack=app._background_screens)  # the changes held back
    finally:
        _drawing = False


@contextmanager
def frames_on_pause() -> Iterator[None]:
    """Meanwhile a headless app's screen is rendered when a test looks at it, not at every refresh.

    Textual renders each frame of a headless app (up to 60 a second) and throws it away; in a Pilot
    test that was a quarter of the CPU. Here a frame is rendered at the end of each ``pilot.pause()``
    and of each ``pilot.press(...)`` with all the changes since the last one, so every widget's
    ``render`` still runs on each state a test waits for (an error there still fails the test), and
    a screenshot (``export_screenshot``, the snapshots) renders the whole screen as before.
    """
    from textual._compositor import Compositor
    from textual.pilot import Pilot

    render_update, pause, press = Compositor.render_update, Pilot.pause, Pilot.press

    def on_pause(self, full=False, screen_stack=None, simplify=False):
        if full or _drawing:
            return render_update(self, full, screen_stack, simplify)
        return None  # what changed stays marked for the next pause

    async def pause_drawn(self, delay: float | None = None) -> None:
        await pause(self, delay)
        _draw(self.app)

    async def press_drawn(self, *keys: str) -> None:
        await press(self, *keys)
        _draw(self.app)

    Compositor.render_update = on_pause  # type: ignore[method-assign]
    Pilot.pause, Pilot.press = pause_drawn, press_drawn  # type: ignore[method-assign]
    try:
        yield
    finally:
        Compositor.render_update = render_update  # type: ignore[method-assign]
        Pilot.pause, Pilot.press = pause, press  # type: ignore[method-assign]
