"""The desk's catalogue of procedures, stored in the database as catalogue JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from db import queries, write_transaction
from desk import clock
from desk.catalog.formats import load_catalog
from desk.catalog.schema import procedure_from_dict, procedure_to_dict
from desk.context import Desk
from desk.errors import NotFound
from desk.models import Procedure
from desk.text import fold


def import_catalog(desk: Desk, path: str | Path) -> list[Procedure]:
    """Validate the whole file first, then store every procedure in one transaction."""
    procedures = load_catalog(Path(path))
    at = clock.now().isoformat(timespec="seconds")
    with write_transaction(desk.db):
        for p in procedures:
            queries.upsert_procedure(
                desk.db,
                {
                    "code": p.code,
                    "name": p.name,
                    "name_folded": fold(p.name),
                    "field": p.field,
                    "data": json.dumps(procedure_to_dict(p), ensure_ascii=False, sort_keys=True),
                    "imported_at": at,
                },
            )
    return procedures


def _from_row(row: Mapping[str, Any]) -> Procedure:
    return procedure_from_dict(json.loads(row["data"]))


def list_procedures(desk: Desk) -> list[Procedure]:
    return [_from_row(r) for r in queries.procedure_rows(desk.db)]


def get_procedure(desk: Desk, code: str) -> Procedure:
    row = queries.procedure_row(desk.db, code.strip())
    if row is None:
        raise NotFound("catalog.unknown_procedure", field="procedure", code=code.strip())
    return _from_row(row)


def filter_procedures(procedures: list[Procedure], text: str) -> list[Procedure]:
    """Procedures whose code or folded name contains every word typed ("khai sinh", "1.0011")."""
    words = fold(text).split()
    if not words:
        return list(procedures)
    out = []
    for p in procedures:
        hay = f"{p.code.lower()} {fold(p.name)} {fold(p.field)}"
        if all(w in hay for w in words):
            out.append(p)
    return out
