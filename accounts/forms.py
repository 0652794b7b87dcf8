"""Forms: allauth forms with Vietnamese labels and messages, sign-up and profile."""

from allauth.account import forms as allauth_forms
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import selectors, services
from .models import User
from .validators import normalize_phone, validate_citizen_id, validate_phone

PASSWORD_MISMATCH = _("Hai lần nhập mật khẩu không khớp nhau.")
PHONE_TAKEN = _("Số điện thoại này đã được dùng cho một tài khoản khác.")
CITIZEN_ID_TAKEN = _("Số căn cước này đã được dùng cho một tài khoản khác.")
# allauth raises these literals (not adapter messages) on a password mismatch.
_ALLAUTH_MISMATCH = {
    "You must type the same password each time.",
    "You must type the same password each time",
}


def _translate_password_mismatch(form: forms.Form) -> None:
    errors = form.errors.get("password2")
    if errors:
        form.errors["password2"] = form.error_class(
            [PASSWORD_MISMATCH if str(e) in _ALLAUTH_MISMATCH else e for e in errors]
        )


def _set_label(form: forms.Form, name: str, label, placeholder=None) -> None:
    field = form.fields.get(name)
    if field is None:
        return
    field.label = label
    if placeholder is not None or "placeholder" in field.widget.attrs:
        field.widget.attrs["placeholder"] = placeholder if placeholder is not None else label


def clean_unique_phone(value: str, *, exclude_user: User | None = None) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    validate_phone(value)
    phone = normalize_phone(value)
    qs = User.objects.filter(phone=phone)
    if exclude_user is not None:
        qs = qs.exclude(pk=exclude_user.pk)
    if qs.exists():
        raise ValidationError(PHONE_TAKEN, code="phone_taken")
    return phone


def clean_unique_citizen_id(value: str, *, exclude_user: User | None = None) -> str | None:
    value = (value or "").strip().replace(" ", "")
    if not value:
        return None
    validate_citizen_id(value)
    qs = User.objects.filter(citizen_id=value)
    if exclude_user is not None:
        qs = qs.exclude(pk=exclude_user.pk)
    if qs.exists():
        raise ValidationError(CITIZEN_ID_TAKEN, code="citizen_id_taken")
    return value


