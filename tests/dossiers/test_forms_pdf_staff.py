"""The official forms Mẫu 01–05 as PDF: text extracted with pdftotext must carry the code, the
applicant's name with its diacritics and the national motto."""

import datetime
import io
import os
import subprocess

import pytest
from django.utils import timezone

from dossiers import pdf
from dossiers.models import (
    Apology,
    DossierAttachment,
    DossierEvent,
    Refusal,
    Status,
    SupplementRequest,
)
from tests.dossiers.factories import DossierFactory, RequiredDocumentFactory
from tests.factories import AgencyFactory, StaffFactory

pytestmark = pytest.mark.django_db

APPLICANT = "Nguyễn Thị Hồng Nhung"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def pdf_text(data: bytes) -> str:
    result = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


def render(dossier, number) -> tuple[str, str]:
    out = io.BytesIO()
    name = pdf.render_form(dossier, number, out)
    data = out.getvalue()
    assert data.startswith(b"%PDF")
    if os.environ.get("DOSSIER_PDF_DIR"):  # to look at them: pdftoppm -r 70 -png
        with open(os.path.join(os.environ["DOSSIER_PDF_DIR"], name), "wb") as fh:
            fh.write(data)
    return name, pdf_text(data)


@pytest.fixture
def staff():
    return StaffFactory(full_name="Lê Văn Tiếp Nhận")


@pytest.fixture
def dossier(staff):
    parent = AgencyFactory(name="UBND thành phố Cần Thơ")
    unit = AgencyFactory(name="Trung tâm Phục vụ hành chính công thành phố", parent=parent)
    at = timezone.make_aware(datetime.datetime(2026, 3, 16, 9, 30))
    d = DossierFactory(
        status=Status.ACCEPTED,
        at=at,
        applicant_user=None,
        applicant_name=APPLICANT,
        applicant_id_number="092188001234",
        receiving_unit=unit,
        summary="Đăng ký khai sinh cho con",
        channel=1,
        created_by=staff,
    )
    doc = RequiredDocumentFactory(case=d.case, name="Tờ khai đăng ký khai sinh")
    DossierAttachment.objects.create(
        dossier=d, required_document=doc, copies_original=1, copies_photo=2
    )
    DossierEvent.objects.create(
        dossier=d,
        kind=DossierEvent.Kind.TRANSITION,
        at=at,
        by=staff,
        from_status=Status.SUBMITTED,
        to_status=Status.ACCEPTED,
    )
    return d


def test_mau01_receipt(dossier):
    name, text = render(dossier, 1)
    assert name.startswith("mau-01-")
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert dossier.code in text
    assert APPLICANT in text
    assert MOTTO in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "UBND THÀNH PHỐ CẦN THƠ" in text  # parent body in the header
    assert "Tờ khai đăng ký khai sinh" in text
    assert "03 ngày làm việc" in text
    assert "09 giờ 30 phút, ngày 16/03/2026" in text
    assert dossier.tracking_secret in text
    assert "Lê Văn Tiếp Nhận" in text
    assert "Cần Thơ, ngày 16 tháng 3 năm 2026" in text


def test_mau01_qr_points_to_tracking(dossier, settings):
    settings.SITE_URL = "https://cchc.example.vn"
    context = pdf.form_context(dossier, 1)
    assert context["tracking_url"] == (
        f"https://cchc.example.vn/tra-cuu/?ma={dossier.code}&k={dossier.tracking_secret}"
    )
    assert context["qr"].startswith("data:image/svg+xml")


def test_mau02_supplement(dossier, staff):
    SupplementRequest.objects.create(
        dossier=dossier,
        items=[{"name": "Giấy chứng sinh", "copies_original": 1}, {"name": "Bản sao sổ hộ khẩu"}],
        reason="Thiếu giấy chứng sinh bản chính",
        requested_by=staff,
        requested_at=timezone.now(),
    )
    _, text = render(dossier, 2)
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert dossier.code in text and APPLICANT in text and MOTTO in text
    assert "Giấy chứng sinh" in text and "Bản sao sổ hộ khẩu" in text
    assert "Thiếu giấy chứng sinh bản chính" in text
    assert "NGƯỜI HƯỚNG DẪN" in text


def test_mau03_refusal(dossier, staff):
    Refusal.objects.create(
        dossier=dossier,
        reasons="Hồ sơ không thuộc thẩm quyền giải quyết\nĐề nghị nộp tại UBND phường",
        refused_by=staff,
        refused_at=timezone.now(),
    )
    _, text = render(dossier, 3)
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert dossier.code in text and APPLICANT in text and MOTTO in text
    assert "không thuộc thẩm quyền" in text
    assert "NGƯỜI TỪ CHỐI" in text


def test_mau04_apology(dossier, staff):
    Apology.objects.create(
        dossier=dossier,
        reason="Cần xác minh thêm thông tin",
        old_due_at=dossier.due_at,
        new_due_at=dossier.due_at + datetime.timedelta(days=4),
        responsible_agency=dossier.competent_agency,
        signed_by=staff,
        created_at=timezone.now(),
    )
    _, text = render(dossier, 4)
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text
    assert dossier.code in text and APPLICANT in text and MOTTO in text
    assert "Cần xác minh thêm thông tin" in text
    assert "xin lỗi Ông/Bà" in text


def test_mau05_control_sheet(dossier, staff):
    officer_unit = dossier.competent_agency
    DossierEvent.objects.create(
        dossier=dossier,
        kind=DossierEvent.Kind.HANDOFF,
        at=dossier.received_at,
        by=staff,
        from_unit=dossier.receiving_unit,
        to_unit=officer_unit,
        step_deadline=dossier.received_at + datetime.timedelta(days=2),
        note="Chuyển xử lý",
    )
    DossierEvent.objects.create(
        dossier=dossier,
        kind=DossierEvent.Kind.HANDOFF,
        at=dossier.received_at + datetime.timedelta(days=4),
        by=staff,
        from_unit=officer_unit,
        to_unit=dossier.receiving_unit,
    )
    _, text = render(dossier, 5)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert dossier.code in text and APPLICANT in text and MOTTO in text
    assert "Giao: Trung tâm Phục vụ hành chính công" in text
    assert f"Nhận: {officer_unit.name}" in text
    assert "Quá hạn" in text  # the second step took 4 days against a 2-day step deadline


def test_missing_forms_are_404(dossier):
    from django.http import Http404

    assert pdf.available_forms(dossier) == [1, 5]
    for number in (2, 3, 4, 9):
        with pytest.raises(Http404):
            pdf.render_form(dossier, number, io.BytesIO())
