"""Dossier codes: format, daily sequence per unit, no gaps, no duplicates under concurrency."""

import threading

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from dossiers import services
from dossiers.codes import allocate_code
from dossiers.models import DossierCodeCounter
from tests.dossiers.factories import PDF_BYTES, ProcedureCaseFactory, RequiredDocumentFactory
from tests.factories import AgencyFactory, UserFactory

from .engine_helpers import fast_hasher, local  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_hasher")


def _allocate(unit, at):
    with transaction.atomic():
        return allocate_code(unit=unit, at=at)


@pytest.mark.django_db
def test_format_and_daily_sequence_per_unit():
    unit = AgencyFactory(electronic_id="000.00.12.H13")
    other = AgencyFactory(electronic_id="000.40.02.H13")
    day = local(2026, 3, 15, 9, 0)
    assert _allocate(unit, day) == "000.00.12.H13-260315-0001"
    assert _allocate(unit, day) == "000.00.12.H13-260315-0002"
    assert _allocate(other, day) == "000.40.02.H13-260315-0001"
    # the local day decides: 23:30 in Hà Nội time is still the 15th (16:30 UTC)
    assert _allocate(unit, local(2026, 3, 15, 23, 30)) == "000.00.12.H13-260315-0003"
    assert _allocate(unit, local(2026, 3, 16, 0, 5)) == "000.00.12.H13-260316-0001"


@pytest.mark.django_db
def test_unit_without_electronic_id_is_refused():
    unit = AgencyFactory(electronic_id="")
    with pytest.raises(ValidationError, match="mã định danh điện tử"):
        _allocate(unit, local(2026, 3, 15, 9))
    assert not DossierCodeCounter.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_allocation_needs_the_callers_transaction():
    with pytest.raises(RuntimeError):
        allocate_code(unit=AgencyFactory(), at=local(2026, 3, 15, 9))


def _draft(unit, citizen=None):
    case = ProcedureCaseFactory()
    doc = RequiredDocumentFactory(case=case)
    citizen = citizen or UserFactory()
    draft = services.create_draft(user=citizen, case=case, competent_agency=unit)
    upload = SimpleUploadedFile("a.pdf", PDF_BYTES, content_type="application/pdf")
    services.add_attachment(dossier=draft, user=citizen, file=upload, required_document=doc)
    return draft, citizen


@pytest.mark.django_db
@time_machine.travel(local(2026, 3, 16, 9, 0), tick=False)
def test_failed_submission_leaves_no_gap(monkeypatch):
    unit = AgencyFactory(electronic_id="000.40.01.H13")
    first, citizen = _draft(unit)

    def boom(*args, **kwargs):
        raise RuntimeError("mail queue down")

    monkeypatch.setattr(services, "_notify", boom)
    with pytest.raises(RuntimeError):
        services.submit_online(dossier=first, user=citizen)
    first.refresh_from_db()
    assert first.code is None and first.is_draft
    monkeypatch.undo()
    second, other = _draft(unit)
    assert services.submit_online(dossier=second, user=other).code.endswith("-260316-0001")
    assert services.submit_online(dossier=first, user=citizen).code.endswith("-260316-0002")


@pytest.mark.django_db
def test_double_submit_allocates_one_code():
    unit = AgencyFactory()
    draft, citizen = _draft(unit)
    a = services.submit_online(dossier=draft, user=citizen)
    b = services.submit_online(dossier=draft, user=citizen)
    assert a.code == b.code
    assert DossierCodeCounter.objects.get(unit=unit).last == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_consecutive_distinct_codes():
    unit = AgencyFactory(electronic_id="000.30.00.H13")
    drafts = [_draft(unit) for _ in range(20)]
    barrier = threading.Barrier(len(drafts))
    codes, errors = [], []

    def submit(draft, citizen):
        try:
            barrier.wait(timeout=30)
            codes.append(services.submit_online(dossier=draft, user=citizen).code)
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=pair) for pair in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    suffixes = sorted(code.rsplit("-", 1)[1] for code in codes)
    assert suffixes == [f"{n:04d}" for n in range(1, 21)]
    assert len(set(codes)) == 20
