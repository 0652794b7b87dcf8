import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.urls import reverse

from agencies.models import Agency, AgencySuccession, CalendarException, OfficeHours
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    # A staff user holding every permission of the app (not a superuser: superusers must
    # activate TOTP first, which is the accounts app's business).
    user = UserFactory(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="agencies"))
    client.force_login(user)
    client.user = user
    return client


def test_agency_cannot_be_deleted(admin_client):
    agency = AgencyFactory()
    changelist = admin_client.get(reverse("admin:agencies_agency_changelist"))
    assert changelist.status_code == 200
    assert "delete_selected" not in dict(changelist.context["action_form"].fields["action"].choices)
    delete_url = reverse("admin:agencies_agency_delete", args=[agency.pk])
    assert admin_client.get(delete_url).status_code == 403
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    response = admin_client.post(
        reverse("admin:agencies_agency_changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [agency.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert Agency.objects.filter(pk=agency.pk).exists()


def test_close_action_asks_for_a_date_then_sets_valid_to(admin_client):
    agencies = [AgencyFactory(), AgencyFactory()]
    url = reverse("admin:agencies_agency_changelist")
    ids = [a.pk for a in agencies]
    confirm = admin_client.post(url, {"action": "close_agencies", ACTION_CHECKBOX_NAME: ids})
    assert confirm.status_code == 200
    assert "Đóng cơ quan" in confirm.content.decode()
    done = admin_client.post(
        url,
        {
            "action": "close_agencies",
            ACTION_CHECKBOX_NAME: ids,
            "apply": "1",
            "valid_to": "2025-06-30",
            "reason": "Sắp xếp bộ máy",
        },
    )
    assert done.status_code == 302
    for agency in agencies:
        agency.refresh_from_db()
        assert agency.valid_to == datetime.date(2025, 6, 30)
        latest = agency.history.first()
        assert latest.history_user == admin_client.user
        assert latest.history_change_reason == "Sắp xếp bộ máy"


def test_close_action_refuses_a_date_before_valid_from(admin_client):
    agency = AgencyFactory(valid_from=datetime.date(2025, 7, 1))
    admin_client.post(
        reverse("admin:agencies_agency_changelist"),
        {
            "action": "close_agencies",
            ACTION_CHECKBOX_NAME: [agency.pk],
            "apply": "1",
            "valid_to": "2025-01-01",
        },
    )
    agency.refresh_from_db()
    assert agency.valid_to is None


def test_agency_admin_pages_filters_search_and_history(admin_client):
    parent = AgencyFactory(name="UBND thành phố Thử")
    child = AgencyFactory(name="Sở Thử", parent=parent, electronic_id="000.88.00.H13")
    AgencySuccession.objects.create(
        predecessor=parent,
        successor=child,
        reason=AgencySuccession.Reason.TRANSFER,
        effective_date=datetime.date(2025, 7, 1),
    )
    url = reverse("admin:agencies_agency_changelist")
    assert "Sở Thử" in admin_client.get(url, {"q": "000.88.00"}).content.decode()
    assert admin_client.get(url, {"hieu_luc": "active", "level": "province"}).status_code == 200
    change = admin_client.get(reverse("admin:agencies_agency_change", args=[child.pk]))
    assert change.status_code == 200
    assert "cơ quan tiền thân" in change.content.decode().lower()
    history = admin_client.get(reverse("admin:agencies_agency_history", args=[child.pk]))
    assert history.status_code == 200
    autocomplete = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "agencies",
            "model_name": "agency",
            "field_name": "parent",
            "term": "thành phố",
        },
    )
    assert autocomplete.status_code == 200
    assert [r["text"] for r in autocomplete.json()["results"]] == ["UBND thành phố Thử"]


def test_calendar_admin_pages(admin_client):
    CalendarException.objects.create(
        date=datetime.date(2026, 3, 7),
        kind=CalendarException.Kind.WORKING_DAY,
        name="Làm bù",
        decision="Văn bản kiểm thử",
    )
    for name in ("calendarexception", "officehours", "agencysuccession"):
        assert admin_client.get(reverse(f"admin:agencies_{name}_changelist")).status_code == 200
        assert admin_client.get(reverse(f"admin:agencies_{name}_add")).status_code == 200
    default = OfficeHours.objects.get(agency=None)
    delete_url = reverse("admin:agencies_officehours_delete", args=[default.pk])
    assert admin_client.get(delete_url).status_code == 403


def test_office_hours_admin_rejects_overlapping_rows(admin_client):
    response = admin_client.post(
        reverse("admin:agencies_officehours_add"),
        {
            "valid_from": "2010-01-01",
            "morning_start": "07:00",
            "morning_end": "11:30",
            "afternoon_start": "13:30",
            "afternoon_end": "17:00",
        },
    )
    assert response.status_code == 200
    assert "trùng" in response.content.decode()
    assert OfficeHours.objects.count() == 1
