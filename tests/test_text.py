"""desk.text: sanitise, fold and the limits (SPEC §5 "Text")."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desk.cli.wording import describe
from desk.errors import InvalidInput
from desk.text import LIMITS, clean, fold, sanitise

ESC = "\x1b"


def _s(value: str, **kw) -> str:
    kw.setdefault("field", "name")
    kw.setdefault("max_len", 100)
    return sanitise(value, **kw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Nguyễn   Văn\tAn  ", "Nguyễn Văn An"),
        ("\x1b[31mĐỏ\x1b[0m", "Đỏ"),  # SGR colour
        ("a\x1b[2J\x1b[Hb", "ab"),  # clear screen, cursor home
        ("a\x1b[?1049hb", "ab"),  # private mode
        ("a\x1b]0;evil title\x07b", "ab"),  # OSC ended by BEL
        ("a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\b", "alinkb"),  # OSC 8 hyperlink, ST
        ("a\x1bPq#0;2;0;0;0\x1b\\b", "ab"),  # DCS (sixel)
        ("a\x1b7b\x1b8c", "abc"),  # save/restore cursor
        ("a\x1b(Bb", "ab"),  # charset designation
        ("a\x1bcb", "ab"),  # full reset
        ("a\x9b31mb", "ab"),  # 8-bit CSI
        ("a\x9d0;t\x9cb", "ab"),  # 8-bit OSC and ST
        ("abc\x1b", "abc"),  # lone ESC at the end
        ("a\x00b\x07c\x7fd\x85e\x9ff", "abcd ef"),  # C0, DEL, C1 (NEL is a line break)
        ("a\u202eb\u202dc\u2066d\u2069e\u200ff", "abcdef"),  # bidi controls
        ("a\u200bb\u200cc\u200dd\u2060e\ufeff\u00adf", "abcdef"),  # zero-width, BOM, soft hyphen
        ("a\u00a0\u3000b", "a b"),  # other spaces collapse too
        ("line1\nline2\r\nline3", "line1 line2 line3"),  # single-line: breaks become spaces
        ("Nguye\u0302\u0303n", "Nguyễn"),  # NFD -> NFC
        ("e\u200b\u0301", "é"),  # removing an invisible lets the mark compose
        ("", ""),
        ("  \t ", ""),
    ],
)
def test_sanitise_cleans(raw: str, expected: str) -> None:
    assert _s(raw) == expected


def test_multiline_keeps_newlines_and_tidies_lines() -> None:
    raw = "  Dòng một  \r\n\tDòng\x1b[1m  hai\r\r\n\n\n\nDòng ba\u2028cuối \n\n"
    assert _s(raw, multiline=True, max_len=1000) == "Dòng một\nDòng hai\n\nDòng ba\ncuối"


def test_too_long_counts_after_cleaning() -> None:
    assert _s("a" * 10 + "\x1b[31m" + "   ", max_len=10) == "a" * 10
    with pytest.raises(InvalidInput) as exc:
        _s("a" * 11, field="address", max_len=10)
    assert exc.value.field == "address"
    assert exc.value.problem.code == "text.too_long" and exc.value.problem.params == {"length": 11, "limit": 10}
    assert "too long" in describe(exc.value.problem) and "10" in describe(exc.value.problem)


def test_nfc_counts_one_character_per_letter() -> None:
    # "ễ" typed decomposed is three code points but one character after NFC
    assert _s("e\u0302\u0303" * 5, max_len=5) == "ễ" * 5


def test_required() -> None:
    with pytest.raises(InvalidInput) as exc:
        _s(" \u200b\x1b[0m ", field="name", required=True)
    assert exc.value.field == "name"
    assert exc.value.problem.code == "text.required"
    assert "required" in describe(exc.value.problem)
    assert _s("", required=False) == ""


def test_limits_have_the_named_values() -> None:
    assert LIMITS["name"] == 100
    assert LIMITS["address"] == 300
    assert LIMITS["email"] == 254
    assert LIMITS["phone"] == 20
    assert LIMITS["note"] == 1000
    assert LIMITS["id_number"] == 20


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Nguyễn Văn Đức", "nguyen van duc"),
        ("  NGUYỄN\tVĂN   ĐỨC ", "nguyen van duc"),
        ("Nguye\u0302\u0303n", "nguyen"),
        ("Trương Thị Ngọc Ánh", "truong thi ngoc anh"),
        ("Ưu Ơn Ăn Âm Êm Ôm", "uu on an am em om"),
        ("đĐ", "dd"),
        ("", ""),
    ],
)
def test_fold(raw: str, expected: str) -> None:
    assert fold(raw) == expected


def test_fold_makes_typed_query_match() -> None:
    assert fold("nguyen van duc") in fold("Ông Nguyễn Văn Đức, Hà Nội")


# -- properties ---------------------------------------------------------------

_NASTY = st.sampled_from(
    [
        ESC,
        "[",
        "]",
        ";",
        "?",
        "0",
        "1",
        "m",
        "\x07",
        "\\",
        "\x9b",
        "\x9c",
        "\x9d",
        "P",
        "\n",
        "\r",
        "\t",
        " ",
        "\u00a0",
        "\u202e",
        "\u200b",
        "\ufeff",
        "\u0301",
        "\u0303",
        "\u0302",
        "e",
        "E",
        "đ",
        "ễ",
        "|",
        "\x00",
        "\x7f",
        "\x85",
        "\u2028",
    ]
)
_TEXT = st.one_of(st.text(), st.lists(_NASTY).map("".join), st.text(alphabet=_NASTY))


def _forbidden(ch: str, multiline: bool) -> bool:
    if ch == "\n":
        return not multiline
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs")


@settings(max_examples=500)
@given(value=_TEXT, max_len=st.integers(0, 60), multiline=st.booleans(), required=st.booleans())
def test_sanitise_properties(value: str, max_len: int, multiline: bool, required: bool) -> None:
    try:
        out = sanitise(value, field="f", max_len=max_len, multiline=multiline, required=required)
    except InvalidInput as exc:
        assert exc.field == "f"
        cleaned = clean(value, multiline=multiline)
        assert len(cleaned) > max_len or (required and not cleaned)
        return
    assert ESC not in out
    assert not any(_forbidden(ch, multiline) for ch in out)
    assert unicodedata.is_normalized("NFC", out)
    assert len(out) <= max_len
    assert out == out.strip()
    assert "  " not in out and "\t" not in out
    assert not required or out
    assert sanitise(out, field="f", max_len=max_len, multiline=multiline, required=required) == out


@given(_TEXT)
def test_fold_properties(value: str) -> None:
    out = fold(value)
    assert out == fold(out)
    assert out == out.casefold()
    assert "đ" not in out
    assert not any(unicodedata.combining(ch) for ch in out)
    assert out == " ".join(out.split())
