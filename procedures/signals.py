"""Any saved or deleted catalogue row (admin edits, services) retires the cached public
fragments, again once the transaction commits. Imports write in bulk (no signals) and call
services.catalogue_changed themselves."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save


def _changed(sender, **kwargs) -> None:
    from . import services

    # now (this transaction's own later reads) and after the commit (a page rendered by
    # another request in between from the old data must not stay cached)
    services.catalogue_changed()
    transaction.on_commit(services.catalogue_changed)


def connect() -> None:
    from agencies.models import Agency

    from . import models

    watched = [
        Agency,  # agency names appear in the catalogue
        models.Sector,
        models.Field,
        models.AnnouncementDecision,
        models.Procedure,
        models.ProcedureVersion,
        models.ProcedureCase,
        models.RequiredDocument,
        models.LegalBasis,
        models.ProcedureAgency,
        models.AnnouncementItem,
    ]
    for model in watched:
        uid = f"procedures.catalogue_changed.{model._meta.label}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + ".delete")
    m2m_changed.connect(
        _changed,
        sender=models.ProcedureVersion.agencies.through,
        dispatch_uid="procedures.catalogue_changed.m2m",
    )
