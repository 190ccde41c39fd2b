"""The problems of files on the move (a push's uploads, a hub's store) in Vietnamese; merged into ``problems_vi.PROBLEMS``."""

from __future__ import annotations

PROBLEMS: dict[str, str] = {
    "file.bad_hash": "“{sha256}” không phải mã SHA-256 của một tệp (64 chữ số hệ mười sáu).",
    "file.hash_mismatch": "Dữ liệu nhận được cho tệp {sha256} có mã {found}: không phải tệp đó; bị từ chối.",
    "file.signature_altered": "{name}: chữ ký số của tệp PDF này không còn khớp với nội dung (đã bị sửa sau khi ký); bị từ chối.",
    "hub.file_offset": "Tệp {sha256}: gửi phần bắt đầu từ byte {offset}, nhưng máy chủ đã có {received} byte; hãy gửi tiếp từ đó.",
    "hub.file_too_large": "Tệp {sha256} có {size} byte; máy chủ chỉ nhận tệp từ 1 đến {limit} byte.",
    "hub.files_request": "Máy chủ không hiểu yêu cầu gửi tệp này ({field}).",
    "sync.file_missing": "Hồ sơ {code}, {line}: tệp {sha256} chưa về (gói dữ liệu không kèm tệp, hoặc chưa đồng bộ).",
}
