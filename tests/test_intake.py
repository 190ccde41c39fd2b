"""Intake through the core: one transaction for dossier, lines and event; the chain; search."""

from dataclasses import replace
from datetime import datetime

import pytest

from desk.cli.wording import describe
from desk.dossier import events
from desk.dossier import query as dossiers
from desk.dossier.intake import ApplicantInput, IntakeRequest, applicant_from_scan, receive
from desk.errors import InvalidInput, NotFound
from desk.ops.verify import verify
from tests.problem_helpers import raises_problem

SCAN = "001099012345|123456789|Nguyễn Văn An|01011999|Nam|Số 1 Phố Huế, Hai Bà Trưng, Hà Nội|15082021"


def counts(desk):
    db = desk.db
    return tuple(
        db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("dossiers", "component_lines", "events")
    )


def test_receive_creates_dossier_lines_and_event(desk):
    d, warnings = receive(desk, IntakeRequest("1.001193", applicant_from_scan(SCAN)))
    assert d.code == "000.00.12.H29-261123-1001"
    assert d.applicant.name == "Nguyễn Văn An" and d.applicant.id_number == "001099012345"
    assert d.received_at == datetime(2026, 11, 23, 9, 0)
    assert d.due_at == datetime(2026, 11, 23, 17, 0)  # same-day procedure before 15:00
    assert d.clerk == "Nguyễn Thị Lan"
    # required components received (the ID card only shown), optional ones not unless named
    assert [(c.code, c.received, c.form.value) for c in d.components] == [
        ("to_khai", True, "ban_chinh"),
        ("giay_chung_sinh", True, "ban_chinh"),
        ("giay_to_tuy_than", True, "xuat_trinh"),
        ("giay_chung_nhan_ket_hon", False, "xuat_trinh"),
        ("van_ban_uy_quyen", False, "ban_chinh"),
    ]
    stored = dossiers.get(desk, d.code)
    assert stored == d
    ev = dossiers.timeline(desk, d.code)
    assert [e.type for e in ev] == ["dossier.received"]
    assert ev[0].clerk == "Nguyễn Thị Lan" and ev[0].seq == 1 and ev[0].prev_hash == events.GENESIS
    assert ev[0].payload["dossier"]["code"] == d.code


def test_bad_input_leaves_the_database_unchanged(desk):
    before = counts(desk)
    with pytest.raises(InvalidInput) as err:
        receive(desk, IntakeRequest("1.001193", ApplicantInput(name="An", id_number="001899012345")))
    assert err.value.field == "id_number"
    with pytest.raises(NotFound):
        receive(desk, IntakeRequest("9.999999", ApplicantInput(name="An")))
    with raises_problem(InvalidInput, "received_at.future", says="future"):
        receive(desk, IntakeRequest("1.001193", ApplicantInput(name="An"), received_at=datetime(2027, 1, 1, 9)))
    with raises_problem(InvalidInput, "component.not_in_procedure", says="not a component"):
        receive(desk, IntakeRequest("1.001193", ApplicantInput(name="An"), not_received=frozenset({"NOPE"})))
    assert counts(desk) == before


def test_a_failure_inside_the_transaction_rolls_everything_back(desk, monkeypatch):
    before = counts(desk)

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(events, "append", boom)
    with pytest.raises(RuntimeError):
        receive(desk, IntakeRequest("1.001193", ApplicantInput(name="Nguyễn Văn An")))
    assert counts(desk) == before
    # and the code was not consumed: the next intake takes 1001
    monkeypatch.undo()
    d, _ = receive(desk, IntakeRequest("1.001193", ApplicantInput(name="Nguyễn Văn An")))
    assert d.code.endswith("-1001")


def test_a_dossier_lacking_a_required_component_is_refused_and_nothing_written(desk):
    before = counts(desk)
    with raises_problem(InvalidInput, "intake.incomplete", says="to_khai .Tờ khai đăng ký khai sinh") as info:
        receive(
            desk,
            IntakeRequest(
                "1.001193", ApplicantInput(name="An"), not_received=frozenset({"to_khai", "giay_chung_sinh"})
            ),
        )
    assert info.value.problem.params["components"] == ("to_khai", "giay_chung_sinh")
    assert counts(desk) == before


def test_optional_components_received_presented_and_reused(desk):
    d, _ = receive(
        desk,
        IntakeRequest(
            "1.001193",
            ApplicantInput(name="An"),
            received=frozenset({"van_ban_uy_quyen"}),
            presented=frozenset({"giay_chung_nhan_ket_hon"}),
            reused={"giay_chung_sinh": "VNeID"},
            not_received=frozenset({"giay_chung_sinh"}),
        ),
    )
    lines = {c.code: c for c in d.components}
    assert lines["van_ban_uy_quyen"].received
    shown = lines["giay_chung_nhan_ket_hon"]
    assert shown.received and shown.form.value == "xuat_trinh" and not shown.must_digitise
    assert shown.digitisation.value == "not_required"
    reused = lines["giay_chung_sinh"]  # required, not handed in, but reused: the dossier is complete
    assert not reused.received and reused.digitisation.value == "reused_store" and reused.reuse_source == "VNeID"


