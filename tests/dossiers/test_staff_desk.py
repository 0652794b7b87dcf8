"""Desk console: paper intake with the four outcomes, procedure search, register export."""

import pytest
from django.urls import reverse

from dossiers.models import Channel, Dossier, DossierAttachment, Refusal, Status, SupplementRequest
from tests.dossiers.factories import DossierFactory
from tests.dossiers.staff_helpers import build_world, desk_post
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
DESK = reverse("dossiers:desk")


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def desk_client(client, world):
    client.force_login(world.desk)
    return client


def test_desk_needs_a_desk_role(client, world):
    client.force_login(world.officer)
    assert client.get(DESK).status_code == 403
    client.force_login(StaffFactory())
    assert client.get(DESK).status_code == 403


def test_console_lists_pending_online_dossiers(desk_client, world):
    pending = DossierFactory(
        status=Status.SUBMITTED, receiving_unit=world.desk_unit, competent_agency=world.agency
    )
    elsewhere = DossierFactory(status=Status.SUBMITTED, competent_agency=world.other_agency)
    response = desk_client.get(DESK)
    assert response.status_code == 200
    html = response.content.decode()
    assert pending.code in html
    assert elsewhere.code not in html
    assert "Xuất sổ theo dõi hồ sơ (Mẫu 06)" in html
    assert 'name="q"' in html and "autofocus" in html


def test_procedure_search_is_accent_insensitive(desk_client, world):
    response = desk_client.get(reverse("dossiers:desk_suggest"), {"q": "DANG ky khai"})
    html = response.content.decode()
    assert "Đăng ký khai sinh" in html
    assert f"?thu_tuc={world.version.pk}" in html
    assert (
        "Không tìm thấy"
        in desk_client.get(reverse("dossiers:desk_suggest"), {"q": "xay dung cau"}).content.decode()
    )
    # without JavaScript the search form submits to the console itself
    assert "Đăng ký khai sinh" in desk_client.get(DESK, {"q": "khai sinh"}).content.decode()


def test_choosing_a_procedure_shows_the_intake_form(desk_client, world):
    response = desk_client.get(DESK, {"thu_tuc": world.version.pk})
    html = response.content.decode()
    assert "Tờ khai đăng ký khai sinh" in html and "Giấy chứng sinh" in html
    form = response.context["form"]
    assert form["competent_agency"].initial == world.agency.pk  # from ProcedureAgency
    # copy counts prefilled from the copy type: original → bản chính, certified → chứng thực
    assert form[f"doc_{world.form_doc.pk}_original"].initial == 1
    assert form[f"doc_{world.birth_doc.pk}_certified"].initial == 1
    assert 'value="accept"' in html and 'accesskey="t"' in html


def test_accept_logs_an_accepted_dossier_and_redirects_to_the_receipt(desk_client, world):
    response = desk_client.post(DESK, desk_post(world, "accept"))
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("dossiers:desk_done", args=[dossier.code])
    assert dossier.status == Status.ACCEPTED
    assert dossier.code.startswith(world.desk_unit.electronic_id + "-")
    assert dossier.due_at is not None and dossier.received_at is not None
    assert dossier.channel == Channel.IN_PERSON
    assert dossier.competent_agency == world.agency
    assert dossier.owner_name == "Nguyễn Thị Hồng Nhung"
    rows = {a.required_document_id: a for a in dossier.attachments.all()}
    assert rows[world.birth_doc.pk].copies_certified == 1
    receipt = desk_client.get(response.url)
    assert reverse("dossiers:form_pdf", args=[dossier.code, 1]) in receipt.content.decode()
    pdf = desk_client.get(reverse("dossiers:form_pdf", args=[dossier.code, 1]))
    assert pdf["Content-Type"] == "application/pdf"


