"""Mẫu 06 register (XLSX through the report engine): the right rows for a date range."""

import datetime
import io

import openpyxl
import pytest
from django.utils import timezone

from dossiers.models import DossierEvent, Status
from reports.registry import get_builder
from tests.dossiers.factories import DossierFactory
from tests.dossiers.staff_helpers import build_world
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def at(day, hour=9):
    return timezone.make_aware(datetime.datetime(2026, 3, day, hour, 0))


def test_register_rows_for_a_date_range():
    world = build_world()
    first = DossierFactory(
        status=Status.RETURNED,
        at=at(2),
        receiving_unit=world.desk_unit,
        competent_agency=world.agency,
        applicant_name="Nguyễn Văn An",
    )
    DossierEvent.objects.create(
        dossier=first,
        kind=DossierEvent.Kind.HANDOFF,
        at=at(2, 10),
        from_unit=world.desk_unit,
        to_unit=world.agency,
    )
    DossierEvent.objects.create(
        dossier=first,
        kind=DossierEvent.Kind.HANDOFF,
        at=at(4, 15),
        from_unit=world.agency,
        to_unit=world.desk_unit,
    )
    second = DossierFactory(
        status=Status.PROCESSING,
        at=at(5),
        receiving_unit=world.desk_unit,
        competent_agency=world.agency,
        applicant_name="Trần Thị Bích",
    )
    DossierFactory(status=Status.ACCEPTED, at=at(20), receiving_unit=world.desk_unit)  # after
    DossierFactory(status=Status.ACCEPTED, at=at(3), receiving_unit=world.other_agency)  # elsewhere
    DossierFactory(
        status=Status.SUBMITTED, at=at(3), receiving_unit=world.desk_unit
    )  # not received

    builder = get_builder("dossiers.register.xlsx")
    params = builder.clean_params(
        {"unit": world.desk_unit.pk, "date_from": "2026-03-01", "date_to": "2026-03-10"}
    )
    assert builder.has_permission(world.desk, params)
    assert not builder.has_permission(world.other_officer, params)
    assert not builder.has_permission(StaffFactory(), params)
    out = io.BytesIO()
    name = builder.build(params=params, out=out, progress=lambda p: None, user=world.desk)
    assert name.endswith("-20260301-20260310.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[3]
    assert header[1] == "Mã hồ sơ" and header[9] == "Ngày chuyển hồ sơ đến cơ quan giải quyết"
    data = [r for r in rows[4:] if r and r[0] is not None]
    assert [r[1] for r in data] == [first.code, second.code]
    assert [r[4] for r in data] == ["Nguyễn Văn An", "Trần Thị Bích"]
    assert data[0][6] == "Sở Tư pháp"
    assert data[0][7] == datetime.datetime(2026, 3, 2, 9, 0)
    assert data[0][9] == datetime.datetime(2026, 3, 2, 10, 0)  # sent to the competent agency
    assert data[0][10] == datetime.datetime(2026, 3, 4, 15, 0)  # result back at the desk
    assert data[0][11] is not None and data[1][11] is None
    assert data[1][13] == "Đang xử lý"
