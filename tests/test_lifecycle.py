"""The lifecycle services: the supplement clock, events and audit of every transition, returns, printing."""

import subprocess
import sys
from datetime import date, datetime

import pytest

from desk.dossier import lifecycle, print_log
from desk.dossier.intake import ApplicantInput, IntakeRequest, receive
from desk.dossier.query import get, is_overdue, timeline
from desk.dossier.rows import dossier_to_row, from_snapshot, line_to_row
from desk.errors import InvalidInput, NotFound
from desk.models import Status
from desk.ops.verify import verify
from tests.problem_helpers import raises_problem

CLERK = "Nguyễn Thị Lan"

EVENT_TYPES = {
    "transfer": "dossier.transferred",
    "supplement": "dossier.supplement_requested",
    "resume": "dossier.resumed",
    "result": "dossier.result_ready",
    "return": "dossier.returned",
    "refuse": "dossier.refused",
    "withdraw": "dossier.withdrawn",
    "stop": "dossier.stopped",
}


def _receive(desk, procedure="1.004873", name="Trần Thị Bình"):
    d, _ = receive(desk, IntakeRequest(procedure_code=procedure, applicant=ApplicantInput(name=name)))
    return d


def _last(desk, code):
    return timeline(desk, code)[-1]


def _rebuilt_matches(desk, code):
    """The newest event's snapshot rebuilds the stored dossier exactly."""
    d = get(desk, code)
    row, lines = from_snapshot(_last(desk, code).payload)
    assert row == dossier_to_row(d, desk.desk_id)
    assert lines == [line_to_row(c, i) for i, c in enumerate(d.components, 1)]


# --- the supplement clock ---------------------------------------------------------------


def test_supplement_over_a_weekend_and_a_holiday_moves_due_by_the_working_time_waited(desk, now):
    now("2026-11-16T09:00:00")  # Monday
    d = _receive(desk)  # 3 working days
    assert d.due_at == datetime(2026, 11, 19, 9, 0)
    lifecycle.transfer(desk, d.code)

    now("2026-11-18T15:00:00")  # Wednesday afternoon
    paused = lifecycle.request_supplement(desk, d.code, [("to_khai", "thiếu chữ ký")], note="gọi điện báo")
    assert paused.status is Status.SUPPLEMENT
    assert paused.paused_at == datetime(2026, 11, 18, 15, 0)
    assert paused.due_at == d.due_at  # the due date moves only when the clock runs again

    # past the old due date while waiting: not overdue, the clock is stopped
    now("2026-11-20T10:00:00")
    assert not is_overdue(get(desk, d.code))

    # the weekend of 21-22/11 and the holiday of 24/11 (Ngày Văn hóa Việt Nam) are in the pause
    assert not desk.calendar.is_working_day(date(2026, 11, 24))
    now("2026-11-25T10:00:00")
    resumed = lifecycle.resume(desk, d.code, note="đã bổ sung")
    waited = desk.calendar.working_minutes_between(datetime(2026, 11, 18, 15), datetime(2026, 11, 25, 10))
    assert waited == 29 * 60  # 2 h Wed + 8 h Thu + 8 h Fri + 8 h Mon + 0 Tue + 3 h Wed
    assert resumed.status is Status.TRANSFERRED
    assert resumed.paused_at is None
    assert resumed.due_at == datetime(2026, 11, 25, 16, 0)
    assert desk.calendar.working_minutes_between(d.due_at, resumed.due_at) == waited
    assert get(desk, d.code).due_at == resumed.due_at

    event = _last(desk, d.code)
    assert event.type == "dossier.resumed" and event.payload["note"] == "đã bổ sung"
    assert event.payload["details"] == {
        "from_status": "supplement",
        "paused_at": "2026-11-18T15:00:00",
        "due_before": "2026-11-19T09:00:00",
        "waited_minutes": waited,
        "due_after": "2026-11-25T16:00:00",
    }
    assert verify(desk).ok


def test_resume_the_same_moment_leaves_the_due_date(desk, now):
    d = _receive(desk)
    lifecycle.request_supplement(desk, d.code, note="thiếu giấy tờ")
    assert lifecycle.resume(desk, d.code).due_at == d.due_at


