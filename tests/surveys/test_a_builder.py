"""The builder pages: permissions, editing, htmx reorder, preview, freeze and new version."""

import pytest
from django.urls import reverse

from accounts.models import Role
from surveys.models import Question, Response, Survey, SurveyStatus
from tests.factories import UserFactory

from .factories import make_survey, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def appraiser():
    return staff(Role.APPRAISER)


def test_builder_permissions(client):
    survey = make_survey()
    urls = [
        reverse("surveys:builder_list"),
        reverse("surveys:builder_create"),
        reverse("surveys:builder_detail", kwargs={"public_id": survey.public_id}),
        reverse("surveys:preview", kwargs={"public_id": survey.public_id}),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: to login
    for user in (UserFactory(), staff(Role.DESK_OFFICER), staff(Role.CCHC_OFFICER)):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 403, url
    for role in (Role.APPRAISER, Role.ADMINISTRATOR):
        client.force_login(staff(role))
        for url in urls:
            assert client.get(url).status_code == 200, url


def test_create_survey_and_build_it(client, appraiser):
    client.force_login(appraiser)
    resp = client.post(
        reverse("surveys:builder_create"),
        {
            "kind": "sipas",
            "title": "Khảo sát quý IV",
            "anonymous": "on",
            "draw_mode": "random",
            "period_start": "2026-10-01",
            "period_end": "2026-12-31",
        },
    )
    survey = Survey.objects.get(title="Khảo sát quý IV")
    assert resp.status_code == 302
    assert survey.created_by == appraiser and survey.status == SurveyStatus.DRAFT
    pid = survey.public_id
    client.post(reverse("surveys:section_add", kwargs={"public_id": pid}), {"title": "Phần 1"})
    section = survey.sections.get()
    resp = client.post(
        reverse("surveys:question_add", kwargs={"public_id": pid, "section_pk": section.pk}),
        {
            "code": "Q1",
            "type": "single",
            "text": "Bạn đến từ đâu?",
            "required": "on",
            "purpose": "respondent",
        },
    )
    question = Question.objects.get(survey=survey, code="Q1")
    assert resp["Location"] == reverse(
        "surveys:question_edit", kwargs={"public_id": pid, "pk": question.pk}
    )
    for value, label in (("1", "Thành thị"), ("2", "Nông thôn")):
        client.post(
            reverse("surveys:option_add", kwargs={"public_id": pid, "pk": question.pk}),
            {"value": value, "label": label},
        )
    assert list(question.options.values_list("label", flat=True)) == ["Thành thị", "Nông thôn"]
    # a duplicate code is refused next to the field, what was typed is kept
    resp = client.post(
        reverse("surveys:question_add", kwargs={"public_id": pid, "section_pk": section.pk}),
        {"code": "Q1", "type": "yes_no", "text": "Câu trùng mã", "purpose": "other"},
    )
    assert "Mã câu hỏi này đã có trong khảo sát." in resp.content.decode()
    assert "Câu trùng mã" in resp.content.decode()
    # preview shows it as a respondent sees it
    body = client.get(reverse("surveys:preview", kwargs={"public_id": pid})).content.decode()
    assert "Bạn đến từ đâu?" in body and "Nông thôn" in body
    # open
    client.post(reverse("surveys:set_status", kwargs={"public_id": pid}), {"action": "open"})
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN


def test_reorder_with_htmx_returns_the_structure(client, appraiser):
    survey = make_survey()
    client.force_login(appraiser)
    s1 = survey.questions.get(code="S1")
    url = reverse(
        "surveys:item_move",
        kwargs={
            "public_id": survey.public_id,
            "kind": "question",
            "pk": s1.pk,
            "direction": "down",
        },
    )
    resp = client.post(url, HTTP_HX_REQUEST="true")
    assert resp.status_code == 200
    body = resp.content.decode()
    assert 'id="survey-structure"' in body
    assert body.index("<strong>S2</strong>") < body.index("<strong>S1</strong>")


def test_frozen_survey_refuses_edits_in_the_builder(client, appraiser):
    survey = make_survey()
    Response.objects.create(survey=survey)
    client.force_login(appraiser)
    section = survey.sections.get()
    resp = client.post(
        reverse(
            "surveys:question_add", kwargs={"public_id": survey.public_id, "section_pk": section.pk}
        ),
        {"code": "NEW", "type": "yes_no", "text": "Câu mới", "purpose": "other"},
        follow=True,
    )
    assert "không thể sửa câu hỏi" in resp.content.decode()
    assert not Question.objects.filter(code="NEW").exists()
    s1 = survey.questions.get(code="S1")
    client.post(
        reverse(
            "surveys:item_delete",
            kwargs={"public_id": survey.public_id, "kind": "question", "pk": s1.pk},
        )
    )
    assert Question.objects.filter(pk=s1.pk).exists()
    detail = client.get(reverse("surveys:builder_detail", kwargs={"public_id": survey.public_id}))
    assert "Tạo phiên bản mới" in detail.content.decode()
    resp = client.post(reverse("surveys:new_version", kwargs={"public_id": survey.public_id}))
    copy = Survey.objects.get(previous_version=survey)
    assert resp["Location"] == reverse(
        "surveys:builder_detail", kwargs={"public_id": copy.public_id}
    )
    assert copy.questions.count() == survey.questions.count()


def test_tokens_and_links_from_the_builder(client, appraiser):
    survey = make_survey()
    client.force_login(appraiser)
    pid = survey.public_id
    resp = client.post(reverse("surveys:tokens_add", kwargs={"public_id": pid}), {"count": 3})
    assert survey.tokens.count() == 3
    body = client.get(resp["Location"]).content.decode()
    assert body.count("<svg") == 3
    client.post(reverse("surveys:link_add", kwargs={"public_id": pid}), {"label": "Chung"})
    assert survey.links.count() == 1


def test_builder_list_constant_queries(client, appraiser, django_assert_max_num_queries):
    client.force_login(appraiser)
    for _ in range(3):
        make_survey()
    with django_assert_max_num_queries(12) as ctx:
        client.get(reverse("surveys:builder_list"))
    few = len(ctx.captured_queries)
    for _ in range(6):
        make_survey()
    with django_assert_max_num_queries(few):
        client.get(reverse("surveys:builder_list"))
