import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.factories import AgencyFactory

from .factories import OfficeHoursFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("start", "amount", "unit", "expected"),
    [
        ("2026-02-13 16:30", "5", "working_days", "2026-02-27T16:30:00+07:00"),
        ("2026-03-02 10:00", "4", "working_hours", "2026-03-02T16:00:00+07:00"),
        ("2026-03-02 17:30", "1", "working_days", "2026-03-03T17:00:00+07:00"),
        ("2026-04-24 09:00", "2", "calendar_days", "2026-04-28T17:00:00+07:00"),
    ],
)
def test_due_prints_only_the_iso_moment(capsys, start, amount, unit, expected):
    call_command("worktime", "due", "--start", start, "--amount", amount, "--unit", unit)
    assert capsys.readouterr().out == expected + "\n"


def test_due_with_agency_uses_its_office_hours(capsys):
    import datetime

    agency = AgencyFactory(electronic_id="000.77.00.H13")
    OfficeHoursFactory(
        agency=agency,
        morning_start=datetime.time(7, 30),
        morning_end=datetime.time(11, 30),
        afternoon_start=datetime.time(13, 0),
        afternoon_end=datetime.time(17, 0),
    )
    call_command(
        "worktime", "due", "--start", "2026-03-02 07:00", "--amount", "1",
        "--unit", "working_hours", "--agency", "000.77.00.H13",
    )  # fmt: skip
    assert capsys.readouterr().out.strip() == "2026-03-02T08:30:00+07:00"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--start", "2026-13-02 10:00", "--amount", "1", "--unit", "working_days"], "Thời điểm"),
        (["--start", "hôm nay", "--amount", "1", "--unit", "working_days"], "Thời điểm"),
        (["--start", "2026-03-02 10:00", "--amount", "-1", "--unit", "working_days"], "âm"),
        (["--start", "2026-03-02 10:00", "--amount", "abc", "--unit", "working_days"], "Số lượng"),
        (["--start", "2026-03-02 10:00", "--amount", "NaN", "--unit", "working_days"], "Số lượng"),
        (["--start", "2026-03-02 10:00", "--amount", "1", "--unit", "weeks"], "Đơn vị"),
        (["--start", "2026-03-02 10:00", "--amount", "1.5", "--unit", "calendar_days"], "nguyên"),
        (
            ["--start", "2026-03-02 10:00", "--amount", "1", "--unit", "working_days",
             "--agency", "999.99.99.H99"],
            "Không tìm thấy cơ quan",
        ),
    ],
)  # fmt: skip
def test_bad_input_is_a_vietnamese_error_with_code_2(args, fragment):
    with pytest.raises(CommandError) as excinfo:
        call_command("worktime", "due", *args)
    assert excinfo.value.returncode == 2
    assert fragment in str(excinfo.value)
    assert "\n" not in str(excinfo.value)


def test_shell_exit_code_and_stderr_for_bad_input():
    result = subprocess.run(
        [sys.executable, "manage.py", "worktime", "due", "--start", "2026-02-30 10:00",
         "--amount", "1", "--unit", "working_days"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Thời điểm bắt đầu không hợp lệ" in result.stderr.strip().splitlines()[-1]


def test_days_lists_library_days_and_exceptions(capsys):
    from .factories import CalendarExceptionFactory

    CalendarExceptionFactory(decision="Văn bản kiểm thử số 1")
    call_command("worktime", "days", "--year", "2026")
    out = capsys.readouterr().out
    assert "17/02/2026" in out and "thư viện holidays" in out
    assert "07/03/2026" in out and "ngoại lệ: Văn bản kiểm thử số 1" in out
    assert "14/03/2026" not in out


def test_days_rejects_a_bad_year():
    with pytest.raises(CommandError) as excinfo:
        call_command("worktime", "days", "--year", "abc")
    assert excinfo.value.returncode == 2
