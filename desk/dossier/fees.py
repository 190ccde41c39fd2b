"""The fee due counted at intake from the pages or copies the clerk enters (the rule: desk.rules.fees).

Stored beside the dossier (``dossier_fees``) and carried in the ``dossier.received`` event's
``fee``; the receipt prints it. A procedure without a tariff takes no pages or copies.
"""

from __future__ import annotations

from dataclasses import asdict

from db import operator_queries
from desk.errors import InvalidInput
from desk.models import Dossier, FeeDue, Procedure
from desk.rules.fees import fee_due


def count_fee(procedure: Procedure, *, pages: int | None, copies: int | None) -> FeeDue | None:
    """The fee due for what the clerk entered; None when nothing was entered (the receipt leaves the amount
    blank). Pages or copies for a procedure without a tariff are refused (``fee.no_tariff``)."""
    if pages is None and copies is None:
        return None
    if procedure.tariff is None:
        raise InvalidInput("fee.no_tariff", field="pages" if pages is not None else "copies", procedure=procedure.code)
    return fee_due(procedure.tariff, pages=pages or 0, copies=1 if copies is None else copies)


def fee_payload(fee: FeeDue) -> dict:
    """The ``fee`` of a ``dossier.received`` event."""
    return asdict(fee)


def store_fee(db, dossier: Dossier) -> None:
    """Keep the dossier's fee due (inside the intake's transaction)."""
    if dossier.fee_due is not None:
        operator_queries.insert_dossier_fee(db, dossier.id, asdict(dossier.fee_due))


def load_fee(db, dossier: Dossier) -> Dossier:
    """The dossier with its fee due, when one was counted at intake."""
    row = operator_queries.dossier_fee(db, dossier.id)
    if row is not None:
        dossier.fee_due = FeeDue(
            amount=row["amount"],
            pages=row["pages"],
            copies=row["copies"],
            per_copy=row["per_copy"],
            capped=bool(row["capped"]),
        )
    return dossier
