"""Public tracking (/tra-cuu/): code + secret or phone digits, no personal data, neutral
answers for wrong guesses, per-IP rate limit, no Referer leak."""

import re

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role, StaffMembership
from core import ratelimit
from dossiers import services
from tests.dossiers.citizen_helpers import make_world, submitted_dossier
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

URL = "/tra-cuu/"
NOT_FOUND = "Không tìm thấy hồ sơ phù hợp"


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def dossier():
    world = make_world(phone="0987654321")
    dossier = submitted_dossier(world)
    services.accept(dossier=dossier, by=world.desk)
    dossier.refresh_from_db()
    return dossier


def _alert(html: str) -> str:
    match = re.search(
        r'<div class="alert[^"]*"[^>]*id="tracking-not-found">(.*?)</div>', html, re.S
    )
    return match.group(1).strip() if match else ""


def test_url_name():
    assert reverse("dossiers:track") == URL


def test_tracking_by_secret_shows_status_without_personal_data(client, dossier):
    response = client.post(URL, {"code": dossier.code, "secret": dossier.tracking_secret})
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "strict-origin"
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert 'id="tracking-result"' in page
    assert "Được tiếp nhận" in page
    assert dossier.procedure_version.name in page
    assert dossier.receiving_unit.name in page
    assert "N. V. A." in page
    for private in (
        "Nguyễn Văn An",
        "0987654321",
        "12 Hòa Bình",
        "092090000123",
        dossier.applicant_email,
        dossier.tracking_secret,
        dossier.applicant_user.full_name,
    ):
        assert private not in page, private


def test_tracking_by_last_four_phone_digits(client, dossier):
    response = client.post(URL, {"code": dossier.code, "secret": "4321"})
    assert 'id="tracking-result"' in response.content.decode()


def test_secret_is_case_insensitive_and_code_is_trimmed(client, dossier):
    response = client.post(
        URL, {"code": f"  {dossier.code.lower()} ", "secret": dossier.tracking_secret.lower()}
    )
    assert 'id="tracking-result"' in response.content.decode()


def test_qr_link_fills_and_submits(client, dossier):
    response = client.get(URL, {"ma": dossier.code, "k": dossier.tracking_secret})
    assert response["Referrer-Policy"] == "strict-origin"
    assert 'id="tracking-result"' in response.content.decode()


def test_wrong_secret_and_unknown_code_give_the_same_neutral_answer(client, dossier):
    wrong = client.post(URL, {"code": dossier.code, "secret": "AAAAAAAA"}).content.decode()
    unknown = client.post(
        URL, {"code": "000.00.00.H13-990101-0001", "secret": "AAAAAAAA"}
    ).content.decode()
    assert NOT_FOUND in wrong and NOT_FOUND in unknown
    assert _alert(wrong) == _alert(unknown) != ""
    for page in (wrong, unknown):
        assert 'id="tracking-result"' not in page
        assert dossier.procedure_version.name not in page
        assert "N. V. A." not in page


def test_code_alone_reveals_nothing(client, dossier):
    page = client.post(URL, {"code": dossier.code, "secret": ""}).content.decode()
    assert "Vui lòng nhập mã tra cứu" in page
    assert 'id="tracking-result"' not in page
    assert dossier.procedure_version.name not in page
    page = client.get(URL, {"ma": dossier.code}).content.decode()
    assert 'id="tracking-result"' not in page


def test_drafts_are_never_found(client):
    world = make_world()
    draft = services.create_draft(
        user=world.citizen, case=world.case, competent_agency=world.agency
    )
    page = client.post(URL, {"code": "", "secret": draft.tracking_secret}).content.decode()
    assert 'id="tracking-result"' not in page


