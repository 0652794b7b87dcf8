"""Browser journey: an official opens the test list, starts a timed knowledge test, sees the
countdown, answers (autosaved), submits and reads the score."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from surveys.models import TestAttempt as Attempt
from tests.surveys.factories import staff
from tests.surveys.factories_b import TopicFactory, bank_question, knowledge_test


def login(context, live_server, user):
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_official_takes_a_knowledge_test(live_server, page):
    topic = TopicFactory()
    for _i in range(3):
        bank_question(topic)  # option 0 is the correct one
    survey = knowledge_test(
        topics=[topic], draw_count=3, minutes=15, title="Kiểm tra kiến thức CCHC"
    )
    user = staff(Role.PROCESSING_OFFICER)
    login(page.context, live_server, user)

    page.goto(live_server.url + reverse("surveys:knowledge_list"))
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    page.wait_for_selector("#test-form")
    countdown = page.locator("#countdown")
    page.wait_for_function("document.getElementById('countdown').textContent.includes(':')")
    assert countdown.inner_text().startswith("14:") or countdown.inner_text() == "15:00"

    attempt = Attempt.objects.get(user=user)
    fieldsets = page.locator("fieldset.test-question")
    assert fieldsets.count() == 3
    # the first answer is autosaved on change (htmx)
    fieldsets.nth(0).get_by_label("Phương án 0").check()
    page.wait_for_selector(f"#saved-{attempt.question_ids[0]}:has-text('Đã lưu')")
    assert attempt.answers.count() == 1
    fieldsets.nth(1).get_by_label("Phương án 0").check()
    fieldsets.nth(2).get_by_label("Phương án 1").check()  # wrong
    page.get_by_role("button", name="Nộp bài").click()
    page.wait_for_selector("#attempt-result")
    assert page.locator("#attempt-score").inner_text() == "2/3"
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED and attempt.correct_count == 2

    # once per person: the list shows the test as done, no start button
    page.goto(live_server.url + reverse("surveys:knowledge_list"))
    assert page.get_by_role("button", name="Bắt đầu làm bài").count() == 0
    assert survey.title in page.content()
