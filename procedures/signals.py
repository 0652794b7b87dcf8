"""Any saved or deleted catalogue row (admin edits, services) retires the cached public
fragments, again once the transaction commits. Imports write in bulk (no signals) and call
core.generations.replace_now_and_on_commit themselves."""

from django.db.models.signals import m2m_changed

from core import generations


def _changed(sender, **kwargs) -> None:
    from .selectors import GENERATION_KEY

    generations.replace_now_and_on_commit(GENERATION_KEY)


def connect() -> None:
    from agencies.models import Agency

    from . import models
    from .selectors import GENERATION_KEY

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
    generations.watch(GENERATION_KEY, watched, uid="procedures.catalogue_changed")
    m2m_changed.connect(
        _changed,
        sender=models.ProcedureVersion.agencies.through,
        dispatch_uid="procedures.catalogue_changed.m2m",
    )
