"""Account pages that allauth does not provide: the citizen profile."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import services
from .forms import ProfileForm


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.update_profile(
            user=request.user,
            full_name=data["full_name"],
            phone=data.get("phone"),
            citizen_id=data.get("citizen_id"),
            address=data.get("address") or "",
            organisation_name=data.get("organisation_name") or "",
        )
        messages.success(request, _("Đã lưu thông tin tài khoản."))
        return redirect("accounts:profile")
    memberships = request.user.memberships.filter(is_active=True).select_related("agency")
    return render(request, "accounts/profile.html", {"form": form, "memberships": memberships})
