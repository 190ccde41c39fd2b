"""The one codec (desk.rules.canonical) gives the documented canonical JSON, byte for byte, and reads only it.

The documented canonical JSON (docs/bundle-format.md) is Python's
``json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``
in UTF-8: :func:`reference` below. Every value a desk writes is in the codec's
domain; values outside it are refused on writing and on reading, never written
or hashed otherwise.
"""

from __future__ import annotations

import contextlib
import datetime
import enum
import hashlib
import json
import unicodedata
import uuid

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desk.errors import InvalidInput
from desk.rules import canonical
from desk.rules.canonical import HASHED_FIELDS, NotCanonical
from desk.sync.records import HOSTILE_CHARACTERS, hostile


def reference(value, *, sort_keys: bool = True) -> bytes:
    return json.dumps(value, sort_keys=sort_keys, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


VIETNAMESE = ["Nguyễn Thị Ánh Tuyết", "Đặng Văn Ơn", "ưởng ỹ Ỵ đ Đ", "Bản sao – chứng thực", "Thôn Đông, xã Bench"]
TRICKY = [
    '"ngoặc" và \\ gạch',
    "dòng 1\ndòng 2",
    "tab\there\r\x0b\x0c\b",
    "a/b</script>",
    "\x00\x01\x1f\x7f\x80\x9f",
    "\u2028\u2029\u200b\u202e\ufeff",
    "😀👩‍👩‍👧",
    "\U0010ffff",
    "",
    " ",
    "\\u0041",
    "{}[],:",
]

texts = st.one_of(
    st.text(),  # any Unicode but lone surrogates
    st.sampled_from(VIETNAMESE + TRICKY),
    st.sampled_from(VIETNAMESE).map(lambda t: unicodedata.normalize("NFD", t)),
    st.text(alphabet=st.characters(max_codepoint=0x3000)),
)
integers = st.one_of(
    st.integers(-(2**63), 2**64 - 1), st.sampled_from([0, 1, -1, 2**53, 2**63 - 1, -(2**63), 2**64 - 1])
)
scalars = st.none() | st.booleans() | integers | texts
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.tuples(children, children) | st.dictionaries(texts, children, max_size=6)
    ),
    max_leaves=30,
)


def as_parsed(value):
    """What reading a value back gives: tuples become lists."""
    if isinstance(value, dict):
        return {k: as_parsed(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [as_parsed(v) for v in value]
    return value


@settings(max_examples=400, deadline=None)
@given(values)
def test_dumps_is_the_documented_canonical_json(value):
    assert canonical.dumps(value) == reference(value)
    # a portal record: the same bytes in its own key order
    assert canonical.record_json(value) == reference(value, sort_keys=False)


@settings(max_examples=200, deadline=None)
@given(values)
def test_loads_reads_back_exactly_what_dumps_wrote(value):
    data = canonical.dumps(value)
    assert canonical.loads(data) == as_parsed(value)
    assert type(canonical.loads(data)) is type(as_parsed(value))


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(texts, values, min_size=1, max_size=6))
def test_loads_refuses_every_other_spelling_of_the_same_value(value):
    data = canonical.dumps(value)
    spellings = {
        json.dumps(value, sort_keys=True, ensure_ascii=False).encode(),  # spaces
        json.dumps(value, sort_keys=True, separators=(",", ":")).encode(),  # \u escapes of non-ASCII text
        json.dumps(dict(reversed(list(value.items()))), ensure_ascii=False, separators=(",", ":")).encode(),
        data + b"\n",
        b" " + data,
        b"\xef\xbb\xbf" + data,
    }
    for other in spellings - {data}:
        with pytest.raises(NotCanonical):
            canonical.loads(other)


@pytest.mark.parametrize(
    "value",
    [
        1.5,
        0.1,
        1.0,
        1e-05,
        1.5e-07,
        1e16,
        float("nan"),
        float("inf"),
        -0.0,
        2**64,
        -(2**63) - 1,
        10**30,
        datetime.date(2026, 11, 23),
        datetime.datetime(2026, 11, 23, 9, 0),
        uuid.UUID(int=1),
        enum.Enum("Colour", "RED").RED,
        b"bytes",
        {1, 2},
        {1: "a"},
        {("a",): 1},
        "lone \ud800 surrogate",
        object(),
    ],
)
def test_values_outside_the_domain_are_refused_on_writing(value):
    for wrapped in (value, [value], {"payload": {"nested": [1, value]}}):
        with pytest.raises(InvalidInput) as exc:
            canonical.dumps(wrapped)
        assert exc.value.problem.code == "canonical.value_unsupported"


@settings(max_examples=200, deadline=None)
@given(st.floats())
def test_floats_are_refused_on_writing_and_on_reading(number):
    with pytest.raises(InvalidInput):
        canonical.dumps({"amount": number})
    if number == number and abs(number) != float("inf"):
        for spelling in (reference({"amount": number}), orjson.dumps({"amount": number})):
            with pytest.raises(NotCanonical) as exc:
                canonical.loads(spelling)
            assert exc.value.reason == "number"


@st.composite
def values_holding_a_number_beyond_the_domain(draw):
    """A value of the domain with a float or an integer beyond 64 bits put somewhere inside it."""
    odd = draw(st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(2**64, 10**40),
                         st.integers(-(10**40), -(2**63) - 1)))  # fmt: skip
    value = draw(values)
    if type(value) is dict and value and draw(st.booleans()):
        key = draw(st.sampled_from(sorted(value)))
        # in a list, in an object in an object, in an object of scalars in a list (as a component line's number)
        value[key] = draw(st.sampled_from([[value[key], odd], {"deep": [odd]}, [{"n": 1}, {"n": odd, "t": "x"}]]))
        return value
    return {"amount": [draw(values), odd]} if draw(st.booleans()) else [odd, value]


