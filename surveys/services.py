"""Writes of the surveys app: the builder (structure edits, open/close, new version) and the
collection of responses (token, public link, paper entry, dossier rating).

Every function takes keyword-only arguments, runs in a transaction and raises a SurveyError
(message in Vietnamese) when the request is not allowed.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.permissions import has_role

from .models import (
    SCALE5_CHOICES,
    Answer,
    CampaignLink,
    InvitationToken,
    Option,
    Question,
    QuestionType,
    Response,
    ResponseChannel,
    ResponseStatus,
    Section,
    Survey,
    SurveyEvent,
    SurveyKind,
    SurveyStatus,
    TestFixedQuestion,
)

BUILDER_ROLES = (Role.APPRAISER, Role.ADMINISTRATOR)
# Who may key in paper forms and print invitations: Home Affairs staff, the agency CCHC officers
# who organise the survey locally and the one-stop desk (volunteers get a DESK_OFFICER or
# CCHC_OFFICER membership for the campaign).
ENTRY_ROLES = (Role.APPRAISER, Role.ADMINISTRATOR, Role.CCHC_OFFICER, Role.DESK_OFFICER)
TEXT_MAX = 2000


def can_build(user) -> bool:
    return has_role(user, *BUILDER_ROLES)


def can_enter_paper(user) -> bool:
    return has_role(user, *ENTRY_ROLES)


# --- errors -----------------------------------------------------------------------------------
class SurveyError(Exception):
    default = _("Không thực hiện được yêu cầu.")

    def __init__(self, message=None):
        self.message = str(message or self.default)
        super().__init__(self.message)


class SurveyFrozen(SurveyError):
    default = _("Khảo sát đã có phiếu trả lời nên không thể sửa câu hỏi. Hãy tạo phiên bản mới.")


class SurveyNotOpen(SurveyError):
    default = _("Khảo sát này hiện không nhận phiếu trả lời.")


class TokenUsed(SurveyError):
    default = _("Phiếu khảo sát này đã được sử dụng.")


class TokenInvalid(SurveyError):
    default = _("Mã khảo sát không hợp lệ hoặc đã hết hạn.")


class AlreadySubmitted(SurveyError):
    default = _("Phiếu trả lời đã được gửi và không thể thay đổi.")


class DuplicateSerial(SurveyError):
    default = _("Số phiếu này đã được nhập cho khảo sát này.")


class NotRatable(SurveyError):
    default = _("Chỉ có thể đánh giá hồ sơ đã trả kết quả.")


class AlreadyRated(SurveyError):
    default = _("Hồ sơ này đã được đánh giá.")


class AnswersInvalid(SurveyError):
    """errors: {question code: Vietnamese message}."""

    default = _("Phiếu trả lời còn lỗi, vui lòng kiểm tra các câu được đánh dấu.")

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__()


# --- validation of one answer ------------------------------------------------------------------
REQUIRED_MSG = _("Vui lòng trả lời câu hỏi này.")
INT_MIN, INT_MAX = -2_147_483_648, 2_147_483_647
SERIAL_MAX = 40  # Response.paper_serial max_length


def _is_empty(raw) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return raw.strip() == ""
    if isinstance(raw, list | tuple):
        return not [v for v in raw if str(v).strip()]
    return False


def _as_int(raw, message) -> int:
    try:
        if isinstance(raw, float) and raw.is_integer():
            return int(raw)
        return int(str(raw).strip())
    except (TypeError, ValueError) as exc:
        raise ValidationError(message) from exc


def _option_values(question: Question) -> list[str]:
    cache = question.__dict__.get("_prefetched_objects_cache", {})
    if "options" in cache:
        return [o.value for o in cache["options"]]
    return list(question.options.values_list("value", flat=True))


def clean_value(question: Question, raw) -> dict | None:
    """Validate one raw answer (str, int or list of str). Returns the Answer field values, None
    for no answer. Raises ValidationError with a Vietnamese message."""
    if _is_empty(raw):
        return None
    qtype = question.type
    if qtype == QuestionType.SCALE5:
        msg = _("Câu trả lời phải nằm trong thang đo từ 1 đến 5.")
        value = _as_int(raw, msg)
        if value not in dict(SCALE5_CHOICES):
            raise ValidationError(msg)
        return {"value_int": value}
    if qtype == QuestionType.YES_NO:
        text = str(raw).strip().lower()
        mapping = {"1": 1, "0": 0, "có": 1, "co": 1, "không": 0, "khong": 0}
        if text not in mapping:
            raise ValidationError(_("Chỉ chọn Có hoặc Không."))
        return {"value_int": mapping[text]}
    if qtype == QuestionType.NUMBER:
        value = _as_int(raw, _("Vui lòng nhập một số nguyên."))
        low, high = question.min_value, question.max_value
        if not INT_MIN <= value <= INT_MAX:  # Answer.value_int is an IntegerField
            raise ValidationError(_("Giá trị quá lớn."))
        if (low is not None and value < low) or (high is not None and value > high):
            raise ValidationError(
                _t("Giá trị phải từ %(low)s đến %(high)s.")
                % {
                    "low": low if low is not None else "…",
                    "high": high if high is not None else "…",
                }
            )
        return {"value_int": value}
    if qtype == QuestionType.SHORT_TEXT:
        text = str(raw).strip()
        if len(text) > TEXT_MAX:
            raise ValidationError(_t("Câu trả lời dài quá %(n)s ký tự.") % {"n": TEXT_MAX})
        if "\x00" in text:  # PostgreSQL refuses NUL in text (multipart posts keep it)
            raise ValidationError(_("Câu trả lời chứa ký tự không hợp lệ."))
        return {"value_text": text}
    allowed = _option_values(question)
    bad_option = _("Phương án đã chọn không có trong câu hỏi này.")
    if qtype == QuestionType.SINGLE:
        value = str(raw).strip()
        if value not in allowed:
            raise ValidationError(bad_option)
        return {"value_text": value}
    values = [str(v).strip() for v in (raw if isinstance(raw, list | tuple) else [raw])]
    values = [v for v in values if v]
    if any(v not in allowed for v in values):
        raise ValidationError(bad_option)
    if len(set(values)) != len(values):
        raise ValidationError(
            _("Mỗi phương án chỉ được chọn một lần.")
            if qtype == QuestionType.MULTIPLE
            else _("Mỗi phương án chỉ được xếp hạng một lần.")
        )
    if question.max_choices and len(values) > question.max_choices:
        raise ValidationError(
            _t("Chỉ được chọn tối đa %(n)s phương án.") % {"n": question.max_choices}
        )
    if qtype == QuestionType.MULTIPLE:
        values = [v for v in allowed if v in values]  # canonical (form) order
    return {"value_choices": values}


def questions_of(survey: Survey) -> QuerySet[Question]:
    return (
        Question.objects.filter(survey=survey)
        .select_related("section")
        .prefetch_related("options")
        .order_by("section__position", "section__pk", "position", "pk")
    )


def validate_answers(
    *, survey: Survey, values: dict, require_complete: bool, questions=None
) -> dict[Question, dict | None]:
    """values: {question code: raw}. Unknown codes are ignored. Raises AnswersInvalid with every
    error at once, or returns {question: cleaned or None} for every question of the survey."""
    questions = list(questions if questions is not None else questions_of(survey))
    errors: dict[str, str] = {}
    cleaned: dict[Question, dict | None] = {}
    for q in questions:
        try:
            cleaned[q] = clean_value(q, values.get(q.code))
        except ValidationError as exc:
            errors[q.code] = str(exc.messages[0])
            continue
        if cleaned[q] is None and q.required and require_complete:
            errors[q.code] = str(REQUIRED_MSG)
    if errors:
        raise AnswersInvalid(errors)
    return cleaned


def _store_answers(response: Response, cleaned: dict[Question, dict | None]) -> None:
    existing = {a.question_id: a for a in response.answers.all()}
    to_delete = [existing[q.pk].pk for q, v in cleaned.items() if v is None and q.pk in existing]
    if to_delete:
        Answer.objects.filter(pk__in=to_delete).delete()
    new, changed = [], []
    for q, v in cleaned.items():
        if v is None:
            continue
        data = {"value_int": None, "value_text": "", "value_choices": [], **v}
        if q.pk in existing:
            a = existing[q.pk]
            for k, val in data.items():
                setattr(a, k, val)
            changed.append(a)
        else:
            new.append(Answer(response=response, question=q, **data))
    Answer.objects.bulk_create(new)
    if changed:
        Answer.objects.bulk_update(changed, ["value_int", "value_text", "value_choices"])


def answers_as_values(response: Response | None) -> dict:
    """{question code: raw} for prefilling a form with a saved response."""
    if response is None or response.pk is None:
        return {}
    out = {}
    for a in response.answers.select_related("question"):
        q = a.question
        if q.type in (QuestionType.MULTIPLE, QuestionType.RANKING):
            out[q.code] = list(a.value_choices)
        elif q.type in (QuestionType.SINGLE, QuestionType.SHORT_TEXT):
            out[q.code] = a.value_text
        else:
            out[q.code] = "" if a.value_int is None else str(a.value_int)
    return out


def _finish(response: Response, *, submit: bool, now=None) -> None:
    if submit:
        response.status = ResponseStatus.SUBMITTED
        response.submitted_at = now or timezone.now()
    response.save()


def save_response(*, response: Response, values: dict, submit: bool) -> Response:
    """Save (or submit) answers of an existing in-progress response; a submitted one is
    immutable. Invalid values raise AnswersInvalid and nothing is written."""
    with transaction.atomic():
        response = Response.objects.select_for_update().select_related("survey").get(pk=response.pk)
        if response.is_submitted:
            raise AlreadySubmitted()
        _ensure_open(response.survey)
        cleaned = validate_answers(survey=response.survey, values=values, require_complete=submit)
        _store_answers(response, cleaned)
        _finish(response, submit=submit)
    return response


def _ensure_open(survey: Survey) -> None:
    if survey.status != SurveyStatus.OPEN:
        raise SurveyNotOpen()
    today = timezone.localdate()
    if (survey.period_start and today < survey.period_start) or (
        survey.period_end and today > survey.period_end
    ):
        raise SurveyNotOpen(_("Khảo sát này không trong thời gian nhận phiếu."))


# --- tokens ------------------------------------------------------------------------------------
def create_invitation(
    *,
    survey: Survey,
    agency=None,
    dossier_code: str = "",
    dossier_public_id=None,
    procedure_code: str = "",
    expires_at: datetime.datetime | None = None,
    by=None,
) -> InvitationToken:
    """A one-time invitation. For a dossier the same token is returned when asked again."""
    with transaction.atomic():
        if dossier_code:
            existing = InvitationToken.objects.filter(
                survey=survey, dossier_code=dossier_code
            ).first()
            if existing:
                return existing
        return InvitationToken.objects.create(
            survey=survey,
            agency=agency,
            dossier_code=dossier_code,
            dossier_public_id=dossier_public_id,
            procedure_code=procedure_code,
            expires_at=expires_at,
            created_by=by,
        )


def create_invitations(
    *, survey: Survey, count: int, agency=None, by=None
) -> list[InvitationToken]:
    with transaction.atomic():
        return [create_invitation(survey=survey, agency=agency, by=by) for _i in range(count)]


def get_token(token: str) -> InvitationToken:
    tok = (
        InvitationToken.objects.select_related("survey", "agency")
        .filter(token=(token or "").strip())
        .first()
    )
    if tok is None or (tok.expires_at and tok.expires_at < timezone.now()):
        raise TokenInvalid()
    return tok


def respond_with_token(*, token: str, values: dict, submit: bool, user=None) -> Response:
    """Save or submit the single response of a token. The token row is locked, so concurrent
    submits queue; Response.invitation is unique, so the database refuses a second response."""
    try:
        with transaction.atomic():
            tok = get_token(token)
            tok = InvitationToken.objects.select_for_update().get(pk=tok.pk)
            survey = tok.survey
            response = Response.objects.filter(invitation=tok).first()
            if response is not None and response.is_submitted:
                raise TokenUsed()
            _ensure_open(survey)
            cleaned = validate_answers(survey=survey, values=values, require_complete=submit)
            if response is None:
                response = Response.objects.create(
                    survey=survey,
                    invitation=tok,
                    agency=tok.agency,
                    procedure_code=tok.procedure_code,
                    dossier_code=tok.dossier_code,
                    dossier_public_id=tok.dossier_public_id,
                    respondent=None
                    if survey.anonymous or user is None or not user.is_authenticated
                    else user,
                    channel=ResponseChannel.ONLINE,
                )
            _store_answers(response, cleaned)
            _finish(response, submit=submit)
            if submit:
                tok.used_at = response.submitted_at
                tok.save(update_fields=["used_at"])
    except IntegrityError as exc:  # a concurrent first save won the unique invitation
        raise TokenUsed() from exc
    return response


# --- public link --------------------------------------------------------------------------------
def respond_with_link(
    *, link: CampaignLink, values: dict, submit: bool, resume_key: str | None = None
) -> Response:
    """Anonymous response through a public link. resume_key (from the signed cookie) continues
    an in-progress response of the same survey; otherwise a new one starts."""
    with transaction.atomic():
        survey = link.survey
        if not link.is_active:
            raise SurveyNotOpen()
        _ensure_open(survey)
        response = None
        if resume_key:
            response = (
                Response.objects.select_for_update()
                .filter(survey=survey, resume_key=resume_key)
                .first()
            )
            if response is not None and response.is_submitted:
                raise AlreadySubmitted()
        cleaned = validate_answers(survey=survey, values=values, require_complete=submit)
        if response is None:
            response = Response.objects.create(
                survey=survey, link=link, agency=link.agency, channel=ResponseChannel.ONLINE
            )
        _store_answers(response, cleaned)
        _finish(response, submit=submit)
    return response


def resumable(*, survey: Survey, resume_key: str | None) -> Response | None:
    if not resume_key:
        return None
    return Response.objects.filter(
        survey=survey, resume_key=resume_key, status=ResponseStatus.IN_PROGRESS
    ).first()


# --- paper entry ---------------------------------------------------------------------------------
def record_paper_response(
    *,
    survey: Survey,
    serial: str,
    values: dict,
    by,
    agency=None,
    channel: str = ResponseChannel.PAPER,
    questions=None,
) -> Response:
    """One paper form keyed in by `by`. Blank answers are recorded as no answer (the paper may
    be incomplete; results exclude them), but every value given must be valid."""
    serial = (serial or "").strip()
    if not serial:
        raise AnswersInvalid({"__serial__": str(_("Vui lòng nhập số phiếu."))})
    if len(serial) > SERIAL_MAX or "\x00" in serial:  # the column's size; PostgreSQL and NUL
        raise AnswersInvalid(
            {
                "__serial__": _t("Số phiếu tối đa %(n)s ký tự, không chứa ký tự đặc biệt.")
                % {"n": SERIAL_MAX}
            }
        )
    if survey.status == SurveyStatus.DRAFT:
        raise SurveyNotOpen(_("Khảo sát chưa được mở nên chưa nhập phiếu được."))
    if Response.objects.filter(survey=survey, paper_serial=serial).exists():
        raise DuplicateSerial(
            _t("Số phiếu %(serial)s đã được nhập cho khảo sát này.") % {"serial": serial}
        )
    cleaned = validate_answers(
        survey=survey, values=values, require_complete=False, questions=questions
    )
    try:
        with transaction.atomic():
            response = Response.objects.create(
                survey=survey,
                agency=agency,
                channel=channel,
                entered_by=by,
                paper_serial=serial,
            )
            _store_answers(response, cleaned)
            _finish(response, submit=True)
    except IntegrityError as exc:
        raise DuplicateSerial(
            _t("Số phiếu %(serial)s đã được nhập cho khảo sát này.") % {"serial": serial}
        ) from exc
    return response


# --- dossier rating --------------------------------------------------------------------------------
def rating_survey() -> Survey | None:
    return (
        Survey.objects.filter(kind=SurveyKind.DOSSIER_RATING, status=SurveyStatus.OPEN)
        .order_by("-version", "-pk")
        .first()
    )


def compute_dossier_indicators(dossier) -> dict:
    """The one-stop indicators (domain.md §2.7) computable from the dossier's own data:
    (1) total time vs. the limit and (3) contacts needed (= supplement requests)."""
    from dossiers import selectors as dossier_selectors

    events = list(dossier_selectors.timeline(dossier=dossier))
    supplements = sum(1 for e in events if e.kind == "supplement_request")
    outcome = getattr(dossier, "outcome", "") or None
    time_points = {"early": 2, "on_time": 1, "late": 0}.get(outcome or "")
    contacts_points = 2 if supplements == 0 else 1 if supplements == 1 else 0
    apologised = any(e.kind == "apology" for e in events)

    def iso(value):
        return value.isoformat() if value else None

    return {
        "time_total": time_points,
        "on_time_outcome": outcome,
        "supplement_requests": supplements,
        "contacts": contacts_points,
        "apology": apologised,
        "received_at": iso(dossier.received_at),
        "due_at": iso(dossier.due_at),
        "returned_at": iso(dossier.returned_at),
    }


def rate_dossier(*, dossier, values: dict, user=None, survey: Survey | None = None) -> Response:
    """The citizen's rating of a returned dossier, once per dossier (DB constraint)."""
    from dossiers.models import Status

    survey = survey or rating_survey()
    if survey is None:
        raise SurveyNotOpen(_("Chức năng đánh giá hồ sơ hiện chưa mở."))
    if dossier.status != Status.RETURNED:
        raise NotRatable()
    if Response.objects.filter(survey=survey, dossier_code=dossier.code).exists():
        raise AlreadyRated()
    _ensure_open(survey)
    cleaned = validate_answers(survey=survey, values=values, require_complete=True)
    procedure = getattr(dossier.procedure_version, "procedure", None)
    try:
        with transaction.atomic():
            response = Response.objects.create(
                survey=survey,
                respondent=user if user is not None and user.is_authenticated else None,
                agency=dossier.competent_agency,
                officer_id=dossier.assigned_officer_id,
                procedure_code=getattr(procedure, "code", "") or "",
                dossier_code=dossier.code,
                dossier_public_id=dossier.public_id,
                channel=ResponseChannel.ONLINE,
                computed=compute_dossier_indicators(dossier),
            )
            _store_answers(response, cleaned)
            _finish(response, submit=True)
    except IntegrityError as exc:
        raise AlreadyRated() from exc
    return response


