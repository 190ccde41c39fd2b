"""Kho dữ liệu của máy chủ tổng hợp (PostgreSQL), tiếng Việt cho giao diện."""

from __future__ import annotations

PROBLEMS: dict[str, str] = {
    "hub.database_url": (
        "hub.database “{url}” không phải địa chỉ PostgreSQL: hãy viết postgresql://người_dùng@máy/cơ_sở_dữ_liệu, "
        "hoặc để trống để dùng SQLite của máy này."
    ),
    "hub.database_unreachable": (
        "Không dùng được PostgreSQL của máy chủ tại {url}: {detail}. Hãy kiểm tra máy chủ đang chạy, địa chỉ, "
        "người dùng và mật khẩu, và cơ sở dữ liệu đã được tạo."
    ),
    "hub.postgresql_missing": (
        "hub.database chỉ tới PostgreSQL nhưng chưa cài trình điều khiển: hãy cài motcua-desk kèm phần mở rộng hub-pg (docs/hub.md)."
    ),
    "hub.workers_need_postgresql": (
        "--workers {workers}: chạy nhiều tiến trình cần máy chủ dùng PostgreSQL; SQLite của máy này chỉ có "
        "một người ghi: hãy chạy một tiến trình."
    ),
    "hub.migrate_not_empty": (
        "{url} đã có sự kiện không đến từ máy chủ này: hãy chuyển sang một cơ sở dữ liệu còn trống."
    ),
    "sync.events_raced": ("Quầy {desk_id}: một lô khác vừa mang đến một số sự kiện này; chưa nhập gì; hãy gửi lại."),
    "cli.workers_range": "--{field} {value}: hãy cho từ 1 trở lên.",
    "report.home_only": (
        "Máy chủ này lưu hồ sơ của các quầy trong PostgreSQL ({store}): các chỉ số và hồ sơ quá hạn ở đây mới chỉ "
        "tính hồ sơ của chính máy này (báo cáo tổng hợp các quầy trên PostgreSQL chưa có)."
    ),
}
