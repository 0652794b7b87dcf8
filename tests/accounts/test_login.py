import datetime
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import PASSWORD, VerifiedUserFactory

pytestmark = pytest.mark.django_db


def login(client, login, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def logged_in_as(client):
    return client.session.get("_auth_user_id")


def test_login_page_has_one_email_or_phone_field(client):
    html = client.get(reverse("account_login")).content.decode()
    assert "Email hoặc số điện thoại" in html
    assert 'name="login"' in html and 'name="password"' in html
    assert "Quên mật khẩu?" in html


def test_login_by_email_any_case(client):
    user = VerifiedUserFactory(email="an@example.vn")
    response = login(client, "  AN@Example.VN ")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert logged_in_as(client) == str(user.pk)


@pytest.mark.parametrize("typed", ["0901234567", "+84 901 234 567", "84901234567", "090.123.4567"])
def test_login_by_phone_in_any_usual_spelling(client, typed):
    user = VerifiedUserFactory(email="binh@example.vn", phone="0901234567")
    response = login(client, typed)
    assert response.status_code == 302
    assert logged_in_as(client) == str(user.pk)


def test_wrong_password_gives_vietnamese_error(client):
    VerifiedUserFactory(email="an@example.vn", phone="0901234567")
    for typed in ("an@example.vn", "0901234567", "0999999999"):
        response = login(client, typed, "sai-mat-khau")
        assert response.status_code == 200
        assert "Email/số điện thoại hoặc mật khẩu không đúng." in response.content.decode()
        assert logged_in_as(client) is None


def test_lockout_after_five_failures_shows_vietnamese_page(client):
    VerifiedUserFactory(email="an@example.vn", phone="0901234567")
    for _ in range(4):
        assert login(client, "an@example.vn", "sai-mat-khau").status_code == 200
    # The fifth failure (here typed as a phone number of the same account) locks the account.
    response = login(client, "+84 901 234 567", "sai-mat-khau")
    assert response.status_code == 429
    assert "Tài khoản tạm bị khóa do đăng nhập sai nhiều lần" in response.content.decode()
    assert "15 phút" in response.content.decode()

    # Even the right password is refused during the cool-off.
    response = login(client, "an@example.vn")
    assert response.status_code == 429
    assert logged_in_as(client) is None


def test_lockout_expires_after_cool_off(client, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    user = VerifiedUserFactory(email="an@example.vn")
    for _ in range(5):
        login(client, "an@example.vn", "sai-mat-khau")
    assert login(client, "an@example.vn").status_code == 429
    time_machine.shift(datetime.timedelta(minutes=16))
    # axes keeps attempts in the database; allauth's own login rate limit lives in the cache
    # with real-clock expiry, so forget it here.
    cache.clear()
    response = login(client, "an@example.vn")
    assert response.status_code == 302
    assert logged_in_as(client) == str(user.pk)


def test_other_accounts_are_not_locked(client):
    VerifiedUserFactory(email="an@example.vn")
    other = VerifiedUserFactory(email="binh@example.vn")
    for _ in range(5):
        login(client, "an@example.vn", "sai-mat-khau")
    assert login(client, "binh@example.vn").status_code == 302
    assert logged_in_as(client) == str(other.pk)


def test_password_reset_by_email(client):
    user = VerifiedUserFactory(email="an@example.vn")
    response = client.post(reverse("account_reset_password"), {"email": "an@example.vn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["an@example.vn"]
    assert "Đặt lại mật khẩu" in message.subject
    url = re.search(r"https?://testserver(/tai-khoan/password/reset/key/\S+)", message.body)[1]

    response = client.get(url, follow=True)
    assert "Đặt mật khẩu mới" in response.content.decode()
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else url
    new_password = "Mat-khau-moi-2027!"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_password_reset_unknown_email_is_explained(client):
    response = client.post(reverse("account_reset_password"), {"email": "khong@co.vn"})
    assert response.status_code == 200
    assert "Không có tài khoản nào dùng địa chỉ email này." in response.content.decode()
    assert not mail.outbox