def already_rated(*, dossier, survey: Survey | None = None) -> bool:
    survey = survey or rating_survey()
    return bool(
        survey and Response.objects.filter(survey=survey, dossier_code=dossier.code).exists()
    )


# --- builder ------------------------------------------------------------------------------------
def ensure_editable(survey: Survey) -> None:
    if survey.is_frozen:
        raise SurveyFrozen()


def _event(survey, *, kind, by, note="", data=None, from_status="", to_status="") -> None:
    SurveyEvent.objects.create(
        survey=survey,
        kind=kind,
        by=by if getattr(by, "is_authenticated", False) else None,
        note=note,
        data=data or {},
        from_status=from_status,
        to_status=to_status,
    )


STRUCTURAL_FIELDS = {"kind", "anonymous"}


def create_survey(*, by, target_agencies=(), **fields) -> Survey:
    with transaction.atomic():
        survey = Survey.objects.create(created_by=by, **fields)
        survey.target_agencies.set(target_agencies)
        _event(survey, kind=SurveyEvent.Kind.CREATED, by=by, to_status=survey.status)
    return survey


def update_survey(*, survey: Survey, by, target_agencies=None, **fields) -> Survey:
    """Title, description, period and targets may change any time; kind and anonymity only
    while the survey has no response."""
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if any(getattr(survey, k) != v for k, v in fields.items() if k in STRUCTURAL_FIELDS):
            ensure_editable(survey)
        for k, v in fields.items():
            setattr(survey, k, v)
        survey.full_clean(exclude=["created_by", "previous_version"])
        survey.save()
        if target_agencies is not None:
            survey.target_agencies.set(target_agencies)
    return survey


