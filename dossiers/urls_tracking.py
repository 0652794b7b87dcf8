"""Public tracking, mounted at /tra-cuu/."""

from django.urls import path

from .views import tracking

urlpatterns = [
    path("", tracking.track, name="track"),
]
