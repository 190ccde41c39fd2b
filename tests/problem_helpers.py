"""Asserting on problems: the code the core raised, and what the CLI's English says of it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from desk.cli.wording import describe
from desk.errors import DeskError


@contextmanager
def raises_problem(kind: type[DeskError], code: str, says: str | None = None) -> Iterator[pytest.ExceptionInfo]:
    """Like ``pytest.raises(kind)``: the problem must have ``code``, and its English words match ``says``."""
    with pytest.raises(kind) as info:
        yield info
    assert info.value.problem.code == code, str(info.value.problem)
    if says is not None:
        words = describe(info.value.problem)
        assert re.search(says, words), f"{says!r} not in {words!r}"
