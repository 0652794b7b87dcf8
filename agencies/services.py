"""Writes on the agency registry. Agencies are never deleted: they are closed (valid_to)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import Agency


def close_agency(*, agency: Agency, valid_to: datetime.date, by=None, reason: str = "") -> Agency:
    """Set the last day an agency is in force. History records who did it and why."""
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
        if valid_to < agency.valid_from:
            raise ValidationError(
                {"valid_to": _("Ngày hết hiệu lực không được trước ngày bắt đầu hiệu lực.")}
            )
        agency.valid_to = valid_to
        if by is not None:
            agency._history_user = by
        agency._change_reason = reason or str(_("Đóng cơ quan"))
        agency.save(update_fields=["valid_to"])
    return agency
