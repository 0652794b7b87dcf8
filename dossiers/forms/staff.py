"""Forms of the staff side: the desk console, the queue filters and the dossier action forms.

Forms validate input only; the views hand the cleaned data to `dossiers.services`.
Every action form carries the dossier's `revision` (hidden) for the optimistic lock.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from agencies import selectors as agency_selectors
from agencies.models import Agency
from core import generations
from core.text import search_words
from core.uploads import validate_upload
from core.widgets import Select
from procedures.models import ProcedureCase, ProcedureVersion, RequiredDocument

from ..models import Channel, Dossier, Status

MAX_COPIES = 99
DESK_ACTIONS = ("accept", "supplement", "refuse", "spot")

# (bản chính, bản chứng thực, bản photo) prefilled from the document's copy type
COPY_DEFAULTS = {
    RequiredDocument.Copy.ORIGINAL: (1, 0, 0),
    RequiredDocument.Copy.UNSPECIFIED: (1, 0, 0),
    RequiredDocument.Copy.CERTIFIED: (0, 1, 0),
    RequiredDocument.Copy.COPY: (0, 1, 0),
    RequiredDocument.Copy.PHOTO: (0, 0, 1),
}
COPY_KINDS = (
    ("original", _("Bản chính")),
    ("certified", _("Bản chứng thực")),
    ("photo", _("Bản photo")),
)


def copy_defaults(document: RequiredDocument) -> tuple[int, int, int]:
    if not document.mandatory:
        return (0, 0, 0)
    return COPY_DEFAULTS.get(document.copy_type, (1, 0, 0))


def _lines(text: str) -> list[str]:
    return [line.strip(" -•\t") for line in (text or "").splitlines() if line.strip(" -•\t")]


class AgencyChoiceField(forms.ModelChoiceField):
    """An agency by name. Lists of hundreds of agencies are built from one values_list query
    (no model instances, no server-side cursor) and rendered without a template per option."""

    widget = Select

    def label_from_instance(self, obj: Agency) -> str:
        return obj.name

    def _get_choices(self):
        if hasattr(self, "_choices"):  # set explicitly
            return self._choices
        options = list(self.queryset.values_list("pk", "name"))
        return options if self.empty_label is None else [("", self.empty_label), *options]

    choices = property(_get_choices, forms.ChoiceField.choices.fset)


class ProcedureSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm thủ tục (Alt+S)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "accesskey": "s",
                "placeholder": _("Gõ tên hoặc mã thủ tục, ví dụ: khai sinh"),
            }
        ),
    )


def search_procedures(query: str, *, day=None, limit: int = 10) -> list[ProcedureVersion]:
    """Versions in force today whose folded search text holds every folded word of `query`."""
    words = search_words(query)
    if not words:
        return []
    qs = ProcedureVersion.objects.in_force_on(day or timezone.localdate()).select_related(
        "procedure"
    )
    for word in words:
        qs = qs.filter(search_text__contains=word)
    return list(qs.order_by("procedure__code")[:limit])


class DeskIntakeForm(forms.Form):
    """A paper dossier logged at the counter, with the outcome chosen by the pressed button."""

    receiving_unit = AgencyChoiceField(
        label=_("Bộ phận tiếp nhận"), queryset=Agency.objects.none(), empty_label=None
    )
    version = forms.ModelChoiceField(
        queryset=ProcedureVersion.objects.none(), widget=forms.HiddenInput
    )
    case = forms.ModelChoiceField(
        label=_("Trường hợp"), queryset=ProcedureCase.objects.none(), empty_label=None
    )
    competent_agency = AgencyChoiceField(
        label=_("Cơ quan giải quyết"), queryset=Agency.objects.none(), empty_label=None
    )
    channel = forms.TypedChoiceField(
        label=_("Kênh nộp"),
        coerce=int,
        choices=[(Channel.IN_PERSON, Channel.IN_PERSON.label), (Channel.POST, Channel.POST.label)],
        initial=Channel.IN_PERSON,
    )
    applicant_name = forms.CharField(
        label=_("Họ tên người nộp (Alt+H)"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "accesskey": "h"}),
    )
    applicant_id_number = forms.CharField(
        label=_("Số CCCD/hộ chiếu"), max_length=20, required=False
    )
    applicant_phone = forms.RegexField(
        label=_("Điện thoại"),
        regex=r"^\+?[0-9 .]{8,15}$",
        max_length=15,
        required=False,
        error_messages={"invalid": _("Số điện thoại không hợp lệ.")},
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    applicant_email = forms.EmailField(label=_("Thư điện tử"), required=False)
    applicant_address = forms.CharField(label=_("Địa chỉ"), max_length=255, required=False)
    owner_same = forms.BooleanField(label=_("Chủ hồ sơ là người nộp"), required=False, initial=True)
    owner_name = forms.CharField(label=_("Chủ hồ sơ"), max_length=255, required=False)
    owner_id_number = forms.CharField(
        label=_("Số giấy tờ của chủ hồ sơ"), max_length=20, required=False
    )
    owner_address = forms.CharField(label=_("Địa chỉ chủ hồ sơ"), max_length=255, required=False)
    summary = forms.CharField(
        label=_("Nội dung yêu cầu giải quyết"), max_length=500, required=False
    )
    copies = forms.IntegerField(
        label=_("Số lượng hồ sơ (bộ)"), min_value=1, max_value=MAX_COPIES, initial=1
    )
    return_by_post = forms.BooleanField(label=_("Nhận kết quả qua bưu chính"), required=False)
    extra_items = forms.CharField(
        label=_("Nội dung cần bổ sung khác (mỗi dòng một mục)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    supplement_reason = forms.CharField(
        label=_("Lý do yêu cầu bổ sung"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    refuse_reasons = forms.CharField(
        label=_("Lý do từ chối (mỗi dòng một lý do)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, units, version: ProcedureVersion, case=None, action=None, **kw):
        super().__init__(*args, **kw)
        self.action = action
        self.version_obj = version
        self.fields["receiving_unit"].queryset = units
        if len(units) == 1:
            self.fields["receiving_unit"].widget = forms.HiddenInput()
        self.fields["version"].queryset = ProcedureVersion.objects.filter(pk=version.pk)
        self.fields["version"].initial = version.pk
        cases = ProcedureCase.objects.filter(version=version).order_by("order", "pk")
        self.fields["case"].queryset = cases
        self.cases = list(cases)
        if case is None:
            case = self._chosen_case()
        self.case_obj = case
        if case is not None:
            self.fields["case"].initial = case.pk
        # competent agency: the agencies linked to the procedure, then every active agency
        linked = list(
            Agency.objects.filter(procedure_links__version=version).order_by("display_order")
        )
        self.fields["competent_agency"].queryset = Agency.objects.active_on().order_by(
            "display_order", "name"
        )
        default_unit = units[0] if units else None
        default_competent = linked[0] if linked else default_unit
        self.fields["competent_agency"].initial = (
            default_competent.pk if default_competent else None
        )
        self.fields["receiving_unit"].initial = default_unit.pk if default_unit else None
        self.documents = list(case.documents.order_by("order", "pk")) if case else []
        for document in self.documents:
            defaults = copy_defaults(document)
            for (kind, label), value in zip(COPY_KINDS, defaults, strict=True):
                self.fields[f"doc_{document.pk}_{kind}"] = forms.IntegerField(
                    label=label,
                    min_value=0,
                    max_value=MAX_COPIES,
                    initial=value,
                    required=False,
                    widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
                )
            self.fields[f"doc_{document.pk}_missing"] = forms.BooleanField(
                label=_("Thiếu"), required=False
            )

    def _chosen_case(self):
        raw = self.data.get(self.add_prefix("case")) if self.is_bound else None
        raw = raw or self.initial.get("case")
        for case in self.cases:
            if str(case.pk) == str(raw):
                return case
        return self.cases[0] if self.cases else None

    def document_rows(self) -> list[dict]:
        return [
            {
                "document": document,
                "counts": [self[f"doc_{document.pk}_{kind}"] for kind, _label in COPY_KINDS],
                "missing": self[f"doc_{document.pk}_missing"],
            }
            for document in self.documents
        ]

    def clean(self):
        data = super().clean()
        if self.action not in DESK_ACTIONS:
            raise forms.ValidationError(_("Vui lòng chọn một thao tác."))
        case = data.get("case")
        shown = self.data.get("docs_case") if self.is_bound else None
        if case is not None and shown and str(shown) != str(case.pk):
            # the case changed without its documents being reloaded (no JavaScript)
            raise forms.ValidationError(
                _("Trường hợp vừa thay đổi; vui lòng kiểm tra lại danh sách giấy tờ rồi gửi lại.")
            )
        if not data.get("owner_same") and not data.get("owner_name"):
            self.add_error(
                "owner_name", _("Vui lòng nhập chủ hồ sơ, hoặc đánh dấu chủ hồ sơ là người nộp.")
            )
        if self.action == "supplement":
            if not self.missing_items(data):
                raise forms.ValidationError(
                    _("Hãy đánh dấu giấy tờ còn thiếu hoặc ghi nội dung cần bổ sung.")
                )
            if not data.get("supplement_reason"):
                self.add_error("supplement_reason", _("Vui lòng nhập lý do yêu cầu bổ sung."))
        if self.action == "refuse" and not _lines(data.get("refuse_reasons", "")):
            self.add_error("refuse_reasons", _("Vui lòng nhập lý do từ chối."))
        return data

    def _counts(self, data, document) -> dict:
        return {
            f"copies_{kind}": data.get(f"doc_{document.pk}_{kind}") or 0 for kind, _l in COPY_KINDS
        }

    def received_documents(self, data=None) -> list[dict]:
        """What the applicant handed in (rows with at least one copy, not marked missing)."""
        data = data if data is not None else self.cleaned_data
        rows = []
        for document in self.documents:
            counts = self._counts(data, document)
            if data.get(f"doc_{document.pk}_missing") or not any(counts.values()):
                continue
            rows.append({"required_document": document, "title": document.name, **counts})
        return rows

    def missing_items(self, data=None) -> list[dict]:
        data = data if data is not None else self.cleaned_data
        items = []
        for document in self.documents:
            if data.get(f"doc_{document.pk}_missing"):
                counts = self._counts(data, document)
                if not any(counts.values()):
                    counts = dict(
                        zip(
                            ("copies_original", "copies_certified", "copies_photo"),
                            COPY_DEFAULTS.get(document.copy_type, (1, 0, 0)),
                            strict=True,
                        )
                    )
                items.append({"name": document.name, **counts})
        for line in _lines(data.get("extra_items", "")):
            items.append(
                {"name": line, "copies_original": 0, "copies_certified": 0, "copies_photo": 0}
            )
        return items

    def people(self) -> tuple[dict, dict | None]:
        data = self.cleaned_data
        applicant = {
            "name": data["applicant_name"],
            "id_number": data.get("applicant_id_number", ""),
            "phone": data.get("applicant_phone", ""),
            "email": data.get("applicant_email", ""),
            "address": data.get("applicant_address", ""),
        }
        if data.get("owner_same"):
            owner = {
                "name": applicant["name"],
                "id_number": applicant["id_number"],
                "phone": applicant["phone"],
                "email": applicant["email"],
                "address": applicant["address"],
            }
        else:
            owner = {
                "name": data.get("owner_name", ""),
                "id_number": data.get("owner_id_number", ""),
                "address": data.get("owner_address", ""),
            }
        return applicant, owner


# ----- queue filters -------------------------------------------------------------------------


class DossierQueueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Thủ tục hoặc mã hồ sơ"), method="filter_text")
    status = django_filters.ChoiceFilter(
        label=_("Trạng thái"), choices=Status.choices, empty_label=_("Tất cả")
    )
    channel = django_filters.ChoiceFilter(
        label=_("Kênh nộp"), choices=Channel.choices, empty_label=_("Tất cả")
    )
    received_from = django_filters.DateFilter(
        label=_("Tiếp nhận từ ngày"),
        field_name="received_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    received_to = django_filters.DateFilter(
        label=_("đến ngày"),
        field_name="received_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = Dossier
        fields = ["q", "status", "channel", "received_from", "received_to"]

    def filter_text(self, queryset, name, value):
        words = search_words(value)
        if not words:
            return queryset
        condition = Q()
        for word in words:
            condition &= Q(procedure_version__search_text__contains=word)
        return queryset.filter(condition | Q(code__icontains=value.strip()))


# ----- action forms on the staff dossier page ----------------------------------------------


class ActionForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, dossier: Dossier, **kwargs):
        self.dossier = dossier
        kwargs.setdefault("prefix", self.action)
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("revision", dossier.revision)
        super().__init__(*args, **kwargs)

    action = ""
    label = ""
    button = _("Thực hiện")
    button_class = "btn-primary"


class AcceptForm(ActionForm):
    action = "accept"
    label = _("Tiếp nhận hồ sơ (Mẫu 01)")
    button = _("Tiếp nhận")


class RefuseForm(ActionForm):
    action = "refuse"
    label = _("Từ chối tiếp nhận (Mẫu 03)")
    button = _("Từ chối")
    button_class = "btn-outline-danger"
    reasons = forms.CharField(
        label=_("Lý do từ chối"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SupplementForm(ActionForm):
    action = "supplement"
    label = _("Yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)")
    button = _("Gửi yêu cầu bổ sung")
    button_class = "btn-warning"
    documents = forms.MultipleChoiceField(
        label=_("Giấy tờ còn thiếu"), required=False, widget=forms.CheckboxSelectMultiple
    )
    extra_items = forms.CharField(
        label=_("Nội dung cần bổ sung khác (mỗi dòng một mục)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = forms.CharField(
        label=_("Lý do"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, dossier: Dossier, **kwargs):
        super().__init__(*args, dossier=dossier, **kwargs)
        self.case_documents = list(dossier.case.documents.order_by("order", "pk"))
        self.fields["documents"].choices = [(str(d.pk), d.name) for d in self.case_documents]

    def clean(self):
        data = super().clean()
        if not data.get("documents") and not _lines(data.get("extra_items", "")):
            raise forms.ValidationError(
                _("Hãy chọn giấy tờ còn thiếu hoặc ghi nội dung cần bổ sung.")
            )
        return data

    def items(self) -> list[dict]:
        chosen = set(self.cleaned_data.get("documents") or [])
        items = []
        for document in self.case_documents:
            if str(document.pk) in chosen:
                original, certified, photo = COPY_DEFAULTS.get(document.copy_type, (1, 0, 0))
                items.append(
                    {
                        "name": document.name,
                        "copies_original": original,
                        "copies_certified": certified,
                        "copies_photo": photo,
                    }
                )
        for line in _lines(self.cleaned_data.get("extra_items", "")):
            items.append(
                {"name": line, "copies_original": 0, "copies_certified": 0, "copies_photo": 0}
            )
        return items


class AnswerSupplementForm(ActionForm):
    action = "answer_supplement"
    label = _("Ghi nhận công dân đã bổ sung hồ sơ")
    button = _("Đã nhận hồ sơ bổ sung")
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=1000)


class ResolveOnSpotForm(ActionForm):
    action = "spot"
    label = _("Giải quyết ngay, không hẹn trả")
    button = _("Giải quyết ngay")
    button_class = "btn-success"


# The hand-over list: every agency in force (about 1,000), the same for every dossier but the
# dossier's own holder. Its <option>s are built once per process and reused while the agencies'
# generation (replaced on every agency save or delete, see agencies.apps) and the day stay
# the same; what is posted is still checked against the database (HandOverForm.to_unit).
def unit_options() -> tuple[str, dict[str, str]]:
    """(every option as HTML, each option's HTML by its value) of the agencies in force today,
    in the order and markup core.widgets.Select gives them."""
    return _UNIT_OPTIONS.get(_build_unit_options, vary=timezone.localdate())


def _build_unit_options() -> tuple[str, dict[str, str]]:
    rows = (
        Agency.objects.active_on(timezone.localdate())
        .order_by("display_order", "name")
        .values_list("pk", "name")
    )
    options = {str(pk): f'\n  <option value="{pk}">{escape(name)}</option>' for pk, name in rows}
    return "".join(options.values()), options


# shown only (what is posted is checked against the database): also kept inside transactions
_UNIT_OPTIONS = generations.ProcessCopy(
    agency_selectors.GENERATION_KEY, fresh_in_transactions=False
)


class UnitSelect(Select):
    """core.widgets.Select whose options (the agencies in force, but `exclude`) come prebuilt
    from unit_options(); the same HTML, without building 1,000 options per page. Its class name
    is "Select" for crispy, which derives the CSS class "select form-select" from it."""

    exclude: int | None = None

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        # the <select> tag and the empty option as core.widgets.Select renders them
        head = super().render(name, value, attrs, renderer)
        every, by_value = unit_options()
        options = every
        if self.exclude is not None and str(self.exclude) in by_value:
            options = options.replace(by_value[str(self.exclude)], "", 1)
        for chosen in {str(v) for v in self.format_value(value)}:
            option = by_value.get(chosen)
            if option is not None and chosen != str(self.exclude):
                marked = option.replace(f'value="{chosen}">', f'value="{chosen}" selected>', 1)
                options = options.replace(option, marked, 1)
        cut = head.rindex("\n</select>")
        # every value and label in `options` was escaped by unit_options()
        return mark_safe(head[:cut] + options + head[cut:])  # noqa: S308  # nosec B308 B703


UnitSelect.__name__ = "Select"


class UnitChoiceField(AgencyChoiceField):
    """An agency in force (validated against `queryset`), listed by UnitSelect."""

    widget = UnitSelect

    def _set_queryset(self, queryset):
        self._queryset = None if queryset is None else queryset.all()
        self.widget.choices = [] if self.empty_label is None else [("", self.empty_label)]

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)


class HandOverForm(ActionForm):
    action = "hand_over"
    label = _("Chuyển hồ sơ")
    button = _("Chuyển")
    to_unit = UnitChoiceField(label=_("Chuyển đến đơn vị"), queryset=Agency.objects.none())
    step_deadline = forms.DateTimeField(
        label=_("Hạn xử lý của bước"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=1000)

    def __init__(self, *args, dossier: Dossier, **kwargs):
        super().__init__(*args, dossier=dossier, **kwargs)
        units = Agency.objects.active_on().exclude(pk=dossier.current_unit_id)
        self.fields["to_unit"].queryset = units.order_by("display_order", "name")
        self.fields["to_unit"].widget.exclude = dossier.current_unit_id
        # the usual next holder: the competent agency, or back to the desk once finished
        target = (
            dossier.receiving_unit_id
            if dossier.status == Status.FINISHED
            else dossier.competent_agency_id
        )
        if target != dossier.current_unit_id:
            self.fields["to_unit"].initial = target


class OfficerChoiceField(forms.ModelChoiceField):
    """A user labelled as str(user), the choices read by one values_list query (no model
    instances, no server-side cursor)."""

    def _get_choices(self):
        if hasattr(self, "_choices"):  # set explicitly
            return self._choices
        options = [
            (pk, full_name or email or phone or f"#{pk}")  # User.__str__
            for pk, full_name, email, phone in self.queryset.values_list(
                "pk", "full_name", "email", "phone"
            )
        ]
        return options if self.empty_label is None else [("", self.empty_label), *options]

    choices = property(_get_choices, forms.ChoiceField.choices.fset)


class AssignForm(ActionForm):
    action = "assign"
    label = _("Phân công chuyên viên xử lý")
    button = _("Phân công")
    officer = OfficerChoiceField(
        label=_("Chuyên viên"), queryset=User.objects.none(), widget=Select
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=1000)

    def __init__(self, *args, dossier: Dossier, **kwargs):
        super().__init__(*args, dossier=dossier, **kwargs)
        self.fields["officer"].queryset = (
            User.objects.filter(
                is_active=True,
                memberships__is_active=True,
                memberships__agency_id__in=[dossier.competent_agency_id, dossier.current_unit_id],
                memberships__role__in=[Role.PROCESSING_OFFICER, Role.AGENCY_LEADER],
            )
            .distinct()
            .order_by("full_name")
        )


class PaymentRequestForm(ActionForm):
    action = "request_payment"
    label = _("Yêu cầu thực hiện nghĩa vụ tài chính")
    button = _("Yêu cầu nộp phí")
    amount = forms.IntegerField(label=_("Số tiền (đồng)"), min_value=0, max_value=10**12)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=1000)

    def __init__(self, *args, dossier: Dossier, **kwargs):
        super().__init__(*args, dossier=dossier, **kwargs)
        self.fields["amount"].initial = dossier.fee_amount or dossier.case.fee_amount


class ConfirmPaymentForm(ActionForm):
    action = "confirm_payment"
    label = _("Xác nhận đã nộp phí, lệ phí")
    button = _("Xác nhận đã nộp")


class FinishForm(ActionForm):
    action = "finish"
    label = _("Đính kèm kết quả và hoàn thành xử lý")
    button = _("Hoàn thành")
    button_class = "btn-success"
    result_file = forms.FileField(label=_("Tệp kết quả"), required=False)
    result_title = forms.CharField(label=_("Tên kết quả"), required=False, max_length=500)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=1000)

    def clean_result_file(self):
        file = self.cleaned_data.get("result_file")
        if file:
            validate_upload(file)
        return file

    def clean(self):
        data = super().clean()
        if data.get("result_file") and not data.get("result_title"):
            self.add_error("result_title", _("Vui lòng nhập tên kết quả."))
        return data


class ApologyForm(ActionForm):
    action = "apologise"
    label = _("Xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)")
    button = _("Lập phiếu xin lỗi")
    button_class = "btn-outline-warning"
    reason = forms.CharField(
        label=_("Lý do chậm trễ"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    new_due_at = forms.DateTimeField(
        label=_("Hẹn trả kết quả mới"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )

    def clean_new_due_at(self):
        value = self.cleaned_data["new_due_at"]
        if self.dossier.due_at and value <= self.dossier.due_at:
            raise forms.ValidationError(
                _("Ngày hẹn mới phải sau ngày hẹn hiện tại (%(due)s).")
                % {"due": timezone.localtime(self.dossier.due_at).strftime("%H:%M %d/%m/%Y")}
            )
        return value


class ReasonForm(ActionForm):
    reason = forms.CharField(
        label=_("Lý do"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class StopForm(ReasonForm):
    action = "stop"
    label = _("Dừng xử lý hồ sơ")
    button = _("Dừng xử lý")
    button_class = "btn-outline-danger"


class WithdrawForm(ReasonForm):
    action = "withdraw"
    label = _("Rút hồ sơ theo đề nghị của công dân")
    button = _("Rút hồ sơ")
    button_class = "btn-outline-secondary"


class ReturnResultForm(ActionForm):
    action = "return_result"
    label = _("Trả kết quả cho công dân")
    button = _("Đã trả kết quả")
    button_class = "btn-success"


ACTION_FORMS: dict[str, type[ActionForm]] = {
    form.action: form
    for form in (
        AcceptForm,
        RefuseForm,
        SupplementForm,
        ResolveOnSpotForm,
        AnswerSupplementForm,
        HandOverForm,
        AssignForm,
        PaymentRequestForm,
        ConfirmPaymentForm,
        FinishForm,
        ApologyForm,
        StopForm,
        WithdrawForm,
        ReturnResultForm,
    )
}


# ----- register (Mẫu 06) export --------------------------------------------------------------


class RegisterExportForm(forms.Form):
    unit = AgencyChoiceField(label=_("Bộ phận tiếp nhận"), queryset=Agency.objects.none())
    date_from = forms.DateField(
        label=_("Từ ngày"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("Đến ngày"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Agency.objects.all()
        today = timezone.localdate()
        self.fields["date_from"].initial = today.replace(day=1)
        self.fields["date_to"].initial = today

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."))
        if start and end and (end - start).days > 3660:
            self.add_error("date_to", _("Khoảng thời gian tối đa là 10 năm."))
        return data
