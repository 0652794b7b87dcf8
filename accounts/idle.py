"""Staff sessions end after a period without activity (STAFF_IDLE_TIMEOUT_SECONDS, 30 min).

At login (`user_logged_in`) a staff account's session gets a last-activity timestamp; citizens'
sessions get none and keep the normal SESSION_COOKIE_AGE. The middleware logs a staff session
out when the gap since the last request is longer than the timeout and sends the user to the
login page with a Vietnamese explanation. The timestamp is refreshed at most once a minute so
that a busy officer does not cause a session write on every request.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from .permissions import is_staff_user

SESSION_KEY = "_staff_last_activity"
DEFAULT_TIMEOUT = 30 * 60
REFRESH_EVERY = 60


def timeout_seconds() -> int:
    return int(getattr(settings, "STAFF_IDLE_TIMEOUT_SECONDS", DEFAULT_TIMEOUT))


def is_staff_account(user) -> bool:
    return bool(user.is_staff or user.is_superuser or is_staff_user(user))


def mark_staff_session(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: start the idle clock for staff accounts."""
    session = getattr(request, "session", None)
    if session is not None and user is not None and is_staff_account(user):
        session[SESSION_KEY] = int(time.time())


class StaffIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        last = session.get(SESSION_KEY) if session is not None else None
        user = getattr(request, "user", None)
        if last is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            if now - int(last) > timeout_seconds():
                return self._expired(request)
            if now - int(last) >= REFRESH_EVERY:
                session[SESSION_KEY] = now
        return self.get_response(request)

    def _expired(self, request):
        logout(request)
        messages.warning(
            request,
            _(
                "Phiên làm việc đã kết thúc do không có thao tác trong %(minutes)d phút. "
                "Vui lòng đăng nhập lại."
            )
            % {"minutes": max(1, timeout_seconds() // 60)},
        )
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse(settings.LOGIN_URL)
            return response
        next_url = request.get_full_path() if request.method == "GET" else "/"
        return redirect_to_login(next_url)
