"""Record access to personal data and exports in audit.AccessLog (who, when, what, action, IP).

    from core import audit
    audit.record(request, action=audit.DOSSIER_VIEW, obj=dossier)
    audit.record(user, action=audit.EXPORT_REQUEST, obj=job, detail=job.kind)

`record` accepts a request or a user. Called with a user (from a service with no request), the
IP comes from the request being served, which `AuditContextMiddleware` remembers for the
current thread / task context. A failure to write the log never breaks the page, but is logged.
"""

import contextvars
import ipaddress
import logging

from django.db import transaction
from django.http import HttpRequest

logger = logging.getLogger(__name__)

DOSSIER_VIEW = "dossier.view"
ATTACHMENT_DOWNLOAD = "dossier.attachment"
FORM_PDF = "dossier.form_pdf"
EXPORT_REQUEST = "export.request"
EXPORT_DOWNLOAD = "export.download"

_current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "audit_current_request", default=None
)


class AuditContextMiddleware:
    """Remember the request being served so that services can log its IP address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def _ip(request) -> str | None:
    if request is None:
        return None
    value = request.META.get("REMOTE_ADDR") or ""
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def record(request_or_user, *, action: str, obj=None, detail: str = ""):
    """Append one AccessLog row; returns it (None if it could not be written)."""
    from audit.models import AccessLog

    if isinstance(request_or_user, HttpRequest):
        request, user = request_or_user, getattr(request_or_user, "user", None)
    else:
        request, user = _current_request.get(), request_or_user
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    fields = {
        "user": user,
        "user_label": (str(getattr(user, "email", "") or user) if user else "")[:255],
        "action": action,
        "detail": str(detail or "")[:500],
        "ip": _ip(request),
    }
    if obj is not None:
        meta = obj._meta
        fields.update(
            object_type=meta.label_lower,
            object_id=str(getattr(obj, "public_id", None) or obj.pk)[:100],
            object_repr=str(obj)[:255],
        )
    try:
        if transaction.get_connection().in_atomic_block:
            # a savepoint: a failed insert must not break the caller's transaction
            with transaction.atomic():
                return AccessLog.objects.create(**fields)
        return AccessLog.objects.create(**fields)  # autocommit: one INSERT, no BEGIN/COMMIT
    except Exception:  # the page must still answer; the failure itself is logged
        logger.exception("could not write the access log (%s)", action)
        return None
