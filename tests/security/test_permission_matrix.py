"""The permission matrix: every URL pattern of the project × every actor × objects of each side.

Every named pattern outside Django admin and allauth has an entry in EXPECTATIONS; a new URL
without one fails `test_every_url_has_an_expectation` with its name. For each (pattern, actor,
object variant) the expected class of answer is asserted:
  ok     — 2xx, 3xx to a page other than the login page, or 400 (the view let the user in and
           validated the — empty — form)
  login  — redirect to the login page
  403    — forbidden
  404    — not found (the safe answer for objects of another citizen or agency)
Object variants: "x" = the object belongs to side X (citizen A, agency X), "y" = side Y
(citizen B, agency Y); "mix" = an id of one side combined with a parent of the other (a
tampered URL) — nobody gets anything from it.
"""

import os
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from tests.security.matrix_world import ACTORS, SIDE, all_routes, build_world

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
OK, LOGIN, F403, NF, N405 = "ok", "login", "403", "404", "405"

CITIZENS = ("citizen_a", "citizen_b")
DESKS = ("desk_x", "desk_y")
AGENCY_STAFF = ("desk_x", "desk_y", "officer_x", "leader_x", "cchc_x")
HOME = ("appraiser", "admin")
STAFF = (*AGENCY_STAFF, *HOME, "editor")
SIGNED_IN = (*CITIZENS, *STAFF)


# --- rules ----------------------------------------------------------------------------------
Rule = Callable[[str, str], str]


def rule(
    *,
    anon: str = LOGIN,
    ok=(),
    own=(),
    cross: str = NF,
    others: str = F403,
    special: dict | None = None,
) -> Rule:
    """anon: answer to the anonymous visitor; ok: actors allowed on any variant; own: actors
    allowed only on their side's variant ("cross" otherwise); everyone else gets "others".
    special: {(actor, variant): answer} for the few exceptions."""
    special = special or {}

    def expected(actor: str, variant: str) -> str:
        if (actor, variant) in special:
            return special[(actor, variant)]
        if actor == "anon":
            return anon
        if variant == "mix":
            return cross
        if actor in ok:
            return OK
        if actor in own:
            return OK if SIDE.get(actor) == variant else cross
        return others

    return expected


PUBLIC = rule(anon=OK, ok=SIGNED_IN)
SIGNED_IN_ONLY = rule(ok=SIGNED_IN)


@dataclass
class Entry:
    methods: tuple  # HTTP methods to try ("GET", "POST")
    kwargs: Callable  # world -> {variant: url kwargs}
    expect: Rule | dict  # a rule, or {method: rule}


def one(**kw):
    return lambda w: {"-": kw}


def none(w):
    return {"-": {}}


def sides(fn):
    """Variants "x" and "y" from fn(w, side) -> kwargs."""
    return lambda w: {s: fn(w, s) for s in ("x", "y")}


G, P, GP = ("GET",), ("POST",), ("GET", "POST")

EXPECTATIONS: dict[str, Entry] = {}

# The routes handled as groups (representative checks in dedicated tests below).
GROUP_PREFIXES = ("admin:",)
ALLAUTH_PREFIXES = ("account_", "mfa_")


def _grouped(name: str, route: str) -> bool:
    if name.startswith(GROUP_PREFIXES) or name.startswith(ALLAUTH_PREFIXES):
        return True
    return not name and route.startswith("quan-tri/")


def _d(w, side, key="submitted"):
    return w.d[side][key]


def _jobs(w):
    return {owner: {"public_id": job.public_id} for owner, job in w.jobs.items()}


def _job_rule() -> Rule:
    def expected(actor, variant):
        if actor == "anon":
            return LOGIN
        return OK if actor in (variant, "admin") else NF

    return expected


RANKING = lambda w: {"-": {"year": w.criteria_set.year, "group": "departments"}}  # noqa: E731
SURVEY_DRAFT = lambda w: {"-": {"public_id": w.survey_draft.public_id}}  # noqa: E731
SURVEY_OPEN = lambda w: {"-": {"public_id": w.survey.public_id}}  # noqa: E731
CRITERIA_SET = lambda w: {"-": {"public_id": w.criteria_set.public_id}}  # noqa: E731
CRITERION = lambda w: {"-": {"pk": w.criterion.pk}}  # noqa: E731
DRAFT_ARTICLE = lambda w: {  # noqa: E731
    "draft": {"public_id": w.draft_article.public_id},
    "published": {"public_id": w.published.public_id},
}
ARTICLE_SLUG = lambda w: {  # noqa: E731
    "published": {"slug": w.published.slug},
    "draft": {"slug": w.draft_article.slug},
}

