"""Factories for the dossiers tests (shared by the engine, citizen, staff and stats tests).

`DossierFactory(status=Status.X)` builds a consistent dossier in that status: code, step,
current unit and the moments (submitted, received, due, finished, returned, refused, closed)
are derived from `at` (the submission moment, default now) unless given explicitly.
`DossierFactory(draft=True)` builds an online draft (no code, step DRAFT).
"""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from dossiers.models import (
    CLOSED_STATUSES,
    PAUSED_STATUSES,
    Channel,
    Dossier,
    DossierAttachment,
    Status,
    Step,
)
from procedures.models import (
    Field,
    Procedure,
    ProcedureCase,
    ProcedureVersion,
    RequiredDocument,
    TimeUnit,
)
from tests.factories import AgencyFactory, UserFactory

# The smallest valid PDF: enough for libmagic to say application/pdf.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Lĩnh vực thử nghiệm {n}")


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure

    code = factory.Sequence(lambda n: f"9.{n:06d}")


class ProcedureVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcedureVersion

    procedure = factory.SubFactory(ProcedureFactory)
    number = 1
    name = factory.Sequence(lambda n: f"Đăng ký khai sinh thử nghiệm {n}")
    field = factory.SubFactory(FieldFactory)
    at_commune = True
    online_level = "partial"
    valid_from = datetime.date(2020, 1, 1)


class ProcedureCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcedureCase

    version = factory.SubFactory(ProcedureVersionFactory)
    name = ""
    time_value = Decimal("3")
    time_unit = TimeUnit.WORKING_DAY
    online_level = "partial"


class RequiredDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequiredDocument

    case = factory.SubFactory(ProcedureCaseFactory)
    order = factory.Sequence(int)
    name = factory.Sequence(lambda n: f"Tờ khai số {n} (bản chính)")
    copy_type = RequiredDocument.Copy.ORIGINAL
    mandatory = True


_STEP = {
    Status.SUBMITTED: Step.AT_DESK,
    Status.ACCEPTED: Step.AT_DESK,
    Status.PROCESSING: Step.WITH_UNIT,
    Status.WAITING_SUPPLEMENT: Step.WITH_UNIT,
    Status.WAITING_PAYMENT: Step.WITH_UNIT,
    Status.FINISHED: Step.RESULT_AT_DESK,
}
_RECEIVED = frozenset(
    {
        Status.ACCEPTED,
        Status.PROCESSING,
        Status.WAITING_SUPPLEMENT,
        Status.WAITING_PAYMENT,
        Status.FINISHED,
        Status.RETURNED,
        Status.STOPPED,
    }
)


def _if(statuses, value_fn):
    return factory.LazyAttribute(lambda o: value_fn(o) if o.status in statuses else None)


class DossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dossier
        skip_postgeneration_save = True

    class Params:
        at = factory.LazyFunction(timezone.now)  # the submission moment
        draft = factory.Trait(
            code=None,
            step=Step.DRAFT,
            submitted_at=None,
            received_at=None,
            due_at=None,
            original_due_at=None,
        )

    case = factory.SubFactory(ProcedureCaseFactory)
    procedure_version = factory.LazyAttribute(lambda o: o.case.version)
    channel = Channel.ONLINE
    applicant_user = factory.SubFactory(UserFactory)
    applicant_name = factory.LazyAttribute(
        lambda o: o.applicant_user.full_name if o.applicant_user else "Trần Thị Bình"
    )
    applicant_phone = "0912345678"
    applicant_email = factory.LazyAttribute(
        lambda o: (o.applicant_user.email if o.applicant_user else "") or "nguoinop@example.vn"
    )
    applicant_address = "Số 1 đường Hòa Bình, phường Ninh Kiều, thành phố Cần Thơ"
    summary = "Đề nghị giải quyết thủ tục"
    competent_agency = factory.SubFactory(AgencyFactory)
    receiving_unit = factory.LazyAttribute(lambda o: o.competent_agency)
    status = Status.SUBMITTED
    step = factory.LazyAttribute(lambda o: _STEP.get(o.status, Step.CLOSED))
    current_unit = factory.LazyAttribute(
        lambda o: (
            o.competent_agency
            if o.status in (Status.PROCESSING, Status.WAITING_SUPPLEMENT, Status.WAITING_PAYMENT)
            else o.receiving_unit
        )
    )
    code = factory.LazyAttributeSequence(
        lambda o, n: (
            f"{o.receiving_unit.electronic_id}-{timezone.localtime(o.at):%y%m%d}-{n % 10000:04d}"
        )
    )
    submitted_at = factory.LazyAttribute(lambda o: o.at)
    received_at = _if(_RECEIVED, lambda o: o.at)
    due_at = _if(_RECEIVED, lambda o: o.at + datetime.timedelta(days=5))
    original_due_at = factory.LazyAttribute(lambda o: o.due_at)
    paused_at = _if(PAUSED_STATUSES, lambda o: o.at + datetime.timedelta(hours=1))
    finished_at = _if({Status.FINISHED, Status.RETURNED}, lambda o: o.at + datetime.timedelta(2))
    returned_at = _if({Status.RETURNED}, lambda o: o.at + datetime.timedelta(days=3))
    refused_at = _if({Status.REFUSED}, lambda o: o.at + datetime.timedelta(hours=1))
    closed_at = _if(CLOSED_STATUSES, lambda o: o.at + datetime.timedelta(days=3))
    outcome = factory.LazyAttribute(
        lambda o: "early" if o.status in (Status.FINISHED, Status.RETURNED) else ""
    )


class DossierAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DossierAttachment

    dossier = factory.SubFactory(DossierFactory)
    role = DossierAttachment.Role.INPUT
    title = factory.Sequence(lambda n: f"Giấy tờ {n}")
    file = factory.django.FileField(filename="giay-to.pdf", data=PDF_BYTES)
    original_name = "giay-to.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)