@settings(max_examples=300, deadline=None)
@given(values_holding_a_number_beyond_the_domain())
def test_a_number_beyond_the_domain_is_found_however_deep_and_however_spelled(value):
    # canonical spacing: refused as a number; other spacing (indented): refused all the same
    spellings = [reference(value)]
    with contextlib.suppress(TypeError):  # orjson writes no integer beyond 64 bits
        spellings.append(orjson.dumps(value, option=orjson.OPT_SORT_KEYS))
    for spelling in spellings:
        with pytest.raises(NotCanonical) as exc:
            canonical.loads(spelling)
        assert exc.value.reason == "number"
    with pytest.raises(NotCanonical):
        canonical.loads(json.dumps(value, sort_keys=True, indent=1, ensure_ascii=False).encode())


@pytest.mark.parametrize(
    "data, reason",
    [
        (b'{"a":18446744073709551616}', "number"),  # beyond 64 bits: read as a float
        (b'{"a":-9223372036854775809}', "number"),
        (b'{"a":1E5}', "number"),
        (b'{"a":NaN}', "json"),
        (b'{"a":Infinity}', "json"),
        (b'{"a":"\\ud800"}', "json"),  # a lone surrogate
        (b'{"a":"\xff"}', "json"),  # not UTF-8
        (b'{"a":1,"a":1}', "form"),
        (b'{"a":"\\u0041"}', "form"),
        (b'{"a":"a\\/b"}', "form"),
        (b'{"a":01}', "json"),
        (b"", "json"),
    ],
)
def test_loads_refuses_what_a_desk_never_writes(data, reason):
    with pytest.raises(NotCanonical) as exc:
        canonical.loads(data)
    assert exc.value.reason == reason


field_texts = st.one_of(st.sampled_from(TRICKY + VIETNAMESE + [',"hash":"', ',"prev_hash":"', ',"payload":']), texts)


@st.composite
def records(draw):
    r = {
        "seq": draw(st.integers(1, 2**53)),
        "event_id": draw(field_texts),
        "desk_id": draw(field_texts),
        "dossier_code": draw(field_texts),
        "type": draw(field_texts),
        "at": draw(field_texts),
        "clerk": draw(field_texts),
        "payload": draw(st.dictionaries(field_texts, values, max_size=5)),
        "prev_hash": draw(field_texts),
    }
    r["hash"] = draw(st.one_of(st.just(canonical.event_hash(r)), field_texts))
    return r


@settings(max_examples=200, deadline=None)
@given(records())
def test_an_event_line_is_written_and_read_with_its_hash(record):
    line = canonical.dumps(record)
    assert line == reference(record)
    payload_json = canonical.dumps(record["payload"])
    fields = {k: record[k] for k in HASHED_FIELDS if k != "payload"}
    assert canonical.event_line(**fields, payload_json=payload_json, hash=record["hash"]) == line
    event = canonical.read_event_line(line)
    assert event.record == as_parsed(record)
    assert event.payload_json == payload_json
    # the digest is that of the documented canonical JSON of the hashed fields
    hashed = reference({k: record[k] for k in HASHED_FIELDS})
    assert event.digest == hashlib.sha256(hashed).hexdigest() == canonical.event_hash(record)
    assert canonical.received_event(as_parsed(record)) == event


@settings(max_examples=100, deadline=None)
@given(records(), st.sampled_from(["seq", "at", "clerk", "prev_hash", "type", "hash"]), values)
def test_a_record_of_another_shape_gets_no_digest(record, name, value):
    if type(value) is type(record[name]):
        return
    record[name] = value
    event = canonical.read_event_line(canonical.dumps(record))
    assert event.digest is None and event.record == as_parsed(record)


def test_hostile_finds_exactly_the_characters_a_desk_never_stores():
    refused = set()
    for lo, _, hi in (part.partition("-") for part in _ranges(HOSTILE_CHARACTERS)):
        refused.update(range(ord(lo), ord(hi or lo) + 1))
    for cp in [*range(0x3000), *range(0xF000, 0x10000), 0x1F600, 0xE0001, 0x10FFFF]:
        ch = chr(cp)
        if unicodedata.category(ch) == "Cs":
            continue
        expected = (cp < 0x20 and ch != "\n") or cp in refused
        for text in (ch, f"Tờ khai – {ch} ạ", f"\\{ch}\\\\"):
            assert hostile(canonical.dumps({"t": text})) == expected, hex(cp)


def _ranges(characters: str) -> list[str]:
    """``a-z`` ranges and single characters of a regex class body."""
    out, i = [], 0
    while i < len(characters):
        if i + 2 < len(characters) and characters[i + 1] == "-":
            out.append(characters[i : i + 3])
            i += 3
        else:
            out.append(characters[i])
            i += 1
    return out
