"""Reminder digests, overdue flags and applicant emails (after commit, once per event)."""

import pytest
import time_machine
from django.core import mail

from accounts.models import Role
from dossiers import services, tasks
from dossiers.models import DossierEvent, Status
from tests.dossiers.factories import DossierFactory
from tests.factories import AgencyFactory, MembershipFactory

from .engine_helpers import fast_hasher, local  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher")]

NOW = local(2026, 3, 17, 10, 0)  # a Tuesday morning


def _dossier(agency, due, status=Status.PROCESSING):
    return DossierFactory(
        competent_agency=agency, status=status, at=local(2026, 3, 10, 9), due_at=due
    )


@time_machine.travel(NOW, tick=False)
def test_reminders_flag_overdue_once_and_send_one_digest_per_officer():
    a, b = AgencyFactory(), AgencyFactory()
    officer = MembershipFactory(agency=a, role=Role.PROCESSING_OFFICER).user
    leader = MembershipFactory(agency=a, role=Role.AGENCY_LEADER).user
    MembershipFactory(agency=a, role=Role.DESK_OFFICER)  # desk officers get no digest
    MembershipFactory(agency=a, role=Role.AGENCY_LEADER, user=officer)  # two roles, one email
    officer_b = MembershipFactory(agency=b, role=Role.PROCESSING_OFFICER).user
    overdue = _dossier(a, local(2026, 3, 16, 17, 0))
    soon = _dossier(a, local(2026, 3, 18, 9, 0))  # within one working day
    far = _dossier(a, local(2026, 3, 25, 9, 0))
    finished = _dossier(a, local(2026, 3, 16, 9, 0), status=Status.FINISHED)
    overdue_b = _dossier(b, local(2026, 3, 17, 9, 0))

    result = tasks.send_due_reminders()
    assert result == {"flagged": 2, "emails": 3}
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([officer.email, leader.email, officer_b.email])
    body = next(m.body for m in mail.outbox if m.to == [officer.email])
    assert overdue.code in body and soon.code in body
    assert far.code not in body and finished.code not in body and overdue_b.code not in body
    for d in (overdue, overdue_b):
        d.refresh_from_db()
        assert d.overdue_flagged_at == NOW
    far.refresh_from_db()
    assert far.overdue_flagged_at is None

    mail.outbox.clear()
    assert tasks.send_due_reminders()["flagged"] == 0
    assert DossierEvent.objects.filter(kind=DossierEvent.Kind.OVERDUE).count() == 2
    assert len(mail.outbox) == 3  # still reminded, never flagged twice


def test_notify_applicant_runs_after_commit_and_once(django_capture_on_commit_callbacks):
    agency = AgencyFactory()
    desk = MembershipFactory(agency=agency, role=Role.DESK_OFFICER).user
    dossier = DossierFactory(competent_agency=agency, applicant_email="dan@example.vn")
    with django_capture_on_commit_callbacks() as callbacks:
        services.accept(dossier=dossier, by=desk)
    # the e-mail waits for the commit (with the queue refresh: dossiers.queue_cache)
    sends = [c for c in callbacks if "enqueue" in c.__qualname__]
    assert mail.outbox == [] and len(sends) == 1
    sends[0]()
    assert [m.to for m in mail.outbox] == [["dan@example.vn"]]
    assert dossier.code in mail.outbox[0].body
    assert mail.outbox[0].alternatives  # an HTML part too
    event = dossier.events.get(to_status=Status.ACCEPTED)
    assert tasks.notify_applicant(dossier.pk, event.pk) is False  # a second run sends nothing
    assert len(mail.outbox) == 1


def test_no_email_for_internal_moves(django_capture_on_commit_callbacks):
    agency = AgencyFactory()
    desk = MembershipFactory(agency=agency, role=Role.DESK_OFFICER).user
    dossier = DossierFactory(competent_agency=agency, status=Status.ACCEPTED)
    with django_capture_on_commit_callbacks(execute=True):
        services.hand_over(dossier=dossier, by=desk, to_unit=AgencyFactory(parent=agency))
    assert mail.outbox == []
