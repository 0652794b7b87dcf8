"""The world of the permission matrix: two agencies (X and Y), one actor per role, and objects
belonging to each side, plus the enumeration of every URL pattern of the project.

Side X: citizen A, desk officer X, processing officer X, leader X, CCHC officer X.
Side Y: citizen B, desk officer Y (and a CCHC officer Y who owns Y's assessment).
Home Affairs: appraiser, administrator, editor (province-wide roles)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts.models import Role
from core.uploads import validate_upload
from dossiers import services as dossier_services
from dossiers.models import DossierAttachment, Status
from procedures.models import ProcedureAgency
from tests.dossiers import citizen_helpers
from tests.dossiers.factories import (
    DossierAttachmentFactory,
    DossierFactory,
    ProcedureCaseFactory,
    ProcedureVersionFactory,
    RequiredDocumentFactory,
)
from tests.factories import AgencyFactory, MembershipFactory, StaffFactory, UserFactory

ACTORS = (
    "anon",
    "citizen_a",
    "citizen_b",
    "desk_x",
    "desk_y",
    "officer_x",
    "leader_x",
    "cchc_x",
    "appraiser",
    "admin",
    "editor",
)
SIDE = {
    "citizen_a": "x",
    "desk_x": "x",
    "officer_x": "x",
    "leader_x": "x",
    "cchc_x": "x",
    "citizen_b": "y",
    "desk_y": "y",
}


# --- URL enumeration ------------------------------------------------------------------------
@dataclass(frozen=True)
class Route:
    name: str  # namespaced ("dossiers:citizen_detail"), or "" for unnamed patterns
    route: str  # the full route, e.g. "ho-so/cua-toi/<uuid:public_id>/"
    converters: tuple = field(default=())  # ((kwarg, converter class name), ...)


def _walk(patterns, prefix="", namespace="", converters=()):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            conv = converters + tuple(
                (k, type(v).__name__) for k, v in getattr(p.pattern, "converters", {}).items()
            )
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns, conv)
        elif isinstance(p, URLPattern):
            conv = converters + tuple(
                (k, type(v).__name__) for k, v in getattr(p.pattern, "converters", {}).items()
            )
            name = p.name or ""
            if name and namespace:
                name = f"{namespace}:{name}"
            yield Route(name, prefix + str(p.pattern), conv)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


# --- the world ------------------------------------------------------------------------------
class W:
    """Attribute bag of the world's objects."""


def _with_totp(user):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())
    return user


def _staff(role, agency, **kwargs):
    user = StaffFactory(**kwargs)
    MembershipFactory(user=user, agency=agency, role=role)
    return user


def _online(user, case, agency, doc):
    draft = dossier_services.create_draft(user=user, case=case, competent_agency=agency)
    dossier_services.add_attachment(
        dossier=draft, user=user, file=citizen_helpers.pdf(), required_document=doc
    )
    return dossier_services.submit_online(dossier=draft, user=user)


def _factory_dossier(status, user, case, agency, seq):
    d = DossierFactory(
        status=status,
        code=f"{agency.electronic_id}-010125-{seq:04d}",
        case=case,
        competent_agency=agency,
        applicant_user=user,
    )
    DossierAttachmentFactory(dossier=d)
    return d


def build_world() -> W:
    w = W()
    parent = AgencyFactory(name="UBND thành phố Thử nghiệm", electronic_id="000.70.00.H13")
    w.x = AgencyFactory(name="Sở Thử nghiệm X", electronic_id="000.71.00.H13", parent=parent)
    w.y = AgencyFactory(name="Sở Thử nghiệm Y", electronic_id="000.72.00.H13", parent=parent)
    w.home = AgencyFactory(name="Sở Nội vụ", electronic_id="000.10.00.H13", parent=parent)

    # actors
    w.users = {
        "anon": None,
        "citizen_a": UserFactory(full_name="Công Dân A", phone="0911000001"),
        "citizen_b": UserFactory(full_name="Công Dân B", phone="0911000002"),
        "desk_x": _staff(Role.DESK_OFFICER, w.x, full_name="Một Cửa X"),
        "desk_y": _staff(Role.DESK_OFFICER, w.y, full_name="Một Cửa Y"),
        "officer_x": _staff(Role.PROCESSING_OFFICER, w.x, full_name="Chuyên Viên X"),
        "leader_x": _staff(Role.AGENCY_LEADER, w.x, full_name="Lãnh Đạo X"),
        "cchc_x": _staff(Role.CCHC_OFFICER, w.x, full_name="Cán Bộ CCHC X"),
        "appraiser": _with_totp(_staff(Role.APPRAISER, w.home, full_name="Thẩm Định Viên")),
        "admin": _with_totp(
            _staff(
                Role.ADMINISTRATOR,
                w.home,
                full_name="Quản Trị Viên",
                is_staff=True,
                is_superuser=True,
            )
        ),
        "editor": _staff(Role.EDITOR, w.home, full_name="Biên Tập Viên"),
    }
    w.cchc_y = _staff(Role.CCHC_OFFICER, w.y, full_name="Cán Bộ CCHC Y")
    u = w.users

    # procedure catalogue
    w.version = ProcedureVersionFactory(
        name="Đăng ký khai sinh", valid_from=datetime.date(2020, 1, 1)
    )
    for agency in (w.x, w.y):
        ProcedureAgency.objects.create(version=w.version, agency=agency)
    w.case = ProcedureCaseFactory(version=w.version)
    w.doc = RequiredDocumentFactory(case=w.case, name="Tờ khai")
    w.procedure_code = w.version.procedure.code

    # dossiers: A at X, B at Y
    w.d = {}
    for side, user, agency, base in (
        ("x", u["citizen_a"], w.x, 100),
        ("y", u["citizen_b"], w.y, 200),
    ):
        draft = dossier_services.create_draft(user=user, case=w.case, competent_agency=agency)
        dossier_services.add_attachment(
            dossier=draft, user=user, file=citizen_helpers.pdf(), required_document=w.doc
        )
        w.d[side] = {
            "draft": draft,
            "draft_att": DossierAttachment.objects.filter(dossier=draft).first(),
            "submitted": _online(user, w.case, agency, w.doc),
            "processing": _factory_dossier(Status.PROCESSING, user, w.case, agency, base + 1),
            "returned": _factory_dossier(Status.RETURNED, user, w.case, agency, base + 2),
        }
        w.d[side]["att"] = DossierAttachment.objects.filter(dossier=w.d[side]["submitted"]).first()
    _surveys(w)
    _scoring(w)
    _news(w)
    _reports(w)
    return w


