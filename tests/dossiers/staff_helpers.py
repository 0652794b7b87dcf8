"""Fixtures-as-functions for the staff-side tests: two agencies, their staff, a procedure."""

import datetime
from dataclasses import dataclass

from accounts.models import Role
from dossiers.models import Status
from procedures.models import ProcedureAgency, RequiredDocument
from tests.dossiers.factories import (
    DossierFactory,
    ProcedureCaseFactory,
    ProcedureVersionFactory,
    RequiredDocumentFactory,
)
from tests.factories import AgencyFactory, MembershipFactory, StaffFactory


@dataclass
class World:
    desk_unit: object
    agency: object
    other_agency: object
    desk: object
    officer: object
    leader: object
    other_officer: object
    version: object
    case: object
    form_doc: object
    birth_doc: object


def build_world() -> World:
    parent = AgencyFactory(name="UBND thành phố Cần Thơ")
    desk_unit = AgencyFactory(name="Trung tâm Phục vụ hành chính công thành phố", parent=parent)
    agency = AgencyFactory(name="Sở Tư pháp", parent=parent)
    other_agency = AgencyFactory(name="Sở Xây dựng", parent=parent)
    desk = StaffFactory(full_name="Lê Thị Một Cửa")
    MembershipFactory(user=desk, agency=desk_unit, role=Role.DESK_OFFICER)
    officer = StaffFactory(full_name="Phạm Văn Chuyên Viên")
    MembershipFactory(user=officer, agency=agency, role=Role.PROCESSING_OFFICER)
    leader = StaffFactory(full_name="Trần Văn Lãnh Đạo")
    MembershipFactory(user=leader, agency=agency, role=Role.AGENCY_LEADER)
    other_officer = StaffFactory(full_name="Võ Thị Sở Khác")
    MembershipFactory(user=other_officer, agency=other_agency, role=Role.PROCESSING_OFFICER)
    version = ProcedureVersionFactory(
        name="Đăng ký khai sinh", valid_from=datetime.date(2020, 1, 1)
    )
    ProcedureAgency.objects.create(version=version, agency=agency)
    case = ProcedureCaseFactory(version=version)
    form_doc = RequiredDocumentFactory(
        case=case, name="Tờ khai đăng ký khai sinh", copy_type=RequiredDocument.Copy.ORIGINAL
    )
    birth_doc = RequiredDocumentFactory(
        case=case, name="Giấy chứng sinh", copy_type=RequiredDocument.Copy.CERTIFIED
    )
    return World(
        desk_unit,
        agency,
        other_agency,
        desk,
        officer,
        leader,
        other_officer,
        version,
        case,
        form_doc,
        birth_doc,
    )


def at_agency(world: World, **kwargs):
    """A dossier received at the desk and held by its competent agency (processing unless
    `status` says otherwise)."""
    kwargs.setdefault("status", Status.PROCESSING)
    kwargs.setdefault("current_unit", world.agency)
    return DossierFactory(
        receiving_unit=world.desk_unit, competent_agency=world.agency, case=world.case, **kwargs
    )


def desk_post(world: World, action: str, **overrides) -> dict:
    data = {
        "receiving_unit": world.desk_unit.pk,
        "version": world.version.pk,
        "case": world.case.pk,
        "docs_case": world.case.pk,
        "competent_agency": world.agency.pk,
        "channel": 1,
        "applicant_name": "Nguyễn Thị Hồng Nhung",
        "applicant_id_number": "092188001234",
        "applicant_phone": "0912345678",
        "applicant_email": "nhung@example.vn",
        "applicant_address": "Số 2 Hòa Bình, phường Ninh Kiều",
        "owner_same": "on",
        "summary": "Đăng ký khai sinh cho con",
        "copies": 1,
        f"doc_{world.form_doc.pk}_original": 1,
        f"doc_{world.form_doc.pk}_certified": 0,
        f"doc_{world.form_doc.pk}_photo": 0,
        f"doc_{world.birth_doc.pk}_original": 0,
        f"doc_{world.birth_doc.pk}_certified": 1,
        f"doc_{world.birth_doc.pk}_photo": 0,
        "action": action,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