def test_pause_outside_office_hours_costs_nothing(desk, now):
    now("2026-11-20T16:30:00")  # Friday
    d = _receive(desk)
    now("2026-11-20T17:30:00")
    lifecycle.request_supplement(desk, d.code, [("giay_to_tuy_than", "")])
    now("2026-11-23T06:45:00")  # Monday before opening
    assert lifecycle.resume(desk, d.code).due_at == d.due_at


def test_resume_with_the_clock_behind_the_pause_is_refused(desk, now):
    now("2026-11-25T10:00:00")
    d = _receive(desk)
    lifecycle.request_supplement(desk, d.code, note="x")
    now("2026-11-25T09:00:00")
    with raises_problem(InvalidInput, "clock.before_pause", says="date and time"):
        lifecycle.resume(desk, d.code)
    assert get(desk, d.code).status is Status.SUPPLEMENT


def test_supplement_records_missing_components_for_form_02(desk):
    d = _receive(desk)
    lifecycle.request_supplement(
        desk, d.code, [("to_khai", "chưa ký"), ("Giấy xác nhận cư trú", "")], note="hạn 5 ngày"
    )
    event = lifecycle.last_transition(desk, d.code, "supplement")
    form_name = get(desk, d.code).components[0].name  # the component's name, looked up by its code
    assert event.payload["details"]["missing"] == [
        {"component": "to_khai", "name": form_name, "reason": "chưa ký"},
        {"component": "Giấy xác nhận cư trú", "name": "Giấy xác nhận cư trú", "reason": ""},
    ]
    pairs = lifecycle.missing_pairs(event)
    assert pairs[0] == (form_name, "chưa ký")
    assert pairs[1] == ("Giấy xác nhận cư trú", "")
    assert lifecycle.last_transition(desk, d.code, "refuse") is None


def test_supplement_needs_something_missing_or_a_note(desk):
    d = _receive(desk)
    with raises_problem(InvalidInput, "supplement.nothing_missing", says="what is missing"):
        lifecycle.request_supplement(desk, d.code, [])
    assert get(desk, d.code).status is Status.RECEIVED


# --- events and audit of each transition -------------------------------------------------


@pytest.mark.parametrize(
    "steps",
    [
        [
            ("transfer", {}),
            ("result", {}),
            ("return", {"collected_by": "Trần Văn Cường", "satisfaction": "Rất hài lòng"}),
        ],
        [
            ("supplement", {"missing": [("to_khai", "thiếu")]}),
            ("resume", {}),
            ("stop", {"reason": "không đủ điều kiện"}),
        ],
        [("refuse", {"reason": "Không thuộc thẩm quyền giải quyết"})],
        [("transfer", {}), ("supplement", {"missing": [("to_khai", "")]}), ("withdraw", {})],
    ],
    ids=["to-return", "supplement-stop", "refuse", "withdraw"],
)
def test_each_transition_is_an_event_with_who_when_note_and_snapshot(desk, now, steps):
    d = _receive(desk)
    moments = ["2026-11-23T09:30:00", "2026-11-23T10:15:00", "2026-11-23T14:00:00"]
    for (action, kw), moment in zip(steps, moments):
        now(moment)
        before = get(desk, d.code).status
        after = lifecycle.advance(desk, d.code, action, note=f"ghi chú {action}", **kw)
        event = _last(desk, d.code)
        assert event.type == EVENT_TYPES[action]
        assert event.clerk == CLERK
        assert event.at == datetime.fromisoformat(moment)
        assert event.payload["note"] == f"ghi chú {action}"
        assert event.payload["action"] == action
        assert event.payload["details"]["from_status"] == before.value
        assert event.payload["dossier"]["status"] == after.status.value
        assert event.payload["dossier"]["updated_at"] == moment
        _rebuilt_matches(desk, d.code)
    report = verify(desk)
    assert report.ok, report.problems


