"""Online submission through the Django test client: start → case → details → documents →
review → submit → confirmation + email; bad input keeps what was uploaded."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from dossiers.models import Dossier, DossierAttachment, DossierCodeCounter, Status, Step
from tests.dossiers.citizen_helpers import make_world, pdf, png_bytes, submitted_dossier
from tests.dossiers.factories import PDF_BYTES, ProcedureVersionFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


DETAILS = {
    "applicant_name": "Nguyễn Văn An",
    "applicant_id_number": "092090000123",
    "applicant_phone": "0912345678",
    "applicant_email": "an@example.vn",
    "applicant_address": "12 Hòa Bình, Ninh Kiều",
    "owner_same": "on",
    "summary": "Đăng ký khai sinh cho con",
    "copies": "1",
}


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def citizen_client(client, world):
    client.force_login(world.citizen)
    return client


def _start(client, world) -> Dossier:
    url = reverse("dossiers:submit", args=[world.version.procedure.code])
    response = client.post(url, {"case": world.case.pk, "competent_agency": world.agency.pk})
    assert response.status_code == 302
    return Dossier.objects.get(applicant_user=world.citizen, step=Step.DRAFT)


def test_full_online_journey(citizen_client, world, django_capture_on_commit_callbacks):
    client = citizen_client
    code = world.version.procedure.code
    start_url = reverse("dossiers:submit", args=[code])
    # the procedure page links to the start view
    assert start_url in client.get(reverse("procedures:detail", args=[code])).content.decode()

    page = client.get(start_url)
    assert page.status_code == 200
    assert world.agency.name in page.content.decode()

    response = client.post(start_url, {"case": world.case.pk, "competent_agency": world.agency.pk})
    dossier = Dossier.objects.get(applicant_user=world.citizen)
    assert dossier.is_draft and dossier.code is None
    details_url = reverse("dossiers:citizen_draft_details", args=[dossier.public_id])
    assert response.url == details_url

    page = client.get(details_url).content.decode()
    assert "Nguyễn Văn An" in page and "0912345678" in page  # prefilled from the profile

    response = client.post(details_url, DETAILS)
    documents_url = reverse("dossiers:citizen_draft_documents", args=[dossier.public_id])
    assert response.status_code == 302 and response.url == documents_url
    dossier.refresh_from_db()
    assert dossier.summary == "Đăng ký khai sinh cho con"
    assert dossier.owner_name == "Nguyễn Văn An"

    page = client.get(documents_url).content.decode()
    assert "Tờ khai đăng ký khai sinh" in page and "Giấy chứng sinh" in page

    response = client.post(
        documents_url, {f"doc_{world.mandatory.pk}": pdf("to-khai.pdf"), "next": "1"}
    )
    review_url = reverse("dossiers:citizen_draft_review", args=[dossier.public_id])
    assert response.status_code == 302 and response.url == review_url
    attachment = DossierAttachment.objects.get(dossier=dossier)
    assert attachment.required_document == world.mandatory
    assert attachment.file.read() == PDF_BYTES

    page = client.get(review_url).content.decode()
    assert "Thời hạn dự kiến" in page and 'id="expected-due"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(review_url)
    dossier.refresh_from_db()
    assert response.status_code == 302
    assert response.url == reverse("dossiers:citizen_submitted", args=[dossier.public_id])
    assert dossier.status == Status.SUBMITTED and dossier.step == Step.AT_DESK
    assert dossier.code.startswith("000.40.99.H13-")

    page = client.get(response.url).content.decode()
    assert dossier.code in page and dossier.tracking_secret in page
    assert reverse("dossiers:track") in page

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["an@example.vn"]
    assert dossier.code in email.subject
    assert dossier.code in email.body and dossier.tracking_secret in email.body
    assert "Kính gửi Ông/Bà Nguyễn Văn An" in email.body


def test_missing_mandatory_document_blocks_submit_and_keeps_uploads(citizen_client, world):
    dossier = _start(citizen_client, world)
    documents_url = reverse("dossiers:citizen_draft_documents", args=[dossier.public_id])
    citizen_client.post(documents_url, {f"doc_{world.optional.pk}": pdf("chung-sinh.pdf")})
    review_url = reverse("dossiers:citizen_draft_review", args=[dossier.public_id])

    response = citizen_client.post(review_url, follow=False)

    assert response.status_code == 400
    page = response.content.decode()
    assert "Hồ sơ còn thiếu giấy tờ bắt buộc" in page
    assert "Tờ khai đăng ký khai sinh" in page
    dossier.refresh_from_db()
    assert dossier.is_draft and dossier.code is None
    assert DossierAttachment.objects.filter(dossier=dossier).count() == 1
    assert "chung-sinh.pdf" in page  # the uploaded file is still listed


def test_png_renamed_pdf_is_rejected_and_other_slots_are_saved(citizen_client, world):
    dossier = _start(citizen_client, world)
    url = reverse("dossiers:citizen_draft_documents", args=[dossier.public_id])
    response = citizen_client.post(
        url,
        {
            f"doc_{world.mandatory.pk}": SimpleUploadedFile("to-khai.pdf", png_bytes()),
            f"doc_{world.optional.pk}": pdf("chung-sinh.pdf"),
            "next": "1",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nội dung tệp không khớp với phần mở rộng .pdf" in page
    saved = DossierAttachment.objects.filter(dossier=dossier)
    assert [a.required_document_id for a in saved] == [world.optional.pk]
    assert "chung-sinh.pdf" in page


def test_oversized_upload_is_rejected(citizen_client, world):
    dossier = _start(citizen_client, world)
    url = reverse("dossiers:citizen_draft_documents", args=[dossier.public_id])
    big = PDF_BYTES + b"0" * (10 * 1024 * 1024)
    response = citizen_client.post(
        url, {f"doc_{world.mandatory.pk}": SimpleUploadedFile("lon.pdf", big)}
    )
    assert response.status_code == 400
    assert "Tệp quá lớn" in response.content.decode()
    assert not DossierAttachment.objects.filter(dossier=dossier).exists()


def test_remove_uploaded_file_from_draft(citizen_client, world):
    dossier = _start(citizen_client, world)
    url = reverse("dossiers:citizen_draft_documents", args=[dossier.public_id])
    citizen_client.post(url, {f"doc_{world.mandatory.pk}": pdf()})
    attachment = DossierAttachment.objects.get(dossier=dossier)
    remove = reverse(
        "dossiers:citizen_draft_remove_attachment", args=[dossier.public_id, attachment.pk]
    )
    assert citizen_client.get(remove).status_code == 405
    response = citizen_client.post(remove)
    assert response.status_code == 302
    assert not DossierAttachment.objects.filter(dossier=dossier).exists()


def test_double_submit_gives_one_dossier_and_one_code(citizen_client, world):
    dossier = _start(citizen_client, world)
    citizen_client.post(
        reverse("dossiers:citizen_draft_documents", args=[dossier.public_id]),
        {f"doc_{world.mandatory.pk}": pdf()},
    )
    review_url = reverse("dossiers:citizen_draft_review", args=[dossier.public_id])
    first = citizen_client.post(review_url)
    second = citizen_client.post(review_url)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert Dossier.objects.filter(applicant_user=world.citizen).count() == 1
    dossier.refresh_from_db()
    assert dossier.code.endswith("-0001")
    assert DossierCodeCounter.objects.get().last == 1


def test_invalid_details_keep_what_was_typed(citizen_client, world):
    dossier = _start(citizen_client, world)
    url = reverse("dossiers:citizen_draft_details", args=[dossier.public_id])
    data = {**DETAILS, "applicant_phone": "12345", "owner_same": "", "owner_name": ""}
    response = citizen_client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Số điện thoại không hợp lệ" in page
    assert "Vui lòng nhập thông tin chủ hồ sơ." in page
    assert "Đăng ký khai sinh cho con" in page
    dossier.refresh_from_db()
    assert dossier.summary == ""


def test_drafts_are_listed_resumed_and_deleted(citizen_client, world):
    dossier = _start(citizen_client, world)
    citizen_client.post(
        reverse("dossiers:citizen_draft_details", args=[dossier.public_id]),
        {**DETAILS, "summary": "Nội dung đã lưu"},
    )
    page = citizen_client.get(reverse("dossiers:my_dossiers")).content.decode()
    details_url = reverse("dossiers:citizen_draft_details", args=[dossier.public_id])
    assert "Hồ sơ nháp" in page and details_url in page
    # resuming shows what was saved
    assert "Nội dung đã lưu" in citizen_client.get(details_url).content.decode()
    # starting the same procedure again offers the draft
    start = reverse("dossiers:submit", args=[world.version.procedure.code])
    assert details_url in citizen_client.get(start).content.decode()

    response = citizen_client.post(
        reverse("dossiers:citizen_draft_delete", args=[dossier.public_id])
    )
    assert response.status_code == 302
    assert not Dossier.objects.filter(pk=dossier.pk).exists()


def test_a_submitted_dossier_cannot_be_deleted_as_draft(citizen_client, world):
    dossier = submitted_dossier(world)
    response = citizen_client.post(
        reverse("dossiers:citizen_draft_delete", args=[dossier.public_id])
    )
    assert response.status_code == 302
    assert Dossier.objects.filter(pk=dossier.pk).exists()
    # and the draft pages of a submitted dossier lead to its detail page
    details = citizen_client.get(
        reverse("dossiers:citizen_draft_details", args=[dossier.public_id])
    )
    assert details.url == reverse("dossiers:citizen_detail", args=[dossier.public_id])


def test_login_is_required_with_next(client, world):
    url = reverse("dossiers:submit", args=[world.version.procedure.code])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "next=" in response.url


def test_procedure_without_online_service_is_refused(citizen_client, world):
    version = ProcedureVersionFactory(online_level="info")
    response = citizen_client.get(
        reverse("dossiers:submit", args=[version.procedure.code]), follow=True
    )
    assert "chưa cung cấp dịch vụ công trực tuyến" in response.content.decode()
    assert not Dossier.objects.exists()


def test_staff_accounts_cannot_submit(client, world):
    client.force_login(UserFactory(kind=User.Kind.STAFF))
    response = client.get(
        reverse("dossiers:submit", args=[world.version.procedure.code]), follow=True
    )
    assert "dành cho tài khoản công dân hoặc tổ chức" in response.content.decode()


def test_no_competent_agency_shows_a_clear_message(citizen_client, world):
    version = ProcedureVersionFactory(at_commune=False, at_province=False)
    from tests.dossiers.factories import ProcedureCaseFactory

    ProcedureCaseFactory(version=version)
    page = citizen_client.get(reverse("dossiers:submit", args=[version.procedure.code]))
    assert page.status_code == 200
    assert "Chưa xác định được cơ quan giải quyết" in page.content.decode()


def test_agency_not_implementing_the_procedure_is_refused(citizen_client, world):
    from tests.factories import AgencyFactory

    other = AgencyFactory()
    url = reverse("dossiers:submit", args=[world.version.procedure.code])
    response = citizen_client.post(url, {"case": world.case.pk, "competent_agency": other.pk})
    assert response.status_code == 200
    assert "Cơ quan đã chọn không thực hiện thủ tục này." in response.content.decode()
    assert not Dossier.objects.exists()


def test_an_upload_keeps_the_relations_the_page_read(world, django_assert_num_queries):
    from dossiers import selectors, services

    draft = services.create_draft(
        user=world.citizen, case=world.case, competent_agency=world.agency
    )
    dossier = selectors.get_for_citizen(user=world.citizen, public_id=draft.public_id)
    services.add_attachment(
        dossier=dossier, user=world.citizen, file=pdf(), required_document=world.mandatory
    )
    assert dossier.revision == Dossier.objects.get(pk=dossier.pk).revision  # synced
    with django_assert_num_queries(0):  # still cached: the upload's lock joined none of them
        assert dossier.case.pk == world.case.pk
        assert dossier.competent_agency.name == world.agency.name
        assert dossier.procedure_version.procedure.code == world.version.procedure.code


def test_the_files_of_one_form_are_saved_together_or_not_at_all(world, settings):
    """One lock and one new revision for all of a form's files; when one is refused nothing is
    kept: no row, no stored file."""
    from pathlib import Path

    from django.core.exceptions import ValidationError

    from dossiers import services
    from tests.dossiers.factories import RequiredDocumentFactory

    draft = services.create_draft(
        user=world.citizen, case=world.case, competent_agency=world.agency
    )
    before = Dossier.objects.get(pk=draft.pk).revision
    saved = services.add_attachments(
        dossier=draft,
        user=world.citizen,
        files=[(world.mandatory, pdf("a.pdf"), ""), (world.optional, pdf("b.pdf"), "")],
    )
    assert [a.title for a in saved] == [world.mandatory.name, world.optional.name]
    assert Dossier.objects.get(pk=draft.pk).revision == before + 1
    stored = {p.name for p in Path(settings.MEDIA_ROOT).rglob("*.pdf")}
    assert len(stored) == 2
    foreign = RequiredDocumentFactory(name="Giấy tờ của thủ tục khác")  # another case
    with pytest.raises(ValidationError):
        services.add_attachments(
            dossier=draft,
            user=world.citizen,
            files=[(world.mandatory, pdf("c.pdf"), ""), (foreign, pdf("d.pdf"), "")],
        )
    assert DossierAttachment.objects.filter(dossier=draft).count() == 2
    assert {p.name for p in Path(settings.MEDIA_ROOT).rglob("*.pdf")} == stored
    assert Dossier.objects.get(pk=draft.pk).revision == before + 1


def test_the_start_form_finds_the_choice_among_the_rows_already_read(
    world, django_assert_num_queries
):
    from django.core.exceptions import ValidationError

    from agencies.models import Agency
    from dossiers.forms.citizen import StartForm
    from procedures.models import ProcedureCase
    from tests.factories import AgencyFactory

    cases = ProcedureCase.objects.filter(version=world.version)
    agencies = Agency.objects.filter(pk=world.agency.pk)
    list(cases), list(agencies)  # read by the view
    with django_assert_num_queries(0):
        form = StartForm(
            {"case": str(world.case.pk), "competent_agency": str(world.agency.pk)},
            cases=cases,
            agencies=agencies,
        )
        assert form.is_valid(), form.errors
    assert form.cleaned_data["case"] == world.case
    assert form.cleaned_data["competent_agency"] == world.agency
    other = AgencyFactory(name="UBND phường Khác")
    refused = StartForm(
        {"case": str(world.case.pk), "competent_agency": str(other.pk)},
        cases=cases,
        agencies=agencies,
    )
    assert not refused.is_valid()
    assert refused.errors["competent_agency"] == ["Cơ quan đã chọn không thực hiện thủ tục này."]
    with pytest.raises(ValidationError):
        refused.fields["case"].clean("abc")
