"""The catalogue's dropdown options and rendered fragments are cached (perf, issue 7) until the
catalogue changes; filtering stays live."""

import datetime

import pytest
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


def test_options_come_from_cache_until_the_catalogue_changes(
    client, catalogue, django_assert_num_queries
):
    first = client.get(LIST).content.decode()
    assert ">UBND phường Ninh Kiều</option>" in first
    with django_assert_num_queries(0):  # options, count and page: all cached fragments
        again = client.get(LIST).content.decode()
    assert again.count("</option>") == first.count("</option>")
    # a new agency link retires the cached fragments and options at once
    newcomer = Agency.objects.create(name="Sở Tư pháp thử nghiệm")
    version = ProcedureVersion.objects.get(procedure__code="1.000894")
    ProcedureAgency.objects.create(version=version, agency=newcomer)
    fresh = client.get(LIST, {"co_quan": newcomer.pk})
    assert [v.procedure.code for v in fresh.context["catalogue"].page.object_list] == ["1.000894"]
    assert (
        f'<option value="{newcomer.pk}" selected>Sở Tư pháp thử nghiệm</option>'
        in fresh.content.decode()
    )


def test_a_changed_procedure_shows_at_once_on_cached_pages(client, catalogue):
    detail = reverse("procedures:detail", args=["1.000894"])
    assert "Đăng ký kết hôn" in client.get(LIST, {"q": "ket hon"}).content.decode()
    assert "Đăng ký kết hôn" in client.get(detail).content.decode()
    version = ProcedureVersion.objects.get(procedure__code="1.000894")
    version.name = "Đăng ký kết hôn có yếu tố nước ngoài"
    version.steps = "Bước mới: nộp hồ sơ"
    version.save()
    assert "có yếu tố nước ngoài" in client.get(LIST, {"q": "ket hon"}).content.decode()
    page = client.get(detail).content.decode()
    assert "có yếu tố nước ngoài" in page and "Bước mới: nộp hồ sơ" in page


def test_an_import_retires_cached_fragments(client, catalogue, run_import):
    assert "Cấp bản sao trích lục" not in client.get(LIST).content.decode()
    run_import(
        make_xlsx([row("2.000001", name="Cấp bản sao trích lục hộ tịch")]),
        decision_date=datetime.date(2025, 2, 1),
    )
    assert "Cấp bản sao trích lục hộ tịch" in client.get(LIST).content.decode()


def test_unknown_option_is_still_rejected_next_to_the_field(client, catalogue):
    client.get(LIST)  # fills the cache
    response = client.get(LIST, {"co_quan": 999999, "q": "khai sinh"})
    html = response.content.decode()
    assert response.context["catalogue"].filter.errors.get("co_quan")
    assert "invalid-feedback" in html and 'class="select form-select is-invalid"' in html
    assert '<select name="linh_vuc" class="select form-select" id="id_linh_vuc">' in html
    assert 'value="khai sinh"' in html  # what the user typed is kept
