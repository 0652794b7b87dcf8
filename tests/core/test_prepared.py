"""core.prepared: a query compiled once gives the same instances as the ORM, call after call."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.prepared import Prepared
from dossiers import selectors, services
from dossiers.models import Dossier, Status
from tests.dossiers.citizen_helpers import make_world, submitted_dossier

pytestmark = pytest.mark.django_db

FIELDS = [f.attname for f in Dossier._meta.concrete_fields]


def by_owner():
    return Prepared(
        lambda user_id, public_id, now: (
            selectors._with_overdue(
                Dossier.objects.filter(applicant_user_id=user_id, public_id=public_id), now
            )
            .select_related("procedure_version__procedure", "case")
            .defer("procedure_version__raw")
            .order_by()[:1]
        ),
        user_id=Dossier._meta.get_field("applicant_user"),
        public_id=Dossier._meta.get_field("public_id"),
        now=Dossier._meta.get_field("due_at"),
    )


def orm(user_id, public_id, now):
    return list(
        selectors._with_overdue(
            Dossier.objects.filter(applicant_user_id=user_id, public_id=public_id), now
        )
        .select_related("procedure_version__procedure", "case")
        .defer("procedure_version__raw")
        .order_by()[:1]
    )


def test_rows_relations_and_annotations_match_the_orm_call_after_call():
    world = make_world()
    first = submitted_dossier(world)
    draft = services.create_draft(
        user=world.citizen, case=world.case, competent_agency=world.agency
    )
    query = by_owner()
    now = timezone.now()
    for dossier in (first, draft, first):
        (got,) = query.run(user_id=world.citizen.pk, public_id=dossier.public_id, now=now)
        (want,) = orm(world.citizen.pk, dossier.public_id, now)
        assert [getattr(got, f) for f in FIELDS] == [getattr(want, f) for f in FIELDS]
        assert got.is_overdue is want.is_overdue is False
        assert got.due_at == want.due_at and (got.due_at is None or got.due_at.tzinfo)
        with CaptureQueriesContext(connection) as queries:  # relations came with the row
            assert got.case.name == want.case.name
            assert got.procedure_version.procedure.code == want.procedure_version.procedure.code
        assert len(queries) == 0
        assert "raw" in got.procedure_version.get_deferred_fields()
    assert query.run(user_id=world.desk.pk, public_id=first.public_id, now=now) == []


def test_the_annotation_follows_the_value_given():
    world = make_world()
    dossier = submitted_dossier(world)
    Dossier.objects.filter(pk=dossier.pk).update(due_at=timezone.now(), status=Status.PROCESSING)
    later = timezone.now() + timezone.timedelta(days=1)
    earlier = timezone.now() - timezone.timedelta(days=1)
    query = by_owner()
    (late,) = query.run(user_id=world.citizen.pk, public_id=dossier.public_id, now=later)
    (early,) = query.run(user_id=world.citizen.pk, public_id=dossier.public_id, now=earlier)
    assert late.is_overdue is True and early.is_overdue is False


def test_one_sql_statement_per_call_with_the_values_in_place():
    world = make_world()
    dossier = submitted_dossier(world)
    query = by_owner()
    query.run(user_id=world.citizen.pk, public_id=dossier.public_id, now=timezone.now())
    with CaptureQueriesContext(connection) as queries:
        query.run(user_id=world.citizen.pk, public_id=dossier.public_id, now=timezone.now())
    assert len(queries) == 1
    assert dossier.public_id.hex in queries[0]["sql"].replace("-", "")


def test_a_parameter_missing_from_the_query_is_refused():
    query = Prepared(
        lambda user_id, code: Dossier.objects.filter(applicant_user_id=user_id)[:1],
        user_id=Dossier._meta.get_field("applicant_user"),
        code=Dossier._meta.get_field("code"),
    )
    with pytest.raises(ImproperlyConfigured, match="code"):
        query.run(user_id=1, code="X")
    with pytest.raises(TypeError):
        by_owner().run(user_id=1)
