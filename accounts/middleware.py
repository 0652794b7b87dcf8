"""Staff two-factor enforcement.

Superusers and holders of a role in ROLES_REQUIRING_2FA (appraisers, administrators) must
have an active TOTP authenticator. Until they activate one, every page except the MFA pages,
logout, re-authentication, static files and the language switcher redirects to the TOTP
activation page with an explanation.
"""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from . import selectors

EXEMPT_URL_NAMES = frozenset(
    {
        "account_logout",
        "account_reauthenticate",
        "account_email_verification_sent",
        "account_confirm_email",
        "set_language",
    }
)
EXEMPT_PREFIXES = ("mfa_",)


def _is_exempt(request) -> bool:
    path = request.path_info
    static_prefixes = tuple(p for p in (settings.STATIC_URL, settings.MEDIA_URL) if p)
    if static_prefixes and path.startswith(static_prefixes):
        return True
    try:
        match = resolve(path)
    except Resolver404:
        return False
    name = match.url_name or ""
    return name in EXEMPT_URL_NAMES or name.startswith(EXEMPT_PREFIXES)


class RequireStaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and selectors.requires_two_factor(user=user)
            and not _is_exempt(request)
            and not selectors.has_totp(user=user)
        ):
            return self._redirect(request)
        return self.get_response(request)

    def _redirect(self, request):
        url = reverse("mfa_activate_totp")
        messages.warning(
            request,
            _(
                "Tài khoản của bạn có quyền thẩm định hoặc quản trị hệ thống nên bắt buộc "
                "phải bật xác thực hai lớp (mã TOTP). Vui lòng quét mã QR bằng ứng dụng "
                "xác thực và nhập mã 6 chữ số để tiếp tục."
            ),
        )
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)
