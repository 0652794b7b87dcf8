"""What a change of a dossier, or of a row its pages show, retires in the caches: the queues of
the units it names (queue_cache) and its record on the staff page (page_cache). Both read their
tokens before the rows and keep nothing inside a transaction, so the tokens are replaced once
the change is committed: one write per transaction (core.generations.replace_many_after_commit),
however many rows a step of the workflow saves."""

from django.db.models.signals import post_delete, post_save

from core import generations

from . import page_cache, queue_cache
from .models import Apology, Dossier, DossierAttachment, DossierEvent, Refusal, SupplementRequest

PARTS = (DossierAttachment, DossierEvent, SupplementRequest, Refusal, Apology)


def dossier_changed(sender, instance, **kwargs) -> None:
    keys = [*queue_cache.unit_keys_of(instance), page_cache.DOSSIER_KEY.format(instance.pk)]
    generations.replace_many_after_commit(keys)


def part_changed(sender, instance, **kwargs) -> None:
    generations.replace_many_after_commit([page_cache.DOSSIER_KEY.format(instance.dossier_id)])


def bulk_written() -> None:
    """After a bulk write that sent no signal (demo data, benchmark data): retire every kept
    queue listing and dossier record."""
    keys = [queue_cache.EPOCH_KEY, page_cache.EPOCH_KEY]
    generations.replace_many_now_and_on_commit(keys)


def connect() -> None:
    for signal in (post_save, post_delete):
        name = "save" if signal is post_save else "delete"
        signal.connect(dossier_changed, sender=Dossier, dispatch_uid=f"dossiers.cache.{name}")
        for model in PARTS:
            signal.connect(
                part_changed, sender=model, dispatch_uid=f"dossiers.cache.{model.__name__}.{name}"
            )
