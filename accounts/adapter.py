"""allauth adapters: Vietnamese error messages; MFA messages in Vietnamese."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.utils.translation import gettext_lazy as _


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": _("Tài khoản này đang bị khóa."),
        "email_password_mismatch": _("Email/số điện thoại hoặc mật khẩu không đúng."),
        "email_taken": _("Địa chỉ email này đã được dùng cho một tài khoản khác."),
        "duplicate_email": _("Địa chỉ email này đã gắn với tài khoản của bạn."),
        "enter_current_password": _("Vui lòng nhập mật khẩu hiện tại."),
        "incorrect_code": _("Mã không đúng."),
        "incorrect_password": _("Mật khẩu không đúng."),
        "invalid_or_expired_key": _("Liên kết không hợp lệ hoặc đã hết hạn."),
        "invalid_login": _("Thông tin đăng nhập không hợp lệ."),
        "invalid_password_reset": _("Liên kết đặt lại mật khẩu không hợp lệ hoặc đã được dùng."),
        "too_many_login_attempts": _("Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau."),
        "unknown_email": _("Không có tài khoản nào dùng địa chỉ email này."),
        "unverified_primary_email": _("Địa chỉ email chính của bạn cần được xác nhận."),
        "rate_limited": _("Bạn thao tác quá nhanh, vui lòng đợi một lát rồi thử lại."),
        "same_as_current": _("Giá trị mới phải khác giá trị hiện tại."),
    }

    def pre_authenticate(self, request, **credentials) -> None:
        """A login attempt on an account axes has locked shows the lockout page (HTTP 429).

        Without this, allauth's own login rate limit (which also trips at 5 failures) would
        answer first with a form error and the axes lockout page would never be seen.
        """
        from axes.handlers.proxy import AxesProxyHandler

        if request is not None and not AxesProxyHandler.is_allowed(request, credentials):
            request.axes_locked_out = True
            raise self.validation_error("too_many_login_attempts")
        super().pre_authenticate(request, **credentials)

    def get_user_search_fields(self) -> list[str]:
        return ["email", "full_name", "phone"]


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": _("Mã xác thực không đúng hoặc đã hết hạn. Vui lòng nhập mã mới."),
        "unverified_email": _("Bạn cần xác nhận địa chỉ email trước khi bật xác thực hai lớp."),
        "cannot_delete_authenticator": _("Không thể tắt xác thực hai lớp."),
        "cannot_generate_recovery_codes": _("Cần bật xác thực hai lớp trước khi tạo mã khôi phục."),
        "add_email_blocked": _("Không thể thêm email cho tài khoản đang bật xác thực hai lớp."),
    }

    def can_delete_authenticator(self, authenticator) -> bool:
        """Users who must use two-factor authentication cannot switch it off."""
        from .selectors import requires_two_factor

        return not requires_two_factor(user=authenticator.user)
