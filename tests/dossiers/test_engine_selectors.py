"""Selectors: isolation between two agencies and two citizens, queue order, tracking lookup."""

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from accounts.models import Role
from dossiers import selectors
from dossiers.models import Status
from tests.dossiers.factories import DossierAttachmentFactory, DossierFactory
from tests.factories import AgencyFactory, MembershipFactory, UserFactory

from .engine_helpers import fast_hasher  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher")]


@pytest.fixture
def two():
    a, b = AgencyFactory(), AgencyFactory()
    c1, c2 = UserFactory(), UserFactory()
    d1 = DossierFactory(competent_agency=a, applicant_user=c1, status=Status.PROCESSING)
    d2 = DossierFactory(competent_agency=b, applicant_user=c2, status=Status.ACCEPTED)
    draft = DossierFactory(competent_agency=a, applicant_user=c1, draft=True)
    desk_a = MembershipFactory(agency=a, role=Role.DESK_OFFICER).user
    officer_b = MembershipFactory(agency=b, role=Role.PROCESSING_OFFICER).user
    return a, b, c1, c2, d1, d2, draft, desk_a, officer_b


def test_staff_see_only_their_agencies(two):
    _a, _b, _c1, _c2, d1, d2, draft, desk_a, officer_b = two
    assert list(selectors.queue_for(user=desk_a)) == [d1]
    assert list(selectors.queue_for(user=officer_b)) == [d2]
    assert selectors.get_for_staff(user=desk_a, code=d1.code) == d1
    with pytest.raises(Http404):
        selectors.get_for_staff(user=desk_a, code=d2.code)
    with pytest.raises(Http404):
        selectors.get_for_staff(user=officer_b, code=d1.code)
    assert list(selectors.queue_for(user=UserFactory())) == []
    assert draft not in selectors.queue_for(user=desk_a, filters={"include_closed": True})


def test_citizens_see_only_their_own(two):
    _a, _b, c1, c2, d1, d2, draft, _desk_a, _officer_b = two
    assert set(selectors.dossiers_for_citizen(user=c1)) == {d1, draft}
    assert list(selectors.dossiers_for_citizen(user=c2)) == [d2]
    assert selectors.get_for_citizen(user=c1, public_id=d1.public_id) == d1
    for public_id in (d1.public_id, "not-a-uuid"):
        with pytest.raises(Http404):
            selectors.get_for_citizen(user=c2, public_id=public_id)


def test_downloads_are_scoped(two):
    _a, _b, c1, c2, d1, _d2, _draft, desk_a, officer_b = two
    attachment = DossierAttachmentFactory(dossier=d1)
    assert selectors.can_download(user=c1, attachment=attachment)
    assert selectors.can_download(user=desk_a, attachment=attachment)
    assert not selectors.can_download(user=c2, attachment=attachment)
    assert not selectors.can_download(user=officer_b, attachment=attachment)


def test_leader_of_parent_sees_child_units_but_desk_does_not():
    parent = AgencyFactory()
    child = AgencyFactory(parent=parent)
    dossier = DossierFactory(competent_agency=child, status=Status.PROCESSING)
    leader = MembershipFactory(agency=parent, role=Role.AGENCY_LEADER).user
    desk = MembershipFactory(agency=parent, role=Role.DESK_OFFICER).user
    assert list(selectors.queue_for(user=leader)) == [dossier]
    assert list(selectors.queue_for(user=desk)) == []


def test_queue_order_filters_and_constant_queries(django_assert_max_num_queries):
    agency = AgencyFactory()
    officer = MembershipFactory(agency=agency, role=Role.PROCESSING_OFFICER).user
    now = timezone.now()
    later = DossierFactory(competent_agency=agency, status=Status.PROCESSING)
    later.due_at = now + datetime.timedelta(days=4)
    later.save()
    soon = DossierFactory(competent_agency=agency, status=Status.PROCESSING)
    soon.due_at = now + datetime.timedelta(days=1)
    soon.save()
    overdue = DossierFactory(competent_agency=agency, status=Status.ACCEPTED, channel=1)
    overdue.due_at = now - datetime.timedelta(days=1)
    overdue.save()
    returned = DossierFactory(competent_agency=agency, status=Status.RETURNED)
    queue = list(selectors.queue_for(user=officer))
    assert queue == [overdue, soon, later]
    assert queue[0].is_overdue and not queue[1].is_overdue
    assert returned in selectors.queue_for(user=officer, filters={"include_closed": True})
    assert list(selectors.queue_for(user=officer, filters={"channel": 1})) == [overdue]
    assert list(selectors.queue_for(user=officer, filters={"overdue": True})) == [overdue]
    code = soon.procedure_version.procedure.code
    assert list(selectors.queue_for(user=officer, filters={"procedure": code})) == [soon]
    assert list(selectors.queue_for(user=officer, filters={"status": [Status.RETURNED]})) == [
        returned
    ]
    for _ in range(10):
        DossierFactory(competent_agency=agency, status=Status.PROCESSING)
    officer = type(officer).objects.get(pk=officer.pk)  # no cached roles
    with django_assert_max_num_queries(6):
        rows = list(selectors.queue_for(user=officer))
        for row in rows:
            str(row.procedure_version.procedure.code)
            str(row.competent_agency.name), str(row.current_unit), str(row.case)
    assert len(rows) == 13


