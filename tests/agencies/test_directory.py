import datetime

import pytest
from django.urls import reverse

from agencies.models import Agency
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def _tree(count: int):
    city = AgencyFactory(name="UBND thành phố Thử", kind=Agency.Kind.PEOPLES_COMMITTEE)
    for i in range(count):
        department = AgencyFactory(parent=city)
        AgencyFactory(
            name=f"Phòng chuyên môn {i}",
            parent=department,
            kind=Agency.Kind.DIVISION,
            electronic_id="",
        )
        AgencyFactory(
            name=f"UBND phường Thử {i}",
            parent=city,
            level=Agency.Level.COMMUNE,
            kind=Agency.Kind.PEOPLES_COMMITTEE,
            unit_type=Agency.UnitType.WARD,
        )
    return city


def test_directory_groups_agencies_and_nests_sub_units(client):
    _tree(2)
    response = client.get(reverse("agencies:directory"))
    assert response.status_code == 200
    groups = {g.key: g for g in response.context["groups"]}
    assert [n.agency.name for n in groups["province"].nodes] == ["UBND thành phố Thử"]
    assert len(groups["departments"].nodes) == 2
    assert len(groups["communes"].nodes) == 2
    assert groups["departments"].nodes[0].children[0].agency.name.startswith("Phòng chuyên môn")
    assert "Phòng chuyên môn 1" in response.content.decode()


@pytest.mark.parametrize("count", [1, 25])
def test_directory_query_count_is_constant(client, django_assert_max_num_queries, count):
    _tree(count)
    with django_assert_max_num_queries(3):
        response = client.get(reverse("agencies:directory"))
    assert response.status_code == 200
    assert len(response.context["groups"][1].nodes) == count


def test_directory_shows_the_tree_on_a_given_date(client):
    AgencyFactory(name="Sở Cũ", valid_to=datetime.date(2025, 6, 30))
    AgencyFactory(name="Sở Mới", valid_from=datetime.date(2025, 7, 1))
    old = client.get(reverse("agencies:directory"), {"ngay": "2024-06-01"}).content.decode()
    new = client.get(reverse("agencies:directory"), {"ngay": "2025-07-01"}).content.decode()
    assert "Sở Cũ" in old and "Sở Mới" not in old
    assert "Sở Mới" in new and "Sở Cũ" not in new
    assert "01/06/2024" in old


def test_directory_bad_date_shows_error_and_falls_back_to_today(client):
    AgencyFactory(name="Sở Hiện hành")
    response = client.get(reverse("agencies:directory"), {"ngay": "không-phải-ngày"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ngày không hợp lệ" in body
    assert "Sở Hiện hành" in body
    assert 'value="không-phải-ngày"' in body
