"""Reads for export jobs, always scoped to the asking user."""

from django.db.models import QuerySet

from accounts.models import Role
from accounts.permissions import has_role

from .models import ExportJob
from .registry import ReportBuilder, builders


def is_report_admin(user) -> bool:
    """Administrators see and download every job."""
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_superuser or has_role(user, Role.ADMINISTRATOR))
    )


def jobs_for(*, user) -> QuerySet[ExportJob]:
    """The jobs a user may see: their own, or all of them for an administrator."""
    if not getattr(user, "is_authenticated", False):
        return ExportJob.objects.none()
    qs = ExportJob.objects.select_related("requested_by").order_by("-created_at", "-id")
    if is_report_admin(user):
        return qs
    return qs.filter(requested_by=user)


def job_for(*, user, public_id) -> ExportJob | None:
    return jobs_for(user=user).filter(public_id=public_id).first()


def available_builders(*, user) -> list[ReportBuilder]:
    """Registered reports this user may request (checked with empty parameters)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [builder for builder in builders() if builder.has_permission(user, {})]
