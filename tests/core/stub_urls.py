"""URLconf for core tests: the real one plus stand-ins for URL names other apps will provide."""

from django.http import HttpResponse
from django.urls import include, path

from cchc_portal.urls import urlpatterns as real_urlpatterns


def stub(request):
    return HttpResponse("stub")


def _namespace(app, names):
    return path(f"stub-{app}/", include(([path(f"{n}/", stub, name=n) for n in names], app)))


urlpatterns = [
    _namespace("procedures", ["list"]),
    _namespace("dossiers", ["track", "submit_start", "my_dossiers", "desk", "queue"]),
    _namespace("surveys", ["public_list", "manage"]),
    _namespace("scoring", ["public_ranking", "assessment_list"]),
    _namespace("news", ["list", "manage"]),
    _namespace("agencies", ["directory"]),
    _namespace("reports", ["catalogue"]),
    *real_urlpatterns,
]
