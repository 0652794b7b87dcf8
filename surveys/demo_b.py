"""Demo data of SURVEYS-B: a small question bank (illustrative questions, "câu hỏi minh họa")
for the officials' CCHC knowledge test and the IT skills test, one open test of each kind.

The facts come from /work/shared/domain.md (§1, §2.2, §2.7, §3.2, §6) and are deliberately
basic; the wording is ours, not an official exam. Idempotent: topics by code, questions by
(topic, text), options by (question, position), tests by code.
"""

from django.db import transaction

from .models import BankOption, BankQuestion, BankTopic, Survey, SurveyKind, SurveyStatus
from .services import create_survey, open_survey

NOTE = "Câu hỏi minh họa của cổng thông tin, không phải đề thi chính thức."
KNOWLEDGE_CODE = "kiem-tra-kien-thuc-cchc-2026"
SKILLS_CODE = "khao-sat-ky-nang-cntt-2026"

K = SurveyKind.KNOWLEDGE_TEST
S = SurveyKind.SKILLS_TEST

# topic code -> (name, kind, [(type, text, [(label, is_correct)], explanation)])
BANK = {
    "mot-cua": (
        "Cơ chế một cửa, một cửa liên thông (minh họa)",
        K,
        [
            (
                "single",
                "Theo Thông tư 01/2018/TT-VPCP, Mẫu số 01 là biểu mẫu nào?",
                [
                    ("Giấy tiếp nhận hồ sơ và hẹn trả kết quả", True),
                    ("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", False),
                    ("Phiếu từ chối tiếp nhận giải quyết hồ sơ", False),
                    ("Phiếu kiểm soát quá trình giải quyết hồ sơ", False),
                ],
                "Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Thông tư 01/2018/TT-VPCP).",
            ),
            (
                "single",
                "Khi hồ sơ chưa đầy đủ, cán bộ một cửa hướng dẫn người nộp bằng biểu mẫu nào?",
                [
                    ("Mẫu 02 – Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", True),
                    ("Mẫu 01 – Giấy tiếp nhận hồ sơ và hẹn trả kết quả", False),
                    ("Mẫu 05 – Phiếu kiểm soát quá trình giải quyết hồ sơ", False),
                ],
                "Hồ sơ chưa đầy đủ: hướng dẫn một lần bằng Phiếu yêu cầu bổ sung (Mẫu 02).",
            ),
            (
                "single",
                "Biểu mẫu nào dùng khi từ chối tiếp nhận hồ sơ?",
                [
                    ("Mẫu 03 – Phiếu từ chối tiếp nhận giải quyết hồ sơ", True),
                    ("Mẫu 04 – Phiếu xin lỗi và hẹn lại ngày trả kết quả", False),
                    ("Mẫu 02 – Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", False),
                ],
                "Mẫu 03 của Thông tư 01/2018/TT-VPCP.",
            ),
            (
                "single",
                "Khi hồ sơ giải quyết quá hạn, cơ quan có trách nhiệm gửi người nộp văn bản nào?",
                [
                    ("Phiếu xin lỗi và hẹn lại ngày trả kết quả", True),
                    ("Giấy tiếp nhận hồ sơ và hẹn trả kết quả mới không cần giải thích", False),
                    ("Không cần thông báo", False),
                ],
                "Mẫu 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả.",
            ),
            (
                "multiple",
                "Người dân có thể nộp hồ sơ thủ tục hành chính qua những kênh nào?",
                [
                    ("Trực tiếp tại bộ phận một cửa", True),
                    ("Trực tuyến trên cổng dịch vụ công", True),
                    ("Qua dịch vụ bưu chính công ích", True),
                    ("Nhờ cán bộ nộp hộ không qua bộ phận một cửa", False),
                ],
                "Ba kênh: trực tiếp, trực tuyến, bưu chính công ích.",
            ),
            (
                "single",
                "Văn bản nào thay thế Nghị định 61/2018/NĐ-CP về cơ chế một cửa từ năm 2025?",
                [
                    ("Nghị định 118/2025/NĐ-CP", True),
                    ("Nghị định 42/2022/NĐ-CP", False),
                    ("Nghị định 45/2020/NĐ-CP", False),
                ],
                "Nghị định 118/2025/NĐ-CP ngày 09/6/2025.",
            ),
            (
                "single",
                "Việc đánh giá giải quyết một hồ sơ theo cơ chế một cửa có bao nhiêu chỉ số, "
                "mỗi chỉ số tối đa mấy điểm?",
                [
                    ("9 chỉ số, mỗi chỉ số tối đa 2 điểm", True),
                    ("5 chỉ số, mỗi chỉ số tối đa 4 điểm", False),
                    ("10 chỉ số, mỗi chỉ số tối đa 1 điểm", False),
                ],
                "9 chỉ số × 2/1/0 điểm, tối đa 18 điểm.",
            ),
            (
                "single",
                "Chỉ số “số lần liên hệ để hoàn thành hồ sơ” đạt 2 điểm khi nào?",
                [
                    ("Người nộp không phải liên hệ thêm lần nào", True),
                    ("Người nộp liên hệ một lần", False),
                    ("Người nộp liên hệ nhiều lần", False),
                ],
                "0 lần = 2 điểm; 1 lần = 1 điểm; nhiều hơn = 0 điểm.",
            ),
        ],
    ),
    "dich-vu-cong": (
        "Dịch vụ công trực tuyến, chuyển đổi số (minh họa)",
        K,
        [
            (
                "single",
                "Theo Nghị định 42/2022/NĐ-CP, dịch vụ công trực tuyến được phân thành những loại nào?",
                [
                    ("Toàn trình và một phần", True),
                    ("Mức độ 1, 2, 3 và 4", False),
                    ("Cấp tỉnh và cấp xã", False),
                ],
                "Nghị định 42/2022/NĐ-CP thay cách phân 4 mức độ bằng toàn trình / một phần.",
            ),
            (
                "single",
                "Quyết định 766/QĐ-TTg (2022) về đo lường chất lượng phục vụ người dân, doanh "
                "nghiệp có tổng điểm tối đa là bao nhiêu?",
                [("100 điểm", True), ("18 điểm", False), ("50 điểm", False)],
                "Năm nhóm chỉ số, tổng 100 điểm.",
            ),
            (
                "multiple",
                "Những nhóm nào thuộc bộ chỉ số theo Quyết định 766/QĐ-TTg?",
                [
                    ("Công khai, minh bạch", True),
                    ("Tiến độ, kết quả giải quyết", True),
                    ("Số hóa hồ sơ", True),
                    ("Số lượng cán bộ của cơ quan", False),
                ],
                "Năm nhóm: công khai minh bạch; tiến độ, kết quả; số hóa; dịch vụ trực tuyến; hài lòng.",
            ),
            (
                "single",
                "Nghị định nào quy định việc thực hiện thủ tục hành chính trên môi trường điện tử?",
                [
                    ("Nghị định 45/2020/NĐ-CP", True),
                    ("Nghị định 61/2018/NĐ-CP", False),
                    ("Nghị định 30/2020/NĐ-CP", False),
                ],
                "Nghị định 45/2020/NĐ-CP.",
            ),
        ],
    ),
    "chuong-trinh-cchc": (
        "Chương trình cải cách hành chính, SIPAS (minh họa)",
        K,
        [
            (
                "multiple",
                "Những nội dung nào thuộc Chương trình tổng thể cải cách hành chính nhà nước "
                "giai đoạn 2021–2030 (Nghị quyết 76/NQ-CP)?",
                [
                    ("Cải cách thủ tục hành chính", True),
                    ("Cải cách chế độ công vụ", True),
                    ("Cải cách tài chính công", True),
                    ("Cải cách hệ thống giáo dục phổ thông", False),
                ],
                "Sáu nội dung: thể chế; TTHC; tổ chức bộ máy; chế độ công vụ; tài chính công; "
                "Chính phủ điện tử, Chính phủ số.",
            ),
            (
                "single",
                "Chỉ số hài lòng SIPAS đo sự hài lòng của người dân, tổ chức theo bao nhiêu yếu tố "
                "của quá trình phục vụ?",
                [("5 yếu tố", True), ("3 yếu tố", False), ("8 yếu tố", False)],
                "Tiếp cận dịch vụ; TTHC; công chức; kết quả; tiếp nhận, xử lý phản ánh, kiến nghị.",
            ),
            (
                "single",
                "Tỷ lệ hài lòng của một tiêu chí SIPAS được tính thế nào?",
                [
                    (
                        "Số câu trả lời “Hài lòng” và “Rất hài lòng” chia cho số câu trả lời hợp lệ",
                        True,
                    ),
                    ("Số câu trả lời “Rất hài lòng” chia cho số phiếu phát ra", False),
                    ("Điểm trung bình của thang đo 5 mức", False),
                ],
                "Câu bỏ trống không tính vào số câu trả lời hợp lệ.",
            ),
            (
                "single",
                "Công thức cỡ mẫu thường dùng khi chọn mẫu khảo sát SIPAS là gì (N: số người "
                "được phục vụ, e: sai số)?",
                [
                    ("n = N / (1 + N·e²)", True),
                    ("n = N · e", False),
                    ("n = N / 2", False),
                ],
                "Với N = 1000 và e = 5% thì n ≈ 286.",
            ),
        ],
    ),
    "tin-hoc": (
        "Kỹ năng công nghệ thông tin cơ bản (minh họa)",
        S,
        [
            (
                "single",
                "Định dạng tệp nào phù hợp nhất để gửi một văn bản đã hoàn chỉnh, hạn chế việc "
                "chỉnh sửa?",
                [("PDF", True), ("DOCX", False), ("TXT", False)],
                "PDF giữ nguyên bố cục khi in và khó chỉnh sửa hơn.",
            ),
            (
                "single",
                "Tổ hợp phím Ctrl + C dùng để làm gì?",
                [("Sao chép", True), ("Dán", False), ("Cắt", False), ("Hoàn tác", False)],
                "Ctrl + C sao chép, Ctrl + V dán, Ctrl + X cắt, Ctrl + Z hoàn tác.",
            ),
            (
                "single",
                "Khi nhận thư điện tử lạ đề nghị cung cấp mật khẩu tài khoản công vụ, cần làm gì?",
                [
                    ("Không trả lời, không bấm đường dẫn và báo bộ phận phụ trách CNTT", True),
                    ("Trả lời ngay để tránh bị khóa tài khoản", False),
                    ("Chuyển tiếp cho đồng nghiệp trả lời giúp", False),
                ],
                "Đây là dấu hiệu lừa đảo (phishing).",
            ),
            (
                "multiple",
                "Những cách nào giúp bảo vệ tài khoản công vụ?",
                [
                    ("Bật xác thực hai lớp", True),
                    ("Dùng mật khẩu dài, khó đoán và không dùng chung", True),
                    ("Ghi mật khẩu lên giấy dán cạnh màn hình", False),
                    ("Chia sẻ mật khẩu cho đồng nghiệp khi nghỉ phép", False),
                ],
                "Xác thực hai lớp và mật khẩu mạnh, riêng cho từng tài khoản.",
            ),
            (
                "single",
                "Phần mở rộng nào là của tệp bảng tính Excel?",
                [(".xlsx", True), (".pptx", False), (".docx", False)],
                ".xlsx là bảng tính, .pptx là trình chiếu, .docx là văn bản.",
            ),
        ],
    ),
}

