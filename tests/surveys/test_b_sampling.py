"""Sample size, the sampling frame from returned dossiers, and a reproducible random sample."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from dossiers.models import Status
from surveys import sampling
from tests.dossiers.factories import DossierFactory
from tests.factories import AgencyFactory
from tests.surveys.factories import staff


@pytest.mark.parametrize(
    ("population", "margin", "expected"),
    [
        (1000, 0.05, 286),
        (100, 0.05, 80),
        (400, 0.05, 200),
        (0, 0.05, 0),
        (1, 0.05, 1),
        (10_000, 0.1, 100),
    ],
)
def test_sample_size(population, margin, expected):
    # 1000 / (1 + 1000 * 0.0025) = 285.71 -> 286; 100 / 1.25 = 80; 400 / 2 = 200
    assert sampling.sample_size(population, margin) == expected


def _rows(n):
    return [
        sampling.FrameRow(f"Người {i}", f"09{i:08d}", "1.001", "Thủ tục", f"HS-{i}", None, "Sở")
        for i in range(n)
    ]


def test_same_seed_same_sample_and_different_seed_differs():
    rows = _rows(500)
    first = sampling.draw_sample(rows, n=50, seed=12345)
    again = sampling.draw_sample(rows, n=50, seed=12345)
    other = sampling.draw_sample(rows, n=50, seed=54321)
    assert first == again
    assert first != other
    assert len({r.dossier_code for r in first}) == 50
    assert sampling.draw_sample(rows[:10], n=50, seed=1) == rows[:10]


@pytest.fixture
def returned(db):
    parent = AgencyFactory(name="Sở Tư pháp thử")
    child = AgencyFactory(name="Phòng thuộc Sở", parent=parent)
    other = AgencyFactory()
    base = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))
    made = []
    for i in range(12):
        made.append(
            DossierFactory(
                status=Status.RETURNED,
                competent_agency=child if i % 2 else parent,
                applicant_phone=f"0912{i:06d}",
                applicant_id_number=f"0921880{i:05d}",
                at=base + datetime.timedelta(days=i),
            )
        )
    # the same applicant twice counts once
    DossierFactory(
        status=Status.RETURNED,
        competent_agency=parent,
        applicant_id_number=made[0].applicant_id_number,
        at=base,
    )
    DossierFactory(status=Status.PROCESSING, competent_agency=parent, at=base)  # not returned
    DossierFactory(status=Status.RETURNED, competent_agency=other, at=base)  # other agency
    DossierFactory(
        status=Status.RETURNED, competent_agency=parent, at=base - datetime.timedelta(days=60)
    )  # before the period
    return {"parent": parent, "child": child}


def test_frame_from_returned_dossiers(returned):
    from surveys.selectors import descendant_ids

    ids = descendant_ids([returned["parent"].pk])
    frame = sampling.frame(
        agency_ids=ids, date_from=datetime.date(2026, 3, 1), date_to=datetime.date(2026, 3, 31)
    )
    assert len(frame) == 12
    only_parent = sampling.frame(
        agency_ids=descendant_ids([returned["parent"].pk], include_children=False),
        date_from=datetime.date(2026, 3, 1),
        date_to=datetime.date(2026, 3, 31),
    )
    assert len(only_parent) == 6
    sample = sampling.build_sample(
        agency_ids=ids,
        date_from=datetime.date(2026, 3, 1),
        date_to=datetime.date(2026, 3, 31),
        seed=777,
    )
    assert sample.population == 12
    assert sample.size == sampling.sample_size(12)  # 12 / 1.03 -> 12
    again = sampling.build_sample(
        agency_ids=ids,
        date_from=datetime.date(2026, 3, 1),
        date_to=datetime.date(2026, 3, 31),
        margin=0.3,
        seed=777,
    )
    assert again.size == 6  # 12 / (1 + 12 * 0.09) = 5.77 -> 6
    assert (
        again.rows
        == sampling.build_sample(
            agency_ids=ids,
            date_from=datetime.date(2026, 3, 1),
            date_to=datetime.date(2026, 3, 31),
            margin=0.3,
            seed=777,
        ).rows
    )


def test_sampling_page_permissions_and_seed(client, returned):
    url = reverse("surveys:sampling")
    leader = staff(Role.AGENCY_LEADER, agency=returned["parent"])
    client.force_login(leader)
    assert client.get(url).status_code == 403
    client.force_login(staff(Role.APPRAISER))
    params = {
        "agency": returned["parent"].pk,
        "children": "on",
        "date_from": "2026-03-01",
        "date_to": "2026-03-31",
        "margin": "20",
        "seed": "4242",
    }
    page = client.get(url, params)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="sample-seed">4242<' in body
    assert page.context["sample"].size == 9  # 12 / (1 + 12 * 0.04) = 8.1 -> 9
    names = [r.name for r in page.context["sample"].rows]
    assert names == [r.name for r in client.get(url, params).context["sample"].rows]
    # without a seed a new one is generated and shown
    page = client.get(url, {**params, "seed": ""})
    assert page.context["sample"].seed >= 1


def test_sampling_xlsx_builder(returned, tmp_path):
    from io import BytesIO

    from openpyxl import load_workbook

    from reports.registry import get_builder

    appraiser = staff(Role.APPRAISER)
    builder = get_builder("surveys.sampling.xlsx")
    params = builder.clean_params(
        {
            "agency": returned["parent"].pk,
            "children": "on",
            "date_from": "2026-03-01",
            "date_to": "2026-03-31",
            "margin": "20",
            "seed": "4242",
        }
    )
    assert builder.has_permission(appraiser, params)
    assert not builder.has_permission(staff(Role.CCHC_OFFICER), params)
    out = BytesIO()
    name = builder.build(params=params, out=out, progress=lambda p: None, user=appraiser)
    assert name.endswith(".xlsx")
    sheet = load_workbook(BytesIO(out.getvalue())).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    header_row = next(i for i, r in enumerate(values) if r[0] == "STT")
    data = values[header_row + 1 :]
    assert len(data) == 9
    assert data[0][2].startswith("0912")
