"""Queue: scoping per agency, overdue first, filters, badges, constant query count; 404s."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from dossiers.models import Channel, Status
from tests.dossiers.factories import DossierAttachmentFactory, DossierFactory
from tests.dossiers.staff_helpers import build_world

pytestmark = pytest.mark.django_db
QUEUE = reverse("dossiers:queue")


@pytest.fixture
def world():
    return build_world()


def _processing(world, agency=None, **kwargs):
    return DossierFactory(
        status=Status.PROCESSING,
        receiving_unit=world.desk_unit,
        competent_agency=agency or world.agency,
        **kwargs,
    )


def test_queue_orders_overdue_first_then_by_due_moment(client, world):
    now = timezone.now()
    later = _processing(world, due_at=now + datetime.timedelta(days=9))
    sooner = _processing(world, due_at=now + datetime.timedelta(days=3))
    overdue = _processing(world, due_at=now - datetime.timedelta(days=1))
    client.force_login(world.officer)
    response = client.get(QUEUE)
    codes = [d.code for d in response.context["dossiers"]]
    assert codes == [overdue.code, sooner.code, later.code]
    html = response.content.decode()
    assert "Quá hạn" in html


def test_due_within_one_working_day_gets_a_badge(client, world):
    soon = _processing(world, due_at=timezone.now() + datetime.timedelta(hours=2))
    client.force_login(world.officer)
    response = client.get(QUEUE)
    (row,) = response.context["dossiers"]
    assert row.pk == soon.pk and row.badge == "due_soon"
    assert "Đến hạn trong 1 ngày làm việc" in response.content.decode()


def test_agency_x_never_sees_agency_y(client, world):
    mine = _processing(world)
    theirs = _processing(world, agency=world.other_agency)
    theirs.receiving_unit = world.other_agency
    theirs.current_unit = world.other_agency
    theirs.save()
    attachment = DossierAttachmentFactory(dossier=theirs)
    client.force_login(world.officer)
    codes = [d.code for d in client.get(QUEUE).context["dossiers"]]
    assert codes == [mine.code]
    assert client.get(reverse("dossiers:staff_detail", args=[theirs.code])).status_code == 404
    assert client.get(reverse("dossiers:form_pdf", args=[theirs.code, 5])).status_code == 404
    download = reverse("dossiers:staff_attachment", args=[theirs.code, attachment.pk])
    assert client.get(download).status_code == 404
    # and the other officer sees theirs, can download it, but never mine
    client.force_login(world.other_officer)
    assert [d.code for d in client.get(QUEUE).context["dossiers"]] == [theirs.code]
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(reverse("dossiers:staff_detail", args=[mine.code])).status_code == 404


def test_queue_needs_a_staff_role(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(QUEUE).status_code == 403


def test_filters(client, world):
    online = _processing(world, channel=Channel.ONLINE)
    paper = _processing(world, channel=Channel.IN_PERSON)
    waiting = DossierFactory(
        status=Status.WAITING_SUPPLEMENT,
        receiving_unit=world.desk_unit,
        competent_agency=world.agency,
    )
    client.force_login(world.officer)

    def codes(**params):
        return {d.code for d in client.get(QUEUE, params).context["dossiers"]}

    assert codes(channel=1) == {paper.code}
    assert codes(status=5) == {waiting.code}
    assert codes(q="DANG KY KHAI SINH THU") == {online.code, paper.code, waiting.code}
    assert codes(q="xay dung") == set()
    assert codes(q=paper.code) == {paper.code}
    today = timezone.localdate().isoformat()
    assert codes(received_from=today, received_to=today) == {online.code, paper.code, waiting.code}
    assert codes(received_to="2020-01-01") == set()


def test_queue_runs_a_constant_number_of_queries(client, world, django_assert_max_num_queries):
    client.force_login(world.officer)
    for _ in range(3):
        _processing(world)
    client.get(QUEUE)  # warm caches (sessions, roles)
    with django_assert_max_num_queries(12) as few:
        client.get(QUEUE)
    for _ in range(20):
        _processing(world, assigned_officer=world.officer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(QUEUE)
    assert (
        len(response.context["dossiers"]) == 23
        or response.context["page_obj"].paginator.count == 23
    )


def test_citizen_downloads_own_receipt_only(client, world):
    from tests.factories import UserFactory

    owner = UserFactory()
    dossier = DossierFactory(
        status=Status.ACCEPTED,
        applicant_user=owner,
        receiving_unit=world.desk_unit,
        competent_agency=world.agency,
    )
    url = reverse("dossiers:citizen_form_pdf", args=[dossier.public_id, 1])
    client.force_login(owner)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert io.BytesIO(response.content).read(4) == b"%PDF"
    assert (
        client.get(reverse("dossiers:citizen_form_pdf", args=[dossier.public_id, 5])).status_code
        == 404
    )
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
