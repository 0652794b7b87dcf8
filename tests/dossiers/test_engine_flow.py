"""End-to-end service flows: online and paper intake, processing, pauses, return, emails."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from dossiers import selectors, services
from dossiers.models import Channel, DossierEvent, Outcome, Status, Step
from dossiers.workflow import StaleDossier, WorkflowError
from tests.dossiers.factories import PDF_BYTES, ProcedureCaseFactory, RequiredDocumentFactory
from tests.factories import AgencyFactory, MembershipFactory, StaffFactory, UserFactory

from .engine_helpers import local

pytestmark = pytest.mark.django_db


def pdf(name="to-khai.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@pytest.fixture
def world():
    agency = AgencyFactory(electronic_id="000.40.01.H13")
    desk = MembershipFactory(agency=agency, role=Role.DESK_OFFICER).user
    officer = MembershipFactory(agency=agency, role=Role.PROCESSING_OFFICER).user
    leader = MembershipFactory(agency=agency, role=Role.AGENCY_LEADER).user
    case = ProcedureCaseFactory(time_value=3, time_unit="working_day")
    doc = RequiredDocumentFactory(case=case, name="Tờ khai", mandatory=True)
    RequiredDocumentFactory(case=case, name="Giấy tờ tùy chọn", mandatory=False)
    citizen = UserFactory(full_name="Lê Thị Hoa", address="Ninh Kiều")
    return type(
        "W",
        (),
        {
            "agency": agency,
            "desk": desk,
            "officer": officer,
            "leader": leader,
            "case": case,
            "doc": doc,
            "citizen": citizen,
        },
    )


@time_machine.travel(local(2026, 3, 16, 9, 0), tick=False)
def test_online_journey(world, django_capture_on_commit_callbacks):
    w = world
    d = services.create_draft(user=w.citizen, case=w.case, competent_agency=w.agency)
    assert d.step == Step.DRAFT and d.code is None and d.applicant_name == "Lê Thị Hoa"
    assert d.channel == Channel.ONLINE and d.receiving_unit == w.agency
    services.update_draft(dossier=d, user=w.citizen, data={"summary": "Khai sinh", "copies": 2})
    with pytest.raises(ValidationError) as exc:
        services.submit_online(dossier=d, user=w.citizen)
    assert "Tờ khai" in str(exc.value)
    services.add_attachment(dossier=d, user=w.citizen, file=pdf(), required_document=w.doc)
    with django_capture_on_commit_callbacks(execute=True):
        d = services.submit_online(dossier=d, user=w.citizen)
    assert d.code == "000.40.01.H13-260316-0001"
    assert d.status == Status.SUBMITTED and d.step == Step.AT_DESK
    assert len(mail.outbox) == 1 and d.code in mail.outbox[0].subject
    # double click: same dossier, same code, no second email
    with django_capture_on_commit_callbacks(execute=True):
        again = services.submit_online(dossier=d, user=w.citizen)
    assert again.code == d.code and len(mail.outbox) == 1

    with django_capture_on_commit_callbacks(execute=True):
        d = services.accept(dossier=d, by=w.desk, revision=d.revision)
    assert d.received_at == local(2026, 3, 16, 9, 0)
    assert d.due_at == local(2026, 3, 19, 9, 0)
    assert mail.outbox[-1].to == [w.citizen.email]
    assert "tiếp nhận" in mail.outbox[-1].subject

    d = services.hand_over(dossier=d, by=w.desk, to_unit=AgencyFactory(parent=w.agency))
    assert d.status == Status.PROCESSING and d.step == Step.WITH_UNIT
    d = services.assign(dossier=d, by=w.leader, officer=w.officer)
    assert d.step == Step.WITH_OFFICER
    services.add_result(dossier=d, by=w.officer, file=pdf("kq.pdf"), title="Giấy khai sinh")
    with time_machine.travel(local(2026, 3, 18, 10, 0), tick=False):
        d = services.finish(dossier=d, by=w.officer)
        assert d.status == Status.FINISHED and d.outcome == Outcome.EARLY
        d = services.hand_over(dossier=d, by=w.officer, to_unit=w.agency)
        assert d.step == Step.RESULT_AT_DESK
        with django_capture_on_commit_callbacks(execute=True):
            d = services.return_result(dossier=d, by=w.desk)
    assert d.status == Status.RETURNED and d.closed_at and d.step == Step.CLOSED
    # the applicant is invited to rate the service, with a link that identifies the dossier
    invitation = mail.outbox[-1]
    assert d.code in invitation.subject and "đánh giá" in invitation.subject
    assert f"/khao-sat/danh-gia/?ma={d.code}&k={d.tracking_secret}" in invitation.body
    kinds = list(d.events.values_list("kind", flat=True))
    assert kinds.count(DossierEvent.Kind.HANDOFF) == 2
    public = selectors.timeline(dossier=d, public=True)
    assert [e.to_status for e in public][-1] == Status.RETURNED


@time_machine.travel(local(2026, 3, 16, 9, 0), tick=False)
def test_paper_dossier_logged_and_accepted(world):
    w = world
    d = services.log_paper_dossier(
        by=w.desk,
        receiving_unit=w.agency,
        case=w.case,
        competent_agency=w.agency,
        applicant={"name": "Phạm Văn Nam", "phone": "0987654321"},
        documents=[{"required_document": w.doc, "copies_original": 1}],
    )
    assert d.status == Status.ACCEPTED and d.code.endswith("-260316-0001")
    assert d.owner_name == "Phạm Văn Nam" and d.channel == Channel.IN_PERSON
    assert d.attachments.get().copies_original == 1
    assert d.due_at == local(2026, 3, 19, 9, 0)


def test_paper_dossier_requires_desk_role_and_mandatory_documents(world):
    w = world
    kwargs = {
        "receiving_unit": w.agency,
        "case": w.case,
        "competent_agency": w.agency,
        "applicant": {"name": "Phạm Văn Nam"},
        "documents": [],
    }
    with pytest.raises(WorkflowError):
        services.log_paper_dossier(by=w.officer, **kwargs)
    with pytest.raises(ValidationError):
        services.log_paper_dossier(by=w.desk, **kwargs)
    d = services.log_paper_dossier(by=w.desk, accept=False, **kwargs)
    assert d.status == Status.SUBMITTED and d.code.endswith("-0001")


def test_stale_revision_is_refused(world):
    w = world
    d = services.log_paper_dossier(
        by=w.desk,
        receiving_unit=w.agency,
        case=w.case,
        competent_agency=w.agency,
        applicant={"name": "A"},
        documents=[{"required_document": w.doc, "copies_photo": 1}],
        accept=False,
    )
    old = d.revision
    services.accept(dossier=d, by=w.desk, revision=old)
    with pytest.raises(StaleDossier):
        services.refuse(dossier=d, by=w.desk, reasons="Sai", revision=old)


def test_refuse_creates_refusal_and_email(world, django_capture_on_commit_callbacks):
    w = world
    d = services.log_paper_dossier(
        by=w.desk,
        receiving_unit=w.agency,
        case=w.case,
        competent_agency=w.agency,
        applicant={"name": "A", "email": "a@example.vn"},
        documents=[],
        accept=False,
    )
    with pytest.raises(ValidationError):
        services.refuse(dossier=d, by=w.desk, reasons="  ")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        refusal = services.refuse(dossier=d, by=w.desk, reasons="Không thuộc thẩm quyền")
    assert mail.outbox == []  # only after commit
    for callback in callbacks:
        callback()
    assert refusal.dossier.status == Status.REFUSED
    assert mail.outbox[0].to == ["a@example.vn"]
    assert "Không thuộc thẩm quyền" in mail.outbox[0].body


def test_withdraw_and_stop(world):
    w = world
    d = services.log_paper_dossier(
        by=w.desk,
        receiving_unit=w.agency,
        case=w.case,
        competent_agency=w.agency,
        applicant={"name": "A"},
        documents=[{"required_document": w.doc, "copies_photo": 1}],
    )
    with pytest.raises(WorkflowError):
        services.stop(dossier=d, by=w.desk, reason="x")
    d = services.stop(dossier=d, by=w.leader, reason="Trùng hồ sơ")
    assert d.status == Status.STOPPED and d.step == Step.CLOSED
    with pytest.raises(WorkflowError):
        services.withdraw(dossier=d, by=w.desk, reason="x")


def test_draft_rules(world):
    w = world
    other = UserFactory()
    d = services.create_draft(user=w.citizen, case=w.case, competent_agency=w.agency)
    with pytest.raises(WorkflowError):
        services.update_draft(dossier=d, user=other, data={"summary": "x"})
    with pytest.raises(WorkflowError):
        services.add_attachment(dossier=d, user=other, file=pdf())
    with pytest.raises(WorkflowError):  # a draft cannot be accepted by the desk
        services.accept(dossier=d, by=w.desk)
    with pytest.raises(ValidationError):
        services.update_draft(dossier=d, user=w.citizen, data={"applicant_email": "khong-hop-le"})
    a = services.add_attachment(dossier=d, user=w.citizen, file=pdf(), required_document=w.doc)
    services.remove_attachment(attachment=a, user=w.citizen)
    assert not d.attachments.exists()
    services.delete_draft(dossier=d, user=w.citizen)
    assert not type(d).objects.filter(pk=d.pk).exists()


def test_staff_of_other_agency_cannot_act(world):
    w = world
    stranger = MembershipFactory(role=Role.DESK_OFFICER).user
    d = services.log_paper_dossier(
        by=w.desk,
        receiving_unit=w.agency,
        case=w.case,
        competent_agency=w.agency,
        applicant={"name": "A"},
        documents=[],
        accept=False,
    )
    with pytest.raises(WorkflowError):
        services.accept(dossier=d, by=stranger)
    with pytest.raises(WorkflowError):
        services.add_attachment(dossier=d, user=stranger, file=pdf())
    staff_user = StaffFactory()
    with pytest.raises(WorkflowError):
        services.log_paper_dossier(
            by=staff_user,
            receiving_unit=w.agency,
            case=w.case,
            competent_agency=w.agency,
            applicant={"name": "A"},
            documents=[],
            accept=False,
        )


def test_version_not_in_force_is_refused(world):
    w = world
    w.case.version.valid_to = datetime.date(2021, 1, 1)
    w.case.version.save()
    with pytest.raises(ValidationError):
        services.create_draft(user=w.citizen, case=w.case, competent_agency=w.agency)