def test_queue_listing_matches_queue_for_across_the_three_unit_columns(
    django_assert_max_num_queries,
):
    """The queue page lists each dossier once, in queue_for's order, whichever of its three
    units (competent, holding, receiving) is in the user's scope — also when all are."""
    mine, other = AgencyFactory(), AgencyFactory()
    officer = MembershipFactory(agency=mine, role=Role.PROCESSING_OFFICER).user
    now = timezone.now()
    layouts = [  # (competent, current, receiving)
        (mine, mine, mine),
        (mine, other, other),
        (other, mine, other),
        (other, other, mine),
        (other, mine, mine),
        (mine, other, mine),
        (mine, mine, other),
        (other, other, other),  # not mine
    ]
    made = []
    for n, (competent, current, receiving) in enumerate(layouts):
        dossier = DossierFactory(
            competent_agency=competent,
            status=Status.PROCESSING if n % 2 else Status.ACCEPTED,
        )
        dossier.current_unit = current
        dossier.receiving_unit = receiving
        dossier.due_at = now + datetime.timedelta(days=3 - n)  # some overdue
        dossier.save()
        made.append(dossier)
    DossierFactory(competent_agency=mine, status=Status.RETURNED)  # closed: not listed
    expected = list(selectors.queue_for(user=officer))
    assert len(expected) == 7 and made[-1] not in expected
    listing = selectors.queue_listing(user=officer)
    assert listing.count() == 7
    assert list(listing[0:7]) == expected
    assert list(listing[2:4]) == expected[2:4]
    assert [d.is_overdue for d in listing[0:7]] == [d.is_overdue for d in expected]
    # refinements (the page's filter form) apply to every part
    only_accepted = selectors.queue_listing(
        user=officer, refine=lambda qs: qs.filter(status=Status.ACCEPTED)
    )
    assert list(only_accepted[0:10]) == [d for d in expected if d.status == Status.ACCEPTED]
    with django_assert_max_num_queries(8):  # scope (≤ 5), count, page ids, page rows
        listing = selectors.queue_listing(user=type(officer).objects.get(pk=officer.pk))
        listing.count()
        rows = listing[0:25]
        for row in rows:  # what a queue row shows (selectors.QUEUE_COLUMNS)
            str(row.procedure_version.name), str(row.current_unit.name), row.assigned_officer
            row.get_status_display(), row.get_channel_display(), row.applicant_name, row.due_at
    assert selectors.queue_listing(user=UserFactory()).count() == 0
    assert list(selectors.queue_listing(user=UserFactory())[0:25]) == []


def test_tracking_needs_code_and_secret():
    dossier = DossierFactory(applicant_phone="0912 345 678")
    code, secret = dossier.code, dossier.tracking_secret
    assert selectors.find_for_tracking(code=code, secret=secret) == dossier
    assert selectors.find_for_tracking(code=code.lower(), secret=secret.lower()) == dossier
    assert selectors.find_for_tracking(code=code, secret="5678") == dossier
    assert selectors.find_for_tracking(code=code, secret="") is None
    assert selectors.find_for_tracking(code=code, secret="1234") is None
    assert selectors.find_for_tracking(code=code, secret="XXXXXXXX") is None
    assert selectors.find_for_tracking(code="000.00.00.H13-000000-0000", secret=secret) is None


def test_timeline_public_hides_private_events():
    from dossiers.models import DossierEvent

    dossier = DossierFactory()
    DossierEvent.objects.create(dossier=dossier, kind="transition", at=timezone.now(), to_status=1)
    DossierEvent.objects.create(dossier=dossier, kind="assign", at=timezone.now(), public=False)
    assert selectors.timeline(dossier=dossier).count() == 2
    assert [e.kind for e in selectors.timeline(dossier=dossier, public=True)] == ["transition"]


def test_every_slice_of_the_queue_follows_queue_for_across_the_overdue_boundary():
    """Pages are read as overdue-then-the-rest: every slice must equal queue_for's, with past
    due dossiers that are not overdue (paused, finished) among the rest, and equal due moments
    ordered by submission then id."""
    mine, other = AgencyFactory(), AgencyFactory()
    officer = MembershipFactory(agency=mine, role=Role.PROCESSING_OFFICER).user
    now = timezone.now()
    layouts = [(mine, mine, mine), (other, mine, other), (other, other, mine)]
    statuses = [Status.PROCESSING, Status.ACCEPTED, Status.WAITING_SUPPLEMENT, Status.FINISHED]
    for n in range(14):
        competent, current, receiving = layouts[n % 3]
        dossier = DossierFactory(competent_agency=competent, status=statuses[n % 4])
        dossier.current_unit, dossier.receiving_unit = current, receiving
        dossier.due_at = now + datetime.timedelta(hours=(n % 5) - 3)  # some share a moment
        dossier.finished_at = now if dossier.status == Status.FINISHED else None
        dossier.save()
    expected = list(selectors.queue_for(user=officer))
    assert len(expected) == 14
    assert any(d.is_overdue for d in expected) and not all(d.is_overdue for d in expected)
    for start in range(15):
        for stop in range(start, 16):
            listing = selectors.queue_listing(user=officer)
            assert list(listing[start:stop]) == expected[start:stop], (start, stop)