class LoginForm(allauth_forms.LoginForm):
    """One field for "email or phone number", then the password.

    A phone number (0901234567, +84 901 234 567, ...) is resolved to the account's email
    before authenticating, so allauth, axes and the email-verification stage all see the
    same identifier. Phone numbers are never verified by SMS (no SMS gateway).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"] = forms.CharField(
            label=_("Email hoặc số điện thoại"),
            max_length=254,
            widget=forms.TextInput(
                attrs={
                    "autocomplete": "username",
                    "autofocus": True,
                    "placeholder": _("ví dụ: ten@example.vn hoặc 0901234567"),
                }
            ),
        )
        _set_label(self, "password", _("Mật khẩu"))
        self.fields["password"].help_text = ""
        _set_label(self, "remember", _("Ghi nhớ đăng nhập trên máy này"))
        self.order_fields(["login", "password", "remember"])

    def clean_login(self) -> str:
        value = self.cleaned_data["login"].strip()
        if "@" in value:
            return value.lower()
        user = selectors.user_by_phone(phone=value)
        if user is not None and user.email:
            return user.email
        return normalize_phone(value)


class SignupForm(allauth_forms.SignupForm):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    kind = forms.ChoiceField(
        label=_("Bạn đăng ký với tư cách"),
        choices=[
            (User.Kind.CITIZEN, _("Công dân")),
            (User.Kind.ORGANISATION, _("Tổ chức, doanh nghiệp")),
        ],
        initial=User.Kind.CITIZEN,
        widget=forms.RadioSelect,
    )
    organisation_name = forms.CharField(
        label=_("Tên tổ chức, doanh nghiệp"),
        max_length=255,
        required=False,
        help_text=_("Bắt buộc khi đăng ký cho tổ chức, doanh nghiệp."),
    )
    phone = forms.CharField(
        label=_("Số điện thoại di động"),
        max_length=20,
        required=False,
        help_text=_(
            "Không bắt buộc. Có thể dùng để đăng nhập thay cho email "
            "(số điện thoại không được xác minh qua tin nhắn SMS)."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    citizen_id = forms.CharField(
        label=_("Số căn cước (CCCD)"),
        max_length=20,
        required=False,
        help_text=_("Không bắt buộc. Gồm 12 chữ số."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    field_order = [
        "kind",
        "full_name",
        "organisation_name",
        "email",
        "phone",
        "citizen_id",
        "password1",
        "password2",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _set_label(self, "email", _("Thư điện tử (email)"), _("ten@example.vn"))
        _set_label(self, "password1", _("Mật khẩu"))
        _set_label(self, "password2", _("Nhập lại mật khẩu"))
        self.fields["email"].help_text = _(
            "Chúng tôi sẽ gửi thư xác nhận đến địa chỉ này; cần xác nhận trước khi đăng nhập."
        )
        self.order_fields(self.field_order)

    def clean_full_name(self) -> str:
        value = " ".join(self.cleaned_data["full_name"].split())
        if not value:
            raise ValidationError(_("Vui lòng nhập họ và tên."), code="required")
        return value

    def clean_phone(self) -> str | None:
        return clean_unique_phone(self.cleaned_data.get("phone"))

    def clean_citizen_id(self) -> str | None:
        return clean_unique_citizen_id(self.cleaned_data.get("citizen_id"))

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("kind") == User.Kind.ORGANISATION
            and not (cleaned.get("organisation_name") or "").strip()
        ):
            self.add_error(
                "organisation_name",
                ValidationError(_("Vui lòng nhập tên tổ chức, doanh nghiệp."), code="required"),
            )
        _translate_password_mismatch(self)
        return cleaned

    def save(self, request) -> User:
        data = self.cleaned_data
        return services.register_user(
            email=data["email"],
            password=data["password1"],
            full_name=data["full_name"],
            kind=data["kind"],
            phone=data.get("phone"),
            citizen_id=data.get("citizen_id"),
            organisation_name=data.get("organisation_name") or "",
        )


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    # allauth counts its "reset_password" limit only for known addresses (form_valid), and the
    # portal tells whether an address is registered: without this, lookups are unlimited.
    LOOKUP_LIMIT = 20
    LOOKUP_WINDOW = 60

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _set_label(self, "email", _("Thư điện tử (email) đã đăng ký"), _("ten@example.vn"))

    def clean_email(self):
        from allauth.core import context

        from core import ratelimit

        request = context.request
        ip = ratelimit.client_ip(request) if request is not None else "unknown"
        if not ratelimit.hit(
            f"reset-password-lookup:{ip}", limit=self.LOOKUP_LIMIT, window=self.LOOKUP_WINDOW
        ):
            raise forms.ValidationError(
                _("Bạn thao tác quá nhanh, vui lòng đợi một lát rồi thử lại."), code="rate_limited"
            )
        return super().clean_email()


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _set_label(self, "password1", _("Mật khẩu mới"))
        _set_label(self, "password2", _("Nhập lại mật khẩu mới"))

    def clean(self):
        cleaned = super().clean()
        _translate_password_mismatch(self)
        return cleaned


class ChangePasswordForm(allauth_forms.ChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _set_label(self, "oldpassword", _("Mật khẩu hiện tại"))
        _set_label(self, "password1", _("Mật khẩu mới"))
        _set_label(self, "password2", _("Nhập lại mật khẩu mới"))

    def clean(self):
        cleaned = super().clean()
        _translate_password_mismatch(self)
        return cleaned


class MFAAuthenticateForm(AuthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _set_label(self, "code", _("Mã xác thực (6 chữ số) hoặc mã khôi phục"), "123456")
        self.fields["code"].widget.attrs.update({"inputmode": "numeric", "autofocus": True})


class ActivateTOTPForm(AllauthActivateTOTPForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _set_label(self, "code", _("Mã 6 chữ số từ ứng dụng xác thực"), "123456")
        self.fields["code"].widget.attrs.update({"inputmode": "numeric"})


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    phone = forms.CharField(
        label=_("Số điện thoại di động"),
        max_length=20,
        required=False,
        help_text=_("Dùng để đăng nhập thay cho email; không được xác minh qua SMS."),
    )
    citizen_id = forms.CharField(
        label=_("Số căn cước (CCCD)"),
        max_length=20,
        required=False,
        help_text=_("Gồm 12 chữ số."),
    )
    address = forms.CharField(label=_("Địa chỉ"), max_length=255, required=False)
    organisation_name = forms.CharField(
        label=_("Tên tổ chức, doanh nghiệp"), max_length=255, required=False
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        kwargs.setdefault(
            "initial",
            {
                "full_name": user.full_name,
                "phone": user.phone or "",
                "citizen_id": user.citizen_id or "",
                "address": user.address,
                "organisation_name": user.organisation_name,
            },
        )
        super().__init__(*args, **kwargs)
        if user.kind != User.Kind.ORGANISATION:
            del self.fields["organisation_name"]

    def clean_full_name(self) -> str:
        value = " ".join(self.cleaned_data["full_name"].split())
        if not value:
            raise ValidationError(_("Vui lòng nhập họ và tên."), code="required")
        return value

    def clean_phone(self) -> str | None:
        return clean_unique_phone(self.cleaned_data.get("phone"), exclude_user=self.user)

    def clean_citizen_id(self) -> str | None:
        return clean_unique_citizen_id(self.cleaned_data.get("citizen_id"), exclude_user=self.user)

    def clean(self):
        cleaned = super().clean()
        if (
            self.user.kind == User.Kind.ORGANISATION
            and "organisation_name" in cleaned
            and not cleaned["organisation_name"].strip()
        ):
            self.add_error(
                "organisation_name",
                ValidationError(_("Vui lòng nhập tên tổ chức, doanh nghiệp."), code="required"),
            )
        return cleaned


class ReauthenticateForm(allauth_forms.ReauthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _set_label(self, "password", _("Mật khẩu"))
        self.fields["password"].help_text = ""
