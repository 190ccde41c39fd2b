"""The records check (desk.sync.records) on events of any shape: a refusal naming the event, never a crash.

A pushed batch reaches the check as parsed JSON (desk.sync.hub_app) and a bundle's line as the codec read it;
either may hold, where a text is expected, a list or an object, which cannot be put in a set.
"""

from __future__ import annotations

import pytest

from desk.errors import IntegrityFailure
from desk.rules.canonical import GENESIS, dumps, event_hash, read_event_line
from desk.sync.records import RunCheck, check_records, received_events
from tests.problem_helpers import raises_problem

DESK = "d-1"


def record(**change) -> dict:
    r = {
        "seq": 1,
        "event_id": "e-1",
        "desk_id": DESK,
        "dossier_code": "",
        "type": "note.added",
        "at": "2026-11-02T08:00:00",
        "clerk": "Nguyễn Văn An",
        "payload": {},
        "prev_hash": GENESIS,
    }
    r.update(change)
    r["hash"] = event_hash(r)
    return r


@pytest.mark.parametrize("how", ["pushed", "read from a line"])
def test_the_event_these_tests_change_keeps_the_records_rules(how):
    check = RunCheck(desk_id=DESK, where="w")
    assert len(check.add(events_of(record(), how))) == 1
    assert check.problems == []


def events_of(r: dict, how: str) -> list:
    return received_events([r]) if how == "pushed" else [read_event_line(dumps(r))]


@pytest.mark.parametrize("field", ["desk_id", "event_id", "type", "dossier_code", "clerk", "at", "prev_hash"])
@pytest.mark.parametrize("value", [["d-1"], {"d": 1}, 7, None])
@pytest.mark.parametrize("how", ["pushed", "read from a line"])
def test_a_text_of_another_type_is_refused_naming_the_event(field, value, how):
    r = record(**{field: value})
    with raises_problem(IntegrityFailure, "records.refused", says=r"event #1 \(seq 1\)"):
        check_records(events_of(r, how), desk_id=DESK, where="w")
