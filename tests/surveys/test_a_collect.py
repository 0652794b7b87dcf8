"""Collection by token and by public link: validation, save and resume, single use, honeypot,
rate limits."""

import pytest
from django.urls import reverse

from surveys import services
from surveys.models import Answer, InvitationToken, Response, ResponseStatus, SurveyStatus

from .factories import LinkFactory, TokenFactory, make_survey

pytestmark = pytest.mark.django_db

VALID = {"q_S1": "4", "q_S2": "b", "q_S3": ["x", "z"], "q_S4": "3", "q_S5_1": "z", "q_S5_2": "x"}


@pytest.fixture
def token():
    return TokenFactory(survey=make_survey())


def _url(token):
    return reverse("surveys:token", kwargs={"token": token.token})


def test_token_page_shows_the_questions(client, token):
    resp = client.get(_url(token))
    assert resp.status_code == 200
    assert "Nơi tiếp nhận sạch sẽ" in resp.content.decode()
    assert 'name="website"' in resp.content.decode()  # honeypot present


def test_unknown_token(client):
    resp = client.get(reverse("surveys:token", kwargs={"token": "khong-co"}))
    assert resp.status_code == 404
    assert "Mã khảo sát không hợp lệ" in resp.content.decode()


def test_missing_required_and_out_of_scale_show_errors_and_save_nothing(client, token):
    data = {**VALID, "q_S1": "7", "q_S2": "", "q_S4": "12", "submit": "1"}
    resp = client.post(_url(token), data)
    assert resp.status_code == 400
    body = resp.content.decode()
    assert "Câu trả lời phải nằm trong thang đo từ 1 đến 5." in body
    assert "Vui lòng trả lời câu hỏi này." in body
    assert "Giá trị phải từ 0 đến 10." in body
    assert 'value="x" checked' in body  # what was typed is kept
    assert Response.objects.count() == 0
    assert Answer.objects.count() == 0


def test_unknown_option_and_too_many_choices_are_refused(client, token):
    resp = client.post(_url(token), {**VALID, "q_S2": "zzz", "submit": "1"})
    assert "Phương án đã chọn không có trong câu hỏi này." in resp.content.decode()
    resp = client.post(_url(token), {**VALID, "q_S3": ["x", "y", "z"], "submit": "1"})
    assert "Chỉ được chọn tối đa 2 phương án." in resp.content.decode()
    resp = client.post(_url(token), {**VALID, "q_S5_1": "x", "q_S5_2": "x", "submit": "1"})
    assert "Mỗi phương án chỉ được xếp hạng một lần." in resp.content.decode()
    assert Response.objects.count() == 0


def test_save_then_resume_then_submit_then_reuse_refused(client, token):
    # save part of the answers (required ones may be missing while saving)
    resp = client.post(_url(token), {"q_S1": "2", "save": "1"})
    assert resp.status_code == 302
    response = Response.objects.get()
    assert response.status == ResponseStatus.IN_PROGRESS
    # coming back shows the saved answer
    body = client.get(_url(token)).content.decode()
    assert 'value="2" checked' in body
    # submit the rest
    resp = client.post(_url(token), {**VALID, "submit": "1"})
    assert resp.status_code == 302
    assert resp["Location"] == reverse("surveys:done")
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED
    assert response.invitation == token
    answers = {a.question.code: a for a in response.answers.select_related("question")}
    assert answers["S1"].value_int == 4
    assert answers["S2"].value_text == "b"
    assert answers["S3"].value_choices == ["x", "z"]
    assert answers["S4"].value_int == 3
    assert answers["S5"].value_choices == ["z", "x"]
    token.refresh_from_db()
    assert token.used_at is not None
    # the token cannot be used again
    for method in (client.get, client.post):
        resp = method(_url(token), {**VALID, "submit": "1"} if method == client.post else None)
        assert resp.status_code == 409
        assert "Phiếu khảo sát này đã được sử dụng" in resp.content.decode()
    assert Response.objects.count() == 1
    assert Answer.objects.filter(question__code="S1").get().value_int == 4


