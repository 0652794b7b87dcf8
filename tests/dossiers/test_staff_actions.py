"""Staff dossier page: action forms shown by role, the whole carry-through, stale forms and
forbidden moves refused with a message and no change."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dossiers.models import Apology, Dossier, DossierEvent, Refusal, Status, Step
from tests.dossiers.factories import PDF_BYTES, DossierFactory
from tests.dossiers.staff_helpers import at_agency, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def act(client, dossier, action, **data):
    data.setdefault(f"{action}-revision", Dossier.objects.get(pk=dossier.pk).revision)
    return client.post(reverse("dossiers:staff_action", args=[dossier.code, action]), data)


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages]


def test_online_dossier_accepted_from_the_detail_page(client, world):
    dossier = DossierFactory(
        status=Status.SUBMITTED, receiving_unit=world.desk_unit, competent_agency=world.agency
    )
    client.force_login(world.desk)
    page = client.get(reverse("dossiers:staff_detail", args=[dossier.code]))
    assert [e["action"] for e in page.context["actions"]] == [
        "accept",
        "supplement",
        "refuse",
        "spot",
        "withdraw",
    ]
    response = act(client, dossier, "accept")
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.ACCEPTED and dossier.due_at is not None


def test_carry_a_dossier_from_intake_to_return(client, world):
    dossier = DossierFactory(
        status=Status.ACCEPTED, receiving_unit=world.desk_unit, competent_agency=world.agency
    )
    client.force_login(world.desk)
    assert (
        act(client, dossier, "hand_over", **{"hand_over-to_unit": world.agency.pk}).status_code
        == 302
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and dossier.current_unit == world.agency

    client.force_login(world.leader)
    act(client, dossier, "assign", **{"assign-officer": world.officer.pk})
    dossier.refresh_from_db()
    assert dossier.assigned_officer == world.officer

    client.force_login(world.officer)
    page = client.get(reverse("dossiers:staff_detail", args=[dossier.code]))
    assert "finish" in [e["action"] for e in page.context["actions"]]
    result = SimpleUploadedFile("ket-qua.pdf", PDF_BYTES, content_type="application/pdf")
    response = act(
        client,
        dossier,
        "finish",
        **{"finish-result_file": result, "finish-result_title": "Giấy khai sinh"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier.refresh_from_db()
    assert dossier.status == Status.FINISHED and dossier.outcome
    assert dossier.attachments.filter(role="result").count() == 1
    act(client, dossier, "hand_over", **{"hand_over-to_unit": world.desk_unit.pk})
    dossier.refresh_from_db()
    assert dossier.step == Step.RESULT_AT_DESK

    client.force_login(world.desk)
    act(client, dossier, "return_result")
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED and dossier.returned_at
    kinds = list(DossierEvent.objects.filter(dossier=dossier).values_list("kind", flat=True))
    assert kinds.count(DossierEvent.Kind.HANDOFF) == 2
    control = client.get(reverse("dossiers:form_pdf", args=[dossier.code, 5]))
    assert control.status_code == 200 and control["Content-Type"] == "application/pdf"


def test_stale_form_is_refused_and_nothing_changes(client, world):
    dossier = DossierFactory(
        status=Status.SUBMITTED, receiving_unit=world.desk_unit, competent_agency=world.agency
    )
    client.force_login(world.desk)
    stale = dossier.revision
    Dossier.objects.filter(pk=dossier.pk).update(revision=stale + 1)  # someone else moved it
    response = act(client, dossier, "refuse", **{"refuse-revision": stale, "refuse-reasons": "Sai"})
    assert response.status_code == 302
    assert any("vừa được người khác cập nhật" in m for m in messages_of(response))
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert not Refusal.objects.filter(dossier=dossier).exists()


def test_forbidden_move_gives_the_workflow_message(client, world):
    dossier = DossierFactory(
        status=Status.PROCESSING, receiving_unit=world.desk_unit, competent_agency=world.agency
    )
    client.force_login(world.desk)
    page = client.get(reverse("dossiers:staff_detail", args=[dossier.code]))
    assert "finish" not in [e["action"] for e in page.context["actions"]]
    response = act(client, dossier, "finish")
    assert response.status_code == 302
    assert "Bạn không có quyền thực hiện thao tác này với hồ sơ." in messages_of(response)
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and dossier.finished_at is None


def test_invalid_form_keeps_input_and_shows_the_error(client, world):
    dossier = DossierFactory(
        status=Status.PROCESSING, receiving_unit=world.desk_unit, competent_agency=world.agency
    )
    client.force_login(world.officer)
    response = act(client, dossier, "supplement", **{"supplement-extra_items": "Bản sao CCCD"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bản sao CCCD" in html
    assert "This field is required" not in html
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING


def test_leader_apologises_once_with_a_later_date(client, world):
    due = timezone.now() + datetime.timedelta(days=2)
    dossier = DossierFactory(
        status=Status.PROCESSING,
        receiving_unit=world.desk_unit,
        competent_agency=world.agency,
        due_at=due,
    )
    client.force_login(world.officer)
    page = client.get(reverse("dossiers:staff_detail", args=[dossier.code]))
    assert "apologise" not in [e["action"] for e in page.context["actions"]]
    client.force_login(world.leader)
    early = timezone.localtime(due - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    bad = act(
        client,
        dossier,
        "apologise",
        **{"apologise-reason": "Chờ xác minh", "apologise-new_due_at": early},
    )
    assert bad.status_code == 400
    later = timezone.localtime(due + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    ok = act(
        client,
        dossier,
        "apologise",
        **{"apologise-reason": "Chờ xác minh", "apologise-new_due_at": later},
    )
    assert ok.status_code == 302
    assert Apology.objects.filter(dossier=dossier).count() == 1
    page = client.get(reverse("dossiers:staff_detail", args=[dossier.code]))
    assert "apologise" not in [e["action"] for e in page.context["actions"]]
    assert client.get(reverse("dossiers:form_pdf", args=[dossier.code, 4])).status_code == 200


def test_payment_request_and_confirmation(client, world):
    dossier = DossierFactory(
        status=Status.PROCESSING, receiving_unit=world.desk_unit, competent_agency=world.agency
    )
    client.force_login(world.officer)
    act(client, dossier, "request_payment", **{"request_payment-amount": 50000})
    dossier.refresh_from_db()
    assert dossier.status == Status.WAITING_PAYMENT and dossier.fee_amount == 50000
    act(client, dossier, "confirm_payment")
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and dossier.fees_paid


def test_unknown_action_is_404(client, world):
    dossier = DossierFactory(
        status=Status.PROCESSING, receiving_unit=world.desk_unit, competent_agency=world.agency
    )
    client.force_login(world.officer)
    assert act(client, dossier, "explode").status_code == 404


# --- action forms load on demand ----------------------------------------------------------
def _panel(client, dossier, action, *, htmx=True, **params):
    url = reverse("dossiers:staff_action", args=[dossier.code, action])
    headers = {"HX-Request": "true"} if htmx else {}
    return client.get(url, params, headers=headers)


def test_the_page_renders_only_the_open_form_and_links_the_others(client, world):
    dossier = at_agency(world)
    client.force_login(world.leader)
    url = reverse("dossiers:staff_detail", args=[dossier.code])
    html = client.get(url).content.decode()
    assert (
        "<details" in html
        and '<details class="card mb-2 staff-action" id="thao-tac-supplement">' in html
    )
    assert " open>" not in html  # the first form asks for input: it loads when opened
    assert 'name="supplement-reason"' not in html and 'name="hand_over-to_unit"' not in html
    panel = reverse("dossiers:staff_action", args=[dossier.code, "assign"])
    assert f'hx-get="{panel}?rev={dossier.revision}"' in html
    assert 'href="?thao-tac=assign#thao-tac-assign"' in html  # without JavaScript

    html = client.get(url, {"thao-tac": "assign"}).content.decode()
    assert 'name="assign-officer"' in html and "Phạm Văn Chuyên Viên" in html
    assert 'name="supplement-reason"' not in html
    assert '<details class="card mb-2 staff-action" id="thao-tac-assign" open>' in html
    # an action the state does not offer opens nothing, as without the parameter
    html = client.get(url, {"thao-tac": "accept"}).content.decode()
    assert " open>" not in html and 'name="accept-revision"' not in html


def test_a_first_action_that_only_confirms_is_open(client, world):
    dossier = DossierFactory(
        status=Status.SUBMITTED, receiving_unit=world.desk_unit, competent_agency=world.agency
    )
    client.force_login(world.desk)
    html = client.get(reverse("dossiers:staff_detail", args=[dossier.code])).content.decode()
    assert '<details class="card mb-2 staff-action" id="thao-tac-accept" open>' in html
    assert 'name="accept-revision"' in html  # "Tiếp nhận" in one click
    assert 'name="supplement-reason"' not in html


def test_a_panel_loads_its_form_and_the_form_acts(client, world):
    dossier = at_agency(world)
    client.force_login(world.leader)
    response = _panel(client, dossier, "assign", rev=dossier.revision)
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    html = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html and 'name="assign-officer"' in html
    assert f'value="{dossier.revision}"' in html
    assert "<html" not in html  # the form alone
    assert act(client, dossier, "assign", **{"assign-officer": world.officer.pk}).status_code == 302
    dossier.refresh_from_db()
    assert dossier.assigned_officer == world.officer


def test_a_panel_for_a_dossier_that_moved_on_asks_for_a_reload(client, world):
    dossier = at_agency(world)
    client.force_login(world.leader)
    shown = dossier.revision
    act(client, dossier, "assign", **{"assign-officer": world.officer.pk})
    html = _panel(client, dossier, "hand_over", rev=shown).content.decode()
    assert "Hồ sơ vừa được cập nhật sau khi trang này được mở." in html
    assert "<form" not in html
    # an action the state no longer offers
    html = _panel(client, dossier, "accept").content.decode()
    assert "Thao tác này không còn thực hiện được" in html and "<form" not in html


def test_without_javascript_a_panel_link_opens_the_page_with_that_form(client, world):
    dossier = at_agency(world)
    client.force_login(world.leader)
    response = _panel(client, dossier, "assign", htmx=False)
    assert response.status_code == 302
    url = reverse("dossiers:staff_detail", args=[dossier.code])
    assert response["Location"] == f"{url}?thao-tac=assign#thao-tac-assign"


def test_panels_are_scoped_like_the_page(client, world):
    dossier = at_agency(world)
    client.force_login(world.other_officer)
    assert _panel(client, dossier, "assign").status_code == 404
    assert _panel(client, dossier, "no_such_action").status_code == 404
    client.logout()
    assert _panel(client, dossier, "assign").status_code == 302  # to the login page
