"""Forms of the citizen side: online submission steps, supplement answer, withdrawal, tracking.

Forms validate input only; every write goes through `dossiers.services`.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_phone, validate_phone
from core.uploads import DOCUMENT_KINDS, validate_upload

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"


def clean_upload(file):
    """Validate one uploaded document (type by content, 10 MB); returns the file."""
    if not file:
        return file
    validate_upload(file, kinds=DOCUMENT_KINDS, max_bytes=MAX_UPLOAD_BYTES)
    file.seek(0)
    return file


def _file_field(label, *, help_text=""):
    return forms.FileField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )


class LoadedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose choices the view has already read (`rows`, the queryset's rows):
    the submitted id is looked up among them — the same choice, one query fewer than
    `queryset.get`."""

    rows = None

    def to_python(self, value):
        if self.rows is None or value in self.empty_values:
            return super().to_python(value)
        key = self.to_field_name or "pk"
        if isinstance(value, self.queryset.model):
            value = getattr(value, key)
        for row in self.rows:
            if str(getattr(row, key)) == str(value).strip():
                return row
        raise ValidationError(
            self.error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": value},
        )


class StartForm(forms.Form):
    """Step 1: the case (trường hợp) and the competent agency."""

    case = LoadedModelChoiceField(
        label=_("Trường hợp"),
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vui lòng chọn trường hợp.")},
    )
    competent_agency = LoadedModelChoiceField(
        label=_("Cơ quan giải quyết"),
        queryset=None,
        empty_label=_("— Chọn cơ quan —"),
        error_messages={
            "required": _("Vui lòng chọn cơ quan giải quyết."),
            "invalid_choice": _("Cơ quan đã chọn không thực hiện thủ tục này."),
        },
    )

    def __init__(self, *args, cases, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["case"].rows = list(cases)
        self.fields["case"].error_messages["invalid_choice"] = _(
            "Trường hợp đã chọn không thuộc thủ tục này."
        )
        self.fields["case"].label_from_instance = lambda c: c.name or _("Trường hợp chung")
        self.fields["competent_agency"].queryset = agencies
        self.fields["competent_agency"].rows = list(agencies)
        if len(cases) == 1:
            self.fields["case"].initial = cases[0].pk
            self.fields["case"].widget = forms.HiddenInput()
        if len(agencies) == 1:
            self.fields["competent_agency"].initial = agencies[0].pk


class DetailsForm(forms.Form):
    """Step 2: applicant (prefilled from the profile), owner, representative, request."""

    applicant_name = forms.CharField(label=_("Họ và tên người nộp"), max_length=150)
    applicant_id_number = forms.CharField(
        label=_("Số căn cước / giấy tờ tùy thân"), max_length=20, required=False
    )
    applicant_phone = forms.CharField(label=_("Số điện thoại"), max_length=15)
    applicant_email = forms.EmailField(label=_("Thư điện tử"), required=False)
    applicant_address = forms.CharField(label=_("Địa chỉ"), max_length=255)

    owner_same = forms.BooleanField(
        label=_("Chủ hồ sơ chính là người nộp"),
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"data-hide-target": "owner-fields"}),
    )
    owner_name = forms.CharField(label=_("Tên chủ hồ sơ"), max_length=255, required=False)
    owner_id_number = forms.CharField(
        label=_("Số giấy tờ của chủ hồ sơ"), max_length=20, required=False
    )
    owner_phone = forms.CharField(label=_("Điện thoại chủ hồ sơ"), max_length=15, required=False)
    owner_email = forms.EmailField(label=_("Thư điện tử chủ hồ sơ"), required=False)
    owner_address = forms.CharField(label=_("Địa chỉ chủ hồ sơ"), max_length=255, required=False)

    has_representative = forms.BooleanField(
        label=_("Nộp thông qua người được ủy quyền"),
        required=False,
        widget=forms.CheckboxInput(attrs={"data-show-target": "representative-fields"}),
    )
    representative_name = forms.CharField(
        label=_("Họ tên người được ủy quyền"), max_length=150, required=False
    )
    representative_id_number = forms.CharField(
        label=_("Số căn cước người được ủy quyền"), max_length=20, required=False
    )
    representative_phone = forms.CharField(
        label=_("Điện thoại người được ủy quyền"), max_length=15, required=False
    )

    summary = forms.CharField(
        label=_("Nội dung yêu cầu giải quyết"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    copies = forms.IntegerField(
        label=_("Số lượng hồ sơ (bộ)"),
        min_value=1,
        max_value=99,
        initial=1,
        error_messages={
            "min_value": _("Số bộ hồ sơ phải từ 1 trở lên."),
            "max_value": _("Số bộ hồ sơ không vượt quá 99."),
        },
    )
    return_by_post = forms.BooleanField(
        label=_("Nhận kết quả qua dịch vụ bưu chính công ích"), required=False
    )

    PERSON_FIELDS = (
        "applicant_name",
        "applicant_id_number",
        "applicant_phone",
        "applicant_email",
        "applicant_address",
    )
    OWNER_FIELDS = ("owner_name", "owner_id_number", "owner_phone", "owner_email", "owner_address")
    REPRESENTATIVE_FIELDS = (
        "representative_name",
        "representative_id_number",
        "representative_phone",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        required = _("Vui lòng nhập thông tin này.")
        for field in self.fields.values():
            field.error_messages["required"] = required
            field.error_messages["max_length"] = _("Tối đa %(limit_value)d ký tự.")
        self.fields["applicant_email"].error_messages["invalid"] = _(
            "Địa chỉ thư điện tử không hợp lệ."
        )
        self.fields["owner_email"].error_messages["invalid"] = _(
            "Địa chỉ thư điện tử không hợp lệ."
        )

    @classmethod
    def initial_from(cls, dossier) -> dict:
        """The form's initial data from a draft (which create_draft prefilled from the profile)."""
        data = {name: getattr(dossier, name) for name in cls.PERSON_FIELDS}
        data.update({name: getattr(dossier, name) for name in cls.OWNER_FIELDS})
        data.update({name: getattr(dossier, name) for name in cls.REPRESENTATIVE_FIELDS})
        data["owner_same"] = not dossier.owner_name or (
            dossier.owner_name == dossier.applicant_name
            and dossier.owner_id_number == dossier.applicant_id_number
            and dossier.owner_address == dossier.applicant_address
        )
        data["has_representative"] = bool(dossier.representative_name)
        data["summary"] = dossier.summary
        data["copies"] = dossier.copies
        data["return_by_post"] = dossier.return_by_post
        return data

    @staticmethod
    def _phone(value: str) -> str:
        value = (value or "").strip()
        if not value:
            return ""
        validate_phone(value)
        return normalize_phone(value)

    def clean_applicant_phone(self):
        return self._phone(self.cleaned_data.get("applicant_phone"))

    def clean_owner_phone(self):
        return self._phone(self.cleaned_data.get("owner_phone"))

    def clean_representative_phone(self):
        return self._phone(self.cleaned_data.get("representative_phone"))

    def clean(self):
        data = super().clean()
        if not data.get("owner_same"):
            for name in ("owner_name", "owner_address"):
                if not (data.get(name) or "").strip():
                    self.add_error(name, _("Vui lòng nhập thông tin chủ hồ sơ."))
        if data.get("has_representative") and not (data.get("representative_name") or "").strip():
            self.add_error("representative_name", _("Vui lòng nhập họ tên người được ủy quyền."))
        return data

    def to_service_data(self) -> dict:
        """What services.update_draft receives."""
        data = self.cleaned_data
        out = {name: (data.get(name) or "") for name in self.PERSON_FIELDS}
        if data.get("owner_same"):
            out.update(
                {
                    "owner_name": out["applicant_name"],
                    "owner_id_number": out["applicant_id_number"],
                    "owner_phone": out["applicant_phone"],
                    "owner_email": out["applicant_email"],
                    "owner_address": out["applicant_address"],
                }
            )
        else:
            out.update({name: (data.get(name) or "") for name in self.OWNER_FIELDS})
        if data.get("has_representative"):
            out.update({name: (data.get(name) or "") for name in self.REPRESENTATIVE_FIELDS})
        else:
            out.update(dict.fromkeys(self.REPRESENTATIVE_FIELDS, ""))
        out["summary"] = data.get("summary") or ""
        out["copies"] = data.get("copies") or 1
        out["return_by_post"] = bool(data.get("return_by_post"))
        return out


class DocumentsForm(forms.Form):
    """Step 3: one upload slot per required document (plus "other papers").

    Every slot is validated on its own, so the valid files of a POST are saved even when another
    slot fails (the view saves `valid_files()` and shows the errors of the rest).
    """

    OTHER = "doc_other"

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = list(documents)
        for doc in self.documents:
            label = doc.name
            self.fields[f"doc_{doc.pk}"] = _file_field(label)
        self.fields[self.OTHER] = _file_field(
            _("Giấy tờ khác (nếu có)"),
            help_text=_("Giấy tờ bổ trợ không có trong danh mục thành phần hồ sơ."),
        )

    def clean(self):
        data = super().clean()
        for name in list(self.fields):
            file = data.get(name)
            if not file:
                continue
            try:
                clean_upload(file)
            except ValidationError as exc:
                self.add_error(name, exc)
        return data

    def valid_files(self):
        """(required_document or None, file) for each slot that received a valid file."""
        by_name = {f"doc_{doc.pk}": doc for doc in self.documents}
        out = []
        for name in self.fields:
            if name in self.errors:
                continue
            file = self.files.get(name)
            if not file:
                continue
            out.append((by_name.get(name), file))
        return out


class SupplementForm(forms.Form):
    """Answer to a supplement request (Mẫu 02): one upload per item asked, plus a note."""

    note = forms.CharField(
        label=_("Ghi chú gửi cơ quan"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for i, item in enumerate(self.items):
            self.fields[f"item_{i}"] = _file_field(item.get("name") or _("Giấy tờ bổ sung"))
        self.fields["note"].error_messages["max_length"] = _("Tối đa %(limit_value)d ký tự.")

    def clean(self):
        data = super().clean()
        for i in range(len(self.items)):
            name = f"item_{i}"
            file = data.get(name)
            if not file:
                continue
            try:
                clean_upload(file)
            except ValidationError as exc:
                self.add_error(name, exc)
        return data

    def valid_files(self):
        """(item title, file) for each item that received a valid file."""
        out = []
        for i, item in enumerate(self.items):
            name = f"item_{i}"
            file = self.files.get(name)
            if file and name not in self.errors:
                out.append((item.get("name") or "", file))
        return out


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do rút hồ sơ"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Vui lòng nêu lý do rút hồ sơ.")},
    )
    confirm = forms.BooleanField(
        label=_("Tôi xác nhận muốn rút hồ sơ này; việc rút hồ sơ không thể hoàn tác."),
        error_messages={"required": _("Vui lòng đánh dấu xác nhận trước khi rút hồ sơ.")},
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TrackingForm(forms.Form):
    code = forms.CharField(
        label=_("Mã hồ sơ"),
        max_length=60,
        widget=forms.TextInput(
            attrs={"placeholder": "000.00.00.H13-260315-0001", "autocomplete": "off"}
        ),
        error_messages={"required": _("Vui lòng nhập mã hồ sơ.")},
    )
    secret = forms.CharField(
        label=_("Mã tra cứu hoặc 4 số cuối điện thoại người nộp"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Mã tra cứu (8 ký tự) in trên Giấy tiếp nhận và trong thư xác nhận nộp hồ sơ."),
        error_messages={"required": _("Vui lòng nhập mã tra cứu hoặc 4 số cuối điện thoại.")},
    )

    def clean_code(self):
        return (self.cleaned_data.get("code") or "").strip()

    def clean_secret(self):
        return (self.cleaned_data.get("secret") or "").strip().replace(" ", "")
