"""Staff dossier page (issue 7): a constant number of queries, and the same page as before the
speed-ups — the hand-over list, the officer list, the printable forms, the timeline."""

import datetime

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from agencies.models import Agency
from core.widgets import Select
from dossiers import pdf, selectors, workflow
from dossiers.forms.staff import AgencyChoiceField, AssignForm, HandOverForm
from dossiers.models import Apology, DossierEvent, Refusal, Status, SupplementRequest
from tests.dossiers.factories import DossierFactory
from tests.dossiers.staff_helpers import build_world
from tests.factories import AgencyFactory, MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _processing(world, **kwargs):
    return DossierFactory(
        status=Status.PROCESSING,
        receiving_unit=world.desk_unit,
        competent_agency=world.agency,
        case=world.case,
        **kwargs,
    )


def _handoff(world, dossier, **fields):
    """A hand-over event from the desk to the agency, by the officer."""
    return DossierEvent.objects.create(
        dossier=dossier,
        kind=DossierEvent.Kind.HANDOFF,
        at=timezone.now(),
        by=world.officer,
        from_unit=world.desk_unit,
        to_unit=world.agency,
        **fields,
    )


def _page(client, dossier):
    return client.get(reverse("dossiers:staff_detail", args=[dossier.code]))


class _OldHandOverForm(HandOverForm):
    """The hand-over form as it was: every option built by core.widgets.Select per page."""

    to_unit = AgencyChoiceField(queryset=Agency.objects.none())


# user, memberships (the session comes from the cache), dossier, its units, audit (savepoint,
# insert, release: a test runs in a transaction; one INSERT otherwise), attachments, events
# (+ supplement requests if any); no action form is open (the first one asks for input)
PAGE_QUERIES = 9


def test_the_page_runs_a_constant_number_of_queries(client, world, django_assert_num_queries):
    dossier = _processing(world)
    for n in range(30):
        AgencyFactory(name=f"Phòng thử nghiệm {n:03d}")
    client.force_login(world.leader)
    _page(client, dossier)  # the hand-over list is built once per process
    with django_assert_num_queries(PAGE_QUERIES):
        response = _page(client, dossier)
    assert response.status_code == 200
    assert [e["action"] for e in response.context["actions"]] == [
        "supplement",
        "request_payment",
        "finish",
        "hand_over",
        "assign",
        "apologise",
        "stop",
    ]
    # more events, attachments, officers and agencies: no more queries
    for _ in range(5):
        _handoff(world, dossier)
        MembershipFactory(agency=world.agency, role=Role.PROCESSING_OFFICER)
    AgencyFactory(name="Phòng thêm sau")
    _page(client, dossier)
    with django_assert_num_queries(PAGE_QUERIES):
        assert _page(client, dossier).status_code == 200
    SupplementRequest.objects.create(
        dossier=dossier,
        items=[{"name": "Bản sao giấy chứng sinh"}],
        reason="Thiếu giấy tờ",
        requested_by=world.desk,
        requested_at=timezone.now(),
    )
    with django_assert_num_queries(PAGE_QUERIES + 1):
        response = _page(client, dossier)
    assert "Bản sao giấy chứng sinh (Thiếu giấy tờ)" in response.content.decode()
    assert 2 in response.context["forms"]


def test_a_processing_officer_reads_no_parent_agency(client, world):
    dossier = _processing(world)
    client.force_login(world.officer)
    with CaptureQueriesContext(connection) as queries:
        response = _page(client, dossier)
    assert response.status_code == 200
    agency_reads = [q["sql"] for q in queries if 'FROM "agencies_agency"' in q["sql"]]
    assert len(agency_reads) <= 2  # the dossier's units; the hand-over list on the first page


def test_a_leader_of_the_parent_agency_still_acts(client, world):
    division = AgencyFactory(name="Phòng Hộ tịch", parent=world.agency)
    dossier = DossierFactory(
        status=Status.PROCESSING,
        receiving_unit=world.desk_unit,
        competent_agency=division,
        current_unit=division,
        case=world.case,
    )
    client.force_login(world.leader)  # leader of the division's parent
    response = _page(client, dossier)
    assert response.status_code == 200
    assert "stop" in [e["action"] for e in response.context["actions"]]
    assert workflow.may_act(dossier, action="apologise", user=world.leader)
    assert not workflow.may_act(dossier, action="apologise", user=world.officer)


def test_hand_over_list_is_the_same_html_as_core_select(world):
    AgencyFactory(name='Phòng <Thử> & "nháy"')
    AgencyFactory(name="Đã giải thể", valid_to=datetime.date(2021, 1, 1))
    for status, current in (
        (Status.ACCEPTED, world.desk_unit),  # initial: the competent agency
        (Status.FINISHED, world.agency),  # initial: back to the desk
        (Status.PROCESSING, world.agency),  # no initial (already there)
    ):
        dossier = DossierFactory(
            status=status,
            receiving_unit=world.desk_unit,
            competent_agency=world.agency,
            current_unit=current,
            case=world.case,
        )
        new, old = HandOverForm(dossier=dossier), _OldHandOverForm(dossier=dossier)
        assert str(new["to_unit"]) == str(old["to_unit"])
        assert f'value="{current.pk}"' not in str(new["to_unit"])
        assert "Đã giải thể" not in str(new["to_unit"])
        for value in (str(world.other_agency.pk), str(current.pk), "abc", ""):
            data = {"hand_over-revision": "0", "hand_over-to_unit": value}
            bound = HandOverForm(data, dossier=dossier)
            assert str(bound["to_unit"]) == str(_OldHandOverForm(data, dossier=dossier)["to_unit"])
            assert bound.is_valid() == (value == str(world.other_agency.pk))


