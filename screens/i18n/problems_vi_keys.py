"""Các vấn đề về khóa của bàn, đăng ký bàn tại máy chủ và khóa của máy chủ, bằng tiếng Việt; gộp vào
``problems_vi.PROBLEMS``."""

from __future__ import annotations

PROBLEMS: dict[str, str] = {
    "keys.exists": "{path} đã chứa khóa của bàn này; muốn thay, hãy đổi khóa (`desk keys rotate`).",
    "keys.write_failed": "Không ghi được tệp khóa {path}: {detail}.",
    "keys.missing": "Bàn này chưa có khóa ký ({path}): chạy `desk keys init`.",
    "keys.readable_by_others": "Người dùng khác có thể đọc tệp khóa {path}: hãy để chỉ chủ sở hữu được đọc.",
    "keys.unreadable": "Không đọc được tệp khóa {path} ({detail}).",
    "keys.passphrase_needed": "Tệp khóa {path} được bảo vệ bằng mật khẩu: đặt biến {env} trước khi mở bàn.",
    "keys.passphrase_wrong": "Sai mật khẩu của tệp khóa {path}.",
    "keys.public_invalid": "{field}: không phải khóa công khai Ed25519.",
    "keys.rotation_invalid": "Một bản ghi đổi khóa bị sai định dạng.",
    "keys.request_unreadable": "{path}: không đọc được như một yêu cầu đăng ký bàn ({detail}).",
    "keys.request_invalid": "{path}: không phải yêu cầu đăng ký bàn ({detail}).",
    "keys.not_confirmed": "Đã hủy đăng ký: dấu vân tay khóa chưa được xác nhận.",
    "keys.not_enrolled": "Sổ đăng ký của máy chủ không có bàn {desk}.",
    "keys.desk_ambiguous": "{desk} ứng với nhiều bàn đã đăng ký; hãy ghi mã định danh của bàn.",
    "keys.already_revoked": "Bàn {desk_no} của {agency} ({desk_id}) đã bị thu hồi lúc {at}.",
    "keys.hub_key_file_invalid": "{path}: không phải tệp khóa của máy chủ ({detail}).",
    "keys.unknown_desk": "{where}: bàn {desk_no} của {agency} chưa đăng ký tại máy chủ này; hãy đăng ký trước.",
    "keys.unsigned": "{where}: không có chữ ký của khóa bàn; bị từ chối.",
    "keys.bad_signature": "{where}: chữ ký không khớp với khóa đã đăng ký của bàn {desk_no} thuộc {agency} ({desk_id}); bị từ chối.",
    "keys.other_agency": "{where}: máy chủ này không phục vụ cơ quan {agency} (chỉ phục vụ {agencies}); bị từ chối.",
    "keys.number_taken": "{where}: bàn {desk_no} của {agency} đã được đăng ký cho một bàn khác ({other_desk_id}); bị từ chối.",
    "keys.revoked": "{where}: bàn {desk_no} của {agency} ({desk_id}) đã bị thu hồi lúc {at}; bị từ chối.",
    "keys.rotation_refused": "{where}: bản ghi đổi khóa của bàn {desk_id} không được ký bằng khóa đã đăng ký; bị từ chối.",
    "keys.key_retired": "{where}: ký bằng khóa mà bàn {desk_id} đã thay từ số thứ tự {from_seq}, nhưng gói có số thứ tự {last_seq}; bị từ chối.",
    "keys.key_in_use": "{where}: khóa này (dấu vân tay {fingerprint}) đã được đăng ký cho một bàn khác.",
    "keys.hub_key_missing": "Chưa ghim khóa của máy chủ: xin tệp khóa từ người phụ trách máy chủ rồi chạy `desk hub-key set TỆP`.",
    "keys.hub_unsigned": "Máy chủ {url} không ký câu trả lời; chưa đánh dấu sự kiện nào là đã gửi.",
    "keys.hub_key_mismatch": "Máy chủ {url} ký bằng khóa khác với khóa đã ghim ({fingerprint}); chưa đánh dấu sự kiện nào là đã gửi.",
}
