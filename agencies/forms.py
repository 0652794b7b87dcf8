import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DirectoryDateForm(forms.Form):
    """The `?ngay=YYYY-MM-DD` filter of the public directory."""

    ngay = forms.DateField(
        label=_("Xem cơ cấu vào ngày"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Ngày không hợp lệ; hãy nhập theo dạng ngày/tháng/năm.")},
    )

    def day(self) -> datetime.date:
        if self.is_valid() and self.cleaned_data.get("ngay"):
            return self.cleaned_data["ngay"]
        return timezone.localdate()


class CloseAgencyForm(forms.Form):
    valid_to = forms.DateField(
        label=_("Hiệu lực đến hết ngày"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Ngày cuối cùng cơ quan còn hoạt động."),
    )
    reason = forms.CharField(label=_("Lý do"), max_length=200, required=False)
