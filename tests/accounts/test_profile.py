import pytest
from django.urls import reverse

from accounts.models import User
from tests.accounts.factories import VerifiedUserFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_profile_needs_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_profile_edit_saves_normalised_values(client):
    user = VerifiedUserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {
            "full_name": "Trần  Văn Bình",
            "phone": "+84 987 654 321",
            "citizen_id": "092090004321",
            "address": "Phường Cái Khế, Cần Thơ",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.full_name == "Trần Văn Bình"
    assert user.phone == "0987654321"
    assert user.citizen_id == "092090004321"
    assert user.address == "Phường Cái Khế, Cần Thơ"
    assert "Đã lưu thông tin tài khoản." in client.get(reverse("accounts:profile")).content.decode()


def test_profile_rejects_bad_input_and_saves_nothing(client):
    UserFactory(phone="0987654321")
    user = VerifiedUserFactory(full_name="Tên Cũ")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "Tên Mới", "phone": "0987 654 321", "citizen_id": "1234", "address": ""},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Số điện thoại này đã được dùng cho một tài khoản khác." in html
    assert "Số căn cước phải gồm đúng 12 chữ số." in html
    assert 'value="Tên Mới"' in html
    user.refresh_from_db()
    assert user.full_name == "Tên Cũ"
    assert user.phone is None


def test_keeping_own_phone_is_not_a_duplicate(client):
    user = VerifiedUserFactory(phone="0987654321")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"), {"full_name": user.full_name, "phone": "0987654321"}
    )
    assert response.status_code == 302


def test_organisation_profile_requires_organisation_name(client):
    user = VerifiedUserFactory(kind=User.Kind.ORGANISATION, organisation_name="Công ty A")
    client.force_login(user)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "Tên tổ chức, doanh nghiệp" in html
    response = client.post(
        reverse("accounts:profile"), {"full_name": "Người đại diện", "organisation_name": ""}
    )
    assert "Vui lòng nhập tên tổ chức, doanh nghiệp." in response.content.decode()


def test_citizen_profile_has_no_organisation_field(client):
    client.force_login(VerifiedUserFactory())
    html = client.get(reverse("accounts:profile")).content.decode()
    assert 'name="organisation_name"' not in html
