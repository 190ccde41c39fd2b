"""What waits to go to the hub (F5's counters: events, dossiers, files; issue 15), in Vietnamese; merged into ``vi.STRINGS``."""

from __future__ import annotations

STRINGS: dict[str, str] = {
    "sync.pending_events": "Sự kiện chờ đồng bộ",
    "sync.pending_dossiers": "Hồ sơ chờ đồng bộ",
    "sync.pending_files": "Tệp chờ gửi",
    "sync.pending_size": "{files:# tệp|# tệp} ({mb} MB) đang chờ gửi lên máy chủ",
    "sync.decimal_mark": ",",
}