EXPECTATIONS.update(
    {
        # core, accounts, agencies, i18n
        "home": Entry(G, none, PUBLIC),
        "set_language": Entry(P, none, PUBLIC),
        "accounts:profile": Entry(G, none, SIGNED_IN_ONLY),
        "agencies:directory": Entry(G, none, PUBLIC),
        # reports
        "reports:catalogue": Entry(G, none, SIGNED_IN_ONLY),
        "reports:request": Entry(P, one(kind="procedures.catalogue.xlsx"), SIGNED_IN_ONLY),
        "reports:job_list": Entry(G, none, SIGNED_IN_ONLY),
        "reports:job_detail": Entry(G, _jobs, _job_rule()),  # own jobs; the administrator: all
        "reports:download": Entry(G, _jobs, _job_rule()),
        # procedures
        "procedures:list": Entry(G, none, PUBLIC),
        "procedures:export": Entry(P, none, SIGNED_IN_ONLY),
        "procedures:import": Entry(GP, none, rule(ok=("admin",))),
        "procedures:import_template": Entry(G, none, rule(ok=("admin",))),
        "procedures:import_preview": Entry(GP, one(token="khong-co"), rule(ok=(), special={})),
        "procedures:print": Entry(G, lambda w: {"-": {"code": w.procedure_code}}, PUBLIC),
        "procedures:detail": Entry(G, lambda w: {"-": {"code": w.procedure_code}}, PUBLIC),
        # surveys: collection
        "surveys:token": Entry(GP, lambda w: {"-": {"token": w.token.token}}, PUBLIC),
        "surveys:token_qr": Entry(G, lambda w: {"-": {"token": w.token.token}}, PUBLIC),
        "surveys:link": Entry(GP, lambda w: {"-": {"slug": w.link.slug}}, PUBLIC),
        "surveys:done": Entry(G, none, PUBLIC),
        "surveys:rate_dossier": Entry(GP, none, PUBLIC),
        "surveys:entry": Entry(GP, SURVEY_OPEN, PUBLIC),
        "surveys:import": Entry(GP, SURVEY_OPEN, PUBLIC),
        "surveys:import_template": Entry(G, SURVEY_OPEN, PUBLIC),
        # surveys: builder
        "surveys:builder_list": Entry(G, none, PUBLIC),
        "surveys:builder_create": Entry(GP, none, PUBLIC),
        "surveys:builder_detail": Entry(G, SURVEY_DRAFT, PUBLIC),
        "surveys:builder_edit": Entry(GP, SURVEY_DRAFT, PUBLIC),
        "surveys:preview": Entry(G, SURVEY_DRAFT, PUBLIC),
        "surveys:set_status": Entry(P, SURVEY_DRAFT, PUBLIC),
        "surveys:new_version": Entry(P, SURVEY_DRAFT, PUBLIC),
        "surveys:section_add": Entry(GP, SURVEY_DRAFT, PUBLIC),
        "surveys:section_edit": Entry(
            GP, lambda w: {"-": {"public_id": w.survey_draft.public_id, "pk": w.section.pk}}, PUBLIC
        ),
        "surveys:question_add": Entry(
            GP,
            lambda w: {"-": {"public_id": w.survey_draft.public_id, "section_pk": w.section.pk}},
            PUBLIC,
        ),
        "surveys:question_edit": Entry(
            GP,
            lambda w: {"-": {"public_id": w.survey_draft.public_id, "pk": w.question.pk}},
            PUBLIC,
        ),
        "surveys:option_add": Entry(
            P,
            lambda w: {"-": {"public_id": w.survey_draft.public_id, "pk": w.option.question_id}},
            PUBLIC,
        ),
        "surveys:option_edit": Entry(
            GP, lambda w: {"-": {"public_id": w.survey_draft.public_id, "pk": w.option.pk}}, PUBLIC
        ),
        "surveys:item_delete": Entry(
            P,
            lambda w: {
                "-": {
                    "public_id": w.survey_draft.public_id,
                    "kind": "question",
                    "pk": w.question.pk,
                }
            },
            PUBLIC,
        ),
        "surveys:item_move": Entry(
            P,
            lambda w: {
                "-": {
                    "public_id": w.survey_draft.public_id,
                    "kind": "question",
                    "pk": w.question.pk,
                    "direction": "down",
                }
            },
            PUBLIC,
        ),
        "surveys:link_add": Entry(P, SURVEY_DRAFT, PUBLIC),
        "surveys:tokens_add": Entry(P, SURVEY_DRAFT, PUBLIC),
        "surveys:tokens_print": Entry(G, SURVEY_OPEN, PUBLIC),
        "surveys:results": Entry(G, none, PUBLIC),
        "surveys:sampling": Entry(G, none, PUBLIC),
        "surveys:knowledge_list": Entry(G, none, PUBLIC),
        "surveys:knowledge_overview": Entry(G, none, PUBLIC),
        "surveys:knowledge_start": Entry(
            P, lambda w: {"-": {"public_id": w.test.public_id}}, PUBLIC
        ),
        "surveys:knowledge_results": Entry(
            G, lambda w: {"-": {"public_id": w.test.public_id}}, PUBLIC
        ),
        "surveys:knowledge_attempt": Entry(
            GP, sides(lambda w, s: {"public_id": w.attempt[s].public_id}), PUBLIC
        ),
        "surveys:knowledge_autosave": Entry(
            P,
            sides(
                lambda w, s: {
                    "public_id": w.attempt[s].public_id,
                    "question_id": w.attempt_question[s],
                }
            ),
            PUBLIC,
        ),
        # scoring: criteria builder
        "scoring:set_list": Entry(G, none, PUBLIC),
        "scoring:set_create": Entry(GP, none, PUBLIC),
        "scoring:set_detail": Entry(G, CRITERIA_SET, PUBLIC),
        "scoring:set_update": Entry(P, CRITERIA_SET, PUBLIC),
        "scoring:set_copy": Entry(P, CRITERIA_SET, PUBLIC),
        "scoring:set_open": Entry(P, CRITERIA_SET, PUBLIC),
        "scoring:set_export": Entry(G, CRITERIA_SET, PUBLIC),
        "scoring:set_import": Entry(GP, CRITERIA_SET, PUBLIC),
        "scoring:criterion_add": Entry(GP, CRITERIA_SET, PUBLIC),
        "scoring:criterion_edit": Entry(GP, CRITERION, PUBLIC),
        "scoring:criterion_move": Entry(
            P, lambda w: {"-": {"pk": w.criterion.pk, "direction": "down"}}, PUBLIC
        ),
        "scoring:criterion_delete": Entry(P, CRITERION, PUBLIC),
        # scoring: assessments
        "scoring:assessment_list": Entry(G, none, PUBLIC),
        "scoring:assessment_start": Entry(P, CRITERIA_SET, PUBLIC),
        "scoring:assessment_detail": Entry(
            G, sides(lambda w, s: {"public_id": w.assessment[s].public_id}), PUBLIC
        ),
        "scoring:transition": Entry(
            P, sides(lambda w, s: {"public_id": w.assessment[s].public_id}), PUBLIC
        ),
        "scoring:appraisal_request_explanation": Entry(
            P, sides(lambda w, s: {"public_id": w.assessment[s].public_id}), PUBLIC
        ),
        "scoring:metrics_recompute": Entry(
            P, sides(lambda w, s: {"public_id": w.assessment[s].public_id}), PUBLIC
        ),
        "scoring:score_save": Entry(P, sides(lambda w, s: {"pk": w.score[s].pk}), PUBLIC),
        "scoring:appraisal_save": Entry(P, sides(lambda w, s: {"pk": w.score[s].pk}), PUBLIC),
        "scoring:score_answer": Entry(P, sides(lambda w, s: {"pk": w.score[s].pk}), PUBLIC),
        "scoring:evidence_add": Entry(P, sides(lambda w, s: {"pk": w.score[s].pk}), PUBLIC),
        "scoring:evidence_delete": Entry(
            P, sides(lambda w, s: {"public_id": w.evidence[s].public_id}), PUBLIC
        ),
        "scoring:evidence_download": Entry(
            G, sides(lambda w, s: {"public_id": w.evidence[s].public_id}), PUBLIC
        ),
        # scoring: rankings
        "scoring:public_ranking": Entry(G, none, PUBLIC),
        "scoring:public_ranking_year": Entry(G, RANKING, PUBLIC),
        "scoring:ranking_recompute": Entry(P, RANKING, PUBLIC),
        "scoring:ranking_metrics": Entry(P, RANKING, PUBLIC),
        "scoring:ranking_publish": Entry(P, RANKING, PUBLIC),
        "scoring:ranking_export": Entry(
            P,
            lambda w: {"-": {"year": w.criteria_set.year, "group": "departments", "fmt": "xlsx"}},
            PUBLIC,
        ),
        "scoring:public_ranking_agency": Entry(
            G,
            sides(
                lambda w, s: {
                    "year": w.criteria_set.year,
                    "group": "departments",
                    "key": getattr(w, s).electronic_id,
                }
            ),
            PUBLIC,
        ),
        # news
        "news:list": Entry(G, none, PUBLIC),
        "news:search": Entry(G, none, PUBLIC),
        "news:rss": Entry(G, none, PUBLIC),
        "news:atom": Entry(G, none, PUBLIC),
        "news:category": Entry(G, lambda w: {"-": {"slug": w.category.slug}}, PUBLIC),
        "news:category_rss": Entry(G, lambda w: {"-": {"slug": w.category.slug}}, PUBLIC),
        "news:category_atom": Entry(G, lambda w: {"-": {"slug": w.category.slug}}, PUBLIC),
        "news:manage": Entry(G, none, PUBLIC),
        "news:create": Entry(GP, none, PUBLIC),
        "news:preview_body": Entry(P, none, PUBLIC),
        "news:edit": Entry(GP, DRAFT_ARTICLE, PUBLIC),
        "news:preview": Entry(G, DRAFT_ARTICLE, PUBLIC),
        "news:publish": Entry(P, DRAFT_ARTICLE, PUBLIC),
        "news:withdraw": Entry(P, DRAFT_ARTICLE, PUBLIC),
        "news:history": Entry(G, DRAFT_ARTICLE, PUBLIC),
        "news:detail": Entry(G, ARTICLE_SLUG, PUBLIC),
        "news:print": Entry(G, ARTICLE_SLUG, PUBLIC),
        "news:cover": Entry(G, ARTICLE_SLUG, PUBLIC),
        "news:cover_thumb": Entry(G, ARTICLE_SLUG, PUBLIC),
        "news:attachment": Entry(
            G,
            lambda w: {
                "published": {
                    "slug": w.published.slug,
                    "public_id": w.news_attachment["published"].public_id,
                },
                "draft": {
                    "slug": w.draft_article.slug,
                    "public_id": w.news_attachment["draft"].public_id,
                },
                "mix": {
                    "slug": w.published.slug,
                    "public_id": w.news_attachment["draft"].public_id,
                },
            },
            PUBLIC,
        ),
        # dossiers: citizen area
        "dossiers:submit": Entry(GP, lambda w: {"-": {"code": w.procedure_code}}, PUBLIC),
        "dossiers:citizen_draft_details": Entry(
            GP, sides(lambda w, s: {"public_id": _d(w, s, "draft").public_id}), PUBLIC
        ),
        "dossiers:citizen_draft_documents": Entry(
            GP, sides(lambda w, s: {"public_id": _d(w, s, "draft").public_id}), PUBLIC
        ),
        "dossiers:citizen_draft_remove_attachment": Entry(
            P,
            lambda w: {
                "x": {"public_id": _d(w, "x", "draft").public_id, "pk": _d(w, "x", "draft_att").pk},
                "y": {"public_id": _d(w, "y", "draft").public_id, "pk": _d(w, "y", "draft_att").pk},
                "mix": {
                    "public_id": _d(w, "x", "draft").public_id,
                    "pk": _d(w, "y", "draft_att").pk,
                },
            },
            PUBLIC,
        ),
        "dossiers:citizen_draft_review": Entry(
            GP, sides(lambda w, s: {"public_id": _d(w, s, "draft").public_id}), PUBLIC
        ),
        "dossiers:citizen_draft_delete": Entry(
            P, sides(lambda w, s: {"public_id": _d(w, s, "draft").public_id}), PUBLIC
        ),
        "dossiers:my_dossiers": Entry(G, none, PUBLIC),
        "dossiers:citizen_detail": Entry(
            G, sides(lambda w, s: {"public_id": _d(w, s).public_id}), PUBLIC
        ),
        "dossiers:citizen_submitted": Entry(
            G, sides(lambda w, s: {"public_id": _d(w, s).public_id}), PUBLIC
        ),
        "dossiers:citizen_answer_supplement": Entry(
            P, sides(lambda w, s: {"public_id": _d(w, s, "processing").public_id}), PUBLIC
        ),
        "dossiers:citizen_withdraw": Entry(
            GP, sides(lambda w, s: {"public_id": _d(w, s).public_id}), PUBLIC
        ),
        "dossiers:attachment_download": Entry(
            G,
            lambda w: {
                "x": {"public_id": _d(w, "x").public_id, "pk": _d(w, "x", "att").pk},
                "y": {"public_id": _d(w, "y").public_id, "pk": _d(w, "y", "att").pk},
                "mix": {"public_id": _d(w, "x").public_id, "pk": _d(w, "y", "att").pk},
            },
            PUBLIC,
        ),
        "dossiers:citizen_form_pdf": Entry(
            G,
            sides(lambda w, s: {"public_id": _d(w, s, "processing").public_id, "number": 1}),
            PUBLIC,
        ),
        # dossiers: staff
        "dossiers:queue": Entry(G, none, PUBLIC),
        "dossiers:desk": Entry(GP, none, PUBLIC),
        "dossiers:desk_suggest": Entry(G, none, PUBLIC),
        "dossiers:desk_documents": Entry(G, none, PUBLIC),
        "dossiers:register_export": Entry(P, none, PUBLIC),
        "dossiers:staff_detail": Entry(G, sides(lambda w, s: {"code": _d(w, s).code}), PUBLIC),
        "dossiers:desk_done": Entry(G, sides(lambda w, s: {"code": _d(w, s).code}), PUBLIC),
        "dossiers:staff_action": Entry(
            P, sides(lambda w, s: {"code": _d(w, s).code, "action": "accept"}), PUBLIC
        ),
        "dossiers:staff_attachment": Entry(
            G,
            lambda w: {
                "x": {"code": _d(w, "x").code, "pk": _d(w, "x", "att").pk},
                "y": {"code": _d(w, "y").code, "pk": _d(w, "y", "att").pk},
                "mix": {"code": _d(w, "x").code, "pk": _d(w, "y", "att").pk},
            },
            PUBLIC,
        ),
        "dossiers:form_pdf": Entry(
            G, sides(lambda w, s: {"code": _d(w, s, "processing").code, "number": 1}), PUBLIC
        ),
        "dossiers:track": Entry(GP, none, PUBLIC),
        "dossiers:stats": Entry(G, none, PUBLIC),
        "dossiers:stats_drilldown": Entry(G, none, PUBLIC),
    }
)