def test_submitted_response_is_immutable_in_services(token):
    response = services.respond_with_token(
        token=token.token, values={"S1": "5", "S2": "a"}, submit=True
    )
    with pytest.raises(services.AlreadySubmitted):
        services.save_response(response=response, values={"S1": "1", "S2": "a"}, submit=False)
    with pytest.raises(services.TokenUsed):
        services.respond_with_token(token=token.token, values={"S1": "1", "S2": "a"}, submit=True)
    assert response.answers.get(question__code="S1").value_int == 5


def test_closed_survey_refuses_answers(client, token):
    token.survey.status = SurveyStatus.CLOSED
    token.survey.save()
    resp = client.post(_url(token), {**VALID, "submit": "1"})
    assert resp.status_code == 403
    assert Response.objects.count() == 0


def test_create_invitation_is_one_per_dossier():
    survey = make_survey()
    a = services.create_invitation(survey=survey, dossier_code="ABC-1")
    b = services.create_invitation(survey=survey, dossier_code="ABC-1")
    c = services.create_invitation(survey=survey)
    assert a.pk == b.pk != c.pk
    assert InvitationToken.objects.count() == 2


# --- public link ------------------------------------------------------------------------------
@pytest.fixture
def link():
    return LinkFactory(survey=make_survey())


def _link_url(link):
    return reverse("surveys:link", kwargs={"slug": link.slug})


def test_link_submit_counts_one_response(client, link):
    resp = client.post(_link_url(link), {**VALID, "submit": "1"})
    assert resp.status_code == 302
    response = Response.objects.get()
    assert response.is_submitted and response.link == link and response.respondent is None


def test_link_honeypot_discards_silently(client, link):
    resp = client.post(_link_url(link), {**VALID, "website": "http://spam", "submit": "1"})
    assert resp.status_code == 302
    assert resp["Location"] == reverse("surveys:done")
    assert Response.objects.count() == 0


def test_link_save_and_resume_with_signed_cookie(client, link):
    client.post(_link_url(link), {"q_S1": "3", "save": "1"})
    response = Response.objects.get()
    assert not response.is_submitted
    body = client.get(_link_url(link)).content.decode()
    assert 'value="3" checked' in body
    client.post(_link_url(link), {**VALID, "submit": "1"})
    assert Response.objects.count() == 1  # the same response was completed
    response.refresh_from_db()
    assert response.is_submitted
    # the cookie is cleared: a new visit starts a blank form
    assert 'value="4" checked' not in client.get(_link_url(link)).content.decode()


def test_link_forged_cookie_is_ignored(client, link):
    client.cookies[f"khs_r{link.survey.pk}"] = "forged"
    client.post(_link_url(link), {"q_S1": "3", "save": "1"})
    assert Response.objects.count() == 1


def test_link_rate_limit_per_device_and_per_ip(client, link, settings):
    settings.SURVEYS_LINK_DEVICE_LIMIT = 2
    settings.SURVEYS_LINK_IP_LIMIT = 3
    client.get(_link_url(link))  # gets the device cookie
    for _ in range(2):
        assert client.post(_link_url(link), {**VALID, "submit": "1"}).status_code == 302
    resp = client.post(_link_url(link), {**VALID, "submit": "1"})
    assert resp.status_code == 429
    assert "Bạn đã gửi quá nhiều lần" in resp.content.decode()
    assert Response.objects.filter(status="submitted").count() == 2
    # a fresh device from the same IP: the IP limit (3) is now used up as well
    client.cookies.clear()
    from django.test import Client

    other = Client()
    assert other.post(_link_url(link), {**VALID, "submit": "1"}).status_code == 429
    assert Response.objects.filter(status="submitted").count() == 2
