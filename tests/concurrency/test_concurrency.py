"""Concurrency on PostgreSQL: threads with their own connections, started together by a barrier.

- 50 simultaneous online submissions to one unit → 50 dossiers, 50 distinct consecutive codes;
- 20 simultaneous submits of one survey token (through the public token page) → one response;
- two officers moving the same dossier at once (same revision) → one succeeds, the other gets
  StaleDossier with its Vietnamese message, and exactly one transition event is written;
- two desk officers accepting the same online dossier at once → one acceptance.
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from dossiers import services, workflow
from dossiers.models import Dossier, DossierEvent, Status
from surveys.models import Answer, Response
from tests.dossiers import citizen_helpers
from tests.dossiers.factories import DossierFactory
from tests.dossiers.staff_helpers import build_world
from tests.factories import MembershipFactory, StaffFactory, UserFactory
from tests.surveys.factories import TokenFactory, make_survey

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

STALE = "Hồ sơ vừa được người khác cập nhật"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run_together(functions) -> list:
    """Run each function in its own thread (own DB connection), all released at once by a
    barrier; return their results (or the exception each raised), in order."""
    barrier = threading.Barrier(len(functions))
    results: list = [None] * len(functions)

    def runner(i, fn):
        try:
            barrier.wait(timeout=30)
            results[i] = fn()
        except BaseException as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, fn)) for i, fn in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung (deadlock?)"
    return results


def test_fifty_simultaneous_online_submissions_get_fifty_consecutive_codes():
    world = citizen_helpers.make_world()
    drafts = []
    for i in range(50):
        user = UserFactory(full_name=f"Người Nộp {i}")
        draft = services.create_draft(user=user, case=world.case, competent_agency=world.agency)
        services.add_attachment(
            dossier=draft,
            user=user,
            file=citizen_helpers.pdf(),
            required_document=world.mandatory,
        )
        drafts.append((draft, user))

    results = run_together(
        [lambda d=d, u=u: services.submit_online(dossier=d, user=u) for d, u in drafts]
    )

    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors[:3]
    codes = sorted(Dossier.objects.filter(status=Status.SUBMITTED).values_list("code", flat=True))
    assert len(codes) == 50
    assert len(set(codes)) == 50
    prefixes = {c.rsplit("-", 1)[0] for c in codes}
    assert len(prefixes) == 1 and prefixes.pop().startswith(world.agency.electronic_id)
    assert [int(c.rsplit("-", 1)[1]) for c in codes] == list(range(1, 51))
    # each submission wrote exactly one event
    assert DossierEvent.objects.filter(dossier__code__in=codes).count() == 50


def test_twenty_simultaneous_posts_of_one_survey_token_make_one_response():
    token = TokenFactory(survey=make_survey())
    url = reverse("surveys:token", kwargs={"token": token.token})
    q1, q2 = (q for q in token.survey.questions.order_by("position")[:2])
    from surveys.forms import field_name

    data = {field_name(q1): "4", field_name(q2): "a", "submit": "1"}
    clients = [Client(REMOTE_ADDR=f"10.0.0.{i + 1}") for i in range(20)]

    results = run_together([lambda c=c: c.post(url, data) for c in clients])

    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors[:3]
    statuses = sorted(r.status_code for r in results)
    done = [r for r in results if r.status_code == 302 and r["Location"] == reverse("surveys:done")]
    assert len(done) == 1, statuses
    assert all(r.status_code in (302, 409) for r in results), statuses
    assert sum(r.status_code == 409 for r in results) == 19, statuses
    assert Response.objects.filter(invitation=token).count() == 1
    assert Answer.objects.filter(response__invitation=token).count() == 2


def _processing(world) -> Dossier:
    return DossierFactory(
        status=Status.PROCESSING,
        case=world.case,
        competent_agency=world.agency,
        receiving_unit=world.desk_unit,
    )


def _events(dossier) -> int:
    return DossierEvent.objects.filter(dossier=dossier).count()


def test_two_officers_finish_the_same_dossier_at_once_one_wins():
    world = build_world()
    second = StaffFactory(full_name="Chuyên Viên Thứ Hai")
    MembershipFactory(user=second, agency=world.agency, role=Role.PROCESSING_OFFICER)
    dossier = _processing(world)
    revision, before = dossier.revision, _events(dossier)

    results = run_together(
        [
            lambda u=u: services.finish(
                dossier=Dossier.objects.get(pk=dossier.pk), by=u, revision=revision
            )
            for u in (world.officer, second)
        ]
    )

    wins = [r for r in results if isinstance(r, Dossier)]
    losses = [r for r in results if isinstance(r, workflow.StaleDossier)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert STALE in str(losses[0])
    dossier.refresh_from_db()
    assert dossier.status == Status.FINISHED
    assert dossier.revision == revision + 1
    assert _events(dossier) == before + 1
    assert DossierEvent.objects.filter(dossier=dossier, to_status=Status.FINISHED).count() == 1


def test_finish_and_supplement_request_at_once_one_wins():
    world = build_world()
    dossier = _processing(world)
    revision, before = dossier.revision, _events(dossier)

    results = run_together(
        [
            lambda: services.finish(
                dossier=Dossier.objects.get(pk=dossier.pk), by=world.officer, revision=revision
            ),
            lambda: services.request_supplement(
                dossier=Dossier.objects.get(pk=dossier.pk),
                by=world.leader,
                items=[{"name": "Giấy chứng sinh (bản sao chứng thực)"}],
                reason="Thiếu giấy chứng sinh",
                revision=revision,
            ),
        ]
    )

    errors = [r for r in results if isinstance(r, BaseException)]
    assert len(errors) == 1 and isinstance(errors[0], workflow.StaleDossier), results
    assert STALE in str(errors[0])
    dossier.refresh_from_db()
    assert dossier.status in (Status.FINISHED, Status.WAITING_SUPPLEMENT)
    assert dossier.revision == revision + 1
    assert _events(dossier) == before + 1


def test_two_desk_officers_accept_the_same_online_dossier_at_once():
    world = citizen_helpers.make_world()
    second_desk = MembershipFactory(agency=world.agency, role=Role.DESK_OFFICER).user
    dossier = citizen_helpers.submitted_dossier(world)
    revision, before = dossier.revision, _events(dossier)

    results = run_together(
        [
            lambda u=u: services.accept(
                dossier=Dossier.objects.get(pk=dossier.pk), by=u, revision=revision
            )
            for u in (world.desk, second_desk)
        ]
    )

    wins = [r for r in results if isinstance(r, Dossier)]
    losses = [r for r in results if isinstance(r, workflow.WorkflowError)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert str(losses[0])  # a Vietnamese message for the loser
    dossier.refresh_from_db()
    assert dossier.status == Status.ACCEPTED
    assert _events(dossier) == before + 1
    assert DossierEvent.objects.filter(dossier=dossier, to_status=Status.ACCEPTED).count() == 1
