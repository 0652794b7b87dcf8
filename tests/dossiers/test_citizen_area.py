"""'Hồ sơ của tôi': list, detail, downloads, supplement answers, withdrawal, isolation."""

import pytest
from django.urls import reverse

from dossiers import services
from dossiers.models import DossierAttachment, DossierEvent, Status, Step
from tests.dossiers.citizen_helpers import make_world, pdf, png_bytes, submitted_dossier
from tests.dossiers.factories import PDF_BYTES, DossierAttachmentFactory, DossierFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def citizen_client(client, world):
    client.force_login(world.citizen)
    return client


def _waiting_supplement(world):
    dossier = submitted_dossier(world)
    request = services.request_supplement(
        dossier=dossier,
        by=world.desk,
        items=[
            {"name": "Bản sao giấy đăng ký kết hôn", "copies_certified": 1},
            {"name": "Giấy xác nhận cư trú", "copies_original": 1},
        ],
        reason="Thiếu giấy tờ chứng minh quan hệ cha mẹ",
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.WAITING_SUPPLEMENT
    return dossier, request


def test_my_dossiers_lists_own_dossiers_with_constant_queries(
    citizen_client, world, django_assert_max_num_queries
):
    DossierFactory(applicant_user=world.citizen, status=Status.PROCESSING)
    url = reverse("dossiers:my_dossiers")
    citizen_client.get(url)  # warm-up (session, user)
    with django_assert_max_num_queries(8) as few:
        citizen_client.get(url)
    for status in (Status.SUBMITTED, Status.FINISHED, Status.RETURNED, Status.WITHDRAWN):
        DossierFactory.create_batch(3, applicant_user=world.citizen, status=status)
    DossierFactory.create_batch(3, applicant_user=world.citizen, draft=True)
    other = DossierFactory(status=Status.SUBMITTED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = citizen_client.get(url)
    page = response.content.decode()
    assert page.count("badge") >= 13
    assert other.code not in page


def test_detail_shows_timeline_and_files(citizen_client, world):
    dossier = submitted_dossier(world)
    response = citizen_client.get(reverse("dossiers:citizen_detail", args=[dossier.public_id]))
    page = response.content.decode()
    assert response.status_code == 200
    assert dossier.code in page
    assert "Mới đăng ký" in page
    attachment = dossier.attachments.get()
    assert reverse("dossiers:attachment_download", args=[dossier.public_id, attachment.pk]) in page


def test_owner_downloads_attachment_as_file(citizen_client, world):
    dossier = submitted_dossier(world)
    attachment = dossier.attachments.get()
    response = citizen_client.get(
        reverse("dossiers:attachment_download", args=[dossier.public_id, attachment.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_other_citizen_sees_nothing(client, world):
    dossier = submitted_dossier(world)
    draft = services.create_draft(
        user=world.citizen, case=world.case, competent_agency=world.agency
    )
    attachment = dossier.attachments.get()
    client.force_login(UserFactory())
    for url in (
        reverse("dossiers:citizen_detail", args=[dossier.public_id]),
        reverse("dossiers:citizen_submitted", args=[dossier.public_id]),
        reverse("dossiers:citizen_withdraw", args=[dossier.public_id]),
        reverse("dossiers:attachment_download", args=[dossier.public_id, attachment.pk]),
        reverse("dossiers:citizen_draft_details", args=[draft.public_id]),
        reverse("dossiers:citizen_draft_documents", args=[draft.public_id]),
        reverse("dossiers:citizen_draft_review", args=[draft.public_id]),
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        reverse("dossiers:citizen_withdraw", args=[dossier.public_id]),
        reverse("dossiers:citizen_answer_supplement", args=[dossier.public_id]),
        reverse("dossiers:citizen_draft_review", args=[draft.public_id]),
        reverse("dossiers:citizen_draft_delete", args=[draft.public_id]),
    ):
        assert client.post(url, {"reason": "x", "confirm": "on"}).status_code == 404, url
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    draft.refresh_from_db()
    assert draft.is_draft
    # an attachment id paired with another dossier's public id is not found either
    own = submitted_dossier(world, user=UserFactory())
    assert (
        client.get(
            reverse("dossiers:attachment_download", args=[own.public_id, attachment.pk])
        ).status_code
        == 404
    )


def test_anonymous_download_redirects_to_login(client, world):
    dossier = submitted_dossier(world)
    attachment = dossier.attachments.get()
    response = client.get(
        reverse("dossiers:attachment_download", args=[dossier.public_id, attachment.pk])
    )
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_supplement_answer_flow(citizen_client, world):
    dossier, request = _waiting_supplement(world)
    detail_url = reverse("dossiers:citizen_detail", args=[dossier.public_id])
    page = citizen_client.get(detail_url).content.decode()
    assert "Bản sao giấy đăng ký kết hôn" in page and "Giấy xác nhận cư trú" in page
    assert "Thiếu giấy tờ chứng minh quan hệ cha mẹ" in page
    assert "Gửi bổ sung" in page

    response = citizen_client.post(
        reverse("dossiers:citizen_answer_supplement", args=[dossier.public_id]),
        {"item_0": pdf("ket-hon.pdf"), "note": "Đã bổ sung bản sao", "revision": dossier.revision},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    request.refresh_from_db()
    assert dossier.status == Status.SUBMITTED  # asked at intake: back to the desk
    assert request.answered_at is not None and request.answer_note == "Đã bổ sung bản sao"
    added = DossierAttachment.objects.get(dossier=dossier, role=DossierAttachment.Role.SUPPLEMENT)
    assert added.supplement_request == request
    assert added.title == "Bản sao giấy đăng ký kết hôn"
    assert DossierEvent.objects.filter(
        dossier=dossier, kind=DossierEvent.Kind.SUPPLEMENT_ANSWER
    ).exists()
    assert "Gửi bổ sung" not in citizen_client.get(detail_url).content.decode()


def test_supplement_answered_with_files_only(citizen_client, world):
    """The files alone answer the request (no note needed): a regression where the view
    looked at a prefetched, empty attachment list and refused the answer."""
    dossier, request = _waiting_supplement(world)
    response = citizen_client.post(
        reverse("dossiers:citizen_answer_supplement", args=[dossier.public_id]),
        {"item_0": pdf("ket-hon.pdf"), "revision": dossier.revision},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.answered_at is not None


def test_supplement_with_a_bad_file_keeps_the_request_open(citizen_client, world):
    dossier, request = _waiting_supplement(world)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = citizen_client.post(
        reverse("dossiers:citizen_answer_supplement", args=[dossier.public_id]),
        {
            "item_0": SimpleUploadedFile("ket-hon.pdf", png_bytes()),
            "item_1": pdf("cu-tru.pdf"),
            "revision": dossier.revision,
        },
    )
    assert response.status_code == 400
    assert "Nội dung tệp không khớp" in response.content.decode()
    dossier.refresh_from_db()
    request.refresh_from_db()
    assert dossier.status == Status.WAITING_SUPPLEMENT and request.answered_at is None
    # the valid file was kept on the open request
    assert [a.title for a in request.attachments.all()] == ["Giấy xác nhận cư trú"]


def test_empty_supplement_answer_is_refused(citizen_client, world):
    dossier, request = _waiting_supplement(world)
    response = citizen_client.post(
        reverse("dossiers:citizen_answer_supplement", args=[dossier.public_id]),
        {"revision": dossier.revision},
    )
    assert response.status_code == 400
    assert "Vui lòng tải lên giấy tờ được yêu cầu" in response.content.decode()
    request.refresh_from_db()
    assert request.answered_at is None


def test_withdraw_requires_confirmation_then_closes(citizen_client, world):
    dossier = submitted_dossier(world)
    url = reverse("dossiers:citizen_withdraw", args=[dossier.public_id])
    assert "Rút hồ sơ" in citizen_client.get(url).content.decode()

    response = citizen_client.post(url, {"reason": "Nộp nhầm", "revision": dossier.revision})
    assert response.status_code == 400
    assert "Vui lòng đánh dấu xác nhận" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED

    response = citizen_client.post(
        url, {"reason": "Nộp nhầm", "confirm": "on", "revision": dossier.revision}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN and dossier.step == Step.CLOSED
    event = dossier.events.filter(to_status=Status.WITHDRAWN).get()
    assert event.note == "Nộp nhầm" and event.by == world.citizen


def test_withdraw_with_a_stale_form_is_refused(citizen_client, world):
    dossier = submitted_dossier(world)
    stale = dossier.revision
    services.accept(dossier=dossier, by=world.desk)
    response = citizen_client.post(
        reverse("dossiers:citizen_withdraw", args=[dossier.public_id]),
        {"reason": "Nộp nhầm", "confirm": "on", "revision": stale},
    )
    assert response.status_code == 400
    assert "Hồ sơ vừa được người khác cập nhật" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.ACCEPTED


def test_result_is_downloadable_once_returned(citizen_client, world):
    dossier = DossierFactory(applicant_user=world.citizen, status=Status.RETURNED)
    result = DossierAttachmentFactory(
        dossier=dossier, role=DossierAttachment.Role.RESULT, title="Giấy khai sinh"
    )
    page = citizen_client.get(
        reverse("dossiers:citizen_detail", args=[dossier.public_id])
    ).content.decode()
    url = reverse("dossiers:attachment_download", args=[dossier.public_id, result.pk])
    assert "Kết quả giải quyết" in page and url in page
    assert citizen_client.get(url).status_code == 200
    assert "Rút hồ sơ" not in page  # a returned dossier cannot be withdrawn
