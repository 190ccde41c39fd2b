"""One procedure of the catalogue: its fields, their limits, how each is checked, its JSON shape.

The file formats (``desk.catalog.formats``) and the database (``desk.catalog.store``)
both build procedures here. A refusal is an ``InvalidInput`` whose problem names
the place (file, CSV line or procedure number, procedure code, component or fee)
in its parameters, the field as people see it, and what is wrong
(``catalog.not_whole``, ``catalog.required``, …); nothing here makes sentences.
Where a value came from and how one value is checked (text, codes, numbers, flags)
is ``desk.catalog.values``, shared with the file formats.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from desk.catalog.values import (
    LOCAL_CODE,
    Place,
    absent,
    flag,
    local_code,
    procedure_code,
    refuse_unknown_keys,
    shown,
    text_value,
    whole_number,
)
from desk.models import (
    ComponentSpec,
    Delivery,
    Fee,
    Form,
    Procedure,
    ProcessingTime,
    Tariff,
    TariffPer,
    TariffRate,
    TimeUnit,
)
from desk.text import clean, fold

NAME_MAX = 500  # procedure, component, result and fee names
FIELD_MAX = 200  # lĩnh vực
UNIT_MAX = 50  # fee unit ("bản", "trang")
NOTE_MAX = 10_000  # a JSON catalogue's note
QUANTITY_MAX = 99
AMOUNT_MAX = 1_000_000_000  # đồng
DAYS_MAX = 365
HOURS_MAX = 8 * 365

PROCEDURE_KEYS = (
    "code",
    "name",
    "field",
    "field_code",
    "processing",
    "fees",
    "components",
    "result_name",
    "delivery_options",
    "fee_by_province",
    "immediate_result",
    "tariff",
)
PROCESSING_KEYS = ("unit", "value")
FEE_KEYS = ("name", "amount", "code", "unit")
TARIFF_KEYS = ("per", "rates", "cap")
RATE_KEYS = ("from", "amount")
TARIFF_PERS = tuple(t.value for t in TariffPer)
TARIFF_EXAMPLE = '{"per": "page", "rates": [{"from": 1, "amount": 2000}, {"from": 3, "amount": 1000}], "cap": 200000}'
COMPONENT_KEYS = ("code", "name", "form", "quantity", "required", "must_digitise")
PROCESSING_EXAMPLE = '{"unit": "working_days", "value": 3}'


# ---------------------------------------------------------------------------
# choices, and the parts of a procedure (the values themselves: desk.catalog.values)


def _choice_key(text: str) -> str:
    # "Bản sao chứng thực" / "ban-sao chung_thuc" -> "ban_sao_chung_thuc"
    return "_".join(fold(text).replace("_", " ").replace("-", " ").split())


_FORM_BY_KEY = {form.value: form for form in Form} | {_choice_key(f.label_vi): f for f in Form}
FORMS = tuple(f.value for f in Form)
UNITS = tuple(u.value for u in TimeUnit)
DELIVERIES = tuple(d.value for d in Delivery)


def form(value: object, place: Place, field: str) -> Form:
    """The form of a component, by its value or its Vietnamese label."""
    if absent(value):
        place.fail(field, "catalog.required_choice", choices=FORMS)
    if isinstance(value, str):
        found = _FORM_BY_KEY.get(_choice_key(clean(value)))
        if found is not None:
            return found
    place.fail(field, "catalog.not_choice", value=shown(value), choices=FORMS)


def processing_time(unit: object, value: object, place: Place, *, from_text: bool) -> ProcessingTime:
    """A processing time from its unit and value (none for same_day)."""
    if absent(unit):
        place.fail("unit", "catalog.required_choice", choices=UNITS)
    if not isinstance(unit, str) or clean(unit) not in UNITS:
        place.fail("unit", "catalog.not_choice", value=shown(unit), choices=UNITS)
    time_unit = TimeUnit(clean(unit))
    if time_unit is TimeUnit.SAME_DAY:
        whole_number(value, place, "value", minimum=0, maximum=0, default=0, from_text=from_text)
        return ProcessingTime(time_unit, 0)
    maximum = DAYS_MAX if time_unit is TimeUnit.WORKING_DAYS else HOURS_MAX
    number = whole_number(value, place, "value", minimum=1, maximum=maximum, default=None, from_text=from_text)
    return ProcessingTime(time_unit, number)


def delivery_options(value: object, place: Place, field: str, *, from_text: bool) -> tuple[str, ...]:
    """How results may be delivered: a list (JSON) or words split by , ; | or spaces (CSV)."""
    if absent(value):
        return (Delivery.COUNTER.value,)
    if from_text and isinstance(value, str):
        items: list[object] = [part for part in re.split(r"[\s,;|]+", clean(value)) if part]
    elif isinstance(value, list):
        items = list(value)
    else:
        place.fail(field, "catalog.not_choice_list", value=shown(value), choices=DELIVERIES)
    if not items:
        place.fail(field, "catalog.no_choice", choices=DELIVERIES)
    chosen: list[str] = []
    for item in items:
        if not isinstance(item, str) or clean(item) not in DELIVERIES:
            place.fail(field, "catalog.not_choice", value=shown(item), choices=DELIVERIES)
        if clean(item) in chosen:
            place.fail(field, "catalog.listed_twice", value=shown(item))
        chosen.append(clean(item))
    return tuple(chosen)


def component(raw: Mapping[str, object], place: Place, *, from_text: bool) -> ComponentSpec:
    """One component from its keys (JSON) or cells (CSV)."""
    return ComponentSpec(
        code=local_code(raw.get("code"), place, "code", required=True),
        name=text_value(raw.get("name"), place, "name", max_len=NAME_MAX, required=True),
        form=form(raw.get("form"), place, "form"),
        quantity=whole_number(
            raw.get("quantity"), place, "quantity", minimum=1, maximum=QUANTITY_MAX, default=1, from_text=from_text
        ),
        required=flag(raw.get("required"), place, "required", default=True, from_text=from_text),
        must_digitise=flag(raw.get("must_digitise"), place, "must_digitise", default=False, from_text=from_text),
    )


def fee(raw: Mapping[str, object], place: Place, *, from_text: bool) -> Fee:
    """One fee from its keys (JSON) or cells (CSV)."""
    return Fee(
        name=text_value(raw.get("name"), place, "name", max_len=NAME_MAX, required=True),
        amount=whole_number(
            raw.get("amount"),
            place,
            "amount",
            minimum=0,
            maximum=AMOUNT_MAX,
            default=None,
            from_text=from_text,
            amount=True,
        ),
        code=local_code(raw.get("code"), place, "code", required=False),
        unit=text_value(raw.get("unit"), place, "unit", max_len=UNIT_MAX, required=False),
    )


def tariff(value: object, place: Place, *, from_text: bool) -> Tariff | None:
    """A per-page or per-copy tariff (the JSON object; in CSV the same object written in its cell), or None."""
    if absent(value):
        return None
    if from_text and isinstance(value, str):
        import json  # only a CSV catalogue with a tariff needs it

        try:
            value = json.loads(value)
        except ValueError:
            place.fail("tariff", "catalog.not_object", value=shown(value), shape=TARIFF_EXAMPLE)
    if not isinstance(value, dict):
        place.fail("tariff", "catalog.not_object", value=shown(value), shape=TARIFF_EXAMPLE)
    inside = place.named(key_prefix="tariff.")
    refuse_unknown_keys(value, TARIFF_KEYS, inside)
    per = value.get("per")
    if absent(per):
        inside.fail("per", "catalog.required_choice", choices=TARIFF_PERS)
    if not isinstance(per, str) or clean(per) not in TARIFF_PERS:
        inside.fail("per", "catalog.not_choice", value=shown(per), choices=TARIFF_PERS)
    rates: list[TariffRate] = []
    for raw, rate_place in _items(value.get("rates"), inside, "rates", "rate", RATE_KEYS, required=True):
        start = whole_number(
            raw.get("from"), rate_place, "from", minimum=1, maximum=99_999, default=None, from_text=False
        )
        amount = whole_number(
            raw.get("amount"),
            rate_place,
            "amount",
            minimum=0,
            maximum=AMOUNT_MAX,
            default=None,
            from_text=False,
            amount=True,
        )
        expected_after = rates[-1].start if rates else 0
        if (not rates and start != 1) or start <= expected_after:
            rate_place.fail("from", "catalog.tariff_rate_order", value=start, after=expected_after)
        rates.append(TariffRate(start, amount))
    cap = whole_number(
        value.get("cap"), inside, "cap", minimum=0, maximum=AMOUNT_MAX, default=0, from_text=False, amount=True
    )
    return Tariff(per=TariffPer(clean(per)), rates=tuple(rates), cap=cap)


def tariff_to_dict(t: Tariff | None) -> dict[str, Any] | None:
    """A tariff in the catalogue's JSON shape, or None."""
    if t is None:
        return None
    return {"per": t.per.value, "rates": [{"from": r.start, "amount": r.amount} for r in t.rates], "cap": t.cap}


