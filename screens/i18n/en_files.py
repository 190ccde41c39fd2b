"""What waits to go to the hub (F5's counters: events, dossiers, files; issue 15), in English; merged into ``en.STRINGS``."""

from __future__ import annotations

STRINGS: dict[str, str] = {
    "sync.pending_events": "Events to sync",
    "sync.pending_dossiers": "Dossiers to sync",
    "sync.pending_files": "Files to send",
    "sync.pending_size": "{files:# file|# files} ({mb} MB) waiting to go to the hub",
    "sync.decimal_mark": ".",
}