def _set_status(*, survey: Survey, by, to: str, kind: str) -> Survey:
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        before = survey.status
        if before == to:
            return survey
        if to == SurveyStatus.OPEN and not survey.is_test and not survey.questions.exists():
            raise SurveyError(_("Khảo sát chưa có câu hỏi nào nên chưa thể mở."))
        survey.status = to
        survey.save(update_fields=["status", "updated_at"])
        _event(survey, kind=kind, by=by, from_status=before, to_status=to)
    return survey


def open_survey(*, survey: Survey, by) -> Survey:
    return _set_status(survey=survey, by=by, to=SurveyStatus.OPEN, kind=SurveyEvent.Kind.OPENED)


def close_survey(*, survey: Survey, by) -> Survey:
    return _set_status(survey=survey, by=by, to=SurveyStatus.CLOSED, kind=SurveyEvent.Kind.CLOSED)


def new_version(*, survey: Survey, by, code: str | None = None) -> Survey:
    """Copy a survey (sections, questions, options, targets, test settings) into a new draft."""
    with transaction.atomic():
        source = Survey.objects.get(pk=survey.pk)
        copy = Survey.objects.create(
            code=code,
            kind=source.kind,
            title=source.title,
            title_en=source.title_en,
            description=source.description,
            period_start=source.period_start,
            period_end=source.period_end,
            anonymous=source.anonymous,
            status=SurveyStatus.DRAFT,
            version=source.version + 1,
            previous_version=source,
            time_limit_minutes=source.time_limit_minutes,
            draw_count=source.draw_count,
            draw_mode=source.draw_mode,
            created_by=by,
        )
        copy.target_agencies.set(source.target_agencies.all())
        copy.draw_topics.set(source.draw_topics.all())
        TestFixedQuestion.objects.bulk_create(
            TestFixedQuestion(survey=copy, question_id=f.question_id, position=f.position)
            for f in source.fixed_entries.all()
        )
        copy_structure(source=source, target=copy)
        _event(
            copy,
            kind=SurveyEvent.Kind.NEW_VERSION,
            by=by,
            to_status=copy.status,
            data={"from": str(source.public_id)},
        )
    return copy