def _surveys(w):
    from surveys.models import BankTopic, SurveyStatus
    from tests.surveys.factories import LinkFactory, TokenFactory, make_survey
    from tests.surveys.factories_b import bank_question, knowledge_test, respond

    w.survey = make_survey(status=SurveyStatus.OPEN)
    w.survey_draft = make_survey(status=SurveyStatus.DRAFT)
    w.token = TokenFactory(survey=w.survey)
    w.link = LinkFactory(survey=w.survey)
    w.response = respond(w.survey, agency=w.x, S1=5, S2="a")
    w.section = w.survey_draft.sections.first()
    w.question = w.survey_draft.questions.order_by("position").first()
    w.option = w.survey_draft.questions.get(code="S2").options.first()
    topic = BankTopic.objects.create(name="Chủ đề thử nghiệm")
    for _ in range(3):
        bank_question(topic)
    w.test = knowledge_test(topics=[topic])
    from surveys import knowledge

    w.attempt = {
        "x": knowledge.start_attempt(survey=w.test, user=w.users["officer_x"]),
        "y": knowledge.start_attempt(survey=w.test, user=w.users["desk_y"]),
    }
    w.attempt_question = {side: a.question_ids[0] for side, a in w.attempt.items()}


def _scoring(w):
    from scoring import services as scoring_services
    from tests.scoring.factories import open_set

    w.criteria_set, w.nodes = open_set(year=2031, target_group="departments")
    w.assessment = {
        "x": scoring_services.start_assessment(criteria_set=w.criteria_set, agency=w.x),
        "y": scoring_services.start_assessment(criteria_set=w.criteria_set, agency=w.y),
    }
    w.score = {}
    w.evidence = {}
    for side, officer in (("x", w.users["cchc_x"]), ("y", w.cchc_y)):
        score = w.assessment[side].scores.get(criterion__code="1.2")
        w.score[side] = score
        upload = citizen_helpers.pdf("quyet-dinh.pdf")
        w.evidence[side] = scoring_services.add_evidence(
            score=score,
            by=officer,
            title="Quyết định",
            file=upload,
            checked=validate_upload(upload),
        )
    w.criterion = w.nodes["1.1"]


def _news(w):
    from news.models import Article, Attachment
    from tests.news.factories import ArticleFactory, CategoryFactory, pdf_upload

    w.category = CategoryFactory(slug="tin-thu-nghiem")
    w.published = ArticleFactory(category=w.category, slug="bai-da-dang")
    w.draft_article = ArticleFactory(
        category=w.category, slug="bai-nhap", status=Article.Status.DRAFT, publish_at=None
    )
    png = citizen_helpers.png_bytes()
    for article in (w.published, w.draft_article):
        article.cover_image.save("anh-bia.png", ContentFile(png), save=False)
        article.cover_thumbnail.save("anh-nho.png", ContentFile(png), save=False)
        article.save()
    w.news_attachment = {}
    for key, article in (("published", w.published), ("draft", w.draft_article)):
        w.news_attachment[key] = Attachment.objects.create(
            article=article, title="Tệp", file=pdf_upload()
        )


def _reports(w):
    from reports.models import ExportJob

    w.jobs = {}
    for name in ("desk_x", "desk_y", "officer_x", "leader_x", "cchc_x", "appraiser", "admin"):
        job = ExportJob.objects.create(
            kind="procedures.catalogue.xlsx",
            parameters={},
            requested_by=w.users[name],
            status=ExportJob.Status.DONE,
            filename="danh-muc.xlsx",
        )
        job.file.save("danh-muc.xlsx", ContentFile(b"PK\x03\x04 test"), save=True)
        w.jobs[name] = job


__all__ = ["ACTORS", "SIDE", "Decimal", "Route", "W", "all_routes", "build_world", "timezone"]
