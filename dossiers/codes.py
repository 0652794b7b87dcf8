"""Dossier codes: `{receiving unit's electronic id}-{yyMMdd}-{NNNN}` (e.g. 000.00.12.H13-260315-0007).

The daily sequence lives in one `DossierCodeCounter` row per (unit, local day). It is created
race-free (savepoint + IntegrityError retry) and then locked with SELECT ... FOR UPDATE inside the
caller's transaction, so concurrent submissions queue on the row, no code repeats, and a failed
submission rolls its increment back (no gaps).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import DossierCodeCounter


def _locked_counter(unit, day: datetime.date) -> DossierCodeCounter:
    counters = DossierCodeCounter.objects.select_for_update()
    try:
        return counters.get(unit=unit, day=day)
    except DossierCodeCounter.DoesNotExist:
        pass
    try:
        with transaction.atomic():  # a savepoint: a concurrent insert only rolls this back
            DossierCodeCounter.objects.create(unit=unit, day=day, last=0)
    except IntegrityError:
        pass  # another transaction created it first; its lock is awaited below
    return counters.get(unit=unit, day=day)


def allocate_code(*, unit, at: datetime.datetime | None = None) -> str:
    """Allocate the next code of `unit` for the local day of `at` (default now).

    Must run inside the transaction that saves the dossier (raises otherwise).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate_code must run inside the caller's transaction")
    if not unit.electronic_id:
        raise ValidationError(
            _(
                "Đơn vị tiếp nhận “%(unit)s” chưa có mã định danh điện tử nên không thể cấp mã "
                "hồ sơ. Vui lòng liên hệ quản trị hệ thống."
            )
            % {"unit": unit}
        )
    day = timezone.localdate(at or timezone.now())
    counter = _locked_counter(unit, day)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{unit.electronic_id}-{day:%y%m%d}-{counter.last:04d}"
