"""core.audit.record: one INSERT outside a transaction, a savepoint inside one, never raises."""

import pytest
from django.db import connection, transaction

from audit.models import AccessLog
from core import audit
from tests.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_it_is_one_statement(django_assert_num_queries):
    user = UserFactory()
    with django_assert_num_queries(1):  # no BEGIN / COMMIT around it
        row = audit.record(user, action="dossier.view", detail="x")
    assert AccessLog.objects.get(pk=row.pk).action == "dossier.view"


@pytest.mark.django_db
def test_a_failed_write_inside_a_transaction_leaves_it_usable(monkeypatch):
    user = UserFactory()

    def broken(**fields):  # a database error (on PostgreSQL it aborts the transaction)
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table_for_audit")

    with transaction.atomic():
        monkeypatch.setattr(AccessLog.objects, "create", broken)
        assert audit.record(user, action="dossier.view") is None
        monkeypatch.undo()
        assert audit.record(user, action="dossier.view") is not None  # still usable
    assert AccessLog.objects.filter(action="dossier.view").count() == 1
