"""A demo home for training and ``make run``: a demo agency, the sample catalogue, sample dossiers."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta

from desk import clock
from desk.catalog.formats import sample_catalog_path
from desk.catalog.store import import_catalog
from desk.config import Home, init_home
from desk.context import open_desk
from desk.dossier import checklist, lifecycle
from desk.dossier.intake import ApplicantInput, IntakeRequest, applicant_from_scan, receive
from desk.errors import HomeError

DEMO_APPLICANTS: list[tuple[str, str | ApplicantInput]] = [
    ("1.001193", "001099012345|123456789|Nguyễn Văn An|01011999|Nam|Số 1 Phố Huế, Hai Bà Trưng, Hà Nội|15082021"),
    (
        "2.000815",
        ApplicantInput(
            name="Trần Thị Bích Ngọc",
            id_number="001301004567",
            birth_date="2001-03-04",
            sex="Nữ",
            phone="0912345678",
            address="Số 12 ngõ 34 Đội Cấn, Ba Đình, Hà Nội",
        ),
    ),
    (
        "1.000894",
        ApplicantInput(
            name="Lê Hoàng Đức",
            id_number="031095006789",
            birth_date="1995-07-21",
            sex="Nam",
            phone="0987654321",
            address="Thôn Đông, xã Minh Khai",
        ),
    ),
    (
        "2.000635",
        ApplicantInput(
            name="Phạm Thị Hương",
            id_number="036186001122",
            birth_date="1986-11-02",
            sex="Nữ",
            phone="0345678901",
            address="Xóm 3, xã Minh Khai",
        ),
    ),
    (
        "1.001776",
        ApplicantInput(
            name="Đỗ Văn Quý",
            id_number="001045000321",
            birth_date="1945-05-19",
            sex="Nam",
            address="Thôn Tây, xã Minh Khai",
        ),
    ),
    (
        "1.004873",
        ApplicantInput(
            name="Vũ Minh Châu",
            id_number="001098007890",
            birth_date="1998-02-14",
            sex="Nam",
            phone="0901234567",
            address="Số 5 đường Láng, Đống Đa, Hà Nội",
        ),
    ),
    (
        "2.000884",
        ApplicantInput(
            name="Hoàng Thị Thu Trang",
            id_number="001300004455",
            birth_date="2000-09-09",
            sex="Nữ",
            phone="0356789012",
            address="Thôn Bắc, xã Minh Khai",
        ),
    ),
    (
        "1.000656",
        ApplicantInput(
            name="Ngô Văn Sơn",
            id_number="001072001234",
            birth_date="1972-04-30",
            sex="Nam",
            address="Xóm 5, xã Minh Khai",
        ),
    ),
    (
        "2.000815",
        ApplicantInput(
            name="Bùi Thị Mai",
            id_number="001188002233",
            birth_date="1988-12-01",
            sex="Nữ",
            phone="0977123456",
            address="Xóm 1, xã Minh Khai",
        ),
    ),
]

# what happens to each sample after intake, so that the demo shows every status
DEMO_STORIES = [
    [("reuse",)],  # received, ID reused from VNeID
    [("transfer",), ("result",), ("return", "Rất hài lòng")],  # returned
    [("supplement",)],  # waiting for a supplement
    [("transfer",), ("result",)],  # result ready
    [("transfer",)],  # with the processing office
    [],  # received long ago: overdue
    [("refuse",)],  # refused at the counter
    [("transfer",), ("stop",)],  # processing stopped
    [("withdraw",)],  # withdrawn by the citizen
]


def _last_working_moment(desk, now: datetime, days_back: int) -> datetime:
    """A moment inside office hours ``days_back`` working days before now (for believable samples); never after
    now: today's moment before the office has opened (a demo made just after midnight) is the day before's."""
    day = now.date()
    while days_back > 0:
        day -= timedelta(days=1)
        if desk.calendar.is_working_day(day):
            days_back -= 1
    moment = datetime.combine(day, desk.settings.hours.morning[0]) + timedelta(hours=1)
    if moment > now:
        return _last_working_moment(desk, now, 1)
    return moment


def make_demo_home(home: Home) -> int:
    """Create the demo home; returns the number of sample dossiers.

    Built under a temporary name and renamed at the end, so that a failure never
    leaves a half-made demo home that the next ``make run`` would take as done.
    """
    if home.exists():
        raise HomeError("home.has_desk", path=str(home.root))
    staging = Home(home.root.with_name(home.root.name + ".partial"))
    shutil.rmtree(staging.root, ignore_errors=True)
    n = _fill_demo_home(staging)
    staging.root.rename(home.root)
    return n


def _fill_demo_home(home: Home) -> int:
    init_home(
        home,
        agency_code="000.00.12.H29",
        agency_name="UBND xã Minh Khai",
        desk_no=1,
        place="Minh Khai",
        clerk="Nguyễn Thị Lan",
    )
    desk = open_desk(home)
    try:
        import_catalog(desk, sample_catalog_path())
        now = clock.now()
        n = 0
        for i, (procedure, who) in enumerate(DEMO_APPLICANTS):
            if isinstance(who, str):
                applicant = applicant_from_scan(who)
            else:
                applicant = who
            # spread over the last weeks so that the today screen shows both today and overdue dossiers
            # (the untouched sample goes back far enough to be overdue whatever the day)
            days_back = 20 if not DEMO_STORIES[i] else (i * 3) % 12
            received = _last_working_moment(desk, now, days_back) if i else None
            # the sample's earlier days are entered now: catch-ups, as a real desk would have to say
            request = IntakeRequest(
                procedure_code=procedure,
                applicant=applicant,
                received_at=received,
                catch_up=received is not None and received < desk.calendar.opening(now.date()),
                catch_up_reason="Hồ sơ mẫu của bản trình diễn",
            )
            dossier, _ = receive(desk, request)
            _play(desk, dossier, DEMO_STORIES[i])
            n += 1
        return n
    finally:
        desk.close()


def _play(desk, dossier, story) -> None:
    code = dossier.code
    for step in story:
        action = step[0]
        if action == "reuse":
            checklist.mark_reused(desk, code, dossier.components[-1].code, "VNeID")
        elif action == "supplement":
            lifecycle.request_supplement(
                desk,
                code,
                [(dossier.components[0].code, "Thiếu chữ ký của người yêu cầu")],
                note="Đề nghị bổ sung trong 05 ngày làm việc",
            )
        elif action == "return":
            lifecycle.return_result(desk, code, satisfaction=step[1])
        elif action == "refuse":
            lifecycle.refuse(desk, code, "Thủ tục không thuộc thẩm quyền giải quyết của UBND xã")
        elif action == "stop":
            lifecycle.stop(desk, code, "Người yêu cầu không bổ sung hồ sơ theo yêu cầu")
        else:
            lifecycle.advance(desk, code, action)
