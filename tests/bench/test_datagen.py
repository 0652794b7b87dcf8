"""The benchmark generator's guards (the generation itself is exercised by `bench_data`)."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import StaffMembership
from bench import datagen
from bench.copyutil import Table
from dossiers.models import Dossier
from tests.factories import AgencyFactory


@pytest.mark.django_db
def test_refuses_anything_but_postgresql():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite-only check")
    with pytest.raises(RuntimeError, match="PostgreSQL"):
        datagen.check_database()
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("bench_data", "--dossiers", "10")


@pytest.mark.postgres
@pytest.mark.django_db
def test_refuses_a_database_holding_other_data():
    AgencyFactory()
    with pytest.raises(CommandError, match="agencies_agency"):
        call_command("bench_data", "--dossiers", "10")


def test_table_fills_defaults_and_names_a_missing_required_column():
    given = ["id", "code", "procedure_version_id", "case_id", "channel"]
    given += ["receiving_unit_id", "competent_agency_id", "current_unit_id"]
    table = Table(Dossier, given)
    assert table.columns[: len(given)] == given
    assert "public_id" in [column for column, _ in table.per_row]  # uuid4 per row
    assert "status" in table.columns  # default taken from the model
    with pytest.raises(ValueError, match="user_id"):
        Table(StaffMembership, ["id", "agency_id", "role"])