# --- who may do what (patterns not listed here are PUBLIC, as given in their entry) ----------
ENTRY_ROLES = ("desk_x", "desk_y", "cchc_x", *HOME)  # paper survey entry, invitation QR
NEWS_ROLES = ("admin", "editor")
X_DOSSIER_STAFF = ("desk_x", "officer_x", "leader_x", "desk_y")  # desk Y: own side only
X_SCORING = ("leader_x", "cchc_x")  # agency X's assessment
NOBODY = rule(others=NF)


def by_variant(**rules: Rule) -> Rule:
    return lambda actor, variant: rules[variant](actor, variant)


HIDDEN = rule(anon=NF, others=NF)  # a draft article, a tampered URL: 404 for everyone
NEWS_DRAFT = rule(anon=NF, ok=NEWS_ROLES, others=NF)

RULES: dict[str, Rule] = {
    "reports:request": SIGNED_IN_ONLY,  # the builder's has_permission decides (tested below)
    # procedures
    "procedures:export": SIGNED_IN_ONLY,  # the public catalogue
    "procedures:import": rule(ok=("admin",)),
    "procedures:import_template": rule(ok=("admin",)),
    "procedures:import_preview": rule(special={("admin", "-"): NF}),  # unknown token
    # surveys
    "surveys:token_qr": rule(ok=ENTRY_ROLES),
    "surveys:rate_dossier": rule(anon=F403),  # needs a signed dossier reference
    "surveys:entry": rule(ok=ENTRY_ROLES),
    "surveys:import": rule(ok=ENTRY_ROLES),
    "surveys:import_template": rule(ok=ENTRY_ROLES),
    **{
        f"surveys:{n}": rule(ok=HOME)
        for n in [
            "builder_list",
            "builder_create",
            "builder_detail",
            "builder_edit",
            "preview",
            "set_status",
            "new_version",
            "section_add",
            "section_edit",
            "question_add",
            "question_edit",
            "option_add",
            "option_edit",
            "item_delete",
            "item_move",
            "link_add",
            "tokens_add",
            "tokens_print",
            "sampling",
            "knowledge_overview",
            "knowledge_results",
        ]
    },
    "surveys:results": rule(ok=(*X_SCORING, *HOME)),  # scoped to the agency inside
    "surveys:knowledge_list": rule(ok=STAFF),
    "surveys:knowledge_start": rule(ok=STAFF),
    "surveys:knowledge_attempt": rule(own=("officer_x", "desk_y"), others=NF),
    "surveys:knowledge_autosave": rule(own=("officer_x", "desk_y"), others=NF),
    # scoring
    **{
        f"scoring:{n}": rule(ok=HOME)
        for n in [
            "set_list",
            "set_create",
            "set_detail",
            "set_update",
            "set_copy",
            "set_open",
            "set_export",
            "set_import",
            "criterion_add",
            "criterion_edit",
            "criterion_move",
            "criterion_delete",
        ]
    },
    "scoring:assessment_list": rule(ok=(*X_SCORING, *HOME)),
    "scoring:assessment_start": NOBODY,  # the set targets departments; X is not one: 404
    **{
        f"scoring:{n}": rule(ok=HOME, own=X_SCORING, others=NF)
        for n in [
            "assessment_detail",
            "transition",
            "appraisal_request_explanation",
            "score_save",
            "appraisal_save",
            "score_answer",
            "evidence_add",
            "evidence_delete",
            "evidence_download",
        ]
    },
    "scoring:metrics_recompute": rule(
        ok=HOME, others=NF, special={("leader_x", "x"): F403, ("cchc_x", "x"): F403}
    ),
    # rankings: unpublished → 404 to the public, the appraisers work on them
    "scoring:public_ranking_year": rule(anon=NF, ok=HOME, others=NF),
    "scoring:public_ranking_agency": rule(anon=NF, ok=HOME, others=NF),
    "scoring:ranking_recompute": rule(ok=HOME, others=NF),
    "scoring:ranking_metrics": rule(ok=HOME, others=NF),
    "scoring:ranking_export": rule(ok=HOME, others=NF),
    # publishing needs every assessment approved: refused (403) for the appraisers here
    "scoring:ranking_publish": rule(others=NF, special={(a, "-"): F403 for a in HOME}),
    # news
    **{
        f"news:{n}": rule(ok=NEWS_ROLES)
        for n in [
            "manage",
            "create",
            "preview_body",
            "edit",
            "preview",
            "publish",
            "withdraw",
            "history",
        ]
    },
    "news:detail": by_variant(published=PUBLIC, draft=HIDDEN),
    "news:print": by_variant(published=PUBLIC, draft=HIDDEN),
    "news:cover": by_variant(published=PUBLIC, draft=NEWS_DRAFT),  # editors preview drafts
    "news:cover_thumb": by_variant(published=PUBLIC, draft=NEWS_DRAFT),
    "news:attachment": by_variant(published=PUBLIC, draft=NEWS_DRAFT, mix=HIDDEN),
    # dossiers: citizen area — the owner only, 404 for everyone else
    "dossiers:submit": SIGNED_IN_ONLY,  # staff are redirected with a message
    "dossiers:my_dossiers": SIGNED_IN_ONLY,
    **{
        f"dossiers:{n}": rule(own=CITIZENS, others=NF)
        for n in [
            "citizen_draft_details",
            "citizen_draft_documents",
            "citizen_draft_remove_attachment",
            "citizen_draft_review",
            "citizen_draft_delete",
            "citizen_detail",
            "citizen_submitted",
            "citizen_answer_supplement",
            "citizen_withdraw",
            "citizen_form_pdf",
        ]
    },
    "dossiers:attachment_download": rule(own=(*CITIZENS, *X_DOSSIER_STAFF), others=NF),
    # dossiers: staff — the agency's desk / officers / leader only
    "dossiers:queue": rule(ok=STAFF),
    "dossiers:desk": rule(ok=DESKS),
    "dossiers:desk_suggest": rule(ok=DESKS),
    "dossiers:desk_documents": rule(special={(d, "-"): NF for d in DESKS}),  # no version given
    "dossiers:register_export": SIGNED_IN_ONLY,  # an empty form: back to the desk (see below)
    **{
        f"dossiers:{n}": rule(own=X_DOSSIER_STAFF, others=NF)
        for n in ["staff_detail", "desk_done", "staff_action", "staff_attachment", "form_pdf"]
    },
    "dossiers:stats": rule(ok=STAFF),
    "dossiers:stats_drilldown": rule(ok=STAFF),
}
for _name, _rule in RULES.items():
    EXPECTATIONS[_name].expect = _rule


