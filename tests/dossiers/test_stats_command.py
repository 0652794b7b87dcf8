import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from dossiers.management.commands.dossier_stats import Command
from dossiers.models import Channel, Outcome, Status
from tests.dossiers.factories import DossierFactory, ProcedureCaseFactory
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def at(month, day):
    return timezone.make_aware(datetime.datetime(2026, month, day, 9))


@pytest.fixture
def agencies():
    parent = AgencyFactory(electronic_id="000.11.00.H13", name="Sở Tư pháp")
    child = AgencyFactory(electronic_id="000.11.01.H13", name="Phòng Hộ tịch", parent=parent)
    case = ProcedureCaseFactory()
    DossierFactory(
        competent_agency=parent,
        case=case,
        status=Status.RETURNED,
        channel=Channel.ONLINE,
        at=at(1, 5),
        finished_at=at(1, 6),
        returned_at=at(1, 7),
        closed_at=at(1, 7),
        outcome=Outcome.LATE,
    )
    DossierFactory(
        competent_agency=child,
        case=case,
        status=Status.PROCESSING,
        channel=Channel.IN_PERSON,
        at=at(2, 1),
        due_at=at(4, 1),
    )
    return parent, child


def run(*args) -> dict:
    out = io.StringIO()
    call_command("dossier_stats", *args, stdout=out)
    return json.loads(out.getvalue())


def test_prints_the_figures_as_json(agencies):
    data = run("--agency", "000.11.00.H13", "--from", "2025-12-15", "--to", "2026-03-14")
    assert list(data)[:5] == ["agency", "agency_name", "from", "to", "include_children"]
    assert data["agency_name"] == "Sở Tư pháp"
    assert (data["received"], data["received_online"], data["received_in_person"]) == (2, 1, 1)
    assert (data["resolved"], data["resolved_late"], data["in_progress"]) == (1, 1, 1)
    assert data["on_time_rate"] == 0.0 and data["online_rate"] == 50.0
    own = run("--agency", "000.11.00.H13", "--from", "2025-12-15", "--to", "2026-03-14",
              "--no-children")  # fmt: skip
    assert own["include_children"] is False
    assert (own["received"], own["in_progress"]) == (1, 0)


def test_output_is_utf8_not_escaped(agencies):
    out = io.StringIO()
    call_command("dossier_stats", "--agency", "000.11.00.H13", "--from", "2026-01-01",
                 "--to", "2026-01-31", stdout=out)  # fmt: skip
    assert "Sở Tư pháp" in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-01-01", "--to", "2026-01-31"], "Thiếu mã định danh"),
        (["--agency", "999.99.99.H99", "--from", "2026-01-01", "--to", "2026-01-31"],
         "Không tìm thấy cơ quan"),
        (["--agency", "000.11.00.H13", "--from", "01/01/2026", "--to", "2026-01-31"],
         "không hợp lệ"),
        (["--agency", "000.11.00.H13", "--to", "2026-01-31"], "Thiếu ngày bắt đầu"),
        (["--agency", "000.11.00.H13", "--from", "2026-02-01", "--to", "2026-01-31"],
         "Ngày kết thúc phải sau"),
    ],
)  # fmt: skip
def test_bad_input_is_a_vietnamese_error_with_code_2(agencies, args, message):
    with pytest.raises(CommandError) as error:
        call_command("dossier_stats", *args)
    assert error.value.returncode == 2
    assert message in str(error.value)


def test_shell_exit_code_and_single_line(agencies, capsys):
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(
            ["manage.py", "dossier_stats", "--agency", "nope", "--from", "2026-01-01",
             "--to", "2026-01-02"]
        )  # fmt: skip
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0
    assert err.startswith("Không tìm thấy cơ quan")