def test_rate_limit_after_ten_failures_per_ip(client, dossier):
    for _ in range(10):
        response = client.post(URL, {"code": dossier.code, "secret": "WRONG123"})
        assert response.status_code == 200
        assert NOT_FOUND in response.content.decode()
    response = client.post(URL, {"code": dossier.code, "secret": "WRONG123"})
    assert response.status_code == 429
    assert "Bạn đã tra cứu sai quá nhiều lần" in response.content.decode()
    assert response["Referrer-Policy"] == "strict-origin"
    # while blocked even the right secret is refused (no oracle for the attacker)
    blocked = client.post(URL, {"code": dossier.code, "secret": dossier.tracking_secret})
    assert blocked.status_code == 429
    # another address is not affected
    other = client.post(
        URL,
        {"code": dossier.code, "secret": dossier.tracking_secret},
        REMOTE_ADDR="10.9.8.7",
    )
    assert other.status_code == 200 and 'id="tracking-result"' in other.content.decode()


def test_successful_lookups_are_not_counted(client, dossier):
    for _ in range(15):
        response = client.post(URL, {"code": dossier.code, "secret": dossier.tracking_secret})
        assert response.status_code == 200


def test_rate_limit_window_expires(client, dossier):
    with time_machine.travel("2026-03-02 08:00:00+07:00", tick=False) as traveller:
        for _ in range(11):
            client.post(URL, {"code": dossier.code, "secret": "WRONG123"})
        assert client.post(URL, {"code": dossier.code, "secret": "x"}).status_code == 429
        traveller.shift(15 * 60 + 1)
        assert client.post(URL, {"code": dossier.code, "secret": "x"}).status_code == 200


def test_ratelimit_hit_counts_in_fixed_windows():
    with time_machine.travel("2026-03-02 08:00:00+07:00", tick=False) as traveller:
        assert [ratelimit.hit("k", limit=3, window=60) for _ in range(4)] == [
            True,
            True,
            True,
            False,
        ]
        assert ratelimit.exceeded("k", limit=3, window=60)
        assert ratelimit.count("k", window=60) == 4
        assert not ratelimit.exceeded("other", limit=3, window=60)
        traveller.shift(60)
        assert ratelimit.count("k", window=60) == 0
        assert ratelimit.hit("k", limit=3, window=60)


def test_a_cached_result_follows_every_change_of_the_dossier(client, dossier):
    """The result block is cached per dossier revision and last public event: a state change
    shows at once, and the cached copy is served while nothing changed."""
    lookup = {"ma": dossier.code, "k": dossier.tracking_secret}
    first = client.get(URL, lookup).content.decode()
    assert "Được tiếp nhận" in first
    assert client.get(URL, lookup).content.decode().count("list-group-item") == first.count(
        "list-group-item"
    )
    desk = StaffMembership.objects.get(agency=dossier.receiving_unit, role=Role.DESK_OFFICER).user
    services.hand_over(dossier=dossier, by=desk, to_unit=AgencyFactory(name="Phòng Tư pháp"))
    page = client.get(URL, lookup).content.decode()
    assert "Đang xử lý" in page and "Phòng Tư pháp" in page
    assert page.count("list-group-item") > first.count("list-group-item")


def test_a_repeated_lookup_reads_the_limit_and_both_blocks_in_one_round_trip(
    client, dossier, monkeypatch
):
    from tests.cache_reads import record_cache_reads

    def blocks(page: str) -> tuple[str, str]:
        form = page.split('name="code"')[1].split("</form>")[0]
        result = page.split('id="tracking-result"')[1].split("</section>")[0]
        return " ".join(form.split()), " ".join(result.split())

    lookup = {"ma": dossier.code, "k": dossier.tracking_secret}
    first = client.get(URL, lookup).content.decode()
    reads = record_cache_reads(monkeypatch)
    again = client.get(URL, lookup).content.decode()
    # the rate limit, the form and the result, in one read (the footer reads its counters)
    many = [r for r in reads if isinstance(r, list) and not r[0].startswith("visits:")]
    assert len(many) == 1 and len(many[0]) == 3
    assert many[0][0].startswith("ratelimit:dossier-tracking:")
    assert not any(isinstance(r, str) and r.startswith("template.cache") for r in reads)
    assert blocks(again) == blocks(first)
    assert dossier.code in blocks(again)[0] and dossier.code in blocks(again)[1]