def copy_structure(*, source: Survey, target: Survey) -> None:
    for section in source.sections.prefetch_related("questions__options").order_by(
        "position", "pk"
    ):
        new_section = Section.objects.create(
            survey=target,
            position=section.position,
            title=section.title,
            title_en=section.title_en,
            description=section.description,
        )
        for q in section.questions.all():
            options = list(q.options.all())
            q.pk = None
            q.id = None
            q.survey = target
            q.section = new_section
            q._state.adding = True
            q.save()
            Option.objects.bulk_create(
                Option(
                    question=q,
                    position=o.position,
                    value=o.value,
                    label=o.label,
                    label_en=o.label_en,
                )
                for o in options
            )


def _next_position(qs: QuerySet) -> int:
    return (qs.aggregate(m=Max("position"))["m"] or 0) + 1


def add_section(*, survey: Survey, by, **fields) -> Section:
    with transaction.atomic():
        ensure_editable(survey)
        return Section.objects.create(
            survey=survey, position=_next_position(survey.sections.all()), **fields
        )


def update_object(*, obj: Model, survey: Survey, by, **fields) -> Model:
    """Edit a section, question or option of an editable survey."""
    with transaction.atomic():
        ensure_editable(survey)
        for k, v in fields.items():
            setattr(obj, k, v)
        obj.save()
    return obj


