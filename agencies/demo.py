"""Demo data: Cần Thơ in two snapshots (domain.md §9.3) and the default office hours.

(a) before 1/7/2025: UBND thành phố Cần Thơ, its departments (list A) and 9 district-level units;
(b) from 1/7/2025: the merged city (with the former Sóc Trăng and Hậu Giang provinces), the
    departments after the 2025 merger (list B), the city's public service centre and the first
    new wards, linked to their predecessors.

Agencies that continue across the reform (the city, Sở Nội vụ, Sở Tư pháp, ...) are one row.
Every electronic id here is a demo value in the QĐ 20/2020 style (is_demo_code=True); only the
ids listed in the working rules are fixed, because other apps look them up. Administrative-unit
codes come from domain.md §9.3 and are unverified [M?], so they are flagged too. For simplicity
every closure uses the snapshot boundary 30/06/2025 (the department merger actually took effect
earlier in 2025; its exact date is not verified), and no deciding document is invented: unknown
decisions are left blank with a note.

`seed()` is idempotent: update_or_create on electronic_id (agencies), on (predecessor, successor)
(succession links) and get_or_create for the default office hours.
"""

import datetime

from django.db import transaction

from .models import Agency, AgencySuccession, OfficeHours

CUTOVER = datetime.date(2025, 7, 1)
LAST_DAY_BEFORE = datetime.date(2025, 6, 30)
UNVERIFIED_NOTE = "Dữ liệu minh họa: văn bản quyết định và ngày hiệu lực chưa được xác minh."

CITY_ID = "000.00.00.H13"
L = Agency.Level
K = Agency.Kind
U = Agency.UnitType

# (electronic id, name, short name, kind, valid_to) — provincial departments and boards.
# valid_to=None: continues after 1/7/2025 as the same row.
DEPARTMENTS = [
    ("000.01.00.H13", "Văn phòng UBND thành phố", "VP UBND", K.OFFICE, None),
    ("000.10.00.H13", "Sở Nội vụ", "SNV", K.DEPARTMENT, None),
    ("000.11.00.H13", "Sở Tư pháp", "STP", K.DEPARTMENT, None),
    ("000.12.00.H13", "Sở Kế hoạch và Đầu tư", "SKHĐT", K.DEPARTMENT, LAST_DAY_BEFORE),
    ("000.13.00.H13", "Sở Tài chính", "STC", K.DEPARTMENT, None),
    ("000.14.00.H13", "Sở Công Thương", "SCT", K.DEPARTMENT, None),
    (
        "000.15.00.H13",
        "Sở Nông nghiệp và Phát triển nông thôn",
        "SNN&PTNT",
        K.DEPARTMENT,
        LAST_DAY_BEFORE,
    ),
    ("000.16.00.H13", "Sở Giao thông vận tải", "SGTVT", K.DEPARTMENT, LAST_DAY_BEFORE),
    ("000.17.00.H13", "Sở Xây dựng", "SXD", K.DEPARTMENT, None),
    ("000.18.00.H13", "Sở Tài nguyên và Môi trường", "STNMT", K.DEPARTMENT, LAST_DAY_BEFORE),
    ("000.19.00.H13", "Sở Thông tin và Truyền thông", "STTTT", K.DEPARTMENT, LAST_DAY_BEFORE),
    (
        "000.20.00.H13",
        "Sở Lao động – Thương binh và Xã hội",
        "SLĐTBXH",
        K.DEPARTMENT,
        LAST_DAY_BEFORE,
    ),
    ("000.21.00.H13", "Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL", K.DEPARTMENT, None),
    ("000.22.00.H13", "Sở Khoa học và Công nghệ", "SKHCN", K.DEPARTMENT, None),
    ("000.23.00.H13", "Sở Giáo dục và Đào tạo", "SGDĐT", K.DEPARTMENT, None),
    ("000.24.00.H13", "Sở Y tế", "SYT", K.DEPARTMENT, None),
    ("000.25.00.H13", "Sở Ngoại vụ", "SNgV", K.DEPARTMENT, None),
    ("000.26.00.H13", "Thanh tra thành phố", "TTr", K.INSPECTORATE, None),
    ("000.27.00.H13", "Ban Dân tộc", "BDT", K.BOARD, LAST_DAY_BEFORE),
    (
        "000.28.00.H13",
        "Ban Quản lý các khu chế xuất và công nghiệp Cần Thơ",
        "BQL KCX&CN",
        K.BOARD,
        None,
    ),
]
# Departments created by the 2025 merger (from 1/7/2025 in this demo).
NEW_DEPARTMENTS = [
    ("000.29.00.H13", "Sở Nông nghiệp và Môi trường", "SNN&MT", K.DEPARTMENT),
    ("000.31.00.H13", "Sở Dân tộc và Tôn giáo", "SDT&TG", K.DEPARTMENT),
]
SERVICE_CENTRE = (
    "000.30.00.H13",
    "Trung tâm Phục vụ hành chính công thành phố Cần Thơ",
    "TTPVHCC",
)