# --- the world, once per module -------------------------------------------------------------
@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("matrix-media")
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=str(media),
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            w = build_world()
            w.media_root = str(media)
            yield w
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def as_actor(world, db, settings, _isolated_services):
    settings.MEDIA_ROOT = world.media_root

    def _client(actor: str) -> Client:
        client = Client()
        user = world.users[actor]
        if user is not None:
            client.force_login(user, backend=MODEL_BACKEND)
        return client

    return _client


def classify(response) -> str:
    code = response.status_code
    if code in (301, 302, 303, 307, 308):
        target = urlsplit(response["Location"]).path
        if target.startswith(reverse("account_login")):
            return LOGIN
        return OK
    if code == 400 or 200 <= code < 300:
        return OK
    return str(code)


def _cases():
    out = []
    for route in all_routes():
        if _grouped(route.name, route.route) or route.name not in EXPECTATIONS:
            continue
        entry = EXPECTATIONS[route.name]
        for method in entry.methods:
            for actor in ACTORS:
                out.append(
                    pytest.param(route.name, method, actor, id=f"{route.name}-{method}-{actor}")
                )
    return out


# --- the tests ------------------------------------------------------------------------------
def test_every_url_has_an_expectation():
    missing = sorted(
        {
            f"{r.name or '(unnamed)'} → /{r.route}"
            for r in all_routes()
            if not _grouped(r.name, r.route) and r.name not in EXPECTATIONS
        }
    )
    assert not missing, "URL patterns without an entry in EXPECTATIONS:\n" + "\n".join(missing)
    stale = sorted(set(EXPECTATIONS) - {r.name for r in all_routes()})
    assert not stale, f"EXPECTATIONS for URL names that no longer exist: {stale}"


