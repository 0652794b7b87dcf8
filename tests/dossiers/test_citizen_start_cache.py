"""The start page of an online submission: its fields (cases, competent agencies) rendered once
per version, day and catalogue generation. Transactional: never cached inside a transaction."""

import re

import pytest
from django.urls import reverse

from tests.dossiers.citizen_helpers import make_world
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db(transaction=True)
FIELDS = "dossiers/citizen/_start_fields.html"


def _fields(response) -> str:
    """The start form without its CSRF token (a new mask each time)."""
    html = response.content.decode()
    form = html[html.index('<form method="post" novalidate data-submit-once') :]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", form[: form.index("</form>")])


def test_the_fields_come_from_the_cache_until_the_catalogue_changes(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = make_world()
    client.force_login(world.citizen)
    url = reverse("dossiers:submit", args=[world.version.procedure.code])
    first = client.get(url)
    assert world.agency.name in _fields(first)
    assert FIELDS in [t.name for t in first.templates]
    second = client.get(url)
    assert _fields(second) == _fields(first)
    assert FIELDS not in [t.name for t in second.templates]  # from the cache
    world.agency.name = "UBND phường Ninh Kiều mới"
    world.agency.save()  # agency names are in the catalogue's generation
    assert "UBND phường Ninh Kiều mới" in _fields(client.get(url))
    other = AgencyFactory(name="UBND phường Cái Khế")
    world.version.agency_links.create(agency=other)
    assert "UBND phường Cái Khế" in _fields(client.get(url))
    # a bound form (an error) is rendered with its input, not from the cache
    response = client.post(url, {"case": world.case.pk, "competent_agency": "999999"})
    assert response.status_code == 200 and "is-invalid" in _fields(response)