# (electronic id, name, unit type, admin-unit code from domain.md §9.3 [M?])
DISTRICTS = [
    ("000.50.01.H13", "UBND quận Ninh Kiều", U.URBAN_DISTRICT, "916"),
    ("000.50.02.H13", "UBND quận Ô Môn", U.URBAN_DISTRICT, "917"),
    ("000.50.03.H13", "UBND quận Bình Thủy", U.URBAN_DISTRICT, "918"),
    ("000.50.04.H13", "UBND quận Cái Răng", U.URBAN_DISTRICT, "919"),
    ("000.50.05.H13", "UBND quận Thốt Nốt", U.URBAN_DISTRICT, "923"),
    ("000.50.06.H13", "UBND huyện Vĩnh Thạnh", U.RURAL_DISTRICT, "924"),
    ("000.50.07.H13", "UBND huyện Cờ Đỏ", U.RURAL_DISTRICT, "925"),
    ("000.50.08.H13", "UBND huyện Phong Điền", U.RURAL_DISTRICT, "926"),
    ("000.50.09.H13", "UBND huyện Thới Lai", U.RURAL_DISTRICT, "927"),
]
# Former provinces merged into the new Cần Thơ on 1/7/2025 (admin-unit codes [M?]).
FORMER_PROVINCES = [
    ("000.90.01.H13", "UBND tỉnh Hậu Giang", "93"),
    ("000.90.02.H13", "UBND tỉnh Sóc Trăng", "94"),
]
# New wards from 1/7/2025 with the former district(s) whose territory they take (§9.3 table).
WARDS = [
    ("000.40.01.H13", "UBND phường Ninh Kiều", ["000.50.01.H13"]),
    ("000.40.02.H13", "UBND phường Cái Khế", ["000.50.01.H13", "000.50.03.H13"]),
    ("000.40.03.H13", "UBND phường Tân An", ["000.50.01.H13"]),
    ("000.40.04.H13", "UBND phường An Bình", ["000.50.01.H13", "000.50.08.H13"]),
    ("000.40.05.H13", "UBND phường Bình Thủy", ["000.50.03.H13"]),
    ("000.40.06.H13", "UBND phường Long Tuyền", ["000.50.03.H13"]),
    ("000.40.07.H13", "UBND phường Thới An Đông", ["000.50.03.H13"]),
    ("000.40.08.H13", "UBND phường Cái Răng", ["000.50.04.H13"]),
    ("000.40.09.H13", "UBND phường Hưng Phú", ["000.50.04.H13"]),
]
# Department lineage after the 2025 merger (domain.md §5.3 [M]):
# (predecessor, successor, reason, partial)
R = AgencySuccession.Reason
DEPARTMENT_LINKS = [
    ("000.12.00.H13", "000.13.00.H13", R.MERGE, False),  # KH&ĐT → Tài chính
    ("000.15.00.H13", "000.29.00.H13", R.MERGE, False),  # NN&PTNT → NN&MT
    ("000.18.00.H13", "000.29.00.H13", R.MERGE, False),  # TN&MT → NN&MT
    ("000.16.00.H13", "000.17.00.H13", R.MERGE, False),  # GTVT → Xây dựng
    ("000.19.00.H13", "000.22.00.H13", R.MERGE, False),  # TT&TT → KH&CN
    ("000.20.00.H13", "000.10.00.H13", R.TRANSFER, True),  # LĐTBXH → Nội vụ (part)
    ("000.20.00.H13", "000.24.00.H13", R.TRANSFER, True),  # LĐTBXH → Y tế (part)
    ("000.20.00.H13", "000.23.00.H13", R.TRANSFER, True),  # LĐTBXH → GD&ĐT (vocational)
    ("000.27.00.H13", "000.31.00.H13", R.TRANSFER, False),  # Ban Dân tộc → Sở DT&TG
]


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


def _agency(electronic_id: str, **fields) -> Agency:
    fields.setdefault("is_demo_code", True)
    agency, _created = Agency.objects.update_or_create(electronic_id=electronic_id, defaults=fields)
    return agency


