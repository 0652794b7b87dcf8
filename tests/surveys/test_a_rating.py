"""Post-dossier rating: only returned dossiers, once per dossier, computed indicators stored."""

import pytest
from django.urls import reverse

from dossiers.models import Status
from surveys import demo, services
from surveys.models import Response
from tests.dossiers.factories import DossierFactory

pytestmark = pytest.mark.django_db

ANSWERS = {"q_DG4": "2", "q_DG6": "1", "q_DG7": "khong", "q_DG10": "3", "q_DG11": "2"}


@pytest.fixture
def rating_survey():
    demo.seed()
    return services.rating_survey()


def _params(dossier, secret=None):
    return {"ma": dossier.code, "k": secret or dossier.tracking_secret}


def test_lookup_form_and_wrong_secret(client, rating_survey):
    url = reverse("surveys:rate_dossier")
    assert "Mã tra cứu" in client.get(url).content.decode()
    dossier = DossierFactory(status=Status.RETURNED)
    resp = client.get(url, _params(dossier, secret="SAI00000"))
    assert resp.status_code == 404
    assert "Không tìm thấy hồ sơ hoặc mã tra cứu không đúng." in resp.content.decode()


def test_rate_returned_dossier_once(client, rating_survey):
    dossier = DossierFactory(status=Status.RETURNED)
    url = reverse("surveys:rate_dossier")
    page = client.get(url, _params(dossier))
    assert page.status_code == 200
    assert dossier.code in page.content.decode()
    # missing answers: errors, nothing stored
    resp = client.post(url, {**_params(dossier), "submit": "1", "q_DG4": "2"})
    assert resp.status_code == 400
    assert "Vui lòng trả lời câu hỏi này." in resp.content.decode()
    assert Response.objects.count() == 0
    resp = client.post(url, {**_params(dossier), **ANSWERS, "submit": "1"})
    assert resp.status_code == 302
    response = Response.objects.get()
    assert response.survey == rating_survey
    assert response.dossier_code == dossier.code
    assert response.dossier_public_id == dossier.public_id
    assert response.agency == dossier.competent_agency
    assert response.is_submitted
    assert response.computed["time_total"] == 2  # the factory's dossier was early
    assert response.computed["supplement_requests"] == 0
    assert response.computed["contacts"] == 2
    assert response.answers.get(question__code="DG11").value_text == "2"
    # a second rating of the same dossier is refused
    resp = client.get(url, _params(dossier))
    assert resp.status_code == 409
    assert "Hồ sơ này đã được đánh giá." in resp.content.decode()
    with pytest.raises(services.AlreadyRated):
        services.rate_dossier(dossier=dossier, values={"DG4": "2"})
    assert Response.objects.count() == 1


@pytest.mark.parametrize("status", [Status.PROCESSING, Status.FINISHED, Status.REFUSED])
def test_not_returned_dossier_cannot_be_rated(client, rating_survey, status):
    dossier = DossierFactory(status=status)
    resp = client.post(
        reverse("surveys:rate_dossier"), {**_params(dossier), **ANSWERS, "submit": "1"}
    )
    assert resp.status_code == 409
    assert "Chỉ có thể đánh giá hồ sơ đã trả kết quả." in resp.content.decode()
    assert Response.objects.count() == 0


def test_link_from_the_tracking_page_with_phone_digits(client, rating_survey):
    dossier = DossierFactory(status=Status.RETURNED, applicant_phone="0912345678")
    resp = client.get(reverse("surveys:rate_dossier") + f"?ma={dossier.code}&k=5678")
    assert resp.status_code == 200
    assert "DG10" in resp.content.decode()
