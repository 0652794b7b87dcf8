"""allauth pages we do not override one by one still render inside the portal layout."""

import pytest
from django.urls import reverse

from tests.accounts.factories import PASSWORD, VerifiedUserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    ["account_email", "account_change_password", "mfa_index", "account_logout"],
)
def test_account_pages_render_in_portal_layout(client, name):
    VerifiedUserFactory(email="an@example.vn")
    client.post(reverse("account_login"), {"login": "an@example.vn", "password": PASSWORD})
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="main"' in html
    assert "bootstrap" in html


def test_change_password_labels_are_vietnamese(client):
    VerifiedUserFactory(email="an@example.vn")
    client.post(reverse("account_login"), {"login": "an@example.vn", "password": PASSWORD})
    html = client.get(reverse("account_change_password")).content.decode()
    assert "Mật khẩu hiện tại" in html
    assert "Nhập lại mật khẩu mới" in html
