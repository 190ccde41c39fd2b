"""Textual's ``prevent`` kept to the code inside the block, as documented, not to every task of the app.

``with widget.prevent(Input.Changed): ...`` is to silence the messages that the code inside the block posts
(the intake empties its form that way: no "required" under fields the clerk never touched). Textual keeps the
prevented types on one stack in a context variable, and each task of the app (one per screen and widget)
starts with a copy of the app's context, so all of them hold the same list. A message posted inside a block
carries the block's types, and Textual handles it inside ``prevent`` of those types again, across the
handler's awaits: meanwhile, any other widget's message of those types was marked prevented and never
handled. A scanner's line typed into a field at that moment was never taken; a keystroke was not validated.
On a busy machine a test of that failed 2 runs of 45.

:func:`install` gives the app a stack that is each task's (and each thread's) own; Textual reads and
changes it as before (``stack[-1]``, ``append``, ``pop``). Textual offers no public hook for this: it sets
Textual's context variable in the context that builds the app, before the app reads it, and the app's tasks
start from that context when the app runs there (``desk``, and the tests: built, then run by
``asyncio.run``, which copies the context). Set later, from a handler of the app (``on_load``), it does not
reach the screens' and widgets' tasks: tests/test_tui_prevent.py then fails.
"""

from __future__ import annotations

import asyncio
import threading
import weakref

from textual._context import prevent_message_types_stack


class TaskStacks:
    """A stack of prevented message types per asyncio task, and per thread outside any task."""

    def __init__(self) -> None:
        self._tasks: weakref.WeakKeyDictionary[asyncio.Task, list[set]] = weakref.WeakKeyDictionary()
        self._threads = threading.local()

    def _stack(self) -> list[set]:
        try:
            task = asyncio.current_task()
        except RuntimeError:  # a worker's thread: no event loop runs there
            task = None
        if task is None:
            stack = getattr(self._threads, "stack", None)
            if stack is None:
                stack = self._threads.stack = [set()]
            return stack
        stack = self._tasks.get(task)
        if stack is None:
            stack = self._tasks[task] = [set()]
        return stack

    def __getitem__(self, index: int) -> set:
        return self._stack()[index]

    def append(self, types: set) -> None:
        self._stack().append(types)

    def pop(self) -> set:
        return self._stack().pop()


STACKS = TaskStacks()


def install() -> None:
    """Textual's prevented message types kept per task from here on, in this context and the tasks it starts."""
    prevent_message_types_stack.set(STACKS)  # type: ignore[arg-type]
