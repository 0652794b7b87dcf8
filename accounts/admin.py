"""Django admin for users and staff memberships (memberships keep their history)."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import StaffMembership, User
from .validators import normalize_phone


class _PhoneCleaningMixin:
    def clean_phone(self):
        phone = (self.cleaned_data.get("phone") or "").strip()
        return normalize_phone(phone) if phone else None

    def clean_citizen_id(self):
        return (self.cleaned_data.get("citizen_id") or "").strip() or None

    def clean_email(self):
        email = (self.cleaned_data.get("email") or "").strip().lower()
        return email or None


class AdminUserCreationForm(_PhoneCleaningMixin, BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "phone", "full_name", "kind")


class AdminUserChangeForm(_PhoneCleaningMixin, UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes: dict = {}
        widgets = {"address": forms.TextInput(attrs={"size": 60})}


class MembershipInline(admin.TabularInline):
    model = StaffMembership
    extra = 0
    raw_id_fields = ["agency"]
    fields = ["agency", "role", "is_active", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    inlines = [MembershipInline]
    list_display = ["email", "phone", "full_name", "kind", "is_active", "is_staff"]
    list_filter = ["kind", "is_active", "is_staff", "is_superuser", "memberships__role"]
    search_fields = ["email", "phone", "full_name", "citizen_id"]
    ordering = ["email"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "phone", "password")}),
        (
            _("Thông tin cá nhân"),
            {"fields": ("full_name", "kind", "organisation_name", "citizen_id", "address")},
        ),
        (
            _("Quyền"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Thời điểm"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "phone", "full_name", "kind", "password1", "password2"),
            },
        ),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # An administrator vouches for the email of an account they create or edit.
        if not change or "email" in form.changed_data:
            services.mark_email_verified(user=obj)


@admin.register(StaffMembership)
class StaffMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "agency", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__email", "user__full_name", "agency__name"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["agency"]
    list_select_related = ["user", "agency"]
