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


def _register_data(world, date_from, date_to):
    builder = get_builder("dossiers.register.xlsx")
    params = builder.clean_params(
        {"unit": world.desk_unit.pk, "date_from": date_from, "date_to": date_to}
    )
    out = io.BytesIO()
    builder.build(params=params, out=out, progress=lambda p: None, user=world.desk)
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    return sheet, [r for r in sheet.iter_rows(min_row=5) if r[0].value is not None]


def test_register_columns_notes_and_formats():
    world = build_world()
    common = {"receiving_unit": world.desk_unit, "competent_agency": world.agency}
    late = DossierFactory(
        status=Status.RETURNED,
        at=at(2),
        outcome="late",
        owner_name="Công ty TNHH Hòa Bình",
        **common,
    )
    on_spot = DossierFactory(status=Status.RETURNED, at=at(3), resolved_on_spot=True, **common)
    DossierEvent.objects.create(  # a hand-off between two other units is not the desk's
        dossier=on_spot,
        kind=DossierEvent.Kind.HANDOFF,
        at=at(3, 11),
        from_unit=world.agency,
        to_unit=world.other_agency,
    )
    no_outcome = DossierFactory(
        status=Status.RETURNED,
        at=at(4),
        outcome="",
        applicant_name='=HYPERLINK("http://x.example","bấm")',
        applicant_address="",
        applicant_phone="0900000000",
        **common,
    )
    received = DossierFactory(
        status=Status.ACCEPTED, at=at(5), applicant_address="Số 2", applicant_phone="", **common
    )

    sheet, rows = _register_data(world, "2026-03-01", "2026-03-10")
    values = [[c.value for c in row] for row in rows]
    assert [v[0] for v in values] == [1, 2, 3, 4]
    assert [v[1] for v in values] == [late.code, on_spot.code, no_outcome.code, received.code]
    assert values[0][4] == "Công ty TNHH Hòa Bình"  # the owner before the applicant
    assert values[0][5] == f"{late.applicant_address}, {late.applicant_phone}"
    assert [v[5] for v in values[2:]] == ["0900000000", "Số 2"]
    assert [v[13] for v in values] == [
        "Quá hạn",
        "Giải quyết ngay",
        None,
        str(Status.ACCEPTED.label),
    ]
    # resolved on the spot: the result came back when it was finished
    assert values[1][9] is None
    assert values[1][10] == timezone.make_naive(on_spot.finished_at)
    assert values[0][10] is None and values[0][11] == timezone.make_naive(late.returned_at)
    assert all(v[12] is None for v in values)  # Ký nhận: signed on paper
    # what a citizen typed is text, never a formula
    assert values[2][4] == '=HYPERLINK("http://x.example","bấm")'
    assert rows[2][4].data_type == "s"
    assert [c.number_format for c in rows[0][:2]] == ["#,##0", "@"]
    assert {c.number_format for c in rows[0][7:9]} == {"dd/mm/yyyy hh:mm"}
    assert sheet["A1"].value == "SỔ THEO DÕI HỒ SƠ" and sheet["A1"].font.bold
    assert sheet["A4"].font.bold and sheet.freeze_panes == "A5"
