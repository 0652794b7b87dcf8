import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.urls import reverse

from accounts.models import Role
from tests.accounts.factories import PASSWORD, VerifiedStaffFactory
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def current_code(secret=SECRET) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def wrong_code(secret=SECRET) -> str:
    return f"{(int(current_code(secret)) + 1) % 1_000_000:06d}"


def staff_with_role(role, **kwargs):
    user = VerifiedStaffFactory(**kwargs)
    MembershipFactory(user=user, role=role)
    return user


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.APPRAISER])
def test_roles_requiring_2fa_are_sent_to_totp_activation(client, role):
    user = staff_with_role(role)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    response = client.get(reverse("accounts:profile"), follow=True)
    assert response.redirect_chain[0][0] == reverse("mfa_activate_totp")
    # allauth asks for the password again before adding an authenticator.
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    html = response.content.decode()
    assert "bắt buộc phải bật xác thực hai lớp" in html
    assert "Xác nhận lại mật khẩu" in html


def test_superuser_without_role_is_also_required(client):
    user = VerifiedStaffFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    assert client.get("/quan-tri/")["Location"] == reverse("mfa_activate_totp")


def test_exempt_urls_stay_reachable(client, settings):
    client.force_login(staff_with_role(Role.ADMINISTRATOR))
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(response["Location"]).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("account_logout")).status_code == 200
    assert client.get(settings.STATIC_URL + "nothing.css").status_code == 404
    assert client.post(reverse("set_language"), {"language": "vi"}).status_code == 302
    assert client.post(reverse("set_language"), {"language": "vi"})["Location"] != reverse(
        "mfa_activate_totp"
    )


def test_other_staff_and_citizens_are_not_forced(client):
    desk = staff_with_role(Role.DESK_OFFICER)
    client.force_login(desk)
    assert client.get(reverse("home")).status_code == 200


def test_inactive_admin_membership_does_not_force(client):
    user = VerifiedStaffFactory()
    MembershipFactory(user=user, role=Role.ADMINISTRATOR, is_active=False)
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200


def test_activating_totp_releases_the_user(client):
    user = staff_with_role(Role.ADMINISTRATOR, email="qt@example.vn")
    client.post(reverse("account_login"), {"login": "qt@example.vn", "password": PASSWORD})
    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")

    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(
        reverse("account_reauthenticate"),
        {"password": PASSWORD, "next": reverse("mfa_activate_totp")},
    )
    assert response["Location"] == reverse("mfa_activate_totp")
    page = client.get(reverse("mfa_activate_totp"))
    assert "Bật xác thực hai lớp (TOTP)" in page.content.decode()
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": wrong_code(secret)})
    assert response.status_code == 200
    assert "Mã xác thực không đúng" in response.content.decode()
    assert not Authenticator.objects.filter(user=user).exists()

    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("home")).status_code == 200


def test_login_with_totp_right_and_wrong_code(client):
    user = staff_with_role(Role.APPRAISER, email="td@example.vn")
    TOTP.activate(user, SECRET)
    response = client.post(
        reverse("account_login"), {"login": "td@example.vn", "password": PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("mfa_authenticate"), {"code": wrong_code()})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mã xác thực không đúng hoặc đã hết hạn. Vui lòng nhập mã mới." in html
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("mfa_authenticate"), {"code": current_code()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("home")).status_code == 200


def test_required_users_cannot_deactivate_totp(client):
    user = staff_with_role(Role.ADMINISTRATOR, email="qt@example.vn")
    TOTP.activate(user, SECRET)
    client.post(reverse("account_login"), {"login": "qt@example.vn", "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": current_code()})
    assert client.session["_auth_user_id"] == str(user.pk)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 200
    assert "Không thể tắt xác thực hai lớp." in response.content.decode()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_admin_login_goes_through_allauth(client):
    response = client.get("/quan-tri/login/?next=/quan-tri/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_admin_reachable_for_superuser_with_totp(client):
    user = VerifiedStaffFactory(is_superuser=True, is_staff=True)
    TOTP.activate(user, SECRET)
    client.force_login(user)
    assert client.get("/quan-tri/").status_code == 200
    assert client.get("/quan-tri/accounts/user/").status_code == 200
    assert client.get(f"/quan-tri/accounts/user/{user.pk}/change/").status_code == 200
    assert client.get("/quan-tri/accounts/staffmembership/").status_code == 200
