import datetime

import pytest
from django.core.management import CommandError, call_command

from procedures.demo import national_rows
from procedures.models import Procedure, ProcedureVersion

from .helpers import make_xlsx, real_records, row

pytestmark = pytest.mark.django_db


def run(path, *args):
    import io

    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_procedures", str(path), *args, stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        code = exc.returncode
    return code, out.getvalue().strip().splitlines(), err.getvalue()


def test_command_summary_and_exit_codes(tmp_path):
    path = tmp_path / "qd.xlsx"
    path.write_bytes(make_xlsx([row("1.000001"), row("1.000002", levels="Bộ")]))
    code, out, err = run(path, "--decision", "1234/QĐ-UBND", "--decision-date", "2026-03-15")
    assert code == 1
    assert out[-1] == "new=1 amended=0 unchanged=0 abolished=0 invalid=1"
    assert "Dòng 3, cột «Cấp thực hiện»" in err
    assert not Procedure.objects.exists()

    code, out, _err = run(path, "--skip-invalid", "--dry-run")
    assert (code, out[-1]) == (0, "new=1 amended=0 unchanged=0 abolished=0 invalid=1")
    assert not Procedure.objects.exists()

    code, out, _err = run(
        path, "--skip-invalid", "--decision", "1234/QĐ-UBND", "--decision-date", "2026-03-15"
    )
    assert (code, out[-1]) == (0, "new=1 amended=0 unchanged=0 abolished=0 invalid=1")
    version = ProcedureVersion.objects.get()
    assert version.valid_from == datetime.date(2026, 3, 15)
    assert version.announcement.number == "1234/QĐ-UBND"


def test_command_file_errors(tmp_path):
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"not excel")
    code, _out, _err = run(bad)
    assert code == 1
    with pytest.raises(CommandError, match="Không tìm thấy"):
        call_command("import_procedures", str(tmp_path / "missing.xlsx"))


def test_real_national_records_as_messy_input(tmp_path):
    """The 484 published records, converted 1:1 (no clean-up): bad rows are reported, the rest
    is imported, and a second run changes nothing."""
    rows = [r for record in real_records() for r in national_rows(record)]
    path = tmp_path / "real.xlsx"
    path.write_bytes(make_xlsx(rows))
    code, out, err = run(path, "--decision-date", "2026-01-01")
    assert code == 1 and not Procedure.objects.exists()
    counts = dict(kv.split("=") for kv in out[-1].split())
    assert int(counts["new"]) > 150 and int(counts["invalid"]) > 50
    assert "Cấp thực hiện không hợp lệ: «Bộ»" in err
    assert "Thời hạn là một số: cần ghi cột «Đơn vị thời gian»." in err

    code, out, _err = run(path, "--decision-date", "2026-01-01", "--skip-invalid")
    assert code == 0
    assert Procedure.objects.count() == int(counts["new"])
    code, out2, _err = run(path, "--decision-date", "2026-02-01", "--skip-invalid")
    assert (
        out2[-1]
        == f"new=0 amended=0 unchanged={counts['new']} abolished=0 invalid={counts['invalid']}"
    )
