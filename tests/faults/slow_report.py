"""A test-only report builder that takes its time, so a worker can be killed in the middle.

The fault test registers it in the test process (`ensure_registered`); the worker subprocess
imports this module (`celery worker -I tests.faults.slow_report`), which registers it there.
The delay per step comes from SLOW_REPORT_DELAY in the worker's environment.
"""

import os
import time

from reports.registry import ReportBuilder, _registry, register

KIND = "tests.faults.slow.xlsx"
STEPS = 40


class SlowReport(ReportBuilder):
    kind = KIND
    label = "Báo cáo chậm (kiểm thử)"
    file_extension = "xlsx"

    def has_permission(self, user, params: dict) -> bool:
        return True

    def build(self, *, params: dict, out, progress, user) -> str:
        delay = float(os.environ.get("SLOW_REPORT_DELAY", "0"))
        for step in range(STEPS):
            out.write(b"PK" + bytes(1022))
            out.flush()
            progress(step * 100 // STEPS)
            time.sleep(delay)
        return "bao-cao-cham.xlsx"


def ensure_registered() -> None:
    if KIND not in _registry:
        register(SlowReport)


if os.environ.get("CCHC_FAULTS_WORKER") == "1":
    ensure_registered()
