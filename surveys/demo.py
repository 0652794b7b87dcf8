"""Demo data: the SIPAS questionnaire template, the post-dossier rating survey and an open
SIPAS campaign for the demo agencies with a public link.

Sources (see /work/shared/par-sipas-reference.md §F and domain.md §2.7, §6.2): the 5 elements
and the topics of the 19 service criteria follow the 2023–2026 questionnaire (QĐ 1001/QĐ-BNV,
Câu 9 items 15–33), the respondent items follow its part A, the two assessment questions its
Câu 4 and 5. The *wording* of every question below is ours:
"Diễn đạt của cổng, không phải văn bản chính thức của Bộ Nội vụ". The general satisfaction
question existed in the 2012–2020 forms only; the expectation questions are our shortening of
"sự mong đợi". Check against the province's official form before a real campaign.

seed() is idempotent: surveys by code, sections by (survey, position), questions by (survey,
code), options by (question, value); a survey that already has responses is left untouched.
"""

import datetime

from django.db import transaction

from agencies.models import Agency

from .models import (
    CampaignLink,
    Option,
    Question,
    QuestionPurpose,
    QuestionType,
    Section,
    Survey,
    SurveyKind,
    SurveyStatus,
)
from .services import copy_structure

OURS = "Diễn đạt của cổng, không phải văn bản chính thức của Bộ Nội vụ."
T = QuestionType
P = QuestionPurpose

SIPAS_CODE = "sipas-mau"
RATING_CODE = "danh-gia-ho-so"
CAMPAIGN_CODE = "sipas-2026-can-tho"
CAMPAIGN_SLUG = "sipas-can-tho-2026"
DEMO_AGENCY_IDS = [
    "000.10.00.H13",
    "000.11.00.H13",
    "000.30.00.H13",
    "000.40.01.H13",
    "000.40.02.H13",
]

SIPAS_DESCRIPTION = (
    "Phiếu khảo sát sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành "
    "chính nhà nước, theo cấu trúc 5 yếu tố của SIPAS (Quyết định 1001/QĐ-BNV). Thông tin của "
    "ông/bà được giữ kín và chỉ dùng để tổng hợp thống kê.\n"
    f"Lưu ý: {OURS} Cần đối chiếu với mẫu phiếu chính thức do Sở Nội vụ ban hành."
)

# (code, type, text, purpose, element, criterion, required, options[(value, label)], extra)
SCALE = T.SCALE5


def _criteria(element, prefix, items):
    return [
        (f"C{prefix}.{i}", SCALE, text, P.CRITERION, element, f"{prefix}.{i}", True, [], {})
        for i, text in enumerate(items, start=1)
    ]


