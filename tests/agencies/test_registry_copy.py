"""agencies.selectors.by_ids: the registry kept by the process per agencies generation."""

import pytest
from django.db import transaction

from agencies import selectors
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db(transaction=True)  # the copy is never kept in a transaction


def test_agencies_by_id_without_a_query_until_the_registry_changes(django_assert_num_queries):
    first, second = AgencyFactory(name="Sở Tư pháp"), AgencyFactory(name="Sở Y tế")
    selectors.by_ids([first.pk])  # the process's copy is built
    with django_assert_num_queries(0):
        found = selectors.by_ids([first.pk, second.pk, None])
    assert {pk: a.name for pk, a in found.items()} == {first.pk: "Sở Tư pháp", second.pk: "Sở Y tế"}
    first.name = "Sở Tư pháp thành phố"
    first.save()  # replaces the agencies generation: the copy is rebuilt
    assert selectors.by_ids([first.pk])[first.pk].name == "Sở Tư pháp thành phố"
    assert selectors.by_ids([]) == {}


def test_inside_a_transaction_agencies_are_read_afresh(django_assert_num_queries):
    agency = AgencyFactory(name="Sở Xây dựng")
    selectors.by_ids([agency.pk])
    with transaction.atomic(), django_assert_num_queries(1):
        assert selectors.by_ids([agency.pk])[agency.pk].name == "Sở Xây dựng"