@pytest.mark.parametrize(("name", "method", "actor"), _cases())
def test_matrix(world, as_actor, name, method, actor):
    entry = EXPECTATIONS[name]
    expect = entry.expect[method] if isinstance(entry.expect, dict) else entry.expect
    client = as_actor(actor)
    failures = []
    for variant, kwargs in entry.kwargs(world).items():
        url = reverse(name, kwargs=kwargs)
        response = client.get(url) if method == "GET" else client.post(url, {})
        got, want = classify(response), expect(actor, variant)
        if os.environ.get("MATRIX_DUMP"):
            with open(os.environ["MATRIX_DUMP"], "a") as fh:
                fh.write(f"{name}\t{method}\t{actor}\t{variant}\t{got}\t{response.status_code}\n")
            continue
        if got != want:
            failures.append(
                f"{method} {url} [{variant}] as {actor}: got {got} "
                f"({response.status_code}), expected {want}"
            )
    assert not failures, "\n".join(failures)


# --- Django admin and allauth: representative checks ----------------------------------------
@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("anon", "admin-login"),
        ("citizen_a", "admin-login"),
        ("desk_x", "admin-login"),
        ("editor", "admin-login"),
        ("admin", OK),
    ],
)
@pytest.mark.parametrize(
    "url_name",
    ["admin:index", "admin:dossiers_dossier_changelist", "admin:accounts_user_changelist"],
)
def test_django_admin_is_for_the_administrator_only(as_actor, actor, expected, url_name):
    response = as_actor(actor).get(reverse(url_name))
    if expected == OK:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert urlsplit(response["Location"]).path == reverse("admin:login")