SIPAS_SECTIONS = [
    (
        "Phần A. Thông tin về người trả lời",
        [
            (
                "A1",
                T.SINGLE,
                "Giới tính",
                P.RESPONDENT,
                "",
                "",
                True,
                [("1", "Nam"), ("2", "Nữ")],
                {},
            ),
            (
                "A2",
                T.SINGLE,
                "Độ tuổi",
                P.RESPONDENT,
                "",
                "",
                True,
                # bands as printed in the 2023 form (the 25 overlaps there too)
                [
                    ("1", "18 – 25"),
                    ("2", "25 – 34"),
                    ("3", "35 – 49"),
                    ("4", "50 – 60"),
                    ("5", "Trên 60"),
                ],
                {},
            ),
            (
                "A3",
                T.SINGLE,
                "Dân tộc",
                P.RESPONDENT,
                "",
                "",
                False,
                [("1", "Kinh"), ("2", "Khác")],
                {},
            ),
            (
                "A4",
                T.SINGLE,
                "Trình độ học vấn",
                P.RESPONDENT,
                "",
                "",
                False,
                [
                    ("1", "Chưa tốt nghiệp tiểu học"),
                    ("2", "Tiểu học"),
                    ("3", "Trung học cơ sở"),
                    ("4", "Trung học phổ thông"),
                    ("5", "Trung cấp, cao đẳng"),
                    ("6", "Đại học trở lên"),
                ],
                {},
            ),
            (
                "A5",
                T.SINGLE,
                "Nghề nghiệp",
                P.RESPONDENT,
                "",
                "",
                False,
                [
                    ("1", "Nông, lâm, ngư nghiệp"),
                    ("2", "Công nhân"),
                    ("3", "Buôn bán, kinh doanh, dịch vụ"),
                    ("4", "Cán bộ, công chức, viên chức"),
                    ("5", "Học sinh, sinh viên"),
                    ("6", "Nghỉ hưu, nội trợ"),
                    ("7", "Khác"),
                ],
                {},
            ),
            (
                "A6",
                T.SINGLE,
                "Ông/bà đã nộp hồ sơ theo cách nào?",
                P.RESPONDENT,
                "",
                "",
                True,
                [("1", "Trực tiếp"), ("2", "Trực tuyến"), ("3", "Qua bưu chính công ích")],
                {},
            ),
            (
                "A7",
                T.NUMBER,
                "Ông/bà đã phải đi lại bao nhiêu lần để hoàn thành thủ tục?",
                P.RESPONDENT,
                "",
                "",
                False,
                [],
                {"min_value": 0, "max_value": 50},
            ),
        ],
    ),
    (
        "Phần B. Nhận định",
        [
            (
                "N1",
                T.SINGLE,
                "Khi giải quyết thủ tục, có công chức gây phiền hà, sách nhiễu ông/bà không?",
                P.ASSESSMENT,
                "",
                "",
                True,
                [("1", "Không có"), ("2", "Một số công chức"), ("3", "Nhiều công chức")],
                {},
            ),
            (
                "N2",
                T.SINGLE,
                "Ông/bà có phải nộp thêm tiền ngoài phí, lệ phí theo quy định không?",
                P.ASSESSMENT,
                "",
                "",
                True,
                [("1", "Không có"), ("2", "Một số người dân"), ("3", "Nhiều người dân")],
                {},
            ),
        ],
    ),
    (
        "Phần C1. Tiếp cận dịch vụ",
        _criteria(
            "access",
            1,
            [
                "Thông tin về thủ tục hành chính được cung cấp đầy đủ, dễ tiếp cận",
                "Nơi tiếp nhận hồ sơ có biển chỉ dẫn rõ ràng, dễ tìm",
                "Nơi tiếp nhận hồ sơ sạch sẽ, thoáng mát, có đủ chỗ ngồi",
                "Trang thiết bị phục vụ người dân đầy đủ, dễ sử dụng",
            ],
        ),
    ),
    (
        "Phần C2. Thủ tục hành chính",
        _criteria(
            "procedures",
            2,
            [
                "Thủ tục hành chính được niêm yết công khai, đầy đủ",
                "Thành phần hồ sơ phải nộp đúng quy định",
                "Phí, lệ phí phải nộp đúng quy định",
                "Thời hạn giải quyết đúng quy định",
            ],
        ),
    ),
    (
        "Phần C3. Công chức trực tiếp giải quyết công việc",
        _criteria(
            "officials",
            3,
            [
                "Công chức có thái độ giao tiếp lịch sự",
                "Công chức trả lời, giải đáp kịp thời các vướng mắc",
                "Công chức hướng dẫn kê khai hồ sơ đầy đủ, dễ hiểu, một lần",
                "Công chức tuân thủ đúng quy định khi giải quyết công việc",
                "Công chức tận tình giúp đỡ người dân",
            ],
        ),
    ),
    (
        "Phần C4. Kết quả giải quyết thủ tục hành chính",
        _criteria(
            "results",
            4,
            [
                "Nhận được kết quả đúng hẹn",
                "Kết quả có thông tin đầy đủ, chính xác",
                "Kết quả giải quyết công bằng, đúng quy định",
            ],
        ),
    ),
    (
        "Phần C5. Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị",
        _criteria(
            "feedback",
            5,
            [
                "Dễ dàng thực hiện góp ý, phản ánh, kiến nghị",
                "Góp ý, phản ánh, kiến nghị được tiếp nhận, xử lý đúng quy định",
                "Được thông báo kết quả xử lý góp ý, phản ánh, kiến nghị kịp thời",
            ],
        ),
    ),
    (
        "Phần D. Đánh giá chung",
        [
            (
                "G1",
                SCALE,
                "Nhìn chung, ông/bà hài lòng như thế nào về sự phục vụ của cơ quan?",
                P.GENERAL,
                "",
                "",
                True,
                [],
                {},
            ),
        ],
    ),
    (
        "Phần E. Mong đợi",
        [
            (
                "M1",
                T.MULTIPLE,
                "Cơ quan cần ưu tiên cải thiện những nội dung nào? (chọn tối đa 3)",
                P.EXPECTATION,
                "",
                "",
                False,
                [
                    ("1", "Mở rộng hình thức cung cấp thông tin về thủ tục"),
                    ("2", "Đơn giản hóa thủ tục, giảm giấy tờ"),
                    ("3", "Rút ngắn thời gian giải quyết"),
                    ("4", "Cải thiện thái độ phục vụ của công chức"),
                    ("5", "Nâng cao năng lực của công chức"),
                    ("6", "Mở rộng dịch vụ công trực tuyến"),
                    ("7", "Cải thiện cơ sở vật chất nơi tiếp nhận"),
                    ("8", "Tiếp nhận, xử lý phản ánh, kiến nghị tốt hơn"),
                ],
                {"max_choices": 3},
            ),
            (
                "M2",
                T.RANKING,
                "Xếp thứ tự ba nội dung ông/bà mong muốn được cải thiện trước nhất",
                P.EXPECTATION,
                "",
                "",
                False,
                [
                    ("1", "Tiếp cận dịch vụ"),
                    ("2", "Thủ tục hành chính"),
                    ("3", "Công chức giải quyết công việc"),
                    ("4", "Kết quả giải quyết"),
                    ("5", "Tiếp nhận, xử lý phản ánh, kiến nghị"),
                ],
                {"max_choices": 3},
            ),
            ("K1", T.SHORT_TEXT, "Ý kiến khác của ông/bà", P.OTHER, "", "", False, [], {}),
        ],
    ),
]

