from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import importer

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def max_import_bytes() -> int:
    return getattr(settings, "PROCEDURES_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp Excel (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    decision = forms.CharField(
        label=_("Số quyết định công bố"),
        required=False,
        max_length=100,
        help_text=_("Ví dụ 1234/QĐ-UBND; dùng cho các dòng không ghi cột «Quyết định công bố»."),
    )
    decision_date = forms.DateField(
        label=_("Ngày hiệu lực"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Để trống: hôm nay. Phiên bản cũ hết hiệu lực vào ngày liền trước."),
    )
    skip_invalid = forms.BooleanField(
        label=_("Bỏ qua các dòng lỗi và áp dụng các dòng hợp lệ"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            importer.check_upload(
                upload, name=upload.name, size=upload.size, max_bytes=max_import_bytes()
            )
        except importer.ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload


class ApplyForm(forms.Form):
    skip_invalid = forms.BooleanField(
        label=_("Bỏ qua các dòng lỗi và áp dụng các dòng hợp lệ"), required=False
    )