def test_django_admin_object_of_a_citizen_is_not_reachable_by_staff(world, as_actor):
    url = reverse("admin:accounts_user_change", args=[world.users["citizen_a"].pk])
    response = as_actor("desk_x").get(url)
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("admin:login")
    assert as_actor("admin").get(url).status_code == 200


@pytest.mark.parametrize(
    ("url_name", "anon", "signed_in"),
    [
        ("account_login", OK, OK),
        ("account_signup", OK, OK),
        ("account_reset_password", OK, OK),
        ("account_change_password", LOGIN, OK),
        ("account_email", LOGIN, OK),
        ("mfa_index", LOGIN, OK),
    ],
)
@pytest.mark.parametrize("actor", ["anon", "citizen_a", "desk_x", "appraiser"])
def test_allauth_pages(as_actor, url_name, anon, signed_in, actor):
    got = classify(as_actor(actor).get(reverse(url_name)))
    assert got == (anon if actor == "anon" else signed_in)


# --- tampering with ids in forms (not only in URLs) -----------------------------------------
def test_desk_officer_cannot_log_a_paper_dossier_for_another_desk(world, as_actor):
    from dossiers.models import Dossier

    before = Dossier.objects.filter(receiving_unit=world.y).count()
    data = {
        "receiving_unit": world.y.pk,
        "version": world.version.pk,
        "case": world.case.pk,
        "docs_case": world.case.pk,
        "competent_agency": world.y.pk,
        "channel": 1,
        "applicant_name": "Nguyễn Thị Thử",
        "applicant_id_number": "092188001234",
        "applicant_phone": "0912345678",
        "applicant_address": "Số 2 Hòa Bình",
        "owner_same": "on",
        "summary": "Thử",
        "copies": 1,
        "action": "receive",
    }
    response = as_actor("desk_x").post(reverse("dossiers:desk"), data)
    assert response.status_code in (200, 400)  # the form refuses the unit
    assert Dossier.objects.filter(receiving_unit=world.y).count() == before