RATING_LEVELS = [("3", "Rất hài lòng"), ("2", "Hài lòng"), ("1", "Không hài lòng")]
# Indicators of domain.md §2.7 that only the citizen can tell; (1) total time and (3) contacts
# are computed from the dossier (services.compute_dossier_indicators). Wording is ours.
RATING_SECTIONS = [
    (
        "Đánh giá việc giải quyết hồ sơ",
        [
            (
                "DG4",
                T.SINGLE,
                "Để hoàn thành hồ sơ, ông/bà đã phải liên hệ những nơi nào?",
                P.RATING,
                "",
                "4",
                True,
                [
                    ("2", "Chỉ nộp và nhận kết quả tại Bộ phận Một cửa (hoặc trực tuyến)"),
                    ("1", "Bộ phận Một cửa và nơi kiểm tra thực tế theo quy định"),
                    ("0", "Phải liên hệ thêm cơ quan, đơn vị khác"),
                ],
                {},
            ),
            (
                "DG6",
                T.SINGLE,
                "Ông/bà có thấy thủ tục này được niêm yết tại nơi tiếp nhận và đăng trên Cổng "
                "dịch vụ công không?",
                P.RATING,
                "",
                "6",
                True,
                [("2", "Thấy ở cả hai nơi"), ("1", "Chỉ thấy ở một nơi"), ("0", "Không thấy")],
                {},
            ),
            (
                "DG7",
                T.SINGLE,
                "Công chức có gây phiền hà, sách nhiễu ông/bà khi giải quyết hồ sơ không?",
                P.RATING,
                "",
                "7",
                True,
                [("khong", "Không"), ("co", "Có")],
                {},
            ),
            (
                "DG10",
                T.SINGLE,
                "Mức độ hài lòng của ông/bà về sự thuận tiện khi thực hiện thủ tục",
                P.RATING,
                "",
                "10",
                True,
                RATING_LEVELS,
                {},
            ),
            (
                "DG11",
                T.SINGLE,
                "Mức độ hài lòng của ông/bà về sự phục vụ nói chung",
                P.RATING,
                "",
                "11",
                True,
                RATING_LEVELS,
                {},
            ),
            ("DG12", T.SHORT_TEXT, "Góp ý khác (nếu có)", P.OTHER, "", "", False, [], {}),
        ],
    ),
]


