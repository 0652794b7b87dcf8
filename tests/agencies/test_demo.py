import datetime

import pytest

from agencies import demo
from agencies.models import Agency, AgencySuccession, OfficeHours

pytestmark = pytest.mark.django_db

FIXED_IDS = {
    "000.00.00.H13": "UBND thành phố Cần Thơ",
    "000.10.00.H13": "Sở Nội vụ",
    "000.11.00.H13": "Sở Tư pháp",
    "000.30.00.H13": "Trung tâm Phục vụ hành chính công thành phố Cần Thơ",
    "000.40.01.H13": "UBND phường Ninh Kiều",
    "000.40.02.H13": "UBND phường Cái Khế",
}


def _snapshot():
    return (
        list(Agency.objects.order_by("pk").values()),
        list(AgencySuccession.objects.order_by("pk").values()),
        list(OfficeHours.objects.order_by("pk").values()),
        Agency.history.count(),
    )


def test_seed_is_idempotent():
    demo.seed()
    first = _snapshot()
    demo.seed()
    assert _snapshot()[:3] == first[:3]
    assert len(first[0]) > 30


def test_seed_fixed_ids_and_two_snapshots():
    demo.seed()
    for electronic_id, name in FIXED_IDS.items():
        assert Agency.objects.get(electronic_id=electronic_id).name == name
    before = set(Agency.objects.active_on(datetime.date(2024, 6, 1)).values_list("name", flat=True))
    after = set(Agency.objects.active_on(datetime.date(2025, 7, 1)).values_list("name", flat=True))
    assert "UBND quận Ninh Kiều" in before and "UBND quận Ninh Kiều" not in after
    assert "Sở Nông nghiệp và Môi trường" in after and "Sở Nông nghiệp và Môi trường" not in before
    assert "Sở Nội vụ" in before and "Sở Nội vụ" in after
    assert "UBND phường Ninh Kiều" in after and "UBND phường Ninh Kiều" not in before
    districts = Agency.objects.filter(level=Agency.Level.DISTRICT)
    assert districts.count() == 9
    assert set(districts.values_list("valid_to", flat=True)) == {datetime.date(2025, 6, 30)}
    assert districts.get(name="UBND quận Ninh Kiều").admin_unit_code == "916"
    wards = Agency.objects.filter(unit_type=Agency.UnitType.WARD)
    assert wards.count() >= 9
    assert not Agency.objects.filter(is_demo_code=False).exists()
    assert Agency.objects.exclude(electronic_id="").count() == Agency.objects.count()


def test_seed_succession_links():
    demo.seed()
    nnmt = Agency.objects.get(name="Sở Nông nghiệp và Môi trường")
    predecessors = {link.predecessor.name: link for link in nnmt.succession_links_in.all()}
    assert set(predecessors) == {
        "Sở Nông nghiệp và Phát triển nông thôn",
        "Sở Tài nguyên và Môi trường",
    }
    assert all(link.reason == AgencySuccession.Reason.MERGE for link in predecessors.values())
    ninh_kieu = Agency.objects.get(name="UBND quận Ninh Kiều")
    successors = set(ninh_kieu.successors.values_list("name", flat=True))
    assert {"UBND phường Ninh Kiều", "UBND phường Cái Khế", "UBND phường Tân An"} <= successors
    assert all(link.is_partial for link in ninh_kieu.succession_links_out.all())
    assert not AgencySuccession.objects.filter(decision__icontains="1668").exists()
