"""Browser journeys: paper forms keyed in with the keyboard alone, and an anonymous respondent
filling the public link on a phone-sized screen."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from surveys.models import Response

from .factories import LinkFactory, make_survey, staff


def login(context, live_server, user):
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_data_entry_by_keyboard_only(live_server, page):
    survey = make_survey()
    user = staff(Role.DESK_OFFICER)
    login(page.context, live_server, user)
    page.goto(live_server.url + reverse("surveys:entry", kwargs={"public_id": survey.public_id}))
    for serial, scale in (("A-001", "4"), ("A-002", "2")):
        page.wait_for_selector("#id_serial:focus")
        page.keyboard.type(serial)
        page.keyboard.press("Enter")  # to S1
        page.keyboard.press(scale)  # sets S1 and moves to S2
        page.keyboard.type("b")  # S2: single choice, the option value
        page.keyboard.press("Tab")  # to S3
        page.keyboard.type("x,y")
        page.keyboard.press("Control+Enter")  # save and open the next form
        page.wait_for_selector(f"text=Đã lưu phiếu số {serial}.")
    assert "Phiên này đã nhập: 2 phiếu" in page.inner_text("#entry-count")
    responses = Response.objects.filter(survey=survey).order_by("paper_serial")
    assert [r.paper_serial for r in responses] == ["A-001", "A-002"]
    assert [r.answers.get(question__code="S1").value_int for r in responses] == [4, 2]
    assert responses[0].answers.get(question__code="S2").value_text == "b"
    assert responses[0].answers.get(question__code="S3").value_choices == ["x", "y"]
    assert all(r.entered_by == user for r in responses)
    # a scale box refuses a digit outside 1-5: the value stays empty and focus stays
    page.keyboard.type("A-003")
    page.keyboard.press("Enter")
    page.keyboard.press("7")
    assert page.input_value("#q_S1") == ""
    # duplicate serial: a clear message, nothing saved
    page.fill("#id_serial", "A-001")
    page.focus("#q_S1")
    page.keyboard.press("3")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("text=Số phiếu A-001 đã được nhập cho khảo sát này.")
    assert Response.objects.filter(survey=survey).count() == 2


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_anonymous_respondent_on_a_phone(live_server, browser):
    link = LinkFactory(survey=make_survey())
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(live_server.url + reverse("surveys:link", kwargs={"slug": link.slug}))
    # no horizontal scrolling on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # submit with a required answer missing: the error shows next to the question
    page.click("label[for=q_S1-5]")
    page.click("button[name=submit]")
    page.wait_for_selector("#cau-S2 .invalid-feedback")
    assert "Vui lòng trả lời câu hỏi này." in page.inner_text("#cau-S2")
    assert page.is_checked("#q_S1-5")  # nothing lost
    page.click("label[for=q_S2-b]")
    page.click("label[for=q_S3-x]")
    page.select_option("#q_S5_1", "z")
    page.click("button[name=submit]")
    page.wait_for_url("**/cam-on/")
    response = Response.objects.get(survey=link.survey)
    assert response.is_submitted and response.respondent is None
    assert response.answers.get(question__code="S1").value_int == 5
    assert response.answers.get(question__code="S5").value_choices == ["z"]
    context.close()
