"""desk.rules.chipqr: the line a 2D scanner types from the chip ID card's QR code."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desk.errors import InvalidInput
from desk.models import ApplicantKind, IdKind
from desk.rules.chipqr import ChipCard, looks_like_chip_qr, parse_chip_qr
from desk.rules.idnumbers import PROVINCES

SAMPLE = "001099012345|123456789|Nguyễn Văn An|01011999|Nam|Số 1 Phố Huế, Hai Bà Trưng, Hà Nội|15082021"
EXPECTED = ChipCard(
    id_number="001099012345",
    old_id="123456789",
    name="Nguyễn Văn An",
    birth_date=date(1999, 1, 1),
    sex="Nam",
    address="Số 1 Phố Huế, Hai Bà Trưng, Hà Nội",
    issue_date=date(2021, 8, 15),
)


def test_domain_example() -> None:
    assert parse_chip_qr(SAMPLE) == EXPECTED
    assert looks_like_chip_qr(SAMPLE)


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r", "  \r\n"])
def test_trailing_line_end(ending: str) -> None:
    assert parse_chip_qr(SAMPLE + ending) == EXPECTED


def test_decomposed_text_from_the_scanner() -> None:
    nfd = unicodedata.normalize("NFD", SAMPLE)
    assert nfd != SAMPLE
    card = parse_chip_qr(nfd)
    assert card == EXPECTED
    assert unicodedata.is_normalized("NFC", card.name)
    assert unicodedata.is_normalized("NFC", card.address)


def test_empty_old_id_and_missing_issue_date() -> None:
    line = "001099012345||Nguyễn Văn An|01011999|Nam|Số 1 Phố Huế, Hai Bà Trưng, Hà Nội"
    card = parse_chip_qr(line)
    assert card is not None
    assert card.old_id == ""
    assert card.issue_date is None
    assert parse_chip_qr(line + "|") == card


def test_extra_fields_are_kept() -> None:
    card = parse_chip_qr(SAMPLE + "|Nguyễn Văn Bố|Trần Thị Mẹ||X\x1b[31m\r\n")
    assert card is not None
    assert card.extra == ("Nguyễn Văn Bố", "Trần Thị Mẹ", "", "X")
    assert card.issue_date == date(2021, 8, 15)


def test_fields_are_sanitised() -> None:
    line = "001099012345|123456789|  Nguyễn\u200b  Văn\tAn\x1b[2J |01011999| nam |\u202eSố 1 Phố Huế|15082021"
    card = parse_chip_qr(line)
    assert card is not None
    assert card.name == "Nguyễn Văn An"
    assert card.sex == "Nam"
    assert card.address == "Số 1 Phố Huế"


def test_escape_sequence_cannot_inject_a_separator() -> None:
    line = "001099012345|123456789|Nguyễn Văn An\x1b]0;a|b|c\x07|01011999|Nam|Hà Nội|15082021"
    card = parse_chip_qr(line)
    assert card is not None and card.name == "Nguyễn Văn An" and card.birth_date == date(1999, 1, 1)


def test_female_holder_born_in_2000s() -> None:
    card = parse_chip_qr("079304001234||Trần Thị Bích|29022004|Nữ|Quận 1, TP Hồ Chí Minh|01022022")
    assert card is not None
    assert (card.sex, card.birth_date) == ("Nữ", date(2004, 2, 29))


def test_to_applicant() -> None:
    applicant = EXPECTED.to_applicant()
    assert applicant.name == "Nguyễn Văn An"
    assert applicant.kind is ApplicantKind.CITIZEN
    assert applicant.id_kind is IdKind.PERSONAL_ID
    assert applicant.id_number == "001099012345"
    assert applicant.birth_date == date(1999, 1, 1)
    assert applicant.sex == "Nam"
    assert applicant.address == EXPECTED.address


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Nguyễn Văn An",
        "001099012345",
        "001099012345|123456789|Nguyễn Văn An|01011999|Nam",
        "00109901234|123456789|Nguyễn Văn An|01011999|Nam|Hà Nội|15082021",
        "A01099012345|123456789|Nguyễn Văn An|01011999|Nam|Hà Nội|15082021",
        "a|b|c|d|e|f|g",
    ],
)
def test_not_a_chip_qr(text: str) -> None:
    assert parse_chip_qr(text) is None
    assert not looks_like_chip_qr(text)


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("001099012345|123456789|Nguyễn Văn An|32011999|Nam|Hà Nội|15082021", "birth_date"),
        ("001099012345|123456789|Nguyễn Văn An|1999|Nam|Hà Nội|15082021", "birth_date"),
        ("001099012345|123456789|Nguyễn Văn An|01011999|Nam|Hà Nội|15132021", "issue_date"),
        ("001099012345|123456789|Nguyễn Văn An|01011999|X|Hà Nội|15082021", "sex"),
        ("001099012345|12345|Nguyễn Văn An|01011999|Nam|Hà Nội|15082021", "old_id"),
        ("001099012345|123456789||01011999|Nam|Hà Nội|15082021", "name"),
        ("001899012345|123456789|Nguyễn Văn An|01011999|Nam|Hà Nội|15082021", "id_number"),
        ("001099012345|123456789|Nguyễn Văn An|01011999|Nữ|Hà Nội|15082021", "id_number"),
        ("001099012345|123456789|Nguyễn Văn An|01011998|Nam|Hà Nội|15082021", "id_number"),
        ("001099012345|123456789|" + "A" * 101 + "|01011999|Nam|Hà Nội|15082021", "name"),
    ],
)
def test_broken_field_raises(line: str, field: str) -> None:
    assert looks_like_chip_qr(line)
    with pytest.raises(InvalidInput) as exc:
        parse_chip_qr(line)
    assert exc.value.field == field


# -- properties ----------------------------------------------------------------

_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
_WORD = st.text(alphabet=_LETTERS + _LETTERS.upper(), min_size=1, max_size=8)
_NAME = st.lists(_WORD, min_size=1, max_size=5).map(" ".join).filter(lambda s: len(s) <= 100)
_ADDRESS = st.lists(st.one_of(_WORD, st.sampled_from([",", "Số 12", "-", "/"])), max_size=12).map(" ".join)
_DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))


@st.composite
def cards(draw: st.DrawFn) -> ChipCard:
    birth = draw(_DATES)
    sex = draw(st.sampled_from(["Nam", "Nữ"]))
    g = (birth.year // 100 - 19) * 2 + (0 if sex == "Nam" else 1)
    rest = draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    number = f"{draw(st.sampled_from(sorted(PROVINCES)))}{g}{birth.year % 100:02d}{rest}"
    return ChipCard(
        id_number=number,
        old_id=draw(st.one_of(st.just(""), st.text(alphabet="0123456789", min_size=9, max_size=9))),
        name=draw(_NAME),
        birth_date=birth,
        sex=sex,
        address=draw(_ADDRESS),
        issue_date=draw(st.one_of(st.none(), _DATES)),
        extra=tuple(draw(st.lists(_ADDRESS, max_size=3))),
    )


def build_line(card: ChipCard) -> str:
    def ddmmyyyy(value: date | None) -> str:
        return "" if value is None else value.strftime("%d%m") + f"{value.year:04d}"

    fields = [
        card.id_number,
        card.old_id,
        card.name,
        ddmmyyyy(card.birth_date),
        card.sex,
        card.address,
        ddmmyyyy(card.issue_date),
        *card.extra,
    ]
    return "|".join(fields)


@settings(max_examples=300)
@given(card=cards(), nfd=st.booleans(), ending=st.sampled_from(["", "\n", "\r\n"]))
def test_round_trip(card: ChipCard, nfd: bool, ending: str) -> None:
    line = build_line(card) + ending
    if nfd:
        line = unicodedata.normalize("NFD", line)
    assert looks_like_chip_qr(line)
    assert parse_chip_qr(line) == card


_PIPEY = st.lists(
    st.one_of(st.text(max_size=15), st.sampled_from(["01011999", "Nam", "Nữ", "", "x"])), min_size=0, max_size=9
)


@settings(max_examples=500)
@given(
    st.one_of(
        st.text(),
        st.tuples(st.text(alphabet="0123456789", min_size=12, max_size=12), _PIPEY).map(
            lambda t: "|".join([t[0], *t[1]])
        ),
        cards()
        .map(build_line)
        .flatmap(
            lambda line: st.integers(0, len(line)).flatmap(
                lambda i: st.text(max_size=3).map(lambda junk: line[:i] + junk + line[i:])
            )
        ),
    )
)
def test_arbitrary_text_returns_none_or_raises_invalid_input(text: str) -> None:
    try:
        card = parse_chip_qr(text)
    except InvalidInput as exc:
        assert exc.field
        return
    if card is not None:
        assert len(card.id_number) == 12
        assert unicodedata.is_normalized("NFC", card.name + card.address + "".join(card.extra))