@pytest.mark.parametrize("via", ["desk", "reports"])
def test_desk_officer_cannot_export_the_register_of_another_desk(world, as_actor, via):
    from reports.models import ExportJob

    client = as_actor("desk_x")
    data = {"unit": world.y.pk, "date_from": "2025-01-01", "date_to": "2025-12-31"}
    if via == "desk":
        url = reverse("dossiers:register_export")
    else:
        url = reverse("reports:request", kwargs={"kind": "dossiers.register.xlsx"})
    response = client.post(url, data)
    assert response.status_code in (200, 302, 400, 403)
    jobs = ExportJob.objects.filter(requested_by=world.users["desk_x"]).exclude(
        pk=world.jobs["desk_x"].pk
    )
    assert not any(str(job.parameters.get("unit")) == str(world.y.pk) for job in jobs)


def test_citizen_cannot_attach_to_or_submit_the_draft_of_another(world, as_actor):
    from dossiers.models import DossierAttachment

    draft_b = world.d["y"]["draft"]
    before = DossierAttachment.objects.filter(dossier=draft_b).count()
    client = as_actor("citizen_a")
    url = reverse("dossiers:citizen_draft_documents", kwargs={"public_id": draft_b.public_id})
    from tests.dossiers import citizen_helpers

    response = client.post(url, {f"file_{world.doc.pk}": citizen_helpers.pdf()})
    assert response.status_code == 404
    review = reverse("dossiers:citizen_draft_review", kwargs={"public_id": draft_b.public_id})
    assert client.post(review, {"confirm": "on"}).status_code == 404
    draft_b.refresh_from_db()
    assert draft_b.is_draft
    assert DossierAttachment.objects.filter(dossier=draft_b).count() == before


def test_officer_cannot_act_on_a_dossier_of_another_agency_even_with_its_revision(world, as_actor):
    dossier_y = world.d["y"]["processing"]
    url = reverse("dossiers:staff_action", kwargs={"code": dossier_y.code, "action": "finish"})
    response = as_actor("officer_x").post(url, {"revision": dossier_y.revision, "note": "x"})
    assert response.status_code == 404
    dossier_y.refresh_from_db()
    assert dossier_y.status == world.d["y"]["processing"].status
