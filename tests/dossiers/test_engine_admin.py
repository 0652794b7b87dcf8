"""The dossier admin is read-only: no add, change or delete, events shown inline."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from dossiers.admin import DossierAdmin, DossierEventInline
from dossiers.models import Dossier
from tests.dossiers.factories import DossierFactory
from tests.factories import UserFactory

from .engine_helpers import fast_hasher  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher")]


def test_admin_is_read_only():
    model_admin = admin.site._registry[Dossier]
    assert isinstance(model_admin, DossierAdmin)
    request = RequestFactory().get("/quan-tri/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    dossier = DossierFactory()
    assert model_admin.has_view_permission(request, dossier)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, dossier)
    assert not model_admin.has_delete_permission(request, dossier)
    assert DossierEventInline in model_admin.inlines
    inline = DossierEventInline(Dossier, admin.site)
    assert not inline.has_add_permission(request, dossier)
    assert not inline.has_delete_permission(request, dossier)
