"""Demo criteria sets (ILLUSTRATIVE — not a real decision; domain.md §5.2, par-sipas-reference A:
the real provincial trees are a GAP). Structure follows the usual provincial pattern: 8 areas
(lĩnh vực) → criteria (tiêu chí) → sub-criteria (tiêu chí thành phần), 100 points, plus a bonus
group. Points per area are invented but plausible; rules cover every rule type; leaves bound to
portal metrics are the ones SCORING-B computes.

Sets: PAR 2025 for departments (sở, ban, ngành) and for communes (xã, phường, đặc khu), both
open for self-assessment. Their deadline is set once at creation: 15/01/2026 or, when the demo
is seeded later than that, 60 days after the seeding day, so the demo journey can be run.

`seed()` is idempotent: get_or_create on (year, target_group); criteria update_or_create on
(set, code) unless the set is frozen; bands get_or_create on (set, name).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from . import tree
from .models import Band, CriteriaSet, Criterion, Metric, RuleType
from .services import DEFAULT_BANDS

YEAR = 2025
ILLUSTRATIVE_NOTE = (
    "MINH HỌA: bộ tiêu chí mẫu dựng theo cấu trúc chung của các tỉnh (lĩnh vực → tiêu chí → "
    "tiêu chí thành phần, thang điểm 100), KHÔNG phải quyết định ban hành thật. Thay bằng phụ lục "
    "chính thức của UBND thành phố trước khi sử dụng."
)
R = RuleType
M = Metric

# (code, name, max, rule, extra) — inner nodes have rule None; extra: tiers/unit/floor/metric/
# evidence/guidance/bonus
COMMON = [
    ("1", "Công tác chỉ đạo, điều hành cải cách hành chính", 10, None, {}),
    ("1.1", "Kế hoạch CCHC năm", 3, None, {}),
    (
        "1.1.1",
        "Ban hành kế hoạch CCHC năm kịp thời (trước ngày 31/12 năm trước)",
        1,
        R.YES_NO,
        {"evidence": True, "eg": "Quyết định ban hành kế hoạch CCHC năm."},
    ),
    (
        "1.1.2",
        "Mức độ hoàn thành kế hoạch CCHC năm",
        2,
        R.RATIO_TIERS,
        {
            "tiers": [["1", "2"], ["0.8", "1"]],
            "evidence": True,
            "guide": "Hoàn thành 100% nhiệm vụ: 2 điểm; từ 80% đến dưới 100%: 1 điểm; dưới 80%: 0 điểm.",
            "eg": "Báo cáo kết quả thực hiện kế hoạch CCHC năm.",
        },
    ),
    (
        "1.2",
        "Báo cáo CCHC định kỳ (quý, 6 tháng, năm) đầy đủ, đúng hạn",
        2,
        R.DEDUCTION,
        {
            "unit": "0.5",
            "floor": "0",
            "evidence": True,
            "guide": "Mỗi báo cáo chậm hoặc không gửi: trừ 0,5 điểm; tối thiểu 0 điểm.",
            "eg": "Các báo cáo CCHC kèm ngày gửi.",
        },
    ),
    (
        "1.3",
        "Công tác tuyên truyền CCHC",
        2,
        R.YES_NO,
        {"eg": "Kế hoạch tuyên truyền CCHC; ảnh chụp, đường dẫn tin bài."},
    ),
    ("1.4", "Kiểm tra công tác CCHC", 3, None, {}),
    ("1.4.1", "Ban hành kế hoạch kiểm tra CCHC", 1, R.YES_NO, {"evidence": True}),
    (
        "1.4.2",
        "Tỷ lệ đơn vị trực thuộc được kiểm tra theo kế hoạch",
        2,
        R.PROPORTIONAL,
        {"guide": "Điểm = 2 × tỷ lệ đơn vị được kiểm tra.", "eg": "Báo cáo kết quả kiểm tra."},
    ),
    ("2", "Cải cách thể chế", 8, None, {}),
    (
        "2.1",
        "Tham mưu ban hành văn bản QPPL đúng thẩm quyền, trình tự, thủ tục",
        4,
        R.MANUAL,
        {
            "guide": "Không có văn bản trái pháp luật: 4 điểm; có văn bản bị kiến nghị xử lý: chấm theo mức độ.",
            "eg": "Danh mục văn bản đã ban hành; kết luận kiểm tra văn bản.",
        },
    ),
    ("2.2", "Rà soát, hệ thống hóa văn bản QPPL", 4, None, {}),
    ("2.2.1", "Ban hành kế hoạch rà soát văn bản", 1, R.YES_NO, {"evidence": True}),
    ("2.2.2", "Tỷ lệ văn bản được xử lý sau rà soát", 3, R.PROPORTIONAL, {}),
    ("3", "Cải cách thủ tục hành chính", 20, None, {}),
    (
        "3.1",
        "Công khai đầy đủ, kịp thời TTHC (niêm yết và trên Cổng dịch vụ công)",
        3,
        R.YES_NO,
        {"evidence": True, "eg": "Ảnh chụp nơi niêm yết; đường dẫn trang công khai."},
    ),
    (
        "3.2",
        "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn",
        6,
        R.RATIO_TIERS,
        {
            "tiers": [["1", "6"], ["0.98", "4"]],
            "metric": M.ON_TIME_RATE,
            "guide": "100%: 6 điểm; từ 98% đến dưới 100%: 4 điểm; dưới 98%: 0 điểm.",
            "eg": "Số liệu hệ thống một cửa điện tử.",
        },
    ),
    (
        "3.3",
        "Xin lỗi tổ chức, cá nhân đối với hồ sơ trễ hạn",
        2,
        R.RATIO_TIERS,
        {
            "tiers": [["1", "2"]],
            "metric": M.LATE_APOLOGY_RATE,
            "guide": "100% hồ sơ trễ hạn có văn bản xin lỗi: 2 điểm; còn lại: 0 điểm.",
            "eg": "Phiếu xin lỗi và hẹn lại ngày trả kết quả.",
        },
    ),
    (
        "3.4",
        "Tiếp nhận, xử lý phản ánh, kiến nghị về TTHC đúng hạn",
        3,
        R.PROPORTIONAL,
        {"eg": "Sổ theo dõi phản ánh, kiến nghị."},
    ),
    (
        "3.5",
        "Tỷ lệ hồ sơ nộp trực tuyến",
        6,
        R.PROPORTIONAL,
        {"metric": M.ONLINE_RATE, "guide": "Điểm = 6 × tỷ lệ hồ sơ nộp trực tuyến."},
    ),
    ("4", "Cải cách tổ chức bộ máy hành chính nhà nước", 8, None, {}),
    ("4.1", "Sắp xếp tổ chức bộ máy theo quy định", 4, R.YES_NO, {"evidence": True}),
    (
        "4.2",
        "Ban hành và thực hiện quy chế làm việc",
        4,
        R.COUNT_CAPPED,
        {
            "unit": "1",
            "guide": "Mỗi quy chế, nội quy được ban hành và thực hiện: 1 điểm; tối đa 4 điểm.",
        },
    ),
    ("5", "Cải cách chế độ công vụ", 10, None, {}),
    ("5.1", "Vị trí việc làm được phê duyệt và thực hiện đúng", 3, R.YES_NO, {}),
    (
        "5.2",
        "Đào tạo, bồi dưỡng cán bộ, công chức",
        3,
        R.COUNT_CAPPED,
        {
            "unit": "0.5",
            "guide": "Mỗi lớp đào tạo, bồi dưỡng tổ chức hoặc cử người tham gia: 0,5 điểm; tối đa 3.",
        },
    ),
    (
        "5.3",
        "Kỷ luật, kỷ cương hành chính",
        4,
        R.DEDUCTION,
        {
            "unit": "1",
            "floor": "0",
            "guide": "Mỗi cán bộ, công chức bị kỷ luật hoặc phản ánh có căn cứ: trừ 1 điểm; tối thiểu 0.",
        },
    ),
    ("6", "Cải cách tài chính công", 7, None, {}),
    ("6.1", "Quản lý, sử dụng ngân sách, tài sản công đúng quy định", 4, R.MANUAL, {}),
    ("6.2", "Thực hiện kết luận thanh tra, kiểm toán về tài chính", 3, R.YES_NO, {}),
    ("7", "Xây dựng và phát triển chính quyền điện tử, chính quyền số", 15, None, {}),
    ("7.1", "Tỷ lệ văn bản trao đổi dưới dạng điện tử có chữ ký số", 5, R.PROPORTIONAL, {}),
    (
        "7.2",
        "Tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC",
        5,
        R.RATIO_TIERS,
        {
            "tiers": [["1", "5"], ["0.8", "2.5"]],
            "guide": "100%: 5 điểm; từ 80% đến dưới 100%: 2,5 điểm; dưới 80%: 0 điểm.",
        },
    ),
    ("7.3", "Tỷ lệ hồ sơ thanh toán trực tuyến", 5, R.PROPORTIONAL, {}),
    ("8", "Tác động của CCHC đến người dân, tổ chức (điều tra xã hội học)", 22, None, {}),
    (
        "8.1",
        "Chỉ số hài lòng của người dân, tổ chức (SIPAS)",
        12,
        R.PROPORTIONAL,
        {"metric": M.SIPAS_INDEX, "guide": "Điểm = 12 × chỉ số SIPAS (%)."},
    ),
    (
        "8.2",
        "Đánh giá của người dân sau khi giải quyết hồ sơ",
        5,
        R.PROPORTIONAL,
        {"metric": M.POST_DOSSIER_RATING},
    ),
    ("8.3", "Kiến thức về CCHC của cán bộ, công chức", 5, None, {}),
    (
        "8.3.1",
        "Tỷ lệ cán bộ, công chức tham gia kiểm tra kiến thức",
        2,
        R.RATIO_TIERS,
        {"tiers": [["1", "2"], ["0.9", "1"]], "metric": M.KNOWLEDGE_PARTICIPATION},
    ),
    (
        "8.3.2",
        "Điểm trung bình bài kiểm tra kiến thức",
        3,
        R.PROPORTIONAL,
        {"metric": M.KNOWLEDGE_MEAN_SCORE},
    ),
    ("9", "Điểm thưởng", 5, None, {"bonus": True}),
    (
        "9.1",
        "Sáng kiến, mô hình mới trong CCHC được công nhận",
        5,
        R.BONUS,
        {
            "unit": "1",
            "evidence": True,
            "guide": "Mỗi sáng kiến, mô hình được cấp có thẩm quyền công nhận: 1 điểm; tối đa 5.",
        },
    ),
]

# Departments: more weight on institutional reform, less on the online rate (same total).
DEPARTMENT_CHANGES = {
    "2": 10,
    "2.1": 5,
    "2.2": 5,
    "2.2.2": 4,
    "3": 18,
    "3.5": 4,
}
DEPARTMENT_NAMES = {
    "2.1": "Chủ trì soạn thảo, tham mưu ban hành văn bản QPPL thuộc lĩnh vực quản lý",
    "8.1": "Chỉ số hài lòng đối với sự phục vụ của sở, ngành (SIPAS)",
}

SETS = [
    (
        "departments",
        "Bộ tiêu chí xác định Chỉ số CCHC năm 2025 của các sở, ban, ngành (minh họa)",
        DEPARTMENT_CHANGES,
        DEPARTMENT_NAMES,
    ),
    (
        "communes",
        "Bộ tiêu chí xác định Chỉ số CCHC năm 2025 của UBND xã, phường, đặc khu (minh họa)",
        {},
        {},
    ),
]


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


def _deadline() -> datetime.date:
    return max(datetime.date(YEAR + 1, 1, 15), timezone.localdate() + datetime.timedelta(days=60))


def _rows(changes: dict, names: dict):
    for code, name, maximum, rule, extra in COMMON:
        yield code, names.get(code, name), changes.get(code, maximum), rule, extra


@transaction.atomic
def seed(stdout=None) -> None:
    for group, name, changes, names in SETS:
        criteria_set, created = CriteriaSet.objects.get_or_create(
            year=YEAR,
            target_group=group,
            defaults={
                "name": name,
                "description": ILLUSTRATIVE_NOTE,
                "decision_ref": "",
                "is_illustrative": True,
                "submission_deadline": _deadline(),
            },
        )
        for band_name, minimum, colour in DEFAULT_BANDS:
            Band.objects.get_or_create(
                criteria_set=criteria_set,
                name=band_name,
                defaults={"min_index": minimum, "colour": colour},
            )
        if not criteria_set.is_frozen:
            by_code: dict[str, Criterion] = {}
            for position, (code, text, maximum, rule, extra) in enumerate(_rows(changes, names), 1):
                parent_code = code.rsplit(".", 1)[0] if "." in code else None
                by_code[code], _created = Criterion.objects.update_or_create(
                    criteria_set=criteria_set,
                    code=code,
                    defaults={
                        "parent": by_code.get(parent_code),
                        "name": text,
                        "position": position,
                        "max_points": maximum,
                        "rule_type": rule or R.MANUAL,
                        "tiers": extra.get("tiers", []),
                        "unit_points": extra.get("unit"),
                        "floor_points": extra.get("floor"),
                        "is_bonus": extra.get("bonus", False),
                        "evidence_required": extra.get("evidence", False),
                        "guidance": extra.get("guide", ""),
                        "evidence_guidance": extra.get("eg", ""),
                        "metric": extra.get("metric", ""),
                    },
                )
            problems = tree.errors(tree.load(criteria_set))
            if problems:  # a bug in the table above, not a user error
                raise RuntimeError(f"demo criteria set {group} is invalid: {problems}")
        if criteria_set.status != CriteriaSet.Status.OPEN:
            criteria_set.status = CriteriaSet.Status.OPEN
            criteria_set.opened_at = timezone.now()
            criteria_set.save(update_fields=["status", "opened_at", "updated_at"])
        _say(stdout, f"scoring: {criteria_set} ({'created' if created else 'kept'})\n")