def test_event_chain_links_and_verify_is_green(desk):
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"):
        receive(desk, IntakeRequest("2.000815", ApplicantInput(name=name)))
    rows = desk.db.execute("SELECT seq, prev_hash, hash FROM events ORDER BY seq").fetchall()
    assert [r[0] for r in rows] == [1, 2, 3]
    assert rows[1][1] == rows[0][2] and rows[2][1] == rows[1][2]
    assert verify(desk).ok


def test_verify_finds_tampering_and_gaps(desk):
    for name in ("A An", "B Bình", "C Cường"):
        receive(desk, IntakeRequest("2.000815", ApplicantInput(name=name)))
    desk.db.execute("UPDATE events SET payload = replace(payload, 'Bình', 'Binh') WHERE seq = 2")
    report = verify(desk)
    assert not report.ok and any("event 2 was altered" in describe(p) for p in report.problems)
    desk.db.execute("DELETE FROM events WHERE seq = 2")
    report = verify(desk)
    assert any("events 2–2 are missing" in describe(p) for p in report.problems)
    assert any(p.code == "dossier.no_events" and "has no events" in describe(p) for p in report.problems)


def test_search_folds_case_diacritics_and_d(desk):
    d, _ = receive(desk, IntakeRequest("2.000815", ApplicantInput(name="Nguyễn Văn Đức", phone="+84 912 345 678")))
    receive(desk, IntakeRequest("2.000815", ApplicantInput(name="Trần Thị Bình")))
    assert [x.code for x in dossiers.search(desk, "nguyen van duc")] == [d.code]
    assert [x.code for x in dossiers.search(desk, "ĐỨC")] == [d.code]
    assert [x.code for x in dossiers.search(desk, "0912345678")] == [d.code]
    assert [x.code for x in dossiers.search(desk, "+84912345678")] == [d.code]
    assert [x.code for x in dossiers.search(desk, "0912 345 678")] == [d.code]
    assert [x.code for x in dossiers.search(desk, "+84 912.345.678")] == [d.code]
    # the tail of a code, as a clerk reads it off a receipt
    assert [x.code for x in dossiers.search(desk, d.code[-11:])] == [d.code]
    assert [x.code for x in dossiers.search(desk, d.code)] == [d.code]
    assert [x.code for x in dossiers.search(desk, d.code.lower())] == [d.code]
    assert dossiers.search(desk, "nobody") == []


def test_search_by_the_start_of_each_word_follows_changes_and_passports(desk):
    d, _ = receive(desk, IntakeRequest("2.000815", ApplicantInput(name="Nguyễn Văn Đức", id_number="ab cde")))
    other, _ = receive(desk, IntakeRequest("2.000815", ApplicantInput(name="Nguyễn Thị Đào")))
    assert [x.code for x in dossiers.search(desk, "ng v d")] == [d.code]
    assert [x.code for x in dossiers.search(desk, "nguyen")] == [other.code, d.code]
    assert [x.code for x in dossiers.search(desk, "ABCD")] == [d.code]  # a passport's letters are words too
    desk.db.execute("UPDATE dossiers SET applicant_folded = 'le van moi' WHERE code = ?", (d.code,))
    assert [x.code for x in dossiers.search(desk, "le v m")] == [d.code]
    assert [x.code for x in dossiers.search(desk, "nguyen")] == [other.code]
    desk.db.execute("DELETE FROM component_lines WHERE dossier_id = ?", (other.id,))
    desk.db.execute("DELETE FROM dossiers WHERE code = ?", (other.code,))
    assert dossiers.search(desk, "nguyen thi") == []


def test_a_home_from_before_the_word_prefixes_finds_its_dossiers_after_the_upgrade(desk):
    from db.migrations import migrate

    d, _ = receive(desk, IntakeRequest("2.000815", ApplicantInput(name="Trần Thị Bình")))
    for name in ("dossiers_words_ai", "dossiers_words_ad", "dossiers_words_au"):
        desk.db.execute(f"DROP TRIGGER {name}")
    desk.db.execute("DROP TABLE dossiers_words")
    desk.db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm008_word_prefixes'")
    migrate(desk.db)
    assert [x.code for x in dossiers.search(desk, "tran thi b")] == [d.code]


def test_clock_backwards_is_detected(desk, now):
    receive(desk, IntakeRequest("2.000815", ApplicantInput(name="A An")))
    now("2026-11-23T08:00:00")
    receive(desk, IntakeRequest("2.000815", ApplicantInput(name="B Bình")))
    report = verify(desk)
    assert report.ok and any("clock went backwards" in describe(w) for w in report.warnings)


def test_today_counts(desk, now):
    old = IntakeRequest("1.001776", ApplicantInput(name="Old One"), received_at=datetime(2026, 11, 2, 9))
    receive(desk, replace(old, catch_up=True, catch_up_reason="Máy tính hỏng ngày 02/11"))
    receive(desk, IntakeRequest("1.001193", ApplicantInput(name="New One")))
    c = dossiers.today_counts(desk)
    assert c["received"] == 1
    assert c["due_today"] == 1  # the same-day birth registration
    assert c["pending_sync"] == 2
    now("2026-11-30T09:00:00")
    c = dossiers.today_counts(desk)
    # 10 working days from 2 Nov 09:00 → 16 Nov 09:00; overdue a week later
    assert c["overdue"] == 2
