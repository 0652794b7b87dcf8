"""The staff dossier page's record kept in the cache (dossiers.page_cache): a repeated view
reads neither papers nor timeline, and an action, a new paper or a renamed unit shows on the
next view. Transactional: the cache is never used inside a transaction."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dossiers import services
from dossiers.models import Dossier
from tests.dossiers.factories import PDF_BYTES
from tests.dossiers.staff_helpers import at_agency, build_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    return build_world()


def _record(response) -> str:
    html = response.content.decode()
    return html[html.index('<div class="col-lg-7">') : html.index('<div class="col-lg-5">')]


def _page(client, dossier):
    return client.get(reverse("dossiers:staff_detail", args=[dossier.code]))


@pytest.fixture
def dossier(world):
    return at_agency(world)


def test_a_repeated_view_reads_no_paper_and_no_event(client, world, dossier):
    client.force_login(world.leader)
    cold = _page(client, dossier)
    with CaptureQueriesContext(connection) as queries:
        warm = _page(client, dossier)
    sql = " ".join(q["sql"] for q in queries)
    assert "dossiers_dossierevent" not in sql and "dossiers_dossierattachment" not in sql
    assert 'INSERT INTO "audit_accesslog"' in sql  # every view is still logged
    assert _record(warm) == _record(cold)


def test_an_action_and_a_new_paper_show_at_once(client, world, dossier):
    client.force_login(world.leader)
    assert world.officer.full_name not in _record(_page(client, dossier))
    services.assign(dossier=dossier, by=world.leader, officer=world.officer)
    record = _record(_page(client, dossier))
    assert f"— {world.officer.full_name}" in record  # the holding unit's officer
    dossier = Dossier.objects.get(pk=dossier.pk)
    upload = SimpleUploadedFile("quyet-dinh.pdf", PDF_BYTES, content_type="application/pdf")
    services.add_result(dossier=dossier, by=world.leader, file=upload, title="Quyết định")
    assert "quyet-dinh.pdf" in _record(_page(client, dossier))


def test_a_renamed_unit_shows_at_once(client, world, dossier):
    client.force_login(world.leader)
    assert "Sở Tư pháp" in _record(_page(client, dossier))
    world.agency.name = "Sở Tư pháp thành phố"
    world.agency.save()
    assert "Sở Tư pháp thành phố" in _record(_page(client, dossier))


def test_a_copy_read_before_a_change_is_kept_under_its_own_revision(world, dossier):
    """The page reads the dossier before the tokens: a copy read just before a change commits
    and rendered after the token was replaced must not be served for the new state."""
    from dossiers import page_cache

    stale = Dossier.objects.get(pk=dossier.pk)
    services.assign(dossier=dossier, by=world.leader, officer=world.officer)
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert fresh.revision != stale.revision
    assert page_cache.record_key(stale) != page_cache.record_key(fresh)
    assert page_cache.record_key(fresh) == page_cache.record_key(fresh)
