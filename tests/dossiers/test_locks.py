"""services._lock: the row locked inside a transaction, with exactly the relations asked for."""

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from dossiers import services
from dossiers.models import Dossier
from tests.dossiers.citizen_helpers import make_world, submitted_dossier

pytestmark = pytest.mark.django_db


def test_a_lock_joins_what_it_names_and_nothing_when_given_none():
    world = make_world()
    dossier = submitted_dossier(world)
    with transaction.atomic():
        with CaptureQueriesContext(connection) as bare:
            plain = services._lock(dossier, related=())
        with CaptureQueriesContext(connection) as joined:
            full = services._lock(dossier)
    assert "JOIN" not in bare[0]["sql"] and plain.pk == dossier.pk
    assert joined[0]["sql"].count("JOIN") == 4
    with CaptureQueriesContext(connection) as after:
        assert full.receiving_unit.name == world.agency.name
        assert full.case.pk == world.case.pk
    assert len(after) == 0
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in bare[0]["sql"]


@pytest.mark.django_db(transaction=True)
def test_a_lock_needs_a_transaction_and_an_existing_row():
    world = make_world()
    dossier = submitted_dossier(world)
    with pytest.raises(TransactionManagementError):
        services._lock(dossier)
    gone = Dossier(pk=dossier.pk + 1000)
    with transaction.atomic(), pytest.raises(Dossier.DoesNotExist):
        services._lock(gone)
