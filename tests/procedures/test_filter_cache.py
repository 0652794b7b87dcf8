"""The catalogue's dropdown options are cached briefly (perf, issue 7); filtering stays live."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from agencies.models import Agency
from procedures.models import ProcedureAgency, ProcedureVersion

from .helpers import make_xlsx, row

pytestmark = pytest.mark.django_db
LIST = reverse("procedures:list")


@pytest.fixture
def catalogue(run_import):
    Agency.objects.create(name="UBND phường Ninh Kiều")
    run_import(
        make_xlsx(
            [
                row("1.001193", name="Đăng ký khai sinh", agency="UBND phường Ninh Kiều"),
                row("1.000894", name="Đăng ký kết hôn", agency="UBND phường Ninh Kiều"),
            ]
        ),
        decision_date=datetime.date(2025, 1, 1),
    )


def test_options_come_from_cache_after_the_first_request(
    client, catalogue, django_assert_num_queries
):
    first = client.get(LIST).content.decode()
    assert ">UBND phường Ninh Kiều</option>" in first
    # later agency links appear only when the cache entry expires ...
    newcomer = Agency.objects.create(name="Sở Tư pháp thử nghiệm")
    version = ProcedureVersion.objects.get(procedure__code="1.000894")
    ProcedureAgency.objects.create(version=version, agency=newcomer)
    with django_assert_num_queries(2):  # COUNT + one page of versions: no option queries
        cached = client.get(LIST).content.decode()
    assert "Sở Tư pháp thử nghiệm" not in cached
    # ... but choosing it already filters against the live data
    response = client.get(LIST, {"co_quan": newcomer.pk})
    assert [v.procedure.code for v in response.context["page"].object_list] == ["1.000894"]
    assert f'<option value="{newcomer.pk}" selected>' not in response.content.decode()
    cache.clear()
    fresh = client.get(LIST, {"co_quan": newcomer.pk}).content.decode()
    assert f'<option value="{newcomer.pk}" selected>Sở Tư pháp thử nghiệm</option>' in fresh


def test_unknown_option_is_still_rejected_next_to_the_field(client, catalogue):
    client.get(LIST)  # fills the cache
    response = client.get(LIST, {"co_quan": 999999, "q": "khai sinh"})
    html = response.content.decode()
    assert response.context["filter"].errors.get("co_quan")
    assert "invalid-feedback" in html and 'class="select form-select is-invalid"' in html
    assert '<select name="linh_vuc" class="select form-select" id="id_linh_vuc">' in html
    assert 'value="khai sinh"' in html  # what the user typed is kept