TESTS = [
    (
        KNOWLEDGE_CODE,
        {
            "kind": K,
            "title": "Kiểm tra kiến thức cải cách hành chính năm 2026 (minh họa)",
            "description": f"10 câu hỏi ngẫu nhiên, làm trong 20 phút, mỗi người một lần. {NOTE}",
            "time_limit_minutes": 20,
            "draw_count": 10,
            "anonymous": False,
        },
        ["mot-cua", "dich-vu-cong", "chuong-trinh-cchc"],
    ),
    (
        SKILLS_CODE,
        {
            "kind": S,
            "title": "Khảo sát kỹ năng công nghệ thông tin năm 2026 (minh họa)",
            "description": f"5 câu hỏi, làm trong 10 phút, mỗi người một lần. {NOTE}",
            "time_limit_minutes": 10,
            "draw_count": 5,
            "anonymous": False,
        },
        ["tin-hoc"],
    ),
]


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


def seed(stdout=None) -> None:
    with transaction.atomic():
        topics = {}
        questions = 0
        for code, (name, kind, items) in BANK.items():
            topic, _created = BankTopic.objects.update_or_create(
                code=code, defaults={"name": name, "for_kind": kind}
            )
            topics[code] = topic
            for qtype, text, options, explanation in items:
                question, _created = BankQuestion.objects.update_or_create(
                    topic=topic,
                    text=text,
                    defaults={"type": qtype, "explanation": f"{explanation} {NOTE}", "points": 1},
                )
                for position, (label, correct) in enumerate(options, start=1):
                    BankOption.objects.update_or_create(
                        question=question,
                        position=position,
                        defaults={"label": label, "is_correct": correct},
                    )
                questions += 1
        for code, fields, topic_codes in TESTS:
            survey = Survey.objects.filter(code=code).first()
            if survey is None:
                survey = create_survey(by=None, code=code, **fields)
            survey.draw_topics.set([topics[c] for c in topic_codes])
            if survey.status == SurveyStatus.DRAFT:
                open_survey(survey=survey, by=None)
    _say(stdout, f"surveys (B): {questions} câu hỏi kiểm tra, {len(TESTS)} bài kiểm tra đang mở.\n")