def delete_object(*, obj: Model, survey: Survey, by) -> None:
    with transaction.atomic():
        ensure_editable(survey)
        obj.delete()


def add_question(*, section: Section, by, **fields) -> Question:
    survey = section.survey
    with transaction.atomic():
        ensure_editable(survey)
        return Question.objects.create(
            survey=survey,
            section=section,
            position=_next_position(section.questions.all()),
            **fields,
        )


def add_option(*, question: Question, by, **fields) -> Option:
    with transaction.atomic():
        ensure_editable(question.survey)
        return Option.objects.create(
            question=question, position=_next_position(question.options.all()), **fields
        )


def move(*, obj: Section | Question | Option, survey: Survey, direction: str, by) -> None:
    """Swap an item with its neighbour ("up" or "down") among its siblings."""
    with transaction.atomic():
        ensure_editable(survey)
        if isinstance(obj, Section):
            siblings = Section.objects.filter(survey=obj.survey_id)
        elif isinstance(obj, Question):
            siblings = Question.objects.filter(section=obj.section_id)
        else:
            siblings = Option.objects.filter(question=obj.question_id)
        items = list(siblings.select_for_update().order_by("position", "pk"))
        index = next(i for i, item in enumerate(items) if item.pk == obj.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(items):
            items[index], items[other] = items[other], items[index]
        for position, item in enumerate(items, start=1):
            item.position = position
        type(obj).objects.bulk_update(items, ["position"])


# --- import result (used by importer.py) --------------------------------------------------------
@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors
