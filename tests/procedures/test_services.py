"""Applying imports: versions, closing dates, idempotence, history, all-or-nothing."""

import datetime

import pytest

from procedures import services
from procedures.models import (
    AnnouncementDecision,
    AnnouncementItem,
    Procedure,
    ProcedureCase,
    ProcedureVersion,
)
from tests.factories import AgencyFactory, StaffFactory

from .helpers import make_xlsx, row

D1 = datetime.date(2026, 1, 1)
D2 = datetime.date(2026, 3, 15)

pytestmark = pytest.mark.django_db


def test_new_then_same_file_changes_nothing(run_import):
    data = make_xlsx(
        [row(), row("2.000720", name="Đăng ký thay đổi hộ kinh doanh", field="Hộ kinh doanh")]
    )
    plan = run_import(data, decision_date=D1)
    assert plan.summary_line == "new=2 amended=0 unchanged=0 abolished=0 invalid=0"
    counts = (ProcedureVersion.objects.count(), ProcedureCase.objects.count())
    history = ProcedureVersion.history.count()
    plan = run_import(data, decision_date=D2)
    assert plan.summary_line == "new=0 amended=0 unchanged=2 abolished=0 invalid=0"
    assert (ProcedureVersion.objects.count(), ProcedureCase.objects.count()) == counts
    assert ProcedureVersion.history.count() == history


def test_amended_row_creates_version_and_closes_old_the_day_before(run_import):
    run_import(make_xlsx([row()]), decision_date=D1)
    plan = run_import(
        make_xlsx([row(time="05 ngày làm việc", action="Sửa đổi, bổ sung", decision="99/QĐ-UBND")]),
        decision_date=D2,
    )
    assert plan.counts["amended"] == 1
    (item,) = plan.items
    assert ("Thời hạn giải quyết", "7 Ngày làm việc", "5 Ngày làm việc") in [
        (label.split(" — ")[-1], old, new) for label, old, new in item.diff
    ]
    old, new = ProcedureVersion.objects.order_by("number")
    assert (old.number, old.valid_from, old.valid_to, old.status) == (
        1,
        D1,
        D2 - datetime.timedelta(days=1),
        "amended",
    )
    assert (new.number, new.valid_from, new.valid_to, new.status) == (2, D2, None, "active")
    assert old.replaced_by == new
    assert new.announcement.number == "99/QĐ-UBND"
    assert AnnouncementItem.objects.get(version=new).action == "amended"
    # valid_to is inclusive: the old version still answers for its last day
    in_force = ProcedureVersion.objects.in_force_on
    assert in_force(D2 - datetime.timedelta(days=1)).get() == old
    assert in_force(D2).get() == new
    assert not in_force(D1 - datetime.timedelta(days=1)).exists()


def test_replaced_status(run_import):
    run_import(make_xlsx([row()]), decision_date=D1)
    run_import(
        make_xlsx([row(name="Đăng ký khai sinh (mới)", action="Thay thế")]), decision_date=D2
    )
    old = ProcedureVersion.objects.get(number=1)
    assert old.status == "replaced"


def test_abolished_closes_and_is_idempotent(run_import):
    run_import(make_xlsx([row()]), decision_date=D1)
    abolish = make_xlsx([row(action="Bãi bỏ", decision="7/QĐ-UBND ngày 15/03/2026")])
    plan = run_import(abolish, decision_date=D2)
    assert plan.counts["abolished"] == 1
    version = ProcedureVersion.objects.get()
    assert (version.valid_to, version.status) == (datetime.date(2026, 3, 14), "abolished")
    assert AnnouncementDecision.objects.get().date == datetime.date(2026, 3, 15)
    assert run_import(abolish, decision_date=D2).counts["unchanged"] == 1
    assert Procedure.objects.count() == 1  # nothing is deleted


def test_abolishing_unknown_code_is_invalid(run_import):
    plan = run_import(make_xlsx([row(action="Bãi bỏ")]), decision_date=D2, skip_invalid=True)
    assert plan.counts["invalid"] == 1 and "bãi bỏ" in plan.errors[0].message


def test_reimport_after_abolition_starts_a_new_version(run_import):
    run_import(make_xlsx([row()]), decision_date=D1)
    run_import(make_xlsx([row(action="Bãi bỏ")]), decision_date=D2)
    plan = run_import(make_xlsx([row()]), decision_date=datetime.date(2026, 6, 1))
    assert plan.counts["new"] == 1
    assert list(ProcedureVersion.objects.order_by("number").values_list("number", "status")) == [
        (1, "abolished"),
        (2, "active"),
    ]


def test_decision_date_before_current_version_is_refused(run_import):
    run_import(make_xlsx([row()]), decision_date=D2)
    with pytest.raises(services.ImportRejected) as exc:
        run_import(make_xlsx([row(time="3") | {"Đơn vị thời gian": "Ngày"}]), decision_date=D1)
    assert "trước ngày hiệu lực" in exc.value.plan.errors[0].message
    assert ProcedureVersion.objects.count() == 1


def test_invalid_rows_block_everything_unless_skipped(run_import):
    data = make_xlsx([row("1.000001"), row("1.000002", time="abc")])
    with pytest.raises(services.ImportRejected):
        run_import(data, decision_date=D1)
    assert not Procedure.objects.exists()
    plan = run_import(data, decision_date=D1, skip_invalid=True)
    assert plan.summary_line == "new=1 amended=0 unchanged=0 abolished=0 invalid=1"
    assert list(Procedure.objects.values_list("code", flat=True)) == ["1.000001"]


def test_history_records_who_and_why(run_import):
    admin = StaffFactory()
    run_import(make_xlsx([row()]), decision_date=D1, user=admin)
    run_import(make_xlsx([row(time="3 ngày làm việc")]), decision_date=D2, user=admin)
    latest = ProcedureVersion.history.filter(number=1).order_by("-history_date").first()
    assert latest.history_user == admin
    assert latest.history_type == "~" and latest.valid_to == D2 - datetime.timedelta(days=1)
    assert ProcedureCase.history.filter(history_user=admin).count() == 2


def test_agencies_matched_by_name_and_search_text(run_import):
    agency = AgencyFactory(name="UBND phường Ninh Kiều")
    run_import(
        make_xlsx([row(agency="Ủy ban nhân dân cấp xã;\nUBND phường Ninh Kiều")]), decision_date=D1
    )
    version = ProcedureVersion.objects.get()
    assert list(version.agencies.all()) == [agency]
    assert version.search_text.startswith("1.001193 dang ky khai sinh ho tich")
    assert "ninh kieu" in version.search_text


def test_case_added_or_removed_is_an_amendment(run_import):
    run_import(make_xlsx([row(case="Trực tiếp")]), decision_date=D1)
    plan = run_import(make_xlsx([row(case="Trực tiếp"), row(case="Trực tuyến")]), decision_date=D2)
    assert plan.counts["amended"] == 1
    assert ("Trực tuyến", "", "(trường hợp mới)") in plan.items[0].diff


def test_dry_run_writes_nothing(db):
    import io

    from procedures import importer

    parsed = importer.read_workbook(io.BytesIO(make_xlsx([row()])))
    plan = services.apply_import(parsed=parsed, decision_date=D1, dry_run=True)
    assert plan.counts["new"] == 1 and not plan.applied
    assert not Procedure.objects.exists()