def _write_structure(survey: Survey, sections) -> None:
    for position, (title, questions) in enumerate(sections, start=1):
        section, _created = Section.objects.update_or_create(
            survey=survey, position=position, defaults={"title": title}
        )
        for q_position, row in enumerate(questions, start=1):
            code, qtype, text, purpose, element, criterion, required, options, extra = row
            question, _created = Question.objects.update_or_create(
                survey=survey,
                code=code,
                defaults={
                    "section": section,
                    "position": q_position,
                    "type": qtype,
                    "text": text,
                    "purpose": purpose,
                    "sipas_element": element,
                    "sipas_criterion": criterion,
                    "required": required,
                    **extra,
                },
            )
            for o_position, (value, label) in enumerate(options, start=1):
                Option.objects.update_or_create(
                    question=question,
                    value=value,
                    defaults={"label": label, "position": o_position},
                )


def _survey(code: str, defaults: dict) -> tuple[Survey, bool]:
    survey = Survey.objects.filter(code=code).first()
    if survey is None:
        return Survey.objects.create(code=code, **defaults), True
    return survey, False


@transaction.atomic
def seed(stdout=None) -> None:
    agencies = list(Agency.objects.filter(electronic_id__in=DEMO_AGENCY_IDS))

    template, _created = _survey(
        SIPAS_CODE,
        {
            "kind": SurveyKind.SIPAS,
            "title": "Phiếu khảo sát sự hài lòng (SIPAS) – mẫu chuẩn",
            "description": SIPAS_DESCRIPTION,
            "anonymous": True,
        },
    )
    if not template.is_frozen:
        _write_structure(template, SIPAS_SECTIONS)

    rating, _created = _survey(
        RATING_CODE,
        {
            "kind": SurveyKind.DOSSIER_RATING,
            "title": "Đánh giá sự phục vụ sau khi nhận kết quả hồ sơ",
            "description": (
                "Đánh giá việc giải quyết hồ sơ theo các chỉ số của cơ chế một cửa. Thời gian "
                "giải quyết và số lần yêu cầu bổ sung được tính tự động từ hồ sơ.\n"
                f"Lưu ý: {OURS}"
            ),
            "anonymous": False,
            "status": SurveyStatus.OPEN,
        },
    )
    if not rating.is_frozen:
        _write_structure(rating, RATING_SECTIONS)

    campaign, created = _survey(
        CAMPAIGN_CODE,
        {
            "kind": SurveyKind.SIPAS,
            "title": "Khảo sát sự hài lòng năm 2026 – thành phố Cần Thơ",
            "description": SIPAS_DESCRIPTION,
            "period_start": datetime.date(2026, 1, 1),
            "period_end": datetime.date(2026, 12, 31),
            "anonymous": True,
            "status": SurveyStatus.OPEN,
            "previous_version": template,
            "version": template.version + 1,
        },
    )
    if created:
        copy_structure(source=template, target=campaign)
        campaign.target_agencies.set(agencies)
    CampaignLink.objects.get_or_create(
        slug=CAMPAIGN_SLUG,
        defaults={"survey": campaign, "label": "Đường dẫn công khai của đợt khảo sát"},
    )
    if stdout:
        stdout.write(
            f"surveys: {template.questions.count()} SIPAS questions, rating survey, "
            f"campaign /khao-sat/l/{CAMPAIGN_SLUG}/\n"
        )
