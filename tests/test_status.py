"""The status machine, exhaustively: every (status, action) pair, on the table and on real dossiers."""

import pytest

from desk.cli.wording import describe
from desk.dossier import lifecycle
from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
from desk.errors import InvalidInput
from desk.models import Status
from desk.rules.status import (
    ACTIONS,
    FINAL,
    TRANSITIONS,
    allowed_actions,
    transition,
)
from tests.problem_helpers import raises_problem

S = Status

# written out by hand, independently of desk.rules.status: (status, action) -> new status
EXPECTED = {
    (S.RECEIVED, "transfer"): S.TRANSFERRED,
    (S.RECEIVED, "supplement"): S.SUPPLEMENT,
    (S.RECEIVED, "result"): S.RESULT_READY,  # same-day procedures only
    (S.RECEIVED, "refuse"): S.REFUSED,
    (S.RECEIVED, "withdraw"): S.WITHDRAWN,
    (S.TRANSFERRED, "supplement"): S.SUPPLEMENT,
    (S.TRANSFERRED, "result"): S.RESULT_READY,
    (S.TRANSFERRED, "withdraw"): S.WITHDRAWN,
    (S.TRANSFERRED, "stop"): S.STOPPED,
    (S.SUPPLEMENT, "resume"): S.TRANSFERRED,
    (S.SUPPLEMENT, "withdraw"): S.WITHDRAWN,
    (S.SUPPLEMENT, "stop"): S.STOPPED,
    (S.RESULT_READY, "return"): S.RETURNED,
}

ALL_PAIRS = [
    (s, a)
    for s in Status
    for a in ("transfer", "supplement", "resume", "result", "return", "refuse", "withdraw", "stop")
]


def test_the_actions_are_the_eight_of_the_issue():
    assert ACTIONS == ("transfer", "supplement", "resume", "result", "return", "refuse", "withdraw", "stop")


@pytest.mark.parametrize("status,action", ALL_PAIRS, ids=[f"{s.value}-{a}" for s, a in ALL_PAIRS])
def test_machine_table(status, action):
    allowed = allowed_actions(status)
    if (status, action) in EXPECTED:
        assert action in allowed
        assert transition(status, action).target is EXPECTED[(status, action)]
    else:
        assert action not in allowed
        with pytest.raises(InvalidInput) as err:
            transition(status, action)
        listed = ", ".join(allowed) if allowed else "none"
        assert err.value.problem.params["allowed"] == tuple(allowed)
        assert listed in describe(err.value.problem)
        assert err.value.field == "action"


def test_final_statuses_allow_nothing():
    for status in Status:
        assert (allowed_actions(status) == []) == (status in FINAL)
    assert FINAL == {S.RETURNED, S.REFUSED, S.WITHDRAWN, S.STOPPED}


def test_result_from_received_only_for_same_day():
    assert "result" in allowed_actions(S.RECEIVED, same_day=True)
    assert "result" not in allowed_actions(S.RECEIVED, same_day=False)
    assert "result" in allowed_actions(S.TRANSFERRED, same_day=False)
    with raises_problem(InvalidInput, "action.result_needs_transfer", says="transfer it first"):
        transition(S.RECEIVED, "result", same_day=False)


def test_unknown_action_lists_every_action_and_the_allowed_ones():
    with pytest.raises(InvalidInput) as err:
        transition(S.TRANSFERRED, "approve")
    assert err.value.problem.code == "action.unknown"
    assert "transfer, supplement, resume" in describe(err.value.problem)
    assert "supplement, result, withdraw, stop" in describe(err.value.problem)


def test_every_status_has_a_portal_code():
    from desk.rules.portal import STATUS_CODES

    assert set(STATUS_CODES) == set(Status)


def test_event_types_are_distinct():
    types = [t.event_type for t in TRANSITIONS.values()]
    assert len(set(types)) == len(types) and all(t.startswith("dossier.") for t in types)


# --- on real dossiers -----------------------------------------------------------------

KWARGS = {
    "supplement": {"missing": [("to_khai", "thiếu chữ ký")]},
    "refuse": {"reason": "Không thuộc thẩm quyền"},
    "stop": {"reason": "Công dân không bổ sung"},
    "return": {"satisfaction": "Hài lòng"},
}

# actions that bring a fresh dossier to each status
PATHS = {
    S.RECEIVED: [],
    S.TRANSFERRED: ["transfer"],
    S.SUPPLEMENT: ["supplement"],
    S.RESULT_READY: ["transfer", "result"],
    S.RETURNED: ["transfer", "result", "return"],
    S.REFUSED: ["refuse"],
    S.WITHDRAWN: ["withdraw"],
    S.STOPPED: ["transfer", "stop"],
}


def _dossier_in(desk, status, procedure="1.001193"):
    d, _ = receive(desk, IntakeRequest(procedure_code=procedure, applicant=ApplicantInput(name="Nguyễn Văn An")))
    for action in PATHS[status]:
        d = lifecycle.advance(desk, d.code, action, **KWARGS.get(action, {}))
    assert d.status is status
    return d


@pytest.mark.parametrize("status,action", ALL_PAIRS, ids=[f"{s.value}-{a}" for s, a in ALL_PAIRS])
def test_every_pair_on_a_stored_dossier(desk, status, action):
    from desk.dossier.query import get, timeline

    d = _dossier_in(desk, status)
    n_events = len(timeline(desk, d.code))
    if (status, action) in EXPECTED:
        after = lifecycle.advance(desk, d.code, action, note="ghi chú", **KWARGS.get(action, {}))
        assert after.status is EXPECTED[(status, action)]
        assert get(desk, d.code).status is after.status
        events = timeline(desk, d.code)
        assert len(events) == n_events + 1
        assert events[-1].type == TRANSITIONS[action].event_type
        assert events[-1].payload["note"] == "ghi chú"
        assert events[-1].payload["details"]["from_status"] == status.value
    else:
        with pytest.raises(InvalidInput) as err:
            lifecycle.advance(desk, d.code, action, **KWARGS.get(action, {}))
        allowed = allowed_actions(status)
        assert (", ".join(allowed) if allowed else "none") in describe(err.value.problem)
        assert get(desk, d.code).status is status
        assert len(timeline(desk, d.code)) == n_events


def test_result_at_the_desk_refused_for_a_multi_day_procedure(desk):
    d = _dossier_in(desk, S.RECEIVED, procedure="1.004873")  # 3 working days
    assert lifecycle.available_actions(desk, d) == ["transfer", "supplement", "refuse", "withdraw"]
    with raises_problem(InvalidInput, "action.result_needs_transfer", says="transfer it first"):
        lifecycle.record_result(desk, d.code)
    lifecycle.transfer(desk, d.code)
    assert lifecycle.record_result(desk, d.code).status is S.RESULT_READY