def test_hand_over_list_follows_agency_changes(world):
    dossier = _processing(world)
    assert "Phòng mới thành lập" not in str(HandOverForm(dossier=dossier)["to_unit"])
    created = AgencyFactory(name="Phòng mới thành lập")
    assert "Phòng mới thành lập" in str(HandOverForm(dossier=dossier)["to_unit"])
    created.name = "Phòng đổi tên"
    created.save()
    html = str(HandOverForm(dossier=dossier)["to_unit"])
    assert "Phòng đổi tên" in html and "Phòng mới thành lập" not in html
    created.valid_to = timezone.localdate() - datetime.timedelta(days=1)
    created.save()
    assert "Phòng đổi tên" not in str(HandOverForm(dossier=dossier)["to_unit"])


def test_hand_over_list_follows_the_day(world, time_machine):
    AgencyFactory(name="Phòng từ mai", valid_from=timezone.localdate() + datetime.timedelta(days=1))
    dossier = _processing(world)
    assert "Phòng từ mai" not in str(HandOverForm(dossier=dossier)["to_unit"])
    time_machine.move_to(timezone.now() + datetime.timedelta(days=1))
    assert "Phòng từ mai" in str(HandOverForm(dossier=dossier)["to_unit"])


def test_officer_list_labels_as_before_without_a_cursor(world):
    nameless = UserFactory(full_name="", email="khongten@example.vn", kind="staff")
    MembershipFactory(user=nameless, agency=world.agency, role=Role.PROCESSING_OFFICER)
    second = StaffFactory(full_name="An Văn Hai")
    MembershipFactory(user=second, agency=world.agency, role=Role.PROCESSING_OFFICER)
    MembershipFactory(user=second, agency=world.agency, role=Role.AGENCY_LEADER)  # listed once
    dossier = _processing(world)
    form = AssignForm(dossier=dossier)
    old = forms.ModelChoiceField(queryset=form.fields["officer"].queryset, widget=Select)
    assert list(form.fields["officer"].choices) == [
        (value if value == "" else value.value, label) for value, label in old.choices
    ]
    assert (nameless.pk, "khongten@example.vn") in form.fields["officer"].choices
    html = str(form["officer"])
    assert html.count(f'value="{second.pk}"') == 1
    bound = AssignForm({"assign-revision": "0", "assign-officer": str(second.pk)}, dossier=dossier)
    assert bound.is_valid() and bound.cleaned_data["officer"] == second


def test_printable_forms_are_the_same_with_or_without_the_annotated_facts(world):
    dossier = _processing(world)
    cases = [[], ["supplement"], ["refusal"], ["apology"], ["supplement", "apology"]]
    for made in cases:
        SupplementRequest.objects.filter(dossier=dossier).delete()
        Refusal.objects.filter(dossier=dossier).delete()
        Apology.objects.filter(dossier=dossier).delete()
        if "supplement" in made:
            SupplementRequest.objects.create(
                dossier=dossier,
                items=[{"name": "Giấy"}],
                reason="Thiếu",
                requested_by=world.desk,
                requested_at=timezone.now(),
            )
        if "refusal" in made:
            Refusal.objects.create(
                dossier=dossier,
                reasons="Không đủ",
                refused_by=world.desk,
                refused_at=timezone.now(),
            )
        if "apology" in made:
            Apology.objects.create(
                dossier=dossier,
                reason="Chậm",
                old_due_at=timezone.now(),
                new_due_at=timezone.now() + datetime.timedelta(days=2),
                responsible_agency=world.agency,
                signed_by=world.leader,
                created_at=timezone.now(),
            )
        plain = selectors.get_for_staff(user=world.leader, code=dossier.code)
        shaped = selectors.get_for_staff(user=world.leader, code=dossier.code, page=True)
        assert pdf.available_forms(shaped) == pdf.available_forms(plain)
        assert (4 in pdf.available_forms(shaped)) == ("apology" in made)


def test_page_dossier_reads_nothing_more_for_the_page(world, django_assert_num_queries):
    dossier = _processing(world, assigned_officer=world.officer)
    with django_assert_num_queries(3):  # memberships, dossier, units
        found = selectors.get_for_staff(user=world.leader, code=dossier.code, page=True)
    with django_assert_num_queries(0):
        assert found.procedure_version.procedure.code and found.procedure_version.name
        assert found.case.name is not None and found.assigned_officer.full_name
        assert {found.competent_agency.name, found.receiving_unit.name, found.current_unit.name}
        assert not found.is_overdue


def test_is_overdue_as_the_queue_says(world):
    now = timezone.now()
    for status, due, overdue in (
        (Status.PROCESSING, now - datetime.timedelta(hours=1), True),
        (Status.PROCESSING, now + datetime.timedelta(hours=1), False),
        (Status.WAITING_SUPPLEMENT, now - datetime.timedelta(hours=1), False),
        (Status.PROCESSING, None, False),
    ):
        dossier = _processing(world)
        dossier.status, dossier.due_at = status, due
        dossier.save()
        queued = selectors.queue_for(user=world.leader).get(pk=dossier.pk)
        assert queued.is_overdue is overdue
        for page in (False, True):
            found = selectors.get_for_staff(user=world.leader, code=dossier.code, page=page)
            assert found.is_overdue is overdue


def test_staff_timeline_reads_names_without_more_queries(world, django_assert_num_queries):
    dossier = _processing(world)
    for _ in range(3):
        _handoff(world, dossier, note="Chuyển")
    with django_assert_num_queries(1):
        events = list(selectors.timeline(dossier=dossier))
        assert {(e.by.full_name, e.from_unit.name, e.to_unit.name) for e in events} == {
            (world.officer.full_name, world.desk_unit.name, world.agency.name)
        }
        assert all(e.from_unit != e.to_unit and e.note == "Chuyển" for e in events)