def test_return_records_who_collected_and_satisfaction(desk, now):
    d = _receive(desk, procedure="1.001193", name="Lê Văn Dũng")
    now("2026-11-23T10:00:00")
    lifecycle.record_result(desk, d.code)  # same-day procedure: result at the desk
    now("2026-11-23T15:00:00")
    r = lifecycle.return_result(desk, d.code, collected_by="Lê Thị Mai", satisfaction="rat hai long")
    assert r.status is Status.RETURNED
    assert r.finished_at == datetime(2026, 11, 23, 10, 0)
    assert r.returned_at == datetime(2026, 11, 23, 15, 0)
    assert r.collected_by == "Lê Thị Mai" and r.satisfaction == "Rất hài lòng"
    stored = get(desk, d.code)
    assert (stored.collected_by, stored.satisfaction, stored.returned_at) == (
        "Lê Thị Mai",
        "Rất hài lòng",
        datetime(2026, 11, 23, 15, 0),
    )
    assert _last(desk, d.code).payload["details"] == {
        "from_status": "result_ready",
        "returned_at": "2026-11-23T15:00:00",
        "collected_by": "Lê Thị Mai",
        "satisfaction": "Rất hài lòng",
    }


def test_return_defaults_to_the_applicant_and_checks_the_answer(desk):
    d = _receive(desk, procedure="1.001193", name="Lê Văn Dũng")
    lifecycle.record_result(desk, d.code)
    with raises_problem(InvalidInput, "satisfaction.unknown", says="Rất hài lòng, Hài lòng, Không hài lòng"):
        lifecycle.return_result(desk, d.code, satisfaction="tuyệt vời")
    assert get(desk, d.code).status is Status.RESULT_READY
    r = lifecycle.return_result(desk, d.code, satisfaction="Không-hài-lòng")
    assert r.collected_by == "Lê Văn Dũng" and r.satisfaction == "Không hài lòng"


@pytest.mark.parametrize(
    "typed,answer",
    [
        ("Rất hài lòng", "Rất hài lòng"),
        ("HAI LONG", "Hài lòng"),
        ("khong_hai_long", "Không hài lòng"),
        ("", ""),
    ],
)
def test_parse_satisfaction(typed, answer):
    assert lifecycle.parse_satisfaction(typed) == answer


def test_result_records_finish_and_whether_on_time(desk, now):
    d = _receive(desk)  # Mon 23/11 09:00 + 3 working days, Tue 24/11 off: due Fri 27/11 09:00
    assert d.due_at == datetime(2026, 11, 27, 9, 0)
    lifecycle.transfer(desk, d.code)
    now("2026-11-27T09:01:00")
    assert is_overdue(get(desk, d.code))
    r = lifecycle.record_result(desk, d.code)
    assert r.finished_at == datetime(2026, 11, 27, 9, 1) and not is_overdue(r)
    assert _last(desk, d.code).payload["details"]["on_time"] is False


def test_refuse_and_stop_need_a_reason_but_an_illegal_move_says_so_first(desk):
    d = _receive(desk)
    with raises_problem(InvalidInput, "refuse.needs_reason", says="needs a reason"):
        lifecycle.refuse(desk, d.code, "  ")
    with raises_problem(InvalidInput, "action.not_allowed", says="cannot stop a dossier that is received"):
        lifecycle.stop(desk, d.code, "")
    r = lifecycle.refuse(desk, d.code, "Hồ sơ không thuộc thẩm quyền")
    assert r.status is Status.REFUSED
    assert (
        lifecycle.last_transition(desk, d.code, "refuse").payload["details"]["reason"] == "Hồ sơ không thuộc thẩm quyền"
    )


def test_withdraw_while_waiting_clears_the_pause(desk):
    d = _receive(desk)
    lifecycle.request_supplement(desk, d.code, note="thiếu")
    w = lifecycle.withdraw(desk, d.code, note="công dân xin rút")
    assert w.status is Status.WITHDRAWN and w.paused_at is None
    assert _last(desk, d.code).payload["details"]["paused_at"] == "2026-11-23T09:00:00"


def test_advance_refuses_options_an_action_does_not_take(desk):
    d = _receive(desk)
    with raises_problem(InvalidInput, "action.wrong_option", says="transfer does not take collected_by"):
        lifecycle.advance(desk, d.code, "transfer", collected_by="X")
    with raises_problem(InvalidInput, "action.unknown", says="unknown action"):
        lifecycle.advance(desk, d.code, "approve")
    with pytest.raises(NotFound):
        lifecycle.advance(desk, "000.00.12.H29-261123-1999", "transfer")
    # empty options are as good as absent (what the CLI passes)
    assert (
        lifecycle.advance(desk, d.code, "transfer", reason=None, missing=[], satisfaction="").status
        is Status.TRANSFERRED
    )


