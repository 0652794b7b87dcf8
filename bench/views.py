"""The ceiling of `make bench`: a bare Django view, routed only when BENCH_MODE=1."""

from django.http import HttpResponse


def hello(request):
    return HttpResponse("ok")