def test_accept_with_a_missing_mandatory_document_keeps_the_input(desk_client, world):
    data = desk_post(world, "accept", **{f"doc_{world.birth_doc.pk}_certified": 0})
    response = desk_client.post(DESK, data)
    assert response.status_code == 400
    assert not Dossier.objects.exists()
    html = response.content.decode()
    assert "Giấy chứng sinh" in html and "còn thiếu giấy tờ bắt buộc" in html
    assert 'value="Nguyễn Thị Hồng Nhung"' in html


def test_supplement_at_the_desk_lists_exactly_what_is_missing(desk_client, world):
    data = desk_post(
        world,
        "supplement",
        **{
            f"doc_{world.birth_doc.pk}_missing": "on",
            "extra_items": "Giấy xác nhận cư trú",
            "supplement_reason": "Thiếu giấy chứng sinh",
        },
    )
    response = desk_client.post(DESK, data)
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert dossier.status == Status.WAITING_SUPPLEMENT
    request = SupplementRequest.objects.get(dossier=dossier)
    assert [item["name"] for item in request.items] == ["Giấy chứng sinh", "Giấy xác nhận cư trú"]
    assert request.items[0]["copies_certified"] == 1
    assert request.during_intake
    # the missing document is not recorded as received
    assert not DossierAttachment.objects.filter(
        dossier=dossier, required_document=world.birth_doc
    ).exists()
    done = desk_client.get(response.url).content.decode()
    assert reverse("dossiers:form_pdf", args=[dossier.code, 2]) in done


def test_supplement_needs_items_and_a_reason(desk_client, world):
    response = desk_client.post(DESK, desk_post(world, "supplement"))
    assert response.status_code == 400
    assert "Hãy đánh dấu giấy tờ còn thiếu" in response.content.decode()
    assert not Dossier.objects.exists()


def test_refuse_at_the_desk(desk_client, world):
    response = desk_client.post(
        DESK, desk_post(world, "refuse", refuse_reasons="Không thuộc thẩm quyền")
    )
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert dossier.status == Status.REFUSED
    assert Refusal.objects.get(dossier=dossier).reasons == "Không thuộc thẩm quyền"
    missing = desk_client.post(DESK, desk_post(world, "refuse"))
    assert missing.status_code == 400
    assert "Vui lòng nhập lý do từ chối." in missing.content.decode()


def test_resolve_on_the_spot(desk_client, world):
    response = desk_client.post(DESK, desk_post(world, "spot"))
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert dossier.status == Status.RETURNED
    assert dossier.resolved_on_spot and dossier.due_at is None
    assert dossier.received_at == dossier.finished_at == dossier.returned_at


def test_changed_case_without_reloading_documents_is_caught(desk_client, world):
    from tests.dossiers.factories import ProcedureCaseFactory

    other_case = ProcedureCaseFactory(version=world.version, name="Khai sinh có yếu tố nước ngoài")
    response = desk_client.post(DESK, desk_post(world, "accept", case=other_case.pk))
    assert response.status_code == 400
    assert "Trường hợp vừa thay đổi" in response.content.decode()
    assert not Dossier.objects.exists()


def test_register_export_goes_to_the_job_page(
    desk_client, world, django_capture_on_commit_callbacks
):
    DossierFactory(status=Status.ACCEPTED, receiving_unit=world.desk_unit)
    with django_capture_on_commit_callbacks(execute=True):
        response = desk_client.post(
            reverse("dossiers:register_export"),
            {"unit": world.desk_unit.pk, "date_from": "2021-01-01", "date_to": "2030-12-31"},
        )
    from reports.models import ExportJob

    job = ExportJob.objects.get()
    assert response.url == reverse("reports:job_detail", args=[job.public_id])
    assert job.kind == "dossiers.register.xlsx"
    assert job.status == ExportJob.Status.DONE, job.error


def test_register_export_refused_for_another_unit(client, world):
    client.force_login(world.desk)
    response = client.post(
        reverse("dossiers:register_export"),
        {"unit": world.other_agency.pk, "date_from": "2026-01-01", "date_to": "2026-01-31"},
    )
    assert response.status_code == 302 and response.url == DESK
