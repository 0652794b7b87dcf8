import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Mat-khau-an-toan-2026"


def signup_data(**overrides):
    data = {
        "kind": "citizen",
        "full_name": "Nguyễn  Thị   Hoa",
        "email": "Hoa.Nguyen@Example.vn",
        "phone": "+84 912 345 678",
        "citizen_id": "092190001111",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def test_signup_page_is_vietnamese(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Đăng ký tài khoản", "Họ và tên", "Số căn cước (CCCD)", "Số điện thoại di động"):
        assert text in html


def test_signup_creates_unverified_account_and_sends_confirmation(client):
    response = client.post(reverse("account_signup"), signup_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")

    user = User.objects.get(email="hoa.nguyen@example.vn")
    assert user.full_name == "Nguyễn Thị Hoa"
    assert user.phone == "0912345678"
    assert user.citizen_id == "092190001111"
    assert user.kind == User.Kind.CITIZEN
    assert user.check_password(PASSWORD)
    address = EmailAddress.objects.get(user=user)
    assert address.primary and not address.verified
    assert "_auth_user_id" not in client.session  # mandatory verification: not logged in yet

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["hoa.nguyen@example.vn"]
    assert "Xác nhận địa chỉ email" in message.subject
    link = re.search(r"https?://\S+/tai-khoan/confirm-email/\S+/", message.body).group(0)

    path = link.split("testserver", 1)[1]
    assert "Xác nhận" in client.get(path).content.decode()
    response = client.post(path)
    assert response.status_code == 302
    address.refresh_from_db()
    assert address.verified
    # ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION logs the user in on the same browser.
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_before_email_verification_is_held(client):
    client.post(reverse("account_signup"), signup_data())
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "hoa.nguyen@example.vn", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    # (allauth re-sends the confirmation at most once per 3 minutes: ACCOUNT_RATE_LIMITS)


def test_organisation_needs_its_name(client):
    response = client.post(
        reverse("account_signup"), signup_data(kind="organisation", organisation_name="")
    )
    assert response.status_code == 200
    assert "Vui lòng nhập tên tổ chức, doanh nghiệp." in response.content.decode()
    assert not User.objects.exists()

    response = client.post(
        reverse("account_signup"),
        signup_data(kind="organisation", organisation_name="Công ty TNHH Sông Hậu"),
    )
    assert response.status_code == 302
    user = User.objects.get()
    assert user.kind == User.Kind.ORGANISATION
    assert user.organisation_name == "Công ty TNHH Sông Hậu"


def test_duplicate_email_is_rejected_in_vietnamese(client):
    UserFactory(email="hoa.nguyen@example.vn")
    response = client.post(reverse("account_signup"), signup_data())
    assert response.status_code == 200
    assert "Địa chỉ email này đã được dùng cho một tài khoản khác." in response.content.decode()
    assert User.objects.count() == 1
    assert not mail.outbox


def test_duplicate_phone_is_rejected_whatever_the_spelling(client):
    UserFactory(phone="0912345678")
    response = client.post(reverse("account_signup"), signup_data(phone="091 234 5678"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Số điện thoại này đã được dùng cho một tài khoản khác." in html
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("citizen_id", "message"),
    [
        ("12345", "Số căn cước phải gồm đúng 12 chữ số."),
        ("09219000111A", "Số căn cước phải gồm đúng 12 chữ số."),
        ("099190001111", "3 chữ số đầu phải là mã tỉnh"),
    ],
)
def test_invalid_citizen_id_is_rejected_and_input_kept(client, citizen_id, message):
    response = client.post(reverse("account_signup"), signup_data(citizen_id=citizen_id))
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'value="Hoa.Nguyen@Example.vn"' in html  # what the user typed is kept
    assert f'value="{citizen_id}"' in html
    assert not User.objects.exists()
    assert not EmailAddress.objects.exists()


def test_duplicate_citizen_id_is_rejected(client):
    UserFactory(citizen_id="092190001111")
    response = client.post(reverse("account_signup"), signup_data())
    assert "Số căn cước này đã được dùng cho một tài khoản khác." in response.content.decode()
    assert User.objects.count() == 1


def test_password_mismatch_message_is_vietnamese(client):
    response = client.post(reverse("account_signup"), signup_data(password2="Khac-hoan-toan-99"))
    assert "Hai lần nhập mật khẩu không khớp nhau." in response.content.decode()
    assert not User.objects.exists()


def test_invalid_phone_is_rejected(client):
    response = client.post(reverse("account_signup"), signup_data(phone="0123"))
    assert "Số điện thoại không hợp lệ" in response.content.decode()
    assert not User.objects.exists()
