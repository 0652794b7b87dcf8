import io

import pytest

from procedures import importer, services


@pytest.fixture
def run_import(db):
    """Import workbook bytes through the same path as the command; returns the plan."""

    def _run(data: bytes, *, decision_date=None, skip_invalid=False, user=None, decision=""):
        parsed = importer.read_workbook(io.BytesIO(data))
        return services.apply_import(
            parsed=parsed,
            user=user,
            decision_number=decision,
            decision_date=decision_date,
            skip_invalid=skip_invalid,
        )

    return _run
