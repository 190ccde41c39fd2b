"""The TUI's strings of the counter's later parts in English: the fee due at intake, signing in and out.

Merged into ``en.STRINGS`` by ``screens.i18n`` (so that each module stays under 500 lines);
the same keys and placeholders as ``counter_vi.py``.
"""

from __future__ import annotations

STRINGS: dict[str, str] = {
    "key.sign_out": "Sign out",
    "cmd.app.sign_out": "app: sign out (shift handover, the next operator signs in)",
    "login.title": "SIGN IN",
    "login.desk": "desk {desk}",
    "login.idle": "The screen locked after {minutes:# minute|# minutes} without use. Sign in to go on (or hand over the shift).",
    "login.name": "Name",
    "login.name_hint": "account name (accents optional)",
    "login.password": "Password/PIN",
    "login.hint": "Enter: sign in · Ctrl+Q: quit",
    "login.welcome": "Welcome, {name}.",
    "field.pages": "Pages per copy",
    "field.copies": "Copies",
    "placeholder.pages": "pages of each copy",
    "intake.fee_due": "Amount due: {amount}",
    "intake.fee_capped": " (capped)",
    "action.catch_up": "catch up an intake received earlier",
    "action.settings": "change the settings",
    "action.operators": "manage the operator accounts",
    "action.hub_token": "issue a hub token",
    "action.recover": "put a restored desk back in line",
    "action.hub_key": "pin the hub's key",
    "action.signer": "set or clear the signer of scans and results",
    "action.hub_migrate": "move the hub into PostgreSQL",
    "action.hub_desks": "enrol or revoke a desk",
}