# ---------------------------------------------------------------------------
# the JSON shape


def procedure_to_dict(p: Procedure) -> dict[str, Any]:
    """One procedure in the catalogue's JSON shape (every key, in a fixed order)."""
    return {
        "code": p.code,
        "name": p.name,
        "field": p.field,
        "field_code": p.field_code,
        "processing": {"unit": p.processing.unit.value, "value": p.processing.value},
        "fees": [{"name": f.name, "amount": f.amount, "code": f.code, "unit": f.unit} for f in p.fees],
        "components": [
            {
                "code": c.code,
                "name": c.name,
                "form": c.form.value,
                "quantity": c.quantity,
                "required": c.required,
                "must_digitise": c.must_digitise,
            }
            for c in p.components
        ],
        "result_name": p.result_name,
        "delivery_options": list(p.delivery_options),
        "fee_by_province": p.fee_by_province,
        "immediate_result": p.immediate_result,
        "tariff": tariff_to_dict(p.tariff),
    }


def procedure_from_dict(d: object, *, file: str | None = None, number: int | None = None) -> Procedure:
    """Check and build one procedure from its JSON shape.

    ``file`` and ``number`` (the procedure's place in a JSON catalogue) go into
    every problem's place; without them the procedure is one read back from
    the database. Raises ``InvalidInput``.
    """
    at: dict[str, Any] = {}
    if file is not None:
        at["file"] = file
    if number is not None:
        at["procedure"] = number
    place = Place(at)
    if not isinstance(d, dict):
        place.fail(None, "catalog.not_object", value=shown(d), shape="{...}")
    code = procedure_code(d.get("code"), place, "code")
    place = place.also(procedure_code=code)
    refuse_unknown_keys(d, PROCEDURE_KEYS, place)
    name = text_value(d.get("name"), place, "name", max_len=NAME_MAX, required=True)
    field = text_value(d.get("field"), place, "field", max_len=FIELD_MAX, required=True)
    field_code = local_code(d.get("field_code"), place, "field_code", required=False)

    processing_raw = d.get("processing")
    if absent(processing_raw):
        place.fail("processing", "catalog.required_example", example=PROCESSING_EXAMPLE)
    if not isinstance(processing_raw, dict):
        place.fail("processing", "catalog.not_object", value=shown(processing_raw), shape='{"unit": ..., "value": ...}')
    inside = place.named(key_prefix="processing.")
    refuse_unknown_keys(processing_raw, PROCESSING_KEYS, inside)
    processing = processing_time(processing_raw.get("unit"), processing_raw.get("value"), inside, from_text=False)

    fees = tuple(
        fee(raw, item_place, from_text=False)
        for raw, item_place in _items(d.get("fees"), place, "fees", "fee", FEE_KEYS, required=False)
    )
    components: list[ComponentSpec] = []
    seen: dict[str, int] = {}
    for n, (raw, item_place) in enumerate(
        _items(d.get("components"), place, "components", "component", COMPONENT_KEYS, required=True), start=1
    ):
        spec = component(raw, item_place, from_text=False)
        earlier = seen.setdefault(spec.code.casefold(), n)
        if earlier != n:
            item_place.fail("code", "catalog.duplicate_component", value=shown(spec.code), earlier=earlier)
        components.append(spec)

    return Procedure(
        code=code,
        name=name,
        field=field,
        processing=processing,
        components=tuple(components),
        fees=fees,
        field_code=field_code,
        result_name=text_value(d.get("result_name"), place, "result_name", max_len=NAME_MAX, required=False),
        delivery_options=delivery_options(d.get("delivery_options"), place, "delivery_options", from_text=False),
        fee_by_province=flag(d.get("fee_by_province"), place, "fee_by_province", default=False, from_text=False),
        immediate_result=flag(d.get("immediate_result"), place, "immediate_result", default=False, from_text=False),
        tariff=tariff(d.get("tariff"), place, from_text=False),
    )


def _items(
    value: object, place: Place, key: str, noun: str, keys: tuple[str, ...], *, required: bool
) -> list[tuple[dict[str, Any], Place]]:
    """The objects of a list-valued key, each with its place (``item="component", item_number=2``)."""
    if absent(value):
        if required:
            place.fail(key, "catalog.required_list", noun=noun)
        return []
    if not isinstance(value, list):
        place.fail(key, "catalog.not_list", value=shown(value))
    if required and not value:
        place.fail(key, "catalog.empty_list", noun=noun)
    out = []
    for n, raw in enumerate(value, start=1):
        if not isinstance(raw, dict):
            place.fail(key, "catalog.item_not_object", noun=noun, position=n, value=shown(raw))
        item_place = place.also(item=noun, item_number=n)
        raw_code = raw.get("code")
        if isinstance(raw_code, str) and LOCAL_CODE.fullmatch(raw_code.strip()):
            item_place = item_place.also(item_code=raw_code.strip())
        refuse_unknown_keys(raw, keys, item_place)
        out.append((raw, item_place))
    return out
