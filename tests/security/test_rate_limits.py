"""Item 3: login (with lockout), password reset, sign-up and public tracking are rate-limited
and answer in Vietnamese."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory


def _vietnamese_429(response, *phrases):
    assert response.status_code == 429
    body = response.content.decode()
    assert "Too Many Requests" not in body
    for phrase in phrases:
        assert phrase in body


@pytest.mark.django_db
def test_login_locks_the_account_after_five_failures(client):
    user = UserFactory(email="nan.nhan@example.vn")
    url = reverse("account_login")
    for _ in range(5):
        client.post(url, {"login": user.email, "password": "sai-mat-khau"})
    response = client.post(url, {"login": user.email, "password": "Mat-khau-an-toan-2026"})
    _vietnamese_429(response, "Tài khoản tạm bị khóa")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_login_attempts_per_ip_are_limited(client):
    url = reverse("account_login")
    statuses = [
        client.post(url, {"login": f"khong-co-{i}@example.vn", "password": "x"}).status_code
        for i in range(35)
    ]
    assert 429 in statuses
    response = client.post(url, {"login": "ai-do@example.vn", "password": "x"})
    assert response.status_code == 429
    assert "Too Many Requests" not in response.content.decode()


@pytest.mark.django_db
def test_password_reset_is_limited_per_address_and_per_ip(client, mailoutbox):
    user = UserFactory(email="quen.mat.khau@example.vn")
    url = reverse("account_reset_password")
    for _ in range(5):
        client.post(url, {"email": user.email})
    sent = len(mailoutbox)
    response = client.post(url, {"email": user.email})
    assert len(mailoutbox) == sent  # the sixth request in a minute sends nothing
    body = response.content.decode()
    assert response.status_code == 429 or "thao tác quá nhanh" in body
    # unknown addresses (the portal says "not registered") are limited per IP too
    for i in range(25):
        response = client.post(url, {"email": f"nguoi{i}@example.vn"})
    assert "Bạn thao tác quá nhanh" in response.content.decode()
    assert "Không có tài khoản nào" not in response.content.decode()


@pytest.mark.django_db
def test_signup_is_limited_per_ip(client):
    url = reverse("account_signup")
    response = None
    for i in range(25):
        response = client.post(
            url,
            {"email": f"dang.ky.{i}@example.vn", "password1": "x", "password2": "y"},
        )
    _vietnamese_429(response, "Bạn đã thao tác quá nhiều lần")


@pytest.mark.django_db
def test_public_tracking_is_limited_per_ip(client, province):
    url = reverse("dossiers:track")
    for _ in range(10):
        client.post(url, {"code": province.dossier.code, "secret": "SAI00000"})
    response = client.post(
        url, {"code": province.dossier.code, "secret": province.dossier.tracking_secret}
    )
    _vietnamese_429(response, "tra cứu sai quá nhiều lần")
    assert province.citizen_a.full_name not in response.content.decode()
