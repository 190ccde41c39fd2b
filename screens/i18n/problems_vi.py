"""The core's problems in Vietnamese: one line per code (``desk.cli.wording`` has the CLI's English).

Parameters that name things (``status``, ``action``, ``field`` …) arrive already in
words (``screens.i18n.catalogue.PARAM_KEYS``). Same keys and placeholders as
``problems_en.py``.
"""

from __future__ import annotations

from screens.i18n.problems_vi_files import PROBLEMS as _FILES
from screens.i18n.problems_vi_hub import PROBLEMS as _HUB
from screens.i18n.problems_vi_keys import PROBLEMS as _KEYS
from screens.i18n.problems_vi_seal import PROBLEMS as _SEAL
from screens.i18n.problems_vi_signing import PROBLEMS as _SIGNING
from screens.i18n.problems_vi_sync import PROBLEMS as _SYNC

PROBLEMS: dict[str, str] = {
    # text and time
    "text.required": "{field}: cần nhập, không được để trống.",
    "text.too_long": "{field} quá dài: {length} ký tự, tối đa {limit} ký tự.",
    "clock.bad_desk_now": "DESK_NOW=“{value}” không phải ngày giờ dạng ISO 8601.",
    "datetime.not_iso": "{field}: “{value}” không phải ngày giờ dạng ISO 8601 (YYYY-MM-DDTHH:MM).",
    # working time
    "calendar.not_datetime": "{field}: {value} không phải ngày giờ.",
    "calendar.has_offset": "{field}: {value} kèm múi giờ UTC; quầy dùng giờ địa phương, không kèm múi giờ.",
    "calendar.day_off_and_working": "{days}: vừa là ngày nghỉ vừa là ngày làm việc bổ sung trong cấu hình.",
    "calendar.no_working_day": (
        "Không có ngày làm việc nào trong các năm sau {after:%d/%m/%Y}: hãy kiểm tra cấu hình lịch."
    ),
    "calendar.minutes_not_whole": "Số phút làm việc phải là số nguyên, không phải {value}.",
    "calendar.minutes_negative": "Số phút làm việc không được âm ({minutes}).",
    "calendar.not_processing_time": "Không phải thời hạn giải quyết: {value}.",
    "calendar.processing_not_whole": "Thời hạn giải quyết phải là số nguyên ≥ 0, không phải {value}.",
    "calendar.unknown_unit": "Đơn vị thời hạn giải quyết không xác định: {unit}.",
    "calendar.resumed_before_pause": (
        "Thời điểm tiếp tục {resumed:%H:%M %d/%m/%Y} sớm hơn lúc bắt đầu tạm dừng {paused:%H:%M %d/%m/%Y}."
    ),
    # the official calendar
    "calendar.crosses_expected": "Ngày hẹn trả {due:%d/%m/%Y %H:%M} đã tính {days} là ngày nghỉ nhưng thông báo chính thức chưa có; hãy xem lịch (desk calendar show) và nhập thông báo khi được ban hành.",
    "calendar.crosses_pending": "Ngày hẹn trả {due:%d/%m/%Y %H:%M} đi qua ngày chưa quyết định ({days}), đang tính là {counted_off:ngày làm việc|ngày nghỉ|ngày nghỉ} cho đến khi có luật hoặc thông báo (cài đặt calendar.pending_days_off).",
    "calendar.year_range": "Năm {year} nằm ngoài lịch ({first}–{last}).",
    "hours.not_pairs": "Giờ làm việc: buổi sáng và buổi chiều mỗi buổi cần một giờ bắt đầu và một giờ kết thúc.",
    "hours.not_local_time": "Giờ làm việc: {setting} cần giờ địa phương, không phải {value}.",
    "hours.morning_order": "Giờ làm việc: buổi sáng bắt đầu {start:%H:%M} nhưng kết thúc {end:%H:%M}.",
    "hours.afternoon_order": "Giờ làm việc: buổi chiều bắt đầu {start:%H:%M} nhưng kết thúc {end:%H:%M}.",
    "hours.overlap": (
        "Giờ làm việc: buổi sáng kết thúc {morning_end:%H:%M}, sau giờ bắt đầu buổi chiều {afternoon_start:%H:%M}."
    ),
    "hours.working_week": "Giờ làm việc: tuần làm việc {week} phải gồm các thứ từ 1 (thứ Hai) đến 7 (Chủ nhật).",
    "hours.day_hours": "Giờ làm việc: một ngày làm việc {value} giờ là không thể.",
    # codes
    "desk_no.range": "Số quầy {desk_no} không hợp lệ: phải từ 0 đến 9.",
    "codes.exhausted": (
        "Quầy {desk_no} đã cấp hết {capacity} mã hồ sơ của ngày {day:%d/%m/%Y} ({first} … {last}); "
        "hãy tiếp nhận tiếp ở quầy khác."
    ),
    # identity numbers
    "sex.invalid": "Giới tính là Nam hoặc Nữ, không phải “{value}”.",
    "id_number.not_digits": "Số định danh chỉ gồm chữ số (dấu cách, dấu chấm, dấu gạch được bỏ qua): “{value}”.",
    "id_number.length": "Số định danh có 12 chữ số (CMND cũ: 9 số), nhưng {number} có {length} chữ số.",
    "id_number.place_unknown": (
        "{number} bắt đầu bằng {place}, không phải mã tỉnh: có thể là mã quốc gia (sinh ở nước ngoài); "
        "hãy kiểm tra 3 chữ số đầu trên thẻ căn cước."
    ),
    "id_number.century_digit": (
        "Số định danh {number} không hợp lệ: chữ số thứ 4 là {digit}, tức sinh năm {year} "
        "(từ năm {century}); chưa ai sinh từ năm 2100 có thể có số định danh."
    ),
    "id_number.born_later": (
        "Số định danh {number} không hợp lệ: chữ số thứ 5–6 là {year_digits}, tức sinh năm {year}, "
        "sau năm nay ({this_year}); hãy kiểm tra lại số trên thẻ căn cước."
    ),
    "id_number.century": (
        "Số định danh {number} không khớp người nộp: chữ số thứ 4 là {digit}, tức sinh trong các năm "
        "{century}–{century_last}, nhưng năm sinh là {year}."
    ),
    "id_number.year": (
        "Số định danh {number} không khớp người nộp: chữ số thứ 5–6 là {year_digits}, tức sinh năm {encoded_year}, "
        "nhưng năm sinh là {year}."
    ),
    "id_number.sex": (
        "Số định danh {number} không khớp người nộp: chữ số thứ 4 là {digit}, tức giới tính {encoded_sex}, "
        "nhưng giới tính đã nhập là {sex}."
    ),
    "id_number.century_and_sex": (
        "Số định danh {number} không khớp người nộp: chữ số thứ 4 là {digit}, tức sinh trong các năm "
        "{century}–{century_last} và giới tính {encoded_sex}, nhưng năm sinh là {year} và giới tính là {sex}."
    ),
    "id_number.year_and_sex": (
        "Số định danh {number} không khớp người nộp: chữ số thứ 5–6 là {year_digits}, tức sinh năm {encoded_year}, "
        "nhưng năm sinh là {year}; chữ số thứ 4 là {digit}, tức giới tính {encoded_sex}, nhưng giới tính là {sex}."
    ),
    "id_number.old_id": (
        "CMND 9 số đã hết giá trị sử dụng từ ngày {lapsed} (Luật Căn cước 2023): vẫn nhận, "
        "nên hỏi số định danh cá nhân 12 số."
    ),
    "birth_date.not_encodable": "Năm sinh {year} không thể ghi trong số định danh cá nhân.",
    "tax_code.shape": (
        "Mã số thuế gồm 10 chữ số, hoặc 10 chữ số, dấu gạch và 3 chữ số của chi nhánh; đã nhập “{value}”."
    ),
    "tax_code.check_digit": (
        "Mã số thuế {number} không hợp lệ: chữ số kiểm tra (thứ 10) không khớp; hãy xem có gõ nhầm chữ số nào không."
    ),
    "tax_code.branch_zero": "Số chi nhánh từ 001 đến 999, không phải 000 (“{value}”).",
    "tax_code.sequence_zero": "Mã số thuế {number} không hợp lệ: các chữ số thứ 3 đến 9 không thể đều là 0.",
    "passport.shape": "Số hộ chiếu chỉ gồm chữ cái A–Z và chữ số; đã nhập “{value}”.",
    "birth_date.organisation": "Người nộp là {applicant_kind}: không có ngày sinh; để trống ô này.",
    "sex.organisation": "Người nộp là {applicant_kind}: không có giới tính; để trống ô này.",
    "phone.foreign": "Chỉ nhận số điện thoại Việt Nam (+84), không phải “{value}”.",
    "phone.not_digits": "Số điện thoại chỉ gồm chữ số: “{value}”.",
    "phone.mobile_length": "Số điện thoại di động có 10 chữ số, bắt đầu bằng 0, nhưng “{value}” có {length} chữ số.",
    "phone.landline_length": (
        "Số điện thoại cố định có 10 hoặc 11 chữ số kể cả mã vùng, nhưng “{value}” có {length} chữ số."
    ),
    "phone.not_vietnamese": (
        "Số điện thoại “{value}” không phải số Việt Nam: di động bắt đầu bằng 03, 05, 07, 08, 09; "
        "cố định bắt đầu bằng 02 và mã vùng."
    ),
    "chip_qr.old_id": "Số CMND cũ trong mã QR thẻ căn cước phải có 9 chữ số: “{value}”.",
    "chip_qr.birth_date": "Ngày sinh trong mã QR thẻ căn cước không phải ngày hợp lệ (ngày tháng năm): “{value}”.",
    "chip_qr.issue_date": "Ngày cấp trong mã QR thẻ căn cước không phải ngày hợp lệ (ngày tháng năm): “{value}”.",
    # intake
    "scan.not_chip_qr": "Nội dung quét được không phải mã QR của thẻ căn cước gắn chip.",
    "birth_date.format": "Ngày sinh “{value}”: viết dạng ngày/tháng/năm (vd 01/01/1999).",
    "birth_date.implausible": "Ngày sinh {date:%d/%m/%Y} không hợp lý (trước năm 1900 hoặc sau hôm nay).",
    "email.invalid": "Địa chỉ email “{value}” không đúng dạng (vd ten@example.vn).",
    "component.not_in_procedure": (
        "“{component}” không phải thành phần hồ sơ của thủ tục {procedure}; "
        "các thành phần là: {components:không có|#|#}."
    ),
    "intake.incomplete": (
        "Hồ sơ còn thiếu thành phần bắt buộc: {missing:không có|#|#}. Không cấp giấy tiếp nhận cho hồ sơ "
        "chưa đầy đủ: hãy in Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02) để hướng dẫn công dân."
    ),
    "guidance.nothing_missing": "Hãy ghi ít nhất một giấy tờ, nội dung cần bổ sung.",
    "intake.same_open_today": (
        "Số {id_number} đã có hồ sơ cùng thủ tục nhận trong ngày tại quầy, chưa kết thúc: {codes}. Tránh nhận trùng."
    ),
    "intake.day_off": "Ngày {day:%d/%m/%Y} là ngày nghỉ theo lịch của quầy: hãy kiểm tra ngày tiếp nhận.",
    "intake.holiday": "Ngày {day:%d/%m/%Y} là ngày nghỉ theo lịch của quầy ({holiday}): hãy kiểm tra ngày tiếp nhận.",
    "intake.reused_format": "“{value}”: ghi dạng THÀNH_PHẦN=NGUỒN (vd giay_khai_sinh=VNeID).",
    "intake.scan_not_citizen": "Thẻ căn cước là của công dân, không dùng cho người nộp là {applicant_kind}.",
    "guidance.too_many": "{count} nội dung cần bổ sung: tối đa {limit} trên một phiếu.",
    "quantity.range": "Số bản của {component}: {value} không nằm trong khoảng 1 đến 999.",
    "received_at.future": (
        "Thời điểm tiếp nhận {at:%H:%M %d/%m/%Y} ở tương lai (bây giờ là {now:%H:%M %d/%m/%Y}); "
        "hãy kiểm tra ngày giờ của máy."
    ),
    # honest times: a catch-up (desk.rules.received_time)
    "received_at.before_today": "Thời điểm tiếp nhận {at:%d/%m/%Y %H:%M} trước giờ làm việc hôm nay ({day_start:%d/%m/%Y %H:%M}): giấy tiếp nhận ghi đúng lúc nhận hồ sơ. Hồ sơ nhận trước đó (máy hỏng) phải nhập bù, có ghi lý do.",
    "catch_up.needs_reason": "Nhập bù cần ghi lý do: vì sao hồ sơ được nhập muộn.",
    "catch_up.not_earlier": "Nhập bù: thời điểm tiếp nhận {at:%d/%m/%Y %H:%M} không sớm hơn bây giờ ({now:%d/%m/%Y %H:%M}); hãy nhập bình thường.",
    "catch_up.needs_received_at": "Nhập bù cần thời điểm tiếp nhận thực tế của hồ sơ.",
    "catch_up.reason_alone": "Lý do chỉ dùng khi nhập bù.",
    "dossier.caught_up": "Hồ sơ {code} được nhập bù lúc {entered_at}, ghi nhận tiếp nhận lúc {claimed_at} (lý do: {reason}).",
    "sets.range": "Số bộ hồ sơ {sets} không nằm trong khoảng 1 đến 99.",
    "fee.pages_range": "Số trang {value} không hợp lệ: phí tính theo trang cần từ 1 đến {maximum} trang mỗi bản.",
    "fee.copies_range": "Số bản {value} không hợp lệ: từ 1 đến {maximum} bản.",
    "fee.pages_not_counted": "Phí của thủ tục này tính theo bản, không theo trang: bỏ số trang ({value}).",
    "fee.no_tariff": "Thủ tục {procedure} không có phí tính theo trang hay theo bản: bỏ số trang, số bản.",
    "operator.supervisor_only": "Chỉ trưởng bộ phận (giám sát) mới được {action}{name:|; # đang đăng nhập với vai trò cán bộ tiếp nhận|; # đang đăng nhập với vai trò cán bộ tiếp nhận}. Hãy đăng xuất và để người giám sát đăng nhập.",
    "operator.first_supervisor": "Tài khoản đầu tiên phải là người giám sát ({name}).",
    "operator.exists": "Đã có tài khoản {existing} (tên được so không phân biệt hoa thường, dấu); hãy đặt tên khác cho {name}.",
    "operator.last_supervisor": "{name} là người giám sát cuối cùng: thêm người giám sát khác trước khi xoá tài khoản này.",
    "operator.secret_needed": "Không có màn hình để hỏi mật khẩu hoặc mã PIN: đặt {variable} (hoặc, để đăng nhập, mã do trưởng bộ phận cấp trong {token}).",
    "operator.secret_length": "Mật khẩu hoặc mã PIN cần từ {minimum} đến {maximum} ký tự.",
    "operator.secret_mismatch": "Hai lần nhập mật khẩu không giống nhau; chưa thay đổi gì.",
    "operator.login_failed": "Sai tên hoặc mật khẩu (còn {left:0 lần|# lần|# lần} thử trước khi tài khoản bị khoá).",
    "operator.locked": "Tài khoản {name} bị khoá do nhập sai mật khẩu nhiều lần, đến {until}; người giám sát có thể mở khoá (đặt lại mật khẩu).",
    "operator.token_days": "Mã dùng cho script có hạn từ 1 đến 365 ngày, không phải {days}.",
    "operator.token_invalid": "Mã trong DESK_OPERATOR_TOKEN không được cấp cho {name}.",
    "operator.token_expired": "Mã của {name} đã hết hạn ngày {at}; người giám sát cấp mã mới.",
    "operator.unknown": "Không có tài khoản nào tên {name}.",
    "operator.required": "Quầy này có tài khoản người dùng: cần đăng nhập.",
    "operator.no_accounts": "Quầy này chưa có tài khoản người dùng nào ({name}).",
    # dossiers and their lifecycle
    "dossier.not_found": "Không tìm thấy hồ sơ {code} tại quầy này.",
    "action.unknown": (
        "Không có thao tác “{action}”; các thao tác là: {actions}. Từ trạng thái “{status}”: "
        "{allowed:không còn thao tác nào (hồ sơ đã kết thúc)|#|#}."
    ),
    "action.not_allowed": (
        "Không thể “{action}” với hồ sơ ở trạng thái “{status}”; được phép: "
        "{allowed:không còn thao tác nào (hồ sơ đã kết thúc)|#|#}."
    ),
    "action.result_needs_transfer": (
        "Hồ sơ ở trạng thái “{status}” chưa thể ghi có kết quả: chỉ thủ tục giải quyết trong ngày mới có kết quả "
        "ngay tại quầy, hãy chuyển xử lý trước. Được phép: {allowed:không còn thao tác nào (hồ sơ đã kết thúc)|#|#}."
    ),
    "action.wrong_option": "“{action}” không nhận {options}; chỉ nhận: {takes:ghi chú|#|#}.",
    "lifecycle.unknown_action": "Không có thao tác “{action}”.",
    "supplement.nothing_missing": "Hãy ghi điều cần bổ sung: ít nhất một giấy tờ (và lý do) hoặc một ghi chú.",
    "supplement.bad_item": "Mục cần bổ sung {item} không đúng dạng (giấy tờ, lý do).",
    "clock.before_pause": (
        "Đồng hồ máy tính đang chỉ {now:%H:%M %d/%m/%Y}, trước lúc yêu cầu bổ sung {paused:%H:%M %d/%m/%Y}; "
        "hãy kiểm tra ngày giờ của máy."
    ),
    "satisfaction.unknown": "Mức hài lòng “{value}”: chọn một trong {answers} (dấu không bắt buộc).",
    "refuse.needs_reason": "Từ chối cần ghi lý do (lý do được in trên phiếu từ chối).",
    "stop.needs_reason": "Dừng xử lý cần ghi lý do (lý do được in trên thông báo).",
    "extend.status": "Hồ sơ {code} đang ở trạng thái {status}: chỉ gia hạn được hồ sơ đang giải quyết.",
    "extend.not_later": "Ngày hẹn mới {new_due:%H:%M %d/%m/%Y} không sau ngày hẹn hiện tại {due:%H:%M %d/%m/%Y}.",
    "apology.days": "Gia hạn {value} ngày làm việc không hợp lệ: nhập số nguyên từ 1 đến 365.",
    "print.kind": "Không có loại giấy tờ “{value}”; chọn một trong: {kinds}.",
    "print.paper": "Không có khổ giấy “{value}”; chọn một trong: {papers}.",
    "print.copies": "Số bản {value} không hợp lệ: nhập số nguyên từ 0 đến 99.",
    # the digitisation checklist
    "component.unknown": (
        "Hồ sơ {code} không có thành phần “{component}”; các thành phần là: {components:không có|#|#}."
    ),
    "reuse.own_dossier": "{code} chính là hồ sơ này; tái sử dụng cần kết quả của một hồ sơ khác.",
    "reuse.unknown_dossier": "Không có hồ sơ {code} trên quầy này; kiểm tra lại mã (tái sử dụng phải liên kết một hồ sơ có thật).",
    "component.same_scan": "Bản quét {name} đã được gắn cho “{other}” của hồ sơ này; vẫn gắn cho “{component}”?",
    "reuse.unknown_source": (
        "Nguồn tái sử dụng “{value}” không có: chọn một trong {sources}, "
        "hoặc nhập mã của hồ sơ khác (MÃ-CƠ-QUAN-YYMMDD-NNNN)."
    ),
    "checklist.closed": "Hồ sơ {code} ở trạng thái “{status}”: danh mục số hoá không còn thay đổi được.",
    "inbox.empty": "Chưa có bản quét nào trong {folder}; hãy quét giấy tờ vào thư mục đó trước.",
    "component.must_digitise": "Thành phần {component} phải số hoá; hãy ghi lý do vì sao không cần.",
    "component.already_pending": "Thành phần {component} đang chưa số hoá; không có gì để hoàn tác.",
    # the receipt's QR code
    "receipt.genuine": "Giấy tiếp nhận HỢP LỆ: hồ sơ {code}.",
    "receipt.altered": "Giấy tiếp nhận {code} do cơ quan cấp nhưng ĐÃ CŨ, không còn khớp hồ sơ ({fields}).",
    "receipt.no_lookup_url": (
        "Mã QR của giấy tiếp nhận bắt đầu bằng “{prefix}”: người dân không tra cứu được hồ sơ bằng điện thoại; "
        "đặt lookup_url (mục printing) trong desk.toml là trang tra cứu của cổng dịch vụ công."
    ),
    "receipt.forged": "Giấy tiếp nhận {code} KHÔNG HỢP LỆ: chữ ký sai, giấy bị sửa hoặc giả mạo.",
    "receipt.unknown": "Chữ ký hợp lệ nhưng không có hồ sơ {code} tại quầy này (chưa nhập gói của quầy khác?).",
    "receipt.not_receipt": "Không phải mã QR giấy tiếp nhận.",
    # checking the home
    "sqlite.integrity": "Cơ sở dữ liệu bị hỏng: {detail}",
    "sqlite.foreign_keys": "Cơ sở dữ liệu: có thành phần hồ sơ trỏ tới hồ sơ không tồn tại.",
    "dossier.no_events": "Hồ sơ {code} không có sự kiện nào.",
    "hub.lines_without_dossier": "Có {lines} thành phần hồ sơ trỏ tới hồ sơ {dossier_id}, hồ sơ này không có trong kho.",
    "clock.went_backwards": "Đồng hồ máy tính đã bị lùi ít nhất một lần ({detail}); hãy kiểm tra ngày giờ của máy.",
    # files, backups, the home
    "backup.no_folder": "Thư mục {folder} không tồn tại (đã cắm USB chưa?).",
    "backup.write_failed": "Không ghi được bản sao lưu vào {path}: {detail}; chưa ghi gì cả.",
    "home.has_desk": "{path} đã là thư mục của một quầy.",
    "agency_key.unreadable": "Không đọc được tệp khoá cơ quan {path} như một khoá đã xuất ({error}).",
    "catalog.no_file": "Hãy chỉ ra tệp danh mục thủ tục, hoặc dùng danh mục mẫu kèm theo (--sample).",
    "missing.format": "--missing “{value}”: viết dạng THÀNH_PHẦN:LÝ_DO.",
    "desk.restored": (
        "Quầy này vừa được khôi phục từ bản sao lưu lúc {taken_at} (sự kiện đến số {last_seq}); chưa được cấp mã hay ghi thêm gì cho đến khi biết các sự kiện sau đó: hãy chạy `desk recover --hub` hoặc `desk recover --bundle TỆP`, hoặc nhờ người phụ trách chạy `desk recover --new-identity` (docs/recovery.md)."
    ),
    "clock.behind_last_event": (
        "Đồng hồ máy đang chỉ {at}, sớm hơn sự kiện gần nhất của quầy ({last}): hồ sơ vẫn được lưu sau sự kiện đó, nhưng hãy kiểm tra ngay ngày giờ của máy."
    ),
    # reports
    "indicators.sums_differ": "Số cộng dồn chỉ số QĐ 766 ngày {day} (quầy {desk_no}, cán bộ {clerk}, thủ tục {procedure}) khác với khi đếm lại (phía {side}).",
    "report.filter_desk": "--desk “{value}”: nhập số quầy (1–9, 0 nếu chỉ có một quầy), hoặc MÃ CƠ QUAN/SỐ tại máy chủ.",
    "indicator.unknown": "Không có chỉ số “{name}”; chọn một trong: {names}.",
    "period.unknown": "Không có kỳ báo cáo “{value}”; chọn một trong: {periods}.",
    "period.not_dates": "Kỳ báo cáo phải là ngày, không kèm giờ.",
    "period.reversed": "Kỳ báo cáo kết thúc ({end:%d/%m/%Y}) trước khi bắt đầu ({start:%d/%m/%Y}).",
    # the settings, the home, scans and catalogues
    "config.not_toml": "{path}: không phải tệp TOML hợp lệ ({detail}).",
    "config.unreadable": "Không đọc được {path} ({detail}).",
    "config.unknown_section": "desk.toml: mục {section} không có trong cấu hình{did_you_mean:| — có phải là #?| — có phải là #?}",
    "config.unknown_setting": "desk.toml: mục cài đặt {section}.{key} không tồn tại{did_you_mean:| — có phải là #?| — có phải là #?}",
    "config.not_a_section": "desk.toml: {section} phải là một mục, không phải một giá trị.",
    "config.missing": "desk.toml: thiếu {key}.",
    "config.type": "desk.toml: {key} = {value} không phải {expected}.",
    "config.range": "desk.toml: {key} = {value} nằm ngoài khoảng cho phép: từ {minimum} đến {maximum}.",
    "home.missing": "Chưa có quầy nào ở {path} (thiếu {config}). Hãy khởi tạo quầy bằng lệnh desk init.",
    "home.exists": "{path} đã có một quầy ({config}); không ghi đè.",
    "home.create_failed": "Không tạo được thư mục quầy tại {path}: {detail}.",
    "home.write_failed": "Không ghi được cài đặt vào {path}: {detail}.",
    "agency_code.invalid": "Mã cơ quan “{value}” không hợp lệ: tối đa 35 ký tự gồm chữ số, chữ in hoa và dấu chấm (ví dụ 000.00.12.H29).",
    "agency_name.empty": "Tên cơ quan đang để trống.",
    "agency_key.too_short": "Tệp khóa của cơ quan quá ngắn ({length} byte; cần ít nhất {minimum}).",
    "agency_key.missing": "Thiếu {path}: không thể ký hoặc kiểm tra giấy tiếp nhận.",
    "agency_key.invalid": "{path} không phải khóa hợp lệ của cơ quan.",
    "catalog.suffix": "{file}: danh mục phải là tệp .json hoặc .csv.",
    "catalog.not_found": "{file}: không có tệp này ({path}).",
    "catalog.is_folder": "{file}: là thư mục, không phải tệp danh mục.",
    "catalog.unreadable": "{file}: không đọc được ({detail}).",
    "catalog.too_big": "{file}: lớn hơn {max_mb} MB; không phải danh mục.",
    "catalog.no_procedures": "{file}: không có thủ tục nào.",
    "catalog.empty": "{file}: tệp rỗng.",
    "catalog.binary": "{file}: là tệp nhị phân, không phải danh mục (hãy lưu dạng văn bản UTF-8).",
    "catalog.not_utf8": "{file} dòng {line}: không phải văn bản UTF-8 (hãy lưu tệp dạng UTF-8; Excel: CSV UTF-8).",
    "catalog.json_invalid": "{file} dòng {line}: JSON không hợp lệ ({detail}, cột {column}).",
    "catalog.json_duplicate_key": "{file}: khóa {key} xuất hiện hai lần trong một đối tượng.",
    "catalog.json_unusable": "{file}: tài liệu JSON không dùng được ({detail}).",
    "catalog.json_not_object": "{file}: phải là một đối tượng JSON có format và procedures, không phải {value}.",
    "catalog.not_a_catalogue": "{file}: không phải danh mục motcua-desk (thiếu format = {format}).",
    "catalog.csv_cells": "{file} dòng {line}: có {cells} ô nhưng dòng tiêu đề có {columns} cột.",
    "catalog.csv_invalid": "{file} dòng {line}: CSV không hợp lệ ({detail}).",
    "catalog.csv_unknown_column": "{file} dòng {line}: cột {value} không xác định{did_you_mean:| (có phải là #?)| (có phải là #?)}",
    "catalog.csv_column_twice": "{file} dòng {line}: cột {value} xuất hiện hai lần.",
    "catalog.csv_missing_columns": "{file} dòng {line}: thiếu cột {columns} (dòng đầu phải ghi tên các cột).",
    "catalog.csv_no_components": "{file} dòng {line} ({procedure_code}): thủ tục không có dòng thành phần hồ sơ nào.",
    "catalog.unknown_procedure": "Thủ tục “{code}” không có trong danh mục của quầy.",
    "catalog.required": "bắt buộc phải có",
    "catalog.required_choice": "bắt buộc phải có (một trong {choices})",
    "catalog.required_example": "bắt buộc phải có, ví dụ {example}",
    "catalog.required_list": "bắt buộc phải có: một danh sách có ít nhất một {noun}",
    "catalog.required_first_row": "bắt buộc phải có ở dòng đầu của mỗi thủ tục",
    "catalog.not_text": "phải là văn bản, không phải {value}",
    "catalog.no_visible_text": "{value} không có chữ nào nhìn thấy được",
    "catalog.too_long": "quá dài: {length} ký tự, tối đa {maximum}",
    "catalog.code_too_long": "{value} quá dài: {length} ký tự, tối đa {maximum}",
    "catalog.bad_code": "{value} không phải mã hợp lệ ({code_kind})",
    "catalog.too_large": "{value} quá lớn (tối đa {maximum})",
    "catalog.not_whole": "{value} không phải số nguyên ≥ {minimum}{quoted:| (viết không có dấu nháy)|}",
    "catalog.not_amount": "{value} không phải số tiền (đồng) ≥ {minimum}{quoted:| (viết không có dấu nháy)|}",
    "catalog.not_flag": "{value} không phải true hoặc false",
    "catalog.not_choice": "{value} không thuộc {choices}",
    "catalog.not_choice_list": "phải là danh sách gồm {choices}, không phải {value}",
    "catalog.no_choice": "phải có ít nhất một trong {choices}",
    "catalog.listed_twice": "{value} được liệt kê hai lần",
    "catalog.not_list": "phải là danh sách, không phải {value}",
    "catalog.not_procedure_list": "phải là danh sách thủ tục, không phải {value}",
    "catalog.empty_list": "phải có ít nhất một {noun}",
    "catalog.item_not_object": "{noun} thứ {position} phải là một đối tượng, không phải {value}",
    "catalog.not_object": "phải là một đối tượng {shape}, không phải {value}",
    "catalog.tariff_rate_order": "{value} phải là 1 ở mức đầu tiên, các mức sau phải lớn hơn mức trước ({after})",
    "catalog.duplicate_procedure": "{value} đã được dùng cho thủ tục {earlier}",
    "catalog.duplicate_component": "{value} đã được dùng cho thành phần {earlier}",
    "catalog.duplicate_on_line": "{value} đã được dùng ở dòng {earlier}",
    "catalog.csv_rows_apart": "{value} đã được dùng ở dòng {earlier} (hãy để các dòng của một thủ tục liền nhau)",
    "catalog.csv_empty_row": "dòng không có thành phần hồ sơ cũng không có phí",
    "catalog.csv_differs": "{value} khác với dòng {first_line} của thủ tục {first_procedure} (để trống hoặc ghi lại đúng giá trị đó)",
    "catalog.unknown_key": "khóa không xác định{did_you_mean:| (có phải là #?)| (có phải là #?)}; các khóa hợp lệ: {known}",
    "catalog.unsupported_format": "{value} không được hỗ trợ; quầy đọc được {supported}",
    # printing a dossier's documents
    "print.kind_unknown": "Loại giấy tờ “{kind}” không có; chọn một trong {choices}.",
    "print.no_supplement_request": "Hồ sơ {code} chưa có yêu cầu bổ sung nào để in.",
    "print.not_stopped": "Hồ sơ {code} chưa bị dừng giải quyết; hãy dừng trước khi in Mẫu 05.",
    "print.not_transferred": "Hồ sơ {code} chưa được chuyển đi giải quyết; Mẫu 06 đi kèm hồ sơ đã chuyển.",
    "print.not_refused": "Hồ sơ {code} chưa bị từ chối; hãy từ chối trước khi in Mẫu 03.",
    "print.apology_needs_new_due": "Thư xin lỗi cần ngày hẹn trả mới.",
    "print.apology_needs_reason": "Thư xin lỗi cần lý do chậm trễ.",
    "print.write_failed": "Không ghi được {path}: {reason}.",
    # the canonical codec and the bundle reader
    "canonical.value_unsupported": "Giá trị kiểu {type} không thể ghi vào sự kiện.",
    # printing's own problems
    "print.paper_unknown": "Khổ giấy “{paper}” không có; chọn một trong {choices}.",
    "print.copies_too_few": "Số liên {copies}: phải in ít nhất một liên.",
    "print.font_missing": "Không có tệp phông chữ {path} ({setting}); hãy sửa printing.{setting} trong desk.toml hoặc để trống.",
    "print.font_unusable": "Tệp phông chữ {path} ({setting}) không dùng được ({detail}); hãy dùng tệp .ttf.",
    "print.font_lacks_vietnamese": "Phông chữ {path} ({setting}) thiếu chữ tiếng Việt ({letters}…); hãy chọn phông có tiếng Việt.",
    # a hub's register and hostile bundles (issue 12)
    # bundles, export, push and the hub (desk.sync), the CLI's own options
    "cli.date_format": "--{field} “{value}”: hãy viết ngày theo dạng YYYY-MM-DD.",
    "print.days_needed": "Hãy cho biết số ngày gia hạn bằng --days N (ngày làm việc).",
    "print.range_reversed": "--to {last} ở trước --date {first}.",
    "report.out_suffix": "--out {path}: hãy đặt tên tệp .pdf hoặc .csv.",
    "report.to_needs_date": "--to cần có --date (ngày đầu của khoảng).",
    # the records check and a hub's chains
}
"""Code -> Vietnamese template."""

PROBLEMS.update(_SYNC)
PROBLEMS.update(_HUB)
PROBLEMS.update(_FILES)
PROBLEMS.update(_KEYS)
PROBLEMS.update(_SEAL)
PROBLEMS.update(_SIGNING)