def test_notes_are_cleaned_and_bounded(desk):
    d = _receive(desk)
    lifecycle.transfer(desk, d.code, note="gửi\x1b[31m phòng Tư pháp\x00")
    assert _last(desk, d.code).payload["note"] == "gửi phòng Tư pháp"
    with raises_problem(InvalidInput, "text.too_long", says="too long"):
        lifecycle.request_supplement(desk, d.code, note="x" * 1001)


def test_change_and_event_commit_together(desk, monkeypatch):
    from desk.dossier import events

    d = _receive(desk)

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(events, "append", boom)
    with pytest.raises(RuntimeError):
        lifecycle.transfer(desk, d.code)
    monkeypatch.undo()
    assert get(desk, d.code).status is Status.RECEIVED
    assert [e.type for e in timeline(desk, d.code)] == ["dossier.received"]
    assert verify(desk).ok


# --- overdue: the apology letter's new date -------------------------------------------------


def test_propose_new_due_counts_from_now_when_overdue(desk, now):
    now("2026-11-16T09:00:00")
    d = _receive(desk)  # due Thu 19/11 09:00
    now("2026-11-20T10:00:00")  # Friday, overdue
    assert is_overdue(get(desk, d.code))
    # 2 working days from Fri 10:00: Mon 10:00 + 8 h → Tue is a holiday → Wed 25/11 10:00
    assert lifecycle.propose_new_due(desk, get(desk, d.code), 2) == datetime(2026, 11, 25, 10, 0)


def test_propose_new_due_counts_from_the_due_date_when_still_ahead(desk, now):
    now("2026-11-16T09:00:00")
    d = _receive(desk)  # due Thu 19/11 09:00
    assert lifecycle.propose_new_due(desk, d, 1) == datetime(2026, 11, 20, 9, 0)
    for bad in (0, -1, 366, 1.5, True):
        with pytest.raises(InvalidInput):
            lifecycle.propose_new_due(desk, d, bad)


# --- printing ------------------------------------------------------------------------------


def test_record_print_events(desk, now):
    d = _receive(desk)
    now("2026-11-23T09:05:00")
    e = print_log.record_print(desk, d.code, "receipt", 2, "a4", True, "sent to lp")
    assert e.type == "document.printed" and e.clerk == CLERK and e.at == datetime(2026, 11, 23, 9, 5)
    assert e.payload["print"] == {
        "kind": "receipt",
        "copies": 2,
        "paper": "a4",
        "ok": True,
        "message": "sent to lp",
        "details": {},
    }
    assert e.payload["dossier"]["code"] == d.code  # a snapshot, like every dossier event
    f = print_log.record_print(
        desk, d.code, "apology", 1, "a5", False, "lp: no printer\x1b[0m", details={"new_due": "2026-11-30T09:00:00"}
    )
    assert f.type == "document.print_failed" and f.payload["print"]["message"] == "lp: no printer"
    assert f.payload["print"]["details"] == {"new_due": "2026-11-30T09:00:00"}
    long = print_log.record_print(desk, d.code, "receipt", 0, "a4", False, "lp: " + "x" * 5000)
    assert len(long.payload["print"]["message"]) == 1000
    r = print_log.record_print(desk, "", "register", 1, "a4", True)
    assert r.dossier_code == "" and "dossier" not in r.payload
    assert [x.type for x in timeline(desk, d.code)][-3:] == [
        "document.printed",
        "document.print_failed",
        "document.print_failed",
    ]
    assert get(desk, d.code).status is Status.RECEIVED
    with pytest.raises(InvalidInput):
        print_log.record_print(desk, d.code, "poster", 1, "a4", True)
    with pytest.raises(InvalidInput):
        print_log.record_print(desk, d.code, "receipt", 1, "letter", True)
    with pytest.raises(NotFound):
        print_log.record_print(desk, "000.00.12.H29-261123-1999", "receipt", 1, "a4", True)
    assert verify(desk).ok


# --- the dependency rule ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "module",
    [
        "desk.rules.status",
        "desk.dossier.lifecycle",
        "desk.dossier.checklist",
        "desk.dossier.files",
        "desk.cli.lifecycle",
    ],
)
def test_lifecycle_modules_import_no_ui_pdf_or_imaging(module):
    code = (
        f"import sys, {module}\n"
        "print(','.join(m for m in ('textual', 'rich', 'reportlab', 'PIL', 'screens', 'printing') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"{module} pulls in {out}"
