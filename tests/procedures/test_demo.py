import datetime

import pytest

from procedures import demo
from procedures.models import Procedure, ProcedureVersion
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_spread_over_levels():
    ward = AgencyFactory(name="UBND phường Ninh Kiều", electronic_id="000.40.01.H13")
    justice = AgencyFactory(name="Sở Tư pháp", electronic_id="000.11.00.H13")
    demo.seed()
    count = Procedure.objects.count()
    assert 28 <= count <= 40
    versions = ProcedureVersion.objects.count()
    history = ProcedureVersion.history.count()
    demo.seed()
    assert (Procedure.objects.count(), ProcedureVersion.objects.count()) == (count, versions)
    assert ProcedureVersion.history.count() == history

    today = ProcedureVersion.objects.in_force_on(datetime.date(2026, 1, 1))
    assert today.filter(at_commune=True).count() > 15
    assert today.filter(at_province=True).count() >= 4
    birth = today.get(procedure__code="1.001193")
    assert birth.cases.get().same_day_cutoff == datetime.time(15, 0)
    assert ward in birth.agencies.all()
    assert today.filter(agencies=justice).exists()
    # the earlier version exists for the past-date view
    old = ProcedureVersion.objects.in_force_on(datetime.date(2024, 6, 1)).get(
        procedure__code="2.000720"
    )
    assert old.at_district and old.status == "amended"
