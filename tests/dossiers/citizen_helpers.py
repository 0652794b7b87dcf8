"""Shared set-up for the citizen-side and tracking tests (fixtures are built by `make_world`)."""

import io
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import Role
from dossiers import services
from procedures.models import ProcedureAgency
from tests.dossiers.factories import (
    PDF_BYTES,
    ProcedureCaseFactory,
    ProcedureVersionFactory,
    RequiredDocumentFactory,
)
from tests.factories import AgencyFactory, MembershipFactory, UserFactory


def pdf(name="to-khai.pdf", data=PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buf, "PNG")
    return buf.getvalue()


@dataclass
class World:
    agency: object
    version: object
    case: object
    mandatory: object
    optional: object
    citizen: object
    desk: object


def make_world(*, phone="0912345678") -> World:
    agency = AgencyFactory(name="UBND phường Thử Nghiệm", electronic_id="000.40.99.H13")
    version = ProcedureVersionFactory(name="Đăng ký khai sinh", online_level="partial")
    ProcedureAgency.objects.create(version=version, agency=agency)
    case = ProcedureCaseFactory(version=version, name="")
    mandatory = RequiredDocumentFactory(case=case, name="Tờ khai đăng ký khai sinh", order=1)
    optional = RequiredDocumentFactory(case=case, name="Giấy chứng sinh", order=2, mandatory=False)
    citizen = UserFactory(
        full_name="Nguyễn Văn An",
        phone=phone,
        address="12 Hòa Bình, Ninh Kiều",
        citizen_id="092090000123",
    )
    desk = MembershipFactory(agency=agency, role=Role.DESK_OFFICER).user
    return World(agency, version, case, mandatory, optional, citizen, desk)


def submitted_dossier(world: World, user=None):
    """An online dossier of `user` (default the world's citizen), submitted through services."""
    user = user or world.citizen
    dossier = services.create_draft(user=user, case=world.case, competent_agency=world.agency)
    services.add_attachment(
        dossier=dossier, user=user, file=pdf(), required_document=world.mandatory
    )
    return services.submit_online(dossier=dossier, user=user)
