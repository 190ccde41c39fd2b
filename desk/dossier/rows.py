"""Conversions between stored rows (plain dicts from ``db``) and domain objects."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime

from desk.models import (
    Applicant,
    ApplicantKind,
    Channel,
    ComponentLine,
    Delivery,
    Digitisation,
    Dossier,
    Form,
    IdKind,
    Status,
)
from desk.text import fold


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def line_to_row(line: ComponentLine, position: int) -> dict:
    return {
        "position": position,
        "code": line.code,
        "name": line.name,
        "form": line.form.value,
        "quantity": line.quantity,
        "received": int(line.received),
        "required": int(line.required),
        "must_digitise": int(line.must_digitise),
        "digitisation": line.digitisation.value,
        "reuse_source": line.reuse_source,
        "file_path": line.file_path,
        "file_sha256": line.file_sha256,
        "file_bytes": line.file_bytes,
        "file_pages": line.file_pages,
        "note": line.note,
    }


def row_to_line(row: dict) -> ComponentLine:
    return ComponentLine(
        id=row.get("id"),
        code=row["code"],
        name=row["name"],
        form=Form(row["form"]),
        quantity=row["quantity"],
        received=bool(row["received"]),
        required=bool(row["required"]),
        must_digitise=bool(row["must_digitise"]),
        digitisation=Digitisation(row["digitisation"]),
        reuse_source=row["reuse_source"],
        file_path=row["file_path"],
        file_sha256=row["file_sha256"],
        file_bytes=row["file_bytes"],
        file_pages=row["file_pages"],
        note=row["note"],
    )


def dossier_to_row(d: Dossier, desk_id: str) -> dict:
    """The stored row; ``desk_id``: this desk's, the dossier's own when it has none yet (a new intake)."""
    a = d.applicant
    return {
        "id": d.id,
        "code": d.code,
        "desk_id": d.desk_id or desk_id,
        "desk_no": d.desk_no,
        "procedure_code": d.procedure_code,
        "procedure_name": d.procedure_name,
        "applicant_kind": a.kind.value,
        "applicant_name": a.name,
        "applicant_folded": fold(a.name),
        "id_number": a.id_number,
        "id_kind": a.id_kind.value if a.id_kind else "",
        "birth_date": a.birth_date.isoformat() if a.birth_date else None,
        "sex": a.sex,
        "phone": a.phone,
        "email": a.email,
        "address": a.address,
        "channel": d.channel.value,
        "delivery": d.delivery.value,
        "sets": d.sets,
        "received_at": _iso(d.received_at),
        "due_at": _iso(d.due_at),
        "status": d.status.value,
        "register_book": d.register_book,
        "register_line": d.register_line,
        "clerk": d.clerk,
        "notes": d.notes,
        "paused_at": _iso(d.paused_at),
        "finished_at": _iso(d.finished_at),
        "returned_at": _iso(d.returned_at),
        "collected_by": d.collected_by,
        "satisfaction": d.satisfaction,
        "updated_at": _iso(d.updated_at or d.received_at),
    }


def row_to_dossier(row: dict, lines: list[dict]) -> Dossier:
    return Dossier(
        id=row["id"],
        code=row["code"],
        procedure_code=row["procedure_code"],
        procedure_name=row["procedure_name"],
        applicant=Applicant(
            name=row["applicant_name"],
            kind=ApplicantKind(row["applicant_kind"]),
            id_number=row["id_number"],
            id_kind=IdKind(row["id_kind"]) if row["id_kind"] else None,
            birth_date=date.fromisoformat(row["birth_date"]) if row["birth_date"] else None,
            sex=row["sex"],
            phone=row["phone"],
            email=row["email"],
            address=row["address"],
        ),
        received_at=datetime.fromisoformat(row["received_at"]),
        due_at=_dt(row["due_at"]),
        status=Status(row["status"]),
        channel=Channel(row["channel"]),
        delivery=Delivery(row["delivery"]),
        sets=row["sets"],
        register_book=row["register_book"],
        register_line=row["register_line"],
        clerk=row["clerk"],
        notes=row["notes"],
        desk_no=row["desk_no"],
        components=[row_to_line(r) for r in lines],
        paused_at=_dt(row["paused_at"]),
        finished_at=_dt(row["finished_at"]),
        returned_at=_dt(row["returned_at"]),
        collected_by=row["collected_by"],
        satisfaction=row["satisfaction"],
        updated_at=_dt(row["updated_at"]),
        desk_id=row["desk_id"],
    )


def snapshot(d: Dossier, desk_id: str) -> dict:
    """The dossier's whole state as carried in its events, enough to rebuild it at a hub."""
    row = dossier_to_row(d, desk_id)
    del row["applicant_folded"]  # derived; recomputed on rebuild
    return {"dossier": row, "components": [line_to_row(c, i) for i, c in enumerate(d.components, 1)]}


_FOLDED_WORDS: dict[str, str] = {}
_FOLDED_WORDS_MAX = 200_000


def fold_name(name: str) -> str:
    """``fold(name)``, word by word with the words remembered (rebuilding thousands of dossiers at a hub).

    Equal to ``fold`` because fold works character by character and keeps
    whitespace where it was (tests/test_bundle.py checks both).
    """
    out = []
    for word in name.split():
        folded = _FOLDED_WORDS.get(word)
        if folded is None:
            if len(_FOLDED_WORDS) >= _FOLDED_WORDS_MAX:
                _FOLDED_WORDS.clear()
            folded = _FOLDED_WORDS[word] = fold(word)
        if folded:
            out.append(folded)
    return " ".join(out)


def from_snapshot(snap: dict) -> tuple[dict, list[dict]]:
    """Rows to store from an event's snapshot."""
    row = dict(snap["dossier"])
    row.setdefault("applicant_kind", ApplicantKind.CITIZEN.value)  # a snapshot older than the kinds: a citizen's
    row["applicant_folded"] = fold_name(row["applicant_name"])
    return row, [dict(c) for c in snap["components"]]


def dossier_json(d: Dossier) -> dict:
    """The JSON shape of SPEC §9."""
    a = d.applicant
    return {
        "code": d.code,
        "id": d.id,
        "procedure_code": d.procedure_code,
        "procedure_name": d.procedure_name,
        "status": d.status.value,
        "received_at": _iso(d.received_at),
        "due_at": _iso(d.due_at),
        "channel": d.channel.value,
        "delivery": d.delivery.value,
        "sets": d.sets,
        "register_book": d.register_book,
        "register_line": d.register_line,
        "clerk": d.clerk,
        "notes": d.notes,
        "applicant": {
            "kind": a.kind.value,
            "name": a.name,
            "id_number": a.id_number,
            "id_kind": a.id_kind.value if a.id_kind else None,
            "birth_date": a.birth_date.isoformat() if a.birth_date else None,
            "sex": a.sex,
            "phone": a.phone,
            "email": a.email,
            "address": a.address,
        },
        "components": [
            {
                "code": c.code,
                "name": c.name,
                "form": c.form.value,
                "quantity": c.quantity,
                "received": c.received,
                "required": c.required,
                "must_digitise": c.must_digitise,
                "digitisation": c.digitisation.value,
                "reuse_source": c.reuse_source,
                "file": c.file_path or None,
            }
            for c in d.components
        ],
        **({"fee_due": asdict(d.fee_due)} if d.fee_due is not None else {}),
    }