def _link(predecessor: Agency, successor: Agency, *, reason, partial, decision="", note=""):
    AgencySuccession.objects.update_or_create(
        predecessor=predecessor,
        successor=successor,
        defaults={
            "reason": reason,
            "is_partial": partial,
            "decision": decision,
            "effective_date": CUTOVER,
            "note": note or UNVERIFIED_NOTE,
        },
    )


@transaction.atomic
def seed(stdout=None) -> None:
    OfficeHours.objects.get_or_create(
        agency=None,
        valid_from=datetime.date(2000, 1, 1),
        defaults={
            "morning_start": datetime.time(7, 0),
            "morning_end": datetime.time(11, 30),
            "afternoon_start": datetime.time(13, 30),
            "afternoon_end": datetime.time(17, 0),
        },
    )

    city = _agency(
        CITY_ID,
        name="UBND thành phố Cần Thơ",
        short_name="UBND TP",
        level=L.PROVINCE,
        kind=K.PEOPLES_COMMITTEE,
        unit_type=U.CITY,
        parent=None,
        admin_unit_code="92",
        valid_to=None,
        display_order=0,
    )
    by_id = {CITY_ID: city}
    order = 10
    for electronic_id, name, short_name, kind, valid_to in DEPARTMENTS:
        by_id[electronic_id] = _agency(
            electronic_id,
            name=name,
            short_name=short_name,
            level=L.PROVINCE,
            kind=kind,
            unit_type=U.NONE,
            parent=city,
            valid_to=valid_to,
            display_order=order,
        )
        order += 10
    for electronic_id, name, short_name, kind in NEW_DEPARTMENTS:
        by_id[electronic_id] = _agency(
            electronic_id,
            name=name,
            short_name=short_name,
            level=L.PROVINCE,
            kind=kind,
            unit_type=U.NONE,
            parent=city,
            valid_from=CUTOVER,
            valid_to=None,
            display_order=order,
        )
        order += 10
    electronic_id, name, short_name = SERVICE_CENTRE
    by_id[electronic_id] = _agency(
        electronic_id,
        name=name,
        short_name=short_name,
        level=L.PROVINCE,
        kind=K.SERVICE_CENTRE,
        unit_type=U.NONE,
        parent=city,
        valid_to=None,
        display_order=order,
    )

    for index, (electronic_id, name, unit_type, code) in enumerate(DISTRICTS, start=1):
        by_id[electronic_id] = _agency(
            electronic_id,
            name=name,
            level=L.DISTRICT,
            kind=K.PEOPLES_COMMITTEE,
            unit_type=unit_type,
            parent=city,
            admin_unit_code=code,
            valid_to=LAST_DAY_BEFORE,
            display_order=index * 10,
        )
    for index, (electronic_id, name, code) in enumerate(FORMER_PROVINCES, start=1):
        by_id[electronic_id] = _agency(
            electronic_id,
            name=name,
            level=L.PROVINCE,
            kind=K.PEOPLES_COMMITTEE,
            unit_type=U.PROVINCE,
            parent=None,
            admin_unit_code=code,
            valid_to=LAST_DAY_BEFORE,
            display_order=index * 10,
        )
    for index, (electronic_id, name, _predecessors) in enumerate(WARDS, start=1):
        by_id[electronic_id] = _agency(
            electronic_id,
            name=name,
            level=L.COMMUNE,
            kind=K.PEOPLES_COMMITTEE,
            unit_type=U.WARD,
            parent=city,
            admin_unit_code="",
            valid_from=CUTOVER,
            valid_to=None,
            display_order=index * 10,
        )

    for predecessor, successor, reason, partial in DEPARTMENT_LINKS:
        _link(by_id[predecessor], by_id[successor], reason=reason, partial=partial)
    for electronic_id, _name, _code in FORMER_PROVINCES:
        _link(
            by_id[electronic_id],
            city,
            reason=R.MERGE,
            partial=False,
            decision="NQ 202/2025/QH15",
            note="Hợp nhất vào thành phố Cần Thơ từ 01/7/2025 (domain.md §9.3).",
        )
    for electronic_id, _name, predecessors in WARDS:
        for predecessor in predecessors:
            _link(
                by_id[predecessor],
                by_id[electronic_id],
                reason=R.TRANSFER,
                partial=True,
                note="Kết thúc cấp huyện; một phần địa bàn và nhiệm vụ chuyển cho phường. "
                + UNVERIFIED_NOTE,
            )
    _say(stdout, f"agencies: {len(by_id)} cơ quan mẫu Cần Thơ (2 thời điểm), giờ làm việc mặc định")
