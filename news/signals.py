"""Keep the cached home-page news list fresh: any article change invalidates it."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import selectors
from .models import Article


@receiver(post_save, sender=Article)
@receiver(post_delete, sender=Article)
def _article_changed(sender, **kwargs):
    selectors.invalidate_latest()
