"""Model constraints of the surveys app and the services behind the builder."""

import pytest
from django.db import IntegrityError, transaction

from surveys import services
from surveys.models import Question, Response, ResponseStatus, SurveyStatus

from .factories import SurveyFactory, TokenFactory, make_survey

pytestmark = pytest.mark.django_db


def test_one_token_gives_at_most_one_response_in_the_database():
    token = TokenFactory()
    Response.objects.create(survey=token.survey, invitation=token)
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(survey=token.survey, invitation=token)
    assert Response.objects.filter(invitation=token).count() == 1


def test_paper_serial_unique_per_survey_when_set():
    survey = SurveyFactory()
    other = SurveyFactory()
    Response.objects.create(survey=survey, paper_serial="0001")
    Response.objects.create(survey=other, paper_serial="0001")  # another survey: fine
    Response.objects.create(survey=survey)  # no serial: many allowed
    Response.objects.create(survey=survey)
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(survey=survey, paper_serial="0001")


def test_dossier_code_once_per_survey():
    survey = SurveyFactory()
    Response.objects.create(survey=survey, dossier_code="H13.1-261128-0001")
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(survey=survey, dossier_code="H13.1-261128-0001")


def test_submitted_response_needs_a_submission_time():
    survey = SurveyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(survey=survey, status=ResponseStatus.SUBMITTED)


def test_survey_freezes_once_a_response_exists_and_services_refuse_edits():
    survey = make_survey()
    section = survey.sections.get()
    question = survey.questions.get(code="S1")
    services.add_question(section=section, by=None, code="S9", type="yes_no", text="Mới?")
    Response.objects.create(survey=survey)
    assert survey.is_frozen
    with pytest.raises(services.SurveyFrozen):
        services.add_question(section=section, by=None, code="S10", type="yes_no", text="x")
    with pytest.raises(services.SurveyFrozen):
        services.update_object(obj=question, survey=survey, by=None, text="Đổi nội dung")
    with pytest.raises(services.SurveyFrozen):
        services.delete_object(obj=question, survey=survey, by=None)
    with pytest.raises(services.SurveyFrozen):
        services.move(obj=question, survey=survey, direction="down", by=None)
    with pytest.raises(services.SurveyFrozen):
        services.update_survey(survey=survey, by=None, kind="officials_perception")
    question.refresh_from_db()
    assert question.text == "Nơi tiếp nhận sạch sẽ"
    assert not survey.questions.filter(code="S10").exists()
    # metadata (title) may still change
    services.update_survey(survey=survey, by=None, title="Tên mới")
    survey.refresh_from_db()
    assert survey.title == "Tên mới"


def test_new_version_copies_the_whole_structure_into_a_draft():
    survey = make_survey()
    Response.objects.create(survey=survey)
    copy = services.new_version(survey=survey, by=None)
    assert copy.pk != survey.pk
    assert copy.status == SurveyStatus.DRAFT
    assert copy.previous_version == survey
    assert copy.version == survey.version + 1
    assert not copy.is_frozen
    original = [
        (q.code, q.type, q.section.title, [o.value for o in q.options.all()])
        for q in services.questions_of(survey)
    ]
    copied = [
        (q.code, q.type, q.section.title, [o.value for o in q.options.all()])
        for q in services.questions_of(copy)
    ]
    assert copied == original
    assert Question.objects.filter(survey=survey).count() == 5  # source untouched
    assert copy.events.filter(kind="new_version").exists()


def test_move_swaps_neighbours():
    survey = make_survey()
    s1 = survey.questions.get(code="S1")
    services.move(obj=s1, survey=survey, direction="down", by=None)
    assert [q.code for q in services.questions_of(survey)][:2] == ["S2", "S1"]
    services.move(obj=s1, survey=survey, direction="up", by=None)
    services.move(obj=s1, survey=survey, direction="up", by=None)  # already first: no-op
    assert [q.code for q in services.questions_of(survey)][:2] == ["S1", "S2"]


def test_open_needs_questions_and_records_events():
    empty = SurveyFactory(status=SurveyStatus.DRAFT)
    with pytest.raises(services.SurveyError):
        services.open_survey(survey=empty, by=None)
    survey = make_survey(status=SurveyStatus.DRAFT)
    services.open_survey(survey=survey, by=None)
    services.close_survey(survey=survey, by=None)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.CLOSED
    assert list(survey.events.values_list("kind", flat=True)) == ["opened", "closed"]
